"""Killing a crawl at any moment leaves a consistent database, and the next crawl completes it."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import FIXTURES, Home

if TYPE_CHECKING:
    from policyradar.demo.site import SiteServer

SLOW_ITEMS = 40  # /slow/list links 40 pages that each answer after 0.2 s
# `make soak` kills first crawls at 12 more points, drawn once from a fixed seed
KILL_POINTS = [1, 15, 30] + (
    sorted(random.Random(5).sample(range(2, 39), 12))
    if os.environ.get("POLICYRADAR_SOAK") == "1"
    else []
)


def stored_changes(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def start_slow_crawl(
    site: SiteServer, home: Home, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen:
    """`policyradar crawl` of the fixture site's slow list, in a child process."""
    template = (FIXTURES / "site" / "sources.toml").read_text(encoding="utf-8")
    home.sources(template.replace("{{base}}", site.base_url))
    command = [
        "-m",
        "policyradar.cli.main",
        "--home",
        str(home.path),
        "crawl",
        "--source",
        "fx-slow",
    ]
    return subprocess.Popen(
        [sys.executable, *command],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
        # as from a terminal: a suite started in the background (`make test &`) runs with SIGINT
        # ignored (POSIX, for a shell without job control), and so would the crawl
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("kill_after", KILL_POINTS, ids=lambda n: f"killed after {n} changes")
def test_a_crawl_killed_mid_run_leaves_a_sound_file_and_the_next_run_completes(
    site: SiteServer, home: Home, kill_after: int
) -> None:
    # extraction and classification in the crawl process: each change is then stored as its page
    # arrives, not in a burst once a worker process is up, so the kill lands mid-run
    config = home.path / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + "workers = 0\n", encoding="utf-8")
    db = home.path / "policyradar.db"
    proc = start_slow_crawl(site, home)
    deadline = time.monotonic() + 60
    while stored_changes(db) < kill_after and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    killed_at = stored_changes(db)
    assert kill_after <= killed_at < SLOW_ITEMS, "the crawl must be killed mid-run"

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()

    report = home.crawl("--source", "fx-slow")
    (outcome,) = report["sources"]
    assert outcome["outcome"] == "changed"
    assert outcome["new"] == SLOW_ITEMS - killed_at
    assert outcome["unchanged"] == killed_at

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    per_doc = con.execute(
        "SELECT COUNT(DISTINCT d.id), COUNT(v.id), (SELECT COUNT(*) FROM changes)"
        " FROM documents d JOIN versions v ON v.document_id = d.id"
    ).fetchone()
    assert per_doc == (SLOW_ITEMS, SLOW_ITEMS, SLOW_ITEMS)  # nothing lost, nothing twice
    # the killed first crawl did not end the baseline: the rest of the archive is not news
    assert con.execute("SELECT COUNT(*) FROM changes WHERE baseline = 0").fetchone() == (0,)
    statuses = dict(con.execute("SELECT id, status FROM runs"))
    assert statuses == {1: "interrupted", 2: "finished"}


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_killing_a_crawl_also_ends_its_worker_processes(site: SiteServer, home: Home) -> None:
    proc = start_slow_crawl(site, home)
    deadline = time.monotonic() + 60
    while not (workers := children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "the crawl starts a worker process for extraction and classification"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert not alive, "orphaned worker processes exit when the crawl is killed"


def test_ctrl_c_stops_a_crawl_at_once_and_keeps_what_it_stored(
    site: SiteServer, home: Home
) -> None:
    config = home.path / "config.toml"  # one page at a time, so the crawl is mid-way for seconds
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace("download_delay = 0", "download_delay = 0.3")
        .replace("concurrency_per_domain = 4", "concurrency_per_domain = 1"),
        encoding="utf-8",
    )
    db = home.path / "policyradar.db"
    proc = start_slow_crawl(site, home, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while stored_changes(db) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    pressed = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    stopped_in = time.monotonic() - pressed
    assert stopped_in < 5, f"stopped {stopped_in:.1f} s after Ctrl+C; its stderr:\n{err[-3000:]}"
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "抓取已中断" in err
    kept = stored_changes(db)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    con.close()

    report = home.crawl("--source", "fx-slow")
    (outcome,) = report["sources"]
    assert (outcome["new"], outcome["unchanged"]) == (SLOW_ITEMS - kept, kept)
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*), SUM(baseline) FROM changes").fetchone() == (
        SLOW_ITEMS,
        SLOW_ITEMS,
    )
