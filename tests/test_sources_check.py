"""``policyradar sources check``: a healthy source, broken ones, and nothing stored."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from policyradar.demo.site import SiteServer
from policyradar.sourcekit.fixtures import FIXTURES_DIR, dump_sources, rebase
from tests.test_sources_catalog import raw_entries

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

LIST_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav><ul>{items}</ul>
<footer>© 2026 Example</footer></body></html>"""
ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t}</title></head><body>
<h1>{t}</h1><time datetime="2026-06-01T08:00:00Z">June 1</time>
<div class="body"><p>{t}. A real paragraph of text that is long enough to be a page.</p></div>
</body></html>"""


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """A site whose list moved, whose help page needs a login, whose feed fails, and a half-parsed
    list (one card without a link, one without a date)."""
    root = tmp_path_factory.mktemp("broken")
    snap = root / "s1"
    (snap / "articles").mkdir(parents=True)
    redesigned = "".join(
        f'<li class="card"><a href="/posts/{n}">Post {n}</a></li>' for n in range(3)
    )
    (snap / "news.html").write_text(LIST_PAGE.format(title="News", items=redesigned))
    cards = (
        '<li class="card"><a class="t" href="/articles/1">First notice</a>'
        '<span class="d">2026-06-01 10:00</span></li>'
        '<li class="card"><a class="t" href="/articles/2">Second notice</a></li>'
        '<li class="card"><span class="t">Third notice, link missing</span>'
        '<span class="d">2026-05-30 10:00</span></li>'
    )
    (snap / "partial.html").write_text(LIST_PAGE.format(title="Partial", items=cards))
    for n, title in ((1, "First notice"), (2, "Second notice")):
        (snap / "articles" / f"{n}.html").write_text(ARTICLE.format(t=title))
    (snap / "help.html").write_text(ARTICLE.format(t="Fee schedule"))
    (snap / "signin.html").write_text("<html><body>Sign in. Email. Password.</body></html>")
    (snap / "_routes.toml").write_text(
        '[routes."/help"]\nredirect = "{{base}}/ap/signin?openid.return_to=%2Fhelp"\n'
        '[routes."/feed.xml"]\nstatus = 503\n'
    )
    with SiteServer(root, "s1") as server:
        yield server


@pytest.fixture(scope="module")
def healthy_site() -> Iterator[SiteServer]:
    with SiteServer(FIXTURES_DIR / "gs-amazon-cn-news", "s1") as server:
        yield server


@pytest.fixture
def check_home(home: Home, healthy_site: SiteServer, broken_site: SiteServer) -> Home:
    (gs,) = [e for e in raw_entries() if e["id"] == "gs-amazon-cn-news"]
    gs = {**gs, "url": rebase(gs["url"], healthy_site.base_url)}
    gs.pop("politeness")
    base = broken_site.base_url
    broken: list[dict[str, Any]] = [
        {
            "id": "moved-list",
            "kind": "listing",
            "url": f"{base}/news",
            "selectors": {"link": 'a[href*="/news/news-"]'},
        },
        {"id": "walled-help", "kind": "page", "url": f"{base}/help"},
        {"id": "failing-feed", "kind": "feed", "url": f"{base}/feed.xml"},
        {
            "id": "half-parsed",
            "kind": "listing",
            "url": f"{base}/partial",
            "follow": False,
            "selectors": {"item": "li.card", "link": "a.t", "title": ".t", "date": ".d"},
        },
    ]
    return home.sources(dump_sources([gs, *broken]))


def check(home: Home, *args: str) -> tuple[int, list[dict]]:
    proc = home.run("sources", "check", "--json", *args, check=False)
    return proc.returncode, json.loads(proc.stdout)


def test_a_healthy_source_is_ok_and_nothing_is_stored(check_home: Home) -> None:
    code, (health,) = check(check_home, "gs-amazon-cn-news")
    assert code == 0
    assert health["verdict"] == "ok"
    assert health["entries"] == 8  # every notice on the list page
    assert health["documents"] == 3  # only the first --articles are fetched
    assert health["parse_failures"] == 0
    assert not (check_home.path / "policyradar.db").exists()
    human = check_home.run("sources", "check", "gs-amazon-cn-news", "--articles", "1").stdout
    assert "gs-amazon-cn-news" in human
    assert "1 sources: 1 ok, 0 warn, 0 probably broken" in human


def test_broken_sources_are_named_with_their_reasons_and_exit_1(check_home: Home) -> None:
    ids = ("moved-list", "walled-help", "failing-feed", "half-parsed", "gs-amazon-cn-news")
    code, results = check(check_home, *ids)
    assert code == 1
    by_id = {h["id"]: h for h in results}
    assert [h["id"] for h in results] == list(ids)
    moved = by_id["moved-list"]
    assert (moved["verdict"], moved["entries"]) == ("broken", 0)
    assert "selectors matched nothing" in " ".join(moved["reasons"])
    walled = by_id["walled-help"]
    assert walled["verdict"] == "broken"
    assert "login wall" in " ".join(walled["reasons"])
    failing = by_id["failing-feed"]
    assert failing["verdict"] == "broken"
    assert "HTTP 503" in " ".join(failing["reasons"])
    half = by_id["half-parsed"]
    assert half["verdict"] == "warn"
    assert (half["entries"], half["missing_link"], half["missing_date"]) == (2, 1, 1)
    assert by_id["gs-amazon-cn-news"]["verdict"] == "ok"


def test_check_without_ids_checks_the_enabled_sources(check_home: Home) -> None:
    code, results = check(check_home)
    assert code == 1
    assert len(results) == 5
    proc = check_home.run("sources", "check", "nope", check=False)
    assert proc.returncode == 2
    assert "no source with id 'nope'" in proc.stderr


def test_bare_sources_still_lists_the_sources(check_home: Home) -> None:
    listed = json.loads(check_home.run("sources", "--json").stdout)
    assert [s["id"] for s in listed][:2] == ["gs-amazon-cn-news", "moved-list"]
