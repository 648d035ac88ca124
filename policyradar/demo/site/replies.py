"""What the demo server sends and keeps: replies, status pages and records of requests."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from http import HTTPStatus


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the server answered. ``headers`` has lower-cased names."""

    method: str
    path: str  # as requested, with the query string
    headers: dict[str, str]
    status: int
    body: bytes = b""
    snapshot: str = ""

    @property
    def url_path(self) -> str:
        return urlsplit(self.path).path


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


def page(
    status: HTTPStatus, path: str, headers: tuple[tuple[str, str], ...] = (), detail: str = ""
) -> Reply:
    """Return a small HTML page for a status (a 404 names the path) with extra headers."""
    text = detail or {404: f"The requested URL {path} was not found on this server."}.get(
        status.value, status.description
    )
    body = (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{status.value} '
        f"{status.phrase}</title></head>\n<body><h1>{status.phrase}</h1>\n<p>{escape(text)}"
        "</p>\n</body></html>\n"
    ).encode()
    return Reply(status.value, (("Content-Type", "text/html; charset=utf-8"), *headers), body)
