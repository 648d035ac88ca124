"""The wheel is self-contained: built offline from the checkout, installed by the pip bundled with
Python (no upgrade) into a fresh venv, it runs the demo and `init` from an empty folder.

One module, one wheel and one venv for all its tests (`-k "not wheel"` leaves it out). Offline:
the wheel is built with --no-build-isolation (setuptools>=77 from the test extra) in a copy of the
checkout, so no build/ or egg-info lands in the repository; the fresh venv gets it with
--no-deps --no-index and sees this environment's installed dependencies through a .pth file naming
a folder of links to them, which leaves out policyradar itself (the editable install's finder, its
.pth and dist-info), pip and setuptools.
"""

from __future__ import annotations

import ensurepip
import importlib.metadata
import json
import os
import re
import shutil
import site
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_demo import EXPECTED_SECOND_RUN, changes_of_run

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# import package -> folder of the checkout, e.g. "policyradar.crawler" -> "crawler"
PACKAGE_DIRS: dict[str, str] = PYPROJECT["tool"]["setuptools"]["package-dir"]
BIN = "Scripts" if os.name == "nt" else "bin"
TIMEOUT = 180

# Files the installed commands cannot do without (a subset; every file is checked as well).
SHIPPED = [
    "policyradar/py.typed",
    "policyradar/data/config.toml",
    "policyradar/data/sources.toml",
    "policyradar/data/categories.toml",
    "policyradar/data/guard.toml",
    "policyradar/data/ignore_patterns.txt",
    "policyradar/data/jieba_userdict.txt",
    "policyradar/data/demo/sources.toml",
    "policyradar/data/demo/EXPECTED.md",
    "policyradar/data/demo/s1/_routes.toml",
    "policyradar/data/demo/s2/_routes.toml",
    "policyradar/data/demo/s1/ugc/v1/user_content/kx_list",  # no extension
    "policyradar/data/demo/s2/sp-api/changelog.rss",
    "policyradar/web/templates/base.html",
    "policyradar/web/templates/timeline.html",
    "policyradar/web/templates/feed.atom",
    "policyradar/web/static/style.css",
    "policyradar/cli/main.py",
    "policyradar/crawler/settings.py",
    "policyradar/spiders/listing.py",
    "policyradar/digest/render.py",
]
# What a venv of the test environment must not see of it: policyradar itself, pip, setuptools.
HIDDEN = re.compile(
    r"(policyradar|__editable__|pip|setuptools|_distutils_hack|pkg_resources|__pycache__)"
    r"([-._].*)?$|.*\.pth$",
    re.IGNORECASE,
)


@dataclass
class Installed:
    venv: Path
    site_packages: Path
    env: dict[str, str]
    tmp: Path

    def exe(self, name: str) -> Path:
        return self.venv / BIN / name

    def run(self, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """Run one of the venv's programs from ``cwd`` (an empty folder by default)."""
        if cwd is None:
            cwd = self.tmp / f"cwd-{time.monotonic_ns()}"
            cwd.mkdir()
        return run([self.exe(str(args[0])), *args[1:]], cwd=cwd, env=self.env)


def run(
    args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    )
    return proc


def clean_env(home: Path) -> dict[str, str]:
    """This environment without what would let the checkout or another venv leak in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "PIP_", "POLICYRADAR_")) and k != "VIRTUAL_ENV"
    }
    env |= {"HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    return env


def source_tree(dest: Path) -> Path:
    """What the wheel is built from: pyproject.toml, the readme and the mapped folders."""
    dest.mkdir()
    for name in ["pyproject.toml", PYPROJECT["project"]["readme"]]:
        shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in sorted(set(PACKAGE_DIRS.values())):
        if not (dest / folder).exists():
            shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    return dest


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wheel")


@pytest.fixture(scope="module")
def source(tmp: Path) -> Path:
    return source_tree(tmp / "src")


@pytest.fixture(scope="module")
def wheel(tmp: Path, source: Path) -> Path:
    version = importlib.metadata.version("setuptools")
    if tuple(int(p) for p in re.findall(r"\d+", version)[:1]) < (77,):
        pytest.fail(f"setuptools {version} is too old to build offline: pip install -e '.[test]'")
    out = tmp / "dist"
    run(
        [
            *(sys.executable, "-m", "pip", "--isolated", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--no-index", "--wheel-dir", out, source),
        ],
        cwd=tmp,
        env=clean_env(tmp),
    )
    (built,) = out.glob("policyradar-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp: Path, wheel: Path) -> Installed:
    venv = tmp / "venv"
    home = tmp / "home"
    home.mkdir()
    env = clean_env(home)
    # sys.executable is the test venv's python: venv builds on the base interpreter, and the
    # pip it installs is ensurepip's bundled wheel (23.2.1 for Python 3.11.7).
    run([sys.executable, "-m", "venv", venv], cwd=tmp, env=env)
    python = venv / BIN / "python"
    pip_version = run([python, "-m", "pip", "--version"], cwd=tmp, env=env).stdout
    assert pip_version.startswith(f"pip {ensurepip.version()} "), pip_version
    run(
        [
            *(python, "-m", "pip", "--isolated", "install", "--quiet"),
            *("--no-deps", "--no-index", "--no-cache-dir", wheel),
        ],
        cwd=tmp,
        env=env,
    )
    paths = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp,
        env=env,
    )
    site_packages = Path(paths.stdout.strip())
    # This environment's dependencies, seen through links (not as a site dir: no .pth runs).
    deps = tmp / "deps"
    deps.mkdir()
    user_site = [site.getusersitepackages()] if site.ENABLE_USER_SITE else []
    for folder in [*site.getsitepackages(), *user_site]:
        for entry in sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []:
            if not HIDDEN.match(entry.name) and not (deps / entry.name).exists():
                (deps / entry.name).symlink_to(entry)
    (site_packages / "policyradar_test_deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    return Installed(venv, site_packages, env, tmp)


def test_wheel_holds_only_the_policyradar_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/", 1)[0] for name in names}
    dist_info = {t for t in top if t.endswith(".dist-info")}
    assert top - dist_info == {"policyradar"}
    assert dist_info == {f"policyradar-{PYPROJECT['project']['version']}.dist-info"}
    (dist,) = dist_info
    entry_points = zipfile.ZipFile(wheel).read(f"{dist}/entry_points.txt").decode()
    assert "policyradar = policyradar.cli.main:main" in entry_points


def test_wheel_ships_every_file_of_the_mapped_folders(wheel: Path, source: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(SHIPPED) <= names
    expected = set()
    for package, folder in PACKAGE_DIRS.items():
        for path in (source / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                inner = path.relative_to(source / folder).as_posix()
                expected.add(f"{package.replace('.', '/')}/{inner}")
    assert not expected - names, "missing from the wheel (packages / package-data in pyproject)"


def test_wheel_installs_with_bundled_pip_and_its_requirements_are_met(
    installed: Installed,
) -> None:
    # the old pip's reading of the metadata: markers, extras, names against what is installed
    check = installed.run("python", "-m", "pip", "--isolated", "check")
    assert "No broken requirements found" in check.stdout
    probe = installed.run(
        "python",
        "-c",
        "import json, policyradar, policyradar.crawler, policyradar.spiders, policyradar.digest,"
        " policyradar.web;"
        " from policyradar.resources import DATA_DIR;"
        " print(json.dumps([m.__file__ for m in (policyradar, policyradar.crawler,"
        " policyradar.spiders, policyradar.digest, policyradar.web)] + [str(DATA_DIR)]))",
    )
    for path in json.loads(probe.stdout):
        assert Path(path).is_relative_to(installed.site_packages / "policyradar"), path


@pytest.fixture(scope="module")
def demo(installed: Installed) -> tuple[subprocess.CompletedProcess, Path]:
    """``policyradar demo --keep`` run from an empty folder: its output and the kept home."""
    cwd = installed.tmp / "demo-cwd"
    cwd.mkdir()
    proc = installed.run("policyradar", "--lang", "en", "demo", "--keep", "demo-home", cwd=cwd)
    return proc, cwd / "demo-home"


def test_wheel_runs_the_demo_from_an_empty_folder(
    demo: tuple[subprocess.CompletedProcess, Path],
) -> None:
    proc, home = demo
    assert "Changes found by the second crawl" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert [p.name for p in home.parent.iterdir()] == ["demo-home"]
    assert changes_of_run(home, 2) == EXPECTED_SECOND_RUN
    con = sqlite3.connect(home / "policyradar.db")
    assert con.execute("SELECT COUNT(*) FROM changes WHERE run_id = 1").fetchone()[0] >= 30
    # the noise is held back: the bundled guard rules and demo pages are read from the wheel
    anomalies = con.execute(
        "SELECT COUNT(*) FROM run_sources WHERE run_id = 2 AND source_id IN"
        " ('amazon-help-selling-fees-us', 'amazon-help-code-of-conduct-us', 'ebay-announcements')"
        " AND outcome = 'error'"
    ).fetchone()[0]
    assert anomalies == 3
    con.close()
    digest = home / "digest"
    assert {"digest-email.html", "digest-text.txt", "digest-wecommd-1.md"} <= {
        p.name for p in digest.iterdir()
    }
    text = (digest / "digest-text.txt").read_text(encoding="utf-8")
    assert "起生效!亚马逊FBA商品贴标政策变更" in text  # the demo's dates are relative to today


def test_wheel_watch_reclassify_and_digest_work_on_the_demo_home(
    installed: Installed, demo: tuple[subprocess.CompletedProcess, Path]
) -> None:
    _, home = demo
    installed.run(
        "policyradar", "--home", home, "watch", "add", "vat", "IOSS", "--category", "tax_customs"
    )
    listed = installed.run("policyradar", "--lang", "en", "--home", home, "watch", "list")
    assert "IOSS" in listed.stdout
    installed.run("policyradar", "--home", home, "reclassify")
    out = installed.run("policyradar", "--home", home, "digest", "--format", "json")
    digest = json.loads(out.stdout)
    assert digest, "the demo's changes of the last 7 days make a digest"


def test_wheel_init_writes_a_starter_home(installed: Installed) -> None:
    home = installed.tmp / "init-home"
    proc = installed.run("policyradar", "--lang", "en", "--home", home, "init")
    assert "Starter config written" in proc.stdout
    sources = tomllib.loads((home / "sources.toml").read_text(encoding="utf-8"))
    assert len(sources["source"]) >= 5
    tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))
    listed = installed.run("policyradar", "--home", home, "sources", "--json")
    assert {s["id"] for s in json.loads(listed.stdout)} == {s["id"] for s in sources["source"]}


def test_wheel_serves_the_web_ui_from_its_templates(installed: Installed) -> None:
    home = installed.tmp / "serve-home"
    installed.run("policyradar", "--home", home, "init")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [installed.exe("policyradar"), "--home", home, "serve", "--port", str(port)],
        cwd=installed.tmp,
        env=installed.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    html = page.read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert '<link rel="stylesheet" href="/static/style.css">' in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/style.css") as css:
            assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()
