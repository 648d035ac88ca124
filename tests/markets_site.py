"""The markets fixture site (tests/fixtures/markets, see its README) crawled into a home: s1 (the
baseline), then s2, served with today's date so its effective dates lie ahead. No tests here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from policyradar.demo.site import SiteServer

if TYPE_CHECKING:
    from tests.conftest import Home

SITE = Path(__file__).parent / "fixtures" / "markets"
SOURCES = """\
[[source]]
id = "forum-us"
kind = "listing"
name = "Amazon Seller Forums (US)"
url = "{base}/forum/list"
marketplace = "US"
language = "en"
[source.selectors]
item = "li.post"
link = "a"
title = "h1.title"
date = "time[datetime]"
body = ".body"

[[source]]
id = "gs-news"
kind = "listing"
name = "亚马逊全球开店 · 新闻公告"
url = "{base}/news/list"
marketplace = "GLOBAL"
language = "zh"
[source.selectors]
item = "li.post"
link = "a"
title = "h1.title"
date = "time[datetime]"
body = ".body"
"""
# The second crawl's changes, by the last part of their URL, and the day offsets of their dates.
EU_FEES, US_SAFETY, EU_ZH, FBM = "eu-fees", "us-safety", "n-eu", "n-fbm"
DAYS = {EU_FEES: 9, US_SAFETY: 12, FBM: 15, EU_ZH: 20}


def crawl_markets(home: Home, today: date, config: str = "") -> dict[str, dict]:
    """Crawl s1 then s2 into ``home`` (``config`` appended to its config.toml); return the second
    crawl's changes by the last part of their URL.
    """
    if config:
        path = home.path / "config.toml"
        path.write_text(path.read_text(encoding="utf-8") + "\n" + config, encoding="utf-8")
    with SiteServer(SITE, snapshot="s1", today=today) as server:
        home.sources(SOURCES.format(base=server.base_url))
        home.crawl()
        server.snapshot = "s2"
        home.crawl()
    return {c["url"].rsplit("/", 1)[-1]: c for c in home.changes() if not c["baseline"]}
