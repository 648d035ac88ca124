"""The channel registry: every channel declares itself fully, every scheme finds its channel, and a
new channel needs nothing but a class in the registry (format check, rendering, redaction, its
apprise plug-in and delivery all follow it)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from policyradar.config import ConfigError
from policyradar.digest import channels, wecom_markdown
from policyradar.digest.channels import (
    ANY,
    CHANNELS,
    AnyApprise,
    Channel,
    Email,
    Telegram,
    WeComBot,
    WeComMarkdown,
    channel_for,
    formats,
    renderer_for,
)
from policyradar.digest.deliver import deliver
from policyradar.digest.layout import Renderer
from policyradar.digest.render import JsonRenderer, MarkdownRenderer
from policyradar.digest.secrets import redact, secret_fragments
from policyradar.digest.subscriptions import check_url, parse_subscriptions

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

CFG = Path("home/config.toml")
ROOT = Path(__file__).resolve().parent.parent


def channel_ids(channel: Channel) -> str:
    return channel.name


@pytest.mark.parametrize("channel", CHANNELS, ids=channel_ids)
def test_every_channel_declares_schemes_formats_a_limit_and_a_renderer(channel: Channel) -> None:
    assert channel.name
    assert channel.schemes
    assert all(s == s.lower() for s in channel.schemes)
    assert channel.formats
    assert channel.default_format == channel.formats[0]
    assert set(channel.formats) <= {"text", "markdown", "html"}
    assert channel.max_length >= 0
    assert channel.unit in ("bytes", "chars")
    assert isinstance(channel.secret_host, bool)
    for fmt, cls in channel.renderers.items():
        assert issubclass(cls, Renderer)
        assert type(channel.renderer(fmt)) is cls
    assert type(channel.renderer()) is channel.renderers[channel.default_format]
    channel.register()
    channel.register()  # idempotent


def test_the_limits_are_each_channels_own() -> None:
    limits = {c.name: (c.max_length, c.unit) for c in CHANNELS}
    assert limits == {
        "wecombot": (2048, "bytes"),
        "wecommd": (4096, "bytes"),
        "tgram": (4096, "chars"),
        "email": (0, "chars"),
        "apprise": (0, "chars"),
    }
    assert WeComMarkdown().max_length == wecom_markdown.MAX_BYTES  # what the plug-in accepts


def test_names_and_schemes_are_claimed_once_and_the_catch_all_is_last() -> None:
    assert len({c.name for c in CHANNELS}) == len(CHANNELS)
    claimed = [s for c in CHANNELS for s in (*c.schemes, *c.aliases)]
    assert len(claimed) == len(set(claimed))
    assert [c for c in CHANNELS if ANY in c.schemes] == [CHANNELS[-1]]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("wecombot://KEY", WeComBot),
        ("WeComBot://KEY", WeComBot),
        ("wecommd://KEY", WeComMarkdown),
        ("wecom-md://KEY", WeComMarkdown),
        ("tgram://123:abc/456", Telegram),
        ("mailto://user:pass@smtp.example.com", Email),
        ("mailtos://smtp.qq.com?to=a@b.cn", Email),
        ("json://localhost/hook", AnyApprise),
        ("discord://id/token", AnyApprise),
        ("not a url", AnyApprise),
    ],
)
def test_a_url_of_each_scheme_resolves_to_its_channel(url: str, kind: type[Channel]) -> None:
    assert type(channel_for(url)) is kind


@pytest.mark.parametrize("channel", CHANNELS, ids=channel_ids)
def test_every_declared_scheme_and_alias_resolves_to_its_channel(channel: Channel) -> None:
    for scheme in (*channel.schemes, *channel.aliases):
        url = "json://localhost" if scheme == ANY else f"{scheme}://key/path"
        assert channel_for(url) is channel
        assert isinstance(renderer_for(url), channel.renderers[channel.default_format])


def test_the_wecom_md_alias_is_rewritten_and_its_key_checked() -> None:
    assert channels.canonical_url(" wecom-md://KEY ") == "wecommd://KEY"
    assert channels.canonical_url("json://h/wecom-md://x") == "json://h/wecom-md://x"
    assert "needs the group bot's key" in (check_url("wecom-md://") or "")


def test_importing_the_digest_registers_no_plugin_and_register_does() -> None:
    code = (
        "from apprise.manager_plugins import NotificationManager as N\n"
        "import policyradar.digest.deliver, policyradar.digest.subscriptions\n"
        "print('wecommd' in N())\n"
        "from policyradar.digest.channels import channel_for\n"
        "channel_for('wecommd://k').register(); channel_for('wecommd://k').register()\n"
        "print('wecommd' in N())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["False", "True"]
    assert "already defined" not in out.stderr


# -- a channel added in the registry only ------------------------------------------------------

ROOM_KEY = "r00m-k3y-9f8e7d6c5b4a"


class Room(Channel):
    """A chat room, for the test: ``roomchat://KEY``, Markdown or JSON, through our own plug-in."""

    name = "roomchat"
    schemes = ("roomchat",)
    aliases = ("room-chat",)
    renderers: ClassVar[Mapping[str, type[Renderer]]] = {
        "markdown": MarkdownRenderer,
        "json": JsonRenderer,
    }
    secret_host = True
    plugin_logger = "tests.roomchat"
    sent: ClassVar[list[dict[str, Any]]] = []
    answer: ClassVar[bool] = True

    def register(self) -> None:
        from apprise.decorators import notify
        from apprise.manager_plugins import NotificationManager

        if "roomchat" not in NotificationManager():
            notify(on="roomchat", name="Room chat")(_room_send)


def _room_send(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
    meta = kwargs.get("meta") or {}
    Room.sent.append({"body": body, "title": title, "host": meta.get("host")})
    if not Room.answer:
        logging.getLogger(Room.plugin_logger).warning("the room said no to %s", meta.get("host"))
    return Room.answer


@pytest.fixture
def room(monkeypatch: pytest.MonkeyPatch) -> Iterator[Room]:
    from apprise.manager_plugins import NotificationManager

    channel = Room()
    monkeypatch.setattr(channels, "CHANNELS", (channel, *CHANNELS))
    Room.sent.clear()
    yield channel
    if "roomchat" in NotificationManager():
        del NotificationManager()["roomchat"]


def test_before_it_is_registered_a_new_scheme_is_generic() -> None:
    assert type(channel_for("roomchat://room.example.com/x")) is AnyApprise
    assert redact("roomchat://room.example.com/x") == "roomchat://room.example.com/…"
    assert "json" not in formats()


def test_a_new_channel_needs_only_the_registry(room: Room) -> None:
    url = f"room-chat://{ROOM_KEY}"
    assert channel_for(url) is room
    assert channels.canonical_url(url) == f"roomchat://{ROOM_KEY}"
    assert isinstance(renderer_for(url), MarkdownRenderer)
    assert isinstance(renderer_for(url, "json"), JsonRenderer)
    # its secret is hidden as it declares, in the shown target and in log lines
    assert redact("roomchat://room.example.com/x") == "roomchat://…"
    assert ROOM_KEY in secret_fragments(url)
    assert room.plugin_logger in channels.plugin_loggers()
    # the subscription format check follows its formats, and a new format becomes valid
    with pytest.raises(ConfigError, match="carries markdown or json, not format 'html'"):
        parse_subscriptions(CFG, [{"name": "r", "url": url, "format": "html"}])
    (sub,) = parse_subscriptions(CFG, [{"name": "r", "url": url, "format": "json"}])
    assert check_url(url) is None  # apprise knows the scheme: the channel registered its plug-in
    # delivery registers the plug-in, renders nothing itself and sends through it
    result = deliver(sub, ["part one", "part two"], title="t", environ={})
    assert result.ok
    assert result.parts_sent == 2
    assert [m["body"] for m in Room.sent] == ["part one", "part two"]
    assert {m["host"] for m in Room.sent} == {ROOM_KEY}


def test_a_new_channels_plugin_failure_is_the_reason_without_its_secret(room: Room) -> None:
    (sub,) = parse_subscriptions(CFG, [{"name": "r", "url": f"roomchat://{ROOM_KEY}"}])
    Room.answer = False
    try:
        result = deliver(sub, ["hello"], title="t", environ={})
    finally:
        Room.answer = True
    assert not result.ok
    assert "the room said no to …" in (result.error or "")
    assert ROOM_KEY not in (result.error or "")
