"""Per-path overrides from ``_routes.toml``, file lookup, content types and conditional GETs."""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

ROUTES_FILE = "_routes.toml"
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "text/javascript",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
}
_ROUTE_KEYS = {
    "status",
    "redirect",
    "content_type",
    "encoding",
    "conditional",
    "delay",
    "methods",
    "headers",
}
_STATUSES = {s.value for s in HTTPStatus}


@dataclass(frozen=True, slots=True)
class Route:
    """Per-path overrides from ``_routes.toml``."""

    status: int | None = None
    redirect: str | None = None
    content_type: str | None = None
    encoding: str | None = None
    conditional: bool = True
    delay: float = 0.0
    methods: tuple[str, ...] = ("GET",)
    headers: tuple[tuple[str, str], ...] = ()


def find_file(snapdir: Path, url_path: str) -> Path | None:
    """Return the file serving ``url_path``: ``a/b``, else ``a/b.html``, else ``a/b/index.html``."""
    parts = [p for p in url_path.split("/") if p]
    if any(p in (".", "..") or p == ROUTES_FILE or "\\" in p for p in parts):
        return None
    rel = "/".join(parts)
    candidates = [f"{rel}.html", f"{rel}/index.html"] if rel else ["index.html"]
    if rel and not url_path.endswith("/"):
        candidates.insert(0, rel)
    for candidate in candidates:
        path = snapdir / candidate
        if path.is_file():
            return path
    return None


def guess_type(file: Path, raw: bytes) -> str:
    """Return a file's media type from its suffix, else from its first bytes."""
    ctype = _TYPES.get(file.suffix.lower())
    if ctype:
        return ctype
    head = raw[:64].lstrip()
    if head.startswith(b"<?xml"):
        return "application/xml"
    if head.startswith(b"<"):
        return "text/html"
    if head[:1] in (b"{", b"["):
        return "application/json"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def is_text(ctype: str) -> bool:
    return ctype.startswith("text/") or ctype.endswith(("+xml", "/xml", "/json", "javascript"))


def not_modified(headers: dict[str, str], etag: str, modified: datetime) -> bool:
    """Return whether ``If-None-Match`` (or, without one, ``If-Modified-Since``) allows a 304."""
    match = headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since) >= modified
        except (TypeError, ValueError):
            return False
    return False


def parse_routes(path: Path) -> tuple[dict[str, Route], list[tuple[re.Pattern[str], Route]]]:
    """Read a ``_routes.toml`` into exact routes and glob routes; raise ``ValueError`` if bad."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from None
    unknown = set(data) - {"routes"}
    if unknown:
        raise ValueError(f'{path}: unknown table(s) {sorted(unknown)}; expected [routes."/path"]')
    exact: dict[str, Route] = {}
    globs: list[tuple[re.Pattern[str], Route]] = []
    for key, spec in data.get("routes", {}).items():
        if not key.startswith("/") or not isinstance(spec, dict):
            raise ValueError(f"{path}: route {key!r} must be a table keyed by a path (/...)")
        route = _build_route(path, key, spec)
        if "*" in key:
            regex = re.escape(key).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
            globs.append((re.compile(regex), route))
        else:
            exact[key] = route
    return exact, globs


def _build_route(path: Path, key: str, spec: dict[str, Any]) -> Route:
    def bad(field: str, want: str) -> ValueError:
        return ValueError(f"{path}: route {key!r}: '{field}' must be {want}, not {spec[field]!r}")

    unknown = set(spec) - _ROUTE_KEYS
    if unknown:
        raise ValueError(
            f"{path}: route {key!r}: unknown key(s) {sorted(unknown)}; "
            f"expected some of {sorted(_ROUTE_KEYS)}"
        )
    kw: dict[str, Any] = {}
    for name in ("redirect", "content_type", "encoding"):
        if name in spec:
            if not isinstance(spec[name], str):
                raise bad(name, "a string")
            kw[name] = spec[name]
    if "encoding" in kw:
        try:
            codecs.lookup(kw["encoding"])
        except LookupError:
            raise bad("encoding", "a known codec") from None
    if "status" in spec:
        status = spec["status"]
        if isinstance(status, bool) or not isinstance(status, int) or status not in _STATUSES:
            raise bad("status", "a known HTTP status code")
        kw["status"] = status
    if "conditional" in spec:
        if not isinstance(spec["conditional"], bool):
            raise bad("conditional", "true or false")
        kw["conditional"] = spec["conditional"]
    if "delay" in spec:
        delay = spec["delay"]
        if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
            raise bad("delay", "a number of seconds >= 0")
        kw["delay"] = float(delay)
    if "methods" in spec:
        methods = spec["methods"]
        if (
            not isinstance(methods, list)
            or not methods
            or not all(isinstance(m, str) for m in methods)
        ):
            raise bad("methods", "a non-empty list of strings")
        kw["methods"] = tuple(m.upper() for m in methods)
    if "headers" in spec:
        extra = spec["headers"]
        if not isinstance(extra, dict) or not all(isinstance(v, str) for v in extra.values()):
            raise bad("headers", "a table of strings")
        kw["headers"] = tuple(extra.items())
    return Route(**kw)
