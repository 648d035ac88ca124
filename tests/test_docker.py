"""The container recipe: the Dockerfile's commands work as written, and, where a Docker daemon
runs, the image builds, starts as a non-root user with its home as a volume, and turns healthy.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
TOKEN = "test-token-0123456789abcdef"


def instruction(name: str) -> str:
    """The text of the Dockerfile's (last) instruction ``name``, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = re.findall(rf"^{name}\s+(.*)$", joined, flags=re.MULTILINE)
    assert found, f"the Dockerfile has no {name}"
    return found[-1].strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str | None = TOKEN) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=3) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_for(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def test_the_image_is_slim_runs_as_a_user_and_keeps_its_home_in_a_volume() -> None:
    assert re.search(r"^FROM python:3\.11-slim", DOCKERFILE, flags=re.MULTILINE)
    assert instruction("USER") == "radar"
    assert "/home/radar/.policyradar" in instruction("VOLUME")
    assert "policyradar doctor" in instruction("HEALTHCHECK")
    assert json.loads(instruction("CMD")) == ["serve", "--host", "0.0.0.0", "--schedule"]
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    assert "!policyradar/" in ignored


def test_compose_publishes_on_loopback_and_asks_for_a_token() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["policyradar"]
    assert service["ports"] == ["127.0.0.1:8750:8750"]
    assert service["environment"]["POLICYRADAR_TOKEN"].startswith("${POLICYRADAR_TOKEN:?")
    assert service["volumes"] == ["policyradar-home:/home/radar/.policyradar"]
    assert "policyradar-home" in compose["volumes"]


def test_the_entrypoint_command_and_health_check_work_as_written(tmp_path: Path) -> None:
    """The image's ENTRYPOINT, CMD and HEALTHCHECK, run here on this checkout's install."""
    entrypoint = json.loads(instruction("ENTRYPOINT"))
    command = json.loads(instruction("CMD"))
    port = free_port()
    bin_dir = Path(sys.executable).parent
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("POLICYRADAR_")},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "POLICYRADAR_HOME": str(tmp_path / "home"),  # empty, like a new volume
        "POLICYRADAR_LEXICON_DIR": str(tmp_path / "lexicon"),
        "POLICYRADAR_TOKEN": TOKEN,
    }
    server = subprocess.Popen(
        [*entrypoint, *command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/sources") == 200, 60)
        assert get(f"http://127.0.0.1:{port}/sources", token=None) == 401  # the token is needed
        assert (tmp_path / "home" / "sources.toml").is_file()  # a new home got the starter config
        health = instruction("HEALTHCHECK").split(" CMD ", 1)[1].replace(":8750/", f":{port}/")
        check = subprocess.run(
            shlex.split(health.removesuffix(" || exit 1")),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "HTTP 200" in check.stdout
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "07:30 Asia/Shanghai" in output  # the schedule it announced
    assert "Traceback" not in output


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not docker_available(), reason="no Docker daemon (`docker info` fails)")
def test_the_image_builds_starts_and_turns_healthy() -> None:
    tag = f"policyradar-test:{uuid.uuid4().hex[:8]}"
    name = f"policyradar-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    build = subprocess.run(
        ["docker", "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800
    )
    assert build.returncode == 0, build.stderr[-4000:]
    try:
        subprocess.run(
            ["docker", "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8750",
             "-e", f"POLICYRADAR_TOKEN={TOKEN}", "--health-interval", "2s", tag],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

        def healthy() -> bool:
            state = subprocess.run(
                ["docker", "inspect", "-f", "{{.State.Health.Status}}", name],
                capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
            assert state.stdout.strip() != "unhealthy", state.stdout
            return state.stdout.strip() == "healthy"

        wait_for(healthy, 180)
        assert get(f"http://127.0.0.1:{port}/sources") == 200
        uid = subprocess.run(
            ["docker", "exec", name, "id", "-u"], capture_output=True, text=True, check=True
        )
        assert uid.stdout.strip() != "0"
        doctor = subprocess.run(
            ["docker", "exec", name, "policyradar", "--lang", "en", "doctor", "--offline"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert "config" in doctor.stdout
        mounts = subprocess.run(
            ["docker", "inspect", "-f", "{{json .Mounts}}", name],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert "/home/radar/.policyradar" in mounts.stdout
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", name], capture_output=True, check=False)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, check=False)
