"""URLs: one canonical spelling per document, and the rule for which ones become links."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlsplit, urlunsplit

from w3lib.url import safe_url_string, url_query_cleaner

logger = logging.getLogger(__name__)

TRACKING_PARAMS = frozenset({"spm", "fbclid", "gclid", "ref", "ref_"})
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
_ESCAPE_RE = re.compile(r"%[0-9a-fA-F]{2}")
_LINK_SAFE = ":/?#@!$&*+,;=%~-._"  # kept as typed by safe_url; quote() escapes the rest
_NOT_IN_LINK = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host: the only kind a crawl stores or
    fetches (a feed's ``mailto:`` or ``javascript:`` link, ``ftp:`` or an unparsable one is not).
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def canonical_url(url: str) -> str:
    """Return the canonical spelling of ``url``; applying it twice changes nothing.

    Tracking parameters (``utm_*``, ``spm``, ``fbclid``, ``gclid``, ``ref``, ``ref_``) and the
    fragment are dropped, the scheme and host are lowercased, default ports removed, non-ASCII
    characters percent-encoded (escapes in upper case), and a trailing slash is stripped from any
    path except the root. The remaining query parameters keep their order.
    """
    safe = safe_url_string(url.strip())
    parts = urlsplit(_drop_tracking(safe))
    scheme = parts.scheme.lower()
    path = _canonical_path(parts.path, has_host=bool(parts.netloc))
    query = _upper_escapes(parts.query)
    return urlunsplit((scheme, _canonical_netloc(scheme, parts.netloc), path, query, ""))


def safe_url(url: str | None) -> str | None:
    """``url`` as a link target when it is an absolute http(s) address, else None.

    Only http and https become links: never ``javascript:``, ``data:`` or a scheme-relative
    ``//host``, nor a URL with white space or control characters inside. Quotes, brackets,
    parentheses and non-ASCII characters come back percent-escaped (an IPv6 host keeps its
    brackets), so the link ends where it should in HTML, Markdown and chat messages.
    """
    text = (url or "").strip()
    if not text or _NOT_IN_LINK.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    cut = len(parts.scheme) + 3 + len(parts.netloc)  # "scheme://host" as typed
    return quote(text[:cut], safe=_LINK_SAFE + "[]") + quote(text[cut:], safe=_LINK_SAFE)


def is_tracking_param(name: str) -> bool:
    """Tell whether a query parameter name only tracks the visitor."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _drop_tracking(url: str) -> str:
    query = urlsplit(url).query
    names = {pair.partition("=")[0] for pair in query.split("&") if pair}
    tracking = sorted(name for name in names if is_tracking_param(name))
    # remove=True with an empty list would still drop the fragment, which we want.
    return url_query_cleaner(url, tracking, remove=True, unique=False)


def _canonical_netloc(scheme: str, netloc: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = _split_port(hostport.lower())
    if port is not None and DEFAULT_PORTS.get(scheme) == port:
        hostport = host
    elif port is not None:
        hostport = f"{host}:{port}"
    else:
        hostport = host
    return f"{userinfo}{at}{hostport}"


def _split_port(hostport: str) -> tuple[str, int | None]:
    host, colon, port = hostport.rpartition(":")
    if not colon or "]" in port or not port.isdigit():
        return hostport.rstrip(":"), None
    return host, int(port)


def _canonical_path(path: str, *, has_host: bool) -> str:
    path = _upper_escapes(path)
    if not path:
        return "/" if has_host else path
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def _upper_escapes(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: m.group(0).upper(), text)
