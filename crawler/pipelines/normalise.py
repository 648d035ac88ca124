"""Normalises text before it is compared: whitespace, full/half width, volatile fragments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.context import CrawlContext
from crawler.normalise import normalise
from crawler.pipelines import pending

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.config import Config
    from crawler.items import Snapshot


class NormalisePipeline:
    def __init__(self, config: Config) -> None:
        self.ignore = {s.id: s.ignore for s in config.sources}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        return cls(CrawlContext.of(crawler).config)

    def process_item(self, item: Snapshot) -> Snapshot:
        if pending(item):
            item.text = normalise(item.text, self.ignore.get(item.source_id, ()))
            item.title = " ".join(normalise(item.title).split())
        return item
