"""Shared fixtures: the fixture site on 127.0.0.1, a home folder, and the CLI as users run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.site import SiteServer

if TYPE_CHECKING:
    from collections.abc import Iterator

FIXTURES = Path(__file__).parent / "fixtures"
FAST_CRAWL = """\
[crawl]
download_delay = 0
autothrottle = false
concurrency_per_domain = 4
retry_times = 1
retry_backoff = 0.1
timeout = 10
"""


@pytest.fixture(scope="session")
def site_server() -> Iterator[SiteServer]:
    with SiteServer(FIXTURES / "site", snapshot="s1") as server:
        yield server


@pytest.fixture
def site(site_server: SiteServer) -> Iterator[SiteServer]:
    """The fixture site, reset to snapshot s1 with an empty request log."""
    site_server.snapshot = "s1"
    site_server.clear_requests()
    yield site_server
    site_server.snapshot = "s1"


class Home:
    """A PolicyRadar home folder in tmp_path, driven through the real command line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        (path / "config.toml").write_text(FAST_CRAWL, encoding="utf-8")

    def sources(self, toml: str) -> Home:
        (self.path / "sources.toml").write_text(toml, encoding="utf-8")
        return self

    def run(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "policyradar.cli.main",
                "--home",
                str(self.path),
                "--lang",
                "en",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"policyradar {' '.join(args)} exited {proc.returncode}:\n"
                f"{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def json(self, *args: str) -> object:
        return json.loads(self.run(*args, "--json").stdout)

    def crawl(self, *args: str) -> dict:
        return self.json("crawl", *args)  # type: ignore[return-value]

    def changes(self, *args: str) -> list[dict]:
        return self.json("changes", "--limit", "1000", *args)  # type: ignore[return-value]


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")
