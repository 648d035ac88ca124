"""Applies the classifier to stored changes: categories, keywords, watch hits, dates, clusters."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from crawler.items import ChangeKind

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from crawler.storage import Storage
    from crawler.tagging import Classifier, Tags

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def load_classifier(home: Path) -> Classifier:
    """The home's classifier (bundled and user categories, its watchlists), once per process."""
    from crawler.tagging import CategorySet, Classifier
    from crawler.watchlists import WATCHLISTS_FILE, load_watchlists

    categories = CategorySet.load(home)
    return Classifier(categories, load_watchlists(home / WATCHLISTS_FILE, categories.ids))


def tag_change(
    classifier: Classifier, storage: Storage, change_id: int, language: str = ""
) -> Tags:
    """Classify one stored change and store its tags.

    A new story joins the cluster of the same story from other sources within the window.
    """
    from crawler.tagging import WINDOW_DAYS, ChangeText, assign_cluster

    change = storage.change(change_id)
    if change is None:
        raise KeyError(change_id)
    tags = classifier.classify(
        ChangeText(
            kind=str(change.kind),
            title=change.title,
            added=change.added,
            removed=change.removed,
            published_at=change.published_at,
            detected_at=change.detected_at,
            language=language,
        )
    )
    cluster = change.cluster
    if change.kind == ChangeKind.NEW and cluster is None:
        since = change.detected_at - timedelta(days=WINDOW_DAYS)
        candidates = [
            (cid, cl, json.loads(sig))
            for cid, cl, sig in storage.signatures(since, exclude_source=change.source_id)
            if cid != change_id
        ]
        cluster = assign_cluster(tags.signature, candidates)
        if cluster is not None and cluster.startswith("c"):
            joined = int(cluster[1:])
            if joined in {cid for cid, cl, _ in candidates if cl is None}:
                storage.set_classification(joined, {"cluster": cluster})
    storage.set_classification(
        change_id,
        {
            "categories": list(tags.categories),
            "keywords": list(tags.keywords),
            "watch_hits": _distinct_hits(tags),
            "effective_dates": list(tags.effective_dates),
            "urgency": tags.urgency,
            "is_promo": int(tags.is_promo),
            "cluster": cluster,
            "signature": json.dumps(list(tags.signature))
            if change.kind == ChangeKind.NEW
            else None,
        },
    )
    return tags


def reclassify(
    storage: Storage,
    classifier: Classifier,
    languages: dict[str, str],
    *,
    since: datetime | None = None,
) -> int:
    """Re-run classification over stored changes (after categories or watchlists changed)."""
    count = 0
    for change in reversed(storage.changes(since=since, limit=None)):  # oldest first: clusters
        tag_change(classifier, storage, change.id, languages.get(change.source_id, ""))
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
