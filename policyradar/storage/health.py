"""A read-only look at a database file, for `policyradar doctor`: is it whole, is it current.

Nothing is written: the file is opened read-only, so a check never migrates, locks out a crawl
or creates the file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database

from policyradar.storage.schema import migrations

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    """What `database_health` found: problems (empty when whole) and the migrations' state."""

    problems: tuple[str, ...] = ()
    applied: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()  # known to this version, not yet applied: applied on next open
    unknown: tuple[str, ...] = ()  # applied but unknown here: a newer version wrote the file
    changes: int = 0


def database_health(path: Path) -> DatabaseHealth:
    """``PRAGMA quick_check`` and the migrations of the database at ``path`` (which must exist)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return DatabaseHealth(problems=(f"cannot open: {exc}",))
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
        problems = tuple(r for r in rows if r != "ok")
        db = Database(conn)
        applied = tuple(m.name for m in migrations.applied(db))
        pending = tuple(m.name for m in migrations.pending(db))
        registered = {m.name for m in migrations._migrations}
        unknown = tuple(name for name in applied if name not in registered)
        changes = 0
        if "changes" in db.table_names():
            changes = conn.execute("SELECT count(*) FROM changes").fetchone()[0]
        return DatabaseHealth(
            problems=problems, applied=applied, pending=pending, unknown=unknown, changes=changes
        )
    except sqlite3.Error as exc:
        return DatabaseHealth(problems=(str(exc),))
    finally:
        conn.close()
