"""A local HTTP server that replays snapshot directories of a web site, for the demo and the tests.

``SiteServer(root)`` serves ``root/<snapshot>/`` on ``127.0.0.1`` at an OS-chosen port.
Switching ``server.snapshot`` from ``"s1"`` to ``"s2"`` makes the same URLs answer with the next
version of the site, so a crawl of s1 followed by a crawl of s2 exercises new, changed and
removed documents.

A request for ``/a/b?x=1`` ignores the query and serves ``a/b``, else ``a/b.html``, else
``a/b/index.html``; anything else is a 404. Text files (HTML, XML, JSON, text) have ``{{base}}``
replaced by the server's base URL. Every 200 carries an ``ETag`` (a hash of the bytes sent) and a
``Last-Modified`` derived from the snapshot name, and a matching ``If-None-Match`` (or, without one,
an ``If-Modified-Since`` at or after ``Last-Modified``) gets ``304 Not Modified``.

``root/<snapshot>/_routes.toml`` (never served) overrides single paths; a key containing ``*``
matches one path segment per ``*`` (``**`` crosses ``/``)::

    [routes."/flaky/page"]
    status = 503                    # sent with the file if there is one, else with a small body
    [routes."/help/page"]
    redirect = "{{base}}/ap/signin?return_to=x"   # 302 (or `status` if 3xx) with this Location
    [routes."/article/*"]
    content_type = "text/html"      # the exact header value: here no charset, like cifnews
    [routes."/gbk/page"]
    encoding = "gbk"                # the file is stored as UTF-8 and encoded with gbk when sent
    [routes."/slow/*"]
    delay = 0.2                     # seconds to wait before answering
    [routes."/api/list"]
    methods = ["POST"]              # allowed methods (default GET; HEAD goes with GET)
    conditional = false             # no ETag / Last-Modified / 304
    headers = { "Retry-After" = "120" }
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import hashlib
import http.server
import logging
import re
import socket
import sys
import threading
import time
import tomllib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

BASE_PLACEHOLDER = "{{base}}"
ROUTES_FILE = "_routes.toml"
DEMO_ROOT = Path(__file__).resolve().parent.parent / "data" / "demo"
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
_EPOCH = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the server answered. ``headers`` has lower-cased names."""

    method: str
    path: str  # as requested, with the query string
    headers: dict[str, str]
    status: int
    body: bytes = b""
    snapshot: str = ""

    @property
    def url_path(self) -> str:
        return urlsplit(self.path).path


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


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


class SiteServer:
    """Serve ``root/<snapshot>/`` on 127.0.0.1 in a daemon thread; see the module docstring."""

    def __init__(
        self, root: Path | str, snapshot: str = "s1", *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.root = Path(root)
        self.host = host
        self.port = port
        self._snapshot = ""
        self._lock = threading.Lock()
        self._requests: list[RequestRecord] = []
        self._routes_cache: dict[
            str, tuple[int, dict[str, Route], list[tuple[re.Pattern[str], Route]]]
        ] = {}
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url = ""
        self.snapshot = snapshot

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> str:
        """Bind, start serving in a daemon thread and return the base URL."""
        if self._httpd is not None:
            raise RuntimeError("server already started")
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"demosite:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self._base_url

    def stop(self) -> None:
        """Stop serving and close every open connection; safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SiteServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- state ----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("server not started")
        return self._base_url

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    @property
    def snapshot(self) -> str:
        return self._snapshot

    @snapshot.setter
    def snapshot(self, name: str) -> None:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"bad snapshot name {name!r}")
        if not (self.root / name).is_dir():
            raise ValueError(f"no snapshot directory {self.root / name}")
        self._load_routes(name)  # a broken _routes.toml fails here, not on a request
        self._snapshot = name

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the requests answered so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def paths(self, method: str | None = None) -> list[str]:
        """Return the requested paths (with queries), optionally of one method only."""
        return [r.path for r in self.requests if method is None or r.method == method]

    def last_modified(self, snapshot: str | None = None) -> datetime:
        """Return the fixed ``Last-Modified`` of a snapshot: 2026-01-01 08:00 UTC + N days (sN)."""
        name = snapshot or self._snapshot
        digits = re.search(r"\d+", name)
        days = int(digits.group()) if digits else zlib.crc32(name.encode()) % 1000
        return _EPOCH + timedelta(days=days)

    # -- answering ------------------------------------------------------------------------------

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)

    def _load_routes(
        self, snapshot: str
    ) -> tuple[dict[str, Route], list[tuple[re.Pattern[str], Route]]]:
        path = self.root / snapshot / ROUTES_FILE
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}, []
        cached = self._routes_cache.get(snapshot)
        if cached is not None and cached[0] == mtime:
            return cached[1], cached[2]
        exact, globs = _parse_routes(path)
        self._routes_cache[snapshot] = (mtime, exact, globs)
        return exact, globs

    def _route(self, snapshot: str, target: str, url_path: str) -> Route:
        exact, globs = self._load_routes(snapshot)
        route = exact.get(target) or exact.get(url_path)
        if route is not None:
            return route
        for pattern, candidate in globs:
            if pattern.fullmatch(url_path):
                return candidate
        return Route()

    def _respond(self, method: str, target: str, headers: dict[str, str], snapshot: str) -> _Reply:
        url_path = unquote(urlsplit(target).path) or "/"
        route = self._route(snapshot, target, url_path)
        allowed = set(route.methods) | ({"HEAD"} if "GET" in route.methods else set())
        if method not in allowed:
            return _page(
                HTTPStatus.METHOD_NOT_ALLOWED, url_path, (("Allow", ", ".join(sorted(allowed))),)
            )
        if route.delay:
            time.sleep(route.delay)
        extra = tuple((k, self._fill(v)) for k, v in route.headers)
        if route.redirect is not None:
            location = self._fill(route.redirect)
            if location.startswith("/"):
                location = self._base_url + location
            status = route.status if route.status and 300 <= route.status < 400 else 302
            reply = _page(HTTPStatus(status), url_path, (("Location", location),))
            return _Reply(reply.status, reply.headers + extra, reply.body)
        file = _find_file(self.root / snapshot, url_path)
        if file is None:
            return _page(HTTPStatus(route.status or 404), url_path, extra)
        body, ctype = self._content(file, route)
        status = route.status or 200
        out = [("Content-Type", ctype)]
        if status == 200 and route.conditional:
            etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
            modified = self.last_modified(snapshot)
            out += [("ETag", etag), ("Last-Modified", format_datetime(modified, usegmt=True))]
            if _not_modified(headers, etag, modified):
                return _Reply(304, (*out[1:], *extra))
        return _Reply(status, (*out, *extra), body)

    def _content(self, file: Path, route: Route) -> tuple[bytes, str]:
        raw = file.read_bytes()
        ctype = _guess_type(file, raw)
        if not _is_text(ctype):
            return raw, route.content_type or ctype
        text = self._fill(raw.decode("utf-8"))
        encoding = route.encoding or "utf-8"
        return text.encode(encoding), route.content_type or f"{ctype}; charset={encoding}"

    def _fill(self, text: str) -> str:
        return text.replace(BASE_PLACEHOLDER, self._base_url)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], site: SiteServer) -> None:
        self.site = site
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a killed crawl) is normal here: stay quiet.
        logger.debug("demosite: error answering %s: %r", client_address, sys.exc_info()[1])


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "PolicyRadarDemo/1.0"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30

    def do_GET(self) -> None:
        site = self.server.site
        snapshot = site.snapshot
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body = self._read_body(headers)
        try:
            reply = site._respond(self.command, self.path, headers, snapshot)
        except Exception as exc:
            logger.exception("demosite: failed to answer %s %s", self.command, self.path)
            reply = _page(HTTPStatus.INTERNAL_SERVER_ERROR, self.path, detail=repr(exc))
        site._record(RequestRecord(self.command, self.path, headers, reply.status, body, snapshot))
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            if reply.status != 304:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD" and reply.status != 304:
                self.wfile.write(reply.body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _read_body(self, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = 0
        return self.rfile.read(length) if length > 0 else b""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no line per request on stderr."""


def _page(
    status: HTTPStatus, path: str, headers: tuple[tuple[str, str], ...] = (), detail: str = ""
) -> _Reply:
    text = detail or {404: f"The requested URL {path} was not found on this server."}.get(
        status.value, status.description
    )
    body = (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{status.value} '
        f"{status.phrase}</title></head>\n<body><h1>{status.phrase}</h1>\n<p>{escape(text)}"
        "</p>\n</body></html>\n"
    ).encode()
    return _Reply(status.value, (("Content-Type", "text/html; charset=utf-8"), *headers), body)


def _find_file(snapdir: Path, url_path: str) -> Path | None:
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


def _guess_type(file: Path, raw: bytes) -> str:
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


def _is_text(ctype: str) -> bool:
    return ctype.startswith("text/") or ctype.endswith(("+xml", "/xml", "/json", "javascript"))


def _not_modified(headers: dict[str, str], etag: str, modified: datetime) -> bool:
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


def _parse_routes(path: Path) -> tuple[dict[str, Route], list[tuple[re.Pattern[str], Route]]]:
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


_STATUSES = {s.value for s in HTTPStatus}


def render_base(text: str, base_url: str) -> str:
    """Replace ``{{base}}`` in a template (such as ``data/demo/sources.toml``) with a base URL."""
    return text.replace(BASE_PLACEHOLDER, base_url.rstrip("/"))


def write_sources(template: Path, dest: Path, base_url: str) -> Path:
    """Write ``template`` with ``{{base}}`` filled in to ``dest`` (a file or a directory)."""
    target = dest / template.name if dest.is_dir() else dest
    target.write_text(render_base(template.read_text(encoding="utf-8"), base_url), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Serve a snapshot tree for manual browsing: ``python -m crawler.demosite ROOT``."""
    parser = argparse.ArgumentParser(prog="python -m crawler.demosite", description=main.__doc__)
    parser.add_argument(
        "root",
        type=Path,
        nargs="?",
        default=DEMO_ROOT,
        help=f"directory holding the snapshots (default {DEMO_ROOT})",
    )
    parser.add_argument("--snapshot", default="s1", help="snapshot to serve first (default s1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    args = parser.parse_args(argv)
    try:
        server = SiteServer(args.root, args.snapshot, port=args.port)
        base = server.start()
    except (OSError, ValueError) as exc:
        print(f"demosite: {exc}", file=sys.stderr)
        return 2
    print(f"Serving {args.root}/{server.snapshot} at {base}/", flush=True)
    print("Type a snapshot name and Enter to switch; Ctrl-C to stop.", flush=True)
    try:
        _console(server, args.root)
    finally:
        server.stop()
    return 0


def _console(server: SiteServer, root: Path) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        for line in sys.stdin:
            name = line.strip()
            if not name:
                continue
            try:
                server.snapshot = name
                print(f"Now serving {root}/{name}", flush=True)
            except ValueError as exc:
                print(f"demosite: {exc}", flush=True)
        threading.Event().wait()  # stdin closed: serve until interrupted


if __name__ == "__main__":
    sys.exit(main())
