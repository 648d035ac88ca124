"""clean(): crawled text made inert for a terminal, a web page, an Atom feed or a chat message."""

from __future__ import annotations

import pytest

from policyradar.text.clean import clean


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("  运费\n\t调整  ", "运费 调整"),
        ("red\x1b[31malert", "red [31malert"),  # no terminal escape survives
        ("a\x00b\x7fc\x85d", "a b c d"),  # C0, DEL and C1 controls
        ("账户\u202e验证", "账户 验证"),  # a bidi override cannot reorder the line
        ("零\u200b宽", "零 宽"),
        ("line\u2028sep", "line sep"),
        ("lone \ud800 surrogate \uffff", "lone surrogate"),  # invalid in XML
        (None, ""),
        ("", ""),
    ],
)
def test_one_line_clean(raw: str | None, shown: str) -> None:
    assert clean(raw) == shown


def test_keeping_the_layout_keeps_lines_spacing_and_length() -> None:
    raw = "第一行  有两个空格\n\t第二行\x07响铃\u202e"
    kept = clean(raw, one_line=False)
    assert kept == "第一行  有两个空格\n\t第二行 响铃 "
    assert len(kept) == len(raw)  # offsets into the text (highlights) stay valid


@pytest.mark.parametrize(
    ("limit", "shown"), [(None, "abcdef"), (10, "abcdef"), (6, "abcdef"), (4, "abc…"), (1, "…")]
)
def test_a_limit_shortens_with_an_ellipsis(limit: int | None, shown: str) -> None:
    assert clean("abcdef", limit) == shown
    assert len(clean("abcdef", limit)) <= (limit or 6)


def test_the_limit_applies_after_collapsing() -> None:
    assert clean("a     b", 3) == "a b"
