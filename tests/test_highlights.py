"""Highlights mark the seller's watch words, the search's words and their glossary names, whole
words only, and never the keywords found automatically (平均, 重量, 盎司)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from policyradar.digest.build import build_digest
from policyradar.digest.layout import spans
from policyradar.digest.render import MarkdownRenderer
from policyradar.digest.render_html import HtmlRenderer
from policyradar.digest.subscriptions import Subscription
from policyradar.web import render
from tests.test_digest_support import NOW, Rows, make_rows

if TYPE_CHECKING:
    from pathlib import Path

SUB = Subscription(name="daily", url="json://localhost/hook")
# gs.amazon.cn notice 251016 (data/demo) and the program policy change of 2022-09-06 (SOURCES.md).
NOTICE = (
    "小号标准尺寸商品（重量不超过2盎司）的配送费由3.02美元调整为3.15美元；"
    "大号标准尺寸商品的配送费平均每件上涨0.08美元。"
)
CLAIMS = (
    "Claims for inventory lost or damaged in a fulfillment center must be filed within 60 days;"
    " reclaimed units and returns are reimbursed."
)


def marked(pieces: list[tuple[str, bool]]) -> list[str]:
    return [text for text, hit in pieces if hit]


def test_latin_words_are_marked_whole_never_inside_a_word() -> None:
    assert marked(spans(CLAIMS, ("claim", "return"))) == ["Claims", "returns"]
    assert marked(spans("The returnable items", ("return",))) == []
    assert marked(spans("fee, fees, feedback", ("fee",))) == ["fee", "fees"]


def test_chinese_is_marked_in_either_script() -> None:
    text = "退貨處理費將上調；退货处理费"
    assert marked(spans(text, ("退货处理费",))) == ["退貨處理費", "退货处理费"]
    assert "".join(piece for piece, _ in spans(text, ("退货处理费",))) == text


@pytest.fixture
def rows(tmp_path: Path) -> Rows:
    return make_rows(tmp_path)


def _render(rows: Rows, renderer: type) -> str:
    digest = build_digest(rows.storage.undelivered(SUB.name), SUB, now=NOW)
    assert digest is not None
    return "".join(renderer().render(digest))


def test_a_digest_marks_no_automatic_keyword(rows: Rows) -> None:
    rows.change(
        "2026年美国站亚马逊物流费用及销售佣金变更通知", NOTICE, keywords=["平均", "重量", "盎司"]
    )
    text = _render(rows, MarkdownRenderer)
    assert "配送费平均每件" in text
    for word in ("平均", "重量", "盎司"):
        assert f"**{word}**" not in text


def test_a_digest_marks_the_watch_word_and_its_glossary_name(rows: Rows) -> None:
    hit = {"watchlist": "returns", "category": "fees", "keyword": "退货处理费", "snippet": ""}
    rows.change(
        "Returns processing fee for apparel and shoes",
        "A returns processing fee applies to units in apparel and shoes categories.",
        watch_hits=[hit],
        keywords=["apparel", "shoes"],
        urgency="high",
    )
    text = _render(rows, MarkdownRenderer)
    assert "A **returns processing fee** applies" in text
    assert "**apparel**" not in text
    html = _render(rows, HtmlRenderer)
    assert ">returns processing fee</mark> applies" in html


def test_a_digest_marks_claims_whole(rows: Rows) -> None:
    hit = {"watchlist": "claims", "category": "returns", "keyword": "claim", "snippet": ""}
    rows.change("Program policy changes", CLAIMS, watch_hits=[hit], urgency="high")
    text = _render(rows, MarkdownRenderer)
    assert "**Claims** for inventory" in text
    assert "re**claim**ed" not in text


def test_the_web_marks_a_watch_word_by_its_glossary_names_whole() -> None:
    regex = render.terms_regex(["退货处理费"])
    html = str(render.marked("Returns processing fees apply; 退貨處理費 too.", regex))
    assert html == "<mark>Returns processing fees</mark> apply; <mark>退貨處理費</mark> too."
    claims = str(render.marked(CLAIMS, render.terms_regex(["claim"])))
    assert claims.startswith("<mark>Claims</mark> for")
    assert "re<mark>" not in claims


def test_the_web_marks_a_search_by_its_glossary_names() -> None:
    html = str(render.marked("Changes to FBA monthly storage fees", render.query_regex("仓储费")))
    assert html == "Changes to FBA monthly <mark>storage fees</mark>"
    quoted = render.query_regex('"仓储费"')
    assert str(render.marked("monthly storage fees", quoted)) == "monthly storage fees"


def test_a_search_snippet_notes_the_glossary_name() -> None:
    note = str(render.snippet_html("monthly storage fees", [(8, 20)], ["仓储费 → storage fee"]))
    assert note.startswith('monthly <mark>storage fees</mark> <span class="via"')
    assert "（词表：仓储费 → storage fee）" in note
    assert "<span" not in str(render.snippet_html("库容", [(0, 2)]))
