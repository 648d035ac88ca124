"""A site on 127.0.0.1 whose pages change on plan and whose answers fail on plan.

Each round, a seeded plan edits a few pages (planted changes) and makes a few answers fail: 5xx,
connection resets, timeouts, truncated bodies, sign-in redirects, captchas, GBK bytes labelled
UTF-8, empty 200s and error shells. A fault lasts one round and touches only how a page is served,
never what it says, so a crawl must record exactly the edits it could see: a change whose page
failed this round is found in the first round the page answers again.
"""

from __future__ import annotations

import hashlib
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "site"
CAPTCHA = (FIXTURES / "s2" / "captcha" / "page.html").read_bytes()
SIGNIN = (FIXTURES / "s1" / "ap" / "signin.html").read_bytes()
# The shape of the real shell in issue 15: a short apology, a retry hint and a cookie banner.
ERROR_SHELL = (
    "<html><head><title>Seller Central</title></head><body><div class='content'>"
    "<p>We're sorry. We are experiencing a technical error that we're working to fix. "
    "Please try reloading this page.</p></div><div class='cookies'><p>"
    + "We use cookies and similar tools that are necessary to enable you to make purchases, to "
    "enhance your shopping experiences and to provide our services, as detailed in our Cookie "
    "notice. We also use these cookies to understand how customers use our services. "
    * 4
    + "</p></div></body></html>"
).encode()

FAULTS = (
    "http503",
    "http500",
    "reset",
    "timeout",
    "truncated",
    "signin",
    "captcha",
    "gbk-as-utf8",
    "empty",
    "error-shell",
)
TIMEOUT_SLEEP = 2.5  # longer than the crawl's 1 s timeout


@dataclass
class Page:
    slug: str
    title: str
    paragraphs: list[str]
    chinese: bool = False

    def html(self) -> str:
        body = "".join(f"<p>{p}</p>" for p in self.paragraphs)
        return (
            f'<html><head><meta charset="utf-8"><title>{self.title}</title></head><body>'
            '<nav><a href="/">Home</a> <a href="/list">Notices</a></nav>'
            f'<h1 class="title">{self.title}</h1><div class="content">{body}</div>'
            "<footer>© Seller notices</footer></body></html>"
        )


@dataclass
class Round:
    number: int
    edits: dict[str, str] = field(default_factory=dict)  # slug -> sentence added
    faults: dict[str, str] = field(default_factory=dict)  # path -> fault
    added: str | None = None  # slug of a page published this round


@dataclass
class FaultSite:
    """The server, its pages and the plan; ``start_round(n)`` applies round n's plan."""

    pages: int = 12
    rounds: int = 10
    seed: int = 7
    edits_per_round: int = 2
    faults_per_round: int = 4
    site: dict[str, Page] = field(default_factory=dict)
    plan: list[Round] = field(default_factory=list)
    faults: dict[str, str] = field(default_factory=dict)
    served: list[tuple[int, str, str]] = field(default_factory=list)  # round, path, fault
    current: int = 0

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        for n in range(1, self.pages + 1):
            chinese = n % 3 == 0
            slug = f"n{n:02d}"
            if chinese:
                page = Page(slug, f"卖家通知 {n}", [f"第{n}号通知：亚马逊调整配送费。"], True)
            else:
                page = Page(slug, f"Seller notice {n}", [f"Notice {n}: FBA fees are updated."])
            self.site[slug] = page
        self.plan = [Round(0)]  # round 0: the baseline, served cleanly
        fault_cycle = list(FAULTS)
        for r in range(1, self.rounds + 1):
            rnd = Round(r)
            slugs = sorted(self.site)
            for slug in rng.sample(slugs, self.edits_per_round):
                rnd.edits[slug] = f"Round {r}: the fee becomes ${rng.randint(100, 999) / 100:.2f}."
            if r == self.rounds // 2:
                rnd.added = f"n{self.pages + 1:02d}"
            paths = [f"/p/{s}.html" for s in slugs] + ["/list"] * 2
            chinese = [f"/p/{s}.html" for s in slugs if self.site[s].chinese]
            for path in rng.sample(paths, self.faults_per_round):
                if not fault_cycle:
                    fault_cycle = list(FAULTS)
                    rng.shuffle(fault_cycle)
                fault = fault_cycle.pop(0)
                if fault == "gbk-as-utf8":  # only a page with Chinese text has other bytes in GBK
                    path = rng.choice([p for p in chinese if p not in rnd.faults] or chinese)
                rnd.faults[path] = fault
            self.plan.append(rnd)

    # -- serving ------------------------------------------------------------------------------

    def start_round(self, number: int) -> Round:
        rnd = self.plan[number]
        self.current = number
        for slug, sentence in rnd.edits.items():
            self.site[slug].paragraphs.append(sentence)
        if rnd.added:
            self.site[rnd.added] = Page(
                rnd.added, f"Seller notice {rnd.added}", ["A new notice: storage fees change."]
            )
        self.faults = dict(rnd.faults)
        return rnd

    def answer(self, path: str) -> tuple[str, Any]:
        """``("fault", name)`` or ``("ok", (status, headers, body))`` for a GET of ``path``."""
        path = path.split("?", 1)[0]
        if path in self.faults:
            return "fault", self.faults[path]
        return self.answer_clean(path)

    def answer_clean(self, path: str) -> tuple[str, Any]:
        """The answer when nothing fails."""
        if path == "/robots.txt":
            return "ok", (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        if path == "/list":
            links = "".join(
                f'<li class="item"><a href="/p/{slug}.html">{page.title}</a></li>'
                for slug, page in sorted(self.site.items())
            )
            body = f"<html><body><ul>{links}</ul></body></html>".encode()
            return "ok", (200, {"Content-Type": "text/html; charset=utf-8"}, body)
        if path == "/ap/signin":
            return "ok", (200, {"Content-Type": "text/html; charset=utf-8"}, SIGNIN)
        slug = path.removeprefix("/p/").removesuffix(".html")
        if path.startswith("/p/") and slug in self.site:
            body = self.site[slug].html().encode()
            return "ok", (200, {"Content-Type": "text/html; charset=utf-8"}, body)
        return "ok", (404, {"Content-Type": "text/plain"}, b"not found")

    def faulty_body(self, path: str, fault: str) -> tuple[int, dict[str, str], bytes]:
        slug = path.removeprefix("/p/").removesuffix(".html")
        page = self.site.get(slug)
        html = page.html() if page else "<html><body><ul></ul></body></html>"
        utf8 = {"Content-Type": "text/html; charset=utf-8"}
        match fault:
            case "http503":
                return 503, {"Content-Type": "text/html", "Retry-After": "0"}, b"Busy"
            case "http500":
                return 500, {"Content-Type": "text/html"}, b"Internal Server Error"
            case "signin":
                return 302, {"Location": "/ap/signin?openid.return_to=x"}, b""
            case "captcha":
                return 200, utf8, CAPTCHA
            case "gbk-as-utf8":  # the same text, in GBK bytes labelled UTF-8
                return 200, utf8, html.encode("gbk")
            case "empty":
                return 200, utf8, b"<html><body></body></html>"
            case "error-shell":
                return 200, utf8, ERROR_SHELL
        raise ValueError(fault)

    def serve(self) -> _Server:
        return _Server(self)

    # -- what a crawl must record ---------------------------------------------------------------

    def expected_changes(self) -> dict[str, int]:
        """Per page path: the ``changed`` records a crawl of every round must make.

        A page's edits are seen in the first round both it and the list answer cleanly. The
        count does not depend on whether a mislabelled charset is read right (then the edit is
        seen that round) or flagged (then it is seen in a later round).
        """
        pending: dict[str, bool] = {}
        expected: dict[str, int] = {}
        for rnd in self.plan[1:]:
            for slug in rnd.edits:
                pending[slug] = True
            list_ok = "/list" not in rnd.faults
            for slug in list(pending):
                path = f"/p/{slug}.html"
                if list_ok and path not in rnd.faults and pending[slug]:
                    expected[path] = expected.get(path, 0) + 1
                    pending[slug] = False
        return expected


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A crawler that gave up on a slow or broken answer is what the faults are for."""


class _Server:
    def __init__(self, site: FaultSite) -> None:
        self.site = site
        fault_site = site

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                kind, value = fault_site.answer(self.path)
                if kind == "fault":
                    fault_site.served.append((fault_site.current, self.path, value))
                    self._fault(value)
                    return
                status, headers, body = value
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    self._send(304, {"ETag": etag}, b"")
                    return
                self._send(status, {**headers, "ETag": etag} if status == 200 else headers, body)

            def _fault(self, fault: str) -> None:
                if fault == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "timeout":
                    time.sleep(TIMEOUT_SLEEP)
                    self.close_connection = True
                    return
                if fault == "truncated":
                    path = self.path.split("?", 1)[0]
                    _, (_, headers, body) = fault_site.answer_clean(path)
                    self.send_response(200)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body) + 500))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                    return
                path = self.path.split("?", 1)[0]
                self._send(*fault_site.faulty_body(path, fault))

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
