"""`policyradar.search.porter` gives exactly the stems of SQLite's FTS5 ``porter``."""

from __future__ import annotations

import random
import sqlite3
import string

import pytest

from policyradar.search.porter import plain, stem

SAMPLE = """
fee fees feed removal remove removed orders ordering ads ad running runner run
relational conditional valency hesitancy digitizer conformabli radically differently
vileli analogously vietnamization predication operator feudalism decisiveness
hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative
formalize electriciti electrical hopeful goodness revival allowance inference
airliner gyroscopic adjustable defensible irritant replacement adjustment
dependent adoption homologou communism activate angulariti homologous effective
bowdlerize probate rate cease controll roll agreed plastered bled motoring sing
conflated troubled sized hopping tanned falling hissing fizzed failing filing
happy sky caresses ponies ties caress cats agreed disabled matting mating
meeting milling messing meetings generalizations oscillators 2026 2026s 3rd x y
café cafés expédition gebühren größe naïve résumés señor überprüfung éclairs
"""
WORDS = SAMPLE.split()


def fts5_stems(words: list[str]) -> list[str]:
    """Each word's stem as SQLite's FTS5 indexes it (the tokenizer of ``changes_fts``)."""
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')"
    )
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    con.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", enumerate(words, 1))
    found = dict(con.execute("SELECT doc, term FROM v"))
    con.close()
    return [found[n] for n in range(1, len(words) + 1)]


def random_words(count: int, seed: int) -> list[str]:
    """Words that walk the rules: random letters (vowel-heavy, y, doubles) plus suffixes."""
    rnd = random.Random(seed)
    letters = "aeiouy" * 3 + "bcdfghjklmnpqrstvwxz" + "sslleedd"
    suffixes = ["", "s", "es", "ies", "sses", "ed", "eed", "ing", "y", "ly", "e", "ll", "ational"]
    suffixes += ["izer", "bli", "alli", "entli", "ousli", "ization", "ation", "ator", "iveness"]
    suffixes += ["aliti", "iviti", "biliti", "ical", "ness", "icate", "ful", "ative", "alize"]
    suffixes += ["ance", "ence", "er", "ic", "able", "ible", "ement", "ment", "sion", "tion"]
    out = []
    for _ in range(count):
        base = "".join(rnd.choice(letters) for _ in range(rnd.randint(0, 8)))
        out.append(base + rnd.choice(suffixes) + rnd.choice(["", "", "s", "ed", "ing", "y"]))
    return [w for w in out if w]


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_stems_are_those_of_fts5(seed: int | None) -> None:
    words = WORDS if seed is None else random_words(20_000, seed)
    expected = fts5_stems(words)
    assert [stem(plain(w)) for w in words] == expected


def test_a_word_starts_with_its_stem_but_for_the_last_letter() -> None:
    """What lets a regular expression look for a stem's words (see `policyradar.search.query`)."""
    words = WORDS + random_words(20_000, 3)
    words += [a + b + s for a in string.ascii_lowercase for b in "aeiouy" for s in ("ed", "s")]
    for word in map(plain, words):
        s = stem(word)
        assert word.startswith(s[:-1] or s), word


def test_short_and_long_tokens_are_not_stemmed() -> None:
    assert stem("ads") == "ad"
    assert stem("as") == "as"
    assert stem("ed") == "ed"
    assert stem("a" * 60 + "ings") == "a" * 60  # 64 bytes
    long = "a" * 61 + "ings"
    assert stem(long) == long  # more than 64 bytes: FTS5 leaves it
