"""robots.txt: obeyed by every request, and a host that cannot be reached fails at once.

Two changes to Scrapy 2.19's RobotsTxtMiddleware:

- Every request that arrives while a host's robots.txt is being fetched awaits the same Deferred;
  converted to a Future, the first waiter takes the parser and the rest receive ``None``, which
  means "allow everything". Here a waiter that got ``None`` reads the parser stored for the host.
- When robots.txt cannot be fetched for a network reason (the name does not resolve, the
  connection is refused or times out), the host's requests are not sent to fail the same way
  again, one retry after another: each fails at once with :class:`HostUnreachableError`, carrying
  the reason. Scrapy logs such a failure as an error with a traceback; here it is one INFO line.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from policyradar.crawler.failures import (
    UNREACHABLE_ERRORS,
    HostUnreachableError,
    describe_exception,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)
ROBOTS_RETRY_TIMES = 1  # robots.txt is retried once; its host's pages wait on it


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._unreachable: dict[str, str] = {}  # netloc -> why its robots.txt failed

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(
                f"{url.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True, "max_retry_times": ROBOTS_RETRY_TIMES},
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:  # the download's own error, whatever it is
                self._fetch_failed(exc, robots, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            parser = await maybe_deferred_to_future(parser)
            if parser is None:
                stored = self._parsers.get(netloc)
                if not isinstance(stored, Deferred):
                    parser = stored  # None only when robots.txt itself could not be fetched
        if netloc in self._unreachable:
            raise HostUnreachableError(self._unreachable[netloc])
        return parser

    def _fetch_failed(self, exc: Exception, robots: Request, netloc: str) -> None:
        if isinstance(exc, UNREACHABLE_ERRORS):
            reason, _ = describe_exception(exc, robots)
            self._unreachable[netloc] = reason
            logger.info("%s: %s; its requests fail without being sent", robots.url, reason)
        elif not isinstance(exc, IgnoreRequest):
            reason, _ = describe_exception(exc, robots)
            logger.warning(
                "%s could not be read (%s): crawling as if it allowed all", robots.url, reason
            )
        self._robots_error(exc, netloc)
