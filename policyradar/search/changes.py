"""Run a search: parse, ask the index, rank by relevance and recency, cut snippets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from policyradar.records import utcnow
from policyradar.search.query import Query, parse
from policyradar.storage.fulltext import search_texts
from policyradar.tagging.text import fold

if TYPE_CHECKING:
    import re
    from collections.abc import Callable

    from policyradar.records import Change
    from policyradar.storage import Storage

# Where a hit counts how much; a term found n times in one field adds weight * n / (n + 1.2).
FIELD_WEIGHTS = (("title", 4.0), ("keywords", 2.0), ("added", 1.0), ("removed", 0.5))
COVERAGE_WEIGHT = 2.0  # times the share of the query's terms found at all
RECENCY_DAYS = 90.0  # a change this many days old counts half as much as one from today
SNIPPET_WIDTH = 120
EXACT_COUNT_CHARS = 300  # shorter fields (titles, keywords) are counted by the exact pattern


@dataclass(slots=True)
class Hit:
    """One search result: the change, its score and a snippet with the hits' positions."""

    change: Change
    score: float
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = self.change.to_json()
        data.update(
            score=round(self.score, 4),
            snippet=self.snippet,
            highlights=[list(span) for span in self.highlights],
        )
        return data


def find_hits(text: str, query: Query, limit: int = 50) -> list[tuple[int, int]]:
    """(start, end) of each term of ``query`` in ``text`` (positions in the original text)."""
    if not text or not query.terms:
        return []
    low = text.lower()
    if len(low) != len(text):  # rare: a character whose lower case is longer
        low = fold(text)
    spans = []
    for m in query.regex().finditer(low):
        if m.end() > m.start():
            spans.append((m.start(), m.end()))
            if len(spans) >= limit:
                break
    return spans


def snippet(text: str, query: Query, width: int = 120) -> tuple[str, list[tuple[int, int]]]:
    """About ``width`` characters of ``text`` around its first hit, and the hits inside it.

    Returns ``("", [])`` when ``text`` has no hit.
    """
    hits = find_hits(text, query)
    if not hits:
        return "", []
    first = hits[0][0]
    left = max(0, min(first - width // 3, len(text) - width))
    right = min(len(text), left + width)
    piece = text[left:right]
    inside = [(s - left, e - left) for s, e in hits if s >= left and e <= right]
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    shift = len(prefix)
    piece = piece.replace("\n", " ")
    return prefix + piece + suffix, [(s + shift, e + shift) for s, e in inside]


def relevance(row: dict[str, Any], checks: list[tuple[tuple[str, ...], re.Pattern[str]]]) -> float:
    """How well one candidate row matches: weighted, saturating hit counts plus coverage."""
    score = 0.0
    found = set()
    for name, weight in FIELD_WEIGHTS:
        text = row.get(name) or ""
        if not text:
            continue
        low = text.lower()
        for n, (literals, pattern) in enumerate(checks):
            if not any(lit in low for lit in literals):
                continue
            if len(low) > EXACT_COUNT_CHARS:  # long text: count the term's first word, fast
                count = min(10, sum(low.count(lit) for lit in literals))
            else:
                count = sum(1 for _ in zip(range(10), pattern.finditer(low), strict=False))
            if count:
                found.add(n)
                score += weight * count / (count + 1.2)
    return score + COVERAGE_WEIGHT * len(found) / max(len(checks), 1)


def recency(detected_at: str, now: datetime) -> float:
    age = (now - datetime.fromisoformat(detected_at)).total_seconds() / 86400
    return 1.0 / (1.0 + max(age, 0.0) / RECENCY_DAYS)


def verifier(query: Query) -> Callable[[dict[str, Any]], bool] | None:
    """What checks a candidate row of `Storage.search` against its text, when the index alone
    cannot decide the query (a phrase): None for a query of one-token words.
    """
    if not query.checked:
        return None
    return lambda row: query.accepts(
        search_texts(row["title"], row["added"], row["removed"], row["keywords"]), found=True
    )


def search_changes(
    storage: Storage,
    text: str | Query,
    *,
    limit: int = 50,
    now: datetime | None = None,
    **filters: Any,
) -> list[Hit]:
    """Changes matching ``text`` and the filters, best first. Raises `SearchError`."""
    query = text if isinstance(text, Query) else parse(text)
    rows = storage.search(query.match, verify=verifier(query), **filters)
    checks = query.checks()
    now = now or utcnow()
    scored = sorted(
        ((relevance(row, checks) * recency(row["detected_at"], now), row["id"]) for row in rows),
        key=lambda pair: (-pair[0], -pair[1]),
    )[:limit]
    scores = {cid: score for score, cid in scored}
    hits = []
    for change in storage.changes_by_id(cid for _, cid in scored):
        hit = Hit(change, scores[change.id])
        for source in (change.added, change.removed, change.title):
            hit.snippet, hit.highlights = snippet(source, query, SNIPPET_WIDTH)
            if hit.snippet:
                break
        if not hit.snippet:  # matched only in keywords
            hit.snippet = (change.added or change.removed or change.title)[:SNIPPET_WIDTH]
        hits.append(hit)
    return hits
