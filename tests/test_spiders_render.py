"""Browser rendering (``render = "browser"``): a real crawl of a page whose list is built by script.

The fixture list page has no entries in its HTML: an inline ``<script>`` inserts them after a
short delay, so a plain fetch finds nothing and a rendered fetch must wait for ``wait_for``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from policyradar.config import Source
from policyradar.demo.site import SiteServer
from policyradar.storage.documents import VERSION_TEXT

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

CHROMIUM = Path("/usr/bin/chromium")

if "render" not in {f.name for f in fields(Source)}:
    pytest.skip(
        "policyradar.config.Source has no `render`/`wait_for` fields yet", allow_module_level=True
    )
if not CHROMIUM.exists() and not os.environ.get("PLAYWRIGHT_CHROMIUM"):
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is missing: run `make test`", pytrace=False)
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

LIST_PAGE = """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>最新资讯</title></head>
<body>
<ul id="news"></ul>
<script>
  const items = [
    ["{{base}}/news/20260301/1001.shtml", "亚马逊调整FBA配送费", "2026-03-01T09:00:00+08:00"],
    ["{{base}}/news/20260302/1002.shtml", "TikTok Shop更新禁售政策", "2026-03-02T10:30:00+08:00"],
  ];
  setTimeout(() => {
    const list = document.getElementById("news");
    for (const [href, title, when] of items) {
      const li = document.createElement("li");
      li.className = "news-item";
      li.innerHTML = '<a class="title" href="' + href + '">' + title + '</a>'
        + '<time datetime="' + when + '">' + when.slice(0, 10) + '</time>';
      list.appendChild(li);
    }
  }, 300);
</script>
</body></html>
"""

ARTICLE = """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1 class="post-text-title">{title}</h1>
<div class="post-text"><p id="body">loading</p></div>
<script>document.getElementById("body").textContent = "{body}";</script>
</body></html>
"""

POLICY_PAGE = """\
<!doctype html>
<html><head><meta charset="utf-8"><title>Seller University</title></head>
<body><main id="app"></main>
<script>
  setTimeout(() => {
    document.getElementById("app").innerHTML =
      '<h1 class="essay-title">Policy Pulse</h1><p class="essay">Referral fees change on '
      + 'March 15, 2026 for every seller in the beauty category.</p>';
  }, 300);
</script>
</body></html>
"""

SOURCES = """\
[[source]]
id = "js-list"
kind = "listing"
url = "{base}/information/"
render = "browser"
wait_for = "li.news-item"
[source.selectors]
item = "li.news-item"
link = "a.title"
date = "time[datetime]"

[[source]]
id = "js-page"
kind = "page"
url = "{base}/university/essay"
render = "browser"
wait_for = ".essay"

[[source]]
id = "plain-list"
kind = "listing"
url = "{base}/information/"
[source.selectors]
item = "li.news-item"
link = "a.title"
"""


@pytest.fixture
def js_site(tmp_path: Path) -> Iterator[SiteServer]:
    s1 = tmp_path / "site" / "s1"
    (s1 / "information").mkdir(parents=True)
    (s1 / "information" / "index.html").write_text(LIST_PAGE, encoding="utf-8")
    for day, num, title, body in [
        ("20260301", "1001", "亚马逊调整FBA配送费", "3月15日起FBA配送费上调"),
        ("20260302", "1002", "TikTok Shop更新禁售政策", "新增禁售类目"),
    ]:
        folder = s1 / "news" / day
        folder.mkdir(parents=True)
        (folder / f"{num}.shtml").write_text(
            ARTICLE.format(title=title, body=body), encoding="utf-8"
        )
    (s1 / "university").mkdir()
    (s1 / "university" / "essay.html").write_text(POLICY_PAGE, encoding="utf-8")
    (s1 / "_routes.toml").write_text(
        '[routes."/news/*/*"]\ncontent_type = "text/html; charset=utf-8"\n', encoding="utf-8"
    )
    with SiteServer(tmp_path / "site", snapshot="s1") as server:
        yield server


def _outcome(report: dict, source: str) -> dict:
    (row,) = [s for s in report["sources"] if s["source_id"] == source]
    return row


def _texts(home: Home, source: str) -> dict[str, str]:
    with sqlite3.connect(home.path / "policyradar.db") as db:
        rows = db.execute(
            f"SELECT d.url, v.title || '\n' || {VERSION_TEXT} FROM versions v"
            " JOIN documents d ON d.id = v.document_id WHERE d.source_id = ?",
            (source,),
        ).fetchall()
    return {url.rsplit("/", 1)[-1]: text for url, text in rows}


def test_a_rendered_source_sees_script_built_entries_and_a_plain_one_does_not(
    home: Home, js_site: SiteServer
) -> None:
    home.sources(SOURCES.format(base=js_site.base_url))
    report = home.crawl()

    listed = _outcome(report, "js-list")
    assert listed["outcome"] != "error", listed
    assert listed["new"] == 2
    texts = _texts(home, "js-list")
    assert set(texts) == {"1001.shtml", "1002.shtml"}
    assert "亚马逊调整FBA配送费" in texts["1001.shtml"]
    assert "3月15日起FBA配送费上调" in texts["1001.shtml"]  # the article's script ran too

    page = _outcome(report, "js-page")
    assert page["new"] == 1, page
    (text,) = _texts(home, "js-page").values()
    assert "Referral fees change on March 15, 2026" in text

    # the same page fetched without a browser has no entries: other sources are unchanged
    plain = _outcome(report, "plain-list")
    assert plain["outcome"] == "error"
    paths = [r.url_path for r in js_site.requests]
    assert paths.count("/information/") == 2  # one rendered, one plain


def test_a_rendered_page_keeps_conditional_gets(home: Home, js_site: SiteServer) -> None:
    home.sources(SOURCES.format(base=js_site.base_url))
    home.crawl("--source", "js-page")
    js_site.clear_requests()
    report = home.crawl("--source", "js-page")
    (req,) = [r for r in js_site.requests if r.url_path == "/university/essay"]
    assert req.headers.get("if-none-match")
    assert req.status == 304
    assert _outcome(report, "js-page")["outcome"] == "unchanged"


def test_without_a_browser_only_the_rendered_sources_fail(
    home: Home, js_site: SiteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYWRIGHT_CHROMIUM", "/nonexistent/chromium")
    home.sources(SOURCES.format(base=js_site.base_url))
    proc = home.run("crawl", "--json", check=False)
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    for source in ("js-list", "js-page"):
        row = _outcome(report, source)
        assert row["outcome"] == "error", row
    with sqlite3.connect(home.path / "policyradar.db") as db:
        reasons = [r for (r,) in db.execute("SELECT reason FROM events WHERE source_id='js-list'")]
    assert any("chromium, which was not found" in r for r in reasons), reasons
    assert _outcome(report, "plain-list")["outcome"] == "error"  # fetched plainly, no entries
    assert [r.url_path for r in js_site.requests].count("/information/") == 1
