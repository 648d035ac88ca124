"""The ``digest`` and ``notify test`` commands: send, preview, exit codes, redacted output."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from policyradar.cli.digest import deliver_due, digest_command, notify_group
from policyradar.digest.export import export_channels
from policyradar.digest.subscriptions import Subscription
from policyradar.storage import Storage
from tests.test_digest_support import NOW, Receiver, Rows, make_rows, point_plugins_at

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


class FakeContext:
    """What the CLI's Context offers the commands: home, lang, config(), storage()."""

    def __init__(
        self, home: Path, subscriptions: tuple[Subscription, ...], lang: str = "zh"
    ) -> None:
        self.home, self.lang = home, lang
        self.subscriptions = subscriptions

    def config(self) -> Any:
        return SimpleNamespace(
            home=self.home,
            subscriptions=self.subscriptions,
            web_base=None,
            database=self.home / "policyradar.db",
        )

    def storage(self) -> Storage:
        return Storage(self.home / "policyradar.db")


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    r = Receiver()
    point_plugins_at(r, monkeypatch)
    yield r
    r.down()


@pytest.fixture
def rows(tmp_path: Path) -> Rows:
    return make_rows(tmp_path)


def run(
    rows: Rows, subs: tuple[Subscription, ...], command: Any, *args: str, lang: str = "zh"
) -> Any:
    assert rows.home is not None
    with freeze_time(NOW):
        return CliRunner().invoke(
            command, list(args), obj=FakeContext(rows.home, subs, lang), catch_exceptions=False
        )


def subs(receiver: Receiver) -> tuple[Subscription, ...]:
    return (
        Subscription(name="运营群", url=f"wecombot://{KEY}"),
        Subscription(name="hook", url=f"json://127.0.0.1:{receiver.port}/hook"),
    )


def test_digest_sends_each_subscription_and_prints_redacted_targets(
    rows: Rows, receiver: Receiver
) -> None:
    rows.many(12)
    result = run(rows, subs(receiver), digest_command)
    assert result.exit_code == 0, result.output
    assert "已发送   运营群 → wecombot://… [wecombot]" in result.output  # Chinese status words
    assert "已发送   hook → json://127.0.0.1:" in result.output
    assert KEY not in result.output
    assert rows.storage.undelivered("运营群") == []
    assert rows.storage.undelivered("hook") == []
    again = run(rows, subs(receiver), digest_command, "--subscription", "hook")
    assert "没有未推送的变更" in again.output


def test_dry_run_prints_the_parts_and_records_nothing(rows: Rows, receiver: Receiver) -> None:
    rows.many(12)
    result = run(rows, subs(receiver), digest_command, "--subscription", "运营群", "--dry-run")
    assert result.exit_code == 0
    assert "--- 1/" in result.output
    assert " bytes ---" in result.output
    assert "预览     运营群 → wecombot://…" in result.output
    assert receiver.requests == []
    assert rows.storage.deliveries() == []


def test_a_failed_delivery_exits_1_and_shows_the_reason_without_the_key(
    rows: Rows, receiver: Receiver
) -> None:
    rows.many(2)
    receiver.status = 500
    result = run(rows, subs(receiver), digest_command, "--subscription", "运营群")
    assert result.exit_code == 1
    assert "失败     运营群 → wecombot://…" in result.output
    assert "error=500" in result.output
    assert KEY not in result.output


def test_unknown_subscription_is_a_usage_error(rows: Rows, receiver: Receiver) -> None:
    result = run(rows, subs(receiver), digest_command, "--subscription", "nope")
    assert result.exit_code == 2
    assert "没有名为 'nope' 的订阅（已有：运营群, hook）" in result.stderr
    english = run(rows, subs(receiver), digest_command, "--subscription", "nope", lang="en")
    assert "no subscription named 'nope' (known: 运营群, hook)" in english.stderr


def test_format_and_output_render_the_last_week_without_recording(
    rows: Rows, tmp_path: Path
) -> None:
    rows.many(3)
    out = tmp_path / "policyradar.digest.html"
    result = run(rows, (), digest_command, "--output", str(out))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    data = json.loads(run(rows, (), digest_command, "--format", "json").output)
    assert sum(len(s["items"]) for s in data["sections"]) == 3
    assert rows.storage.deliveries() == []


def test_notify_test_reports_each_target_and_exits_1_if_one_failed(
    rows: Rows, receiver: Receiver
) -> None:
    targets = (*subs(receiver), Subscription(name="mail", url_env="RADAR_MAIL_URL_UNSET"))
    result = run(rows, targets, notify_group, "test")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "正常     运营群 → wecombot://… [wecombot]"
    assert lines[1].startswith("正常     hook → json://127.0.0.1:")
    assert lines[2].startswith("失败     mail → $RADAR_MAIL_URL_UNSET")
    english = run(rows, targets, notify_group, "test", lang="en").output.splitlines()
    assert english[0] == "ok       运营群 → wecombot://… [wecombot]"
    assert english[2].startswith("failed   mail → $RADAR_MAIL_URL_UNSET")
    assert "RADAR_MAIL_URL_UNSET' (url_env) is not set" in lines[2]
    assert "测试消息" in receiver.requests[0].json()["text"]["content"]
    assert rows.storage.deliveries() == []  # a test message is not a delivery
    only = run(rows, targets, notify_group, "test", "--subscription", "hook")
    assert only.exit_code == 0


def test_deliver_due_for_the_run_command(rows: Rows, receiver: Receiver) -> None:
    rows.many(2)
    assert rows.home is not None
    obj = FakeContext(rows.home, subs(receiver))
    with freeze_time(NOW):
        assert deliver_due(obj, environ={}) == 0
        assert deliver_due(obj, environ={}) == 0
    assert len(receiver.requests) == 2  # one each, once


def test_export_channels_writes_one_file_per_message(rows: Rows, tmp_path: Path) -> None:
    rows.many(30)
    written = export_channels(rows.storage, tmp_path / "out", now=NOW)
    names = {p.name for p in written}
    assert {
        "digest-text.txt",
        "digest-markdown.md",
        "digest-html.html",
        "digest-email.html",
        "digest-json.json",
        "digest-wecombot-1.txt",
        "digest-tgram-1.txt",
    } <= names
    assert all(p.read_text(encoding="utf-8") for p in written)
    assert rows.storage.deliveries() == []


def test_the_preview_names_the_homes_own_categories(rows: Rows) -> None:
    assert rows.home is not None
    (rows.home / "categories.toml").write_text(
        '[category.shipping_cn]\nname_zh = "头程物流"\nname_en = "First-mile shipping"\n',
        encoding="utf-8",
    )
    rows.change("头程海运附加费上调", categories=["shipping_cn"])
    result = run(rows, (), digest_command, "--format", "text")
    assert result.exit_code == 0
    assert "■ 头程物流" in result.output
