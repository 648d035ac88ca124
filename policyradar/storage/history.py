"""The change history: queries, their filters, and rows turned into records."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from policyradar.records import (
    Change,
    ChangeKind,
    Outcome,
    RunSource,
    Urgency,
    WatchHit,
    from_iso,
    to_iso,
    utcnow,
)
from policyradar.storage.base import StorageBase
from policyradar.storage.codec import unpack
from policyradar.tagging.facts import facts_from_json
from policyradar.tagging.marketplaces import stored_marketplaces
from policyradar.tagging.summary import stored_summary

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable
    from datetime import datetime

FACET_WINDOW = 1000  # facets list the values seen in this many of the latest changes


class HistoryMixin(StorageBase):
    """Reading changes, newest first, by filters or by id; what the filters can take."""

    def changes(
        self,
        *,
        since: datetime | None = None,
        sources: Iterable[str] = (),
        kinds: Iterable[str] = (),
        categories: Iterable[str] = (),
        watchlists: Iterable[str] = (),
        run_id: int | None = None,
        limit: int | None = 50,
        offset: int = 0,
        **more: Any,
    ) -> list[Change]:
        """Changes newest first; ``more`` takes the search filters too (see `_filters`)."""
        where, params = _filters(
            since=since,
            sources=sources,
            kinds=kinds,
            categories=categories,
            watchlists=watchlists,
            run_id=run_id,
            **more,
        )
        sql = (
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            f" LEFT JOIN sources s ON s.id = c.source_id WHERE {' AND '.join(where)}"
            " ORDER BY c.detected_at DESC, c.id DESC"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_change(r) for r in self._all(sql, params)]

    def change(self, change_id: int) -> Change | None:
        row = self._one(
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            " LEFT JOIN sources s ON s.id = c.source_id WHERE c.id = ?",
            (change_id,),
        )
        return _change(row) if row else None

    def changes_by_id(self, ids: Iterable[int]) -> list[Change]:
        """The changes with these ids, in the order given (unknown ids are left out)."""
        wanted = list(ids)
        if not wanted:
            return []
        rows = self._all(
            "SELECT c.*, s.name AS source_name, s.marketplace FROM changes c"
            " LEFT JOIN sources s ON s.id = c.source_id"
            f" WHERE c.id IN ({','.join('?' * len(wanted))})",
            wanted,
        )
        found = {r["id"]: _change(r) for r in rows}
        return [found[i] for i in wanted if i in found]

    def facets(self) -> dict[str, list[str]]:
        """Values the filters can take: sources and marketplaces (all), categories, urgencies
        and watchlists (as seen in the latest ``FACET_WINDOW`` changes, so the cost is bounded).
        """
        latest = (
            "(SELECT categories, urgency, watch_hits FROM changes"
            f" ORDER BY id DESC LIMIT {FACET_WINDOW})"
        )
        queries = {
            "categories": f"SELECT DISTINCT j.value FROM {latest} c, json_each(c.categories) j",
            "sources": "SELECT id FROM sources",
            "marketplaces": "SELECT DISTINCT marketplace FROM sources WHERE marketplace != ''",
            "urgencies": f"SELECT DISTINCT urgency FROM {latest} WHERE urgency IS NOT NULL",
            "watchlists": "SELECT DISTINCT json_extract(j.value, '$.watchlist')"
            f" FROM {latest} c, json_each(c.watch_hits) j",
        }
        return {
            name: sorted(str(r[0]) for r in self._all(sql) if r[0] is not None)
            for name, sql in queries.items()
        }

    def has_changes(self) -> bool:
        return self._one("SELECT 1 FROM changes LIMIT 1") is not None

    def latest_change_id(self) -> int:
        row = self._one("SELECT MAX(id) AS id FROM changes")
        return int(row["id"] or 0) if row else 0


def _filters(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sources: Iterable[str] = (),
    kinds: Iterable[str] = (),
    categories: Iterable[str] = (),
    watchlists: Iterable[str] = (),
    marketplaces: Iterable[str] = (),
    about: Iterable[str] = (),
    urgencies: Iterable[str] = (),
    watch_hits_only: bool = False,
    run_id: int | None = None,
    document_id: int | None = None,
) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``changes c`` (joined with ``sources s``): each filter narrows, each
    list is "any of"; dates compare ``detected_at`` (``until`` is exclusive). ``marketplaces``
    are the sources' own, ``about`` the codes a change is about (expanded: DE, not EU).
    """
    where: list[str] = ["1 = 1"]
    params: list[Any] = []

    def any_of(values: Iterable[str], template: str) -> None:
        if items := [v for v in values if v]:
            where.append(template.format(marks=",".join("?" * len(items))))
            params.extend(items)

    if since is not None:
        where.append("c.detected_at >= ?")
        params.append(to_iso(since))
    if until is not None:
        where.append("c.detected_at < ?")
        params.append(to_iso(until))
    any_of(sources, "c.source_id IN ({marks})")
    any_of(kinds, "c.kind IN ({marks})")
    any_of(
        categories, "EXISTS (SELECT 1 FROM json_each(c.categories) j WHERE j.value IN ({marks}))"
    )
    any_of(
        watchlists,
        "EXISTS (SELECT 1 FROM json_each(c.watch_hits) j"
        " WHERE json_extract(j.value, '$.watchlist') IN ({marks}))",
    )
    any_of(marketplaces, "s.marketplace IN ({marks})")
    any_of(
        about,  # the marketplaces a change is about (see tagging.marketplaces); GLOBAL: everyone's
        "EXISTS (SELECT 1 FROM json_each(c.marketplaces) j WHERE j.value IN ({marks}))",
    )
    any_of(urgencies, "c.urgency IN ({marks})")
    if watch_hits_only:
        where.append("c.watch_hits NOT IN ('', '[]')")
    if run_id is not None:
        where.append("c.run_id = ?")
        params.append(run_id)
    if document_id is not None:
        where.append("c.document_id = ?")
        params.append(document_id)
    return where, params


def _run_source(row: sqlite3.Row) -> RunSource:
    return RunSource(
        run_id=row["run_id"],
        source_id=row["source_id"],
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        new=row["new"],
        changed=row["changed"],
        removed=row["removed"],
        unchanged=row["unchanged"],
        anomalies=row["anomalies"],
        errors=row["errors"],
        error=row["error"],
    )


def _change(row: sqlite3.Row) -> Change:
    return Change(
        id=row["id"],
        source_id=row["source_id"],
        url=row["url"],
        title=row["title"],
        kind=ChangeKind(row["kind"]),
        detected_at=from_iso(row["detected_at"]) or utcnow(),
        published_at=from_iso(row["published_at"]),
        added=unpack(row["added"]) or "",
        removed=unpack(row["removed"]) or "",
        run_id=row["run_id"],
        document_id=row["document_id"],
        source_name=row["source_name"] or "",
        marketplace=row["marketplace"] or "",
        marketplaces=stored_marketplaces(_json(row, "marketplaces"), row["marketplace"] or ""),
        categories=json.loads(row["categories"]),
        keywords=json.loads(row["keywords"]),
        watch_hits=[
            WatchHit.from_json(h) for h in json.loads(row["watch_hits"]) if isinstance(h, dict)
        ],
        effective_dates=json.loads(row["effective_dates"]),
        urgency=Urgency.parse(row["urgency"]),
        cluster=row["cluster"],
        diff=unpack(row["diff"]),
        is_promo=bool(row["is_promo"]),
        baseline=bool(row["baseline"]),
        facts=facts_from_json(_json(row, "facts")),
        summary=stored_summary(_json(row, "summary")),
    )


def _json(row: sqlite3.Row, column: str) -> object:
    """A JSON column's value; None for a missing column or a value that is no JSON."""
    try:
        return json.loads(row[column])
    except (IndexError, KeyError, TypeError, ValueError):
        return None
