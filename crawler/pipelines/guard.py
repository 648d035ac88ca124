"""Keeps login walls, captchas, error shells, empty and shrunk pages out of the history."""

from __future__ import annotations

from crawler.guard import detect_anomaly
from crawler.items import Disposition, Snapshot
from crawler.pipelines import pending


class GuardPipeline:
    def process_item(self, item: Snapshot) -> Snapshot:
        if not pending(item):
            return item
        previous = item.meta.get("previous")
        reason = detect_anomaly(
            text=item.text,
            title=item.title,
            final_url=item.final_url,
            previous_length=previous.length if previous and not previous.removed else None,
        )
        if reason:
            item.disposition, item.anomaly = Disposition.ANOMALY, reason
        return item
