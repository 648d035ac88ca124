"""Diffs a document against its stored version: new, changed, or (whitespace only) unchanged.

Before diffing, the fetched text is read against the stored one: an error shell that replaced
the page (new error wording, little of the old text, much shorter; `policyradar.text.guard.
unlike_previous`) is an anomaly, never a change. The diff of two long texts is CPU work: it runs
in a worker process (see `policyradar.crawler.offload`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.crawler import offload
from policyradar.crawler.context import CrawlContext
from policyradar.crawler.pipelines import pending
from policyradar.records import Disposition, Snapshot
from policyradar.text.diffing import diff_text, new_document_diff
from policyradar.text.guard import unlike_previous

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from policyradar.storage import Storage


class VersionPipeline:
    def __init__(self, storage: Storage, workers: int = 0) -> None:
        self.storage = storage
        self.workers = workers

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> VersionPipeline:
        return cls(CrawlContext.of(crawler).storage, crawler.settings.getint("CRAWLER_WORKERS"))

    async def process_item(self, item: Snapshot) -> Snapshot:
        if not pending(item):
            return item
        previous = item.previous
        old = None if previous is None or previous.removed else self.storage.last_text(item.url)
        if old is None:
            item.diff = new_document_diff(item.text)
            item.disposition = Disposition.NEW
            return item
        lengths = (item.length, previous.length if previous is not None else 0)
        reason = unlike_previous(item.text, old, title=item.title, lengths=lengths)
        if reason:
            item.disposition, item.anomaly = Disposition.ANOMALY, reason
            return item
        diff = await offload.run(self.workers, diff_text, old, item.text)
        if diff is None:
            item.disposition = Disposition.UNCHANGED
        else:
            item.diff = diff
            item.disposition = Disposition.CHANGED
        return item
