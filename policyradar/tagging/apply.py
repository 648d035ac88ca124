"""Applies the classifier to changes: categories, keywords, watch hits, dates, urgency, clusters."""

from __future__ import annotations

import logging
import sys
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any, Protocol

from policyradar.records import ChangeKind, from_iso, utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from policyradar.records import Change, Fact
    from policyradar.tagging import ChangeText, Classifier, Tags
    from policyradar.tagging.glossary import Glossary
    from policyradar.tagging.names import CategoryNames
    from policyradar.text.diffing import Diff

logger = logging.getLogger(__name__)
MIN_SHARED = 4  # a candidate twin shares at least this many signature values (cheap pre-filter)
MAX_CANDIDATES = 50  # only the stories sharing the most values are compared in full
MAX_POSTING = 200  # a signature value found in more stories than this is ignored as boilerplate
MAX_STORIES = 5000  # stories a ClusterIndex holds (see there)


class ChangeStore(Protocol):
    """What classifying stored changes asks of storage (`policyradar.storage.Storage` has it):
    tagging states the interface and never imports the storage room above it.
    """

    def change(self, change_id: int) -> Change | None: ...

    def changes(self, *, since: datetime | None = None, limit: int | None = 50) -> list[Change]: ...

    def change_text(self, change_id: int) -> str | None: ...

    def set_classification(self, change_id: int, tags: dict[str, Any]) -> None: ...

    def signatures(
        self, since: datetime, *, after_id: int = 0, newest: int | None = None
    ) -> list[tuple[int, str, str | None, array[int], str]]: ...


@lru_cache(maxsize=4)
def load_classifier(home: Path) -> Classifier:
    """The home's classifier (bundled and user categories, its watchlists), once per process."""
    from policyradar.tagging import CategorySet, Classifier
    from policyradar.tagging.watchlists import WATCHLISTS_FILE, load_watchlists

    categories = CategorySet.load(home)
    return Classifier(categories, load_watchlists(home / WATCHLISTS_FILE, categories.ids))


class ClusterIndex:
    """Recent signatures in memory, with an inverted index of their values, kept in step with
    storage incrementally, so a new story is compared only with plausible twins.

    It holds the newest ``MAX_STORIES`` stories of the window (~1-2 KB each with real text: a
    signature packed in an array, its values' postings): far more than sources publish in a week,
    and a bound on memory when a first crawl brings thousands at once.
    """

    def __init__(self, storage: ChangeStore) -> None:
        from policyradar.tagging import WINDOW_DAYS

        self.storage = storage
        self.window = timedelta(days=WINDOW_DAYS)
        self.last_id = 0
        self.entries: dict[int, tuple[str, str | None, array[int], datetime]] = {}
        self.postings: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, change_id: int) -> bool:
        return change_id in self.entries

    @property
    def distinct(self) -> int:
        """Distinct signature values held."""
        return len(self.postings)

    def refresh(self, now: datetime) -> None:
        for cid, source, cluster, sig, detected in self.storage.signatures(
            now - self.window, after_id=self.last_id, newest=MAX_STORIES
        ):
            self.entries[cid] = (sys.intern(source), cluster, sig, from_iso(detected) or now)
            for value in sig:
                self.postings.setdefault(value, []).append(cid)
            self.last_id = cid
        while len(self.entries) > MAX_STORIES:  # the oldest story goes
            oldest = next(iter(self.entries))
            for value in self.entries.pop(oldest)[2]:
                posting = self.postings[value]
                posting.remove(oldest)
                if not posting:
                    del self.postings[value]

    def join(self, sig: Sequence[int], source_id: str, now: datetime) -> str | None:
        """The cluster a new story from ``source_id`` joins, or None (see `assign_cluster`)."""
        from policyradar.tagging import assign_cluster

        self.refresh(now)
        # a value shared by very many stories is boilerplate, not evidence of the same story
        postings = (self.postings.get(value, ()) for value in sig)
        shared = Counter(chain.from_iterable(p for p in postings if len(p) <= MAX_POSTING))
        candidates = []
        for cid, count in shared.most_common(MAX_CANDIDATES):
            source, cluster, other, detected = self.entries[cid]
            if count >= MIN_SHARED and source != source_id and abs(now - detected) <= self.window:
                candidates.append((cid, cluster, other))
        cluster = assign_cluster(sig, candidates)
        if cluster is not None and cluster.startswith("c"):
            twin = int(cluster[1:])
            if twin in self.entries and self.entries[twin][1] is None:
                self.storage.set_classification(twin, {"cluster": cluster})
                source, _, other, detected = self.entries[twin]
                self.entries[twin] = (source, cluster, other, detected)
        return cluster


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What a change says beyond its tags: its facts (old → new), its one-line summary, and the
    effective dates and urgency once its section is read too.
    """

    tags: Tags
    facts: tuple[Fact, ...] = ()
    summary: dict[str, str] = field(default_factory=dict)
    marketplace: str = ""
    marketplaces: tuple[str, ...] = ()  # every marketplace it is about, regions expanded


def category_names(classifier: Classifier) -> CategoryNames:
    """The classifier's categories' names, in their order (``other`` last)."""
    from policyradar.tagging.names import CategoryNames

    cats = classifier.categories.categories.values()
    return CategoryNames(tuple((c.id, c.name_zh, c.name_en) for c in cats))


def read_change(
    classifier: Classifier,
    tags: Tags,
    text: ChangeText,
    *,
    diff: Diff | None = None,
    full_text: str = "",
    marketplace: str = "",
    names: CategoryNames | None = None,
    glossary: Glossary | None = None,
    facts: Sequence[Fact] | None = None,
) -> Reading:
    """A classified change read further: its facts and summary, and, when the changed text has
    no effective date, the dates of its own section (the heading and the other paragraphs of its
    notice in ``full_text``, the whole new version), which may make it urgent.
    ``marketplace`` is the source's; the one the text names comes first. ``glossary`` (default:
    the shipped one) puts English labels into the Chinese summary. ``facts``: the change's
    facts when read already (a new document's, beside its extraction).
    """
    from policyradar.tagging.context import (
        changed_lines,
        marketplace_of,
        marketplaces_in,
        section_context,
    )
    from policyradar.tagging.effective import effective_dates
    from policyradar.tagging.facts import facts_for
    from policyradar.tagging.glossary import Glossary
    from policyradar.tagging.summary import glossary_translator, summarise

    names = names or category_names(classifier)
    context = ""
    if text.kind == ChangeKind.CHANGED and diff is not None and full_text:
        context = section_context(full_text, changed_lines(diff))
    reference = (text.published_at or text.detected_at or utcnow()).date()
    if context and not tags.effective_dates:
        dates = effective_dates(context, reference)
        if dates:  # kept as the change's nature keeps dates; a rule they make current is high
            tags = classifier.redated(tags, dates, reference)
    if text.kind == ChangeKind.REMOVED:
        texts: tuple[str, ...] = (text.removed, text.title)
    elif text.kind == ChangeKind.NEW:
        texts = (text.title, text.added)
    else:
        texts = (text.added, context, text.title)
    market = marketplace_of(*texts) or marketplace
    whole = (full_text,) if text.kind == ChangeKind.CHANGED and full_text else ()
    markets = tuple(marketplaces_in((*texts, *whole), marketplace))
    if facts is None:
        unread = diff is None and text.kind == ChangeKind.CHANGED
        facts = [] if unread else facts_for(text.kind, diff, text.added, full_text)
    summary = summarise(
        kind=text.kind,
        title=text.title,
        categories=tags.categories,
        facts=facts,
        effective_dates=tags.effective_dates,
        marketplace=market,
        names=names,
        today=reference,
        translate=glossary_translator(glossary or Glossary.load()),
    )
    return Reading(
        tags=tags,
        facts=tuple(facts),
        summary=summary,
        marketplace=market,
        marketplaces=markets,
    )


def tags_for(
    classifier: Classifier,
    clusters: ClusterIndex | None,
    text: ChangeText,
    source_id: str,
    *,
    cluster: str | None = None,
    diff: Diff | None = None,
    full_text: str = "",
    marketplace: str = "",
) -> dict[str, Any]:
    """Classify one change and read its facts and summary; a new story (with ``clusters``)
    joins the same story from other sources. Returns the storage fields (see
    `Storage.set_classification`).
    """
    reading = read_change(
        classifier,
        classifier.classify(text),
        text,
        diff=diff,
        full_text=full_text,
        marketplace=marketplace,
    )
    return tag_fields(reading, clusters, text, source_id, cluster=cluster)


def tag_fields(
    reading: Reading | Tags,
    clusters: ClusterIndex | None,
    text: ChangeText,
    source_id: str,
    *,
    cluster: str | None = None,
) -> dict[str, Any]:
    """The storage fields of a classified (and read) change (see `tags_for`)."""
    tags = reading.tags if isinstance(reading, Reading) else reading
    is_new = text.kind == ChangeKind.NEW
    if is_new and clusters is not None and cluster is None:
        cluster = clusters.join(tags.signature, source_id, text.detected_at or utcnow())
    extra: dict[str, Any] = {}
    if isinstance(reading, Reading):
        extra = {
            "facts": [f.to_json() for f in reading.facts],
            "summary": reading.summary,
            "marketplaces": list(reading.marketplaces),
        }
    return {
        **extra,
        "categories": list(tags.categories),
        "keywords": list(tags.keywords),
        "watch_hits": _distinct_hits(tags),
        "effective_dates": list(tags.effective_dates),
        "urgency": tags.urgency,
        "is_promo": int(tags.is_promo),
        "cluster": cluster,
        "signature": list(tags.signature) if is_new and clusters is not None else None,
    }


def tag_change(
    classifier: Classifier,
    storage: ChangeStore,
    change_id: int,
    language: str = "",
    clusters: ClusterIndex | None = None,
) -> dict[str, Any]:
    """Classify one stored change again and store its tags, facts and summary (its cluster is
    kept).
    """
    from policyradar.tagging import ChangeText

    change = storage.change(change_id)
    if change is None:
        raise KeyError(change_id)
    text = ChangeText(
        kind=str(change.kind),
        title=change.title,
        added=change.added,
        removed=change.removed,
        published_at=change.published_at,
        detected_at=change.detected_at,
        language=language,
    )
    diff = change.structured_diff() if change.kind == ChangeKind.CHANGED else None
    full_text = (storage.change_text(change_id) or "") if diff is not None else ""
    tags = tags_for(
        classifier,
        clusters,
        text,
        change.source_id,
        cluster=change.cluster,
        diff=diff,
        full_text=full_text,
        marketplace=change.marketplace,
    )
    storage.set_classification(change_id, tags)
    return tags


def reclassify(
    storage: ChangeStore,
    classifier: Classifier,
    sources: dict[str, tuple[str, bool]],
    *,
    since: datetime | None = None,
) -> int:
    """Re-run classification over stored changes (after categories or watchlists changed);
    ``sources`` maps a source id to its language and whether its stories cluster.
    """
    clusters = ClusterIndex(storage)
    count = 0
    for change in reversed(storage.changes(since=since, limit=None)):  # oldest first: clusters
        language, clustered = sources.get(change.source_id, ("", False))
        tag_change(classifier, storage, change.id, language, clusters if clustered else None)
        count += 1
    return count


def _distinct_hits(tags: Tags) -> list[dict[str, str]]:
    """One hit per watchlist and snippet (庫容 and 库容 in one list find the same place)."""
    seen: set[tuple[str, str]] = set()
    hits = []
    for hit in tags.watch_hits:
        if (hit.watchlist, hit.snippet) not in seen:
            seen.add((hit.watchlist, hit.snippet))
            hits.append(hit.to_json())
    return hits
