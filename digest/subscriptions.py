"""Subscriptions: who gets which changes, where and when; validated when the config loads."""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policyradar.config import ConfigError
from policyradar.digest.channels import canonical_url, channel_for, formats, scheme_of
from policyradar.digest.secrets import hidden, redact, scrub
from policyradar.records import Urgency
from policyradar.tagging.names import CategoryNames
from policyradar.tagging.watchlists import WATCHLISTS_FILE, load_watchlists

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

logger = logging.getLogger(__name__)

MAX_TIMEOUT = 300.0
MAX_REMIND_DAYS = 90
URGENCIES = tuple(sorted(Urgency, key=lambda u: u.rank))  # lowest first
LANGUAGES = ("zh", "en")
_SCHEDULE_RE = re.compile(r"^daily\s+(\d{1,2}):(\d{2})$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME_RE = re.compile(r"^[\w][\w .@-]{0,63}$")


class SubscriptionError(ValueError):
    """A subscription that cannot be delivered as configured (e.g. its variable is unset)."""


def _help(text: str, default: Any = MISSING, **kw: Any) -> Any:
    if default is MISSING:
        return field(metadata={"help": text}, **kw)
    return field(default=default, metadata={"help": text}, **kw)


@dataclass(frozen=True, kw_only=True, slots=True)
class Subscription:
    name: str = _help("unique name of the subscription, shown in logs and the delivery log")
    url: str | None = _help(
        "apprise URL of the target (wecombot://, wecommd://, tgram://, "
        "mailto://, json://, ...); prefer url_env for secrets",
        None,
        repr=False,
    )
    url_env: str | None = _help("name of an environment variable holding the apprise URL", None)
    categories: tuple[str, ...] = _help("category ids wanted (empty: all)", ())
    watchlists: tuple[str, ...] = _help("only changes hitting these watchlists (empty: all)", ())
    marketplaces: tuple[str, ...] = _help(
        'only changes about these marketplaces, e.g. ["US"] or ["US", "EU"] (empty: the'
        " [profile]'s, else all); global changes always come",
        (),
    )
    min_urgency: str = _help("lowest urgency sent: low, medium or high", "low")
    schedule: str = _help("when the digest goes out: 'daily HH:MM'", "daily 08:00")
    timezone: str = _help("time zone of the schedule and of the dates shown", "Asia/Shanghai")
    immediate: bool = _help("also send high-urgency items right after a crawl", False)
    language: str = _help("language of the digest: zh or en", "zh")
    format: str | None = _help("override the channel's format: text, markdown or html", None)
    max_age_days: int = _help("undelivered changes older than this many days are not sent", 14)
    quiet_note: bool = _help("send a short 'all quiet' note when nothing is new", False)
    timeout: float = _help(
        "seconds the target may take to accept one message (slow webhooks), 1-300", 30.0
    )
    remind_days: tuple[int, ...] = _help(
        "send a short reminder this many days before each effective date of a change it"
        " receives, e.g. [7, 1] (once each; empty: none)",
        (),
    )

    @property
    def send_time(self) -> time:
        match = _SCHEDULE_RE.match(self.schedule.strip())
        if not match:
            raise SubscriptionError(f"bad schedule {self.schedule!r}")
        return time(int(match[1]), int(match[2]))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def target(self) -> str:
        """Return where it goes, fit for output: a redacted URL or the variable's name."""
        return redact(self.url) if self.url else f"${self.url_env}"


def parse_subscriptions(path: Path, entries: Any) -> tuple[Subscription, ...]:
    """Validate ``[[subscription]]`` tables; a problem is a ConfigError naming name and field."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(path, "'subscription' must be an array of tables ([[subscription]])")
    result: list[Subscription] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        raw_name = entry.get("name")
        label = raw_name if isinstance(raw_name, str) and raw_name else f"#{n}"
        sub = _build(path, entry, label)
        if sub.name in seen:
            raise ConfigError(
                path,
                f"duplicate subscription name '{sub.name}'",
                source=sub.name,
                table="subscription",
                field_name="name",
            )
        seen.add(sub.name)
        result.append(sub)
    return tuple(result)


def describe_subscription_fields() -> list[tuple[str, str]]:
    """Return the ``[[subscription]]`` keys with their help, for the docs."""
    return [(f.name, f.metadata["help"]) for f in fields(Subscription)]


def _build(path: Path, entry: dict[str, Any], label: str) -> Subscription:
    spec = {f.name: f for f in fields(Subscription)}
    for key in entry:
        if key not in spec:
            hint = difflib.get_close_matches(key, list(spec), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(
                path,
                f"unknown key '{key}'{extra}",
                source=label,
                table="subscription",
                field_name=key,
            )
    if "name" not in entry:
        raise ConfigError(
            path, "missing required key", source=label, table="subscription", field_name="name"
        )
    values = {
        name: _coerce(path, label, name, entry[name], str(spec[name].type))
        for name in spec
        if name in entry
    }
    sub = Subscription(**values)
    _check(path, sub)
    if sub.marketplaces:  # checked: each is a code, in any case
        from policyradar.tagging.marketplaces import load_table

        by_folded = {c.casefold(): c for c in load_table().codes()}
        codes = tuple(dict.fromkeys(by_folded[m.strip().casefold()] for m in sub.marketplaces))
        sub = replace(sub, marketplaces=codes)
    return sub


def _coerce(path: Path, label: str, name: str, value: Any, type_name: str) -> Any:
    def bad(what: str) -> ConfigError:
        return ConfigError(
            path,
            f"must be {what}, not {value!r}",
            source=label,
            table="subscription",
            field_name=name,
        )

    if type_name == "tuple[int, ...]":
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise bad("a list of whole numbers of days")
        return tuple(value)
    if type_name == "tuple[str, ...]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return tuple(value)
    if type_name == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if type_name == "float":
        if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
            raise bad("a number of seconds")
        return float(value)
    if type_name == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad("a whole number")
        return value
    if not isinstance(value, str):
        raise ConfigError(
            path, "must be a string", source=label, table="subscription", field_name=name
        )
    return value


def _check(path: Path, sub: Subscription) -> None:
    def error(field_name: str, message: str) -> ConfigError:
        return ConfigError(
            path, message, source=sub.name, table="subscription", field_name=field_name
        )

    if not _NAME_RE.match(sub.name):
        raise error("name", "must be 1-64 letters, digits, spaces or . @ - _")
    if sub.url and sub.url_env:
        raise error("url_env", "give either 'url' or 'url_env', not both")
    if not sub.url and not sub.url_env:
        raise error("url", "missing target: give 'url' or 'url_env'")
    if sub.url_env is not None and not _ENV_RE.match(sub.url_env):
        raise error("url_env", f"{sub.url_env!r} is not an environment variable name")
    if sub.url is not None and (reason := check_url(sub.url, sub.format)):
        raise error("url", reason)
    if sub.min_urgency not in URGENCIES:
        raise error(
            "min_urgency", f"must be one of {', '.join(URGENCIES)}, not {sub.min_urgency!r}"
        )
    match = _SCHEDULE_RE.match(sub.schedule.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise error("schedule", f"must be 'daily HH:MM' (e.g. 'daily 08:00'), not {sub.schedule!r}")
    try:
        ZoneInfo(sub.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise error(
            "timezone", f"unknown time zone {sub.timezone!r} (e.g. Asia/Shanghai)"
        ) from None
    if sub.language not in LANGUAGES:
        raise error("language", f"must be zh or en, not {sub.language!r}")
    if sub.format is not None and sub.format not in (known_formats := formats()):
        raise error("format", f"must be one of {', '.join(known_formats)}, not {sub.format!r}")
    if sub.max_age_days < 1:
        raise error("max_age_days", "must be at least 1")
    if not 1 <= sub.timeout <= MAX_TIMEOUT:
        raise error(
            "timeout", f"must be between 1 and {MAX_TIMEOUT:g} seconds, not {sub.timeout!r}"
        )
    for days in sub.remind_days:
        if not 0 <= days <= MAX_REMIND_DAYS:
            raise error(
                "remind_days", f"must be between 0 and {MAX_REMIND_DAYS} days, not {days!r}"
            )
    if len(set(sub.remind_days)) != len(sub.remind_days):
        raise error("remind_days", f"lists a day twice: {list(sub.remind_days)}")
    if sub.marketplaces:
        from policyradar.tagging.marketplaces import load_table

        codes = load_table().codes()
        by_folded = {c.casefold(): c for c in codes}
        for code in sub.marketplaces:
            if code.strip().casefold() not in by_folded:
                raise error("marketplaces", _unknown("marketplace", code, codes))
    home = path.parent  # config.toml's folder: the home's categories and watchlists
    known = CategoryNames.load(home).ids()
    for cat in sub.categories:
        if cat not in known:
            raise error("categories", _unknown("category", cat, known))
    if sub.watchlists:
        lists = [w.name for w in load_watchlists(home / WATCHLISTS_FILE, known)]
        for name in sub.watchlists:
            if name not in lists:
                raise error("watchlists", _unknown("watchlist", name, lists))


def _unknown(what: str, value: str, known: Sequence[str]) -> str:
    """'unknown category 'x' (did you mean 'y'?); known: a, b, c'."""
    hint = difflib.get_close_matches(value, list(known), n=1)
    extra = f" (did you mean '{hint[0]}'?)" if hint else ""
    return f"unknown {what} '{value}'{extra}; known: {', '.join(known) or 'none'}"


def check_url(url: str, fmt: str | None = None) -> str | None:
    """Return why apprise cannot use ``url`` (secrets scrubbed), or None when it can."""
    import apprise

    channel = channel_for(url)
    url = channel.canonical(url)
    scheme = scheme_of(url)
    if not scheme:
        return f"not an apprise URL: {redact(url)}"
    if fmt is not None and fmt not in channel.formats:
        return f"{scheme}:// carries {' or '.join(channel.formats)}, not format {fmt!r}"
    if problem := channel.check(url):
        return problem
    channel.register()  # its apprise plug-in, if any
    apprise_logger = logging.getLogger("apprise")
    propagate, apprise_logger.propagate = apprise_logger.propagate, False  # the error says it
    try:
        with apprise.LogCapture(level=logging.WARNING) as captured, hidden(url) as fragments:
            try:
                plugin = apprise.Apprise.instantiate(url, suppress_exceptions=False)
            except Exception as exc:  # apprise raises several types for bad URLs
                plugin, reason = None, str(exc)
            else:
                reason = ""
            log = captured.getvalue()
    finally:
        apprise_logger.propagate = propagate
    if plugin is not None:
        return None
    detail = scrub(_last_line(log) or reason, fragments)
    return f"apprise cannot use {redact(url)}" + (f": {detail}" if detail else "")


def _last_line(log: str) -> str:
    lines = [line.split(" - ", 2)[-1] for line in log.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def resolve_url(sub: Subscription, environ: Mapping[str, str]) -> str:
    """Return the subscription's apprise URL, reading ``url_env`` from ``environ``."""
    if sub.url:
        return canonical_url(sub.url)
    assert sub.url_env is not None
    value = (environ.get(sub.url_env) or "").strip()
    if not value:
        raise SubscriptionError(
            f"subscription '{sub.name}': environment variable '{sub.url_env}' (url_env) is not set"
        )
    if reason := check_url(value, sub.format):
        raise SubscriptionError(f"subscription '{sub.name}': the URL in '{sub.url_env}': {reason}")
    return canonical_url(value)


def is_due(sub: Subscription, now: datetime, last_sent_at: datetime | None) -> bool:
    """Return True once today's HH:MM (in the subscription's zone) has passed unsent."""
    tz = sub.tz
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local = now.astimezone(tz)
    slot = datetime.combine(local.date(), sub.send_time, tzinfo=tz)
    if local < slot:
        return False
    if last_sent_at is None:
        return True
    if last_sent_at.tzinfo is None:
        last_sent_at = last_sent_at.replace(tzinfo=UTC)
    return last_sent_at < slot
