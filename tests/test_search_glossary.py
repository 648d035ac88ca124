"""Search across languages through the seller glossary: a Chinese word finds English changes and
the reverse, in the command, the web page, the Atom feed and the JSON API; changes matching the
words as written come first; each hit says which term matched.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import feedparser
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from policyradar.records import ChangeKind, Snapshot
from policyradar.search.changes import search_changes
from policyradar.search.query import expand, parse
from policyradar.storage import Storage
from policyradar.tagging.glossary import GLOSSARY_FILE, Glossary, shipped
from policyradar.text.diffing import new_document_diff
from policyradar.web.app import create_app

if TYPE_CHECKING:
    from pathlib import Path

# (key, title, text): headlines of issue 16 and of the real sources in shared/SOURCES.md and the
# help-page fixtures (tests/fixtures/sources/amazon-help-*), bodies in their words.
DOCS = [
    (
        "gs-251016",
        "2026年美国站亚马逊物流费用及销售佣金变更通知",
        "自2026年1月15日起，将对亚马逊物流（FBA）配送费、仓储费和部分品类的销售佣金进行调整。",
    ),
    (
        "fba-storage",
        "Changes to FBA monthly storage fees",
        "Starting February 1, monthly storage fees for standard-size products will change.",
    ),
    (
        "help-storage",
        "Monthly inventory storage fees",
        "Amazon charges a monthly inventory storage fee for all items stored in a fulfillment"
        " center.",
    ),
    (
        "returns-fee",
        "Returns processing fee for apparel and shoes",
        "A returns processing fee applies to units in apparel and shoes categories.",
    ),
    (
        "gs-260112",
        "3/31起生效!亚马逊FBA商品贴标政策变更，将终止共享库存!",
        "停止为新入库商品提供混储（共享库存）服务。",
    ),
    (
        "meltable",
        "Request to remove meltable FBA inventory by April 15",
        "Please create a removal order for meltable inventory.",
    ),
]


def add(storage: Storage, key: str, title: str, text: str) -> int:
    snap = Snapshot(
        source_id="gs", url=f"https://example.com/{key}", title=title, text=text, fingerprint=key
    )
    run = storage.start_run(["gs"])
    return storage.save_version(run, snap, new_document_diff(text), ChangeKind.NEW, len(text))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    with Storage(tmp_path / "policyradar.db") as storage:
        for doc in DOCS:
            add(storage, *doc)
    return tmp_path


def keys(hits: list) -> list[str]:
    return [h.change.url.rsplit("/", 1)[1] for h in hits]


def search(home: Path, query: str, **kw: object) -> list:
    with Storage(home / "policyradar.db") as storage:
        return search_changes(storage, query, **kw)  # type: ignore[arg-type]


def test_a_chinese_word_finds_english_changes_after_the_chinese_ones(home: Path) -> None:
    hits = search(home, "仓储费")
    assert keys(hits)[0] == "gs-251016"  # the word as written ranks first
    assert set(keys(hits)) == {"gs-251016", "fba-storage", "help-storage"}
    assert hits[0].matched == ["仓储费"]
    assert hits[0].via_glossary == []
    by_key = dict(zip(keys(hits), hits, strict=True))
    assert by_key["fba-storage"].matched == ["仓储费 → storage fee"]
    assert "storage fee" in by_key["fba-storage"].snippet.lower()
    start, end = by_key["fba-storage"].highlights[0]
    assert by_key["fba-storage"].snippet[start:end].lower() == "storage fees"


def test_an_english_phrase_finds_the_chinese_notice(home: Path) -> None:
    hits = search(home, "storage fee")
    assert set(keys(hits)[:2]) == {"fba-storage", "help-storage"}  # as written first
    assert keys(hits)[2:] == ["gs-251016"]
    assert hits[2].matched == ["storage fee → 仓储费"]


def test_a_watch_word_pair_of_the_issue_both_ways(home: Path) -> None:
    (hit,) = search(home, "退货处理费")
    assert keys([hit]) == ["returns-fee"]
    assert hit.matched == ["退货处理费 → returns processing fee"]
    assert keys(search(home, "共享库存")) == ["gs-260112"]
    (hit,) = search(home, "commingling")
    assert hit.matched == ["commingling → 混储", "commingling → 共享库存"]


def test_traditional_chinese_finds_the_same(home: Path) -> None:
    assert set(keys(search(home, "倉儲費"))) == {"gs-251016", "fba-storage", "help-storage"}


def test_a_quoted_word_is_searched_as_written(home: Path) -> None:
    assert keys(search(home, '"仓储费"')) == ["gs-251016"]
    assert set(keys(search(home, '"storage fee"'))) == {"fba-storage", "help-storage"}


def test_glossary_names_join_the_rest_of_the_query(home: Path) -> None:
    assert set(keys(search(home, "仓储费 monthly"))) == {"fba-storage", "help-storage"}
    assert keys(search(home, "仓储费 -monthly")) == ["gs-251016"]
    assert set(keys(search(home, "退货处理费 OR 共享库存"))) == {"returns-fee", "gs-260112"}


def test_an_exact_match_outranks_a_stronger_glossary_match(tmp_path: Path) -> None:
    with Storage(tmp_path / "policyradar.db") as storage:
        weak = add(storage, "weak", "季度通知", "其他费用说明。仓储费不变。")
        strong = add(storage, "strong", "Storage fee, storage fee", "Storage fees rise.")
        hits = search_changes(storage, "仓储费")
        assert [h.change.id for h in hits] == [weak, strong]


def test_glossary_matches_are_looked_for_only_when_exact_ones_are_few(home: Path) -> None:
    hits = search(home, "仓储费", limit=1)
    assert keys(hits) == ["gs-251016"]
    assert len(search(home, "仓储费", limit=2)) == 2


def test_the_home_glossary_is_used_by_search(home: Path) -> None:
    with Storage(home / "policyradar.db") as storage:
        add(storage, "freight", "Ocean freight rates", "Ocean freight rates rise in May.")
    assert keys(search(home, "海运费")) == []
    (home / GLOSSARY_FILE).write_text(
        '[[term]]\nzh = ["海运费"]\nen = ["ocean freight"]\n', encoding="utf-8"
    )
    (hit,) = search(home, "海运费")
    assert keys([hit]) == ["freight"]
    assert hit.matched == ["海运费 → ocean freight"]


def test_a_broken_home_glossary_falls_back_to_the_shipped_one(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (home / GLOSSARY_FILE).write_text("[[term]]\nzh = 3\n", encoding="utf-8")
    assert "fba-storage" in keys(search(home, "仓储费"))
    assert "glossary not used" in caplog.text


def test_an_empty_glossary_searches_the_words_only(home: Path) -> None:
    assert keys(search(home, "仓储费", glossary=Glossary())) == ["gs-251016"]


def test_expansion_leaves_out_names_another_name_already_finds() -> None:
    query = expand(parse("仓储费"), shipped())
    names = [a.name for a in query.aliases]
    assert "storage fee" in names
    assert "FBA storage fee" not in names  # "storage fee" finds it already
    assert "库存仓储费" not in names  # so does 仓储费 itself
    assert expand(query, shipped()) is query  # idempotent
    assert expand(parse('"仓储费"'), shipped()).aliases == ()
    assert expand(parse("仓储*"), shipped()).aliases == ()


def test_the_command_says_which_term_matched(home: Path) -> None:
    from policyradar.cli.common import Context
    from policyradar.cli.search import search as command

    result = CliRunner().invoke(command, ["仓储费", "--json"], obj=Context(home, "en", 0))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[0]["matched"] == ["仓储费"]
    assert ["仓储费 → storage fee"] in [d["matched"] for d in data]


def test_the_web_page_feed_and_api_search_across_languages(home: Path) -> None:
    client = TestClient(create_app(home / "policyradar.db"), base_url="http://127.0.0.1")
    page = client.get("/search", params={"q": "仓储费"}).text
    assert "Changes to FBA monthly storage fees" in page
    assert "（词表：仓储费 → storage fee）" in page
    assert "<mark>storage fees</mark>" in page
    english = client.get("/search", params={"q": "仓储费", "lang": "en"}).text
    assert "(glossary: 仓储费 → storage fee)" in english
    api = client.get("/api/search", params={"q": "退货处理费"}).json()
    assert [h["title"] for h in api] == ["Returns processing fee for apparel and shoes"]
    assert api[0]["matched"] == ["退货处理费 → returns processing fee"]
    feed = feedparser.parse(client.get("/feeds/search.atom", params={"q": "仓储费"}).text)
    titles = [e.title for e in feed.entries]
    assert titles[0] == "2026年美国站亚马逊物流费用及销售佣金变更通知"
    assert "Changes to FBA monthly storage fees" in titles
    change = client.get(f"/changes/{api[0]['id']}", params={"q": "退货处理费"}).text
    assert "A <mark>returns processing fee</mark> applies" in change  # the name is marked
