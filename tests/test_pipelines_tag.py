"""Tagging in the crawl: watch hits come from the changed text only; `watch`, `reclassify`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.run import DEMO_DIR, prepare_home
from policyradar.demo.site import SiteServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home


@pytest.fixture(scope="module")
def demo_site() -> Iterator[SiteServer]:
    with SiteServer(DEMO_DIR, snapshot="s1") as server:
        yield server


def test_watch_hits_come_from_the_changed_paragraph_only(home: Home, demo_site: SiteServer) -> None:
    prepare_home(home.path, demo_site.base_url)
    # 配送费 is in the edited paragraph of the fee notice; 月度仓储费 only in unchanged ones
    home.run("watch", "add", "fulfilment", "--category", "fees", "配送费")
    home.run("watch", "add", "storage", "--category", "fees", "月度仓储费")
    home.crawl("--source", "gs-amazon-cn-news")
    demo_site.snapshot = "s2"
    try:
        home.crawl("--source", "gs-amazon-cn-news")
    finally:
        demo_site.snapshot = "s1"
    (changed,) = [c for c in home.changes() if c["kind"] == "changed"]
    assert [h["watchlist"] for h in changed["watch_hits"]] == ["fulfilment"]
    assert "配送费" in changed["watch_hits"][0]["snippet"]
    assert changed["urgency"] == "high"
    newest = next(iter(home.changes("--watch", "fulfilment")))
    assert newest["id"] == changed["id"]


def test_watch_add_list_remove_and_reclassify(home: Home, demo_site: SiteServer) -> None:
    prepare_home(home.path, demo_site.base_url)
    home.crawl("--source", "amz123-kx")
    unknown = home.run("changes", "--watch", "recalls", check=False)
    assert (unknown.returncode, "unknown watchlist 'recalls'" in unknown.stderr) == (2, True)
    home.run("watch", "add", "recalls", "--category", "compliance", "召回", "recall")
    home.run("watch", "add", "recalls", "--category", "compliance", "召回", "CPSC")
    lists = home.json("watch", "list")
    assert lists == [
        {"name": "recalls", "category": "compliance", "keywords": ["召回", "recall", "CPSC"]}
    ]
    assert "Reclassified 6 changes" in home.run("reclassify").stdout
    hits = home.changes("--watch", "recalls")
    assert [c["title"] for c in hits] == ["存窒息风险，美国CPSC紧急召回超7万件牙胶玩具"]
    assert hits[0]["urgency"] == "high"
    home.run("watch", "remove", "recalls")
    assert home.json("watch", "list") == []


def test_an_unknown_category_is_refused(home: Home, demo_site: SiteServer) -> None:
    prepare_home(home.path, demo_site.base_url)
    proc = home.run("watch", "add", "x", "--category", "nope", "a", check=False)
    assert proc.returncode == 2
    assert "unknown category 'nope'" in proc.stderr


def test_a_broken_watchlists_file_names_the_problem(home: Home, demo_site: SiteServer) -> None:
    prepare_home(home.path, demo_site.base_url)
    (home.path / "watchlists.toml").write_text(
        '[[watchlist]]\nname = "x"\nkeywords = []\n', encoding="utf-8"
    )
    proc = home.run("watch", "list", check=False)
    assert proc.returncode == 1
    assert "watchlists.toml" in proc.stderr
    assert json.dumps("x")[1:-1] in proc.stderr
