"""Main text of a page or HTML fragment as plain text, one paragraph per line.

Where the main text is: the source's ``body`` selectors when it has them (after its ``remove``
selectors), else the element trafilatura's extraction comes from. How it reads: one renderer
for both, `policyradar.text.blocks`, that keeps lists, tables, definition lists and headings.
trafilatura's own text output is used only to locate the content: it deletes link-dense lists
and divs in every mode (a list of report links, a table of contents), empties lists inside
table cells unless ``favor_recall`` is on, and flattens definition lists into bullets.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree
from parsel import Selector

from policyradar.text.blocks import STRUCTURAL_DROP_TAGS, is_navigation, is_substantial, render

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

_PARSER = lxml.html.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False
)
# Elements whose own extent defines the main content (HTML's main, ARIA's main, an article).
_CONTENT_TAGS = frozenset({"main", "article"})
_LOCATE_SHARE = 0.85  # the content element holds this share of the located text, at least
_LOCATE_MIN_PIECE = 12  # text pieces shorter than this (characters) locate nothing


class SelectorMissError(ValueError):
    """A source's CSS selector matched nothing on the page."""

    def __init__(self, selector: str) -> None:
        self.selector = selector
        super().__init__(f"selector {selector!r} matched nothing")


def main_text(
    html: str,
    *,
    selector: str | Sequence[str] | None = None,
    remove: Sequence[str] = (),
    url: str | None = None,
) -> str:
    """Return the main text of ``html``, one paragraph, list item or table row per line.

    ``remove`` (CSS selectors) deletes parts of the page first. ``selector`` (one CSS selector
    or several) picks the main text: the matches of each selector in the given order, each in
    document order, an element inside one already taken not repeated; boilerplate inside them is
    dropped. When they match nothing, `SelectorMissError` is raised. Without a selector,
    trafilatura locates the main content, falling back to the whole body minus boilerplate.
    """
    root = _parse(html)
    bodies = (selector,) if isinstance(selector, str) else tuple(selector or ())
    if root is not None and remove:
        _remove(root, remove)
    if bodies:
        elements = [] if root is None else _select(root, bodies)
        if not elements:
            raise SelectorMissError(", ".join(bodies))
        return _join_lines(line for element in elements for line in render(element))
    if root is None:
        return ""
    _drop_structural_boilerplate(root)
    parts = _locate(root, url)
    if not parts:
        logger.debug("trafilatura found no main text in %s; using the whole body", url or "a page")
        body = root.find("body")
        parts = [root if body is None else body]
    return _join_lines(line for part in parts for line in render(part))


def html_to_text(html: str) -> str:
    """Return the text of an HTML fragment (feed summary, API body), one paragraph per line."""
    root = _parse(html)
    if root is None:
        return ""
    body = root.find("body")
    return _join_lines(render(root if body is None else body))


def _parse(html: str) -> HtmlElement | None:
    """Parse once (comments and processing instructions dropped); None for an empty document."""
    if not html or html.isspace():
        return None
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except etree.ParserError:
        return None


def _remove(root: HtmlElement, selectors: Iterable[str]) -> None:
    """Delete every element the ``remove`` selectors match (text after an element stays)."""
    doc = Selector(root=root, type="html")
    for css in selectors:
        for match in doc.css(css):
            element = match.root
            if isinstance(element, etree._Element) and element.getparent() is not None:
                element.drop_tree()


def _select(root: HtmlElement, selectors: Sequence[str]) -> list[HtmlElement]:
    """The elements the body selectors match: selector by selector, none inside one taken."""
    doc = Selector(root=root, type="html")
    taken: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for css in selectors:
        for match in doc.css(css):
            element = match.root
            if not isinstance(element, etree._Element) or element in seen:
                continue
            if any(ancestor in seen for ancestor in element.iterancestors()):
                continue
            seen.add(element)
            taken.append(element)
    return taken


def _drop_structural_boilerplate(root: HtmlElement) -> None:
    """Remove nav, footer, aside, scripts, form controls and navigation roles, in place.

    Without this, trafilatura's last-resort extractors return a bare navigation bar for a page
    that has no article.
    """
    doomed = list(root.iter(*STRUCTURAL_DROP_TAGS))
    doomed += [el for el in root.iter() if isinstance(el.tag, str) and is_navigation(el)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _locate(root: HtmlElement, url: str | None) -> list[HtmlElement]:
    """The elements holding the main content, as located by trafilatura; none when it finds none.

    The text trafilatura extracts is traced back to the page: the deepest element holding
    `_LOCATE_SHARE` of it. When that element sits in a ``main``, ``[role=main]`` or ``article``,
    the substantial blocks beside it in there come too (trafilatura deletes link-dense blocks,
    such as a list of reports with their descriptions), in document order.
    """
    extracted = _trafilatura_text(root, url)
    if not extracted:
        return []
    found = " ".join(extracted.split())
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    weight = dict.fromkeys(elements, 0)
    for element in elements:
        for piece, owner in ((element.text, element), (element.tail, element.getparent())):
            if piece and owner is not None and len(piece) >= _LOCATE_MIN_PIECE:
                words = " ".join(piece.split())
                if len(words) >= _LOCATE_MIN_PIECE and words in found:
                    weight[owner] += len(words)
    for element in reversed(elements):  # children before parents: each total is its subtree's
        parent = element.getparent()
        if parent is not None:
            weight[parent] += weight[element]
    body = root.find("body")
    if body is None or not weight.get(body):
        return []
    content, total = body, weight[body]
    while True:
        child = max(content, key=lambda el: weight.get(el, 0), default=None)
        if child is None or weight.get(child, 0) < _LOCATE_SHARE * total:
            break
        content = child
    return _widen(content)


def _widen(content: HtmlElement) -> list[HtmlElement]:
    """``content`` and the substantial blocks beside it in the main or article around it."""
    path = [content, *content.iterancestors()]
    outer = next((el for el in path if _is_content_element(el)), None)
    if outer is None or outer is content:
        return [content]
    on_path = set(path[: path.index(outer)])
    parts: list[HtmlElement] = []

    def walk(node: HtmlElement) -> None:
        for child in node:
            if child is content:
                parts.append(child)
            elif child in on_path:
                walk(child)
            elif isinstance(child.tag, str) and is_substantial(child):
                parts.append(child)

    walk(outer)
    return parts


def _is_content_element(element: HtmlElement) -> bool:
    return element.tag in _CONTENT_TAGS or element.get("role", "").lower() == "main"


def _trafilatura_text(root: HtmlElement, url: str | None) -> str:
    """The main text trafilatura finds: its fast mode first (no fallback extractors: the same
    text on every page of tests/corpus/pages, ~20 % less CPU), the fallbacks when that finds none.
    """
    import trafilatura  # imported on first use: commands that never extract stay quick to start

    logging.getLogger("trafilatura").setLevel(logging.WARNING)
    for fast in (True, False):
        text = trafilatura.extract(
            root,
            url=url,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
            fast=fast,
            deduplicate=False,
            with_metadata=False,
        )
        if text:
            return text
    return ""


def _join_lines(lines: Iterable[str]) -> str:
    return "\n".join(line for line in lines if line)
