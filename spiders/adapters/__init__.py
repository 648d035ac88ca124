"""Site adapters of the ``api`` kind: one explicit registry, name -> adapter class."""

from __future__ import annotations

from policyradar.spiders.adapters.amz123 import Amz123KxAdapter
from policyradar.spiders.adapters.base import AdapterError, ApiRecord, ApiRequest, SiteAdapter
from policyradar.spiders.adapters.sitemap import SitemapAdapter

ADAPTERS: dict[str, type[SiteAdapter]] = {
    cls.name: cls for cls in (Amz123KxAdapter, SitemapAdapter)
}

__all__ = ["ADAPTERS", "AdapterError", "ApiRecord", "ApiRequest", "SiteAdapter"]
