"""A real crawl of tests/fixtures/facts (s1, then s2) through the command line: a fee table row
changes its rate, a sentence its count of days, a Chinese notice its exemption period under an
unchanged paragraph that dates it. Every face shows the old value before the new one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from policyradar.demo.site import SiteServer
from policyradar.web.app import create_app

if TYPE_CHECKING:
    from tests.conftest import Home

SITE = Path(__file__).parent / "fixtures" / "facts"
PAGES = (("fx-referral", "/fees/referral", "en"), ("fx-safet", "/fees/safe-t", "en"))
NOTICE = ("fx-notice", "/fees/notice", "zh")
EXPECTED = {  # source → (label, old, new) of its change's first fact
    "fx-referral": ("Camera and Photo", "8%", "9%"),
    "fx-safet": ("Sellers can file a SAFE-T claim", "60 days", "30 days"),
    "fx-notice": ("新上架商品的豁免期", "90天", "180天"),
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Home:
    from tests.conftest import Home

    home = Home(tmp_path_factory.mktemp("facts") / "home")
    with SiteServer(SITE, snapshot="s1") as server:
        home.sources(
            "".join(
                f'[[source]]\nid = "{sid}"\nkind = "page"\nurl = "{server.url(path)}"\n'
                f'language = "{lang}"\nmarketplace = "GLOBAL"\n'
                '[source.selectors]\nbody = ".content"\n\n'
                for sid, path, lang in (*PAGES, NOTICE)
            )
        )
        home.crawl()
        server.snapshot = "s2"
        home.crawl()
    return home


def changed(home: Home) -> dict[str, dict]:
    return {c["source_id"]: c for c in home.changes() if c["kind"] == "changed"}


def test_each_change_stores_its_facts_and_summary(crawled: Home) -> None:
    found = changed(crawled)
    assert set(found) == set(EXPECTED)
    for source, (label, old, new) in EXPECTED.items():
        fact = found[source]["facts"][0]
        assert (fact["label"], fact["old"], fact["new"]) == (label, old, new)
        assert set(found[source]["summary"]) == {"zh", "en"}
    assert found["fx-referral"]["facts"][0]["change"] == 0.125
    notice = found["fx-notice"]
    assert notice["effective_dates"] == ["2027-01-15"]  # from the unchanged paragraph
    assert notice["summary"]["zh"] == (
        "【费用·美国站】新上架商品的豁免期 90天 → 180天，2027-01-15 起生效"
    )


def test_the_json_digest_item_of_each_change_shows_the_old_value_first(crawled: Home) -> None:
    data = json.loads(crawled.run("digest", "--format", "json").stdout)
    items = [*data["urgent"], *(i for s in data["sections"] for i in s["items"])]
    by_source = {i["source_id"]: i for i in items if i["kind"] == "changed"}
    assert set(by_source) == set(EXPECTED)
    for source, (_, old, new) in EXPECTED.items():
        item = by_source[source]
        fact = item["facts"][0]
        assert (fact["old"], fact["new"]) == (old, new)
        assert fact["text"].index(old) < fact["text"].index(new)
        assert item["summary"].index(old) < item["summary"].index(new)
    assert by_source["fx-referral"]["facts"][0]["text"] == "8% → 9% (+13%)"
    assert all(i["summary"] for i in items)  # every item has one, new documents too


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_digest_format_shows_the_facts(crawled: Home, fmt: str) -> None:
    out = crawled.run("digest", "--format", fmt).stdout.replace("\\", "")  # Markdown escapes
    assert "Camera and Photo: 8% → 9% (+13%)" in out
    assert re.search(r"60 days → 30 days", out)
    assert "90天 → 180天" in out


def test_show_prints_the_summary_and_facts(crawled: Home) -> None:
    change = changed(crawled)["fx-safet"]
    shown = json.loads(crawled.run("show", str(change["id"]), "--json").stdout)
    assert shown["facts"][0]["old"] == "60 days"
    out = crawled.run("show", str(change["id"])).stdout
    assert "60 days → 30 days" in out


def test_the_web_page_api_and_atom_feed_show_the_facts_escaped(crawled: Home) -> None:
    change = changed(crawled)["fx-referral"]
    client = TestClient(create_app(crawled.path / "policyradar.db"), base_url="http://127.0.0.1")
    page = client.get(f"/changes/{change['id']}?lang=en").text
    assert "Camera and Photo: 8% → 9% (+13%)" in page
    api = client.get(f"/api/changes/{change['id']}").json()
    assert api["facts"][0]["new"] == "9%"
    feed = client.get("/feeds/category/fees.atom").text
    assert "Camera and Photo：8% → 9%（+13%）" in feed  # in the feed's language, Chinese


def test_crawled_words_in_facts_and_summary_are_escaped(tmp_path: Path) -> None:
    from policyradar.records import ChangeKind, Snapshot
    from policyradar.storage import Storage
    from policyradar.tagging.facts import line_facts
    from policyradar.text.diffing import new_document_diff

    evil = '<img src=x onerror="alert(1)"> | 8%'
    fact = line_facts('<img src=x onerror="alert(1)"> | 7%', evil)[0]
    db = tmp_path / "db.sqlite"
    with Storage(db) as storage:
        snap = Snapshot(source_id="s", url="https://example.com/x", title="t", text=evil)
        snap.fingerprint = "f"
        cid = storage.save_version(
            storage.start_run(["s"]),
            snap,
            new_document_diff(evil),
            ChangeKind.NEW,
            len(evil),
            {"categories": ["fees"], "facts": [fact.to_json()], "summary": {"zh": "<b>x</b>"}},
        )
    client = TestClient(create_app(db), base_url="http://127.0.0.1")
    for body in (client.get(f"/changes/{cid}").text, client.get("/feeds/category/fees.atom").text):
        assert "<img" not in body
        assert "<b>x</b>" not in body
    assert "&lt;img src=x" in client.get(f"/changes/{cid}").text
