"""Text for the matchers: jieba loaded once, 繁→简 with OpenCC, length-keeping folding, tokens."""

from __future__ import annotations

import functools
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import opencc

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
USERDICT_FILE = DATA_DIR / "jieba_userdict.txt"

_lock = threading.Lock()
_state: dict[str, bool] = {"jieba": False}

# Full-width ASCII, ideographic space, dashes and quotes: one character for one character.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2007: 0x20, 0x202F: 0x20})
_WIDTH.update(dict.fromkeys((0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212), 0x2D))
_WIDTH.update({0x2018: 0x27, 0x2019: 0x27, 0x201C: 0x22, 0x201D: 0x22})
# OpenCC gives 帳 → 帐; sellers write 账户/账号, so fold both to 账 after conversion.
_VARIANTS = str.maketrans({"帐": "账"})
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = "a-z\u00df-\u00f6\u00f8-\u00ff"  # with the accented letters of German, French, ...
_EN_WORD = re.compile(rf"[{_LATIN}][{_LATIN}0-9]*(?:[-'][{_LATIN}0-9]+)*|\d+[a-z]+[a-z0-9]*")
_TOKEN_OK = re.compile(r"[\w\u3400-\u9fff]")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_NOT_HAN_WORDS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_OTHER_WORD = re.compile(r"[^\W_]+(?:[-.'+/][^\W_]+)*")


def load_jieba() -> None:
    """Load jieba's dictionary and the domain user dictionary, once per process."""
    if _state["jieba"]:
        return
    with _lock:
        if _state["jieba"]:
            return
        import jieba  # imported on first use: search and listing commands never need it

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        jieba.load_userdict(str(USERDICT_FILE))
        _state["jieba"] = True
        logger.debug("jieba loaded with %s", USERDICT_FILE)


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
    return _t2s().convert(text).translate(_VARIANTS)


@functools.lru_cache(maxsize=64)
def fold(text: str) -> str:
    """Lower-case, half-width, Simplified text of exactly the same length as ``text``.

    Keeping the length lets a match found in the folded text be cut out of the original.
    Cached: one change's title and text are folded by several matchers.
    """
    if not text:
        return text
    out = text.translate(_WIDTH).lower()
    if len(out) != len(text):  # rare: a character whose lower case is two characters
        out = "".join(low if len(low := ch.lower()) == 1 else ch for ch in text.translate(_WIDTH))
    if _HAN.search(out):
        simple = _t2s().convert(out)
        if len(simple) != len(out):  # a phrase conversion changed the length
            simple = "".join(_t2s_char(ch) if _HAN.match(ch) else ch for ch in out)
        out = simple.translate(_VARIANTS)
    return out


def segment(text: str) -> list[str]:
    """Tokens of ``text`` (Simplified): jieba for the Chinese runs, words and numbers otherwise.

    Only the Han runs go through jieba: it walks Latin text character by character, which is
    slow and adds nothing to what a word pattern finds.
    """
    import jieba

    load_jieba()
    simple = to_simplified(text)
    han_only = _NOT_HAN.sub(" ", simple)
    out = [tok for tok in jieba.cut(han_only) if not tok.isspace()]
    out.extend(_OTHER_WORD.findall(_NOT_HAN_WORDS.sub(" ", simple)))
    return out


def tokens(text: str) -> list[str]:
    """Lower-case word tokens: Chinese through jieba, English as English words.

    Punctuation and whitespace are dropped. Multi-word English terms are not joined here; see
    :class:`crawler.tagging.keywords.KeywordExtractor` for dictionary terms.
    """
    return word_tokens(segment(text))


def word_tokens(raw: Iterable[str]) -> list[str]:
    """Raw :func:`segment` tokens as :func:`tokens` returns them."""
    result: list[str] = []
    for tok in raw:
        low = tok.lower()
        if _HAN.search(low):
            result.append(low)
        elif _TOKEN_OK.search(low):
            result.extend(_EN_WORD.findall(low) or [low])
    return result


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
