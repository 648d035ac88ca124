"""Pure extraction from list and article pages: entries, titles and publish dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from policyradar.spiders.listdates import approximate_date, url_date
from policyradar.text.dates import CHINA, parse_date
from policyradar.text.extraction import html_to_text
from policyradar.urls import canonical_url, is_web_url

if TYPE_CHECKING:
    from policyradar.config import Filters, Source


_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Entry:
    url: str
    title: str
    published_at: datetime | None = None
    summary: str = ""  # the item block's text; the title alone for a source that follows links
    # a relative, yearless or URL date: used only when the article page gives no date either
    fallback_date: datetime | None = None
    key: str = ""  # the canonical URL: the document's identity


@dataclass(slots=True)
class EntryScan:
    """What a list page held: the kept entries and how many candidates failed to parse."""

    entries: list[Entry] = field(default_factory=list)
    candidates: int = 0  # item blocks (or links, without an item selector) that passed `require`
    no_link: int = 0  # item blocks without a link
    no_title: int = 0  # links without a title
    filtered: int = 0  # dropped on purpose by exclude_title / exclude_url


def source_tz(source: Source) -> timezone:
    """Chinese sources publish in UTC+8; the rest are read as UTC unless they say otherwise."""
    return CHINA if source.language.startswith("zh") else UTC


def extract_entries(html: str, base_url: str, source: Source) -> list[Entry]:
    """The entries of a list page, filtered and de-duplicated by canonical URL (shortest title)."""
    return scan_entries(html, base_url, source).entries


def scan_entries(
    html: str, base_url: str, source: Source, *, now: datetime | None = None
) -> EntryScan:
    """Like `extract_entries`, with counts of the candidates that did not parse."""
    sel = Selector(text=html)
    css = source.selectors
    blocks = sel.css(css.item) if css.item else [sel]
    scan = EntryScan()
    found: dict[str, Entry] = {}
    untitled: set[str] = set()
    for block in blocks:
        links = block.css(css.link or "a[href]")
        if css.item:
            links = links[:1]
        block_text = " ".join(block.css("::text").getall()) if css.item else ""
        if css.item and not all(word in block_text for word in source.filters.require):
            continue
        if css.item:
            scan.candidates += 1
            if not links:
                scan.no_link += 1
        for link in links:
            entry = _entry(block if css.item else link, link, base_url, source, now)
            if entry is None:
                continue
            if isinstance(entry, str):  # "filtered" on purpose, or "untitled"
                if entry == "filtered":
                    scan.filtered += 1
                else:
                    untitled.add(canonical_url(_href(link, base_url)))
                continue
            kept = found.get(entry.key)
            if kept is None or len(entry.title) < len(kept.title):
                found[entry.key] = entry
    scan.entries = _drop_pinned(list(found.values()), source.filters.max_id_gap, scan)
    scan.no_title = len(untitled - set(found))  # an image link beside a titled one is no failure
    if not css.item:
        scan.candidates = len(found) + scan.no_title + scan.filtered
    return scan


def _drop_pinned(entries: list[Entry], gap: int | None, scan: EntryScan) -> list[Entry]:
    """Drop entries whose URL's last number lies more than ``gap`` below the highest one: old
    articles pinned to a list page (cifnews) rather than news.
    """
    if gap is None:
        return entries
    ids = {e.url: int(m[-1]) for e in entries if (m := _NUMBERS.findall(urlsplit(e.url).path))}
    if not ids:
        return entries
    newest = max(ids.values())
    kept = [e for e in entries if e.url not in ids or ids[e.url] >= newest - gap]
    scan.filtered += len(entries) - len(kept)
    return kept


def keep_entry(title: str, url: str, filters: Filters) -> bool:
    """Whether an entry survives the ``exclude_title`` / ``exclude_url`` filters."""
    if any(_rx(p).search(title) for p in filters.exclude_title):
        return False
    return not any(_rx(p).search(url) for p in filters.exclude_url)


def _href(link: Selector, base_url: str) -> str:
    return urljoin(base_url, (link.attrib.get("href") or "").strip())


def _entry(
    block: Selector, link: Selector, base_url: str, source: Source, now: datetime | None
) -> Entry | Literal["untitled", "filtered"] | None:
    url = _href(link, base_url)
    if not is_web_url(url):
        return None
    css, filters = source.selectors, source.filters
    raw_title = ""
    if css.title:
        raw_title = " ".join(block.css(css.title).css("::text").getall())
    raw_title = raw_title or link.attrib.get("title") or " ".join(link.css("::text").getall())
    title = clean_title(raw_title, filters.title_strip)
    if not title:
        return "untitled"
    if not keep_entry(title, url, filters):
        return "filtered"
    tz = source_tz(source)
    published = fallback = None
    if css.date:
        node = block.css(css.date)
        value = node.attrib.get("datetime") or " ".join(node.css("::text").getall())
        published = parse_date(value, tz=tz)
        if published is None:
            fallback = approximate_date(value, tz=tz, now=now)
    read_summary = source.selectors.item and source.follow is False  # a listing follows by default
    return Entry(
        url=url,
        title=title,
        published_at=published,
        summary=html_to_text(block.get()) if read_summary else title,
        fallback_date=fallback or url_date(url, tz=tz),
        key=canonical_url(url),
    )


def clean_title(raw: str, strip: tuple[str, ...] = ()) -> str:
    title = " ".join(raw.split())
    for pattern in strip:
        title = _rx(pattern).sub("", title).strip()
    return title


def page_title(html: str, selector: str | None = None) -> str:
    """An article's title: the selector's text, else the first h1, else ``<title>``."""
    sel = Selector(text=html)
    for css in (selector, "h1", "title"):
        if css:
            text = " ".join(" ".join(sel.css(css)[:1].css("::text").getall()).split())
            if text:
                return text
    return ""


def page_date(html: str, selector: str | None, tz: timezone) -> datetime | None:
    """An article's publish date from the selector, ``time[datetime]`` or the article meta tag."""
    sel = Selector(text=html)
    candidates = []
    if selector:
        node = sel.css(selector)[:1]
        candidates += [node.attrib.get("datetime"), " ".join(node.css("::text").getall())]
    candidates += [
        sel.css('meta[property="article:published_time"]::attr(content)').get(),
        sel.css("time[datetime]::attr(datetime)").get(),
    ]
    for value in candidates:
        if value and (parsed := parse_date(value, tz=tz)):
            return parsed
    return None


@lru_cache(maxsize=512)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
