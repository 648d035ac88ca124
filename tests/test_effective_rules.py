"""The general rules of effective-date extraction, one group per rule, each with real sentences.

Sentences marked with a corpus id are verbatim excerpts of items of the tuning part of
tests/corpus/news (the item's `url` cites its origin); the others are real wording from
/work/shared/SOURCES.md or the issue-15 traps, or minimal sentences that show the counter-case.
Each row: (text, publish date, expected ISO dates).
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from policyradar.tagging import effective as eff
from policyradar.tagging import effective_dates
from policyradar.tagging.effective import folded_periods
from policyradar.tagging.text import fold
from policyradar.text.triggers import finditer_at


def _check(text: str, published: date, expected: tuple[str, ...]) -> None:
    assert effective_dates(text, published) == expected, text


# -- A range whose start does not count has no date at all ------------------------------------
# The end of a range is never an effective date; when its start is a past event, an example or
# an event, the "through"/"until" before the end must not make the end count on its own.


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (  # n2-en-inc-shoptalk-inaugural-conference: an event told in the past tense
            "Had you been there, you wouldn't have believed that Shoptalk was in its inaugural "
            "year. On May 15 through May 18 at the Aria in Las Vegas, it was clear that an entire "
            "industry was being shaped right before my eyes.",
            date(2016, 5, 25),
            (),
        ),
        # the counter-case: a range that counts keeps its start, and its end is apart
        ("From August 1 to August 31, 2026, referral fees are reduced.", date(2026, 6, 20),
         ("2026-08-01",)),
        # and a lone "until" is still a deadline
        ("Offer valid until July 31.", date(2026, 6, 20), ("2026-07-31",)),
    ],
)  # fmt: skip
def test_the_end_of_a_range_whose_start_does_not_count_is_no_date(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


# -- "through" a date says how long, not from when ----------------------------------------------
# A period that runs "through" a date has ended by then: the date is the period's end (it keeps a
# rule current, see `folded_periods`), never an effective date; "until" and "by" stay deadlines.


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (  # n3-en-amazon-eu-forum-pausing-suspensions-covid
            "Effective immediately, we are also stopping suspension of selling accounts for high "
            "order defect rates. These changes will stay in effect through 15 May.",
            date(2020, 3, 27),
            ((), ("2020-05-15",)),
        ),
        (  # n3-en-ebay-community-2012-updates-take-action
            "Top-rated sellers: Get extra savings! From now through May 31, Top-rated sellers get "
            "a bonus 5% discount off final value fees—along with their current 20% discount—for "
            "all listings with 1-day handling",
            date(2012, 4, 10),
            ((), ("2012-05-31",)),
        ),
        # the counter-cases: a deadline by "until" or "by" still counts
        ("Sellers have until July 31 to update their listings.", date(2026, 6, 20),
         (("2026-07-31",), ())),
        ("Upload your documents by July 31.", date(2026, 6, 20), (("2026-07-31",), ())),
    ],
)  # fmt: skip
def test_a_period_through_a_date_ends_there_and_has_no_effective_date(
    text: str, published: date, expected: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    assert folded_periods(fold(text), published) == expected, text


# -- A dated item after a report's lead-in ------------------------------------------------------
# "2022年8月10日，我们将…" dates what follows; so does the same after "据…称，" or "据悉，", which
# only says where the news came from. Past wording keeps it from counting, as at a sentence start.


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (  # n3-zh-by56-amazon-trademark-policy-2020
            "据其他消息来源称,2020年2月15日,美国商标局将实施一项新的商标政策,所有认证必须提供"
            "LOGO和链接,链接还要有日期,审查标准将日益严格。",
            date(2019, 12, 15),
            ("2020-02-15",),
        ),
        ("据悉，2019年3月1日，亚马逊已经下调了佣金。", date(2019, 12, 15), ()),
        # any other words before the date leave it uncounted, as before
        ("业内人士表示，3月1日，亚马逊将上调配送费。", date(2019, 12, 15), ()),
    ],
)  # fmt: skip
def test_a_dated_item_after_a_reports_lead_in_counts(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


def test_a_hyphenated_chinese_period_counts_from_its_start_and_ends_apart() -> None:
    # n2-zh-10100-tiktok-shop-may-day-shipping-exemption
    text = (
        "具体政策内容:在2023年4月29日-2023年5月3日期间产生的商家订单,最晚安排发货(arrange "
        "shipment)日期统一为2023年5月6日,请商家准时安排发货。"
    )
    assert folded_periods(fold(text), date(2023, 4, 21)) == (
        ("2023-04-29", "2023-05-06"),
        ("2023-05-03",),
    )


# -- A deadline named before its date, in Chinese too ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("最晚安排发货(arrange shipment)日期统一为2023年5月6日,请商家准时安排发货。",
         date(2023, 4, 21), ("2023-05-06",)),
        ("报名截止日期为7月31日。", date(2026, 6, 20), ("2026-07-31",)),
        # no deadline word: "为" alone dates nothing
        ("今年的活动主题为跨境新机遇,时间为7月31日。", date(2026, 6, 20), ()),
    ],
)  # fmt: skip
def test_a_deadline_noun_then_a_copula_dates_a_deadline(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("需重点提醒的是,9 月 30 日为升级节点,逾期未完成者将面临商品强制下架风险。",
         date(2025, 9, 10), ("2025-09-30",)),
        ("7月31日为最后期限。", date(2026, 6, 20), ("2026-07-31",)),
        ("September 30 is the deadline to move your listings.", date(2026, 9, 1),
         ("2026-09-30",)),
        # a node of a network, no deadline: 节点 ends no clause here
        ("3月1日为物流节点城市的开仓日。", date(2026, 2, 1), ()),
        ("9月30日为国庆节前最后一个工作日。", date(2026, 9, 1), ()),
    ],
)  # fmt: skip
def test_a_date_then_a_copula_and_a_deadline_noun_dates_a_deadline(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("新功能将于3月1日启动。", date(2026, 2, 1), ("2026-03-01",)),
        ("平台计划于2020年1月启动续签或重新入驻流程", date(2019, 11, 27), ("2020-01-01",)),
        # the start of a month (月初, 上旬) is its 1st; its middle or end dates nothing
        ("准入规则将于11月初正式启动", date(2017, 10, 20), ("2017-11-01",)),
        ("準出政策則預計在12月上旬啟動。", date(2017, 10, 20), ("2017-12-01",)),
        ("新规将于11月中旬正式启动", date(2026, 10, 1), ()),
        ("ad fees are calculated differently effective today, June 1, 2022.", date(2022, 6, 1),
         ("2022-06-01",)),
    ],
)  # fmt: skip
def test_a_launch_a_month_start_and_effective_today_date_a_change(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


# -- Verbs of ending and stopping date a change ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # n4-en-mitbbs-amazon-upc-required-300-brands (an Amazon email, 2013)
        ("Beginning 10/23/2013, sellers will experience the following when listing",
         date(2013, 9, 25), ("2013-10-23",)),
        ("Effective 1/15/2025 sellers must verify their business address.", date(2024, 12, 1),
         ("2025-01-15",)),
        # ...read by its words like any date: a report's day or an announcement's is none
        ("The report for 3/31/2024 showed sales up 5%.", date(2024, 6, 1), ()),
        ("This notice was posted on 10/23/2013.", date(2013, 10, 24), ()),
    ],
)  # fmt: skip
def test_a_us_date_with_its_year_is_read_by_its_words(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (  # n2-en-easyship-de-minimis-suspension: "ends" without "on"
            "De minimis exemption ends August 29, 2025, requiring duties on most low-value "
            "international shipments to the U.S.",
            date(2025, 8, 8),
            ("2025-08-29",),
        ),
        (  # n2-en-devto-shopify-scripts-end-june-2026: "stop … on"
            "And a hard deadline that affects every store running custom Scripts — Shopify "
            "Scripts stop executing entirely on June 30, 2026. All Scripts must be migrated to "
            "Shopify Functions before that date.",
            date(2026, 6, 11),
            ("2026-06-30",),
        ),
        ("The v0 operation expires March 31, 2027.", date(2026, 6, 20), ("2027-03-31",)),
    ],
)
def test_ending_and_stopping_date_a_change(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


def test_an_english_word_is_not_read_as_a_german_one() -> None:
    # n2-en-kantor-fba-cpsc-efiling-checklist: "that hat picks up" is no German "hat" (has)
    text = (
        "You found the product, negotiated the order, and booked the freight. The moment that "
        "inventory crosses the United States border, you wear a hat many Amazon sellers never "
        "think about: importer of record. On July 8, 2026, that hat picks up a new duty for "
        "covered products: filing CPSC certificate data electronically with customs at entry."
    )
    _check(text, date(2026, 6, 11), ("2026-07-08",))


# -- What was said, posted, held or would have been --------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (  # ppc-us-liability-insurance-aug-15-2022 (posted, and an effective date withdrawn)
            "We will no longer be making changes to our Commercial Liability Insurance program "
            "policy that we previously posted on June 13, 2022",
            date(2022, 8, 1),
            (),
        ),
        # an event is held on its date (the chiflaw item's "We will host a live webinar on
        # April 17, 2024" without the word webinar)
        ("Amazon will host Accelerate on September 17, 2026 in Seattle.", date(2026, 6, 20), ()),
        ("Prime Day will take place on July 8 and 9.", date(2026, 6, 20), ()),
        # a noun is no verb of effect: what was announced is dated, the rule is not
        ("Amazon announced the change on May 1; it will apply from July 1.", date(2026, 6, 20),
         ("2026-07-01",)),
        # ...while the verb still counts
        ("On August 10, 2022, we are renaming a number of fee categories on the Amazon fee "
         "schedule.", date(2022, 8, 1), ("2022-08-10",)),
        ("We are updating the Restricted Products policy on March 1, 2027.", date(2026, 6, 20),
         ("2027-03-01",)),
        # a plan that would have started
        ("Amazon has withdrawn the plan that would have started on March 1, 2027.",
         date(2026, 6, 20), ()),
    ],
)  # fmt: skip
def test_dates_of_what_was_said_posted_held_or_would_have_been_do_not_count(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


# -- Examples ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("For example, if your item sold on March 3, you must ship by March 5.",
         date(2026, 6, 20), ()),
        ("例如8月1日至14日的订单", date(2026, 6, 20), ()),
        # a real rule cited as an example keeps its date: no supposition, and the example word
        # is far from the date
        ("平台新规频出,例如亚马逊美国站将对所有卖家实行新的库存配置政策,自2026年8月1日起生效。",
         date(2026, 6, 20), ("2026-08-01",)),
    ],
)  # fmt: skip
def test_an_example_with_a_supposition_is_no_date(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


# -- Moved and replaced dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Amazon extended the deadline from March 1 to April 1, 2027.", date(2026, 6, 20),
         ("2027-04-01",)),
        ("The requirement, originally due March 1, is now due April 1, 2027.", date(2026, 6, 20),
         ("2027-04-01",)),
        ("截止日期由3月1日推迟至4月1日。", date(2026, 2, 10), ("2026-04-01",)),
        ("原定于3月1日实施的新规将延期至4月1日。", date(2026, 2, 10), ("2026-04-01",)),
    ],
)  # fmt: skip
def test_a_moved_date_counts_only_where_it_was_moved_to(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


# -- Since: a state of things, no change --------------------------------------------------------


def test_since_a_date_is_no_effective_date() -> None:
    # n2-zh-8966911-amazon-jp-qualified-invoice-oct1
    text = (
        "自 2019 年 10 月 1 日以来,Amazon.co.jp就在代表卖家向企业买家和独资经营者开具发票。\n"
        "如果卖家已在卖家平台中提供了日本消费税登记号,亚马逊将于2023年10月1日开始在其发票上显示该税号。"
    )
    _check(text, date(2023, 7, 4), ("2023-10-01",))


# -- A start word, then the clock the date is read on ------------------------------------------


def test_a_start_word_reads_through_the_time_zone_named_after_it() -> None:
    # n3-zh-ecfanr-aliexpress-cainiao-routes-price-change-jan17
    text = "自美西时间2023年01月17日0点,卖家创建的线上发货物流订单,将按照最新报价结算运费"
    _check(text, date(2023, 1, 13), ("2023-01-17",))
    _check("从北京时间3月1日开始执行新的费率", date(2023, 2, 20), ("2023-03-01",))
    _check("北京时间3月1日,亚马逊宣布", date(2023, 3, 2), ())  # a clock alone starts nothing


# -- Tense and year inference -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (  # n2-en-osborneclarke-gpsr-marketplaces: entry into force, a year back, is history
            "A provider of an online marketplace under the General Product Safety Regulation "
            "(GPSR) (Regulation (EU) 2023/988) – which came into force on 12 June 2023 and is "
            "applicable from 13 December this year – is \"a provider of an intermediary service",
            date(2024, 7, 18),
            ("2024-12-13",),
        ),
        # a past event far back is not pushed into next year (issue 15: "starting January 26")
        ("Amazon laid off 14,000 employees in October and 16,000 more starting January 26.",
         date(2026, 9, 1), ()),
        # ...but a report in the past tense of a rule still to come is (a December story)
        ("Amazon announced that sellers must verify their identity by January 15.",
         date(2026, 12, 10), ("2027-01-15",)),
        # a rule reported a few days after it took effect keeps its date
        ("该禁令从9月3日起生效", date(2026, 9, 7), ("2026-09-03",)),
        ("The policy took effect on June 15.", date(2026, 6, 20), ("2026-06-15",)),
    ],
)  # fmt: skip
def test_tense_and_publish_date_place_a_date(
    text: str, published: date, expected: tuple[str, ...]
) -> None:
    _check(text, published, expected)


# -- Cost: month names are found by str.find, with the same matches ------------------------------


def test_month_names_found_by_find_give_the_same_dates_as_a_full_search() -> None:
    rng = random.Random(7)
    bits = ["jan", "march ", "may ", "sept.", "market ", "xmay", "decision ", "1", "15", ", "]
    bits += ["2026", " of ", "starting ", "starting in ", "effective ", "\n", "nov", "innovation"]
    for _ in range(3000):
        folded = "".join(rng.choice(bits) for _ in range(rng.randrange(1, 25)))
        starts = eff._name_starts(folded)
        assert starts == sorted(starts)
        for form, pattern, _, follows in eff._FORMS:
            if follows is None:  # the forms led by a month name
                fast = [m.span() for m in finditer_at(pattern, folded, starts)]
                assert fast == [m.span() for m in pattern.finditer(folded)], (form, folded)
