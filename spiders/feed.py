"""``feed``: an RSS or Atom feed read with feedparser; each entry is a document."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import feedparser

from policyradar.records import FetchFailure
from policyradar.spiders.base import SourceSpider
from policyradar.spiders.entries import clean_title, keep_entry, page_title
from policyradar.text.extraction import html_to_text
from policyradar.urls import is_web_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import Response

    from policyradar.config import Filters, Source

# a character reference to a surrogate (U+D800..U+DFFF), decimal or hex
_SURROGATE_REF = re.compile(
    rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*(?:5529[6-9]|55[3-9][0-9]{2}|56[0-9]{3}"
    rb"|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3]));"
)


def parse_feed(
    body: bytes, content_type: str = "", base_url: str = ""
) -> tuple[list[dict[str, Any]], str | None]:
    """Entries of a feed as plain dicts (url, title, text, published_at), and a parse problem.

    A relative link resolves against ``base_url`` (the feed's own URL); an entry without a link
    keeps an empty url. The url may be of another scheme (`mailto:`…): see `is_web_url`.
    """
    headers = {"content-type": content_type} | ({"content-location": base_url} if base_url else {})
    # feedparser's loose parser fails on a character reference to a surrogate (&#xD800;): no
    # text, dropped as a JSON "\\ud800" is (see `SourceSpider.text_snapshot`)
    parsed = feedparser.parse(_SURROGATE_REF.sub(b"", body), response_headers=headers)
    entries = []
    for e in parsed.entries:
        link = (e.get("link") or e.get("id") or "").strip()
        try:
            url = urljoin(base_url, link) if link else ""
        except ValueError:  # an unparsable link, e.g. a broken IPv6 literal
            url = link
        when = e.get("published_parsed") or e.get("updated_parsed")
        content = (e.get("content") or [{}])[0].get("value") or e.get("summary") or ""
        entries.append(
            {
                "url": url,
                "title": " ".join((e.get("title") or "").split()),
                "text": html_to_text(content),
                "published_at": datetime.fromtimestamp(calendar.timegm(when), UTC)
                if when
                else None,
            }
        )
    problem = None
    if not entries:
        problem = (
            f"not a feed: {parsed.get('bozo_exception')}" if parsed.get("bozo") else "empty feed"
        )
    return entries, problem


def select_entries(entries: list[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    """Feed entries with cleaned titles that pass the source's filters."""
    kept = []
    for e in entries:
        title = clean_title(e["title"], filters.title_strip)
        if not keep_entry(title, e["url"], filters):
            continue
        if not all(word in f"{title}\n{e['text']}" for word in filters.require):
            continue
        kept.append({**e, "title": title})
    return kept


class FeedSpider(SourceSpider):
    name = "feed"

    def parse_index(self, response: Response, source: Source) -> Iterator[Any]:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        entries, problem = parse_feed(response.body, content_type, response.url)
        if problem:
            yield FetchFailure(source_id=source.id, url=response.url, reason=problem, index=True)
            return
        for e in select_entries(entries, source.filters)[: source.max_items]:
            title = e["title"]
            if not is_web_url(e["url"]):  # never stored or fetched; the rest goes on
                reason = f"entry {title[:80]!r} skipped: its link {e['url'][:120]!r} is not http(s)"
                yield FetchFailure(
                    source_id=source.id, url=response.url, reason=reason, anomaly=True
                )
                continue
            if self.follows_entries(source):
                yield self.document_request(
                    source, e["url"], entry_title=title, entry_date=e["published_at"]
                )
            else:
                text = f"{title}\n{e['text']}".strip()
                yield self.text_snapshot(
                    source, e["url"], title=title, text=text, published_at=e["published_at"]
                )

    def parse_document(
        self,
        response: Response,
        source: Source,
        entry_title: str = "",
        entry_date: datetime | None = None,
    ) -> Iterator[Any]:
        title = entry_title
        if not title and response.status == 200 and hasattr(response, "text"):
            title = page_title(response.text)
        yield self.snapshot(response, source, title=title, published_at=entry_date)
