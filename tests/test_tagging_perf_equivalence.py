"""The fast paths of classification give exactly what the plain ones gave.

jieba's cut rewritten (tagging/cut.py) over the lexicon's tries, folding by replacement and
from cached parts, dates tried only where they can start, jieba's IDF table read without
jieba.analyse: each is checked against the plain way (real jieba, loaded in this process) on the
labelled cases, Traditional and odd characters, and seeded random strings.
"""

from __future__ import annotations

import functools
import logging
import random
import re
import subprocess
import sys
import tomllib
from collections import Counter
from math import log
from pathlib import Path
from typing import TYPE_CHECKING

from policyradar.tagging import CategorySet, to_simplified
from policyradar.tagging import effective as eff
from policyradar.tagging import text as text_mod
from policyradar.tagging.cut import USERDICT_FILE, cut_han, cut_run, lexicon, use_lexicon
from policyradar.tagging.keywords import JIEBA_STOP_WORDS, idf_table
from policyradar.tagging.lexicon import read_lexicon, write_lexicon
from policyradar.tagging.text import fold, fold_lines, half_width
from policyradar.text.triggers import finditer_at

if TYPE_CHECKING:
    from types import ModuleType

    import pytest

CASES_FILE = Path(__file__).parent / "cases" / "classification.toml"
CASES = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]
TEXTS = [t for c in CASES for t in (c["title"], c.get("added", ""), c.get("removed", "")) if t]
# lower case changes length or depends on context, wide forms, Traditional, CJK extensions
ODD = [
    "ΑΣ",
    "ΣΑ",
    "İstanbul",
    "ß",
    "ＡＢＣ１２",
    "　",
    "—",
    "“x”",
    "帳戶",
    "乾隆",
    "𠀀",
    "㐀",
    "豈",
    "鿿",
]
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = rng.choice(TEXTS)
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randrange(1, 80)]
        for _ in range(rng.randrange(3)):
            at = rng.randrange(len(piece) + 1)
            piece = piece[:at] + rng.choice(ODD) + piece[at:]
        out.append(piece)
    return out


@functools.cache
def _jieba() -> ModuleType:
    """Real jieba with the user dictionary, as the classifier used to load it (once: each load
    adds the user words' frequencies to its total again).
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.load_userdict(str(USERDICT_FILE))
    return jieba


def _plain_fold(text: str) -> str:
    """fold() as it was: str.translate over the whole text."""
    if not text:
        return text
    out = text.translate(text_mod._WIDTH).lower()
    if len(out) != len(text):
        out = "".join(
            low if len(low := ch.lower()) == 1 else ch for ch in text.translate(text_mod._WIDTH)
        )
    if text_mod._HAN.search(out):
        simple = text_mod._t2s().convert(out)
        if len(simple) != len(out):
            simple = "".join(
                text_mod._t2s_char(ch) if text_mod._HAN.match(ch) else ch for ch in out
            )
        out = simple.replace("帐", "账")
    return out


def test_cut_han_is_jiebas_cut() -> None:
    jieba = _jieba()
    texts = TEXTS + [to_simplified(text_mod._t2s().convert(t)) for t in TEXTS[:40]]
    texts += [*_random_texts(300, seed=1), "㐀㐁中文豈鿿测试", "卖家须知，亚马逊物流新规。"]
    for text in texts:
        simple = to_simplified(text)
        plain = [t for t in jieba.cut(_NOT_HAN.sub(" ", simple)) if not t.isspace()]
        assert cut_han(simple) == plain, text


def test_lexicon_holds_jiebas_words_and_weights() -> None:
    """Every word of frequency > 0 (dictionary and user words), weighed as jieba weighs it."""
    jieba = _jieba()
    lex = lexicon()
    logtotal = log(jieba.dt.total)
    known = {word: freq for word, freq in jieba.dt.FREQ.items() if freq}
    assert len(lex.words) == len(known)
    for word, freq in known.items():
        assert lex.weights[lex.words[word]] == log(freq) - logtotal, word
    assert lex.unknown == log(1) - logtotal
    assert lex.longest == max(map(len, known))
    assert lex.force_split == jieba.finalseg.Force_Split_Words
    assert all(word not in lex.words for word, freq in jieba.dt.FREQ.items() if not freq)


def test_cut_breaks_ties_as_jieba_does(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """甲 乙 and 甲乙 score exactly the same here: jieba's max() takes the longer word."""
    jieba = _jieba()
    freq = {"甲": 2, "乙": 2, "甲乙": 1, "丙": 0}
    monkeypatch.setattr(jieba.dt, "FREQ", freq)
    monkeypatch.setattr(jieba.dt, "total", 4)
    write_lexicon(tmp_path / "tiny.lexicon", freq, 4, {"甲乙": 3.5})
    use_lexicon(read_lexicon(tmp_path / "tiny.lexicon"))
    try:
        for text in ("甲乙", "乙甲乙甲", "丙甲乙丁戊", "甲丙"):
            assert list(cut_run(text)) == list(jieba.cut(text)), text
        assert cut_run("甲乙") == ("甲乙",)
    finally:
        use_lexicon(lexicon())


def test_fold_is_the_plain_fold() -> None:
    for text in TEXTS + _random_texts(2000, seed=2) + ODD:
        assert half_width(text) == text.translate(text_mod._WIDTH)
        assert fold(text) == _plain_fold(text), text


def test_fold_lines_is_the_fold_of_the_join() -> None:
    rng = random.Random(3)
    pieces = _random_texts(600, seed=3) + ODD + [""]
    for _ in range(2000):
        parts = [rng.choice(pieces) for _ in range(rng.randrange(1, 4))]
        assert fold_lines(*parts) == _plain_fold("\n".join(p for p in parts if p)), parts


def test_dates_are_tried_wherever_they_can_start() -> None:
    rng = random.Random(4)
    bits = [*"0123456789٣ \n\t.,/-年月日号起前", "jan", "march ", "may ", "sept.", "märz", "januar"]
    bits += ["2024", "2025年", "12月", "1st", "2nd", "th", " of ", "3/31", "xmay", "10. "]
    texts = [fold(t) for t in TEXTS]
    texts += ["".join(rng.choice(bits) for _ in range(rng.randrange(1, 30))) for _ in range(5000)]
    for folded in texts:
        names = [m.start() for m in eff._NAME.finditer(folded)]
        numbers: dict[str, list[tuple[int, int]]] = {}
        for m in eff._NUMBER.finditer(folded):
            numbers.setdefault(m[1], []).append(m.span())
        for form, pattern, _, follows in eff._FORMS:
            starts = names if follows is None else eff._starts(numbers, follows)
            fast = [m.span() for m in finditer_at(pattern, folded, starts)]
            assert fast == [m.span() for m in pattern.finditer(folded)], (form, folded)


def test_pre_is_searched_from_its_tail() -> None:
    rng = random.Random(5)
    words = ["effective ", "from", "by ", "自", "从", "截至", "将于", "延期至", "the ", "monday, "]
    words += ["deadline:", "x", "。", "1", "ab dem ", "spätestens am ", " ", "\t", "é", "延至"]
    for _ in range(5000):
        left = "".join(rng.choice(words) for _ in range(rng.randrange(9)))
        fast = eff._PRE.search(left, eff._tail(left)) is not None
        assert fast == (eff._PRE.search(left) is not None), left


def test_idf_table_and_stop_words_are_jieba_analyses() -> None:
    import jieba.analyse

    idf, median = idf_table()
    theirs = jieba.analyse.default_tfidf.idf_freq
    assert len(idf) == len(theirs)
    for word, value in theirs.items():
        assert idf.get(word, median).hex() == value.hex(), word
    assert median.hex() == jieba.analyse.default_tfidf.median_idf.hex()
    for word in ("旺铺宝贝计划", "A+页面", "", "\ud800"):
        assert word not in theirs
        assert idf.get(word, median) == median
    assert jieba.analyse.default_tfidf.stop_words == JIEBA_STOP_WORDS


def test_count_longest_counts_find_longest() -> None:
    matcher = CategorySet.load()._matcher
    for text in TEXTS:
        folded = fold(text)
        longest = matcher.find_longest(folded)
        assert matcher.count_longest(folded) == Counter(m.key for m in longest)
        assert list(matcher.count_longest(folded)) == list(dict.fromkeys(m.key for m in longest))
        assert all(matcher.payloads(m.key) == m.payloads for m in longest)


def test_term_matches_are_every_occurrence_of_each_key_found_one_by_one() -> None:
    """The automaton finds what ``str.find`` of each key finds, word boundaries kept."""
    matcher = CategorySet.load()._matcher
    entries = matcher._by_index
    rng = random.Random(11)
    glue = [" ", "s", "-", "x", "1", "。", "é", "费"]
    pieces = [entry[0] for entry in rng.sample(entries, 300)] + glue
    texts = [fold(text) for text in TEXTS]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30))) for _ in range(300)]
    word = set("abcdefghijklmnopqrstuvwxyz0123456789")
    for folded in texts:
        expected = []
        for key, _payloads, word_start, word_end in entries:
            at = folded.find(key)
            while at >= 0:
                end = at + len(key)
                if not (word_start and at and folded[at - 1] in word) and not (
                    word_end and end < len(folded) and folded[end] in word
                ):
                    expected.append((at, -len(key), key))
                at = folded.find(key, at + 1)
        assert [found[:3] for found in matcher._found(folded)] == sorted(expected), folded


def test_a_classifier_leaves_jieba_analyse_and_jiebas_dictionary_unloaded() -> None:
    """jieba.analyse loads jieba.posseg and TextRank: ~85 MB that classification never uses;
    jieba's dictionary (~63 MB) is read from the lexicon's tries instead.
    """
    code = (
        "import sys, jieba\n"
        "from policyradar.tagging import ChangeText, Classifier\n"
        "text = ChangeText(kind='new', title='新规', added='卖家须知', removed='')\n"
        "Classifier.load().classify(text)\n"
        "print(sorted(m for m in ('jieba.analyse', 'jieba.posseg') if m in sys.modules))\n"
        "print(jieba.dt.initialized, len(jieba.dt.FREQ))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "False 0"]
