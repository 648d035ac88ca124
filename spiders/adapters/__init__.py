"""Site adapters of the ``api`` kind: one explicit registry, name -> adapter class."""

from __future__ import annotations

from spiders.adapters.amz123 import Amz123KxAdapter
from spiders.adapters.base import AdapterError, ApiRecord, ApiRequest, SiteAdapter
from spiders.adapters.sitemap import SitemapAdapter

ADAPTERS: dict[str, type[SiteAdapter]] = {
    cls.name: cls for cls in (Amz123KxAdapter, SitemapAdapter)
}

__all__ = ["ADAPTERS", "AdapterError", "ApiRecord", "ApiRequest", "SiteAdapter"]
