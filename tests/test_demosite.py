"""Tests of the snapshot-replaying HTTP server (policyradar/demo/site/) and the trees it serves."""

from __future__ import annotations

import http.client
import json
import re
import time
import tomllib
import urllib.error
import urllib.request
from email.utils import format_datetime
from pathlib import Path

import pytest

from policyradar.demo.site import DEMO_ROOT, SiteServer, main, render_base

FIXTURE_SITE = Path(__file__).parent / "fixtures" / "site"
GBK_TEXT = "跨境电商零售出口商品退货监管，联系人：王喆、李堃"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Return status, headers and body without following redirects or raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers.items()), err.read()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    s1, s2 = tmp_path / "s1", tmp_path / "s2"
    for snap, word in ((s1, "first"), (s2, "second")):
        (snap / "news").mkdir(parents=True)
        (snap / "page.html").write_text(
            f"<html><body><p>{word}</p></body></html>", encoding="utf-8"
        )
        (snap / "news.html").write_text("<p>news list</p>", encoding="utf-8")
        (snap / "news" / "news-notices-251016.html").write_text("<p>notice</p>", encoding="utf-8")
    (s1 / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (s1 / "docs").mkdir()
    (s1 / "docs" / "index.html").write_text("<p>docs index</p>", encoding="utf-8")
    (s1 / "gp" / "help" / "external").mkdir(parents=True)
    (s1 / "gp" / "help" / "external" / "help.html").write_text(
        '<a href="{{base}}/news/news-notices-251016">notice</a>', encoding="utf-8"
    )
    (s1 / "feed.xml").write_text("<rss><link>{{base}}/a</link></rss>", encoding="utf-8")
    (s1 / "api.json").write_text('{"status": 0, "link": "{{base}}/kx/1"}', encoding="utf-8")
    (s1 / "logo.png").write_bytes(b"\x89PNG{{base}}")
    (s1 / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (s1 / "cif.html").write_text('<meta charset="utf-8"><p>雨果网</p>', encoding="utf-8")
    (s1 / "gbk.html").write_text(f'<meta charset="gbk"><p>{GBK_TEXT}</p>', encoding="utf-8")
    (s1 / "shell.html").write_text("<p>maintenance</p>", encoding="utf-8")
    (s1 / "signin.html").write_text("<p>Sign in</p>", encoding="utf-8")
    (s1 / "_routes.toml").write_text(
        """
[routes."/cif"]
content_type = "text/html"
[routes."/gbk"]
encoding = "gbk"
[routes."/wall"]
redirect = "/signin?openid.return_to=%2Fwall"
[routes."/wall-abs"]
redirect = "{{base}}/signin"
status = 301
[routes."/api/kx_list"]
methods = ["POST"]
conditional = false
[routes."/down"]
status = 503
headers = { "Retry-After" = "120" }
[routes."/shell"]
status = 500
[routes."/slow/*"]
delay = 0.3
[routes."/page"]
conditional = true
""",
        encoding="utf-8",
    )
    (s1 / "api").mkdir()
    (s1 / "api" / "kx_list").write_text('{"status": 0, "data": {"row_map": {}}}', encoding="utf-8")
    (s1 / "slow").mkdir()
    (s1 / "slow" / "item-1.html").write_text("<p>slow</p>", encoding="utf-8")
    return tmp_path


@pytest.fixture
def srv(tree: Path):
    with SiteServer(tree) as server:
        yield server


def test_start_returns_loopback_base_url_and_stop_closes(tree: Path) -> None:
    server = SiteServer(tree)
    base = server.start()
    assert base == server.base_url
    assert base.startswith("http://127.0.0.1:")
    assert server.port > 0
    assert fetch(base + "/page")[0] == 200
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "/page", timeout=2)


def test_base_url_before_start_raises(tree: Path) -> None:
    with pytest.raises(RuntimeError):
        _ = SiteServer(tree).base_url


def test_snapshot_switching(srv: SiteServer) -> None:
    assert b"first" in fetch(srv.url("/page"))[2]
    srv.snapshot = "s2"
    assert b"second" in fetch(srv.url("/page"))[2]
    assert fetch(srv.url("/"))[0] == 404  # s2 has no index.html
    srv.snapshot = "s1"
    assert b"first" in fetch(srv.url("/page"))[2]
    assert [r.snapshot for r in srv.requests] == ["s1", "s2", "s2", "s1"]


def test_unknown_snapshot_is_refused(srv: SiteServer) -> None:
    with pytest.raises(ValueError, match="no snapshot"):
        srv.snapshot = "s9"
    with pytest.raises(ValueError, match="bad snapshot"):
        srv.snapshot = "../s1"
    assert srv.snapshot == "s1"


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/page", b"first"),
        ("/page.html", b"first"),
        ("/page?utm_source=x&ref=y", b"first"),
        ("/gp/help/external/help.html?itemID=QHQGBTD7XB7EECN&language=en-US", b"notice"),
        ("/news?page=2", b"news list"),
        ("/news/news-notices-251016", b"notice"),
        ("/docs", b"docs index"),
        ("/docs/", b"docs index"),
        ("/", b"home"),
        ("/robots.txt", b"Disallow: /private/"),
    ],
)
def test_lookup_ignores_query_and_tries_html_and_index(
    srv: SiteServer, path: str, marker: bytes
) -> None:
    status, _, body = fetch(srv.url(path))
    assert status == 200
    assert marker in body


def test_missing_path_is_404_with_small_html_body(srv: SiteServer) -> None:
    status, headers, body = fetch(srv.url("/no/such/page?x=1"))
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>Not Found</h1>" in body
    assert srv.requests[-1].status == 404
    assert srv.requests[-1].path == "/no/such/page?x=1"


@pytest.mark.parametrize("path", ["/_routes.toml", "/_routes", "/../s2/page", "/%2e%2e/s2/page"])
def test_routes_file_and_parent_paths_are_never_served(srv: SiteServer, path: str) -> None:
    assert fetch(srv.url(path))[0] == 404


def test_base_placeholder_replaced_in_text_files_only(srv: SiteServer) -> None:
    base = srv.base_url
    html = fetch(srv.url("/gp/help/external/help.html"))[2].decode()
    assert f'href="{base}/news/news-notices-251016"' in html
    assert "{{base}}" not in html
    assert f"<link>{base}/a</link>" in fetch(srv.url("/feed.xml"))[2].decode()
    assert json.loads(fetch(srv.url("/api.json"))[2])["link"] == f"{base}/kx/1"
    _, headers, body = fetch(srv.url("/logo.png"))
    assert headers["Content-Type"] == "image/png"
    assert body == b"\x89PNG{{base}}"


@pytest.mark.parametrize(
    ("path", "ctype"),
    [
        ("/page", "text/html; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/api.json", "application/json; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ],
)
def test_default_content_types_carry_utf8_charset(srv: SiteServer, path: str, ctype: str) -> None:
    assert fetch(srv.url(path))[1]["Content-Type"] == ctype


def test_etag_and_last_modified_and_304(srv: SiteServer) -> None:
    status, headers, body = fetch(srv.url("/page"))
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert modified == format_datetime(srv.last_modified("s1"), usegmt=True)
    status, headers, body = fetch(srv.url("/page"), headers={"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == etag
    assert srv.requests[-1].status == 304
    assert srv.requests[-1].headers["if-none-match"] == etag
    assert fetch(srv.url("/page"), headers={"If-None-Match": f'W/{etag}, "x"'})[0] == 304
    assert fetch(srv.url("/page"), headers={"If-None-Match": '"other"'})[0] == 200
    # If-None-Match wins over If-Modified-Since.
    assert (
        fetch(
            srv.url("/page"), headers={"If-None-Match": '"other"', "If-Modified-Since": modified}
        )[0]
        == 200
    )
    assert fetch(srv.url("/page"), headers={"If-Modified-Since": modified})[0] == 304
    older = format_datetime(srv.last_modified("s0"), usegmt=True)
    assert fetch(srv.url("/page"), headers={"If-Modified-Since": older})[0] == 200
    assert fetch(srv.url("/page"), headers={"If-Modified-Since": "garbage"})[0] == 200


def test_new_snapshot_changes_etag_only_when_content_changes(srv: SiteServer) -> None:
    etag_page = fetch(srv.url("/page"))[1]["ETag"]
    etag_news = fetch(srv.url("/news"))[1]["ETag"]
    srv.snapshot = "s2"
    assert fetch(srv.url("/page"), headers={"If-None-Match": etag_page})[0] == 200
    assert fetch(srv.url("/news"), headers={"If-None-Match": etag_news})[0] == 304
    s2_modified = fetch(srv.url("/news"))[1]["Last-Modified"]
    assert s2_modified == format_datetime(srv.last_modified("s2"), usegmt=True)
    assert srv.last_modified("s2") > srv.last_modified("s1")


def test_conditional_false_sends_no_validators(srv: SiteServer) -> None:
    status, headers, _ = fetch(srv.url("/api/kx_list"), method="POST", data=b"{}")
    assert status == 200
    assert "ETag" not in headers
    assert "Last-Modified" not in headers


def test_no_charset_route_sends_bare_content_type(srv: SiteServer) -> None:
    status, headers, body = fetch(srv.url("/cif"))
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert body.decode("utf-8").endswith("<p>雨果网</p>")
    assert body.decode("latin-1") != body.decode("utf-8")  # the requests-style mojibake trap


def test_gbk_route_sends_gbk_bytes(srv: SiteServer) -> None:
    status, headers, body = fetch(srv.url("/gbk"))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert GBK_TEXT in body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "喆" not in body.decode("gb2312", errors="replace")  # a GBK-only character


def test_redirect_route(srv: SiteServer) -> None:
    status, headers, _ = fetch(srv.url("/wall?x=1"))
    assert status == 302
    assert headers["Location"] == srv.base_url + "/signin?openid.return_to=%2Fwall"
    status, headers, _ = fetch(srv.url("/wall-abs"))
    assert (status, headers["Location"]) == (301, srv.base_url + "/signin")
    with urllib.request.urlopen(srv.url("/wall"), timeout=5) as resp:  # followed
        assert resp.url.startswith(srv.base_url + "/signin")
        assert b"Sign in" in resp.read()


def test_post_route_records_body_and_refuses_get(srv: SiteServer) -> None:
    payload = json.dumps({"is_important": -1, "category_id": 0}).encode()
    status, headers, body = fetch(
        srv.url("/api/kx_list"),
        method="POST",
        data=payload,
        headers={"Content-Type": "application/json", "App-Id": "3"},
    )
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"  # sniffed, no extension
    assert json.loads(body)["status"] == 0
    record = srv.requests[-1]
    assert (record.method, record.path, record.status) == ("POST", "/api/kx_list", 200)
    assert record.body == payload
    assert record.headers["app-id"] == "3"
    assert record.headers["content-type"] == "application/json"
    status, headers, _ = fetch(srv.url("/api/kx_list"))
    assert status == 405
    assert headers["Allow"] == "POST"
    assert fetch(srv.url("/page"), method="POST", data=b"x")[0] == 405


def test_chunked_post_body_is_recorded(srv: SiteServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.request(
            "POST",
            "/api/kx_list",
            body=iter([b'{"page":', b" 1}"]),
            encode_chunked=True,
            headers={"Transfer-Encoding": "chunked"},
        )
        resp = conn.getresponse()
        assert resp.status == 200
        resp.read()
        conn.request("GET", "/page")  # the keep-alive connection is still in step
        assert conn.getresponse().status == 200
    finally:
        conn.close()
    assert srv.requests[0].body == b'{"page": 1}'


def test_status_routes(srv: SiteServer) -> None:
    status, headers, body = fetch(srv.url("/down"))
    assert status == 503
    assert headers["Retry-After"] == "120"
    assert b"Service Unavailable" in body
    assert "ETag" not in headers
    status, _, body = fetch(srv.url("/shell"))
    assert (status, body) == (500, b"<p>maintenance</p>")


def test_head_sends_headers_only(srv: SiteServer) -> None:
    status, headers, body = fetch(srv.url("/page"), method="HEAD")
    assert status == 200
    assert body == b""
    assert int(headers["Content-Length"]) > 0


def test_glob_route_delay(srv: SiteServer) -> None:
    started = time.monotonic()
    assert fetch(srv.url("/slow/item-1"))[0] == 200
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    assert fetch(srv.url("/page"))[0] == 200
    assert time.monotonic() - started < 0.25


def test_requests_log_and_clear(srv: SiteServer) -> None:
    fetch(srv.url("/page"), headers={"User-Agent": "PolicyRadar-test"})
    fetch(srv.url("/missing"))
    assert srv.paths() == ["/page", "/missing"]
    assert srv.requests[0].headers["user-agent"] == "PolicyRadar-test"
    assert [r.status for r in srv.requests] == [200, 404]
    srv.clear_requests()
    assert srv.requests == []


def test_bad_routes_file_fails_at_load(tmp_path: Path) -> None:
    (tmp_path / "s1").mkdir()
    routes = tmp_path / "s1" / "_routes.toml"
    for text, message in [
        ('[routes."/a"]\nstatuss = 503\n', "unknown key"),
        ('[routes."/a"]\nencoding = "klingon"\n', "known codec"),
        ('[routes."/a"]\ndelay = -1\n', "seconds"),
        ('[routes."a"]\nstatus = 503\n', "path"),
        ("[routes\n", "invalid TOML"),
    ]:
        routes.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            SiteServer(tmp_path)


def test_render_base() -> None:
    assert render_base('url = "{{base}}/news"', "http://127.0.0.1:5/") == (
        'url = "http://127.0.0.1:5/news"'
    )


def test_main_rejects_missing_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "no snapshot directory" in capsys.readouterr().err


# -- the bundled trees ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("root", "snapshots"),
    [
        (DEMO_ROOT, ["s1", "s2"]),
        (FIXTURE_SITE, ["s1", "s2", "s3"]),
    ],
)
def test_bundled_trees_have_valid_snapshots(root: Path, snapshots: list[str]) -> None:
    for snapshot in snapshots:
        SiteServer(root, snapshot)  # parses and validates _routes.toml
        assert (root / snapshot / "robots.txt").is_file()


def _entry_requests(sources_file: Path, base: str) -> list[tuple[str, str, str]]:
    data = tomllib.loads(render_base(sources_file.read_text(encoding="utf-8"), base))
    out = []
    for src in data["source"]:
        for url in [src["url"]] if "url" in src else src["urls"]:
            out.append((src["id"], "POST" if src["kind"] == "api" else "GET", url))
    return out


def test_demo_entry_points_answer_in_both_snapshots() -> None:
    with SiteServer(DEMO_ROOT) as srv:
        entries = _entry_requests(DEMO_ROOT / "sources.toml", srv.base_url)
        assert len(entries) >= 11
        s1 = {
            sid: fetch(url, method=m, data=b"{}" if m == "POST" else None)[0]
            for sid, m, url in entries
        }
        srv.snapshot = "s2"
        s2 = {
            sid: fetch(url, method=m, data=b"{}" if m == "POST" else None)[0]
            for sid, m, url in entries
        }
    assert set(s1.values()) == {200}
    assert s2.pop("amazon-help-selling-fees-us") == 302
    assert s2.pop("ebay-announcements") == 503
    assert set(s2.values()) == {200}


def test_fixture_site_lifecycle_statuses() -> None:
    expected = {  # path: statuses in s1, s2, s3
        "/gone/page": (200, 404, 404),
        "/flaky/page": (200, 503, 200),
        "/list/item-1": (200, 200, 200),
        "/conditional/page": (200, 200, 200),
        "/shrink/page": (200, 200, 200),
        "/error/shell": (200, 200, 200),
        "/empty/page": (200, 200, 200),
        "/private/secret": (200, 200, 200),
    }
    with SiteServer(FIXTURE_SITE) as srv:
        seen: dict[str, list[int]] = {path: [] for path in expected}
        bodies = []
        for snapshot in ("s1", "s2", "s3"):
            srv.snapshot = snapshot
            for path in expected:
                seen[path].append(fetch(srv.url(path))[0])
            bodies.append(fetch(srv.url("/conditional/page"))[2])
    assert {path: tuple(statuses) for path, statuses in seen.items()} == expected
    assert bodies[0] == bodies[1] == bodies[2]


def test_demo_gbk_page_is_real_gbk() -> None:
    with SiteServer(DEMO_ROOT) as srv:
        entries = {
            sid: url for sid, _, url in _entry_requests(DEMO_ROOT / "sources.toml", srv.base_url)
        }
        status, headers, body = fetch(entries["gbk-customs-notice"])
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gbk"
    text = body.decode("gbk")
    assert "跨境电子商务零售出口" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_demo_sources_load_with_the_config_reader(tmp_path: Path) -> None:
    pytest.importorskip("policyradar.spiders.adapters")
    from policyradar.config import load_sources

    dest = tmp_path / "sources.toml"
    dest.write_text(
        render_base(
            (DEMO_ROOT / "sources.toml").read_text(encoding="utf-8"), "http://127.0.0.1:8765"
        ),
        encoding="utf-8",
    )
    sources = load_sources(dest)
    assert {s.kind for s in sources} == {"listing", "feed", "page", "api"}


def _expected() -> dict:
    text = (DEMO_ROOT / "EXPECTED.md").read_text(encoding="utf-8")
    return tomllib.loads(re.search(r"```toml\n(.*?)```", text, re.S).group(1))


def test_demo_expected_checklist_matches_the_snapshots() -> None:
    expected = _expected()
    source_ids = {
        s["id"]
        for s in tomllib.loads((DEMO_ROOT / "sources.toml").read_text(encoding="utf-8"))["source"]
    }
    s1, s2 = expected["s1"]["new"], expected["s2"]
    assert len(s1) == 34
    assert (len(s2["new"]), len(s2["changed"]), s2["removed"]) == (6, 4, [])
    docs = s1 + s2["new"] + s2["changed"] + expected["never"]["documents"]
    assert {d["source"] for d in docs} | {n["source"] for n in expected["noise"]} == source_ids
    local = [d for d in docs if d["url"].startswith("{{base}}")]
    with SiteServer(DEMO_ROOT) as srv:
        seen = {}
        for snapshot in ("s1", "s2"):
            srv.snapshot = snapshot
            for doc in local:
                seen[snapshot, doc["url"]] = fetch(render_base(doc["url"], srv.base_url))[0]
    s2_only = {d["url"] for d in s2["new"] if d["url"].startswith("{{base}}")}
    for doc in local:
        first = seen["s1", doc["url"]]
        assert first == (404 if doc["url"] in s2_only else 200), doc["url"]
    assert all(seen["s2", url] == 200 for url in s2_only)


def test_demo_markup_matches_the_source_selectors() -> None:
    from parsel import Selector

    s1 = DEMO_ROOT / "s1"
    forum = Selector((s1 / "seller-forums" / "discussions.html").read_text(encoding="utf-8"))
    cards = forum.css('[data-testid="search-post-compact-layout"]')
    assert len(cards) == 6
    assert sum("News_Amazon" in " ".join(c.css("::text").getall()) for c in cards) == 5
    assert all(c.css('a[href*="/seller-forums/discussions/t/"]') for c in cards)
    assert all(c.css("time[datetime]") for c in cards)
    gs = Selector((s1 / "news.html").read_text(encoding="utf-8"))
    assert len(gs.css("a[href]")) >= 60
    titles = gs.css('a[href*="/news/news-"]::text').getall()
    assert len(titles) == 7
    assert all(t.startswith("● ") and t.endswith("……[详细]") for t in titles)
    thread = Selector(
        next((s1 / "seller-forums" / "discussions" / "t").glob("f8377dd8*")).read_text(
            encoding="utf-8"
        )
    )
    body = thread.css('article[id^="post-"]:first-of-type [data-testid="post-content"]')
    assert len(body) == 1
    assert "Starting August 1, 2024" in " ".join(body.css("::text").getall())
    assert len(thread.css('article[id^="post-"]')) == 3  # the post and two replies
