"""The human words: one table per face, each entry in Chinese and English with the same fields."""

from __future__ import annotations

import string

import pytest

from policyradar import i18n
from policyradar.search.query import SearchError

TABLES = {"cli": i18n.CLI, "web": i18n.WEB, "digest": i18n.DIGEST, "errors": i18n.ERRORS}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("face", TABLES)
def test_every_entry_has_both_languages_with_the_same_fields(face: str) -> None:
    for key, (zh, en) in TABLES[face].items():
        assert zh.strip(), (face, key)
        assert en.strip(), (face, key)
        assert fields(zh) == fields(en), (face, key)


def test_each_face_looks_up_its_own_table_chinese_unless_english() -> None:
    assert i18n.t("no_change", "zh", id=7) == "没有编号为 7 的变更。"
    assert i18n.t("no_change", "en", id=7) == "No change with id 7."
    assert i18n.label("timeline", "de") == "时间线"  # any language but en reads Chinese
    assert i18n.word("urgent_n", "en", n=3) == "3 urgent"
    assert i18n.word("aside", "zh", text="2026-03-31", note="今天") == "2026-03-31（今天）"
    assert i18n.error("not_found", "en") == "Page not found."
    with pytest.raises(KeyError):
        i18n.word("timeline")  # a web word is not a digest word


def test_search_errors_read_from_the_errors_table() -> None:
    error = SearchError("too_long", max=500)
    assert error.message("zh") == "查询太长（最多 500 个字符）。"
    assert str(error) == "The query is too long (at most 500 characters)."


def test_the_language_switch() -> None:
    assert [i18n.other_language(lang) for lang in i18n.LANGUAGES] == ["en", "zh"]
