"""Keys every document by its canonical URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.records import Snapshot
from policyradar.urls import canonical_url

if TYPE_CHECKING:
    from policyradar.records import FetchFailure


class CanonicalUrlPipeline:
    def process_item(self, item: Snapshot | FetchFailure) -> Snapshot | FetchFailure:
        if not (isinstance(item, Snapshot) and item.canonical):
            item.url = canonical_url(item.url)
        return item
