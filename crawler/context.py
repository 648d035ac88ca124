"""What the components of one crawler share: the loaded config, the storage and the run id."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.config import Config, load_config
from crawler.storage import Storage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

DEFAULT_HOME = Path("~/.policyradar")


def resolve_home(home: str | Path | None) -> Path:
    """The home folder: the given one, else ``POLICYRADAR_HOME``, else ``~/.policyradar``."""
    chosen = home or os.environ.get("POLICYRADAR_HOME") or DEFAULT_HOME
    return Path(chosen).expanduser()


@dataclass(slots=True)
class CrawlContext:
    config: Config
    storage: Storage
    run_id: int
    owns_run: bool  # true when a plain `scrapy crawl` opened the run itself

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """The crawler's context, created on first use (settings are read here only)."""
        ctx = getattr(crawler, "_policyradar_context", None)
        if ctx is None:
            config = load_config(resolve_home(crawler.settings.get("CRAWLER_HOME")))
            storage = Storage(config.database)
            run_id = crawler.settings.getint("CRAWLER_RUN_ID") or None
            owns_run = run_id is None
            if run_id is None:
                storage.sync_sources(config.sources)
                run_id = storage.start_run([])
            ctx = cls(config=config, storage=storage, run_id=run_id, owns_run=owns_run)
            crawler._policyradar_context = ctx  # type: ignore[attr-defined]
        return ctx
