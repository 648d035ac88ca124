"""Runs: opening and closing them, per-source counts and outcomes, and events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policyradar.records import RunSource, to_iso, utcnow
from policyradar.storage.base import StorageBase
from policyradar.storage.history import _run_source

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable


class RunsMixin(StorageBase):
    """A run's life, and what it counts for each source: changes, anomalies and errors."""

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
        # A source's baseline is what its first *completed* crawl sees: a killed or failed
        # first crawl leaves the next one a baseline run too, not a flood of "new" documents.
        fresh = (
            baseline
            and self._one(
                "SELECT 1 FROM run_sources rs JOIN runs r ON r.id = rs.run_id"
                " WHERE rs.source_id = ? AND r.status = 'finished'"
                " AND COALESCE(rs.outcome, '') != 'error' LIMIT 1",
                (source_id,),
            )
            is None
        )
        conn.execute(
            "INSERT OR IGNORE INTO run_sources (run_id, source_id, baseline) VALUES (?, ?, ?)",
            (run_id, source_id, int(fresh)),
        )

    def _in_baseline(self, run_id: int, source_id: str, url: str) -> bool:
        """Whether a new document of ``url`` is part of its source's baseline, not news.

        It is when this run is the source's baseline run, or when a baseline run already saw the
        document (listed it, but its own fetch failed: the failure is recorded as an event).
        """
        row = self._one(
            "SELECT 1 FROM run_sources WHERE run_id = ? AND source_id = ? AND baseline = 1"
            " UNION ALL SELECT 1 FROM events e JOIN run_sources rs"
            " ON rs.run_id = e.run_id AND rs.source_id = e.source_id"
            " WHERE e.source_id = ? AND e.url = ? AND rs.baseline = 1 LIMIT 1",
            (run_id, source_id, source_id, url),
        )
        return row is not None

    def interrupt_open_runs(self) -> list[int]:
        """Close every run still ``running`` as ``interrupted`` (Ctrl+C); return their ids.

        What they stored stays: the next crawl goes on from there.
        """
        with self._tx() as conn:
            ids = [int(r["id"]) for r in self._all("SELECT id FROM runs WHERE status = 'running'")]
            for run_id in ids:
                self._close_run(conn, run_id, "interrupted")
        return ids

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

    def events(self, run_id: int) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT source_id, url, kind, reason, at FROM events WHERE run_id = ? ORDER BY id",
            (run_id,),
        )
        return [dict(r) for r in rows]

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
    def _count(
        conn: sqlite3.Connection, run_id: int, source_id: str, column: str, n: int = 1
    ) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO run_sources (run_id, source_id) VALUES (?, ?)",
            (run_id, source_id),
        )
        conn.execute(
            f"UPDATE run_sources SET {column} = {column} + ? WHERE run_id = ? AND source_id = ?",
            (n, run_id, source_id),
        )
