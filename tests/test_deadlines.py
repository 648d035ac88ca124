"""Deadlines: the `deadlines` command (list, JSON, iCalendar), the web page and the calendar feed,
and the digest's "coming into force" section, over a real crawl of tests/fixtures/markets whose
dates lie 9, 12, 15 and 20 days ahead; the calendar is parsed back with the `icalendar` package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import icalendar
import pytest
from starlette.testclient import TestClient

from policyradar.digest.deadlines import Deadline, countdown
from policyradar.digest.ical import LINE_OCTETS, calendar, escape_text, fold
from policyradar.web.app import create_app
from tests.markets_site import DAYS, EU_FEES, EU_ZH, FBM, US_SAFETY, crawl_markets

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Home


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, dict[str, dict]]:
    from tests.conftest import Home

    home = Home(tmp_path_factory.mktemp("deadlines") / "home")
    config = (
        '[profile]\nmarketplaces = ["US"]\n\n'
        '[[subscription]]\nname = "team"\nurl = "json://127.0.0.1:9/hook"\nlanguage = "en"\n'
    )
    return home, crawl_markets(home, today(), config)


def today() -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def slug(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def test_deadlines_lists_the_coming_dates_the_profile_wants_nearest_first(crawled) -> None:
    home, _ = crawled
    everything = home.json("deadlines", "--all")
    assert [(slug(d["url"]), d["date"]) for d in everything] == [
        (name, day(DAYS[name])) for name in (EU_FEES, US_SAFETY, FBM, EU_ZH)
    ]
    assert [d["days_left"] for d in everything] == [9, 12, 15, 20]
    assert all(d["summary"]["zh"] and d["summary"]["en"] for d in everything)
    # [profile] marketplaces = ["US"]: the European dates are left out, the global one stays
    assert [slug(d["url"]) for d in home.json("deadlines")] == [US_SAFETY, FBM]
    assert [slug(d["url"]) for d in home.json("deadlines", "--all", "--marketplace", "eu")] == [
        EU_FEES,
        FBM,
        EU_ZH,
    ]
    assert [slug(d["url"]) for d in home.json("deadlines", "--all", "--days", "10")] == [EU_FEES]
    text = home.run("deadlines", "--all").stdout
    assert "in 9 days" in text
    assert day(9) in text
    bad = home.run("deadlines", "--marketplace", "Mars", check=False)
    assert bad.returncode == 2
    assert "marketplace" in bad.stderr
    assert "US, CA" in bad.stderr


def test_the_ics_file_is_valid_rfc5545_with_stable_uids(crawled, tmp_path: Path) -> None:
    home, found = crawled
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    home.run("deadlines", "--all", "--ics", str(first))
    home.run("deadlines", "--all", "--ics", str(second))
    data = first.read_bytes()
    assert data == second.read_bytes()  # the same dates give the same bytes: stable UIDs
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends in CRLF
    assert all(len(line) <= LINE_OCTETS for line in data.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"]
    events = cal.walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events) == 4
    fees = by_uid[f"change-{found[EU_FEES]['id']}-{day(9)}@policyradar"]
    assert fees.decoded("DTSTART") == today() + timedelta(days=9)  # an all-day date
    assert fees["DTSTART"].params["VALUE"] == "DATE"
    assert fees.decoded("DTEND") == today() + timedelta(days=10)
    assert str(fees["SUMMARY"]) == found[EU_FEES]["summary"]["en"]
    assert str(fees["URL"]) == found[EU_FEES]["url"]
    assert found[EU_FEES]["url"] in str(fees["DESCRIPTION"])
    assert fees.decoded("DTSTAMP").tzinfo is not None


def test_text_values_are_escaped_and_folded_without_splitting_a_character() -> None:
    tricky = "费用, 佣金; 路径 C:\\tmp\n第二行" * 4
    d = Deadline(
        day=date(2026, 3, 31),
        change_id=7,
        title=tricky,
        summary={"zh": tricky, "en": "x"},
        url="https://gs.amazon.cn/news/news-notices-260112",
        source_id="gs",
        source_name="亚马逊全球开店",
        marketplaces=("US",),
        categories=("fees",),
        urgency="high",
        kind="new",
        detected_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    )
    text = calendar([d])
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    for line in text.encode("utf-8").split(b"\r\n"):
        assert len(line) <= LINE_OCTETS
        line.decode("utf-8")  # never half a character
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(event["SUMMARY"]) == d.line("zh")  # clean() made it one line
    assert str(event["UID"]) == "change-7-2026-03-31@policyradar"
    assert event.decoded("DTSTAMP") == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert fold("a" * 200).count("\r\n ") == 2


def test_countdown_words() -> None:
    start = date(2026, 3, 1)
    assert countdown(date(2026, 3, 4), start, "zh") == "3 天后"
    assert countdown(date(2026, 3, 4), start, "en") == "in 3 days"
    assert countdown(date(2026, 3, 2), start, "zh") == "明天"
    assert countdown(start, start, "en") == "today"
    assert countdown(date(2026, 2, 1), start, "zh") == "已生效"


def test_the_web_page_and_the_calendar_feed(crawled) -> None:
    home, found = crawled
    client = TestClient(create_app(home.path / "policyradar.db"), base_url="http://127.0.0.1")
    page = client.get("/deadlines?lang=en")
    assert page.status_code == 200
    for name in (EU_FEES, US_SAFETY, FBM, EU_ZH):
        assert f'href="/changes/{found[name]["id"]}' in page.text
    assert "in 9 days" in page.text
    assert "webcal://127.0.0.1/feeds/deadlines.ics" in page.text
    only_us = client.get("/deadlines?marketplace=US")
    assert f'/changes/{found[EU_FEES]["id"]}"' not in only_us.text
    assert f'/changes/{found[FBM]["id"]}"' in only_us.text
    feed = client.get("/feeds/deadlines.ics")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 4
    links = {str(e["URL"]) for e in events}
    assert f"http://127.0.0.1/changes/{found[US_SAFETY]['id']}" in links
    eu_only = icalendar.Calendar.from_ical(
        client.get("/feeds/deadlines.ics?marketplace=DE").content
    )
    assert len(eu_only.walk("VEVENT")) == 3  # the two European dates and the global one


def test_the_digest_shows_what_comes_into_force_in_the_next_30_days(crawled) -> None:
    home, found = crawled
    text = home.run("digest", "--subscription", "team", "--dry-run").stdout
    section = text.split("■ Coming into force", 1)[1].split("■", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    # the profile (US) leaves the European dates out; the global FBM one stays
    assert len(lines) == 2
    for line, (name, left) in zip(lines, ((US_SAFETY, 12), (FBM, 15)), strict=True):
        summary = found[name]["summary"]["en"]
        assert line.startswith(f"- {day(left)} (in {left} days) {summary[:60]}")
        assert len(line) < 120  # the line is shortened, not the message
