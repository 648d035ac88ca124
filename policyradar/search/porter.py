"""The Porter stemmer as SQLite's FTS5 ``porter`` tokenizer runs it, so text checks agree with it.

FTS5 stems each token (lower case, diacritics removed, as UTF-8 bytes) with Martin Porter's
original algorithm, leaving tokens of fewer than 3 or more than 64 bytes as they are. The index
matches a word by its stem, so a check of a phrase on the text must compare stems the same way.
`tests/test_porter.py` holds this against SQLite itself.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata

MIN_BYTES, MAX_BYTES = 3, 64

# Step 2-4 rules, in FTS5's order: the first suffix that ends the word is the only one tried
# (when its condition fails, the word stays as it is). (suffix, replacement)
_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("logi", "log"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
)
_STEP3 = (
    ("ical", "ic"),
    ("ness", ""),
    ("icate", "ic"),
    ("iciti", "ic"),
    ("ful", ""),
    ("ative", ""),
    ("alize", "al"),
)
_STEP4 = tuple(
    (suffix, "")
    for suffix in (
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion",
        "ou", "ism", "ate", "iti", "ous", "ive", "ize",
    )
)  # fmt: skip


def _consonants(word: str) -> list[bool]:
    """Per letter: a consonant? ``y`` is a vowel after a consonant."""
    out: list[bool] = []
    for char in word:
        vowel = char in "aeiou" or (char == "y" and bool(out) and out[-1])
        out.append(not vowel)
    return out


def _measure(word: str) -> int:
    """Porter's m: how many vowel-consonant sequences ``word`` has."""
    cons = _consonants(word)
    return sum(1 for a, b in itertools.pairwise(cons) if not a and b)


def _has_vowel(word: str) -> bool:  # *v*, as FTS5 counts it: y is a vowel after the first letter
    return any(c in "aeiou" or (c == "y" and n > 0) for n, c in enumerate(word))


def _cvc(word: str) -> bool:  # *o: ends consonant-vowel-consonant, the last not w, x or y
    return (
        len(word) >= 3 and word[-1] not in "wxy" and _consonants(word)[-3:] == [True, False, True]
    )


def _rule(word: str, rules: tuple[tuple[str, str], ...], min_measure: int) -> str:
    for suffix, replacement in rules:
        if len(word) > len(suffix) and word.endswith(suffix):
            stem = word[: -len(suffix)]
            ok = _measure(stem) >= min_measure
            if suffix == "ion":
                ok = ok and stem[-1] in "st"
            return stem + replacement if ok else word
    return word


def _step1(word: str) -> str:
    if word.endswith("s"):
        if word.endswith("es"):
            sses = len(word) > 4 and word.endswith("sses")
            word = word[:-2] if sses or (len(word) > 3 and word.endswith("ies")) else word[:-1]
        elif not word.endswith("ss"):
            word = word[:-1]
    if len(word) > 3 and word.endswith("eed"):
        return word[:-1] if _measure(word[:-3]) > 0 else word
    for suffix in ("ed", "ing"):
        if len(word) > len(suffix) and word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            word = word[: -len(suffix)]
            break
    else:
        return word
    if len(word) > 2 and word.endswith(("at", "bl", "iz")):
        return word + "e"
    last = word[-1]
    if len(word) > 1 and last not in "aeioulsz" and last == word[-2]:
        return word[:-1]
    if _measure(word) == 1 and _cvc(word):
        return word + "e"
    return word


@functools.lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """The stem FTS5's ``porter`` gives ``token`` (lower case, diacritics removed)."""
    if token.isascii():
        return _porter(token) if MIN_BYTES <= len(token) <= MAX_BYTES else token
    raw = token.encode("utf-8")  # FTS5 works on bytes: a multi-byte letter is consonants
    if not MIN_BYTES <= len(raw) <= MAX_BYTES:
        return token
    return _porter(raw.decode("latin-1")).encode("latin-1").decode("utf-8", errors="replace")


def _porter(word: str) -> str:
    word = _step1(word)
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    word = _rule(_rule(_rule(word, _STEP2, 1), _STEP3, 1), _STEP4, 2)
    if word.endswith("e"):
        m = _measure(word[:-1])
        if m > 1 or (m == 1 and not _cvc(word[:-1])):
            word = word[:-1]
    if word.endswith("ll") and _measure(word[:-1]) > 1:
        word = word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def plain(word: str) -> str:
    """``word`` without diacritics ("é" -> "e"), as FTS5's ``remove_diacritics`` reads it."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
