"""`serve --schedule`: daily slots in their zones, one run at a time, a failed run retried at the
next slot. The scheduler is driven by a clock of the test's own (each wait moves it forward), and
the runs are real `policyradar run` processes crawling the demo site.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from policyradar.cli.crawl import home_lock
from policyradar.cli.web import RunJob
from policyradar.demo.run import DEMO_DIR, prepare_home
from policyradar.demo.site import SiteServer
from policyradar.schedule import ScheduleError, Scheduler, Slot, next_slot
from policyradar.storage import Storage
from tests.test_digest_support import Receiver

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests.conftest import Home


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    """A clock that moves only when waited on (or told to): hours pass in no time."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.waits: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += timedelta(seconds=seconds)
        return False  # never asked to stop


def recorder(clock: Clock, results: list[int | Exception], took: timedelta = timedelta()) -> tuple:
    """A job that notes when it ran, takes ``took`` of the clock's time, then gives the next
    result (an exception is raised).
    """
    seen: list[datetime] = []

    def job() -> int:
        seen.append(clock.now)
        clock.now += took
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    return job, seen


def test_a_slot_is_a_time_of_day_in_its_own_zone() -> None:
    shanghai = Slot.parse("07:30", "Asia/Shanghai")
    assert shanghai.next_after(utc("2026-03-01T00:00")) == utc("2026-03-01T23:30")
    assert shanghai.next_after(utc("2026-03-01T23:30")) == utc("2026-03-02T23:30")  # strictly after
    assert Slot.parse("daily 08:00", "UTC").next_after(utc("2026-03-01T07:59")) == utc(
        "2026-03-01T08:00"
    )
    # New York leaves winter time on 2026-03-08: 08:00 there is 13:00 UTC, then 12:00 UTC
    new_york = Slot.parse("08:00", "America/New_York")
    assert new_york.next_after(utc("2026-03-07T00:00")) == utc("2026-03-07T13:00")
    assert new_york.next_after(utc("2026-03-08T00:00")) == utc("2026-03-08T12:00")
    both = [shanghai, new_york]
    assert next_slot(both, utc("2026-03-08T00:00")) == utc("2026-03-08T12:00")
    assert next_slot(both, utc("2026-03-08T12:00")) == utc("2026-03-08T23:30")


@pytest.mark.parametrize(
    ("at", "zone", "problem"),
    [
        ("7.30", "UTC", "time of day"),
        ("24:00", "UTC", "time of day"),
        ("07:30", "Mars/Base", "zone"),
    ],
)
def test_a_bad_slot_is_refused(at: str, zone: str, problem: str) -> None:
    with pytest.raises(ScheduleError, match=problem):
        Slot.parse(at, zone)


def test_runs_come_at_each_slot_and_a_failed_run_is_retried_at_the_next(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock(utc("2026-03-01T00:00"))  # 08:00 in Shanghai
    job, seen = recorder(clock, [RuntimeError("network down"), 1, 0])
    slots = [Slot.parse("07:30", "Asia/Shanghai")]
    scheduler = Scheduler(slots, job, clock=clock, wait=clock.wait)
    with caplog.at_level(logging.INFO, logger="policyradar.schedule"):
        scheduler.run_forever(limit=3)
    assert seen == [utc("2026-03-01T23:30"), utc("2026-03-02T23:30"), utc("2026-03-03T23:30")]
    assert [result for _, result in scheduler.runs] == [None, 1, 0]
    assert max(clock.waits) <= 60  # naps of a minute at most: a changed clock is noticed
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "network down" in (errors[0].exc_text or "")
    assert "exit code 1" in errors[1].getMessage()


def test_a_run_that_overruns_a_slot_is_never_doubled(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock(utc("2026-03-01T00:00"))
    job, seen = recorder(clock, [0, 0], took=timedelta(hours=13))  # past the 12-hourly slot
    slots = [Slot.parse("07:30", "Asia/Shanghai"), Slot.parse("19:30", "Asia/Shanghai")]
    scheduler = Scheduler(slots, job, clock=clock, wait=clock.wait)
    scheduler.run_forever(limit=2)
    # 11:30 UTC (19:30 Shanghai) passed during the first run: the next run is the slot after it
    assert seen == [utc("2026-03-01T11:30"), utc("2026-03-02T11:30")]
    assert any("passed without a second run" in r.getMessage() for r in caplog.records)


@pytest.fixture
def demo_home(home: Home) -> Iterator[tuple[Home, Receiver]]:
    receiver = Receiver()
    with SiteServer(DEMO_DIR, snapshot="s1") as server:
        prepare_home(home.path, server.base_url)
        config = home.path / "config.toml"
        config.write_text(
            config.read_text(encoding="utf-8")
            + f"""
[[subscription]]
name = "hook"
url = "json://127.0.0.1:{receiver.port}/hook"
schedule = "daily 00:00"
timezone = "UTC"
quiet_note = true
""",
            encoding="utf-8",
        )
        yield home, receiver
    receiver.down()


def test_scheduled_runs_crawl_and_deliver_in_a_child_process_one_at_a_time(
    demo_home: tuple[Home, Receiver],
) -> None:
    home, receiver = demo_home
    clock = Clock(utc("2026-03-01T23:29:30"))
    job = RunJob(home.path, "en")
    scheduler = Scheduler([Slot.parse("07:30", "Asia/Shanghai")], job, clock=clock, wait=clock.wait)
    job.scheduler = scheduler
    with home_lock(home.path) as locked:  # a crawl started by hand (or cron) is going on
        assert locked
        scheduler.run_forever(limit=1)
    scheduler.run_forever(limit=2)  # the next slot: the home is free again
    assert [result for _, result in scheduler.runs] == [1, 0]
    assert [when for when, _ in scheduler.runs] == [
        utc("2026-03-01T23:30"),
        utc("2026-03-02T23:30"),
    ]
    with Storage(home.path / "policyradar.db") as storage:
        (run,) = storage.db["runs"].rows
        assert run["status"] == "finished"
        assert storage.counts()["documents"] > 20
    assert len(receiver.requests) == 1  # the daily note, delivered by the run
    assert receiver.requests[0].path == "/hook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_serve_schedule_serves_the_web_ui_and_says_when_it_runs(home: Home) -> None:
    (home.path / "sources.toml").write_text("", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "POLICYRADAR_SCHEDULE_AT": "06:00 18:30", "POLICYRADAR_TIMEZONE": "UTC"}
    args = ["--home", str(home.path), "--lang", "en", "serve", "--port", str(port), "--schedule"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "policyradar.cli.main", *args],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sources", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        wait_for(answers, 30)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Scheduled runs (crawl, then the due digests): daily at 06:00 UTC, 18:30 UTC" in err
    assert proc.returncode in (0, -15)


def test_serve_schedule_refuses_a_bad_time(home: Home) -> None:
    (home.path / "sources.toml").write_text("", encoding="utf-8")
    proc = home.run("serve", "--schedule", "--at", "25:00", check=False)
    assert proc.returncode == 2
    assert "'25:00' is not a time of day" in proc.stderr


def test_stopping_the_server_stops_a_run_in_progress(tmp_path: Path) -> None:
    import threading

    class SlowRun(RunJob):
        def command(self) -> list[str]:
            return [sys.executable, "-c", "import time; time.sleep(120)"]

    job = SlowRun(tmp_path, "en")
    job.scheduler = Scheduler([Slot.parse("07:30", "UTC")], job)
    results: list[int] = []
    thread = threading.Thread(target=lambda: results.append(job()))
    thread.start()
    wait_for(lambda: job.child is not None, 10)
    started = time.monotonic()
    job.shutdown()
    thread.join(timeout=30)
    assert time.monotonic() - started < 10
    assert results
    assert results[0] != 0  # terminated, not finished
    assert job.child is None
