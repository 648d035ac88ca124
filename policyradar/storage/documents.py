"""Documents and their versions: each crawl write that stores, refreshes or removes one."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from policyradar.records import ChangeKind, DocumentState, to_iso, utcnow
from policyradar.storage.classification import tag_values
from policyradar.storage.codec import pack, unpack
from policyradar.storage.fulltext import _index_change
from policyradar.storage.runs import RunsMixin

if TYPE_CHECKING:
    from policyradar.records import Snapshot
    from policyradar.text.diffing import Diff

REMOVE_AFTER_STRIKES = 2
# A document's first version keeps no text of its own (''): its new change's `added` holds it.
VERSION_TEXT = (
    "COALESCE(NULLIF(v.text, ''), (SELECT c.added FROM changes c"
    " WHERE c.new_version_id = v.id AND c.kind = 'new'))"
)


class DocumentsMixin(RunsMixin):
    """A document's latest state and versions; new, changed, unchanged and gone fetches."""

    def document(self, url: str) -> DocumentState | None:
        row = self._one("SELECT * FROM documents WHERE url = ?", (url,))
        if row is None:
            return None
        return DocumentState(
            id=row["id"],
            url=row["url"],
            source_id=row["source_id"],
            title=row["title"],
            fingerprint=row["fingerprint"],
            body_hash=row["body_hash"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            length=row["length"],
            gone_strikes=row["gone_strikes"],
            removed=row["removed_at"] is not None,
        )

    def last_text(self, url: str) -> str | None:
        row = self._one(
            f"SELECT {VERSION_TEXT} AS text FROM documents d JOIN versions v"
            " ON v.id = d.version_id WHERE d.url = ?",
            (url,),
        )
        return unpack(row["text"]) if row else None

    def change_text(self, change_id: int) -> str | None:
        """The whole text of the version a change made (None for a removal or no change)."""
        row = self._one(
            f"SELECT {VERSION_TEXT} AS text FROM changes c JOIN versions v"
            " ON v.id = c.new_version_id WHERE c.id = ?",
            (change_id,),
        )
        return unpack(row["text"]) if row else None

    def versions(self, url: str) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT v.id, v.fetched_at, v.fingerprint, v.title,"
            f" length(unpack({VERSION_TEXT})) AS length"
            " FROM versions v JOIN documents d ON d.id = v.document_id WHERE d.url = ?"
            " ORDER BY v.id",
            (url,),
        )
        return [dict(r) for r in rows]

    def save_version(
        self,
        run_id: int,
        snap: Snapshot,
        diff: Diff,
        kind: ChangeKind,
        length: int,
        tags: dict[str, Any] | None = None,
        indexed: tuple[str, str, str] | None = None,
    ) -> int:
        """Store a new version of ``snap`` and the change it makes, with its classification
        ``tags`` (see `set_classification`), in one transaction; return the change id.
        ``indexed`` is `change_index_texts` of the change, when computed already.
        """
        from policyradar.text.diffing import diff_to_json

        now = to_iso(utcnow())
        published = to_iso(snap.published_at)
        with self._tx() as conn:
            row = self._one("SELECT id, version_id FROM documents WHERE url = ?", (snap.url,))
            if row is None:
                cur = conn.execute(
                    "INSERT INTO documents (url, source_id, title, published_at, first_seen,"
                    " last_seen) VALUES (?,?,?,?,?,?)",
                    (snap.url, snap.source_id, snap.title, published, now, now),
                )
                doc_id, old_version = int(cur.lastrowid or 0), None
            else:
                doc_id, old_version = row["id"], row["version_id"]
            text = pack(snap.text)
            first = kind == ChangeKind.NEW and diff.added == snap.text  # stored once, in the change
            cur = conn.execute(
                "INSERT INTO versions (document_id, run_id, fetched_at, fingerprint, title, text)"
                " VALUES (?,?,?,?,?,?)",
                (doc_id, run_id, now, snap.fingerprint, snap.title, "" if first else text),
            )
            version_id = int(cur.lastrowid or 0)
            conn.execute(
                "UPDATE documents SET title = ?, published_at = COALESCE(?, published_at),"
                " last_seen = ?, etag = ?, last_modified = ?, body_hash = ?, fingerprint = ?,"
                " length = ?, version_id = ?, gone_strikes = 0, gone_run_id = NULL,"
                " removed_at = NULL WHERE id = ?",
                (
                    snap.title,
                    published,
                    now,
                    snap.etag,
                    snap.last_modified,
                    snap.body_hash,
                    snap.fingerprint,
                    length,
                    version_id,
                    doc_id,
                ),
            )
            in_baseline = kind == ChangeKind.NEW and self._in_baseline(
                run_id, snap.source_id, snap.url
            )
            row = {
                "document_id": doc_id,
                "source_id": snap.source_id,
                "run_id": run_id,
                "kind": str(kind),
                "detected_at": now,
                "published_at": published,
                "url": snap.url,
                "title": snap.title,
                "old_version_id": old_version,
                "new_version_id": version_id,
                "added": text if first else pack(diff.added),
                "removed": pack(diff.removed),
                # new: `added` says it
                "diff": None if kind == ChangeKind.NEW else pack(diff_to_json(diff)),
                "baseline": int(in_baseline),
                # with the row, not after it: an update would rewrite the row and its dates
                **(tag_values(tags) if tags else {}),
            }
            cur = conn.execute(
                f"INSERT INTO changes ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
            change_id = int(cur.lastrowid or 0)
            _index_change(conn, change_id, indexed=indexed)
            self._count(
                conn, run_id, snap.source_id, "new" if kind == ChangeKind.NEW else "changed"
            )
        return change_id

    def record_unchanged(self, run_id: int, *snaps: Snapshot) -> None:
        """Remember fetches (validators, last seen) without writing a version: one transaction."""
        now = to_iso(utcnow())
        with self._tx() as conn:
            conn.executemany(
                "UPDATE documents SET last_seen = ?, etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified), body_hash = COALESCE(?, body_hash),"
                " gone_strikes = 0, gone_run_id = NULL WHERE url = ?",
                [(now, s.etag, s.last_modified, s.body_hash, s.url) for s in snaps],
            )
            for source_id, count in Counter(s.source_id for s in snaps).items():
                self._count(conn, run_id, source_id, "unchanged", count)

    def record_gone(self, run_id: int, source_id: str, url: str, status: int) -> int | None:
        """Count a 404/410; the second run in a row removes the document (returns the change id)."""
        with self._tx() as conn:
            row = self._one("SELECT * FROM documents WHERE url = ?", (url,))
            if row is None or row["removed_at"] is not None:
                reason = f"HTTP {status}" + (" (already removed)" if row is not None else "")
                self._event(conn, run_id, source_id, url, "error", reason)
                return None
            strikes = row["gone_strikes"] + (0 if row["gone_run_id"] == run_id else 1)
            if strikes < REMOVE_AFTER_STRIKES:
                conn.execute(
                    "UPDATE documents SET gone_strikes = ?, gone_run_id = ? WHERE id = ?",
                    (strikes, run_id, row["id"]),
                )
                self._event(
                    conn,
                    run_id,
                    source_id,
                    url,
                    "error",
                    f"HTTP {status} ({strikes}/{REMOVE_AFTER_STRIKES} before removal)",
                )
                return None
            now = to_iso(utcnow())
            text = self._one(
                f"SELECT {VERSION_TEXT} AS text FROM versions v WHERE v.id = ?",
                (row["version_id"],),
            )
            cur = conn.execute(
                "INSERT INTO changes (document_id, source_id, run_id, kind, detected_at,"
                " published_at, url, title, old_version_id, added, removed)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    row["id"],
                    source_id,
                    run_id,
                    str(ChangeKind.REMOVED),
                    now,
                    row["published_at"],
                    url,
                    row["title"],
                    row["version_id"],
                    "",
                    text["text"] if text else "",  # packed as the version is
                ),
            )
            change_id = int(cur.lastrowid or 0)
            _index_change(conn, change_id)
            conn.execute(
                "UPDATE documents SET gone_strikes = ?, gone_run_id = ?, removed_at = ?"
                " WHERE id = ?",
                (strikes, run_id, now, row["id"]),
            )
            self._count(conn, run_id, source_id, "removed")
            return change_id

    def document_by_id(self, document_id: int) -> dict[str, Any] | None:
        row = self._one(
            "SELECT d.id, d.url, d.source_id, d.title, d.published_at, d.first_seen,"
            " d.last_seen, d.removed_at, s.name AS source_name, s.marketplace"
            " FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = ?",
            (document_id,),
        )
        return dict(row) if row else None

    def version_text(self, version_id: int) -> dict[str, Any] | None:
        """One stored version: id, document_id, fetched_at, title and its full text."""
        row = self._one(
            f"SELECT id, document_id, fetched_at, title, {VERSION_TEXT} AS text FROM versions v"
            " WHERE v.id = ?",
            (version_id,),
        )
        return {**dict(row), "text": unpack(row["text"])} if row else None
