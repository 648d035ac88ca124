"""A step that cannot run on a document makes it an error of its source, never "unchanged".

The broken step is real: a crawl in a child process whose `trafilatura` cannot be imported (as
when an install lacks one of its dependencies, see issue 14's `lxml_html_clean`). Pages with a
`body` selector do not need it and still work; the others end as errors, and the crawl exits 1
when every source failed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.demo.site import SiteServer
    from tests.conftest import Home


def crawl_without_trafilatura(home: Home, tmp_path: Path, *sources: str) -> tuple[int, dict]:
    shadow = tmp_path / "shadow" / "trafilatura"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        'raise ImportError("trafilatura is broken in this environment")\n', encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    args = [sys.executable, "-m", "policyradar.cli.main", "--home", str(home.path), "--lang"]
    args += ["en", "crawl", "--json", *(a for s in sources for a in ("--source", s))]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("workers", [0, 1], ids=["in the crawl", "in a worker process"])
def test_an_extraction_that_cannot_run_is_an_error_not_unchanged(
    site: SiteServer, home: Home, tmp_path: Path, workers: int
) -> None:
    home.sources(
        f'[[source]]\nid = "no-selector"\nkind = "page"\nurl = "{site.base_url}/policy/page"\n\n'
        f'[[source]]\nid = "with-selector"\nkind = "page"\nurl = "{site.base_url}/flaky/page"\n'
        '[source.selectors]\nbody = ".content"\n'
    )
    config = home.path / "config.toml"
    config.write_text(config.read_text("utf-8") + f"workers = {workers}\n", encoding="utf-8")
    code, report = crawl_without_trafilatura(home, tmp_path)
    outcomes = {s["source_id"]: s for s in report["sources"]}
    assert outcomes["no-selector"]["outcome"] == "error"
    assert outcomes["no-selector"]["errors"] == 1
    assert "ImportError" in outcomes["no-selector"]["error"]
    assert outcomes["with-selector"]["outcome"] == "changed"
    assert code == 0  # one source still worked

    db = sqlite3.connect(home.path / "policyradar.db")
    stored = db.execute("SELECT COUNT(*) FROM changes WHERE source_id = 'no-selector'")
    assert stored.fetchone() == (0,)


def test_a_crawl_where_every_source_failed_a_step_exits_1(
    site: SiteServer, home: Home, tmp_path: Path
) -> None:
    home.sources(
        f'[[source]]\nid = "no-selector"\nkind = "page"\nurl = "{site.base_url}/policy/page"\n'
    )
    code, report = crawl_without_trafilatura(home, tmp_path, "no-selector")
    assert code == 1
    assert report["sources"][0]["outcome"] == "error"
