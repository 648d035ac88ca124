"""The web UI: a Starlette app of the HTML pages, the Atom feeds and the JSON API."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from policyradar.tagging.names import CategoryNames
from policyradar.web import api, feeds
from policyradar.web.pages import HERE, Pages
from policyradar.web.security import SecurityMiddleware

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(
    database: str | Path,
    *,
    lang: str = "zh",
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    home: Path | None = None,
) -> Starlette:
    """The app over ``database``; with ``token``, every request must carry it.

    Categories are named as ``home``'s categories.toml says (default: the database's folder).
    """
    database = Path(database)
    home = database.parent if home is None else home
    pages = Pages(database, lang, CategoryNames.load(home), home=home)
    routes = [
        Route("/", pages.timeline, name="timeline"),
        Route("/search", pages.timeline, name="search"),
        Route("/changes/{change_id:int}", pages.change, name="change"),
        Route("/documents/{document_id:int}", pages.document, name="document"),
        Route("/sources", pages.sources, name="sources"),
        Route("/deadlines", pages.deadlines_page, name="deadlines"),
        *feeds.routes(pages),
        *api.routes(pages),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS),
        Middleware(SecurityMiddleware, token=token),
    ]
    handlers = {404: pages.error, 400: pages.error, 401: pages.error}
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
