"""normalise, meaningful and fingerprint: what stays equal when only noise changes.

Cases for ``normalise`` live in tests/cases/normalise.toml: width and whitespace folding, every
kind of volatile fragment in data/ignore_patterns.txt, and real content that must survive.
"""

from __future__ import annotations

import functools
import re
import sys
import tomllib
from pathlib import Path

import pytest

from policyradar.text import normalise as normalise_module
from policyradar.text.extraction import html_to_text, main_text
from policyradar.text.normalise import fingerprint, global_ignore_patterns, meaningful, normalise

CASES = tomllib.loads((Path(__file__).parent / "cases" / "normalise.toml").read_text("utf-8"))
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES["case"]])
def test_normalise(case: dict[str, str]) -> None:
    assert normalise(case["text"]) == case["expected"]


def test_normalise_is_idempotent() -> None:
    text = "\n".join(case["text"] for case in CASES["case"])
    once = normalise(text)
    assert normalise(once) == once


def test_per_source_ignore_patterns_apply_after_the_global_ones() -> None:
    text = "Seller fees\n今日汇率 7.2315\nBody"
    assert normalise(text, ignore=[r"今日汇率 [\d.]+"]) == "Seller fees\nBody"
    assert normalise(text) == text


def test_per_source_patterns_see_half_width_digits_and_chinese_punctuation() -> None:
    assert normalise("库存：１２３件\n正文", ignore=[r"库存[:：]\d+件"]) == "正文"


def test_bad_ignore_pattern_names_itself() -> None:
    with pytest.raises(ValueError, match=r"bad ignore pattern '\(unclosed'"):
        normalise("text", ignore=["(unclosed"])


def test_global_patterns_file_has_no_comments_or_blanks() -> None:
    patterns = global_ignore_patterns()
    assert len(patterns) > 10
    assert all(p and not p.startswith("#") for p in patterns)


def test_volatile_page_chrome_does_not_change_the_fingerprint() -> None:
    monday = "亚马逊公告\n阅读 1234\n3小时前\n低库存费于4月1日起生效\nLast updated: May 1, 2025"
    tuesday = "亚马逊公告\n阅读 1301\n1天前\n低库存费于4月1日起生效\nLast updated: May 2, 2025"
    assert fingerprint(normalise(monday)) == fingerprint(normalise(tuesday))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("配送费上涨 0.30 美元", "配送费上涨0.30美元", id="spaces"),
        pytest.param("配送费，上涨。", "配送费,上涨.", id="full-width punctuation"),
        pytest.param("Fees: new!", "Fees - new", id="english punctuation"),
        pytest.param("line one\nline two", "line one line two", id="line breaks"),
        pytest.param("ＦＢＡ", "FBA", id="full-width letters"),
        pytest.param("a\u200bb", "ab", id="zero-width space"),
    ],
)
def test_meaningful_ignores_spacing_and_punctuation(a: str, b: str) -> None:
    assert meaningful(a) == meaningful(b)
    assert fingerprint(a) == fingerprint(b)


def test_meaningful_keeps_letters_digits_and_currency() -> None:
    assert meaningful("Fee: $3.22 → ¥25 (含税)") == "Fee$322¥25含税"


def test_meaningful_of_normalised_text_skips_nfkc_and_gives_the_same_core() -> None:
    """Real pages (tests/corpus/pages) and real news (tests/corpus/news), zh, en, de, ja."""
    corpus = Path(__file__).parent / "corpus"
    texts = [main_text(p.read_text(encoding="utf-8")) for p in corpus.glob("pages/*/page.html")]
    for path in corpus.glob("news/*.toml"):
        items = tomllib.loads(path.read_text(encoding="utf-8"))["item"]
        texts += [f"{item['title']}\n{item['text']}" for item in items]
    texts.append("Ｆｅｅ：（含税）ｅ\u0301 ﬁ ① ㎏ 帳戶")
    assert len(texts) > 600
    for text in map(normalise, texts):
        assert meaningful(text, normalised=True) == meaningful(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("配送费上涨0.30美元", "配送费上涨0.35美元", id="digit"),
        pytest.param("Fee: $3.22", "Fee: €3.22", id="currency"),
        pytest.param("must", "must not", id="word"),
    ],
)
def test_real_edits_change_the_fingerprint(a: str, b: str) -> None:
    assert fingerprint(a) != fingerprint(b)


def test_fingerprint_is_sha256_hex() -> None:
    digest = fingerprint("FBA")
    assert len(digest) == 64
    assert int(digest, 16) >= 0


# --- the trigger-literal fast path gives what one alternation tried on every line gives ----------


def plain_normalise(text: str, ignore: tuple[str, ...] = ()) -> str:
    """normalise() as it was: the whole alternation, ``subn`` on every line, no shortcuts."""
    mod = normalise_module
    patterns = (*global_ignore_patterns(), *ignore)
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns))
    lines = []
    for raw in mod._fold(mod._DROPPED_RE.sub("", text)).splitlines():
        line = re.sub(r"\s+", " ", raw).strip()
        if line:
            cleaned, count = pattern.subn("", line)
            if count:
                line = re.sub(r"\s+", " ", cleaned).strip(mod._LEFTOVER)
        if line and line.translate(mod._MEANINGFUL):
            lines.append(line)
    return "\n".join(lines)


@functools.cache
def realistic_texts() -> list[tuple[str, str]]:
    """Chinese and English page texts from every HTML fixture, and the cases file in one text."""
    texts = []
    for path in sorted(FIXTURES.rglob("*.html")):
        html = path.read_text("utf-8", errors="replace")
        name = str(path.relative_to(FIXTURES))
        texts.append((name, html_to_text(html)))
        if path.parent.name == "html":
            texts.append((f"{name} main text", main_text(html)))
    texts.append(("normalise.toml", "\n".join(case["text"] for case in CASES["case"])))
    return [(name, text) for name, text in texts if text]


TRICKY = "\n".join(
    [
        *(case["text"].upper() for case in CASES["case"]),  # (?i:...) patterns on upper case
        "By Seller News · 1,234 VİEWS",  # dotted capital I: (?i) matches it to "i"
        "Posted 3 mınutes ago | vıews: 12",  # dotless i
        "Posted 2 \u017feconds ago · 3 wee\u212as ago",  # long s, Kelvin sign (NFKC folds them)
        "来源：跨境\u3000资讯\xa0|\t阅读\x1f1234 ｜ 评论\u2007５",  # unusual whitespace
        "  © 2025 ebrun · 版权所有  ",
        "Request 0123456789ABCDEF0123456789abcdef and sessionid=abc",
        "阅读阅读 1234 阅读 1,2 浏览量：3万+ 3次浏览浏览",
    ]
)


@pytest.mark.parametrize(("name", "text"), [*realistic_texts(), ("tricky", TRICKY)])
def test_fast_path_equals_plain_subn_on_every_line(name: str, text: str) -> None:
    assert text
    assert normalise(text) == plain_normalise(text)


SOURCE_PATTERNS = [
    pytest.param((r"今日汇率 [\d.]+",), id="with a trigger"),
    pytest.param((r"\d+件", r"[A-Z]{2,}\d+"), id="caseless and character-class triggers"),
    pytest.param((r"\d{2,}", r".{0,3}$"), id="no trigger: run on every line"),
    # \1 is the group of "(ab)c" in the whole alternation; in one without it, the group of (\w)
    pytest.param((r"(ab)c", r"(\w)\1{2,}"), id="group reference: the whole alternation"),
    pytest.param((r"(?i:fees?)\s+(rise)",), id="capturing groups"),
    pytest.param(
        (r"(?x: 浏 览 \s* \d+ )", r"\N{COPYRIGHT SIGN}\s*\d{4}", r"[\]a-c]{2}\x2e"),
        id="verbose (no trigger), named and hex escapes, a ] in a class",
    ),
]


@pytest.mark.parametrize("ignore", SOURCE_PATTERNS)
def test_fast_path_equals_plain_subn_with_source_patterns(ignore: tuple[str, ...]) -> None:
    for _name, text in [*realistic_texts(), ("tricky", TRICKY)]:
        assert normalise(text, ignore) == plain_normalise(text, ignore)


def test_a_group_reference_turns_the_fast_path_off() -> None:
    ignore_set = normalise_module._ignore_set((*global_ignore_patterns(), r"(a)(?=\1)"))
    assert ignore_set is not None
    assert ignore_set.automaton is None
    assert ignore_set.regex_for("plain text") is ignore_set.full


def test_python_whitespace_is_re_whitespace() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"\s", everything) == [char for char in everything if char.isspace()]
