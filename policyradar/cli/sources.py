"""``policyradar sources check`` and ``policyradar sources record``: test and refresh sources."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from policyradar.cli.common import EXIT_NOTHING_DONE as EXIT_BROKEN
from policyradar.cli.common import EXIT_USAGE, fail, print_json
from policyradar.config import SOURCES_FILE
from policyradar.i18n import error, reason, t

if TYPE_CHECKING:
    from policyradar.cli.common import Context
    from policyradar.config import Config, Source
    from policyradar.sourcekit.check import SourceHealth

_STYLE = {"ok": "green", "warn": "yellow", "broken": "bold red", "unreachable": "magenta"}


def _choose(config: Config, ids: tuple[str, ...], lang: str) -> list[Source]:
    try:
        return [config.source(i) for i in ids] if ids else [s for s in config.sources if s.enabled]
    except KeyError as exc:
        path = config.home / SOURCES_FILE
        fail(error("no_source_id", lang, path=path, id=repr(exc.args[0])), EXIT_USAGE)
        raise  # unreachable


@click.command("check", short_help="Fetch sources once; report entries and probably broken ones.")
@click.argument("source_ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--articles",
    type=click.IntRange(1, 50),
    default=3,
    show_default=True,
    help="Follow at most this many articles of each list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def check_command(obj: Context, source_ids: tuple[str, ...], articles: int, as_json: bool) -> None:
    """Fetch each source once (the enabled ones, or those named) and report entries found,
    parse failures and a verdict: ok, warn, "probably broken" (the page no longer matches the
    selectors, or is blocked) or "network unreachable" (this machine cannot reach the site:
    see `policyradar doctor`). Nothing is stored: the crawl runs in a throwaway home. Exits 1
    if any source is probably broken or unreachable.
    """
    from policyradar.sourcekit.check import BROKEN, UNREACHABLE, check_sources

    config = obj.config()
    chosen = _choose(config, source_ids, obj.lang)
    if not chosen:
        fail(error("no_enabled_sources", obj.lang), EXIT_BROKEN)
    with tempfile.TemporaryDirectory(prefix="policyradar-check-") as tmp:
        results = check_sources(config, chosen, Path(tmp), articles=articles)
    if as_json:
        print_json([h.to_json() for h in results])
    else:
        _print_table(obj, results)
    if any(h.verdict in (BROKEN, UNREACHABLE) for h in results):
        sys.exit(EXIT_BROKEN)


def _print_table(obj: Context, results: list[SourceHealth]) -> None:
    from rich.table import Table
    from rich.text import Text

    from policyradar.sourcekit.check import VERDICTS
    from policyradar.text.clean import clean

    lang = obj.lang
    table = Table()
    for column in ("source", "kind"):
        table.add_column(t(column, lang))
    for column in ("entries", "documents", "failures", "verdict", "reason"):
        table.add_column(t(f"check_{column}", lang))
    for h in results:
        table.add_row(
            h.id,
            h.kind,
            str(h.entries),
            str(h.documents),
            str(h.parse_failures),
            Text(t(f"verdict_{h.verdict}", lang), style=_STYLE[h.verdict]),
            Text(clean("\n".join(reason(r, lang) for r in h.reasons[:3]), 300, one_line=False)),
        )
    console = obj.console()
    console.print(table)
    counts = {v: sum(1 for h in results if h.verdict == v) for v in VERDICTS}
    console.print(t("check_summary", lang, n=len(results), **counts))


@click.command("record", short_help="Save a source's live responses as a test fixture.")
@click.argument("source_id", metavar="ID")
@click.option(
    "--snapshot",
    default="s1",
    show_default=True,
    help="Snapshot folder to write (replaced if it exists).",
)
@click.option(
    "--into",
    "fixtures",
    type=click.Path(file_okay=False, path_type=Path),
    help="Fixtures folder [default: tests/fixtures/sources of this checkout].",
)
@click.option(
    "--articles",
    type=click.IntRange(1, 50),
    default=5,
    show_default=True,
    help="Save at most this many articles of a list.",
)
@click.pass_obj
def record_command(
    obj: Context, source_id: str, snapshot: str, fixtures: Path | None, articles: int
) -> None:
    """Save a source's live responses (its entry page and first articles) as a new fixture
    in FIXTURES/ID/SNAPSHOT/, with an expected.toml of what the crawl found.
    """
    from policyradar.sourcekit.fixtures import FIXTURES_DIR
    from policyradar.sourcekit.record import RecordError, record_source

    if not snapshot or "/" in snapshot or "\\" in snapshot or snapshot.startswith("."):
        fail(error("bad_snapshot", obj.lang, name=repr(snapshot)), EXIT_USAGE)
    config = obj.config()
    (source,) = _choose(config, (source_id,), obj.lang)
    target = fixtures or FIXTURES_DIR
    if fixtures is None and not FIXTURES_DIR.parent.is_dir():
        fail(error("no_fixtures_dir", obj.lang), EXIT_USAGE)
    with tempfile.TemporaryDirectory(prefix="policyradar-record-") as tmp:
        try:
            done = record_source(
                config, source, target, Path(tmp), snapshot=snapshot, articles=articles
            )
        except RecordError as exc:
            fail(f"{source_id}: {exc}", EXIT_BROKEN)
            raise  # unreachable
    for line in done.skipped:
        click.echo(f"skipped {line}", err=True)
    click.echo(
        t(
            "recorded",
            obj.lang,
            files=len(done.files),
            folder=done.folder,
            documents=done.documents,
        )
    )


@click.group("sources", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def sources_group(ctx: click.Context, as_json: bool) -> None:
    """List configured sources with their last outcome; `check` and `record` test them."""
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    config = obj.config()
    last = {}
    if config.database.exists():
        with obj.storage() as storage:
            last = storage.last_outcomes()
    if as_json:
        rows = []
        for s in config.sources:
            outcome = last.get(s.id)
            rows.append(
                {
                    "id": s.id,
                    "name": s.name,
                    "kind": s.kind,
                    "urls": list(s.entry_urls),
                    "marketplace": s.marketplace,
                    "language": s.language,
                    "enabled": s.enabled,
                    "last_run": outcome[1] if outcome else None,
                    "last_outcome": outcome[0].to_json() if outcome else None,
                }
            )
        print_json(rows)
        return
    from policyradar.display import sources_table

    obj.console().print(sources_table(config.sources, last, obj.lang))


sources_group.add_command(check_command)
sources_group.add_command(record_command)
