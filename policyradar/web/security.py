"""Access token and safety headers for every response (a plain ASGI middleware)."""

from __future__ import annotations

import hmac
import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "policyradar_token"
MIN_TOKEN_LENGTH = 16
# No scripts at all, styles only from our own stylesheet, forms only to ourselves.
HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self';"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_listen(host: str, token: str | None) -> str | None:
    """Why ``serve`` must not start on ``host`` with ``token`` (None when it may)."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        return (
            f"the access token must have at least {MIN_TOKEN_LENGTH} characters; make one with"
            ' python -c "import secrets; print(secrets.token_urlsafe())"'
        )
    if not is_loopback(host) and not token:
        return (
            f"listening on {host} lets other machines read your data: give an access token"
            " with --token (or POLICYRADAR_TOKEN), or keep the default --host 127.0.0.1"
        )
    return None


class SecurityMiddleware:
    """Adds the safety headers; with a token, refuses requests that do not carry it.

    The token may come as ``Authorization: Bearer T``, as ``?token=T`` (feed readers), or as the
    cookie that a ``?token=`` visit sets, so a browser needs it only once.
    """

    def __init__(self, app: ASGIApp, token: str | None = None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        set_cookie = False
        if self.token:
            request = Request(scope)
            from_query = request.query_params.get("token")
            auth = request.headers.get("authorization", "")
            offered = [
                auth[7:] if auth.lower().startswith("bearer ") else None,
                unquote(request.cookies.get(COOKIE, "")) or None,
                from_query,
            ]
            ok = [t for t in offered if t and hmac.compare_digest(t, self.token)]
            if not ok:
                response = PlainTextResponse(
                    "需要访问令牌 / access token required", status_code=401, headers=HEADERS
                )
                await response(scope, receive, send)
                return
            set_cookie = ok[0] == from_query and offered[1] != self.token

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if set_cookie:
                    headers.append(
                        "set-cookie",
                        f"{COOKIE}={quote(self.token or '')}; HttpOnly; SameSite=Strict; Path=/",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
