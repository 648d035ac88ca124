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
_SURROGATES = re.compile("[\ud800-\udfff]")


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


def is_text(value: str) -> bool:
    """Whether ``value`` is text UTF-8 can hold: no lone surrogate, such as the bytes of a
    command-line argument that were not UTF-8 (Python keeps them as U+DC80..U+DCFF).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def escaped(value: str) -> str:
    """``value`` fit to show: the bytes of an argument that were not UTF-8 as escapes."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from elsewhere (a JSON "\\ud800" escape)
        return value.encode("utf-8", "backslashreplace").decode()
    return raw.decode("utf-8", "backslashreplace")


def without_surrogates(text: str) -> str:
    """``text`` without lone surrogates (a feed's or an API's broken escapes)."""
    return _SURROGATES.sub("", text)
