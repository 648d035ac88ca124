"""Work the crawl hands to its worker processes (see `offload`) that no single room owns.

Each job is a module-level function of picklable arguments; this module imports neither Scrapy
nor storage, so a worker that runs it stays small.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from policyradar.records import NewPage
from policyradar.search.index import change_index_texts, index_text
from policyradar.tagging.apply import load_classifier, read_change
from policyradar.tagging.facts import document_facts
from policyradar.text.pagetext import page_text

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.tagging import ChangeText, Tags
    from policyradar.tagging.apply import Reading
    from policyradar.text.diffing import Diff
    from policyradar.text.pagetext import Page, PageText


def page_text_job(page: Page, new: bool) -> tuple[PageText, NewPage | None]:
    """`page_text`, and for a page ``new`` to the store what needs no classifier of the rest:
    its key facts (`document_facts`) and search-index text, read here, beside extraction,
    because the crawl process (which classifies) is the busier one.
    """
    result = page_text(page)
    if not new or result.anomaly:
        return result, None
    started = time.perf_counter()
    facts = tuple(document_facts(result.text))
    result.seconds["facts"] = time.perf_counter() - started
    started = time.perf_counter()
    indexed = index_text(result.text)
    result.seconds["index"] = time.perf_counter() - started
    return result, NewPage(facts, indexed)


def analyse_change(
    home: Path, text: ChangeText, added_indexed: str | None = None
) -> tuple[Tags, tuple[str, str, str]]:
    """``text`` classified by the home's classifier, and its search-index texts (see
    `Storage.save_version`): one round trip to a worker for both.
    """
    indexed = change_index_texts(text.title, text.added, text.removed, added_indexed)
    return load_classifier(home).classify(text), indexed


def read_change_job(
    home: Path,
    text: ChangeText,
    diff: Diff | None = None,
    full_text: str = "",
    marketplace: str = "",
    new_page: NewPage | None = None,
) -> tuple[Reading, tuple[str, str, str]]:
    """As `analyse_change`, and the change read further (`read_change`): its facts, summary,
    and the effective dates of its section in ``full_text`` (the new version). ``new_page``:
    a new document's facts and index text, read already by `page_text_job`.
    """
    from policyradar.tagging.glossary import Glossary

    classifier = load_classifier(home)
    tags, indexed = analyse_change(home, text, None if new_page is None else new_page.index_text)
    reading = read_change(
        classifier,
        tags,
        text,
        diff=diff,
        full_text=full_text,
        marketplace=marketplace,
        glossary=Glossary.load(home),
        facts=None if new_page is None else new_page.facts,
    )
    return reading, indexed
