"""The web app without a browser: escaping, headers, token, hosts, feeds and the JSON API."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import feedparser
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from policyradar.records import ChangeKind, Snapshot
from policyradar.storage import Storage
from policyradar.text.diffing import diff_text, new_document_diff
from policyradar.urls import safe_url
from policyradar.web.app import create_app
from policyradar.web.security import check_listen

if TYPE_CHECKING:
    from pathlib import Path

XSS_TITLE = "<script>alert(1)</script>库容通知"
XSS_BODY = '第一段 <img src=x onerror=alert(1)> 库容\n"><svg onload=alert(2)>'
TOKEN = "s3cret-token-0123456789"


def snapshot(url: str, title: str, text: str, source: str = "gs") -> Snapshot:
    return Snapshot(source_id=source, url=url, title=title, text=text, fingerprint=str(hash(text)))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "policyradar.db"
    with Storage(path) as storage:
        run = storage.start_run(["gs"])
        s1 = snapshot("javascript:alert(1)", XSS_TITLE, XSS_BODY)
        cid = storage.save_version(run, s1, new_document_diff(s1.text), ChangeKind.NEW, 10)
        storage.set_classification(
            cid,
            {
                "categories": ["fees"],
                "keywords": ["<b>kw</b>"],
                "watch_hits": [
                    {"watchlist": "<i>w</i>", "keyword": "库容", "snippet": "<u>库容</u>"}
                ],
                "effective_dates": ["2026-03-01"],
                "urgency": "high",
            },
        )
        old, new = "库容上限为100。\n其他不变。", "库容上限为200。\n其他不变。"
        s2 = snapshot("https://example.com/cap", "库容上限调整", old)
        storage.save_version(run, s2, new_document_diff(old), ChangeKind.NEW, 10)
        diff = diff_text(old, new)
        assert diff is not None
        s3 = snapshot("https://example.com/cap", "库容上限调整", new)
        storage.save_version(run, s3, diff, ChangeKind.CHANGED, 10)
        storage.finish_run(run)
    return path


def client(db: Path, **kw: object) -> TestClient:
    return TestClient(create_app(db, **kw), base_url="http://127.0.0.1")  # type: ignore[arg-type]


def test_crawled_text_is_escaped_everywhere(db: Path) -> None:
    c = client(db)
    for url in ("/", "/search?q=库容", "/changes/1", "/documents/1", "/sources"):
        html = c.get(url).text
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<svg onload" not in html
        assert "<b>kw</b>" not in html
        assert "<i>w</i>" not in html
        assert 'href="javascript:' not in html
    page = c.get("/changes/1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:alert(1)" in page  # shown as text, not as a link


def test_every_response_forbids_scripts(db: Path) -> None:
    response = client(db).get("/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_change_page_marks_the_diff(db: Path) -> None:
    html = client(db).get("/changes/3").text
    assert "<del>1</del>" in html
    assert "<ins>2</ins>" in html


def test_the_document_page_diffs_any_two_versions(db: Path) -> None:
    html = client(db).get("/documents/2?a=2&b=3").text
    assert "<del>1</del>" in html
    assert "<ins>2</ins>" in html
    same = client(db).get("/documents/2?a=3&b=3")
    assert same.status_code == 200


def test_search_errors_are_sentences_not_tracebacks(db: Path) -> None:
    c = client(db)
    page = c.get("/search", params={"q": "🔥"})
    assert page.status_code == 400
    assert "没有可搜索的文字" in page.text
    api = c.get("/api/search", params={"q": "NOT 库容", "lang": "en"})
    assert api.status_code == 400
    assert "word to look for" in api.json()["error"]
    assert c.get("/api/changes", params={"since": "yesterday"}).status_code == 400


def test_the_json_api_mirrors_the_command_line(db: Path) -> None:
    c = client(db)
    changes = c.get("/api/changes").json()
    assert [d["id"] for d in changes] == [3, 2, 1]
    one = c.get("/api/changes/3").json()
    assert one["diff"]["ops"]
    hits = c.get("/api/search", params={"q": "库容", "urgency": "high"}).json()
    assert [h["id"] for h in hits] == [1]
    assert "库容" in hits[0]["snippet"]
    assert c.get("/api/changes/99").status_code == 404


def test_feeds_are_valid_atom(db: Path) -> None:
    c = client(db)
    for url in (
        "/feeds/category/fees.atom",
        "/feeds/watch/%3Ci%3Ew%3C%2Fi%3E.atom",
        "/feeds/search.atom?q=库容",
    ):
        response = c.get(url)
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.bozo_exception)
        assert feed.entries, url
    entry = feedparser.parse(c.get("/feeds/category/fees.atom").content).entries[0]
    assert entry.title == XSS_TITLE  # the text itself, escaped once for XML
    assert "<script" not in entry.summary or "&lt;script" in entry.summary
    assert all(link.href.startswith("http") for link in entry.links)
    assert c.get("/feeds/search.atom", params={"q": "🔥"}).status_code == 400


def test_english_labels_on_request(db: Path) -> None:
    c = client(db, lang="zh")
    assert "时间线" in c.get("/").text
    assert "Timeline" in c.get("/?lang=en").text
    assert "Timeline" in client(db, lang="en").get("/").text


def test_a_token_guards_everything(db: Path) -> None:
    c = client(db, token=TOKEN)
    assert c.get("/").status_code == 401
    assert c.get("/api/changes").status_code == 401
    assert c.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert c.get("/", headers={"Authorization": "Bearer wrong-token-000000"}).status_code == 401
    first = c.get(f"/?token={TOKEN}")
    assert first.status_code == 200
    assert "HttpOnly" in first.headers["set-cookie"]
    assert c.get("/sources").status_code == 200  # the cookie now carries it


def test_only_loopback_host_names_are_served_by_default(db: Path) -> None:
    c = TestClient(create_app(db), base_url="http://evil.example")
    assert c.get("/").status_code == 400  # a DNS-rebinding page cannot read the UI


@pytest.mark.parametrize(
    ("host", "token", "ok"),
    [
        ("127.0.0.1", None, True),
        ("localhost", None, True),
        ("::1", None, True),
        ("0.0.0.0", None, False),
        ("192.168.1.5", None, False),
        ("0.0.0.0", TOKEN, True),
        ("0.0.0.0", "short", False),
    ],
)
def test_listening_beyond_loopback_needs_a_token(host: str, token: str | None, ok: bool) -> None:
    assert (check_listen(host, token) is None) is ok


def test_serve_refuses_to_start_on_all_interfaces_without_a_token(tmp_path: Path) -> None:
    from policyradar.cli.common import Context
    from policyradar.cli.web import serve

    result = CliRunner().invoke(
        serve, ["--host", "0.0.0.0"], obj=Context(tmp_path, "en", 0), env={"POLICYRADAR_TOKEN": ""}
    )
    assert result.exit_code == 2
    assert "--token" in result.output


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://sellercentral.amazon.com/x?a=1", True),
        ("http://example.com/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("https://ex ample.com/", False),
        ("vbscript:x", False),
    ],
)
def test_only_http_links_are_links(url: str, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe


def test_api_json_is_utf8_and_parseable(db: Path) -> None:
    raw = client(db).get("/api/changes").content
    assert "库容".encode() in raw
    assert json.loads(raw)


def test_a_homes_own_category_shows_its_name_on_pages_and_feeds(db: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "categories.toml").write_text(
        '[category.shipping_cn]\nname_zh = "头程物流"\nname_en = "First-mile shipping"\n',
        encoding="utf-8",
    )
    with Storage(db) as storage:
        storage.set_classification(3, {"categories": ["shipping_cn", "fees"]})
    c = client(db, home=home)
    for url in ("/", "/changes/3", "/?category=shipping_cn"):
        html = c.get(url).text
        assert "头程物流" in html, url
        assert ">shipping_cn<" not in html, url
    assert "First-mile shipping" in c.get("/changes/3?lang=en").text
    feed = feedparser.parse(c.get("/feeds/category/shipping_cn.atom").content)
    assert feed.feed.title.endswith("头程物流")
    # without a home, the database's folder is the home: here it has no categories.toml
    assert "头程物流" not in client(db).get("/changes/3").text
