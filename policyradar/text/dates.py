"""Publish dates from the forms sources use: ISO, epoch seconds, Chinese and English dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_NUMERIC = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*T?\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_EN_MDY = re.compile(
    r"\b(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
)
_EN_DMY = re.compile(r"\b(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})")


def parse_date(value: str | float | int | None, *, tz: timezone = UTC) -> datetime | None:
    """Parse a publish date into an aware UTC datetime; ``tz`` is the zone of naive values."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _parse_loose(text)
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def _parse_loose(text: str) -> datetime | None:
    if m := _NUMERIC.search(text):
        return _make(int(m["y"]), int(m["m"]), int(m["d"]), m["H"], m["M"], m["S"])
    for pattern in (_EN_MDY, _EN_DMY):
        for m in pattern.finditer(text):
            month = _MONTHS.get(m["mon"][:3].lower())
            if month:
                return _make(int(m["y"]), month, int(m["d"]))
    return None


def _make(
    y: int, mo: int, d: int, hh: str | None = None, mm: str | None = None, ss: str | None = None
) -> datetime | None:
    try:
        return datetime(y, mo, d, int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
