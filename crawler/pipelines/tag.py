"""Tags changes: categories, keywords, watch hits, effective dates, urgency, clusters, and the
facts (old → new) and one-line summary of each.

`TagPipeline` runs before the store, so a new or changed document's change is written with its
tags in one transaction; `RemovalTagPipeline` tags the (rare) removals after the store made them,
from the document's last change.
The classifier is loaded on the first change, so a crawl with nothing new never pays for jieba.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.crawler import offload
from policyradar.crawler.context import CrawlContext
from policyradar.crawler.jobs import read_change_job
from policyradar.records import Disposition, Snapshot, Urgency, utcnow
from policyradar.tagging.apply import (
    ClusterIndex,
    load_classifier,
    tag_change,
    tag_fields,
)
from policyradar.tagging.context import marketplace_of
from policyradar.tagging.names import CategoryNames
from policyradar.tagging.summary import summarise

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler

    from policyradar.config import Config
    from policyradar.storage import Storage
    from policyradar.tagging import Classifier


class _Tagging:
    def __init__(self, storage: Storage, config: Config, workers: int = 0) -> None:
        self.storage = storage
        self.home: Path = config.home
        self.languages = {s.id: s.language for s in config.sources}
        self.marketplaces = {s.id: s.marketplace for s in config.sources}
        # news stories cluster across sources; a policy page's edits do not
        self.clustered = {s.id for s in config.sources if s.kind != "page"}
        self.clusters = ClusterIndex(storage)
        # One worker extracts while the crawl process classifies: a single worker doing both was
        # the bottleneck of a first crawl (54 pages/s at 10k, against 74) while the crawl idled.
        self.workers = workers if workers > 1 else 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _Tagging:
        ctx = CrawlContext.of(crawler)
        return cls(ctx.storage, ctx.config, crawler.settings.getint("CRAWLER_WORKERS"))

    @property
    def classifier(self) -> Classifier:
        return load_classifier(self.home)


class TagPipeline(_Tagging):
    """Classifies (and cuts the search-index text) in a worker process, see `crawler.offload`;
    clusters are joined here.
    """

    async def process_item(self, item: object) -> object:
        if isinstance(item, Snapshot) and item.disposition in (
            Disposition.NEW,
            Disposition.CHANGED,
        ):
            from policyradar.tagging import ChangeText

            diff = item.diff
            assert diff is not None  # VersionPipeline diffed every new or changed document
            text = ChangeText(
                kind=str(item.disposition),
                title=item.title,
                added=diff.added,
                removed=diff.removed,
                published_at=item.published_at,
                detected_at=utcnow(),
                language=self.languages.get(item.source_id, ""),
            )
            changed = item.disposition == Disposition.CHANGED
            # read beside extraction when the whole page is the change (see `page_text_job`)
            new_page = item.new_page if not changed and diff.added == item.text else None
            reading, item.index_texts = await offload.run(
                self.workers,
                read_change_job,
                self.home,
                text,
                diff if changed else None,  # a new document's facts come from its text
                item.text if changed else "",
                self.marketplaces.get(item.source_id, ""),
                new_page,
            )
            clusters = self.clusters if item.source_id in self.clustered else None
            item.tags = tag_fields(reading, clusters, text, item.source_id)
        return item


class RemovalTagPipeline(_Tagging):
    """A removed document keeps what its last change was about; nothing new to read, so no
    classifier (and no jieba) is loaded for it.
    """

    def process_item(self, item: object) -> object:
        if not (isinstance(item, Snapshot) and item.disposition == Disposition.REMOVED):
            return item
        change_id = item.change_id
        assert change_id is not None  # StorePipeline made the removal
        removal = self.storage.change(change_id)
        assert removal is not None
        earlier = [
            c
            for c in self.storage.changes(document_id=removal.document_id, limit=2)
            if c.id != change_id
        ]
        if earlier:
            last = earlier[0]
            low = last.categories in ([], ["other"])
            urgency = Urgency.LOW if low else Urgency.MEDIUM
            summary = summarise(
                kind="removed",
                title=removal.title,
                categories=last.categories,
                facts=(),
                effective_dates=(),
                marketplace=marketplace_of(removal.title) or removal.marketplace,
                names=CategoryNames.load(self.home),
            )
            self.storage.set_classification(
                change_id,
                {
                    "categories": last.categories,
                    "keywords": last.keywords,
                    "urgency": urgency,
                    "summary": summary,
                    "marketplaces": last.marketplaces,
                },
            )
        else:
            tag_change(
                self.classifier, self.storage, change_id, self.languages.get(item.source_id, "")
            )
        return item
