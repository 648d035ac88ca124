"""XML sitemaps (plain or Google News) as an ``api`` source: one record per matching ``<url>``."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

from parsel import Selector

from policyradar.spiders.adapters.base import AdapterError, ApiRecord, ApiRequest, SiteAdapter
from policyradar.text.dates import parse_date

if TYPE_CHECKING:
    from datetime import datetime

MAX_UNZIPPED = 50 * 1024 * 1024  # the sitemap protocol's own limit


class SitemapAdapter(SiteAdapter):
    """Records are the sitemap's URLs, newest ``lastmod`` first.

    The title is the Google News ``<news:title>`` when there is one, else the last path segment
    made readable ("new-compliance-guidelines" -> "New compliance guidelines").
    """

    name = "sitemap"
    params: ClassVar[dict[str, Any]] = {
        "include": "",  # regex: keep only URLs that match (e.g. "/releasenotes/")
        "exclude": "",  # regex: drop URLs that match
    }

    def __init__(self, url: str, params: dict[str, Any]) -> None:
        super().__init__(url, params)
        try:
            self.include = re.compile(str(self.options["include"]))
            self.exclude = (
                re.compile(str(self.options["exclude"])) if self.options["exclude"] else None
            )
        except re.error as exc:
            raise AdapterError(f"bad regular expression in params: {exc}") from None

    def requests(self, now: datetime) -> list[ApiRequest]:
        return [ApiRequest(url=self.url, headers={"Accept": "application/xml, text/xml"})]

    def parse(self, body: bytes) -> list[ApiRecord]:
        sel = _xml(body)
        if sel.xpath("/sitemapindex"):
            children = sel.xpath("/sitemapindex/sitemap/loc/text()").getall()[:3]
            raise AdapterError(
                "a sitemap index, not a sitemap: point the source at one of its sitemaps "
                f"({', '.join(c.strip() for c in children)}…)"
            )
        if not sel.xpath("/urlset"):
            raise AdapterError("not a sitemap: no <urlset>")
        records = []
        for node in sel.xpath("/urlset/url"):
            loc = (node.xpath("loc/text()").get() or "").strip()
            if not loc or not self.include.search(loc):
                continue
            if self.exclude is not None and self.exclude.search(loc):
                continue
            news_title = " ".join((node.xpath("news/title/text()").get() or "").split())
            when = (
                node.xpath("news/publication_date/text()").get()
                or node.xpath("lastmod/text()").get()
            )
            title = news_title or slug_title(loc)
            records.append(
                ApiRecord(
                    url=loc,
                    title=title,
                    text=title,
                    published_at=parse_date((when or "").strip()),
                )
            )
        records.sort(
            key=lambda r: r.published_at.timestamp() if r.published_at else 0, reverse=True
        )
        return records


def slug_title(url: str) -> str:
    """A readable title from a URL's last path segment."""
    segment = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    segment = re.sub(r"\.(s?html?|php|aspx?)$", "", segment)
    words = " ".join(re.split(r"[-_]+", segment)).strip()
    return words[:1].upper() + words[1:]


def _xml(body: bytes) -> Selector:
    if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap, not undone by Content-Encoding
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
                body = fh.read(MAX_UNZIPPED + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise AdapterError(f"bad gzip sitemap: {exc}") from None
        if len(body) > MAX_UNZIPPED:
            raise AdapterError("sitemap larger than 50 MB unzipped")
    try:
        sel = Selector(body=body, type="xml")
    except ValueError as exc:
        raise AdapterError(f"not XML: {exc}") from None
    sel.remove_namespaces()
    return sel
