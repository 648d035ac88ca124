"""Categories from ``data/categories.toml`` (plus the user's): multi-label scores, ads demoted.

One pass of one automaton over the title and the body finds every category term, every promo
word and every word of news coverage ([nature]); the scores of the categories, the evidence that
the text is an ad or an event, and the evidence that it reports news come out of that pass.

A term marked with ``*`` is a part of longer words: ``"*gebühr*"`` matches inside German
compounds ("Versandgebühren"), ``"rücksend*"`` at the start of one ("Rücksendungen"). The labels
of news ask for more (:meth:`CategorySet.topical`): a specific term and ``news_min_score``, so a
story that mentions 税务 or 海关总署 in passing is filed under "other".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from policyradar.config import ConfigError, read_toml
from policyradar.resources import data_path
from policyradar.tagging.glossary import name_key
from policyradar.tagging.matching import TermMatcher, stem, term_key, variants
from policyradar.tagging.text import fold

if TYPE_CHECKING:
    from collections.abc import Mapping

logger = logging.getLogger(__name__)

CATEGORIES_FILE = "categories.toml"
DEFAULT_FILE = data_path(CATEGORIES_FILE)
OTHER = "other"
TIERS = ("strong", "normal", "weak")
_CATEGORY_KEYS = {"name_zh", "name_en", "replace", *TIERS}
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_PROMO = "promo"
_NEUTRAL = "neutral"
_NEWS = "news"
# a promo word's weight in the title, and in the body (where "strong" words are only evidence);
# a "label" marks an ad wherever it stands ("sponsored post", "using code", 扫码报名)
_PROMO_WEIGHTS = {"label": 3.0, "strong": 3.0, "weak": 1.0}
_PROMO_BODY_WEIGHTS = {"label": 3.0, "strong": 1.5, "weak": 0.5}
_LABEL = _PROMO_BODY_WEIGHTS["label"]  # only a label weighs this much in the body
_STRONG = _PROMO_WEIGHTS["strong"]
_KINDS = 2  # the lean needs cues of this many families: one kind of word is never enough
_WEAK_LEAN = 0.5  # a weak promo word's share in the lean (its family counts it already)
_NEWS_WEIGHTS = {"news_strong": 2.0, "news": 1.0}
# families of promo cues ([promo] cue_* lists): a call to action, an offer, an event, a provider's
# voice, recruitment, deal submission. Each family found counts once (twice from the title),
# however many of its words occur: one weak word is never enough, several kinds of them are.
_CUE = "cue_"
CUE_TITLE = 2.0
CUE_BODY = 1.0
_OUTWEIGH = 4.0  # promo evidence outweighs policy terms when this many times it reaches them


class _Term(NamedTuple):
    owner: str  # a category id, "promo", "news" or "neutral"
    weight: float  # promo words: their weight in the title
    body_weight: float = 0.0  # promo words: their weight in the body


@dataclass(frozen=True, slots=True, kw_only=True)
class Category:
    id: str
    name_zh: str
    name_en: str
    keywords: Mapping[str, float] = field(default_factory=dict)  # term -> weight


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryScore:
    categories: tuple[str, ...]
    scores: dict[str, float]
    is_promo: bool
    promo: float = 0.0  # evidence of an ad or event (title words weigh more)
    news: float = 0.0  # evidence of news coverage: results, layoffs, statistics, roundups…
    # promo words plus cue families (see CUE_TITLE), 0 when policy terms outweigh them: weighed
    # against the rule evidence by UrgencyRules.judge
    lean: float = 0.0
    specific: frozenset[str] = frozenset()  # categories with a strong term found (see topical)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    title_weight: float = 3.0
    min_score: float = 3.0
    news_min_score: float = 6.0
    secondary_ratio: float = 0.4
    max_labels: int = 3
    repeat_cap: int = 3
    promo_demote: float = 0.2
    urgent_days: int = 30
    recent_days: int = 7
    promo_model: bool = True  # the learned second opinion on ads (tagging.textmodel)
    news_model: bool = True  # ...and on coverage of a rule, which is at most medium


class CategorySet:
    """Every category with its weighted bilingual terms, the promo rules and the urgency words."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        known = {f.name for f in fields(Settings)}
        settings = data.get("settings", {})
        self.settings = Settings(**{k: v for k, v in settings.items() if k in known})
        cats: dict[str, Category] = {}
        for cid, raw in data.get("category", {}).items():
            cats[cid] = Category(
                id=cid,
                name_zh=raw.get("name_zh", cid),
                name_en=raw.get("name_en", cid),
                keywords=dict(raw.get("keywords", {})),
            )
        cats.setdefault(OTHER, Category(id=OTHER, name_zh="其他", name_en="Other"))
        cats[OTHER] = cats.pop(OTHER)  # always last
        self.categories: dict[str, Category] = cats
        promo = data.get("promo", {})
        self.promo_patterns = tuple(re.compile(p) for p in promo.get("title_patterns", ()))
        self.promo_labels = tuple(re.compile(p) for p in promo.get("label_patterns", ()))
        self.urgency_words: dict[str, tuple[str, ...]] = {
            k: tuple(v) for k, v in data.get("urgency", {}).items()
        }
        stopwords = data.get("keywords", {}).get("stopwords", ())
        self.stopwords = frozenset(w.casefold() for w in stopwords)
        self._specific = float(data.get("weights", {}).get("strong", 3.0))
        owned = [(t, _Term(cid, w)) for cid, cat in cats.items() for t, w in cat.keywords.items()]
        for tier, weight in _PROMO_WEIGHTS.items():
            term = _Term(_PROMO, weight, _PROMO_BODY_WEIGHTS[tier])
            owned += [(t, term) for t in promo.get(tier, ())]
        for family, words in promo.items():
            if family.startswith(_CUE):
                owned += [(t, _Term(family, 0.0)) for t in words]
        nature = data.get("nature", {})
        for tier, weight in _NEWS_WEIGHTS.items():
            owned += [(t, _Term(_NEWS, weight)) for t in nature.get(tier, ())]
        owned += [(t, _Term(_NEUTRAL, 0.0)) for t in data.get("neutral", {}).get("terms", ())]
        best: dict[str, dict[str, _Term]] = {}  # folded key -> owner -> its heaviest term
        parts: dict[str, tuple[bool, bool]] = {}  # keys of "*"-marked terms: parts of words
        for text, term in owned:
            bare, inside_start, inside_end = stem(text)
            if not bare.strip():
                continue
            for key in variants(bare) if bare == text else {term_key(bare)}:
                if bare != text:
                    parts[key] = (inside_start, inside_end)
                by_owner = best.setdefault(key, {})
                if term.owner not in by_owner or term.weight > by_owner[term.owner].weight:
                    by_owner[term.owner] = term
        self._matcher: TermMatcher[_Term] = TermMatcher(
            ((key, term) for key, by_owner in best.items() for term in by_owner.values()),
            expand=False,
            parts=parts,
        )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.categories)

    def domain_terms(self) -> set[str]:
        """Every category term (without its ``*`` marks): what keyword extraction prefers."""
        return {stem(t)[0] for c in self.categories.values() for t in c.keywords}

    @classmethod
    def load(cls, home: Path | None = None) -> CategorySet:
        """The bundled categories, extended or overridden by ``<home>/categories.toml``."""
        data = read_categories(home)
        weights = data.get("weights", {"strong": 3.0, "normal": 1.5, "weak": 0.5})
        for raw in data.get("category", {}).values():
            kw: dict[str, float] = {}
            for tier in TIERS:
                for term in raw.get(tier, ()):
                    kw[term] = max(kw.get(term, 0.0), float(weights[tier]))
            raw["keywords"] = kw
        return cls(data)

    def score(self, title: str, body: str) -> CategoryScore:
        """Scores per category for a title and a body; ads and events demoted to ``other``."""
        return self.score_folded(fold(title), fold(body))

    def score_folded(self, title: str, body: str) -> CategoryScore:
        """:meth:`score` of a title and a body already passed through :func:`fold`.

        A category is a label only when a specific (strong) term of it occurs or two different
        terms do: one generic word ("tax", 税, "fee") never decides a category alone, whatever
        its count ("AI时代的'中文税'", "a tax on attention").
        """
        s = self.settings
        scores: dict[str, float] = {}
        terms: dict[str, int] = {}  # category -> distinct terms found
        specific: set[str] = set()  # categories with a strong term found
        promo = {"title": 0.0, "body": 0.0}
        labelled = False  # a promo label ("sponsored post", "guest blog", 扫码报名) found
        news = 0.0
        marked = 0.0  # the promo evidence of strong words and labels (weak ones are cues)
        cues: dict[str, float] = {}  # cue family -> its weight (from the title, or the body)
        strong = self._specific
        repeat_cap = s.repeat_cap
        matcher = self._matcher
        seen: set[str] = set()
        for text, factor, where in ((title, s.title_weight, "title"), (body, 1.0, "body")):
            in_title = where == "title"
            promo_words: set[str] = set()  # promo words of this text, one form each
            for key, n in matcher.count_longest(text).items():
                first = key not in seen
                seen.add(key)
                for owner, weight, body_weight in matcher.payloads(key):
                    if owner == _PROMO:  # distinct words: a repeated one is no more evidence
                        if (word := name_key(key)) in promo_words:
                            continue  # "discounts" after "discount" is the same word
                        promo_words.add(word)
                        promo[where] += weight if in_title else body_weight
                        if weight >= _STRONG:
                            marked += weight if in_title else body_weight
                        labelled = labelled or body_weight >= _LABEL
                    elif owner == _NEWS:
                        news += weight * 2.0 if in_title else weight
                    elif owner.startswith(_CUE):
                        if owner not in cues:
                            cues[owner] = CUE_TITLE if in_title else CUE_BODY
                    elif owner != _NEUTRAL:
                        gain = weight * min(n, repeat_cap) * factor
                        scores[owner] = scores.get(owner, 0.0) + gain
                        if first:
                            terms[owner] = terms.get(owner, 0) + 1
                        if weight >= strong:
                            specific.add(owner)
        if any(p.search(title) for p in self.promo_patterns):
            promo["title"] += _PROMO_WEIGHTS["strong"]
        if not labelled and any(p.search(title) or p.search(body) for p in self.promo_labels):
            labelled = True  # "1V1咨询:131…": a sales line, wherever it stands
            promo["body"] += _LABEL
        evidence = promo["title"] + promo["body"]
        best = max(scores.values(), default=0.0)
        # the lean towards an ad: strong promo words, half the weak ones (their families count
        # them too) and the cue families, unless policy terms outweigh it
        lean = marked + _WEAK_LEAN * (evidence - marked) + sum(cues.values())
        if len(cues) < _KINDS or lean * _OUTWEIGH < best:
            lean = 0.0
        if self.is_promo(promo["title"], promo["body"], best, labelled=labelled):
            scores = {k: v * s.promo_demote for k, v in scores.items()}
            return CategoryScore(
                categories=(OTHER,),
                scores=_rounded(scores),
                is_promo=True,
                promo=evidence,
                news=news,
                lean=lean,
            )
        qualified = {k for k in scores if k in specific or terms[k] >= 2}
        return CategoryScore(
            categories=self._labels(scores, qualified),
            scores=_rounded(scores),
            is_promo=False,
            promo=evidence,
            news=news,
            lean=lean,
            specific=frozenset(specific),
        )

    def topical(self, scored: CategoryScore) -> tuple[str, ...]:
        """The labels of news: only specific (strong) terms qualify a category, and it needs
        ``news_min_score`` ("new seller registrations fell 44 %" is market news, not a
        registration topic; a layoff story that quotes 税务 once is not about tax).
        """
        return self._labels(scored.scores, set(scored.specific), self.settings.news_min_score)

    @staticmethod
    def is_promo(title: float, body: float, best: float, *, labelled: bool = False) -> bool:
        """An ad or event: a label anywhere ("guest blog", "using code", 扫码报名), a strong promo
        word in the title, or promo words (two strong ones in the body) outweighing the policy
        terms.
        """
        strong = _PROMO_WEIGHTS["strong"]
        if labelled or title >= strong:
            return True
        return title + body >= strong and (title + body) * _OUTWEIGH >= best

    def _labels(
        self, scores: dict[str, float], qualified: set[str], min_score: float | None = None
    ) -> tuple[str, ...]:
        s = self.settings
        least = s.min_score if min_score is None else min_score
        order = {cid: n for n, cid in enumerate(self.categories)}
        ranked = sorted(
            ((k, v) for k, v in scores.items() if k in qualified),
            key=lambda kv: (-kv[1], order.get(kv[0], 999)),
        )
        if not ranked or ranked[0][1] < least:
            return (OTHER,)
        floor = max(least, ranked[0][1] * s.secondary_ratio)
        return tuple(cid for cid, v in ranked[: s.max_labels] if v >= floor)


def read_categories(home: Path | None = None) -> dict[str, Any]:
    """The bundled categories file as data, with ``<home>/categories.toml`` merged in (checked)."""
    data = read_toml(DEFAULT_FILE)
    user_file = Path(home) / CATEGORIES_FILE if home is not None else None
    if user_file is not None and user_file.exists():
        _merge(data, read_toml(user_file), user_file)
    return data


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in sorted(scores.items(), key=lambda kv: -kv[1]) if v > 0}


def _merge(base: dict[str, Any], user: dict[str, Any], path: Path) -> None:
    """Fold a user's categories file into the bundled data, validating as it goes."""
    for key in user:
        if key not in base:
            raise ConfigError(path, f"unknown key '{key}'", field_name=key)
    for section in ("settings", "weights"):
        for key, value in user.get(section, {}).items():
            if key not in base[section]:
                raise ConfigError(path, f"unknown key '{key}'", field_name=f"{section}.{key}")
            if isinstance(base[section][key], bool):
                if not isinstance(value, bool):
                    raise ConfigError(path, "must be true or false", field_name=f"{section}.{key}")
            elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ConfigError(path, "must be a number >= 0", field_name=f"{section}.{key}")
            base[section][key] = type(base[section][key])(value)
    for section in ("promo", "urgency", "keywords", "neutral", "nature"):
        for key, values in user.get(section, {}).items():
            if key not in base[section]:
                raise ConfigError(path, f"unknown key '{key}'", field_name=f"{section}.{key}")
            _check_terms(values, path, None, f"{section}.{key}")
            merged = list(base[section].get(key, []))
            base[section][key] = merged + [v for v in values if v not in merged]
    for key in ("title_patterns", "label_patterns"):
        for pattern in user.get("promo", {}).get(key, []):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(
                    path,
                    f"bad regular expression {pattern!r}: {exc}",
                    field_name=f"promo.{key}",
                ) from None
    cats = base["category"]
    for cid, raw in user.get("category", {}).items():
        if not _ID_RE.match(cid):
            raise ConfigError(
                path, f"category id {cid!r} must be a lowercase slug", source=cid, table="category"
            )
        if not isinstance(raw, dict):
            raise ConfigError(path, "must be a table", source=cid, table="category")
        for key in raw:
            if key not in _CATEGORY_KEYS:
                raise ConfigError(
                    path, f"unknown key '{key}'", source=cid, field_name=key, table="category"
                )
        for tier in TIERS:
            _check_terms(raw.get(tier, []), path, cid, tier)
        if cid not in cats:
            cats[cid] = {"name_zh": cid, "name_en": cid}
            logger.info("user category %r added from %s", cid, path)
        target = cats[cid]
        for name in ("name_zh", "name_en"):
            if name in raw:
                target[name] = str(raw[name])
        if raw.get("replace"):
            for tier in TIERS:
                target[tier] = []
        for tier in TIERS:
            target[tier] = list(target.get(tier, [])) + list(raw.get(tier, []))


def _check_terms(values: Any, path: Path, source: str | None, name: str) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(
            path,
            "must be a list of non-empty strings",
            source=source,
            field_name=name,
            table="category",
        )
