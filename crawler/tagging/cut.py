"""jieba's default cut (DAG, max route, HMM for unknown words) of Chinese runs, same words, faster.

``jieba.cut`` builds a DAG dict of lists, then takes ``max`` over a generator per character, then
looks every word up again. :func:`cut_run` walks the same prefix dictionary once per character
and does the same float arithmetic in the same order, so ties and rounding come out the same.
Runs are cached: clauses repeat within and across pages (boilerplate, quoted notices).
"""

from __future__ import annotations

import functools
import re
from math import log
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

RUN_CACHE = 4096  # runs kept (a clause of ~10-20 characters and its words: ~700 bytes)

# What jieba cuts as Chinese; the other Han characters (rare extensions) are single tokens,
# as jieba gives them.
_RUN = re.compile(r"[\u4e00-\u9fd5]+|[\u3400-\u4dff\u9fd6-\u9fff\uf900-\ufaff]")


def cut_han(text: str) -> list[str]:
    """The tokens ``jieba.cut`` (HMM on) gives for the Han characters of ``text``.

    The same as cutting the text with everything else blanked out, whitespace tokens dropped.

    jieba must be loaded (:func:`crawler.tagging.text.load_jieba`) and its dictionary left alone.
    """
    out: list[str] = []
    for run in _RUN.findall(text):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(cut_run(run))
    return out


@functools.lru_cache(maxsize=RUN_CACHE)
def cut_run(sentence: str) -> tuple[str, ...]:
    """``tuple(jieba.dt._Tokenizer__cut_DAG(sentence))`` for one run of Chinese characters."""
    import jieba  # loaded by then: a lookup in sys.modules

    tokenizer = jieba.dt
    hmm = jieba.finalseg.cut
    get = tokenizer.FREQ.get
    logtotal = log(tokenizer.total)
    size = len(sentence)
    score = [0.0] * (size + 1)  # route[idx] = (score[idx], end[idx]) in jieba
    end = [0] * (size + 1)
    for idx in range(size - 1, -1, -1):
        best = None
        best_end = idx
        i = idx
        freq = get(sentence[idx])
        while freq is not None:  # the dictionary holds every prefix of its words (freq 0)
            if freq:
                value = log(freq) - logtotal + score[i + 1]
                if best is None or value >= best:  # max((value, i)): a tie goes to the longer
                    best = value
                    best_end = i
            i += 1
            if i >= size:
                break
            freq = get(sentence[idx : i + 1])
        if best is None:  # no word starts here: the character alone
            best = log(get(sentence[idx]) or 1) - logtotal + score[idx + 1]
        score[idx] = best
        end[idx] = best_end
    out: list[str] = []
    buf = ""
    x = 0
    while x < size:
        y = end[x] + 1
        if y - x == 1:
            buf += sentence[x]
        else:
            if buf:
                _flush(buf, get, hmm, out)
                buf = ""
            out.append(sentence[x:y])
        x = y
    if buf:
        _flush(buf, get, hmm, out)
    return tuple(out)


def _flush(
    buf: str,
    get: Callable[[str], int | None],
    hmm: Callable[[str], Iterable[str]],
    out: list[str],
) -> None:
    """Single characters in a row: one token, a known word's characters, or the HMM's words."""
    if len(buf) == 1:
        out.append(buf)
    elif not get(buf):
        out.extend(hmm(buf))
    else:
        out.extend(buf)
