"""A source's baseline is what its first *completed* crawl sees: documents listed then are history,
never news, even when their own fetch failed at first or the first crawl was cut short.
Real crawls of a local site (snapshots s1, s2) into a real database.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.site import SiteServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

ITEMS = 5
FLAKY = 3  # item-3 answers 503 during the first crawl


def _page(title: str, text: str) -> str:
    return f"<html><head><title>{title}</title></head><body><main>{text}</main></body></html>"


@pytest.fixture(scope="module")
def list_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    root = tmp_path_factory.mktemp("baselinesite")
    for snap in ("s1", "s2", "s3"):
        (root / snap / "news").mkdir(parents=True)
        count = ITEMS + (1 if snap == "s3" else 0)  # s3 publishes one more notice
        links = "".join(
            f'<li class="item"><a href="/news/item-{n}.html">Notice {n}</a></li>'
            for n in range(1, count + 1)
        )
        (root / snap / "news" / "index.html").write_text(
            _page("News", f"<ul>{links}</ul>"), encoding="utf-8"
        )
        for n in range(1, count + 1):
            (root / snap / "news" / f"item-{n}.html").write_text(
                _page(f"Notice {n}", f"<p>Seller notice {n}: a fee changes on 1 March.</p>"),
                encoding="utf-8",
            )
    (root / "s1" / "_routes.toml").write_text(
        f'[routes."/news/item-{FLAKY}.html"]\nstatus = 503\n', encoding="utf-8"
    )
    (root / "sources.toml").write_text("", encoding="utf-8")
    with SiteServer(root, snapshot="s1") as server:
        yield server


def _configure(home: Home, site: SiteServer) -> None:
    home.sources(
        f'[[source]]\nid = "news"\nkind = "listing"\nurl = "{site.base_url}/news/index.html"\n'
        '[source.selectors]\nitem = "li.item"\nlink = "a"\nbody = "main"\n'
    )


def _news(home: Home) -> list[tuple[str, int]]:
    """(url tail, baseline) of every change, oldest first."""
    db = sqlite3.connect(home.path / "policyradar.db")
    rows = db.execute("SELECT url, baseline FROM changes ORDER BY id").fetchall()
    return [(url.rsplit("/", 1)[-1], baseline) for url, baseline in rows]


def test_an_entry_whose_first_fetch_failed_stays_baseline_when_it_arrives(
    list_site: SiteServer, home: Home
) -> None:
    _configure(home, list_site)
    list_site.snapshot = "s1"
    first = home.crawl()["sources"][0]
    assert (first["new"], first["errors"]) == (ITEMS - 1, 1)
    list_site.snapshot = "s2"
    second = home.crawl()["sources"][0]
    assert second["new"] == 1  # item-3, fetched at last
    list_site.snapshot = "s3"
    home.crawl()
    news = _news(home)
    assert (f"item-{FLAKY}.html", 1) in news  # history, not news
    assert [tail for tail, baseline in news if not baseline] == [f"item-{ITEMS + 1}.html"]


def test_a_failed_first_crawl_leaves_the_next_one_the_baseline(
    list_site: SiteServer, home: Home
) -> None:
    home.sources(
        f'[[source]]\nid = "news"\nkind = "listing"\nurl = "{list_site.base_url}/news/nothing"\n'
        '[source.selectors]\nitem = "li.item"\nlink = "a"\nbody = "main"\n'
    )
    list_site.snapshot = "s1"
    failed = home.run("crawl", "--json", check=False)
    assert failed.returncode == 1  # every source failed
    _configure(home, list_site)
    list_site.snapshot = "s2"
    home.crawl()
    news = _news(home)
    assert len(news) == ITEMS
    assert all(baseline for _, baseline in news)
