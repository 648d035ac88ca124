"""``SiteServer``: serve one snapshot of a site tree on 127.0.0.1 and record every request."""

from __future__ import annotations

import hashlib
import re
import threading
import time
import zlib
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote, urlsplit

from policyradar.demo.site.handler import DemoHTTPServer
from policyradar.demo.site.replies import Reply, RequestRecord, page
from policyradar.demo.site.routes import (
    ROUTES_FILE,
    Route,
    find_file,
    guess_type,
    is_text,
    not_modified,
    parse_routes,
)
from policyradar.demo.site.templates import BASE_PLACEHOLDER, DEMO_TODAY, render_dates

_EPOCH = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


class SiteServer:
    """Serve ``root/<snapshot>/`` on 127.0.0.1 in a daemon thread; see the package docstring.

    ``today`` is the day ``{{date…}}`` placeholders count from (default `DEMO_TODAY`, a fixed
    day, so a test sees the same pages every time; the demo passes the real date).
    """

    def __init__(
        self,
        root: Path | str,
        snapshot: str = "s1",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        today: date | None = None,
    ) -> None:
        self.root = Path(root)
        self.host = host
        self.port = port
        self.today = today or DEMO_TODAY
        self._snapshot = ""
        self._lock = threading.Lock()
        self._requests: list[RequestRecord] = []
        self._routes_cache: dict[
            str, tuple[int, dict[str, Route], list[tuple[re.Pattern[str], Route]]]
        ] = {}
        self._httpd: DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url = ""
        self.snapshot = snapshot

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> str:
        """Bind, start serving in a daemon thread and return the base URL."""
        if self._httpd is not None:
            raise RuntimeError("server already started")
        self._httpd = DemoHTTPServer((self.host, self.port), self)
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

    def record(self, record: RequestRecord) -> None:
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
        exact, globs = parse_routes(path)
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

    def respond(self, method: str, target: str, headers: dict[str, str], snapshot: str) -> Reply:
        url_path = unquote(urlsplit(target).path) or "/"
        route = self._route(snapshot, target, url_path)
        allowed = set(route.methods) | ({"HEAD"} if "GET" in route.methods else set())
        if method not in allowed:
            return page(
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
            reply = page(HTTPStatus(status), url_path, (("Location", location),))
            return Reply(reply.status, reply.headers + extra, reply.body)
        file = find_file(self.root / snapshot, url_path)
        if file is None:
            return page(HTTPStatus(route.status or 404), url_path, extra)
        body, ctype = self._content(file, route)
        status = route.status or 200
        out = [("Content-Type", ctype)]
        if status == 200 and route.conditional:
            etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
            modified = self.last_modified(snapshot)
            out += [("ETag", etag), ("Last-Modified", format_datetime(modified, usegmt=True))]
            if not_modified(headers, etag, modified):
                return Reply(304, (*out[1:], *extra))
        return Reply(status, (*out, *extra), body)

    def _content(self, file: Path, route: Route) -> tuple[bytes, str]:
        raw = file.read_bytes()
        ctype = guess_type(file, raw)
        if not is_text(ctype):
            return raw, route.content_type or ctype
        text = self._fill(raw.decode("utf-8"))
        encoding = route.encoding or "utf-8"
        return text.encode(encoding), route.content_type or f"{ctype}; charset={encoding}"

    def _fill(self, text: str) -> str:
        return render_dates(text.replace(BASE_PLACEHOLDER, self._base_url), self.today)
