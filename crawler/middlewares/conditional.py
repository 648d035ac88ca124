"""Conditional GET: sends the stored ETag / Last-Modified so an unchanged document answers 304."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from policyradar.crawler.context import CrawlContext

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from policyradar.storage import Storage


class ConditionalGetMiddleware:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if not crawler.settings.getbool("CONDITIONALGET_ENABLED"):
            raise NotConfigured
        return cls(CrawlContext.of(crawler).storage)

    def process_request(self, request: Request) -> None:
        url = request.meta.get("document_url")
        if not url or request.meta.get("conditional_checked"):
            return
        request.meta["conditional_checked"] = True
        doc = self.storage.document(url)  # canonical: see `SourceSpider.document_request`
        if doc is None or doc.removed:
            return
        if doc.etag:
            request.headers.setdefault(b"If-None-Match", doc.etag.encode("latin-1", "replace"))
        if doc.last_modified:
            request.headers.setdefault(
                b"If-Modified-Since", doc.last_modified.encode("latin-1", "replace")
            )
