"""``listing``: an HTML list page; each entry is followed to its article (or kept as a title)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.http import TextResponse

from policyradar.config import ConfigError
from policyradar.records import FetchFailure, Snapshot
from policyradar.spiders.base import SourceSpider
from policyradar.spiders.entries import extract_entries, page_date, page_title, source_tz
from policyradar.spiders.listdates import text_date
from policyradar.text.extraction import html_to_text
from policyradar.text.guard import detect_anomaly

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime
    from pathlib import Path

    from scrapy import Request
    from scrapy.http import Response

    from policyradar.config import Source


class ListingSpider(SourceSpider):
    name = "listing"
    follows = True
    renders = True

    @classmethod
    def check_source(cls, source: Source, path: Path) -> None:
        super().check_source(source, path)
        if not source.selectors.link:
            raise ConfigError(
                path,
                "a listing source needs a link selector",
                source=source.id,
                field_name="selectors.link",
            )

    def parse_index(self, response: Response, source: Source) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield FetchFailure(
                source_id=source.id,
                url=response.url,
                index=True,
                reason="the list page is not HTML",
            )
            return
        entries = extract_entries(response.text, response.url, source)
        if not entries:
            if _redirected(response) and not response.meta.get("redirect_retried"):
                # AMZ123 and others sometimes answer a first request with a redirect to "/"
                self.logger.info(
                    "source %s: list redirected to %s; retrying", source.id, response.url
                )
                first = response.meta["redirect_urls"][0]
                retry = self.index_request(source, first)
                retry.meta["redirect_retried"] = True
                yield retry
                return
            reason = detect_anomaly(text=html_to_text(response.text), final_url=response.url)
            yield FetchFailure(
                source_id=source.id,
                url=response.url,
                index=True,
                anomaly=reason is not None,
                reason=reason or "no entries found: the item/link selectors matched nothing",
            )
            return
        self.logger.debug("source %s: %d entries on %s", source.id, len(entries), response.url)
        for entry in entries[: source.max_items]:
            if self.follows_entries(source):
                yield self.document_request(
                    source,
                    entry.url,
                    document_url=entry.key,
                    entry_title=entry.title,
                    entry_date=entry.published_at,
                    fallback_date=entry.fallback_date,
                )
            else:
                yield self.text_snapshot(
                    source,
                    entry.url,
                    title=entry.title,
                    text=entry.summary,
                    published_at=entry.published_at or entry.fallback_date,
                )

    def parse_document(
        self,
        response: Response,
        source: Source,
        entry_title: str = "",
        entry_date: datetime | None = None,
        fallback_date: datetime | None = None,
    ) -> Iterator[Snapshot | Request]:
        title, published = entry_title, entry_date
        if response.status == 200 and isinstance(response, TextResponse):
            tz = source_tz(source)
            title = title or page_title(response.text)
            published = (
                published
                or page_date(response.text, source.selectors.date, tz)
                or text_date(response.text, tz=tz)
            )
        yield self.snapshot(response, source, title=title, published_at=published or fallback_date)


def _redirected(response: Response) -> bool:
    return bool(response.meta.get("redirect_urls"))
