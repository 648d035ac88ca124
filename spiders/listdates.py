"""Approximate publish dates: relative ("3小时前"), yearless ("May 7 17:42"), URL and text dates.

They are fallbacks: a listing uses one only when neither the list entry nor the article page has
a full date. Relative and yearless forms are resolved against ``now`` (the fetch time).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

from parsel import Selector

from policyradar.text.dates import parse_date

_UNITS = {
    "秒": "seconds",
    "分钟": "minutes",
    "分": "minutes",
    "小时": "hours",
    "天": "days",
    "日": "days",
    "周": "weeks",
    "星期": "weeks",
    "second": "seconds",
    "sec": "seconds",
    "minute": "minutes",
    "min": "minutes",
    "hour": "hours",
    "hr": "hours",
    "day": "days",
    "week": "weeks",
}
_RELATIVE = re.compile(
    r"(?P<n>\d+)\s*(?P<unit>秒|分钟|分|小时|天|日|周|星期|"
    r"seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s*(?:前|ago)",
    re.IGNORECASE,
)
_JUST_NOW = re.compile(r"刚刚|just now", re.IGNORECASE)
_DAY_WORD = re.compile(
    r"(?P<word>今天|昨天|前天|today|yesterday)\s*(?:(?P<H>\d{1,2}):(?P<M>\d{2}))?", re.IGNORECASE
)
_DAYS_BACK = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_YEARLESS_EN = re.compile(
    r"\b(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{2}))?(?!\s*,?\s*\d{4})\b"
)
_YEARLESS_NUM = re.compile(
    r"(?<![\d年/-])(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2}))?(?![\d/-])"
)
# Dates carried by URLs: /20260507/ (ebrun), /2026/05/07/ (blogs), -260507 at the end (gs.amazon.cn)
_URL_DATES = (
    re.compile(r"/(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})/"),
    re.compile(r"/(?P<y>20\d{2})/(?P<m>\d{2})/(?P<d>\d{2})(?:/|$)"),
    re.compile(r"/(?P<y>20\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?:[/-]|$)"),
    re.compile(r"[-_](?P<y>\d{2})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_TEXT_DATETIME = re.compile(r"\b20\d{2}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\b")


def approximate_date(
    value: str, *, tz: timezone = UTC, now: datetime | None = None
) -> datetime | None:
    """A relative or yearless date in ``value`` resolved against ``now``, in UTC."""
    now = (now or datetime.now(UTC)).astimezone(tz)
    text = " ".join(value.split())
    if not text:
        return None
    if _JUST_NOW.search(text):
        return now.astimezone(UTC)
    if m := _RELATIVE.search(text):
        unit = m["unit"].lower()
        key = next(k for k in sorted(_UNITS, key=len, reverse=True) if unit.startswith(k))
        return (now - timedelta(**{_UNITS[key]: int(m["n"])})).astimezone(UTC)
    if m := _DAY_WORD.search(text):
        day = now - timedelta(days=_DAYS_BACK.get(m["word"].lower(), 0))
        hour, minute = int(m["H"] or 0), int(m["M"] or 0)
        if hour > 23 or minute > 59:
            return None
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0).astimezone(UTC)
    return _yearless(text, tz, now)


def _yearless(text: str, tz: timezone, now: datetime) -> datetime | None:
    month = day = None
    hour = minute = "0"
    if m := _YEARLESS_EN.search(text):
        mon = m["mon"].lower()
        if mon in _MONTHS:
            month, day = _MONTHS.index(mon) + 1, int(m["d"])
            hour, minute = m["H"] or "0", m["M"] or "0"
    if month is None and (m := _YEARLESS_NUM.search(text)):
        month, day = int(m["m"]), int(m["d"])
        hour, minute = m["H"] or "0", m["M"] or "0"
    if month is None or day is None:
        return None
    for year in (now.year, now.year - 1):  # the latest such date that is not in the future
        try:
            when = datetime(year, month, day, int(hour), int(minute), tzinfo=tz)
        except ValueError:
            return None
        if when <= now + timedelta(days=1):
            return when.astimezone(UTC)
    return None


def url_date(url: str, *, tz: timezone = UTC) -> datetime | None:
    """The day a URL's path carries (``/20260507/``, ``/2026/05/07/``, ``-260507``), as UTC."""
    path = urlsplit(url).path
    for pattern in _URL_DATES:
        if m := pattern.search(path):
            year = int(m["y"]) if len(m["y"]) == 4 else 2000 + int(m["y"])
            if year < 2005:
                continue
            try:
                return datetime(year, int(m["m"]), int(m["d"]), tzinfo=tz).astimezone(UTC)
            except ValueError:
                continue
    return None


def text_date(html: str, *, tz: timezone = UTC) -> datetime | None:
    """The first ``YYYY-MM-DD HH:MM`` in a page's visible text (cifnews-style articles)."""
    sel = Selector(text=html)
    texts = sel.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
    ).getall()
    for chunk in texts:
        if m := _TEXT_DATETIME.search(chunk):
            return parse_date(m.group(0), tz=tz)
    return None
