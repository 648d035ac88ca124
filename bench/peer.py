"""urlwatch, the peer tool: one `url` job per page, its own SQLite cache, reporters off."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from measure import file_mb, run_measured

if TYPE_CHECKING:
    from pathlib import Path

    from measure import Measured

CONFIG_YAML = """\
display: {new: false, error: false, unchanged: false, empty-diff: false}
report:
  text: {details: false, footer: false, minimal: true}
  stdout: {enabled: false, color: false}
"""


@dataclass
class PeerRound:
    measured: Measured
    cache_mb: float
    new: int = 0
    changed: int = 0
    errors: int = 0
    urls: list[str] = field(default_factory=list)


class Urlwatch:
    def __init__(self, exe: Path, work: Path) -> None:
        self.exe, self.work = exe, work
        work.mkdir(parents=True, exist_ok=True)
        self.config = work / "urlwatch.yaml"
        self.config.write_text(CONFIG_YAML, encoding="utf-8")
        self.urls = work / "urls.yaml"
        self.cache = work / "cache.db"
        self.hooks = work / "hooks.py"  # never created: no hooks

    def run(self, urls: list[str], *, timeout: float, log: Path) -> PeerRound:
        self.urls.write_text("".join(f"---\nurl: {u}\n" for u in urls)[4:], encoding="utf-8")
        before = self._last_id()
        env = {
            **os.environ,
            "HOME": str(self.work),
            "XDG_CONFIG_HOME": str(self.work),
            "XDG_CACHE_HOME": str(self.work),
        }
        cmd = [
            str(self.exe),
            "--urls",
            str(self.urls),
            "--config",
            str(self.config),
            "--hooks",
            str(self.hooks),
            "--cache",
            str(self.cache),
        ]
        measured = run_measured(cmd, timeout=timeout, log=log, env=env)
        result = PeerRound(measured, file_mb(self.cache, self.cache.with_name("cache.db-journal")))
        self._count(result, before)
        return result

    def _last_id(self) -> int:
        if not self.cache.exists():
            return 0
        with closing(sqlite3.connect(self.cache)) as conn:
            return conn.execute("SELECT COALESCE(MAX(id), 0) FROM CacheEntry").fetchone()[0]

    def _count(self, result: PeerRound, before: int) -> None:
        """What this run saved: a first entry (new), a later one (changed), a failed try (error)."""
        with closing(sqlite3.connect(self.cache)) as conn:
            conn.execute(
                "CREATE TEMP TABLE seen AS SELECT DISTINCT guid FROM CacheEntry WHERE id <= ?",
                (before,),
            )
            rows = conn.execute(
                "SELECT guid, tries, guid IN (SELECT guid FROM seen) FROM CacheEntry WHERE id > ?",
                (before,),
            ).fetchall()
        for _guid, tries, earlier in rows:
            if tries:
                result.errors += 1
            elif earlier:
                result.changed += 1
            else:
                result.new += 1
