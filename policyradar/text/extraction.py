"""Main text of a page or HTML fragment as plain text, one paragraph per line."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree
from parsel import Selector

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement

logger = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


BLOCK_TAGS = _words(
    "address article blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu ol p pre "
    "section summary table tbody tfoot thead tr ul"
)
CELL_TAGS = frozenset({"td", "th"})
DROP_TAGS = _words(
    "aside button canvas datalist footer iframe input label map nav noscript object option "
    "script select style svg template textarea title head"
)
# Removed before trafilatura runs; class-based rules apply only in the block-aware conversion.
STRUCTURAL_DROP_TAGS = DROP_TAGS - {"head", "title", "label", "option", "map", "object"}
# Parts of class/id names (split at "-", "_" and spaces) that mark boilerplate.
BOILERPLATE_NAMES = _words(
    "ad ads adsbygoogle advert adverts advertisement advertising breadcrumb breadcrumbs comment "
    "comments cookie cookies newsletter pagination related relate share sharing sidebar social "
    "sponsor sponsored recommend recommended recommendation recommendations tuijian xgyd xgwz "
    "xiangguan"
)
BOILERPLATE_ROLES = frozenset({"navigation", "complementary", "contentinfo", "search"})
_NAME_SPLIT_RE = re.compile(r"[\s_-]+")
_SPACE_RE = re.compile(r"\s+")
_CJK = (
    r"\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_TABLE_RULE_RE = re.compile(r"^[|\s:-]*-[|\s:-]*$")
# A line that opens a "related reading" block is navigation, not content.
_RELATED_RE = re.compile(
    r"^(?:相关阅读|相关文章|相关新闻|相关推荐|推荐阅读|延伸阅读|热门推荐|热门文章|猜你喜欢"
    r"|related (?:articles|links|posts|stories|topics|content)"
    r"|you may also like|recommended for you)"
    r"(?:\s*[:：]|$)",
    re.IGNORECASE,
)
_PARSER = lxml.html.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False
)
_CELL_GAP = "\ue000"  # marks a gap between table cells that the CJK rule must keep
_BULLET = "- "  # list items start like trafilatura's, so both paths give the same text


class SelectorMissError(ValueError):
    """A source's CSS selector matched nothing on the page."""

    def __init__(self, selector: str) -> None:
        self.selector = selector
        super().__init__(f"selector {selector!r} matched nothing")


def main_text(html: str, *, selector: str | None = None, url: str | None = None) -> str:
    """Return the main text of ``html``, one paragraph per line.

    With ``selector`` (CSS), the matched elements are converted block by block and boilerplate
    inside them is dropped; a selector that matches nothing raises `SelectorMissError`. Without
    one, trafilatura picks the main content, falling back to the whole body minus boilerplate.
    """
    root = _parse(html)
    if selector is not None:
        elements = [] if root is None else Selector(root=root, type="html").css(selector)
        if not elements:
            raise SelectorMissError(selector)
        return _join_lines(line for sel in elements for line in _element_lines(sel.root))
    if root is None:
        return ""
    _drop_structural_boilerplate(root)
    text = _trafilatura_text(root, url)
    if text:
        return text
    logger.debug("trafilatura found no main text in %s; using the whole body", url or "a page")
    return _body_text(root)


def html_to_text(html: str) -> str:
    """Return the text of an HTML fragment (feed summary, API body), one paragraph per line."""
    root = _parse(html)
    return "" if root is None else _body_text(root)


def _parse(html: str) -> HtmlElement | None:
    """Parse once (comments and processing instructions dropped); None for an empty document."""
    if not html or html.isspace():
        return None
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except etree.ParserError:
        return None


def _drop_structural_boilerplate(root: HtmlElement) -> None:
    """Remove nav, footer, aside, scripts and form controls, in place.

    Without this, trafilatura's last-resort extractors return a bare navigation bar for a page
    that has no article.
    """
    doomed = list(root.iter(*STRUCTURAL_DROP_TAGS))
    doomed += [el for el in root.iter() if isinstance(el.tag, str) and _is_navigation(el)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _body_text(root: HtmlElement) -> str:
    body = root.find("body")
    return _join_lines(_element_lines(root if body is None else body))


def _trafilatura_text(root: HtmlElement, url: str | None) -> str:
    import trafilatura  # imported on first use: commands that never extract stay quick to start

    logging.getLogger("trafilatura").setLevel(logging.WARNING)
    extracted = trafilatura.extract(
        root,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
        with_metadata=False,
    )
    return _join_lines(_table_row(_clean_line(line)) for line in (extracted or "").splitlines())


def _table_row(line: str) -> str:
    """Turn trafilatura's Markdown table rows into plain "a | b" lines; drop separator rows."""
    if not line.startswith("|"):
        return line
    if _TABLE_RULE_RE.match(line):
        return ""
    return line.strip("| ")


def _element_lines(root: HtmlElement) -> list[str]:
    """Convert one element to lines: each block element starts a new line."""
    builder = _LineBuilder()
    builder.visit(root, is_root=True)
    builder.flush()
    return builder.lines


class _LineBuilder:
    """Walks an lxml tree once, collecting inline text and breaking lines at block elements."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []

    def flush(self) -> None:
        if self._parts:
            line = _clean_line("".join(self._parts))
            if line != _BULLET.strip():
                self.lines.append(line)
            self._parts.clear()

    def visit(self, element: HtmlElement, *, is_root: bool = False) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if tag is not None and (is_root or not _is_boilerplate(element, tag)):
            self._element(element, tag)
        if not is_root and element.tail:
            self._parts.append(element.tail)

    def _element(self, element: HtmlElement, tag: str) -> None:
        if tag == "br":
            self.flush()
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        if tag == "li":
            self._parts.append(_BULLET)
        elif tag in CELL_TAGS and self._parts:
            self._parts.append(_CELL_GAP)
        if element.text:
            self._parts.append(element.text)
        for child in element:
            self.visit(child)
        if block:
            self.flush()


def _is_boilerplate(element: HtmlElement, tag: str) -> bool:
    if tag in DROP_TAGS or _is_navigation(element):
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if not names.strip():
        return False
    return any(part in BOILERPLATE_NAMES for part in _NAME_SPLIT_RE.split(names))


def _is_navigation(element: HtmlElement) -> bool:
    # Hidden parts (hidden, aria-hidden) are kept: FAQ answers often sit in collapsed sections.
    return element.get("role", "").lower() in BOILERPLATE_ROLES


def _clean_line(text: str) -> str:
    text = _SPACE_RE.sub(" ", text)
    text = _CJK_GAP_RE.sub("", text)
    return _SPACE_RE.sub(" ", text.replace(_CELL_GAP, " | ")).strip()


def _join_lines(lines: Iterable[str]) -> str:
    return "\n".join(line for line in lines if line and not _RELATED_RE.match(line))
