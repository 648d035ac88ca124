"""The optional LLM summaries: cached per change, language and model; calls counted per day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.records import to_iso, utcnow
from policyradar.storage.base import StorageBase

if TYPE_CHECKING:
    from collections.abc import Iterable


class SummariesMixin(StorageBase):
    """What an LLM said of a change (kept, never asked twice) and how many calls a day made."""

    def llm_summaries(self, change_ids: Iterable[int], lang: str, model: str) -> dict[int, str]:
        """The cached summaries of these changes in ``lang`` by ``model``, by change id."""
        ids = list(change_ids)
        if not ids:
            return {}
        rows = self._all(
            "SELECT change_id, text FROM llm_summaries WHERE lang = ? AND model = ?"
            f" AND change_id IN ({','.join('?' * len(ids))})",
            [lang, model, *ids],
        )
        return {r["change_id"]: r["text"] for r in rows}

    def save_llm_summary(self, change_id: int, lang: str, model: str, text: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO llm_summaries (change_id, lang, model, text, created_at)"
                " VALUES (?,?,?,?,?)",
                (change_id, lang, model, text, to_iso(utcnow())),
            )

    def llm_calls(self, day: str) -> int:
        """Calls made on ``day`` (an ISO date, UTC)."""
        row = self._one("SELECT calls FROM llm_calls WHERE day = ?", (day,))
        return int(row["calls"]) if row else 0

    def count_llm_calls(self, day: str, calls: int = 1) -> int:
        """Count ``calls`` more calls on ``day``; return the day's count."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO llm_calls (day, calls) VALUES (?, ?)"
                " ON CONFLICT(day) DO UPDATE SET calls = calls + excluded.calls",
                (day, calls),
            )
        return self.llm_calls(day)
