"""Writes each decision to storage in one transaction: a version and its change, or a run event."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from crawler.context import CrawlContext
from crawler.items import ChangeKind, Disposition, FetchFailure, Snapshot

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, context: CrawlContext) -> None:
        self.storage = context.storage
        self.run_id = context.run_id

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(CrawlContext.of(crawler))

    def process_item(self, item: Snapshot | FetchFailure) -> Snapshot | FetchFailure:
        if isinstance(item, FetchFailure):
            kind = "anomaly" if item.anomaly else "error"
            logger.warning("source %s: %s: %s", item.source_id, kind, item.reason)
            self.storage.record_event(
                self.run_id, item.source_id, item.url, kind, item.reason, index=item.index
            )
            return item
        match item.disposition:
            case Disposition.NEW | Disposition.CHANGED:
                kind = ChangeKind.NEW if item.disposition == Disposition.NEW else ChangeKind.CHANGED
                item.meta["change_id"] = self.storage.save_version(
                    self.run_id,
                    item,
                    item.meta["diff"],
                    kind,
                    item.meta["length"],
                    item.meta.get("tags"),
                    item.meta.get("index"),
                )
                logger.info("source %s: %s %s", item.source_id, kind, item.url)
            case Disposition.UNCHANGED:
                self.storage.record_unchanged(self.run_id, item)
            case Disposition.GONE_ONCE:
                change_id = self.storage.record_gone(
                    self.run_id, item.source_id, item.url, item.status
                )
                if change_id is not None:
                    item.meta["change_id"] = change_id
                    item.disposition = Disposition.REMOVED
                    logger.info("source %s: removed %s", item.source_id, item.url)
            case Disposition.ANOMALY:
                logger.warning("source %s: anomaly %s: %s", item.source_id, item.anomaly, item.url)
                self.storage.record_event(
                    self.run_id,
                    item.source_id,
                    item.url,
                    "anomaly",
                    item.anomaly or "anomaly",
                    index=bool(item.meta.get("index")),
                )
        return item
