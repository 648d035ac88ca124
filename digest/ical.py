"""Deadlines as an iCalendar file (RFC 5545), written by hand: pure, no dependency.

One all-day event per change and date (``DTSTART;VALUE=DATE``), its UID stable across runs
(``change-<id>-<date>@policyradar``), its DTSTAMP the change's detection time (the time the
information was last revised: RFC 5545 §3.8.7.2 for an object without METHOD), the change's
one-line summary as SUMMARY and its links in DESCRIPTION and URL. TEXT values escape the
backslash, ``;``, ``,`` and newlines; lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character. Phone calendars, Outlook and 企业微信日历 subscribe to it
(its address).
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from policyradar.i18n import word
from policyradar.tagging.marketplaces import GLOBAL, load_table
from policyradar.text.clean import clean
from policyradar.urls import safe_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from policyradar.digest.deadlines import Deadline

PRODID = "-//PolicyRadar//Deadlines 1.0//ZH"
LINE_OCTETS = 75
REFRESH = "PT6H"  # how often subscribers are asked to fetch it again (RFC 7986)


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (continuations start with a space), CRLF-ended."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return line + "\r\n"
    pieces, start, limit = [], 0, LINE_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a UTF-8 character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, LINE_OCTETS - 1  # a continuation's leading space counts
    return "\r\n ".join(pieces) + "\r\n"


def calendar(
    items: Iterable[Deadline],
    *,
    lang: str = "zh",
    name: str | None = None,
    link: Callable[[Deadline], str | None] | None = None,
    category_name: Callable[[str], str] | None = None,
) -> str:
    """The deadlines as one VCALENDAR. ``link(d)`` is the change's page (e.g. the web UI's),
    shown before the source; ``category_name(id)`` names its categories. The same deadlines
    give the same bytes.
    """
    title = name or f"{word('brand', lang)} · {word('deadlines', lang)}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"NAME:{escape_text(title)}",
        f"X-WR-CALNAME:{escape_text(title)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for d in items:
        lines += _event(d, lang, link, category_name)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


def _event(
    d: Deadline,
    lang: str,
    link: Callable[[Deadline], str | None] | None,
    category_name: Callable[[str], str] | None,
) -> list[str]:
    stamp = d.detected_at if d.detected_at.tzinfo else d.detected_at.replace(tzinfo=UTC)
    stamp = stamp.astimezone(UTC)
    page = safe_url(link(d)) if link else None
    source = safe_url(d.url)
    summary = d.line(lang)
    table = load_table()
    places = ", ".join(table.name(c, lang) for c in table.shown(d.marketplaces) if c != GLOBAL)
    description = [summary, " · ".join(p for p in (d.source_name, places) if p)]
    if clean(d.title) and clean(d.title) != summary:
        description.insert(1, clean(d.title))
    description += [u for u in (page, source) if u]
    event = [
        "BEGIN:VEVENT",
        f"UID:{d.uid()}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{d.day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(d.day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
    ]
    if page or source:
        event.append(f"URL;VALUE=URI:{page or source}")
    if d.categories:
        names = [category_name(c) if category_name else c for c in d.categories]
        event.append("CATEGORIES:" + ",".join(escape_text(n) for n in names))
    event += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return event
