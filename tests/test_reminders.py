"""Reminders (`remind_days = [7, 1]`) through send_due with a frozen clock, over a real crawl of
tests/fixtures/markets (dates 9, 12, 15 and 20 days after the crawl), to a local JSON receiver:
each goes out once, N days before its date, is caught up after a missed day, and never comes
for a date already past; each is recorded in the delivery log and the `reminders` table.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from freezegun import freeze_time

from policyradar.digest.deliver import send_due, send_reminders
from policyradar.digest.subscriptions import Subscription
from policyradar.home import load_home
from policyradar.storage import Storage
from tests.markets_site import EU_FEES, EU_ZH, FBM, US_SAFETY, crawl_markets
from tests.test_digest_support import Receiver

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

T = datetime.now(UTC).date()  # the crawl's day: the site's dates count from it


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.down()


@pytest.fixture
def crawled(tmp_path) -> tuple[Home, dict[str, dict]]:
    from tests.conftest import Home

    home = Home(tmp_path / "home")
    return home, crawl_markets(home, T)


def at(offset: int, hour: int = 2) -> datetime:
    """``offset`` days after the crawl, at ``hour`` UTC (10:00 in Shanghai by default)."""
    return datetime.combine(T + timedelta(days=offset), time(hour), tzinfo=UTC)


def reminded(home: Home, sub: Subscription, offset: int, receiver: Receiver) -> list[str]:
    """Run the reminders at ``offset`` days; return the slugs each item of the message links."""
    before = len(receiver.requests)
    now = at(offset)
    with freeze_time(now), Storage(home.path / "policyradar.db") as storage:
        report = send_reminders(storage, sub, now=now, environ={})
    assert report.status in ("sent", "empty"), report.error
    sent = receiver.requests[before:]
    assert len(sent) == (1 if report.status == "sent" else 0)
    if not sent:
        return []
    body = sent[0].json()["message"]
    return [s for s in (EU_FEES, US_SAFETY, FBM, EU_ZH) if f"/{s}\n" in body + "\n"]


def team(receiver: Receiver, **kw: object) -> Subscription:
    return Subscription(
        name="team",
        url=f"json://127.0.0.1:{receiver.port}/hook",
        remind_days=(7, 1),
        language="en",
        **kw,  # type: ignore[arg-type]
    )


def test_each_reminder_goes_out_once_n_days_before_and_is_caught_up(
    crawled, receiver: Receiver
) -> None:
    home, found = crawled
    sub = team(receiver)
    assert reminded(home, sub, 1, receiver) == []  # EU fees are 8 days away: not yet
    assert reminded(home, sub, 2, receiver) == [EU_FEES]  # 7 days before
    assert reminded(home, sub, 2, receiver) == []  # once
    assert reminded(home, sub, 3, receiver) == []
    # day 5 (US safety 7 days away) has no run; day 6 catches it up
    assert reminded(home, sub, 6, receiver) == [US_SAFETY]
    assert reminded(home, sub, 7, receiver) == []
    assert reminded(home, sub, 8, receiver) == [EU_FEES, FBM]  # 1 day before; 7 days before
    # days 11-13 have no run: US safety's 1-day reminder (day 11) is past its date by day 14,
    # so it never comes; EU 欧洲站's 7-day one (day 13) is caught up
    assert reminded(home, sub, 14, receiver) == [FBM, EU_ZH]
    assert reminded(home, sub, 21, receiver) == []  # every date is past
    with Storage(home.path / "policyradar.db") as storage:
        log = [d for d in storage.deliveries("team") if d["status"] == "reminder"]
        assert len(log) == 4
        rows = storage.db.execute(
            "SELECT change_id, day, days_before FROM reminders WHERE subscription = 'team'"
        ).fetchall()
    ids = {v["id"]: k for k, v in found.items()}
    assert sorted((ids[cid], n) for cid, _, n in rows) == sorted(
        [(EU_FEES, 7), (EU_FEES, 1), (US_SAFETY, 7), (FBM, 7), (FBM, 1), (EU_ZH, 7)]
    )


def test_a_reminder_tells_the_date_and_the_countdown(crawled, receiver: Receiver) -> None:
    home, found = crawled
    reminded(home, team(receiver), 2, receiver)
    payload = receiver.requests[-1].json()
    assert payload["title"] == "PolicyRadar · Reminder · 1 reminders"
    body = payload["message"]
    assert "Coming into force soon: get ready" in body
    assert f"{(T + timedelta(days=9)).isoformat()} (in 7 days)" in body
    assert found[EU_FEES]["summary"]["en"][:40] in body


def test_a_failed_reminder_is_sent_on_the_next_run(crawled, receiver: Receiver) -> None:
    home, _ = crawled
    sub = team(receiver)
    receiver.status = 500
    with freeze_time(at(2)), Storage(home.path / "policyradar.db") as storage:
        report = send_reminders(storage, sub, now=at(2), environ={})
        assert report.status == "failed"
        assert storage.deliveries("team")[0]["status"] == "failed"
    receiver.status = 200
    assert reminded(home, sub, 3, receiver) == [EU_FEES]


def test_send_due_sends_reminders_after_the_hour_filtered_like_the_digest(
    crawled, receiver: Receiver
) -> None:
    home, _ = crawled
    profile = load_home(home.path).profile
    us_only = team(receiver, marketplaces=("US",), schedule="daily 09:00")
    early = at(6, hour=0)  # 08:00 in Shanghai: before the hour
    with freeze_time(early), Storage(home.path / "policyradar.db") as storage:
        reports = send_due(storage, [us_only], now=early, environ={}, profile=profile)
        assert [r.mode for r in reports] == []
    later = at(6)
    with freeze_time(later), Storage(home.path / "policyradar.db") as storage:
        reports = send_due(storage, [us_only], now=later, environ={}, profile=profile)
    assert [r.mode for r in reports] == ["digest", "reminder"]
    # EU fees (7 days before on day 2) are about Europe: never reminded to a US-only team
    assert reminded(home, us_only, 8, receiver) == [FBM]
