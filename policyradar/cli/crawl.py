"""``crawl`` and ``run``: one crawl with its per-source summary, and crawl-then-deliver for cron."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from policyradar.cli.common import (
    EXIT_NOTHING_DONE,
    EXIT_USAGE,
    Context,
    command_hint,
    fail,
    print_json,
)
from policyradar.config import SOURCES_FILE
from policyradar.i18n import error, t

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from policyradar.config import Config
    from policyradar.crawler.runner import CrawlProgress, RunReport

LOCK_FILE = ".crawl.lock"  # in the home: held while a crawl runs


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
        fail(all_failed_message(obj, report), EXIT_NOTHING_DONE)


def all_failed_message(obj: Context, report: RunReport) -> str:
    """Why nothing was crawled; when the network is to blame, where to look."""
    from policyradar.crawler.failures import is_network_reason

    if all(is_network_reason(rs.error or "") for rs in report.sources):
        return t("all_failed_network", obj.lang, cmd=command_hint(obj.home))
    return t("all_failed", obj.lang)


def do_crawl(
    obj: Context, config: Config, source_ids: tuple[str, ...], *, progress: bool
) -> RunReport:
    """One run over the chosen sources, with a progress display when stderr is a terminal."""
    from policyradar.crawler.runner import crawl as crawl_run
    from policyradar.crawler.runner import run_in_reactor, select_sources

    try:
        chosen = select_sources(config, source_ids)
    except KeyError as exc:
        fail(
            error("no_source_id", obj.lang, path=config.home / SOURCES_FILE, id=repr(exc.args[0])),
            EXIT_USAGE,
        )
    if not chosen:
        fail(t("no_sources", obj.lang), EXIT_NOTHING_DONE)
    with home_lock(config.home) as locked:
        if not locked:
            fail(error("crawl_running", obj.lang, home=config.home), EXIT_NOTHING_DONE)
        try:
            if not (progress and sys.stderr.isatty()):
                return run_in_reactor(lambda: crawl_run(config, chosen))
            with progress_display(obj.lang) as show:
                return run_in_reactor(lambda: crawl_run(config, chosen, on_progress=show))
        except KeyboardInterrupt:
            interrupted(obj, config)


def interrupted(obj: Context, config: Config) -> NoReturn:
    """Ctrl+C: close the run as interrupted, say what was kept, exit 130."""
    from policyradar.storage import Storage

    with Storage(config.database) as storage:
        runs = storage.interrupt_open_runs()
        kept = sum(
            rs.new + rs.changed + rs.removed for run in runs for rs in storage.run_sources(run)
        )
    fail(
        error("crawl_interrupted", obj.lang, runs=", ".join(map(str, runs)) or "-", kept=kept), 130
    )


@contextlib.contextmanager
def home_lock(home: Path) -> Iterator[bool]:
    """Hold the home's crawl lock while the block runs; yields False if another process has it.

    One crawl at a time per home: `serve --schedule`, cron and a hand-started crawl may meet.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield True
        return
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def progress_display(lang: str) -> Iterator[Any]:
    """A rich progress line on stderr: sources done of all, pages, changes and time left."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn(t("progress_sources", lang)),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TextColumn(t("progress_counts", lang, pages=_field("pages"), changes=_field("changes"))),
        TextColumn(t("progress_left", lang)),
        TimeRemainingColumn(compact=True),
        TextColumn("[dim]{task.fields[current]}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None, pages=0, changes=0, current="")

        def show(p: CrawlProgress) -> None:
            bar.update(
                task,
                total=p.total,
                completed=p.done,
                pages=p.pages,
                changes=p.changes,
                current=p.current,
            )

        yield show


def _field(name: str) -> str:
    """A rich progress column's placeholder for the task field ``name``."""
    return "{task.fields[" + name + "]}"


def print_report(obj: Context, report: RunReport) -> None:
    """The sources that ran as a table, then one line per failing source, then the totals."""
    from policyradar.display import failure_lines, run_table

    console = obj.console()
    done = [rs for rs in report.sources if str(rs.outcome) != "error"]
    if done:
        console.print(run_table(done, obj.lang))
    for line in failure_lines(report.sources, obj.lang):
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)
    console.print(
        t(
            "run_summary",
            obj.lang,
            run=report.run_id,
            sources=len(report.sources),
            failed=len(report.sources) - len(done),
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
    if report.all_failed:
        fail(all_failed_message(obj, report), EXIT_NOTHING_DONE)
    sys.exit(code)
