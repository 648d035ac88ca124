"""Reminders: N days before an effective date (a subscription's ``remind_days``), a short message
about each change it would have received; pure (``deliver.send_reminders`` sends and records).

A lead time N is due from N days before the date until the date itself, so a day without a run
is caught up the next day; never for a date already past, and only for a change found before
then (one found later was news in that day's digest). When several lead times are due at once
(a missed week), one reminder goes out and stands for them all. A story several sources reported
is one reminder a date. Each ``(change, date, N)`` is recorded once sent (``reminders`` table).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from policyradar.digest.build import Digest, Section, _item, _wants
from policyradar.records import Urgency
from policyradar.tagging.names import CategoryNames

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from policyradar.config import Profile
    from policyradar.digest.subscriptions import Subscription
    from policyradar.records import Change

Key = tuple[int, str, int]  # (change id, effective date, days before): one reminder sent


@dataclass(frozen=True, slots=True)
class Due:
    """One story's date to remind of, and every (change, date, lead time) it stands for."""

    day: date
    changes: tuple[Change, ...]
    keys: tuple[Key, ...]


def due_reminders(
    changes: Iterable[Change],
    subscription: Subscription,
    *,
    today: date,
    sent: set[Key] | frozenset[Key] = frozenset(),
    profile: Profile | None = None,
) -> list[Due]:
    """The reminders due ``today`` (in the subscription's zone) of ``changes``, nearest first."""
    sub = subscription
    if not sub.remind_days:
        return []
    stories: dict[tuple[str, date], list[tuple[Change, list[Key]]]] = {}
    for change in changes:
        if change.baseline or not _wants(change, sub, profile):
            continue
        found = change.detected_at.astimezone(sub.tz).date()
        for day in _days(change.effective_dates):
            left = (day - today).days
            if left < 0:
                continue
            keys = [
                (change.id, day.isoformat(), n)
                for n in sub.remind_days
                if left <= n and found <= day - timedelta(days=n)
            ]
            keys = [k for k in keys if k not in sent]
            if keys:
                story = change.cluster or f"#{change.id}"
                stories.setdefault((story, day), []).append((change, keys))
    due = [
        Due(day, tuple(c for c, _ in members), tuple(k for _, ks in members for k in ks))
        for (_, day), members in stories.items()
    ]
    due.sort(key=lambda d: (d.day, -max(_rank(c) for c in d.changes), d.changes[0].id))
    return due


def reminder_digest(
    due: Sequence[Due],
    subscription: Subscription,
    *,
    now: datetime,
    web_base: str | None = None,
    names: CategoryNames | None = None,
    profile: Profile | None = None,
) -> Digest | None:
    """The reminders as a digest of one section (mode ``reminder``): each story with its date
    and countdown, its summary and links, no excerpt.
    """
    names = CategoryNames.load() if names is None else names
    items = []
    for d in due:
        item = _item(list(d.changes), subscription, web_base, names, profile)
        if item is not None:
            items.append(replace(item, effective_dates=(d.day.isoformat(),), excerpt=""))
    if not items:
        return None
    covered = tuple(cid for i in items for cid in i.change_ids)
    return Digest(
        subscription=subscription.name,
        language=subscription.language,
        timezone=subscription.timezone,
        generated_at=now,
        window=None,
        urgent=(),
        sections=(Section("reminder", tuple(items)),),
        health=(),
        change_ids=covered,
        mode="reminder",
        counts={"items": len(items), "reminders": len(items), "changes": len(covered)},
        names=names,
    )


def _rank(change: Change) -> int:
    return (change.urgency or Urgency.LOW).rank


def _days(values: Iterable[str]) -> list[date]:
    found = set()
    for value in values:
        try:
            found.add(date.fromisoformat(str(value)[:10]))
        except ValueError:
            continue
    return sorted(found)
