"""Every source in data/sources.toml, crawled by the real spiders from its recorded fixture.

Each source has ``tests/fixtures/sources/<id>/``: a snapshot folder of its site (built from
shared/SOURCES.md, or saved by ``policyradar sources record``) and ``expected.toml``. One
`SiteServer` per source serves its snapshot on 127.0.0.1; the source's URL is pointed there
(same path and query), every source is crawled in one ``policyradar crawl``, and the documents
each one yields are compared, with URLs mapped back to the source's real origin, to its
``expected.toml``: titles, canonical URLs, UTC dates, text, and what the filters must drop.
"""

from __future__ import annotations

import re
import tomllib
import urllib.robotparser
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from policyradar.config import FORBIDDEN_URL_PATTERNS, load_sources
from policyradar.demo.site import SiteServer
from policyradar.sourcekit.fixtures import (
    EXPECTED_FILE,
    FIXTURES_DIR,
    compare,
    dump_sources,
    load_expected,
    origin,
    rebase,
    unbase,
)
from policyradar.spiders import follows
from tests.conftest import Home

if TYPE_CHECKING:
    from collections.abc import Iterator

CATALOG = Path(__file__).resolve().parent.parent / "data" / "sources.toml"
SOURCES = load_sources(CATALOG)
IDS = [s.id for s in SOURCES]
# Any request that is not to 127.0.0.1 goes to a closed local port instead of the network.
NO_NETWORK = {
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "no_proxy": "127.0.0.1,localhost",
}
_TWO_LEVEL = ("co.uk", "com.au", "co.jp", "com.br", "com.cn", "gov.cn")


def raw_entries(path: Path = CATALOG) -> list[dict[str, Any]]:
    with path.open("rb") as fh:
        return list(tomllib.load(fh)["source"])


def site_of(url: str) -> str:
    """The registrable domain of a host (``sellercentral.amazon.co.uk`` -> ``amazon.co.uk``)."""
    host = urlsplit(url).hostname or ""
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in _TWO_LEVEL else 2
    return ".".join(labels[-keep:])


@dataclass
class Replay:
    """A crawl of sources served from their fixtures: the documents each yielded, real URLs."""

    report: dict[str, Any]
    documents: dict[str, list[dict[str, Any]]]

    def outcome(self, source_id: str) -> dict[str, Any]:
        return next(s for s in self.report["sources"] if s["source_id"] == source_id)


def replay(
    entries: list[dict[str, Any]], fixtures: Path, home: Home, monkeypatch: pytest.MonkeyPatch
) -> Replay:
    """Serve each entry's fixture, point the entry at it, crawl them all once, map URLs back."""
    for name, value in NO_NETWORK.items():
        monkeypatch.setenv(name, value)
    with ExitStack() as stack:
        bases: dict[str, tuple[str, str]] = {}  # id -> (local base, real origin)
        local = []
        for entry in entries:
            if not (fixtures / entry["id"] / EXPECTED_FILE).exists():
                continue  # test_every_source_has_a_fixture names it
            expected = load_expected(fixtures / entry["id"] / EXPECTED_FILE)
            server = stack.enter_context(SiteServer(fixtures / entry["id"], expected.snapshot))
            real = entry.get("url") or entry["urls"][0]
            bases[entry["id"]] = (server.base_url, origin(real))
            moved = {k: v for k, v in entry.items() if k != "politeness"}  # tests do not wait
            if "url" in moved:
                moved["url"] = rebase(moved["url"], server.base_url)
            else:
                moved["urls"] = [rebase(u, server.base_url) for u in moved["urls"]]
            local.append(moved)
        home.sources(dump_sources(local))
        report = home.crawl(
            *[arg for e in entries if e["id"] in bases for arg in ("--source", e["id"])]
        )
        changes = home.changes()
    documents: dict[str, list[dict[str, Any]]] = {sid: [] for sid in bases}
    for change in changes:
        base, real = bases[change["source_id"]]
        documents[change["source_id"]].append(
            {
                "url": unbase(change["url"], base, real),
                "local": change["url"].startswith(base),
                "title": change["title"],
                "published_at": change["published_at"],
                "text": change["added"],
            }
        )
    return Replay(report=report, documents=documents)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        home = Home(tmp_path_factory.mktemp("catalog"))
        yield replay(raw_entries(), FIXTURES_DIR, home, monkeypatch)


# -- the catalog itself --------------------------------------------------------------------------


def test_the_catalog_covers_at_least_30_sources_on_12_sites() -> None:
    sites = {site_of(s.entry_urls[0]) for s in SOURCES}
    assert len(SOURCES) >= 30
    assert len(sites) >= 12, sorted(sites)
    assert {s.kind for s in SOURCES if s.enabled} == {"listing", "feed", "page", "api"}
    assert any(not s.enabled for s in SOURCES)


@pytest.mark.parametrize("source_id", IDS)
def test_every_source_has_a_fixture(source_id: str) -> None:
    folder = FIXTURES_DIR / source_id
    expected = load_expected(folder / EXPECTED_FILE)
    assert (folder / expected.snapshot).is_dir()
    assert expected.documents, "a fixture must expect at least one document"


def test_every_fixture_belongs_to_a_source() -> None:
    folders = {p.name for p in FIXTURES_DIR.iterdir() if p.is_dir()}
    assert folders == set(IDS)


@pytest.mark.parametrize("source_id", IDS)
def test_sources_stay_out_of_logged_in_areas_and_obey_robots(source_id: str) -> None:
    source = next(s for s in SOURCES if s.id == source_id)
    expected = load_expected(FIXTURES_DIR / source_id / EXPECTED_FILE)
    robots = FIXTURES_DIR / source_id / expected.snapshot / "robots.txt"
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots.read_text(encoding="utf-8").splitlines() if robots.exists() else [])
    for url in (*source.entry_urls, *(d.url for d in expected.documents)):
        assert not any(re.search(p, url) for p in FORBIDDEN_URL_PATTERNS)
        if origin(url) == origin(source.entry_urls[0]):
            assert parser.can_fetch("PolicyRadar", url), f"robots.txt disallows {url}"


# -- each source, crawled from its fixture -------------------------------------------------------


@pytest.mark.parametrize("source_id", IDS)
def test_source_yields_the_expected_documents(catalog: Replay, source_id: str) -> None:
    source = next(s for s in SOURCES if s.id == source_id)
    expected = load_expected(FIXTURES_DIR / source_id / EXPECTED_FILE)
    outcome = catalog.outcome(source_id)
    assert outcome["outcome"] == "changed", outcome
    found = catalog.documents[source_id]
    assert compare(expected, found) == []
    if follows(source):  # every followed article came from the fixture server, none from the web
        assert all(d["local"] for d in found)


def test_no_request_left_the_machine(catalog: Replay) -> None:
    assert [
        e for e in catalog.report["events"] if not e["url"].startswith("http://127.0.0.1:")
    ] == []
