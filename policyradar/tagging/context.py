"""Where a change sits: its section of the document, and the marketplace a text names.

A changed paragraph often leaves its date and its marketplace to the rest of its notice
("自2026年1月15日起…" in an unchanged paragraph, "美国站" in the heading). `section_context` gives
the heading and the other paragraphs of the changed paragraphs' section; `marketplace_of` the
marketplace a text names first. Pure functions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from policyradar.text.diffing import Diff

CONTEXT_CHARS = 4000  # of section text on each side of the change, at most
CONTEXT_LINES = 40
HEADING_CHARS = 40  # a heading with Chinese is at most this long
HEADING_WORDS = 12  # an English one at most this many words

_END = re.compile(r"[。．.!！?？;；:：,，、]\s*$")
_ITEM = re.compile(
    r"^(?:on\s+)?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+"
    r"(?:19|20)\d\d|(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d\d-\d\d-\d\d)"
    r"\s*[,，:：]",
    re.IGNORECASE,
)
_HAN = re.compile(r"[\u3400-\u9fff]")


def is_heading(line: str) -> bool:
    """A short line that is no sentence, no table row and no list item: a section's heading."""
    text = line.strip()
    if not text or " | " in text or text.startswith(("- ", "• ", "* ")) or _END.search(text):
        return False
    if _HAN.search(text):
        return len(text) <= HEADING_CHARS
    return len(text.split()) <= HEADING_WORDS and any(ch.isalpha() for ch in text)


def starts_item(line: str) -> bool:
    """A paragraph that opens a dated item of a running page ("On August 10, 2022, we…")."""
    return _ITEM.match(line.strip()) is not None


def changed_lines(diff: Diff) -> list[str]:
    """The new paragraphs of a diff: inserted and replacing ones."""
    return [line for op in diff.ops if op.op in ("insert", "replace") for line in op.new]


def section_context(text: str, changed: Iterable[str]) -> str:
    """The heading and the other paragraphs of the section(s) the ``changed`` paragraphs of
    ``text`` are in (a section runs from a heading or a dated item to the next one; a document
    without either is one section), the changed paragraphs themselves left out.
    """
    lines = text.split("\n")
    wanted = set(changed)
    where = [i for i, line in enumerate(lines) if line in wanted]
    if not where:
        return ""
    keep: set[int] = set()
    for at in where:
        keep.update(_section(lines, at))
    return "\n".join(lines[i] for i in sorted(keep) if lines[i] not in wanted)


def _section(lines: Sequence[str], at: int) -> range:
    start, budget = at, CONTEXT_CHARS
    while start > 0 and at - start < CONTEXT_LINES and budget > 0:
        if is_heading(lines[start]) or starts_item(lines[start]):
            break
        start -= 1
        budget -= len(lines[start])
    end, budget = at + 1, CONTEXT_CHARS
    while end < len(lines) and end - at < CONTEXT_LINES and budget > 0:
        if is_heading(lines[end]) or starts_item(lines[end]):
            break
        budget -= len(lines[end])
        end += 1
    return range(start, end)


# -- marketplaces ---------------------------------------------------------------------------------


def marketplace_of(*texts: str) -> str:
    """The marketplace or region code (US, UK, EU, JP…) the first of ``texts`` that names one
    names first, as `policyradar.tagging.marketplaces` reads them; "" when none does.
    """
    from policyradar.tagging.marketplaces import signs_of

    for text in texts:
        if text and (named := (signs := signs_of(text)).strong or signs.weak):
            return named[0]
    return ""


def marketplaces_in(texts: Sequence[str], source: str = "") -> list[str]:
    """Every marketplace a change is about, regions expanded (DE, FR … for 欧洲站), from its
    ``texts`` (the most telling first) and its ``source``'s own marketplace; ``["GLOBAL"]`` when
    nothing narrower applies. See `policyradar.tagging.marketplaces`.
    """
    from policyradar.tagging.marketplaces import marketplaces_of

    return marketplaces_of(*texts, source=source)
