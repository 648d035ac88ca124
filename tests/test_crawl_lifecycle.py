"""Three real crawls of the fixture site (snapshots s1, s2, s3) and what each must record.

The paths and their expected outcomes are tabled in tests/fixtures/site/README.md.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from policyradar.storage.documents import VERSION_TEXT
from tests.conftest import FIXTURES, Home

if TYPE_CHECKING:
    from policyradar.demo.site import SiteServer

# every fixture source but fx-slow (that one is for the crash test)
LIFECYCLE = (
    "fx-gone",
    "fx-flaky",
    "fx-list",
    "fx-conditional",
    "fx-charset-none",
    "fx-charset-nometa",
    "fx-charset-gbk",
    "fx-shrink",
    "fx-error-shell",
    "fx-empty",
    "fx-feed",
    "fx-api",
    "fx-private",
    "fx-wall",
    "fx-captcha",
    "fx-counter",
    "fx-policy",
    "fx-whitespace",
)


class Crawled:
    """The home after crawling s1, s2 and s3, with each run's JSON report and the request log."""

    def __init__(
        self, home: Home, reports: list[dict], requests: dict[str, list], state: Path
    ) -> None:
        self.home, self.reports, self.requests, self.state = home, reports, requests, state
        self.db = sqlite3.connect(home.path / "policyradar.db")

    def outcome(self, run: int, source: str) -> dict:
        (row,) = [s for s in self.reports[run - 1]["sources"] if s["source_id"] == source]
        return row

    def changes(self, run: int, source: str) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT kind, url FROM changes WHERE run_id = ? AND source_id = ? ORDER BY url",
            (run, source),
        )
        return [(kind, url.rsplit("/", 1)[-1]) for kind, url in rows]

    def events(self, run: int, source: str) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT kind, reason FROM events WHERE run_id = ? AND source_id = ?", (run, source)
        )
        return list(rows)

    def versions(self, path: str) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM versions v JOIN documents d ON d.id = v.document_id"
            " WHERE d.url LIKE ?",
            (f"%{path}",),
        ).fetchone()[0]

    def text(self, path: str) -> str:
        return self.db.execute(
            f"SELECT v.title || '\n' || {VERSION_TEXT} FROM versions v JOIN documents d"
            " ON d.id = v.document_id"
            " WHERE d.url LIKE ? ORDER BY v.id DESC",
            (f"%{path}",),
        ).fetchone()[0]


@pytest.fixture(scope="module")
def crawled(site_server: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    home = Home(tmp_path_factory.mktemp("lifecycle"))
    template = (FIXTURES / "site" / "sources.toml").read_text(encoding="utf-8")
    home.sources(template.replace("{{base}}", site_server.base_url))
    reports, requests = [], {}
    state = tmp_path_factory.mktemp("xdg-state")  # where Scrapy's remote control leaves its token
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_STATE_HOME", str(state))
        try:
            for snapshot in ("s1", "s2", "s3"):
                site_server.snapshot = snapshot
                site_server.clear_requests()
                args = [a for sid in LIFECYCLE for a in ("--source", sid)]
                reports.append(home.crawl(*args))
                requests[snapshot] = site_server.requests
        finally:
            site_server.snapshot = "s1"
    return Crawled(home, reports, requests, state)


def test_every_kind_yields_documents_on_the_first_crawl(crawled: Crawled) -> None:
    assert crawled.changes(1, "fx-list") == [
        ("new", "item-1"),
        ("new", "item-2"),
        ("new", "item-3"),
    ]
    assert [k for k, _ in crawled.changes(1, "fx-feed")] == ["new", "new"]
    assert [u for _, u in crawled.changes(1, "fx-api")] == ["9001", "9002"]
    assert crawled.changes(1, "fx-policy") == [("new", "page")]


def test_a_real_edit_is_a_change_with_its_diff(crawled: Crawled) -> None:
    assert crawled.changes(2, "fx-policy") == [("changed", "page")]
    added, removed = crawled.db.execute(
        "SELECT added, removed FROM changes WHERE run_id = 2 AND source_id = 'fx-policy'"
    ).fetchone()
    assert "March 15, 2026" in added
    assert "March 1, 2026" in removed
    assert crawled.changes(3, "fx-policy") == []


def test_new_feed_entries_and_api_records_are_new_documents(crawled: Crawled) -> None:
    assert crawled.changes(2, "fx-feed") == [("new", "entry-3")]
    assert crawled.changes(2, "fx-api") == [("new", "9003")]
    assert crawled.outcome(3, "fx-feed")["outcome"] == "unchanged"


def test_a_304_is_unchanged_and_writes_no_version(crawled: Crawled) -> None:
    (req,) = [r for r in crawled.requests["s2"] if r.url_path == "/conditional/page"]
    assert req.headers.get("if-none-match")
    assert req.status == 304
    assert crawled.outcome(2, "fx-conditional")["unchanged"] == 1
    assert crawled.versions("/conditional/page") == 1


@pytest.mark.parametrize(
    ("source", "path", "reason"),
    [
        ("fx-shrink", "/shrink/page", "content shrank"),
        ("fx-error-shell", "/error/shell", "error page"),
        ("fx-empty", "/empty/page", "empty page"),
        ("fx-wall", "/wall/page", "login wall"),
        ("fx-captcha", "/captcha/page", "captcha"),
    ],
)
def test_anomalies_are_recorded_on_the_run_and_never_stored(
    crawled: Crawled, source: str, path: str, reason: str
) -> None:
    (event,) = crawled.events(2, source)
    assert event[0] == "anomaly"
    assert event[1].startswith(reason)
    assert crawled.outcome(2, source)["anomalies"] == 1
    assert crawled.changes(2, source) == []
    assert crawled.versions(path) == 1
    assert crawled.outcome(3, source)["outcome"] == "unchanged"  # s3 is s1 again


def test_volatile_fragments_and_whitespace_edits_are_not_changes(crawled: Crawled) -> None:
    for source in ("fx-counter", "fx-whitespace"):
        assert crawled.outcome(2, source)["outcome"] == "unchanged"
        assert crawled.outcome(3, source)["outcome"] == "unchanged"
    assert "1234" not in crawled.text("/counter/page")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/charset/none", "亚马逊调整低库存水平费"),
        ("/charset/nometa", "亚马逊调整低库存水平费"),
        ("/charset/gbk", "王喆"),
    ],
    ids=["no charset header", "no charset anywhere", "gbk with gbk-only characters"],
)
def test_pages_are_decoded_whatever_their_charset_label(
    crawled: Crawled, path: str, words: str
) -> None:
    assert words in crawled.text(path)


def test_an_item_that_scrolls_off_its_list_is_not_removed(crawled: Crawled) -> None:
    assert crawled.changes(2, "fx-list") == [("new", "item-4")]
    assert crawled.outcome(2, "fx-list")["unchanged"] == 2
    removed = crawled.db.execute(
        "SELECT removed_at FROM documents WHERE url LIKE '%/list/item-1'"
    ).fetchone()
    assert removed == (None,)


def test_removal_needs_two_consecutive_404s(crawled: Crawled) -> None:
    assert crawled.changes(2, "fx-gone") == []
    assert crawled.events(2, "fx-gone") == [("error", "HTTP 404 (1/2 before removal)")]
    assert crawled.changes(3, "fx-gone") == [("removed", "page")]
    assert crawled.outcome(3, "fx-gone")["removed"] == 1


def test_a_5xx_never_removes_anything(crawled: Crawled) -> None:
    assert crawled.outcome(2, "fx-flaky")["outcome"] == "error"
    assert crawled.events(2, "fx-flaky") == [("error", "HTTP 503")]
    assert crawled.outcome(3, "fx-flaky")["outcome"] == "unchanged"
    kinds = crawled.db.execute("SELECT kind FROM changes WHERE source_id = 'fx-flaky'").fetchall()
    assert kinds == [("new",)]


def test_retries_back_off_before_giving_up_on_a_5xx(crawled: Crawled) -> None:
    attempts = [r for r in crawled.requests["s2"] if r.url_path == "/flaky/page"]
    assert len(attempts) == 2  # the first try and retry_times = 1 retry


def test_robots_txt_disallowed_paths_are_never_fetched(crawled: Crawled) -> None:
    for requests in crawled.requests.values():
        assert "/robots.txt" in {r.url_path for r in requests}
        assert not [r for r in requests if r.url_path.startswith("/private/")]
    assert crawled.outcome(1, "fx-private")["outcome"] == "error"
    assert crawled.events(1, "fx-private") == [("error", "forbidden by robots.txt")]


def test_every_request_carries_the_projects_user_agent(crawled: Crawled) -> None:
    agents = {r.headers.get("user-agent") for r in crawled.requests["s1"]}
    assert agents == {"PolicyRadar/0.1 (+https://github.com/policyradar/policyradar)"}


def test_a_crawl_opens_no_remote_control_server(crawled: Crawled) -> None:
    """Scrapy's RemoteControl (on by default) would run Python code sent to a local port."""
    assert list(crawled.state.rglob("*")) == []


def test_unchanged_fetches_do_not_grow_the_database(crawled: Crawled) -> None:
    versions = crawled.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
    changes = crawled.db.execute("SELECT COUNT(*) FROM changes WHERE kind != 'removed'").fetchone()
    assert versions == changes[0]


def test_a_removal_keeps_what_the_document_was_about(crawled: Crawled) -> None:
    new, removed = crawled.db.execute(
        "SELECT categories, urgency FROM changes WHERE source_id = 'fx-gone' ORDER BY id"
    ).fetchall()
    assert removed[0] == new[0]
    assert removed[1] in {"low", "medium"}
