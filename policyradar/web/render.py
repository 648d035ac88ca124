"""Crawled text to safe HTML: escaped everywhere, diffs as ``<ins>``/``<del>``, hits ``<mark>``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from policyradar.i18n import label
from policyradar.search.query import SearchError, expand, parse
from policyradar.tagging.glossary import Glossary
from policyradar.text.clean import clean
from policyradar.text.diffing import DELETE, EQUAL, INSERT

if TYPE_CHECKING:
    from collections.abc import Iterable

    from policyradar.records import Change
    from policyradar.text.diffing import Diff

_MARK = Markup("<mark>{}</mark>")
_VIA = Markup(' <span class="via" title="{}">{}</span>')


def terms_regex(words: Iterable[str], glossary: Glossary | None = None) -> re.Pattern[str] | None:
    """A pattern marking any of ``words`` (watchlist keywords) and their glossary names
    (default: the shipped glossary) in crawled text, whole words only ("return" marks
    "returns" whole, never inside "preturn").
    """
    names = glossary if glossary is not None else Glossary.load()
    wanted = {str(w).replace('"', " ").strip() for w in words}
    wanted |= {n for w in list(wanted) if w for n in names.equivalents(w)}
    quoted = [f'"{w}"' for w in sorted(wanted) if w]
    if not quoted:
        return None
    try:
        return parse(" OR ".join(quoted)).regex()
    except SearchError:
        return None


def query_regex(query: str | None, glossary: Glossary | None = None) -> re.Pattern[str] | None:
    """A pattern marking a search's words and their glossary names (see `terms_regex`)."""
    if not query:
        return None
    try:
        parsed = expand(parse(query), glossary if glossary is not None else Glossary.load())
    except SearchError:
        return None
    return parsed.regex()


def marked(text: str | None, regex: re.Pattern[str] | None) -> Markup:
    """``text`` escaped, with each match of ``regex`` wrapped in ``<mark>``."""
    text = clean(text, one_line=False)
    if regex is None or not text:
        return escape(text)
    low = text.lower()
    if len(low) != len(text):
        return escape(text)
    out, last = [], 0
    for m in regex.finditer(low):
        if m.end() == m.start():
            continue
        out += [escape(text[last : m.start()]), _MARK.format(text[m.start() : m.end()])]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet_html(
    snippet: str,
    highlights: Iterable[Iterable[int]],
    via: Iterable[str] = (),
    lang: str = "zh",
) -> Markup:
    """A search snippet with its highlighted spans as ``<mark>``; ``via``, the glossary names
    a hit was found by ("仓储费 → storage fee"), as a small note after it.
    """
    out, last = [], 0
    for start, end in highlights:
        if start < last:
            continue
        piece, hit = snippet[last:start], snippet[start:end]
        out += [escape(clean(piece, one_line=False)), _MARK.format(clean(hit, one_line=False))]
        last = end
    out.append(escape(clean(snippet[last:], one_line=False)))
    names = "；".join(clean(v) for v in via)
    if names:
        out.append(
            _VIA.format(label("via_glossary_title", lang), label("via_glossary", lang, terms=names))
        )
    return Markup("").join(out)


_TAG = {"+": "ins", "-": "del"}
_P = Markup('<p class="{}">{}</p>')
_WRAP = {"ins": Markup("<ins>{}</ins>"), "del": Markup("<del>{}</del>")}


def _lines(
    lines: Iterable[str], css: str, tag: str | None, regex: re.Pattern[str] | None
) -> Markup:
    out = []
    for line in lines:
        body = marked(line, regex)
        out.append(_P.format(css, _WRAP[tag].format(body) if tag else body))
    return Markup("\n").join(out)


def diff_html(diff: Diff, lang: str, regex: re.Pattern[str] | None = None) -> Markup:
    """The inline diff: context paragraphs, added ``<ins>`` (green), removed ``<del>`` (red)."""
    out = []
    for op in diff.ops:
        if op.op == EQUAL:
            if op.skipped:
                out.append(_P.format("skip", label("skipped", lang, n=op.skipped)))
            out.append(_lines(op.old, "ctx", None, regex))
        elif op.op == INSERT:
            out.append(_lines(op.new, "add", "ins", regex))
        elif op.op == DELETE:
            out.append(_lines(op.old, "del", "del", regex))
        else:
            pieces = []
            for tag, fragment in op.inline:
                body = Markup("<br>").join(marked(part, regex) for part in fragment.split("\n"))
                pieces.append(_WRAP[_TAG[tag]].format(body) if tag in _TAG else body)
            out.append(_P.format("replace", Markup("").join(pieces)))
    return Markup("\n").join(out)


def change_diff_html(change: Change, lang: str, regex: re.Pattern[str] | None = None) -> Markup:
    """A stored change's diff; a removal shows the last text, all removed."""
    if str(change.kind) != "removed":
        return diff_html(change.structured_diff(), lang, regex)
    intro = _P.format("skip", label("whole_removed", lang))
    return intro + _lines((change.removed or "").split("\n"), "del", "del", regex)
