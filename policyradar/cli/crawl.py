"""``crawl`` and ``run``: one crawl with its per-source summary, and crawl-then-deliver for cron."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from policyradar.cli.common import EXIT_NOTHING_DONE, EXIT_USAGE, Context, fail, print_json
from policyradar.config import SOURCES_FILE
from policyradar.i18n import t

if TYPE_CHECKING:
    from policyradar.config import Config


@click.command()
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
    from policyradar.display import run_table

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


@click.command()
@click.pass_obj
def run(obj: Context) -> None:
    """Crawl, then send every digest that is due (for cron)."""
    from policyradar.cli.digest import deliver_due

    config = obj.config()
    report = do_crawl(obj, config, (), progress=True)
    print_report(obj, report)
    code = deliver_due(obj)
    sys.exit(EXIT_NOTHING_DONE if report.all_failed else code)
