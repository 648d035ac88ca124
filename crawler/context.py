"""What the components of one crawler share: the loaded config, the storage and the run id."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policyradar.config import Config, load_config, resolve_home
from policyradar.storage import Storage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


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
                run_id = storage.start_run([], baseline=True)
            ctx = cls(config=config, storage=storage, run_id=run_id, owns_run=owns_run)
            crawler._policyradar_context = ctx  # type: ignore[attr-defined]
        return ctx
