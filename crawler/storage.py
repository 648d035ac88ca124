"""The only module that touches SQLite: sources, runs, documents, versions, changes and events."""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from crawler.items import ChangeKind, Outcome
from crawler.records import Change, DocumentState, RunSource, from_iso, to_iso, utcnow
from crawler.search import SearchError, index_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import datetime

    from crawler.config import Source
    from crawler.diffing import Diff
    from crawler.items import Snapshot

logger = logging.getLogger(__name__)

REMOVE_AFTER_STRIKES = 2
migrations = Migrations("policyradar")


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY, name TEXT, kind TEXT, url TEXT, marketplace TEXT,
            language TEXT, enabled INTEGER, updated_at TEXT
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
            status TEXT NOT NULL  -- running | finished | interrupted
        );
        CREATE TABLE run_sources (
            run_id INTEGER NOT NULL REFERENCES runs(id), source_id TEXT NOT NULL,
            outcome TEXT, failed INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,
            anomalies INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            PRIMARY KEY (run_id, source_id)
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '', published_at TEXT, first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL, etag TEXT, last_modified TEXT, body_hash TEXT,
            fingerprint TEXT, length INTEGER NOT NULL DEFAULT 0, version_id INTEGER,
            gone_strikes INTEGER NOT NULL DEFAULT 0, gone_run_id INTEGER, removed_at TEXT
        );
        CREATE INDEX documents_source ON documents(source_id);
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
            run_id INTEGER, fetched_at TEXT NOT NULL, fingerprint TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '', text TEXT NOT NULL
        );
        CREATE INDEX versions_document ON versions(document_id);
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
            source_id TEXT NOT NULL, run_id INTEGER, kind TEXT NOT NULL,
            detected_at TEXT NOT NULL, published_at TEXT, url TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '', old_version_id INTEGER, new_version_id INTEGER,
            added TEXT NOT NULL DEFAULT '', removed TEXT NOT NULL DEFAULT '', diff TEXT,
            categories TEXT NOT NULL DEFAULT '[]', keywords TEXT NOT NULL DEFAULT '[]',
            watch_hits TEXT NOT NULL DEFAULT '[]', effective_dates TEXT NOT NULL DEFAULT '[]',
            urgency TEXT, cluster TEXT
        );
        CREATE INDEX changes_detected ON changes(detected_at);
        CREATE INDEX changes_source ON changes(source_id, detected_at);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY, run_id INTEGER, source_id TEXT NOT NULL, url TEXT,
            kind TEXT NOT NULL,  -- anomaly | error
            reason TEXT NOT NULL, at TEXT NOT NULL
        );
        CREATE INDEX events_run ON events(run_id, source_id);
        """
    )


@migrations(name="0002_classification_and_deliveries")
def _classification_and_deliveries(db: Database) -> None:
    db.executescript(
        """
        ALTER TABLE changes ADD COLUMN signature TEXT;  -- near-duplicate signature (JSON)
        ALTER TABLE changes ADD COLUMN is_promo INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY, subscription TEXT NOT NULL, started_at TEXT NOT NULL,
            status TEXT NOT NULL,  -- sent | failed
            change_ids TEXT NOT NULL DEFAULT '[]', parts INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX deliveries_subscription ON deliveries(subscription, id);
        CREATE TABLE delivered (
            subscription TEXT NOT NULL, change_id INTEGER NOT NULL REFERENCES changes(id),
            delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
            PRIMARY KEY (subscription, change_id)
        );
        """
    )


# -- search: the full-text index over changes ---------------------------------------------------
# ``changes_fts`` is an FTS5 table over changes(title, added, removed, keywords) whose content is
# the ``changes`` table itself (so Datasette offers its search box on ``changes``), but whose index
# holds `crawler.search.index_text` of each column: folded text, Latin words and two-character CJK
# pieces. It is written here, in the same transaction as the change row, never by triggers (the
# folding is Python). Never run FTS5's 'rebuild' on it: use `Storage.rebuild_search_index`.
SEARCH_FORMAT = "bigram-porter-1"  # bump when index_text changes: the index is rebuilt on open
SEARCH_COLUMNS = ("title", "added", "removed", "keywords")
SEARCH_WINDOW = 200  # how many of the newest matching changes a search ranks
_SNIPPET_CHARS = 600  # characters of added/removed text read for ranking a candidate
SEARCH_SCAN = 10_000  # with filters: at most this many of the newest text matches are checked
_SEARCH_STEPS = 150  # thousands of SQLite VM steps a filtered search may take before chunking
FACET_WINDOW = 1000  # facets list the values seen in this many of the latest changes


@migrations(name="0003_search")
def _search(db: Database) -> None:
    db.execute(
        "CREATE VIRTUAL TABLE changes_fts USING fts5(title, added, removed, keywords,"
        ' content="changes", content_rowid="id",'
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE TABLE search_index (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    _fill_search_index(db.conn)


def _index_values(title: str, added: str, removed: str, keywords: str | None) -> tuple[str, ...]:
    words = json.loads(keywords or "[]")
    return (
        index_text(title or ""),
        index_text(added or ""),
        index_text(removed or ""),
        index_text(" ".join(str(w) for w in words)),
    )


def _index_change(conn: sqlite3.Connection, change_id: int, *, delete: bool = False) -> None:
    """Add (or, with ``delete``, take out) one change's row of the search index."""
    row = conn.execute(
        "SELECT title, added, removed, keywords FROM changes WHERE id = ?", (change_id,)
    ).fetchone()
    if row is None:
        return
    columns = ", ".join(SEARCH_COLUMNS)
    if delete:
        sql = f"INSERT INTO changes_fts (changes_fts, rowid, {columns}) VALUES ('delete',?,?,?,?,?)"
    else:
        sql = f"INSERT INTO changes_fts (rowid, {columns}) VALUES (?, ?, ?, ?, ?)"
    conn.execute(sql, (change_id, *_index_values(*row)))


def _fill_search_index(conn: sqlite3.Connection, batch: int = 2000) -> int:
    """Index every change from scratch (inside the caller's transaction); returns the count."""
    conn.execute("INSERT INTO changes_fts (changes_fts) VALUES ('delete-all')")
    count, last = 0, 0
    while True:
        rows = conn.execute(
            "SELECT id, title, added, removed, keywords FROM changes WHERE id > ?"
            " ORDER BY id LIMIT ?",
            (last, batch),
        ).fetchall()
        if not rows:
            break
        conn.executemany(
            f"INSERT INTO changes_fts (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
            [(r[0], *_index_values(*r[1:])) for r in rows],
        )
        count, last = count + len(rows), rows[-1][0]
    conn.execute(
        "INSERT OR REPLACE INTO search_index (name, value) VALUES ('format', ?)", (SEARCH_FORMAT,)
    )
    return count


@migrations(name="0004_baseline")
def _baseline(db: Database) -> None:
    db.executescript(
        """
        -- a source's first run records what is already there: its changes are history, not news
        ALTER TABLE run_sources ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE changes ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0;
        """
    )


class Storage:
    """One SQLite file (WAL), migrated on open; every crawl write is one transaction."""

    def __init__(self, path: str | Path) -> None:
        if str(path) == ":memory:":
            self.db = Database(memory=True)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = Database(path)
            self.db.enable_wal()
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.db.execute("PRAGMA synchronous = NORMAL")
        migrations.apply(self.db)
        self._check_search_index()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self.db.atomic():
            yield self.db.conn

    def _one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        cur = self.db.conn.execute(sql, tuple(params))
        cur.row_factory = sqlite3.Row
        return cur.fetchone()

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        cur = self.db.conn.execute(sql, tuple(params))
        cur.row_factory = sqlite3.Row
        return cur.fetchall()

    # -- sources and runs ---------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[Source]) -> None:
        now = to_iso(utcnow())
        with self._tx() as conn:
            for s in sources:
                conn.execute(
                    "INSERT INTO sources (id, name, kind, url, marketplace, language, enabled,"
                    " updated_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                    " name=excluded.name, kind=excluded.kind, url=excluded.url,"
                    " marketplace=excluded.marketplace, language=excluded.language,"
                    " enabled=excluded.enabled, updated_at=excluded.updated_at",
                    (
                        s.id,
                        s.name,
                        s.kind,
                        s.entry_urls[0],
                        s.marketplace,
                        s.language,
                        int(s.enabled),
                        now,
                    ),
                )

    def start_run(self, source_ids: Iterable[str], *, baseline: bool = False) -> int:
        """Open a run; runs left open by a crash are closed as ``interrupted`` first.

        With ``baseline``, a source that has no documents yet gets a baseline run: the documents
        it finds are stored as new, but flagged as the starting point rather than news (the digest
        does not send them).
        """
        with self._tx() as conn:
            for row in self._all("SELECT id FROM runs WHERE status = 'running'"):
                self._close_run(conn, row["id"], "interrupted")
            cur = conn.execute(
                "INSERT INTO runs (started_at, status) VALUES (?, 'running')", (to_iso(utcnow()),)
            )
            run_id = int(cur.lastrowid or 0)
            for sid in source_ids:
                self._open_run_source(conn, run_id, sid, baseline=baseline)
        return run_id

    def _open_run_source(
        self, conn: sqlite3.Connection, run_id: int, source_id: str, *, baseline: bool
    ) -> None:
        fresh = (
            baseline
            and self._one("SELECT 1 FROM documents WHERE source_id = ? LIMIT 1", (source_id,))
            is None
        )
        conn.execute(
            "INSERT OR IGNORE INTO run_sources (run_id, source_id, baseline) VALUES (?, ?, ?)",
            (run_id, source_id, int(fresh)),
        )

    def finish_run(self, run_id: int) -> list[RunSource]:
        with self._tx() as conn:
            self._close_run(conn, run_id, "finished")
        return self.run_sources(run_id)

    def _close_run(self, conn: sqlite3.Connection, run_id: int, status: str) -> None:
        conn.execute(
            "UPDATE run_sources SET outcome = CASE"
            " WHEN failed OR (errors + anomalies > 0 AND new + changed + removed + unchanged = 0)"
            "  THEN 'error'"
            " WHEN new + changed + removed > 0 THEN 'changed' ELSE 'unchanged' END"
            " WHERE run_id = ?",
            (run_id,),
        )
        conn.execute(
            "UPDATE runs SET finished_at = ?, status = ? WHERE id = ?",
            (to_iso(utcnow()), status, run_id),
        )

    def ensure_run_source(self, run_id: int, source_id: str, *, baseline: bool = False) -> None:
        with self._tx() as conn:
            self._open_run_source(conn, run_id, source_id, baseline=baseline)

    def run_sources(self, run_id: int) -> list[RunSource]:
        rows = self._all("SELECT * FROM run_sources WHERE run_id = ? ORDER BY source_id", (run_id,))
        return [_run_source(r) for r in rows]

    def last_outcomes(self) -> dict[str, tuple[RunSource, str]]:
        """Each source's outcome in the latest run that covered it, with the run's start time."""
        rows = self._all(
            "SELECT rs.*, r.started_at FROM run_sources rs JOIN runs r ON r.id = rs.run_id"
            " WHERE rs.outcome IS NOT NULL AND rs.run_id = (SELECT MAX(run_id) FROM run_sources"
            " x WHERE x.source_id = rs.source_id AND x.outcome IS NOT NULL)"
        )
        return {r["source_id"]: (_run_source(r), r["started_at"]) for r in rows}

    def events(self, run_id: int) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT source_id, url, kind, reason, at FROM events WHERE run_id = ? ORDER BY id",
            (run_id,),
        )
        return [dict(r) for r in rows]

    # -- documents ---------------------------------------------------------------------------

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
            "SELECT v.text FROM documents d JOIN versions v ON v.id = d.version_id WHERE d.url = ?",
            (url,),
        )
        return row["text"] if row else None

    def versions(self, url: str) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT v.id, v.fetched_at, v.fingerprint, v.title, length(v.text) AS length"
            " FROM versions v JOIN documents d ON d.id = v.document_id WHERE d.url = ?"
            " ORDER BY v.id",
            (url,),
        )
        return [dict(r) for r in rows]

    def save_version(
        self, run_id: int, snap: Snapshot, diff: Diff, kind: ChangeKind, length: int
    ) -> int:
        """Store a new version of ``snap`` and the change it makes; return the change id."""
        from crawler.diffing import diff_to_json

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
            cur = conn.execute(
                "INSERT INTO versions (document_id, run_id, fetched_at, fingerprint, title, text)"
                " VALUES (?,?,?,?,?,?)",
                (doc_id, run_id, now, snap.fingerprint, snap.title, snap.text),
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
            in_baseline = (
                kind == ChangeKind.NEW
                and self._one(
                    "SELECT 1 FROM run_sources WHERE run_id = ? AND source_id = ? AND baseline = 1",
                    (run_id, snap.source_id),
                )
                is not None
            )
            cur = conn.execute(
                "INSERT INTO changes (document_id, source_id, run_id, kind, detected_at,"
                " published_at, url, title, old_version_id, new_version_id, added, removed, diff,"
                " baseline) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc_id,
                    snap.source_id,
                    run_id,
                    str(kind),
                    now,
                    published,
                    snap.url,
                    snap.title,
                    old_version,
                    version_id,
                    diff.added,
                    diff.removed,
                    diff_to_json(diff),
                    int(in_baseline),
                ),
            )
            change_id = int(cur.lastrowid or 0)
            _index_change(conn, change_id)
            self._count(
                conn, run_id, snap.source_id, "new" if kind == ChangeKind.NEW else "changed"
            )
        return change_id

    def record_unchanged(self, run_id: int, snap: Snapshot) -> None:
        """Remember the fetch (validators, last seen) without writing a version."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE documents SET last_seen = ?, etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified), body_hash = COALESCE(?, body_hash),"
                " gone_strikes = 0, gone_run_id = NULL WHERE url = ?",
                (to_iso(utcnow()), snap.etag, snap.last_modified, snap.body_hash, snap.url),
            )
            self._count(conn, run_id, snap.source_id, "unchanged")

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
            text = self._one("SELECT text FROM versions WHERE id = ?", (row["version_id"],))
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
                    text["text"] if text else "",
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

    def record_event(
        self, run_id: int, source_id: str, url: str, kind: str, reason: str, *, index: bool = False
    ) -> None:
        """Record an anomaly or an error; ``index`` marks the source's entry point as failed."""
        with self._tx() as conn:
            self._event(conn, run_id, source_id, url, kind, reason)
            if index:
                conn.execute(
                    "UPDATE run_sources SET failed = 1 WHERE run_id = ? AND source_id = ?",
                    (run_id, source_id),
                )

    def _event(
        self,
        conn: sqlite3.Connection,
        run_id: int,
        source_id: str,
        url: str,
        kind: str,
        reason: str,
    ) -> None:
        conn.execute(
            "INSERT INTO events (run_id, source_id, url, kind, reason, at) VALUES (?,?,?,?,?,?)",
            (run_id, source_id, url, kind, reason, to_iso(utcnow())),
        )
        column = "anomalies" if kind == "anomaly" else "errors"
        self._count(conn, run_id, source_id, column)
        conn.execute(
            "UPDATE run_sources SET error = COALESCE(error, ?) WHERE run_id = ? AND source_id = ?",
            (f"{reason} — {url}", run_id, source_id),
        )

    @staticmethod
    def _count(conn: sqlite3.Connection, run_id: int, source_id: str, column: str) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO run_sources (run_id, source_id) VALUES (?, ?)",
            (run_id, source_id),
        )
        conn.execute(
            f"UPDATE run_sources SET {column} = {column} + 1 WHERE run_id = ? AND source_id = ?",
            (run_id, source_id),
        )

    # -- change history ----------------------------------------------------------------------

    def changes(
        self,
        *,
        since: datetime | None = None,
        sources: Iterable[str] = (),
        kinds: Iterable[str] = (),
        categories: Iterable[str] = (),
        watchlists: Iterable[str] = (),
        run_id: int | None = None,
        limit: int | None = 50,
        offset: int = 0,
        **more: Any,
    ) -> list[Change]:
        """Changes newest first; ``more`` takes the search filters too (see `_filters`)."""
        where, params = _filters(
            since=since,
            sources=sources,
            kinds=kinds,
            categories=categories,
            watchlists=watchlists,
            run_id=run_id,
            **more,
        )
        sql = (
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            f" LEFT JOIN sources s ON s.id = c.source_id WHERE {' AND '.join(where)}"
            " ORDER BY c.detected_at DESC, c.id DESC"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_change(r) for r in self._all(sql, params)]

    def change(self, change_id: int) -> Change | None:
        row = self._one(
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            " LEFT JOIN sources s ON s.id = c.source_id WHERE c.id = ?",
            (change_id,),
        )
        return _change(row) if row else None

    def set_classification(self, change_id: int, tags: dict[str, Any]) -> None:
        """Store a change's classification: categories, keywords, watch_hits, effective_dates,
        urgency, cluster, signature, is_promo (any subset).
        """
        columns = {
            "categories",
            "keywords",
            "watch_hits",
            "effective_dates",
            "urgency",
            "cluster",
            "signature",
            "is_promo",
        }
        unknown = set(tags) - columns
        if unknown:
            raise ValueError(f"unknown classification field(s): {sorted(unknown)}")
        values = {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in tags.items()
        }
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self._tx() as conn:
            reindex = "keywords" in values
            if reindex:
                _index_change(conn, change_id, delete=True)
            conn.execute(
                f"UPDATE changes SET {assignments} WHERE id = ?",
                (*values.values(), change_id),
            )
            if reindex:
                _index_change(conn, change_id)

    def signatures(
        self, since: datetime, *, exclude_source: str | None = None
    ) -> list[tuple[int, str | None, str]]:
        """``(change id, cluster, signature)`` of changes detected since ``since`` that have one,
        optionally leaving out one source's changes.
        """
        rows = self._all(
            "SELECT id, cluster, signature FROM changes WHERE signature IS NOT NULL"
            " AND detected_at >= ? AND source_id IS NOT ? ORDER BY id",
            (to_iso(since), exclude_source),
        )
        return [(r["id"], r["cluster"], r["signature"]) for r in rows]

    # -- deliveries --------------------------------------------------------------------------

    def undelivered(
        self, subscription: str, *, since: datetime | None = None, limit: int | None = None
    ) -> list[Change]:
        """Changes not yet sent to ``subscription``, oldest first, detected since ``since``.

        Changes found by a source's baseline run (its first) are history, not news: never sent.
        """
        where, params = (
            [
                "c.baseline = 0",
                "NOT EXISTS (SELECT 1 FROM delivered x WHERE x.subscription = ?"
                " AND x.change_id = c.id)",
            ],
            [subscription],
        )
        if since is not None:
            where.append("c.detected_at >= ?")
            params.append(to_iso(since))
        sql = (
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            f" LEFT JOIN sources s ON s.id = c.source_id WHERE {' AND '.join(where)}"
            " ORDER BY c.detected_at, c.id"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_change(r) for r in self._all(sql, params)]

    def record_delivery(
        self,
        subscription: str,
        change_ids: Iterable[int],
        *,
        status: str,
        parts: int = 0,
        error: str | None = None,
    ) -> int:
        """Log a delivery attempt; a ``sent`` one marks its changes delivered, atomically."""
        ids = list(change_ids)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO deliveries (subscription, started_at, status, change_ids, parts,"
                " error) VALUES (?,?,?,?,?,?)",
                (subscription, to_iso(utcnow()), status, json.dumps(ids), parts, error),
            )
            delivery_id = int(cur.lastrowid or 0)
            if status == "sent":
                conn.executemany(
                    "INSERT OR IGNORE INTO delivered (subscription, change_id, delivery_id)"
                    " VALUES (?,?,?)",
                    [(subscription, cid, delivery_id) for cid in ids],
                )
        return delivery_id

    def deliveries(self, subscription: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM deliveries", []
        if subscription is not None:
            sql += " WHERE subscription = ?"
            params.append(subscription)
        rows = self._all(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
        return [{**dict(r), "change_ids": json.loads(r["change_ids"])} for r in rows]

    def last_delivery(self, subscription: str, status: str = "sent") -> dict[str, Any] | None:
        row = self._one(
            "SELECT * FROM deliveries WHERE subscription = ? AND status = ?"
            " ORDER BY id DESC LIMIT 1",
            (subscription, status),
        )
        return {**dict(row), "change_ids": json.loads(row["change_ids"])} if row else None

    def source_health(self, runs: int = 3) -> list[dict[str, Any]]:
        """Sources whose recent runs (the last ``runs`` that covered them) ended in error or had
        anomalies, with counts and the latest reason.
        """
        rows = self._all(
            "SELECT rs.source_id, s.name, COUNT(*) AS runs,"
            " SUM(rs.outcome = 'error') AS errors, SUM(rs.anomalies > 0) AS anomalous,"
            " MAX(r.started_at) AS last_run,"
            " (SELECT error FROM run_sources y WHERE y.source_id = rs.source_id"
            "   AND y.error IS NOT NULL ORDER BY y.run_id DESC LIMIT 1) AS last_error"
            " FROM run_sources rs JOIN runs r ON r.id = rs.run_id"
            " LEFT JOIN sources s ON s.id = rs.source_id"
            " WHERE rs.outcome IS NOT NULL AND (SELECT COUNT(*) FROM run_sources z"
            "   WHERE z.source_id = rs.source_id AND z.run_id > rs.run_id"
            "   AND z.outcome IS NOT NULL) < ?"
            " GROUP BY rs.source_id HAVING errors > 0 OR anomalous > 0 ORDER BY rs.source_id",
            (runs,),
        )
        return [dict(r) for r in rows]

    def counts(self) -> dict[str, int]:
        tables = ("documents", "versions", "changes", "runs", "events")
        return {t: self.db[t].count for t in tables}

    # -- search and the web UI's reads ---------------------------------------------------------

    def _check_search_index(self) -> None:
        row = self._one("SELECT value FROM search_index WHERE name = 'format'")
        if row is None or row["value"] != SEARCH_FORMAT:
            logger.info("search index format changed: rebuilding it")
            self.rebuild_search_index()

    def rebuild_search_index(self) -> int:
        """Index every change again (one transaction); returns how many were indexed."""
        with self._tx() as conn:
            return _fill_search_index(conn)

    def search(
        self, match: str, *, window: int = SEARCH_WINDOW, scan: int = SEARCH_SCAN, **filters: Any
    ) -> list[dict]:
        """The newest ``window`` changes matching the FTS5 expression ``match`` and ``filters``
        (those of `changes`), newest first, as light rows for ranking: id, detected_at, title,
        keywords and the first characters of added and removed. A filtered search that takes long
        (a rare filter over a common word) checks the newest text matches in chunks instead, at
        most ``scan`` of them, so it stays fast.
        """
        where, params = _filters(**filters)
        columns = (
            "SELECT c.id, c.detected_at, c.title, c.keywords,"
            f" substr(c.added, 1, {_SNIPPET_CHARS}) AS added,"
            f" substr(c.removed, 1, {_SNIPPET_CHARS}) AS removed"
        )
        direct = (  # FTS5 hands rows over newest first, the LIMIT stops it early
            f"{columns} FROM changes_fts m CROSS JOIN changes c ON c.id = m.rowid"
            f" LEFT JOIN sources s ON s.id = c.source_id WHERE changes_fts MATCH ?"
            f" AND {' AND '.join(where)} ORDER BY m.rowid DESC LIMIT ?"
        )
        steps = {"left": _SEARCH_STEPS}

        def spend() -> bool:  # a rare filter over a common word: give up, go by chunks
            steps["left"] -= 1
            return len(where) > 1 and steps["left"] < 0

        self.db.conn.set_progress_handler(spend, 1000)
        try:
            return [dict(r) for r in self._all(direct, [match, *params, window])]
        except sqlite3.OperationalError as exc:
            if steps["left"] >= 0:  # not our interruption: a query the parser let through
                logger.warning("search %r failed: %s", match, exc)
                raise SearchError("bad_query") from exc
        finally:
            self.db.conn.set_progress_handler(None, 0)
        try:
            rows: list[dict] = []
            below, examined, chunk = 2**63 - 1, 0, max(3 * window, 600)
            sql = (  # the chunk's ids drive the loop: one primary-key lookup each
                f"{columns} FROM json_each(?) m CROSS JOIN changes c ON c.id = m.value"
                f" LEFT JOIN sources s ON s.id = c.source_id WHERE {' AND '.join(where)}"
                " ORDER BY m.key"
            )
            while examined < scan and len(rows) < window:
                ids = [
                    r[0]
                    for r in self.db.conn.execute(
                        "SELECT rowid FROM changes_fts WHERE changes_fts MATCH ? AND rowid < ?"
                        " ORDER BY rowid DESC LIMIT ?",
                        (match, below, min(chunk, scan - examined)),
                    )
                ]
                if not ids:
                    break
                rows += [dict(r) for r in self._all(sql, [json.dumps(ids), *params])]
                below, examined, chunk = ids[-1], examined + len(ids), chunk * 4
            return rows[:window]
        except sqlite3.OperationalError as exc:  # a query the parser let through by mistake
            logger.warning("search %r failed: %s", match, exc)
            raise SearchError("bad_query") from exc

    def changes_by_id(self, ids: Iterable[int]) -> list[Change]:
        """The changes with these ids, in the order given (unknown ids are left out)."""
        wanted = list(ids)
        if not wanted:
            return []
        rows = self._all(
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            " LEFT JOIN sources s ON s.id = c.source_id"
            f" WHERE c.id IN ({','.join('?' * len(wanted))})",
            wanted,
        )
        found = {r["id"]: _change(r) for r in rows}
        return [found[i] for i in wanted if i in found]

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
            "SELECT id, document_id, fetched_at, title, text FROM versions WHERE id = ?",
            (version_id,),
        )
        return dict(row) if row else None

    def facets(self) -> dict[str, list[str]]:
        """Values the filters can take: sources and marketplaces (all), categories, urgencies
        and watchlists (as seen in the latest ``FACET_WINDOW`` changes, so the cost is bounded).
        """
        latest = (
            "(SELECT categories, urgency, watch_hits FROM changes"
            f" ORDER BY id DESC LIMIT {FACET_WINDOW})"
        )
        queries = {
            "categories": f"SELECT DISTINCT j.value FROM {latest} c, json_each(c.categories) j",
            "sources": "SELECT id FROM sources",
            "marketplaces": "SELECT DISTINCT marketplace FROM sources WHERE marketplace != ''",
            "urgencies": f"SELECT DISTINCT urgency FROM {latest} WHERE urgency IS NOT NULL",
            "watchlists": "SELECT DISTINCT json_extract(j.value, '$.watchlist')"
            f" FROM {latest} c, json_each(c.watch_hits) j",
        }
        return {
            name: sorted(str(r[0]) for r in self._all(sql) if r[0] is not None)
            for name, sql in queries.items()
        }

    def has_changes(self) -> bool:
        return self._one("SELECT 1 FROM changes LIMIT 1") is not None

    def latest_change_id(self) -> int:
        row = self._one("SELECT MAX(id) AS id FROM changes")
        return int(row["id"] or 0) if row else 0

    def source_names(self) -> dict[str, str]:
        return {r["id"]: r["name"] or r["id"] for r in self._all("SELECT id, name FROM sources")}

    def source_counts(self) -> dict[str, dict[str, Any]]:
        """Per source: documents, changes and the time of the latest change."""
        rows = self._all(
            "SELECT s.id AS source_id, s.name, s.kind, s.url, s.marketplace, s.enabled,"
            " (SELECT COUNT(*) FROM documents d WHERE d.source_id = s.id) AS documents,"
            " (SELECT COUNT(*) FROM changes c WHERE c.source_id = s.id) AS changes,"
            " (SELECT MAX(detected_at) FROM changes c WHERE c.source_id = s.id) AS last_change"
            " FROM sources s ORDER BY s.id"
        )
        return {r["source_id"]: dict(r) for r in rows}


def _filters(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sources: Iterable[str] = (),
    kinds: Iterable[str] = (),
    categories: Iterable[str] = (),
    watchlists: Iterable[str] = (),
    marketplaces: Iterable[str] = (),
    urgencies: Iterable[str] = (),
    watch_hits_only: bool = False,
    run_id: int | None = None,
    document_id: int | None = None,
) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``changes c`` (joined with ``sources s``): each filter narrows, each
    list is "any of"; dates compare ``detected_at`` (``until`` is exclusive).
    """
    where: list[str] = ["1 = 1"]
    params: list[Any] = []

    def any_of(values: Iterable[str], template: str) -> None:
        if items := [v for v in values if v]:
            where.append(template.format(marks=",".join("?" * len(items))))
            params.extend(items)

    if since is not None:
        where.append("c.detected_at >= ?")
        params.append(to_iso(since))
    if until is not None:
        where.append("c.detected_at < ?")
        params.append(to_iso(until))
    any_of(sources, "c.source_id IN ({marks})")
    any_of(kinds, "c.kind IN ({marks})")
    any_of(
        categories, "EXISTS (SELECT 1 FROM json_each(c.categories) j WHERE j.value IN ({marks}))"
    )
    any_of(
        watchlists,
        "EXISTS (SELECT 1 FROM json_each(c.watch_hits) j"
        " WHERE json_extract(j.value, '$.watchlist') IN ({marks}))",
    )
    any_of(marketplaces, "s.marketplace IN ({marks})")
    any_of(urgencies, "c.urgency IN ({marks})")
    if watch_hits_only:
        where.append("c.watch_hits NOT IN ('', '[]')")
    if run_id is not None:
        where.append("c.run_id = ?")
        params.append(run_id)
    if document_id is not None:
        where.append("c.document_id = ?")
        params.append(document_id)
    return where, params


def _run_source(row: sqlite3.Row) -> RunSource:
    return RunSource(
        run_id=row["run_id"],
        source_id=row["source_id"],
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        new=row["new"],
        changed=row["changed"],
        removed=row["removed"],
        unchanged=row["unchanged"],
        anomalies=row["anomalies"],
        errors=row["errors"],
        error=row["error"],
    )


def _change(row: sqlite3.Row) -> Change:
    return Change(
        id=row["id"],
        source_id=row["source_id"],
        url=row["url"],
        title=row["title"],
        kind=ChangeKind(row["kind"]),
        detected_at=from_iso(row["detected_at"]) or utcnow(),
        published_at=from_iso(row["published_at"]),
        added=row["added"],
        removed=row["removed"],
        run_id=row["run_id"],
        document_id=row["document_id"],
        source_name=row["source_name"] or "",
        marketplace=row["marketplace"] or "",
        categories=json.loads(row["categories"]),
        keywords=json.loads(row["keywords"]),
        watch_hits=json.loads(row["watch_hits"]),
        effective_dates=json.loads(row["effective_dates"]),
        urgency=row["urgency"],
        cluster=row["cluster"],
        diff=row["diff"],
        is_promo=bool(row["is_promo"]),
        baseline=bool(row["baseline"]),
    )
