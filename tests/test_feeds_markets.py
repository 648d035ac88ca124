"""Atom feeds of everything, of urgent changes and per marketplace, over a real crawl of
tests/fixtures/markets; an unknown category, watchlist or marketplace in a feed's address is a
404 with a message naming the known ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import pytest
from starlette.testclient import TestClient

from policyradar.web.app import create_app
from tests.markets_site import EU_FEES, EU_ZH, FBM, US_SAFETY, crawl_markets

if TYPE_CHECKING:
    from tests.conftest import Home

NS = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, dict[str, dict]]:
    from tests.conftest import Home

    home: Home = Home(tmp_path_factory.mktemp("feeds") / "home")
    (home.path / "watchlists.toml").write_text(
        '[[watchlist]]\nname = "fees-watch"\ncategory = "fees"\nkeywords = ["referral fees"]\n',
        encoding="utf-8",
    )
    found = crawl_markets(home, datetime.now(UTC).date())
    app = create_app(home.path / "policyradar.db", home=home.path)
    return TestClient(app, base_url="http://127.0.0.1"), found


def entries(client: TestClient, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    links = [e.find("a:link[@rel='related']", NS) for e in feed.findall("a:entry", NS)]
    return [link.get("href", "").rsplit("/", 1)[-1] for link in links if link is not None]


def test_the_feed_of_everything_and_of_urgent_changes(client) -> None:
    c, _ = client
    every = entries(c, "/feeds/all.atom")
    assert {EU_FEES, US_SAFETY, EU_ZH, FBM} <= set(every)
    assert len(every) == 6  # the baseline documents too: a feed is the history
    urgent = entries(c, "/feeds/urgent.atom")
    high = {x["url"].rsplit("/", 1)[-1] for x in c.get("/api/changes?urgency=high").json()}
    assert set(urgent) == high
    assert {EU_FEES, US_SAFETY, EU_ZH, FBM} <= high  # each comes into force within 30 days
    low = {x["url"].rsplit("/", 1)[-1] for x in c.get("/api/changes?urgency=low").json()}
    assert not low & set(urgent)


def test_a_marketplace_feed_has_its_changes_and_the_global_ones(client) -> None:
    c, _ = client
    us = set(entries(c, "/feeds/marketplace/US.atom"))
    assert {US_SAFETY, FBM} <= us
    assert not {EU_FEES, EU_ZH} & us  # a US source's post about the European stores is not
    eu = set(entries(c, "/feeds/marketplace/eu.atom"))
    assert {EU_FEES, EU_ZH, FBM} <= eu
    assert US_SAFETY not in eu
    assert set(entries(c, "/feeds/marketplace/DE.atom")) == eu


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/feeds/category/nosuch.atom", "No such category: nosuch. Known: fees, fba"),
        ("/feeds/watch/nosuch.atom", "No such watchlist: nosuch. Known: fees-watch"),
        ("/feeds/marketplace/Mars.atom", "No such marketplace: Mars. Known: US, CA"),
    ],
)
def test_an_unknown_feed_is_a_404_naming_the_known_ones(client, path: str, says: str) -> None:
    c, _ = client
    response = c.get(path + "?lang=en")
    assert response.status_code == 404
    assert says in response.text
    assert c.get("/feeds/category/fees.atom").status_code == 200
    assert c.get("/feeds/watch/fees-watch.atom").status_code == 200
