"""Typed records read back from storage: documents, changes, run outcomes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.diffing import Diff
    from crawler.items import ChangeKind, Outcome


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def to_iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(slots=True, kw_only=True)
class DocumentState:
    """What storage remembers about one document between runs."""

    id: int
    url: str
    source_id: str
    title: str
    fingerprint: str | None
    body_hash: str | None
    etag: str | None
    last_modified: str | None
    length: int
    gone_strikes: int
    removed: bool


@dataclass(slots=True, kw_only=True)
class Change:
    """What differs between two consecutive versions of a document."""

    id: int
    source_id: str
    url: str
    title: str
    kind: ChangeKind
    detected_at: datetime
    published_at: datetime | None
    added: str
    removed: str
    run_id: int | None = None
    document_id: int | None = None
    source_name: str = ""
    marketplace: str = ""
    categories: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    watch_hits: list[dict[str, Any]] = field(default_factory=list)
    effective_dates: list[str] = field(default_factory=list)
    urgency: str | None = None
    cluster: str | None = None
    is_promo: bool = False
    baseline: bool = False  # found by the source's first run: history, not news
    diff: str | None = None  # JSON of the structured diff ops (see crawler.diffing)

    def structured_diff(self) -> Diff:
        """The change's diff ops (a new or removed document: all its text inserted or deleted)."""
        from crawler.diffing import stored_diff

        return stored_diff(str(self.kind), self.added, self.removed, self.diff)

    def to_json(self, *, with_diff: bool = False) -> dict[str, Any]:
        """The change as JSON; ``with_diff`` adds the structured ops as ``diff``."""
        data = asdict(self)
        data["kind"] = str(self.kind)
        data["detected_at"] = to_iso(self.detected_at)
        data["published_at"] = to_iso(self.published_at)
        data.pop("diff")
        if with_diff:
            from crawler.diffing import diff_to_json

            data["diff"] = json.loads(diff_to_json(self.structured_diff()))
        return data


@dataclass(slots=True, kw_only=True)
class RunSource:
    """One source's outcome in one run."""

    run_id: int
    source_id: str
    outcome: Outcome | None
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    anomalies: int = 0
    errors: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = str(self.outcome) if self.outcome else None
        return data
