"""diff_text: paragraphs first, then characters inside changed paragraphs.

Whether an edit is a change at all, and the shape of the ops, are data in
tests/cases/diffing.toml.
"""

from __future__ import annotations

import functools
import itertools
import random
import tomllib
from pathlib import Path

import pytest

from policyradar.text import diffing
from policyradar.text.diffing import (
    CONTEXT,
    Diff,
    DiffOp,
    diff_from_json,
    diff_text,
    diff_to_json,
    new_document_diff,
)
from policyradar.text.extraction import main_text
from policyradar.text.normalise import normalise

CASES = tomllib.loads((Path(__file__).parent / "cases" / "diffing.toml").read_text("utf-8"))
DEMO = Path(__file__).parent.parent / "data" / "demo"
COMMON_HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"
    "子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体"
)


def shape(diff: Diff) -> list[str]:
    return [f"{op.op}:{len(op.old)}:{len(op.new)}" for op in diff.ops]


def chinese_document(paragraphs: int, length: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(COMMON_HANZI, k=length)) for _ in range(paragraphs)]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES["same"]])
def test_not_a_meaningful_change(case: dict[str, str]) -> None:
    assert diff_text(case["old"], case["new"]) is None


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES["change"]])
def test_paragraph_ops(case: dict[str, object]) -> None:
    diff = diff_text(str(case["old"]), str(case["new"]))
    assert diff is not None
    assert shape(diff) == case["ops"]
    assert diff.added == case["added"]
    assert diff.removed == case["removed"]


def test_chinese_is_diffed_by_character() -> None:
    diff = diff_text("标题\n配送费上涨0.30美元\n结尾", "标题\n配送费上涨0.35美元\n结尾")
    assert diff is not None
    (replace,) = [op for op in diff.ops if op.op == "replace"]
    assert replace.inline == (("=", "配送费上涨0.3"), ("-", "0"), ("+", "5"), ("=", "美元"))


def test_english_inline_diff_is_readable() -> None:
    diff = diff_text("The fee is $3.22 per unit.", "The fee is $3.50 per unit.")
    assert diff is not None
    changed = [(tag, text) for tag, text in diff.ops[0].inline if tag != "="]
    assert changed == [("-", "22"), ("+", "50")]


def old_side(op: DiffOp) -> str:
    return "".join(text for tag, text in op.inline if tag != "+")


def new_side(op: DiffOp) -> str:
    return "".join(text for tag, text in op.inline if tag != "-")


def test_inline_of_a_split_paragraph_spans_the_line_break() -> None:
    diff = diff_text("A\nFees rise in May.\nZ", "A\nFees rise in June.\nNew limits apply.\nZ")
    assert diff is not None
    (replace,) = [op for op in diff.ops if op.op == "replace"]
    assert old_side(replace) == "Fees rise in May."
    assert new_side(replace) == "Fees rise in June.\nNew limits apply."


def test_punctuation_only_pair_is_kept_as_equal_with_both_texts() -> None:
    diff = diff_text("A，B\n旧规则\nZ", "A,B\n新规则\nZ")
    assert diff is not None
    assert diff.ops[0] == DiffOp("equal", ("A，B",), ("A,B",))


def test_added_and_removed_keep_whole_paragraphs() -> None:
    old = "标题\n自2025年3月1日起，低库存费按每件0.89美元收取。\n结尾"
    new = "标题\n自2025年3月1日起，低库存费按每件0.97美元收取。\n结尾"
    diff = diff_text(old, new)
    assert diff is not None
    assert diff.added == "自2025年3月1日起，低库存费按每件0.97美元收取。"
    assert diff.removed == "自2025年3月1日起，低库存费按每件0.89美元收取。"


def test_context_is_truncated_to_two_paragraphs_each_side() -> None:
    old = [f"paragraph {n}" for n in range(20)]
    new = [*old[:10], "a brand new paragraph", *old[10:]]
    diff = diff_text("\n".join(old), "\n".join(new))
    assert diff is not None
    assert diff.ops == (
        DiffOp("equal", (), (), skipped=8),
        DiffOp("equal", ("paragraph 8", "paragraph 9"), ("paragraph 8", "paragraph 9")),
        DiffOp("insert", (), ("a brand new paragraph",)),
        DiffOp("equal", ("paragraph 10", "paragraph 11"), ("paragraph 10", "paragraph 11")),
        DiffOp("equal", (), (), skipped=8),
    )
    assert CONTEXT == 2


def test_context_between_two_changes_keeps_both_sides() -> None:
    old = [f"p{n}" for n in range(12)]
    new = ["changed first", *old[1:11], "changed last"]
    diff = diff_text("\n".join(old), "\n".join(new))
    assert diff is not None
    assert shape(diff) == ["replace:1:1", "equal:2:2", "equal:0:0", "equal:2:2", "replace:1:1"]
    assert diff.ops[2].skipped == 6


def test_short_unchanged_runs_are_not_truncated() -> None:
    diff = diff_text("a\nb\nc\nd\ne", "a\nb\nX\nd\ne")
    assert diff is not None
    assert shape(diff) == ["equal:2:2", "replace:1:1", "equal:2:2"]
    assert all(op.skipped == 0 for op in diff.ops)


def test_large_chinese_document_with_one_changed_paragraph() -> None:
    paragraphs = chinese_document(1500, 100)
    old = "\n".join(paragraphs)
    changed = paragraphs[700][:50] + "配送费上涨0.35美元" + paragraphs[700][60:]
    new = "\n".join([*paragraphs[:700], changed, *paragraphs[701:]])
    assert len(old) > 150_000

    diff = diff_text(old, new)

    assert diff is not None
    assert shape(diff) == ["equal:0:0", "equal:2:2", "replace:1:1", "equal:2:2", "equal:0:0"]
    assert [op.skipped for op in diff.ops] == [698, 0, 0, 0, 797]
    assert diff.added == changed
    assert diff.removed == paragraphs[700]
    replace = diff.ops[2]
    assert old_side(replace) == paragraphs[700]
    assert new_side(replace) == changed
    assert sum(len(text) for tag, text in replace.inline if tag == "=") >= 90
    assert len(diff_to_json(diff)) < 2_000


def test_very_long_replaced_paragraph_gets_a_coarse_inline() -> None:
    old = "".join(chinese_document(1, 30_000, seed=1))
    new = "".join(chinese_document(1, 30_000, seed=2))
    diff = diff_text(old, new)
    assert diff is not None
    assert diff.ops == (DiffOp("replace", (old,), (new,), inline=(("-", old), ("+", new))),)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            "标题\n配送费上涨0.30美元\n结尾", "标题\n配送费上涨0.35美元\n结尾", id="replace"
        ),
        pytest.param("A，B\n旧\nZ", "A,B\n新\nZ", id="equal with two spellings"),
        pytest.param("\n".join(map(str, range(30))), "\n".join(map(str, range(1, 31))), id="skip"),
        pytest.param("", "新页面", id="insert"),
        pytest.param("旧页面\n第二段", "", id="delete"),
    ],
)
def test_json_round_trip_is_exact(old: str, new: str) -> None:
    diff = diff_text(old, new)
    assert diff is not None
    encoded = diff_to_json(diff)
    assert diff_from_json(encoded) == diff
    assert "\\u" not in encoded  # Chinese stays readable


def test_json_is_compact() -> None:
    diff = diff_text("a\nb", "a\nc")
    assert diff is not None
    assert diff_to_json(diff) == (
        '{"v":1,"ops":[{"op":"equal","old":["a"]},'
        '{"op":"replace","old":["b"],"new":["c"],"inline":[["-","b"],["+","c"]]}],'
        '"added":"c","removed":"b"}'
    )


def test_new_document_diff_is_one_insert() -> None:
    diff = new_document_diff("亚马逊公告\n配送费上涨")
    assert diff == Diff(
        ops=(DiffOp("insert", (), ("亚马逊公告", "配送费上涨")),),
        added="亚马逊公告\n配送费上涨",
        removed="",
    )
    assert diff_from_json(diff_to_json(diff)) == diff


def test_new_document_diff_of_empty_text_has_no_ops() -> None:
    assert new_document_diff("") == Diff(ops=(), added="", removed="")


# --- the C++ diff-match-patch gives the pure-Python one's inline diffs ----------------------------


def demo_text(path: Path) -> str:
    return normalise(main_text(path.read_text("utf-8")))


@functools.cache
def paragraph_pairs() -> list[tuple[str, str]]:
    """Paragraph pairs as diff_text meets them: the demo's s1 -> s2 replacements, unrelated
    paragraphs (Chinese with Chinese, English with English) and small edits of each.
    """
    pairs = []
    paragraphs: dict[bool, list[str]] = {True: [], False: []}
    for path in sorted((DEMO / "s1").rglob("*.html")):
        text = demo_text(path)
        chinese = sum("\u4e00" <= char <= "\u9fff" for char in text) > len(text) / 5
        paragraphs[chinese] += [line for line in text.split("\n") if len(line) >= 40]
        later = DEMO / "s2" / path.relative_to(DEMO / "s1")
        if later.exists() and (diff := diff_text(text, demo_text(later))) is not None:
            pairs += [("\n".join(op.old), "\n".join(op.new)) for op in diff.ops if op.inline]
    for same_language in paragraphs.values():
        pairs += list(itertools.pairwise(same_language[:13]))
        for line in same_language[:12]:
            middle = len(line) // 2
            pairs.append((line, line[:middle] + " 0.35 新增 added " + line[middle + 3 :]))
    return pairs


def test_paragraph_pairs_cover_both_languages_and_real_changes() -> None:
    pairs = paragraph_pairs()
    assert len(pairs) > 40
    assert any("低库存" in new for _old, new in pairs)
    assert any(len(old) > 500 for old, _new in pairs)


@pytest.mark.skipif(diffing.fast_diff_match_patch is None, reason="fast-diff-match-patch missing")
def test_fast_inline_diff_equals_diff_match_patch() -> None:
    for old, new in paragraph_pairs():
        fast = diffing._inline(old, new)
        assert fast == diffing._inline_python(old, new), (old, new)
        assert {tag for tag, _text in fast} <= {"=", "+", "-"}


def test_inline_diff_without_the_fast_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diffing, "fast_diff_match_patch", None)
    diff = diff_text("标题\n配送费上涨0.30美元\n结尾", "标题\n配送费上涨0.35美元\n结尾")
    assert diff is not None
    assert diff.ops[1].inline == (("=", "配送费上涨0.3"), ("-", "0"), ("+", "5"), ("=", "美元"))
