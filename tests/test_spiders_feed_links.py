"""A feed's bad links never stop the rest of it: relative links resolve against the feed, and a
link that is not http(s) (empty, `javascript:`, `mailto:`, `data:`, `ftp:`) is skipped with an
anomaly naming the entry; no such URL is stored or fetched. Real crawls of a local site.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import pytest

from policyradar.demo.site import SiteServer
from policyradar.spiders.feed import parse_feed
from policyradar.urls import is_web_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

BAD_LINKS = {
    "Empty link": "",
    "Script link": "javascript:alert(1)",
    "Mail link": "mailto:seller-news@example.com",
    "Data link": "data:text/html,<b>x</b>",
    "FTP link": "ftp://files.example.com/notice.pdf",
}
GOOD = {
    "Relative link": "../notices/relative.html",  # resolves against /feeds/news.xml
    "Root-relative link": "/notices/root.html",
    "Absolute link": "{{base}}/notices/absolute.html",
}


def _entry(title: str, link: str) -> str:
    return (
        f"<item><title>{title}</title><link>{escape(link)}</link>"
        "<pubDate>Mon, 02 Feb 2026 08:00:00 GMT</pubDate>"
        f"<description>{title}: the FBA fee notice.</description></item>"
    )


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    root = tmp_path_factory.mktemp("feedsite")
    s1 = root / "s1"
    (s1 / "feeds").mkdir(parents=True)
    (s1 / "notices").mkdir()
    # bad links first and between the good ones: nothing after a bad entry may be lost
    items = [_entry(t, link) for t, link in BAD_LINKS.items()]
    items.insert(2, _entry("Relative link", GOOD["Relative link"]))
    items += [_entry(t, link) for t, link in GOOD.items() if t != "Relative link"]
    (s1 / "feeds" / "news.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Seller news</title><link>{{{{base}}}}/</link>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    for name in ("relative", "root", "absolute"):
        (s1 / "notices" / f"{name}.html").write_text(
            f"<html><head><title>{name}</title></head><body><main><p>The {name} notice: fees"
            " change on 1 March 2026.</p></main></body></html>",
            encoding="utf-8",
        )
    (root / "sources.toml").write_text("", encoding="utf-8")
    with SiteServer(root, snapshot="s1") as server:
        yield server


@pytest.mark.parametrize("follow", [True, False])
def test_bad_feed_links_are_skipped_and_the_rest_is_kept(
    feed_site: SiteServer, home: Home, follow: bool
) -> None:
    feed_site.clear_requests()
    home.sources(
        f'[[source]]\nid = "news"\nkind = "feed"\nurl = "{feed_site.base_url}/feeds/news.xml"\n'
        f"follow = {'true' if follow else 'false'}\n"
    )
    report = home.crawl()
    (row,) = report["sources"]
    assert row["outcome"] == "changed"
    assert row["new"] == 3
    assert row["anomalies"] == len(BAD_LINKS)

    db = sqlite3.connect(home.path / "policyradar.db")
    urls = sorted(url for (url,) in db.execute("SELECT url FROM documents"))
    assert urls == sorted(
        f"{feed_site.base_url}/notices/{n}.html" for n in ("absolute", "relative", "root")
    )
    reasons = [r for (r,) in db.execute("SELECT reason FROM events WHERE kind = 'anomaly'")]
    for title in BAD_LINKS:
        assert sum(f"entry {title!r} skipped" in r for r in reasons) == 1, (title, reasons)
    requested = feed_site.paths()
    assert not any(p.startswith(("ftp", "mailto", "javascript", "data")) for p in requested)
    if follow:
        assert {"/notices/relative.html", "/notices/root.html"} <= set(requested)


def test_parse_feed_resolves_relative_links_against_the_feed_url() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>a.html</link></item>"
        b"<item><title>b</title><link>/b.html</link></item></channel></rss>"
    )
    entries, problem = parse_feed(body, "application/rss+xml", "https://example.com/news/feed.xml")
    assert problem is None
    assert [e["url"] for e in entries] == [
        "https://example.com/news/a.html",
        "https://example.com/b.html",
    ]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://sellercentral.amazon.com/forums/t/1", True),
        ("http://127.0.0.1:8080/x", True),
        ("ftp://files.example.com/a.pdf", False),
        ("mailto:a@example.com", False),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("https:///no-host", False),
        ("http://[::1", False),
    ],
)
def test_is_web_url_accepts_only_absolute_http_and_https(url: str, ok: bool) -> None:
    assert is_web_url(url) is ok
