"""Classification writes (tags, clusters) and the signatures clustering compares."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from crawler.records import to_iso
from crawler.storage.base import StorageBase
from crawler.storage.fulltext import _index_change

if TYPE_CHECKING:
    from datetime import datetime


class ClassificationMixin(StorageBase):
    """A change's categories, keywords, watch hits, urgency, cluster and signature."""

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
