"""Turns a fetched page into its main text: the body selector, else a main-text extractor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.context import CrawlContext
from crawler.extraction import SelectorMissError, html_to_text, main_text
from crawler.guard import detect_anomaly
from crawler.items import Disposition, Snapshot
from crawler.pipelines import pending

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.config import Config


class ExtractPipeline:
    def __init__(self, config: Config) -> None:
        self.selectors = {s.id: s.selectors.body for s in config.sources}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(CrawlContext.of(crawler).config)

    def process_item(self, item: Snapshot) -> Snapshot:
        if not pending(item) or not item.html:
            return item
        selector = self.selectors.get(item.source_id)
        try:
            item.text = main_text(item.html, selector=selector, url=item.final_url or item.url)
        except SelectorMissError as exc:  # say why when the page is a captcha or a login wall
            reason = detect_anomaly(
                text=html_to_text(item.html), title=item.title, final_url=item.final_url
            )
            item.disposition, item.anomaly = Disposition.ANOMALY, reason or str(exc)
        item.html = ""  # the raw page is not kept past this point
        return item
