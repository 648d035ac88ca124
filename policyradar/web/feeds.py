"""Atom feeds: per category, per watchlist and per search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from policyradar.i18n import label
from policyradar.records import to_iso, utcnow
from policyradar.search.query import SearchError
from policyradar.text.clean import clean
from policyradar.urls import safe_url
from policyradar.web.params import filters_from

if TYPE_CHECKING:
    from starlette.requests import Request

    from policyradar.records import Change
    from policyradar.web.pages import Pages

FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"


def _summary(change: Change, lang: str, text: str | None = None) -> str:
    """The entry's HTML (as a plain string: the template escapes it once more for XML)."""
    parts = [
        Markup("<p>{} · {} · {}</p>").format(
            change.source_name or change.source_id,
            change.marketplace or "-",
            label(f"kind_{change.kind}", lang),
        )
    ]
    if change.effective_dates:
        parts.append(
            Markup("<p><strong>{}:</strong> {}</p>").format(
                label("effective", lang), ", ".join(change.effective_dates)
            )
        )
    body = text if text is not None else (change.added or change.removed)[:400]
    parts.append(Markup("<p>{}</p>").format(clean(body, one_line=False)))
    return str(Markup("").join(parts))


def _feed(
    pages: Pages, request: Request, title: str, changes: list[tuple[Change, str | None]]
) -> Response:
    lang = pages.lang_of(request)
    entries: list[dict[str, Any]] = []
    for change, text in changes:
        entries.append(
            {
                "id": f"tag:policyradar,2026:change/{change.id}",
                "title": clean(change.title) or f"#{change.id}",
                "link": str(request.url_for("change", change_id=change.id)),
                "source": safe_url(change.url),
                "updated": to_iso(change.detected_at),
                "published": to_iso(change.published_at),
                "author": clean(change.source_name or change.source_id),
                "categories": [(c, pages.names.name(c, lang)) for c in change.categories],
                "summary": _summary(change, lang, text),
            }
        )
    updated = entries[0]["updated"] if entries else to_iso(utcnow())
    xml = pages.env.get_template("feed.atom").render(
        title=f"{label('app', lang)} · {clean(title)}",
        self_url=str(request.url),
        home=str(request.url_for("timeline")),
        feed_id=f"tag:policyradar,2026:{request.url.path}?{request.url.query}",
        updated=updated,
        entries=entries,
    )
    return Response(xml, media_type=ATOM)


def routes(pages: Pages) -> list[Route]:
    def by_category(request: Request) -> Response:
        cid = request.path_params["category"]
        found = pages.storage().changes(categories=[cid], limit=FEED_SIZE)
        title = pages.names.name(cid, pages.lang_of(request))
        return _feed(pages, request, title, [(c, None) for c in found])

    def by_watchlist(request: Request) -> Response:
        name = request.path_params["name"]
        if not name.endswith(".atom"):
            raise HTTPException(404)
        name = name.removesuffix(".atom")
        found = pages.storage().changes(watchlists=[name], limit=FEED_SIZE)
        return _feed(pages, request, name, [(c, None) for c in found])

    def by_search(request: Request) -> Response:
        from policyradar.search.changes import search_changes

        query = request.query_params.get("q", "")
        try:
            hits = search_changes(
                pages.storage(), query, limit=FEED_SIZE, **filters_from(request.query_params)
            )
        except SearchError as exc:
            raise HTTPException(400, exc.message(pages.lang_of(request))) from None
        return _feed(pages, request, query, [(h.change, h.snippet) for h in hits])

    return [
        Route("/feeds/category/{category}.atom", by_category, name="feed_category"),
        Route("/feeds/watch/{name:path}", by_watchlist, name="feed_watch"),
        Route("/feeds/search.atom", by_search, name="feed_search"),
    ]
