"""Keywords of a change: jieba TF-IDF for Chinese; English words and dictionary terms as English."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from policyradar.tagging.cut import USERDICT_FILE, lexicon, load_jieba
from policyradar.tagging.matching import TermMatcher, term_key
from policyradar.tagging.text import english_words, fold, has_han, is_japanese

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from policyradar.tagging.lexicon import IdfTable

logger = logging.getLogger(__name__)

TOP_K = 8
DOMAIN_BOOST = 1.5  # dictionary terms beat general words of the same weight
TERM_IDF = 10.0  # dictionary phrases (English, mixed, Japanese): a little below jieba's median
WORD_IDF = 7.0  # other Latin-script words have no IDF table: ranked below dictionary terms
WORD_CACHE = 8192  # tokens whose TF-IDF verdict is kept (~200 bytes each)


# jieba.analyse's TF-IDF stop words (``KeywordExtractor.STOP_WORDS``), without importing it: its
# import loads jieba.posseg's HMM tables and TextRank (~85 MB) that keywords never use.
JIEBA_STOP_WORDS = frozenset(
    (
        "the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are", "by", "be", "as",
        "on", "with", "can", "if", "from", "which", "you", "it", "this", "then", "at", "have",
        "all", "not", "one", "has", "or",
    )
)  # fmt: skip


def idf_table() -> tuple[IdfTable, float]:
    """jieba.analyse's default IDF table (``.get(word, default)``) and its median.

    Both are read as ``IDFLoader`` reads them, into the lexicon :func:`load_jieba` maps.
    """
    loaded = lexicon()
    return loaded.idf, loaded.median_idf


class KeywordExtractor:
    """TF-IDF keywords over the changed text, domain terms preferred, at most ``top_k``."""

    def __init__(
        self, domain_terms: Iterable[str], stopwords: Iterable[str] = (), top_k: int = TOP_K
    ) -> None:
        load_jieba()
        self._idf, self._median_idf = idf_table()
        self._stop = {w.casefold() for w in JIEBA_STOP_WORDS} | {w.casefold() for w in stopwords}
        terms = sorted(set(domain_terms) | set(_userdict_terms()))  # sorted: same output each run
        self._domain = {term_key(t) for t in terms}
        # English terms (and mixed ones like "Vine计划"): matched as whole phrases in the text.
        self._phrases: TermMatcher[tuple[str, str]] = TermMatcher(
            (t, (t, term_key(t)))
            for t in terms
            if not has_han(t) or any(c.isascii() and c.isalpha() for c in t)
        )
        # Japanese is not cut with jieba: every dictionary term is looked for as a phrase.
        self._all_terms: TermMatcher[tuple[str, str]] = TermMatcher(
            (t, (t, term_key(t))) for t in terms
        )
        self.top_k = top_k
        # texts share most of their words: each token's verdict is worked out once
        self._chinese = functools.lru_cache(maxsize=WORD_CACHE)(self._chinese_word)

    def extract(self, text: str, tokens: Sequence[str]) -> tuple[str, ...]:
        """Keywords of ``text``; ``tokens`` are its jieba tokens (Simplified)."""
        weights: dict[str, float] = {}
        shown: dict[str, str] = {}
        counted = 0
        japanese = is_japanese(text)
        for tok in () if japanese else tokens:  # Chinese: TF-IDF as jieba.analyse computes it
            counts = self._chinese(tok)
            if counts is None:
                continue
            word, idf = counts
            counted += 1
            weights[word] = weights.get(word, 0.0) + idf
            shown.setdefault(word, word)
        counted += self._phrases_and_words(text, weights, shown, japanese=japanese)
        if not weights:
            return ()
        scored = sorted(
            (
                (w / counted * (DOMAIN_BOOST if key in self._domain else 1.0), key)
                for key, w in weights.items()
            ),
            key=lambda kv: (-kv[0], kv[1]),
        )
        return _dedupe([shown[key] for _, key in scored], self.top_k)

    def _chinese_word(self, tok: str) -> tuple[str, float] | None:
        """(word, IDF) of a token TF-IDF counts, or None."""
        word = tok.strip()
        if len(word) < 2 or not has_han(word) or word.casefold() in self._stop:
            return None
        if any(c.isascii() and c.isalpha() for c in word):
            return None  # mixed terms ("Vine计划") are counted as dictionary phrases
        return word, self._idf.get(word, self._median_idf)

    def _phrases_and_words(
        self, text: str, weights: dict[str, float], shown: dict[str, str], *, japanese: bool
    ) -> int:
        """Dictionary phrases, then the other Latin-script words; returns how many counted."""
        folded = fold(text)
        covered: list[tuple[int, int]] = []
        counted = 0
        matcher = self._all_terms if japanese else self._phrases
        for match in matcher.find_longest(folded):
            term, key = match.payloads[0]
            weights[key] = weights.get(key, 0.0) + TERM_IDF
            shown.setdefault(key, term)
            covered.append((match.start, match.end))
            counted += 1
        spans = iter(covered)
        span = next(spans, None)
        for start, end, word in english_words(folded):
            while span is not None and span[1] <= start:
                span = next(spans, None)
            if span is not None and span[0] <= start < span[1]:
                continue
            if len(word) < 2 or (len(word) < 3 and not text[start:end].isupper()):
                continue
            if word in self._stop:
                continue
            if word.isdigit() or word[0].isdigit():
                continue
            counted += 1
            key = word[:-1] if word.endswith("s") and word[:-1] in weights else word
            weights[key] = weights.get(key, 0.0) + WORD_IDF
            shown.setdefault(key, _surface(text[start:end]))
        return counted


def _surface(word: str) -> str:
    """Acronyms and mixed-case names as written (ASIN, eFiling); other words lower-case."""
    return word if word.isupper() or word[1:] != word[1:].lower() else word.lower()


def _dedupe(words: Iterable[str], limit: int) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()
    for word in words:
        key = word.casefold()
        stem = key[:-1] if key.endswith("s") else key
        if key in seen or stem in seen:
            continue
        seen.update((key, stem))
        out.append(word)
        if len(out) == limit:
            break
    return tuple(out)


def _userdict_terms() -> list[str]:
    with USERDICT_FILE.open(encoding="utf-8") as fh:
        return [line.split(" ")[0].strip() for line in fh if line.strip()]
