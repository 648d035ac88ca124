"""Storage: versions only on change, removal after two 404 runs, run outcomes, crash recovery."""

from __future__ import annotations

import sqlite3
import struct
from typing import TYPE_CHECKING

import pytest

from policyradar.records import ChangeKind, Outcome, Snapshot
from policyradar.storage import Storage, StorageError
from policyradar.text.diffing import diff_text, diff_to_json, new_document_diff

if TYPE_CHECKING:
    from pathlib import Path

URL = "https://gs.amazon.cn/news/news-notices-260112"


def snap(text: str, **kw: object) -> Snapshot:
    return Snapshot(
        source_id="gs", url=URL, title="贴标政策变更", text=text, fingerprint=str(hash(text)), **kw
    )  # type: ignore[arg-type]


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    return Storage(tmp_path / "policyradar.db")


def test_a_new_document_then_a_change_make_two_versions_and_two_changes(storage: Storage) -> None:
    run = storage.start_run(["gs"])
    storage.save_version(
        run,
        snap("共享库存将于3月31日终止。"),
        new_document_diff("共享库存将于3月31日终止。"),
        ChangeKind.NEW,
        10,
    )
    diff = diff_text("共享库存将于3月31日终止。", "共享库存将于4月30日终止。")
    assert diff is not None
    change_id = storage.save_version(
        run, snap("共享库存将于4月30日终止。"), diff, ChangeKind.CHANGED, 10
    )
    change = storage.change(change_id)
    assert change is not None
    assert change.kind == ChangeKind.CHANGED
    assert "4月30日" in change.added
    assert "3月31日" in change.removed
    assert storage.last_text(URL) == "共享库存将于4月30日终止。"
    assert len(storage.versions(URL)) == 2


def test_an_unchanged_fetch_writes_no_version(storage: Storage) -> None:
    run = storage.start_run(["gs"])
    storage.save_version(run, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    storage.record_unchanged(run, snap("正文", etag='"abc"'))
    assert storage.counts()["versions"] == 1
    doc = storage.document(URL)
    assert doc is not None
    assert doc.etag == '"abc"'
    (rs,) = storage.finish_run(run)
    assert (rs.new, rs.unchanged, rs.outcome) == (1, 1, Outcome.CHANGED)


def test_unchanged_fetches_are_recorded_together_and_counted_per_source(storage: Storage) -> None:
    run = storage.start_run(["gs", "amz123"])
    other = Snapshot(source_id="amz123", url=URL + "-2", title="t", text="正文二", fingerprint="2")
    storage.save_version(run, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    storage.save_version(run, other, new_document_diff("正文二"), ChangeKind.NEW, 3)
    storage.record_unchanged(run, snap("正文", etag='"v2"'), other, snap("正文"))
    doc = storage.document(URL)
    assert doc is not None
    assert doc.etag == '"v2"'  # a later fetch without an ETag keeps it
    outcomes = {rs.source_id: rs.unchanged for rs in storage.finish_run(run)}
    assert outcomes == {"gs": 2, "amz123": 1}
    assert storage.counts()["versions"] == 2


def test_removal_needs_two_consecutive_404_runs(storage: Storage) -> None:
    run1 = storage.start_run(["gs"])
    storage.save_version(run1, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    storage.finish_run(run1)
    run2 = storage.start_run(["gs"])
    assert storage.record_gone(run2, "gs", URL, 404) is None
    assert storage.record_gone(run2, "gs", URL, 404) is None  # the same run never counts twice
    storage.finish_run(run2)
    run3 = storage.start_run(["gs"])
    change_id = storage.record_gone(run3, "gs", URL, 404)
    assert change_id is not None
    change = storage.change(change_id)
    assert change is not None
    assert change.kind == ChangeKind.REMOVED
    assert change.removed == "正文"
    assert storage.document(URL).removed  # type: ignore[union-attr]


def test_a_200_between_two_404s_resets_the_count(storage: Storage) -> None:
    run = storage.start_run(["gs"])
    storage.save_version(run, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    storage.record_gone(storage.start_run(["gs"]), "gs", URL, 404)
    storage.record_unchanged(storage.start_run(["gs"]), snap("正文"))
    assert storage.record_gone(storage.start_run(["gs"]), "gs", URL, 404) is None


def test_a_failed_entry_point_makes_the_source_end_in_error(storage: Storage) -> None:
    run = storage.start_run(["gs", "other"])
    storage.record_event(run, "gs", "https://gs.amazon.cn/news", "error", "HTTP 503", index=True)
    outcomes = {rs.source_id: rs for rs in storage.finish_run(run)}
    assert outcomes["gs"].outcome == Outcome.ERROR
    assert outcomes["gs"].error == "HTTP 503 — https://gs.amazon.cn/news"
    assert outcomes["other"].outcome == Outcome.UNCHANGED


def test_a_run_left_open_by_a_crash_is_closed_as_interrupted(tmp_path: Path) -> None:
    with Storage(tmp_path / "db.sqlite") as first:
        crashed = first.start_run(["gs"])
    with Storage(tmp_path / "db.sqlite") as second:
        second.start_run(["gs"])
    con = sqlite3.connect(tmp_path / "db.sqlite")
    status = con.execute("SELECT status FROM runs WHERE id = ?", (crashed,)).fetchone()[0]
    assert status == "interrupted"


def test_the_file_uses_wal_and_records_its_migrations(tmp_path: Path) -> None:
    Storage(tmp_path / "db.sqlite").close()
    con = sqlite3.connect(tmp_path / "db.sqlite")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in con.execute("SELECT name FROM _sqlite_migrations")]
    assert names == [
        "0001_initial",
        "0002_classification_and_deliveries",
        "0003_search",
        "0004_baseline",
        "0005_search_columns",
        "0006_packed_text",
        "0007_first_text_once",
        "0008_packed_diffs",
        "0009_changes_by_document",
        "0010_search_rows_only",
        "0011_facts_and_summaries",
        "0012_marketplaces_dates_reminders",
        "0013_change_dates_by_change",
    ]


def test_rewriting_a_changes_dates_reads_only_its_own_rows(tmp_path: Path) -> None:
    """The classification trigger's delete goes by index, not over every change's dates."""
    Storage(tmp_path / "db.sqlite").close()
    con = sqlite3.connect(tmp_path / "db.sqlite")
    plan = con.execute(
        "EXPLAIN QUERY PLAN DELETE FROM change_dates WHERE change_id = ?", (1,)
    ).fetchall()
    assert "USING COVERING INDEX change_dates_change" in " ".join(row[-1] for row in plan)


def test_changes_filter_by_source_and_since(storage: Storage) -> None:
    from datetime import UTC, datetime, timedelta

    run = storage.start_run(["gs"])
    storage.save_version(run, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    assert len(storage.changes(sources=["gs"])) == 1
    assert storage.changes(sources=["nope"]) == []
    assert storage.changes(since=datetime.now(UTC) + timedelta(days=1)) == []


def test_a_sent_delivery_marks_its_changes_delivered_and_a_failed_one_does_not(
    storage: Storage,
) -> None:
    run = storage.start_run(["gs"])
    first = storage.save_version(run, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    assert [c.id for c in storage.undelivered("wecom")] == [first]
    storage.record_delivery("wecom", [first], status="failed", error="HTTP 500")
    assert [c.id for c in storage.undelivered("wecom")] == [first]
    storage.record_delivery("wecom", [first], status="sent", parts=1)
    assert storage.undelivered("wecom") == []
    assert [c.id for c in storage.undelivered("email")] == [first]
    assert [d["status"] for d in storage.deliveries("wecom")] == ["sent", "failed"]


def test_classification_is_stored_and_read_back(storage: Storage) -> None:
    run = storage.start_run(["gs"])
    cid = storage.save_version(run, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    storage.set_classification(
        cid,
        {
            "categories": ["fba"],
            "urgency": "high",
            "watch_hits": [{"watchlist": "库容", "keyword": "库容"}],
        },
    )
    change = storage.change(cid)
    assert change is not None
    assert (change.categories, change.urgency) == (["fba"], "high")
    assert [c.id for c in storage.changes(categories=["fba"], watchlists=["库容"])] == [cid]
    with pytest.raises(ValueError, match="unknown classification"):
        storage.set_classification(cid, {"category": "x"})


def test_a_sources_first_run_is_a_baseline_that_the_digest_does_not_send(storage: Storage) -> None:
    first = storage.start_run(["gs"], baseline=True)
    old = storage.save_version(
        first, snap("旧公告"), new_document_diff("旧公告"), ChangeKind.NEW, 3
    )
    storage.finish_run(first)
    second = storage.start_run(["gs"], baseline=True)
    other = Snapshot(source_id="gs", url=URL + "-2", title="新公告", text="新公告", fingerprint="x")
    new = storage.save_version(second, other, new_document_diff("新公告"), ChangeKind.NEW, 3)
    assert storage.change(old).baseline  # type: ignore[union-attr]
    assert not storage.change(new).baseline  # type: ignore[union-attr]
    assert [c.id for c in storage.undelivered("wecom")] == [new]
    assert {c.id for c in storage.changes()} == {old, new}  # both stay in the history


def test_a_new_document_is_stored_without_a_duplicate_diff(storage: Storage) -> None:
    run = storage.start_run(["gs"])
    cid = storage.save_version(
        run, snap("第一段\n第二段"), new_document_diff("第一段\n第二段"), ChangeKind.NEW, 6
    )
    change = storage.change(cid)
    assert change is not None
    assert change.diff is None  # its text is `added`; the ops are rebuilt from it
    (op,) = change.structured_diff().ops
    assert (op.op, op.new) == ("insert", ("第一段", "第二段"))
    assert change.to_json(with_diff=True)["diff"]["ops"][0]["op"] == "insert"


def test_a_long_text_is_stored_once_and_compressed(storage: Storage) -> None:
    line = "第{}段：自2026年3月1日起，FBA配送费按新的尺寸分段计算。"
    text = "\n".join(line.format(n) for n in range(200))
    run = storage.start_run(["gs"])
    cid = storage.save_version(run, snap(text), new_document_diff(text), ChangeKind.NEW, 5000)
    raw = sqlite3.connect(storage.db.conn.execute("PRAGMA database_list").fetchone()[2])
    version_text, added = raw.execute(
        "SELECT v.text, c.added FROM changes c JOIN versions v ON v.id = c.new_version_id"
        " WHERE c.id = ?",
        (cid,),
    ).fetchone()
    assert version_text == ""  # the first version's text is its new change's
    assert isinstance(added, bytes)
    assert len(added) < len(text.encode()) / 5  # zlib
    # every reader gets the text back
    assert storage.last_text(URL) == text
    (version,) = storage.versions(URL)
    assert version["length"] == len(text)
    assert storage.version_text(version["id"])["text"] == text  # type: ignore[index]
    assert storage.change(cid).added == text  # type: ignore[union-attr]
    later = text.replace("3月1日", "4月1日")
    diff = diff_text(text, later)
    assert diff is not None
    storage.save_version(run, snap(later), diff, ChangeKind.CHANGED, 5000)
    assert storage.last_text(URL) == later
    assert [v["length"] for v in storage.versions(URL)] == [len(text), len(later)]


def test_diffs_are_stored_packed_and_older_text_ones_are_packed_by_the_migration(
    tmp_path: Path,
) -> None:
    path = tmp_path / "policyradar.db"
    storage = Storage(path)
    run = storage.start_run(["gs"])
    text = "\n".join(f"第{i}条：共享库存将于3月1日终止，卖家需提前移除库存。" for i in range(200))
    storage.save_version(run, snap(text), new_document_diff(text), ChangeKind.NEW, len(text))
    later = text.replace("3月1日", "4月1日")
    diff = diff_text(text, later)
    assert diff is not None
    cid = storage.save_version(run, snap(later), diff, ChangeKind.CHANGED, len(later))
    stored = storage.db.execute("SELECT diff FROM changes WHERE id = ?", [cid]).fetchone()[0]
    assert isinstance(stored, bytes)
    assert storage.change(cid).structured_diff() == diff  # type: ignore[union-attr]
    # a database written before 0008 holds the JSON as text: the migration packs it
    storage.db.execute("UPDATE changes SET diff = ? WHERE id = ?", [diff_to_json(diff), cid])
    storage.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_packed_diffs'")
    storage.close()
    with Storage(path) as reopened:
        again = reopened.db.execute("SELECT diff FROM changes WHERE id = ?", [cid]).fetchone()[0]
        assert again == stored
        assert reopened.change(cid).structured_diff() == diff  # type: ignore[union-attr]


def test_signatures_are_stored_packed_and_older_json_ones_still_read(storage: Storage) -> None:
    from datetime import UTC, datetime, timedelta

    run = storage.start_run(["gs"])
    first = storage.save_version(run, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    other = Snapshot(source_id="gs", url=URL + "-2", title="新公告", text="正文二", fingerprint="2")
    second = storage.save_version(run, other, new_document_diff("正文二"), ChangeKind.NEW, 3)
    sig = [3, 2**62 + 7, 2**63 - 1]
    storage.set_classification(first, {"signature": sig})
    storage.db.execute("UPDATE changes SET signature = '[5, 6]' WHERE id = ?", [second])
    stored = storage.db.execute("SELECT signature FROM changes WHERE id = ?", [first]).fetchone()[0]
    assert stored == struct.pack("<3q", *sig)  # 8 bytes a value
    since = datetime.now(UTC) - timedelta(days=1)
    assert [list(row[3]) for row in storage.signatures(since)] == [sig, [5, 6]]


def test_a_documents_changes_are_found_by_index_not_by_scanning_every_change(
    storage: Storage,
) -> None:
    plan = storage.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM changes c WHERE c.document_id = ?"
        " ORDER BY c.detected_at DESC, c.id DESC LIMIT 2",
        [1],
    ).fetchall()
    assert any("USING INDEX changes_document" in row[3] for row in plan), plan


def test_a_source_whose_last_run_failed_is_in_health_after_a_good_one(storage: Storage) -> None:
    """The demo's eBay source (a new page, then HTTP 503) once went missing from the sources
    page: the health query's HAVING read run_sources' own ``errors`` column (one run's), not
    the sum of the runs'.
    """
    first = storage.start_run(["gs"])
    storage.save_version(first, snap("正文"), new_document_diff("正文"), ChangeKind.NEW, 2)
    storage.finish_run(first)
    second = storage.start_run(["gs"])
    storage.ensure_run_source(second, "gs")
    storage.record_event(second, "gs", "https://gs.amazon.cn/news", "error", "HTTP 503")
    storage.finish_run(second)
    (health,) = storage.source_health()
    assert (health["source_id"], health["runs"], health["errors"]) == ("gs", 2, 1)
    assert health["last_error"] == "HTTP 503 — https://gs.amazon.cn/news"


@pytest.mark.parametrize(
    "content",
    [b"not a database\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4080],
    ids=["text file", "damaged header"],
)
def test_a_file_that_is_no_database_is_named_and_left_untouched(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "policyradar.db"
    path.write_bytes(content)
    with pytest.raises(StorageError) as caught:
        Storage(path)
    assert caught.value.path == str(path)
    assert "database" in caught.value.reason
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policyradar.db"]  # no WAL files left
