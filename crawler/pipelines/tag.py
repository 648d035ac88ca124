"""Tags each stored change: categories, keywords, watch hits, effective dates, urgency, cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.context import CrawlContext
from crawler.items import Snapshot
from crawler.tagger import load_classifier, tag_change

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.storage import Storage
    from crawler.tagging import Classifier


class TagPipeline:
    def __init__(self, storage: Storage, classifier: Classifier, languages: dict[str, str]) -> None:
        self.storage = storage
        self.classifier = classifier
        self.languages = languages

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TagPipeline:
        ctx = CrawlContext.of(crawler)
        languages = {s.id: s.language for s in ctx.config.sources}
        return cls(ctx.storage, load_classifier(ctx.config.home), languages)

    def process_item(self, item: object) -> object:
        change_id = item.meta.get("change_id") if isinstance(item, Snapshot) else None
        if change_id is not None:
            tag_change(
                self.classifier, self.storage, change_id, self.languages.get(item.source_id, "")
            )
        return item
