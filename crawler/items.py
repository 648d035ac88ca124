"""Typed records that flow from the spiders through the pipelines into storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


class ChangeKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    REMOVED = "removed"


class Outcome(StrEnum):
    """How one source ended one run."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


class Disposition(StrEnum):
    """What the pipelines decided about one fetched document."""

    NEW = "new"
    CHANGED = "changed"
    REMOVED = "removed"
    UNCHANGED = "unchanged"
    GONE_ONCE = "gone_once"  # first 404/410: remembered, not yet removed
    ANOMALY = "anomaly"


@dataclass(slots=True, kw_only=True)
class Snapshot:
    """One fetch of one document, as the spider saw it.

    ``html`` is the decoded page for extraction; spiders that already have plain text (feeds, APIs)
    fill ``text`` instead. The pipelines fill the fields below the line.
    """

    source_id: str
    url: str
    status: int = 200
    final_url: str = ""
    title: str = ""
    html: str = ""
    text: str = ""
    published_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    meta: dict[str, object] = field(default_factory=dict)
    # -- filled by the pipelines --
    disposition: Disposition | None = None
    anomaly: str | None = None
    fingerprint: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def gone(self) -> bool:
        return self.status in (404, 410)


@dataclass(slots=True, kw_only=True)
class FetchFailure:
    """A request that produced no document: a network fault, an HTTP error, a refused URL.

    ``index`` is true when the failed request was the source's entry point (list page, feed, API),
    which makes the whole source end the run as ``error``. ``anomaly`` marks failures that are
    fetch anomalies (login wall, captcha) rather than plain errors.
    """

    source_id: str
    url: str
    reason: str
    index: bool = False
    anomaly: bool = False
