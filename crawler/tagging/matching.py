"""Many terms at once (Aho-Corasick): case-, width- and 繁/简-insensitive, whole Latin words."""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

import ahocorasick

from crawler.tagging.text import fold

if TYPE_CHECKING:
    from collections.abc import Iterable

T = TypeVar("T")

_WORD_CHARS = frozenset(string.ascii_lowercase + string.digits)
_SPACES = re.compile(r"\s+")
_PLURAL_ES = ("s", "x", "z", "ch", "sh")


class Match(NamedTuple, Generic[T]):
    start: int
    end: int
    key: str  # the folded term (or variant) that matched
    payloads: tuple[T, ...]


def term_key(term: str) -> str:
    """The folded form a term is looked up by."""
    return _SPACES.sub(" ", fold(term.strip()))


def variants(term: str) -> set[str]:
    """A term's folded key plus its "-"/space and English plural variants."""
    key = term_key(term)
    if not key:
        return set()
    out = {key}
    if "-" in key:
        out.add(key.replace("-", " "))
    if key[-1] in _WORD_CHARS and key[-1].isalpha() and len(key) > 2 and key.isascii():
        for form in list(out):
            if form.endswith(_PLURAL_ES):
                out.add(form + "es")
            elif form.endswith("y") and form[-2:-1] not in "aeiou":
                out.add(form[:-1] + "ies")
            else:
                out.add(form + "s")
    return out


class TermMatcher(Generic[T]):
    """Finds every term of a large list in one pass over folded text.

    Each term carries a payload; a term listed several times carries them all. Terms that begin
    or end with a Latin letter or digit match whole words only ("IP" never inside "ship").
    With ``expand=False`` the terms are taken as already-folded keys, without variants.
    """

    def __init__(self, terms: Iterable[tuple[str, T]], *, expand: bool = True) -> None:
        grouped: dict[str, list[T]] = {}
        for term, payload in terms:
            for key in variants(term) if expand else (term,):
                bucket = grouped.setdefault(key, [])
                if payload not in bucket:
                    bucket.append(payload)
        self._automaton = ahocorasick.Automaton()
        for key, payloads in grouped.items():
            self._automaton.add_word(key, (len(key), key, tuple(payloads)))
        self._empty = not grouped
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def find_all(self, folded: str) -> list[Match[T]]:
        """Every match in ``folded`` (text already passed through :func:`fold`), by position."""
        if self._empty or not folded:
            return []
        found: list[Match[T]] = []
        for last, (length, key, payloads) in self._automaton.iter(folded):
            start = last - length + 1
            end = last + 1
            if key[0] in _WORD_CHARS and start > 0 and folded[start - 1] in _WORD_CHARS:
                continue
            if key[-1] in _WORD_CHARS and end < len(folded) and folded[end] in _WORD_CHARS:
                continue
            found.append(Match(start, end, key, payloads))
        found.sort(key=lambda m: (m.start, m.start - m.end))
        return found

    def find_longest(self, folded: str) -> list[Match[T]]:
        """Leftmost-longest matches that do not overlap ("referral fee", not also "fee")."""
        chosen: list[Match[T]] = []
        last_end = 0
        for match in self.find_all(folded):
            if match.start >= last_end:
                chosen.append(match)
                last_end = match.end
        return chosen
