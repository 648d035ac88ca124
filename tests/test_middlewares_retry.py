"""Retries: a network fault (no name, refused) once at most, a timeout up to RETRY_TIMES."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.utils.test import get_crawler

from policyradar.crawler.middlewares.retry import BackoffRetryMiddleware


@pytest.fixture
def middleware() -> BackoffRetryMiddleware:
    crawler = get_crawler(
        Spider, settings_dict={"RETRY_TIMES": 3, "RETRY_BACKOFF_BASE": 0.0, "RETRY_BACKOFF_MAX": 0}
    )
    crawler.spider = Spider.from_crawler(crawler, "test")
    return BackoffRetryMiddleware.from_crawler(crawler)


def tries(mw: BackoffRetryMiddleware, error: Exception) -> int:
    """How many times a request is sent when every try fails with ``error``."""

    async def main() -> int:
        request: Request | None = Request("https://gs.amazon.cn/news")
        sent = 0
        while request is not None:
            sent += 1
            request = await mw.process_exception(request, error)
        return sent

    return asyncio.new_event_loop().run_until_complete(main())


@pytest.mark.parametrize(
    "error",
    [
        CannotResolveHostError("DNS lookup failed: no results for hostname lookup: gs.amazon.cn."),
        DownloadConnectionRefusedError("Connection was refused by other side: 111."),
    ],
)
def test_a_network_fault_is_retried_once_at_most(
    middleware: BackoffRetryMiddleware, error: Exception
) -> None:
    assert tries(middleware, error) == 2


def test_a_timeout_is_retried_as_configured(middleware: BackoffRetryMiddleware) -> None:
    assert tries(middleware, DownloadTimeoutError("took longer than 30.0 seconds")) == 4


def test_a_request_that_asks_for_no_retry_gets_none(middleware: BackoffRetryMiddleware) -> None:
    request = Request("https://gs.amazon.cn/news", meta={"max_retry_times": 0})
    error = CannotResolveHostError("DNS lookup failed")
    found = asyncio.new_event_loop().run_until_complete(
        middleware.process_exception(request, error)
    )
    assert found is None
