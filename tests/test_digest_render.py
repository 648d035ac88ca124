"""Renderers: every part within its channel's limit, items once and in order, crawled text inert."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from markdown_it import MarkdownIt

from policyradar.digest.build import Digest, build_digest
from policyradar.digest.channels import all_renderers, renderer_for
from policyradar.digest.render import (
    JsonRenderer,
    MarkdownRenderer,
    TelegramRenderer,
    TextRenderer,
    WeComMarkdownRenderer,
    WeComTextRenderer,
)
from policyradar.digest.render_html import EmailRenderer, HtmlRenderer
from policyradar.digest.subscriptions import Subscription
from policyradar.tagging.names import CategoryNames
from tests.test_digest_support import NOW, Rows, make_rows

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.digest.layout import Renderer

SUB = Subscription(name="daily", url="json://localhost/hook")
LIMITED = [WeComTextRenderer, WeComMarkdownRenderer, TelegramRenderer]
MARKER = re.compile(r"（第(\d+)条）")
EVIL_TITLES = [
    '<script>alert("x")</script>运费调整',
    "<img src=x onerror=alert(1)>账户验证",
    "[click](javascript:alert(1)) 品牌备案",
    "**bold** __u__ `code` # 标题 ~~s~~",
    '<font color="warning">假警告</font> 退货',
    "&lt;b&gt;entity&lt;/b&gt; &amp; 税务",
]


@pytest.fixture
def rows(tmp_path: Path) -> Rows:
    return make_rows(tmp_path)


def digest_of(rows: Rows, sub: Subscription = SUB, **kw: object) -> Digest:
    built = build_digest(rows.storage.undelivered(sub.name), sub, now=NOW, **kw)  # type: ignore[arg-type]
    assert built is not None
    return built


def long_digest(rows: Rows, n: int = 60) -> Digest:
    cats = ["fees", "fba", "compliance", "account_health", "brand_ip", "tax_customs", "other"]
    for i, cid in enumerate(rows.many(n)):
        tags: dict[str, object] = {"categories": [cats[i % len(cats)]], "keywords": ["配送费"]}
        if i % 6 == 0:
            tags |= {
                "urgency": "high",
                "effective_dates": ["2026-03-31"],
                "watch_hits": [
                    {
                        "watchlist": "费用关注",
                        "category": "fees",
                        "keyword": "配送费",
                        "snippet": "配送费上涨",
                    }
                ],
            }
        rows.storage.set_classification(cid, tags)
    health = [
        {
            "source_id": "forum",
            "name": "亚马逊卖家论坛",
            "runs": 3,
            "errors": 2,
            "anomalous": 1,
            "last_error": "HTTP 503 — https://sellercentral.example/forums",
        }
    ]
    return digest_of(rows, health=health, web_base="http://127.0.0.1:8750")


@pytest.mark.parametrize("cls", LIMITED, ids=lambda c: c.channel)
def test_a_long_chinese_digest_splits_within_the_limit_items_once_in_order(
    rows: Rows, cls: type[Renderer]
) -> None:
    digest = long_digest(rows)
    renderer = cls()
    parts = renderer.paginate(digest)
    assert len(parts) > 1
    for number, part in enumerate(parts, 1):
        assert renderer.size(part.text) <= cls.max_length
        assert len(part.text) <= cls.max_length
        assert f"({number}/{len(parts)})" in part.text.splitlines()[0]
    if cls.unit == "bytes":
        assert all(len(p.text.encode("utf-8")) <= cls.max_length for p in parts)
    # every change exactly once, in the digest's order, by ids and by the titles' markers
    assert [cid for p in parts for cid in p.change_ids] == list(digest.change_ids)
    shown = [int(m) for p in parts for m in MARKER.findall(p.text)]
    expected = [int(m) for i in digest.items for m in MARKER.findall(i.title)]
    assert shown == expected
    assert len(shown) == 60
    assert "亚马逊卖家论坛" in parts[-1].text  # the health section closes the digest


@pytest.mark.parametrize("cls", LIMITED, ids=lambda c: c.channel)
def test_an_item_too_long_for_one_message_is_shortened_not_split(
    rows: Rows, cls: type[Renderer]
) -> None:
    rows.change("超长标题" * 1500, categories=["fees"])
    rows.change("正常标题", url="https://example.com/" + "长" * 6000, categories=["fba"])
    rows.change("第三条", categories=["compliance"])
    renderer = cls()
    parts = renderer.paginate(digest_of(rows))
    assert all(renderer.size(p.text) <= cls.max_length for p in parts)
    text = "".join(p.text for p in parts)
    assert "超长标题超长标题" in text
    assert "…" in text
    assert "正常标题" in text
    assert "第三条" in text
    assert sorted(cid for p in parts for cid in p.change_ids) == [1, 2, 3]
    if cls is not WeComTextRenderer:
        for part in parts:
            assert_balanced(part.text, wecom=cls is WeComMarkdownRenderer)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "hr", "img"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tags_of(markup: str) -> Tags:
    parser = Tags()
    parser.feed(markup)
    parser.close()
    return parser


def assert_balanced(markup: str, *, wecom: bool = False) -> None:
    if wecom:
        markup = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1", markup)
    parser = tags_of(markup)
    assert parser.stack == []


def assert_inert_html(markup: str, allowed: set[str]) -> None:
    parser = tags_of(markup)
    assert {tag for tag, _ in parser.tags} <= allowed
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            assert re.match(r"https?://", attrs["href"] or ""), attrs
    text = "".join(parser.text)
    assert '<script>alert("x")</script>' in text  # shown as text, not run
    assert "<img src=x onerror=alert(1)>" in text
    assert "&lt;b&gt;entity" in text  # entities in crawled text are shown as typed


@pytest.fixture
def evil(rows: Rows) -> Digest:
    rows.source("evil", "<b>来源</b>[x](javascript:1)")
    for n, title in enumerate(EVIL_TITLES):
        rows.change(
            title,
            text=f"正文 {title} 结尾",
            source="evil",
            keywords=["<b>"],
            categories=["fees"],
            url="javascript:alert(1)" if n == 0 else None,
            watch_hits=[
                {"watchlist": "<i>w</i>", "category": "fees", "keyword": "<img", "snippet": "<img"}
            ]
            if n == 1
            else [],
        )
    return digest_of(rows, web_base="http://127.0.0.1:8750")


def test_crawled_markup_is_inert_in_html_and_email(evil: Digest) -> None:
    page = {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "article",
        "blockquote",
        "mark",
        "strong",
        "a",
        "footer",
        "div",
    }
    for cls in (HtmlRenderer, EmailRenderer):
        (body,) = cls().render(evil)
        assert_inert_html(body, page)
        assert "javascript:" not in re.sub(r">[^<]*<", "><", body)  # only inside text


def test_crawled_markup_is_inert_for_telegram(evil: Digest) -> None:
    for part in TelegramRenderer().render(evil):
        assert_inert_html(part, {"b", "i", "a", "blockquote"})
        assert_balanced(part)


def test_crawled_markup_is_inert_in_commonmark(evil: Digest) -> None:
    (text,) = MarkdownRenderer().render(evil)
    markup = MarkdownIt("commonmark").render(text)
    assert_inert_html(markup, {"h1", "h2", "h3", "p", "ul", "li", "a", "strong", "blockquote"})
    assert "**bold**" in "".join(tags_of(markup).text)  # literal asterisks, no <strong>bold


def test_crawled_markup_is_inert_in_wecom_markdown(evil: Digest) -> None:
    for part in WeComMarkdownRenderer().render(evil):
        for tag in re.findall(r"<[^>]*>", part):
            assert re.fullmatch(r'<font color="(warning|comment|info)">|</font>', tag), tag
        for _, url in re.findall(r"\[([^\]]*)\]\(([^)]*)\)", part):
            assert re.match(r"https?://", url), url
        assert "**bold**" not in part
        assert "[click]" not in part
        assert "＜script＞" in part
        assert "［click］" in part


def test_plain_text_and_json_keep_the_text_as_typed(evil: Digest) -> None:
    (text,) = TextRenderer().render(evil)
    assert EVIL_TITLES[0] in text
    assert "javascript:alert(1)" not in text.splitlines()  # a non-http link is not shown
    data = json.loads(JsonRenderer().render(evil)[0])
    titles = [i["title"] for s in data["sections"] for i in s["items"]] + [
        i["title"] for i in data["urgent"]
    ]
    assert set(titles) == set(EVIL_TITLES)


def test_english_labels_dates_in_the_subscriptions_zone_and_email_subject(rows: Rows) -> None:
    rows.change(
        "Fee change",
        detected=NOW.replace(hour=20) - timedelta(days=1),
        effective_dates=["2026-03-09"],
        urgency="high",
    )
    rows.change("Listing rules", categories=["listings"])
    sub = replace(SUB, language="en", timezone="America/Los_Angeles")
    digest = digest_of(rows, sub)
    (text,) = TextRenderer().render(digest)
    assert "[PolicyRadar · Daily digest]" in text
    assert "Detected 2026-03-01" in text  # 20:00 UTC on 1 March is noon in Los Angeles
    assert "Effective: 2026-03-09 (in 8 days)" in text
    assert "Urgent and watchlist hits" in text
    assert "Listings" in text
    assert EmailRenderer().subject(digest) == "PolicyRadar · 1 urgent · 2 changes"
    zh = digest_of(rows)
    assert EmailRenderer().subject(zh) == "政策雷达 · 1 条紧急 · 2 条变更"
    assert "发现 2026-03-02" in TextRenderer().render(zh)[0]  # 04:00 in Shanghai


def test_each_channel_declares_its_limit_and_url_schemes_pick_it() -> None:
    assert (WeComTextRenderer.max_length, WeComTextRenderer.unit) == (2048, "bytes")
    assert (WeComMarkdownRenderer.max_length, WeComMarkdownRenderer.unit) == (4096, "bytes")
    assert (TelegramRenderer.max_length, TelegramRenderer.unit) == (4096, "chars")
    assert set(all_renderers()) == {
        "text",
        "wecombot",
        "markdown",
        "wecommd",
        "tgram",
        "html",
        "email",
        "json",
    }
    assert isinstance(renderer_for("wecombot://k"), WeComTextRenderer)
    assert isinstance(renderer_for("wecom-md://k"), WeComMarkdownRenderer)
    assert isinstance(renderer_for("tgram://a:b/c"), TelegramRenderer)
    assert isinstance(renderer_for("mailtos://smtp.qq.com"), EmailRenderer)
    assert isinstance(renderer_for("mailto://smtp.qq.com", "text"), TextRenderer)
    assert isinstance(renderer_for("json://localhost"), TextRenderer)
    assert isinstance(renderer_for("json://localhost", "markdown"), MarkdownRenderer)


def test_a_homes_own_category_is_named_and_ordered_as_its_categories_toml_says(
    rows: Rows,
) -> None:
    assert rows.home is not None
    (rows.home / "categories.toml").write_text(
        '[category.shipping_cn]\nname_zh = "头程物流"\nname_en = "First-mile shipping"\n',
        encoding="utf-8",
    )
    rows.change("活动报名", categories=["other"])
    rows.change("头程海运附加费上调", categories=["shipping_cn"])
    rows.change("配送费调整", categories=["fees"])
    names = CategoryNames.load(rows.home)
    digest = digest_of(rows, names=names)
    assert [s.category for s in digest.sections] == ["fees", "shipping_cn", "other"]
    text = TextRenderer().render(digest)[0]
    assert "■ 头程物流\n" in text
    assert "shipping_cn" not in text
    data = json.loads(JsonRenderer().render(digest)[0])
    assert [s["name"] for s in data["sections"]] == ["费用", "头程物流", "其他"]
    assert "names" not in data
    english = digest_of(rows, replace(SUB, language="en"), names=names)
    assert "## First-mile shipping" in MarkdownRenderer().render(english)[0]
    assert "■ shipping_cn" in TextRenderer().render(digest_of(rows))[0]  # bundled names only


def test_a_health_line_says_why_in_the_readers_language(rows: Rows) -> None:
    from policyradar.digest.build import HealthItem
    from policyradar.digest.layout import health_text

    rows.many(1)
    failing = HealthItem(
        source_id="ebay",
        name="eBay Community · Announcements",
        runs=2,
        errors=1,
        anomalous=0,
        last_error="HTTP 503 — https://community.ebay.com/t5/Announcements/bd-p/Announcements",
    )
    zh = replace(digest_of(rows), language="zh")
    assert "— 服务器返回 HTTP 503 — https://community.ebay.com/" in health_text(zh, failing)
    en = replace(digest_of(rows), language="en")
    assert "— HTTP 503 — https://community.ebay.com/" in health_text(en, failing)
