"""CategoryNames: the one lookup of category ids, names and order, aware of the home's file."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from policyradar.config import ConfigError
from policyradar.resources import data_path
from policyradar.tagging.names import CategoryNames

ROOT = Path(__file__).resolve().parent.parent
OWN_CATEGORY = """
[category.shipping_cn]
name_zh = "头程物流"
name_en = "First-mile shipping"
strong = ["头程"]

[category.fees]
name_zh = "费用与收费"
"""


def write_home(home: Path, text: str = OWN_CATEGORY) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    (home / "categories.toml").write_text(text, encoding="utf-8")
    return home


def test_the_bundled_order_is_the_order_of_data_categories_toml() -> None:
    bundled = tomllib.loads(data_path("categories.toml").read_text(encoding="utf-8"))["category"]
    names = CategoryNames.load()
    assert names.ids() == tuple(bundled)
    assert names.ids()[0] == "fees"
    assert names.ids()[-1] == "other"
    assert names.name("fba") == bundled["fba"]["name_zh"]
    assert names.name("fba", "en") == bundled["fba"]["name_en"]


def test_unknown_ids_name_themselves_and_sort_after_the_known_before_other() -> None:
    names = CategoryNames.load()
    assert names.name("no_such_thing", "zh") == "no_such_thing"
    ranked = sorted(["other", "zz_unknown", "fba", "aa_unknown", "fees"], key=names.rank)
    assert ranked == ["fees", "fba", "aa_unknown", "zz_unknown", "other"]


def test_a_homes_own_category_comes_after_the_bundled_ones_with_its_names(tmp_path: Path) -> None:
    names = CategoryNames.load(write_home(tmp_path))
    ids = names.ids()
    assert ids[-2:] == ("shipping_cn", "other")
    assert ids[:-2] == CategoryNames.load().ids()[:-1]
    assert names.name("shipping_cn") == "头程物流"
    assert names.name("shipping_cn", "en") == "First-mile shipping"
    assert names.name("fees") == "费用与收费"  # the home renames a bundled category
    assert names.name("fees", "en") == "Fees"
    assert names.rank("registration") < names.rank("shipping_cn") < names.rank("other")


def test_a_home_without_the_file_has_the_bundled_names(tmp_path: Path) -> None:
    assert CategoryNames.load(tmp_path) == CategoryNames.load()


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    home = write_home(tmp_path)
    assert CategoryNames.load(home).name("shipping_cn") == "头程物流"
    write_home(home, OWN_CATEGORY.replace("头程物流", "头程运输（海运/空运）"))
    assert CategoryNames.load(home).name("shipping_cn") == "头程运输（海运/空运）"


def test_a_broken_home_file_is_a_config_error(tmp_path: Path) -> None:
    write_home(tmp_path, "[category.Bad-Id]\nname_zh = 'x'\n")
    with pytest.raises(ConfigError, match="lowercase slug"):
        CategoryNames.load(tmp_path)


def test_importing_and_loading_names_does_not_load_jieba() -> None:
    code = (
        "import sys\n"
        "from policyradar.tagging.names import CategoryNames\n"
        "CategoryNames.load().name('fees')\n"
        "assert not [m for m in sys.modules if m.startswith('jieba')], 'jieba loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update({node.module, *(f"{node.module}.{a.name}" for a in node.names)})
    return found


@pytest.mark.parametrize("folder", ["digest", "policyradar/web", "policyradar/cli"])
def test_category_names_come_only_from_tagging_names(folder: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / folder).rglob("*.py")
        for name in _imports(path)
        if name.startswith("policyradar.tagging.categories")
        or name in ("policyradar.tagging.CategorySet", "policyradar.tagging.Category")
    }
    allowed = {  # commands that edit or apply the rules themselves, not names for display
        "policyradar/cli/watch.py: policyradar.tagging.CategorySet",
    }
    assert wrong - allowed == set()
