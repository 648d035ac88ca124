"""Bad input of any kind ends with exit 2 and a message naming the cause, never a traceback.

Each row is a real `policyradar` call (a child process) on a home that has crawled the fixture
site once, with one thing wrong: a config value, a file, a command-line id or filter, a query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conftest import Home

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.demo.site import SiteServer

GOOD_SOURCE = '[[source]]\nid = "policy"\nkind = "page"\nurl = "{base}/policy/page"\n'

# (id, file to write or None, its text, command line, words the message must hold)
CASES = [
    ("delay inf", "config.toml", "[crawl]\ndownload_delay = inf\n", ["crawl"], "download_delay"),
    ("delay 1e9", "config.toml", "[crawl]\ndownload_delay = 1e9\n", ["crawl"], "between 0 and 600"),
    ("size inf", "config.toml", "[crawl]\nmax_size_mb = inf\n", ["crawl"], "max_size_mb"),
    ("unknown crawl key", "config.toml", "[crawl]\ndelay = 1\n", ["crawl"], "unknown key 'delay'"),
    (
        "subscription category",
        "config.toml",
        '[[subscription]]\nname = "team"\nurl = "json://localhost"\ncategories = ["shipping"]\n',
        ["digest", "--dry-run"],
        "subscription 'team': field 'categories': unknown category 'shipping'",
    ),
    (
        "subscription watchlist",
        "config.toml",
        '[[subscription]]\nname = "team"\nurl = "json://localhost"\nwatchlists = ["nosuch"]\n',
        ["digest", "--dry-run"],
        "unknown watchlist 'nosuch'",
    ),
    (
        "subscription key typo",
        "config.toml",
        '[[subscription]]\nname = "team"\nurl = "json://localhost"\ncategory = ["fees"]\n',
        ["digest", "--dry-run"],
        "did you mean 'categories'",
    ),
    (
        "port 99999",
        "sources.toml",
        '[[source]]\nid = "p"\nkind = "page"\nurl = "http://127.0.0.1:99999/x"\n',
        ["crawl"],
        "port out of range",
    ),
    (
        "politeness inf",
        "sources.toml",
        '[[source]]\nid = "p"\nkind = "page"\nurl = "https://example.com/"\n'
        "[source.politeness]\ndelay = inf\n",
        ["crawl"],
        "politeness.delay",
    ),
    ("sources not TOML", "sources.toml", "[[source]\nid=", ["sources"], "invalid TOML"),
    (
        "latin-1 sources",
        "sources.toml",
        b'[[source]]\nname = "caf\xe9"\n',
        ["sources"],
        "not UTF-8",
    ),
    ("unknown category filter", None, "", ["changes", "--category", "nosuch"], "'nosuch'"),
    ("unknown watchlist filter", None, "", ["changes", "--watch", "nosuch"], "'nosuch'"),
    ("unknown source filter", None, "", ["changes", "--source", "nosuch"], "'nosuch'"),
    ("search category filter", None, "", ["search", "fee", "--category", "nosuch"], "'nosuch'"),
    ("bad since", None, "", ["changes", "--since", "yesterday"], "yesterday"),
    ("empty query", None, "", ["search", "((( AND OR"], "((( AND OR"),
    ("unknown subscription", None, "", ["digest", "--subscription", "nosuch"], "'nosuch'"),
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory, site_server: SiteServer) -> Home:
    home = Home(tmp_path_factory.mktemp("bad") / "home")
    home.sources(GOOD_SOURCE.format(base=site_server.base_url))
    home.crawl()
    return home


@pytest.mark.parametrize(
    ("case", "name", "text", "args", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_exits_2_naming_the_cause(
    crawled: Home,
    tmp_path: Path,
    case: str,
    name: str | None,
    text: str | bytes,
    args: list[str],
    words: str,
) -> None:
    home = crawled
    saved = {}
    if name is not None:
        path = home.path / name
        saved[path] = path.read_bytes() if path.exists() else None
        data = text.encode("utf-8") if isinstance(text, str) else text
        path.write_bytes(data)
    try:
        proc = home.run(*args, check=False)
    finally:
        for path, old in saved.items():
            if old is None:
                path.unlink()
            else:
                path.write_bytes(old)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output
    assert proc.returncode == 2, output
    assert words in output, output


def test_a_change_id_beyond_any_stored_one_is_no_such_change(crawled: Home) -> None:
    proc = crawled.run("show", "99999999999999999999999", check=False)
    assert (proc.returncode, "Traceback" in proc.stderr) == (1, False)
    assert "No change with id 99999999999999999999999" in proc.stderr
