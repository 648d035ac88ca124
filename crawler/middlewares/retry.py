"""Retries 429/5xx and network faults with exponential backoff, honouring Retry-After.

A fault on the way to the host (its name does not resolve, the connection is refused, there is
no route) is retried at most once, whatever ``RETRY_TIMES`` says: with no network, four tries
per request only make a crawl slow, and one more try covers a blip.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware

from policyradar.crawler.failures import NETWORK_ERRORS

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

NETWORK_RETRY_TIMES = 1


class BackoffRetryMiddleware(RetryMiddleware):
    base: float
    cap: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        mw = super().from_crawler(crawler)
        mw.base = crawler.settings.getfloat("RETRY_BACKOFF_BASE")
        mw.cap = crawler.settings.getfloat("RETRY_BACKOFF_MAX")
        return mw

    def backoff(self, request: Request, retry_after: bytes | None = None) -> float:
        """Seconds to wait before retry number ``retry_times`` of ``request``."""
        attempt = request.meta.get("retry_times", 1)
        delay = self.base * 2 ** (attempt - 1)
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        return min(delay, self.cap)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await asyncio.sleep(self.backoff(retry, response.headers.get(b"Retry-After")))
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        if isinstance(exception, NETWORK_ERRORS):
            limit = request.meta.get("max_retry_times", self.max_retry_times)
            if request.meta.get("retry_times", 0) >= min(limit, NETWORK_RETRY_TIMES):
                return None  # given up: the errback reports it once, in the run's summary
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self.backoff(retry))
        return retry
