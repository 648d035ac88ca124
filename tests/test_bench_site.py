"""The benchmark's generated site and its bookkeeping: what `make bench` plants, PolicyRadar finds.

A small site served by Python's own HTTP server stands in for nginx here (the bench itself needs
nginx for speed, not for correctness).
"""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import Home

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from prhome import read_run, write_home  # noqa: E402
from sitegen import MAX_BYTES, MIN_BYTES, SECTIONS, Site  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator


def html_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.html"))}


def test_the_site_is_the_same_for_the_same_seed_and_pages_are_20_to_80_kb(tmp_path: Path) -> None:
    one, two = Site(tmp_path / "one", 40, seed=3), Site(tmp_path / "two", 40, seed=3)
    one.generate(workers=1)
    two.generate(workers=1)
    assert html_files(one.root) == html_files(two.root)
    articles = [one.root / p.lstrip("/") for p in one.article_paths]
    assert len(articles) == 40
    # the body grows by whole paragraphs up to its target, so the last one may run a little over
    assert all(MIN_BYTES <= a.stat().st_size <= 1.05 * MAX_BYTES for a in articles)
    languages = [p.split("/")[1] for p in one.article_paths]
    assert languages.count("zh") == languages.count("en") == 20


def test_a_round_plants_changed_new_and_gone_pages(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", 100, seed=3)
    site.generate(workers=1)
    before = html_files(site.root)
    planted = site.mutate(2, changed_pct=5, new_pct=1, gone_pct=1)
    assert (len(planted.changed), len(planted.new), len(planted.gone)) == (5, 1, 1)
    after = html_files(site.root)
    assert all(after[p.lstrip("/")] != before[p.lstrip("/")] for p in planted.changed)
    assert all(p.lstrip("/") not in after for p in planted.gone)
    (new,) = planted.new
    lists = b"".join(v for k, v in after.items() if "/list-" in k)
    assert new.encode() in lists  # linked from a list page, so a crawl can find it


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    site = Site(tmp_path / "site", 40, seed=5)
    site.generate(workers=1)
    handler = functools.partial(_Quiet, directory=str(site.root))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield site, f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def test_a_real_crawl_finds_exactly_what_each_round_planted(
    served: tuple[Site, str], tmp_path: Path
) -> None:
    site, base = served
    home = Home(tmp_path / "home")
    write_home(home.path, site, base)
    db = home.path / "policyradar.db"

    home.crawl()
    first = read_run(db, 1)
    assert first.new == {base + p for p in site.article_paths}
    assert first.versions_added == 40
    assert not first.anomalies
    assert not first.other_errors

    planted = site.mutate(2, changed_pct=5, new_pct=1, gone_pct=1)
    home.crawl()
    second = read_run(db, 2)
    assert second.changed == {base + p for p in planted.changed}
    assert second.new == {base + p for p in planted.new}
    assert second.first_404 == {base + p for p in planted.gone}
    assert second.versions_added == len(planted.changed) + len(planted.new)  # none for the rest

    home.crawl()
    third = read_run(db, 3)
    assert third.removed == {base + p for p in planted.gone}  # the second 404 in a row
    assert third.versions_added == 0
    sources = (home.path / "sources.toml").read_text(encoding="utf-8")
    assert sources.count("[[source]]") == len(SECTIONS)  # one listing source per section
