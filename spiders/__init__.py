"""One spider per source kind; the registry is explicit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spiders.api import ApiSpider
from spiders.feed import FeedSpider
from spiders.listing import ListingSpider
from spiders.page import PageSpider

if TYPE_CHECKING:
    from spiders.base import SourceSpider

SPIDER_BY_KIND: dict[str, type[SourceSpider]] = {
    cls.name: cls for cls in (ListingSpider, FeedSpider, PageSpider, ApiSpider)
}
