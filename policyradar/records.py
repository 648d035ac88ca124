"""Typed records: what spiders yield, what the pipelines decide, and what storage reads back."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from policyradar.i18n import word

if TYPE_CHECKING:
    from collections.abc import Mapping

    from policyradar.text.diffing import Diff


class ChangeKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    REMOVED = "removed"


class Outcome(StrEnum):
    """How one source ended one run."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


class Urgency(StrEnum):
    """How soon a change needs a seller's attention; stored and shown as the plain value."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for low, 1 for medium, 2 for high: what "at least this urgent" compares."""
        return _URGENCY_RANK[self]

    @classmethod
    def parse(cls, value: object) -> Urgency | None:
        """The urgency ``value`` names (a stored string), or None for a missing or unknown one."""
        try:
            return cls(value)
        except ValueError:
            return None


_URGENCY_RANK = {Urgency.LOW: 0, Urgency.MEDIUM: 1, Urgency.HIGH: 2}


class Disposition(StrEnum):
    """What the pipelines decided about one fetched document."""

    NEW = "new"
    CHANGED = "changed"
    REMOVED = "removed"
    UNCHANGED = "unchanged"
    GONE_ONCE = "gone_once"  # first 404/410: remembered, not yet removed
    ANOMALY = "anomaly"


@dataclass(slots=True, kw_only=True)
class Snapshot:
    """One fetch of one document, as the spider saw it.

    ``html`` is the decoded page for extraction; spiders that already have plain text (feeds, APIs)
    fill ``text`` instead. The pipelines fill the fields below the line, each read by later ones.
    """

    source_id: str
    url: str
    status: int = 200
    final_url: str = ""
    title: str = ""
    html: str = ""
    text: str = ""
    published_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    entry_page: bool = False  # spider: the source's entry page (its list, feed, API, watched page)
    canonical: bool = False  # spider: ``url`` is canonical already (a document request's key)
    # -- filled by the pipelines --
    disposition: Disposition | None = None
    anomaly: str | None = None
    fingerprint: str | None = None
    previous: DocumentState | None = None  # ShortcutPipeline: what storage holds of ``url``
    length: int = 0  # TextPipeline: characters of meaningful text (the next shrink check)
    new_page: NewPage | None = None  # TextPipeline: a page new to the store, read beside its text
    extract_seconds: dict[str, float] = field(default_factory=dict)  # TextPipeline: per step
    diff: Diff | None = None  # VersionPipeline: the text diffed against the stored version
    tags: dict[str, Any] | None = None  # TagPipeline: the classification's storage fields
    index_texts: tuple[str, str, str] | None = None  # TagPipeline: the search-index texts
    change_id: int | None = None  # StorePipeline: the change it wrote (a removal's too)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def gone(self) -> bool:
        return self.status in (404, 410)


@dataclass(slots=True, kw_only=True)
class FetchFailure:
    """A request that produced no document: a network fault, an HTTP error, a refused URL.

    ``index`` is true when the failed request was the source's entry point (list page, feed, API),
    which makes the whole source end the run as ``error``. ``anomaly`` marks failures that are
    fetch anomalies (login wall, captcha) rather than plain errors.
    """

    source_id: str
    url: str
    reason: str
    index: bool = False
    anomaly: bool = False


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def to_iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(slots=True, kw_only=True)
class DocumentState:
    """What storage remembers about one document between runs."""

    id: int
    url: str
    source_id: str
    title: str
    fingerprint: str | None
    body_hash: str | None
    etag: str | None
    last_modified: str | None
    length: int
    gone_strikes: int
    removed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchHit:
    """One watchlist keyword found in a change, with a snippet around its first occurrence.

    ``matched`` is the glossary name the keyword was found by ("returns processing fee" for the
    keyword 退货处理费); empty when the change holds the keyword itself.
    """

    watchlist: str
    category: str
    keyword: str
    snippet: str
    matched: str = ""

    def to_json(self) -> dict[str, str]:
        """The stored form (``changes.watch_hits`` holds a list of these)."""
        data = {
            "watchlist": self.watchlist,
            "category": self.category,
            "keyword": self.keyword,
            "snippet": self.snippet,
        }
        return data | ({"matched": self.matched} if self.matched else {})

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> WatchHit:
        """A hit read back from its stored form; a missing field is empty."""
        return cls(**{name: str(data.get(name) or "") for name in _WATCH_HIT_FIELDS})


_WATCH_HIT_FIELDS = ("watchlist", "category", "keyword", "snippet", "matched")


MONEY, PERCENT, COUNT, DATE = "money", "percent", "count", "date"  # a fact's kinds
FACT_KINDS = (MONEY, PERCENT, COUNT, DATE)
ARROW = "→"


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    """One value of a change: ``old`` → ``new`` (``old`` is None for a value a text states).

    ``old`` and ``new`` are display forms ("$0.78", "15%", "180天", "2026-03-15"); ``change`` is
    the relative change of money and percentages (0.115 for +11.5%).
    """

    label: str
    kind: str  # money | percent | count | date
    old: str | None
    new: str
    unit: str = ""  # what a price is per ("per cubic foot", "每件"); a count's unit ("day")
    currency: str = ""  # ISO 4217 of money: USD, EUR, GBP, JPY, CNY…
    change: float | None = None

    def text(self, lang: str = "en") -> str:
        """The value as shown: "$0.78 → $0.87 per cubic foot (+12%)", old value first."""
        value = f"{self.old} {ARROW} {self.new}" if self.old is not None else self.new
        if self.unit and self.kind == MONEY:
            value += f" {self.unit}" if self.unit.isascii() else f"/{self.unit.removeprefix('每')}"
        if self.change is not None:
            value = word("aside", lang, text=value, note=percent_change(self.change))
        return value

    def line(self, lang: str = "en") -> str:
        """The label, a colon and the value (no label: the value alone)."""
        text = self.text(lang)
        return f"{self.label}{word('colon', lang)}{text}" if self.label else text

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "unit": self.unit,
            "currency": self.currency,
            "change": self.change,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fact:
        """A fact read back from :meth:`to_json`; a bad one raises ValueError naming the field."""
        kind = str(data.get("kind") or "")
        if kind not in FACT_KINDS:
            raise ValueError(f"fact: unknown kind {kind!r}")
        new = data.get("new")
        if not isinstance(new, str):
            raise ValueError("fact: 'new' must be a string")
        old = data.get("old")
        change = data.get("change")
        return cls(
            label=str(data.get("label") or ""),
            kind=kind,
            old=str(old) if old is not None else None,
            new=new,
            unit=str(data.get("unit") or ""),
            currency=str(data.get("currency") or ""),
            change=float(change) if isinstance(change, int | float) else None,
        )


def percent_change(change: float) -> str:
    """+12%, -4.5%: a relative change as a signed percentage."""
    pct = abs(change) * 100
    sign = "-" if change < 0 else "+"
    tenths = math.floor(pct * 10 + 0.5)  # half up: 12.5 → 13, not to the even 12
    if tenths < 100 and tenths % 10:
        return f"{sign}{tenths // 10}.{tenths % 10}%"
    return f"{sign}{math.floor(pct + 0.5)}%"


@dataclass(frozen=True, slots=True)
class NewPage:
    """What the extraction worker reads of a page new to the store, beside its text: its key
    facts and its search-index text (the whole text is the change's added text).
    """

    facts: tuple[Fact, ...]
    index_text: str


@dataclass(slots=True, kw_only=True)
class Change:
    """What differs between two consecutive versions of a document."""

    id: int
    source_id: str
    url: str
    title: str
    kind: ChangeKind
    detected_at: datetime
    published_at: datetime | None
    added: str
    removed: str
    run_id: int | None = None
    document_id: int | None = None
    source_name: str = ""
    marketplace: str = ""  # the source's own (US, GLOBAL…)
    marketplaces: list[str] = field(default_factory=list)  # what it is about, regions expanded
    categories: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    watch_hits: list[WatchHit] = field(default_factory=list)
    effective_dates: list[str] = field(default_factory=list)
    urgency: Urgency | None = None
    cluster: str | None = None
    is_promo: bool = False
    baseline: bool = False  # found by the source's first run: history, not news
    diff: str | None = None  # JSON of the structured diff ops (see policyradar.text.diffing)
    facts: list[Fact] = field(default_factory=list)  # values old → new (tagging.facts)
    summary: dict[str, str] = field(default_factory=dict)  # one line each in "zh" and "en"

    def structured_diff(self) -> Diff:
        """The change's diff ops (a new or removed document: all its text inserted or deleted)."""
        from policyradar.text.diffing import stored_diff

        return stored_diff(str(self.kind), self.added, self.removed, self.diff)

    def to_json(self, *, with_diff: bool = False) -> dict[str, Any]:
        """The change as JSON; ``with_diff`` adds the structured ops as ``diff``."""
        data = asdict(self)
        data["kind"] = str(self.kind)
        data["urgency"] = str(self.urgency) if self.urgency else None
        data["detected_at"] = to_iso(self.detected_at)
        data["published_at"] = to_iso(self.published_at)
        data.pop("diff")
        if with_diff:
            from policyradar.text.diffing import diff_to_json

            data["diff"] = json.loads(diff_to_json(self.structured_diff()))
        return data


@dataclass(slots=True, kw_only=True)
class RunSource:
    """One source's outcome in one run."""

    run_id: int
    source_id: str
    outcome: Outcome | None
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    anomalies: int = 0
    errors: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = str(self.outcome) if self.outcome else None
        return data
