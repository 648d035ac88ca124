"""The threaded HTTP server and request handler that answer for a ``SiteServer``."""

from __future__ import annotations

import contextlib
import http.server
import logging
import socket
import sys
import threading
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol

from policyradar.demo.site.replies import RequestRecord, page

if TYPE_CHECKING:
    from policyradar.demo.site.replies import Reply

logger = logging.getLogger("policyradar.demo.site")  # the package's, not this module's


class Site(Protocol):
    """What the handler asks of the site it answers for (``SiteServer``)."""

    @property
    def snapshot(self) -> str: ...

    def respond(self, method: str, target: str, headers: dict[str, str], snapshot: str) -> Reply:
        """The reply to one request, as the site stands in ``snapshot``."""

    def record(self, record: RequestRecord) -> None:
        """Keep one answered request for the tests to read."""


class DemoHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, DemoRequestHandler)

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


class DemoRequestHandler(http.server.BaseHTTPRequestHandler):
    server: DemoHTTPServer
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
            reply = site.respond(self.command, self.path, headers, snapshot)
        except Exception as exc:
            logger.exception("demosite: failed to answer %s %s", self.command, self.path)
            reply = page(HTTPStatus.INTERNAL_SERVER_ERROR, self.path, detail=repr(exc))
        site.record(RequestRecord(self.command, self.path, headers, reply.status, body, snapshot))
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
