"""watchlists.toml: a missing file is no watchlists; saving and loading round-trip; every mistake
is an error naming the file, the watchlist and the field."""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

import pytest

from policyradar.config import ConfigError
from policyradar.tagging import Watchlist
from policyradar.tagging.watchlists import WATCHLISTS_FILE, load_watchlists, save_watchlists

if TYPE_CHECKING:
    from pathlib import Path

CATEGORIES = ("fees", "fba", "compliance", "tax_customs", "other")
LISTS = (
    Watchlist("capacity", "fba", ("库容", "capacity limits", "Capacity Manager")),
    Watchlist("eu-customs", "tax_customs", ("MRN", "EORI", 'quote " and \\ backslash')),
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / WATCHLISTS_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_no_watchlists(tmp_path: Path) -> None:
    assert load_watchlists(tmp_path / WATCHLISTS_FILE, CATEGORIES) == ()


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "home" / WATCHLISTS_FILE
    save_watchlists(path, LISTS)
    assert load_watchlists(path, CATEGORIES) == LISTS
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# PolicyRadar watchlists")
    assert '    "库容",\n' in text  # readable: one keyword a line, Chinese as is
    assert tomllib.loads(text)["watchlist"][0]["name"] == "capacity"


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / WATCHLISTS_FILE
    save_watchlists(path, LISTS)
    save_watchlists(path, LISTS[:1])
    assert load_watchlists(path, CATEGORIES) == LISTS[:1]
    assert [p.name for p in tmp_path.iterdir()] == [WATCHLISTS_FILE]


def test_saving_no_watchlists_writes_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / WATCHLISTS_FILE
    save_watchlists(path, ())
    assert load_watchlists(path, CATEGORIES) == ()


def test_keywords_are_trimmed_and_deduplicated(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[watchlist]]
name = " fees "
category = "fees"
keywords = ["佣金", " 佣金 ", "referral fee", ""]
""",
    )
    expected = Watchlist("fees", "fees", ("佣金", "referral fee"))
    assert load_watchlists(path, CATEGORIES) == (expected,)


BAD = [
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "fba"\nkeywords = ["x"]\nkeyword = 1\n',
        "a",
        "keyword",
        "unknown key 'keyword' (did you mean 'keywords'?)",
        id="unknown key names the near miss",
    ),
    pytest.param(
        'colour = "red"\n', None, "colour", "unknown key 'colour'", id="unknown top-level key"
    ),
    pytest.param(
        '[[watchlist]]\ncategory = "fba"\nkeywords = ["x"]\n',
        "#1",
        "name",
        "missing required key",
        id="missing name",
    ),
    pytest.param(
        '[[watchlist]]\nname = " "\ncategory = "fba"\nkeywords = ["x"]\n',
        "#1",
        "name",
        "must be a non-empty string",
        id="empty name",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\nkeywords = ["x"]\n',
        "a",
        "category",
        "missing required key",
        id="missing category",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "shipping"\nkeywords = ["x"]\n',
        "a",
        "category",
        "unknown category 'shipping'",
        id="unknown category",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "fba"\n',
        "a",
        "keywords",
        "missing required key",
        id="missing keywords",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "fba"\nkeywords = []\n',
        "a",
        "keywords",
        "must list at least one keyword",
        id="empty keywords",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "fba"\nkeywords = ["", " "]\n',
        "a",
        "keywords",
        "must list at least one keyword",
        id="blank keywords only",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "fba"\nkeywords = ["x", 3]\n',
        "a",
        "keywords",
        "keyword #2 must be a string, not 3",
        id="non-string keyword",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "fba"\nkeywords = "库容"\n',
        "a",
        "keywords",
        "must be a list of strings",
        id="keywords not a list",
    ),
    pytest.param(
        '[[watchlist]]\nname = "a"\ncategory = "fba"\nkeywords = ["x"]\n'
        '[[watchlist]]\nname = "a"\ncategory = "fees"\nkeywords = ["y"]\n',
        "a",
        "name",
        "duplicate name 'a'",
        id="duplicate name",
    ),
]


@pytest.mark.parametrize(("text", "watchlist", "field", "message"), BAD)
def test_each_mistake_names_file_watchlist_and_field(
    tmp_path: Path, text: str, watchlist: str | None, field: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_watchlists(path, CATEGORIES)
    error = caught.value
    assert error.path == str(path)
    assert error.source == watchlist
    assert error.field_name == field
    assert message in str(error)
    assert str(path) in str(error)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[[watchlist]\nname = ")
    with pytest.raises(ConfigError, match="invalid TOML") as caught:
        load_watchlists(path, CATEGORIES)
    assert caught.value.path == str(path)


def test_watchlist_is_not_an_array_of_tables(tmp_path: Path) -> None:
    path = _write(tmp_path, 'watchlist = "capacity"\n')
    with pytest.raises(ConfigError, match=r"array of tables"):
        load_watchlists(path, CATEGORIES)


def test_exact_round_trips_and_must_be_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / WATCHLISTS_FILE
    lists = (Watchlist("returns", "fees", ("退货处理费",), exact=True), LISTS[0])
    save_watchlists(path, lists)
    assert "exact = true" in path.read_text(encoding="utf-8")
    assert load_watchlists(path, CATEGORIES) == lists
    _write(tmp_path, '[[watchlist]]\nname = "r"\ncategory = "fees"\nkeywords = ["x"]\nexact = 1\n')
    with pytest.raises(ConfigError, match=r"'r'.*'exact'.*true or false"):
        load_watchlists(path, CATEGORIES)


def test_loaded_watchlists_use_the_home_glossary(tmp_path: Path) -> None:
    from policyradar.tagging import WatchMatcher
    from policyradar.tagging.glossary import GLOSSARY_FILE

    path = _write(
        tmp_path, '[[watchlist]]\nname = "freight"\ncategory = "fees"\nkeywords = ["海运费"]\n'
    )
    (tmp_path / GLOSSARY_FILE).write_text(
        '[[term]]\nzh = ["海运费"]\nen = ["ocean freight"]\n', encoding="utf-8"
    )
    (loaded,) = load_watchlists(path, CATEGORIES)
    assert loaded.names("海运费") == ("ocean freight",)
    (hit,) = WatchMatcher([loaded]).match(["Ocean freight rates rise in May"])
    assert hit.keyword == "海运费"
    assert loaded.to_json() == {"name": "freight", "category": "fees", "keywords": ["海运费"]}
