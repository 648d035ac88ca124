"""Classification of changes: categories, keywords, watch hits, effective dates, urgency, clusters.

Pure functions over plain dataclasses: no Scrapy, no SQLite, no network. The names below load
their module on first use, so that importing one module (search needs only `text`) does not load
the matchers and rules of all the others (~8 MB in every process).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policyradar.tagging.categories import OTHER, Category, CategoryScore, CategorySet
    from policyradar.tagging.classifier import ChangeText, Classifier, Tags
    from policyradar.tagging.clusters import (
        THRESHOLD,
        WINDOW_DAYS,
        assign_cluster,
        signature,
        similarity,
    )
    from policyradar.tagging.cut import load_jieba
    from policyradar.tagging.effective import effective_dates
    from policyradar.tagging.keywords import KeywordExtractor
    from policyradar.tagging.names import CategoryNames
    from policyradar.tagging.text import fold, segment, to_simplified, tokens
    from policyradar.tagging.urgency import Nature, UrgencyRules
    from policyradar.tagging.watch import WatchHit, Watchlist, WatchMatcher

_MODULES = {
    "categories": ("OTHER", "Category", "CategoryScore", "CategorySet"),
    "classifier": ("ChangeText", "Classifier", "Tags"),
    "clusters": ("THRESHOLD", "WINDOW_DAYS", "assign_cluster", "signature", "similarity"),
    "effective": ("effective_dates",),
    "keywords": ("KeywordExtractor",),
    "names": ("CategoryNames",),
    "cut": ("load_jieba",),
    "text": ("fold", "segment", "to_simplified", "tokens"),
    "urgency": ("Nature", "UrgencyRules"),
    "watch": ("WatchHit", "Watchlist", "WatchMatcher"),
}
_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}
__all__ = [
    "OTHER",
    "THRESHOLD",
    "WINDOW_DAYS",
    "Category",
    "CategoryNames",
    "CategoryScore",
    "CategorySet",
    "ChangeText",
    "Classifier",
    "KeywordExtractor",
    "Nature",
    "Tags",
    "UrgencyRules",
    "WatchHit",
    "WatchMatcher",
    "Watchlist",
    "assign_cluster",
    "effective_dates",
    "fold",
    "load_jieba",
    "segment",
    "signature",
    "similarity",
    "to_simplified",
    "tokens",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value  # found directly next time
    return value
