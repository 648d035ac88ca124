"""Urgency ``high | medium | low`` of a change: its wording, dates, watch hits and promo flag."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from policyradar.records import Urgency
from policyradar.tagging.matching import TermMatcher

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

logger = logging.getLogger(__name__)

_WORDED = (Urgency.HIGH, Urgency.MEDIUM)  # the levels with words of their own in [urgency]
_NEUTRAL = "neutral"


class UrgencyRules:
    """Urgency words from ``[urgency]`` in categories.toml and the date window from settings.

    - high: a watch hit; an effective date or deadline at most ``urgent_days`` after the
      reference date (or at most ``recent_days`` before it); or wording such as must,
      mandatory, will be required, no longer, 强制, 下架, 封号, 禁令, 预警.
    - low: ads and events, and changes with nothing policy-like (category ``other`` and no
      urgency word at all).
    High wording counts only in a policy-like change (one with a category).
    - medium: everything else.
    """

    def __init__(
        self, words: Mapping[str, Iterable[str]], urgent_days: int = 30, recent_days: int = 7
    ) -> None:
        self._matcher: TermMatcher[str] = TermMatcher(
            (word, level) for level in (*_WORDED, _NEUTRAL) for word in words.get(level, ())
        )
        self.urgent_days = urgent_days
        self.recent_days = recent_days

    def words(self, folded: str) -> set[str]:
        """Levels whose words occur in folded text (the longest phrase wins)."""
        matcher = self._matcher
        return {p for key in matcher.count_longest(folded) for p in matcher.payloads(key)}

    def soon(self, dates: Iterable[str], reference: date) -> bool:
        for iso in dates:
            delta = (date.fromisoformat(iso) - reference).days
            if -self.recent_days <= delta <= self.urgent_days:
                return True
        return False

    def level(
        self,
        folded: str,
        *,
        is_promo: bool,
        policy_like: bool,
        watch_hit: bool,
        dates: Iterable[str],
        reference: date,
    ) -> Urgency:
        if is_promo:
            return Urgency.LOW
        if watch_hit:
            return Urgency.HIGH
        found = self.words(folded)
        if not policy_like and found.isdisjoint(_WORDED):
            return Urgency.LOW
        if self.soon(dates, reference) or (policy_like and Urgency.HIGH in found):
            return Urgency.HIGH
        return Urgency.MEDIUM
