"""Applies the classifier to changes: categories, keywords, watch hits, dates, urgency, clusters."""

from __future__ import annotations

import logging
import sys
from array import array
from collections import Counter
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from policyradar.records import ChangeKind, from_iso, utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from policyradar.storage import Storage
    from policyradar.tagging import ChangeText, Classifier, Tags

logger = logging.getLogger(__name__)
MIN_SHARED = 4  # a candidate twin shares at least this many signature values (cheap pre-filter)
MAX_CANDIDATES = 50  # only the stories sharing the most values are compared in full
MAX_POSTING = 200  # a signature value found in more stories than this is ignored as boilerplate
MAX_STORIES = 5000  # stories a ClusterIndex holds (see there)


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

    def __init__(self, storage: Storage) -> None:
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
        shared = Counter(
            cid
            for value in sig
            if len(posting := self.postings.get(value, ())) <= MAX_POSTING
            for cid in posting
        )
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


def tags_for(
    classifier: Classifier,
    clusters: ClusterIndex | None,
    text: ChangeText,
    source_id: str,
    *,
    cluster: str | None = None,
) -> dict[str, Any]:
    """Classify one change; a new story (with ``clusters``) joins the same story from other
    sources. Returns the storage fields (see `Storage.set_classification`).
    """
    return tag_fields(classifier.classify(text), clusters, text, source_id, cluster=cluster)


def tag_fields(
    tags: Tags,
    clusters: ClusterIndex | None,
    text: ChangeText,
    source_id: str,
    *,
    cluster: str | None = None,
) -> dict[str, Any]:
    """The storage fields of a classified change (see `tags_for`)."""
    is_new = text.kind == ChangeKind.NEW
    if is_new and clusters is not None and cluster is None:
        cluster = clusters.join(tags.signature, source_id, text.detected_at or utcnow())
    return {
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
    storage: Storage,
    change_id: int,
    language: str = "",
    clusters: ClusterIndex | None = None,
) -> dict[str, Any]:
    """Classify one stored change again and store its tags (its cluster is kept)."""
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
    tags = tags_for(classifier, clusters, text, change.source_id, cluster=change.cluster)
    storage.set_classification(change_id, tags)
    return tags


def reclassify(
    storage: Storage,
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
