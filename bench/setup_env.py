"""What the bench needs beyond the project venv: nginx (Debian's package) and urlwatch 2.x (a venv).

Each step has a time limit and fails with a message that says what to do; nothing waits forever.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PEER_VENV = BENCH / ".venv"  # ignored by bench/.gitignore
URLWATCH_SPEC = "urlwatch>=2.28,<3"


class SetupError(RuntimeError):
    """Something the bench needs is missing and could not be installed."""


def _run(cmd: list[str], timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise SetupError(f"{what}: `{' '.join(cmd)}` took longer than {timeout:.0f} s") from None
    except FileNotFoundError:
        raise SetupError(f"{what}: `{cmd[0]}` not found") from None


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)


def _apt_install(packages: list[str], *, required: bool) -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        if required:
            raise SetupError(
                f"{' '.join(packages)} missing: install with `sudo apt-get install -y "
                f"{' '.join(packages)}` (the bench installs it itself when run as root on Debian)"
            )
        return
    print(f"bench: installing {' '.join(packages)} from Debian's packages …", flush=True)
    result = _run(["apt-get", "install", "-y", "-q", *packages], 600, "apt-get install")
    if result.returncode != 0:  # an empty or stale package list: update once, then try again
        _run(["apt-get", "update", "-q"], 600, "apt-get update")
        result = _run(["apt-get", "install", "-y", "-q", *packages], 600, "apt-get install")
    if result.returncode != 0 and required:
        raise SetupError(f"apt-get install {' '.join(packages)} failed:\n{result.stderr[-2000:]}")


def ensure_nginx(install: bool) -> str:
    if nginx_binary() is None:
        if not install:
            raise SetupError(
                "nginx is missing: `apt-get install -y nginx-light` (or run without --no-install)"
            )
        _apt_install(["nginx-light"] if _apt_has("nginx-light") else ["nginx"], required=True)
    if install and not shutil.which("wrk"):
        _apt_install(["wrk"], required=False)  # optional: the ceiling falls back to asyncio
    binary = nginx_binary()
    if binary is None:
        raise SetupError("nginx still not found after installing it")
    return binary


def _apt_has(package: str) -> bool:
    if not shutil.which("apt-cache"):
        return False
    result = _run(["apt-cache", "policy", package], 60, "apt-cache")
    return "Candidate:" in result.stdout and "Candidate: (none)" not in result.stdout


def ensure_urlwatch(install: bool) -> Path:
    exe = PEER_VENV / "bin" / "urlwatch"
    if not exe.exists():
        if not install:
            raise SetupError(
                f"urlwatch is missing: `{sys.executable} -m venv {PEER_VENV} && "
                f"{PEER_VENV}/bin/pip install '{URLWATCH_SPEC}'` (or run without --no-install)"
            )
        print(f"bench: installing {URLWATCH_SPEC} into {PEER_VENV} …", flush=True)
        made = _run(
            [sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], 300, "python -m venv"
        )
        if made.returncode != 0:
            raise SetupError(f"could not create {PEER_VENV}:\n{made.stderr[-2000:]}")
        pip = [str(PEER_VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
        got = _run([*pip, URLWATCH_SPEC], 600, "pip install urlwatch")
        if got.returncode != 0 or not exe.exists():
            raise SetupError(f"pip install '{URLWATCH_SPEC}' failed:\n{got.stderr[-2000:]}")
    version = _run([str(exe), "--version"], 60, "urlwatch --version")
    if version.returncode != 0 or not version.stdout.startswith("urlwatch 2."):
        raise SetupError(f"{exe} is not a working urlwatch 2.x: {version.stdout}{version.stderr}")
    return exe


def versions(urlwatch: Path | None) -> dict[str, str]:
    """Versions of the tools in the run, for the report."""
    out = {}
    nginx = nginx_binary()
    if nginx:
        out["nginx"] = _run([nginx, "-v"], 30, "nginx -v").stderr.strip().split("/")[-1]
    if urlwatch:
        out["urlwatch"] = _run([str(urlwatch), "--version"], 60, "urlwatch").stdout.split()[-1]
    import scrapy

    out["scrapy"] = scrapy.__version__
    if shutil.which("wrk"):
        out["wrk"] = "yes"
    return out
