"""``doctor``: the home, database, caches, disk and network checked; one line each, with a fix."""

from __future__ import annotations

import sys

import click

from policyradar.cli.common import EXIT_NOTHING_DONE, Context, print_json
from policyradar.i18n import t

_MARK = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "bold red")}


@click.command()
@click.option(
    "--offline",
    is_flag=True,
    help="Leave out the network checks (source hosts, subscription services).",
)
@click.option(
    "--web",
    metavar="URL",
    help="Also check that the web UI answers at URL (sends POLICYRADAR_TOKEN if set).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 60),
    default=5.0,
    show_default=True,
    help="Seconds for each network check.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of the checks.")
@click.pass_obj
def doctor(obj: Context, offline: bool, web: str | None, timeout: float, as_json: bool) -> None:
    """Check that this home can crawl and deliver: config, database (integrity, migrations),
    lexicon cache, free disk, chromium for rendered sources, each subscription's target, and
    each source host's DNS and HTTPS. Exits 0 when nothing failed, 1 otherwise.
    """
    from rich.cells import cell_len
    from rich.text import Text

    from policyradar.doctor import failed, run_checks

    checks = run_checks(obj.home, obj.lang, offline=offline, web=web, timeout=timeout)
    if as_json:
        print_json([c.to_json() for c in checks])
    else:
        console = obj.console()
        width = max(cell_len(c.name) for c in checks)
        for c in checks:
            mark, style = _MARK[c.status]
            line = Text(f"{mark} ", style=style)
            line.append(c.name + " " * (width - cell_len(c.name)), style="bold")
            line.append(f"  {c.detail}")
            if c.fix:
                line.append(f"  → {t('doctor_fix', obj.lang)}{c.fix}", style="cyan")
            console.print(line, soft_wrap=True)
        counts = {s: sum(1 for c in checks if c.status == s) for s in ("ok", "warn", "fail")}
        console.print(t("doctor_summary", obj.lang, **counts))
    if failed(checks):
        sys.exit(EXIT_NOTHING_DONE)
