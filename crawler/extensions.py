"""RunRecorder: one outcome per source per run; closes a run that `scrapy crawl` opened.

A step that raises on a document (a pipeline: extraction, classification, storage; or a spider
callback) makes that document an error of its source, counted in the run like a failed fetch:
never a silent "unchanged".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals

from policyradar.crawler.context import CrawlContext

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class RunRecorder:
    def __init__(self, context: CrawlContext) -> None:
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        ext = cls(CrawlContext.of(crawler))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Failure) -> None:
        source_id = getattr(item, "source_id", None)
        if source_id is None:
            return
        self._error(source_id, getattr(item, "url", ""), failure, index=False)

    def spider_error(self, failure: Failure, response: Any, spider: Spider) -> None:
        meta = getattr(response, "meta", {}) if response is not None else {}
        if "source_id" not in meta:
            return
        url = meta.get("document_url") or getattr(response, "url", "")
        self._error(meta["source_id"], url, failure, index=bool(meta.get("index")))

    def _error(self, source_id: str, url: str, failure: Failure, *, index: bool) -> None:
        exc = failure.value
        reason = f"internal error: {type(exc).__name__}: {exc}"[:300]
        logger.error("source %s: %s (%s)", source_id, reason, url)
        self.context.storage.record_event(
            self.context.run_id, source_id, url, "error", reason, index=index
        )

    def spider_opened(self, spider: Spider) -> None:
        for source in getattr(spider, "sources", ()):
            self.context.storage.ensure_run_source(self.context.run_id, source.id, baseline=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        storage = self.context.storage
        if self.context.owns_run:
            for rs in storage.finish_run(self.context.run_id):
                logger.info(
                    "source %s: %s (new %d, changed %d, removed %d, anomalies %d, errors %d)",
                    rs.source_id,
                    rs.outcome,
                    rs.new,
                    rs.changed,
                    rs.removed,
                    rs.anomalies,
                    rs.errors,
                )
        storage.close()
