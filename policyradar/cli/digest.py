"""The ``digest`` and ``notify test`` commands, for the ``policyradar`` group in cli.py."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policyradar.cli.common import EXIT_NOTHING_DONE as EXIT_FAILED
from policyradar.cli.common import EXIT_USAGE, fail
from policyradar.digest.export import PREVIEW_DAYS
from policyradar.i18n import error, t, word
from policyradar.tagging.names import CategoryNames

if TYPE_CHECKING:
    from collections.abc import Mapping

    from policyradar.digest.deliver import SendReport
    from policyradar.digest.subscriptions import Subscription


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _chosen(config: Any, name: str | None, lang: str = "zh") -> tuple[Subscription, ...]:
    subs = tuple(getattr(config, "subscriptions", ()))
    if name is None:
        return subs
    for sub in subs:
        if sub.name == name:
            return (sub,)
    known = ", ".join(s.name for s in subs) or error("none_configured", lang)
    fail(error("no_subscription_named", lang, name=repr(name), known=known), EXIT_USAGE)
    return ()


def _web_base(config: Any) -> str | None:
    return getattr(config, "web_base", None)


@click.command("digest")
@click.option(
    "--subscription",
    "name",
    metavar="NAME",
    help="Only this subscription (default: every configured one).",
)
@click.option("--dry-run", is_flag=True, help="Print the messages instead of sending them.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html", "json"]),
    help="Render to stdout or --output in this format; sends and records nothing.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the rendering to this file instead of stdout; records nothing.",
)
@click.pass_obj
def digest_command(
    obj: Any, name: str | None, dry_run: bool, fmt: str | None, output: Path | None
) -> None:
    """Send each subscription's undelivered changes now, or preview them.

    With --format or --output, render instead: a subscription's undelivered changes, or without
    --subscription every change of the last 7 days. Nothing is sent or recorded then.
    """
    config = obj.config()
    subs = _chosen(config, name, obj.lang)
    if fmt or output:
        _preview(obj, config, subs[0] if name else None, fmt or _format_of(output), output)
        return
    if not subs:
        fail(error("no_subscriptions", obj.lang), EXIT_FAILED)
    from policyradar.digest.deliver import send_digest

    with obj.storage() as storage:
        reports = [
            send_digest(
                storage,
                sub,
                now=_now(),
                dry_run=dry_run,
                environ=os.environ,
                web_base=_web_base(config),
                output=sys.stdout if dry_run else None,
                names=CategoryNames.load(obj.home),
                llm=getattr(config, "llm", None),
                profile=getattr(config, "profile", None),
            )
            for sub in subs
        ]
    print_reports(reports, obj.lang)
    if not all(r.ok for r in reports):
        sys.exit(EXIT_FAILED)


def _format_of(output: Path | None) -> str:
    suffix = output.suffix.lower() if output else ""
    return {".md": "markdown", ".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "text")


def _preview(
    obj: Any, config: Any, sub: Subscription | None, fmt: str, output: Path | None
) -> None:
    from policyradar.digest.build import build_digest, quiet_digest
    from policyradar.digest.channels import file_renderer

    now = _now()
    with obj.storage() as storage:
        if sub is None:
            from policyradar.digest.subscriptions import Subscription

            sub = Subscription(
                name="preview", url="json://localhost", language=obj.lang, max_age_days=PREVIEW_DAYS
            )
            changes = storage.changes(since=now - timedelta(days=PREVIEW_DAYS), limit=None)
        else:
            changes = storage.undelivered(sub.name, since=now - timedelta(days=sub.max_age_days))
        health = storage.source_health()
    built = build_digest(
        changes,
        sub,
        health=health,
        now=now,
        web_base=_web_base(config),
        names=CategoryNames.load(obj.home),
        profile=getattr(config, "profile", None),
    )
    text = file_renderer(fmt).render(built or quiet_digest(sub, health=health, now=now))[0]
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        count = len(built.items) if built else 0
        click.echo(f"{output}: {count} item(s), {fmt}", err=True)


def print_reports(reports: list[SendReport], lang: str) -> None:
    """Print one line per subscription: status, name, redacted target, parts and changes."""
    for r in reports:
        counts = {"parts": len(r.parts), "sent": r.parts_sent, "changes": len(r.change_ids)}
        detail = {
            "sent": t("delivery_detail_sent", lang, **counts),
            "dry-run": t("delivery_detail_dry", lang, **counts),
            "empty": word("nothing", lang),
            "failed": t("delivery_detail_failed", lang, **counts, error=r.error),
        }[r.status]
        click.echo(
            f"{_status(r.status, lang)} {r.subscription} → {r.target} [{r.channel or '?'}] {detail}"
        )


def _status(status: str, lang: str) -> str:
    """A delivery status in ``lang``, padded to one column width."""
    from rich.cells import cell_len

    text = t(f"delivery_{status}", lang)
    return text + " " * max(0, 8 - cell_len(text))


def deliver_due(obj: Any, *, environ: Mapping[str, str] | None = None) -> int:
    """Send every digest that is due (for ``policyradar run``); return 0, or 1 if one failed."""
    from policyradar.digest.deliver import send_due

    config = obj.config()
    subs = tuple(getattr(config, "subscriptions", ()))
    if not subs:
        return 0
    with obj.storage() as storage:
        reports = send_due(
            storage,
            subs,
            now=_now(),
            environ=os.environ if environ is None else environ,
            web_base=_web_base(config),
            names=CategoryNames.load(obj.home),
            llm=getattr(config, "llm", None),
            profile=getattr(config, "profile", None),
        )
    print_reports(reports, obj.lang)
    return 0 if all(r.ok for r in reports) else EXIT_FAILED


@click.group("notify")
def notify_group() -> None:
    """Check notification targets."""


@notify_group.command("test")
@click.option("--subscription", "name", metavar="NAME", help="Only this subscription.")
@click.pass_obj
def notify_test(obj: Any, name: str | None) -> None:
    """Send a short test message to each subscription; exit 1 if any failed."""
    from policyradar.digest.build import quiet_digest
    from policyradar.digest.channels import renderer_for
    from policyradar.digest.deliver import deliver
    from policyradar.digest.secrets import redact
    from policyradar.digest.subscriptions import SubscriptionError, resolve_url

    subs = _chosen(obj.config(), name, obj.lang)
    if not subs:
        fail(error("no_subscriptions", obj.lang), EXIT_FAILED)
    failed = 0
    for sub in subs:
        try:
            url = resolve_url(sub, os.environ)
        except SubscriptionError as exc:
            failed += 1
            click.echo(f"{_status('failed', obj.lang)} {sub.name} → {sub.target}: {exc}")
            continue
        renderer, target = renderer_for(url, sub.format), redact(url)
        test = quiet_digest(sub, now=_now(), mode="test")
        result = deliver(
            sub,
            renderer.render(test),
            title=renderer.subject(test),
            environ=os.environ,
            renderer=renderer,
        )
        if result.ok:
            click.echo(f"{_status('ok', obj.lang)} {sub.name} → {target} [{renderer.channel}]")
        else:
            failed += 1
            click.echo(
                f"{_status('failed', obj.lang)} {sub.name} → {target} [{renderer.channel}]:"
                f" {result.error}"
            )
    if failed:
        sys.exit(EXIT_FAILED)
