"""Facts of a change: values paired old → new, tables by row and header, key facts of new text.

Real wording, quoted with its origin:
- SELLERS_ASK: Amazon's "2026 updates to US Referral and Fulfillment by Amazon fees" as quoted at
  https://sellersasksellers.com/t/2026-updates-to-us-referral-and-fulfillment-by-amazon-fees/6593
- RETAIL_DIVE: https://gcp.retaildive.com/news/amazon-cuts-referral-fees-apparel-sellers/701712
- SELLOZO: Amazon's 2019 referral fee email as quoted at
  https://www.sellozo.com/post/amazon-referral-fees-changes-for-2019
- EU_FORUM: the EU fee post in /work/shared/SOURCES.md §1.1
  (sellercentral-europe.amazon.com/seller-forums/discussions/t/f8377dd8-…)
- AMZ123: real AMZ123 headlines listed in /work/shared/SOURCES.md §3.1
- STORAGE: Amazon's US monthly storage fees (January-September $0.78, October-December $2.40 per
  cubic foot), the rates of help page G200612770 as tests/fixtures/sources/amazon-help-storage-
  fees-us lays them out.
The Chinese notice lines are the fixture text of tests/fixtures/sources/gs-amazon-cn-news
(news-notices-251016), written for that fixture in the wording of gs.amazon.cn notices.
"""

from __future__ import annotations

import pytest

from policyradar.records import Fact, percent_change
from policyradar.tagging.facts import (
    change_facts,
    document_facts,
    facts_from_json,
    line_facts,
    statements,
    values,
)
from policyradar.text.diffing import diff_text

SELLERS_ASK = (
    "Standard-size products priced between $10-$50: Small standard-size product fulfillment fees"
    " in this price range will increase by $0.25 per unit and Large standard-size product fees"
    " will increase by $0.05 per unit, on average."
)
SELLERS_ASK_AVERAGE = (
    "In 2026, FBA fees will increase by an average of $0.08 per unit sold, or less than 0.5% of an"
    " average item's selling price."
)
RETAIL_DIVE = (
    "In a Tuesday blog post, the company said referral fees for items priced under $15 will drop"
    " from 17% to 5%. The fees for items between $15 and $20 will drop from 17% to 10%."
)
SELLOZO = (
    "Perhaps the most exciting news about the fee changes is that the applicable minimum referral"
    " fee for most categories, which is applied on a per-item basis unless otherwise indicated,"
    " is being reduced from $1.00 to just $0.30!"
)
EU_FORUM = "We will change the Referral fees for 14 product categories."
NOTICE_FBA = (
    "亚马逊物流配送费：小号标准尺寸商品（重量不超过2盎司）的配送费由3.02美元调整为3.15美元；"
    "大号标准尺寸商品的配送费平均每件上涨0.08美元；大件商品的配送费保持不变。"
)
NOTICE_REFERRAL = (
    "销售佣金：服装类商品中售价低于15美元的商品佣金比例保持5%；"
    "售价在15美元至20美元之间的商品佣金比例由10%下调至8%。"
)
NOTICE_STORAGE = (
    "月度仓储费：1月至9月的标准尺寸商品月度仓储费维持每立方英尺0.78美元；"
    "10月至12月的旺季仓储费调整为每立方英尺2.40美元。"
)


def lines(facts: list[Fact], lang: str = "en") -> list[str]:
    return [f.line(lang) for f in facts]


def test_values_read_money_in_every_currency_form() -> None:
    found = values("3.02美元, US$12, €45, 40英镑, ¥500, 1,200元, 83亿美元, 150欧订单, 12 EUR")
    assert [(v.currency, v.amount) for v in found] == [
        ("USD", 3.02),
        ("USD", 12.0),
        ("EUR", 45.0),
        ("GBP", 40.0),
        ("JPY", 500.0),
        ("CNY", 1200.0),
        ("USD", 8.3e9),
        ("EUR", 150.0),
        ("EUR", 12.0),
    ]
    assert [v.text for v in found[:3]] == ["$3.02", "$12", "€45"]


def test_values_read_rates_counts_and_dates() -> None:
    found = values(
        "15%, 2 个百分点, 180天, 60 days, 7万件, 2盎司, 3 lb, 2026年1月15日, March 15, 2026"
    )
    assert [(v.kind, v.text) for v in found] == [
        ("percent", "15%"),
        ("percent", "2个百分点"),
        ("count", "180天"),
        ("count", "60 days"),
        ("count", "7万件"),
        ("count", "2盎司"),
        ("count", "3 lb"),
        ("date", "2026-01-15"),
        ("date", "2026-03-15"),
    ]
    assert found[4].amount == 70000


def test_a_changed_sentence_pairs_its_old_and_new_value() -> None:
    old = NOTICE_FBA.replace("调整为3.15美元", "调整为3.06美元")
    assert lines(line_facts(old, NOTICE_FBA), "zh") == [
        "小号标准尺寸商品的配送费：$3.06 → $3.15（+2.9%）"
    ]


def test_a_changed_rate_in_a_table_row_is_labelled_by_its_row() -> None:
    facts = line_facts("Home & Kitchen | 15%", "Home & Kitchen | 17%", ["Category", "Referral fee"])
    assert lines(facts) == ["Home & Kitchen: 15% → 17% (+13%)"]
    assert facts[0].to_json() == {
        "label": "Home & Kitchen",
        "kind": "percent",
        "old": "15%",
        "new": "17%",
        "unit": "",
        "currency": "",
        "change": 0.1333,
    }


def test_a_wide_table_names_row_and_column() -> None:
    header = ["Month", "Standard-size", "Oversize"]
    old = "October - December | $2.40 per cubic foot | $1.40 per cubic foot"
    new = "October - December | $2.40 per cubic foot | $1.50 per cubic foot"
    assert lines(line_facts(old, new, header)) == [
        "October - December · Oversize: $1.40 → $1.50 per cubic foot (+7.1%)"
    ]


def test_a_document_diff_gives_its_facts_with_table_headers() -> None:
    old = "\n".join(
        [
            "Referral fees",
            "Category | Referral fee",
            "Home & Kitchen | 15%",
            "Toys | 15%",
            "Small standard-size fees will increase by $0.25 per unit.",
            "Sellers can file a SAFE-T claim within 60 days of the refund.",
        ]
    )
    new = (
        old.replace("Home & Kitchen | 15%", "Home & Kitchen | 17%")
        .replace("$0.25", "$0.30")
        .replace("60 days", "30 days")
    )
    diff = diff_text(old, new)
    assert diff is not None
    facts = change_facts(diff, new)
    assert lines(facts) == [
        "Home & Kitchen: 15% → 17% (+13%)",
        "Small standard-size fees: $0.25 → $0.30 per unit (+20%)",
        "Sellers can file a SAFE-T claim: 60 days → 30 days",
    ]


def test_an_unchanged_value_is_no_fact() -> None:
    assert line_facts(NOTICE_STORAGE, NOTICE_STORAGE + "详情见帮助页面。") == []


def test_a_moved_date_is_a_fact() -> None:
    old = "Effective March 1, 2026, the fee will not apply to products with fewer than 20 units."
    new = old.replace("March 1", "March 15")
    assert lines(line_facts(old, new)) == ["Effective: 2026-03-01 → 2026-03-15"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SELLERS_ASK,
            [
                "Small standard-size product fulfillment fees: +$0.25 per unit",
                "Large standard-size product fees: +$0.05 per unit",
            ],
        ),
        (SELLERS_ASK_AVERAGE, ["FBA fees: +$0.08 per unit"]),
        (
            RETAIL_DIVE,
            [
                "referral fees for items priced under $15: 17% → 5% (-71%)",
                "fees for items between $15 and $20: 17% → 10% (-41%)",
            ],
        ),
        (SELLOZO, ["applicable minimum referral fee: $1.00 → $0.30 (-70%)"]),
        (EU_FORUM, ["Referral fees: 14 product categories"]),
        ("2026年美国Prime Day首日销售额达83亿美元", ["2026年美国Prime Day首日销售额: 83亿美元"]),
        ("存窒息风险，美国CPSC紧急召回超7万件牙胶玩具", ["美国CPSC紧急召回: 7万件"]),
    ],
)
def test_real_english_and_chinese_sentences_state_their_key_facts(
    text: str, expected: list[str]
) -> None:
    assert lines(statements(text)) == expected


def test_a_chinese_notice_states_moves_rates_and_fees_without_its_asides() -> None:
    assert lines(statements(NOTICE_FBA), "zh") == [
        "小号标准尺寸商品的配送费：$3.02 → $3.15（+4.3%）",
        "大号标准尺寸商品的配送费：+$0.08",
    ]
    assert lines(statements(NOTICE_REFERRAL), "zh") == [
        "售价在15美元至20美元之间的商品佣金比例：10% → 8%（-20%）",
        "服装类商品中售价低于15美元的商品佣金比例：5%",
    ]
    assert lines(statements(NOTICE_STORAGE), "zh") == [
        "1月至9月的标准尺寸商品月度仓储费：$0.78/立方英尺",
        "10月至12月的旺季仓储费：$2.40/立方英尺",
    ]


def test_a_new_document_lists_what_moves_first() -> None:
    text = "\n".join(["月度仓储费调整", NOTICE_STORAGE, NOTICE_FBA])
    facts = document_facts(text)
    assert (facts[0].old, facts[0].new) == ("$3.02", "$3.15")
    assert {f.new for f in facts} >= {"$0.78", "$2.40", "+$0.08"}


def test_a_new_table_lists_each_cell_by_row_and_header() -> None:
    text = "\n".join(
        [
            "Month | Standard-size | Oversize",
            "January - September | $0.78 per cubic foot | $0.56 per cubic foot",
        ]
    )
    assert lines(document_facts(text))[:2] == [
        "January - September · Standard-size: $0.78 per cubic foot",
        "January - September · Oversize: $0.56 per cubic foot",
    ]


def test_facts_round_trip_through_json_and_bad_entries_are_dropped() -> None:
    fact = line_facts("Books | 15%", "Books | 8%")[0]
    assert Fact.from_json(fact.to_json()) == fact
    stored = [fact.to_json(), {"kind": "weird", "new": "1"}, "junk", {"kind": "money"}]
    assert facts_from_json(stored) == [fact]
    with pytest.raises(ValueError, match="unknown kind"):
        Fact.from_json({"kind": "weird", "new": "1"})


def test_relative_change_is_rounded_half_up_with_its_sign() -> None:
    assert [percent_change(x) for x in (0.125, -0.7059, 0.043, 1.5)] == [
        "+13%",
        "-71%",
        "+4.3%",
        "+150%",
    ]


def test_old_comes_before_new_in_every_rendering() -> None:
    fact = line_facts("Books | 15%", "Books | 8%")[0]
    for lang in ("zh", "en"):
        text = fact.text(lang)
        assert text.index("15%") < text.index("8%")
