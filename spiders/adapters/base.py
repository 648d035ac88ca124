"""What a site adapter is: requests to make, and records parsed from the JSON answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from datetime import datetime


class AdapterError(ValueError):
    """The API answered, but with an error or a shape the adapter does not know."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiRequest:
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiRecord:
    url: str
    title: str
    text: str
    published_at: datetime | None = None


class SiteAdapter:
    """Subclasses set ``name`` and ``params`` (allowed keys with defaults) and two pure methods."""

    name: ClassVar[str]
    params: ClassVar[dict[str, Any]] = {}

    def __init__(self, url: str, params: dict[str, Any]) -> None:
        unknown = set(params) - set(self.params)
        if unknown:
            raise AdapterError(f"unknown adapter parameter(s): {', '.join(sorted(unknown))}")
        self.url = url
        self.options = {**self.params, **params}

    def requests(self, now: datetime) -> list[ApiRequest]:
        raise NotImplementedError

    def parse(self, body: bytes) -> list[ApiRecord]:
        raise NotImplementedError
