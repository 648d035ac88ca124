"""Write a digest as every channel would render it, into files: the demo's offline preview."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from policyradar.records import Change
    from policyradar.storage import Storage
    from policyradar.tagging.names import CategoryNames

PREVIEW_DAYS = 7


def export_channels(
    storage: Storage,
    folder: Path,
    *,
    lang: str = "zh",
    now: datetime | None = None,
    web_base: str | None = None,
    days: int = PREVIEW_DAYS,
    changes: Iterable[Change] | None = None,
    names: CategoryNames | None = None,
) -> list[Path]:
    """Write ``changes`` (default: the last ``days``) as every channel renders them (for the demo).

    One file per message: ``digest-wecombot-1.txt``, ``digest-tgram-2.txt``, ``digest-html.html``…
    Nothing is sent or recorded.
    """
    # imported here: the CLI reads PREVIEW_DAYS at start-up, before any digest is needed
    from policyradar.digest.build import build_digest, quiet_digest
    from policyradar.digest.channels import all_renderers
    from policyradar.digest.deliver import coming_dates
    from policyradar.digest.subscriptions import Subscription

    now = now or datetime.now(UTC).replace(microsecond=0)
    sub = Subscription(name="preview", url="json://localhost", language=lang, max_age_days=days)
    health = storage.source_health()
    if changes is None:
        changes = storage.changes(since=now - timedelta(days=days), limit=None)
    built = build_digest(
        changes,
        sub,
        health=health,
        now=now,
        web_base=web_base,
        names=names,
        deadlines=coming_dates(storage, sub, now=now),
    )
    built = built or quiet_digest(sub, health=health, now=now)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for channel, cls in all_renderers().items():
        parts = cls().render(built)
        for number, text in enumerate(parts, 1):
            tail = f"-{number}" if len(parts) > 1 else ""
            path = folder / f"digest-{channel}{tail}{cls.suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
