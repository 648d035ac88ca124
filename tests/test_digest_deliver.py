"""Delivery through apprise to local receivers: real WeCom, Telegram, JSON and email payloads,
failures retried on the next run, nothing sent twice, secrets never shown."""

from __future__ import annotations

import email
import email.policy
import logging
import re
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from freezegun import freeze_time

from policyradar.digest.deliver import deliver, pin_format, send_digest, send_due
from policyradar.digest.render import TelegramRenderer, WeComMarkdownRenderer, WeComTextRenderer
from policyradar.digest.subscriptions import Subscription
from tests.test_digest_support import (
    NOW,
    Receiver,
    Rows,
    SmtpReceiver,
    make_rows,
    point_plugins_at,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WECOM_KEY = "a1b2c3d4-e5f6-7788-99aa-bbccddeeff00"
TG_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    r = Receiver()
    point_plugins_at(r, monkeypatch)
    yield r
    r.down()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    server = SmtpReceiver()
    yield server
    server.stop()


@pytest.fixture
def rows(tmp_path: Path) -> Rows:
    return make_rows(tmp_path)


def sub(url: str, **kw: object) -> Subscription:
    return Subscription(name=kw.pop("name", "daily"), url=url, **kw)  # type: ignore[arg-type]


def send(rows: Rows, subscription: Subscription, **kw: object):
    return send_digest(rows.storage, subscription, now=NOW, environ={}, **kw)  # type: ignore[arg-type]


def test_wecom_text_parts_arrive_as_wecom_payloads_within_2048_bytes(
    rows: Rows, receiver: Receiver
) -> None:
    ids = rows.many(30)
    report = send(rows, sub(f"wecombot://{WECOM_KEY}"))
    assert report.status == "sent"
    assert report.channel == "wecombot"
    assert report.parts_sent == len(report.parts) == len(receiver.requests) > 1
    for request, part in zip(receiver.requests, report.parts, strict=True):
        assert request.path == "/cgi-bin/webhook/send"
        assert request.query == {"key": [WECOM_KEY]}
        payload = request.json()
        assert payload == {"msgtype": "text", "text": {"content": part}}
        assert len(payload["text"]["content"].encode("utf-8")) <= 2048
    assert rows.storage.undelivered("daily") == []
    (log,) = rows.storage.deliveries("daily")
    assert (log["status"], log["parts"], sorted(log["change_ids"])) == (
        "sent",
        len(report.parts),
        ids,
    )


def test_wecom_markdown_through_the_custom_notifier(rows: Rows, receiver: Receiver) -> None:
    rows.many(30)
    report = send(rows, sub(f"wecom-md://{WECOM_KEY}"))
    assert report.status == "sent"
    assert report.channel == "wecommd"
    assert len(receiver.requests) == len(report.parts) > 1
    for request, part in zip(receiver.requests, report.parts, strict=True):
        assert request.query == {"key": [WECOM_KEY]}
        assert request.json() == {"msgtype": "markdown", "markdown": {"content": part}}
        assert len(part.encode("utf-8")) <= WeComMarkdownRenderer.max_length


def test_a_wecom_errcode_is_a_failure_with_its_reason(rows: Rows, receiver: Receiver) -> None:
    rows.many(3)
    receiver.reply = {"errcode": 93000, "errmsg": "invalid webhook url"}
    report = send(rows, sub(f"wecom-md://{WECOM_KEY}"))
    assert report.status == "failed"
    assert "errcode=93000: invalid webhook url" in (report.error or "")
    assert len(rows.storage.undelivered("daily")) == 3
    assert rows.storage.deliveries("daily")[0]["status"] == "failed"


def test_telegram_gets_html_within_4096_characters(rows: Rows, receiver: Receiver) -> None:
    rows.many(
        30,
        watch_hits=[
            {"watchlist": "费用", "category": "fees", "keyword": "配送费", "snippet": "配送费"}
        ],
        urgency="high",
    )
    report = send(rows, sub(f"tgram://{TG_TOKEN}/-1001234567"))
    assert report.status == "sent"
    assert report.channel == "tgram"
    assert len(receiver.requests) == len(report.parts) > 1
    for request, part in zip(receiver.requests, report.parts, strict=True):
        assert request.path == f"/bot{TG_TOKEN}/sendMessage"
        payload = request.json()
        assert payload["parse_mode"] == "HTML"
        assert str(payload["chat_id"]) == "-1001234567"
        assert len(payload["text"]) <= TelegramRenderer.max_length
        # apprise's Telegram HTML reducer changes nothing but line breaks
        assert re.sub(r"\s+", "", payload["text"]) == re.sub(r"\s+", "", part)
        assert "<b>配送费</b>" in payload["text"]


def test_json_webhook_gets_title_and_the_text_digest(rows: Rows, receiver: Receiver) -> None:
    rows.many(3)
    report = send(rows, sub(f"json://127.0.0.1:{receiver.port}/hook"))
    assert report.status == "sent"
    assert report.channel == "text"
    (payload,) = receiver.bodies()
    assert payload["title"] == "政策雷达 · 3 条变更"
    assert payload["message"] == report.parts[0]


def test_email_is_one_html_message_with_a_plain_text_part(rows: Rows, smtp: SmtpReceiver) -> None:
    hit = {"watchlist": "费用", "category": "fees", "keyword": "配送费", "snippet": "配送费"}
    rows.many(5, urgency="high", watch_hits=[hit])  # a watch word is marked (keywords are not)
    rows.change("<script>alert(1)</script>标题")
    url = (
        f"mailto://127.0.0.1:{smtp.port}?to=seller@example.com&from=radar@example.com&mode=insecure"
    )
    report = send(rows, sub(url))
    assert report.status == "sent"
    assert report.channel == "email"
    (envelope,) = smtp.messages
    assert envelope.rcpt_tos == ["seller@example.com"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "政策雷达 · 5 条紧急 · 6 条变更"
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",)).get_content()
    plain = message.get_body(("plain",)).get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in html
    assert "<script>" not in html
    assert "<mark" in html
    assert "标题" in plain
    assert "<article" not in plain


def test_down_twice_then_up_delivers_everything_exactly_once(
    rows: Rows, receiver: Receiver
) -> None:
    ids = rows.many(20)
    subscription = sub(f"wecombot://{WECOM_KEY}")
    receiver.down()
    first = send(rows, subscription)
    assert first.status == "failed"
    assert "part 1/" in (first.error or "")
    receiver.up()
    receiver.status = 500
    second = send(rows, subscription)
    assert second.status == "failed"
    receiver.status = 200
    receiver.requests.clear()
    third = send(rows, subscription)
    assert third.status == "sent"
    assert send(rows, subscription).status == "empty"  # nothing is sent twice
    delivered = [
        m for r in receiver.requests for m in r.json()["text"]["content"].split("\n") if "（第" in m
    ]
    assert len(delivered) == len(set(delivered)) == 20
    log = rows.storage.deliveries("daily")
    assert [d["status"] for d in log] == ["sent", "failed", "failed"]
    assert all(d["error"] for d in log[1:])
    assert log[0]["error"] is None
    assert sorted(log[0]["change_ids"]) == ids


def test_a_slow_webhook_is_waited_for_and_gets_the_digest_once(
    rows: Rows, receiver: Receiver
) -> None:
    rows.many(3)
    receiver.delay = 4.5  # longer than apprise's own 4 s read timeout
    first = send(rows, sub(f"json://127.0.0.1:{receiver.port}/hook"))
    assert first.status == "sent", first.error
    assert send(rows, sub(f"json://127.0.0.1:{receiver.port}/hook")).status == "empty"
    assert len(receiver.requests) == 1
    # a subscription's own shorter timeout gives up, and the changes wait for the next run
    rows.many(1)
    impatient = send(rows, sub(f"json://127.0.0.1:{receiver.port}/hook", timeout=1.0))
    assert impatient.status == "failed"
    assert rows.storage.deliveries("daily")[0]["status"] == "failed"


def test_a_failure_mid_way_keeps_the_parts_sent_and_retries_only_the_rest(
    rows: Rows, receiver: Receiver
) -> None:
    rows.many(30)
    subscription = sub(f"wecombot://{WECOM_KEY}")
    receiver.fail_after = 2
    first = send(rows, subscription)
    assert (first.status, first.parts_sent) == ("failed", 2)
    sent_first = {
        cid
        for d in rows.storage.deliveries("daily")
        if d["status"] == "sent"
        for cid in d["change_ids"]
    }
    receiver.fail_after = None
    second = send(rows, subscription)
    assert second.status == "sent"
    assert not sent_first & set(second.change_ids)
    assert len(sent_first) + len(second.change_ids) == 30
    assert rows.storage.undelivered("daily") == []


def test_secrets_never_reach_logs_reports_or_the_database(
    rows: Rows, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rows.many(3, urgency="high")
    reports = [
        send(rows, sub(f"wecombot://{WECOM_KEY}", name="w")),
        send(rows, sub(f"tgram://{TG_TOKEN}/42", name="t")),
    ]
    receiver.status = 500
    rows.many(2)
    reports += [
        send(rows, sub(f"wecombot://{WECOM_KEY}", name="w")),
        send(rows, sub(f"tgram://{TG_TOKEN}/42", name="t")),
        send(rows, sub(f"wecommd://{WECOM_KEY}", name="m")),
    ]
    receiver.down()
    reports.append(send(rows, sub(f"tgram://{TG_TOKEN}/42", name="t")))
    assert [r.status for r in reports] == ["sent", "sent", "failed", "failed", "failed", "failed"]
    assert "apprise" in caplog.text
    assert "webhook/send" in caplog.text
    dump = "\n".join(rows.storage.db.conn.iterdump())
    for secret in (WECOM_KEY, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"):
        assert secret not in caplog.text
        assert secret not in dump
        assert all(secret not in f"{r.target} {r.error}" for r in reports)


def test_unset_variable_fails_clearly_and_others_still_send(rows: Rows, receiver: Receiver) -> None:
    rows.many(2)
    broken = Subscription(name="broken", url_env="RADAR_MISSING")
    good = sub(
        f"json://127.0.0.1:{receiver.port}/hook",
        name="good",
        schedule="daily 00:00",
        timezone="UTC",
    )
    reports = send_due(rows.storage, [broken, good], now=NOW, environ={})
    assert [(r.subscription, r.status) for r in reports] == [("broken", "failed"), ("good", "sent")]
    assert "RADAR_MISSING" in (reports[0].error or "")
    assert rows.storage.deliveries("broken")[0]["status"] == "failed"


def test_send_due_once_a_day_and_immediate_alerts_in_between(
    rows: Rows, receiver: Receiver
) -> None:
    subscription = sub(f"json://127.0.0.1:{receiver.port}/hook", immediate=True)
    first = rows.change("上午的变更", detected=NOW - timedelta(hours=2))
    early = NOW.replace(hour=0, minute=0) - timedelta(minutes=1)  # 07:59 in Shanghai
    with freeze_time(early):
        assert send_due(rows.storage, [subscription], now=early, environ={}) == []
    with freeze_time(NOW):  # 09:30 Shanghai
        (report,) = send_due(rows.storage, [subscription], now=NOW, environ={})
        assert (report.mode, report.change_ids) == ("digest", (first,))
        assert send_due(rows.storage, [subscription], now=NOW, environ={}) == []
    low = rows.change("下午的普通变更", detected=NOW + timedelta(hours=3))
    high = rows.change("下午的紧急变更", detected=NOW + timedelta(hours=3), urgency="high")
    later = NOW + timedelta(hours=4)
    with freeze_time(later):
        (alert,) = send_due(rows.storage, [subscription], now=later, environ={})
        assert (alert.mode, alert.change_ids) == ("alert", (high,))
        assert send_due(rows.storage, [subscription], now=later, environ={}) == []
    next_day = NOW + timedelta(days=1)
    with freeze_time(next_day):
        (report,) = send_due(rows.storage, [subscription], now=next_day, environ={})
        assert (report.mode, report.change_ids) == ("digest", (low,))
    assert [b["title"] for b in receiver.bodies()] == [
        "政策雷达 · 1 条变更",
        "政策雷达 · 紧急提醒 · 1 条紧急 · 1 条变更",
        "政策雷达 · 1 条变更",
    ]


def test_quiet_note_and_dry_run(rows: Rows, receiver: Receiver) -> None:
    quiet = sub(f"json://127.0.0.1:{receiver.port}/hook", quiet_note=True)
    report = send(rows, quiet)
    assert (report.status, report.mode) == ("sent", "quiet")
    assert "今日无新变更" in receiver.bodies()[0]["message"]
    rows.many(2)
    dry = send(rows, replace(quiet, name="other"), dry_run=True)
    assert dry.status == "dry-run"
    assert len(dry.parts) == 1
    assert len(receiver.requests) == 1
    assert rows.storage.deliveries("other") == []
    assert len(rows.storage.undelivered("other")) == 2


def test_deliver_pins_the_format_and_reports_a_refused_url() -> None:
    assert (
        pin_format("tgram://a:b/c?format=markdown&x=1", "html") == "tgram://a:b/c?format=html&x=1"
    )
    assert pin_format("json://h/p", "text") == "json://h/p?format=text"
    result = deliver(Subscription(name="x", url_env="NOPE"), ["hi"], title="t", environ={})
    assert not result.ok
    assert "NOPE" in (result.error or "")
    assert WeComTextRenderer.max_length == 2048
