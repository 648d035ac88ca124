"""Main text of real policy pages against their real policy text (tests/corpus/pages/).

Each page folder holds a real page (``page.html``), the policy text Open Terms Archive extracted
from that very snapshot with a human-written declaration (``reference.md``) and ``page.toml``
(the declaration as PolicyRadar ``body`` / ``remove`` selectors, and where each file comes from).
tests/corpus/pages/README.md describes the corpus and its held-back part.

Scores are bag-of-words: recall is the share of the reference's words found in our text,
precision the share of our words found in the reference (each word counted as often as it
occurs). Words are runs of letters and digits, lowercased; a CJK character counts as one word.
Markdown markup (list markers, table rules, link targets, escapes) is not text and is dropped.

Two modes: ``declared`` runs the page's own ``body`` / ``remove`` selectors, as a source in
sources.toml would; ``auto`` runs with no selector (the main-text extractor). Both must reach
`THRESHOLD` on every page, but for one thing: when the declaration keeps only a part of the
page's main content (less than `COMPARABLE` of the words of its ``main``, ``[role=main]``,
``article`` or ``body``, navigation aside), no extractor can know which part, so the ``auto``
precision of that page is reported and not asserted. Run with ``-s`` to see the table.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import lxml.html
import pytest

from policyradar.text.extraction import main_text

CORPUS = Path(__file__).parent / "corpus" / "pages"
THRESHOLD = 0.95
COMPARABLE = 0.8
# Misses found by the blind run of the held-back part, kept in sight (strict: a fix must say so).
KNOWN_MISSES = {
    ("opentermsarchive-brand-guidelines", "auto"): (
        "recall 0.915: the logo downloads section ('Download in PNG / or in SVG') is mostly links,"
        " in a container beside the text, and the page has no main or article element to read it in"
    ),
}
MODES = ("declared", "auto")

_CJK_RE = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_RE = re.compile(rf"[{_CJK_RE}]|[^\W_{_CJK_RE}]+")
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)")
_TAG_RE = re.compile(r"<[^>]+>")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~=])")
_MARKER_RE = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s+)+")


@dataclass(frozen=True)
class CorpusPage:
    id: str
    html: str
    reference: str  # Open Terms Archive's Markdown
    body: tuple[str, ...]
    remove: tuple[str, ...]
    held_back: bool

    @property
    def coverage(self) -> float:
        """The share of the words of the page's main content that the declaration keeps."""
        root = lxml.html.document_fromstring(self.html)
        for element in list(root.iter("nav", "header", "footer", "aside", "script", "style")):
            element.drop_tree()
        main = root.cssselect("main, [role=main]") or root.cssselect("article") or [root.body]
        kept = [element for css in self.body for element in root.cssselect(css)]
        total = sum(words(main[0].text_content()).values())
        return sum(sum(words(e.text_content()).values()) for e in kept) / max(1, total)


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float

    @property
    def passed(self) -> bool:
        return self.recall >= THRESHOLD and self.precision >= THRESHOLD


def load_pages() -> list[CorpusPage]:
    """Every page folder; the held-back part is every third id in sorted order (3rd, 6th, …)."""
    folders = sorted(p for p in CORPUS.iterdir() if (p / "page.toml").exists())
    pages = []
    for n, folder in enumerate(folders, 1):
        meta = tomllib.loads((folder / "page.toml").read_text("utf-8"))
        assert meta["id"] == folder.name, folder
        declaration = meta["declaration"]
        pages.append(
            CorpusPage(
                id=folder.name,
                html=(folder / "page.html").read_text("utf-8"),
                reference=(folder / "reference.md").read_text("utf-8"),
                body=tuple(declaration["body"]),
                remove=tuple(declaration.get("remove", ())),
                held_back=n % 3 == 0,
            )
        )
    return pages


def markdown_text(markdown: str) -> str:
    """The words of a Markdown text: images, link targets, tags, markers and escapes dropped."""
    text = _IMAGE_RE.sub(" ", markdown)
    text = _LINK_RE.sub(r"\1", text)
    text = _TAG_RE.sub(" ", text)
    return _ESCAPE_RE.sub(r"\1", "\n".join(_MARKER_RE.sub("", line) for line in text.splitlines()))


def words(text: str) -> Counter[str]:
    """Bag of words: letter/digit runs lowercased, each CJK character a word of its own."""
    plain = "\n".join(_MARKER_RE.sub("", line) for line in text.splitlines())
    return Counter(_WORD_RE.findall(unicodedata.normalize("NFKC", plain).lower()))


def score(ours: str, reference_markdown: str) -> Score:
    mine, theirs = words(ours), words(markdown_text(reference_markdown))
    common = sum((mine & theirs).values())
    return Score(
        recall=common / max(1, sum(theirs.values())),
        precision=common / max(1, sum(mine.values())),
    )


def extract(page: CorpusPage, mode: str) -> str:
    if mode == "declared":
        return main_text(page.html, selector=page.body, remove=page.remove)
    return main_text(page.html)


PAGES = load_pages()


@cache
def measured(page_id: str, mode: str) -> Score:
    page = next(p for p in PAGES if p.id == page_id)
    return score(extract(page, mode), page.reference)


@cache
def precision_asserted(page_id: str, mode: str) -> bool:
    page = next(p for p in PAGES if p.id == page_id)
    return mode == "declared" or page.coverage >= COMPARABLE


def check(page_id: str, mode: str) -> None:
    result = measured(page_id, mode)
    assert result.recall >= THRESHOLD, result
    if precision_asserted(page_id, mode):
        assert result.precision >= THRESHOLD, result


def test_the_corpus_has_twelve_pages_and_a_held_back_third() -> None:
    assert len(PAGES) >= 12
    assert sum(p.held_back for p in PAGES) == len(PAGES) // 3
    for page in PAGES:
        assert page.body, f"{page.id}: the declaration needs a body selector"
        assert "<script" not in page.html.lower(), f"{page.id}: scripts are stripped"


def test_the_table_covers_every_page_and_mode() -> None:
    """The table of every page and mode, tuning part and held-back part apart (see ``-s``)."""
    lines = [f"{'page':36} {'part':9} {'mode':9} {'recall':>7} {'precision':>9}"]
    for part, held in (("tuning", False), ("held-back", True)):
        for mode in MODES:
            part_pages = [p for p in PAGES if p.held_back is held]
            recalls = [measured(p.id, mode).recall for p in part_pages]
            precisions = [
                measured(p.id, mode).precision for p in part_pages if precision_asserted(p.id, mode)
            ]
            for page in part_pages:
                s = measured(page.id, mode)
                flag = "" if s.passed else "  < 0.95"
                if (page.id, mode) in KNOWN_MISSES:
                    flag += "  (known miss, see KNOWN_MISSES)"
                if not precision_asserted(page.id, mode):
                    flag += f"  (precision not asserted: the declaration keeps {page.coverage:.0%})"
                lines.append(
                    f"{page.id:36} {part:9} {mode:9} {s.recall:7.3f} {s.precision:9.3f}{flag}"
                )
            lines.append(
                f"{'minimum (asserted)':36} {part:9} {mode:9} {min(recalls):7.3f} "
                f"{min(precisions):9.3f}"
            )
    print("\n" + "\n".join(lines))
    assert len(lines) == 1 + 2 * len(MODES) + len(PAGES) * len(MODES)


def cases(held_back: bool) -> list[object]:
    return [
        pytest.param(
            page.id,
            mode,
            id=f"{page.id}-{mode}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[page.id, mode])]
            if (page.id, mode) in KNOWN_MISSES
            else [],
        )
        for page in PAGES
        if page.held_back is held_back
        for mode in MODES
    ]


@pytest.mark.parametrize(("page_id", "mode"), cases(held_back=False))
def test_tuning_part_keeps_the_policy_text(page_id: str, mode: str) -> None:
    check(page_id, mode)


@pytest.mark.parametrize(("page_id", "mode"), cases(held_back=True))
def test_held_back_part_keeps_the_policy_text(page_id: str, mode: str) -> None:
    check(page_id, mode)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("1.  Item [one](https://x/y) \\- ok", "Item one - ok"),
        ("| a | b<br><br>c |\n| --- | --- |", "| a | b  c |\n| --- | --- |"),
        ("![logo](https://x/l.png)Text", " Text"),
        ("*   october\\_session", "october_session"),
    ],
)
def test_markdown_markup_is_not_text(markdown: str, expected: str) -> None:
    assert markdown_text(markdown) == expected


def test_words_count_cjk_characters_one_by_one() -> None:
    assert words("- 配送费 FBA-fees 2025") == Counter(
        {"配": 1, "送": 1, "费": 1, "fba": 1, "fees": 1, "2025": 1}
    )
