"""Work the crawl hands to its worker processes (see `offload`) that no single room owns.

Each job is a module-level function of picklable arguments; this module imports neither Scrapy
nor storage, so a worker that runs it stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.search.index import change_index_texts
from policyradar.tagging.apply import load_classifier, read_change

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.tagging import ChangeText, Tags
    from policyradar.tagging.apply import Reading
    from policyradar.text.diffing import Diff


def analyse_change(home: Path, text: ChangeText) -> tuple[Tags, tuple[str, str, str]]:
    """``text`` classified by the home's classifier, and its search-index texts (see
    `Storage.save_version`): one round trip to a worker for both.
    """
    indexed = change_index_texts(text.title, text.added, text.removed)
    return load_classifier(home).classify(text), indexed


def read_change_job(
    home: Path,
    text: ChangeText,
    diff: Diff | None = None,
    full_text: str = "",
    marketplace: str = "",
) -> tuple[Reading, tuple[str, str, str]]:
    """As `analyse_change`, and the change read further (`read_change`): its facts, summary,
    and the effective dates of its section in ``full_text`` (the new version).
    """
    from policyradar.tagging.glossary import Glossary

    classifier = load_classifier(home)
    tags, indexed = analyse_change(home, text)
    reading = read_change(
        classifier,
        tags,
        text,
        diff=diff,
        full_text=full_text,
        marketplace=marketplace,
        glossary=Glossary.load(home),
    )
    return reading, indexed
