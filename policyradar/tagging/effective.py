"""Effective dates and deadlines (English, Chinese, German, Japanese) → sorted ISO dates.

A date counts when its wording says it starts or is due: a trigger before it ("Effective",
"Effective:", "starting", "takes effect", "from", "by", "no later than", "by 11:59 PM PT on", 自,
将于, 截止, ab dem, Mit Wirkung zum), a marker after it (起, 生效, 前, 截止, より, から), "on"/"am"
after a verb of effect ("will be deprecated on", "we are updating … on"), a deadline named earlier
in its sentence ("the deadline to … is April 30"), or a dated item or clause start ("On August 10,
2022, we are…", "Am 10. August 2022", "2022年8月10日，我们将…", "8月29日，美国正式终止…",
"…:3月1日系统正式上线", "于3月1日更新…"; also after a report's lead-in: "据…称，2020年2月15日，
…将实施"). Forms: "March 1, 2027", "1 March", "1. März 2027", "01.03.2027", "2027年3月1日",
"2027-03-01", "3/1/2027" (a US date with its year), "3/1起", "3.1起", "starting in March" (its 1st).

A range counts from its start ("from October 15 to January 14", "在2023年4月29日-2023年5月3日期间":
the start); its end is returned apart by :func:`folded_periods` (the rule is in force until then).
The end of a range whose start does not count is no date either ("On May 15 through May 18 at the
Aria…, it was clear…"), and a period "through" a date ends there ("will stay in effect through 15
May": an end, not a start; "until" and "by" stay deadlines). A range that moves a date
("extended the deadline from March 1 to April 1") counts its new date only, and a replaced date
never counts ("originally due March 1",
"原定于3月1日", "由3月1日推迟至4月1日"). Dates of what was said, signed, posted or held
are not effective dates: "announced on", "agreed on", "signed on", "previously posted on",
"will host … on", "takes place on", 发布, 宣布, 签署; nor are the dates of an example
(例如8月1日至14日; "For example, if your item sold on March 3, you must ship by March 5") or of
a webinar or event, nor what would have been ("the plan that would have started on…"), nor a
date since which something holds ("自2019年10月1日以来…"). "Ends", "expires" and verbs of
stopping ("stop executing entirely on June 30") date a change. A deadline (截止, 最晚…日期为,
"by", "no later than") counts: a seller must act by it. 截至 and "as of" count only where they
do not date a statistic ("截至3月，月活超过…", "as of March 31, net sales were…"), and 截至 only
where its sentence asks for something by then (not "截至3月1日设置的积分…").

A date without a year is placed by the reference (publish) date and its tense: on or after the
reference, or up to ``PAST_DAYS`` before it (up to ``PAST_TENSE_DAYS`` when its sentence is in the
past tense), it is this year's; further back it is next year's ("Remove it by April 15" published
in June), unless its sentence tells of a past event ("Amazon laid off … starting January 26"): a
past event is never pushed into next year. A report in the past tense ("Amazon announced that
sellers must verify by January 15", in December) does not make its date past. A date more than
``PAST_TENSE_DAYS`` before the reference in a past-tense sentence is history, not an effective date
("the GPSR, which came into force on 12 June 2023", told in 2024).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from policyradar.tagging.text import fold
from policyradar.text.triggers import finditer_at

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

PAST_DAYS = 60  # a yearless date this many days before the reference is a past one, not next year's
PAST_TENSE_DAYS = 183  # ...and this many when its sentence is in the past tense

_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DE_MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "marz": 3,
    "mär": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}  # fmt: skip
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])"
)
_DE_MON = r"(?P<demon>" + "|".join(sorted(_DE_MONTHS, key=len, reverse=True)) + r")\.?(?![a-zäöü])"
_YEAR = r"(?P<y>(?:19|20)\d{2})(?!\d)"
_DAY = r"(?P<d>[0-3]?\d)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*"

# (form, pattern, a character the text must contain, what may follow its first number): "month"
# forms have no day (the 1st) and count only after a start word; "slash" (3/31) only before
# 起/生效/前. The last column says where a match can start (see _starts): at a month name (None),
# at the first digit of a number followed by one of these characters (" ": any space; the
# lookbehinds rule out the other digits), or, for 年/月 dates, at one of its last four digits
# (the year or the month).
_FORMS: tuple[tuple[str, re.Pattern[str], str, str | None], ...] = tuple(
    (name, re.compile(pattern), needs, follows)
    for name, pattern, needs, follows in (
        ("en", rf"(?<![a-z]){_MON}\s*{_DAY}(?:st|nd|rd|th)?(?![\d:])(?:,?\s*{_YEAR})?", "", None),
        (
            "en",
            rf"(?<![\d.]){_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s*{_YEAR})?",
            "",
            "snrt ",
        ),
        ("de", rf"(?<![\d.]){_DAY}\.\s*{_DE_MON}(?:\s*{_YEAR})?", ".", "."),
        (
            "cjk",
            rf"(?:{_YEAR}\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月\s*{_DAY}\s*[日号號]",
            "月",
            "年月 ",
        ),
        ("iso", rf"(?<![a-z0-9_.\-/]){_YEAR}[-/.](?P<m>[01]?\d)[-/.]{_DAY}(?![\d])", "", "-/."),
        ("slash", r"(?<![\d/.\-])(?P<m>1[0-2]|0?[1-9])/(?P<d>[0-3]?\d)(?![\d/%])", "/", "/"),
        # a US date with its year ("Beginning 10/23/2013"): read by its words, as an English one
        ("mdy", rf"(?<![\d/.\-])(?P<m>1[0-2]|0?[1-9])/{_DAY}/{_YEAR}(?![\d/])", "/", "/"),
        ("dmy", rf"(?<![\d.]){_DAY}\.(?P<m>1[0-2]|0?[1-9])\.{_YEAR}", ".", "."),
        ("month", rf"(?<![a-z]){_MON}\s+(?:of\s+)?{_YEAR}", "", None),
        ("bare month", rf"(?<![a-z]){_MON}(?!\s*(?:\d|of\s))", "", None),
        ("dot", r"(?<![\d.$¥€£])(?P<m>1[0-2]|0?[1-9])\.(?P<d>[0-3]?\d)(?![\d.%])", ".", "."),
        ("month", rf"(?:{_YEAR}\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月(?![\s\d])", "月", "年月 "),
    )
)
# not \d+: a pattern that opens with a character class is searched fast
_NUMBER = re.compile(r"\d\d*(?=(.?))", re.DOTALL)
# how every name in _MON starts: what :func:`_name_starts` finds faster (where no letter precedes)
_NAME = re.compile("|".join(_EN_MONTHS))
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_HAS_DIGIT = re.compile(r"\d")

_SKIP_AFTER = re.compile(
    r"(?:t(?=\d)|\s*)(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?\s*(?:[（(][^）)\n]{1,10}[）)])?\s*"
)
_POST = re.compile(
    r"(?:起|开始|启动|生效|实施|施行|执行|正式|前|之前|以前|截止|为止|止|后|以后|之后|至|到|期间|期間"
    r"|より|から|以降|までに|まで|迄|付|onwards?\b|or later\b|and later\b)"
)
_POST_START = re.compile(r"(?:起|开始|启动|生效|实施|施行|执行|正式|より|から|以降|onwards?\b)")
_MONTH_EARLY = re.compile(r"初|上旬")  # "11月初正式启动": the month's start, its 1st
# a report's lead-in before a dated item: "据其他消息来源称，", "据悉，", "外媒报道称，"
_LEAD_IN = re.compile(
    r"(?:据[^,，。]{0,16}(?:称|悉|了解|报道)|[^,，。]{0,12}(?:消息|报道)称|获悉)\s*[,，]"
)
_THROUGH = re.compile(r"(?<![a-z])(?:through|thru)\s+(?:the\s+)?$")  # a period's last day
_PRE_EN = (
    r"effective(?:\s+(?:today|now),?)?(?:\s+date)?(?:\s+(?:as\s+of|from|on))?:?|starting(?:\s+(?:on|from|in))?"
    r"|(?:takes?|took|taking|goes|go|going|went|comes?|came|coming)\s+into\s+(?:effect|force)"
    r"(?:\s+on)?|(?:takes?|take|took|taking)\s+effect(?:\s+on)?"
    r"|starts?\s+(?:on|from|in)"
    r"|beginning(?:\s+(?:on|in|from))?|begins?(?:\s+on)?|from|as\s+of|by|until|till|through|between"
    r"|no\s+later\s+than|not\s+later\s+than|before|prior\s+to|deadline(?:\s+(?:is|of))?:?"
    r"|(?:extend|defer|postpone|push(?:es)?\s+back|move)(?:s|d|ed|red|ing|ring)?"
    r"(?:\s+(?:the|this|our|its)\s+(?:deadline|date|launch|change|requirement)s?)?\s+(?:to|until)"
    r"|(?:go-live|launch|start)\s+date:?"
    r"|due(?:\s+(?:by|on|date))?:?|after|ending(?:\s+on)?|ends?(?:\s+on)?|expires?(?:\s+on)?"
    r"|ab(?:\s+dem)?|mit\s+wirkung\s+(?:zum|vom|ab(?:\s+dem)?)|bis(?:\s+(?:zum|spätestens))?"
    r"|spätestens(?:\s+(?:am|zum|bis(?:\s+zum)?))?|zum|vom|seit(?:\s+dem)?|frist:?"
)
_PRE_CJK = (
    r"自|从|截至|截止(?:到|至|日期为?|时间为?)?|最晚|最迟|不晚于|将于|将在|定于|拟于|预计于|计划于"
    r"|(?:延长|延期|推迟|延后|顺延|延)(?:至|到)"
)
# the clock a CJK date is read on: "自美西时间2023年01月17日0点", "从北京时间…"
_ZONE_CJK = r"(?:北京|美西|美东|美国|太平洋|当地|欧洲中部|日本|英国)(?:标准)?时间"
_PRE = re.compile(
    rf"(?:(?<![a-zäöü])(?:{_PRE_EN})|(?:{_PRE_CJK})(?:{_ZONE_CJK})?)\s*(?:the\s+)?(?:{_WEEKDAY})?$"
)
# Every character a _PRE match can hold: it starts after the last other character.
_NOT_PRE = re.compile(
    "[^a-zäöü:,\\-\\s" + "".join(sorted({c for c in _PRE_CJK + _ZONE_CJK if not c.isascii()})) + "]"
)
_PRE_START = re.compile(
    r"(?:(?<![a-z])(?:effective|starting(?:\s+in)?|beginning(?:\s+in)?|from|as\s+of|ab)"
    r"|自|从)\s*$"
)
_HAS_TIME = re.compile(r"\d(?::\d|\s*[ap]\.?m)")  # searched fast: it opens with a digit
_TIME_ON = re.compile(
    r"\s\d{1,2}(?::\d{2}|\s*[ap]\.?m\.?)\s*(?:[ap]\.?m\.?)?(?:\s*\(?[a-z]{2,8}\)?){0,2}\s*,?\s*"
    r"(?:on\s+)?(?:the\s+)?$"
)
_ON = re.compile(rf"(?<![a-zäöü])(?:on|am)\s+(?:the\s+)?(?:{_WEEKDAY})?$")
_EFFECT = re.compile(
    r"(?<![a-z])(?:will|shall|effect|effective|deprecat\w*|retir\w*|sunset\w*|discontinu\w*"
    r"|expir\w*|begin\w*|start\w*|requir\w*|apply|applies|implement\w*|due|deadline|ends?"
    r"|close[sd]?|remov\w*|launch(?:es)?|available|no longer|wird|werden|tritt|gilt|gelten"
    r"|stop(?:s|ping)?|ceas(?:e|es|ing)|halt(?:s|ing)?|suspend(?:s|ing)?|ban(?:s|ning)?"
    r"|prohibit(?:s|ing)?|enforc(?:e|es|ing)"
    # verbs that are nouns too: "we are updating … on" counts, "announced the change on" not
    r"|(?P<noun>updat(?:e|es|ing)|chang(?:e|es|ing)|introduc(?:e|es|ing)|increas(?:e|es|ing)"
    r"|reduc(?:e|es|ing)|lower(?:s|ing)?|rais(?:e|es|ing)))(?![a-z])"
)
_DETERMINERS = ("the ", "a ", "an ", "this ", "these ", "that ", "its ", "our ", "their ")
_UNREAL = ("would have ", "would've ")  # "the plan that would have started on March 1"
# what was said, signed or done: its date is no effective date
_PAST = re.compile(
    r"(?<![a-z])(?:announced|said|reported|released|published|launched|introduced|revealed"
    r"|agreed|signed|approved|passed|concluded|reached|voted|held"
    r"|posted|issued|notified|informed|emailed|withdr[ae]wn?|scrapped|abandoned|shelved"
    # an event is held on its date: "Amazon will host Accelerate on September 17"
    r"|host(?:s|ed|ing)?|takes?\s+place|took\s+place|taking\s+place"
    r"|was|were|had|gab|hatte|wurde|wurden|kündigte|berichtete|unterzeichnet|angekündigt"
    r"|bekanntgegeben|mitgeteilt)(?![a-z])"
    r"|宣布|发布|表示|报道|消息|公布|据|签署|签订|签约|达成|举行|举办|召开|発表|しました|締結"
)
# the tense of a sentence, for a date without a year: a past event ("layoffs began on…"), or
# only a report in the past tense ("Amazon announced that sellers must verify by January 15")
_PAST_EVENT = re.compile(
    r"(?<![a-z])(?:was|were|had|began|started|took|went|ended|closed|cut|laid|happened|came"
    r"|entered|became|expired|ran)(?![a-z])|已|曾"
)
_REPORTED = re.compile(
    r"(?<![a-z])(?:announced|said|reported|confirmed|notified|introduced|launched|implemented"
    r"|imposed|rolled\s+out)(?![a-z])"
)
NOT_PAST, REPORTED, PAST_EVENT = 0, 1, 2  # what _past_tense says of a sentence
# a statistic dated "as of" / 截至: not an effective date
_STATISTIC = re.compile(
    r"(?<![a-z])(?:had|was|were|reached|totaled|totalled|stood|grew|rose|fell|increased"
    r"|decreased|exceeded|surpassed|accounted|recorded)(?![a-z])"
    r"|已|达到|高达|超过|突破|累计|共计|同比|环比|增长|下降|数据|显示|规模"
)
_AS_OF = re.compile(r"(?:(?<![a-z])as\s+of|截至)\s*(?:the\s+)?(?:" + _WEEKDAY + r")?$")
# "the deadline to … is April 30": a deadline named earlier in the sentence, then a copula
# ("最晚安排发货日期统一为2023年5月6日")
_DEADLINE_NOUN = re.compile(
    r"(?<![a-z])(?:deadline|due date|cut-?off)(?![a-z])|截止(?:日期|时间)|最[晚迟]|最后期限"
)
# "9月30日为升级节点", "September 30 is the deadline": a date, a copula, then a deadline noun
_DEADLINE_AFTER = re.compile(
    r"(?:is|will be)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:deadline|due date|cut-?off)(?![a-z])"
    r"|(?:为|是|為)[^,，。；;\n]{0,6}?(?:截止(?:日期|时间|日)|最后期限|期限|节点|最后一天)"
    r"(?=[,，。；;:：\s]|$)"
)
_COPULA = re.compile(
    r"(?<![a-z])(?:is|are|will be|remains|(?:was|has been) (?:extended|moved) to)\s*$"
    r"|(?:为|是|為)\s*$"
)
# what a dated item start says happens (Chinese): "8月29日，美国正式终止…"
_EFFECT_CJK = re.compile(r"起|生效|实施|施行|执行|终止|取消|暂停|停止|上调|下调|收取|废止|适用")
_FUTURE_CJK = re.compile(r"将|会|拟|正式|开始|调整|要求|须|必须|ます|予定")
_RANGE = re.compile(
    r"^\s*(?:-|~|～|to|through|until|till|and|(?:至|到)(?:次年|翌年|明年)?|bis(?:\s+zum)?|から)\s*$"
)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.\s")
# a month without a year or day counts only right after these ("starting in October")
_PRE_BARE = re.compile(r"(?<![a-z])(?:starting|beginning|effective)(?:\s+in)?\s*$")
# what a price is said with: "低至3.15起" is no March 15
_PRICE_LEFT = re.compile(r"(?:价|费|元|低至|仅需?|只要|售|\$|¥|€|£)\s*$")
# 截至 dates a cutoff only when its sentence asks for something by then ("截至…前完成")
_CUTOFF = re.compile(r"截至\s*$")
_ACTION_CJK = re.compile(
    r"前|为止|须|必须|需|务必|应当|应于|应在|完成|提交|上传|申报|注册|验证|填写|报名|截止"
)
# "例如8月1日至14日", "for example, by March 1": an example is no date
_EXAMPLE = re.compile(r"例如|比如|譬如|举例|e\.g\.|for example|for instance")
_SUPPOSE = re.compile(r"(?<![a-z])(?:if|suppose|say|assume)(?![a-z])|如果|假如|假设|假定|若")
# a date replaced by another: "originally due March 1", "原定于3月1日", "由3月1日推迟至…"
_SUPERSEDED = re.compile(
    r"(?<![a-z])(?:originally|previously|formerly)(?:\s+(?!will|shall|now)[a-z]+){0,5}\s*$"
    r"|(?:原定|原计划|原本|原先)[^，,。；;\n]{0,6}$"
)
_SUPERSEDED_CUE = re.compile(r"[opf原](?:riginally|reviously|ormerly|[定计本先])")
# after a date: "以来" (since: a state of things, no change), or a verb moving it elsewhere
_NOT_AFTER = re.compile(r"以[来來]|\s*(?:推迟|延期|延后|顺延|延长|改为|改至|调整为|调整至|提前至)")
# "extended the deadline from March 1 to April 1, 2027": the range is old date -> new date
_MOVED_FROM = re.compile(
    r"(?<![a-z])(?:extend|postpon|delay|defer|push|mov|reschedul|chang)\w*"
    r"(?:\s+[a-z'’]+){0,4}\s+from\s*(?:the\s+)?$"
)
# the date of a webinar, a conference or a livestream is no date a rule applies from
_EVENT_WORDS = (
    "webinar", "live event", "livestream", "conference", "summit", "expo", "trade show", "seminar",
    "workshop", "直播", "研讨会", "峰会", "展会", "博览会", "大会", "说明会", "公开课", "见面会",
    "沙龙", "培训会",
)  # fmt: skip
_EVENT = re.compile(rf"(?<![a-z])(?:{'|'.join(_EVENT_WORDS)})(?:e?s)?(?![a-z])")
# whether the text around a date has an example or an event at all (most have neither):
# substring tests are much faster than the searches
_GUARD_WORDS = (
    *_EVENT_WORDS,
    "例如",
    "比如",
    "譬如",
    "举例",
    "e.g.",
    "for example",
    "for instance",
)
# what a dotted month.day ("6.22起") or a month without a day needs in its text at all
_DOT_CUES = ("开始", "生效", "实施", "执行", "截止", "以后", "之后")  # and 起, 前
_BARE_CUES = ("starting", "beginning", "effective")
_BARE_ENDS = tuple(f"{cue}{tail}" for cue in _BARE_CUES for tail in (" ", " in "))

# "1月12日-25日订单需…", "在2023年4月29日-2023年5月3日期间产生的订单": the start of a range
_DAY_RANGE = re.compile(
    r"\s*(?:-|~|～|—|–|至|到)\s*(?:(?:19|20)\d{2}\s*年\s*)?(?:[01]?\d\s*月\s*)?\d{1,2}\s*[日号]"
)
# a Chinese date at a clause start followed by what happens then: "…:3月1日系统正式上线",
# "于3月1日更新…政策"
_CLAUSE_MARKS = frozenset(":：,，、(（在")  # what a clause-start date follows (or 于, not 发布于)
_CLAUSE_END = re.compile(r"[,，。；;：:!！?？\n]")
_EFFECT_NEAR = re.compile(
    r"起|生效|实施|施行|执行|上线|启用|开始|终止|取消|调整|更新|下线|停止|关闭|截止|适用"
)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    form: str
    year: int | None
    month: int
    day: int


def effective_dates(text: str, reference: date) -> tuple[str, ...]:
    """Sorted unique ISO dates that ``text`` gives as effective dates or deadlines."""
    return folded_dates(fold(text), reference)


def folded_dates(folded: str, reference: date) -> tuple[str, ...]:
    """:func:`effective_dates` of text already passed through :func:`fold`."""
    return folded_periods(folded, reference)[0]


def folded_periods(folded: str, reference: date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(effective dates, ends of the periods they start) in folded text, each sorted.

    The end of a range ("from October 15 to January 14", "10月15日至1月14日期间") is no effective
    date, but it tells whether the rule is still in force.
    """
    out: set[str] = set()
    ends: set[str] = set()
    previous: tuple[_Found, date] | None = None
    last: _Found | None = None  # the date before, counted or not
    guards: dict[str, bool] = {}  # window around a date -> whether it holds a guard word
    history = date.fromordinal(max(reference.toordinal() - PAST_TENSE_DAYS, 1))
    for found in _scan(folded):
        prior, last = last, found
        kept = _reason(folded, found, previous)
        if kept is None or (kept != "range" and _undone(folded, found, guards)):
            continue
        if (
            kept != "range"
            and prior is not None
            and found.start - prior.end <= 12
            and _ends_range(folded, prior, found, previous)
        ):
            continue  # "On May 15 through May 18 at the Aria…": its start did not count
        start = previous[1] if kept == "range" and previous else None
        period_end = kept == "pre" and _THROUGH.search(
            folded, max(0, found.start - 24), found.start
        )
        resolved = _resolve(found, reference, start, lambda f=found: _past_tense(folded, f))
        if resolved is None:
            continue
        if kept != "range" and resolved < history and _past_tense(folded, found):
            continue  # "which came into force on 12 June 2023" told in 2024: history
        if period_end:  # "will stay in effect through 15 May": how long, not from when
            ends.add(resolved.isoformat())
            continue
        if kept == "range":
            if previous is None or not _moved(folded, previous[0]):
                ends.add(resolved.isoformat())
                continue
            out.discard(previous[1].isoformat())  # "moved from March 1 to April 1": the new one
        out.add(resolved.isoformat())
        previous = (found, resolved)
    return tuple(sorted(out)), tuple(sorted(ends - out))


def _moved(folded: str, start: _Found) -> bool:
    """Whether the range that ``start`` opens moves a date: "extended the deadline from…"."""
    line_start = max(folded.rfind("\n", 0, start.start) + 1, start.start - 80)
    return _MOVED_FROM.search(folded[line_start : start.start]) is not None


def _ends_range(
    folded: str, prior: _Found, f: _Found, previous: tuple[_Found, date] | None
) -> bool:
    """Whether ``f`` ends a range whose start (``prior``, the date just before) did not count:
    the end of a range is no effective date, and a range of a past event is no rule at all.
    """
    if previous is not None and previous[0] is prior:
        return False
    return _RANGE.match(folded[prior.end : f.start]) is not None


def _scan(folded: str) -> list[_Found]:
    found: list[_Found] = []
    digits = _HAS_DIGIT.search(folded) is not None
    # the forms only some texts can hold: a month without a day after a start word, a dotted
    # month.day before 起, a German day.month.year (German text has umlauts)
    bare = "starting" in folded or "beginning" in folded or "effective" in folded
    wanted = {
        "bare month": bare,
        "dot": digits and ("起" in folded or "前" in folded or _has_any(folded, _DOT_CUES)),
        "dmy": digits and ("ä" in folded or "ü" in folded or "ö" in folded or "ß" in folded),
    }
    if not digits and not bare:
        return found
    names = _name_starts(folded)
    numbers: dict[str, list[tuple[int, int]]] = {}  # by the character after them
    for m in _NUMBER.finditer(folded):
        numbers.setdefault(m[1], []).append(m.span())
    spans: dict[str, list[int]] = {}  # where the forms that follow numbers the same way start
    for form, pattern, needs, follows in _FORMS:
        if not wanted.get(form, digits) or (needs and needs not in folded):
            continue
        if form == "bare month":  # only right after a start word ("starting in October")
            starts = [p for p in names if folded.endswith(_BARE_ENDS, max(p - 14, 0), p)]
        elif follows is None:
            starts = names
        else:
            if follows not in spans:
                spans[follows] = _starts(numbers, follows)
            starts = spans[follows]
        for m in finditer_at(pattern, folded, starts):
            month = _month(m)
            year = m.groupdict().get("y")
            day = int(m["d"]) if "d" in m.groupdict() and m["d"] else 1
            if month:
                found.append(
                    _Found(m.start(), m.end(), form, int(year) if year else None, month, day)
                )
    found.sort(key=lambda f: (f.start, f.start - f.end))
    kept: list[_Found] = []
    for f in found:  # overlapping forms: the earliest, longest one wins
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def _name_starts(folded: str) -> list[int]:
    """Where a word that may be a month name starts ("mar" of "march", not of "market"'s
    "ket"), in order: every form led by a name wants no letter before it. ``str.find`` of each
    name is several times faster than a regular expression of them all on a long page.
    """
    found = []
    for name in _EN_MONTHS:
        at = folded.find(name)
        while at >= 0:
            if at == 0 or folded[at - 1] not in _LETTERS:
                found.append(at)
            at = folded.find(name, at + 3)
    found.sort()
    return found


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _starts(numbers: dict[str, list[tuple[int, int]]], follows: str) -> list[int]:
    """Where a form's match can start, in order (see ``_FORMS``), from the (start, end) of the
    numbers of the text by the character after them.

    Trying a pattern there only keeps long texts cheap: a pattern that opens with a lookbehind or
    an optional group is otherwise tried at every character.
    """
    space = " " in follows
    spans = sorted(
        span
        for after, found in numbers.items()
        if after and (after in follows or (space and after.isspace()))
        for span in found
    )
    if "月" not in follows:
        return [start for start, _ in spans]
    return [p for start, end in spans for p in range(max(start, end - 4), end)]


def _month(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("mon"):
        return _EN_MONTHS.index(groups["mon"][:3]) + 1
    if groups.get("demon"):
        return _DE_MONTHS[groups["demon"]]
    return int(groups["m"]) if groups.get("m") else None


def _undone(folded: str, f: _Found, guards: dict[str, bool]) -> bool:
    """Whether an example, an event or a later date undoes what a date's wording says:
    "例如8月1日至14日", "We will host a live webinar on April 17", "originally due March 1"
    (checked only for dates that count: most dates of a long page do not). ``guards`` caches,
    per window of text around a date, whether it holds an example or event word at all (see
    ``_GUARD_WORDS``): a page repeats its lines.
    """
    line_start = max(folded.rfind("\n", 0, f.start) + 1, f.start - 80)
    near = max(line_start, f.start - 48)
    if _SUPERSEDED_CUE.search(folded, near, f.start) and _SUPERSEDED.search(folded, near, f.start):
        return True  # "originally due March 1", "原定于3月1日": a date replaced by another
    window = folded[line_start : f.end + 200]
    guarded = guards.get(window)
    if guarded is None:
        guarded = guards[window] = any(word in window for word in _GUARD_WORDS)
    if not guarded:
        return False
    left = folded[line_start : f.start]
    sentence = _SENTENCE_END.split(left)[-1]
    if _EVENT.search(sentence) or _example(left):
        return True
    return _EVENT.search(_rest(folded, f)) is not None


def _example(left: str) -> bool:
    """Whether the text before a date, in its sentence, makes it an example: an example word
    right before it ("例如8月1日至14日") or earlier with a supposition ("For example, if your item
    sold on March 3, you must ship by March 5"). A real rule cited as an example ("例如，亚马逊将
    于8月1日起…") keeps its date.
    """
    found = _last_match(_EXAMPLE, left)
    if found is None or _SENTENCE_END.search(left, found.end()):
        return False
    return len(left) - found.end() <= 20 or _SUPPOSE.search(left, found.end()) is not None


def _reason(folded: str, f: _Found, previous: tuple[_Found, date] | None) -> str | None:
    """Why a date counts ("pre", "post", "on", "deadline", "item", "range"), or None, before
    the exceptions of :func:`_undone`.
    """
    line_start = max(folded.rfind("\n", 0, f.start) + 1, f.start - 80)
    left = folded[line_start : f.start]
    after = folded[f.end : f.end + 24]
    after = after[_SKIP_AFTER.match(after).end() :]  # type: ignore[union-attr]
    if previous is not None and _RANGE.match(folded[previous[0].end : f.start]):
        return "range"
    if f.form == "cjk" and _NOT_AFTER.match(after):
        return None  # "自2019年10月1日以来…" (since then), "由3月1日推迟至4月1日" (the old date)
    if f.form == "month":
        early = _MONTH_EARLY.match(after)
        ok = _PRE_START.search(left) or _POST_START.match(after, early.end() if early else 0)
        return "pre" if ok else None
    if f.form == "bare month":  # "starting may…" is no month: May needs "in"
        pre = _PRE_BARE.search(left)
        return "pre" if pre and (f.month != 5 or pre[0].rstrip().endswith("in")) else None
    if f.form == "dot" and _PRICE_LEFT.search(left):
        return None  # "运费低至3.15起" is a price
    if f.form in ("slash", "dot"):
        return "post" if _POST.match(after) and not after.startswith(("至", "到")) else None
    # "by 11:59 PM PT on September 30": the word before the time
    timed = _TIME_ON.search(left) if _HAS_TIME.search(left) else None
    pre_left = left if timed is None else left[: timed.start()]
    if _PRE.search(pre_left, _tail(pre_left)):
        if _AS_OF.search(left) and _STATISTIC.search(_rest(folded, f)):
            return None  # "as of March 31, net sales were…", "截至3月，月活超过…"
        if _CUTOFF.search(left) and not _ACTION_CJK.search(_rest(folded, f)):
            return None  # "截至3月1日设置的积分将从3月17日起应用": a setting's cutoff
        return "pre"
    if _POST.match(after):
        return "post"
    if f.form == "cjk" and _DAY_RANGE.match(after):
        return "post"
    sentence = _SENTENCE_END.split(left)[-1]
    rest = _rest(folded, f)
    on = _ON.search(sentence)
    if on is not None:
        before = sentence[: on.start()]
        if not before.strip():
            return None if _PAST.search(rest) else "item"
        return "on" if _last_effect(before) > _last(_PAST, before) else None
    if _COPULA.search(sentence):  # "the deadline to migrate … is April 30"
        wide = folded[max(folded.rfind("\n", 0, f.start) + 1, f.start - 200) : f.start]
        if _DEADLINE_NOUN.search(_SENTENCE_END.split(wide)[-1]):
            return "deadline"
    if _DEADLINE_AFTER.match(after):
        return "deadline"
    if f.form == "cjk" and after[:1] in ("，", ",", "、") and _item_start(sentence):
        # a dated item start: "2022年8月10日，我们将…", "8月29日，美国正式终止…"
        if _PAST.search(rest):
            return None
        if _EFFECT_CJK.search(rest) or (f.year and _FUTURE_CJK.search(rest)):
            return "item"
    if f.form == "cjk" and _clause_start(sentence):
        clause = _CLAUSE_END.split(after, maxsplit=1)[0][:12]
        if _EFFECT_NEAR.search(clause) and not _PAST.search(clause):
            return "item"
    return None


def _item_start(sentence: str) -> bool:
    """Whether a date opens its sentence, or follows only a report's lead-in ("据…称，")."""
    lead = sentence.strip()
    return not lead or _LEAD_IN.fullmatch(lead) is not None


def _clause_start(sentence: str) -> bool:
    """Whether a date stands at the start of a clause: "…:3月1日…", "于3月1日…" (not 发布于)."""
    tail = sentence.rstrip()
    return (
        not tail
        or tail[-1] in _CLAUSE_MARKS
        or (tail[-1] == "于" and tail[-2:-1] not in "布告表立")
    )


def _rest(folded: str, f: _Found) -> str:
    """The rest of a date's sentence."""
    return _SENTENCE_END.split(folded[f.end : f.end + 200])[0]


def _last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of ``pattern`` in ``text``."""
    found = None
    for found in pattern.finditer(text):  # noqa: B007
        pass
    return found


def _last_effect(text: str) -> int:
    """Where the last word of effect in ``text`` starts (-1: none): not a noun ("the change")
    nor what would have been ("would have started").
    """
    for m in reversed(list(_EFFECT.finditer(text))):
        left = text[max(m.start() - 11, 0) : m.start()]
        if not left.endswith(_UNREAL) and not (m["noun"] and left.endswith(_DETERMINERS)):
            return m.start()
    return -1


def _last(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of ``pattern`` in ``text`` starts (-1: none)."""
    found = -1
    for m in pattern.finditer(text):
        found = m.start()
    return found


def _past_tense(folded: str, f: _Found) -> int:
    """Whether the sentence around a date tells of a past event ("layoffs began on January
    26": ``PAST_EVENT``), only reports in the past tense ("Amazon announced that…":
    ``REPORTED``) or neither (``NOT_PAST``).
    """
    line_start = max(folded.rfind("\n", 0, f.start) + 1, f.start - 80)
    sentence = _SENTENCE_END.split(folded[line_start : f.start])[-1] + _rest(folded, f)
    if _PAST_EVENT.search(sentence):
        return PAST_EVENT
    return REPORTED if _REPORTED.search(sentence) else NOT_PAST


def _tail(left: str) -> int:
    """Where the run of characters that a _PRE match can hold begins at the end of ``left``."""
    other = _NOT_PRE.search(left[::-1])
    return len(left) - other.start() if other else 0


def _resolve(
    f: _Found, reference: date, start: date | None, past_tense: Callable[[], int]
) -> date | None:
    """The date of a match: its own year, the start of its range's, or one placed by the
    reference date and the tense of its sentence (see the module's docstring).
    """
    year = f.year
    if year is None and start is not None:
        year = start.year + (1 if (f.month, f.day) < (start.month, start.day) else 0)
    if year is None:
        year = reference.year
        if (f.month, f.day) < (reference.month, reference.day):
            try:
                back = (reference - date(year, f.month, f.day)).days
            except ValueError:
                back = 0  # February 29 of a year without one: dropped below
            # months back: next year's, unless told in the past tense (up to PAST_TENSE_DAYS
            # back) or as a past event (any distance: a past event is never pushed ahead)
            if back > PAST_DAYS and past_tense() < (PAST_EVENT if back > PAST_TENSE_DAYS else 1):
                year += 1
    try:
        return date(year, f.month, f.day)
    except ValueError:
        logger.debug("not a date: %s-%s-%s", year, f.month, f.day)
        return None
