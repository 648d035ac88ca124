"""Placeholders in demo files: ``{{base}}`` (the server's base URL) and ``{{date…}}`` (a date
relative to the day the demo runs), and where the demo tree lives.

A date placeholder is ``{{date<±N>d[ HH:MM]|<format>}}``: the day N days after (``+``) or before
(``-``) "today", at HH:MM UTC (default 00:00), written as one of `DATE_FORMATS`, e.g.
``自{{date+5d|zh}}起`` → 自2026年3月31日起, ``starting {{date+26d|en}}`` → starting July 15, 2026,
``"published_at": {{date-1d 09:42|epoch}}``. The demo serves its site with today's date, so its
rules start in a few days; the tests serve it with a fixed `DEMO_TODAY` and stay the same.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING

from policyradar.resources import data_path

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

BASE_PLACEHOLDER = "{{base}}"
DEMO_ROOT = data_path("demo")
DEMO_TODAY = date(2026, 6, 28)  # "today" of a site served without one: the tests' fixed day

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DATE_FORMATS: dict[str, Callable[[datetime], str]] = {
    "iso": lambda d: d.strftime("%Y-%m-%d"),  # 2026-03-31
    "isotime": lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.000Z"),  # 2026-03-31T09:42:00.000Z
    "zh": lambda d: f"{d.year}年{d.month}月{d.day}日",  # 2026年3月31日
    "zh_md": lambda d: f"{d.month}月{d.day}日",  # 3月31日
    "md": lambda d: f"{d.month}/{d.day}",  # 3/31
    "year": lambda d: str(d.year),  # 2026
    "en": lambda d: f"{_MONTHS[d.month - 1]} {d.day}, {d.year}",  # March 31, 2026
    "en_md": lambda d: f"{_MONTHS[d.month - 1]} {d.day}",  # March 31
    "en_short": lambda d: f"{_MONTHS[d.month - 1][:3]} {d.day}, {d.year}",  # Mar 31, 2026
    "mon_d": lambda d: f"{_MONTHS[d.month - 1][:3]} {d.day}",  # Mar 31
    "rfc": lambda d: format_datetime(d, usegmt=True),  # Tue, 31 Mar 2026 09:42:00 GMT
    "epoch": lambda d: str(int(d.timestamp())),  # 1774950120
}
_DATE = re.compile(r"\{\{date(?:([+-]\d+)d)?(?: (\d{1,2}):(\d{2}))?\|(\w+)\}\}")


def render_base(text: str, base_url: str) -> str:
    """Replace ``{{base}}`` in a template (such as ``data/demo/sources.toml``) with a base URL."""
    return text.replace(BASE_PLACEHOLDER, base_url.rstrip("/"))


def render_dates(text: str, today: date) -> str:
    """Replace every ``{{date…}}`` placeholder in ``text`` with that day relative to ``today``.

    An unknown format is a `ValueError` naming it (a typo in a demo file fails loudly).
    """
    if "{{date" not in text:
        return text

    def fill(m: re.Match[str]) -> str:
        days, hour, minute, name = m.groups()
        if name not in DATE_FORMATS:
            known = ", ".join(DATE_FORMATS)
            raise ValueError(f"unknown date format {name!r} in {m.group()}; use one of {known}")
        when = datetime.combine(
            today + timedelta(days=int(days or 0)),
            time(int(hour or 0), int(minute or 0)),
            tzinfo=UTC,
        )
        return DATE_FORMATS[name](when)

    return _DATE.sub(fill, text)


def write_sources(template: Path, dest: Path, base_url: str) -> Path:
    """Write ``template`` with ``{{base}}`` filled in to ``dest`` (a file or a directory)."""
    target = dest / template.name if dest.is_dir() else dest
    target.write_text(render_base(template.read_text(encoding="utf-8"), base_url), encoding="utf-8")
    return target
