"""AMZ123 快讯 (kx_list): POST JSON, records keyed by id, epoch-second publish times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, ClassVar

from policyradar.spiders.adapters.base import AdapterError, ApiRecord, ApiRequest, SiteAdapter
from policyradar.text.dates import parse_date
from policyradar.text.extraction import html_to_text


class Amz123KxAdapter(SiteAdapter):
    name = "amz123-kx"
    params: ClassVar[dict[str, Any]] = {
        "lookback_hours": 72,
        "item_url": "https://www.amz123.com/kx/{id}",
        "important_only": False,
    }

    def requests(self, now: datetime) -> list[ApiRequest]:
        start = now - timedelta(hours=float(self.options["lookback_hours"]))
        payload = {
            "is_important": 1 if self.options["important_only"] else -1,
            "category_id": 0,
            "start_time": int(start.timestamp()),
            "end_time": int(now.timestamp()),
            "keyword": "",
            "is_query_zb": 0,
            "is_query_total_count": 1,
        }
        headers = {
            "Content-Type": "application/json",
            "app-id": "3",
            "project-id": "ugc",
            "Origin": "https://www.amz123.com",
            "Referer": "https://www.amz123.com/",
        }
        body = json.dumps(payload).encode()
        return [ApiRequest(url=self.url, method="POST", headers=headers, body=body)]

    def parse(self, body: bytes) -> list[ApiRecord]:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise AdapterError(f"not JSON: {exc}") from None
        if not isinstance(data, dict) or data.get("status") != 0:
            message = data.get("info") or data.get("message") if isinstance(data, dict) else None
            raise AdapterError(f"API error: {message or data!r:.200}")
        try:
            groups = data["data"]["row_map"].values()
            items = [kx for group in groups for row in group for kx in row["kx_content"]]
        except (KeyError, TypeError, AttributeError) as exc:
            raise AdapterError(f"unexpected JSON shape (missing {exc})") from None
        records = []
        for kx in items:
            title = str(kx.get("title") or "").strip()
            text = html_to_text(str(kx.get("description") or kx.get("content") or ""))
            records.append(
                ApiRecord(
                    url=self.options["item_url"].format(id=kx["id"]),
                    title=title,
                    text=f"{title}\n{text}".strip(),
                    published_at=parse_date(kx.get("published_at")),
                )
            )
        return records
