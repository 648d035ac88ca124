"""Tagging changes: one story from several sources shares a cluster; tags land with the change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crawler.diffing import new_document_diff
from crawler.items import ChangeKind, Snapshot
from crawler.records import utcnow
from crawler.storage import Storage
from crawler.tagger import ClusterIndex, load_classifier, tags_for
from crawler.tagging import ChangeText

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
    monkeypatch.setattr("crawler.tagger.MAX_STORIES", 2)
    storage = Storage(tmp_path / "db.sqlite")
    first = store(storage, "amz123-kx", 1, STORY, tmp_path)
    store(storage, "cifnews-amz", 2, OTHER, tmp_path)
    third = store(storage, "ebrun", 3, OTHER, tmp_path)
    index = ClusterIndex(storage)
    index.refresh(utcnow())
    assert len(index.entries) == 2
    assert first not in index.entries
    assert all(first not in posting for posting in index.postings.values())
    # the retold story arrives after its twin left the index: it starts no cluster with it
    retold = store(storage, "cifnews-amz", 4, RETOLD, tmp_path)
    assert storage.change(retold).cluster is None  # type: ignore[union-attr]
    assert third in index.entries
