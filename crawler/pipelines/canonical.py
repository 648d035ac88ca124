"""Keys every document by its canonical URL."""

from __future__ import annotations

from crawler.items import FetchFailure, Snapshot
from crawler.urls import canonical_url


class CanonicalUrlPipeline:
    def process_item(self, item: Snapshot | FetchFailure) -> Snapshot | FetchFailure:
        item.url = canonical_url(item.url)
        return item
