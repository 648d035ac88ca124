"""Decides before extraction what the raw response tells: 304, 404/410, or the same bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.crawler.context import CrawlContext
from policyradar.crawler.pipelines import pending
from policyradar.records import Disposition, Snapshot

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from policyradar.storage import Storage


class ShortcutPipeline:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShortcutPipeline:
        return cls(CrawlContext.of(crawler).storage)

    def process_item(self, item: Snapshot) -> Snapshot:
        if not pending(item):
            return item
        if item.not_modified:  # the server says so: no need to read what it was
            item.disposition = Disposition.UNCHANGED
            return item
        previous = self.storage.document(item.url)
        item.previous = previous
        if item.gone:
            item.disposition = Disposition.GONE_ONCE
        elif (
            previous is not None
            and not previous.removed
            and item.body_hash
            and previous.body_hash == item.body_hash
        ):
            item.disposition = Disposition.UNCHANGED
        return item
