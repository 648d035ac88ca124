"""Writes each decision to storage in one transaction: a version and its change, or a run event.

Unchanged fetches (most of a daily run: 304s) are written ``UNCHANGED_BATCH`` at a time, and
before any other write, so the order of writes stays that of the decisions. A crawl killed in
between forgets at most that many "seen again, unchanged" marks; never a version or a change.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from policyradar.crawler.context import CrawlContext
from policyradar.records import ChangeKind, Disposition, FetchFailure, Snapshot

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
UNCHANGED_BATCH = 100


class StorePipeline:
    def __init__(self, context: CrawlContext) -> None:
        self.storage = context.storage
        self.run_id = context.run_id
        self.unchanged: list[Snapshot] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(CrawlContext.of(crawler))

    def process_item(self, item: Snapshot | FetchFailure) -> Snapshot | FetchFailure:
        if isinstance(item, Snapshot) and item.disposition == Disposition.UNCHANGED:
            self.unchanged.append(
                Snapshot(  # what the write needs, not the page
                    source_id=item.source_id,
                    url=item.url,
                    etag=item.etag,
                    last_modified=item.last_modified,
                    body_hash=item.body_hash,
                )
            )
            if len(self.unchanged) >= UNCHANGED_BATCH:
                self.flush()
            return item
        self.flush()
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
                assert item.diff is not None  # VersionPipeline diffed it
                item.change_id = self.storage.save_version(
                    self.run_id,
                    item,
                    item.diff,
                    kind,
                    item.length,
                    item.tags,
                    item.index_texts,
                )
                logger.info("source %s: %s %s", item.source_id, kind, item.url)
            case Disposition.GONE_ONCE:
                change_id = self.storage.record_gone(
                    self.run_id, item.source_id, item.url, item.status
                )
                if change_id is not None:
                    item.change_id = change_id
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
                    index=item.entry_page,
                )
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Write the unchanged fetches held so far."""
        if self.unchanged:
            self.storage.record_unchanged(self.run_id, *self.unchanged)
            self.unchanged.clear()
