"""``page``: one policy or help page watched as a whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.http import TextResponse

from policyradar.spiders.base import SourceSpider
from policyradar.spiders.entries import page_date, page_title, source_tz

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from scrapy import Request
    from scrapy.http import Response

    from policyradar.config import Source
    from policyradar.records import Snapshot


class PageSpider(SourceSpider):
    name = "page"
    renders = True

    def start_requests_for(self, source: Source) -> Iterable[Request]:
        for url in source.entry_urls:
            yield self.document_request(source, url, index=True)

    def parse_document(self, response: Response, source: Source) -> Iterator[Snapshot]:
        title, published = "", None
        if response.status == 200 and isinstance(response, TextResponse):
            title = page_title(response.text, source.selectors.title)
            published = page_date(response.text, source.selectors.date, source_tz(source))
        yield self.snapshot(response, source, title=title or source.name, published_at=published)
