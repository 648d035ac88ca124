"""The JSON API, mirroring the command line: changes, one change with its diff, search."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.routing import Route

from policyradar.search.query import SearchError
from policyradar.web.params import filters_from

if TYPE_CHECKING:
    from starlette.requests import Request

    from policyradar.web.pages import Pages

MAX_LIMIT = 1000


class _JSON(JSONResponse):
    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error(message: str, status: int) -> JSONResponse:
    return _JSON({"error": message}, status_code=status)


def _limit(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("limit", 50)), MAX_LIMIT))
    except ValueError:
        return 50


def routes(pages: Pages) -> list[Route]:

    def changes(request: Request) -> JSONResponse:
        try:
            filters = filters_from(request.query_params)
        except HTTPException as exc:
            return _error(str(exc.detail), 400)
        found = pages.storage().changes(limit=_limit(request), **filters)
        return _JSON([c.to_json() for c in found])

    def change(request: Request) -> JSONResponse:
        found = pages.storage().change(request.path_params["change_id"])
        if found is None:
            return _error(f"no change with id {request.path_params['change_id']}", 404)
        return _JSON(found.to_json(with_diff=True))

    def search(request: Request) -> JSONResponse:
        from policyradar.search.changes import search_changes

        lang = pages.lang_of(request)
        try:
            hits = search_changes(
                pages.storage(),
                request.query_params.get("q", ""),
                limit=_limit(request),
                **filters_from(request.query_params),
            )
        except SearchError as exc:
            return _error(exc.message(lang), 400)
        except HTTPException as exc:
            return _error(str(exc.detail), 400)
        return _JSON([h.to_json() for h in hits])

    return [
        Route("/api/changes", changes, name="api_changes"),
        Route("/api/changes/{change_id:int}", change, name="api_change"),
        Route("/api/search", search, name="api_search"),
    ]
