"""The web UI's HTML pages: a handler a page, rendered with Jinja2 (autoescaped), no JavaScript."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse

from policyradar.i18n import LANGUAGES, error, label, other_language, reason
from policyradar.records import Urgency
from policyradar.search.query import SearchError
from policyradar.storage import Storage
from policyradar.tagging.names import CategoryNames
from policyradar.text.diffing import diff_text
from policyradar.urls import safe_url
from policyradar.web import render
from policyradar.web.params import filters_from, query_int

if TYPE_CHECKING:
    from starlette.requests import Request

    from policyradar.digest.deadlines import Deadline
    from policyradar.records import Change

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50
DEADLINE_DAYS = 30  # the deadlines page's window, by default
MAX_DEADLINE_DAYS = 3650
WEB_TIMEZONE = "Asia/Shanghai"  # "today" of the deadlines (the digests' default zone)


class Pages:
    """Request handlers over one database; each worker thread keeps its own connection."""

    def __init__(
        self,
        database: Path,
        lang: str,
        names: CategoryNames | None = None,
        home: Path | None = None,
    ) -> None:
        self.database, self.lang = database, lang
        self.home = database.parent if home is None else home
        self.names = CategoryNames.load() if names is None else names
        self._local = threading.local()
        self._facets: tuple[int, dict[str, list[str]]] | None = None
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True
        )
        self.env.globals.update(
            label=label,
            error=error,
            reason=reason,
            category_name=self.names.name,
            safe_url=safe_url,
            urgencies=[u.value for u in Urgency],
        )
        self.env.filters.update(when=_when, snippet=render.snippet_html)

    def storage(self) -> Storage:
        storage = getattr(self._local, "storage", None)
        if storage is None:
            storage = self._local.storage = Storage(self.database)
        return storage

    def facets(self, storage: Storage) -> dict[str, list[str]]:
        """The filters' choices, computed again only when new changes have arrived."""
        key = storage.latest_change_id()
        cached = self._facets
        if cached is None or cached[0] != key:
            cached = self._facets = (key, storage.facets())
        return cached[1]

    def watchlist_names(self) -> list[str]:
        """The home's watchlists, and any that stored changes hit (a renamed one's feed stays)."""
        from policyradar.tagging.watchlists import WATCHLISTS_FILE, load_watchlists

        try:
            lists = [w.name for w in load_watchlists(self.home / WATCHLISTS_FILE, self.names.ids())]
        except ValueError:  # a broken file: the ones seen in the history still work
            lists = []
        seen = self.facets(self.storage()).get("watchlists", [])
        return list(dict.fromkeys([*lists, *seen]))

    def today(self) -> date:
        """Today where the digests' readers are (`WEB_TIMEZONE`)."""
        return datetime.now(ZoneInfo(WEB_TIMEZONE)).date()

    def deadlines(
        self, request: Request, *, past: int = 0, default_days: int = DEADLINE_DAYS
    ) -> list[Deadline]:
        """The effective dates from ``past`` days ago to ``?days=`` (default ``default_days``)
        ahead, of the ``?marketplace=`` and ``?category=`` asked for (any, by default);
        promotions' dates are no deadlines.
        """
        from policyradar.digest.deadlines import deadlines
        from policyradar.tagging.marketplaces import covers

        params = request.query_params
        days = query_int(params.get("days"), default_days, 1, MAX_DEADLINE_DAYS)
        today = self.today()
        first, last = today - timedelta(days=past), today + timedelta(days=days)
        markets = [m for m in params.getlist("marketplace") if m]
        categories = {c for c in params.getlist("category") if c}

        def wanted(change: Change) -> bool:
            if change.is_promo or (categories and not categories & set(change.categories)):
                return False
            return not markets or covers(change.marketplaces, markets)

        return deadlines(self.storage().changes_due(first, last), first, last, wanted=wanted)

    def lang_of(self, request: Request) -> str:
        lang = request.query_params.get("lang")
        return lang if lang in LANGUAGES else self.lang

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        lang = self.lang_of(request)

        def link(path: str, **params: Any) -> str:
            query = {k: v for k, v in params.items() if v not in (None, "", False)}
            if lang != self.lang:
                query["lang"] = lang
            return path + ("?" + urlencode(query, doseq=True) if query else "")

        switch = dict(request.query_params) | {"lang": other_language(lang)}
        html = self.env.get_template(name).render(
            lang=lang, link=link, switch_lang=f"{request.url.path}?{urlencode(switch)}", **values
        )
        return HTMLResponse(html, status_code=status)

    # -- pages -----------------------------------------------------------------------------

    def timeline(self, request: Request) -> HTMLResponse:
        from policyradar.search.changes import search_changes

        params = request.query_params
        filters = filters_from(params)
        query = (params.get("q") or "").strip()
        page = query_int(params.get("page"), 1, 1, 10_000)
        storage = self.storage()
        hits, changes, error = [], [], None
        if query:
            try:
                hits = search_changes(storage, query, limit=PAGE_SIZE, **filters)
            except SearchError as exc:
                error = exc.message(self.lang_of(request))
        else:
            changes = storage.changes(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, **filters)
        form = {k: params.get(k, "") for k in ("q", "since", "until")}
        form |= {k: params.getlist(k) for k in ("category", "source", "marketplace", "urgency")}
        form |= {"watch": params.getlist("watch"), "hits": params.get("hits") == "1"}
        return self.render(
            request,
            "timeline.html",
            status=400 if error else 200,
            query=query,
            error=error,
            hits=hits,
            changes=changes[:PAGE_SIZE],
            more=len(changes) > PAGE_SIZE,
            page=page,
            form=form,
            facets=self.facets(storage),
            empty=not storage.has_changes(),
            sources=storage.source_names(),
        )

    def change(self, request: Request) -> HTMLResponse:
        storage = self.storage()
        change = storage.change(query_int(request.path_params["change_id"], 0, 0, 2**62))
        if change is None:
            raise HTTPException(404)
        query = request.query_params.get("q")
        words = [h.keyword for h in change.watch_hits]
        regex = render.query_regex(query) or render.terms_regex(words)
        return self.render(
            request,
            "change.html",
            change=change,
            diff=render.change_diff_html(change, self.lang_of(request), regex),
            watch_hits=[
                (hit, render.marked(hit.snippet, render.terms_regex([hit.keyword])))
                for hit in change.watch_hits
            ],
            query=query,
        )

    def document(self, request: Request) -> HTMLResponse:
        storage = self.storage()
        doc = storage.document_by_id(query_int(request.path_params["document_id"], 0, 0, 2**62))
        if doc is None:
            raise HTTPException(404)
        versions = storage.versions(doc["url"])
        ids = [v["id"] for v in versions]
        params = request.query_params
        old_id = query_int(params.get("a"), ids[-2] if len(ids) > 1 else 0, 0, 2**62)
        new_id = query_int(params.get("b"), ids[-1] if ids else 0, 0, 2**62)
        diff_markup = None
        if old_id in ids and new_id in ids and old_id != new_id:
            old, new = storage.version_text(old_id), storage.version_text(new_id)
            diff = diff_text(old["text"], new["text"]) if old and new else None
            diff_markup = render.diff_html(diff, self.lang_of(request)) if diff else ""
        return self.render(
            request,
            "document.html",
            doc=doc,
            versions=versions,
            old_id=old_id,
            new_id=new_id,
            diff=diff_markup,
            changes=storage.changes(document_id=doc["id"], limit=200),
        )

    def sources(self, request: Request) -> HTMLResponse:
        storage = self.storage()
        health = {h["source_id"]: h for h in storage.source_health()}
        return self.render(
            request,
            "sources.html",
            sources=storage.source_counts(),
            last=storage.last_outcomes(),
            health=health,
        )

    def deadlines_page(self, request: Request) -> HTMLResponse:
        from policyradar.digest.deadlines import countdown
        from policyradar.tagging.marketplaces import GLOBAL, load_table

        lang, today = self.lang_of(request), self.today()
        found = self.deadlines(request)
        table = load_table()
        rows = [
            {
                "deadline": d,
                "countdown": countdown(d.day, today, lang),
                "line": d.line(lang),
                "markets": [
                    table.name(c, lang) for c in table.shown(d.marketplaces) if c != GLOBAL
                ],
            }
            for d in found
        ]
        params = request.query_params
        ics = str(request.url_for("feed_deadlines"))
        query = urlencode(
            [(k, v) for k, v in params.multi_items() if k in ("marketplace", "category", "lang")]
        )
        ics += f"?{query}" if query else ""
        return self.render(
            request,
            "deadlines.html",
            rows=rows,
            days=query_int(params.get("days"), DEADLINE_DAYS, 1, MAX_DEADLINE_DAYS),
            form={k: params.getlist(k) for k in ("marketplace", "category")},
            marketplaces=[(c, table.name(c, lang)) for c in table.codes()],
            categories=self.names.ids(),
            ics=ics,
            webcal=ics.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        )

    def error(self, request: Request, exc: Exception) -> HTMLResponse:
        status = getattr(exc, "status_code", 500)
        key = {404: "not_found", 401: "unauthorized"}.get(status, "bad_request")
        detail = getattr(exc, "detail", None)
        if not isinstance(detail, str) or detail == _phrase(status):
            detail = None  # Starlette's default words: ours say it in the reader's language
        return self.render(request, "error.html", status=status, message=key, detail=detail)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _when(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime("%Y-%m-%d %H:%M")
