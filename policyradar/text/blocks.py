"""An HTML element as plain-text lines: paragraphs, headings, list items, terms and table rows.

One line per paragraph or heading; one per list item, marked ``- `` and one more ``- `` per
level of nesting (the stored text loses indentation, so the marker carries it); one per
definition term and per definition; one per table row, its cells in column order joined by
`CELL_SEPARATOR` (header rows included, spanned columns left empty so columns stay aligned).
A table used for layout (a nested table or heading inside, ``role=presentation``) reads as
blocks instead. Navigation, forms, ads, share bars, related links, comments and cookie notices
inside the element are dropped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


BLOCK_TAGS = _words(
    "address article blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu ol p pre "
    "section summary table tbody td tfoot th thead tr ul"
)
LIST_TAGS = _words("ul ol menu dir")
CELL_TAGS = _words("td th")
DROP_TAGS = _words(
    "aside button canvas datalist footer iframe input label map nav noscript object option "
    "script select style svg template textarea title head"
)
# Removed before the main content is located; class-based rules apply only while rendering.
STRUCTURAL_DROP_TAGS = DROP_TAGS - {"head", "title", "label", "option", "map", "object"}
# Parts of class/id names (split at "-", "_" and spaces) that mark boilerplate.
BOILERPLATE_NAMES = _words(
    "ad ads adsbygoogle advert adverts advertisement advertising breadcrumb breadcrumbs comment "
    "comments cookie cookies newsletter pagination related relate share sharing sidebar social "
    "sponsor sponsored recommend recommended recommendation recommendations tuijian xgyd xgwz "
    "xiangguan"
)
BOILERPLATE_ROLES = frozenset({"navigation", "complementary", "contentinfo", "search"})
# Only these hold boilerplate by their name: a heading or a cell named "cookies" or "sharing"
# is a policy's own section (anchors are named after the topic).
NAMED_CONTAINERS = _words("aside div dl figure form header ins li ol p section span ul")
# A part named like boilerplate that holds this share of the rendered element's text is its
# content all the same ("site-content-with-sidebar", a privacy policy's "cookies" section).
BOILERPLATE_MAX_SHARE = 0.5
# A block beside the located main content joins it when it has this much text, not mostly links.
SUBSTANTIAL_CHARS = 200
MAX_LINK_SHARE = 0.5
BULLET = "- "
CELL_SEPARATOR = " | "
_LAYOUT_INSIDE = _words("table h1 h2 h3 h4 h5 h6 article main")
_LAYOUT_CELL_CHARS = 3000  # a "cell" this long is a page column, not a datum
_NAME_SPLIT_RE = re.compile(r"[\s_-]+")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_CJK = (
    r"\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_CJK_GAP_RE = re.compile(rf" (?<=[{_CJK}] )(?=[{_CJK}])")  # the space first: searched fast
# A line that opens a "related reading" block is navigation, not content.
_RELATED_RE = re.compile(
    r"^(?:相关阅读|相关文章|相关新闻|相关推荐|推荐阅读|延伸阅读|热门推荐|热门文章|猜你喜欢"
    r"|related (?:articles|links|posts|stories|topics|content)"
    r"|you may also like|recommended for you)"
    r"(?:\s*[:：]|$)",
    re.IGNORECASE,
)


def render(element: HtmlElement) -> list[str]:
    """The lines of ``element`` (itself never dropped as boilerplate)."""
    builder = _LineBuilder(_text_length(element) * BOILERPLATE_MAX_SHARE)
    builder.visit(element, is_root=True)
    builder.flush()
    return builder.lines


def is_substantial(element: HtmlElement) -> bool:
    """Whether a block is worth reading on its own: not boilerplate, at least
    `SUBSTANTIAL_CHARS` of text, and not mostly link text (a menu, tags, related links).
    """
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in DROP_TAGS or is_navigation(element) or _is_overlay(element):
        return False
    if tag in NAMED_CONTAINERS and _named_boilerplate(element):
        return False
    text = _text_length(element)
    links = sum(_text_length(a) for a in element.iter("a"))
    return text >= SUBSTANTIAL_CHARS and links <= MAX_LINK_SHARE * text


def is_navigation(element: HtmlElement) -> bool:
    """Whether the element's ARIA role marks navigation, a sidebar, a footer or a search box."""
    # Hidden parts (hidden, aria-hidden) are kept: FAQ answers often sit in collapsed sections.
    return element.get("role", "").lower() in BOILERPLATE_ROLES


def clean_line(text: str) -> str:
    """One space per whitespace run, none between two CJK characters, none at the ends."""
    line = " ".join(text.split())  # str.split and re's \s agree on what is whitespace
    return line if line.isascii() else _CJK_GAP_RE.sub("", line)


class _LineBuilder:
    """Walks an lxml tree once, collecting inline text and breaking lines at block elements."""

    def __init__(self, boilerplate_limit: float) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._marker = ""  # the list marker the next line starts with
        self._depth = 0  # lists open around the current element
        self._limit = boilerplate_limit
        self._anchors: frozenset[str] | None = None  # ids that in-page links point at

    def flush(self) -> None:
        if not self._parts:
            return
        line = clean_line("".join(self._parts))
        self._parts.clear()
        if line and not _RELATED_RE.match(line):
            self.lines.append(self._marker + line)
            self._marker = ""

    def visit(self, element: HtmlElement, *, is_root: bool = False) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if tag is not None and (is_root or not self._is_boilerplate(element, tag)):
            self._element(element, tag)
        if not is_root and element.tail:
            self._parts.append(element.tail)

    def _element(self, element: HtmlElement, tag: str) -> None:
        if tag == "br":
            self.flush()
            return
        if tag == "table" and not _is_layout_table(element):
            self.flush()
            self._table(element)
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        if tag == "li":
            self._marker = BULLET * max(1, self._depth)
        nested = tag in LIST_TAGS
        self._depth += nested
        if element.text:
            self._parts.append(element.text)
        for child in element:
            self.visit(child)
        if block:
            self.flush()
        self._depth -= nested
        if tag == "li":
            self._marker = ""

    def _table(self, table: HtmlElement) -> None:
        for caption in table.iterchildren("caption"):
            self.visit(caption)
            self.flush()
        spans: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
        for row in table.iter("tr"):
            cells: list[str] = []
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag.lower() not in CELL_TAGS:
                    continue
                _skip_spanned(cells, spans)
                column = len(cells)
                cells.append(self._cell_text(cell))
                width = _span(cell, "colspan")
                cells.extend([""] * (width - 1))
                if (height := _span(cell, "rowspan")) > 1:
                    for offset in range(width):
                        spans[column + offset] = height - 1
            _skip_spanned(cells, spans)
            for column in spans:  # spanned columns past this row's last cell
                if column > len(cells) and spans[column] > 0:
                    spans[column] -= 1
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                self.lines.append(self._marker + clean_line(CELL_SEPARATOR.join(cells)))
                self._marker = ""

    def _cell_text(self, cell: HtmlElement) -> str:
        if self._is_boilerplate(cell, cell.tag.lower()):
            return ""
        inner = _LineBuilder(self._limit)
        inner.visit(cell, is_root=True)
        inner.flush()
        return clean_line(" ".join(inner.lines))

    def _is_boilerplate(self, element: HtmlElement, tag: str) -> bool:
        if tag in DROP_TAGS or is_navigation(element):
            return True
        if tag not in NAMED_CONTAINERS or not (_is_overlay(element) or _named_boilerplate(element)):
            return False
        return _text_length(element) < self._limit and not self._is_anchor(element)

    def _is_anchor(self, element: HtmlElement) -> bool:
        """Whether a link on the page points at the element: a section of the text, not chrome."""
        if self._anchors is None:
            self._anchors = frozenset(
                href[1:]
                for href in element.getroottree().getroot().xpath("//a/@href[starts-with(., '#')]")
            )
        return bool(element.get("id")) and element.get("id") in self._anchors


def _named_boilerplate(element: HtmlElement) -> bool:
    names = _CAMEL_RE.sub(" ", f"{element.get('class', '')} {element.get('id', '')}").lower()
    return any(part in BOILERPLATE_NAMES for part in _NAME_SPLIT_RE.split(names) if part)


def _is_overlay(element: HtmlElement) -> bool:
    """A modal dialog over the page: a cookie banner, a newsletter or sign-in prompt."""
    return element.get("aria-modal", "").lower() == "true"


def _skip_spanned(cells: list[str], spans: dict[int, int]) -> None:
    """Leave empty the columns a cell from a row above spans, at the current position."""
    while spans.get(len(cells), 0) > 0:
        spans[len(cells)] -= 1
        cells.append("")


def _span(cell: HtmlElement, attribute: str) -> int:
    value = cell.get(attribute, "1").strip()
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


def _is_layout_table(table: HtmlElement) -> bool:
    """A table laid out as page columns rather than data: read as blocks, not rows."""
    if table.get("role", "").lower() in ("presentation", "none"):
        return True
    for element in table.iterdescendants():
        if isinstance(element.tag, str) and element.tag.lower() in _LAYOUT_INSIDE:
            return True
    return any(_text_length(cell) > _LAYOUT_CELL_CHARS for cell in table.iter("td", "th"))


def _text_length(element: HtmlElement) -> int:
    return len("".join(element.itertext()))
