"""Run a search: parse, add glossary names, ask the index, rank by relevance and recency, cut
snippets, and say which term each hit matched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyradar.config import ConfigError
from policyradar.records import utcnow
from policyradar.search.query import Query, _Texts, expand, parse
from policyradar.storage.fulltext import search_texts
from policyradar.tagging.glossary import Glossary
from policyradar.tagging.text import fold

if TYPE_CHECKING:
    import re
    from collections.abc import Callable

    from policyradar.records import Change
    from policyradar.storage import Storage

logger = logging.getLogger(__name__)

# Where a hit counts how much; a term found n times in one field adds weight * n / (n + 1.2).
FIELD_WEIGHTS = (("title", 4.0), ("keywords", 2.0), ("added", 1.0), ("removed", 0.5))
COVERAGE_WEIGHT = 2.0  # times the share of the query's terms found at all
GLOSSARY_WEIGHT = 0.6  # a hit through a glossary name counts this much of a hit on the word
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
    matched: list[str] = field(default_factory=list)  # "库容", or "仓储费 → storage fee"

    @property
    def via_glossary(self) -> list[str]:
        """The `matched` terms found through the glossary only ("仓储费 → storage fee")."""
        return [m for m in self.matched if " → " in m]

    def to_json(self) -> dict[str, Any]:
        data = self.change.to_json()
        data.update(
            score=round(self.score, 4),
            snippet=self.snippet,
            highlights=[list(span) for span in self.highlights],
            matched=list(self.matched),
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


def relevance(
    row: dict[str, Any],
    checks: list[tuple[tuple[str, ...], re.Pattern[str]]],
    query: Query | None = None,
) -> float:
    """How well one candidate row matches: weighted, saturating hit counts plus coverage.

    With an expanded ``query`` (whose `Query.checks` are ``checks``), its glossary names count
    `GLOSSARY_WEIGHT` of its words, and are looked for only when some word is missing.
    """
    own = len(checks) if query is None else query.own
    texts = [(weight, text.lower()) for name, weight in FIELD_WEIGHTS if (text := row.get(name))]
    score, found = _hit_score(texts, checks, 0, own, 1.0)
    if len(found) == own or query is None or not query.aliases:
        return score + COVERAGE_WEIGHT * len(found) / max(own, 1)
    extra, names = _hit_score(texts, checks, own, len(checks), GLOSSARY_WEIGHT)
    through = {c for n, alias in enumerate(query.aliases, own) if n in names for c in alias.covers}
    covered = len(found) + GLOSSARY_WEIGHT * len(through - found)
    return score + extra + COVERAGE_WEIGHT * covered / max(own, 1)


def _hit_score(
    texts: list[tuple[float, str]],
    checks: list[tuple[tuple[str, ...], re.Pattern[str]]],
    first: int,
    last: int,
    factor: float,
) -> tuple[float, set[int]]:
    """Weighted, saturating hit counts of ``checks[first:last]`` in lower-cased ``texts``, and
    which of them were found.
    """
    score = 0.0
    found = set()
    for weight, low in texts:
        for n in range(first, last):
            literals, pattern = checks[n]
            if not any(lit in low for lit in literals):
                continue
            if len(low) > EXACT_COUNT_CHARS:  # long text: count the term's first word, fast
                count = min(10, sum(low.count(lit) for lit in literals))
            else:
                count = sum(1 for _ in zip(range(10), pattern.finditer(low), strict=False))
            if count:
                found.add(n)
                score += weight * factor * count / (count + 1.2)
    return score, found


def recency(detected_at: str, now: datetime) -> float:
    age = (now - datetime.fromisoformat(detected_at)).total_seconds() / 86400
    return 1.0 / (1.0 + max(age, 0.0) / RECENCY_DAYS)


def verifier(query: Query) -> Callable[[dict[str, Any]], bool] | None:
    """What checks a candidate row of `Storage.search` against its text, when the index alone
    cannot decide the query (a phrase): None for a query of one-token words.
    """
    if not query.checked:
        return None
    accepts = query.acceptor(found=True)
    return lambda row: accepts(
        search_texts(row["title"], row["added"], row["removed"], row["keywords"])
    )


def matched_terms(query: Query, texts: tuple[str, ...], *, through: bool = True) -> list[str]:
    """Which of ``query``'s words the texts (title, added, removed, keywords) hold: each word
    (or run of words the glossary names, "referral fee") found as written, else (unless not
    ``through``) "word → glossary name" for each of its names found.
    """
    found = _Texts(texts)
    own = query.terms[: query.own]
    exact = {n for n, term in enumerate(own) if term.found_in(found)}
    runs = {alias.covers: alias.source for alias in query.aliases if len(alias.covers) > 1}
    out: list[str] = []
    for n, term in enumerate(own):
        run = next((covers for covers in runs if n in covers), (n,))
        if n == run[0] and set(run) <= exact:
            out.append(runs.get(run, term.text))
        elif n in exact and len(run) == 1:
            out.append(term.text)
    for alias in query.aliases if through else ():
        if not set(alias.covers) <= exact and alias.term.found_in(found):
            out.append(alias.label)
    return list(dict.fromkeys(out))


def search_changes(
    storage: Storage,
    text: str | Query,
    *,
    limit: int = 50,
    now: datetime | None = None,
    glossary: Glossary | None = None,
    **filters: Any,
) -> list[Hit]:
    """Changes matching ``text`` and the filters, best first. Raises `SearchError`.

    Each word also finds its other names in ``glossary`` (default: the shipped glossary and the
    database's home folder's glossary.toml). Changes matching the words as written come first;
    those found only through a glossary name follow, and are looked for only when the first
    are fewer than ``limit``, so a common word costs no more than it did without a glossary.
    """
    query = text if isinstance(text, Query) else parse(text)
    query = expand(query, glossary if glossary is not None else home_glossary(storage))
    now = now or utcnow()
    plain = query.plain or query
    ranked = _ranked(storage, plain, None, now, filters)[:limit]
    exact = {cid for _, cid in ranked}
    wider = query.glossary_only()
    if wider is not None and len(ranked) < limit:
        more = _ranked(storage, wider, query, now, filters)
        ranked += [(score, cid) for score, cid in more if cid not in exact][: limit - len(ranked)]
    scores = {cid: score for score, cid in ranked}
    hits = []
    for change in storage.changes_by_id(scores):
        # a hit on the words as written is shown with them; the glossary names (and the
        # patterns of their other scripts) are needed only for hits found through them
        through = change.id not in exact
        shown = query if through else plain
        hit = Hit(change, scores[change.id])
        for source in (change.added, change.removed, change.title):
            hit.snippet, hit.highlights = snippet(source, shown, SNIPPET_WIDTH)
            if hit.snippet:
                break
        if not hit.snippet:  # matched only in keywords
            hit.snippet = (change.added or change.removed or change.title)[:SNIPPET_WIDTH]
        texts = (change.title, change.added, change.removed, " ".join(change.keywords))
        hit.matched = matched_terms(query, texts, through=through)
        hits.append(hit)
    return hits


def _ranked(
    storage: Storage,
    find: Query,
    scoring: Query | None,
    now: datetime,
    filters: dict[str, Any],
) -> list[tuple[float, int]]:
    """(score, id) of the changes ``find`` matches, best first, scored by the terms of
    ``scoring`` (its glossary names counting less) or, without it, of ``find``.
    """
    rows = storage.search(find.match, verify=verifier(find), **filters)
    checks = (scoring or find).checks()
    ranked = []
    for row in rows:
        score = relevance(row, checks, scoring) * recency(row["detected_at"], now)
        ranked.append((score, row["id"]))
    ranked.sort(key=lambda pair: (-pair[0], -pair[1]))
    return ranked


def home_glossary(storage: Storage) -> Glossary:
    """The glossary of the home holding ``storage``'s database file (the shipped one for a
    database in memory, or when the home's glossary.toml is broken: then a warning says why).
    """
    row = storage.db.conn.execute("PRAGMA database_list").fetchone()
    home = Path(row[2]).parent if row is not None and row[2] else None
    try:
        return Glossary.load(home)
    except ConfigError as exc:
        logger.warning("glossary not used: %s", exc)
        return Glossary.load()
