"""Watchlists see only the changed text, in either script and either case, at any list size."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from policyradar.tagging import (
    CategorySet,
    ChangeText,
    Classifier,
    WatchHit,
    Watchlist,
    WatchMatcher,
    to_simplified,
)
from policyradar.text.diffing import diff_text

PUBLISHED = datetime(2026, 6, 20, tzinfo=UTC)

# A gs.amazon.cn-style notice: paragraph 2 talks about 库容, the others do not.
PAGE_V1 = """美国站2026年第一季度库存容量限制更新通知
亚马逊美国站将于2026年1月1日发布第一季度的库存容量限制。
与上季度相比，库容限制的计算将更多参考商品的售出情况和补货周期。
卖家可以在费用预览报告中查看入库配置服务费，每件0.21美元至0.68美元不等。"""
PAGE_V2_FEE_EDIT = PAGE_V1.replace("0.68美元", "0.72美元")
PAGE_V2_CAPACITY_EDIT = PAGE_V1.replace("补货周期", "补货周期和库存绩效")


@pytest.fixture(scope="module")
def categories() -> CategorySet:
    return CategorySet.load()


def _classifier(categories: CategorySet, *lists: Watchlist) -> Classifier:
    return Classifier(categories, lists)


def _changed(old: str, new: str, title: str = "库存通知") -> ChangeText:
    diff = diff_text(old, new)
    assert diff is not None
    return ChangeText(
        kind="changed", title=title, added=diff.added, removed=diff.removed, published_at=PUBLISHED
    )


def test_unchanged_paragraphs_never_trigger_a_hit(categories: CategorySet) -> None:
    classifier = _classifier(categories, Watchlist("capacity", "fba", ("库容",)))
    change = _changed(PAGE_V1, PAGE_V2_FEE_EDIT)
    assert "库容" not in change.added + change.removed  # the diff is the fee line only
    tags = classifier.classify(change)
    assert tags.watch_hits == ()
    assert tags.urgency != "high" or tags.effective_dates


def test_a_change_to_the_watched_paragraph_is_a_hit(categories: CategorySet) -> None:
    classifier = _classifier(categories, Watchlist("capacity", "fba", ("库容",)))
    tags = classifier.classify(_changed(PAGE_V1, PAGE_V2_CAPACITY_EDIT))
    assert [(h.watchlist, h.keyword) for h in tags.watch_hits] == [("capacity", "库容")]
    assert tags.urgency == "high"


def test_removed_text_counts_too(categories: CategorySet) -> None:
    classifier = _classifier(categories, Watchlist("capacity", "fba", ("库容",)))
    old = PAGE_V1
    new = "\n".join(line for line in PAGE_V1.splitlines() if "库容限制的计算" not in line)
    tags = classifier.classify(_changed(old, new))
    assert [h.keyword for h in tags.watch_hits] == ["库容"]


def test_simplified_watchlist_finds_traditional_text() -> None:
    matcher = WatchMatcher([Watchlist("labels", "fba", ("共享库存", "贴标"))])
    hits = matcher.match(["亞馬遜FBA商品貼標政策變更，將終止共享庫存！"])
    assert {h.keyword for h in hits} == {"共享库存", "贴标"}
    assert all(h.keyword in to_simplified(h.snippet) for h in hits)


def test_traditional_watchlist_finds_simplified_text() -> None:
    matcher = WatchMatcher([Watchlist("health", "account_health", ("帳戶健康", "視頻驗證"))])
    hits = matcher.match(["请在账户健康页面完成视频验证"])
    assert {h.keyword for h in hits} == {"帳戶健康", "視頻驗證"}


def test_english_matches_ignore_case_and_width() -> None:
    matcher = WatchMatcher([Watchlist("lilf", "fees", ("Low-Inventory-Level Fee", "ＦＢＡ"))])
    hits = matcher.match(["The low-inventory-level fee no longer applies to new fba ASINs."])
    assert {h.keyword for h in hits} == {"Low-Inventory-Level Fee", "ＦＢＡ"}


def test_english_keywords_are_whole_words_with_plurals() -> None:
    matcher = WatchMatcher([Watchlist("ip", "brand_ip", ("IP", "capacity limit"))])
    assert matcher.match(["Relationship shipping updates"]) == ()
    hits = matcher.match(["New capacity limits for IP complaints"])
    assert {h.keyword for h in hits} == {"IP", "capacity limit"}


def test_snippet_is_short_one_line_and_contains_the_keyword() -> None:
    text = (
        "Hello Sellers,\n"
        + "Lorem ipsum dolor sit amet. " * 6
        + "Starting July 15 the Capacity Manager\nreservation fee changes. "
        + "Tail. " * 20
    )
    [hit] = WatchMatcher([Watchlist("cap", "fba", ("capacity manager",))]).match([text])
    assert "Capacity Manager" in hit.snippet
    assert "\n" not in hit.snippet
    assert len(hit.snippet) <= 64
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")


def test_each_keyword_is_reported_once_per_watchlist() -> None:
    lists = [
        Watchlist("eu", "tax_customs", ("EORI", "MRN")),
        Watchlist("customs", "tax_customs", ("EORI",)),
    ]
    hits = WatchMatcher(lists).match(["EORI, EORI and MRN", "EORI again"])
    assert [(h.watchlist, h.keyword) for h in hits] == [
        ("eu", "EORI"),
        ("eu", "MRN"),
        ("customs", "EORI"),
    ]
    assert hits[0].to_json() == {
        "watchlist": "eu",
        "category": "tax_customs",
        "keyword": "EORI",
        "snippet": hits[0].snippet,
    }


def test_promotions_stay_low_even_with_a_hit(categories: CategorySet) -> None:
    classifier = _classifier(categories, Watchlist("gpsr", "compliance", ("GPSR",)))
    tags = classifier.classify(
        ChangeText(
            kind="new",
            title="亚马逊全球开店 × 雨果网：2026欧洲站合规直播课",
            added="邀请合规专家讲解GPSR、EPR和VAT要点。",
            removed="",
            published_at=PUBLISHED,
        )
    )
    assert [h.keyword for h in tags.watch_hits] == ["GPSR"]
    assert tags.is_promo
    assert tags.urgency == "low"


def test_thousands_of_keywords_still_find_exactly_the_right_hits(categories: CategorySet) -> None:
    noise = [
        Watchlist(f"list-{n}", "other", (*(f"term{n}x{k}" for k in range(100)), f"词{n}号"))
        for n in range(50)
    ]
    real = Watchlist("mrn", "tax_customs", ("MRN", "EORI", "泛欧库存调拨"))
    classifier = _classifier(categories, *noise, real)
    assert sum(len(wl.keywords) for wl in classifier.watch.watchlists) > 5000
    tags = classifier.classify(
        ChangeText(
            kind="new",
            title="亚马逊欧洲站9月1日起强制填写MRN/EORI，未完善将影响泛欧库存调拨",
            added="自2026年9月1日起，参与泛欧计划的卖家须提供有效的EORI号码，跨境调拨货件须填写MRN。"
            " term7x42 appears once.",  # "term7x4" is a keyword too, but only a prefix here
            removed="",
            published_at=PUBLISHED,
        )
    )
    found = {(h.watchlist, h.keyword) for h in tags.watch_hits}
    assert found == {
        ("mrn", "MRN"),
        ("mrn", "EORI"),
        ("mrn", "泛欧库存调拨"),
        ("list-7", "term7x42"),
    }
    assert tags.categories[0] == "tax_customs"
    assert isinstance(tags.watch_hits[0], WatchHit)


# -- the seller glossary: a keyword also matches its other names ---------------------------------


def test_a_chinese_watch_word_hits_an_english_announcement_and_says_by_which_name() -> None:
    matcher = WatchMatcher([Watchlist("returns", "fees", ("退货处理费",))])
    (hit,) = matcher.match(["Returns processing fee for apparel and shoes"])
    assert (hit.watchlist, hit.keyword) == ("returns", "退货处理费")
    assert hit.snippet == "Returns processing fee for apparel and shoes"
    assert matcher.matched_name(hit) == hit.matched == "returns processing fee"
    assert hit.to_json()["matched"] == "returns processing fee"  # in --json, the API, digests


def test_an_english_watch_word_hits_a_chinese_notice() -> None:
    matcher = WatchMatcher([Watchlist("storage", "fees", ("storage fee", "Brand Registry"))])
    hits = matcher.match(["自2026年1月15日起，将对配送费、仓储费进行调整。", "品牌註冊新规"])
    assert {(h.keyword, matcher.matched_name(h)) for h in hits} == {
        ("storage fee", "仓储费"),
        ("Brand Registry", "品牌注册"),
    }


def test_a_watch_word_found_as_written_names_no_other_term() -> None:
    matcher = WatchMatcher([Watchlist("returns", "fees", ("退货处理费",))])
    (hit,) = matcher.match(["退貨處理費將上調，returns processing fee rises"])
    assert "退貨處理費" in hit.snippet
    assert matcher.matched_name(hit) == hit.matched == ""
    assert "matched" not in hit.to_json()


def test_an_exact_watchlist_matches_only_its_words() -> None:
    exact = Watchlist("returns", "fees", ("退货处理费",), exact=True)
    assert WatchMatcher([exact]).match(["Returns processing fee for apparel and shoes"]) == ()
    assert exact.names("退货处理费") == ()


def test_the_classifier_finds_a_keyword_by_its_glossary_name(categories: CategorySet) -> None:
    classifier = _classifier(categories, Watchlist("capacity", "fba", ("库容",)))
    tags = classifier.classify(
        ChangeText(
            kind="new",
            title="Upcoming FBA capacity limits for Q1",
            added="Amazon will publish capacity limits for the first quarter.",
            removed="",
            published_at=PUBLISHED,
        )
    )
    assert [(h.watchlist, h.keyword) for h in tags.watch_hits] == [("capacity", "库容")]
    assert classifier.watch.matched_name(tags.watch_hits[0]) == "capacity limit"


def test_generic_words_are_not_widened() -> None:
    matcher = WatchMatcher([Watchlist("fees", "fees", ("平均", "重量"))])
    assert matcher.match(["Average weight per unit"]) == ()
