"""Watchlists matched against the changed text only: case- and 繁/简-insensitive, both languages,
each keyword also by its other names in the seller glossary (退货处理费 = returns processing fee).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from policyradar.records import WatchHit
from policyradar.tagging.glossary import Glossary
from policyradar.tagging.matching import TermMatcher
from policyradar.tagging.text import fold, snippet

__all__ = ["WatchHit", "WatchMatcher", "Watchlist"]  # WatchHit: defined in records

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

logger = logging.getLogger(__name__)

SNIPPET_WIDTH = 60


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A user's named keyword list (Chinese and English terms) attached to a category.

    Each keyword also matches its other names in the glossary (``glossary``: the home's, as
    `load_watchlists` attaches it; None: the shipped one), unless ``exact``.
    """

    name: str
    category: str
    keywords: tuple[str, ...]
    exact: bool = False  # keywords only as written, not by their glossary names
    glossary: Glossary | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keywords", tuple(self.keywords))

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "name": self.name,
            "category": self.category,
            "keywords": list(self.keywords),
        }
        if self.exact:
            data["exact"] = True
        return data

    def names(self, keyword: str) -> tuple[str, ...]:
        """The other names ``keyword`` is matched by (none when ``exact``)."""
        if self.exact:
            return ()
        glossary = self.glossary if self.glossary is not None else Glossary.load()
        return glossary.equivalents(keyword)


class WatchMatcher:
    """All watchlists' keywords (and their glossary names) in one automaton, so thousands of
    keywords stay fast. A keyword found by another name is reported under the keyword itself,
    with a snippet around the name found; `matched_name` says which name that was.
    """

    def __init__(self, watchlists: Sequence[Watchlist]) -> None:
        self.watchlists = tuple(watchlists)
        terms: list[tuple[str, tuple[int, str]]] = []
        for n, wl in enumerate(self.watchlists):
            for keyword in wl.keywords:
                terms.append((keyword, (n, keyword)))
                terms += [(name, (n, keyword)) for name in wl.names(keyword)]
        self._matcher: TermMatcher[tuple[int, str]] = TermMatcher(terms)

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
                    hit = WatchHit(
                        watchlist=wl.name,
                        category=wl.category,
                        keyword=keyword,
                        snippet=snippet(text, match.start, match.end, SNIPPET_WIDTH),
                    )
                    if wl.names(keyword):  # it has glossary names: say which one was found
                        hit = replace(hit, matched=self.matched_name(hit))
                    first[(index, keyword)] = hit
        return tuple(first[key] for key in sorted(first))

    def matched_name(self, hit: WatchHit) -> str:
        """The glossary name a hit was found by ("returns processing fee"), read from its
        snippet; "" when the snippet holds the keyword itself (or the hit is not this matcher's).
        """
        found = [wl for wl in self.watchlists if wl.name == hit.watchlist]
        if not found or not hit.snippet:
            return ""
        return matched_name(hit.keyword, hit.snippet, found[0].names(hit.keyword))


def matched_name(keyword: str, text: str, names: Sequence[str]) -> str:
    """Which of ``names`` (a keyword's glossary names) ``text`` holds, when it does not hold the
    keyword itself: the name a watch hit was found by; "" otherwise.
    """
    if not names:
        return ""
    matcher: TermMatcher[str] = TermMatcher([(keyword, ""), *((name, name) for name in names)])
    found = matcher.find_longest(fold(text))
    if any(m.payloads == ("",) for m in found):
        return ""
    return next((m.payloads[0] for m in found if m.payloads[0]), "")
