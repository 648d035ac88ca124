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
    on_event: Callable[[str, str], None] | None = None,
    settings: dict[str, Any] | None = None,
) -> RunReport:
    """One run over ``sources``; ``on_event(kind, source_id)`` hears of responses and items."""
    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.project import get_project_settings

    from policyradar.crawler import offload
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
    tasks = []
    for kind, spider_cls in SPIDER_BY_KIND.items():
        ids = [s.id for s in sources if s.kind == kind]
        if not ids:
            continue
        crawler = runner.create_crawler(spider_cls)

        def on_response(request: Any, **_: Any) -> None:
            counts["requests"] += 1
            if on_event:
                on_event("response", request.meta.get("source_id", ""))

        def on_item(item: Any, **_: Any) -> None:
            if on_event:
                on_event("item", getattr(item, "source_id", ""))

        crawler.signals.connect(on_response, signal=signals.response_received, weak=False)
        crawler.signals.connect(on_item, signal=signals.item_scraped, weak=False)
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
