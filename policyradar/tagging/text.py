"""Text for the matchers: 繁→简 with OpenCC, length-keeping folding, tokens, snippets."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import opencc

from policyradar.tagging.cut import cut_han, load_jieba

if TYPE_CHECKING:
    from collections.abc import Iterable


# Full-width ASCII, ideographic space, dashes and quotes: one character for one character.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2007: 0x20, 0x202F: 0x20})
_WIDTH.update(dict.fromkeys((0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212), 0x2D))
_WIDTH.update({0x2018: 0x27, 0x2019: 0x27, 0x201C: 0x22, 0x201D: 0x22})
_HALF = {chr(code): chr(half) for code, half in _WIDTH.items()}
_WIDE = re.compile("[" + re.escape("".join(_HALF)) + "]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = "a-z\u00df-\u00f6\u00f8-\u00ff"  # with the accented letters of German, French, ...
_EN_WORD = re.compile(rf"[{_LATIN}][{_LATIN}0-9]*(?:[-'][{_LATIN}0-9]+)*|\d+[a-z]+[a-z0-9]*")
_TOKEN_OK = re.compile(r"[\w\u3400-\u9fff]")
_NOT_HAN_WORDS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_OTHER_WORD = re.compile(r"[^\W_]+(?:[-.'+/][^\W_]+)*")


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=4096)
def _t2s_char(char: str) -> str:
    out = _t2s().convert(char)
    return out if len(out) == 1 else char


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC ``t2s``); other text is left as it is.

    Use it (or :func:`fold`) on both sides of any comparison: search terms and indexed text.
    """
    if not text or not _HAN.search(text):
        return text
    return _t2s().convert(text).replace("帐", "账")


def fold(text: str) -> str:
    """Lower-case, half-width, Simplified text of exactly the same length as ``text``.

    Keeping the length lets a match found in the folded text be cut out of the original.
    Cached: one change's title and text are folded by several matchers.
    """
    return _folded(text)[0] if text else text


def fold_lines(*parts: str) -> str:
    """``fold`` of the non-empty ``parts`` joined by newlines, from each part's (cached) fold.

    That is the same text unless a part lower-cases or converts to another length (the whole
    then goes character by character) or only some parts have Han characters (OpenCC then
    converts all of them): those rare joins are folded whole.
    """
    parts = tuple(p for p in parts if p)
    folds = [_folded(p) for p in parts]
    if all(joinable for _, _, joinable in folds) and len({han for _, han, _ in folds}) <= 1:
        return "\n".join(folded for folded, _, _ in folds)
    return fold("\n".join(parts))


@functools.lru_cache(maxsize=64)
def _folded(text: str) -> tuple[str, bool, bool]:
    """(fold of ``text``, whether it has Han characters, whether no step changed its length)."""
    half = half_width(text)
    out = half.lower()
    joinable = len(out) == len(text)
    if not joinable:  # rare: a character whose lower case is two characters
        out = "".join(low if len(low := ch.lower()) == 1 else ch for ch in half)
    han = _HAN.search(out) is not None
    if han:
        simple = _t2s().convert(out)
        if len(simple) != len(out):  # a phrase conversion changed the length
            joinable = False
            simple = "".join(_t2s_char(ch) if _HAN.match(ch) else ch for ch in out)
        out = simple.replace("帐", "账")  # OpenCC gives 帳 → 帐; sellers write 账户/账号
    return out, han, joinable


def half_width(text: str) -> str:
    """Full-width ASCII, odd spaces, dashes and quotes as ASCII, one character for one.

    ``str.translate`` with a dict looks up every character of non-ASCII text; replacing the few
    distinct wide characters present is ~7 times faster on long Chinese text.
    """
    for wide in set(_WIDE.findall(text)):
        text = text.replace(wide, _HALF[wide])
    return text


def segment(text: str) -> list[str]:
    """Tokens of ``text`` (Simplified): jieba for the Chinese runs, words and numbers otherwise.

    Only the Han runs go through jieba (its cut, rewritten for speed in
    :mod:`policyradar.tagging.cut`): it walks Latin text character by character, which is slow and
    adds nothing to what a word pattern finds.
    """
    load_jieba()
    simple = to_simplified(text)
    out = cut_han(simple)
    out.extend(_OTHER_WORD.findall(_NOT_HAN_WORDS.sub(" ", simple)))
    return out


def tokens(text: str) -> list[str]:
    """Lower-case word tokens: Chinese through jieba, English as English words.

    Punctuation and whitespace are dropped. Multi-word English terms are not joined here; see
    :class:`policyradar.tagging.keywords.KeywordExtractor` for dictionary terms.
    """
    return word_tokens(segment(text))


def word_tokens(raw: Iterable[str]) -> list[str]:
    """Raw :func:`segment` tokens as :func:`tokens` returns them."""
    result: list[str] = []
    for tok in raw:
        result.extend(_words(tok))
    return result


@functools.lru_cache(maxsize=8192)
def _words(tok: str) -> tuple[str, ...]:
    low = tok.lower()
    if _HAN.search(low):
        return (low,)
    if _TOKEN_OK.search(low):
        return tuple(_EN_WORD.findall(low) or [low])
    return ()


def english_words(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each English word in folded text."""
    return [(m.start(), m.end(), m.group()) for m in _EN_WORD.finditer(folded)]


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def is_japanese(text: str) -> bool:
    """Text with a fair share of kana: jieba (a Chinese segmenter) would cut it badly."""
    kana = len(_KANA.findall(text))
    return kana >= 10 or kana > len(text) // 10


def snippet(text: str, start: int, end: int, width: int = 60) -> str:
    """About ``width`` characters of ``text`` around ``text[start:end]``, on one line."""
    room = max(width - (end - start), 0)
    left = max(start - room // 2, 0)
    right = min(end + room - (start - left), len(text))
    left = max(min(left, right - width), 0)
    piece = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + piece + ("…" if right < len(text) else "")
