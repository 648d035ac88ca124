"""Normalised text and its fingerprint: what stays the same when only the noise changes."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from policyradar.resources import data_path
from policyradar.text.triggers import TriggeredAlternation

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)

IGNORE_PATTERNS_FILE = data_path("ignore_patterns.txt")
# invisible characters, and lone surrogates (a feed's or API's broken "\\ud800" escapes: no text,
# and UTF-8, hence SQLite, OpenCC and the term automaton, cannot hold them)
_DROPPED_RE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060\ufeff\ud800-\udfff]")
_SPACE_RE = re.compile(r"\s+")
_LEFTOVER = " |·•/"
# Full-width punctuation that Chinese text uses on purpose: kept as is (NFKC would make it ASCII).
_CJK_PUNCTUATION_RE = re.compile("([！（），：；？])")


class _MeaningfulTable(dict[int, int | None]):
    """A `str.translate` table that drops whitespace, punctuation and symbols, learning per char."""

    def __missing__(self, codepoint: int) -> int | None:
        category = unicodedata.category(chr(codepoint))
        # P* punctuation, Z* separators, S* symbols except Sc currency; Cc/Cf controls (\n, ZWSP)
        drop = category[0] in "PZ" or category in ("Sm", "Sk", "So", "Cc", "Cf")
        kept = None if drop or chr(codepoint).isspace() else codepoint
        self[codepoint] = kept
        return kept


_MEANINGFUL = _MeaningfulTable()


def normalise(text: str, ignore: Sequence[str] = ()) -> str:
    """Return ``text`` folded (NFKC, but Chinese full-width punctuation such as ，：（） kept), with
    one space per whitespace run and no empty lines.

    Volatile fragments matched by the global patterns (``data/ignore_patterns.txt``) and by the
    source's own ``ignore`` regexes are deleted line by line (as by one alternation of them all,
    tried only on lines holding one of its patterns' trigger literals: see
    `policyradar.text.triggers`); a line left empty or holding only punctuation is dropped.
    """
    patterns = _ignore_set((*global_ignore_patterns(), *ignore))
    lines = []
    for raw in _fold(_DROPPED_RE.sub("", text)).splitlines():
        line = " ".join(raw.split())  # str.split() and re's \s agree on what is whitespace
        if patterns is not None and line:
            pattern = patterns.regex_for(line)
            if pattern is not None:
                line = _strip_fragments(pattern, line)
        if line and _has_meaning(line):
            lines.append(line)
    return "\n".join(lines)


def _has_meaning(line: str) -> bool:
    """Whether ``line`` (NFKC) holds a letter, digit or currency sign: most lines start with one."""
    return _MEANINGFUL[ord(line[0])] is not None or bool(line.translate(_MEANINGFUL))


def _fold(text: str) -> str:
    if text.isascii():
        return text
    parts = _CJK_PUNCTUATION_RE.split(text)
    parts[::2] = [unicodedata.normalize("NFKC", part) for part in parts[::2]]
    return "".join(parts)


def _strip_fragments(pattern: re.Pattern[str], line: str) -> str:
    cleaned, count = pattern.subn("", line)
    if not count:
        return line
    # separators that stood between the removed fragment and the rest ("来源:X | 阅读 12")
    return _SPACE_RE.sub(" ", cleaned).strip(_LEFTOVER)


def meaningful(text: str, *, normalised: bool = False) -> str:
    """Return ``text`` without whitespace, punctuation or symbols (currency signs kept).

    Two texts that differ only in spacing, punctuation or full/half-width forms give the same
    result. ``normalised``: ``text`` comes from `normalise`, NFKC already but for the Chinese
    punctuation it keeps (dropped here anyway), so the NFKC pass is skipped.
    """
    return (text if normalised else unicodedata.normalize("NFKC", text)).translate(_MEANINGFUL)


def fingerprint(text: str, *, core: str | None = None) -> str:
    """Return the SHA-256 hex digest of the meaningful part of ``text`` (``core``, when the
    caller has it already).
    """
    core = meaningful(text) if core is None else core
    return hashlib.sha256(core.encode("utf-8")).hexdigest()


def global_ignore_patterns(path: Path | str | None = None) -> tuple[str, ...]:
    """Return the global ignore patterns, one regex per non-comment line of the file."""
    return _read_patterns(str(path or IGNORE_PATTERNS_FILE))


@functools.lru_cache(maxsize=8)
def _read_patterns(path: str) -> tuple[str, ...]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    stripped = (line.strip() for line in lines)
    patterns = tuple(line for line in stripped if line and not line.startswith("#"))
    logger.debug("loaded %d ignore patterns from %s", len(patterns), path)
    return patterns


@functools.lru_cache(maxsize=256)
def _ignore_set(patterns: tuple[str, ...]) -> TriggeredAlternation | None:
    """Compile ``patterns``; an invalid one raises ValueError naming it."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad ignore pattern {pattern!r}: {exc}") from exc
    if not patterns:
        return None
    return TriggeredAlternation(patterns)
