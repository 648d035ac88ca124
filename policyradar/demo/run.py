"""The offline demo: serve the bundled demo site on 127.0.0.1, crawl snapshot 1, then snapshot 2.

The site's dates are relative to today (see `policyradar.demo.site.templates`), so the digest of
the second crawl is a heads-up: rules starting in a few days, one already in force.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from policyradar.config import CONFIG_FILE, DATABASE_FILE, SOURCES_FILE
from policyradar.demo.site import DEMO_ROOT, SiteServer, write_sources
from policyradar.digest.export import export_channels
from policyradar.display import changes_table, event_line, run_table
from policyradar.home import load_home
from policyradar.i18n import t
from policyradar.storage import Storage

if TYPE_CHECKING:
    from rich.console import Console

    from policyradar.crawler.runner import RunReport

DEMO_DIR = DEMO_ROOT
# The demo site is local and tiny: no delays, a few parallel requests, one quick retry.
DEMO_CRAWL = """\
[crawl]
download_delay = 0
autothrottle = false
concurrency_per_domain = 4
retry_times = 1
retry_backoff = 0.2
timeout = 10
"""


def prepare_home(home: Path, base_url: str) -> None:
    """Write the demo's config and sources (pointing at ``base_url``) into ``home``; a database
    or digest left by an earlier demo is removed, so every demo starts from nothing.
    """
    home.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (home / f"{DATABASE_FILE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(home / "digest", ignore_errors=True)
    write_sources(DEMO_DIR / SOURCES_FILE, home / SOURCES_FILE, base_url)
    (home / CONFIG_FILE).write_text(DEMO_CRAWL, encoding="utf-8")


def run_demo(keep: Path | None, lang: str, console: Console, command: str | None = None) -> int:
    """Run the demo end to end and print what changed; returns the exit code. ``command``: how
    to run ``policyradar`` on the kept home, for the closing hint.
    """
    from policyradar.crawler.runner import crawl, run_in_reactor

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="policyradar-demo-") as tmp:
        home = keep or Path(tmp)
        with SiteServer(DEMO_DIR, snapshot="s1", today=date.today()) as server:
            prepare_home(home, server.base_url)
            config = load_home(home)
            sources = [s for s in config.sources if s.enabled]
            console.print(t("demo_intro", lang, base=server.base_url, home=home))

            async def both() -> tuple[RunReport, RunReport]:
                first = await crawl(config, sources)
                server.snapshot = "s2"
                second = await crawl(config, sources)
                return first, second

            first, second = run_in_reactor(both)
        console.print(t("demo_first", lang))
        console.print(run_table(first.sources, lang))
        console.print(t("demo_second", lang))
        console.print(run_table(second.sources, lang))
        with Storage(config.database) as storage:
            found = storage.changes(run_id=second.run_id, limit=None)
            counts = storage.counts()
            written = export_channels(storage, home / "digest", lang=lang, changes=found)
        console.print(t("demo_changes", lang))
        console.print(changes_table(found, lang))
        console.print(t("demo_noise", lang))
        for event in second.events:
            console.print(event_line(event, lang))
        console.print(
            t(
                "demo_totals",
                lang,
                documents=counts["documents"],
                changes=counts["changes"],
                anomalies=sum(rs.anomalies for rs in first.sources + second.sources),
                errors=sum(rs.errors for rs in first.sources + second.sources),
                seconds=time.monotonic() - started,
            )
        )
        console.print(t("demo_digest", lang, folder=home / "digest", files=len(written)))
        for path in written:
            console.print(f"  {path.name}  ({path.stat().st_size} B)")
        if keep:
            console.print(t("demo_next", lang, cmd=command or f"policyradar --home {home}"))
    return 1 if first.all_failed or second.all_failed else 0
