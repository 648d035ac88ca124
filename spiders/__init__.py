"""One spider per source kind; the registry is explicit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policyradar.spiders.api import ApiSpider
from policyradar.spiders.feed import FeedSpider
from policyradar.spiders.listing import ListingSpider
from policyradar.spiders.page import PageSpider

if TYPE_CHECKING:
    from policyradar.spiders.base import SourceSpider

SPIDER_BY_KIND: dict[str, type[SourceSpider]] = {
    cls.name: cls for cls in (ListingSpider, FeedSpider, PageSpider, ApiSpider)
}
