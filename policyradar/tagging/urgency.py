"""What a change is (a rule, news or a promotion) and how urgent it is.

- **rule**: a fee, policy, compliance or deadline change that binds the seller, or any edit of a
  watched page's text. Its evidence: action wording ([urgency] high: must, required, 须, 强制,
  下架, deadline…), change wording ([urgency] medium: policy, will change, 调整, 生效, 新规…), an
  effective date that has not long passed, a policy category, and being an edit or removal.
- **news**: coverage *about* platforms and the market (results, layoffs, statistics, rankings,
  roundups, trends, opinion, interviews; [nature] news words), when that evidence outweighs the
  rule evidence, or when there is hardly any rule evidence at all.
- **promo**: an ad, event, webinar, course or sponsored piece: decided by the categories' pass
  (labels, strong promo words) or, for a new article, the learned ads model
  (:mod:`policyradar.tagging.textmodel`), or by its *lean* (strong promo words and cue families:
  an offer, a call to action, an event, a provider's voice...) when that comes from two families at
  least, reaches ``PROMO_LEAN``, exceeds the news evidence and, doubled, the rule evidence.

A text that speaks to consumers (users, readers, 用户) and to no seller reports on a consumer
service: its rule words and dates weigh half and never make it urgent. A date alone, with no
rule word, policy category or edit, is no rule (a past event's dates).

Urgency follows: a rule is **high** with a watch hit, an effective date or deadline on or after
``recent_days`` before the reference date, or an action word in a text with little news evidence
(a report of a rule needs the date), else **medium**; news is **low** (medium with a watch hit); a
promotion is **low**. The classifier then asks the learned news model of a new article judged high
without a watch hit: one that reads as coverage is **medium**
(:mod:`policyradar.tagging.textmodel`).
"""

from __future__ import annotations

import logging
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from policyradar.records import Urgency
from policyradar.tagging.matching import TermMatcher

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

logger = logging.getLogger(__name__)

_WORDED = (Urgency.HIGH, Urgency.MEDIUM)  # the levels with words of their own in [urgency]
_NEUTRAL = "neutral"
_SELLER = "seller"  # words of the rule's addressee: seller, you, 卖家, 商家, 出品者...
_CONSUMER = "consumer"  # words of a consumer addressee: users, readers, 用户, 消费者...
# weights of the rule evidence
ACTION_WEIGHT = 2.0  # each distinct action word ([urgency] high)
CHANGE_WEIGHT = 1.0  # each distinct change word ([urgency] medium)
DATE_WEIGHT = 2.0  # an effective date that has not long passed
CATEGORY_WEIGHT = 1.0  # a policy category
EDIT_WEIGHT = 2.0  # an edit or a removal of a document's text
MIN_RULE = 2.0  # less rule evidence than this is no rule
REPORT_NEWS = 2.0  # this much news evidence makes a rule a report: an action word alone is no hurry
CONSUMER_FACTOR = 0.5  # rule words and dates of a text that speaks to consumers, not sellers
PROMO_LEAN = 3.0  # promo words and cue families this strong make an ad or event...
PROMO_OVER_RULE = 2.0  # ...when this many times their weight exceeds the rule evidence


class Nature(StrEnum):
    """What a change is."""

    RULE = "rule"
    NEWS = "news"
    PROMO = "promo"


class Verdict(NamedTuple):
    nature: Nature
    urgency: Urgency


class UrgencyRules:
    """Urgency words from ``[urgency]`` in categories.toml and the date window from settings."""

    def __init__(
        self, words: Mapping[str, Iterable[str]], urgent_days: int = 30, recent_days: int = 7
    ) -> None:
        self._matcher: TermMatcher[str] = TermMatcher(
            (word, level)
            for level in (*_WORDED, _NEUTRAL, _SELLER, _CONSUMER)
            for word in words.get(level, ())
        )
        self.urgent_days = urgent_days  # kept for callers that bound "soon" (see `soon`)
        self.recent_days = recent_days

    def found(self, folded: str) -> dict[str, int]:
        """Distinct words of each level in folded text (the longest phrase wins)."""
        return self._levels(self._matcher.count_longest(folded))

    def _levels(self, keys: Iterable[str]) -> dict[str, int]:
        matcher = self._matcher
        out: dict[str, int] = {}
        for key in keys:
            for level in matcher.payloads(key):
                out[level] = out.get(level, 0) + 1
        return out

    def soon(self, dates: Iterable[str], reference: date) -> bool:
        """An effective date between ``recent_days`` before and ``urgent_days`` after."""
        for iso in dates:
            delta = (date.fromisoformat(iso) - reference).days
            if -self.recent_days <= delta <= self.urgent_days:
                return True
        return False

    def current(self, dates: Iterable[str], reference: date) -> bool:
        """An effective date on or after ``recent_days`` before the reference date."""
        return any((date.fromisoformat(iso) - reference).days >= -self.recent_days for iso in dates)

    def judge(
        self,
        folded: str,
        *,
        title: str = "",
        is_promo: bool,
        policy_like: bool,
        edit: bool,
        news: float,
        lean: float = 0.0,
        watch_hit: bool,
        dates: Iterable[str],
        reference: date,
    ) -> Verdict:
        """The nature and urgency of a change from its folded new text and folded ``title``, the
        categories' verdict (``is_promo``, ``policy_like``, the ``news`` evidence), whether it
        edits or removes a document, its watch hits and its effective dates. Each distinct rule
        word counts once, and once more in the title (as news words do).
        """
        if is_promo:
            return Verdict(Nature.PROMO, Urgency.LOW)
        in_title = self._matcher.count_longest(title) if title else {}
        found = self._levels(self._matcher.count_longest(folded).keys() | in_title.keys())
        titled = self._levels(in_title)
        current = self.current(dates, reference)
        worded = ACTION_WEIGHT * (
            found.get(Urgency.HIGH, 0) + titled.get(Urgency.HIGH, 0)
        ) + CHANGE_WEIGHT * (found.get(Urgency.MEDIUM, 0) + titled.get(Urgency.MEDIUM, 0))
        # a text that speaks to users or readers and to no seller reports on a consumer service
        consumer = _CONSUMER in found and _SELLER not in found
        dated = DATE_WEIGHT if current else 0.0
        if consumer:
            worded *= CONSUMER_FACTOR
            dated *= CONSUMER_FACTOR
        rule = (
            worded
            + dated
            + (CATEGORY_WEIGHT if policy_like else 0.0)
            + (EDIT_WEIGHT if edit else 0.0)
        )
        # several kinds of promo cues (an offer, a call to action, an event...) make an ad unless
        # the rule evidence or the news evidence (Prime Day sales figures) outweighs them: one
        # weak word is never enough
        if lean >= PROMO_LEAN and lean > news and lean * PROMO_OVER_RULE > rule:
            return Verdict(Nature.PROMO, Urgency.LOW)
        # a date alone is no rule: a past event's date ("May 15 through May 18") binds nobody
        if rule < MIN_RULE or rule <= news or rule == dated:
            return Verdict(Nature.NEWS, Urgency.MEDIUM if watch_hit else Urgency.LOW)
        # an action word alone makes a rule urgent only in a text that reads as no report: in
        # coverage ("…, sources say", "据报道…将暂停") it takes a date or a watch hit
        if watch_hit:
            return Verdict(Nature.RULE, Urgency.HIGH)
        if consumer:
            return Verdict(Nature.RULE, Urgency.MEDIUM)
        if current or (Urgency.HIGH in found and news < REPORT_NEWS):
            return Verdict(Nature.RULE, Urgency.HIGH)
        return Verdict(Nature.RULE, Urgency.MEDIUM)
