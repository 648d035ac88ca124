"""The command line as a user drives it: init, sources, crawl, changes, show, `scrapy crawl`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from policyradar.demo.run import DEMO_DIR, prepare_home
from policyradar.demo.site import SiteServer
from policyradar.tagging.watchlists import WATCHLISTS_FILE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Home

ROOT = Path(__file__).resolve().parent.parent
CHANGE_FIELDS = {
    "id",
    "source_id",
    "url",
    "title",
    "kind",
    "detected_at",
    "published_at",
    "categories",
    "keywords",
    "watch_hits",
    "effective_dates",
    "urgency",
    "added",
    "removed",
}


@pytest.fixture(scope="module")
def demo_site() -> Iterator[SiteServer]:
    with SiteServer(DEMO_DIR, snapshot="s1") as server:
        yield server


@pytest.fixture
def demo_home(home: Home, demo_site: SiteServer) -> Home:
    prepare_home(home.path, demo_site.base_url)
    return home


def test_init_writes_a_starter_config_that_loads(home: Home) -> None:
    (home.path / "sources.toml").unlink(missing_ok=True)
    (home.path / "config.toml").unlink()
    assert "Starter config written" in home.run("init").stdout
    sources = home.json("sources")
    assert {s["kind"] for s in sources} == {"listing", "feed", "page", "api"}
    again = home.run("init", check=False)
    assert again.returncode == 2
    assert "--force" in again.stderr


def test_crawl_json_reports_each_source_and_changes_carry_the_contract_fields(
    demo_home: Home,
) -> None:
    report = demo_home.crawl("--source", "gs-amazon-cn-news", "--source", "amz123-kx")
    outcomes = {s["source_id"]: s for s in report["sources"]}
    assert set(outcomes) == {"gs-amazon-cn-news", "amz123-kx"}
    assert outcomes["gs-amazon-cn-news"]["outcome"] == "changed"
    assert outcomes["gs-amazon-cn-news"]["new"] == 7
    changes = demo_home.changes()
    assert len(changes) == 7 + 6
    for change in changes:
        assert set(change) >= CHANGE_FIELDS
    assert demo_home.changes("--source", "amz123-kx", "--limit", "2").__len__() == 2
    assert demo_home.changes("--since", "2999-01-01") == []


def test_sources_json_shows_the_last_outcome(demo_home: Home) -> None:
    demo_home.crawl("--source", "amz123-headlines")
    by_id = {s["id"]: s for s in demo_home.json("sources")}
    assert by_id["amz123-headlines"]["last_outcome"]["outcome"] == "changed"
    assert by_id["ebay-announcements"]["last_outcome"] is None


def test_show_prints_the_diff_and_json_carries_the_ops(
    demo_home: Home, demo_site: SiteServer
) -> None:
    demo_home.crawl("--source", "gs-amazon-cn-news")
    demo_site.snapshot = "s2"
    try:
        demo_home.crawl("--source", "gs-amazon-cn-news")
    finally:
        demo_site.snapshot = "s1"
    (changed,) = [c for c in demo_home.changes() if c["kind"] == "changed"]
    text = demo_home.run("show", str(changed["id"])).stdout
    assert "[-06-]{+15+}" in text
    data = demo_home.json("show", str(changed["id"]))
    assert {op["op"] for op in data["diff"]["ops"]} >= {"equal", "replace"}


def test_show_of_an_unknown_change_exits_1(demo_home: Home) -> None:
    proc = demo_home.run("show", "999", check=False)
    assert proc.returncode == 1
    assert "No change with id 999" in proc.stderr


def test_crawl_of_an_unknown_source_exits_2(demo_home: Home) -> None:
    proc = demo_home.run("crawl", "--source", "nope", check=False)
    assert proc.returncode == 2
    assert "no source with id 'nope'" in proc.stderr


def test_crawl_where_every_source_fails_exits_1(demo_home: Home, demo_site: SiteServer) -> None:
    demo_site.snapshot = "s2"
    try:
        proc = demo_home.run("crawl", "--source", "ebay-announcements", check=False)
    finally:
        demo_site.snapshot = "s1"
    assert proc.returncode == 1
    assert "HTTP 503" in proc.stdout


def test_human_output_is_chinese_by_default(demo_home: Home) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "--home", str(demo_home.path), "changes"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "没有符合条件的变更" in proc.stdout


def test_changes_rejects_a_bad_since_date(demo_home: Home) -> None:
    proc = demo_home.run("changes", "--since", "yesterday", check=False)
    assert proc.returncode == 2
    assert "not an ISO date" in proc.stderr


def test_spiders_run_as_plain_scrapy_crawl_from_the_project_root(demo_home: Home) -> None:
    env = {**os.environ, "POLICYRADAR_HOME": str(demo_home.path)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "page",
            "-a",
            "source=amazon-policy-changes-us",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (change,) = demo_home.changes()
    assert change["source_id"] == "amazon-policy-changes-us"
    assert change["kind"] == "new"
    runs = json.loads(demo_home.run("sources", "--json").stdout)
    by_id = {s["id"]: s for s in runs}
    assert by_id["amazon-policy-changes-us"]["last_outcome"]["outcome"] == "changed"


def test_version_names_the_package_version(home: Home) -> None:
    from importlib.metadata import version

    proc = home.run("--version")
    assert proc.stdout.strip() == f"policyradar, version {version('policyradar')}"


def test_init_prints_the_next_steps_in_chinese_by_default(home: Home) -> None:
    (home.path / "config.toml").unlink()
    proc = subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "--home", str(home.path), "init"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.startswith(f"已写入初始配置：{home.path}\n下一步：\n")
    for command in ("doctor", "crawl", "changes", "serve"):
        assert f"policyradar --home {home.path} {command} " in proc.stdout
    assert f"{home.path / 'config.toml'} 里的 [[subscription]] 示例" in proc.stdout


def test_the_starter_configs_subscription_example_loads_when_uncommented(home: Home) -> None:
    from policyradar.home import load_home

    shipped = (ROOT / "data" / "config.toml").read_text(encoding="utf-8")
    example = shipped.split("# [[subscription]]", 1)[1]
    uncommented = "[[subscription]]" + "".join(
        line.removeprefix("# ") + "\n" for line in example.splitlines()
    )
    (home.path / "config.toml").write_text(shipped + uncommented, encoding="utf-8")
    (home.path / "sources.toml").write_text("", encoding="utf-8")
    (sub,) = load_home(home.path).subscriptions
    assert (sub.name, sub.url_env, sub.schedule, sub.timezone) == (
        "wecom-team",
        "POLICYRADAR_WECOM",
        "daily 08:00",
        "Asia/Shanghai",
    )


# Files a starter home holds or that PolicyRadar writes there (the rest of data/ is shipped), and
# a site's own files.
HOME_FILES = {"sources.toml", "config.toml", "watchlists.toml", "categories.toml", "robots.txt"}


@pytest.mark.parametrize("name", ["config.toml", "sources.toml"])
def test_shipped_files_refer_only_to_shipped_files(name: str) -> None:
    shipped = {p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*")}
    comments = [
        line.split("#", 1)[1]
        for line in (ROOT / "data" / name).read_text(encoding="utf-8").splitlines()
        if "#" in line
    ]
    for comment in comments:
        for ref in re.findall(
            r"[\w./<>-]+\.(?:md|py|toml|txt|json)\b|\b(?:tests|shared)/\S*", comment
        ):
            assert ref in HOME_FILES or ref in shipped, f"{name}: {comment.strip()!r} names {ref}"


def run_as_typed(home: Home, *args: str) -> subprocess.CompletedProcess:
    """The command as a user starts it: in its default language (`Home.run` adds --lang en)."""
    return subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "--home", str(home.path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_errors_are_in_the_readers_language(home: Home) -> None:
    (home.path / "sources.toml").write_text("", encoding="utf-8")

    def zh(*args: str) -> subprocess.CompletedProcess:
        return run_as_typed(home, *args)

    missing = zh("watch", "remove", "nosuch")
    assert missing.returncode == 1
    assert missing.stderr == "policyradar: 没有名为 'nosuch' 的关注列表\n"
    nothing = zh("digest")
    assert nothing.returncode == 1
    assert "还没有配置订阅" in nothing.stderr
    bad = zh("watch", "add", "x", "--category", "nope", "a")
    assert bad.returncode == 2
    assert "未知类别 'nope'" in bad.stderr
    since = zh("changes", "--since", "yesterday")
    assert since.returncode == 2
    assert "'yesterday' 不是 ISO 日期" in since.stderr
    assert (
        "no watchlist named 'nosuch'" in home.run("watch", "remove", "nosuch", check=False).stderr
    )


def test_a_hint_names_the_command_as_it_was_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policyradar.cli.common import command_hint

    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "policyradar").write_text("#!/bin/sh\n", encoding="utf-8")
    (venv / "policyradar").chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # not on PATH, as with `make demo`
    monkeypatch.setattr(sys, "argv", [".venv/bin/policyradar", "demo"])
    assert command_hint(Path("demo-home")) == ".venv/bin/policyradar --home demo-home"
    monkeypatch.setenv("PATH", f"{venv}:/usr/bin")  # on PATH: the bare name works
    assert command_hint() == "policyradar"
    monkeypatch.setenv("POLICYRADAR_HOME", str(tmp_path / "h"))
    (tmp_path / "h").mkdir()
    assert command_hint(tmp_path / "h") == "policyradar"  # the home used without --home


def test_shell_completion_as_documented(home: Home) -> None:
    env = {**os.environ, "_POLICYRADAR_COMPLETE": "bash_source"}
    script = subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main"], env=env, capture_output=True, text=True
    )
    assert "_policyradar_completion()" in script.stdout
    env = {**os.environ, "_POLICYRADAR_COMPLETE": "bash_complete"}
    env.update(COMP_WORDS="policyradar do", COMP_CWORD="1")
    done = subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main"], env=env, capture_output=True, text=True
    )
    assert "plain,doctor" in done.stdout.splitlines()


def test_a_crawl_shows_its_progress_on_a_terminal_and_only_the_summary_elsewhere(
    demo_home: Home,
) -> None:
    import pty
    import select

    master, slave = pty.openpty()  # stderr is a terminal, stdout a pipe (as under `| tee`)
    proc = subprocess.Popen(
        [sys.executable, "-m", "policyradar.cli.main", "--home", str(demo_home.path), "crawl"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, "COLUMNS": "160"},
    )
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))
    total = len([line for line in (demo_home.path / "sources.toml").read_text().splitlines()
                 if line.startswith("id = ")])  # fmt: skip
    assert proc.returncode == 0
    assert "来源" in shown
    assert re.search(rf"\b{total}/{total}\b", shown), shown[-2000:]  # every source done
    assert re.search(r"页面 [1-9]\d* · 变更 [1-9]\d*", shown), shown[-2000:]
    assert "剩余" in shown
    summary = out.decode("utf-8")
    assert "第 1 次抓取" in summary
    assert "页面" not in summary  # the pipe gets the summary only
    assert "\x1b" not in summary


def test_the_demos_chinese_tables_carry_no_english_status_word(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policyradar.cli.main", "demo", "--keep", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    lines = proc.stdout.splitlines()
    outcomes = [line.split("│")[2].strip() for line in lines if line.startswith("│ ")]
    assert outcomes
    assert set(outcomes) <= {"有变更", "无变化", "出错", ""}, set(outcomes)
    rows = [re.match(r"^\s*\d+\s+\d\d-\d\d \d\d:\d\d\s+(\S+)\s+(\S+)", line) for line in lines]
    kinds = {m[1] for m in rows if m}
    urgencies = {m[2] for m in rows if m}
    assert kinds == {"新增", "修改"}, kinds
    assert urgencies <= {"高", "中", "低", "-"}, urgencies
    noise = [line for line in lines if line.startswith("  [")]
    assert noise
    assert all(line.startswith(("  [异常]", "  [错误]")) for line in noise), noise
    assert any("验证码页面" in line for line in noise)
    assert any("服务器返回 HTTP 503" in line for line in noise)
    assert f"policyradar --home {tmp_path / 'demo'} changes" in proc.stdout


def test_an_argument_that_is_not_utf8_is_named_not_a_traceback(home: Home) -> None:
    """Bytes that are not UTF-8 (a terminal set to GBK, a pasted binary) in a query or a watch
    word end the command with exit 2 and the bytes shown as escapes.
    """
    not_utf8 = os.fsdecode(b"\xff\xfe\xe8\xb4\xb9")  # passed on as the same bytes
    search = run_as_typed(home, "search", not_utf8)
    assert (search.returncode, search.stderr) == (
        2,
        "policyradar: 查询含有不是 UTF-8 文字的字节：\\xff\\xfe费\n",
    )
    watch = run_as_typed(
        home, "--lang", "en", "watch", "add", "fees", "--category", "fees", "ok", not_utf8
    )
    assert watch.returncode == 2
    assert "watchlist name or keyword holds bytes that are not UTF-8 text: \\xff\\xfe费" in (
        watch.stderr
    )
    assert "Traceback" not in search.stderr + watch.stderr
    assert not (home.path / WATCHLISTS_FILE).exists()  # nothing half-saved


@pytest.mark.parametrize(
    "command",
    [("changes",), ("search", "fee"), ("show", "1"), ("deadlines",), ("sources",), ("crawl",)],
    ids=lambda c: c[0],
)
def test_a_database_that_cannot_be_opened_ends_every_command_with_its_name(
    demo_home: Home, command: tuple[str, ...]
) -> None:
    database = demo_home.path / "policyradar.db"
    database.write_bytes(b"not a database\n" * 100)
    proc = demo_home.run(*command, check=False)
    assert proc.returncode == 1
    assert f"cannot open the database {database}: file is not a database." in proc.stderr
    assert "Traceback" not in proc.stderr
    assert database.read_bytes() == b"not a database\n" * 100


def test_a_bad_categories_file_ends_the_commands_that_name_categories(demo_home: Home) -> None:
    demo_home.crawl("--source", "gs-amazon-cn-news")
    (demo_home.path / "categories.toml").write_text(
        '[category.fees]\nstrong = "fee"\n', encoding="utf-8"
    )
    for command in (("changes",), ("show", "1")):
        proc = demo_home.run(*command, check=False)
        assert proc.returncode == 2
        assert proc.stderr == (
            f"policyradar: {demo_home.path / 'categories.toml'}: category 'fees': "
            "field 'strong': must be a list of non-empty strings\n"
        )
