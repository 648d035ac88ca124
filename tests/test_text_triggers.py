"""Trigger literals read from a pattern's text: every match holds one, and when unsure, none."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from policyradar.text import triggers
from policyradar.text.triggers import (
    TriggeredAlternation,
    fold_line,
    refers_to_groups,
    trigger_literals,
)


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        pytest.param(r"(?:阅读|浏览)\s*\d+", {"阅读", "浏览"}, id="alternatives"),
        pytest.param(r"(?i:\b\d+\s+hours?\s+ago\b)", {"hour", "hours"}, id="longest wins"),
        pytest.param(r"\d+\s+(?:days?|weeks?)\s+ago", {"ago"}, id="then the fewest"),
        pytest.param(
            r"(?:最后)?更新(?:时间|于)",
            {"更新时间", "更新于", "最后更新时间", "最后更新于"},
            id="product",
        ),
        pytest.param(r"(?i:SHARE)[:：]", {"share:", "share："}, id="case folded"),
        pytest.param(r"[0-9a-f]{32,}", set("0123456789abcdef"), id="character class"),
        pytest.param(r"\d+", None, id="digits only"),
        pytest.param(r"(?:views|\d+)", None, id="one alternative without a literal"),
        pytest.param(r"Ünïcode", {"code"}, id="cased non-ASCII letters split literals"),
        pytest.param(r"Ü\d", None, id="only a cased non-ASCII letter"),
        # alternation
        pytest.param(r"阅读|浏览|\d+次", {"阅读", "浏览", "次"}, id="top-level alternation"),
        pytest.param(r"foo|\d+", None, id="a top-level branch without a literal"),
        pytest.param(r"abc|abd", {"abc", "abd"}, id="branches with a common prefix"),
        pytest.param(r"(?:阅读\d|阅读x)", {"阅读"}, id="the common prefix is required"),
        pytest.param(r"(?:a|b)(?:c|d)", {"ac", "ad", "bc", "bd"}, id="branches multiplied"),
        # escapes
        pytest.param(r"\.com\b", {".com"}, id="escaped dot, word boundary"),
        pytest.param(r"\x41BC", {"abc"}, id="hex escape"),
        pytest.param(r"\u00a9 20\d\d", {"© 20"}, id="unicode escape"),
        pytest.param(r"\N{COPYRIGHT SIGN}\s*\d{4}", {"©"}, id="named escape"),
        pytest.param(r"a\\b", {"a\\b"}, id="escaped backslash"),
        pytest.param(r"a\0b", {"a\0b"}, id="octal zero"),
        pytest.param(r"\(\d+\)", {"("}, id="escaped parentheses"),
        pytest.param(r"\Aabc\Z", {"abc"}, id="anchors"),
        # classes
        pytest.param(r"[]a]bc", {"]bc", "abc"}, id="a ] first in a class"),
        pytest.param(r"[\]a-c]{2}\x2e", {"."}, id="escaped ] and a range, repeated"),
        pytest.param(r"[a-]x", {"ax", "-x"}, id="a - last in a class"),
        pytest.param(r"[\-a]x", {"ax", "-x"}, id="an escaped - in a class"),
        pytest.param(r"[^a]bc", {"bc"}, id="a negated class"),
        pytest.param(r"[\b]x", {"\bx"}, id="backspace in a class"),
        pytest.param(r"[\d.]+元", {"元"}, id="a category in a class"),
        pytest.param(r"[\u4e00-\u9fff]+号", {"号"}, id="a wide range"),
        pytest.param(r"[.]com", {".com"}, id="a class of one"),
        # optional groups and quantifiers
        pytest.param(r"colou?r", {"color", "colour"}, id="optional letter"),
        pytest.param(r"(?:page\s*)?views?", {"view", "views"}, id="optional group"),
        pytest.param(r"x{0,2}yz", {"yz"}, id="{0,n}"),
        pytest.param(r"a{,2}b", {"b"}, id="{,n}"),
        pytest.param(r"ab*c", {"a"}, id="star"),
        pytest.param(r"ab*?c", {"a"}, id="lazy star"),
        pytest.param(r"a++b", {"a"}, id="possessive plus"),
        pytest.param(r"(?:ab){2}", {"ab"}, id="{n} of a group"),
        pytest.param(r"x{a}", {"x{a}"}, id="braces that are no quantifier"),
        pytest.param(r"a{}", {"a{}"}, id="empty braces"),
        # flags, groups, lookarounds, comments
        pytest.param(r"(?i)Views", {"views"}, id="global case-insensitive flag"),
        pytest.param(r"(?-i:K)ey", {"key"}, id="flag removed"),
        pytest.param(r"(?i:share(?:\s+this)?)", {"share"}, id="nested groups"),
        pytest.param(r"(?s:.)abc", {"abc"}, id="dotall"),
        pytest.param(r"(?P<n>foo)bar", {"foobar"}, id="named group"),
        pytest.param(r"(?>abc)+d", {"abc"}, id="atomic group"),
        pytest.param(r"(?<=阅读)\d+", None, id="a lookbehind's text is not matched"),
        pytest.param(r"(?<!\d)件数", {"件数"}, id="negative lookbehind"),
        pytest.param(r"(?=x)abc", {"abc"}, id="lookahead"),
        pytest.param(r"(?#note)abc", {"abc"}, id="comment"),
        # unsure: no literals, so the pattern runs on every line
        pytest.param(r"(?x) 阅 读", None, id="verbose"),
        pytest.param(r"(?x: a b )c", None, id="scoped verbose"),
        pytest.param(r"(a)\1", None, id="group reference"),
        pytest.param(r"(?P<n>a)(?P=n)", None, id="named group reference"),
        pytest.param(r"(a)?(?(1)b|c)", None, id="conditional"),
        pytest.param(r"[\1]x", None, id="octal escape in a class"),
    ],
)
def test_trigger_literals(pattern: str, literals: set[str] | None) -> None:
    re.compile(pattern)
    derived = trigger_literals(pattern)
    assert (None if derived is None else set(derived)) == literals


def test_the_reader_has_no_private_stdlib_modules() -> None:
    text = Path(triggers.__file__).read_text(encoding="utf-8")
    assert "_parser" not in text
    assert "sre_" not in text


TEXTS = [
    "阅读 1234 | 浏览量：1.2万 | 3次浏览 ©2025 版权所有",
    "Posted 3 HOURS AGO · 1,234 Views · Share this: Facebook",
    "By Seller News · 1,234 VİEWS · 3 mınutes ago · 2 \u017feconds · 3 wee\u212as ago",
    "Last updated: March 1, 2026 · colour/COLOR · 更新时间 2026-03-01 最后更新于",
    "sessionid=abc123 0123456789ABCDEF0123456789abcdef .COM a\\b x{a} ]bc -x \bx",
]


def _every_match_holds_a_trigger(pattern: str, texts: list[str]) -> None:
    literals = trigger_literals(pattern)
    if literals is None:
        return
    regex = re.compile(pattern)
    for text in texts:
        for match in regex.finditer(text):
            folded = fold_line(match[0])
            assert any(literal in folded for literal in literals), (pattern, match[0])


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?i:\b\d+\s+hours?\s+ago\b)",
        r"(?i:(?:page\s*)?views?)",
        r"(?i:mi?nutes?|seconds?|weeks?)",
        r"(?i:share(?:\s+this)?)[:：]?",
        r"colou?r",
        r"(?i:COLOU?R)",
        r"[0-9a-fA-F]{32,}",
        r"(?:阅读|浏览量?)\s*[:：]?\s*\d[\d,.]*",
        r"\.com\b",
        r"(?i:\.com)",
        r"x\{a\}|\]bc|[a-]x|[\b]x",
        r"(?:最后)?更新(?:时间|于)",
    ],
)
def test_every_match_holds_one_of_the_literals(pattern: str) -> None:
    _every_match_holds_a_trigger(pattern, TEXTS)


_ATOMS = [
    *"abcAK阅读©é.-{}] ",
    r"\d",
    r"\w",
    r"\s",
    r"\.",
    r"\-",
    r"\x41",
    r"\u00e9",
    r"\N{COPYRIGHT SIGN}",
    "[ab]",
    "[a-c]",
    "[^a]",
    "[A-Z]",
    r"[\d.]",
    "[]a]",
    "[a-]",
    r"[\]a]",
    r"\b",
    "^",
    "$",
    "(?#c)",
    "x{a}",
]
_QUANTIFIERS = ["", "", "", "?", "*", "+", "{2}", "{0,2}", "{,3}", "{1,}", "??", "*?", "*+"]
_GROUPS = ["(?:", "(", "(?i:", "(?-i:", "(?=", "(?!", "(?>", "(?P<g>"]
_RANDOM_TEXT = "abcABC阅读©Ééks.-{}] 12İıſK\u212a\n#(\\)[x"


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        if depth < 2 and rng.random() < 0.25:  # groups are not repeated: no runaway backtracking
            opening = rng.choice(_GROUPS).replace("<g>", f"<g{rng.randrange(10**9)}>")
            parts.append(opening + _random_pattern(rng, depth + 1) + ")")
        else:
            atom = rng.choice(_ATOMS)
            simple = atom not in ("^", "$", r"\b", "(?#c)", "{")
            parts.append(atom + (rng.choice(_QUANTIFIERS) if simple else ""))
    pattern = "".join(parts)
    return pattern + "|" + _random_pattern(rng, depth + 1) if rng.random() < 0.3 else pattern


def test_random_patterns_every_match_holds_one_of_the_literals() -> None:
    rng = random.Random(20260301)
    texts = ["".join(rng.choices(_RANDOM_TEXT, k=rng.randint(0, 12))) for _ in range(150)]
    found = 0
    for _ in range(400):
        pattern = _random_pattern(rng)
        try:
            re.compile(pattern)
        except re.error:  # such as a lookbehind of variable width
            continue
        found += trigger_literals(pattern) is not None
        _every_match_holds_a_trigger(pattern, texts)
        _every_match_holds_the_required_run(pattern, texts)
    assert found > 100  # the reader is not merely unsure


def _every_match_holds_the_required_run(pattern: str, texts: list[str]) -> None:
    literals = trigger_literals(pattern)
    if not literals or max(map(len, literals)) > 1:
        return
    run = triggers.required_run(pattern, literals)
    needed = re.compile(f"[{re.escape(''.join(sorted(literals)))}]{{{run}}}")
    for text in texts:
        for m in re.finditer(pattern, text):
            assert needed.search(fold_line(m.group())), (pattern, text, m.group(), run)


def test_case_twins_are_what_ignorecase_matches_to_ascii_letters() -> None:
    everything = "".join(map(chr, range(0x80, sys.maxunicode + 1)))
    twins = {
        char: letter
        for letter in "abcdefghijklmnopqrstuvwxyz"
        for char in re.findall(f"(?i:{letter})", everything)
    }
    assert "".join(sorted(twins)) == "".join(sorted(triggers.CASE_TWINS))
    assert all(char.translate(triggers.CASE_TWIN_TABLE) == twins[char] for char in twins)
    assert set(re.findall("(?i:[a-z])", everything)) == set(twins)


@pytest.mark.parametrize(
    ("pattern", "refers"),
    [
        (r"(a)\1", True),
        (r"(?P<n>a)(?P=n)", True),
        (r"(a)?(?(1)b|c)", True),
        (r"a\\1", True),  # an escaped backslash, then "1": a doubt counts as a reference
        (r"(a)(?P<n>b)\d{1}", False),
        (r"\0\x31", False),
    ],
)
def test_refers_to_groups(pattern: str, refers: bool) -> None:
    assert refers_to_groups(pattern) is refers


def test_lines_get_the_alternation_of_the_patterns_they_can_match() -> None:
    patterns = (r"阅读\s*\d+", r"(?i:\d+\s+views?)", r"[0-9a-f]{32}", r"\d{4}-\d\d")
    alternation = TriggeredAlternation(patterns)
    assert alternation.regex_for("没有任何数字") is None
    lines = ("阅读 x", "3 VİEWS", "2026-03", "token 0123456789abcdef0123456789ABCDEF")
    chosen = {line: alternation.regex_for(line) for line in lines}
    assert {line: regex and regex.pattern for line, regex in chosen.items()} == {
        "阅读 x": rf"(?:{patterns[0]})",
        "3 VİEWS": rf"(?:{patterns[1]})",  # "e" is a hex digit, but not 32 in a row
        "2026-03": rf"(?:{patterns[3]})",
        "token 0123456789abcdef0123456789ABCDEF": rf"(?:{patterns[2]})",
    }
    for line in ("阅读 12 and 3 views", "2026-03-01 deadbeef" * 4, "x", "阅读12 VIEWS 0123"):
        expected = alternation.full.subn("", line)
        regex = alternation.regex_for(line)
        assert (regex.subn("", line) if regex else (line, 0)) == expected


def test_literal_ends_say_where_a_match_can_be_and_none_when_they_cannot() -> None:
    phrases = TriggeredAlternation((r"(?<![a-z])(?:cookies?|all\s+rights\s+reserved|©)",))
    text = "We use Cookies.\nbody text\n© 2024 ACME, all rights reserved"
    ends = phrases.literal_ends(text)
    assert ends == [12, 13, 26, 57]  # "cookie", "cookies", "©", "reserved" end there
    assert [text[end] for end in ends] == ["e", "s", "©", "d"]
    assert TriggeredAlternation((r"[0-9a-f]{32}",)).literal_ends(text) is None  # one-char class


@pytest.mark.parametrize(
    ("pattern", "run"),
    [
        (r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])", 32),
        (r"x?[ab]{3}", 3),
        (r"[ab]+", 1),
        (r"(?:[ab]{3}|c)", 1),  # not at the top level: one branch may do without it
    ],
)
def test_required_run_is_the_least_repeat_of_the_literal_class(pattern: str, run: int) -> None:
    literals = trigger_literals(pattern)
    assert literals is not None
    assert max(map(len, literals)) == 1
    assert triggers.required_run(pattern, literals) == run


def test_a_group_reference_runs_the_whole_alternation() -> None:
    alternation = TriggeredAlternation((r"(ab)c", r"阅读", r"(\w)\1{2,}"))
    assert alternation.automaton is None
    assert alternation.regex_for("nothing") is alternation.full
