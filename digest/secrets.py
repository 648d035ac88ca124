"""Keep notification URLs secret: show only scheme and host, and scrub them from every log line."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import unquote

from policyradar.digest.channels import channel_for, plugin_loggers

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

MASK = "…"
_URL_RE = re.compile(
    r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?:(?P<userinfo>[^@/?#]*)@)?(?P<host>[^/?#]*)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_HOSTNAME_RE = re.compile(
    r"^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+|\[[0-9a-f:.]+\])(:\d{1,5})?$", re.IGNORECASE
)
# Query keys and values too common to be secrets; never scrubbed from log lines.
_PLAIN_WORDS = frozenset(
    {
        "format",
        "insecure",
        "method",
        "overflow",
        "markdown",
        "false",
        "true",
        "smtp",
        "secure",
        "starttls",
        "mode",
        "html",
        "text",
        "post",
        "json",
        "webhook",
        "image",
        "detect",
        "silent",
        "preview",
        "verify",
        "localhost",
    }
)
_SPLIT_RE = re.compile(r"[/?&=@:#;,+ ]+")
_LOGGERS = (
    "apprise",
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.util.retry",
    "requests",
)  # and the channels' plug-ins'


def redact(url: str) -> str:
    """Return ``url`` with only its scheme and (a real server's) host: ``tgram://…``.

    The host is hidden too where the URL's channel says it is a key or token.
    """
    match = _URL_RE.match(url.strip())
    if not match:
        return MASK
    scheme, host = match["scheme"].lower(), match["host"]
    if channel_for(url).hides_host(scheme) or not _HOSTNAME_RE.match(host):
        return f"{scheme}://{MASK}"
    tail = f"/{MASK}" if (match["userinfo"] is not None or match["rest"].strip("/")) else ""
    return f"{scheme}://{host.lower()}{tail}"


def secret_fragments(url: str) -> tuple[str, ...]:
    """Return the pieces of ``url`` that must never appear in a log line, longest first."""
    url = url.strip()
    match = _URL_RE.match(url)
    if not match:
        return (url,) if url else ()
    host_hidden = redact(url).endswith(f"://{MASK}")
    after = url.split("://", 1)[1]
    pieces = {url, after} if host_hidden else {url}
    if match["userinfo"] and ":" in match["userinfo"]:
        password = match["userinfo"].split(":", 1)[1]
        pieces.update({match["userinfo"], password} if len(password) >= 3 else {match["userinfo"]})
    rest = (match["host"] if host_hidden else "") + match["rest"]
    for token in _SPLIT_RE.split(rest):
        if len(token) >= 5 and token.lower() not in _PLAIN_WORDS and not token.isdigit():
            pieces.add(token)
    if host_hidden and match["host"]:
        pieces.add(match["host"])
    pieces |= {unquote(p) for p in pieces}
    return tuple(sorted((p for p in pieces if p), key=len, reverse=True))


def scrub(text: str, fragments: Iterable[str]) -> str:
    """Return ``text`` with every secret fragment replaced by ``…``."""
    for piece in fragments:
        if piece and piece in text:
            text = text.replace(piece, MASK)
    return text


class SecretFilter(logging.Filter):
    """A logging filter that rewrites records so they carry no secret fragment."""

    def __init__(self, fragments: Iterable[str]) -> None:
        super().__init__()
        self.fragments = tuple(fragments)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to logging
            return True
        clean = scrub(message, self.fragments)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = scrub(str(record.exc_info[1]), self.fragments)
            if text != str(record.exc_info[1]):
                record.exc_info, record.exc_text = None, None
                record.msg = f"{record.msg} ({text})"
        return True


@contextmanager
def hidden(url: str | None) -> Iterator[tuple[str, ...]]:
    """Scrub ``url``'s secrets from apprise's, urllib3's and every root handler's records."""
    fragments = secret_fragments(url) if url else ()
    if not fragments:
        yield ()
        return
    secret_filter = SecretFilter(fragments)
    names = (*_LOGGERS, *plugin_loggers())
    targets: list[logging.Filterer] = [logging.getLogger(name) for name in names]
    for name in ("", "apprise"):
        targets.extend(logging.getLogger(name).handlers)
    for target in targets:
        target.addFilter(secret_filter)
    try:
        yield fragments
    finally:
        for target in targets:
            target.removeFilter(secret_filter)
