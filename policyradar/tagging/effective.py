"""Effective dates and deadlines (English, Chinese, German, Japanese) → sorted ISO dates.

A date counts when its wording says it starts, ends or is due: a trigger before it ("Effective",
"starting", "from", "by", 自, ab dem, Mit Wirkung zum), a marker after it (起, 生效, 前, 截止, より,
から), "on"/"am" after a verb of effect ("will be deprecated on"), or a dated item start ("On
August 10, 2022, we are…", "Am 10. August 2022", "2022年8月10日，我们将…"). A date without a year
takes the reference (publish) date's year, or the next year when its month is earlier.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from policyradar.tagging.text import fold

if TYPE_CHECKING:
    from collections.abc import Iterator

logger = logging.getLogger(__name__)

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
        ("iso", rf"(?<![\w.\-/]){_YEAR}[-/.](?P<m>[01]?\d)[-/.]{_DAY}(?![\d])", "", "-/."),
        ("slash", r"(?<![\d/.\-])(?P<m>1[0-2]|0?[1-9])/(?P<d>[0-3]?\d)(?![\d/%])", "/", "/"),
        ("month", rf"(?<![a-z]){_MON}\s+(?:of\s+)?{_YEAR}", "", None),
        ("month", rf"(?:{_YEAR}\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月(?![\s\d])", "月", "年月 "),
    )
)
# not \d+: a pattern that opens with a character class is searched fast
_NUMBER = re.compile(r"\d\d*(?=(.?))", re.DOTALL)
_NAME = re.compile("|".join(_EN_MONTHS))  # how every name in _MON starts
_HAS_DIGIT = re.compile(r"\d")

_SKIP_AFTER = re.compile(r"\s*(?:[（(][^）)\n]{1,10}[）)])?\s*")
_POST = re.compile(
    r"(?:起|开始|生效|实施|施行|执行|正式|前|之前|以前|截止|为止|止|后|以后|之后|至|到|期间|期間"
    r"|より|から|以降|までに|まで|迄|付|onwards?\b|or later\b|and later\b)"
)
_POST_START = re.compile(r"(?:起|开始|生效|实施|施行|执行|正式|より|から|以降|onwards?\b)")
_PRE_EN = (
    r"effective(?:\s+(?:as\s+of|from|on))?|starting(?:\s+(?:on|from|in))?|starts?\s+(?:on|from|in)"
    r"|beginning(?:\s+(?:on|in|from))?|begins?(?:\s+on)?|from|as\s+of|by|until|till|through|between"
    r"|no\s+later\s+than|not\s+later\s+than|before|prior\s+to|deadline(?:\s+(?:is|of))?:?"
    r"|(?:extended|deferred|postponed|pushed\s+back|moved)\s+(?:to|until)"
    r"|due(?:\s+(?:by|on|date))?:?|after|ending(?:\s+on)?|ends?\s+on|expires?\s+on"
    r"|ab(?:\s+dem)?|mit\s+wirkung\s+(?:zum|vom|ab(?:\s+dem)?)|bis(?:\s+(?:zum|spätestens))?"
    r"|spätestens(?:\s+(?:am|zum|bis(?:\s+zum)?))?|zum|vom|seit(?:\s+dem)?|frist:?"
)
_PRE_CJK = (
    r"自|从|截至|截止(?:到|至|日期为?|时间为?)?|最晚|最迟|不晚于|将于|将在|定于|拟于|预计于|计划于"
    r"|(?:延长|延期|推迟|顺延|延)至"
)
_PRE = re.compile(rf"(?:(?<![a-zäöü])(?:{_PRE_EN})|{_PRE_CJK})\s*(?:the\s+)?(?:{_WEEKDAY})?$")
# Every character a _PRE match can hold: it starts after the last other character.
_NOT_PRE = re.compile(
    "[^a-zäöü:,\\s" + "".join(sorted({c for c in _PRE_CJK if not c.isascii()})) + "]"
)
_PRE_START = re.compile(
    r"(?:(?<![a-z])(?:effective|starting(?:\s+in)?|beginning(?:\s+in)?|from|as\s+of|ab)"
    r"|自|从)\s*$"
)
_ON = re.compile(rf"(?<![a-zäöü])(?:on|am)\s+(?:the\s+)?(?:{_WEEKDAY})?$")
_EFFECT = re.compile(
    r"(?<![a-z])(?:will|shall|effect|effective|deprecat\w*|retir\w*|sunset\w*|discontinu\w*"
    r"|expir\w*|begin\w*|start\w*|requir\w*|apply|applies|implement\w*|due|deadline|ends?"
    r"|close[sd]?|remov\w*|launch(?:es)?|available|no longer|wird|werden|tritt|gilt|gelten"
    r")(?![a-z])"
)
_PAST = re.compile(
    r"(?<![a-z])(?:announced|said|reported|released|published|launched|introduced|revealed"
    r"|was|were|had|gab|hat|hatte|wurde|wurden|kündigte|berichtete)(?![a-z])"
    r"|宣布|发布|表示|报道|消息|公布|据|発表|しました"
)
_FUTURE_CJK = re.compile(r"将|会|拟|ます|予定")
_RANGE = re.compile(r"^\s*(?:-|~|～|to|through|until|till|and|至|到|bis(?:\s+zum)?|から)\s*$")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.\s")


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
    out: set[str] = set()
    previous: tuple[_Found, date] | None = None
    for found in _scan(folded):
        kept = _accepted(folded, found, previous)
        if kept is None:
            continue
        resolved = _resolve(found, reference, previous[1] if kept == "range" and previous else None)
        if resolved is None:
            continue
        out.add(resolved.isoformat())
        previous = (found, resolved)
    return tuple(sorted(out))


def _scan(folded: str) -> list[_Found]:
    found: list[_Found] = []
    if not _HAS_DIGIT.search(folded):
        return found
    names = [m.start() for m in _NAME.finditer(folded)]
    numbers: dict[str, list[tuple[int, int]]] = {}  # by the character after them
    for m in _NUMBER.finditer(folded):
        numbers.setdefault(m[1], []).append(m.span())
    for form, pattern, needs, follows in _FORMS:
        if needs and needs not in folded:
            continue
        starts = names if follows is None else _starts(numbers, follows)
        for m in _finditer(pattern, folded, starts):
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


def _finditer(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when every match starts at one of ``starts`` (ascending)."""
    done = 0
    for start in starts:
        if start >= done and (m := pattern.match(text, start)):
            yield m
            done = m.end()


def _month(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("mon"):
        return _EN_MONTHS.index(groups["mon"][:3]) + 1
    if groups.get("demon"):
        return _DE_MONTHS[groups["demon"]]
    return int(groups["m"]) if groups.get("m") else None


def _accepted(folded: str, f: _Found, previous: tuple[_Found, date] | None) -> str | None:
    """Why a date counts ("pre", "post", "on", "item", "range"), or None."""
    line_start = max(folded.rfind("\n", 0, f.start) + 1, f.start - 80)
    left = folded[line_start : f.start]
    after = folded[f.end : f.end + 24]
    after = after[_SKIP_AFTER.match(after).end() :]  # type: ignore[union-attr]
    if previous is not None and _RANGE.match(folded[previous[0].end : f.start]):
        return "range"
    if f.form == "month":
        ok = _PRE_START.search(left) or _POST_START.match(after)
        return "pre" if ok else None
    if f.form == "slash":
        return "post" if _POST.match(after) and not after.startswith(("至", "到")) else None
    if _PRE.search(left, _tail(left)):
        return "pre"
    if _POST.match(after):
        return "post"
    sentence = _SENTENCE_END.split(left)[-1]
    rest = _SENTENCE_END.split(folded[f.end : f.end + 200])[0]
    on = _ON.search(sentence)
    if on is not None:
        before = sentence[: on.start()]
        if not before.strip():
            return None if _PAST.search(rest) else "item"
        if _EFFECT.search(before) and not _PAST.search(before[-30:]):
            return "on"
        return None
    if not sentence.strip() and f.form == "cjk" and f.year and after[:1] in ("，", ",", "、"):
        return "item" if _FUTURE_CJK.search(rest) and not _PAST.search(rest) else None
    return None


def _tail(left: str) -> int:
    """Where the run of characters that a _PRE match can hold begins at the end of ``left``."""
    other = _NOT_PRE.search(left[::-1])
    return len(left) - other.start() if other else 0


def _resolve(f: _Found, reference: date, start: date | None) -> date | None:
    year = f.year
    if year is None and start is not None:
        year = start.year + (1 if (f.month, f.day) < (start.month, start.day) else 0)
    if year is None:
        year = reference.year + (1 if f.month < reference.month else 0)
    try:
        return date(year, f.month, f.day)
    except ValueError:
        logger.debug("not a date: %s-%s-%s", year, f.month, f.day)
        return None
