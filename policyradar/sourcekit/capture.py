"""Trial crawls for ``sources check`` and ``sources record``: a throwaway home, every response kept.

A trial crawl runs the real spiders, middlewares and pipelines with the user's crawl settings and
each source's own politeness, but against a temporary copy of the config and a temporary database,
so nothing is stored in the user's history. `ResponseCapture` (switched on by the
``CRAWLER_CAPTURE_DIR`` setting) saves every response it sees for the caller to inspect.
"""

from __future__ import annotations

import json
import logging
import shutil
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from policyradar.config import CONFIG_FILE, SOURCES_FILE
from policyradar.home import load_home
from policyradar.sourcekit.fixtures import dump_sources
from policyradar.spiders import follows

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from policyradar.config import Config, Source
    from policyradar.crawler.runner import RunReport
    from policyradar.records import Change

logger = logging.getLogger(__name__)
CAPTURE_LOG = "responses.jsonl"


class ResponseCapture:
    """Saves each response's body, with a JSON line about it, into ``CRAWLER_CAPTURE_DIR``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseCapture:
        folder = crawler.settings.get("CRAWLER_CAPTURE_DIR")
        if not folder:
            raise NotConfigured("no CRAWLER_CAPTURE_DIR")
        ext = cls(Path(folder))
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(
        self, response: Response, request: Request, spider: Spider | None = None
    ) -> None:
        name = f"{uuid.uuid4().hex}.body"
        (self.folder / name).write_bytes(response.body)
        record = {
            "source_id": request.meta.get("source_id"),
            "url": response.url,
            "redirect_urls": list(request.meta.get("redirect_urls", [])),
            "method": request.method,
            "status": response.status,
            "content_type": (response.headers.get(b"Content-Type") or b"").decode("latin-1"),
            "index": bool(request.meta.get("index")),
            "file": name,
        }
        with (self.folder / CAPTURE_LOG).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


@dataclass(frozen=True, slots=True)
class Captured:
    """One response of a trial crawl."""

    source_id: str | None  # None for robots.txt
    url: str
    redirect_urls: tuple[str, ...]
    method: str
    status: int
    content_type: str
    index: bool
    path: Path

    @property
    def body(self) -> bytes:
        return self.path.read_bytes()


@dataclass(slots=True)
class TrialRun:
    """What a trial crawl did: its run report, the responses and the changes it would store."""

    config: Config
    report: RunReport
    captured: list[Captured] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def responses(self, source_id: str) -> list[Captured]:
        return [c for c in self.captured if c.source_id == source_id]


def trial_config(config: Config, source_ids: list[str], workdir: Path, articles: int) -> Config:
    """A throwaway home in ``workdir`` with the chosen sources, following ``articles`` at most."""
    home = workdir / "home"
    home.mkdir(parents=True, exist_ok=True)
    if (config.home / CONFIG_FILE).exists():
        shutil.copyfile(config.home / CONFIG_FILE, home / CONFIG_FILE)
    with (config.home / SOURCES_FILE).open("rb") as fh:
        raw = {entry["id"]: entry for entry in tomllib.load(fh).get("source", [])}
    entries = []
    for sid in source_ids:
        entry, source = dict(raw[sid]), config.source(sid)
        if follows(source):
            entry["max_items"] = min(source.max_items, articles)
        entries.append(entry)
    (home / SOURCES_FILE).write_text(dump_sources(entries), encoding="utf-8")
    return load_home(home)


def trial_crawl(
    config: Config, sources: list[Source], workdir: Path, *, articles: int = 3
) -> TrialRun:
    """Crawl ``sources`` once into a throwaway home under ``workdir``, keeping every response."""
    from policyradar.crawler import settings as project_settings
    from policyradar.crawler.runner import crawl, run_in_reactor
    from policyradar.storage import Storage

    ids = [s.id for s in sources]
    trial = trial_config(config, ids, workdir, articles)
    capture = workdir / "responses"
    extra: dict[str, Any] = {
        "EXTENSIONS": {
            **project_settings.EXTENSIONS,
            "policyradar.sourcekit.capture.ResponseCapture": 600,
        },
        "CRAWLER_CAPTURE_DIR": str(capture),
    }
    chosen = [trial.source(sid) for sid in ids]
    report = run_in_reactor(lambda: crawl(trial, chosen, settings=extra))
    with Storage(trial.database) as storage:
        changes = storage.changes(sources=ids, limit=100_000)
    logger.debug("trial crawl of %s in %s: run %s", ", ".join(ids), workdir, report.run_id)
    return TrialRun(config=trial, report=report, captured=read_capture(capture), changes=changes)


def read_capture(folder: Path) -> list[Captured]:
    log = folder / CAPTURE_LOG
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        out.append(
            Captured(
                source_id=rec["source_id"],
                url=rec["url"],
                redirect_urls=tuple(rec["redirect_urls"]),
                method=rec["method"],
                status=rec["status"],
                content_type=rec["content_type"],
                index=rec["index"],
                path=folder / rec["file"],
            )
        )
    return out
