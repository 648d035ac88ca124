"""Classification of changes: categories, keywords, watch hits, effective dates, urgency, clusters.

Pure functions over plain dataclasses: no Scrapy, no SQLite, no network.
"""

from __future__ import annotations

from crawler.tagging.categories import OTHER, Category, CategoryScore, CategorySet
from crawler.tagging.classifier import ChangeText, Classifier, Tags
from crawler.tagging.clusters import THRESHOLD, WINDOW_DAYS, assign_cluster, signature, similarity
from crawler.tagging.effective import effective_dates
from crawler.tagging.keywords import KeywordExtractor
from crawler.tagging.text import fold, load_jieba, segment, to_simplified, tokens
from crawler.tagging.urgency import HIGH, LEVELS, LOW, MEDIUM, UrgencyRules
from crawler.tagging.watch import WatchHit, Watchlist, WatchMatcher

__all__ = [
    "HIGH",
    "LEVELS",
    "LOW",
    "MEDIUM",
    "OTHER",
    "THRESHOLD",
    "WINDOW_DAYS",
    "Category",
    "CategoryScore",
    "CategorySet",
    "ChangeText",
    "Classifier",
    "KeywordExtractor",
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
