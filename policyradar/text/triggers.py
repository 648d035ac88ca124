"""Trigger literals of regular expressions, and the alternation of patterns they narrow per line.

Trying every ignore pattern at every position of every line is most of `normalise`'s cost, and
most lines hold no volatile fragment. So each pattern gets trigger literals: strings one of which
every match contains ("阅读", "ago", "©"). An Aho-Corasick automaton finds the triggers a line
holds, and the line is searched with the alternation of only those patterns (in their order) plus
every pattern without triggers. A pattern that cannot match anywhere in the line never wins in the
whole alternation either (leftmost match, then first alternative), so the result is the same.

Literals and lines are compared case-folded: ASCII lower case, and the non-ASCII letters that
``re`` matches to an ASCII letter under IGNORECASE are made that letter (`CASE_TWINS`); literal
characters are ASCII or caseless (Chinese, "©", "："). Folding only adds hits, never loses one.

The literals come from a small reader of the pattern's own text (no private ``re`` modules). It
knows the common syntax: literals and escapes, classes, groups, lookarounds, alternation,
quantifiers. Anything else (verbose mode, a group reference, an escape it does not know) means
"no literals": that pattern runs on every line, which is slower, never wrong. A pattern set in
which any pattern may refer to a group always runs whole: group numbers differ in a partial one.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

import ahocorasick_rs

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

MAX_LITERALS = 64  # cap on the strings tracked per node
MAX_SUBSETS = 1024  # compiled partial alternations kept per pattern list
CASE_TWINS = "\u0130\u0131\u017f\u212a"  # İ ı ſ Kelvin: what (?i:[a-z]) adds to ASCII
CASE_TWIN_TABLE = str.maketrans(CASE_TWINS, "iisk")
_CASE_TWIN_RE = re.compile(f"[{CASE_TWINS}]")
_EMPTY = frozenset({""})
# \1, (?P=name), (?(1)yes|no): seen in the raw text, so a doubt ("\\1", "[\1]") counts as one
_GROUP_REFERENCE_RE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_BRACES_RE = re.compile(r"\{([0-9]*)(?:(,)([0-9]*))?\}")  # {m}, {m,}, {,n}, {m,n}
_FLAGS_RE = re.compile(r"([aiLmsux]*)(?:-([imsx]*))?([:)])")  # after "(?": scoped or global
_CONTROL_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_OCTAL = frozenset("01234567")

_Strings = frozenset[str] | None  # None: unknown, or too many
# A parsed pattern is a list of nodes:
#   ("lit", code)  ("set", codes | None)  ("any",)  ("zero",)  ("group", nodes)
#   ("inline", nodes)  ("branch", [nodes, ...])  ("repeat", low, high | None, nodes)
# "set" codes are None when not a short list (negated, \d \w \s, a wide range); "any" is any
# other one-character match (".", \d); "zero" is an anchor or a lookaround; "inline" is a
# (?:...) group, whose nodes join its sequence's unless it is repeated (as re reads it).
_Node = tuple[Any, ...]
_SIMPLE = ("lit", "set", "any", "zero")  # nodes without nodes inside


class _Unsure(Exception):
    """The pattern uses syntax the reader does not know: it has no trigger literals."""


def trigger_literals(pattern: str) -> frozenset[str] | None:
    """Folded literals one of which every match of ``pattern`` holds; None if there are none
    (or the pattern is beyond the reader: see the module's docstring).
    """
    try:
        nodes = _Reader(pattern).read()
        return _sequence(nodes)[1]
    except (_Unsure, RecursionError):
        return None


def required_run(pattern: str, chars: frozenset[str]) -> int:
    """How many characters of ``chars`` (folded) every match of ``pattern`` holds in a row: the
    least count of a repeated class of them at the pattern's top level ([0-9a-f]{32,}: 32); 1
    when the reader cannot tell.
    """
    try:
        nodes = _Reader(pattern).read()
    except (_Unsure, RecursionError):
        return 1
    least = 1
    for node in nodes:  # top level only: what every match passes through
        if node[0] != "repeat" or len(node[3]) != 1 or node[3][0][0] != "set":
            continue
        codes = node[3][0][1]
        if codes is not None and {fold_line(chr(code)) for code in codes} <= chars:
            least = max(least, node[1])
    return least


def refers_to_groups(pattern: str) -> bool:
    r"""Whether ``pattern`` may refer to a group by number or name (``\1``, ``(?P=name)``,
    ``(?(1)…)``); true for some that do not, never false for one that does.
    """
    return _GROUP_REFERENCE_RE.search(pattern) is not None


def fold_line(line: str) -> str:
    """``line`` as trigger literals are compared with it (see the module's docstring)."""
    if not line.isascii() and _CASE_TWIN_RE.search(line):
        line = line.translate(CASE_TWIN_TABLE)
    return line.lower()


class TriggeredAlternation:
    """Patterns as one alternation; per line, the alternation of only those that can match."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        self.full = re.compile(alternation(patterns))
        self.always = (1 << len(patterns)) - 1  # bit i set: pattern i runs on every line
        self.automaton: ahocorasick_rs.AhoCorasick | None = None  # of the trigger literals
        self._bits: list[int] = []  # per literal (the automaton's index): bits of its patterns
        self.char_classes: list[tuple[re.Pattern[str], int]] = []  # single-character triggers
        self._regexes: dict[int, re.Pattern[str] | None] = {self.always: self.full, 0: None}
        if any(map(refers_to_groups, patterns)):
            return
        bits: dict[str, int] = {}
        for index, literals in enumerate(map(trigger_literals, patterns)):
            if literals is None:
                continue
            self.always &= ~(1 << index)
            if max(map(len, literals)) == 1:  # such as [0-9a-f]: too frequent for the automaton
                chars = "".join(sorted(literals))
                # a run the pattern needs of them ([0-9a-f]{32,}: 32 in a row, not any one)
                least = required_run(patterns[index], literals)
                run = f"{{{least}}}" if least > 1 else ""
                self.char_classes.append((re.compile(f"[{re.escape(chars)}]{run}"), 1 << index))
                continue
            for literal in literals:
                bits[literal] = bits.get(literal, 0) | 1 << index
        if bits:
            self.automaton = ahocorasick_rs.AhoCorasick(list(bits))
            self._bits = list(bits.values())

    def regex_for(self, line: str) -> re.Pattern[str] | None:
        """The alternation of the patterns that may match ``line``; None if none can."""
        mask = self.always
        if self.automaton is not None or self.char_classes:
            line = fold_line(line)
            for char_class, bit in self.char_classes:
                if char_class.search(line):
                    mask |= bit
            if self.automaton is not None:
                for index, _start, _end in self.automaton.find_matches_as_indexes(
                    line, overlapping=True
                ):
                    mask |= self._bits[index]
        try:
            return self._regexes[mask]
        except KeyError:
            chosen = [p for i, p in enumerate(self.patterns) if mask >> i & 1]
            regex = re.compile(alternation(chosen))
            if len(self._regexes) < MAX_SUBSETS:
                self._regexes[mask] = regex
            return regex

    def literal_ends(self, text: str) -> list[int] | None:
        """Where in ``text`` a trigger literal ends (each match of a pattern holds one); None
        when that cannot tell (a pattern without literals, one-character literals, or a text
        whose folding changes its length).
        """
        if self.always or self.char_classes or self.automaton is None:
            return None
        folded = fold_line(text)
        if len(folded) != len(text):
            return None
        found = self.automaton.find_matches_as_indexes(folded, overlapping=True)
        return sorted(end - 1 for _index, _start, end in found)


def finditer_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int], end: int | None = None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, end)`` when every match opens at one of ``starts``
    (ascending, from ``pos`` on): a pattern that opens with a lookbehind or an optional group is
    otherwise tried at every character of a long text.
    """
    done = 0
    for start in starts:
        if start >= done and (m := pattern.match(text, start, len(text) if end is None else end)):
            yield m
            done = m.end()


def alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


# --- reading a pattern ----------------------------------------------------------------------------


class _Reader:
    """Reads the syntax of Python's ``re`` into nodes; raises `_Unsure` at anything else."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def read(self) -> list[_Node]:
        nodes = self.alternation()
        if self.pos != len(self.text):  # an unbalanced ")"
            raise _Unsure
        return nodes

    def take(self) -> str:
        if self.pos >= len(self.text):
            raise _Unsure
        self.pos += 1
        return self.text[self.pos - 1]

    def skip(self, text: str) -> bool:
        if self.text.startswith(text, self.pos):
            self.pos += len(text)
            return True
        return False

    def alternation(self) -> list[_Node]:
        branches = [self.sequence()]
        while self.skip("|"):
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        # the one-character nodes every branch starts with come first (as re does it): "阅读"
        # of 阅读\d|阅读x is required
        prefix = []
        while all(branches) and branches[0][0][0] in _SIMPLE:
            if any(branch[0] != branches[0][0] for branch in branches):
                break
            prefix.append(branches[0][0])
            branches = [branch[1:] for branch in branches]
        return [*prefix, ("branch", branches)]

    def sequence(self) -> list[_Node]:
        nodes: list[_Node] = []
        while self.pos < len(self.text) and self.text[self.pos] not in "|)":
            node = self.atom()
            if node is None:  # a comment or the pattern's flags
                continue
            node = self.repeated(node)
            if node[0] == "inline":
                nodes.extend(node[1])
            else:
                nodes.append(node)
        return nodes

    def repeated(self, node: _Node) -> _Node:
        bounds = self.quantifier()
        if bounds is None:
            return node
        if not self.skip("?"):  # lazy or possessive: the same strings match
            self.skip("+")
        return ("repeat", *bounds, [node])

    def quantifier(self) -> tuple[int, int | None] | None:
        char = self.text[self.pos : self.pos + 1]
        if char in ("?", "*", "+"):
            self.pos += 1
            return {"?": (0, 1), "*": (0, None), "+": (1, None)}[char]
        braces = _BRACES_RE.match(self.text, self.pos)
        if braces is None or braces[0] == "{}":  # a literal "{"
            return None
        self.pos = braces.end()
        low, comma, high = braces.groups()
        least = int(low) if low else 0
        return least, ((int(high) if high else None) if comma else least)

    def atom(self) -> _Node | None:
        start = self.pos
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            codes = self.char_set()
            return ("lit", codes[0]) if codes and len(codes) == 1 else ("set", codes)
        if char == "\\":
            return self.escape()
        if char == ".":
            return ("any",)
        if char in "^$":
            return ("zero",)
        if char in "?*+":  # nothing to repeat
            raise _Unsure
        if char == "{" and (braces := _BRACES_RE.match(self.text, start)) and braces[0] != "{}":
            raise _Unsure  # a repeat of a repeat
        return ("lit", ord(char))

    def group(self) -> _Node | None:
        if self.skip("?:"):
            return self.group_body("inline")
        if not self.skip("?") or self.skip(">"):
            return self.group_body()
        if self.skip("P<"):
            end = self.text.find(">", self.pos)
            if end < 0:
                raise _Unsure
            self.pos = end + 1
            return self.group_body()
        if self.skip("=") or self.skip("!") or self.skip("<=") or self.skip("<!"):
            self.group_body()  # its text is no part of the match
            return ("zero",)
        if self.skip("#"):
            end = self.text.find(")", self.pos)
            if end < 0:
                raise _Unsure
            self.pos = end + 1
            return None
        flags = _FLAGS_RE.match(self.text, self.pos)
        if flags is None or "x" in flags[1] + (flags[2] or ""):  # (?P=n), (?(1)..), verbose
            raise _Unsure
        self.pos = flags.end()
        return None if flags[3] == ")" else self.group_body()

    def group_body(self, kind: str = "group") -> _Node:
        nodes = self.alternation()
        if not self.skip(")"):
            raise _Unsure
        return (kind, nodes)

    def char_set(self) -> tuple[int, ...] | None:
        """The characters of a class after its "[" (up to MAX_LITERALS in a range), or None."""
        negated = self.skip("^")
        codes: list[int] = []
        known = not negated
        first = True
        while True:
            char = self.take()
            if char == "]" and not first:
                break
            first = False
            low = self.set_member(char)
            if not self.skip("-"):
                if low is None:
                    known = False
                else:
                    codes.append(low)
                continue
            char = self.take()
            if char == "]":  # a "-" at the end is itself
                if low is None:
                    known = False
                else:
                    codes.append(low)
                codes.append(ord("-"))
                break
            high = self.set_member(char)
            if low is None or high is None or high < low:
                raise _Unsure  # not a range re accepts
            if high - low < MAX_LITERALS:
                codes.extend(range(low, high + 1))
            else:
                known = False
        return tuple(codes) if known else None

    def set_member(self, char: str) -> int | None:
        r"""The code of one member of a class; None for \d, \w, \s and their negations."""
        if char != "\\":
            return ord(char)
        char = self.take()
        if char in "dDsSwW":
            return None
        if char == "b":  # backspace, in a class
            return 8
        return self.escaped(char)

    def escape(self) -> _Node:
        char = self.take()
        if char in "AZbB":
            return ("zero",)
        if char in "dDsSwW":
            return ("any",)
        return ("lit", self.escaped(char))

    def escaped(self, char: str) -> int:
        """The code of a one-character escape after its backslash."""
        if char in _CONTROL_ESCAPES:
            return _CONTROL_ESCAPES[char]
        if char in _HEX_DIGITS:
            digits = self.text[self.pos : self.pos + _HEX_DIGITS[char]]
            if len(digits) < _HEX_DIGITS[char] or not all(
                d in "0123456789abcdefABCDEF" for d in digits
            ):
                raise _Unsure
            self.pos += len(digits)
            code = int(digits, 16)
            if code > 0x10FFFF:
                raise _Unsure
            return code
        if char == "N":
            end = self.text.find("}", self.pos)
            if not self.skip("{") or end < 0:
                raise _Unsure
            try:
                named = unicodedata.lookup(self.text[self.pos : end])
            except KeyError:
                raise _Unsure from None
            self.pos = end + 1
            return ord(named)
        if char == "0":  # octal: \0, then up to two more digits
            digits = char
            while len(digits) < 3 and self.text[self.pos : self.pos + 1] in _OCTAL:
                digits += self.take()
            return int(digits, 8)
        if char.isascii() and char.isalnum():  # a group reference, octal \123, or not valid
            raise _Unsure
        return ord(char)


# --- the literals of parsed nodes ---------------------------------------------------------------


def _sequence(nodes: Iterable[_Node]) -> tuple[_Strings, _Strings]:
    """(every string the sequence matches, literals one of which each match holds), folded."""
    run: _Strings = _EMPTY  # the strings the current run of exact nodes matches
    whole = True
    candidates = []
    for node in nodes:
        exact, required = _node(node)
        if required is not None:
            candidates.append(required)
        if exact is not None and run is not None and len(run) * len(exact) <= MAX_LITERALS:
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


def _node(node: _Node) -> tuple[_Strings, _Strings]:
    match node:
        case ("lit", code):
            chars = _fold_chars((code,))
        case ("set", codes):
            chars = None if codes is None else _fold_chars(codes)
        case ("group" | "inline", nodes):
            return _sequence(nodes)
        case ("branch", branches):
            return _branch(branches)
        case ("repeat", low, high, nodes):
            exact, required = _sequence(nodes)
            if low == 0:
                return (exact | _EMPTY if high == 1 and exact is not None else None), None
            return (exact if high == 1 else None), required
        case ("zero",):
            return _EMPTY, None
        case _:  # any character
            return None, None
    return chars, chars


def _branch(branches: Iterable[list[_Node]]) -> tuple[_Strings, _Strings]:
    results = [_sequence(branch) for branch in branches]
    exacts = [exact for exact, _ in results]
    required = [literals for _, literals in results]
    exact = None if None in exacts else frozenset().union(*exacts)
    if exact is not None and len(exact) > MAX_LITERALS:
        exact = None
    return exact, (None if None in required else frozenset().union(*required))


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
