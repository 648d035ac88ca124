"""Sources: the configured list, and per-source outcomes, health and counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policyradar.records import RunSource, to_iso, utcnow
from policyradar.storage.base import StorageBase
from policyradar.storage.history import _run_source

if TYPE_CHECKING:
    from collections.abc import Iterable

    from policyradar.config import Source


class SourcesMixin(StorageBase):
    """Sources as configured, and what their runs say about them."""

    def sync_sources(self, sources: Iterable[Source]) -> None:
        now = to_iso(utcnow())
        with self._tx() as conn:
            for s in sources:
                conn.execute(
                    "INSERT INTO sources (id, name, kind, url, marketplace, language, enabled,"
                    " updated_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                    " name=excluded.name, kind=excluded.kind, url=excluded.url,"
                    " marketplace=excluded.marketplace, language=excluded.language,"
                    " enabled=excluded.enabled, updated_at=excluded.updated_at",
                    (
                        s.id,
                        s.name,
                        s.kind,
                        s.entry_urls[0],
                        s.marketplace,
                        s.language,
                        int(s.enabled),
                        now,
                    ),
                )

    def last_outcomes(self) -> dict[str, tuple[RunSource, str]]:
        """Each source's outcome in the latest run that covered it, with the run's start time."""
        rows = self._all(
            "SELECT rs.*, r.started_at FROM run_sources rs JOIN runs r ON r.id = rs.run_id"
            " WHERE rs.outcome IS NOT NULL AND rs.run_id = (SELECT MAX(run_id) FROM run_sources"
            " x WHERE x.source_id = rs.source_id AND x.outcome IS NOT NULL)"
        )
        return {r["source_id"]: (_run_source(r), r["started_at"]) for r in rows}

    def source_health(self, runs: int = 3) -> list[dict[str, Any]]:
        """Sources whose recent runs (the last ``runs`` that covered them) ended in error or had
        anomalies, with counts and the latest reason.
        """
        rows = self._all(
            "SELECT rs.source_id, s.name, COUNT(*) AS runs,"
            " SUM(rs.outcome = 'error') AS errors, SUM(rs.anomalies > 0) AS anomalous,"
            " MAX(r.started_at) AS last_run,"
            " (SELECT error FROM run_sources y WHERE y.source_id = rs.source_id"
            "   AND y.error IS NOT NULL ORDER BY y.run_id DESC LIMIT 1) AS last_error"
            " FROM run_sources rs JOIN runs r ON r.id = rs.run_id"
            " LEFT JOIN sources s ON s.id = rs.source_id"
            " WHERE rs.outcome IS NOT NULL AND (SELECT COUNT(*) FROM run_sources z"
            "   WHERE z.source_id = rs.source_id AND z.run_id > rs.run_id"
            "   AND z.outcome IS NOT NULL) < ?"
            # HAVING by the sums themselves: there "errors" would name run_sources' own column
            # (one row's value, whichever the group ends on), not the sum
            " GROUP BY rs.source_id"
            " HAVING SUM(rs.outcome = 'error') > 0 OR SUM(rs.anomalies > 0) > 0"
            " ORDER BY rs.source_id",
            (runs,),
        )
        return [dict(r) for r in rows]

    def counts(self) -> dict[str, int]:
        tables = ("documents", "versions", "changes", "runs", "events")
        return {t: self.db[t].count for t in tables}

    def source_names(self) -> dict[str, str]:
        return {r["id"]: r["name"] or r["id"] for r in self._all("SELECT id, name FROM sources")}

    def source_counts(self) -> dict[str, dict[str, Any]]:
        """Per source: documents, changes and the time of the latest change."""
        rows = self._all(
            "SELECT s.id AS source_id, s.name, s.kind, s.url, s.marketplace, s.enabled,"
            " (SELECT COUNT(*) FROM documents d WHERE d.source_id = s.id) AS documents,"
            " (SELECT COUNT(*) FROM changes c WHERE c.source_id = s.id) AS changes,"
            " (SELECT MAX(detected_at) FROM changes c WHERE c.source_id = s.id) AS last_change"
            " FROM sources s ORDER BY s.id"
        )
        return {r["source_id"]: dict(r) for r in rows}
