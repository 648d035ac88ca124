"""Item pipelines, one concern each, in DESIGN.md's flow order (see ``ITEM_PIPELINES``)."""

from __future__ import annotations

from policyradar.records import Snapshot


def pending(item: object) -> bool:
    """True for a snapshot that no earlier pipeline has decided about yet."""
    return isinstance(item, Snapshot) and item.disposition is None
