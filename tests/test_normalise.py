"""normalise, meaningful and fingerprint: what stays equal when only noise changes.

Cases for ``normalise`` live in tests/cases/normalise.toml: width and whitespace folding, every
kind of volatile fragment in data/ignore_patterns.txt, and real content that must survive.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.normalise import fingerprint, global_ignore_patterns, meaningful, normalise

CASES = tomllib.loads((Path(__file__).parent / "cases" / "normalise.toml").read_text("utf-8"))


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
