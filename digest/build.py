"""Undelivered changes -> a Digest: filtered for one subscription, clustered, ordered; pure.

What is covered: ``Digest.change_ids`` are the changes shown (a cluster's every member included);
they are marked delivered once the digest is sent. Changes the subscription does not want
(other categories or watchlists, below its minimum urgency, promotions without a watch hit) are
listed in ``Digest.skipped_ids`` and are *not* marked: they stay undelivered for this subscription,
so widening its filters later brings them in, and re-examining them is bounded by
``max_age_days`` (the query only loads changes detected within that many days).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from policyradar.digest.deadlines import SECTION_SIZE
from policyradar.records import Urgency, WatchHit
from policyradar.tagging.names import CategoryNames
from policyradar.tagging.summary import line as summary_line
from policyradar.text.clean import clean

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from policyradar.config import Profile
    from policyradar.digest.deadlines import Deadline
    from policyradar.digest.subscriptions import Subscription
    from policyradar.records import Change, Fact

EXCERPT_CHARS = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestItem:
    """One story: a change, or a cluster of near-duplicate changes shown once."""

    change_ids: tuple[int, ...]
    title: str
    url: str
    source_id: str
    source_name: str
    marketplace: str
    kind: str
    published_at: datetime | None
    detected_at: datetime
    effective_dates: tuple[str, ...]
    urgency: Urgency
    categories: tuple[str, ...]
    keywords: tuple[str, ...]
    watch_hits: tuple[WatchHit, ...]
    excerpt: str
    also_reported_by: tuple[str, ...] = ()
    diff_url: str | None = None
    summary: str = ""  # one line in the digest's language (an LLM's, when configured)
    facts: tuple[Fact, ...] = ()  # the lead change's values, old → new
    marketplaces: tuple[str, ...] = ()  # what the story is about (regions expanded)
    relevance: int = 0  # how closely it fits the seller's [profile] (see tagging.profile)

    @property
    def change_id(self) -> int:
        return self.change_ids[0]

    @property
    def highlights(self) -> tuple[str, ...]:
        """Return the terms to highlight in the excerpt: watch-hit keywords, then keywords."""
        terms = [h.keyword for h in self.watch_hits] + list(self.keywords[:5])
        return tuple(dict.fromkeys(t for t in terms if t.strip()))

    def deadline(self, today: date) -> date | None:
        """Return the nearest effective date on or after ``today``, if any."""
        upcoming = [d for d in _dates(self.effective_dates) if d >= today]
        return min(upcoming) if upcoming else None


@dataclass(frozen=True, slots=True)
class Section:
    category: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthItem:
    source_id: str
    name: str
    runs: int
    errors: int
    anomalous: int
    last_error: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    """Channel-neutral digest of one subscription; renderers turn it into messages."""

    subscription: str
    language: str
    timezone: str
    generated_at: datetime
    window: tuple[datetime, datetime] | None
    urgent: tuple[DigestItem, ...]
    sections: tuple[Section, ...]
    health: tuple[HealthItem, ...]
    change_ids: tuple[int, ...]
    skipped_ids: tuple[int, ...] = ()
    mode: str = "digest"  # digest | alert | quiet | test | reminder
    counts: dict[str, int] = field(default_factory=dict)
    deadlines: tuple[Deadline, ...] = ()  # "coming into force": the next dates, nearest first
    deadlines_more: int = 0  # dates of that window not shown
    names: CategoryNames = field(default_factory=CategoryNames.load, repr=False)  # of categories

    @property
    def items(self) -> tuple[DigestItem, ...]:
        """Return every item in display order (urgent first, then section by section)."""
        return self.urgent + tuple(i for s in self.sections for i in s.items)


def build_digest(
    changes: Iterable[Change],
    subscription: Subscription,
    *,
    health: Iterable[Mapping[str, Any]] = (),
    now: datetime,
    web_base: str | None = None,
    urgent_only: bool = False,
    names: CategoryNames | None = None,
    profile: Profile | None = None,
    deadlines: Sequence[Deadline] = (),
) -> Digest | None:
    """Filter, cluster and order ``changes`` for ``subscription``; None when nothing is left.

    ``urgent_only`` builds an immediate alert: only high-urgency items, no health section.
    ``names`` orders and names the categories (default: the bundled ones, no home's).
    ``profile``: the seller's; changes about only marketplaces or programmes they do not use
    are left out (as is what the subscription's own ``marketplaces`` exclude), and items that
    fit it come first. ``deadlines``: the subscription's coming dates (see `wanted_by`), shown
    as the "coming into force" section (not in an alert).
    """
    names = CategoryNames.load() if names is None else names
    cutoff = now - timedelta(days=subscription.max_age_days)
    recent = [c for c in changes if c.detected_at >= cutoff]
    wanted, skipped = [], []
    for group in _clusters(recent):
        item = _item(group, subscription, web_base, names, profile)
        ok = item is not None and (not urgent_only or item.urgency == Urgency.HIGH)
        (wanted if ok else skipped).append(item if ok else group)
    if not wanted:
        return None
    today = now.astimezone(subscription.tz).date()
    urgent = sorted((i for i in wanted if _is_urgent(i)), key=lambda i: _urgent_key(i, today))
    by_cat: dict[str, list[DigestItem]] = {}
    for item in wanted:
        if not _is_urgent(item):  # in the section of its first category in display order
            by_cat.setdefault(min(item.categories, key=names.rank), []).append(item)
    sections = tuple(
        Section(cat, tuple(sorted(items, key=_section_key)))
        for cat, items in sorted(by_cat.items(), key=lambda kv: names.rank(kv[0]))
    )
    health_items = () if urgent_only else tuple(_health(h) for h in health)
    coming = () if urgent_only else tuple(deadlines)
    items = [*urgent, *(i for s in sections for i in s.items)]
    covered = tuple(cid for i in items for cid in i.change_ids)
    covered_ids = set(covered)
    shown = [c for c in recent if c.id in covered_ids]
    times = [c.detected_at for c in shown]
    kinds = [c.kind for c in shown]
    return Digest(
        subscription=subscription.name,
        language=subscription.language,
        timezone=subscription.timezone,
        generated_at=now,
        window=(min(times), max(times)),
        urgent=tuple(urgent),
        sections=sections,
        health=health_items,
        change_ids=covered,
        skipped_ids=tuple(c.id for g in skipped for c in g),
        mode="alert" if urgent_only else "digest",
        counts={
            "items": len(items),
            "urgent": len(urgent),
            "changes": len(covered),
            "new": kinds.count("new"),
            "changed": kinds.count("changed"),
            "removed": kinds.count("removed"),
            "failing": len(health_items),
            "deadlines": len(coming),
        },
        names=names,
        deadlines=coming[:SECTION_SIZE],
        deadlines_more=max(0, len(coming) - SECTION_SIZE),
    )


def wanted_by(
    subscription: Subscription, profile: Profile | None = None
) -> Callable[[Change], bool]:
    """Whose deadlines a subscription is shown: its categories and watchlists, its marketplaces
    and programmes (the profile's); promotions never (urgency does not count: a date is a date).
    """

    def wanted(change: Change) -> bool:
        sub = subscription
        if sub.categories and not set(change.categories or ["other"]) & set(sub.categories):
            return False
        if sub.watchlists and not _hits(change, sub):
            return False
        return not change.is_promo and not _left_out(change, sub, profile)

    return wanted


def quiet_digest(
    subscription: Subscription,
    *,
    health: Iterable[Mapping[str, Any]] = (),
    now: datetime,
    mode: str = "quiet",
) -> Digest:
    """Return an item-less digest: the "all quiet" note (with source health) or a test message."""
    health_items = tuple(_health(h) for h in health)
    return Digest(
        subscription=subscription.name,
        language=subscription.language,
        timezone=subscription.timezone,
        generated_at=now,
        window=None,
        urgent=(),
        sections=(),
        health=health_items,
        change_ids=(),
        mode=mode,
        counts={"items": 0, "urgent": 0, "changes": 0, "failing": len(health_items)},
    )


def excerpt(text: str, terms: Sequence[str] = (), limit: int = EXCERPT_CHARS) -> str:
    """Return at most ``limit`` characters of ``text``, moved to show the first hit term."""
    text = clean(text)
    if len(text) <= limit:
        return text
    lowered = text.lower()
    hits = [p for p in (lowered.find(t.lower()) for t in terms if t) if p >= 0]
    start = max(0, min(hits) - limit // 4) if hits and min(hits) > limit * 3 // 4 else 0
    body = text[start : start + limit - 1 - (1 if start else 0)]
    return ("…" if start else "") + body + "…"


# -- internals -----------------------------------------------------------------------------------


def _clusters(changes: list[Change]) -> list[list[Change]]:
    groups: dict[str, list[Change]] = {}
    result: list[list[Change]] = []
    for change in changes:
        if change.cluster:
            if change.cluster not in groups:
                groups[change.cluster] = []
                result.append(groups[change.cluster])
            groups[change.cluster].append(change)
        else:
            result.append([change])
    return result


def _urgency(change: Change) -> Urgency:
    return change.urgency or Urgency.LOW


def _hits(change: Change, sub: Subscription) -> list[WatchHit]:
    return [
        replace(h, keyword=clean(h.keyword), snippet=clean(h.snippet))
        for h in change.watch_hits
        if not sub.watchlists or h.watchlist in sub.watchlists
    ]


def _text(change: Change) -> str:
    return change.removed if str(change.kind) == "removed" or not change.added else change.added


def _left_out(change: Change, sub: Subscription, profile: Profile | None) -> bool:
    """Whether the change is only about marketplaces or programmes the seller does not use."""
    if profile is None and not sub.marketplaces:
        return False
    from policyradar.config import Profile
    from policyradar.tagging.profile import left_out

    return left_out(
        title=change.title,
        text=_text(change),
        categories=change.categories,
        marketplaces=change.marketplaces,
        profile=profile or Profile(),
        wanted_marketplaces=sub.marketplaces,
    )


def _relevance(change: Change, profile: Profile | None) -> int:
    if profile is None:
        return 0
    from policyradar.tagging.profile import relevance

    return relevance(
        title=change.title,
        text=_text(change),
        categories=change.categories,
        marketplaces=change.marketplaces,
        profile=profile,
    )


def _wants(change: Change, sub: Subscription, profile: Profile | None = None) -> bool:
    if _left_out(change, sub, profile):
        return False
    categories = change.categories or ["other"]
    if sub.categories and not set(categories) & set(sub.categories):
        return False
    hits = _hits(change, sub)
    if sub.watchlists and not hits:
        return False
    if change.is_promo and not hits:
        return False
    return _urgency(change).rank >= Urgency(sub.min_urgency).rank


def _item(
    group: list[Change],
    sub: Subscription,
    web_base: str | None,
    names: CategoryNames,
    profile: Profile | None = None,
) -> DigestItem | None:
    """Merge a cluster into one item, or None when the subscription wants none of it."""
    if not any(_wants(c, sub, profile) for c in group):
        return None
    lead = max(
        group,
        key=lambda c: (
            _urgency(c).rank,
            len(_hits(c, sub)),
            -c.detected_at.timestamp(),
            -c.id,
        ),
    )
    hits = list(dict.fromkeys(h for c in group for h in _hits(c, sub)))
    keywords = tuple(dict.fromkeys(clean(k) for c in (lead, *group) for k in c.keywords))
    categories = tuple(dict.fromkeys(cat for c in (lead, *group) for cat in c.categories)) or (
        "other",
    )
    others = [c.source_name or c.source_id for c in group if c.source_id != lead.source_id]
    text = lead.removed if lead.kind == "removed" or not lead.added.strip() else lead.added
    terms = [h.keyword for h in hits] + list(keywords)
    base = web_base.rstrip("/") if web_base else None
    return DigestItem(
        change_ids=tuple([lead.id] + [c.id for c in group if c.id != lead.id]),
        title=clean(lead.title) or clean(lead.url),
        url=lead.url,
        source_id=lead.source_id,
        source_name=clean(lead.source_name) or lead.source_id,
        marketplace=lead.marketplace,
        kind=str(lead.kind),
        published_at=lead.published_at,
        detected_at=lead.detected_at,
        effective_dates=tuple(sorted({d for c in group for d in c.effective_dates})),
        urgency=max((_urgency(c) for c in group), key=lambda u: u.rank),
        categories=categories,
        keywords=keywords,
        watch_hits=tuple(hits),
        excerpt=excerpt(text, terms),
        also_reported_by=tuple(dict.fromkeys(others)),
        diff_url=f"{base}/changes/{lead.id}" if base else None,
        summary=clean(lead.summary.get(sub.language) or _summary(lead, sub.language, names)),
        facts=tuple(lead.facts),
        marketplaces=tuple(dict.fromkeys(m for c in group for m in c.marketplaces)),
        relevance=max(_relevance(c, profile) for c in group),
    )


def _summary(change: Change, lang: str, names: CategoryNames) -> str:
    """The deterministic line of a change stored without one (before summaries were kept)."""
    return summary_line(
        lang,
        kind=str(change.kind),
        title=change.title,
        categories=change.categories,
        facts=change.facts,
        effective_dates=change.effective_dates,
        marketplace=change.marketplace,
        names=names,
        today=change.detected_at.date(),
    )


def with_summaries(digest: Digest, summaries: Mapping[int, str]) -> Digest:
    """The digest with these lines (by lead change id, e.g. an LLM's) as its items' summaries."""
    if not summaries:
        return digest

    def item(i: DigestItem) -> DigestItem:
        text = clean(summaries.get(i.change_id))
        return replace(i, summary=text) if text else i

    return replace(
        digest,
        urgent=tuple(item(i) for i in digest.urgent),
        sections=tuple(
            Section(s.category, tuple(item(i) for i in s.items)) for s in digest.sections
        ),
    )


def _is_urgent(item: DigestItem) -> bool:
    return bool(item.watch_hits) or item.urgency == Urgency.HIGH


def _urgent_key(item: DigestItem, today: date) -> tuple[Any, ...]:
    deadline = item.deadline(today)
    return (
        0 if item.watch_hits else 1,
        -item.relevance,
        deadline or date.max,
        -item.detected_at.timestamp(),
        item.change_id,
    )


def _section_key(item: DigestItem) -> tuple[Any, ...]:
    when = item.published_at or item.detected_at
    return (-item.relevance, -item.urgency.rank, -when.timestamp(), item.change_id)


def _health(row: Mapping[str, Any]) -> HealthItem:
    return HealthItem(
        source_id=str(row.get("source_id", "")),
        name=clean(str(row.get("name") or row.get("source_id") or "")),
        runs=int(row.get("runs") or 0),
        errors=int(row.get("errors") or 0),
        anomalous=int(row.get("anomalous") or 0),
        last_error=clean(row.get("last_error")) or None,
    )


def _dates(values: Iterable[str]) -> list[date]:
    result = []
    for value in values:
        try:
            result.append(date.fromisoformat(str(value)[:10]))
        except ValueError:
            continue
    return result
