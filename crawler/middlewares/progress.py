"""Tells when a scheduled request is done with, so a crawl can say which sources have finished.

A request is done when its callback's (or errback's) output has all been handed on, so the
requests it led to are scheduled already, or when its download failed for good (after the last
retry). Retries and redirects carry the request's ``meta`` and so count as the same request.
Both middlewares send :data:`request_done` with the request; `policyradar.crawler.runner` counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

request_done = object()  # signal: request=


class _Notifier:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def done(self, request: Request | None) -> None:
        if request is not None:
            self.crawler.signals.send_catch_log(signal=request_done, request=request)


class DoneOutputMiddleware(_Notifier):
    """Spider middleware, outermost: a response's callback output (or errback's) is all out."""

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        try:
            yield from result
        finally:
            self.done(response.request)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        try:
            async for out in result:
                yield out
        finally:
            self.done(response.request)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        self.done(response.request)


class DoneFailureMiddleware(_Notifier):
    """Downloader middleware, outermost: an exception no retry took up ends the request."""

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.done(request)
