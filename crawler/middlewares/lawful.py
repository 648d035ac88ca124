"""Refuses every request into a logged-in area, including redirects that lead there."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

from policyradar.config import FORBIDDEN_URL_PATTERNS

if TYPE_CHECKING:
    from scrapy import Request


class LoginWallError(IgnoreRequest):
    """The request (often a redirect) leads into a logged-in area."""


class LoggedInAreaMiddleware:
    _pattern = re.compile("|".join(FORBIDDEN_URL_PATTERNS))

    def process_request(self, request: Request) -> None:
        if self._pattern.search(request.url):
            raise LoginWallError(f"login wall: {request.url}")
