"""One place that turns a failed request into a short reason, and says whether it is an anomaly."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError

from policyradar.crawler.middlewares.lawful import LoginWallError

if TYPE_CHECKING:
    from twisted.python.failure import Failure

_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (CannotResolveHostError, "DNS lookup failed"),
    (DownloadConnectionRefusedError, "connection refused"),
    (DownloadTimeoutError, "timed out"),
    (ResponseDataLossError, "response cut short"),
    (DownloadFailedError, "download failed"),
)


def describe_failure(failure: Failure) -> tuple[str, bool]:
    """``(reason, is_anomaly)`` for a request's failure."""
    exc = failure.value
    if isinstance(exc, LoginWallError):
        target = urlsplit(exc.args[0].split(": ", 1)[-1])
        return f"login wall: redirected to {target.netloc}{target.path}", True
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"HTTP {status}", False
    if isinstance(exc, IgnoreRequest):
        message = str(exc) or "request ignored"
        if "robots.txt" in message:
            return "forbidden by robots.txt", False
        return message, False
    for cls, reason in _REASONS:
        if isinstance(exc, cls):
            return f"{reason}: {exc}" if str(exc) else reason, False
    name = type(exc).__name__
    return (f"{name}: {exc}" if str(exc) else name), False
