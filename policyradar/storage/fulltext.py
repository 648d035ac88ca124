"""The full-text index over changes: its upkeep, and the search that reads it."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policyradar.search.index import index_text
from policyradar.search.query import SearchError
from policyradar.storage import codec
from policyradar.storage.base import StorageBase
from policyradar.storage.history import _filters

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

# ``changes_fts`` is an FTS5 table over changes(title, added, removed, keywords) whose content is
# the ``changes`` table itself (so Datasette offers its search box on ``changes``), but whose index
# holds `policyradar.search.index.index_text` of each column: folded text, Latin words and
# two-character CJK pieces. It is written here, in the same transaction as the change row, never
# by triggers (the folding is Python). Never run FTS5's 'rebuild' on it: use
# `Storage.rebuild_search_index`.
SEARCH_FORMAT = "bigram-porter-2"  # bump when index_text changes: the index is rebuilt on open
SEARCH_COLUMNS = ("title", "added", "removed", "keywords")
SEARCH_WINDOW = 200  # how many of the newest matching changes a search ranks
_SNIPPET_CHARS = 600  # characters of added/removed text read for ranking a candidate
SEARCH_SCAN = 10_000  # with filters or phrases: at most this many newest text matches checked
SEARCH_STEPS = 150  # thousands of SQLite VM steps a filtered search may take before chunking


def search_texts(
    title: str | None, added: str | bytes | None, removed: str | bytes | None, keywords: str | None
) -> tuple[str, str, str, str]:
    """What the index holds of a change, column by column, before `index_text`: the title, the
    added and removed text (unpacked) and the keywords, joined by spaces.
    """
    words = json.loads(keywords or "[]")
    return (
        title or "",
        codec.unpack(added) or "",
        codec.unpack(removed) or "",
        " ".join(str(w) for w in words),
    )


def _index_values(*columns: Any) -> tuple[str, ...]:
    return tuple(index_text(text) for text in search_texts(*columns))


def _index_change(
    conn: sqlite3.Connection,
    change_id: int,
    *,
    delete: bool = False,
    indexed: tuple[str, str, str] | None = None,
) -> None:
    """Add (or, with ``delete``, take out) one change's row of the search index; ``indexed`` is
    `change_index_texts` of the row when the caller has it already.
    """
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
    if indexed is None:
        values = _index_values(*row)
    else:
        keywords = search_texts(None, None, None, row[3])[3]
        values = (*indexed, index_text(keywords))
    conn.execute(sql, (change_id, *values))


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
        self,
        match: str,
        *,
        window: int = SEARCH_WINDOW,
        scan: int = SEARCH_SCAN,
        verify: Callable[[dict], bool] | None = None,
        **filters: Any,
    ) -> list[dict]:
        """The newest ``window`` changes matching the FTS5 expression ``match`` and ``filters``
        (those of `changes`), newest first, as light rows for ranking: id, detected_at, title,
        keywords and the first characters of added and removed.

        ``verify`` takes a candidate row with the whole added and removed text and says whether
        it matches (the index finds phrases as all their words): then at most ``scan``
        candidates are checked. A filtered search that takes long (a rare filter over a common
        word) goes on by chunks of the newest text matches instead, at most ``scan`` of them.
        """
        where, params = _filters(**filters)
        found = _Found(window, verify)
        text = "{0}" if verify else f"substr({{0}}, 1, {_SNIPPET_CHARS})"
        columns = (
            "SELECT c.id, c.detected_at, c.title, c.keywords,"
            f" {text.format('unpack(c.added)')} AS added,"
            f" {text.format('unpack(c.removed)')} AS removed"
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
        cursor = self.db.conn.cursor()
        try:
            cursor.row_factory = sqlite3.Row
            found.take(cursor.execute(direct, [match, *params, scan if verify else window]))
            return found.rows
        except sqlite3.OperationalError as exc:
            if steps["left"] >= 0:  # not our interruption: a query the parser let through
                logger.warning("search %r failed: %s", match, exc)
                raise SearchError("bad_query") from exc
        finally:
            cursor.close()
            self.db.conn.set_progress_handler(None, 0)
        sql = (  # the chunk's ids drive the loop: one primary-key lookup each
            f"{columns} FROM json_each(?) m CROSS JOIN changes c ON c.id = m.value"
            f" LEFT JOIN sources s ON s.id = c.source_id WHERE {' AND '.join(where)}"
            " ORDER BY m.key"
        )
        try:
            examined, chunk = found.seen, max(3 * window, 600)
            while examined < scan and not found.full:
                ids = [
                    r[0]
                    for r in self.db.conn.execute(
                        "SELECT rowid FROM changes_fts WHERE changes_fts MATCH ? AND rowid < ?"
                        " ORDER BY rowid DESC LIMIT ?",
                        (match, found.below, min(chunk, scan - examined)),
                    )
                ]
                if not ids:
                    break
                found.take(self._all(sql, [json.dumps(ids), *params]))
                found.below, examined, chunk = ids[-1], examined + len(ids), chunk * 4
            return found.rows
        except sqlite3.OperationalError as exc:  # a query the parser let through by mistake
            logger.warning("search %r failed: %s", match, exc)
            raise SearchError("bad_query") from exc


@dataclass(slots=True)
class _Found:
    """The rows a search keeps: candidates come newest first, ``verify`` (if any) picks."""

    window: int
    verify: Callable[[dict], bool] | None
    rows: list[dict] = field(default_factory=list)
    seen: int = 0  # candidates taken
    below: int = 2**63 - 1  # the id of the last one: the next come below it

    @property
    def full(self) -> bool:
        return len(self.rows) >= self.window

    def take(self, candidates: Iterable[sqlite3.Row]) -> None:
        """Keep the candidates that match, cut for ranking, until ``window`` are kept."""
        for candidate in candidates:
            row = dict(candidate)
            self.seen, self.below = self.seen + 1, row["id"]
            if self.verify is not None:
                if not self.verify(row):
                    continue
                for name in ("added", "removed"):
                    row[name] = row[name] and row[name][:_SNIPPET_CHARS]
            self.rows.append(row)
            if self.full:
                return
