"""Subscriptions: validated at load (names, fields, apprise URLs), redaction, the daily schedule."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from policyradar.config import ConfigError
from policyradar.digest.secrets import redact, secret_fragments
from policyradar.digest.subscriptions import (
    Subscription,
    SubscriptionError,
    is_due,
    parse_subscriptions,
    resolve_url,
)

CFG = Path("home/config.toml")
KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def parse(*entries: dict) -> tuple[Subscription, ...]:
    return parse_subscriptions(CFG, list(entries))


def test_a_full_subscription_loads_with_defaults() -> None:
    (wecom, mail) = parse(
        {
            "name": "运营群",
            "url": f"wecombot://{KEY}",
            "categories": ["fees", "fba"],
            "min_urgency": "medium",
            "immediate": True,
        },
        {
            "name": "boss",
            "url_env": "RADAR_MAIL_URL",
            "language": "en",
            "schedule": "daily 07:30",
            "timezone": "Europe/Berlin",
            "format": "html",
            "quiet_note": True,
            "max_age_days": 3,
        },
    )
    assert wecom.categories == ("fees", "fba")
    assert (wecom.schedule, wecom.timezone) == ("daily 08:00", "Asia/Shanghai")
    assert wecom.language == "zh"
    assert wecom.immediate
    assert wecom.max_age_days == 14
    assert KEY not in repr(wecom)  # a logged subscription shows no secret
    assert mail.url is None
    assert mail.url_env == "RADAR_MAIL_URL"
    assert mail.target == "$RADAR_MAIL_URL"


@pytest.mark.parametrize(
    ("entry", "field_name", "words"),
    [
        (
            {"name": "a", "urll": "json://localhost"},
            "urll",
            "unknown key 'urll' (did you mean 'url'?)",
        ),
        ({"url": "json://localhost"}, "name", "missing required key"),
        ({"name": "a"}, "url", "missing target"),
        ({"name": "a", "url": "json://localhost", "url_env": "X"}, "url_env", "not both"),
        ({"name": "a", "url_env": "not a var"}, "url_env", "not an environment variable name"),
        ({"name": "a", "url": "foo://bar"}, "url", "apprise cannot use foo://"),
        ({"name": "a", "url": "wecombot://bad key!"}, "url", "invalid WeCom Bot Webhook Key"),
        ({"name": "a", "url": "tgram://nonsense"}, "url", "apprise cannot use tgram://"),
        ({"name": "a", "url": "wecom-md://"}, "url", "needs the group bot's key"),
        ({"name": "a", "url": "json://localhost", "schedule": "daily 25:00"}, "schedule", "HH:MM"),
        ({"name": "a", "url": "json://localhost", "schedule": "weekly"}, "schedule", "daily HH:MM"),
        (
            {"name": "a", "url": "json://localhost", "timezone": "Mars/Base"},
            "timezone",
            "Mars/Base",
        ),
        ({"name": "a", "url": "json://localhost", "min_urgency": "urgent"}, "min_urgency", "low"),
        ({"name": "a", "url": "json://localhost", "language": "fr"}, "language", "zh or en"),
        ({"name": "a", "url": f"wecombot://{KEY}", "format": "html"}, "url", "carries text"),
        (
            {"name": "a", "url": "json://localhost", "categories": ["fee"]},
            "categories",
            "did you mean 'fees'",
        ),
        (
            {"name": "a", "url": "json://localhost", "categories": "fees"},
            "categories",
            "list of strings",
        ),
        (
            {"name": "a", "url": "json://localhost", "immediate": "yes"},
            "immediate",
            "true or false",
        ),
        ({"name": "a", "url": "json://localhost", "max_age_days": 0}, "max_age_days", "at least 1"),
        (
            {"name": "a", "url": "json://localhost", "categories": ["shipping"]},
            "categories",
            "unknown category 'shipping'; known: fees, fba,",
        ),
        (
            {"name": "a", "url": "json://localhost", "watchlists": ["nosuch"]},
            "watchlists",
            "unknown watchlist 'nosuch'; known: none",
        ),
        ({"name": "a", "url": "json://localhost", "timeout": 0}, "timeout", "between 1 and 300"),
        (
            {"name": "a", "url": "json://localhost", "timeout": float("inf")},
            "timeout",
            "between 1 and 300",
        ),
        (
            {"name": "a", "url": "json://localhost", "timeout": "30s"},
            "timeout",
            "number of seconds",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_bad_subscription_is_a_config_error_naming_it_and_the_field(
    entry: dict, field_name: str, words: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse(entry)
    assert err.value.field_name == field_name
    assert err.value.source == entry.get("name", "#1")
    assert f"subscription '{err.value.source}'" in str(err.value)  # not "source"
    assert words in str(err.value)
    assert str(CFG) in str(err.value)


def test_categories_are_checked_against_the_homes_own_too(tmp_path: Path) -> None:
    (tmp_path / "categories.toml").write_text(
        '[category.shipping_cn]\nname_zh = "头程物流"\n', encoding="utf-8"
    )
    config = tmp_path / "config.toml"
    entry = {"name": "a", "url": "json://localhost", "categories": ["shipping_cn"]}
    assert parse_subscriptions(config, [entry])[0].categories == ("shipping_cn",)
    with pytest.raises(ConfigError, match="did you mean 'shipping_cn'"):
        parse_subscriptions(config, [entry | {"categories": ["shiping_cn"]}])


def test_watchlists_are_checked_against_the_homes_watchlists(tmp_path: Path) -> None:
    (tmp_path / "watchlists.toml").write_text(
        '[[watchlist]]\nname = "库容"\ncategory = "fba"\nkeywords = ["库容", "capacity limit"]\n',
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    entry = {"name": "a", "url": "json://localhost", "watchlists": ["库容"]}
    assert parse_subscriptions(config, [entry])[0].watchlists == ("库容",)
    with pytest.raises(ConfigError, match="unknown watchlist 'storage'; known: 库容"):
        parse_subscriptions(config, [entry | {"watchlists": ["storage"]}])


def test_an_invalid_url_error_does_not_echo_the_secret() -> None:
    with pytest.raises(ConfigError) as err:
        parse({"name": "群", "url": "wecombot://s3cr3t-key-with!bang"})
    assert "s3cr3t" not in str(err.value)
    assert "wecombot://…" in str(err.value)


def test_duplicate_names_are_rejected() -> None:
    with pytest.raises(ConfigError, match="duplicate subscription name 'a'"):
        parse({"name": "a", "url": "json://localhost"}, {"name": "a", "url": "json://localhost"})


def test_subscription_must_be_an_array_of_tables() -> None:
    with pytest.raises(ConfigError, match=r"\[\[subscription\]\]"):
        parse_subscriptions(CFG, {"name": "a"})


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"wecombot://{KEY}", "wecombot://…"),
        (f"wecom-md://{KEY}", "wecom-md://…"),
        ("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123", "tgram://…"),
        (
            "mailto://radar:pa55word@smtp.example.com?to=a@example.com",
            "mailto://smtp.example.com/…",
        ),
        ("mailtos://smtp.qq.com", "mailtos://smtp.qq.com"),
        ("json://127.0.0.1:8080/hook?token=abcdef123", "json://127.0.0.1:8080/…"),
        ("not a url", "…"),
    ],
)
def test_redact_shows_only_scheme_and_host(url: str, shown: str) -> None:
    assert redact(url) == shown
    for piece in ("AAHdqTcvCH1", "pa55word", KEY, "abcdef123"):
        assert piece not in redact(url)
        if piece in url:
            assert any(piece in f for f in secret_fragments(url))


def test_resolve_url_reads_the_variable_and_names_it_when_unset() -> None:
    (sub,) = parse({"name": "tg", "url_env": "RADAR_TG"})
    with pytest.raises(SubscriptionError, match=r"'RADAR_TG'.*not set"):
        resolve_url(sub, {})
    assert resolve_url(sub, {"RADAR_TG": "json://localhost/x"}) == "json://localhost/x"
    with pytest.raises(SubscriptionError) as err:
        resolve_url(sub, {"RADAR_TG": "wecombot://leaky!secret"})
    assert "leaky" not in str(err.value)


def test_the_wecom_md_spelling_becomes_apprises_wecommd() -> None:
    (sub,) = parse({"name": "md", "url": f"wecom-md://{KEY}"})
    assert resolve_url(sub, {}) == f"wecommd://{KEY}"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("zone", "now", "last", "due"),
    [
        # 08:00 in Shanghai is 00:00 UTC
        ("Asia/Shanghai", "2026-03-02T07:59:00+08:00", None, False),
        ("Asia/Shanghai", "2026-03-02T08:00:00+08:00", None, True),
        ("Asia/Shanghai", "2026-03-02T09:30:00+08:00", "2026-03-02T08:05:00+08:00", False),
        ("Asia/Shanghai", "2026-03-02T09:30:00+08:00", "2026-03-02T07:30:00+08:00", True),
        ("Asia/Shanghai", "2026-03-03T08:01:00+08:00", "2026-03-02T08:05:00+08:00", True),
        # the same instant is before 08:00 in Berlin (01:30) and after it in Shanghai (08:30)
        ("Europe/Berlin", "2026-03-02T00:30:00+00:00", None, False),
        ("Asia/Shanghai", "2026-03-02T00:30:00+00:00", None, True),
        # Los Angeles: sent yesterday local time, even though it is already "today" in UTC
        ("America/Los_Angeles", "2026-03-02T17:00:00+00:00", "2026-03-02T03:00:00+00:00", True),
        ("America/Los_Angeles", "2026-03-02T17:00:00+00:00", "2026-03-02T16:30:00+00:00", False),
        # a day with a DST change (Berlin, 29 March 2026)
        ("Europe/Berlin", "2026-03-29T06:30:00+00:00", "2026-03-28T07:10:00+00:00", True),
    ],
)
def test_is_due_in_the_subscriptions_time_zone(
    zone: str, now: str, last: str | None, due: bool
) -> None:
    (sub,) = parse({"name": "a", "url": "json://localhost", "timezone": zone})
    assert is_due(sub, at(now), at(last) if last else None) is due
