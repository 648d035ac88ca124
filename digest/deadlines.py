"""Deadlines: the effective dates of stored changes, one per story and date; pure (storage
finds the changes, see `Storage.changes_due`).

A story several sources reported (one cluster), or a document changed twice, has one deadline a
date: its most urgent, then latest, change's. Its line is that change's one-line summary (概要)
in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from policyradar.i18n import word
from policyradar.records import Urgency
from policyradar.tagging.summary import summary_in
from policyradar.text.clean import clean

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from policyradar.records import Change

WINDOW_DAYS = 30  # the digest's "coming into force" section: the next 30 days
SECTION_SIZE = 10  # dates the section shows; the rest are counted (the web page has them all)


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline:
    """One effective date of one change (of one story)."""

    day: date
    change_id: int
    title: str
    summary: dict[str, str]  # the change's one line, by language
    url: str
    source_id: str
    source_name: str
    marketplaces: tuple[str, ...]
    categories: tuple[str, ...]
    urgency: str
    kind: str
    detected_at: datetime  # when the change was found: the date's last revision

    def line(self, lang: str) -> str:
        """The change's summary in ``lang`` (else the other language, else its title)."""
        return clean(summary_in(self.summary, lang)) or clean(self.title) or self.url

    def uid(self) -> str:
        """A stable identifier of this change's date (iCalendar UID, feed entry)."""
        return f"change-{self.change_id}-{self.day.isoformat()}@policyradar"

    def to_json(self, today: date | None = None) -> dict[str, object]:
        data: dict[str, object] = {
            "date": self.day.isoformat(),
            "change_id": self.change_id,
            "title": self.title,
            "summary": dict(self.summary),
            "url": self.url,
            "source_id": self.source_id,
            "source_name": self.source_name,
            "marketplaces": list(self.marketplaces),
            "categories": list(self.categories),
            "urgency": self.urgency,
            "kind": self.kind,
        }
        if today is not None:
            data["days_left"] = (self.day - today).days
        return data


def deadlines(
    changes: Iterable[Change],
    first: date,
    last: date,
    *,
    wanted: Callable[[Change], bool] | None = None,
) -> list[Deadline]:
    """Every effective date from ``first`` to ``last`` of the ``changes`` (that ``wanted`` keeps),
    by date, then the most urgent first; a story reported by several sources once a date.
    """
    best: dict[tuple[str, date], Change] = {}
    for change in changes:
        if wanted is not None and not wanted(change):
            continue
        story = change.cluster or f"doc{change.document_id or -change.id}"
        for day in _days(change.effective_dates):
            if first <= day <= last:
                key = (story, day)
                if key not in best or _rank(change) > _rank(best[key]):
                    best[key] = change
    found = [_deadline(day, change) for (_, day), change in best.items()]
    found.sort(key=lambda d: (d.day, -_urgency_rank(d.urgency), d.change_id))
    return found


def upcoming(
    changes: Iterable[Change],
    today: date,
    days: int = WINDOW_DAYS,
    *,
    wanted: Callable[[Change], bool] | None = None,
) -> list[Deadline]:
    """The deadlines from ``today`` to ``days`` days later (see `deadlines`)."""
    return deadlines(changes, today, today + timedelta(days=days), wanted=wanted)


def countdown(day: date, today: date, lang: str) -> str:
    """The countdown: 今天 / 明天 / 3 天后 (today, tomorrow, in 3 days), or 已生效 when past."""
    left = (day - today).days
    if left < 0:
        return word("past", lang)
    if left == 0:
        return word("today", lang)
    if left == 1:
        return word("tomorrow", lang)
    return word("days_later", lang, n=left)


def _deadline(day: date, change: Change) -> Deadline:
    return Deadline(
        day=day,
        change_id=change.id,
        title=clean(change.title),
        summary=dict(change.summary),
        url=change.url,
        source_id=change.source_id,
        source_name=clean(change.source_name) or change.source_id,
        marketplaces=tuple(change.marketplaces),
        categories=tuple(change.categories),
        urgency=str(change.urgency or Urgency.LOW),
        kind=str(change.kind),
        detected_at=change.detected_at,
    )


def _rank(change: Change) -> tuple[int, int]:
    """The report a story's date is shown by: the most urgent, then the latest (a document's
    newest version says it best).
    """
    return ((change.urgency or Urgency.LOW).rank, change.id)


def _urgency_rank(value: str) -> int:
    parsed = Urgency.parse(value)
    return parsed.rank if parsed else 0


def _days(values: Iterable[str]) -> list[date]:
    found = []
    for value in values:
        try:
            found.append(date.fromisoformat(str(value)[:10]))
        except ValueError:
            continue
    return sorted(set(found))
