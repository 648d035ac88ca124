"""Runs crawls in-process: one run over the chosen sources, one spider per kind, one reactor."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from policyradar.storage import Storage

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from policyradar.config import Config, Source
    from policyradar.records import RunSource

logger = logging.getLogger(__name__)
T = TypeVar("T")
REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


@dataclass(slots=True)
class RunReport:
    run_id: int
    sources: list[RunSource]
    events: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    requests: int = 0

    @property
    def all_failed(self) -> bool:
        return bool(self.sources) and all(rs.outcome == "error" for rs in self.sources)


@dataclass(slots=True)
class CrawlProgress:
    """How far a run is: sources finished of all, pages fetched, changes found so far."""

    total: int
    done: int = 0
    pages: int = 0
    changes: int = 0
    current: str = ""  # the source heard from last


class _Tracker:
    """Follows each source's requests, from scheduled to done with (see `middlewares.progress`).

    A source is finished when none of its requests is left, or when its spider closed. Retries
    and redirects keep the request's ``meta``, so a token there makes them the same request.
    """

    def __init__(self, source_ids: list[str], report: Callable[[CrawlProgress], None]) -> None:
        self.progress = CrawlProgress(total=len(source_ids))
        self.open: dict[str, set[int]] = {sid: set() for sid in source_ids}
        self.finished: set[str] = set()
        self.report = report
        self.tokens = 0

    def scheduled(self, request: Any, **_: Any) -> None:
        sid = request.meta.get("source_id")
        if sid not in self.open:
            return
        token = request.meta.get("progress_token")
        if token is None:
            self.tokens += 1
            token = request.meta["progress_token"] = self.tokens
        self.open[sid].add(token)
        if sid in self.finished:  # more work after all (rare: a late request)
            self.finished.discard(sid)
            self.progress.done -= 1
        self.progress.current = sid
        self.report(self.progress)

    def done(self, request: Any, **_: Any) -> None:
        sid = request.meta.get("source_id")
        if sid not in self.open:
            return
        self.open[sid].discard(request.meta.get("progress_token"))
        if not self.open[sid]:
            self._finish(sid)
        self.report(self.progress)

    def response(self, request: Any, **_: Any) -> None:
        if request.meta.get("source_id") in self.open:
            self.progress.pages += 1
            self.progress.current = request.meta["source_id"]
            self.report(self.progress)

    def item(self, item: Any, **_: Any) -> None:
        if getattr(item, "change_id", None) is not None:
            self.progress.changes += 1
            self.report(self.progress)

    def closed(self, spider: Any, **_: Any) -> None:
        for source in getattr(spider, "sources", ()):
            if source.id in self.open:
                self._finish(source.id)
        self.report(self.progress)

    def _finish(self, sid: str) -> None:
        if sid not in self.finished:
            self.finished.add(sid)
            self.progress.done += 1


def select_sources(config: Config, ids: tuple[str, ...] | list[str] = ()) -> list[Source]:
    """The enabled sources, or exactly the named ones (a KeyError names an unknown id)."""
    if ids:
        return [config.source(sid) for sid in ids]
    return [s for s in config.sources if s.enabled]


def run_in_reactor(main: Callable[[], Awaitable[T]]) -> T:
    """Install the asyncio reactor, run ``main()`` to completion, stop the reactor."""
    from scrapy.utils.defer import deferred_from_coro
    from scrapy.utils.reactor import install_reactor

    install_reactor(REACTOR)
    from twisted.internet import reactor

    outcome: dict[str, Any] = {}

    async def wrapper() -> None:
        try:
            outcome["value"] = await main()
        except BaseException as exc:  # re-raised below, outside the reactor
            outcome["error"] = exc
        finally:
            reactor.stop()  # type: ignore[attr-defined]

    reactor.callWhenRunning(lambda: deferred_from_coro(wrapper()))  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]
    if "error" in outcome:
        raise outcome["error"]
    if "value" not in outcome:
        raise KeyboardInterrupt
    return outcome["value"]


async def crawl(
    config: Config,
    sources: list[Source],
    *,
    on_progress: Callable[[CrawlProgress], None] | None = None,
    settings: dict[str, Any] | None = None,
) -> RunReport:
    """One run over ``sources``; ``on_progress`` hears how far it is, after every step."""
    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.project import get_project_settings

    from policyradar.crawler import offload
    from policyradar.crawler.middlewares.progress import request_done
    from policyradar.spiders import SPIDER_BY_KIND

    loop = asyncio.get_running_loop()
    started = loop.time()
    with Storage(config.database) as storage:
        storage.sync_sources(config.sources)
        run_id = storage.start_run([s.id for s in sources], baseline=True)
    project = get_project_settings()
    project.setmodule("policyradar.crawler.settings", priority="project")
    project.setdict(
        {"CRAWLER_HOME": str(config.home), "CRAWLER_RUN_ID": run_id, **(settings or {})},
        priority="cmdline",
    )
    runner = AsyncCrawlerRunner(project)
    counts = {"requests": 0}
    tracker = _Tracker([s.id for s in sources], on_progress or (lambda _: None))

    def on_response(request: Any, **_: Any) -> None:
        counts["requests"] += 1

    tasks = []
    for kind, spider_cls in SPIDER_BY_KIND.items():
        ids = [s.id for s in sources if s.kind == kind]
        if not ids:
            continue
        crawler = runner.create_crawler(spider_cls)
        for handler, signal in (
            (on_response, signals.response_received),
            (tracker.response, signals.response_received),
            (tracker.scheduled, signals.request_scheduled),
            (tracker.done, signals.request_dropped),
            (tracker.done, request_done),
            (tracker.item, signals.item_scraped),
            (tracker.closed, signals.spider_closed),
        ):
            crawler.signals.connect(handler, signal=signal, weak=False)
        tasks.append(runner.crawl(crawler, source=",".join(ids)))
    try:
        await asyncio.gather(*tasks)
    finally:
        offload.shutdown()
    with Storage(config.database) as storage:
        outcomes = storage.finish_run(run_id)
        events = storage.events(run_id)
    return RunReport(
        run_id=run_id,
        sources=outcomes,
        events=events,
        seconds=loop.time() - started,
        requests=counts["requests"],
    )
