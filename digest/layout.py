"""What every renderer shares: the facts of an item as plain text, and splitting at item bounds."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from policyradar.i18n import reason, word
from policyradar.tagging.summary import SUBJECT_CHARS
from policyradar.tagging.text import fold
from policyradar.urls import safe_url

if TYPE_CHECKING:
    from policyradar.digest.build import Digest, DigestItem, HealthItem
    from policyradar.digest.deadlines import Deadline

ELLIPSIS = "…"
FACTS_SHOWN = 3  # facts of an item shown in a message; the web page has them all
FACT_CHARS = 120  # characters of one fact's line
MARKETS_SHOWN = 4  # marketplaces named in an item's source line; the rest are counted
DEADLINE_CHARS = 90  # characters of a coming date's line
_PLACEHOLDER_PARTS = 999  # header space is reserved for "(999/999)"
_HAN = re.compile(r"[\u3400-\u9fff]")  # Chinese characters


@dataclass(frozen=True, slots=True)
class Part:
    """One message: its text and the changes it carries."""

    text: str
    change_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One unsplittable block: an item or a health line, under a group heading."""

    group: str  # "urgent" | "deadlines" | a category id | "reminder" | "health"
    item: DigestItem | None = None
    health: HealthItem | None = None
    number: int = 0
    deadline: Deadline | None = None  # a line of the "coming into force" section
    note: str = ""  # a closing line of a section ("另有 3 个生效日期")


@dataclass(frozen=True, slots=True)
class Trim:
    """How much of an item to show when it must shrink to fit one message."""

    excerpt: int | None = None  # characters of the excerpt (None: all)
    title: int | None = None  # characters of the title (None: all)
    compact: bool = False  # number and title only


def shorten(text: str, limit: int | None) -> str:
    """Return ``text`` cut to ``limit`` characters with a trailing ``…`` (never mid-character)."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS if limit > 0 else ""


def html_escape(text: str) -> str:
    """Return ``text`` escaped for HTML text and attribute values."""
    return html.escape(text, quote=True)


def highlight_terms(item: DigestItem) -> tuple[str, ...]:
    """What an item's excerpt marks: its watch words and their glossary names, never the
    keywords found automatically (平均, 重量 are no reason to look twice).
    """
    from policyradar.tagging.glossary import Glossary

    glossary = Glossary.load()
    words = [h.keyword for h in item.watch_hits if h.keyword.strip()]
    names = [n for w in words for n in glossary.equivalents(w)]
    return tuple(dict.fromkeys(words + names))


def spans(text: str, terms: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Split ``text`` into (piece, is_hit) runs matching ``terms``: case-insensitively,
    Traditional and Simplified alike, English words whole ("claim" marks "Claims" whole and
    never "reclaim"; "return" marks "returns", not the "return" in "returnable…" halfway).
    """
    terms = tuple(dict.fromkeys(fold(t.strip()) for t in terms if t.strip()))
    if not terms or not text:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(_term_pattern(t) for t in sorted(terms, key=len, reverse=True)))
    folded = fold(text)  # same length as the text: a match's positions are the text's
    result: list[tuple[str, bool]] = []
    pos = 0
    for match in pattern.finditer(folded):
        start, end = match.span()
        if start > pos:
            result.append((text[pos:start], False))
        result.append((text[start:end], True))
        pos = end
    if pos < len(text):
        result.append((text[pos:], False))
    return result


_WORD = "0-9a-z\u00c0-\u024f"  # letters and digits of a Latin word (folded: lower case)


def _term_pattern(term: str) -> str:
    """A folded term as a pattern: Latin ends at word boundaries, with its plural or -ed/-ing
    form taken whole; CJK anywhere (Chinese has no spaces between words).
    """
    body = re.escape(term)
    if re.match(f"[{_WORD}]", term):
        body = f"(?<![{_WORD}]){body}"
    if re.search(f"[{_WORD}]$", term):
        body += f"(?:s|es|ed|d|ing)?(?![{_WORD}])"
    return body


def local_date(when: datetime | None, tz: str) -> str:
    return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d") if when else ""


def local_time(when: datetime, tz: str) -> str:
    return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def effective_text(d: Digest, item: DigestItem) -> str:
    """Return the effective dates, the nearest upcoming one with "in N days"."""
    today = d.generated_at.astimezone(ZoneInfo(d.timezone)).date()
    shown = []
    for value in item.effective_dates[:3]:
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            continue
        delta = (day - today).days
        note = (
            word("today", d.language)
            if delta == 0
            else word("in_days", d.language, n=delta)
            if delta > 0
            else word("past", d.language)
        )
        shown.append(word("aside", d.language, text=day.isoformat(), note=note))
    return word("list_sep", d.language).join(shown)


def markets_text(item: DigestItem, lang: str) -> str:
    """The marketplaces a story is about by name (欧洲站、美国站), "" for a global one."""
    from policyradar.tagging.marketplaces import GLOBAL, load_table

    table = load_table()
    codes = [c for c in table.shown(item.marketplaces) if c != GLOBAL]
    names = [table.name(c, lang) for c in codes[:MARKETS_SHOWN]]
    more = word("summary_more", lang, n=len(codes)) if len(codes) > MARKETS_SHOWN else ""
    return word("list_sep", lang).join(names) + more


def source_text(d: Digest, item: DigestItem) -> str:
    """Return "source · marketplaces · published date" in plain text (the source's own
    marketplace when the story is global).
    """
    pieces = [item.source_name, markets_text(item, d.language) or item.marketplace]
    when = local_date(item.published_at or item.detected_at, d.timezone)
    label = "published" if item.published_at else "detected"
    pieces.append(f"{word(label, d.language)} {when}")
    if item.kind in ("changed", "removed"):
        pieces.append(word(item.kind, d.language))
    return " · ".join(p for p in pieces if p)


def hits_text(d: Digest, item: DigestItem) -> list[tuple[str, str]]:
    """Return (keyword, "watchlist / category") pairs of the watch hits, once each."""
    seen: dict[str, str] = {}
    for hit in item.watch_hits:
        where = " / ".join(
            p
            for p in (
                hit.watchlist,
                d.names.name(hit.category, d.language) if hit.category else "",
            )
            if p
        )
        seen.setdefault(hit.keyword, where)
    return list(seen.items())


def also_text(d: Digest, item: DigestItem) -> str:
    return word("list_sep", d.language).join(item.also_reported_by)


def group_title(d: Digest, group: str) -> str:
    if group in ("urgent", "health", "deadlines", "reminder"):
        return word(f"{group}_section", d.language)
    return d.names.name(group, d.language)


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """One line of the "coming into force" section, as plain (unescaped) text."""

    day: str  # 2026-03-31
    countdown: str  # 3 天后
    line: str  # the change's one-line summary
    url: str | None  # its source, http(s) only


def deadline_view(d: Digest, dl: Deadline) -> DeadlineView:
    from policyradar.digest.deadlines import countdown

    today = d.generated_at.astimezone(ZoneInfo(d.timezone)).date()
    return DeadlineView(
        day=dl.day.isoformat(),
        countdown=countdown(dl.day, today, d.language),
        line=shorten(dl.line(d.language), DEADLINE_CHARS),
        url=safe_url(dl.url),
    )


def deadline_text(d: Digest, dl: Deadline) -> str:
    """The line in plain text, e.g. 2026-03-31（3 天后）【费用·美国站】(its summary)."""
    v = deadline_view(d, dl)
    return word("aside", d.language, text=v.day, note=v.countdown) + " " + v.line


def title_text(d: Digest) -> str:
    """Return the digest's name: "政策雷达 · 每日摘要" (or alert / quiet / test / reminder)."""
    mode = {"alert": "alert", "test": "test", "reminder": "reminder"}.get(d.mode, "digest")
    return f"{word('brand', d.language)} · {word(mode, d.language)}"


def counts_text(d: Digest) -> str:
    lang, counts = d.language, d.counts
    pieces = []
    if counts.get("urgent"):
        pieces.append(word("urgent_n", lang, n=counts["urgent"]))
    if counts.get("reminders"):
        pieces.append(word("reminders_n", lang, n=counts["reminders"]))
    elif counts.get("changes"):
        pieces.append(word("changes_n", lang, n=counts["changes"]))
    if counts.get("failing"):
        pieces.append(word("failing_n", lang, n=counts["failing"]))
    return " · ".join(pieces)


def health_text(d: Digest, h: HealthItem) -> str:
    line = word("health_line", d.language, runs=h.runs, errors=h.errors, anomalous=h.anomalous)
    why = reason(h.last_error, d.language) if h.last_error else ""  # stored in English
    reason_text = f" — {shorten(why, 120)}" if why else ""
    return f"{h.name or h.source_id}: {line}{reason_text}"


@dataclass(frozen=True, slots=True)
class ItemView:
    """An item's facts as plain (unescaped) text, trimmed to fit."""

    number: int
    title: str
    url: str | None
    source: str
    effective: str
    hits: list[tuple[str, str]]
    also: str
    excerpt: str
    terms: tuple[str, ...]
    diff_url: str | None
    compact: bool
    summary: str = ""
    facts: tuple[str, ...] = ()  # "label: old → new (+12%)", old value first


def _says_more(item: DigestItem) -> bool:
    """Whether the summary says more than the title beside it: its facts, or its own words."""
    opening = item.title[: SUBJECT_CHARS - 1]  # a long title stands shortened in the summary
    if item.summary and not _HAN.search(item.title) and _HAN.search(item.summary):
        return True  # an English notice: the line says it in Chinese
    return bool(item.facts) or (bool(item.summary) and opening not in item.summary)


def facts_text(d: Digest, item: DigestItem) -> tuple[str, ...]:
    """The item's first facts as lines in the digest's language ("配送费：$3.02 → $3.15")."""
    return tuple(shorten(f.line(d.language), FACT_CHARS) for f in item.facts[:FACTS_SHOWN])


def view(d: Digest, e: Entry, trim: Trim) -> ItemView:
    """Return the facts of an entry's item, shortened as ``trim`` says."""
    item = e.item
    assert item is not None
    full = not trim.compact
    return ItemView(
        number=e.number,
        title=shorten(item.title, trim.title),
        url=safe_url(item.url) if full else None,
        source=source_text(d, item) if full else "",
        effective=effective_text(d, item) if full else "",
        hits=hits_text(d, item) if full else [],
        also=also_text(d, item) if full else "",
        excerpt=shorten(item.excerpt, trim.excerpt) if full else "",
        terms=highlight_terms(item),
        diff_url=safe_url(item.diff_url) if full else None,
        compact=trim.compact,
        summary=item.summary if full and _says_more(item) else "",
        facts=facts_text(d, item) if full else (),
    )


def entries(d: Digest) -> list[Entry]:
    """Return the digest's blocks in order, items numbered from 1: urgent items, the coming
    dates, then the sections and the sources' health.
    """
    result: list[Entry] = []
    number = 0
    for item in d.urgent:
        number += 1
        result.append(Entry("urgent", item=item, number=number))
    result.extend(Entry("deadlines", deadline=dl) for dl in d.deadlines)
    if d.deadlines and d.deadlines_more:
        result.append(
            Entry("deadlines", note=word("deadlines_more", d.language, n=d.deadlines_more))
        )
    for section in d.sections:
        for item in section.items:
            number += 1
            result.append(Entry(section.category, item=item, number=number))
    result.extend(Entry("health", health=h) for h in d.health)
    return result


class Renderer:
    """A channel's renderer: ``render(digest)`` returns its messages, each within the limit.

    Entries are packed into parts within ``max_length`` (in ``unit``), split only between
    entries; an entry too long for any part is shortened (excerpt, then title) to fit.
    """

    channel: ClassVar[str]
    max_length: ClassVar[int] = 0  # 0: no limit
    unit: ClassVar[str] = "chars"  # "bytes" (UTF-8) or "chars"
    body_format: ClassVar[str] = "text"  # apprise's body_format for these messages
    suffix: ClassVar[str] = ".txt"
    excerpt_chars: ClassVar[int | None] = None  # a shorter excerpt for this channel

    def size(self, text: str) -> int:
        return len(text.encode("utf-8")) if self.unit == "bytes" else len(text)

    def render(self, digest: Digest) -> list[str]:
        return [part.text for part in self.paginate(digest)]

    def subject(self, d: Digest) -> str:
        """Return a one-line title with the counts: "政策雷达 · 3 条紧急 · 12 条变更"."""
        counts = counts_text(d) if d.mode in ("digest", "alert", "reminder") else ""
        name = word("brand", d.language) if d.mode == "digest" and counts else title_text(d)
        return " · ".join(p for p in (name, counts) if p)

    def notice(self, d: Digest) -> str:
        """Return the header's second line: the counts, or the quiet/test note."""
        note = {"quiet": word("quiet", d.language), "test": word("test_body", d.language)}
        return note.get(d.mode) or counts_text(d)

    @staticmethod
    def numbered(part: int, total: int) -> str:
        return f" ({part}/{total})" if total > 1 else ""

    # hooks, defined by each renderer
    def header(self, d: Digest, part: int, total: int) -> str:
        raise NotImplementedError

    def heading(self, d: Digest, group: str, *, continued: bool) -> str:
        raise NotImplementedError

    def entry(self, d: Digest, e: Entry, trim: Trim) -> str:
        raise NotImplementedError

    def assemble(self, d: Digest, header: str, blocks: list[str], last: bool) -> str:
        raise NotImplementedError

    def paginate(self, d: Digest) -> list[Part]:
        """Split the digest into parts; each fits, none repeats or loses an entry."""
        pages: list[tuple[list[str], list[int]]] = []
        blocks: list[str] = []
        ids: list[int] = []
        group = None
        spare = self.header(d, _PLACEHOLDER_PARTS, _PLACEHOLDER_PARTS)
        for e in entries(d):
            heading = self.heading(d, e.group, continued=False) if e.group != group else ""
            full = Trim(excerpt=self.excerpt_chars)
            text = heading + self.entry(d, e, full)
            if blocks and not self._fits(d, spare, [*blocks, text]):
                pages.append((blocks, ids))
                blocks, ids = [], []
                heading = self.heading(d, e.group, continued=e.group == group)
                text = heading + self.entry(d, e, full)
            if not self._fits(d, spare, [*blocks, text]):
                text = heading + self.entry(d, e, self._trim(d, spare, heading, e))
            blocks.append(text)
            ids.extend(e.item.change_ids if e.item else ())
            group = e.group
        pages.append((blocks, ids))
        total = len(pages)
        return [
            Part(self.assemble(d, self.header(d, n, total), page, n == total), tuple(page_ids))
            for n, (page, page_ids) in enumerate(pages, 1)
        ]

    def _fits(self, d: Digest, header: str, blocks: list[str]) -> bool:
        if not self.max_length:
            return True
        return self.size(self.assemble(d, header, blocks, True)) <= self.max_length

    def _trim(self, d: Digest, header: str, heading: str, e: Entry) -> Trim:
        """Return the largest trim of one entry that fits a message on its own."""
        if e.item is None:
            return Trim(compact=True)  # a health, date or note line: never too long

        def fits(trim: Trim) -> bool:
            return self._fits(d, header, [heading + self.entry(d, e, trim)])

        longest = min(len(e.item.excerpt), self.excerpt_chars or len(e.item.excerpt))
        for make, length in (
            (lambda n: Trim(excerpt=n), longest),
            (lambda n: Trim(excerpt=0, title=n), len(e.item.title)),
            (lambda n: Trim(compact=True, title=n), len(e.item.title)),
        ):
            if fits(make(0)):
                low, high = 0, length  # the largest n that fits, by bisection
                while low < high:
                    mid = (low + high + 1) // 2
                    low, high = (mid, high) if fits(make(mid)) else (low, mid - 1)
                return make(low)
        return Trim(compact=True, title=0)
