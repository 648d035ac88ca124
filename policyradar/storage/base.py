"""The connection helpers every part of `Storage` shares: the database, transactions and reads."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sqlite_utils import Database


class StorageBase:
    """The open database, one transaction at a time, and rows as `sqlite3.Row`."""

    db: Database

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
