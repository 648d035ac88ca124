"""Crawled text made inert for display: no control, invisible or bidi-override characters."""

from __future__ import annotations

import re

ELLIPSIS = "…"
# C0/C1 controls but tab and line feed, DEL, zero-width and direction marks, line and paragraph
# separators, bidi embeddings/overrides/isolates, lone surrogates and the XML non-characters:
# what could move a terminal's cursor, reorder a line, hide text or make an Atom feed invalid.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SPACES = re.compile(r"\s+")


def clean(text: str | None, limit: int | None = None, *, one_line: bool = True) -> str:
    """``text`` with every unsafe character turned into a space, on one line, trimmed.

    With ``one_line=False`` the text keeps its spacing and line breaks (a diff's lines, pieces
    of a snippet), and its length, so offsets into it stay valid. ``limit`` shortens the result
    to at most that many characters, the last one ``…``.
    """
    text = _UNSAFE.sub(" ", text or "")
    if one_line:
        text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + ELLIPSIS if limit > 0 else ""
    return text
