"""The ``policyradar`` command."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from policyradar.config import (
    CONFIG_FILE,
    SOURCES_FILE,
    Config,
    ConfigError,
    load_config,
    resolve_home,
)
from policyradar.i18n import t
from policyradar.resources import data_path

EXIT_NOTHING_DONE, EXIT_USAGE = 1, 2


class Context:
    def __init__(self, home: Path, lang: str, verbose: int) -> None:
        self.home, self.lang, self.verbose = home, lang, verbose

    def config(self) -> Config:
        try:
            return load_config(self.home)
        except ConfigError as exc:
            fail(str(exc), EXIT_USAGE)
            raise  # unreachable

    def storage(self) -> Any:
        from policyradar.storage import Storage

        return Storage(self.home / "policyradar.db")

    def console(self) -> Any:
        from rich.console import Console

        return Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def fail(message: str, code: int) -> None:
    click.echo(f"policyradar: {message}", err=True)
    sys.exit(code)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date such as 2026-03-01") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="POLICYRADAR_HOME",
    help="Folder with config.toml, sources.toml and the database "
    "[env POLICYRADAR_HOME; default ~/.policyradar].",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    envvar="POLICYRADAR_LANG",
    default="zh",
    show_default=True,
    help="Language of human output.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, lang: str, verbose: int) -> None:
    """PolicyRadar 政策雷达: watch marketplace policy pages and seller news, keep every version,
    and show what changed.
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if verbose < 2:
        for noisy in ("scrapy", "twisted", "trafilatura", "htmldate", "py.warnings"):
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    ctx.obj = Context(resolve_home(home), lang, verbose)


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing config.")
@click.pass_obj
def init(obj: Context, force: bool) -> None:
    """Write a starter config (sources.toml, config.toml) into the home."""
    obj.home.mkdir(parents=True, exist_ok=True)
    for name in (SOURCES_FILE, CONFIG_FILE):
        target = obj.home / name
        if target.exists() and not force:
            fail(t("init_exists", obj.lang, path=target), EXIT_USAGE)
    for name in (SOURCES_FILE, CONFIG_FILE):
        shutil.copyfile(data_path(name), obj.home / name)
    obj.config()  # the starter config must load
    click.echo(t("init_done", obj.lang, path=obj.home))


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
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
    from policyradar.cli.display import sources_table

    obj.console().print(sources_table(config.sources, last, obj.lang))


def _sources_subcommands() -> None:
    from policyradar.cli.sources import check_command, record_command

    sources.add_command(check_command)
    sources.add_command(record_command)


_sources_subcommands()


@cli.command()
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    metavar="ID",
    help="Crawl only this source (repeatable; also runs a disabled source).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run's outcome as JSON.")
@click.pass_obj
def crawl(obj: Context, source_ids: tuple[str, ...], as_json: bool) -> None:
    """Crawl the sources once; print a per-source summary."""
    config = obj.config()
    report = do_crawl(obj, config, source_ids, progress=not as_json)
    if as_json:
        print_json(
            {
                "run_id": report.run_id,
                "seconds": round(report.seconds, 2),
                "requests": report.requests,
                "sources": [rs.to_json() for rs in report.sources],
                "events": report.events,
            }
        )
    else:
        print_report(obj, report)
    if report.all_failed:
        fail(t("all_failed", obj.lang), EXIT_NOTHING_DONE)


def do_crawl(obj: Context, config: Config, source_ids: tuple[str, ...], *, progress: bool) -> Any:
    from policyradar.crawler.runner import crawl as crawl_run
    from policyradar.crawler.runner import run_in_reactor, select_sources

    try:
        chosen = select_sources(config, source_ids)
    except KeyError as exc:
        fail(f"{config.home / SOURCES_FILE}: no source with id {exc.args[0]!r}", EXIT_USAGE)
    if not chosen:
        fail(t("no_sources", obj.lang), EXIT_NOTHING_DONE)
    if not (progress and sys.stderr.isatty()):
        return run_in_reactor(lambda: crawl_run(config, chosen))
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(t("crawling", obj.lang), total=None)

        def on_event(kind: str, source_id: str) -> None:
            if kind == "response":
                bar.update(task, advance=1, description=f"{t('crawling', obj.lang)} {source_id}")

        return run_in_reactor(lambda: crawl_run(config, chosen, on_event=on_event))


def print_report(obj: Context, report: Any) -> None:
    from policyradar.cli.display import run_table

    console = obj.console()
    console.print(run_table(report.sources, obj.lang))
    console.print(
        t(
            "run_summary",
            obj.lang,
            run=report.run_id,
            sources=len(report.sources),
            requests=report.requests,
            seconds=report.seconds,
        )
    )


def _change_filters(f: Any) -> Any:
    options = [
        click.option("--since", help="Only changes detected at or after this ISO date/time."),
        click.option(
            "--category",
            "categories",
            multiple=True,
            metavar="C",
            help="Only changes tagged with this category (repeatable).",
        ),
        click.option(
            "--source",
            "source_ids",
            multiple=True,
            metavar="ID",
            help="Only changes from this source (repeatable).",
        ),
        click.option(
            "--watch",
            "watchlists",
            multiple=True,
            metavar="NAME",
            help="Only changes that hit this watchlist (repeatable).",
        ),
        click.option(
            "--limit",
            type=click.IntRange(1, 100000),
            default=50,
            show_default=True,
            help="At most this many changes, newest first.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print a JSON array."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@cli.command()
@_change_filters
@click.pass_obj
def changes(
    obj: Context,
    since: str | None,
    categories: tuple[str, ...],
    source_ids: tuple[str, ...],
    watchlists: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """List detected changes, newest first."""
    when = parse_since(since)
    found = []
    if (obj.home / "policyradar.db").exists():
        with obj.storage() as storage:
            found = storage.changes(
                since=when,
                sources=source_ids,
                categories=categories,
                watchlists=watchlists,
                limit=limit,
            )
    if as_json:
        print_json([c.to_json() for c in found])
        return
    if not found:
        click.echo(t("no_changes", obj.lang))
        return
    from policyradar.cli.display import changes_table

    obj.console().print(changes_table(found, obj.lang))


@cli.command()
@click.argument("change_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with the diff ops.")
@click.pass_obj
def show(obj: Context, change_id: int, as_json: bool) -> None:
    """Show one change with its diff."""
    change = None
    if (obj.home / "policyradar.db").exists():
        with obj.storage() as storage:
            change = storage.change(change_id)
    if change is None:
        fail(t("no_change", obj.lang, id=change_id), EXIT_NOTHING_DONE)
    if as_json:
        print_json(change.to_json(with_diff=True))
        return
    from policyradar.cli.display import change_text

    obj.console().print(change_text(change, obj.lang))


@cli.command()
@click.option(
    "--keep",
    "keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's home (config and database) in this folder.",
)
@click.pass_obj
def demo(obj: Context, keep: Path | None) -> None:
    """Run the whole job offline on the bundled demo site: crawl snapshot 1, then snapshot 2."""
    from policyradar.demo.run import run_demo

    sys.exit(run_demo(keep, obj.lang, obj.console()))


@cli.command()
@click.pass_obj
def run(obj: Context) -> None:
    """Crawl, then send every digest that is due (for cron)."""
    from policyradar.cli.digest import deliver_due

    config = obj.config()
    report = do_crawl(obj, config, (), progress=True)
    print_report(obj, report)
    code = deliver_due(obj)
    sys.exit(EXIT_NOTHING_DONE if report.all_failed else code)


def _register_commands() -> None:
    from policyradar.cli.digest import digest_command, notify_group
    from policyradar.cli.watch import reclassify_command, watch_group
    from policyradar.cli.web import search, serve

    for command in (search, serve, watch_group, reclassify_command, digest_command, notify_group):
        cli.add_command(command)


_register_commands()


def main() -> None:
    cli(prog_name="policyradar")


if __name__ == "__main__":
    main()
