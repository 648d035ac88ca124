"""Normalised text and its fingerprint: what stays the same when only the noise changes."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import re._parser as sre_parse  # the stdlib's own regex parser: trigger literals (see below)
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ahocorasick

from policyradar.resources import data_path

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

logger = logging.getLogger(__name__)

IGNORE_PATTERNS_FILE = data_path("ignore_patterns.txt")
_ZERO_WIDTH_RE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060\ufeff]")
_SPACE_RE = re.compile(r"\s+")
_LEFTOVER = " |·•/"
# Full-width punctuation that Chinese text uses on purpose: kept as is (NFKC would make it ASCII).
_CJK_PUNCTUATION_RE = re.compile("([！（），：；？])")


class _MeaningfulTable(dict[int, int | None]):
    """A `str.translate` table that drops whitespace, punctuation and symbols, learning per char."""

    def __missing__(self, codepoint: int) -> int | None:
        category = unicodedata.category(chr(codepoint))
        # P* punctuation, Z* separators, S* symbols except Sc currency; Cc/Cf controls (\n, ZWSP)
        drop = category[0] in "PZ" or category in ("Sm", "Sk", "So", "Cc", "Cf")
        kept = None if drop or chr(codepoint).isspace() else codepoint
        self[codepoint] = kept
        return kept


_MEANINGFUL = _MeaningfulTable()


def normalise(text: str, ignore: Sequence[str] = ()) -> str:
    """Return ``text`` folded (NFKC, but Chinese full-width punctuation such as ，：（） kept), with
    one space per whitespace run and no empty lines.

    Volatile fragments matched by the global patterns (``data/ignore_patterns.txt``) and by the
    source's own ``ignore`` regexes are deleted line by line (as by one alternation of them all,
    tried only on lines holding one of its patterns' trigger literals: see `_IgnoreSet`); a line
    left empty or holding only punctuation is dropped.
    """
    patterns = _ignore_set((*global_ignore_patterns(), *ignore))
    lines = []
    for raw in _fold(_ZERO_WIDTH_RE.sub("", text)).splitlines():
        line = " ".join(raw.split())  # str.split() and re's \s agree on what is whitespace
        if patterns is not None and line:
            pattern = patterns.regex_for(line)
            if pattern is not None:
                line = _strip_fragments(pattern, line)
        if line and _has_meaning(line):
            lines.append(line)
    return "\n".join(lines)


def _has_meaning(line: str) -> bool:
    """Whether ``line`` (NFKC) holds a letter, digit or currency sign: most lines start with one."""
    return _MEANINGFUL[ord(line[0])] is not None or bool(line.translate(_MEANINGFUL))


def _fold(text: str) -> str:
    if text.isascii():
        return text
    parts = _CJK_PUNCTUATION_RE.split(text)
    parts[::2] = [unicodedata.normalize("NFKC", part) for part in parts[::2]]
    return "".join(parts)


def _strip_fragments(pattern: re.Pattern[str], line: str) -> str:
    cleaned, count = pattern.subn("", line)
    if not count:
        return line
    # separators that stood between the removed fragment and the rest ("来源:X | 阅读 12")
    return _SPACE_RE.sub(" ", cleaned).strip(_LEFTOVER)


def meaningful(text: str) -> str:
    """Return ``text`` without whitespace, punctuation or symbols (currency signs kept).

    Two texts that differ only in spacing, punctuation or full/half-width forms give the same
    result.
    """
    return unicodedata.normalize("NFKC", text).translate(_MEANINGFUL)


def fingerprint(text: str, *, core: str | None = None) -> str:
    """Return the SHA-256 hex digest of the meaningful part of ``text`` (``core``, when the
    caller has it already).
    """
    core = meaningful(text) if core is None else core
    return hashlib.sha256(core.encode("utf-8")).hexdigest()


def global_ignore_patterns(path: Path | str | None = None) -> tuple[str, ...]:
    """Return the global ignore patterns, one regex per non-comment line of the file."""
    return _read_patterns(str(path or IGNORE_PATTERNS_FILE))


@functools.lru_cache(maxsize=8)
def _read_patterns(path: str) -> tuple[str, ...]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    stripped = (line.strip() for line in lines)
    patterns = tuple(line for line in stripped if line and not line.startswith("#"))
    logger.debug("loaded %d ignore patterns from %s", len(patterns), path)
    return patterns


@functools.lru_cache(maxsize=256)
def _ignore_set(patterns: tuple[str, ...]) -> _IgnoreSet | None:
    """Compile ``patterns``; an invalid one raises ValueError naming it."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad ignore pattern {pattern!r}: {exc}") from exc
    if not patterns:
        return None
    return _IgnoreSet(patterns)


# --- Trigger literals ---------------------------------------------------------------------------
# Trying every ignore pattern at every position of every line is most of normalise()'s cost, and
# most lines hold no volatile fragment. So each pattern gets trigger literals, derived from its
# parsed form: strings one of which every match contains ("阅读", "ago", "©"). An Aho-Corasick
# automaton finds the triggers a line holds, and the line is searched with the alternation of only
# those patterns (in file order) plus every pattern without triggers. A pattern that cannot match
# anywhere in the line never wins in the whole alternation either (leftmost match, then first
# alternative), so the result is the same. Literals and lines are compared case-folded: ASCII
# lower case, and the non-ASCII letters that ``re`` matches to an ASCII letter under IGNORECASE
# are made that letter; literal characters are ASCII or caseless (Chinese, "©", "："). Folding only
# adds hits, never loses one. A pattern referring to a group runs the whole alternation instead:
# group numbers differ in a partial one.
_MAX_LITERALS = 64  # cap on the strings tracked per node
_MAX_SUBSETS = 1024  # compiled partial alternations kept per pattern list
_EMPTY = frozenset({""})
_CASE_TWINS = "\u0130\u0131\u017f\u212a"  # İ ı ſ Kelvin: what (?i:[a-z]) adds to ASCII
_CASE_TWIN_TABLE = str.maketrans(_CASE_TWINS, "iisk")
_CASE_TWIN_RE = re.compile(f"[{_CASE_TWINS}]")
_REPEATS = frozenset({sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT})
_ZERO_WIDTH = frozenset({sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT})
_GROUP_REFERENCES = frozenset({sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS})

_Strings = frozenset[str] | None  # None: unknown, or too many


class _GroupReferenceError(Exception):
    """A pattern refers to a group by number or name."""


class _IgnoreSet:
    """Ignore patterns ready for `normalise`: per line, the alternation of those that can match."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        self.full = re.compile(_alternation(patterns))
        self.always = (1 << len(patterns)) - 1  # bit i set: pattern i runs on every line
        self.automaton: ahocorasick.Automaton | None = None  # literal -> bits of its patterns
        self.char_classes: list[tuple[re.Pattern[str], int]] = []  # single-character triggers
        self._regexes: dict[int, re.Pattern[str] | None] = {self.always: self.full, 0: None}
        try:
            triggers = [_triggers(pattern) for pattern in patterns]
        except _GroupReferenceError:
            return
        automaton = ahocorasick.Automaton()
        for index, literals in enumerate(triggers):
            if literals is None:
                continue
            self.always &= ~(1 << index)
            if max(map(len, literals)) == 1:  # such as [0-9a-f]: too frequent for the automaton
                chars = "".join(sorted(literals))
                self.char_classes.append((re.compile(f"[{re.escape(chars)}]"), 1 << index))
                continue
            for literal in literals:
                automaton.add_word(literal, automaton.get(literal, 0) | 1 << index)
        if len(automaton):
            automaton.make_automaton()
            self.automaton = automaton

    def regex_for(self, line: str) -> re.Pattern[str] | None:
        """The alternation of the patterns that may match ``line``; None if none can."""
        mask = self.always
        if self.automaton is not None or self.char_classes:
            if not line.isascii() and _CASE_TWIN_RE.search(line):
                line = line.translate(_CASE_TWIN_TABLE)
            line = line.lower()
            for char_class, bit in self.char_classes:
                if char_class.search(line):
                    mask |= bit
            if self.automaton is not None:
                for _end, bits in self.automaton.iter(line):
                    mask |= bits
        try:
            return self._regexes[mask]
        except KeyError:
            chosen = [p for i, p in enumerate(self.patterns) if mask >> i & 1]
            regex = re.compile(_alternation(chosen))
            if len(self._regexes) < _MAX_SUBSETS:
                self._regexes[mask] = regex
            return regex


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _triggers(pattern: str) -> frozenset[str] | None:
    """Folded literals one of which every match of ``pattern`` holds; None if there are none."""
    try:
        return _sequence(sre_parse.parse(pattern))[1]
    except (AttributeError, TypeError, ValueError):  # a parse tree shaped by a newer Python
        logger.debug("no trigger literals for ignore pattern %r", pattern, exc_info=True)
        return None


def _sequence(items: Iterable[tuple[Any, Any]]) -> tuple[_Strings, _Strings]:
    """(every string the sequence matches, literals one of which each match holds), folded."""
    run: _Strings = _EMPTY  # the strings the current run of exact nodes matches
    whole = True
    candidates = []
    for op, av in items:
        exact, required = _node(op, av)
        if required is not None:
            candidates.append(required)
        if exact is not None and run is not None and len(run) * len(exact) <= _MAX_LITERALS:
            run = frozenset(a + b for a in run for b in exact)
        else:
            whole = False
            if run is not None:
                candidates.append(run)
            run = exact
    if run is not None:
        candidates.append(run)
    usable = [c for c in candidates if c and "" not in c]
    # the rarest-looking: longest shortest literal, then fewest literals
    best = max(usable, key=lambda c: (min(map(len, c)), -len(c)), default=None)
    return (run if whole else None), best


def _node(op: Any, av: Any) -> tuple[_Strings, _Strings]:
    if op is sre_parse.LITERAL:
        chars = _fold_chars((av,))
    elif op is sre_parse.IN:
        chars = _set_chars(av)
    elif op is sre_parse.SUBPATTERN:
        return _sequence(av[-1])
    elif op is sre_parse.ATOMIC_GROUP:
        return _sequence(av)
    elif op is sre_parse.BRANCH:
        return _branch(av[1])
    elif op in _REPEATS:
        low, high, items = av
        exact, required = _sequence(items)
        if low == 0:
            return (exact | _EMPTY if high == 1 and exact is not None else None), None
        return (exact if high == 1 else None), required
    elif op in _ZERO_WIDTH:
        if op is not sre_parse.AT:
            _sequence(av[1])  # only to find group references in a lookaround
        return _EMPTY, None
    elif op in _GROUP_REFERENCES:
        raise _GroupReferenceError
    else:  # any character, a negated literal
        return None, None
    return chars, chars


def _branch(branches: Iterable[Iterable[tuple[Any, Any]]]) -> tuple[_Strings, _Strings]:
    results = [_sequence(branch) for branch in branches]
    exacts = [exact for exact, _ in results]
    required = [literals for _, literals in results]
    exact = None if None in exacts else frozenset().union(*exacts)
    if exact is not None and len(exact) > _MAX_LITERALS:
        exact = None
    return exact, (None if None in required else frozenset().union(*required))


def _set_chars(items: Iterable[tuple[Any, Any]]) -> _Strings:
    codes: list[int] = []
    for op, av in items:
        if op is sre_parse.LITERAL:
            codes.append(av)
        elif op is sre_parse.RANGE and av[1] - av[0] < _MAX_LITERALS:
            codes.extend(range(av[0], av[1] + 1))
        else:  # a negation, a category (\d, \w, \s) or a wide range
            return None
    return _fold_chars(codes)


def _fold_chars(codes: Iterable[int]) -> _Strings:
    chars = set()
    for code in codes:
        char = chr(code)
        if char.isascii():
            chars.add(char.lower())
        elif char.lower() == char.upper() == char:  # caseless: matches only itself
            chars.add(char)
        else:
            return None
    return frozenset(chars)
