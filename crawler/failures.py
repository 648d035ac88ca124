"""One place that turns a failed request into a short reason, and says whether it is an anomaly.

Reasons are stored and logged in English, each one an entry ``reason_*`` of
`policyradar.i18n.ERRORS`; `policyradar.i18n.reason` shows a stored one in the user's language.
A network fault names the host (or the proxy) once, never the library's own message twice.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx

from policyradar.crawler.middlewares.lawful import LoginWallError
from policyradar.i18n import error

if TYPE_CHECKING:
    from scrapy import Request
    from twisted.python.failure import Failure

# Faults of the way to a host, not of the host's pages: retried at most once, and a host whose
# robots.txt fails with one of them fails all its requests of the run at once.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    tx.DNSLookupError,
    tx.ConnectError,  # refused, no route, TCP timeout, unknown host
)
UNREACHABLE_ERRORS: tuple[type[BaseException], ...] = (*NETWORK_ERRORS, DownloadTimeoutError)
# Scrapy's words when a body passes DOWNLOAD_MAXSIZE ("... larger than download max size (N)")
_MAX_SIZE = re.compile(r"larger than download max size \((\d+)\)")
# The English beginnings of the reasons that blame the network rather than the source.
NETWORK_REASONS = ("network unreachable", "timed out")


class HostUnreachableError(IgnoreRequest):
    """The host's robots.txt could not be fetched for a network reason: its requests fail too.

    ``args[0]`` is that reason, already in the words of :func:`describe_failure`.
    """


def describe_failure(failure: Failure) -> tuple[str, bool]:
    """``(reason, is_anomaly)`` for a request's failure."""
    request: Request | None = getattr(failure, "request", None)
    return describe_exception(failure.value, request)


def describe_exception(exc: BaseException, request: Request | None = None) -> tuple[str, bool]:
    """``(reason, is_anomaly)`` for an exception that ended ``request``."""
    if isinstance(exc, HostUnreachableError):
        return str(exc.args[0]), False
    if isinstance(exc, LoginWallError):
        target = urlsplit(exc.args[0].split(": ", 1)[-1])
        return _en("reason_login_wall", target=f"{target.netloc}{target.path}"), True
    if isinstance(exc, HttpError):
        return _en("reason_http", status=exc.response.status), False
    if isinstance(exc, IgnoreRequest):
        message = str(exc) or "request ignored"
        if "robots.txt" in message:
            return _en("reason_robots"), False
        return message, False
    return _network_reason(exc, request), False


def is_network_reason(reason: str) -> bool:
    """Whether a stored reason blames the way to the site (DNS, refused, timeout, proxy)."""
    return reason.startswith(NETWORK_REASONS)


def _network_reason(exc: BaseException, request: Request | None) -> str:
    host = _host(request)
    proxy = _proxy(request)
    if proxy and (isinstance(exc, UNREACHABLE_ERRORS) or type(exc).__name__ == "TunnelError"):
        return _en("reason_proxy", proxy=proxy)  # the connection goes to the proxy, not the host
    if isinstance(exc, (CannotResolveHostError, tx.DNSLookupError)):
        return _en("reason_dns", host=host or _detail(exc))
    if isinstance(exc, (DownloadConnectionRefusedError, tx.ConnectionRefusedError)):
        return _en("reason_refused", host=host or "?")
    if isinstance(exc, (DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError)):
        seconds = request.meta.get("download_timeout") if request is not None else None
        if seconds:
            return _en("reason_timeout", host=host or "?", seconds=f"{float(seconds):g}")
        return _en("reason_timeout_plain", host=host or "?")
    if isinstance(exc, tx.ConnectError):
        return _en("reason_no_route", host=host or "?")
    if isinstance(exc, ResponseDataLossError):
        return _en("reason_cut", host=host or "?")
    if isinstance(exc, (tx.ConnectionLost, tx.ConnectionDone)):
        return _en("reason_lost", host=host or "?")
    if isinstance(exc, DownloadCancelledError) and (size := _MAX_SIZE.search(str(exc))):
        return _en("reason_too_large", limit=f"{int(size[1]) / 2**20:g}")
    if isinstance(exc, DownloadFailedError):
        return _en("reason_failed", detail=_detail(exc) or type(exc).__name__)
    name = type(exc).__name__
    return f"{name}: {_detail(exc)}" if _detail(exc) else name


def _en(key: str, **values: object) -> str:
    return error(key, "en", **values)


def _host(request: Request | None) -> str:
    if request is None:
        return ""
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    return f"{host}:{parts.port}" if parts.port else host


def _proxy(request: Request | None) -> str:
    """The proxy a request went through (its host and port, never its credentials)."""
    proxy = request.meta.get("proxy") if request is not None else None
    if not proxy:
        return ""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""


def _detail(exc: BaseException) -> str:
    """The exception's own message, once: Twisted's and Scrapy's repeat their class's words."""
    text = str(exc).strip().rstrip(".")
    for prefix in ("DNS lookup failed: ", "no results for hostname lookup: "):
        while text.startswith(prefix):
            text = text[len(prefix) :]
    return text
