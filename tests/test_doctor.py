"""``policyradar doctor``: one line per check with its fix, exit 0 only when nothing failed.

The network checks run against 127.0.0.1: a fixture site that answers, a port that refuses and
a host under ``.invalid`` that never resolves.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.site import SiteServer
from policyradar.sourcekit.fixtures import FIXTURES_DIR
from tests.test_digest_support import Receiver

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import Home


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    with SiteServer(FIXTURES_DIR / "gs-amazon-cn-news", "s1") as server:
        yield server


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page(sid: str, url: str, **extra: str) -> str:
    lines = [f'id = "{sid}"', 'kind = "page"', f'url = "{url}"']
    lines += [f'{key} = "{value}"' for key, value in extra.items()]
    return "[[source]]\n" + "\n".join(lines) + "\n"


def doctor(home: Home, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[dict]]:
    old = dict(os.environ)
    os.environ.update(env or {})
    try:
        proc = home.run("doctor", "--json", "--timeout", "3", *args, check=False)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return proc.returncode, json.loads(proc.stdout)


def by_name(checks: list[dict], start: str) -> list[dict]:
    return [c for c in checks if c["name"].startswith(start)]


def test_a_sound_home_passes_and_names_what_it_checked(home: Home, site: SiteServer) -> None:
    home.sources(page("gs", f"{site.base_url}/news"))
    home.run("crawl")  # creates the database
    code, checks = doctor(home)
    assert code == 0, checks
    names = [c["name"] for c in checks]
    assert names[:5] == ["config", "database", "lexicon", "disk", "browser"]
    assert all(c["status"] in ("ok", "warn") for c in checks)
    (db,) = by_name(checks, "database")
    assert "is sound" in db["detail"]
    (host,) = by_name(checks, "site ")
    assert host["name"] == f"site {site.base_url.split('//')[1]}"
    assert host["detail"].startswith("HTTP 200")
    (subs,) = by_name(checks, "subscriptions")
    assert subs["status"] == "warn"  # no digest configured: advice, not a failure
    assert "[[subscription]]" in subs["fix"]


def test_unreachable_hosts_fail_with_the_reason_and_the_fix(home: Home, site: SiteServer) -> None:
    port = closed_port()
    home.sources(
        page("up", f"{site.base_url}/news")
        + page("refused", f"http://127.0.0.1:{port}/help")
        + page("nowhere", "https://policy.example.invalid/help")
    )
    code, checks = doctor(home)
    assert code == 1
    hosts = {c["name"]: c for c in by_name(checks, "site ")}
    refused = hosts[f"site 127.0.0.1:{port}"]
    assert refused["status"] == "fail"
    assert (
        refused["detail"]
        == f"network unreachable: 127.0.0.1:{port} refused the connection (1 sources)"
    )
    nowhere = hosts["site policy.example.invalid"]
    assert nowhere["detail"].startswith(
        "network unreachable: cannot resolve policy.example.invalid"
    )
    assert "HTTPS_PROXY" in nowhere["fix"]
    assert hosts[f"site {site.base_url.split('//')[1]}"]["status"] == "ok"
    offline_code, offline = doctor(home, "--offline")
    assert offline_code == 0
    assert not by_name(offline, "site ")


def test_the_human_report_is_one_line_per_check_in_chinese(home: Home, site: SiteServer) -> None:
    home.sources(page("nowhere", "https://policy.example.invalid/help"))
    proc = home.run("--lang", "zh", "doctor", check=False)  # the last --lang wins
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    (host,) = [line for line in lines if "policy.example.invalid" in line]
    assert host.startswith("✗ 网站 policy.example.invalid")
    assert "网络不可达：无法解析 policy.example.invalid（1 个来源）" in host
    assert "→ 修复：检查网络" in host
    assert lines[-1] == "5 项正常，1 项提醒，1 项失败"


def test_a_missing_home_says_to_run_init(tmp_path: Path, home: Home) -> None:
    (home.path / "config.toml").unlink()
    code, checks = doctor(home)
    assert code == 1
    assert checks[0]["status"] == "fail"
    assert "policyradar init" in checks[0]["fix"]


def test_a_damaged_or_newer_database_fails(home: Home, site: SiteServer) -> None:
    home.sources(page("gs", f"{site.base_url}/news"))
    home.run("crawl")
    db = home.path / "policyradar.db"
    with sqlite3.connect(db) as con:
        con.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('policyradar', '9999_from_the_future', '2030-01-01')"
        )
    code, checks = doctor(home, "--offline")
    assert code == 1
    (check,) = by_name(checks, "database")
    assert "9999_from_the_future" in check["detail"]
    assert check["fix"] == "upgrade PolicyRadar"
    for suffix in ("", "-wal", "-shm"):
        (home.path / f"policyradar.db{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    code, checks = doctor(home, "--offline")
    assert code == 1
    (check,) = by_name(checks, "database")
    assert check["status"] == "fail"
    assert "back it up" in check["fix"]


def test_subscription_targets_are_resolved_and_reached(home: Home, site: SiteServer) -> None:
    receiver = Receiver()
    try:
        home.sources(page("gs", f"{site.base_url}/news"))
        config = home.path / "config.toml"
        config.write_text(
            config.read_text(encoding="utf-8")
            + f'[[subscription]]\nname = "hook"\nurl = "json://127.0.0.1:{receiver.port}/hook"\n'
            + '[[subscription]]\nname = "team"\nurl_env = "DOCTOR_TEST_WECOM_UNSET"\n'
            + f'[[subscription]]\nname = "mail"\nurl = "mailto://u:p@127.0.0.1:{closed_port()}'
            + '?from=radar@example.com&to=me@example.com&mode=insecure"\n',
            encoding="utf-8",
        )
        code, checks = doctor(home)
    finally:
        receiver.down()
    assert code == 1
    subs = {c["name"]: c for c in by_name(checks, "subscription ")}
    assert subs["subscription hook"]["status"] == "ok"
    assert "answers" in subs["subscription hook"]["detail"]
    assert subs["subscription team"]["status"] == "fail"
    assert "DOCTOR_TEST_WECOM_UNSET" in subs["subscription team"]["fix"]
    assert subs["subscription mail"]["status"] == "fail"
    assert "refused the connection" in subs["subscription mail"]["detail"]
    assert receiver.requests == []  # reached, never sent to


def test_browser_sources_need_chromium_and_the_lexicon_dir_must_be_private(
    home: Home, site: SiteServer, tmp_path: Path
) -> None:
    home.sources(page("rendered", f"{site.base_url}/news", render="browser"))
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    env = {
        "PLAYWRIGHT_CHROMIUM": str(tmp_path / "no-chromium"),
        "POLICYRADAR_LEXICON_DIR": str(shared),
    }
    code, checks = doctor(home, "--offline", env=env)
    assert code == 1
    (browser,) = by_name(checks, "browser")
    assert browser["status"] == "fail"
    assert "fonts-noto-cjk" in browser["fix"]
    (lexicon,) = by_name(checks, "lexicon")
    assert lexicon["status"] == "fail"
    assert "writable by anyone" in lexicon["detail"]


def test_web_check_reaches_the_ui_or_fails(home: Home, site: SiteServer) -> None:
    home.sources(page("gs", f"{site.base_url}/news"))
    code, checks = doctor(home, "--offline", "--web", f"http://127.0.0.1:{closed_port()}/")
    assert code == 1
    assert by_name(checks, "web UI")[0]["status"] == "fail"
    code, checks = doctor(home, "--offline", "--web", f"{site.base_url}/news")
    assert code == 0
    assert by_name(checks, "web UI")[0]["detail"].endswith("HTTP 200")
