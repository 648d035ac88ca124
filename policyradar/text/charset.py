"""How garbled a decoded text looks, and which charset a body is really in when its label lies.

A GBK page served as ``charset=utf-8`` decodes to U+FFFD replacement characters; UTF-8 served as
Latin-1 or GBK decodes to mojibake ("Ã©", "鍦ㄧ嚎"); random bytes decode to control characters and
chaos. `garble` measures all of these on a text; `redecode` tries the charsets the bytes
themselves suggest (the page's own ``<meta charset>``, a byte-order mark, charset-normalizer's
detection, GB18030) and returns the first whose text a caller accepts.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from w3lib.encoding import html_body_declared_encoding, read_bom

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

logger = logging.getLogger(__name__)

REPLACEMENT = "\ufffd"
# C0 and C1 controls other than tab and line breaks, and DEL (not private use: icon fonts).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
# UTF-8 shown as Latin-1/cp1252: a lead byte (Â..ô) followed by continuation bytes, each shown as a
# Latin-1 or cp1252 character ("Ã©", "â€™", "å…¬"). Only runs that decode back as UTF-8 count.
_CP1252_HIGH = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e"
)
_CP1252_HIGH += "\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_LATIN_MOJIBAKE_RE = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]{{1,3}}")
_SAMPLE_CHARS = 400  # characters per mess-ratio sample
_MAX_SAMPLES = 60
_MESSY = 0.2  # charset-normalizer's own threshold for a chaotic decoding
_DETECT_BYTES = 200_000  # charset-normalizer reads at most this much of a body


@dataclass(frozen=True, slots=True)
class Garble:
    """Counts of what looks mis-decoded or binary in a text (``chars``: non-space characters)."""

    chars: int = 0
    non_ascii: int = 0
    replacement: int = 0  # U+FFFD: bytes the declared charset could not decode
    controls: int = 0  # control characters: binary read as text
    mojibake: int = 0  # characters in UTF-8 sequences shown as Latin-1/cp1252 (Ã©, â€™)
    messy: int = 0  # characters (estimated) in samples charset-normalizer calls chaotic


def garble(text: str) -> Garble:
    """Measure how garbled ``text`` looks; a clean text has zeros everywhere but ``chars``."""
    chars = sum(map(len, text.split()))  # str.split and re's \s agree on what is whitespace
    if not chars:
        return Garble()
    return Garble(
        chars=chars,
        non_ascii=len(text) - len(text.encode("ascii", "ignore")),
        replacement=text.count(REPLACEMENT),
        controls=len(_CONTROL_RE.findall(text)),
        mojibake=_latin_mojibake(text),
        messy=_messy(text, chars),
    )


def redecode(body: bytes, encoding: str, accept: Callable[[str], bool]) -> tuple[str, str] | None:
    """The first charset other than ``encoding`` whose decoding of ``body`` ``accept`` takes.

    Returns ``(charset, text)``, or None when no candidate gives acceptable text (random bytes,
    a truncated binary): the caller then keeps the garbled text and flags it.
    """
    tried = {_codec(encoding)}
    for candidate in _candidates(body):
        codec = _codec(candidate)
        if codec is None or codec in tried:
            continue
        tried.add(codec)
        text = body.decode(codec, errors="replace")
        if accept(text):
            return candidate, text
    return None


def _candidates(body: bytes) -> Iterator[str]:
    """Charsets the bytes themselves suggest, most trustworthy first."""
    bom, _ = read_bom(body)
    if bom:
        yield bom
    declared = html_body_declared_encoding(body)
    if declared:
        yield declared
    best = from_bytes(body[:_DETECT_BYTES]).best()
    if best is not None:
        yield best.encoding
    # the usual liars on Chinese sites: GBK labelled utf-8, and utf-8 labelled GBK or Latin-1
    yield "gb18030"
    yield "utf-8"


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _latin_mojibake(text: str) -> int:
    count = 0
    for match in _LATIN_MOJIBAKE_RE.finditer(text):
        run = match.group()
        for codec in ("cp1252", "latin-1"):
            try:
                decoded = run.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            if len(decoded) < len(run):
                count += len(run)
                break
    return count


def _messy(text: str, chars: int) -> int:
    """Estimated characters of ``text`` in chaotic samples (charset-normalizer's mess ratio)."""
    text = _PRIVATE_USE_RE.sub("", text)  # icon-font glyphs are not chaos
    if text.isascii():
        return 0
    samples = list(_samples(text))
    if len(samples) > _MAX_SAMPLES:
        step = len(samples) / _MAX_SAMPLES
        samples = [samples[int(i * step)] for i in range(_MAX_SAMPLES)]
    total = sum(len(s) for s in samples)
    # the ceiling 1.0, not _MESSY: mess_ratio stops at the first interval over its ceiling, and a
    # real sentence can pass 0.2 for a few characters (measured on the whole sample, it does not)
    messy = sum(len(s) for s in samples if not s.isascii() and mess_ratio(s, 1.0) >= _MESSY)
    return round(chars * messy / total) if total else 0


def _samples(text: str) -> Iterator[str]:
    """``text`` in pieces of about `_SAMPLE_CHARS` characters, cut at line ends where it can."""
    piece: list[str] = []
    size = 0
    for line in text.splitlines():
        while len(line) > _SAMPLE_CHARS:
            yield line[:_SAMPLE_CHARS]
            line = line[_SAMPLE_CHARS:]
        piece.append(line)
        size += len(line)
        if size >= _SAMPLE_CHARS:
            yield " ".join(piece)
            piece, size = [], 0
    if piece and size:
        yield " ".join(piece)
