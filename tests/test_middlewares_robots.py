"""robots.txt is obeyed by every request, including those that wait together for it, and a host
whose robots.txt cannot be reached fails its requests at once.
"""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from policyradar.crawler.failures import HostUnreachableError
from policyradar.crawler.middlewares.robots import RobotsTxtMiddleware

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class SlowRobotsEngine:
    """Answers the robots.txt download after a moment, so other requests queue up behind it."""

    async def download_async(self, request: Request) -> TextResponse:
        await asyncio.sleep(0.05)
        return TextResponse(request.url, body=ROBOTS, request=request)


async def check(mw: RobotsTxtMiddleware, url: str) -> str:
    try:
        await mw.process_request(Request(url, headers={"User-Agent": "PolicyRadar/0.1"}))
    except IgnoreRequest:
        return "forbidden"
    return "allowed"


@pytest.fixture
def middleware() -> RobotsTxtMiddleware:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    crawler.engine = SlowRobotsEngine()  # type: ignore[assignment]
    return RobotsTxtMiddleware.from_crawler(crawler)


def run(coro: object) -> object:
    return asyncio.get_event_loop_policy().get_event_loop().run_until_complete(coro)  # type: ignore[arg-type]


def test_requests_waiting_together_on_one_robots_txt_are_all_checked(
    middleware: RobotsTxtMiddleware,
) -> None:
    # Scrapy 2.19's own middleware lets all but the first waiter through ("allowed").
    urls = [f"http://example.test/page-{n}" for n in range(5)]
    urls += [f"http://example.test/private/{n}" for n in range(5)]

    async def main() -> list[str]:
        return await asyncio.gather(*(check(middleware, url) for url in urls))

    assert run(main()) == ["allowed"] * 5 + ["forbidden"] * 5


def test_a_disallowed_path_is_refused(middleware: RobotsTxtMiddleware) -> None:
    assert run(check(middleware, "http://example.test/private/x")) == "forbidden"
    assert run(check(middleware, "http://example.test/public")) == "allowed"


class OfflineEngine:
    """No network for one host: its robots.txt fails as a name that does not resolve."""

    def __init__(self) -> None:
        self.robots: list[str] = []

    async def download_async(self, request: Request) -> TextResponse:
        self.robots.append(request.url)
        assert request.meta["max_retry_times"] == 1  # robots.txt is retried once at most
        if "offline.test" in request.url:
            raise CannotResolveHostError(
                "DNS lookup failed: no results for hostname lookup: offline.test."
            )
        return TextResponse(request.url, body=ROBOTS, request=request)


def test_a_host_whose_robots_txt_is_unreachable_fails_its_requests_at_once() -> None:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    engine = OfflineEngine()
    crawler.engine = engine  # type: ignore[assignment]
    mw = RobotsTxtMiddleware.from_crawler(crawler)

    async def outcome(url: str) -> str:
        try:
            await mw.process_request(Request(url))
        except HostUnreachableError as exc:
            return describe_failure_of(exc, url)
        return "allowed"

    async def main() -> list[str]:
        urls = [f"https://offline.test/page-{n}" for n in range(4)] + ["https://online.test/a"]
        return await asyncio.gather(*(outcome(url) for url in urls))

    found = run(main())
    assert found == ["network unreachable: cannot resolve offline.test"] * 4 + ["allowed"]
    assert run(outcome("https://offline.test/later")) == found[0]  # still failed, not re-fetched
    assert engine.robots == ["https://offline.test/robots.txt", "https://online.test/robots.txt"]


def describe_failure_of(exc: Exception, url: str) -> str:
    from policyradar.crawler.failures import describe_exception

    return describe_exception(exc, Request(url))[0]
