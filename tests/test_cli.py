"""The command line as a user drives it: init, sources, crawl, changes, show, `scrapy crawl`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.run import DEMO_DIR, prepare_home
from policyradar.demo.site import SiteServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

ROOT = Path(__file__).resolve().parent.parent
CHANGE_FIELDS = {
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
}


@pytest.fixture(scope="module")
def demo_site() -> Iterator[SiteServer]:
    with SiteServer(DEMO_DIR, snapshot="s1") as server:
        yield server


@pytest.fixture
def demo_home(home: Home, demo_site: SiteServer) -> Home:
    prepare_home(home.path, demo_site.base_url)
    return home


def test_init_writes_a_starter_config_that_loads(home: Home) -> None:
    (home.path / "sources.toml").unlink(missing_ok=True)
    (home.path / "config.toml").unlink()
    assert "Starter config written" in home.run("init").stdout
    sources = home.json("sources")
    assert {s["kind"] for s in sources} == {"listing", "feed", "page", "api"}
    again = home.run("init", check=False)
    assert again.returncode == 2
    assert "--force" in again.stderr


def test_crawl_json_reports_each_source_and_changes_carry_the_contract_fields(
    demo_home: Home,
) -> None:
    report = demo_home.crawl("--source", "gs-amazon-cn-news", "--source", "amz123-kx")
    outcomes = {s["source_id"]: s for s in report["sources"]}
    assert set(outcomes) == {"gs-amazon-cn-news", "amz123-kx"}
    assert outcomes["gs-amazon-cn-news"]["outcome"] == "changed"
    assert outcomes["gs-amazon-cn-news"]["new"] == 7
    changes = demo_home.changes()
    assert len(changes) == 7 + 6
    for change in changes:
        assert set(change) >= CHANGE_FIELDS
    assert demo_home.changes("--source", "amz123-kx", "--limit", "2").__len__() == 2
    assert demo_home.changes("--since", "2999-01-01") == []


def test_sources_json_shows_the_last_outcome(demo_home: Home) -> None:
    demo_home.crawl("--source", "noise-counter")
    by_id = {s["id"]: s for s in demo_home.json("sources")}
    assert by_id["noise-counter"]["last_outcome"]["outcome"] == "changed"
    assert by_id["noise-503"]["last_outcome"] is None


def test_show_prints_the_diff_and_json_carries_the_ops(
    demo_home: Home, demo_site: SiteServer
) -> None:
    demo_home.crawl("--source", "gs-amazon-cn-news")
    demo_site.snapshot = "s2"
    try:
        demo_home.crawl("--source", "gs-amazon-cn-news")
    finally:
        demo_site.snapshot = "s1"
    (changed,) = [c for c in demo_home.changes() if c["kind"] == "changed"]
    text = demo_home.run("show", str(changed["id"])).stdout
    assert "[-06-]{+15+}" in text
    data = demo_home.json("show", str(changed["id"]))
    assert {op["op"] for op in data["diff"]["ops"]} >= {"equal", "replace"}


def test_show_of_an_unknown_change_exits_1(demo_home: Home) -> None:
    proc = demo_home.run("show", "999", check=False)
    assert proc.returncode == 1
    assert "No change with id 999" in proc.stderr


def test_crawl_of_an_unknown_source_exits_2(demo_home: Home) -> None:
    proc = demo_home.run("crawl", "--source", "nope", check=False)
    assert proc.returncode == 2
    assert "no source with id 'nope'" in proc.stderr


def test_crawl_where_every_source_fails_exits_1(demo_home: Home, demo_site: SiteServer) -> None:
    demo_site.snapshot = "s2"
    try:
        proc = demo_home.run("crawl", "--source", "noise-503", check=False)
    finally:
        demo_site.snapshot = "s1"
    assert proc.returncode == 1
    assert "HTTP 503" in proc.stdout


def test_human_output_is_chinese_by_default(demo_home: Home) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "--home", str(demo_home.path), "changes"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "没有符合条件的变更" in proc.stdout


def test_changes_rejects_a_bad_since_date(demo_home: Home) -> None:
    proc = demo_home.run("changes", "--since", "yesterday", check=False)
    assert proc.returncode == 2
    assert "not an ISO date" in proc.stderr


def test_spiders_run_as_plain_scrapy_crawl_from_the_project_root(demo_home: Home) -> None:
    env = {**os.environ, "POLICYRADAR_HOME": str(demo_home.path)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "page",
            "-a",
            "source=amazon-policy-changes-us",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (change,) = demo_home.changes()
    assert change["source_id"] == "amazon-policy-changes-us"
    assert change["kind"] == "new"
    runs = json.loads(demo_home.run("sources", "--json").stdout)
    by_id = {s["id"]: s for s in runs}
    assert by_id["amazon-policy-changes-us"]["last_outcome"]["outcome"] == "changed"
