"""Effective dates and deadlines: each row is (text, publish date, expected ISO dates).

A date counts when the wording says it starts, ends or is due; the date something was announced,
agreed or signed does not. A date without a year is this year's when it falls on or after the
publish date or shortly before it (a past event is never pushed into next year), next year's
when it lies months back ("by April 15" published in June). A range counts from its start; its end
is no effective date.
"""

from __future__ import annotations

from datetime import date

import pytest

from policyradar.tagging import effective_dates
from policyradar.tagging.effective import folded_periods
from policyradar.tagging.text import fold

PUBLISHED = date(2026, 6, 20)

CASES: list[tuple[str, str, date, tuple[str, ...]]] = [
    # -- English -------------------------------------------------------------------------------
    ("en effective", "Effective March 1, 2027, sellers must register.", PUBLISHED, ("2027-03-01",)),
    ("en effective as of, day first", "Effective as of 1 March 2027", PUBLISHED, ("2027-03-01",)),
    (
        "en starting, no year",
        "Starting August 1, we will change the fees.",
        PUBLISHED,
        ("2026-08-01",),
    ),
    (
        "en starting with year",
        "starting October 2, 2024, lithium-ion batteries must",
        PUBLISHED,
        ("2024-10-02",),
    ),
    (
        "en from, abbreviated month",
        "from Feb 16, 2027 the window is 30 days",
        PUBLISHED,
        ("2027-02-16",),
    ),
    (
        "en by, deadline without year",
        "Please remove meltable inventory by April 15.",
        date(2026, 3, 20),
        ("2026-04-15",),
    ),
    (
        "en by, month before publish month means next year",
        "Remove it by April 15.",
        PUBLISHED,
        ("2027-04-15",),
    ),
    (
        "en deprecated on",
        "The v0 operation will be deprecated on March 31, 2027.",
        PUBLISHED,
        ("2027-03-31",),
    ),
    (
        "en go into effect on",
        "This change will go into effect on June 30, 2022.",
        date(2022, 6, 1),
        ("2022-06-30",),
    ),
    (
        "en dated item start",
        "On August 10, 2022, we are renaming a number of fee categories.",
        date(2022, 8, 1),
        ("2022-08-10",),
    ),
    (
        "en weekday before the date",
        "Beginning Monday, March 2, 2026, the new rules apply.",
        PUBLISHED,
        ("2026-03-02",),
    ),
    (
        "en ordinal day",
        "Effective July 1st, 2026, invoices are required.",
        PUBLISHED,
        ("2026-07-01",),
    ),
    (
        "en range from-to: its start, not its end",
        "From October 15, 2026 to January 14, 2027, a peak fee applies.",
        PUBLISHED,
        ("2026-10-15",),
    ),
    (
        "en between-and, until",
        "Items shipped between November 1 and December 31, 2025 can be "
        "returned until January 31, 2026.",
        date(2025, 10, 25),
        ("2025-11-01", "2026-01-31"),
    ),
    ("en deferred to", "Ad-cost deduction deferred to August 1, 2026.", PUBLISHED, ("2026-08-01",)),
    (
        "en starting in month and year",
        "Starting in January 2027, listings need a GTIN.",
        PUBLISHED,
        ("2027-01-01",),
    ),
    (
        "en removed on after will",
        "operations will be removed on December 20, 2026.",
        PUBLISHED,
        ("2026-12-20",),
    ),
    # -- English: dates that are not effective dates -----------------------------------------
    ("en last updated is no effective date", "Last updated: August 1, 2022", PUBLISHED, ()),
    ("en announcement dateline", "On March 3, 2026, Amazon announced record sales.", PUBLISHED, ()),
    ("en posted on", "Posted by News_Amazon on June 12, 2024", PUBLISHED, ()),
    ("en API version is no date", "Finances API v2024-06-19 is generally available", PUBLISHED, ()),
    ("en RSS pubDate", "Thu, 25 Jun 2026 17:00:00 GMT", PUBLISHED, ()),
    (
        "en month and year after for",
        "The fee charged for April 2024 is credited back.",
        PUBLISHED,
        (),
    ),
    (
        "en instead of is not a new date",
        "will start on August 1, 2026 instead of May 1, 2026.",
        PUBLISHED,
        ("2026-08-01",),
    ),
    # -- Chinese -------------------------------------------------------------------------------
    ("zh 自…起", "自2027年3月1日起，卖家须提供EORI号码。", PUBLISHED, ("2027-03-01",)),
    ("zh 起生效, no year", "新规3月31日起生效", date(2026, 1, 12), ("2026-03-31",)),
    (
        "zh slash date 起生效",
        "3/31起生效!亚马逊FBA商品贴标政策变更",
        date(2026, 1, 12),
        ("2026-03-31",),
    ),
    ("zh 生效", "亚马逊MFN备货时间新规6月29日生效，严禁虚报时效", PUBLISHED, ("2026-06-29",)),
    ("zh 起 without 自", "7月1日起≤150欧订单须DDP申报", PUBLISHED, ("2026-07-01",)),
    ("zh 前 deadline", "请于2026年9月1日前完成MRN填写", PUBLISHED, ("2026-09-01",)),
    ("zh 截止 deadline", "提报截止10月20日", date(2025, 10, 8), ("2025-10-20",)),
    (
        "zh 将于 date",
        "亚马逊美国站将于2026年1月1日发布第一季度的库存容量限制",
        date(2025, 12, 18),
        ("2026-01-01",),
    ),
    (
        "zh range 至…期间",
        "将在2025年10月15日至2026年1月14日期间收取旺季配送附加费",
        PUBLISHED,
        ("2025-10-15",),
    ),
    (
        "zh month only with year, 自…起",
        "自2026年7月起，CPSC还将要求电子申报",
        PUBLISHED,
        ("2026-07-01",),
    ),
    (
        "zh month only without year, 自…起",
        "自4月起系统将自动删除外部链接",
        date(2025, 3, 20),
        ("2025-04-01",),
    ),
    ("zh 延长至", "新品入仓优惠计划延长至2026年3月31日", PUBLISHED, ("2026-03-31",)),
    ("zh weekday in brackets", "3月1日（周一）起执行", date(2027, 2, 1), ("2027-03-01",)),
    (
        "zh dated item start with 将",
        "2022年8月10日，我们将重新命名部分费用类别。",
        date(2022, 8, 1),
        ("2022-08-10",),
    ),
    ("zh 号 instead of 日", "9月15号起执行新版发货规则", date(2025, 9, 9), ("2025-09-15",)),
    ("zh 以后", "7月15日以后儿童产品进口要走eFiling", PUBLISHED, ("2026-07-15",)),
    # -- Chinese: dates that are not effective dates -----------------------------------------
    (
        "zh news dateline",
        "3月5日，亚马逊宣布将于4月1日起调整佣金。",
        date(2026, 3, 5),
        ("2026-04-01",),
    ),
    ("zh sales period is no effective date", "销售时间为2025年1月至2026年5月。", PUBLISHED, ()),
    ("zh publish date line", "发布日期：2026-03-15", PUBLISHED, ()),
    ("zh price is no slash date", "每件0.55美元，3.06美元调整为3.15美元", PUBLISHED, ()),
    ("zh month ranges are not dates", "1月至9月的标准尺寸商品月度仓储费维持不变", PUBLISHED, ()),
    # -- Traditional Chinese -----------------------------------------------------------------
    ("zh-TW 自…起", "自2026年7月1日起，成交手續費費率調整為6%", PUBLISHED, ("2026-07-01",)),
    ("zh-TW full-width digits", "自２０２６年７月１日起生效", PUBLISHED, ("2026-07-01",)),
    # -- German ----------------------------------------------------------------------------------
    ("de ab dem", "ab dem 1. März 2027 gelten neue Gebühren", PUBLISHED, ("2027-03-01",)),
    (
        "de mit Wirkung zum",
        "Mit Wirkung zum 1. März 2027 ändern wir die Richtlinie.",
        PUBLISHED,
        ("2027-03-01",),
    ),
    (
        "de dated item start",
        "Am 10. August 2022 benennen wir einige Gebührenkategorien um.",
        date(2022, 8, 1),
        ("2022-08-10",),
    ),
    (
        "de bis zum deadline",
        "Bitte hinterlegen Sie die Nummer bis zum 15. Juli 2026.",
        PUBLISHED,
        ("2026-07-15",),
    ),
    ("de past dateline", "Am 3. März 2026 gab Amazon die Zahlen bekannt.", PUBLISHED, ()),
    ("de numeric date", "Ab dem 01.10.2026 gelten neue Gebühren.", PUBLISHED, ("2026-10-01",)),
    # -- Japanese --------------------------------------------------------------------------------
    ("ja より", "2027年3月1日より、手数料を改定します。", PUBLISHED, ("2027-03-01",)),
    ("ja から without year", "3月1日から適用されます", date(2027, 2, 10), ("2027-03-01",)),
    ("ja 以降", "2027年4月1日以降、本人確認が必須となります。", PUBLISHED, ("2027-04-01",)),
    ("ja までに deadline", "2026年12月31日までに登録してください。", PUBLISHED, ("2026-12-31",)),
    ("ja weekday in brackets", "2027年3月1日（月）より", PUBLISHED, ("2027-03-01",)),
    # -- Forms and traps seen in real news (issue 15) ----------------------------------------
    ("en Effective: with a colon", "Effective: August 10, 2026", PUBLISHED, ("2026-08-10",)),
    (
        "en Effective Date: heading",
        "Effective Date: 10 August 2026\nThese Terms apply to your use of the service.",
        PUBLISHED,
        ("2026-08-10",),
    ),
    (
        "en past event without a year stays in its year",
        "Amazon plans to lay off 16,000 corporate roles starting January 26.",
        date(2026, 2, 3),
        ("2026-01-26",),
    ),
    (
        "en past tense keeps a yearless date in its year further back",
        "Layoffs starting January 26 were completed in March.",
        date(2026, 5, 20),
        ("2026-01-26",),
    ),
    (
        "en a rule months back without a year is next year's",
        "Starting January 26, sellers must verify their identity.",
        date(2026, 5, 20),
        ("2027-01-26",),
    ),
    (
        "en agreed on is no effective date",
        "The sides agreed on March 3 to cut duties.",
        PUBLISHED,
        (),
    ),
    (
        "en signed on, then takes effect on",
        "The agreement, signed on March 3, 2026, takes effect on April 1, 2026.",
        date(2026, 3, 5),
        ("2026-04-01",),
    ),
    (
        "en announced on is no effective date",
        "Amazon announced on March 3, 2026 that fees will rise.",
        PUBLISHED,
        (),
    ),
    (
        "en on and after",
        "On and after January 1, 2027, the fee applies.",
        PUBLISHED,
        ("2027-01-01",),
    ),
    ("en no later than", "Submit it no later than March 3, 2027.", PUBLISHED, ("2027-03-03",)),
    (
        "en a time between the deadline word and the date",
        "Submit your documents by 11:59 PM PT on September 30, 2026.",
        PUBLISHED,
        ("2026-09-30",),
    ),
    (
        "en extending the deadline to",
        "We are extending the deadline to October 31, 2026.",
        PUBLISHED,
        ("2026-10-31",),
    ),
    ("en go-live date", "Go-live date: October 1, 2026", PUBLISHED, ("2026-10-01",)),
    (
        "en as of dating a statistic",
        "As of March 31, 2026, net sales were $181.5 billion.",
        date(2026, 4, 29),
        (),
    ),
    (
        "en as of starting a rule",
        "As of January 1, 2027, sellers are required to register.",
        PUBLISHED,
        ("2027-01-01",),
    ),
    (
        "en a deadline named before its date",
        "As a reminder, the deadline to migrate your current shipping settings to Walmart "
        "Shipping Templates is April 30.",
        date(2021, 4, 1),
        ("2021-04-30",),
    ),
    (
        "en we are updating … on",
        "We are updating our Negative Customer Feedback Guidelines on 9 January 2024.",
        date(2023, 12, 29),
        ("2024-01-09",),
    ),
    ("zh 发布于 is no effective date", "本公告发布于2026年3月1日。", PUBLISHED, ()),
    (
        "zh 签署 and 宣布 dates are not effective dates",
        "美国时间2025年4月2日,美国总统特朗普签署行政命令,宣布自5月2日起取消小额包裹的免税待遇。",
        date(2025, 4, 8),
        ("2025-05-02",),
    ),
    (
        "zh dated item start without a year",
        "8月29日,美国正式终止针对全球价值低于800美元进口包裹的免税政策。",
        date(2025, 9, 1),
        ("2025-08-29",),
    ),
    (
        "zh dated item start that reports an announcement",
        "7月30日,美国总统特朗普发布行政令,暂停所有国家的小额免税待遇。",
        date(2025, 9, 1),
        (),
    ),
    (
        "zh 将于…起实施",
        "新规将于2026年9月1日起实施，卖家须完成登记。",
        PUBLISHED,
        ("2026-09-01",),
    ),
    ("zh 截止 is a deadline", "报名截止2026年7月10日", PUBLISHED, ("2026-07-10",)),
    (
        "zh 截至 dating a statistic",
        "截至3月31日，月活用户超过1.8亿。截至2025年年底，全国已建成数据集超过10万个。",
        date(2026, 4, 5),
        (),
    ),
    (
        "zh 截至…前 is a deadline",
        "请于截至2026年3月31日前完成申报。",
        date(2026, 3, 5),
        ("2026-03-31",),
    ),
    (
        "zh range into 次年",
        "每年10月1日至次年1月15日期间，新卖家须完成类目审核。",
        date(2026, 2, 2),
        ("2026-10-01",),
    ),
    (
        "en takes effect with a weekday",
        "The rule takes effect Monday, March 2, 2026.",
        date(2026, 2, 20),
        ("2026-03-02",),
    ),
    (
        "en comes into force",
        "The regulation comes into force on 13 December 2024.",
        date(2024, 11, 1),
        ("2024-12-13",),
    ),
    (
        "en starting in a month without a year",
        "The new surcharge applies starting in November.",
        date(2026, 8, 1),
        ("2026-11-01",),
    ),
    ("en from a bare month is no date", "Sales from October rose 5%.", PUBLISHED, ()),
    ("en starting may is no month", "Sellers starting may need approval.", PUBLISHED, ()),
    (
        "en a webinar's date is no effective date",
        "Join our webinar on May 5, 2026 to learn more about the new rules.",
        date(2026, 4, 20),
        (),
    ),
    ("zh dotted month.day before 起", "7.15起新规生效", date(2026, 7, 1), ("2026-07-15",)),
    ("zh a price with a dot is no date", "运费低至3.15起", PUBLISHED, ()),
    (
        "zh ISO date and time before 之前",
        "请在2026-08-01T00:00:00Z之前上传文件",
        PUBLISHED,
        ("2026-08-01",),
    ),
    (
        "zh 截至 qualifying a setting is no deadline",
        "截至2026年3月1日设置的优惠券将从3月20日开始应用。",
        date(2026, 2, 20),
        ("2026-03-20",),
    ),
    ("zh an example is no date", "请指定交货窗口，例如5月3日至10日。", PUBLISHED, ()),
    (
        "zh the start of a range of days",
        "3月2日-8日的订单须在3个工作日内发货",
        date(2026, 2, 20),
        ("2026-03-02",),
    ),
    ("zh a date then what starts", "新版后台:3月2日正式上线", date(2026, 2, 20), ("2026-03-02",)),
    (
        "zh 于 a date then an update",
        "平台于2026年3月2日更新退货政策",
        date(2026, 3, 2),
        ("2026-03-02",),
    ),
    # -- Edge cases ------------------------------------------------------------------------------
    ("no date at all", "The fee will change soon.", PUBLISHED, ()),
    ("impossible date is dropped", "Effective February 30, 2027", PUBLISHED, ()),
    (
        "duplicates collapse, output sorted",
        "Starting July 15, 2024 ... before July 15, 2024. From May 1, 2024, the fee changes.",
        date(2024, 4, 1),
        ("2024-05-01", "2024-07-15"),
    ),
]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [pytest.param(text, published, expected, id=name) for name, text, published, expected in CASES],
)
def test_effective_dates(text: str, published: date, expected: tuple[str, ...]) -> None:
    assert effective_dates(text, published) == expected


def test_a_range_end_is_kept_apart_with_its_start_year() -> None:
    """The end of a range is no effective date, but tells how long the rule is in force."""
    assert folded_periods(fold("from October 16 to April 14"), PUBLISHED) == (
        ("2026-10-16",),
        ("2027-04-14",),
    )
    assert folded_periods(fold("每年10月1日至次年1月15日期间"), date(2026, 2, 2)) == (
        ("2026-10-01",),
        ("2027-01-15",),
    )
