"""The only package that touches SQLite: sources, runs, documents, versions, changes and events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from policyradar.storage import codec
from policyradar.storage.classification import ClassificationMixin
from policyradar.storage.deadlines import DeadlinesMixin
from policyradar.storage.deliveries import DeliveriesMixin
from policyradar.storage.documents import REMOVE_AFTER_STRIKES, DocumentsMixin
from policyradar.storage.fulltext import (
    SEARCH_COLUMNS,
    SEARCH_FORMAT,
    SEARCH_SCAN,
    SEARCH_WINDOW,
    FullTextMixin,
)
from policyradar.storage.history import FACET_WINDOW, HistoryMixin
from policyradar.storage.schema import migrations
from policyradar.storage.sources import SourcesMixin
from policyradar.storage.summaries import SummariesMixin

__all__ = [
    "FACET_WINDOW",
    "REMOVE_AFTER_STRIKES",
    "SEARCH_COLUMNS",
    "SEARCH_FORMAT",
    "SEARCH_SCAN",
    "SEARCH_WINDOW",
    "Storage",
    "StorageError",
    "migrations",
]


class StorageError(Exception):
    """The database file cannot be opened as PolicyRadar's (not SQLite, damaged, unreadable)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"{self.path}: {reason}")


class Storage(
    DocumentsMixin,
    SourcesMixin,
    HistoryMixin,
    ClassificationMixin,
    DeliveriesMixin,
    FullTextMixin,
    SummariesMixin,
    DeadlinesMixin,
):
    """One SQLite file (WAL), migrated on open; every crawl write is one transaction."""

    def __init__(self, path: str | Path) -> None:
        """Open (or make) the database at ``path``; `StorageError` when the file is no SQLite
        database or a damaged one: nothing in it is touched.
        """
        in_memory = str(path) == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(memory=True) if in_memory else Database(path)
        try:
            if not in_memory:
                self.db.enable_wal()
            codec.register(self.db.conn)
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.execute("PRAGMA synchronous = NORMAL")
            migrations.apply(self.db)
            self._check_search_index()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise  # busy, not broken: the caller's retry or message
            self.db.close()
            raise StorageError(path, str(exc)) from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
