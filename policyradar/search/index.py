"""What the full-text index stores for a text: its folded word pieces, pure.

The full-text index (see ``Storage`` "search") holds each change's text *folded* (lower case,
half-width, Simplified Chinese) and cut into tokens: Latin words as words, and every run of
Chinese/Japanese/Korean characters as its overlapping two-character pieces plus its last
character ("低库存费" -> "低库 库存 存费 费"). A Chinese word of any length is then the phrase of
its pieces, so 2-, 3- and 4-character words are found exactly, without a dictionary or misses.
"""

from __future__ import annotations

import re

from policyradar.tagging.text import fold

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_PIECE = re.compile(rf"[{CJK}]+|[^\W_{CJK}]+")
_IS_CJK = re.compile(rf"[{CJK}]")


def pieces(text: str) -> list[str]:
    """Folded word pieces of ``text``: runs of CJK characters, and Latin/digit words."""
    return _PIECE.findall(fold(text or ""))


def is_cjk(piece: str) -> bool:
    return _IS_CJK.match(piece) is not None


def grams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """What the full-text index stores for ``text``: its folded tokens, each once (the index
    records which changes hold a token, not where or how often), separated by spaces.
    """
    out: dict[str, None] = {}
    for piece in dict.fromkeys(pieces(text)):  # a page repeats most of its words
        if len(piece) > 1 and is_cjk(piece):
            out.update(dict.fromkeys(grams(piece)))
            out[piece[-1]] = None
        else:
            out[piece] = None
    return " ".join(out)


def change_index_texts(
    title: str, added: str, removed: str, added_indexed: str | None = None
) -> tuple[str, str, str]:
    """`index_text` of a change's title, added and removed text: the costly part of indexing
    a change, pure, so a worker process can do it (see `policyradar.crawler.offload`).
    ``added_indexed``: `index_text` of ``added`` when cut already.
    """
    if added_indexed is None:
        added_indexed = index_text(added)
    return index_text(title), added_indexed, index_text(removed)
