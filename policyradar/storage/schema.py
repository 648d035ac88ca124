"""The named migrations, in order: the database schema."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlite_utils.migrations import Migrations

from policyradar.storage.codec import PACK_MIN_BYTES, pack
from policyradar.storage.fulltext import _fill_search_index

if TYPE_CHECKING:
    from sqlite_utils import Database

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


@migrations(name="0003_search")
def _search(db: Database) -> None:
    db.execute(
        "CREATE VIRTUAL TABLE changes_fts USING fts5(title, added, removed, keywords,"
        ' content="changes", content_rowid="id",'
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE TABLE search_index (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    _fill_search_index(db.conn)


@migrations(name="0004_baseline")
def _baseline(db: Database) -> None:
    db.executescript(
        """
        -- a source's first run records what is already there: its changes are history, not news
        ALTER TABLE run_sources ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE changes ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0;
        """
    )


@migrations(name="0005_search_columns")
def _search_columns(db: Database) -> None:
    # detail=column keeps which columns hold a token, not where: a tenth of the size. Phrases are
    # matched as all their tokens, then checked against the text (see `policyradar.search.query`).
    db.execute("DROP TABLE changes_fts")
    db.execute(
        "CREATE VIRTUAL TABLE changes_fts USING fts5(title, added, removed, keywords,"
        ' content="changes", content_rowid="id", detail=column,'
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    _fill_search_index(db.conn)


@migrations(name="0006_packed_text")
def _packed_text(db: Database) -> None:
    """Long texts become zlib BLOBs (see `storage.codec`); VACUUM gives the space back."""
    _pack_columns(db, "versions", "text")
    _pack_columns(db, "changes", "added", "removed")


@migrations(name="0007_first_text_once")
def _first_text_once(db: Database) -> None:
    """A document's first text is kept once, by its new change (see `VERSION_TEXT`)."""
    db.executescript(
        """
        CREATE INDEX changes_new_version ON changes(new_version_id);
        UPDATE versions SET text = '' WHERE text != '' AND id IN (
            SELECT c.new_version_id FROM changes c
            WHERE c.kind = 'new' AND c.new_version_id = versions.id AND c.added = versions.text
        );
        """
    )


@migrations(name="0008_packed_diffs")
def _packed_diffs(db: Database) -> None:
    """A change's diff ops (JSON) are packed like its texts."""
    _pack_columns(db, "changes", "diff")


@migrations(name="0009_changes_by_document")
def _changes_by_document(db: Database) -> None:
    """A document's changes found by index (a removal reads its last change; the web UI its
    history), not by a scan of every change's row.
    """
    db.execute("CREATE INDEX changes_document ON changes(document_id)")


@migrations(name="0010_search_rows_only")
def _search_rows_only(db: Database) -> None:
    """detail=none: the index keeps which changes hold a token, not in which column (searches
    never ask; phrases are checked on the text anyway): a third of detail=column's size.
    """
    db.execute("DROP TABLE changes_fts")
    db.execute(
        "CREATE VIRTUAL TABLE changes_fts USING fts5(title, added, removed, keywords,"
        ' content="changes", content_rowid="id", detail=none,'
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    _fill_search_index(db.conn)


@migrations(name="0011_facts_and_summaries")
def _facts_and_summaries(db: Database) -> None:
    """A change's facts (values old → new) and its one-line summary in each language; the
    optional LLM summaries, cached per change, and the calls made each day (their budget).
    """
    db.executescript(
        """
        ALTER TABLE changes ADD COLUMN facts TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE changes ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE llm_summaries (
            change_id INTEGER NOT NULL REFERENCES changes(id), lang TEXT NOT NULL,
            model TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (change_id, lang, model)
        );
        CREATE TABLE llm_calls (day TEXT PRIMARY KEY, calls INTEGER NOT NULL DEFAULT 0);
        """
    )


@migrations(name="0012_marketplaces_dates_reminders")
def _marketplaces_dates_reminders(db: Database) -> None:
    """The marketplaces a change is about (regions expanded; until `reclassify` reads the
    texts, its source's own); its effective dates by day, kept in step by triggers, for the
    deadlines; and the reminders sent, one per subscription, change, date and lead time.
    """
    from policyradar.tagging.marketplaces import stored_marketplaces

    db.executescript(
        """
        ALTER TABLE changes ADD COLUMN marketplaces TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE change_dates (
            day TEXT NOT NULL, change_id INTEGER NOT NULL REFERENCES changes(id),
            PRIMARY KEY (day, change_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO change_dates (day, change_id)
            SELECT substr(j.value, 1, 10), c.id FROM changes c, json_each(c.effective_dates) j;
        CREATE TRIGGER change_dates_insert AFTER INSERT ON changes BEGIN
            INSERT OR IGNORE INTO change_dates (day, change_id)
                SELECT substr(j.value, 1, 10), NEW.id FROM json_each(NEW.effective_dates) j;
        END;
        CREATE TRIGGER change_dates_update AFTER UPDATE OF effective_dates ON changes BEGIN
            DELETE FROM change_dates WHERE change_id = NEW.id;
            INSERT OR IGNORE INTO change_dates (day, change_id)
                SELECT substr(j.value, 1, 10), NEW.id FROM json_each(NEW.effective_dates) j;
        END;
        CREATE TABLE reminders (
            subscription TEXT NOT NULL, change_id INTEGER NOT NULL REFERENCES changes(id),
            day TEXT NOT NULL,  -- the effective date reminded of
            days_before INTEGER NOT NULL,  -- the lead time (remind_days) it stands for
            delivery_id INTEGER REFERENCES deliveries(id), sent_at TEXT NOT NULL,
            PRIMARY KEY (subscription, change_id, day, days_before)
        );
        """
    )
    for source_id, marketplace in db.conn.execute("SELECT id, marketplace FROM sources"):
        db.conn.execute(
            "UPDATE changes SET marketplaces = ? WHERE source_id = ?",
            (json.dumps(stored_marketplaces(None, marketplace or "")), source_id),
        )


def _pack_columns(db: Database, table: str, *columns: str) -> None:
    for column in columns:
        rows = db.conn.execute(
            f"SELECT id, {column} FROM {table} WHERE typeof({column}) = 'text'"
            f" AND length(CAST({column} AS BLOB)) >= ?",
            (PACK_MIN_BYTES,),
        ).fetchall()
        db.conn.executemany(
            f"UPDATE {table} SET {column} = ? WHERE id = ?",
            [(pack(text), row_id) for row_id, text in rows],
        )


@migrations(name="0013_change_dates_by_change")
def _change_dates_by_change(db: Database) -> None:
    """``change_dates`` by change: the trigger that rewrites a change's dates on each
    classification read every row of the table without it (a first crawl's cost grew with the
    square of its changes).
    """
    db.execute("CREATE INDEX change_dates_change ON change_dates(change_id)")
