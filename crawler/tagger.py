"""Applies the classifier to changes: categories, keywords, watch hits, dates, urgency, clusters."""

from __future__ import annotations

import logging
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from crawler.items import ChangeKind
from crawler.records import from_iso, utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from crawler.storage import Storage
    from crawler.tagging import ChangeText, Classifier, Tags

logger = logging.getLogger(__name__)
MIN_SHARED = 4  # a candidate twin shares at least this many signature values (cheap pre-filter)
MAX_CANDIDATES = 50  # only the stories sharing the most values are compared in full
MAX_POSTING = 200  # a signature value found in more stories than this is ignored as boilerplate
MAX_STORIES = 5000  # stories a ClusterIndex holds (see there)


@lru_cache(maxsize=4)
def load_classifier(home: Path) -> Classifier:
    """The home's classifier (bundled and user categories, its watchlists), once per process."""
    from crawler.tagging import CategorySet, Classifier
    from crawler.watchlists import WATCHLISTS_FILE, load_watchlists

    categories = CategorySet.load(home)
    return Classifier(categories, load_watchlists(home / WATCHLISTS_FILE, categories.ids))


def analyse_change(home: Path, text: ChangeText) -> tuple[Tags, tuple[str, str, str]]:
    """A job for `crawler.offload`: ``text`` classified by the home's classifier, and its
    search-index texts (see `Storage.save_version`).
    """
    from crawler.storage.fulltext import change_index_texts

    indexed = change_index_texts(text.title, text.added, text.removed)
    return load_classifier(home).classify(text), indexed


class ClusterIndex:
    """Recent signatures in memory, with an inverted index of their values, kept in step with
    storage incrementally, so a new story is compared only with plausible twins.

    It holds the newest ``MAX_STORIES`` stories of the window: far more than sources publish in a
    week, and a bound on memory when a first crawl brings thousands at once. It is all flat arrays,
    ~0.6-2 KB a story (bench/cluster_bench.py), not ~3-11 KB of Python objects:

    - a story has a slot in a ring of ``MAX_STORIES``; its i-th value is the occurrence
      ``slot * stride + i``, which names the value's record and links to the next newer occurrence
      of the value (the newest links to the oldest: a circle in story order);
    - a distinct value has a record: the value, its number of occurrences and its newest one
      (free records are chained through ``newest``), found through ``table`` (linear probing).
    """

    def __init__(self, storage: Storage) -> None:
        from crawler.tagging import WINDOW_DAYS
        from crawler.tagging.clusters import SIGNATURE_SIZE

        self.storage = storage
        self.window = timedelta(days=WINDOW_DAYS)
        self.window_us = self.window // _MICROSECOND
        self.capacity = MAX_STORIES
        self.stride = SIGNATURE_SIZE
        self.last_id = 0
        self.first = self.end = 0  # story numbers: the oldest held, the next to come
        # stories, by slot (number % capacity)
        self.change_ids = array("q")
        self.detected = array("q")  # µs since the epoch
        self.sizes = array("B")
        self.sources: list[str] = []
        self.clusters: list[str | None] = []
        # occurrences
        self.occ_record = array("i")
        self.occ_next = array("i")
        # records of distinct values
        self.values = array("q")
        self.counts = array("i")
        self.newest = array("i")
        self.free = -1
        self.distinct = 0
        self.table = array("i", [-1]) * 1024

    def __len__(self) -> int:
        return self.end - self.first

    def __contains__(self, change_id: int) -> bool:
        return self._slot(change_id) is not None

    def refresh(self, now: datetime) -> None:
        for cid, source, cluster, sig, detected in self.storage.signatures(
            now - self.window,
            after_id=self.last_id,
            newest=self.capacity,
            packed=True,
        ):
            if len(self) == self.capacity:  # the oldest story goes
                self._evict()
            self._add(cid, sys.intern(source), cluster, sig, _micros(from_iso(detected) or now))
            self.last_id = cid

    def join(self, sig: Sequence[int], source_id: str, now: datetime) -> str | None:
        """The cluster a new story from ``source_id`` joins, or None (see `assign_cluster`)."""
        from crawler.tagging import assign_cluster

        self.refresh(now)
        # a value shared by very many stories is boilerplate, not evidence of the same story;
        # the others count for the stories holding them, oldest first
        slots: list[int] = []
        table, values, counts, newest = self.table, self.values, self.counts, self.newest
        occ_next, mask, stride = self.occ_next, len(table) - 1, self.stride
        for value in sig:
            where = value & mask  # `_find`, inlined
            while (record := table[where]) >= 0 and values[record] != value:
                where = (where + 1) & mask
            if record >= 0 and counts[record] <= MAX_POSTING:
                occ = newest[record]
                for _ in range(counts[record]):
                    occ = occ_next[occ]
                    slots.append(occ // stride)
        now_us = _micros(now)
        candidates = []
        for slot, count in Counter(slots).most_common(MAX_CANDIDATES):
            if (
                count >= MIN_SHARED
                and self.sources[slot] != source_id
                and abs(now_us - self.detected[slot]) <= self.window_us
            ):
                candidates.append((self.change_ids[slot], self.clusters[slot], self._sig(slot)))
        cluster = assign_cluster(sig, candidates)
        if cluster is not None and cluster.startswith("c"):
            twin = int(cluster[1:])
            slot = self._slot(twin)
            if slot is not None and self.clusters[slot] is None:
                self.storage.set_classification(twin, {"cluster": cluster})
                self.clusters[slot] = cluster
        return cluster

    def _add(
        self, change_id: int, source: str, cluster: str | None, sig: Sequence[int], detected: int
    ) -> None:
        slot = self.end % self.capacity
        self.end += 1
        if slot == len(self.change_ids):  # the ring grows to its capacity
            for stories in (self.change_ids, self.detected, self.sizes):
                stories.append(0)
            self.sources.append(source)
            self.clusters.append(None)
            self.occ_record.extend(array("i", [-1]) * self.stride)
            self.occ_next.extend(array("i", [-1]) * self.stride)
        sig = sig[: self.stride]  # as `signature` makes them
        self.change_ids[slot] = change_id
        self.detected[slot] = detected
        self.sizes[slot] = len(sig)
        self.sources[slot] = source
        self.clusters[slot] = cluster
        table, values, counts, newest = self.table, self.values, self.counts, self.newest
        occ_record, occ_next = self.occ_record, self.occ_next
        mask = len(table) - 1
        for occ, value in enumerate(sig, slot * self.stride):
            where = value & mask  # `_find`, inlined
            while (record := table[where]) >= 0 and values[record] != value:
                where = (where + 1) & mask
            if record >= 0:  # after the newest occurrence, before the oldest
                last = newest[record]
                occ_next[occ] = occ_next[last]
                occ_next[last] = occ
                counts[record] += 1
            else:
                record = self._new_record(value, where)
                table = self.table  # it may have grown
                mask = len(table) - 1
                occ_next[occ] = occ
            newest[record] = occ
            occ_record[occ] = record

    def _evict(self) -> None:
        """The oldest story goes; each of its occurrences is the oldest of its value."""
        slot = self.first % self.capacity
        self.first += 1
        self.clusters[slot] = None
        counts, newest, occ_next = self.counts, self.newest, self.occ_next
        start = slot * self.stride
        for occ in range(start, start + self.sizes[slot]):
            record = self.occ_record[occ]
            if counts[record] > 1:
                occ_next[newest[record]] = occ_next[occ]
                counts[record] -= 1
            else:
                self._free_record(record)

    def _sig(self, slot: int) -> list[int]:
        start = slot * self.stride
        return [self.values[r] for r in self.occ_record[start : start + self.sizes[slot]]]

    def _slot(self, change_id: int) -> int | None:
        """The slot of a held story (change ids grow with story numbers)."""
        numbers = range(self.first, self.end)
        i = bisect_left(numbers, change_id, key=lambda n: self.change_ids[n % self.capacity])
        if i < len(numbers) and self.change_ids[slot := numbers[i] % self.capacity] == change_id:
            return slot
        return None

    def _find(self, value: int) -> int:
        """Where ``value``'s record is in ``table``, or the free place it would take (values are
        hashes: their low bits are their home place).
        """
        table, values, mask = self.table, self.values, len(self.table) - 1
        where = value & mask
        while (record := table[where]) >= 0 and values[record] != value:
            where = (where + 1) & mask
        return where

    def _new_record(self, value: int, where: int) -> int:
        if self.free >= 0:
            record, self.free = self.free, self.newest[self.free]
            self.values[record] = value
            self.counts[record] = 1
        else:
            record = len(self.values)
            self.values.append(value)
            self.counts.append(1)
            self.newest.append(-1)
        self.table[where] = record
        self.distinct += 1
        if self.distinct * 3 > len(self.table) * 2:  # at most 2/3 full
            self._rehash(len(self.table) * 2)
        return record

    def _free_record(self, record: int) -> None:
        table, values, mask = self.table, self.values, len(self.table) - 1
        hole = values[record] & mask
        while table[hole] != record:
            hole = (hole + 1) & mask
        where = hole
        # backward-shift deletion: a later record in the probe run moves into the hole unless
        # its home place lies after the hole
        while (other := table[where := (where + 1) & mask]) >= 0:
            if (where - values[other]) & mask >= (where - hole) & mask:
                table[hole] = other
                hole = where
        table[hole] = -1
        self.newest[record] = self.free
        self.free = record
        self.distinct -= 1

    def _rehash(self, size: int) -> None:
        records = [r for r in self.table if r >= 0]
        self.table = array("i", [-1]) * size
        for record in records:
            self.table[self._find(self.values[record])] = record


_MICROSECOND = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    """``moment`` in µs since the epoch (naive means UTC, as `to_iso` has it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


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
    from crawler.tagging import ChangeText

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
