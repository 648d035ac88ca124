"""Publish dates in the forms sources use, always returned as aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from policyradar.text.dates import CHINA, parse_date

CASES = [
    ("iso with zone", "2024-07-15T16:00:00.000Z", UTC, datetime(2024, 7, 15, 16, tzinfo=UTC)),
    ("epoch seconds", 1767225600, UTC, datetime(2026, 1, 1, tzinfo=UTC)),
    ("epoch as text", "1767225600", UTC, datetime(2026, 1, 1, tzinfo=UTC)),
    ("cifnews beijing time", "2026-05-07 17:42", CHINA, datetime(2026, 5, 7, 9, 42, tzinfo=UTC)),
    ("chinese date", "2026年3月1日", CHINA, datetime(2026, 2, 28, 16, tzinfo=UTC)),
    ("english month day year", "Effective August 8, 2022", UTC, datetime(2022, 8, 8, tzinfo=UTC)),
    ("day month year", "On 10 August 2022 we", UTC, datetime(2022, 8, 10, tzinfo=UTC)),
    ("abbreviated month", "Mar 28, 2024", UTC, datetime(2024, 3, 28, tzinfo=UTC)),
    ("label with a colon", "Effective: August 10, 2026", UTC, datetime(2026, 8, 10, tzinfo=UTC)),
    ("chinese label", "发布于2026年1月26日", CHINA, datetime(2026, 1, 25, 16, tzinfo=UTC)),
]


@pytest.mark.parametrize(("case", "value", "tz", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_date(case: str, value: object, tz: object, expected: datetime) -> None:
    assert parse_date(value, tz=tz) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", None, "3小时前", "soon", "2026-13-45"])
def test_unparseable_dates_are_none(value: str | None) -> None:
    assert parse_date(value) is None
