"""The web UI in a real headless browser (Debian's chromium, driven by Playwright) on a demo crawl.

Set POLICYRADAR_SCREENSHOTS=1 to write the README's screenshots into docs/screenshots/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import feedparser
import pytest

from policyradar.records import ChangeKind, Snapshot
from policyradar.storage import Storage
from policyradar.text.diffing import new_document_diff

if TYPE_CHECKING:
    from collections.abc import Iterator

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
XSS_TITLE = "<script>alert('title')</script>XSS测试 库容"
XSS_TEXT = "正文 <img src=x onerror=alert('body')> 库容\n<svg/onload=alert('svg')>"

if not CHROMIUM.exists():  # `make test` installs it; a bare `pytest` on a new machine may not
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is missing: run `make test`", pytrace=False)
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made by a real demo crawl."""
    home = tmp_path_factory.mktemp("web-demo")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "policyradar.cli.main",
            "--home",
            str(home),
            "--lang",
            "en",
            "demo",
            "--keep",
            str(home),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return home / "policyradar.db"


@pytest.fixture(scope="session")
def xss_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Crawled rows carrying XSS vectors, written through Storage like any crawl."""
    path = tmp_path_factory.mktemp("web-xss") / "policyradar.db"
    with Storage(path) as storage:
        run = storage.start_run(["xss-source"])
        snap = Snapshot(
            source_id="xss-source",
            url="javascript:alert('url')",
            title=XSS_TITLE,
            text=XSS_TEXT,
            fingerprint="xss",
        )
        cid = storage.save_version(run, snap, new_document_diff(XSS_TEXT), ChangeKind.NEW, 30)
        storage.set_classification(
            cid,
            {
                "keywords": ["<img src=x onerror=alert('kw')>"],
                "watch_hits": [
                    {
                        "watchlist": "<b onmouseover=alert(1)>w</b>",
                        "keyword": "库容",
                        "snippet": "<script>alert('snip')</script>库容",
                    }
                ],
            },
        )
        storage.finish_run(run)
    return path


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1, on a port the OS chooses, in a thread."""
    import uvicorn

    from policyradar.web.app import create_app

    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(demo_db: Path) -> Iterator[str]:
    with serving(demo_db) as url:
        yield url


@pytest.fixture(scope="session")
def xss_url(xss_db: Path) -> Iterator[str]:
    with serving(xss_db) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog: object) -> None:
        page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    yield page
    context.close()


def shot(page: object, name: str, tmp_path: Path) -> None:
    folder = SCREENSHOTS if os.environ.get("POLICYRADAR_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=False)  # type: ignore[attr-defined]
    assert (folder / name).stat().st_size > 10_000


def changed_id(demo_db: Path) -> int:
    with Storage(demo_db) as storage:
        found = [
            c
            for c in storage.changes(kinds=["changed"], limit=None)
            if c.diff and '"replace"' in c.diff and "库存" not in c.title
        ]
        found += [c for c in storage.changes(kinds=["changed"], limit=None) if c.diff]
    return found[0].id


def test_timeline_search_change_page_and_diff(
    page: object, base_url: str, demo_db: Path, tmp_path: Path
) -> None:
    p = page
    p.goto(base_url + "/")  # type: ignore[attr-defined]
    assert p.locator("li.change").count() >= 40  # type: ignore[attr-defined]
    assert "时间线" in p.locator("header").inner_text()  # type: ignore[attr-defined]
    shot(p, "timeline.png", tmp_path)

    box = p.locator("form.search input[name=q]")  # type: ignore[attr-defined]
    box.fill("库容")
    box.press("Enter")
    p.wait_for_url("**/search?q=*")  # type: ignore[attr-defined]
    marks = p.locator("li.change mark")  # type: ignore[attr-defined]
    assert marks.count() >= 1
    assert {m.inner_text() for m in marks.all()} <= {"库容", "庫容"}
    titles = p.locator("li.change h2").all_inner_texts()  # type: ignore[attr-defined]
    assert any("库存容量" in t for t in titles), titles
    shot(p, "search.png", tmp_path)

    p.locator("li.change h2 a", has_text="库存容量").first.click()  # type: ignore[attr-defined]
    p.wait_for_url("**/changes/*")  # type: ignore[attr-defined]
    assert p.locator("section.diff mark").count() >= 1  # type: ignore[attr-defined]

    p.goto(f"{base_url}/changes/{changed_id(demo_db)}")  # type: ignore[attr-defined]
    ins, dele = p.locator("section.diff ins"), p.locator("section.diff del")  # type: ignore[attr-defined]
    assert ins.count() >= 1
    assert dele.count() >= 1
    assert ins.first.evaluate("e => getComputedStyle(e).color") == "rgb(26, 127, 55)"  # green
    assert dele.first.evaluate("e => getComputedStyle(e).color") == "rgb(207, 34, 46)"  # red
    link = p.locator("a.source-link")  # type: ignore[attr-defined]
    assert link.get_attribute("href").startswith("http://127.0.0.1:")
    shot(p, "change.png", tmp_path)
    assert p.dialogs == []  # type: ignore[attr-defined]


def test_document_history_compares_two_versions(page: object, base_url: str, demo_db: Path) -> None:
    with Storage(demo_db) as storage:
        change = storage.change(changed_id(demo_db))
    assert change is not None
    page.goto(f"{base_url}/documents/{change.document_id}")  # type: ignore[attr-defined]
    assert page.locator("table.versions tbody tr").count() >= 2  # type: ignore[attr-defined]
    page.locator("form button[type=submit]", has_text="比较").click()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.locator("section.diff ins, section.diff del").count() >= 1  # type: ignore[attr-defined]


def test_atom_feeds_parse(page: object, base_url: str) -> None:
    for url in ("/feeds/search.atom?q=库容", "/feeds/search.atom?q=FBA%20fee"):
        response = page.request.get(base_url + url)  # type: ignore[attr-defined]
        assert response.ok
        feed = feedparser.parse(response.body())
        assert not feed.bozo, feed.bozo_exception
        assert feed.entries
        assert all(e.link.startswith(base_url + "/changes/") for e in feed.entries)


def test_xss_in_crawled_text_stays_inert(page: object, xss_url: str) -> None:
    p, base_url = page, xss_url
    for url in ("/?source=xss-source", "/search?q=XSS测试", "/sources"):
        p.goto(base_url + url)  # type: ignore[attr-defined]
    p.goto(base_url + "/?source=xss-source")  # type: ignore[attr-defined]
    title = p.locator("li.change h2 a").first  # type: ignore[attr-defined]
    assert title.inner_text() == XSS_TITLE  # the markup shows as text
    title.click()
    p.wait_for_url("**/changes/*")  # type: ignore[attr-defined]
    assert p.locator("h1").inner_text() == XSS_TITLE  # type: ignore[attr-defined]
    body = p.locator("section.diff").inner_text()  # type: ignore[attr-defined]
    assert "<img src=x onerror=alert('body')>" in body
    assert "<svg/onload=alert('svg')>" in body
    assert p.locator("script").count() == 0  # type: ignore[attr-defined]
    assert p.locator("img, svg").count() == 0  # type: ignore[attr-defined]
    assert p.locator("a[href^='javascript' i]").count() == 0  # type: ignore[attr-defined]
    assert "javascript:alert('url')" in p.locator("dl.facts").inner_text()  # type: ignore[attr-defined]
    p.locator(".watch-hits").hover()  # type: ignore[attr-defined]
    p.locator("a[href*='/documents/']").first.click()  # type: ignore[attr-defined]
    assert p.locator("h1").inner_text() == XSS_TITLE  # type: ignore[attr-defined]
    assert p.dialogs == []  # type: ignore[attr-defined]


def test_english_on_request(page: object, base_url: str) -> None:
    page.goto(base_url + "/")  # type: ignore[attr-defined]
    page.locator("header nav a", has_text="English").click()  # type: ignore[attr-defined]
    page.wait_for_url("**lang=en*")  # type: ignore[attr-defined]
    assert "Timeline" in page.locator("header").inner_text()  # type: ignore[attr-defined]
    page.locator("li.change h2 a").first.click()  # type: ignore[attr-defined]
    assert "Source page" in page.locator("dl.facts").inner_text()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_sources_page_fits_a_laptop_and_a_phone(
    browser: object, base_url: str, width: int, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    p = context.new_page()
    try:
        p.goto(base_url + "/sources")
        # nothing wider than the screen: no sideways scrolling
        assert p.evaluate("document.documentElement.scrollWidth") <= width
        first = p.locator("table.sources tbody tr").first
        source = first.locator("td.source")
        name_width = source.evaluate("e => e.getBoundingClientRect().width")
        assert name_width >= (300 if width == 1280 else 340), name_width
        # a URL keeps to one line (cut with an ellipsis, its full text in the title)
        url = first.locator("small.url")
        line = url.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert url.evaluate("e => e.getBoundingClientRect().height") <= line * 1.5
        assert url.locator("a").get_attribute("title").startswith("http://127.0.0.1:")
        # the source's name wraps between words, never a character at a time
        name = first.locator("a.name")
        assert name.evaluate("e => e.getBoundingClientRect().height") <= line * 3
        # every status word in Chinese
        outcomes = p.locator("table.sources span.outcome").all_inner_texts()
        assert outcomes
        assert set(outcomes) <= {"有变更", "无变化", "出错"}, outcomes
        reasons = p.locator("table.sources small.why").all_inner_texts()
        assert "验证码页面" in reasons, reasons  # a stored "captcha", in the reader's language
        assert "服务器返回 HTTP 503" in reasons, reasons
        if width == 390:  # a phone shows each source as a card with labelled lines
            assert p.locator("table.sources thead").is_hidden()
            kind = first.locator("td[data-label]").first
            assert kind.evaluate("e => getComputedStyle(e, '::before').content") == '"类型"'
        shot(p, f"sources-{width}.png", tmp_path)
    finally:
        context.close()
