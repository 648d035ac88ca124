"""Notification channels: one small class per channel, and the one registry of them.

A channel owns everything that differs between targets: its apprise URL schemes (and the other
spellings the config accepts), the formats it carries (the first is its default) with the renderer
of each (a renderer owns its channel's size limit and unit and splits under it), whether its URL's
host is a secret (a bot key or token, not a server name), and its optional apprise plug-in, which
``register()`` adds to apprise (idempotent; deliver and the URL check call it before apprise sees a
URL). Rendering, the subscription format check and URL redaction all read ``CHANNELS``: adding a
channel is one class here and one line in ``CHANNELS``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from policyradar.digest import wecom_markdown
from policyradar.digest.render import (
    JsonRenderer,
    MarkdownRenderer,
    TelegramRenderer,
    TextRenderer,
    WeComMarkdownRenderer,
    WeComTextRenderer,
)
from policyradar.digest.render_html import EmailRenderer, HtmlRenderer

if TYPE_CHECKING:
    from collections.abc import Mapping

    from policyradar.digest.layout import Renderer

ANY = "*"  # in ``schemes``: every scheme no other channel claims
_SCHEME_RE = re.compile(r"^\s*([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_WECOM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def scheme_of(url: str) -> str:
    """Return the URL's scheme in lower case (empty when there is none)."""
    match = _SCHEME_RE.match(url)
    return match[1].lower() if match else ""


class Channel:
    """A notification channel; subclasses declare the class data, and override hooks if needed."""

    name: ClassVar[str]
    schemes: ClassVar[tuple[str, ...]]  # apprise schemes, lower case; the first is canonical
    aliases: ClassVar[tuple[str, ...]] = ()  # config spellings rewritten to schemes[0]
    renderers: ClassVar[Mapping[str, type[Renderer]]]  # format -> renderer; first: the default
    secret_host: ClassVar[bool] = False  # the URL's host is a key or token: never shown
    plugin_logger: ClassVar[str | None] = None  # the plug-in's logger (failures, scrubbed)

    def __repr__(self) -> str:
        return f"<channel {self.name}>"

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.renderers)

    @property
    def default_format(self) -> str:
        return self.formats[0]

    @property
    def max_length(self) -> int:
        """The limit of one message in the default format (0: none), in ``unit``."""
        return self.renderers[self.default_format].max_length

    @property
    def unit(self) -> str:
        return self.renderers[self.default_format].unit

    def handles(self, scheme: str) -> bool:
        return scheme in self.schemes or scheme in self.aliases or ANY in self.schemes

    def renderer(self, fmt: str | None = None) -> Renderer:
        """Return a renderer for ``fmt``, or for the default format when it carries no ``fmt``."""
        return self.renderers.get(fmt or "", self.renderers[self.default_format])()

    def hides_host(self, scheme: str) -> bool:
        """Return True when a ``scheme://`` URL's host is a secret rather than a server name."""
        return self.secret_host

    def canonical(self, url: str) -> str:
        """Return ``url`` stripped, an alias scheme spelled as apprise knows it."""
        head, sep, tail = url.strip().partition("://")
        if sep and head.lower() in self.aliases:
            return f"{self.schemes[0]}{sep}{tail}"
        return url.strip()

    def check(self, url: str) -> str | None:
        """Return why this channel cannot use the (canonical) ``url`` before apprise is asked."""
        return None

    def register(self) -> None:
        """Register the channel's apprise plug-in, if it has one; safe to call again."""


class WeComBot(Channel):
    """WeCom group bot, plain text (apprise's own ``wecombot://KEY``): 2048 bytes a message."""

    name = "wecombot"
    schemes = ("wecombot",)
    renderers: ClassVar[Mapping[str, type[Renderer]]] = {"text": WeComTextRenderer}
    secret_host = True


class WeComMarkdown(Channel):
    """WeCom group bot, Markdown (``wecommd://KEY``, our plug-in): 4096 bytes a message.

    apprise schemes are ``[a-z0-9]{1,32}``, so the ``wecom-md://`` spelling is rewritten first.
    """

    name = "wecommd"
    schemes = (wecom_markdown.SCHEME,)
    aliases = ("wecom-md",)
    renderers: ClassVar[Mapping[str, type[Renderer]]] = {"markdown": WeComMarkdownRenderer}
    secret_host = True
    plugin_logger = wecom_markdown.logger.name

    def check(self, url: str) -> str | None:
        key = url.split("://", 1)[1].split("?", 1)[0].strip("/")
        if not _WECOM_KEY_RE.match(key):
            return f"{self.schemes[0]}:// needs the group bot's key: {self.schemes[0]}://KEY"
        return None

    def register(self) -> None:
        wecom_markdown.register()


class Telegram(Channel):
    """Telegram bot (``tgram://TOKEN/CHAT``), HTML parse mode: 4096 characters a message."""

    name = "tgram"
    schemes = ("tgram",)
    renderers: ClassVar[Mapping[str, type[Renderer]]] = {"html": TelegramRenderer}
    secret_host = True


class Email(Channel):
    """Email (``mailto://`` / ``mailtos://``): one HTML message, or our plain text; no limit."""

    name = "email"
    schemes = ("mailto", "mailtos")
    renderers: ClassVar[Mapping[str, type[Renderer]]] = {
        "html": EmailRenderer,
        "text": TextRenderer,
    }


class AnyApprise(Channel):
    """Every other apprise scheme (``json://``, ``ntfy://``, ``discord://`` …): no limit, text by
    default. The listed services keep a key or token where a URL has its host.
    """

    name = "apprise"
    schemes = (ANY,)
    renderers: ClassVar[Mapping[str, type[Renderer]]] = {
        "text": TextRenderer,
        "markdown": MarkdownRenderer,
        "html": HtmlRenderer,
    }
    token_host_schemes: ClassVar[frozenset[str]] = frozenset(
        {
            "bark",
            "dingtalk",
            "discord",
            "feishu",
            "gotify",
            "lark",
            "ntfys",
            "pushplus",
            "serverchan",
            "slack",
        }
    )

    def hides_host(self, scheme: str) -> bool:
        return scheme in self.token_host_schemes


# The registry, searched in order: the catch-all comes last.
CHANNELS: tuple[Channel, ...] = (WeComBot(), WeComMarkdown(), Telegram(), Email(), AnyApprise())


def channel_for(url: str) -> Channel:
    """Return the channel of an apprise URL (the catch-all when no other claims its scheme)."""
    scheme = scheme_of(url)
    for channel in CHANNELS:
        if channel.handles(scheme):
            return channel
    raise LookupError(f"no channel takes {scheme or 'this'}:// URLs")  # CHANNELS lacks a catch-all


def canonical_url(url: str) -> str:
    """Return ``url`` as apprise must see it (an alias scheme rewritten)."""
    return channel_for(url).canonical(url)


def renderer_for(url: str, fmt: str | None = None) -> Renderer:
    """Return the renderer for an apprise URL's channel in ``fmt`` (default: the channel's)."""
    return channel_for(url).renderer(fmt)


def formats() -> tuple[str, ...]:
    """Return every format some channel carries, in registry order."""
    return tuple(dict.fromkeys(f for channel in CHANNELS for f in channel.formats))


def plugin_loggers() -> tuple[str, ...]:
    """Return the loggers of the channels' apprise plug-ins."""
    return tuple(c.plugin_logger for c in CHANNELS if c.plugin_logger)


def all_renderers() -> dict[str, type[Renderer]]:
    """Return every channel's renderers, and JSON, by renderer name (previews, the demo)."""
    found = {cls.channel: cls for channel in CHANNELS for cls in channel.renderers.values()}
    return found | {JsonRenderer.channel: JsonRenderer}


def file_renderer(fmt: str) -> Renderer:
    """Return the renderer of a preview file in ``fmt``: text, markdown, html or json."""
    return {**AnyApprise.renderers, "json": JsonRenderer}[fmt]()
