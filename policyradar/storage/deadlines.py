"""Effective dates by day (the deadlines), and the reminders sent of them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from policyradar.records import Change, to_iso, utcnow
from policyradar.storage.base import StorageBase
from policyradar.storage.history import _change

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

REMINDED, FAILED = "reminder", "failed"  # statuses of a reminder in the delivery log


class DeadlinesMixin(StorageBase):
    """Changes by their effective dates (``change_dates``, kept by triggers) and ``reminders``."""

    def changes_due(self, first: date, last: date, *, baseline: bool = True) -> list[Change]:
        """Changes with an effective date from ``first`` to ``last`` (both included), oldest
        first; ``baseline=False`` leaves out what sources' first runs found.
        """
        sql = (
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            " LEFT JOIN sources s ON s.id = c.source_id WHERE c.id IN"
            " (SELECT change_id FROM change_dates WHERE day BETWEEN ? AND ?)"
        )
        if not baseline:
            sql += " AND c.baseline = 0"
        rows = self._all(sql + " ORDER BY c.id", (first.isoformat(), last.isoformat()))
        return [_change(r) for r in rows]

    def reminded(self, subscription: str, since: date) -> set[tuple[int, str, int]]:
        """``(change_id, day, days_before)`` of the reminders sent to ``subscription`` of the
        dates from ``since`` on.
        """
        rows = self._all(
            "SELECT change_id, day, days_before FROM reminders WHERE subscription = ? AND day >= ?",
            (subscription, since.isoformat()),
        )
        return {(int(r["change_id"]), str(r["day"]), int(r["days_before"])) for r in rows}

    def record_reminders(
        self,
        subscription: str,
        sent: Iterable[tuple[int, str, int]],
        *,
        ok: bool,
        parts: int = 0,
        error: str | None = None,
    ) -> int:
        """Log one reminder message in ``deliveries`` (status ``reminder``, or ``failed``) and,
        when it went out, each ``(change_id, day, days_before)`` it stands for, atomically: a
        reminder is sent once, and one that failed is tried again on the next run.
        """
        rows = sorted(set(sent))
        ids = sorted({cid for cid, _, _ in rows})
        now = to_iso(utcnow())
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO deliveries (subscription, started_at, status, change_ids, parts,"
                " error) VALUES (?,?,?,?,?,?)",
                (subscription, now, REMINDED if ok else FAILED, json.dumps(ids), parts, error),
            )
            delivery_id = int(cur.lastrowid or 0)
            if ok:
                conn.executemany(
                    "INSERT OR IGNORE INTO reminders (subscription, change_id, day, days_before,"
                    " delivery_id, sent_at) VALUES (?,?,?,?,?,?)",
                    [(subscription, cid, day, n, delivery_id, now) for cid, day, n in rows],
                )
        return delivery_id
