"""The general rules that tell a rule from news and from an ad (issue 15), each shown on real items.

The items are real headlines and articles of the labelled news corpus (tests/corpus/news), taken
from its tuning part only (the held-back part is never used to show or tune a rule); each is read
by its id, with its origin in the corpus file.

- **Promo cue families** ([promo] cue_* in data/categories.toml): a call to action, an offer, an
  event, a provider's voice, a promise, recruitment, deal submission. Each family counts once
  (twice from the title); together with the strong promo words they make a lean towards an ad,
  which decides when it reaches three, comes from two families at least, outweighs the policy
  terms and, doubled, the rule evidence, and exceeds the news evidence.
- **A consumer addressee**: a text that speaks to users or readers and to no seller reports on a
  consumer service; its action words weigh half and never make it urgent.
- **A date alone is no rule**: a past event's dates bind nobody.
- **Reporting and narration** ("was", "had", "agreed to", "likely", "%") are news evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from policyradar.tagging import CategorySet, ChangeText, Classifier, Tags
from tests.test_news_accuracy import ITEMS, is_held_back

BY_ID = {item["id"]: item for item in ITEMS}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def _classify(classifier: Classifier, item_id: str) -> Tags:
    item = BY_ID[item_id]
    assert not is_held_back(item_id), "examples come from the tuning part only"
    return classifier.classify(
        ChangeText(
            kind="new",
            title=item["title"],
            added=item.get("text", ""),
            removed="",
            published_at=datetime.fromisoformat(item["published_at"]).replace(tzinfo=UTC),
            language=item["language"],
        )
    )


@pytest.mark.parametrize(
    "item_id",
    [
        # "Alibaba.com 出展支援プログラム": an event (出展, 展示会), a call to action (お申し込み)
        "n2-en-ja-jetro-alibaba-exhibition-support-2020",
        # "中小機構 モール活用型 EC マーケティング支援事業募集": recruitment in the title, a subsidy
        "n2-en-ja-smrj-mall-ec-marketing-support-qa",
        # "100,000 free fixed price listings": an offer in the title, "register for the offer"
        "n2-en-ebay-au-100000-free-listings",
        # "亚马逊美国站推出新品牌推荐奖金计划": a bonus programme (奖金计划) reported as news
        "n2-zh-lekshop-amazon-brand-referral-bonus",
    ],
)
def test_several_kinds_of_promo_cues_make_an_ad(classifier: Classifier, item_id: str) -> None:
    tags = _classify(classifier, item_id)
    assert tags.is_promo
    assert tags.nature == "promo"
    assert tags.urgency == "low"
    assert tags.categories == ("other",)
    assert tags.effective_dates == ()


@pytest.mark.parametrize(
    "item_id",
    [
        # "Your Account Health Rating now rewards great customer service": one offer word only
        "asn-us-ahr-customer-service",
        # "亚马逊公告:时尚商品自配送订单将带有免费退货标签": 免费 in a rule with its own terms
        "n2-zh-amz123-fashion-fbm-free-returns-2021",
    ],
)
def test_one_kind_of_promo_word_makes_no_ad(classifier: Classifier, item_id: str) -> None:
    tags = _classify(classifier, item_id)
    assert not tags.is_promo
    assert tags.urgency in ("high", "medium")


def test_one_event_word_in_a_fee_notice_makes_no_ad(classifier: Classifier) -> None:
    tags = classifier.classify(
        ChangeText(
            kind="new",
            title="Seller Update: Fees, Rewards & Standards",
            added="We're reducing Insertion Fees. For more details, attend a Seller Webinar.",
            removed="",
        )
    )
    assert not tags.is_promo
    assert tags.categories[0] == "fees"


@pytest.mark.parametrize(
    "item_id",
    [
        # "正式谢幕!Kindle中国电子书店今起停运": 务必 and 停止 are asked of the store's users
        "n2-zh-yaliqi-kindle-china-ebook-store-closes",
        # "又一外資離場!亞馬遜Kindle電子書店正式退出中國市場"
        "n2-zh-tw-todaymg-kindle-exits-china",
        "n2-zh-830036-amazon-china-kindle-strategy",
    ],
)
def test_a_consumer_service_closing_is_no_urgent_rule(classifier: Classifier, item_id: str) -> None:
    tags = _classify(classifier, item_id)
    assert tags.urgency != "high"


def test_a_past_event_date_alone_is_no_rule(classifier: Classifier) -> None:
    # Inc. on Shoptalk: "On May 15 through May 18 at the Aria in Las Vegas, ..." (past tense)
    tags = _classify(classifier, "n2-en-inc-shoptalk-inaugural-conference")
    assert tags.nature == "news"
    assert tags.urgency == "low"
    assert tags.effective_dates == ()


def test_a_rule_to_sellers_still_needs_no_promo_word_to_stay_a_rule(
    classifier: Classifier,
) -> None:
    # "New coupon pricing requirements": "discount" is an offer word, the text is a rule
    tags = _classify(classifier, "n2-en-geeschen-coupon-pricing-requirements")
    assert tags.nature == "rule"
    assert tags.urgency == "high"


def test_cue_families_are_data_a_user_can_extend(tmp_path: Path) -> None:
    (tmp_path / "categories.toml").write_text(
        '[promo]\ncue_event = ["私董会"]\ncue_call_to_action = ["速来"]\n', encoding="utf-8"
    )
    rules = CategorySet.load(tmp_path)
    assert rules.score("", "跨境卖家私董会,速来").lean >= 2.0
    assert CategorySet.load().score("", "跨境卖家私董会,速来").lean == 0.0


def test_a_sales_line_with_a_mobile_or_hotline_number_marks_an_ad(classifier: Classifier) -> None:
    # 10100.com's Ozon guide: "Ozon一对一入驻运营辅导,联系电话13122891139" in the body
    assert _classify(classifier, "n4-zh-10100-ozon-china-zone-entry-consult").is_promo
    rules = CategorySet.load()
    assert rules.score("", "海外仓一件代发,咨询热线 400-123-4567").is_promo
    # an authority's contact landline, or a number with no sales word, is no sales line
    notice = "申报材料请于6月30日前提交。联系人:李科长,电话:0769-22831234"
    assert not rules.score("", notice).is_promo
    assert not rules.score("", "订单号 13812345678 已发货").is_promo


def test_label_patterns_are_data_a_user_can_extend(tmp_path: Path) -> None:
    (tmp_path / "categories.toml").write_text(
        '[promo]\nlabel_patterns = ["加v[::]?\\\\w+"]\n', encoding="utf-8"
    )
    assert CategorySet.load(tmp_path).score("", "卖家交流群,加V:abc123").is_promo
    assert not CategorySet.load().score("", "卖家交流群,加V:abc123").is_promo
