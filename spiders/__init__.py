"""One spider per source kind; the registry is explicit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.config import ConfigError
from policyradar.spiders.api import ApiSpider
from policyradar.spiders.feed import FeedSpider
from policyradar.spiders.listing import ListingSpider
from policyradar.spiders.page import PageSpider

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from policyradar.config import Source
    from policyradar.spiders.base import SourceSpider

SPIDER_BY_KIND: dict[str, type[SourceSpider]] = {
    cls.name: cls for cls in (ListingSpider, FeedSpider, PageSpider, ApiSpider)
}


def follows(source: Source) -> bool:
    """Whether a crawl of ``source`` fetches each entry's article: its `follow`, else its kind's."""
    spider = SPIDER_BY_KIND.get(source.kind)
    return spider.follows_entries(source) if spider else bool(source.follow)


def check_sources(sources: Iterable[Source], path: Path) -> None:
    """Each source checked by its kind's spider; an unknown kind is an error naming the kinds."""
    for source in sources:
        spider = SPIDER_BY_KIND.get(source.kind)
        if spider is None:
            raise ConfigError(
                path,
                f"unknown kind {source.kind!r}; expected one of {', '.join(SPIDER_BY_KIND)}",
                source=source.id,
                field_name="kind",
            )
        spider.check_source(source, path)
