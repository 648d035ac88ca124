"""List-page extraction: entries, filters, title cleaning and dates, on real page shapes."""

from __future__ import annotations

from datetime import UTC, datetime

from policyradar.config import Filters, Selectors, Source
from policyradar.spiders.entries import extract_entries, page_date, page_title

FORUM = """
<div data-testid="search-post-compact-layout">
  <a href="/seller-forums/discussions/t/f8377dd8-a21d-46e9-84f1-3a4af07e51f3">Upcoming changes to
     Referral and FBA fees</a> <span>News_Amazon</span>
  <time datetime="2024-07-15T16:00:00.000Z">Jul 15</time>
</div>
<div data-testid="search-post-compact-layout">
  <a href="/seller-forums/discussions/t/62929d82-cd16-49dc-91eb-d6d0f43bff28">Listings Lounge:
     Policy Updates Edition</a> <span>Michelle_Amazon</span>
  <time datetime="2024-07-10T10:00:00.000Z">Jul 10</time>
</div>
"""

GS_AMAZON = """
<div class="nav"><a href="/policy">政策</a><a href="/fba">FBA</a><a href="/sell">开店</a></div>
<ul>
 <li><a href="/news/news-notices-260112">
     ● 3/31起生效!亚马逊FBA商品贴标政策变更，将终止共享库存!……[详细]</a></li>
 <li><a href="/news/news-notices-251016?utm_source=wx&amp;spm=a1">
     ● 亚马逊美国站FBA费用调整……[详细]</a></li>
 <li><a href="/news/news-notices-251016">● 亚马逊美国站FBA费用调整通知……[详细]</a></li>
</ul>
"""


def source(**kw: object) -> Source:
    return Source(id="s", kind="listing", url="https://example.com/", **kw)  # type: ignore[arg-type]


def test_forum_cards_keep_only_official_posts_with_their_dates() -> None:
    forum = source(
        selectors=Selectors(
            item='[data-testid="search-post-compact-layout"]',
            link='a[href*="/seller-forums/discussions/t/"]',
            date="time[datetime]",
        ),
        filters=Filters(require=("News_Amazon",)),
    )
    entries = extract_entries(
        FORUM, "https://sellercentral.amazon.com/seller-forums/discussions", forum
    )
    assert [e.title for e in entries] == ["Upcoming changes to Referral and FBA fees"]
    assert entries[0].url == (
        "https://sellercentral.amazon.com/seller-forums/discussions/t/"
        "f8377dd8-a21d-46e9-84f1-3a4af07e51f3"
    )
    assert entries[0].published_at == datetime(2024, 7, 15, 16, tzinfo=UTC)


def test_gs_amazon_titles_are_cleaned_nav_is_ignored_and_tracking_duplicates_merge() -> None:
    gs = source(
        language="zh",
        selectors=Selectors(link='a[href*="/news/news-"]'),
        filters=Filters(title_strip=(r"^[●•·\-\*]\s*", r"[.．…\u2026]+\[详细\]\s*$")),
    )
    entries = extract_entries(GS_AMAZON, "https://gs.amazon.cn/news", gs)
    assert [e.title for e in entries] == [
        "3/31起生效!亚马逊FBA商品贴标政策变更，将终止共享库存!",
        "亚马逊美国站FBA费用调整",  # the shortest title of the two links to one canonical URL
    ]


def test_ads_are_dropped_by_title_and_by_url() -> None:
    html = """<a href="/article/1801">雨果网主办·2026跨境峰会报名开启</a>
              <a href="/article/1802?utm_source=amz123">免费领取选品工具</a>
              <a href="/article/1803">亚马逊调整美国站退货政策</a>"""
    cif = source(
        selectors=Selectors(link='a[href*="/article/"]'),
        filters=Filters(exclude_title=("雨果网主办",), exclude_url=("utm_source=",)),
    )
    entries = extract_entries(html, "https://www.cifnews.com/category/amz", cif)
    assert [e.title for e in entries] == ["亚马逊调整美国站退货政策"]


def test_article_title_and_date_fall_back_to_h1_and_time() -> None:
    html = """<html><head><title>Site | Article</title></head><body>
              <h1> New  fee </h1><time datetime="2026-01-15">Jan 15</time></body></html>"""
    assert page_title(html) == "New fee"
    assert page_date(html, None, UTC) == datetime(2026, 1, 15, tzinfo=UTC)


def test_old_articles_pinned_to_a_list_are_dropped_by_max_id_gap() -> None:
    html = """<a href="/article/1752121">亚马逊调整低库存水平费</a>
              <a href="/article/1752108">亚马逊入库配置服务费调整</a>
              <a href="/article/1601265">【置顶】亚马逊新卖家入门指南</a>"""
    cif = source(selectors=Selectors(link='a[href*="/article/"]'), filters=Filters(max_id_gap=3000))
    entries = extract_entries(html, "https://www.cifnews.com/category/amz", cif)
    assert [e.url.rsplit("/", 1)[-1] for e in entries] == ["1752121", "1752108"]
