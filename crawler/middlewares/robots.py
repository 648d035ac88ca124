"""robots.txt, with a fix for requests that wait together on one host's robots.txt.

Scrapy 2.19's RobotsTxtMiddleware lets every request that arrives while a host's robots.txt is
being fetched await the same Deferred; converted to a Future, the first waiter takes the parser
and the rest receive ``None``, which means "allow everything". Those requests ignored robots.txt.
Here a waiter that got ``None`` reads the parser the middleware stored for the host instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.robotstxt import RobotParser


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(stored, Deferred):
                parser = stored  # None only when robots.txt itself could not be fetched
        return parser
