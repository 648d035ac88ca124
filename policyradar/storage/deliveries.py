"""Deliveries: what each subscription has not been sent yet, and every attempt to send it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from policyradar.records import Change, to_iso, utcnow
from policyradar.storage.base import StorageBase
from policyradar.storage.history import _change

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime


class DeliveriesMixin(StorageBase):
    """Undelivered changes per subscription; a ``sent`` delivery marks its changes delivered."""

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
