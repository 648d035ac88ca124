"""Fingerprints the normalised text; the same fingerprint as the stored version means unchanged."""

from __future__ import annotations

from crawler.items import Disposition, Snapshot
from crawler.normalise import fingerprint
from crawler.pipelines import pending


class FingerprintPipeline:
    def process_item(self, item: Snapshot) -> Snapshot:
        if not pending(item):
            return item
        item.fingerprint = fingerprint(item.text)
        previous = item.meta.get("previous")
        if (
            previous is not None
            and not previous.removed
            and previous.fingerprint == item.fingerprint
        ):
            item.disposition = Disposition.UNCHANGED
        return item
