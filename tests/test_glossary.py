"""The seller glossary: its shipped terms, 繁/简 and plural-blind lookup, the home's additions."""

from __future__ import annotations

import os
import tomllib
from typing import TYPE_CHECKING

import pytest

from policyradar.config import ConfigError
from policyradar.resources import data_path
from policyradar.search.index import pieces
from policyradar.tagging.glossary import GLOSSARY_FILE, Glossary, name_key, shipped

if TYPE_CHECKING:
    from pathlib import Path

# The pairs a seller meets first (issue 16), each: a name, and names that must be its equivalents.
REQUIRED = [
    ("仓储费", ["storage fee"]),
    ("月度仓储费", ["monthly storage fee"]),
    ("长期仓储费", ["long-term storage fee", "aged inventory surcharge"]),
    ("退货处理费", ["returns processing fee"]),
    ("库容", ["capacity limit"]),
    ("品牌备案", ["Brand Registry"]),
    ("混储", ["commingling", "共享库存"]),
    ("共享库存", ["commingling", "混储"]),
    ("配送费", ["fulfillment fee"]),
    ("入库配置费", ["inbound placement fee"]),
    ("低库存水平费", ["low-inventory-level fee"]),
    ("账户健康", ["account health"]),
    ("差评", ["negative review"]),
    ("跟卖", ["hijacking", "listing hijacker"]),
    ("侵权", ["infringement"]),
    ("增值税", ["VAT"]),
    ("生产者责任延伸", ["EPR"]),
    ("儿童产品证书", ["CPC"]),
    ("通用产品安全法规", ["GPSR"]),
    ("UKCA标志", ["UKCA"]),
    ("合规", ["compliance"]),
    ("仓储费", ["在庫保管手数料", "Lagergebühr"]),  # ja and de where sellers meet them
    ("品牌备案", ["ブランド登録", "Markenregistrierung"]),
]
# Names so general that they would match most pages: never glossary names.
TOO_GENERAL = {"fee", "费用", "label", "标签", "amazon", "亚马逊", "policy", "政策"}
# ... or that mean something else in everyday English (European Commission, tax returns, reach).
TOO_GENERAL |= {"commission", "return", "reach", "bundle", "variation", "invoice system"}


def test_the_shipped_glossary_has_200_concepts_each_in_chinese_and_english() -> None:
    data = tomllib.loads(data_path(GLOSSARY_FILE).read_text(encoding="utf-8"))
    assert len(data["term"]) >= 200
    for entry in data["term"]:
        assert entry.get("zh"), entry
        assert entry.get("en"), entry
        assert set(entry) <= {"zh", "en", "ja", "de"}, entry
    glossary = shipped()
    assert len(glossary) == len(data["term"])
    assert sum(1 for e in glossary.entries if any(lang == "ja" for lang, _ in e.names)) >= 30
    assert sum(1 for e in glossary.entries if any(lang == "de" for lang, _ in e.names)) >= 30


@pytest.mark.parametrize(("name", "others"), REQUIRED, ids=[f"{n}-{o[0]}" for n, o in REQUIRED])
def test_a_seller_term_has_its_other_names(name: str, others: list[str]) -> None:
    found = {name_key(n) for n in shipped().equivalents(name)}
    assert {name_key(o) for o in others} <= found


def test_traditional_chinese_case_width_hyphens_and_plurals_are_one_key() -> None:
    glossary = shipped()
    assert name_key("倉儲費") == name_key("仓储费")
    assert name_key("帳戶健康") == name_key("账户健康")
    assert name_key("Low-Inventory-Level Fees") == name_key("low inventory level fee")
    assert name_key("ＦＢＡ") == "fba"
    assert glossary.equivalents("倉儲費") == glossary.equivalents("仓储费")
    assert "storage fee" in glossary.equivalents("倉儲費")
    assert "仓储费" in glossary.equivalents("Storage Fees")
    assert "Brand Registry" in glossary.equivalents("品牌註冊")  # Taiwan wording


def test_a_name_does_not_name_itself_and_unknown_words_have_none() -> None:
    glossary = shipped()
    assert name_key("仓储费") not in {name_key(n) for n in glossary.equivalents("仓储费")}
    assert glossary.equivalents("平均") == ()
    assert glossary.equivalents("") == ()
    assert "平均" not in glossary
    assert "仓储费" in glossary


def test_no_name_is_too_general_and_every_name_is_searchable() -> None:
    for entry in shipped().entries:
        for _, name in entry.names:
            assert name_key(name) not in TOO_GENERAL, name
            assert pieces(name), name  # cut into index pieces: a query term can hold it


def test_every_concept_links_at_least_two_different_names() -> None:
    for entry in shipped().entries:
        assert len({name_key(n) for _, n in entry.names}) >= 2, entry


def _home(tmp_path: Path, text: str) -> Path:
    (tmp_path / GLOSSARY_FILE).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_home_glossary_adds_concepts_and_names(tmp_path: Path) -> None:
    home = _home(
        tmp_path,
        '[[term]]\nzh = ["海运费"]\nen = ["ocean freight"]\n\n'
        '[[term]]\nzh = ["仓储费"]\nen = ["warehousing charge"]\n',
    )
    glossary = Glossary.load(home)
    assert glossary.equivalents("海运费") == ("ocean freight",)
    assert "warehousing charge" in glossary.equivalents("仓储费")  # joins the shipped concept
    assert "warehousing charge" in glossary.equivalents("storage fee")
    assert len(glossary) == len(shipped()) + 1  # 海运费 is new, 仓储费 joins its concept
    assert Glossary.load(tmp_path / "elsewhere") is shipped()  # no file: the shipped one


def test_replace_true_drops_the_shipped_glossary(tmp_path: Path) -> None:
    home = _home(tmp_path, 'replace = true\n[[term]]\nzh = ["海运费"]\nen = ["ocean freight"]\n')
    glossary = Glossary.load(home)
    assert len(glossary) == 1
    assert glossary.equivalents("仓储费") == ()


def test_an_edited_home_glossary_is_read_again(tmp_path: Path) -> None:
    home = _home(tmp_path, '[[term]]\nzh = ["海运费"]\nen = ["ocean freight"]\n')
    assert Glossary.load(home).equivalents("海运费") == ("ocean freight",)
    path = home / GLOSSARY_FILE
    path.write_text('[[term]]\nzh = ["海运费"]\nen = ["sea freight"]\n', encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert Glossary.load(home).equivalents("海运费") == ("sea freight",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[term]]\nzh = ["海运费"]\nenn = ["ocean freight"]\n', "did you mean 'en'"),
        ('[[term]]\nzh = ["海运费"]\n', "two or more different names"),
        ('[[term]]\nzh = ["海运费"]\nen = ["海运费"]\n', "two or more different names"),
        ('[[term]]\nzh = ["海运费"]\nen = [3]\n', "list of non-empty strings"),
        ('[[term]]\nzh = ["海运费"]\nen = [""]\n', "list of non-empty strings"),
        ('term = "x"\n', "array of tables"),
        ("terms = []\n", "did you mean 'term'"),
        ('replace = "yes"\n[[term]]\nzh = ["海运费"]\nen = ["ocean freight"]\n', "true or false"),
        ("[[term]\n", "invalid TOML"),
    ],
)
def test_a_broken_home_glossary_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    home = _home(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        Glossary.load(home)
    assert message in str(info.value)
    assert GLOSSARY_FILE in str(info.value)
