"""Turns a fetched page into comparable text: main text, normalised, checked, fingerprinted.

The work is `policyradar.text.pagetext.page_text`, run in a worker process (see
`policyradar.crawler.offload`), which reads the key facts of a page new to the store as well
(`policyradar.crawler.jobs.page_text_job`). A page
whose fingerprint equals the stored version's is unchanged; an anomaly (login wall, captcha,
error shell, empty or shrunk page) is recorded on the run and never stored as a version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.crawler import offload
from policyradar.crawler.context import CrawlContext
from policyradar.crawler.jobs import page_text_job
from policyradar.crawler.pipelines import pending
from policyradar.records import Disposition, Snapshot
from policyradar.text.pagetext import Page

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from policyradar.config import Config


class TextPipeline:
    def __init__(self, config: Config, workers: int = 0) -> None:
        self.selectors = {s.id: s.selectors.body for s in config.sources}
        self.remove = {s.id: s.selectors.remove for s in config.sources}
        self.ignore = {s.id: tuple(s.ignore) for s in config.sources}
        self.workers = workers

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TextPipeline:
        return cls(CrawlContext.of(crawler).config, crawler.settings.getint("CRAWLER_WORKERS"))

    async def process_item(self, item: Snapshot) -> Snapshot:
        if not pending(item):
            return item
        previous = item.previous
        current = previous is not None and not previous.removed
        page = Page(
            html=item.html,
            text=item.text,
            title=item.title,
            url=item.url,
            final_url=item.final_url,
            selector=self.selectors.get(item.source_id),
            remove=self.remove.get(item.source_id, ()),
            ignore=self.ignore.get(item.source_id, ()),
            previous_length=previous.length if current else None,
        )
        item.html = ""  # the raw page is not kept past this point
        result, item.new_page = await offload.run(self.workers, page_text_job, page, not current)
        item.text, item.title, item.fingerprint = result.text, result.title, result.fingerprint
        item.length, item.extract_seconds = result.length, result.seconds
        if result.anomaly:
            item.disposition, item.anomaly = Disposition.ANOMALY, result.anomaly
        elif current and previous.fingerprint == result.fingerprint:
            item.disposition = Disposition.UNCHANGED
        return item
