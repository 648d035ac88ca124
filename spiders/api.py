"""``api``: a site's JSON endpoint read through a small site adapter (see spiders/adapters)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policyradar.config import ConfigError
from policyradar.records import FetchFailure, utcnow
from policyradar.spiders.adapters import ADAPTERS, AdapterError, SiteAdapter
from policyradar.spiders.base import SourceSpider

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from scrapy import Request
    from scrapy.http import Response

    from policyradar.config import Source


class ApiSpider(SourceSpider):
    name = "api"
    takes_adapter = True

    @classmethod
    def check_source(cls, source: Source, path: Path) -> None:
        super().check_source(source, path)
        if source.adapter not in ADAPTERS:
            known = ", ".join(sorted(ADAPTERS))
            raise ConfigError(
                path,
                f"unknown adapter {source.adapter!r}; expected one of {known}",
                source=source.id,
                field_name="adapter",
            )
        try:
            ADAPTERS[source.adapter](source.entry_urls[0], source.params)
        except AdapterError as exc:
            raise ConfigError(path, str(exc), source=source.id, field_name="params") from None

    def start_requests_for(self, source: Source) -> Iterable[Request]:
        for url in source.entry_urls:
            adapter = ADAPTERS[source.adapter or ""](url, source.params)
            for req in adapter.requests(utcnow()):
                yield self.index_request(
                    source,
                    req.url,
                    method=req.method,
                    headers=req.headers,
                    body=req.body,
                ).replace(cb_kwargs={"source": source, "adapter": adapter})

    def parse_index(
        self, response: Response, source: Source, adapter: SiteAdapter | None = None
    ) -> Iterator[Any]:
        assert adapter is not None
        try:
            records = adapter.parse(response.body)
        except AdapterError as exc:
            yield FetchFailure(source_id=source.id, url=response.url, reason=str(exc), index=True)
            return
        for record in records[: source.max_items]:
            yield self.text_snapshot(
                source,
                record.url,
                title=record.title,
                text=record.text,
                published_at=record.published_at,
            )
