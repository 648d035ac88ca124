"""Tagging changes: one story from several sources shares a cluster; tags land with the change."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from policyradar.records import ChangeKind, Snapshot, utcnow
from policyradar.storage import Storage
from policyradar.tagging import WINDOW_DAYS, ChangeText, assign_cluster, signature
from policyradar.tagging import apply as tagger
from policyradar.tagging.apply import ClusterIndex, load_classifier, tags_for
from policyradar.tagging.clusters import SIGNATURE_SIZE
from policyradar.text.diffing import new_document_diff

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

STORY = (
    "美国CPSC：7月15日起儿童产品进口须通过eFiling电子申报证书",
    "美国消费品安全委员会（CPSC）发布提醒，自2026年7月15日起，进口至美国的儿童产品须通过"
    "eFiling系统以电子方式提交儿童产品证书（CPC），未按要求申报的货物可能在清关时被扣留。",
)
RETOLD = (
    "美国CPSC加强儿童产品eFiling电子申报，卖家需提前准备证书",
    "据悉，美国消费品安全委员会（CPSC）提醒卖家，自2026年7月15日起，进口至美国的儿童产品须通过"
    "eFiling系统电子提交儿童产品证书（CPC），未按要求申报的货物可能在清关时被扣留。",
)
OTHER = (
    "亚马逊日本站更新身份验证要求",
    "亚马逊日本站通知卖家，部分卖家需要重新提交身份证明文件和地址证明。",
)


def store(storage: Storage, source: str, n: int, story: tuple[str, str], home: Path) -> int:
    title, body = story
    text = ChangeText(
        kind="new",
        title=title,
        added=body,
        removed="",
        published_at=datetime(2026, 6, 26, tzinfo=UTC),
        detected_at=utcnow(),
        language="zh",
    )
    tags = tags_for(load_classifier(home), ClusterIndex(storage), text, source)
    snap = Snapshot(
        source_id=source,
        url=f"https://news.example/{source}/{n}",
        title=title,
        text=body,
        fingerprint=str(n),
    )
    run = storage.start_run([source])
    return storage.save_version(run, snap, new_document_diff(body), ChangeKind.NEW, len(body), tags)


def test_the_same_story_from_two_sources_shares_one_cluster(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite")
    first = store(storage, "amz123-kx", 1, STORY, tmp_path)
    second = store(storage, "cifnews-amz", 2, RETOLD, tmp_path)
    third = store(storage, "cifnews-amz", 3, OTHER, tmp_path)
    clusters = {cid: storage.change(cid).cluster for cid in (first, second, third)}  # type: ignore[union-attr]
    assert clusters[first] == clusters[second] == f"c{first}"
    assert clusters[third] is None


def test_tags_are_written_with_the_change(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite")
    change = storage.change(store(storage, "amz123-kx", 1, STORY, tmp_path))
    assert change is not None
    assert change.categories[0] == "compliance"
    assert change.effective_dates == ["2026-07-15"]
    assert change.keywords


def test_the_cluster_index_holds_only_the_newest_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("policyradar.tagging.apply.MAX_STORIES", 2)
    storage = Storage(tmp_path / "db.sqlite")
    first = store(storage, "amz123-kx", 1, STORY, tmp_path)
    store(storage, "cifnews-amz", 2, OTHER, tmp_path)
    third = store(storage, "ebrun", 3, OTHER, tmp_path)
    index = ClusterIndex(storage)
    index.refresh(utcnow())
    assert len(index) == 2
    assert first not in index
    assert third in index
    assert index.distinct == len(set(signature(OTHER[0] + "\n" + OTHER[1])))
    # the retold story arrives after its twin left the index: it starts no cluster with it
    retold = store(storage, "cifnews-amz", 4, RETOLD, tmp_path)
    assert storage.change(retold).cluster is None  # type: ignore[union-attr]


def test_past_max_stories_joins_choose_what_a_plain_index_of_the_held_stories_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stories come and go through the ring; every join is compared with a plain inverted index
    (a dict of lists) built again from storage, with the same pre-filter (its limits kept small
    so that boilerplate, the posting limit and the candidate limit all matter), then
    `assign_cluster`.
    """
    monkeypatch.setattr("policyradar.tagging.apply.MAX_STORIES", 40)
    monkeypatch.setattr("policyradar.tagging.apply.MAX_POSTING", 4)
    monkeypatch.setattr("policyradar.tagging.apply.MAX_CANDIDATES", 2)
    storage = Storage(tmp_path / "db.sqlite")
    run = storage.start_run(["a", "b", "c"])
    index = ClusterIndex(storage)
    rng = random.Random(4)
    boilerplate = {value: rng.uniform(0.1, 0.6) for value in rng.sample(range(10**6), 12)}
    told: list[list[int]] = []
    joined = 0
    for n in range(200):
        words = [value for value, p in boilerplate.items() if rng.random() < p]
        kind = rng.random() if told else 0
        if kind > 0.7:  # half of one story and half of another: ties for the candidate limit
            a, b = (rng.choice(told[-50:]) for _ in "ab")
            k = min(len(a), len(b)) // 2
            words += a[:k] + b[-k:]
        elif kind > 0.35:  # retold, from a recent story or one long gone
            base = rng.choice(told[-60:])
            words += rng.sample(base, len(base) * rng.randint(4, 9) // 10)
        else:
            words += rng.sample(range(10**6), rng.randint(20, 70))
        words += [rng.getrandbits(63) for _ in range(rng.randint(0, 12))]
        sig = sorted(set(words))[:SIGNATURE_SIZE]
        source, now = rng.choice("abc"), utcnow()
        cluster = index.join(sig, source, now)
        assert cluster == plain_join(storage, sig, source, now), n
        joined += cluster is not None
        url = f"https://x.example/{n}"
        snap = Snapshot(source_id=source, url=url, title="t", text="x", fingerprint=str(n))
        tags = {"signature": sig, "cluster": cluster}
        cid = storage.save_version(run, snap, new_document_diff("x"), ChangeKind.NEW, 1, tags)
        if n % 9 == 0:  # as written before signatures were packed
            storage.db.execute(
                "UPDATE changes SET signature = ? WHERE id = ?", [json.dumps(sig), cid]
            )
        told.append(sig)
    assert joined > 30

    index.refresh(utcnow())
    held = storage.signatures(utcnow() - index.window, newest=40)
    assert len(index) == 40
    assert all(row[0] in index for row in held)
    assert held[0][0] - 1 not in index
    assert index.distinct == len({value for row in held for value in row[3]})


def plain_join(storage: Storage, sig: list[int], source: str, now: datetime) -> str | None:
    """What `ClusterIndex.join` should answer, from the newest ``MAX_STORIES`` stored stories
    (all in the window: the query keeps to it).
    """
    rows = storage.signatures(now - timedelta(days=WINDOW_DAYS), newest=tagger.MAX_STORIES)
    stories = {row[0]: row[1:] for row in rows}
    postings: dict[int, list[int]] = defaultdict(list)
    for cid, (_, _, other, _) in stories.items():
        for value in other:
            postings[value].append(cid)
    shared = Counter(
        cid
        for value in sig
        if len(postings.get(value, ())) <= tagger.MAX_POSTING
        for cid in postings.get(value, ())
    )
    candidates = [
        (cid, stories[cid][1], stories[cid][2])
        for cid, count in shared.most_common(tagger.MAX_CANDIDATES)
        if count >= tagger.MIN_SHARED and stories[cid][0] != source
    ]
    return assign_cluster(sig, candidates)
