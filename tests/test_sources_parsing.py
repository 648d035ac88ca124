"""What the catalog added to parsing: approximate dates, sitemaps, list audits, feed filters,
the fixture format, and a list page retried after a redirect."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from policyradar.config import Filters, Selectors, Source
from policyradar.demo.site import SiteServer
from policyradar.sourcekit.fixtures import (
    Expected,
    ExpectedDocument,
    compare,
    dump_sources,
    load_expected,
    rebase,
    render_expected,
    unbase,
)
from policyradar.spiders.adapters import ADAPTERS, AdapterError
from policyradar.spiders.adapters.sitemap import slug_title
from policyradar.spiders.entries import scan_entries
from policyradar.spiders.feed import select_entries
from policyradar.spiders.listdates import approximate_date, text_date, url_date
from policyradar.text.dates import CHINA

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Home

NOW = datetime(2026, 6, 26, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3小时前", datetime(2026, 6, 26, 1, 0, tzinfo=UTC)),
        ("发起了问题 • 2 个回复 • 15 次浏览 • 23 小时前", datetime(2026, 6, 25, 5, 0, tzinfo=UTC)),
        ("1 天前", datetime(2026, 6, 25, 4, 0, tzinfo=UTC)),
        ("刚刚", NOW),
        ("昨天 18:30", datetime(2026, 6, 25, 10, 30, tzinfo=UTC)),
        ("2 hours ago", datetime(2026, 6, 26, 2, 0, tzinfo=UTC)),
        ("Jun 26 11:05", datetime(2026, 6, 26, 3, 5, tzinfo=UTC)),  # AMZ123, UTC+8
        ("Dec 31 23:00", datetime(2025, 12, 31, 15, 0, tzinfo=UTC)),  # not in the future
        ("06-25 16:00", datetime(2025 + 1, 6, 25, 8, 0, tzinfo=UTC)),
        ("6月25日", datetime(2026, 6, 24, 16, 0, tzinfo=UTC)),
        ("阅读 1234", None),
        ("", None),
    ],
)
def test_relative_and_yearless_dates_resolve_against_the_fetch_time(
    text: str, expected: datetime | None
) -> None:
    assert approximate_date(text, tz=CHINA, now=NOW) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://gs.amazon.cn/news/news-notices-251016", datetime(2025, 10, 15, 16, tzinfo=UTC)),
        ("https://www.ebrun.com/20260625/590412.shtml", datetime(2026, 6, 24, 16, tzinfo=UTC)),
        ("https://example.com/2026/05/07/a-post", datetime(2026, 5, 6, 16, tzinfo=UTC)),
        ("https://www.cifnews.com/article/1752047", None),
        ("https://community.ebay.com/t5/Announcements/x/ba-p/31848079", None),
        ("https://www.wearesellers.com/question/118454", None),
        ("https://gs.amazon.cn/news/news-notices-251399", None),  # no 99th day
    ],
)
def test_dates_in_urls(url: str, expected: datetime | None) -> None:
    assert url_date(url, tz=CHINA) == expected


def test_text_date_skips_scripts_and_reads_beijing_time() -> None:
    html = """<html><head><script>var t = "2020-01-01 00:00";</script></head><body>
    <p>发布时间：2026-04-28 10:00　阅读量：3,482</p></body></html>"""
    assert text_date(html, tz=CHINA) == datetime(2026, 4, 28, 2, 0, tzinfo=UTC)
    assert text_date("<p>Effective August 8, 2022</p>") is None


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://m.example/releasenotes/older-note</loc><lastmod>2026-01-02</lastmod></url>
  <url><loc>https://m.example/releasenotes/wfs-inbound-fees-update</loc>
       <lastmod>2026-04-09T10:00:00+00:00</lastmod></url>
  <url><loc>https://m.example/guides/basics</loc><lastmod>2026-05-01</lastmod></url>
  <url><loc>https://m.example/releasenotes/no-date</loc></url>
  <url><loc>https://m.example/news/2026/06/24/x</loc><news:news>
       <news:publication_date>2026-06-24T09:00:00-05:00</news:publication_date>
       <news:title>Walmart  Marketplace Opens</news:title></news:news></url>
</urlset>"""


def test_a_sitemap_yields_matching_urls_newest_first_with_titles() -> None:
    adapter = ADAPTERS["sitemap"]("https://m.example/sitemap.xml", {"include": "/releasenotes/"})
    (request,) = adapter.requests(NOW)
    assert request.method == "GET"
    records = adapter.parse(gzip.compress(SITEMAP))  # a .xml.gz is read as well
    assert [r.title for r in records] == ["Wfs inbound fees update", "Older note", "No date"]
    assert records[0].published_at == datetime(2026, 4, 9, 10, tzinfo=UTC)
    assert records[2].published_at is None
    news = ADAPTERS["sitemap"]("https://m.example/s.xml", {"include": "/news/"}).parse(SITEMAP)
    assert [(r.title, r.published_at) for r in news] == [
        ("Walmart Marketplace Opens", datetime(2026, 6, 24, 14, tzinfo=UTC))
    ]


def test_sitemap_indexes_and_bad_params_are_explained() -> None:
    adapter = ADAPTERS["sitemap"]("https://m.example/sitemap.xml", {})
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://m.example/sitemap_category.xml</loc></sitemap></sitemapindex>"""
    with pytest.raises(AdapterError, match=r"sitemap_category\.xml"):
        adapter.parse(index)
    with pytest.raises(AdapterError, match="not a sitemap"):
        adapter.parse(b"<html><body>Access denied</body></html>")
    with pytest.raises(AdapterError, match="unknown adapter parameter"):
        ADAPTERS["sitemap"]("https://m.example/s.xml", {"includes": "x"})
    with pytest.raises(AdapterError, match="bad regular expression"):
        ADAPTERS["sitemap"]("https://m.example/s.xml", {"include": "("})
    assert slug_title("https://x/releasenotes/item-spec_5-update.html") == "Item spec 5 update"


def test_a_list_audit_counts_what_did_not_parse() -> None:
    source = Source(
        id="s",
        kind="listing",
        url="https://example.com/list",
        language="zh",
        follow=False,
        selectors=Selectors(item="li", link="a.t", date=".d"),
        filters=Filters(require=("公告",), exclude_title=("报名",)),
    )
    html = """<ul>
      <li>公告 <a class="t" href="/a/1">费用调整</a> <span class="d">2026-06-01 10:00</span></li>
      <li>公告 <a class="t" href="/a/2">物流新规</a> <span class="d">3小时前</span></li>
      <li>公告 <span class="t">没有链接</span></li>
      <li>公告 <a class="t" href="/a/4"> </a></li>
      <li>公告 <a class="t" href="/a/5">峰会报名开启</a></li>
      <li>广告 <a class="t" href="/a/6">不含关键字</a></li>
    </ul>"""
    scan = scan_entries(html, "https://example.com/list", source, now=NOW)
    assert [e.title for e in scan.entries] == ["费用调整", "物流新规"]
    assert (scan.candidates, scan.no_link, scan.no_title, scan.filtered) == (5, 1, 1, 1)
    first, second = scan.entries
    assert first.published_at == datetime(2026, 6, 1, 2, tzinfo=UTC)
    assert second.published_at is None  # "3小时前" is only a fallback
    assert second.fallback_date == datetime(2026, 6, 26, 1, tzinfo=UTC)


def test_an_image_link_beside_a_titled_link_is_no_parse_failure() -> None:
    source = Source(id="s", kind="listing", url="https://x/", selectors=Selectors(link="a"))
    html = '<a href="/a/1"><img src="1.jpg"></a><a href="/a/1">Title</a><a href="/a/2"></a>'
    scan = scan_entries(html, "https://x/", source)
    assert [e.title for e in scan.entries] == ["Title"]
    assert scan.no_title == 1  # only /a/2, which has no title anywhere


def test_feed_entries_pass_the_source_filters() -> None:
    entries = [
        {"url": "https://x/1", "title": " ● Recall of toys ", "text": "CPSC"},
        {"url": "https://x/2?utm_source=ad", "title": "Sponsored", "text": "CPSC"},
        {"url": "https://x/3", "title": "Webinar registration", "text": "CPSC"},
        {"url": "https://x/4", "title": "Other", "text": "no keyword"},
    ]
    filters = Filters(
        require=("CPSC",),
        exclude_title=("(?i)webinar",),
        exclude_url=("utm_source=",),
        title_strip=(r"^●\s*",),
    )
    assert [e["title"] for e in select_entries(entries, filters)] == ["Recall of toys"]


def test_expected_files_round_trip_and_compare_names_each_problem(tmp_path: Path) -> None:
    expected = Expected(
        documents=[
            ExpectedDocument(
                url="https://www.amz123.com/t/Q6qtqqCP",
                title="存窒息风险",
                published_at="????-06-26T03:05:00+00:00",
                contains=["召回"],
                lacks=["阅读"],
            )
        ],
        absent_titles=["广告"],
        note="a note",
    )
    path = tmp_path / "expected.toml"
    path.write_text(render_expected(expected, "header\nline two"), encoding="utf-8")
    assert load_expected(path) == expected
    good = {
        "url": "https://www.amz123.com/t/Q6qtqqCP?utm_source=x",
        "title": "存窒息风险",
        "published_at": "2027-06-26T03:05:00+00:00",
        "text": "召回通知",
    }
    assert compare(expected, [good]) == []
    bad = {**good, "title": "x", "published_at": None, "text": "阅读 12"}
    ad = {"url": "https://www.amz123.com/t/ad", "title": "广告", "published_at": None, "text": ""}
    assert compare(expected, [bad, ad]) == [
        "https://www.amz123.com/t/Q6qtqqCP: title 'x', expected '存窒息风险'",
        "https://www.amz123.com/t/Q6qtqqCP: published_at none, expected ????-06-26T03:05:00+00:00",
        "https://www.amz123.com/t/Q6qtqqCP: text lacks '召回'",
        "https://www.amz123.com/t/Q6qtqqCP: text holds '阅读'",
        "unexpected document https://www.amz123.com/t/ad",
        "title '广告' should be filtered out",
    ]


def test_a_star_date_needs_some_date_and_none_needs_none() -> None:
    def problems(pattern: str, when: str | None) -> list[str]:
        doc = ExpectedDocument(url="https://x/1", title="t", published_at=pattern)
        found = {"url": "https://x/1", "title": "t", "published_at": when, "text": ""}
        return compare(Expected(documents=[doc]), [found])

    assert problems("*", "2026-06-25T05:00:00+00:00") == []
    assert problems("*", None) == ["https://x/1: published_at none, expected *"]
    assert problems("none", None) == []
    assert problems("none", "2026-06-25T05:00:00+00:00") != []


def test_urls_move_to_the_local_server_and_back() -> None:
    real = "https://sellercentral.amazon.com/gp/help/external/help.html?itemID=1801&language=en-US"
    local = rebase(real, "http://127.0.0.1:8123")
    assert local == "http://127.0.0.1:8123/gp/help/external/help.html?itemID=1801&language=en-US"
    assert unbase(local, "http://127.0.0.1:8123", "https://sellercentral.amazon.com") == real
    assert unbase("https://other/x", "http://127.0.0.1:8123", "https://a") == "https://other/x"


def test_dumped_sources_load_back_unchanged(tmp_path: Path) -> None:
    import tomllib

    entries = [
        {
            "id": "a",
            "kind": "api",
            "url": "https://x/api",
            "adapter": "sitemap",
            "max_items": 3,
            "ignore": ["\\d+\\s*次浏览", 'say "hi"'],
            "params": {"include": "/releasenotes/"},
            "politeness": {"delay": 1.5},
        }
    ]
    text = dump_sources(entries)
    assert tomllib.loads(text)["source"] == entries


def test_a_list_redirected_away_is_retried_once_then_reported(home: Home, tmp_path: Path) -> None:
    snap = tmp_path / "s1"
    snap.mkdir()
    (snap / "index.html").write_text("<html><body><p>Welcome to the home page.</p></body></html>")
    (snap / "_routes.toml").write_text('[routes."/t"]\nredirect = "{{base}}/"\n')
    with SiteServer(tmp_path, "s1") as server:
        home.sources(
            dump_sources(
                [
                    {
                        "id": "bounced",
                        "kind": "listing",
                        "url": f"{server.base_url}/t",
                        "selectors": {"link": "a.ugc-article-title"},
                    }
                ]
            )
        )
        proc = home.run("crawl", "--source", "bounced", "--json", check=False)
        assert server.paths().count("/t") == 2
    assert proc.returncode == 1  # the only source failed
    (outcome,) = json.loads(proc.stdout)["sources"]
    assert outcome["outcome"] == "error"
