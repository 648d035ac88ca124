"""Watchlists matched against the changed text only: case- and 繁/简-insensitive, both languages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policyradar.records import WatchHit
from policyradar.tagging.matching import TermMatcher
from policyradar.tagging.text import fold, snippet

__all__ = ["WatchHit", "WatchMatcher", "Watchlist"]  # WatchHit: defined in records

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

logger = logging.getLogger(__name__)

SNIPPET_WIDTH = 60


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A user's named keyword list (Chinese and English terms) attached to a category."""

    name: str
    category: str
    keywords: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "keywords", tuple(self.keywords))

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "category": self.category, "keywords": list(self.keywords)}


class WatchMatcher:
    """All watchlists' keywords in one automaton, so thousands of keywords stay fast."""

    def __init__(self, watchlists: Sequence[Watchlist]) -> None:
        self.watchlists = tuple(watchlists)
        self._matcher: TermMatcher[tuple[int, str]] = TermMatcher(
            (keyword, (n, keyword))
            for n, wl in enumerate(self.watchlists)
            for keyword in wl.keywords
        )

    def __bool__(self) -> bool:
        return bool(self.watchlists)

    def match(self, texts: Iterable[str]) -> tuple[WatchHit, ...]:
        """Hits in ``texts`` (the title, the added and the removed text of one change).

        Each (watchlist, keyword) pair is reported once, at its first occurrence. Pass only
        the changed text: whatever is passed is searched.
        """
        if not self.watchlists:
            return ()
        first: dict[tuple[int, str], WatchHit] = {}
        for text in texts:
            if not text:
                continue
            for match in self._matcher.find_all(fold(text)):
                for index, keyword in match.payloads:
                    if (index, keyword) in first:
                        continue
                    wl = self.watchlists[index]
                    first[(index, keyword)] = WatchHit(
                        watchlist=wl.name,
                        category=wl.category,
                        keyword=keyword,
                        snippet=snippet(text, match.start, match.end, SNIPPET_WIDTH),
                    )
        return tuple(first[key] for key in sorted(first))
