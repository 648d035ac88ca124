"""The full-text index over changes: its upkeep, and the search that reads it."""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

from crawler.search import SearchError, index_text
from crawler.storage.base import StorageBase
from crawler.storage.history import _filters

logger = logging.getLogger(__name__)

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
SEARCH_STEPS = 150  # thousands of SQLite VM steps a filtered search may take before chunking


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


class FullTextMixin(StorageBase):
    """Keeping the search index current, and searching it."""

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
        steps = {"left": SEARCH_STEPS}

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
