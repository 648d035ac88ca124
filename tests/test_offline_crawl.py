"""With no network, a crawl fails fast and quietly: one line per source, in the reader's language.

The starter catalog is crawled for real, through the command line, with every host renamed into
``.invalid`` (a name that never resolves, RFC 6761), with proxy variables pointing at a closed
port, and with hosts that refuse connections.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)

from policyradar.crawler.failures import describe_exception, is_network_reason
from policyradar.i18n import reason

if TYPE_CHECKING:
    from pathlib import Path

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
MAX_SECONDS, MAX_LINES = 30, 40


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environ(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS}
    return {**env, "COLUMNS": "120", **extra}


def cli(
    home: Path, *args: str, env: dict[str, str], lang: str = "zh"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "--home", str(home), "--lang", lang, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def rehost(home: Path, to: str) -> list[str]:
    """Point every URL of the home's sources.toml at ``to(host)``; the hosts, as changed."""
    path = home / "sources.toml"
    hosts: list[str] = []

    def swap(match: re.Match[str]) -> str:
        hosts.append(to(match[2]))
        return f"{match[1]}{hosts[-1]}"

    path.write_text(
        re.sub(r'(url = "https?://)([^/"]+)', swap, path.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    return hosts


def enabled_ids(home: Path, env: dict[str, str]) -> list[str]:
    import json

    listed = json.loads(cli(home, "sources", "--json", env=env).stdout)
    return [s["id"] for s in listed if s["enabled"]]


def test_a_reason_names_the_host_once_in_the_readers_language() -> None:
    request = Request("https://gs.amazon.cn/news")
    dns = CannotResolveHostError("DNS lookup failed: no results for hostname lookup: gs.amazon.cn.")
    text, anomaly = describe_exception(dns, request)
    assert (text, anomaly) == ("network unreachable: cannot resolve gs.amazon.cn", False)
    assert reason(text, "zh") == "网络不可达：无法解析 gs.amazon.cn"
    assert reason(text, "en") == text
    refused = describe_exception(
        DownloadConnectionRefusedError("111: Connection refused."), request
    )
    assert reason(refused[0], "zh") == "网络不可达：gs.amazon.cn 拒绝连接"
    slow = Request("https://gs.amazon.cn/news", meta={"download_timeout": 30})
    timeout = describe_exception(DownloadTimeoutError("took longer than 30.0 seconds"), slow)
    assert reason(timeout[0], "zh") == "超时：gs.amazon.cn 30 秒内没有响应"
    proxied = Request("https://gs.amazon.cn/news", meta={"proxy": "http://user:pw@10.0.0.9:3128"})
    via = describe_exception(DownloadConnectionRefusedError("refused"), proxied)[0]
    assert via == "network unreachable: the proxy 10.0.0.9:3128 cannot be reached"  # no password
    assert all(is_network_reason(r) for r in (text, refused[0], timeout[0], via))
    assert not is_network_reason("HTTP 503")
    assert reason("HTTP 503 — https://x.test/a", "zh") == "服务器返回 HTTP 503 — https://x.test/a"


def test_the_starter_catalog_with_no_network_ends_fast_in_one_line_per_source(
    tmp_path: Path,
) -> None:
    home, env = tmp_path / "home", environ()
    started = time.monotonic()
    init = cli(home, "init", env=env)
    assert init.returncode == 0, init.stderr
    rehost(home, lambda host: f"{host}.invalid")
    crawl = cli(home, "crawl", env=env)
    seconds = time.monotonic() - started
    output = init.stdout + init.stderr + crawl.stdout + crawl.stderr
    lines = output.splitlines()
    assert crawl.returncode == 1
    assert seconds <= MAX_SECONDS, seconds
    assert len(lines) <= MAX_LINES, output
    assert "Traceback" not in output
    assert "DNS lookup failed" not in output
    assert not [line for line in lines if line.startswith(("INFO", "WARNING", "ERROR", "DEBUG"))]
    failed = [line for line in lines if line.startswith("✗ ")]
    ids = enabled_ids(home, env)
    assert sorted(line.split()[1] for line in failed) == sorted(ids)  # one line per source
    for line in failed:
        assert re.search(r"  网络不可达：无法解析 [a-z0-9.-]+\.invalid$", line), line
    assert "doctor" in crawl.stderr  # where to look next
    assert "下一步" in init.stdout  # init's next steps are part of the 40 lines


def test_english_on_request_and_json_keeps_the_reason(tmp_path: Path) -> None:
    home, env = tmp_path / "home", environ()
    cli(home, "init", env=env)
    rehost(home, lambda host: f"{host}.invalid")
    crawl = cli(home, "crawl", "--source", "gs-amazon-cn-news", env=env, lang="en")
    assert crawl.returncode == 1
    assert "network unreachable: cannot resolve gs.amazon.cn.invalid" in crawl.stdout
    assert "Every source failed: this machine cannot reach the sites." in crawl.stderr
    import json

    data = json.loads(cli(home, "crawl", "--source", "amz123-kx", "--json", env=env).stdout)
    (outcome,) = data["sources"]
    assert outcome["error"].startswith("network unreachable: cannot resolve api.amz123.com.invalid")


def test_refused_connections_are_retried_once_and_fail_the_host_at_once(tmp_path: Path) -> None:
    home, env = tmp_path / "home", environ()
    cli(home, "init", env=env)
    port = closed_port()
    rehost(home, lambda host: f"127.0.0.1:{port}")
    ids = ("amazon-policy-changes-us", "amazon-help-fba-fees-us", "amazon-help-selling-fees-us")
    args = [arg for sid in ids for arg in ("--source", sid)]
    crawl = cli(home, "-vv", "crawl", *args, env=env)  # -vv: Scrapy's own debug lines too
    assert crawl.returncode == 1
    retried = re.findall(r"Retrying <GET (\S+)>", crawl.stderr)
    assert retried == [f"https://127.0.0.1:{port}/robots.txt"]  # one retry, of robots.txt only
    assert "Traceback" not in crawl.stderr
    for sid in ids:
        assert re.search(rf"✗ {sid} +网络不可达：127.0.0.1:{port} 拒绝连接$", crawl.stdout, re.M)


def test_proxy_variables_pointing_at_nothing_blame_the_proxy(tmp_path: Path) -> None:
    port = closed_port()
    proxy = f"http://127.0.0.1:{port}"
    home, env = tmp_path / "home", environ(http_proxy=proxy, https_proxy=proxy)
    cli(home, "init", env=env)
    crawl = cli(home, "crawl", "--source", "gs-amazon-cn-news", env=env)
    assert crawl.returncode == 1
    assert f"网络不可达：连不上代理 127.0.0.1:{port}" in crawl.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sources_check_tells_an_unreachable_site_from_a_broken_one(
    tmp_path: Path, lang: str
) -> None:
    home, env = tmp_path / "home", environ()
    cli(home, "init", env=env)
    rehost(home, lambda host: f"{host}.invalid")
    started = time.monotonic()
    check = cli(home, "sources", "check", "amz123-kx", env=env, lang=lang)
    assert time.monotonic() - started < MAX_SECONDS
    assert check.returncode == 1
    words = {"zh": ("网络不可达", "可能已失效"), "en": ("network unreachable", "probably broken")}
    unreachable, broken = words[lang]
    row = next(line for line in check.stdout.splitlines() if "amz123-kx" in line)
    assert unreachable in row
    assert broken not in row
