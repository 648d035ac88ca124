"""Real crawls of pages that flap between their text and an error shell, or garbage bytes.

tests/fixtures/flaps/site/s1..s7 is served on 127.0.0.1 and crawled once per snapshot
(tests/fixtures/flaps/README.md tables what each path serves when):

- ``/flap/policy`` (English, no body selector) and ``/flap/notice`` (Chinese, no body selector)
  alternate between their page and a real error shell: A → shell → A → shell → A → shell → A;
- ``/flap/gbk`` is served as GBK labelled utf-8, random bytes, UTF-8, UTF-8 labelled gbk, GBK
  with its own ``<meta charset>``, a gzip body without Content-Encoding, and GBK labelled gbk.

After the baseline, not one change may be recorded (no change at a shell, none at a recovery, no
effective date read from old text), and every shell and garbage response is an anomaly on its run.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.site import SiteServer
from policyradar.storage.codec import unpack
from policyradar.storage.documents import VERSION_TEXT
from tests.conftest import FIXTURES, Home

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SNAPSHOTS = ("s1", "s2", "s3", "s4", "s5", "s6", "s7")
SOURCES = """\
[[source]]
id = "flap-policy"
kind = "page"
url = "{base}/flap/policy"
language = "en"

[[source]]
id = "flap-notice"
kind = "page"
url = "{base}/flap/notice"
language = "zh"

[[source]]
id = "flap-gbk"
kind = "page"
url = "{base}/flap/gbk"
language = "zh"
[source.selectors]
body = ".content"
"""
# run (1-based, one per snapshot) -> sources whose fetch is an anomaly on that run
ANOMALIES = {
    2: {"flap-policy", "flap-notice", "flap-gbk"},  # shells; random bytes
    4: {"flap-policy", "flap-notice"},  # shells (flap-gbk: UTF-8 labelled gbk, read as UTF-8)
    6: {"flap-policy", "flap-notice", "flap-gbk"},  # shells; a gzip body read as text
}


class Flapped:
    """The home after crawling every snapshot once, with each run's JSON report."""

    def __init__(self, home: Home, reports: list[dict]) -> None:
        self.home, self.reports = home, reports
        self.db = sqlite3.connect(home.path / "policyradar.db")

    def outcome(self, run: int, source: str) -> dict:
        (row,) = [s for s in self.reports[run - 1]["sources"] if s["source_id"] == source]
        return row

    def changes(self, source: str, *, after_run: int = 0) -> list[tuple[int, str]]:
        rows = self.db.execute(
            "SELECT run_id, kind FROM changes WHERE source_id = ? AND run_id > ? ORDER BY run_id",
            (source, after_run),
        )
        return list(rows)

    def events(self, run: int, source: str) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT kind, reason FROM events WHERE run_id = ? AND source_id = ?", (run, source)
        )
        return list(rows)

    def versions(self, source: str) -> list[str]:
        rows = self.db.execute(
            f"SELECT v.title, {VERSION_TEXT} FROM versions v"
            " JOIN documents d ON d.id = v.document_id WHERE d.source_id = ? ORDER BY v.id",
            (source,),
        )
        return [f"{title}\n{unpack(text)}" for title, text in rows]


@pytest.fixture(scope="module")
def flapped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flapped]:
    state: Path = tmp_path_factory.mktemp("xdg-state")
    with SiteServer(FIXTURES / "flaps" / "site", snapshot="s1") as server:
        home = Home(tmp_path_factory.mktemp("flaps"))
        home.sources(SOURCES.format(base=server.base_url))
        reports = []
        with pytest.MonkeyPatch.context() as env:
            env.setenv("XDG_STATE_HOME", str(state))
            for snapshot in SNAPSHOTS:
                server.snapshot = snapshot
                # exit 1 when every source failed: a run where all three are anomalies
                proc = home.run("crawl", "--json", check=False)
                assert proc.returncode in (0, 1), proc.stderr
                reports.append(json.loads(proc.stdout))
        yield Flapped(home, reports)


SOURCE_IDS = ("flap-policy", "flap-notice", "flap-gbk")


@pytest.mark.parametrize("source", SOURCE_IDS)
def test_the_baseline_is_the_one_version(flapped: Flapped, source: str) -> None:
    assert flapped.changes(source) == [(1, "new")]
    assert len(flapped.versions(source)) == 1


@pytest.mark.parametrize("source", SOURCE_IDS)
def test_flaps_record_no_change_at_the_shell_or_at_the_recovery(
    flapped: Flapped, source: str
) -> None:
    assert flapped.changes(source, after_run=1) == []
    for run in range(2, len(SNAPSHOTS) + 1):
        assert flapped.outcome(run, source)["changed"] == 0, f"run {run}"


@pytest.mark.parametrize(
    ("run", "source"),
    [(run, source) for run, sources in sorted(ANOMALIES.items()) for source in sorted(sources)],
)
def test_every_shell_and_garbage_response_is_reported(
    flapped: Flapped, run: int, source: str
) -> None:
    (event,) = flapped.events(run, source)
    assert event[0] == "anomaly"
    assert flapped.outcome(run, source)["anomalies"] == 1


@pytest.mark.parametrize("source", SOURCE_IDS)
def test_recoveries_and_relabelled_pages_are_plain_unchanged_fetches(
    flapped: Flapped, source: str
) -> None:
    for run in range(2, len(SNAPSHOTS) + 1):
        if source in ANOMALIES.get(run, ()):
            continue
        assert flapped.events(run, source) == [], f"run {run}"
        assert flapped.outcome(run, source)["outcome"] == "unchanged", f"run {run}"


def test_garbage_is_reported_as_garbled_text(flapped: Flapped) -> None:
    for run in (2, 6):
        ((_, reason),) = flapped.events(run, "flap-gbk")
        assert reason == "garbled text"


def test_gbk_served_as_utf8_is_stored_as_the_chinese_it_is(flapped: Flapped) -> None:
    (text,) = flapped.versions("flap-gbk")
    assert "王喆" in text
    assert "退货企业应当在商品自出口放行之日起1年内原状运抵原监管场所" in text
    assert "\ufffd" not in text


def test_the_stored_versions_are_the_real_pages(flapped: Flapped) -> None:
    (policy,) = flapped.versions("flap-policy")
    assert "Sellers are required to act fairly and honestly" in policy
    (notice,) = flapped.versions("flap-notice")
    assert "退货申报清单" in notice
