"""`policyradar demo`: the real changes between the two snapshots come out, none of the noise;
its dates are relative to the day it runs, so its digest is a heads-up."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.site import DEMO_ROOT, DEMO_TODAY, render_dates

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


# The sources whose second snapshot is a trap (EXPECTED.md, "Noise and traps").
NOISE = ("amazon-help-selling-fees-us", "amazon-help-code-of-conduct-us", "amz123-headlines",
         "ebay-announcements")  # fmt: skip
NOISE_SQL = ", ".join(f"'{n}'" for n in NOISE)


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
            f" WHERE run_id = 2 AND source_id IN ({NOISE_SQL})"
        )
    )
    assert outcomes == {
        "amazon-help-selling-fees-us": "error:1:0",
        "amazon-help-code-of-conduct-us": "error:1:0",
        "ebay-announcements": "error:0:1",
        "amz123-headlines": "unchanged:0:0",
    }
    reasons = {r for (r,) in con.execute("SELECT reason FROM events WHERE run_id = 2")}
    assert "captcha" in reasons
    assert any(r.startswith("login wall") for r in reasons)
    assert "HTTP 503" in reasons
    # noise never becomes a version: one version each, from the first snapshot
    versions = con.execute(
        "SELECT COUNT(*) FROM versions v JOIN documents d ON d.id = v.document_id"
        f" WHERE d.source_id IN ({NOISE_SQL})"
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
    assert tags["news-notices-260112"] == ("fba", [day(5)], "high")
    assert tags["e1f8b6a4-7c23-4d95-a1b0-8d4e2f6c3a71"] == ("account_health", [day(26)], "high")
    assert tags["f8377dd8-a21d-46e9-84f1-3a4af07e51f3"][0] == "fees"
    assert tags["1283455"] == ("tax_customs", [day(65)], "high")


def day(offset: int) -> str:
    """The ISO date ``offset`` days from the day the demo ran (today)."""
    return (date.today() + timedelta(days=offset)).isoformat()


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
    starts = date.today() + timedelta(days=5)
    text = (home / "digest" / "digest-text.txt").read_text(encoding="utf-8")
    assert f"{starts.month}/{starts.day}起生效!亚马逊FBA商品贴标政策变更" in text


# -- a heads-up: dates relative to today, names a seller knows, each story once -------------------


def digest_items(home: Path) -> list[dict]:
    data = json.loads((home / "digest" / "digest-json.json").read_text(encoding="utf-8"))
    return list(data["urgent"]) + [i for s in data["sections"] for i in s["items"]]


def test_the_digest_is_a_heads_up_with_rules_starting_in_days(demo: tuple) -> None:
    _, home = demo
    items = digest_items(home)
    today = date.today().isoformat()
    ahead = [i for i in items if any(d >= today for d in i["effective_dates"])]
    assert len(ahead) >= 3
    soon = {
        i["url"].rsplit("/", 1)[-1]: min(d for d in i["effective_dates"] if d >= today)
        for i in ahead
    }
    assert soon["news-notices-260112"] == day(5)  # the labelling rule starts in 5 days
    assert soon["news-notices-251016"] == day(9)  # the fee change
    assert soon["1283472"] == day(17)  # CPSC eFiling
    past = [i for i in items if i["effective_dates"] and max(i["effective_dates"]) < today]
    assert [i["source_id"] for i in past] == ["amazon-policy-changes-us"]  # already in force
    assert all(i["published_at"][:10] >= day(-21) for i in items if i["kind"] == "new")


# What a seller must never read: how the demo's traps were named for the tests.
FIXTURE_WORDING = re.compile(
    r"\bin s[12]\b|\(503|login wall in|captcha in|view counter|\(GBK\)|noise"
)


def test_no_fixture_wording_reaches_what_a_seller_reads(demo: tuple) -> None:
    proc, home = demo
    for path in (home / "digest").iterdir():
        text = path.read_text(encoding="utf-8")
        assert not FIXTURE_WORDING.search(text), (path.name, FIXTURE_WORDING.search(text))
    names = {s["name"] for s in json.loads(run(home, "sources", "--json"))}
    assert not any(FIXTURE_WORDING.search(n) for n in names), names
    assert "AMZ123 跨境头条" in names
    assert "{{" not in proc.stdout


def test_one_story_is_listed_once(demo: tuple) -> None:
    """The CPSC recall comes from AMZ123's 快讯 and its 跨境头条 article: one cluster, one item."""
    _, home = demo
    digest = json.loads(run(home, "digest", "--format", "json"))
    items = list(digest["urgent"]) + [i for s in digest["sections"] for i in s["items"]]
    recall = [i for i in items if "牙胶玩具" in i["title"]]
    assert len(recall) == 1
    assert len(recall[0]["change_ids"]) == 2
    assert recall[0]["also_reported_by"]


def run(home: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "--home", str(home), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


# -- the date placeholders of the demo site --------------------------------------------------------


def test_date_placeholders_count_from_the_given_day() -> None:
    day_ = date(2026, 12, 30)
    text = (
        "自{{date+5d|zh}}起 · {{date+5d|md}} · {{date-1d|iso}} · {{date+3d|en}} · {{date+3d|zh_md}}"
    )
    assert (
        render_dates(text, day_) == "自2027年1月4日起 · 1/4 · 2026-12-29 · January 2, 2027 · 1月2日"
    )
    assert render_dates('"t": {{date 09:42|epoch}}', date(1970, 1, 1)) == '"t": 34920'
    assert render_dates("{{date-3d 16:00|rfc}}", day_) == "Sun, 27 Dec 2026 16:00:00 GMT"
    with pytest.raises(ValueError, match="unknown date format 'nope'"):
        render_dates("{{date+1d|nope}}", day_)


def test_every_demo_placeholder_renders() -> None:
    for path in DEMO_ROOT.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            text = render_dates(path.read_text(encoding="utf-8"), DEMO_TODAY)
            assert "{{date" not in text, path
