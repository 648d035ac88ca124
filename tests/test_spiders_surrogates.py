"""A feed or an API whose text refers to a lone surrogate (``&#xD800;``, a JSON ``"\\ud800"``
escape) still gives its documents: the reference or escape is dropped, the rest of the text is
stored, classified and searchable. UTF-8 cannot hold a lone surrogate, so left in, it would stop
feedparser, the document's hash, OpenCC and SQLite. Real crawls of a local site.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.site import SiteServer
from policyradar.spiders.feed import _SURROGATE_REF
from policyradar.text.clean import without_surrogates
from policyradar.text.normalise import normalise

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Seller news</title>'
    "<link>{{base}}/</link><item><title>FBA fee&#xD800; update</title>"
    "<link>{{base}}/notices/1.html</link><pubDate>Mon, 02 Feb 2026 08:00:00 GMT</pubDate>"
    "<description>Fulfillment fees change&#55296; on 1 March 2026.</description></item>"
    "</channel></rss>"
)
ANSWER = {
    "status": 0,
    "data": {
        "row_map": {
            "2026-02-02": [
                {
                    "kx_content": [
                        {
                            "id": "Y7Uk3LdE",
                            "resource_id": 1,
                            "title": "亚马逊配送费\ud800调整",
                            "content": "自3月1日起，亚马逊美国站配送费\udfff上调。",
                            "published_at": 1770019200,
                        }
                    ]
                }
            ]
        }
    },
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    root = tmp_path_factory.mktemp("surrogates")
    s1 = root / "s1"
    (s1 / "feeds").mkdir(parents=True)
    (s1 / "api").mkdir()
    (s1 / "feeds" / "news.xml").write_text(FEED, encoding="utf-8")
    # json.dumps writes the lone surrogates as the escapes a broken API sends
    (s1 / "api" / "kx_list").write_text(json.dumps(ANSWER), encoding="ascii")
    (s1 / "_routes.toml").write_text(
        '[routes."/api/kx_list"]\nmethods = ["POST"]\nconditional = false\n', encoding="utf-8"
    )
    (root / "sources.toml").write_text("", encoding="utf-8")
    with SiteServer(root, snapshot="s1") as server:
        yield server


def test_a_lone_surrogate_in_a_feed_or_an_api_answer_is_dropped_and_the_rest_kept(
    site: SiteServer, home: Home
) -> None:
    home.sources(
        f'[[source]]\nid = "news"\nkind = "feed"\nurl = "{site.base_url}/feeds/news.xml"\n'
        "follow = false\n\n"
        f'[[source]]\nid = "kx"\nkind = "api"\nadapter = "amz123-kx"\nlanguage = "zh"\n'
        f'url = "{site.base_url}/api/kx_list"\n'
    )
    report = home.crawl()
    assert {row["source_id"]: (row["outcome"], row["new"]) for row in report["sources"]} == {
        "news": ("changed", 1),
        "kx": ("changed", 1),
    }
    db = sqlite3.connect(home.path / "policyradar.db")
    titles = sorted(title for (title,) in db.execute("SELECT title FROM changes"))
    assert titles == ["FBA fee update", "亚马逊配送费调整"]
    found = json.loads(home.run("search", "配送费", "--json").stdout)
    # the Chinese notice as written, the English one through the glossary (fulfillment fee)
    assert [hit["title"] for hit in found] == ["亚马逊配送费调整", "FBA fee update"]
    (categories,) = db.execute("SELECT categories FROM changes WHERE title LIKE 'FBA%'").fetchone()
    assert "fees" in json.loads(categories)


def test_normalise_drops_lone_surrogates_and_keeps_real_pairs() -> None:
    assert normalise("配送费\ud800调整 \U0001f4e6 fee\udcff") == "配送费调整 \U0001f4e6 fee"
    assert without_surrogates("a\ud800b\udfffc") == "abc"
    assert without_surrogates("ok 费用") == "ok 费用"


def test_the_feed_pattern_takes_exactly_the_references_to_surrogates() -> None:
    for code in range(0xD000, 0xE100):
        surrogate = 0xD800 <= code <= 0xDFFF
        for ref in (f"&#{code};", f"&#x{code:x};", f"&#X{code:04X};", f"&#00{code};"):
            assert (_SURROGATE_REF.fullmatch(ref.encode()) is not None) == surrogate, ref
