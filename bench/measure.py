"""Runs a child process with a time limit and reads its own CPU time and peak RSS (wait4)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class ChildFailedError(RuntimeError):
    """A measured child exited non-zero or ran past its time limit."""


@dataclass(frozen=True, slots=True)
class Measured:
    wall: float  # seconds
    user: float
    sys: float
    maxrss_mb: float

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def run_measured(
    cmd: list[str], *, timeout: float, log: Path, env: dict[str, str] | None = None
) -> Measured:
    """Run ``cmd`` (output to ``log``); kill its process group after ``timeout`` seconds."""
    with log.open("wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)  # the group of the child we started
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise ChildFailedError(
                    f"{cmd[0]} ran past its limit of {timeout:.0f} s and was stopped; see {log}"
                )
            time.sleep(0.01)
        wall = time.monotonic() - started
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise ChildFailedError(f"{' '.join(cmd[:3])} … exited {code}; last output:\n{tail}")
    return Measured(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024)


def file_mb(*paths: Path) -> float:
    """Size of the files that exist among ``paths`` (a database with its -wal and -shm), in MB."""
    return sum(p.stat().st_size for p in paths if p.exists()) / 1e6
