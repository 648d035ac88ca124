"""`policyradar demo`: the real changes between the two snapshots come out, none of the noise."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

# (source, path fragment, kind) of every change the second snapshot must produce
EXPECTED_SECOND_RUN = {
    ("amazon-forums-news-us", "/t/e1f8b6a4-7c23-4d95-a1b0-8d4e2f6c3a71", "new"),
    ("amazon-forums-news-us", "/t/f8377dd8-a21d-46e9-84f1-3a4af07e51f3", "changed"),
    ("amazon-policy-changes-us", "itemID=QHQGBTD7XB7EECN", "changed"),
    ("gs-amazon-cn-news", "/news/news-notices-260112", "new"),
    ("gs-amazon-cn-news", "/news/news-notices-251016", "changed"),
    ("amz123-kx", "/kx/1283455", "new"),
    ("amz123-kx", "/kx/1283472", "new"),
    ("sp-api-changelog", "/sp-api/changelog/finances-api-v2024-06-19-ga", "new"),
    ("cifnews-amz", "/article/1752121", "new"),
    ("gbk-customs-notice", "/zcfg/tzgg/202603/t20260315_48213.html", "changed"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    home = tmp_path_factory.mktemp("demo") / "home"
    proc = subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "--lang", "en", "demo", "--keep", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc, home


def changes_of_run(home: Path, run_id: int) -> set[tuple[str, str, str]]:
    con = sqlite3.connect(home / "policyradar.db")
    rows = con.execute("SELECT source_id, url, kind FROM changes WHERE run_id = ?", (run_id,))
    found = set()
    for source_id, url, kind in rows:
        match = [e for e in EXPECTED_SECOND_RUN if e[0] == source_id and e[1] in url]
        found.add(match[0] if len(match) == 1 and match[0][2] == kind else (source_id, url, kind))
    return found


def test_the_demo_exits_0_and_prints_its_summary(demo: tuple) -> None:
    proc, _ = demo
    assert proc.returncode == 0, proc.stderr
    assert "Changes found by the second crawl" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_the_second_crawl_finds_exactly_the_real_changes(demo: tuple) -> None:
    _, home = demo
    assert changes_of_run(home, 2) == EXPECTED_SECOND_RUN


def test_the_first_crawl_stores_every_document_as_new(demo: tuple) -> None:
    _, home = demo
    con = sqlite3.connect(home / "policyradar.db")
    kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM changes WHERE run_id = 1")}
    assert kinds == {"new"}
    assert con.execute("SELECT COUNT(*) FROM changes WHERE run_id = 1").fetchone()[0] >= 30


def test_noise_is_held_back_as_anomalies_and_errors(demo: tuple) -> None:
    _, home = demo
    con = sqlite3.connect(home / "policyradar.db")
    outcomes = dict(
        con.execute(
            "SELECT source_id, outcome || ':' || anomalies || ':' || errors FROM run_sources"
            " WHERE run_id = 2 AND source_id LIKE 'noise-%'"
        )
    )
    assert outcomes == {
        "noise-login-wall": "error:1:0",
        "noise-captcha": "error:1:0",
        "noise-503": "error:0:1",
        "noise-counter": "unchanged:0:0",
    }
    reasons = {r for (r,) in con.execute("SELECT reason FROM events WHERE run_id = 2")}
    assert "captcha" in reasons
    assert any(r.startswith("login wall") for r in reasons)
    assert "HTTP 503" in reasons
    # noise never becomes a version: one version each, from the first snapshot
    versions = con.execute(
        "SELECT COUNT(*) FROM versions v JOIN documents d ON d.id = v.document_id"
        " WHERE d.source_id LIKE 'noise-%'"
    ).fetchone()[0]
    assert versions == 4


def test_a_thread_that_scrolled_off_the_list_is_not_removed(demo: tuple) -> None:
    _, home = demo
    con = sqlite3.connect(home / "policyradar.db")
    removed = con.execute("SELECT COUNT(*) FROM changes WHERE kind = 'removed'").fetchone()[0]
    assert removed == 0
    row = con.execute(
        "SELECT removed_at FROM documents WHERE url LIKE '%3c6f2a51-8e0b-4d7a-9f12-6b5e8d4c2a90'"
    ).fetchone()
    assert row == (None,)


def test_the_changed_fee_notice_diff_shows_the_new_amount(demo: tuple) -> None:
    _, home = demo
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "policyradar.cli.main",
            "--home",
            str(home),
            "changes",
            "--json",
            "--source",
            "gs-amazon-cn-news",
            "--limit",
            "100",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (change,) = [c for c in json.loads(out) if c["kind"] == "changed"]
    assert "3.15美元" in change["added"]
    assert "3.06美元" in change["removed"]


def test_demo_changes_are_tagged_dated_and_prioritised(demo: tuple) -> None:
    _, home = demo
    con = sqlite3.connect(home / "policyradar.db")
    rows = con.execute(
        "SELECT url, categories, effective_dates, urgency FROM changes WHERE run_id = 2"
    )
    tags = {url.rsplit("/", 1)[-1]: (json.loads(c)[0], json.loads(d), u) for url, c, d, u in rows}
    assert tags["news-notices-260112"] == ("fba", ["2026-03-31"], "high")
    assert tags["e1f8b6a4-7c23-4d95-a1b0-8d4e2f6c3a71"] == (
        "account_health",
        ["2024-07-15"],
        "high",
    )
    assert tags["f8377dd8-a21d-46e9-84f1-3a4af07e51f3"][0] == "fees"
    assert tags["1283455"] == ("tax_customs", ["2026-09-01"], "high")


def test_the_demo_writes_the_digest_for_every_channel(demo: tuple) -> None:
    _, home = demo
    names = {p.name for p in (home / "digest").iterdir()}
    assert {
        "digest-email.html",
        "digest-text.txt",
        "digest-wecombot-1.txt",
        "digest-wecommd-1.md",
        "digest-tgram-1.txt",
    } <= names
    for part in (home / "digest").glob("digest-wecombot-*.txt"):
        assert len(part.read_bytes()) <= 2048
    assert "3/31起生效" in (home / "digest" / "digest-text.txt").read_text(encoding="utf-8")
