"""A PolicyRadar home for the bench (config.toml, sources.toml) and what its database says."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sitegen import SECTIONS

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen import Site

# Politeness turned down for a server on this machine; the rest as shipped.
CONFIG_TOML = """\
[crawl]
download_delay = 0
autothrottle = false
concurrency_per_domain = 8   # the config caps it at 8; the bench passes 16 as a Scrapy setting
retry_times = 1
retry_backoff = 0.5
timeout = 30
"""
# Real selectors for the list pages; English articles use a body selector (as the Seller Forums
# source does), Chinese ones the main-text extractor (as gs.amazon.cn and cifnews do).
BODY_SELECTOR = "div.article-content"


def write_home(home: Path, site: Site, base_url: str, body: str = "mixed") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    blocks = []
    for section in SECTIONS:
        lang, kind = section.split("/")
        use_css = body == "css" or (body == "mixed" and lang == "en")
        urls = ",\n    ".join(f'"{base_url}{p}"' for p in site.list_paths(section))
        blocks.append(
            f'[[source]]\nid = "bench-{lang}-{kind}"\nname = "Bench {section}"\nkind = "listing"\n'
            f'urls = [\n    {urls},\n]\nmarketplace = "{"CN" if lang == "zh" else "US"}"\n'
            f'language = "{lang}"\nmax_items = 200\n'
            "[source.selectors]\n"
            'item = "ul.news-list > li.news-item"\nlink = "a.news-title"\n'
            'title = "a.news-title"\ndate = "time[datetime]"\n'
            + (f'body = "{BODY_SELECTOR}"\n' if use_css else "")
        )
    (home / "sources.toml").write_text("\n".join(blocks), encoding="utf-8")


@dataclass
class RunFound:
    """What one run recorded, read back from the database."""

    new: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    first_404: set[str] = field(default_factory=set)
    anomalies: list[tuple[str, str]] = field(default_factory=list)
    other_errors: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    versions_added: int = 0
    versions_total: int = 0
    documents: int = 0


def read_run(db: Path, run_id: int) -> RunFound:
    found = RunFound()
    with closing(sqlite3.connect(db)) as conn:  # closed, so that no WAL outlives the crawl
        for kind, url in conn.execute("SELECT kind, url FROM changes WHERE run_id = ?", (run_id,)):
            getattr(found, kind).add(url)
        for kind, url, reason in conn.execute(
            "SELECT kind, url, reason FROM events WHERE run_id = ?", (run_id,)
        ):
            if kind == "anomaly":
                found.anomalies.append((url, reason))
            elif reason.startswith(("HTTP 404 (1/", "HTTP 410 (1/")):
                found.first_404.add(url)
            else:
                found.other_errors.append((url, reason))
        found.unchanged = conn.execute(
            "SELECT COALESCE(SUM(unchanged), 0) FROM run_sources WHERE run_id = ?", (run_id,)
        ).fetchone()[0]
        found.versions_added = conn.execute(
            "SELECT COUNT(*) FROM versions WHERE run_id = ?", (run_id,)
        ).fetchone()[0]
        found.versions_total = conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        found.documents = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    return found


def storage_breakdown(db: Path) -> dict[str, float]:
    """MB per table and index (SQLite's dbstat), or per text column when dbstat is missing."""
    with closing(sqlite3.connect(db)) as conn:
        try:
            rows = conn.execute(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
            ).fetchall()
            return {name: size / 1e6 for name, size in rows}
        except sqlite3.OperationalError:
            pass
        columns = {
            "versions.text": "SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM versions",
            "changes.added": "SELECT SUM(LENGTH(CAST(added AS BLOB))) FROM changes",
            "changes.removed": "SELECT SUM(LENGTH(CAST(removed AS BLOB))) FROM changes",
            "changes.diff": "SELECT SUM(LENGTH(CAST(diff AS BLOB))) FROM changes",
        }
        return {k: (conn.execute(q).fetchone()[0] or 0) / 1e6 for k, q in columns.items()}


def column_bytes(db: Path) -> dict[str, float]:
    """MB of the big text columns: where the database's bytes go."""
    queries = {
        "versions.text": "SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM versions",
        "changes.added": "SELECT SUM(LENGTH(CAST(added AS BLOB))) FROM changes",
        "changes.removed": "SELECT SUM(LENGTH(CAST(removed AS BLOB))) FROM changes",
        "changes.diff": "SELECT SUM(LENGTH(CAST(diff AS BLOB))) FROM changes",
    }
    with closing(sqlite3.connect(db)) as conn:
        return {k: (conn.execute(q).fetchone()[0] or 0) / 1e6 for k, q in queries.items()}
