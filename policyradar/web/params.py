"""Query parameters of the web UI, the API and the feeds, read one way."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException


def filters_from(params: Any) -> dict[str, Any]:
    """Storage filters from query parameters (names as on the command line)."""
    return {
        "categories": params.getlist("category"),
        "sources": params.getlist("source"),
        "marketplaces": params.getlist("marketplace"),
        "urgencies": params.getlist("urgency"),
        "watchlists": params.getlist("watch"),
        "watch_hits_only": params.get("hits") == "1",
        "since": _date(params.get("since")),
        "until": _date(params.get("until")),
    }


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HTTPException(400, "dates are ISO, such as 2026-03-01") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def query_int(value: Any, default: int, low: int, high: int) -> int:
    """A whole-number parameter clamped to ``low..high``; ``default`` when absent or not one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)
