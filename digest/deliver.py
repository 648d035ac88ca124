"""The only module that calls apprise: send rendered parts, record what happened.

Delivery is at-least-once. ``send_digest`` sends, then records the delivery in one transaction;
a crash between the two (after apprise returned, before the row is written) leaves the changes
undelivered, so the next run sends them once more: a resend happens at most once per crash,
never a loss. A failed part stops the delivery: the parts before it are recorded ``sent``
(their changes are delivered), the rest ``failed`` and go out on the next run.
"""

from __future__ import annotations

import io
import logging
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TextIO

import apprise

from policyradar.digest.build import build_digest, quiet_digest, wanted_by, with_summaries
from policyradar.digest.channels import channel_for, renderer_for
from policyradar.digest.secrets import hidden, redact, scrub, secret_fragments
from policyradar.digest.subscriptions import SubscriptionError, is_due, resolve_url
from policyradar.records import from_iso

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import datetime

    from policyradar.config import LlmSettings, Profile
    from policyradar.digest.deadlines import Deadline
    from policyradar.digest.layout import Part, Renderer
    from policyradar.digest.subscriptions import Subscription
    from policyradar.storage import Storage
    from policyradar.tagging.names import CategoryNames

logger = logging.getLogger(__name__)

SENT, FAILED = "sent", "failed"  # the statuses written to the delivery log


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    ok: bool
    parts_sent: int
    error: str | None = None


@dataclass(slots=True, kw_only=True)
class SendReport:
    """What one send (or dry run) did for one subscription."""

    subscription: str
    target: str  # redacted
    channel: str = ""
    status: str = "empty"  # sent | failed | empty | dry-run
    mode: str = "digest"  # digest | alert | quiet | test | reminder
    parts: list[str] = field(default_factory=list)
    parts_sent: int = 0
    change_ids: tuple[int, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != FAILED


def pin_format(url: str, fmt: str) -> str:
    """Return ``url`` with its ``format=`` query option set to ``fmt`` (apprise's output format)."""
    base, _, query = url.partition("?")
    if re.search(r"(^|&)format=", query, re.IGNORECASE):
        query = re.sub(r"(^|&)format=[^&]*", rf"\g<1>format={fmt}", query, flags=re.IGNORECASE)
    else:
        query = f"{query}&format={fmt}" if query else f"format={fmt}"
    return f"{base}?{query}"


def with_timeout(url: str, seconds: float) -> str:
    """Return ``url`` with apprise's read timeout (``rto=``) set, unless the URL sets its own.

    apprise waits 4 s by default: a webhook that accepts a digest after that would be counted as
    failed and get the digest again on the next run.
    """
    base, _, query = url.partition("?")
    if re.search(r"(^|&)rto=", query, re.IGNORECASE):
        return url
    option = f"rto={seconds:g}"
    return f"{base}?{query}&{option}" if query else f"{base}?{option}"


def deliver(
    subscription: Subscription,
    parts: Sequence[str],
    *,
    title: str,
    environ: Mapping[str, str],
    attachments: Any = None,
    renderer: Renderer | None = None,
) -> DeliveryResult:
    """Send each part through apprise; stop at the first failure and say why (secrets scrubbed)."""
    try:
        url = resolve_url(subscription, environ)
    except SubscriptionError as exc:
        return DeliveryResult(False, 0, str(exc))
    channel = channel_for(url)
    channel.register()  # its apprise plug-in, if any, before apprise sees the URL
    renderer = renderer or channel.renderer(subscription.format)
    fmt = renderer.body_format
    shown = redact(url)
    plugin_log = (
        apprise.LogCapture(name=channel.plugin_logger, level=logging.WARNING)
        if channel.plugin_logger
        else nullcontext(io.StringIO())
    )
    with (
        hidden(url) as fragments,
        apprise.LogCapture(level=logging.WARNING) as captured,
        plugin_log as captured_plugin,
    ):
        notifier = apprise.Apprise()
        if not notifier.add(with_timeout(pin_format(url, fmt), subscription.timeout)):
            return DeliveryResult(False, 0, f"apprise cannot use {shown}")
        # Sized channels carry the title in every part's header; apprise must add nothing.
        keep_title = not renderer.max_length and notifier[0].title_maxlen > 0
        for number, part in enumerate(parts, 1):
            ok = notifier.notify(
                body=part,
                title=title if keep_title else "",
                body_format=fmt,
                attach=attachments if number == 1 else None,
            )
            if not ok:
                log = captured_plugin.getvalue() + captured.getvalue()
                reason = scrub(_reason(log), fragments) or "apprise reported a failure"
                reason = f"part {number}/{len(parts)}: {reason}"
                logger.warning(
                    "subscription %s: delivery to %s failed: %s", subscription.name, shown, reason
                )
                return DeliveryResult(False, number - 1, reason)
    logger.info("subscription %s: sent %d part(s) to %s", subscription.name, len(parts), shown)
    return DeliveryResult(True, len(parts), None)


def _reason(log: str) -> str:
    lines = [line.split(" - ", 2)[-1].strip() for line in log.splitlines() if line.strip()]
    return "; ".join(dict.fromkeys(lines[-3:]))


def send_digest(
    storage: Storage,
    config_subscription: Subscription,
    *,
    now: datetime,
    dry_run: bool = False,
    web_base: str | None = None,
    environ: Mapping[str, str],
    output: TextIO | None = None,
    urgent_only: bool = False,
    names: CategoryNames | None = None,
    llm: LlmSettings | None = None,
    profile: Profile | None = None,
) -> SendReport:
    """Send the subscription's undelivered changes (or print them with ``dry_run``) and log it.

    Changes older than ``max_age_days`` are not loaded. Nothing new sends nothing, or the "all
    quiet" note when the subscription asks for it. A dry run records nothing. ``names``: the
    home's category names; ``profile``: the seller's (see
    :func:`policyradar.digest.build.build_digest`). A digest (not an alert) shows the dates of
    the next 30 days of every stored change the subscription wants ("coming into force").
    """
    sub = config_subscription
    report = SendReport(
        subscription=sub.name, target=sub.target, mode="alert" if urgent_only else "digest"
    )
    try:
        url = resolve_url(sub, environ)
    except SubscriptionError as exc:
        report.status, report.error = FAILED, str(exc)
        logger.warning("%s", exc)
        if not dry_run:
            storage.record_delivery(sub.name, [], status=FAILED, error=str(exc))
        return report
    renderer = renderer_for(url, sub.format)
    report.target, report.channel = redact(url), renderer.channel
    changes = storage.undelivered(sub.name, since=now - timedelta(days=sub.max_age_days))
    health = [] if urgent_only else storage.source_health()
    built = build_digest(
        changes,
        sub,
        health=health,
        now=now,
        web_base=web_base,
        urgent_only=urgent_only,
        names=names,
        profile=profile,
        deadlines=() if urgent_only else coming_dates(storage, sub, now=now, profile=profile),
    )
    if built is None:
        if urgent_only or not sub.quiet_note:
            return report
        built = quiet_digest(sub, health=health, now=now)
    elif llm is not None and llm.enabled:  # bounded by llm.deadline; failures keep the built-in
        from policyradar.digest.llm import llm_summaries

        leads = {i.change_id for i in built.items}
        found = llm_summaries(
            storage, [c for c in changes if c.id in leads], llm, lang=sub.language, environ=environ
        )
        built = with_summaries(built, found)
    parts = renderer.paginate(built)
    report.mode, report.parts = built.mode, [p.text for p in parts]
    report.change_ids = built.change_ids
    if dry_run:
        report.status = "dry-run"
        if output is not None:
            write_parts(output, renderer, report.parts)
        return report
    result = deliver(
        sub, report.parts, title=renderer.subject(built), environ=environ, renderer=renderer
    )
    _record(storage, sub.name, parts, result)
    report.parts_sent, report.error = result.parts_sent, result.error
    report.status = SENT if result.ok else FAILED
    return report


def _record(storage: Storage, name: str, parts: Sequence[Part], result: DeliveryResult) -> None:
    sent_ids = [cid for p in parts[: result.parts_sent] for cid in p.change_ids]
    if result.ok or sent_ids:
        storage.record_delivery(name, sent_ids, status=SENT, parts=result.parts_sent)
    if not result.ok:
        rest = [cid for p in parts[result.parts_sent :] for cid in p.change_ids]
        storage.record_delivery(name, rest, status=FAILED, parts=0, error=result.error)


def write_parts(output: TextIO, renderer: Renderer, parts: Sequence[str]) -> None:
    """Print rendered parts; several parts are separated by a line with number and size."""
    for number, text in enumerate(parts, 1):
        if len(parts) > 1:
            output.write(f"--- {number}/{len(parts)} · {renderer.size(text)} {renderer.unit} ---\n")
        output.write(text if text.endswith("\n") else text + "\n")


def send_due(
    storage: Storage,
    subscriptions: Iterable[Subscription],
    *,
    now: datetime,
    environ: Mapping[str, str],
    web_base: str | None = None,
    names: CategoryNames | None = None,
    llm: LlmSettings | None = None,
    profile: Profile | None = None,
) -> list[SendReport]:
    """Send each subscription's digest when due, else its immediate alerts if it wants them;
    then, once today's HH:MM has passed, its reminders that are due (``remind_days``).

    Due means today's HH:MM (in its time zone) has passed and no delivery succeeded since. The
    scheduled digest goes first, so an alert never stands in for the day's digest. A day with
    nothing to send (and no quiet note) records nothing, so what a later run finds that day goes
    out then as the day's digest. One subscription's failure never stops the others.
    """
    reports = []
    for sub in subscriptions:
        try:
            last = storage.last_delivery(sub.name)
            last_at = from_iso(last["started_at"]) if last else None
            if is_due(sub, now, last_at):
                reports.append(
                    send_digest(
                        storage,
                        sub,
                        now=now,
                        web_base=web_base,
                        environ=environ,
                        names=names,
                        llm=llm,
                        profile=profile,
                    )
                )
            elif sub.immediate:
                report = send_digest(
                    storage,
                    sub,
                    now=now,
                    web_base=web_base,
                    environ=environ,
                    urgent_only=True,
                    names=names,
                    llm=llm,
                    profile=profile,
                )
                if report.status != "empty":
                    reports.append(report)
            if sub.remind_days and is_due(sub, now, None):  # today's HH:MM has passed
                reminded = send_reminders(
                    storage,
                    sub,
                    now=now,
                    environ=environ,
                    web_base=web_base,
                    names=names,
                    profile=profile,
                )
                if reminded.status != "empty":
                    reports.append(reminded)
        except Exception as exc:  # isolate each subscription; the reason goes to the report
            reason = scrub(f"{type(exc).__name__}: {exc}", _fragments(sub, environ))
            logger.error("subscription %s: %s", sub.name, reason)
            reports.append(
                SendReport(subscription=sub.name, target=sub.target, status=FAILED, error=reason)
            )
    return reports


def coming_dates(
    storage: Storage, sub: Subscription, *, now: datetime, profile: Profile | None = None
) -> list[Deadline]:
    """The effective dates of the next 30 days (from today in the subscription's zone) of every
    stored change the subscription wants: its digest's "coming into force" section.
    """
    from policyradar.digest.deadlines import WINDOW_DAYS, upcoming

    today = now.astimezone(sub.tz).date()
    changes = storage.changes_due(today, today + timedelta(days=WINDOW_DAYS))
    return upcoming(changes, today, WINDOW_DAYS, wanted=wanted_by(sub, profile))


def send_reminders(
    storage: Storage,
    sub: Subscription,
    *,
    now: datetime,
    environ: Mapping[str, str],
    web_base: str | None = None,
    names: CategoryNames | None = None,
    profile: Profile | None = None,
    dry_run: bool = False,
    output: TextIO | None = None,
) -> SendReport:
    """Send the reminders due now (see `policyradar.digest.reminders`) as one short message
    and record each ``(change, date, lead time)`` it stands for, so none goes out twice; one
    that fails stays due for the next run. A dry run records nothing.
    """
    from policyradar.digest.reminders import due_reminders, reminder_digest

    report = SendReport(subscription=sub.name, target=sub.target, mode="reminder")
    if not sub.remind_days:
        return report
    today = now.astimezone(sub.tz).date()
    changes = storage.changes_due(today, today + timedelta(days=max(sub.remind_days)))
    due = due_reminders(
        changes, sub, today=today, sent=storage.reminded(sub.name, today), profile=profile
    )
    built = reminder_digest(due, sub, now=now, web_base=web_base, names=names, profile=profile)
    if built is None:
        return report
    try:
        url = resolve_url(sub, environ)
    except SubscriptionError as exc:
        report.status, report.error = FAILED, str(exc)
        if not dry_run:
            storage.record_reminders(sub.name, [], ok=False, error=str(exc))
        return report
    renderer = renderer_for(url, sub.format)
    report.target, report.channel = redact(url), renderer.channel
    parts = renderer.paginate(built)
    report.parts, report.change_ids = [p.text for p in parts], built.change_ids
    if dry_run:
        report.status = "dry-run"
        if output is not None:
            write_parts(output, renderer, report.parts)
        return report
    result = deliver(
        sub, report.parts, title=renderer.subject(built), environ=environ, renderer=renderer
    )
    keys: dict[int, list[tuple[int, str, int]]] = {}
    for d in due:
        for key in d.keys:
            keys.setdefault(key[0], []).append(key)

    def covered(chunk: Sequence[Part]) -> list[tuple[int, str, int]]:
        return sorted({k for p in chunk for cid in p.change_ids for k in keys.get(cid, ())})

    done = covered(parts[: result.parts_sent])
    if result.ok or done:
        storage.record_reminders(sub.name, done, ok=True, parts=result.parts_sent)
    if not result.ok:
        rest = [k for k in covered(parts[result.parts_sent :]) if k not in set(done)]
        storage.record_reminders(sub.name, rest, ok=False, error=result.error)
    report.parts_sent, report.error = result.parts_sent, result.error
    report.status = SENT if result.ok else FAILED
    logger.info("subscription %s: %d reminder(s) %s", sub.name, len(due), report.status)
    return report


def _fragments(sub: Subscription, environ: Mapping[str, str]) -> tuple[str, ...]:
    url = sub.url or environ.get(sub.url_env or "", "")
    return secret_fragments(url) if url else ()
