"""jieba's default cut (DAG, max route, HMM for unknown words) of Chinese runs, same words, faster.

``jieba.cut`` builds a DAG dict of lists, then takes ``max`` over a generator per character, then
looks every word up again. :func:`cut_run` finds the words starting at each character with one
prefix search of the lexicon (:mod:`policyradar.tagging.lexicon`: jieba's dictionary as a trie) and
does the same float arithmetic in the same order, so ties and rounding come out the same.
Runs are cached: clauses repeat within and across pages (boilerplate, quoted notices). The
lexicon is loaded here once per process (:func:`load_jieba`).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from typing import TYPE_CHECKING

from policyradar.resources import data_path

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from policyradar.tagging.lexicon import Lexicon

logger = logging.getLogger(__name__)

RUN_CACHE = 4096  # runs kept (a clause of ~10-20 characters and its words: ~700 bytes)

# What jieba cuts as Chinese; the other Han characters (rare extensions) are single tokens,
# as jieba gives them.
_RUN = re.compile(r"[\u4e00-\u9fd5]+|[\u3400-\u4dff\u9fd6-\u9fff\uf900-\ufaff]")

USERDICT_FILE = data_path("jieba_userdict.txt")

_lexicon: list[Lexicon] = []  # the one cut_run uses, set by use_lexicon
_lock = threading.Lock()
_state: dict[str, Lexicon] = {}


def load_jieba() -> None:
    """Load the lexicon of jieba's dictionary and the domain user dictionary, once per process.

    jieba's own dictionary is not loaded (``jieba.cut`` would cut without the user words): the
    cut (this module) and the keywords' IDF read the shared, memory-mapped
    lexicon.
    """
    if "lexicon" in _state:
        return
    with _lock:
        if "lexicon" in _state:
            return
        # imported on first use: search and listing commands never need them
        from policyradar.tagging.lexicon import load_lexicon

        loaded = load_lexicon(USERDICT_FILE)
        use_lexicon(loaded)
        _state["lexicon"] = loaded
        logger.debug("jieba lexicon loaded with %s", USERDICT_FILE)


def lexicon() -> Lexicon:
    """The lexicon :func:`load_jieba` loads (loading it first if need be)."""
    load_jieba()
    return _state["lexicon"]


def use_lexicon(lexicon: Lexicon) -> None:
    """Cut with ``lexicon`` from now on (:func:`load_jieba` sets it)."""
    from policyradar.tagging.lexicon import import_jieba

    finalseg = import_jieba().finalseg
    for word in lexicon.force_split:
        finalseg.add_force_split(word)
    _lexicon[:] = [lexicon]
    cut_run.cache_clear()


def cut_han(text: str) -> list[str]:
    """The tokens ``jieba.cut`` (HMM on) gives for the Han characters of ``text``.

    The same as cutting the text with everything else blanked out, whitespace tokens dropped.

    Cut with the lexicon :func:`load_jieba` loads (first if need be).
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
    if not _lexicon:
        load_jieba()  # sets it (and imports jieba)
    import jieba.finalseg  # a lookup in sys.modules

    lexicon = _lexicon[0]
    prefixes = lexicon.words.iter_prefixes_with_ids
    weights = lexicon.weights
    longest = lexicon.longest
    size = len(sentence)
    score = [0.0] * (size + 1)  # route[idx] = (score[idx], end[idx]) in jieba
    end = [0] * (size + 1)
    for idx in range(size - 1, -1, -1):
        best = None
        best_end = idx
        for word, key in prefixes(sentence[idx : idx + longest]):  # the shorter first
            i = idx + len(word) - 1
            value = weights[key] + score[i + 1]  # (log(freq) - logtotal) + score, as jieba
            if best is None or value >= best:  # max((value, i)): a tie goes to the longer
                best = value
                best_end = i
        if best is None:  # no word starts here: the character alone, frequency 1
            best = lexicon.unknown + score[idx + 1]
        score[idx] = best
        end[idx] = best_end
    out: list[str] = []
    buf = ""
    x = 0
    is_word = lexicon.words.__contains__
    hmm = jieba.finalseg.cut
    while x < size:
        y = end[x] + 1
        if y - x == 1:
            buf += sentence[x]
        else:
            if buf:
                _flush(buf, is_word, hmm, out)
                buf = ""
            out.append(sentence[x:y])
        x = y
    if buf:
        _flush(buf, is_word, hmm, out)
    return tuple(out)


def _flush(
    buf: str,
    is_word: Callable[[str], bool],
    hmm: Callable[[str], Iterable[str]],
    out: list[str],
) -> None:
    """Single characters in a row: one token, a known word's characters, or the HMM's words."""
    if len(buf) == 1:
        out.append(buf)
    elif not is_word(buf):
        out.extend(hmm(buf))
    else:
        out.extend(buf)
