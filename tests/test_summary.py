"""One-line summaries (zh and en) and the section context a change's date and marketplace come from.

The notice text is tests/fixtures/sources/gs-amazon-cn-news news-notices-251016's (written for
that fixture in gs.amazon.cn's wording); "Changes to FBA monthly storage fees" is the wording of
SOURCES.md's category table ("Changes to Amazon fees") applied to the storage fee page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from policyradar.tagging import ChangeText
from policyradar.tagging.apply import load_classifier, read_change
from policyradar.tagging.context import marketplace_of, section_context
from policyradar.tagging.facts import line_facts
from policyradar.tagging.names import CategoryNames
from policyradar.tagging.summary import summarise
from policyradar.text.diffing import diff_text

if TYPE_CHECKING:
    from pathlib import Path

NOTICE = [
    "2026年美国站亚马逊物流费用及销售佣金变更通知",
    "亚马逊美国站宣布，自2026年1月15日起，将对亚马逊物流（FBA）配送费、仓储费和部分品类的销售佣金进行调整。",
    "亚马逊物流配送费：小号标准尺寸商品（重量不超过2盎司）的配送费由3.02美元调整为3.06美元。",
    "卖家可以使用收入计算器预估新费率对商品利润的影响。",
]


def test_the_summary_says_category_marketplace_fact_and_date_in_each_language() -> None:
    fact = line_facts("Standard-size | $0.78", "Standard-size | $0.87")[0]
    got = summarise(
        kind="changed",
        title="Changes to FBA monthly storage fees",
        categories=["fees", "fba"],
        facts=[fact],
        effective_dates=["2026-01-15", "2027-02-01"],
        marketplace="US",
        names=CategoryNames.load(),
        today=date(2026, 12, 6),
    )
    assert got == {
        "zh": "【费用·美国站】Standard-size $0.78 → $0.87（+12%），2027-02-01 起生效",
        "en": "[Fees · US] Standard-size $0.78 → $0.87 (+12%), effective 2027-02-01",
    }


def test_without_facts_the_title_stands_and_a_global_source_names_no_store() -> None:
    got = summarise(
        kind="removed",
        title="Two-factor authentication will be required for Seller Central sign in",
        categories=["account_health"],
        facts=[],
        effective_dates=[],
        marketplace="GLOBAL",
        names=CategoryNames.load(),
    )
    assert got["zh"] == (
        "【账户健康与验证】Two-factor authentication will be required for …（已删除）"
    )
    assert got["en"].startswith("[Account health and verification] Two-factor")
    assert got["en"].endswith(" (removed)")


def test_more_facts_than_shown_are_counted() -> None:
    facts = [line_facts(f"Row {n} | 1%", f"Row {n} | 2%")[0] for n in range(4)]
    got = summarise(
        kind="changed",
        title="Referral fees",
        categories=["other"],
        facts=facts,
        effective_dates=[],
        marketplace="",
        names=CategoryNames.load(),
    )
    assert got["en"] == "[Other] Row 0 1% → 2% (+100%); Row 1 1% → 2% (+100%) and 2 more"
    assert got["zh"] == "【其他】Row 0 1% → 2%（+100%）；Row 1 1% → 2%（+100%）等 2 项"


def test_the_section_context_is_the_notice_around_the_changed_paragraph() -> None:
    text = "\n".join(["Other notice", "Nothing here.", *NOTICE])
    context = section_context(text, [NOTICE[2]])
    assert context.split("\n") == [NOTICE[0], NOTICE[1], NOTICE[3]]  # its heading, not "Other…"


def test_a_marketplace_comes_from_the_first_text_that_names_one() -> None:
    assert marketplace_of("配送费由3.02美元调整为3.06美元", NOTICE[1]) == "US"
    assert marketplace_of("Changes to Pan-EU fees", "US") == "EU"
    assert marketplace_of("Amazon.co.jp の手数料") == "JP"
    assert marketplace_of("no place") == ""


def test_a_changed_paragraph_takes_its_notices_date_and_marketplace(tmp_path: Path) -> None:
    """The issue's case: 自2026年1月15日起 in an unchanged paragraph dates the changed one."""
    old = "\n".join(NOTICE)
    new = old.replace("调整为3.06美元", "调整为3.15美元")
    diff = diff_text(old, new)
    assert diff is not None
    text = ChangeText(
        kind="changed",
        title=NOTICE[0],
        added=diff.added,
        removed=diff.removed,
        published_at=datetime(2025, 10, 16, tzinfo=UTC),
        detected_at=datetime(2026, 1, 5, tzinfo=UTC),
        language="zh",
    )
    classifier = load_classifier(tmp_path)
    tags = classifier.classify(text)
    assert tags.effective_dates == ()  # the changed paragraph alone gives no date
    reading = read_change(classifier, tags, text, diff=diff, full_text=new, marketplace="CN")
    assert reading.tags.effective_dates == ("2026-01-15",)
    assert reading.marketplace == "US"
    assert [f.line("zh") for f in reading.facts] == [
        "小号标准尺寸商品的配送费：$3.06 → $3.15（+2.9%）"
    ]
    assert reading.summary["zh"] == (
        "【费用·美国站】小号标准尺寸商品的配送费 $3.06 → $3.15（+2.9%），2026-01-15 起生效"
    )
    assert reading.summary["en"].startswith("[Fees · US] ")


def test_english_labels_get_their_chinese_glossary_name_in_the_chinese_line() -> None:
    from policyradar.tagging.glossary import Glossary
    from policyradar.tagging.summary import glossary_translator

    translate = glossary_translator(Glossary.load())
    assert translate("Inbound placement service fees", "zh") == "入库配置服务费"
    assert (
        translate("FBA monthly storage fees", "zh")
        == "FBA monthly storage fees（亚马逊物流、月度仓储费）"
    )
    assert translate("FBA monthly storage fees", "en") == "FBA monthly storage fees"
    assert translate("Camera and Photo", "zh") == "Camera and Photo"
    fact = line_facts("Monthly storage fees | $0.78", "Monthly storage fees | $0.87")[0]
    got = summarise(
        kind="changed",
        title="Changes to FBA monthly storage fees",
        categories=["fees"],
        facts=[fact],
        effective_dates=["2027-02-01"],
        marketplace="US",
        names=CategoryNames.load(),
        translate=translate,
    )
    assert got["zh"] == "【费用·美国站】月度仓储费 $0.78 → $0.87（+12%），2027-02-01 起生效"
    assert (
        got["en"] == "[Fees · US] Monthly storage fees $0.78 → $0.87 (+12%), effective 2027-02-01"
    )


def test_an_english_notice_without_facts_gets_its_terms_in_chinese() -> None:
    from policyradar.tagging.glossary import Glossary
    from policyradar.tagging.summary import glossary_translator

    # the demo's seller-forum post (data/demo), as Amazon words such announcements
    got = summarise(
        kind="new",
        title="Two-step verification will be required for all Seller Central sign-ins starting"
        " January 1, 2027",
        categories=["account_health"],
        facts=[],
        effective_dates=["2027-01-01"],
        marketplace="US",
        names=CategoryNames.load(),
        translate=glossary_translator(Glossary.load()),
    )
    assert got["zh"].startswith("【账户健康与验证·美国站】Two-step verification will be")
    assert "（两步验证、卖家平台），2027-01-01 起生效" in got["zh"]
    assert "两步验证" not in got["en"]
