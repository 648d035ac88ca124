"""``deadlines``: the effective dates of stored changes coming up, as a list, JSON or a calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from policyradar.cli.common import EXIT_USAGE, Context, fail, print_json
from policyradar.i18n import error, t

if TYPE_CHECKING:
    from policyradar.config import Profile
    from policyradar.records import Change

TIMEZONE = "Asia/Shanghai"  # "today" of the dates, as the digests' default zone


@click.command("deadlines")
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=30,
    show_default=True,
    help="Dates from today to this many days ahead.",
)
@click.option(
    "--marketplace",
    "marketplaces",
    multiple=True,
    metavar="M",
    help="Only changes about this marketplace or region, e.g. US or EU (repeatable); global"
    " changes are everyone's. Default: the [profile]'s marketplaces.",
)
@click.option("--all", "show_all", is_flag=True, help="Ignore the [profile]: every change.")
@click.option(
    "--ics",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the dates as an iCalendar file (RFC 5545) for a calendar app.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def deadlines(
    obj: Context,
    days: int,
    marketplaces: tuple[str, ...],
    show_all: bool,
    ics: Path | None,
    as_json: bool,
) -> None:
    """List the effective dates of stored changes in the next N days, nearest first.

    Each date of each change once (a story reported by several sources once), with its
    countdown and one-line summary. Changes about only marketplaces or programmes the [profile]
    of config.toml leaves out are not listed (--all lists them); promotions never are.
    """
    from policyradar.digest.deadlines import countdown, upcoming

    config = obj.config()
    profile = None if show_all else config.profile
    wanted_markets = _check_markets(marketplaces, obj.lang)
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    changes: list[Change] = []
    if obj.database.exists():
        with obj.storage() as storage:
            changes = storage.changes_due(today, today + timedelta(days=days))
    found = upcoming(changes, today, days, wanted=lambda c: _wanted(c, profile, wanted_markets))
    if ics is not None:
        _write_calendar(ics, found, obj, config.web_base)
        if found:
            first, last = found[0].day.isoformat(), found[-1].day.isoformat()
        else:
            first = last = today.isoformat()
        message = t("ics_written", obj.lang, path=ics, n=len(found), first=first, last=last)
        click.echo(message, err=as_json)
    if as_json:
        print_json([d.to_json(today) for d in found])
        return
    if not found:
        click.echo(t("no_deadlines", obj.lang, days=days))
        return
    click.echo(t("deadlines_title", obj.lang, days=days, n=len(found)))
    for d in found:
        left = countdown(d.day, today, obj.lang)
        click.echo(f"{d.day.isoformat()}  {_pad(left, 10)}  #{d.change_id:<5} {d.line(obj.lang)}")
    if profile is not None and (profile.marketplaces or profile.fulfilment):
        click.echo(t("profile_applied", obj.lang))


def _wanted(change: Change, profile: Profile | None, markets: tuple[str, ...]) -> bool:
    if change.is_promo:
        return False
    if profile is None and not markets:
        return True
    from policyradar.config import Profile
    from policyradar.tagging.profile import left_out

    text = change.added or change.removed
    return not left_out(
        title=change.title,
        text=text,
        categories=change.categories,
        marketplaces=change.marketplaces,
        profile=profile or Profile(),
        wanted_marketplaces=markets,
    )


def _check_markets(values: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """The codes in their canonical case; an unknown one ends the command naming the known."""
    from policyradar.tagging.marketplaces import load_table

    codes = load_table().codes()
    by_folded = {c.casefold(): c for c in codes}
    found = []
    for value in values:
        code = by_folded.get(value.strip().casefold())
        if code is None:
            what = error("what_marketplace", lang)
            message = error("unknown_feed", lang, what=what, value=value, known=", ".join(codes))
            fail(f"--marketplace: {message}", EXIT_USAGE)
        found.append(code)
    return tuple(found)


def _write_calendar(path: Path, found: list[Any], obj: Context, web_base: str | None) -> None:
    from policyradar.digest.ical import calendar
    from policyradar.tagging.names import CategoryNames

    names = CategoryNames.load(obj.home)
    base = web_base.rstrip("/") if web_base else None
    text = calendar(
        found,
        lang=obj.lang,
        link=(lambda d: f"{base}/changes/{d.change_id}") if base else None,
        category_name=lambda c: names.name(c, obj.lang),
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))  # CRLF line ends as written: no newline mapping
    except OSError as exc:
        fail(t("ics_failed", obj.lang, path=path, reason=exc.strerror), EXIT_USAGE)


def _pad(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))
