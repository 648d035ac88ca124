"""Classification writes (tags, clusters) and the signatures clustering compares."""

from __future__ import annotations

import json
import struct
import sys
from array import array
from typing import TYPE_CHECKING, Any

from policyradar.records import to_iso
from policyradar.storage.base import StorageBase
from policyradar.storage.fulltext import _index_change

if TYPE_CHECKING:
    from datetime import datetime


TAG_COLUMNS = (
    "categories",
    "keywords",
    "watch_hits",
    "effective_dates",
    "urgency",
    "cluster",
    "signature",
    "is_promo",
    "facts",
    "summary",
    "marketplaces",
)


def tag_values(tags: dict[str, Any]) -> dict[str, Any]:
    """Classification fields as column values (lists and dicts as JSON); unknown fields refused."""
    unknown = set(tags) - set(TAG_COLUMNS)
    if unknown:
        raise ValueError(f"unknown classification field(s): {sorted(unknown)}")
    return {k: _column_value(k, v) for k, v in tags.items()}


def _column_value(name: str, value: Any) -> Any:
    if name == "signature" and value is not None:  # 8 bytes a value; JSON takes ~20
        return struct.pack(f"<{len(value)}q", *value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _signature(stored: bytes | str) -> array[int]:
    """A stored signature as 64-bit integers in one array (8 bytes a value, no int objects):
    packed, or JSON in rows written before they were packed.
    """
    if isinstance(stored, str):
        return array("q", json.loads(stored))
    values = array("q", stored)
    if sys.byteorder == "big":  # stored little-endian
        values.byteswap()
    return values


class ClassificationMixin(StorageBase):
    """A change's categories, keywords, watch hits, urgency, cluster and signature."""

    def set_classification(self, change_id: int, tags: dict[str, Any]) -> None:
        """Store a change's classification: categories, keywords, watch_hits, effective_dates,
        urgency, cluster, signature, is_promo, facts, summary (any subset).
        """
        values = tag_values(tags)
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
        self,
        since: datetime,
        *,
        after_id: int = 0,
        newest: int | None = None,
    ) -> list[tuple[int, str, str | None, array[int], str]]:
        """``(id, source, cluster, signature, detected_at)`` of the changes with a signature
        detected since ``since`` and numbered above ``after_id`` (only the ``newest`` ones when
        given), oldest first.
        """
        rows = self._all(
            "SELECT id, source_id, cluster, signature, detected_at FROM changes"
            " WHERE signature IS NOT NULL AND detected_at >= ? AND id > ? ORDER BY id DESC"
            " LIMIT ?",
            (to_iso(since), after_id, -1 if newest is None else newest),
        )[::-1]
        return [
            (r["id"], r["source_id"], r["cluster"], _signature(r["signature"]), r["detected_at"])
            for r in rows
        ]
