"""Search: Chinese words of 2-4 characters, English, mixed, 繁/简, hostile queries, ranking."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from policyradar.records import ChangeKind, Snapshot
from policyradar.search.changes import search_changes, verifier
from policyradar.search.query import SearchError, parse
from policyradar.storage import Storage, migrations
from policyradar.tagging.glossary import Glossary
from policyradar.text.diffing import diff_text, new_document_diff

if TYPE_CHECKING:
    from pathlib import Path

# (url tail, title, text): Chinese policy notices (one in 繁體), English ones, mixed ones.
DOCS = {
    "tariff": (
        "美国对华加征关税",
        "美国宣布自2026年3月1日起对部分商品加征关税。\n卖家需关注清关成本。",
    ),
    "capacity": ("库容限制更新", "第一季度库容上限将按销售情况调整。\n申请额外库容需要出价。"),
    "low-inv": ("低库存费调整", "亚马逊调整低库存费的计算方式，部分新品免收低库存费。"),
    "shared": ("贴标政策变更", "亚马逊将终止共享库存，卖家须为FBA商品贴标。"),
    "trad": ("庫存容量限制更新通知", "亞馬遜將於下季度調整庫容管理規則，關稅成本另計。"),
    "fees-en": (
        "Upcoming changes to Referral and FBA fees",
        "Starting August 1 we will change referral fees.\nThe low-inventory-level fee is credited.",
    ),
    "twostep": ("Two-step verification required", "Two-step verification will be required."),
    "mixed": ("欧洲站VAT申报提醒", "请在EPR注册后完成VAT申报，FBA库存调拨不受影响。"),
    "other": ("Prime Day 销售额创纪录", "Prime Day首日销售额达83亿美元。"),
}


def snap(
    key: str, text: str | None = None, title: str | None = None, source: str = "gs"
) -> Snapshot:
    doc_title, doc_text = DOCS[key]
    body = text if text is not None else doc_text
    return Snapshot(
        source_id=source,
        url=f"https://example.com/{key}",
        title=title if title is not None else doc_title,
        text=body,
        fingerprint=str(hash(body)),
    )


def add(storage: Storage, run: int, key: str, **kw: object) -> int:
    s = snap(key, **kw)  # type: ignore[arg-type]
    return storage.save_version(run, s, new_document_diff(s.text), ChangeKind.NEW, len(s.text))


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    return Storage(tmp_path / "policyradar.db")


@pytest.fixture
def filled(storage: Storage) -> dict[str, int]:
    run = storage.start_run(["gs"])
    return {key: add(storage, run, key) for key in DOCS}


# These tests hold the index and the query language to exact matches: no glossary names (see
# tests/test_search_glossary.py for those).
NO_GLOSSARY = Glossary()


def found(storage: Storage, query: str, **filters: object) -> set[str]:
    hits = search_changes(storage, query, glossary=NO_GLOSSARY, **filters)
    return {h.change.url.rsplit("/", 1)[1] for h in hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("关税", {"tariff", "trad"}, id="2-char-关税-also-in-繁體"),
        pytest.param("库容", {"capacity", "trad"}, id="2-char-库容-also-in-繁體"),
        pytest.param("低库存费", {"low-inv"}, id="4-char-低库存费"),
        pytest.param("共享库存", {"shared"}, id="4-char-共享库存"),
        pytest.param("加征关税", {"tariff"}, id="4-char-in-title"),
        pytest.param("亚马逊", {"low-inv", "shared", "trad"}, id="3-char-亚马逊-繁/简"),
        pytest.param("庫容", {"capacity", "trad"}, id="繁體-query-finds-简体"),
        pytest.param("關稅", {"tariff", "trad"}, id="繁體-2-char"),
        pytest.param("referral", {"fees-en"}, id="english-word"),
        pytest.param("fee", {"fees-en"}, id="english-stem-fees"),
        pytest.param('"two-step verification"', {"twostep"}, id="english-phrase"),
        pytest.param("low-inventory-level", {"fees-en"}, id="hyphenated"),
        pytest.param("FBA 库存", {"mixed", "shared"}, id="mixed-AND"),
        pytest.param("FBA库存", {"mixed"}, id="mixed-adjacent"),
        pytest.param("VAT申报", {"mixed"}, id="latin-then-chinese"),
        pytest.param("关税 OR 贴标", {"tariff", "trad", "shared"}, id="OR"),
        pytest.param("关税 NOT 美国", {"trad"}, id="NOT"),
        pytest.param("关税 -美国", {"trad"}, id="minus"),
        pytest.param("verif*", {"twostep"}, id="prefix-star"),
        pytest.param("库*", {"capacity", "trad", "low-inv", "shared", "mixed"}, id="1-char-prefix"),
        pytest.param("税", {"tariff", "trad"}, id="1-char"),
        pytest.param("3月1日", {"tariff"}, id="dates-digits-and-han"),
        pytest.param("Prime Day", {"other"}, id="two-words"),
        pytest.param("ＦＢＡ", {"fees-en", "shared", "mixed"}, id="full-width"),
        pytest.param("容库", set(), id="no-reversed-pair"),
        pytest.param("库容关税", set(), id="no-phrase-across-words"),
    ],
)
def test_search_finds_exactly(
    storage: Storage, filled: dict[str, int], query: str, expected: set[str]
) -> None:
    assert found(storage, query) == expected


# -- phrases on an index without positions (FTS5 detail=none) -----------------------------------


def add_text(storage: Storage, key: str, title: str, text: str) -> int:
    """A change at https://example.com/KEY with this title and text."""
    s = Snapshot(
        source_id="gs",
        url=f"https://example.com/{key}",
        title=title,
        text=text,
        fingerprint=key,
    )
    run = storage.start_run(["gs"])
    return storage.save_version(run, s, new_document_diff(text), ChangeKind.NEW, len(text))


def test_a_phrase_whose_words_are_apart_is_not_found(storage: Storage) -> None:
    """The index finds every change holding all of a phrase's tokens; the text decides."""
    add_text(storage, "together", "低库存费调整", "The new fee schedule applies from May.")
    add_text(storage, "apart", "库存说明", "低库位商品的库存，存费另计。Fee: see the schedule.")
    assert found(storage, "低库存费") == {"together"}  # 低库, 库存 and 存费 are in both
    assert found(storage, '"fee schedule"') == {"together"}
    assert found(storage, "低库存费 OR 关税") == {"together"}
    assert found(storage, "库存") == {"together", "apart"}  # one token: the index decides


def test_a_phrase_finds_other_forms_of_its_words_as_the_index_did(storage: Storage) -> None:
    """The index stems English words (Porter); the check compares stems the same way."""
    add_text(storage, "orders", "Removal orders", "Request to remove orders by May 1.")
    add_text(storage, "ads", "Amazon ad-cost deduction", "")
    add_text(storage, "inventor", "Low-inventor notice", "")
    assert found(storage, '"removal order"') == {"orders"}
    assert found(storage, '"remove orders"') == {"orders"}
    assert found(storage, '"Amazon Ads"') == {"ads"}
    assert found(storage, '"low inventory"') == set()  # inventor and inventory: two stems


def test_an_excluded_phrase_excludes_only_the_phrase(storage: Storage) -> None:
    """NOT (美国 AND 加征) would also drop a change saying 美国 and 加征 apart: it is checked."""
    add_text(storage, "phrase", "美国加征关税", "自3月1日起。The fee schedule changes.")
    add_text(storage, "apart", "美国宣布对部分商品加征关税", "A new fee; the schedule is out.")
    add_text(storage, "other", "关税调整", "Fee waived.")
    assert found(storage, '关税 -"美国加征"') == {"apart", "other"}
    assert found(storage, "关税 NOT 美国加征") == {"apart", "other"}
    assert found(storage, 'fee NOT "fee schedule"') == {"apart", "other"}
    assert found(storage, "关税 -美国") == {"other"}  # one token: left to the index


def test_a_traditional_text_matches_a_simplified_phrase(storage: Storage) -> None:
    add_text(storage, "trad", "亞馬遜調整低庫存費", "帳戶健康與庫存容量限制更新。")
    add_text(storage, "mixed", "低庫存费说明", "")  # half converted: folded, it is 低库存费
    assert found(storage, "低库存费") == {"trad", "mixed"}
    assert found(storage, "库存容量限制") == {"trad"}
    assert found(storage, "账户健康") == {"trad"}
    assert found(storage, "低庫存費") == {"trad", "mixed"}  # a 繁體 query too


def test_a_phrase_search_checks_at_most_scan_candidates(storage: Storage) -> None:
    add_text(storage, "old", "低库存费（旧）", "")
    for n in range(5):
        add_text(storage, f"apart-{n}", "库存", "低库位，存费")
    add_text(storage, "new", "低库存费（新）", "新的低库存费。" * 200)  # long: stored packed
    query, checked = parse("低库存费"), []

    def verify(row: dict) -> bool:
        checked.append(row["id"])
        return query.accepts([row["title"], row["added"], row["removed"], row["keywords"]])

    rows = storage.search(query.match, verify=verify, scan=3)
    assert [r["title"] for r in rows] == ["低库存费（新）"]  # "old" is past the 3 newest
    assert len(checked) == 3
    assert rows[0]["added"] == ("新的低库存费。" * 200)[:600]  # checked whole, kept cut
    rows = storage.search(query.match, verify=verify, window=1)
    assert len(rows) == 1
    assert len(checked) == 4  # the newest fills the window: nothing more is checked
    assert len(storage.search(query.match)) == 7  # unchecked: every change with its 3 tokens


HOSTILE = [
    '"unbalanced quote',
    'say "hello',
    "((关税",
    "关税))",
    "'; DROP TABLE changes; --",
    "关税' OR '1'='1",
    "NEAR(关税 库容)",
    "title:关税",
    "关税^",
    "{title added}: 关税",
    "* * *",
    "OR AND NOT",
    "🔥🔥",
    "关税 🔥",
    "\x00\x1f关税",
    '"" "" ""',
    "-",
    "--",
    "a" * 400,
    "库" * 200,
    "%_%",
    "\\",
    "关税 AND",
    "OR 关税",
    "NOT 关税",
    "(",
    "\u202e关税",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_results_or_a_sentence(
    storage: Storage, filled: dict, query: str
) -> None:
    errors: list[SearchError] = []
    try:
        assert isinstance(search_changes(storage, query), list)
    except SearchError as exc:
        errors.append(exc)
    for error in errors:
        assert error.code != "bad_query", "the parser let an invalid FTS5 expression through"
        assert len(error.message("zh")) > 5
        assert len(error.message("en")) > 10
    assert storage.counts()["changes"] == len(DOCS)  # nothing was dropped


def test_random_junk_never_breaks_fts(storage: Storage, filled: dict) -> None:
    alphabet = [*"\"()*:^-+{}[]'%_;,.!?~`|&$#@\\/ ", "AND", "OR", "NOT", "NEAR", "关", "税"]
    alphabet += ["库容", "fee", "🔥", "é", "Ａ"]
    rnd = random.Random(5)
    for _ in range(400):
        query = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12)))
        codes = []
        try:
            search_changes(storage, query)
        except SearchError as exc:
            codes.append(exc.code)
        assert "bad_query" not in codes, query


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("🔥", "no_words"),
        ("NOT 关税", "only_not"),
        ("-关税", "only_not"),
        ("AND OR", "only_operators"),
        ("x" * 600, "too_long"),
    ],
)
def test_unsearchable_queries_say_why(query: str, code: str) -> None:
    with pytest.raises(SearchError) as info:
        parse(query)
    assert info.value.code == code
    assert info.value.message("zh") != info.value.message("en")


def test_results_carry_a_snippet_with_highlights(storage: Storage, filled: dict) -> None:
    (hit,) = search_changes(storage, "低库存费", glossary=NO_GLOSSARY)
    assert "低库存费" in hit.snippet
    start, end = hit.highlights[0]
    assert hit.snippet[start:end] == "低库存费"
    (trad,) = [h for h in search_changes(storage, "库容") if "trad" in h.change.url]
    assert any(trad.snippet[s:e] == "庫容" for s, e in trad.highlights)


def test_a_title_hit_outranks_a_body_hit_and_newer_outranks_older(storage: Storage) -> None:
    run = storage.start_run(["gs"])
    body_only = add(storage, run, "capacity", title="季度通知", text="本季度库容调整。")
    in_title = add(storage, run, "tariff", title="库容调整", text="详见正文。")
    assert [h.change.id for h in search_changes(storage, "库容")] == [in_title, body_only]
    later = datetime.now(UTC) + timedelta(days=400)
    old_first = [h.change.id for h in search_changes(storage, "库容", now=later)]
    assert old_first == [in_title, body_only]  # same age gap: relevance still decides


def test_filters_match_the_changes_command(storage: Storage, filled: dict[str, int]) -> None:
    storage.set_classification(filled["tariff"], {"categories": ["tax_customs"], "urgency": "high"})
    storage.set_classification(
        filled["trad"], {"watch_hits": [{"watchlist": "库容", "keyword": "关税", "snippet": ""}]}
    )
    run = storage.start_run(["us"])
    add(storage, run, "capacity", source="us", title="库容 关税 US")
    assert found(storage, "关税", categories=["tax_customs"]) == {"tariff"}
    assert found(storage, "关税", urgencies=["high"]) == {"tariff"}
    assert found(storage, "关税", watchlists=["库容"]) == {"trad"}
    assert found(storage, "关税", watch_hits_only=True) == {"trad"}
    assert found(storage, "关税", sources=["us"]) == {"capacity"}
    future = datetime.now(UTC) + timedelta(days=1)
    assert found(storage, "关税", since=future) == set()
    assert found(storage, "关税", until=future) == {"tariff", "trad", "capacity"}


def test_the_index_follows_keywords_and_later_versions(storage: Storage, filled: dict) -> None:
    cid = filled["other"]
    storage.set_classification(cid, {"keywords": ["大促", "Prime Day"]})
    assert found(storage, "大促") == {"other"}
    storage.set_classification(cid, {"keywords": ["秒杀"]})
    assert found(storage, "大促") == set()
    assert found(storage, "秒杀") == {"other"}
    storage.set_classification(cid, {"urgency": "low"})  # no keywords: the index is untouched
    assert found(storage, "秒杀") == {"other"}
    run = storage.start_run(["gs"])
    old, new = DOCS["capacity"][1], DOCS["capacity"][1] + "\n旺季仓储附加费上调。"
    diff = diff_text(old, new)
    assert diff is not None
    storage.save_version(run, snap("capacity", text=new), diff, ChangeKind.CHANGED, len(new))
    assert found(storage, "仓储附加费") == {"capacity"}
    storage.finish_run(run)
    for later in (storage.start_run(["gs"]), storage.start_run(["gs"])):
        storage.record_gone(later, "gs", "https://example.com/other", 404)
        storage.finish_run(later)
    kinds = {h.change.kind for h in search_changes(storage, "销售额")}
    assert kinds == {ChangeKind.NEW, ChangeKind.REMOVED}
    integrity(storage)


def integrity(storage: Storage) -> None:
    """The index agrees with what Storage wrote: a full rebuild finds the same rows."""
    before = {q: found(storage, q) for q in ("库容", "关税", "fee", "秒杀", "销售额")}
    storage.rebuild_search_index()
    assert {q: found(storage, q) for q in before} == before


def test_migration_0003_indexes_existing_changes(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0003_search")
    db.execute(
        "INSERT INTO documents (id, url, source_id, first_seen, last_seen) VALUES (1, 'u', 'gs',"
        " '2026-01-01', '2026-01-01')"
    )
    db.execute(
        "INSERT INTO changes (document_id, source_id, kind, detected_at, url, title, added)"
        " VALUES (1, 'gs', 'new', '2026-01-01T00:00:00+00:00', 'https://example.com/x',"
        " '库容通知', '低库存费调整')"
    )
    db.conn.commit()
    db.close()
    with Storage(path) as storage:
        assert found(storage, "库容") == {"x"}
        assert found(storage, "低库存费") == {"x"}


def test_a_changed_index_format_is_rebuilt_on_open(tmp_path: Path) -> None:
    path = tmp_path / "policyradar.db"
    with Storage(path) as storage:
        add(storage, storage.start_run(["gs"]), "capacity")
        storage.db.execute("UPDATE search_index SET value = 'old' WHERE name = 'format'")
        storage.db.execute("INSERT INTO changes_fts (changes_fts) VALUES ('delete-all')")
        storage.db.conn.commit()
    with Storage(path) as storage:
        assert found(storage, "库容") == {"capacity"}


def test_datasette_style_search_on_the_changes_table(storage: Storage, filled: dict) -> None:
    """What Datasette runs for its search box on ``changes`` (escaped words, AND-ed)."""
    sql = (
        "SELECT url FROM changes WHERE rowid IN"
        " (SELECT rowid FROM changes_fts WHERE changes_fts MATCH :search)"
    )
    row = storage.db.execute("SELECT sql FROM sqlite_master WHERE name = 'changes_fts'").fetchone()
    assert 'content="changes"' in row[0]  # how Datasette finds the index of a table
    urls = {r[0] for r in storage.db.execute(sql, {"search": '"库容"'})}
    assert urls == {"https://example.com/capacity", "https://example.com/trad"}
    urls = {r[0] for r in storage.db.execute(sql, {"search": '"referral" "fees"'})}
    assert urls == {"https://example.com/fees-en"}
    urls = {r[0] for r in storage.db.execute(sql, {"search": '"低库" "库存" "存费"'})}
    assert urls == {"https://example.com/low-inv"}  # a word's pairs, AND-ed: no phrases
    with pytest.raises(sqlite3.OperationalError, match="phrase queries are not supported"):
        storage.db.execute(sql, {"search": '"低库 库存 存费"'})  # detail=none keeps no positions


# -- the command ------------------------------------------------------------------------------


def run_search(home: Path, *args: str) -> object:
    from policyradar.cli.common import Context
    from policyradar.cli.search import search

    return CliRunner().invoke(search, list(args), obj=Context(home, "en", 0))


def test_the_search_command_prints_json_like_changes(tmp_path: Path) -> None:
    with Storage(tmp_path / "policyradar.db") as storage:
        run = storage.start_run(["gs"])
        for key in DOCS:
            add(storage, run, key)
    result = run_search(tmp_path, "库容", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {d["url"].rsplit("/", 1)[1] for d in data} == {"capacity", "trad"}
    required = {
        "id",
        "source_id",
        "url",
        "title",
        "kind",
        "detected_at",
        "published_at",
        "categories",
        "keywords",
        "watch_hits",
        "effective_dates",
        "urgency",
        "added",
        "removed",
        "snippet",
        "highlights",
        "score",
        "matched",
    }
    assert required <= set(data[0])
    text = run_search(tmp_path, "库容", "--limit", "1")
    assert text.exit_code == 0
    assert "库容" in text.output


@pytest.mark.parametrize("query", ["🔥", "NOT 关税", '"', "AND"])
def test_the_search_command_explains_a_bad_query(tmp_path: Path, query: str) -> None:
    Storage(tmp_path / "policyradar.db").close()
    result = run_search(tmp_path, query, "--json")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.startswith("policyradar: ")


def test_fts_rejects_nothing_the_parser_builds(storage: Storage, filled: dict) -> None:
    for query in HOSTILE:
        try:
            match = parse(query).match
        except SearchError:
            continue
        storage.db.execute("SELECT rowid FROM changes_fts WHERE changes_fts MATCH ?", [match])


def test_sqlite_is_the_one_we_measured() -> None:
    assert sqlite3.sqlite_version_info >= (3, 35)


def test_the_timeline_filters_of_changes(storage: Storage, filled: dict[str, int]) -> None:
    storage.db.execute(
        "INSERT INTO sources (id, name, kind, url, marketplace, language, enabled)"
        " VALUES ('gs', '全球开店', 'listing', 'https://gs.amazon.cn/', 'CN', 'zh', 1)"
    )
    storage.db.conn.commit()
    storage.set_classification(filled["tariff"], {"urgency": "high"})
    assert len(storage.changes(marketplaces=["CN"], limit=None)) == len(DOCS)
    assert storage.changes(marketplaces=["US"]) == []
    assert [c.id for c in storage.changes(urgencies=["high"])] == [filled["tariff"]]
    newest = storage.changes(limit=2)
    assert storage.changes(limit=2, offset=1)[0].id == newest[1].id
    assert [c.id for c in storage.changes(document_id=newest[0].document_id)] == [newest[0].id]
    assert storage.facets()["marketplaces"] == ["CN"]
    assert storage.facets()["urgencies"] == ["high"]


def test_a_slow_filtered_search_goes_by_chunks_with_the_same_result(
    storage: Storage, filled: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyradar.storage.fulltext

    match = parse("亚马逊 OR 关税").match
    direct = storage.search(match, sources=["gs"])
    monkeypatch.setattr(policyradar.storage.fulltext, "SEARCH_STEPS", 0)
    assert storage.search(match, sources=["gs"]) == direct
    assert storage.search(match, sources=["gs"], scan=1) == direct[:1]


def test_a_slow_filtered_phrase_search_goes_by_chunks_with_the_same_result(
    storage: Storage, filled: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyradar.storage.fulltext

    query = parse("(亚马逊 OR 关税) -低库存费")
    direct = storage.search(query.match, verify=verifier(query), sources=["gs"])
    assert {r["title"] for r in direct} == {
        "美国对华加征关税",
        "贴标政策变更",
        "庫存容量限制更新通知",
    }
    monkeypatch.setattr(policyradar.storage.fulltext, "SEARCH_STEPS", 0)
    assert storage.search(query.match, verify=verifier(query), sources=["gs"]) == direct
