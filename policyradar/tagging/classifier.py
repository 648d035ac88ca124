"""The classification facade: one ``ChangeText`` in, its ``Tags`` out."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from policyradar.records import Urgency
from policyradar.tagging.categories import OTHER, CategorySet
from policyradar.tagging.clusters import signature
from policyradar.tagging.effective import effective_dates, folded_periods
from policyradar.tagging.keywords import KeywordExtractor
from policyradar.tagging.text import fold, fold_lines, segment
from policyradar.tagging.textmodel import TextModel, features
from policyradar.tagging.urgency import Nature, UrgencyRules, Verdict
from policyradar.tagging.watch import WatchMatcher

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from pathlib import Path

    from policyradar.records import WatchHit
    from policyradar.tagging.watch import Watchlist

logger = logging.getLogger(__name__)

NEW = "new"
CHANGED = "changed"
REMOVED = "removed"
SEGMENT_CHARS = 2000  # characters of the main text segmented for keywords and signature


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeText:
    """The text of one change, as classification sees it."""

    kind: str  # "new" | "changed" | "removed"
    title: str
    added: str
    removed: str
    published_at: datetime | None = None  # aware UTC
    detected_at: datetime | None = None
    language: str = ""  # the source's language hint: zh, en, de, ja, ... (informative only)

    def parts(self) -> tuple[str, str, str]:
        """(body for categories, text for keywords, text for dates and urgency)."""
        body, keyword, dated = self.pieces()
        return _join(*body), _join(*keyword), _join(*dated)

    def pieces(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The texts each of :meth:`parts` joins, one per line (empty ones left out)."""
        if self.kind == REMOVED:
            return (self.removed,), (self.removed,), (self.title, self.removed)
        if self.kind == CHANGED:
            both = (self.added, self.removed)
            return both, both, (self.title, self.added)
        return (self.added,), (self.title, self.added), (self.title, self.added)


@dataclass(frozen=True, slots=True, kw_only=True)
class Tags:
    """Everything classification says about one change."""

    categories: tuple[str, ...]  # best first; ("other",) when nothing fits
    scores: dict[str, float]
    keywords: tuple[str, ...]
    watch_hits: tuple[WatchHit, ...]
    effective_dates: tuple[str, ...]  # ISO dates, sorted
    urgency: Urgency
    is_promo: bool  # nature == "promo", kept for storage and filters
    signature: tuple[int, ...]
    nature: Nature = Nature.RULE  # rule | news | promo (see tagging.urgency)

    def to_json(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "scores": dict(self.scores),
            "keywords": list(self.keywords),
            "watch_hits": [hit.to_json() for hit in self.watch_hits],
            "effective_dates": list(self.effective_dates),
            "urgency": str(self.urgency),
            "is_promo": self.is_promo,
            "nature": str(self.nature),
            "signature": list(self.signature),
        }


class Classifier:
    """Categories, keywords, watch hits, effective dates, urgency and a duplicate signature.

    Build it once per process (jieba and the term automatons load in the constructor);
    :meth:`classify` is then pure and safe to call from one thread at a time.
    """

    def __init__(self, categories: CategorySet, watchlists: Sequence[Watchlist] = ()) -> None:
        self.categories = categories
        self.watch = WatchMatcher(watchlists)
        self._keywords = KeywordExtractor(categories.domain_terms(), categories.stopwords)
        s = categories.settings
        self._urgency = UrgencyRules(categories.urgency_words, s.urgent_days, s.recent_days)
        self._promo_model = TextModel.load("promo") if s.promo_model else None
        self._news_model = TextModel.load("news") if s.news_model else None

    @classmethod
    def load(cls, home: Path | None = None, watchlists: Sequence[Watchlist] = ()) -> Classifier:
        """Bundled categories plus ``<home>/categories.toml``, with the given watchlists."""
        return cls(CategorySet.load(home), watchlists)

    def redated(self, tags: Tags, dates: Sequence[str], reference: date) -> Tags:
        """``tags`` with effective dates found later (in the section around a changed line):
        the dates a change of its nature keeps, and a rule made high by one not long passed.
        """
        kept = _dates_of(tags.nature, tuple(sorted(set(dates))), reference)
        urgency = tags.urgency
        if tags.nature == Nature.RULE and self._urgency.current(kept, reference):
            urgency = Urgency.HIGH
        return replace(tags, effective_dates=kept, urgency=urgency)

    def classify(self, change: ChangeText) -> Tags:
        # Each text is folded once (cached); the joins are made of the folded texts.
        body, keyword_pieces, dated_pieces = change.pieces()
        dated_text = fold_lines(*dated_pieces)
        folded_title = fold(change.title)
        scored = self.categories.score_folded(folded_title, fold_lines(*body))
        hits = self.watch.match((change.title, change.added, change.removed))
        reference = (change.published_at or change.detected_at or datetime.now(UTC)).date()
        dates, ends = folded_periods(dated_text, reference)
        title_tokens = segment(change.title)
        main = change.removed if change.kind == REMOVED else change.added
        # keywords and the near-duplicate signature come from the opening of long texts: cutting
        # costs ~1 ms per 1,000 Chinese characters, and a story's lede says what it is about
        main_tokens = segment(main[:SEGMENT_CHARS])
        # the learned models read whole new texts (an edit of a watched page is judged by its
        # wording alone): one the word lists do not call an ad may still be one
        feats = features(title_tokens, main_tokens) if change.kind == NEW else None
        is_promo = scored.is_promo
        if not is_promo and feats is not None and self._promo_model is not None:
            is_promo = self._promo_model.says(feats)
        # Only new text makes a change urgent: a removed "must" or deadline is no reason to hurry.
        removed = change.kind == REMOVED
        verdict = self._urgency.judge(
            folded_title if removed else fold(change.added),
            title="" if removed else folded_title,
            is_promo=is_promo,
            policy_like=scored.categories != (OTHER,),
            edit=change.kind in (CHANGED, REMOVED),
            news=scored.news,
            lean=scored.lean,
            watch_hit=bool(hits),
            # a period still running ("10月15日至1月14日期间") keeps its rule current
            dates=effective_dates(change.title, reference) if removed else dates + ends,
            reference=reference,
        )
        if feats is not None and self._news_model is not None:
            verdict = _news_opinion(verdict, self._news_model, feats, watched=bool(hits))
        dates = _dates_of(verdict.nature, dates, reference)
        if change.kind == CHANGED:
            keyword_tokens = main_tokens + segment(change.removed[:SEGMENT_CHARS])
        elif change.kind == REMOVED:
            keyword_tokens = main_tokens
        else:
            keyword_tokens = title_tokens + main_tokens
        # news is filed under a seller topic only when a specific term names it
        news = verdict.nature == Nature.NEWS
        if verdict.nature == Nature.PROMO:
            categories: tuple[str, ...] = (OTHER,)
        elif news:
            categories = self.categories.topical(scored)
        else:
            categories = scored.categories
        return Tags(
            categories=categories,
            scores=scored.scores,
            keywords=self._keywords.extract(
                _join(*keyword_pieces)[: 2 * SEGMENT_CHARS], keyword_tokens
            ),
            watch_hits=hits,
            effective_dates=dates,
            urgency=verdict.urgency,
            is_promo=verdict.nature == Nature.PROMO,
            signature=tuple(signature("", tokens=title_tokens + main_tokens)),
            nature=verdict.nature,
        )


def _news_opinion(
    verdict: Verdict, model: TextModel, feats: list[str], *, watched: bool
) -> Verdict:
    """The news model's say on a new article: coverage the rules call urgent (no watch hit) is
    medium; what the rules call news but reads as a rule is a rule, medium.
    """
    urgent = verdict.urgency == Urgency.HIGH and not watched
    low = model.low if verdict.nature == Nature.NEWS else None
    if not urgent and low is None:
        return verdict  # nothing it could change: no need to read it
    news = model.probability(feats)
    if urgent and news >= model.threshold:
        return verdict._replace(urgency=Urgency.MEDIUM)
    if low is not None and news <= low:
        return Verdict(Nature.RULE, Urgency.MEDIUM)
    return verdict


def _dates_of(nature: Nature, dates: tuple[str, ...], reference: date) -> tuple[str, ...]:
    """The effective dates a change of this nature has: an ad or event has none (the date of a
    webinar is no date a rule applies from), news only dates still to come, from its own day on
    (a layoff that began last week is no effective date), a rule all of them.
    """
    if nature == Nature.PROMO:
        return ()
    if nature == Nature.NEWS:
        today = reference.isoformat()
        return tuple(d for d in dates if d >= today)
    return dates


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
