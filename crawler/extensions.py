"""RunRecorder: one outcome per source per run; closes a run that `scrapy crawl` opened."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

from policyradar.crawler.context import CrawlContext

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class RunRecorder:
    def __init__(self, context: CrawlContext) -> None:
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        ext = cls(CrawlContext.of(crawler))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

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
