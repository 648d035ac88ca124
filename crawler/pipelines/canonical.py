"""Keys every document by its canonical URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.urls import canonical_url

if TYPE_CHECKING:
    from policyradar.records import FetchFailure, Snapshot


class CanonicalUrlPipeline:
    def process_item(self, item: Snapshot | FetchFailure) -> Snapshot | FetchFailure:
        if not getattr(item, "meta", {}).get("canonical"):
            item.url = canonical_url(item.url)
        return item
