"""Feeds: Atom of everything, of urgent changes, per category, watchlist, marketplace and search;
and the deadlines as an iCalendar file to subscribe to. A category, watchlist or marketplace
that does not exist answers 404 with a message naming the known ones (a typo in a feed address
would otherwise stay empty forever).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from policyradar.i18n import error, label
from policyradar.records import Urgency, to_iso, utcnow
from policyradar.search.query import SearchError
from policyradar.tagging.marketplaces import GLOBAL, load_table
from policyradar.text.clean import clean
from policyradar.urls import safe_url
from policyradar.web.params import filters_from

if TYPE_CHECKING:
    from starlette.requests import Request

    from policyradar.records import Change
    from policyradar.web.pages import Pages

FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"
ICS = "text/calendar; charset=utf-8"
ICS_DAYS = 365  # the calendar holds the dates of the coming year…
ICS_PAST_DAYS = 30  # …and of the last month, so a date just passed stays in view


def _summary(change: Change, lang: str, text: str | None = None) -> str:
    """The entry's HTML (as a plain string: the template escapes it once more for XML): its
    one-line summary, source, facts (old → new), effective dates and text.
    """
    parts = []
    if line := change.summary.get(lang) or change.summary.get("zh"):
        parts.append(Markup("<p><strong>{}</strong></p>").format(clean(line)))
    parts.append(
        Markup("<p>{} · {} · {}</p>").format(
            change.source_name or change.source_id,
            _markets(change, lang) or change.marketplace or "-",
            label(f"kind_{change.kind}", lang),
        )
    )
    if change.facts:
        items = Markup("").join(
            Markup("<li>{}</li>").format(clean(f.line(lang))) for f in change.facts
        )
        parts.append(Markup("<ul>{}</ul>").format(items))
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


def _markets(change: Change, lang: str) -> str:
    """The marketplaces a change is about, by name ("" for a global one)."""
    table = load_table()
    codes = [c for c in table.shown(change.marketplaces) if c != GLOBAL]
    return ", ".join(table.name(c, lang) for c in codes)


def _not_found(pages: Pages, request: Request, what: str, value: str, known: list[str]) -> None:
    """Refuse a feed of something that does not exist, naming what does."""
    lang = pages.lang_of(request)
    raise HTTPException(
        404,
        error(
            "unknown_feed",
            lang,
            what=error(f"what_{what}", lang),
            value=value,
            known=", ".join(known) or "-",
        ),
    )


def routes(pages: Pages) -> list[Route]:
    def changes_feed(request: Request, title: str, **filters: Any) -> Response:
        found = pages.storage().changes(limit=FEED_SIZE, **filters)
        return _feed(pages, request, title, [(c, None) for c in found])

    def everything(request: Request) -> Response:
        return changes_feed(request, label("feed_all", pages.lang_of(request)))

    def urgent(request: Request) -> Response:
        title = label("feed_urgent", pages.lang_of(request))
        return changes_feed(request, title, urgencies=[str(Urgency.HIGH)])

    def by_category(request: Request) -> Response:
        cid = request.path_params["category"]
        known = list(pages.names.ids())
        if cid not in known:
            _not_found(pages, request, "category", cid, known)
        title = pages.names.name(cid, pages.lang_of(request))
        return changes_feed(request, title, categories=[cid])

    def by_watchlist(request: Request) -> Response:
        name = request.path_params["name"]
        if not name.endswith(".atom"):
            raise HTTPException(404)
        name = name.removesuffix(".atom")
        known = pages.watchlist_names()
        if name not in known:
            _not_found(pages, request, "watchlist", name, known)
        return changes_feed(request, name, watchlists=[name])

    def by_marketplace(request: Request) -> Response:
        table = load_table()
        code = request.path_params["code"]
        by_folded = {c.casefold(): c for c in table.codes()}
        if code.casefold() not in by_folded:
            _not_found(pages, request, "marketplace", code, list(table.codes()))
        code = by_folded[code.casefold()]
        lang = pages.lang_of(request)
        title = label("feed_marketplace", lang, name=table.name(code, lang))
        return changes_feed(request, title, about=[*table.expand([code]), GLOBAL])

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

    def deadlines_ics(request: Request) -> Response:
        from policyradar.digest.ical import calendar

        lang = pages.lang_of(request)
        found = pages.deadlines(request, past=ICS_PAST_DAYS, default_days=ICS_DAYS)
        text = calendar(
            found,
            lang=lang,
            link=lambda d: str(request.url_for("change", change_id=d.change_id)),
            category_name=lambda c: pages.names.name(c, lang),
        )
        return Response(text, media_type=ICS)

    return [
        Route("/feeds/all.atom", everything, name="feed_all"),
        Route("/feeds/urgent.atom", urgent, name="feed_urgent"),
        Route("/feeds/category/{category}.atom", by_category, name="feed_category"),
        Route("/feeds/watch/{name:path}", by_watchlist, name="feed_watch"),
        Route("/feeds/marketplace/{code}.atom", by_marketplace, name="feed_marketplace"),
        Route("/feeds/search.atom", by_search, name="feed_search"),
        Route("/feeds/deadlines.ics", deadlines_ics, name="feed_deadlines"),
    ]
