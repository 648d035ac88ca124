"""Facts of a change: the money, rates, counts and dates that changed, old value first.

Pure functions over text. A changed document's paragraphs are paired (the diff's replace ops),
the values in each pair are lined up by the words around them, and the values that differ
become `Fact` s ("Home & Kitchen: 15% → 17%", "配送费: $3.02 → $3.15 (+4%)"). A table row (one line,
cells joined by `` | ``) is compared cell by cell and labelled by its first cell and the column's
header. A new document lists its key facts: fees, rates and thresholds, and what it says moves
"from X to Y" (由X调整为Y).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from policyradar.records import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    Fact,
)
from policyradar.text.triggers import finditer_at

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from policyradar.text.diffing import Diff

MAX_FACTS = 12  # per change: a digest item shows the first few
SCAN_CHARS = 12_000  # of a new document's text: its key facts (fee tables, "X to Y") come early
LABEL_WORDS = 12  # an English label keeps at most this many words
LABEL_CHARS = 24  # a Chinese one at most this many characters


def facts_from_json(items: object) -> list[Fact]:
    """Stored facts (a JSON list) as `Fact` s; malformed entries are left out."""
    found = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            try:
                found.append(Fact.from_json(item))
            except ValueError:
                continue
    return found


# -- values ---------------------------------------------------------------------------------------

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_MULT = r"(?:\s?(?:万|亿|千|百万|million|billion|thousand|bn|[mbk])(?![a-z]))?"
_CUR_PRE = {
    "us$": "USD", "usd": "USD", "$": "USD", "ca$": "CAD", "c$": "CAD", "cad": "CAD",
    "a$": "AUD", "au$": "AUD", "aud": "AUD", "s$": "SGD", "sgd": "SGD", "hk$": "HKD",
    "hkd": "HKD", "mx$": "MXN", "r$": "BRL", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "¥": "JPY", "￥": "CNY", "jpy": "JPY", "cny": "CNY", "rmb": "CNY",
}  # fmt: skip
_CUR_POST = {
    "美元": "USD", "美金": "USD", "欧元": "EUR", "欧": "EUR", "英镑": "GBP", "日元": "JPY",
    "日圆": "JPY", "円": "JPY", "元": "CNY", "人民币": "CNY", "块钱": "CNY", "加元": "CAD",
    "加币": "CAD", "澳元": "AUD", "新加坡元": "SGD", "新元": "SGD", "港元": "HKD", "港币": "HKD",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cny": "CNY", "rmb": "CNY",
    "cad": "CAD", "aud": "AUD", "euro": "EUR", "euros": "EUR", "dollars": "USD", "dollar": "USD",
}  # fmt: skip
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_MULTIPLIER = {
    "万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "million": 1e6, "billion": 1e9,
    "thousand": 1e3, "bn": 1e9, "m": 1e6, "b": 1e9, "k": 1e3,
}  # fmt: skip
# a count's unit words → its unit (only these make a number a fact)
_UNITS = {
    "day": r"business days?|working days?|calendar days?|days?|个工作日|工作日|天|日历日",
    "hour": r"hours?|hrs?|个小时|小时",
    "week": r"weeks?|个星期|周",
    "month": r"months?|个月",
    "unit": r"units?|items?|pieces?|pcs|件|个商品|款",
    "order": r"orders?|订单|单",
    "category": r"(?:product )?categories|个品类|品类|个类目|类目",
    "kg": r"kg|kilograms?|千克|公斤",
    "lb": r"lbs?|pounds?|磅",
    "oz": r"oz|ounces?|盎司",
    "g": r"g|grams?|克",
    "cm": r"cm|centimet(?:er|re)s?|厘米",
    "in": r"inch(?:es)?|英寸",
    "ft3": r"cubic (?:feet|foot)|cu\.? ?ft|立方英尺",
}
_TIME_AND_COUNT = frozenset({"day", "hour", "week", "month", "unit", "order", "category"})
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_DATE_FORMS = (
    r"(?<![\d/.-])(?P<y>20\d\d)[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)(?![\d])",
    r"(?:(?P<y>20\d\d)\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>[0-3]?\d)\s*[日号]",
    rf"(?<![a-z]){_MON}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(?P<y>20\d\d))?",
    rf"(?<![\d.])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MON}(?:,?\s+(?P<y>20\d\d))",
)
_PCT = r"%|％|percent(?:age points?)?|个百分点"
_MONTH_WORDS = re.compile("|".join(_MONTHS))
_CURRENCY_WORDS = re.compile(_alternation({"$" if "$" in c else c for c in _CUR_PRE}))
# (kind, pattern, words one of which every match holds (case-folded), whether every match
# opens with a digit): a pattern is tried only on a stretch holding one of its words, and
# only where the stretch has a digit when it opens with one
_PATTERNS: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None, bool], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE), words, opens_with_digit)
    for kind, pattern, words, opens_with_digit in (
        (DATE, _DATE_FORMS[0], None, True),
        (DATE, _DATE_FORMS[1], re.compile("月"), True),
        (DATE, _DATE_FORMS[2], _MONTH_WORDS, False),
        (DATE, _DATE_FORMS[3], _MONTH_WORDS, True),
        (
            MONEY,
            rf"(?<![\w$])(?P<cur>{_alternation(_CUR_PRE)})\s?(?P<num>{_NUM})(?P<mult>{_MULT})",
            _CURRENCY_WORDS,
            False,
        ),
        (
            MONEY,
            rf"(?<![\d.,])(?P<num>{_NUM})(?P<mult>{_MULT})\s?(?P<cur>{_alternation(_CUR_POST)})"
            r"(?![a-z洲盟美])",
            None,
            True,
        ),
        (PERCENT, rf"(?<![\d.,])(?P<num>{_NUM})\s?(?P<pct>{_PCT})(?![a-z])", None, True),
        (
            COUNT,
            rf"(?<![\d.,$€£¥])(?P<num>{_NUM})(?P<mult>万|千)?\s?(?P<unit>"
            + "|".join(f"(?P<u_{name}>{words})" for name, words in _UNITS.items())
            + r")(?![a-z])",
            None,
            True,
        ),
    )
)
_PRIORITY = {DATE: 0, MONEY: 1, PERCENT: 2, COUNT: 3}
_HAS_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
WINDOW = 48  # characters after a number a value can reach (half as many before it)
_PER_EN = re.compile(
    r"\s*(?:per|/|an?|each)\s*(?:(?:cubic (?:foot|feet))|cu\.? ?ft\.?|unit|item|order|month|year"
    r"|kg|lb|pound|shipment|asin|sku|listing)s?\b",
    re.IGNORECASE,
)
_PER_ZH = re.compile(r"每(?:件|个|单|立方英尺|立方米|月|年|千克|公斤|磅|票|箱|笔)(?:商品)?$")


@dataclass(frozen=True, slots=True)
class Value:
    """One value found in a line."""

    kind: str
    amount: float  # a date: yyyymmdd (year 0 when the text gives none)
    text: str  # display form
    start: int
    end: int  # past the value and its "per …" unit
    unit: str = ""
    currency: str = ""

    @property
    def key(self) -> str:
        """What two values must share to be compared: kind and currency or unit."""
        return f"{self.kind}:{self.currency or self.unit}"


def values(line: str) -> list[Value]:
    """The values of one line, in order; overlapping matches keep the earliest, then the surest."""
    if not _HAS_DIGIT.search(line):
        return []
    found: list[Value] = []
    for lo, hi in _windows(line):
        digits = [m.start() for m in _DIGIT.finditer(line, lo, hi)]
        folded = line[lo:hi].casefold()
        for kind, pattern, words, opens_with_digit in _PATTERNS:
            if words is not None and not words.search(folded):
                continue
            if opens_with_digit:  # tried only where the stretch has a digit
                matches = finditer_at(pattern, line, digits, hi)
            else:
                matches = pattern.finditer(line, lo, hi)
            for m in matches:
                value = _value(kind, m, line)
                if value is not None:
                    found.append(value)
    found.sort(key=lambda v: (v.start, _PRIORITY[v.kind], -v.end))
    kept: list[Value] = []
    for v in found:
        if not kept or v.start >= kept[-1].end:
            kept.append(v)
        elif _PRIORITY[v.kind] < _PRIORITY[kept[-1].kind] and v.start == kept[-1].start:
            kept[-1] = v
    return kept


def _windows(line: str) -> list[tuple[int, int]]:
    """The stretches of ``line`` around its numbers (merged): the only places a value can be.
    A long line with few numbers is then searched in a few short stretches.
    """
    if len(line) <= 4 * WINDOW:
        return [(0, len(line))]
    spans: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(line):
        lo, hi = max(0, m.start() - WINDOW // 2), min(len(line), m.end() + WINDOW)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _value(kind: str, m: re.Match[str], line: str) -> Value | None:
    groups = m.groupdict()
    if kind == DATE:
        month = _MONTHS.index(groups["mon"][:3].lower()) + 1 if groups.get("mon") else int(m["m"])
        day, year = int(m["d"]), int(m["y"]) if groups.get("y") else 0
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        text = f"{year:04d}-{month:02d}-{day:02d}" if year else " ".join(m[0].split())
        return Value(DATE, year * 10000 + month * 100 + day, text, m.start(), m.end())
    number = float(m["num"].replace(",", ""))
    mult = (groups.get("mult") or "").strip().lower()
    amount = number * _MULTIPLIER.get(mult, 1)
    if kind == MONEY:
        cur = m["cur"].lower()
        currency = _CUR_PRE.get(cur) or _CUR_POST.get(cur, "")
        if not currency:
            return None
        end, unit = m.end(), ""
        per = _PER_EN.match(line, end)
        if per:
            end, unit = per.end(), " ".join(per[0].split())
        elif zh := _PER_ZH.search(line, 0, m.start()):
            unit = zh[0]
        text = _money_text(m["num"], currency, m[0]) if not mult else " ".join(m[0].split())
        return Value(MONEY, amount, text, m.start(), end, unit, currency)
    if kind == PERCENT:
        points = m["pct"].lower() not in ("%", "％", "percent")
        suffix = (" pp" if m["pct"].isascii() else "个百分点") if points else "%"
        return Value(PERCENT, amount, f"{m['num']}{suffix}", m.start(), m.end(), "pp" * points)
    unit = next(name[2:] for name, hit in groups.items() if name.startswith("u_") and hit)
    return Value(COUNT, amount, " ".join(m[0].split()), m.start(), m.end(), unit)


def _money_text(number: str, currency: str, written: str) -> str:
    if currency in _SYMBOL:
        return f"{_SYMBOL[currency]}{number}"
    if currency == "CNY":
        return f"{number}元"
    return " ".join(written.split())


# -- labels ---------------------------------------------------------------------------------------

_CLAUSE = re.compile(r"[。；;！!？?：:，,\n【】\[\]]|\.(?:\s|$)|\s-\s|\s–\s")
_PAREN = re.compile(r"[（(][^（）()]*[）)]")
_TRAIL_EN = re.compile(
    r"(?:\s+|^)(?:will|would|shall|can|may|be|been|being|is|are|was|were|to|by|from|of|at|for|in"
    r"|on|average|an|a|the|increase[sd]?|decrease[sd]?|rises?|drops?|fall|falls|reduced|lowered"
    r"|raised|cut|changes?|changed|set|remains?|stays?|up|down|about|approximately|around|only"
    r"|just|now|currently|with|than|under|over|below|above|less|more|least|most|between"
    r"|go|goes|going|moves?|extended|shortened|it|they|which|that|and|or|but|also|still|within"
    r"|after|before|up to|no later than|not later than|until|till)\s*$",
    re.IGNORECASE,
)
_TRAIL_ZH = re.compile(
    r"(?:由|从|自|为|至|到|是|达|约|调整|上调|下调|提高|降低|增加|减少|上涨|下降|延长|缩短|维持|保持"
    r"|变更|改|收取|平均|每件|每个|每单|共|合计|超过|超|不超过|低于|高于|以下|以上|仅|将|会|则|均"
    r"|的|了|在|于|已|再|统一|最高|最低|最多|最少|不低于|不少于|不足|少于|多于|涨|降|增|减|按)$"
)
_LEAD = re.compile(
    r"^(?:(?:and|or|but|while|whereas|the|a|an|its|our|your)\s+|(?:所有|其中|以及|及|和|与|并|且|而))",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    r"\b(?:said|says|announced|noted|stated|added|explained)\b(?:\s+that)?", re.IGNORECASE
)
_SUBJECT = re.compile(
    r"\b(?:fees?|rates?|surcharges?|charges?|prices?|commissions?|thresholds?|limits?|windows?"
    r"|periods?|minimum|maximum|costs?|credits?|claims?|deadlines?)\b"
    r"|费用?|佣金|费率|比例|价格|门槛|期限|期|时限|限制|上限|下限|额度|库容|时间|窗口",
    re.IGNORECASE,
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_LEAD_ZH = re.compile(r"^(?:将被收取|将收取|将被|将会|将|被|需要|需|须|会|收取|对)")
_HARD_STOP = frozenset(
    (
        *("that", "this", "these", "those", "is", "are", "was", "were", "will", "would", "be"),
        *("been", "being", "we", "you", "it", "they", "which", "news", "change", "changes"),
        *("said", "says"),
    )
)
_SOFT_STOP = frozenset(("the", "a", "an", "of", "for", "with", "in", "on", "to", "by", "and", "or"))
_ZH_VERB = re.compile(r"将被收取|收取|缴纳|支付|将被|需要|将|须|需")
_PREPOSITION = re.compile(r"\s(?:in|for|of|on|at|with|under|between|across|per)\s", re.I)
_CONJUNCTION = re.compile(r"\b(?:and|while|but|whereas)\b|以及|同时|而", re.IGNORECASE)


_CLAUSE_CHARS = 240  # of a clause read for a label, at most


def label_at(line: str, start: int, floor: int = 0) -> str:
    """What the value at ``start`` of ``line`` is: the words before it in its clause (the
    subject, without verbs such as "will increase by" or 调整为, nor an aside in brackets); the
    clause before it when this one has no words of its own.
    """
    left = line[max(floor, start - 4 * _CLAUSE_CHARS) : start]
    clauses = _CLAUSE.split(_PAREN.sub("", left))
    for back, clause in enumerate(reversed(clauses[-3:])):
        name = _trimmed(clause)
        if name and (back == 0 or _SUBJECT.search(name)):
            return name
    return ""


def _trimmed(clause: str) -> str:
    text = clause[-_CLAUSE_CHARS:]
    reported = list(_REPORTED.finditer(text))  # "the company said referral fees…" → "referral…"
    text = text[reported[-1].end() if reported else 0 :].strip(" \t-–—·|\"'“”‘’")
    for _ in range(8):  # the trailing verbs and particles, one at a time (searched near the end)
        end = len(text)
        m = (
            _TRAIL_EN.search(text, max(0, end - 40))
            or _TRAIL_ZH.search(text, max(0, end - 8))
            or _PER_ZH.search(text, max(0, end - 10))
        )
        if m is None:
            break
        text = text[: m.start()].strip()
    text = _LEAD_ZH.sub("", _LEAD.sub("", text)).strip()
    if not _HAN.search(text):
        found = list(_SUBJECT.finditer(text))
        if found and found[-1].end() == len(text):  # "a total sales price (of) €20": that price
            found = found[-1:]
        else:
            for subject in found:
                tail = _PREPOSITION.search(text, subject.end())
                if tail and not _HAS_DIGIT.search(text, tail.start()):  # "fees in this range"
                    text = text[: tail.start()]
                    break
            found = list(_SUBJECT.finditer(text))
        if found:  # the subject's noun phrase
            words = text[: found[-1].start()].split(" ")
            while words and words[-1].lower() not in _HARD_STOP:
                words.pop()
            phrase = text[len(" ".join(words)) :].split()[: LABEL_WORDS + 1]
            while phrase and phrase[0].lower() in _SOFT_STOP:
                phrase.pop(0)
            phrase = phrase[:LABEL_WORDS]
            while phrase and phrase[-1].lower() in _SOFT_STOP:
                phrase.pop()
            text = " ".join(phrase)
        text = " ".join(text.split()[-LABEL_WORDS:])
    else:
        parts = [p for p in _ZH_VERB.split(text) if p]
        with_subject = [p for p in parts if _SUBJECT.search(p)]
        text = with_subject[-1] if with_subject else text
    if len(text) > LABEL_CHARS and _HAN.search(text):
        text = text[-LABEL_CHARS:]
    return text if any(ch.isalpha() for ch in text) else ""


# -- pairing --------------------------------------------------------------------------------------

_CELL = re.compile(r"\s*\|\s*")
_TOKEN = re.compile(r"[A-Za-z]+|\d+|\S")


def cells(line: str) -> list[str]:
    """A table row's cells (one line, cells joined by " | "); [] for a line that is no row."""
    if " | " not in line:
        return []
    return [p.strip() for p in _CELL.split(line.removeprefix("- "))]


def line_facts(old: str, new: str, header: Sequence[str] = ()) -> list[Fact]:
    """The values that differ between an old and a new version of one paragraph or table row."""
    old_cells, new_cells = cells(old), cells(new)
    if old_cells and new_cells and len(old_cells) == len(new_cells):
        found = []
        row = new_cells[0]
        for i, (a, b) in enumerate(zip(old_cells, new_cells, strict=True)):
            if a == b or i == 0:
                continue
            column = header[i] if i < len(header) and header[i] != b else ""
            name = f"{row} · {column}" if column and len(new_cells) > 2 else (row or column)
            found += _paired(a, b, lambda *_, name=name: name)
        return found
    return _paired(old, new, _label)


def _label(line: str, start: int, found: Sequence[Value]) -> str:
    """The label of the value at ``start``; the second value of "from X to Y" takes X's."""
    before = [v for v in found if v.end <= start]
    if before and (first := before[-1]) and _transition(line, first, start):
        start = first.start
        before.pop()
    floor = 0
    if (  # "… per unit and Large … fees will …": the second subject starts past the first value
        before
        and _CONJUNCTION.search(line, before[-1].end, start)
        and _SUBJECT.search(line, before[-1].end, start)
    ):
        floor = before[-1].end
    return label_at(line, start, floor)


def _paired(old: str, new: str, name: Any) -> list[Fact]:
    """Values of ``old`` and ``new`` lined up by the words around them; those that differ."""
    ov, nv = values(old), values(new)
    if not ov or not nv:
        return []
    okeys, opos = _keys(old, ov)
    nkeys, npos = _keys(new, nv)
    found: list[Fact] = []
    matcher = SequenceMatcher(None, okeys, nkeys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("equal", "replace"):
            continue
        olds = [opos[i] for i in range(i1, i2) if i in opos]
        news = [npos[j] for j in range(j1, j2) if j in npos]
        for a, b in _zip_by_key(olds, news):
            if a.amount != b.amount or a.text != b.text:
                found.append(_fact(name(new, b.start, nv) or name(old, a.start, ov), a, b))
    return found


def _keys(line: str, found: list[Value]) -> tuple[list[str], dict[int, Value]]:
    keys: list[str] = []
    where: dict[int, Value] = {}
    pos = 0
    for v in found:
        keys += [t.lower() for t in _TOKEN.findall(line[pos : v.start])]
        where[len(keys)] = v
        keys.append("\0" + v.key)
        pos = v.end
    keys += [t.lower() for t in _TOKEN.findall(line[pos:])]
    return keys, where


def _zip_by_key(olds: list[Value], news: list[Value]) -> list[tuple[Value, Value]]:
    pairs = []
    for key in dict.fromkeys(v.key for v in news):
        a = [v for v in olds if v.key == key]
        b = [v for v in news if v.key == key]
        pairs += list(zip(a, b, strict=False))
    return pairs


def _fact(label: str, old: Value | None, new: Value) -> Fact:
    change = None
    if old is not None and new.kind in (MONEY, PERCENT) and old.amount:
        change = round((new.amount - old.amount) / old.amount, 4)
    unit = new.unit if new.kind == MONEY else ""
    return Fact(
        label=label,
        kind=new.kind,
        old=old.text if old is not None else None,
        new=new.text,
        unit=unit,
        currency=new.currency,
        change=change,
    )


def statements(line: str, header: Sequence[str] = ()) -> list[Fact]:
    """The key facts one line states: "from X to Y" (由X调整为Y) as old → new, then the fees,
    rates, days and counts it gives ("increase by $0.25" as +$0.25). Asides in brackets and the
    bounds of what a rule applies to ("priced under $15", 售价在15美元至20美元之间) are left out.
    """
    row = cells(line)
    if row:
        found = []
        for i, cell in enumerate(row[1:], 1):
            column = header[i] if i < len(header) and header[i] != cell else ""
            name = f"{row[0]} · {column}" if column and len(row) > 2 else (row[0] or column)
            found += [_fact(name, None, v) for v in values(cell) if _key_value(v)]
        return found
    found_values = values(line)
    facts: list[Fact] = []
    used: set[int] = set()
    for a, b in itertools.pairwise(found_values):
        if a.kind == DATE:  # "from October 16 to April 14" is a period, not a move
            continue
        if _INSTEAD.search(line, a.end, b.start) and (a.key == b.key or a.kind == b.kind == COUNT):
            facts.append(_fact(_label(line, a.start, found_values), b, a))
            used.update((a.start, b.start))
        elif _transition(line, a, b.start) and (a.key == b.key or a.kind == b.kind == COUNT):
            facts.append(_fact(_label(line, a.start, found_values), a, b))
            used.update((a.start, b.start))
        elif _RANGE.match(line, a.end, b.start) and a.kind == b.kind:
            used.update((a.start, b.start))
    for v in found_values:
        if v.start in used or _in_brackets(line, v.start) or not _key_value(v):
            continue
        if _QUALIFIER.search(line, max(0, v.start - 16), v.start) or _BOUND.match(line, v.end):
            continue
        name = _label(line, v.start, found_values)
        if name:
            facts.append(_fact(name, None, _signed(line, v)))
    return facts


_FILLER = r"(?:\s*(?:just|only|about|approximately|around|约|仅|仅为))?"
_TRANSITION_ZH = re.compile(
    r"\s*(?:(?:调整|上调|下调|提高|提升|降低|下降|增加|减少|上涨|延长|缩短|变更|更改|改|降|涨|升)"
    rf"(?:为|至|到)|为|至|到){_FILLER}\s*$"
)
_TRANSITION_EN = re.compile(rf"\s*to{_FILLER}\s*$", re.IGNORECASE)
_ARROW = re.compile(r"\s*(?:→|->|=>|➝|⇒)\s*$")
_FROM_ZH = re.compile(r"(?:由|从)\s*$")
_FROM_EN = re.compile(r"(?<![a-z])from\s*$", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|–|~|～|至|到|和|或|与|and|or|to)\s*$", re.IGNORECASE)
_BOUND = re.compile(
    r"\s*(?:or (?:less|more|fewer|lower|higher|above|below|under|over)\b"
    r"|and (?:above|below|under|over)\b|及以下|及以上|以下|以上|以内)",
    re.IGNORECASE,
)
_INSTEAD = re.compile(r"(?:instead of|rather than|而非|而不是|取代)\s*$", re.IGNORECASE)
_QUALIFIER = re.compile(
    r"(?:\b(?:under|below|over|above|between|priced(?: at)?|less than|more than|up to|at least"
    r"|at most|exceeding|beyond|within|first|fewer than|last|past)"
    r"|低于|高于|超过|不超过|不足|少于|多于|不满|未满|过去|最近|近|在|售价|≤|≥|<|>|前)\s*$",
    re.IGNORECASE,
)
_UP = re.compile(
    r"(?:\b(?:increase[sd]?|rise[sd]?|raise[sd]?|go(?:es)? up|up)\s+by(?:\s+an?\s+average\s+of)?"
    r"|上涨|上调了?|提高了?|增加了?|涨了?)\s*$",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"(?:\b(?:decrease[sd]?|reduced|lowered|cut|drops?|dropped|fall|falls|go(?:es)? down|down)"
    r"\s+by(?:\s+an?\s+average\s+of)?|下降|下调了?|降低了?|减少了?|降了?)\s*$",
    re.IGNORECASE,
)


def _transition(line: str, first: Value, second_start: int) -> bool:
    """Whether ``first`` and the value at ``second_start`` say "from X to Y" (由X调整为Y)."""
    between = line[first.end : second_start]
    if _ARROW.fullmatch(between):
        return True
    before = line[max(0, first.start - 12) : first.start]
    if _FROM_ZH.search(before) and _TRANSITION_ZH.fullmatch(between):
        return True
    return bool(_FROM_EN.search(before) and _TRANSITION_EN.fullmatch(between))


def _signed(line: str, v: Value) -> Value:
    """``v`` with a sign when the words before it say it is a rise or a cut ("increase by")."""
    if v.kind not in (MONEY, PERCENT):
        return v
    before = line[max(0, v.start - 40) : v.start]
    sign = "+" if _UP.search(before) else "-" if _DOWN.search(before) else ""
    return replace(v, text=sign + v.text) if sign else v


def _key_value(v: Value) -> bool:
    return v.kind in (MONEY, PERCENT) or (v.kind == COUNT and v.unit in _TIME_AND_COUNT)


def _in_brackets(line: str, at: int) -> bool:
    """Whether ``line[at]`` is inside brackets (an aside)."""
    opened = line.count("（", 0, at) + line.count("(", 0, at)
    return opened > line.count("）", 0, at) + line.count(")", 0, at)


def _header_of(lines: Sequence[str], row: str) -> list[str]:
    """The header cells of the table ``row`` sits in: the first line of its block of rows."""
    width = len(cells(row))
    try:
        at = lines.index(row)
    except ValueError:
        return []
    while at > 0 and len(cells(lines[at - 1])) == width:
        at -= 1
    top = cells(lines[at])
    return top if lines[at] != row else []


def _pairs(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, str]]:
    """Old and new paragraphs of one replace op, paired: one to one, else each new one with the
    most similar old one.
    """
    if len(old) == len(new):
        return list(zip(old, new, strict=True))
    pairs = []
    for line in new:
        if not _HAS_DIGIT.search(line):
            continue
        best, score = "", 0.5
        for candidate in old:
            ratio = SequenceMatcher(None, candidate, line, autojunk=False).quick_ratio()
            if ratio > score:
                best, score = candidate, ratio
        if best:
            pairs.append((best, line))
    return pairs


def change_facts(diff: Diff, new_text: str = "") -> list[Fact]:
    """The facts of a changed document: the values its edited paragraphs changed, then the key
    facts of paragraphs it added. ``new_text`` (the whole new version) gives tables' headers.
    """
    lines = new_text.split("\n") if new_text else []
    facts: list[Fact] = []
    for op in diff.ops:
        if op.op == "replace":
            for old, new in _pairs(op.old, op.new):
                facts += line_facts(old, new, _header_of(lines, new) if cells(new) else ())
        elif op.op == "insert":
            for line in op.new:
                facts += statements(line, _header_of(lines, line) if cells(line) else ())
        if len(facts) >= MAX_FACTS:
            break
    return _distinct(facts)


def document_facts(text: str) -> list[Fact]:
    """The key facts of a new document (fees, rates, thresholds, "from X to Y")."""
    lines = text[:SCAN_CHARS].split("\n")
    facts: list[Fact] = []
    for line in lines:
        if _HAS_DIGIT.search(line):
            facts += statements(line, _header_of(lines, line) if cells(line) else ())
            if len(facts) >= 2 * MAX_FACTS:
                break
    # what moves ("from X to Y") first, then money and rates, then the rest, each in text order
    rank = {id(f): (f.old is None, f.kind not in (MONEY, PERCENT)) for f in facts}
    return _distinct(sorted(facts, key=lambda f: rank[id(f)]))


def facts_for(kind: str, diff: Diff | None, added: str, new_text: str = "") -> list[Fact]:
    """A change's facts by its kind: a new document's key facts, a changed one's edits (a
    removed document has none).
    """
    if kind == "new":
        return document_facts(added)
    if kind == "changed" and diff is not None:
        return change_facts(diff, new_text)
    return []


def _distinct(facts: list[Fact]) -> list[Fact]:
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for fact in facts:
        key = (fact.label, fact.old, fact.new)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out[:MAX_FACTS]
