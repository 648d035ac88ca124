"""Near-duplicate news: one story told by several sources becomes one cluster.

The signature is a bottom-k MinHash (one hash function, the ``SIGNATURE_SIZE`` smallest values)
over the set of jieba tokens of title + text. Two signatures estimate the Jaccard similarity of
the token sets; for short texts (fewer distinct tokens than the signature size) it is exact.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import TYPE_CHECKING

from policyradar.tagging.text import segment, word_tokens

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

logger = logging.getLogger(__name__)

SIGNATURE_SIZE = 64
# Measured on tests/test_tagging_clusters.py: the same story rewritten by AMZ123, 雨果网 and 亿邦
# (or three English outlets) scores 0.32-0.64; different stories on the same topic (two FBA fee
# notices, two CPSC stories, two eBay changes) score 0.07-0.12. 0.22 sits in the middle of the gap.
THRESHOLD = 0.22
WINDOW_DAYS = 7  # the caller offers candidates from other sources within this many days


def shingles(tokens: Iterable[str]) -> set[str]:
    """The token set a signature is built from: words of two or more characters, and numbers."""
    return {t for t in tokens if len(t) >= 2 or t.isdigit()}


def signature(text: str, tokens: Sequence[str] | None = None) -> list[int]:
    """Bottom-k MinHash of ``text``; pass its raw :func:`segment` ``tokens`` if you have them."""
    words = shingles(word_tokens(segment(text) if tokens is None else tokens))
    return sorted({_hash(word) for word in words})[:SIGNATURE_SIZE]


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the token sets behind two signatures (0.0-1.0)."""
    if not a or not b:
        return 0.0
    set_a, set_b = set(a), set(b)
    union = sorted(set_a | set_b)[:SIGNATURE_SIZE]  # sorted in C: faster than heapq's Python
    return len((set_a & set_b).intersection(union)) / len(union)


def assign_cluster(
    sig: Sequence[int],
    candidates: Iterable[tuple[int, str | None, Sequence[int]]],
    threshold: float = THRESHOLD,
) -> str | None:
    """The cluster a change joins, from ``(change id, cluster id, signature)`` candidates.

    Returns the most similar candidate's cluster id, or ``"c<change id>"`` when that candidate
    has none yet (the caller then gives the candidate that cluster id too), or None when no
    candidate reaches ``threshold``.
    """
    best: tuple[float, int, str | None] | None = None
    for change_id, cluster, other in candidates:
        score = similarity(sig, other)
        if score >= threshold and (best is None or score > best[0]):
            best = (score, change_id, cluster)
    if best is None:
        return None
    logger.debug("joins change %s (similarity %.2f)", best[1], best[0])
    return best[2] or f"c{best[1]}"


@functools.lru_cache(maxsize=8192)
def _hash(word: str) -> int:
    """A stable 63-bit hash (fits SQLite's signed integers and JSON)."""
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
