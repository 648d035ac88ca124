"""A page over DOWNLOAD_MAXSIZE fails its source with a reason a reader understands, in their
language, and is never half-stored. Real crawl of a local site.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from policyradar.demo.site import SiteServer
from policyradar.i18n import reason

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Home


def test_a_page_over_the_size_limit_is_named_so(tmp_path: Path, home: Home) -> None:
    s1 = tmp_path / "site" / "s1"
    s1.mkdir(parents=True)
    body = "<p>The referral fee is 15%.</p>\n" * 350_000  # ~11 MB, over Scrapy's 10 MB default
    (s1 / "huge.html").write_text(f"<html><body><main>{body}</main></body></html>")
    (tmp_path / "site" / "sources.toml").write_text("", encoding="utf-8")
    with SiteServer(tmp_path / "site", snapshot="s1") as site:
        home.sources(f'[[source]]\nid = "huge"\nkind = "page"\nurl = "{site.base_url}/huge.html"\n')
        proc = home.run("crawl", "--json", check=False)
    assert proc.returncode == 1  # every source failed
    report = json.loads(proc.stdout)
    (row,) = report["sources"]
    assert row["outcome"] == "error"
    (event,) = [e for e in report["events"] if e["kind"] == "error"]
    assert event["reason"] == "page too large: over the 10 MB limit (DOWNLOAD_MAXSIZE)"
    assert reason(event["reason"], "zh") == "页面太大：超过 10 MB 的上限（DOWNLOAD_MAXSIZE）"
    with sqlite3.connect(home.path / "policyradar.db") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (0,)
