"""SourceSpider: what the four kinds share: their sources, requests, errbacks, snapshots."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider
from scrapy.http import TextResponse

from policyradar.config import SOURCES_FILE, ConfigError
from policyradar.crawler.context import CrawlContext
from policyradar.crawler.failures import describe_failure
from policyradar.records import FetchFailure, Snapshot
from policyradar.text.charset import redecode
from policyradar.text.clean import without_surrogates
from policyradar.text.guard import garbled_page
from policyradar.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable
    from datetime import datetime

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from policyradar.config import CrawlSettings, Source

DOCUMENT_STATUSES = [304, 404, 410]
BROWSER_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_SKIPPED_RESOURCES = frozenset({"image", "media", "font"})

logger = logging.getLogger(__name__)


class UnknownSourceError(ValueError):
    """``-a source=ID`` names no enabled source of this kind."""


class SourceSpider(Spider):
    name: ClassVar[str]  # the source kind
    renders: ClassVar[bool] = False  # may a source of this kind set render = "browser"?
    takes_adapter: ClassVar[bool] = False  # does this kind read `adapter` and `params`?
    follows: ClassVar[bool] = False  # fetch each entry's article unless `follow` says otherwise

    @classmethod
    def follows_entries(cls, source: Source) -> bool:
        """Whether a crawl of ``source`` fetches each entry's article: `follow`, else the kind's."""
        return source.follow if source.follow is not None else cls.follows

    @classmethod
    def check_source(cls, source: Source, path: Path) -> None:
        """Refuse config that this kind cannot crawl, naming the file, the source and the field."""
        if not cls.takes_adapter and (source.adapter is not None or source.params):
            raise ConfigError(
                path, "only api sources take an adapter", source=source.id, field_name="adapter"
            )
        if source.render is not None and not cls.renders:
            raise ConfigError(
                path,
                "only listing and page sources can be rendered in a browser",
                source=source.id,
                field_name="render",
            )

    def __init__(self, *args: Any, sources: Iterable[Source] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = tuple(sources)
        # why browser rendering is unavailable (its sources then fail); None when it works
        self.browser_error: str | None = None
        self.wait_timeout_ms = 30_000.0

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, *args: Any, source: str | None = None, **kwargs: Any
    ) -> SourceSpider:
        config = CrawlContext.of(crawler).config
        wanted = set(source.split(",")) if source else None
        mine = [s for s in config.sources if s.kind == cls.name and (wanted or s.enabled)]
        if wanted:
            unknown = wanted - {s.id for s in mine}
            if unknown:
                raise UnknownSourceError(
                    f"no {cls.name} source with id {', '.join(sorted(unknown))}"
                )
            mine = [s for s in mine if s.id in wanted]
        for src in mine:  # a plain `scrapy crawl` loaded the config without the kinds' checks
            cls.check_source(src, config.home / SOURCES_FILE)
        spider = super().from_crawler(crawler, *args, sources=mine, **kwargs)
        _apply_crawl_settings(crawler, config.crawl)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        for src in mine:  # per-host politeness overrides
            pol = src.politeness
            if pol.delay is None and pol.concurrency is None:
                continue
            for url in src.entry_urls:
                slot = slots.setdefault(_host(url), {})
                if pol.delay is not None:
                    slot["delay"] = pol.delay
                if pol.concurrency is not None:
                    slot["concurrency"] = pol.concurrency
        rendered = [s for s in mine if renders(s)]
        if rendered:
            for src in rendered:  # one page at a time per rendered host
                for url in src.entry_urls:
                    slots.setdefault(_host(url), {})["concurrency"] = 1
            spider.browser_error = _enable_browser(crawler, config.crawl)
            spider.wait_timeout_ms = config.crawl.timeout * 1000
        crawler.settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Request | FetchFailure]:
        for source in self.sources:
            if self.browser_error and renders(source):
                self.logger.error("source %s: %s", source.id, self.browser_error)
                yield FetchFailure(
                    source_id=source.id,
                    url=source.entry_urls[0],
                    reason=self.browser_error,
                    index=True,
                )
                continue
            for request in self.start_requests_for(source):
                yield request

    def start_requests_for(self, source: Source) -> Iterable[Request]:
        for url in source.entry_urls:
            yield self.index_request(source, url)

    # -- requests ----------------------------------------------------------------------------

    def index_request(self, source: Source, url: str, **kwargs: Any) -> Request:
        """The source's entry point: its failure fails the whole source for this run."""
        return Request(
            url,
            callback=self._parse_index,
            errback=self.on_error,
            dont_filter=True,
            cb_kwargs={"source": source},
            meta={"source_id": source.id, "index": True, **self.render_meta(source, entry=True)},
            **kwargs,
        )

    def document_request(
        self,
        source: Source,
        url: str,
        *,
        index: bool = False,
        document_url: str | None = None,
        **cb_kwargs: Any,
    ) -> Request:
        """A document fetch: conditional, and 304/404/410 reach the callback.

        ``meta["document_url"]`` is the document's canonical URL (``document_url`` when the
        caller has it already), the key every later step looks the document up by.

        A rendered source's document that has a stored ETag or Last-Modified is first asked
        for with a plain conditional GET (a browser aborts a navigation answered by 304); only
        a 200 is then rendered, see ``_render_if_modified``.
        """
        meta: dict[str, Any] = {
            "source_id": source.id,
            "index": index,
            "document_url": document_url or canonical_url(url),
            "handle_httpstatus_list": DOCUMENT_STATUSES,
        }
        callback = self._parse_document
        render = self.render_meta(source, entry=index)
        if render and self._has_validators(meta["document_url"]):
            meta["render_meta"] = render
            callback = self._render_if_modified
        else:
            meta.update(render)
            if render:
                meta["conditional_checked"] = True  # nothing stored: no validators to send
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs={"source": source, **cb_kwargs},
            meta=meta,
        )

    def _render_if_modified(self, response: Response, source: Source, **cb_kwargs: Any) -> Any:
        """The plain conditional GET of a rendered document: a 304/404/410 is the answer."""
        if response.status != 200:
            yield from self.parse_document(response, source, **cb_kwargs) or ()
            return
        meta = response.meta
        yield Request(
            meta["document_url"],
            callback=self._parse_document,
            errback=self.on_error,
            dont_filter=True,
            cb_kwargs={"source": source, **cb_kwargs},
            meta={
                "source_id": meta["source_id"],
                "index": meta["index"],
                "document_url": meta["document_url"],
                "handle_httpstatus_list": DOCUMENT_STATUSES,
                "conditional_checked": True,  # modified: the browser fetches it unconditionally
                **meta["render_meta"],
            },
        )

    def _has_validators(self, url: str) -> bool:
        if not self.crawler.settings.getbool("CONDITIONALGET_ENABLED"):
            return False
        doc = CrawlContext.of(self.crawler).storage.document(url)
        return doc is not None and not doc.removed and bool(doc.etag or doc.last_modified)

    def render_meta(self, source: Source, *, entry: bool) -> dict[str, Any]:
        """Request meta that makes scrapy-playwright render a ``render = "browser"`` source.

        ``wait_for`` is awaited on the source's own entry pages (its list, or its watched page);
        articles followed from a list are rendered until their ``load`` event.
        """
        if not renders(source) or self.browser_error:
            return {}
        meta: dict[str, Any] = {"playwright": True}
        wait_for = getattr(source, "wait_for", None)
        if wait_for and entry:
            from scrapy_playwright.page import PageMethod

            meta["playwright_page_methods"] = [
                PageMethod("wait_for_selector", wait_for, timeout=self.wait_timeout_ms)
            ]
        return meta

    def _parse_index(self, response: Response, **kwargs: Any) -> Any:
        return self.parse_index(decoded(response), **kwargs)

    def _parse_document(self, response: Response, **kwargs: Any) -> Any:
        return self.parse_document(decoded(response), **kwargs)

    def parse_index(self, response: Response, source: Source) -> Any:
        raise NotImplementedError

    def parse_document(self, response: Response, source: Source, **kwargs: Any) -> Any:
        raise NotImplementedError

    def on_error(self, failure: Failure) -> Iterable[FetchFailure]:
        request = failure.request  # type: ignore[attr-defined]
        reason, anomaly = describe_failure(failure)
        yield FetchFailure(
            source_id=request.meta["source_id"],
            url=request.meta.get("document_url") or request.url,
            reason=reason,
            index=bool(request.meta.get("index")),
            anomaly=anomaly,
        )

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(
        self,
        response: Response,
        source: Source,
        *,
        title: str = "",
        published_at: datetime | None = None,
        text: str = "",
    ) -> Snapshot:
        """A snapshot of a document response; only a 200 carries the decoded page."""
        ok = response.status == 200
        headers = response.headers
        return Snapshot(
            source_id=source.id,
            url=response.meta.get("document_url") or response.url,
            status=response.status,
            final_url=response.url,
            title=title,
            html=response.text if ok and isinstance(response, TextResponse) and not text else "",
            text=text,
            published_at=published_at,
            etag=_header(headers.get(b"ETag")),
            last_modified=_header(headers.get(b"Last-Modified")),
            body_hash=hashlib.sha1(response.body).hexdigest() if ok else None,  # noqa: S324
            entry_page=bool(response.meta.get("index")),
            # a document request's URL is canonical already (see `document_request`)
            canonical="document_url" in response.meta,
        )

    def text_snapshot(
        self, source: Source, url: str, *, title: str, text: str, published_at: datetime | None
    ) -> Snapshot:
        """A document that arrived inside its index (a feed entry, an API record, a list entry)."""
        # a lone surrogate (a JSON "\\ud800" escape) is no text, and UTF-8 cannot hold it
        title, text = without_surrogates(title), without_surrogates(text)
        digest = hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()  # noqa: S324
        return Snapshot(
            source_id=source.id,
            url=url,
            final_url=url,
            title=title,
            text=text,
            published_at=published_at,
            body_hash=digest,
        )


def decoded(response: Response) -> Response:
    """``response`` read in the charset its bytes are really in, when its label gives garbage.

    A GBK page served as ``charset=utf-8`` (or UTF-8 served as GBK or Latin-1) decodes to
    replacement characters or mojibake; the page's own ``<meta charset>``, a byte-order mark and
    charset-normalizer's detection are tried in turn, and the first that reads cleanly wins.
    When none does (random bytes, a truncated binary) the response is left as it is and the
    guard records the garbled text as an anomaly, never a version.
    """
    if response.status != 200 or not isinstance(response, TextResponse):
        return response
    if not garbled_page(response.text):
        return response
    found = redecode(response.body, response.encoding, accept=lambda text: not garbled_page(text))
    if found is None:
        logger.info("%s: garbled as %s and in every charset tried", response.url, response.encoding)
        return response
    logger.info("%s: labelled %s but read as %s", response.url, response.encoding, found[0])
    return response.replace(encoding=found[0])


def renders(source: Source) -> bool:
    """Whether the source asks for browser rendering (``render = "browser"``)."""
    return getattr(source, "render", None) == "browser"


def find_chromium() -> str | None:
    """The chromium to drive: ``PLAYWRIGHT_CHROMIUM``, else Debian's, else one on ``PATH``."""
    chosen = os.environ.get("PLAYWRIGHT_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def browser_unavailable() -> str | None:
    """Why browser rendering cannot run here, or None when it can."""
    if importlib.util.find_spec("scrapy_playwright") is None:
        return (
            "browser rendering needs scrapy-playwright, which is not installed"
            " (pip install 'policyradar[browser]')"
        )
    if find_chromium() is None:
        where = os.environ.get("PLAYWRIGHT_CHROMIUM") or "/usr/bin/chromium or on PATH"
        return f"browser rendering needs chromium, which was not found ({where})"
    return None


def skip_heavy_resources(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: a rendered page loads no images, media or fonts."""
    return request.resource_type in BROWSER_SKIPPED_RESOURCES


def _enable_browser(crawler: Crawler, crawl: CrawlSettings) -> str | None:
    """Route requests through scrapy-playwright (only ``playwright`` ones are rendered).

    Returns why that is impossible instead, leaving the settings untouched.
    """
    problem = browser_unavailable()
    if problem:
        return problem
    crawler.settings.setdict(
        {
            "DOWNLOAD_HANDLERS": {"http": BROWSER_HANDLER, "https": BROWSER_HANDLER},
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": {
                "executable_path": find_chromium(),
                "headless": True,
                "args": list(BROWSER_ARGS),
            },
            "PLAYWRIGHT_MAX_CONTEXTS": 1,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": crawl.timeout * 1000,
            "PLAYWRIGHT_ABORT_REQUEST": skip_heavy_resources,
        },
        priority="spider",
    )
    return None


def _apply_crawl_settings(crawler: Crawler, crawl: CrawlSettings) -> None:
    """The home's [crawl] table, at spider priority (command-line ``-s`` still wins)."""
    crawler.settings.setdict(
        {
            "USER_AGENT": crawl.user_agent,
            "ROBOTSTXT_OBEY": crawl.obey_robots,
            "DOWNLOAD_DELAY": crawl.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.5) if crawl.autothrottle else 0,
            "DOWNLOAD_TIMEOUT": crawl.timeout,
            "DOWNLOAD_MAXSIZE": int(crawl.max_size_mb * 1024 * 1024),
            "RETRY_TIMES": crawl.retry_times,
            "RETRY_BACKOFF_BASE": crawl.retry_backoff,
            "CRAWLER_WORKERS": crawl.workers,
        },
        priority="spider",
    )


def _header(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
