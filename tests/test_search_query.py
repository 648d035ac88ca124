"""Search queries without a database: what the index is asked, and how a candidate is checked.

The index keeps which changes hold a token, not where (FTS5 detail=none): it cannot match a
phrase. A phrase (a Chinese word of three or more characters, "quoted words", low-inventory) is
asked as all its tokens, and the changes found are checked against their text.
"""

from __future__ import annotations

import pytest

from policyradar.search.query import parse


@pytest.mark.parametrize(
    ("query", "match", "checked"),
    [
        pytest.param("库容", '"库容"', False, id="2-char-word-is-one-token"),
        pytest.param("税", '"税" *', False, id="1-char-word-starts-a-pair"),
        pytest.param("verif*", '"verif" *', False, id="prefix"),
        pytest.param("FBA 库容", '("fba" AND "库容")', False, id="words-of-one-token"),
        pytest.param("关税 -美国", '("关税" NOT ("美国"))', False, id="exclude-a-word"),
        pytest.param("低库存费", '("低库" AND "库存" AND "存费")', True, id="4-char-word"),
        pytest.param(
            '"two-step verification"',
            '("two" AND "step" AND "verification")',
            True,
            id="quoted-phrase",
        ),
        pytest.param("3月1日", '("3" AND "月" AND "1" AND "日" *)', True, id="digits-and-han"),
        pytest.param("two-ste*", '("two" AND "ste" *)', True, id="phrase-with-prefix"),
        pytest.param('关税 -"美国加征"', '"关税"', True, id="excluded-phrase-left-to-the-check"),
        pytest.param(
            "关税 NOT (美国 OR 加拿大)",
            '("关税" NOT ("美国"))',
            True,
            id="excluded-OR-keeps-its-exact-words",
        ),
        pytest.param("关税 NOT (美国 低库存费)", '"关税"', True, id="excluded-AND-with-a-phrase"),
        pytest.param(
            "低库存费 OR 关税 -亚马逊",
            '(("低库" AND "库存" AND "存费") OR "关税")',
            True,
            id="OR-of-phrase-and-word",
        ),
    ],
)
def test_what_the_index_is_asked(query: str, match: str, checked: bool) -> None:
    parsed = parse(query)
    assert parsed.match == match
    assert parsed.checked is checked


@pytest.mark.parametrize(
    ("query", "texts", "accepted"),
    [
        pytest.param("低库存费", ["低库存费调整"], True, id="the-word"),
        pytest.param(
            "低库存费", ["低库位商品的库存，存费另计"], False, id="its-pairs-apart-are-not-the-word"
        ),
        pytest.param("低库存费", ["亞馬遜調整低庫存費"], True, id="繁體-text-简体-query"),
        pytest.param("低库存费", ["低庫存费"], True, id="mixed-简繁-text"),
        pytest.param("账户", ["帳戶健康"], True, id="台灣-spelling"),
        pytest.param(
            '"two-step verification"', ["Two-Step Verification required"], True, id="any-case"
        ),
        pytest.param(
            '"two-step verification"', ["Step two: verification"], False, id="words-in-order"
        ),
        pytest.param(
            '"fee schedule"', ["New fee", "Schedule out"], False, id="never-across-two-fields"
        ),
        pytest.param('"fee schedule"', ["", "", "", "FBA fee schedule"], True, id="in-keywords"),
        pytest.param("FBA库存", ["ＦＢＡ库存调拨"], True, id="full-width-letters"),
        pytest.param("FBA库存", ["FBA大库存"], False, id="no-character-between"),
        pytest.param(
            'fee NOT "fee schedule"', ["The fee schedule changes"], False, id="NOT-phrase"
        ),
        pytest.param(
            'fee NOT "fee schedule"',
            ["A new fee; the schedule is out"],
            True,
            id="NOT-phrase-keeps-its-words-apart",
        ),
        pytest.param('关税 -"美国加征"', ["美国加征关税"], False, id="minus-phrase"),
        pytest.param('关税 -"美国加征"', ["美国宣布加征关税"], True, id="minus-phrase-words-apart"),
        pytest.param(
            '"removal order"', ["Request to remove orders"], True, id="words-by-their-stems"
        ),
        pytest.param('"Amazon Ads"', ["Amazon ad-cost deduction"], True, id="ads-is-ad"),
        pytest.param('"low inventory"', ["low-inventor"], False, id="inventor-is-not-inventory"),
        pytest.param('"frais d\'expédition"', ["Frais d'expedition"], True, id="diacritics"),
        pytest.param("two-ste*", ["Two-step sign-in"], True, id="phrase-ending-in-prefix"),
        pytest.param("低库存费 OR 关税", ["关税调整"], True, id="OR"),
        pytest.param("低库存费 OR 关税", ["低库位，存费"], False, id="OR-neither"),
    ],
)
def test_a_candidate_is_checked_against_its_text(
    query: str, texts: list[str], accepted: bool
) -> None:
    assert parse(query).accepts(texts) is accepted


def test_what_the_index_found_is_not_checked_again() -> None:
    """With ``found``, a word of one token on the way of the ANDs is the index's to decide."""
    query = parse('关税 -"美国加征"')
    assert not query.accepts(["美国宣布"])  # no 关税: on its own, the check says no
    assert query.accepts(["美国宣布"], found=True)  # the index found 关税: only the NOT is checked
    assert not query.accepts(["美国加征"], found=True)
