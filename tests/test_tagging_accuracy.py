"""Classification of whole changes: accuracy on labelled cases, keywords, user rules.

The accuracy test prints category, date, urgency and nature accuracy with every miss, and fails
below the bar: 90 % of primary categories right and 95 % of effective-date sets exactly right
(cases in tests/cases/classification.toml). The nature test holds the bar of issue 15: at most
5 % of news marked high, at least 98 % of rules high or medium, at least 90 % of ads and events
recognised, at most 2 % of rules taken for ads. The real cases (those with an `origin`) are
reported apart, split by a fixed rule into a tuning part and a held-back part that nobody tunes
on: a case is held back when zlib.crc32 of its id is divisible by 3.
"""

from __future__ import annotations

import tomllib
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from policyradar.config import ConfigError
from policyradar.tagging import CategorySet, ChangeText, Classifier, Tags

CASES_FILE = Path(__file__).parent / "cases" / "classification.toml"
CASES: list[dict[str, Any]] = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]
CATEGORY_BAR = 0.90
DATE_BAR = 0.95
NEWS_HIGH_BAR = 0.05  # at most this share of news marked high
RULE_BAR = 0.98  # at least this share of rules high or medium
PROMO_BAR = 0.90  # at least this share of ads and events recognised
RULE_PROMO_BAR = 0.02  # at most this share of rules taken for ads


def held_back(case: dict[str, Any]) -> bool:
    """The fixed rule that keeps a third of the real cases out of tuning."""
    return zlib.crc32(case["id"].encode()) % 3 == 0


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.fixture(scope="module")
def results(classifier: Classifier) -> list[tuple[dict[str, Any], Tags]]:
    return [(case, classifier.classify(_change(case))) for case in CASES]


def _change(case: dict[str, Any]) -> ChangeText:
    published = datetime.fromisoformat(case["published_at"]).replace(tzinfo=UTC)
    return ChangeText(
        kind=case["kind"],
        title=case["title"],
        added=case.get("added", ""),
        removed=case.get("removed", ""),
        published_at=published,
        language=case.get("language", ""),
    )


def test_cases_are_many_and_varied() -> None:
    assert len(CASES) >= 80
    languages = {case.get("language", "")[:2] for case in CASES}
    assert {"en", "zh", "de", "ja"} <= languages
    assert any(case.get("language") in ("zh-TW", "zh-HK") for case in CASES)
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert {case["kind"] for case in CASES} == {"new", "changed", "removed"}
    assert {case["nature"] for case in CASES} == {"rule", "news", "promo"}


def test_every_expected_category_exists(classifier: Classifier) -> None:
    for case in CASES:
        assert set(case["categories"]) <= set(classifier.categories.ids), case["id"]


def test_accuracy(results: list[tuple[dict[str, Any], Tags]]) -> None:
    category_ok = date_ok = urgency_ok = extra_ok = nature_ok = 0
    misses: list[str] = []
    for case, tags in results:
        expected = case["categories"]
        shown = misses if not ("origin" in case and held_back(case)) else []
        if tags.categories[0] == expected[0]:
            category_ok += 1
        else:
            shown.append(f"category {case['id']}: {tags.categories} {tags.scores}, want {expected}")
        if set(tags.categories) <= set(expected):
            extra_ok += 1
        if list(tags.effective_dates) == sorted(case["effective_dates"]):
            date_ok += 1
        else:
            shown.append(
                f"dates    {case['id']}: {list(tags.effective_dates)}, "
                f"want {case['effective_dates']}"
            )
        if tags.urgency == case["urgency"]:
            urgency_ok += 1
        else:
            shown.append(f"urgency  {case['id']}: {tags.urgency}, want {case['urgency']}")
        if tags.nature == case["nature"]:
            nature_ok += 1
        else:
            shown.append(f"nature   {case['id']}: {tags.nature}, want {case['nature']}")
    total = len(results)
    print(f"\n{total} cases")
    print(f"category accuracy (primary right):      {category_ok / total:6.1%}")
    print(f"labels all acceptable (no stray extra): {extra_ok / total:6.1%}")
    print(f"effective-date accuracy (exact set):    {date_ok / total:6.1%}")
    print(f"urgency accuracy:                       {urgency_ok / total:6.1%}")
    print(f"nature accuracy (rule/news/promo):      {nature_ok / total:6.1%}")
    for line in misses:
        print("  miss:", line)
    hidden = sum(held_back(case) for case, _ in results if "origin" in case)
    print(f"  (misses of the {hidden} held-back real cases are not shown: nobody tunes on them)")
    assert category_ok / total >= CATEGORY_BAR
    assert date_ok / total >= DATE_BAR


def _nature_rates(results: list[tuple[dict[str, Any], Tags]]) -> dict[str, tuple[int, int]]:
    """(hits, out of) for each bar of issue 15."""
    news = [tags for case, tags in results if case["nature"] == "news"]
    rules = [tags for case, tags in results if case["nature"] == "rule"]
    promos = [tags for case, tags in results if case["nature"] == "promo"]
    return {
        "news marked high": (sum(t.urgency == "high" for t in news), len(news)),
        "rules high or medium": (sum(t.urgency != "low" for t in rules), len(rules)),
        "ads and events recognised": (sum(t.is_promo for t in promos), len(promos)),
        "rules taken for ads": (sum(t.is_promo for t in rules), len(rules)),
        "top category right": (
            sum(t.categories[0] == c["categories"][0] for c, t in results),
            len(results),
        ),
        "effective dates exact": (
            sum(list(t.effective_dates) == sorted(c["effective_dates"]) for c, t in results),
            len(results),
        ),
    }


def test_rules_news_and_promotions(results: list[tuple[dict[str, Any], Tags]]) -> None:
    real = [(c, t) for c, t in results if "origin" in c]
    parts = {
        "all cases": results,
        "real, tuning": [(c, t) for c, t in real if not held_back(c)],
        "real, held back": [(c, t) for c, t in real if held_back(c)],
    }
    for name, part in parts.items():
        print(f"\n{name} ({len(part)} cases)")
        for label, (hits, n) in _nature_rates(part).items():
            print(f"  {label:26} {hits:3}/{n:<3} {hits / n if n else 0:6.1%}")
    rates = _nature_rates(results)
    share = {label: hits / n for label, (hits, n) in rates.items()}
    assert share["news marked high"] <= NEWS_HIGH_BAR
    assert share["rules high or medium"] >= RULE_BAR
    assert share["ads and events recognised"] >= PROMO_BAR
    assert share["rules taken for ads"] <= RULE_PROMO_BAR


def test_real_cases_cite_their_origin_and_keep_a_held_back_third() -> None:
    real = [case for case in CASES if "origin" in case]
    assert len(real) >= 60
    assert all(case["origin"].startswith(("http://", "https://", "github:")) for case in real)
    assert {"rule", "news", "promo"} <= {case["nature"] for case in real}
    assert len(real) / 4 <= sum(map(held_back, real)) <= len(real) / 2


def test_promotions_are_flagged_low_and_other(results: list[tuple[dict[str, Any], Tags]]) -> None:
    for case, tags in results:
        assert tags.is_promo == (tags.nature == "promo"), case["id"]
        if tags.is_promo:
            assert tags.categories == ("other",), case["id"]
            assert tags.urgency == "low", case["id"]
            assert tags.effective_dates == (), case["id"]
        if tags.nature == "news":
            assert tags.urgency == "low", case["id"]  # no case has a watch hit


def test_keywords_are_few_and_unique(results: list[tuple[dict[str, Any], Tags]]) -> None:
    for case, tags in results:
        assert len(tags.keywords) <= 8, case["id"]
        assert len({k.casefold() for k in tags.keywords}) == len(tags.keywords), case["id"]


# -- what a change is: rule, news or promotion (the forms named in issue 15) ----------------

PUBLISHED = datetime(2026, 2, 10, tzinfo=UTC)


def _tags(classifier: Classifier, title: str, added: str, kind: str = "new") -> Tags:
    return classifier.classify(
        ChangeText(kind=kind, title=title, added=added, removed="", published_at=PUBLISHED)
    )


@pytest.mark.parametrize(
    ("title", "added"),
    [
        pytest.param("【推广】跨境收款新选择，费率低至0.3%", "立即注册享受优惠。", id="推广 label"),
        pytest.param("推广｜亚马逊选品工具限时5折", "工具介绍。", id="推广 prefix"),
        pytest.param("Temu官方福利政策发布", "新商家入驻可享流量扶持与佣金减免。", id="福利政策"),
        pytest.param("2026深圳跨境电商展邀请函", "诚邀您莅临展位参观。", id="trade show"),
        pytest.param("Sponsored: cut FBA fees with better packaging", "", id="sponsored"),
        pytest.param("Join us at Amazon Accelerate 2026", "Register now.", id="join us at"),
        pytest.param("Upcoming Workshops", "We would like to invite you to attend.", id="workshop"),
        pytest.param("亚马逊广告训练营第9期开课", "扫码报名，名额有限。", id="训练营"),
        pytest.param("Scale with Fiverr", "Sellers get 10% off using code WALMART10.", id="code"),
        pytest.param(
            "Amazon launches a new seller incentive programme",
            "Eligible sellers earn a 5% bonus on branded sales.",
            id="incentive programme",
        ),
        pytest.param(
            "Tax season tips",
            "In our latest guest blog, a sales tax provider explains how to file.",
            id="a label in the body outweighs the policy terms",
        ),
        pytest.param(
            "Get 20% off shipping labels", "Our partner offers a discount to sellers.", id="% off"
        ),
        pytest.param(
            "FBA新商品特典のご案内", "対象の出品者様は特典をご利用いただけます。", id="特典"
        ),
        pytest.param(
            "Prepare for Prime Big Deal Days",
            "Submit your deals before the deal submission deadline.",
            id="a sales event's deal deadline",
        ),
        pytest.param(
            "尾程运费平均节省30%！", "我们是一家海外仓服务商，提供一件代发服务。", id="节省30%"
        ),
    ],
)
def test_ads_and_events_are_promotions(classifier: Classifier, title: str, added: str) -> None:
    tags = _tags(classifier, title, added)
    assert (tags.nature, tags.urgency, tags.categories) == ("promo", "low", ("other",))


@pytest.mark.parametrize(
    ("title", "added", "kind"),
    [
        pytest.param(
            "Terms of Use",
            "11. SUBSCRIPTIONS AND FREE TRIALS\nIf you start a free trial, we will charge you "
            "when the free trial ends unless you cancel before.",
            "changed",
            id="a terms edit under a free-trial heading",
        ),
        pytest.param(
            "Sponsored Products: new bidding controls",
            "Advertisers can now set placement bids for Sponsored Products campaigns.",
            "new",
            id="Sponsored Products",
        ),
        pytest.param(
            "亚马逊商品推广新增竞价规则", "商品推广广告活动可按时段调整竞价。", "new", id="商品推广"
        ),
        pytest.param(
            "Seller Update: Fees, Rewards & Standards",
            "We're reducing Insertion Fees. For more details, attend a Seller Webinar on Friday.",
            "new",
            id="a fee notice that mentions a webinar",
        ),
    ],
)
def test_rules_that_mention_promo_words_are_rules(
    classifier: Classifier, title: str, added: str, kind: str
) -> None:
    tags = _tags(classifier, title, added, kind)
    assert tags.nature == "rule"
    assert not tags.is_promo
    assert tags.urgency in ("high", "medium")


@pytest.mark.parametrize(
    ("title", "added"),
    [
        pytest.param(
            "AI时代的'中文税'", "同样一句话，中文消耗的token更多，等于多交了“中文税”。", id="中文税"
        ),
        pytest.param("商家苦于“流量税”", "平台抽佣越来越高，流量税让利润越来越薄。", id="流量税"),
        pytest.param("Social media is a tax on attention", "Every feed is a tax.", id="tax on"),
    ],
)
def test_a_figurative_tax_is_no_tax_category(
    classifier: Classifier, title: str, added: str
) -> None:
    tags = _tags(classifier, title, added)
    assert "tax_customs" not in tags.categories
    assert tags.urgency == "low"


def test_news_about_a_platform_is_low_and_keeps_no_past_date(classifier: Classifier) -> None:
    tags = _tags(
        classifier,
        "Amazon layoffs: 16,000 corporate jobs cut",
        "Amazon plans to lay off 16,000 corporate employees starting January 26, in a bid to "
        "reduce layers, the company said.",
    )
    assert (tags.nature, tags.urgency, tags.effective_dates) == ("news", "low", ())
    results = _tags(
        classifier,
        "Amazon.com Announces Fourth Quarter Results",
        "Net sales increased 14% to $213.4 billion in the fourth quarter.",
    )
    assert (results.nature, results.urgency) == ("news", "low")


@pytest.mark.parametrize(
    ("title", "added"),
    [
        pytest.param(
            "亚马逊裁员1.4万人",
            "据报道，亚马逊将裁减1.4万个职位。一名前员工表示，此前还在跟进平台向税务机关披露卖家收入事宜。",
            id="税务 quoted in a layoff story",
        ),
        pytest.param(
            "半年跨境电商跑出加速度",
            "海关总署发布的最新数据显示，今年上半年跨境电商规模同比增长10.5%。",
            id="海关总署 statistics",
        ),
    ],
)
def test_news_that_mentions_a_topic_in_passing_is_other(
    classifier: Classifier, title: str, added: str
) -> None:
    tags = _tags(classifier, title, added)
    assert (tags.nature, tags.urgency, tags.categories) == ("news", "low", ("other",))


def test_news_about_one_seller_topic_takes_it(classifier: Classifier) -> None:
    tags = _tags(
        classifier,
        "Etsy payment reserves anger sellers",
        "Sellers say the payment reserve system holds their earnings, according to a survey.",
    )
    assert (tags.nature, tags.urgency, tags.categories[0]) == ("news", "low", "account_health")


def test_a_report_of_a_rule_needs_a_date_to_be_urgent(classifier: Classifier) -> None:
    """An action word makes a rule high; in coverage full of news words it takes a date."""
    report = _tags(
        classifier,
        "Amazon to ban weighted infant sleep products, sources say",
        "Amazon will ban the products, according to people familiar with the matter.",
    )
    assert report.urgency != "high"
    notice = _tags(classifier, "Amazon bans weighted infant sleep products", "Remove them now.")
    assert (notice.nature, notice.urgency) == ("rule", "high")


def test_german_compounds_find_their_terms(classifier: Classifier) -> None:
    fees = _tags(classifier, "Aktualisierung der Versandgebühren", "")
    assert fees.categories == ("fees",)
    returns = _tags(classifier, "Neue Rücksendungsrichtlinie", "Rückerstattungen gehen schneller.")
    assert returns.categories == ("returns",)


def test_a_watch_hit_makes_news_medium_and_a_rule_high() -> None:
    from policyradar.tagging import Watchlist

    classifier = Classifier.load(watchlists=[Watchlist("fba", "fba", ("FBA",))])
    news = _tags(classifier, "Amazon layoffs reach FBA teams", "The company said 300 jobs go.")
    assert (news.nature, news.urgency) == ("news", "medium")
    rule = _tags(classifier, "FBA label policy update", "We are changing the FBA label policy.")
    assert (rule.nature, rule.urgency) == ("rule", "high")


def test_a_rule_is_high_with_a_date_or_an_action_and_medium_without(classifier: Classifier) -> None:
    dated = _tags(
        classifier,
        "Amazon to raise FBA fees",
        "Starting March 1, 2027, FBA fulfillment fees will increase by $0.10 per unit.",
    )
    assert (dated.nature, dated.urgency, dated.effective_dates) == ("rule", "high", ("2027-03-01",))
    action = _tags(classifier, "新规：卖家须上传EPR注册号", "未上传的商品将被下架。")
    assert (action.nature, action.urgency) == ("rule", "high")
    plain = _tags(
        classifier,
        "Reduced Referral Fees for Select Categories",
        "We've lowered our referral fees for Baby and Beauty.",
    )
    assert (plain.nature, plain.urgency) == ("rule", "medium")


def test_dates_found_later_keep_to_the_nature(classifier: Classifier) -> None:
    """What apply.py's section reading should use when a changed line has no date of its own."""
    rule = _tags(classifier, "Fee schedule", "Jewelry: 20% up to $250.00", kind="changed")
    assert (rule.nature, rule.urgency, rule.effective_dates) == ("rule", "medium", ())
    later = classifier.redated(rule, ["2026-03-01", "2025-01-01"], PUBLISHED.date())
    assert (later.urgency, later.effective_dates) == ("high", ("2025-01-01", "2026-03-01"))
    news = _tags(classifier, "Amazon.com Announces Fourth Quarter Results", "Net sales rose.")
    later = classifier.redated(news, ["2026-01-26", "2026-03-01"], PUBLISHED.date())
    assert (later.urgency, later.effective_dates) == ("low", ("2026-03-01",))


# -- keywords ---------------------------------------------------------------------------------


def test_english_keywords_keep_dictionary_terms_and_drop_stopwords(classifier: Classifier) -> None:
    tags = classifier.classify(
        ChangeText(
            kind="new",
            title="Brand Registry and the low-inventory-level fee",
            added="Brands in Brand Registry will not pay the low-inventory-level fee for the "
            "first 180 days. The low-inventory-level fee applies to FBA products with low "
            "inventory relative to sales.",
            removed="",
        )
    )
    assert "Brand Registry" in tags.keywords
    assert "low-inventory-level fee" in tags.keywords
    assert not {"the", "for", "with", "and"} & {k.lower() for k in tags.keywords}


def test_chinese_keywords_prefer_domain_terms(classifier: Classifier) -> None:
    tags = classifier.classify(
        ChangeText(
            kind="new",
            title="美国站库容限制更新",
            added="亚马逊美国站更新库容限制，入库配置服务费和低库存水平费同步调整，卖家可在库容管理页面查看。",
            removed="",
        )
    )
    assert {"库容限制", "入库配置服务费", "低库存水平费"} <= set(tags.keywords)


def test_keywords_of_a_changed_page_come_from_the_change_only(classifier: Classifier) -> None:
    tags = classifier.classify(
        ChangeText(
            kind="changed",
            title="Selling on Amazon fee schedule",
            added="Jewelry: 20% up to $250.00; 5% above",
            removed="Jewelry: 20% up to $300.00; 5% above",
        )
    )
    assert "jewelry" in tags.keywords
    assert "schedule" not in tags.keywords


# -- the user's categories.toml ---------------------------------------------------------------


def _user_rules(tmp_path: Path, text: str) -> CategorySet:
    (tmp_path / "categories.toml").write_text(text, encoding="utf-8")
    return CategorySet.load(tmp_path)


def test_user_can_add_a_category(tmp_path: Path) -> None:
    rules = _user_rules(
        tmp_path,
        '[category.temu]\nname_zh = "Temu政策"\nname_en = "Temu policy"\n'
        'strong = ["Temu", "半托管", "全托管"]\n',
    )
    assert rules.ids[-2:] == ("temu", "other")  # "other" stays last
    scored = rules.score("Temu半托管新规", "全托管卖家也需关注")
    assert scored.categories[0] == "temu"


def test_user_can_extend_or_replace_a_category(tmp_path: Path) -> None:
    extended = _user_rules(tmp_path, '[category.fees]\nstrong = ["Gebührenhammer"]\n')
    assert extended.categories["fees"].keywords["Gebührenhammer"] == 3.0
    assert "referral fee" in extended.categories["fees"].keywords
    replaced = _user_rules(tmp_path, '[category.fees]\nreplace = true\nstrong = ["佣金"]\n')
    assert dict(replaced.categories["fees"].keywords) == {"佣金": 3.0}


def test_user_terms_can_be_parts_of_words(tmp_path: Path) -> None:
    rules = _user_rules(tmp_path, '[category.temu]\nstrong = ["*verpackung*", "hafen*"]\n')
    assert rules.score("Neue Verpackungsvorschriften", "").categories == ("temu",)
    assert rules.score("Hafenregeln", "").categories == ("temu",)
    assert rules.score("Stadthafen", "").categories != ("temu",)  # "hafen*" starts a word
    assert "verpackung" in rules.domain_terms()


def test_user_can_add_promo_words_and_urgency_words(tmp_path: Path) -> None:
    rules = _user_rules(
        tmp_path,
        '[promo]\nstrong = ["私董会"]\n[urgency]\nhigh = ["立即生效"]\n'
        '[nature]\nnews_strong = ["年度榜单"]\n',
    )
    assert rules.score("跨境卖家私董会第3期", "").is_promo
    assert "立即生效" in rules.urgency_words["high"]
    assert rules.score("2026跨境卖家年度榜单", "").news > 0


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param("[categoriez]\n", "categoriez", id="unknown top-level key"),
        pytest.param('[category.fees]\nstronk = ["x"]\n', "stronk", id="unknown category key"),
        pytest.param('[category.fees]\nstrong = "x"\n', "strong", id="terms not a list"),
        pytest.param("[settings]\ntitle_weigth = 2\n", "settings.title_weigth", id="bad setting"),
        pytest.param('[settings]\nmin_score = "high"\n', "settings.min_score", id="not a number"),
        pytest.param("[settings]\npromo_model = 1\n", "settings.promo_model", id="not a bool"),
        pytest.param('[promo]\ntitle_patterns = ["免费("]\n', "promo.title_patterns", id="regex"),
        pytest.param('[promo]\nlabel_patterns = ["(咨询"]\n', "promo.label_patterns", id="label"),
    ],
)
def test_user_file_mistakes_name_the_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _user_rules(tmp_path, text)
    assert caught.value.field_name == field
    assert str(tmp_path / "categories.toml") in str(caught.value)
