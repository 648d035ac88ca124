"""``policyradar sources record``: save a site as a fixture, then replay it as the catalog does."""

from __future__ import annotations

import tomllib
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest

from policyradar.demo.site import SiteServer
from policyradar.sourcekit.fixtures import (
    EXPECTED_FILE,
    FIXTURES_DIR,
    compare,
    dump_sources,
    fixture_file,
    load_expected,
    rebase,
)
from tests.conftest import Home
from tests.test_sources_catalog import raw_entries, replay

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def live_entry(source_id: str, server: SiteServer) -> dict[str, Any]:
    """The catalog entry, pointed at ``server`` (the stand-in for the live site), no waiting."""
    (entry,) = [e for e in raw_entries() if e["id"] == source_id]
    entry = {k: v for k, v in entry.items() if k != "politeness"}
    return {**entry, "url": rebase(entry["url"], server.base_url)}


@pytest.fixture(scope="module")
def live_cifnews() -> Iterator[SiteServer]:
    with SiteServer(FIXTURES_DIR / "cifnews-amazon", "s1") as server:
        yield server


@pytest.fixture(scope="module")
def live_kx() -> Iterator[SiteServer]:
    with SiteServer(FIXTURES_DIR / "amz123-kx", "s1") as server:
        yield server


def test_a_recorded_list_replays_with_the_same_documents(
    home: Home, live_cifnews: SiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = live_entry("cifnews-amazon", live_cifnews)
    home.sources(dump_sources([entry]))
    fixtures = tmp_path / "fixtures"
    reviewed = fixtures / "cifnews-amazon" / EXPECTED_FILE  # a maintainer's [absent] is kept
    reviewed.parent.mkdir(parents=True)
    reviewed.write_text('[absent]\ntitles = ["2026雨果网跨境电商选品博览会·深圳站报名开启"]\n')
    args = ("sources", "record", "cifnews-amazon", "--into", str(fixtures), "--articles", "3")
    out = home.run(*args).stdout
    assert "expected.toml lists 3 documents" in out
    snap = fixtures / "cifnews-amazon" / "s1"
    files = sorted(p.relative_to(snap).as_posix() for p in snap.rglob("*") if p.is_file())
    assert files == [
        "_routes.toml",
        "article/1752081.html",
        "article/1752099.html",
        "article/1752108.html",
        "category/amz.html",
        "robots.txt",
    ]
    page = (snap / "category/amz.html").read_text(encoding="utf-8")
    assert live_cifnews.base_url not in page
    assert "{{base}}/article/1752108" in page
    with (snap / "_routes.toml").open("rb") as fh:
        routes = tomllib.load(fh)["routes"]
    assert routes["/category/amz"] == {"content_type": "text/html"}  # no charset, as recorded
    expected = load_expected(reviewed)
    assert expected.absent_titles == ["2026雨果网跨境电商选品博览会·深圳站报名开启"]
    assert [d.url.rsplit("/", 1)[-1] for d in expected.documents] == [
        "1752081",
        "1752099",
        "1752108",
    ]
    assert expected.documents[2].published_at == "2026-06-26T09:42:00+00:00"  # 17:42 UTC+8

    replayed = replay([entry], fixtures, Home(tmp_path / "replay"), monkeypatch)
    found = replayed.documents["cifnews-amazon"]
    assert len(found) == 3
    assert compare(expected, found) == []


def test_a_recorded_post_api_gets_its_route(
    home: Home, live_kx: SiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = live_entry("amz123-kx", live_kx)
    home.sources(dump_sources([entry]))
    fixtures = tmp_path / "fixtures"
    home.run("sources", "record", "amz123-kx", "--into", str(fixtures), "--snapshot", "s2")
    snap = fixtures / "amz123-kx" / "s2"
    assert (snap / "ugc/v1/user_content/kx_list").is_file()
    with (snap / "_routes.toml").open("rb") as fh:
        route = tomllib.load(fh)["routes"]["/ugc/v1/user_content/kx_list"]
    assert route["methods"] == ["POST"]
    assert route["conditional"] is False
    expected = load_expected(fixtures / "amz123-kx" / EXPECTED_FILE)
    assert expected.snapshot == "s2"
    assert len(expected.documents) == 6
    replayed = replay([entry], fixtures, Home(tmp_path / "replay"), monkeypatch)
    assert compare(expected, replayed.documents["amz123-kx"]) == []


def test_recording_a_broken_source_saves_nothing_and_exits_1(home: Home, tmp_path: Path) -> None:
    with SiteServer(FIXTURES_DIR / "amz123-kx", "s1") as server:
        entry = {"id": "gone", "kind": "feed", "url": f"{server.base_url}/no/such/feed.xml"}
        home.sources(dump_sources([entry]))
        fixtures = tmp_path / "fixtures"
        proc = home.run("sources", "record", "gone", "--into", str(fixtures), check=False)
    assert proc.returncode == 1
    assert "the entry page was not fetched" in proc.stderr
    assert not (fixtures / "gone").exists()
    bad = home.run("sources", "record", "gone", "--snapshot", "../x", check=False)
    assert bad.returncode == 2


@pytest.mark.parametrize(
    ("path", "content_type", "file"),
    [
        ("/", "text/html", "index.html"),
        ("/t/", "text/html; charset=utf-8", "t/index.html"),
        ("/category/amz", "text/html", "category/amz.html"),
        ("/sp-api/changelog.rss", "application/rss+xml", "sp-api/changelog.rss"),
        ("/20260625/590412.shtml", "text/html", "20260625/590412.shtml"),
        ("/news/feed", "application/rss+xml", "news/feed"),
        ("/ugc/v1/user_content/kx_list", "application/json", "ugc/v1/user_content/kx_list"),
    ],
)
def test_fixture_files_are_where_the_demo_server_looks(
    path: str, content_type: str, file: str, tmp_path: Path
) -> None:
    assert fixture_file(path, content_type) == file
    (tmp_path / "s1" / file).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "s1" / file).write_text("<html><body>x</body></html>")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with SiteServer(tmp_path, "s1") as server, opener.open(server.url(path)) as answer:
        assert answer.status == 200
