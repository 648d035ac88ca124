"""Work the crawl hands to its worker processes (see `offload`) that no single room owns.

Each job is a module-level function of picklable arguments; this module imports neither Scrapy
nor storage, so a worker that runs it stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.search.index import change_index_texts
from policyradar.tagging.apply import load_classifier

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.tagging import ChangeText, Tags


def analyse_change(home: Path, text: ChangeText) -> tuple[Tags, tuple[str, str, str]]:
    """``text`` classified by the home's classifier, and its search-index texts (see
    `Storage.save_version`): one round trip to a worker for both.
    """
    indexed = change_index_texts(text.title, text.added, text.removed)
    return load_classifier(home).classify(text), indexed
