"""SourceSpider: what the four kinds share: their sources, requests, errbacks, snapshots."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider
from scrapy.http import TextResponse

from crawler.context import CrawlContext
from crawler.failures import describe_failure
from crawler.items import FetchFailure, Snapshot

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable
    from datetime import datetime

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.config import CrawlSettings, Source

DOCUMENT_STATUSES = [304, 404, 410]


class UnknownSourceError(ValueError):
    """``-a source=ID`` names no enabled source of this kind."""


class SourceSpider(Spider):
    name: ClassVar[str]

    def __init__(self, *args: Any, sources: Iterable[Source] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = tuple(sources)

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, *args: Any, source: str | None = None, **kwargs: Any
    ) -> SourceSpider:
        config = CrawlContext.of(crawler).config
        wanted = set(source.split(",")) if source else None
        mine = [s for s in config.sources if s.kind == cls.name and (wanted or s.enabled)]
        if wanted:
            unknown = wanted - {s.id for s in mine}
            if unknown:
                raise UnknownSourceError(
                    f"no {cls.name} source with id {', '.join(sorted(unknown))}"
                )
            mine = [s for s in mine if s.id in wanted]
        spider = super().from_crawler(crawler, *args, sources=mine, **kwargs)
        _apply_crawl_settings(crawler, config.crawl)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        for src in mine:  # per-host politeness overrides
            pol = src.politeness
            if pol.delay is None and pol.concurrency is None:
                continue
            for url in src.entry_urls:
                slot = slots.setdefault(_host(url), {})
                if pol.delay is not None:
                    slot["delay"] = pol.delay
                if pol.concurrency is not None:
                    slot["concurrency"] = pol.concurrency
        crawler.settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources:
            for request in self.start_requests_for(source):
                yield request

    def start_requests_for(self, source: Source) -> Iterable[Request]:
        for url in source.entry_urls:
            yield self.index_request(source, url)

    # -- requests ----------------------------------------------------------------------------

    def index_request(self, source: Source, url: str, **kwargs: Any) -> Request:
        """The source's entry point: its failure fails the whole source for this run."""
        return Request(
            url,
            callback=self.parse_index,
            errback=self.on_error,
            dont_filter=True,
            cb_kwargs={"source": source},
            meta={"source_id": source.id, "index": True},
            **kwargs,
        )

    def document_request(
        self, source: Source, url: str, *, index: bool = False, **cb_kwargs: Any
    ) -> Request:
        """A document fetch: conditional, and 304/404/410 reach the callback."""
        return Request(
            url,
            callback=self.parse_document,
            errback=self.on_error,
            cb_kwargs={"source": source, **cb_kwargs},
            meta={
                "source_id": source.id,
                "index": index,
                "document_url": url,
                "handle_httpstatus_list": DOCUMENT_STATUSES,
            },
        )

    def parse_index(self, response: Response, source: Source) -> Any:
        raise NotImplementedError

    def parse_document(self, response: Response, source: Source, **kwargs: Any) -> Any:
        raise NotImplementedError

    def on_error(self, failure: Failure) -> Iterable[FetchFailure]:
        request = failure.request  # type: ignore[attr-defined]
        reason, anomaly = describe_failure(failure)
        yield FetchFailure(
            source_id=request.meta["source_id"],
            url=request.meta.get("document_url") or request.url,
            reason=reason,
            index=bool(request.meta.get("index")),
            anomaly=anomaly,
        )

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(
        self,
        response: Response,
        source: Source,
        *,
        title: str = "",
        published_at: datetime | None = None,
        text: str = "",
    ) -> Snapshot:
        """A snapshot of a document response; only a 200 carries the decoded page."""
        ok = response.status == 200
        headers = response.headers
        return Snapshot(
            source_id=source.id,
            url=response.meta.get("document_url") or response.url,
            status=response.status,
            final_url=response.url,
            title=title,
            html=response.text if ok and isinstance(response, TextResponse) and not text else "",
            text=text,
            published_at=published_at,
            etag=_header(headers.get(b"ETag")),
            last_modified=_header(headers.get(b"Last-Modified")),
            body_hash=hashlib.sha1(response.body).hexdigest() if ok else None,  # noqa: S324
            meta={"index": bool(response.meta.get("index"))},
        )

    def text_snapshot(
        self, source: Source, url: str, *, title: str, text: str, published_at: datetime | None
    ) -> Snapshot:
        """A document that arrived inside its index (a feed entry, an API record, a list entry)."""
        digest = hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()  # noqa: S324
        return Snapshot(
            source_id=source.id,
            url=url,
            final_url=url,
            title=title,
            text=text,
            published_at=published_at,
            body_hash=digest,
        )


def _apply_crawl_settings(crawler: Crawler, crawl: CrawlSettings) -> None:
    """The home's [crawl] table, at spider priority (command-line ``-s`` still wins)."""
    crawler.settings.setdict(
        {
            "USER_AGENT": crawl.user_agent,
            "ROBOTSTXT_OBEY": crawl.obey_robots,
            "DOWNLOAD_DELAY": crawl.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.5) if crawl.autothrottle else 0,
            "DOWNLOAD_TIMEOUT": crawl.timeout,
            "DOWNLOAD_MAXSIZE": int(crawl.max_size_mb * 1024 * 1024),
            "RETRY_TIMES": crawl.retry_times,
            "RETRY_BACKOFF_BASE": crawl.retry_backoff,
        },
        priority="spider",
    )


def _header(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
