"""``changes`` and ``show``: the change history, newest first, and one change with its diff."""

from __future__ import annotations

from typing import Any

import click

from policyradar.cli.common import (
    EXIT_NOTHING_DONE,
    EXIT_USAGE,
    Context,
    check_filters,
    fail,
    filter_options,
    parse_since,
    print_json,
)
from policyradar.i18n import error, t

MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id names no change


def _change_filters(f: Any) -> Any:
    options = [
        *filter_options(),
        click.option(
            "--limit",
            type=click.IntRange(1, 100000),
            default=50,
            show_default=True,
            help="At most this many changes, newest first.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print a JSON array."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.command()
@_change_filters
@click.pass_obj
def changes(
    obj: Context,
    since: str | None,
    categories: tuple[str, ...],
    source_ids: tuple[str, ...],
    watchlists: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """List detected changes, newest first."""
    when = parse_since(since, obj.lang)
    check_filters(obj, categories, watchlists)
    found = []
    if obj.database.exists():
        with obj.storage() as storage:
            known = set(storage.source_names()) if source_ids else set()
            for sid in source_ids:
                if sid not in known:
                    names = ", ".join(sorted(known)) or error("none_configured", obj.lang)
                    fail(error("unknown_source", obj.lang, name=repr(sid), names=names), EXIT_USAGE)
            found = storage.changes(
                since=when,
                sources=source_ids,
                categories=categories,
                watchlists=watchlists,
                limit=limit,
            )
    if as_json:
        print_json([c.to_json() for c in found])
        return
    if not found:
        click.echo(t("no_changes", obj.lang))
        return
    from policyradar.display import changes_table
    from policyradar.tagging.names import CategoryNames

    console = obj.console()
    console.print(changes_table(found, obj.lang, CategoryNames.load(obj.home), width=console.width))


@click.command()
@click.argument("change_id", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with the diff ops.")
@click.pass_obj
def show(obj: Context, change_id: int, as_json: bool) -> None:
    """Show one change with its diff."""
    change = None
    if obj.database.exists() and change_id <= MAX_ID:
        with obj.storage() as storage:
            change = storage.change(change_id)
    if change is None:
        fail(t("no_change", obj.lang, id=change_id), EXIT_NOTHING_DONE)
    if as_json:
        print_json(change.to_json(with_diff=True))
        return
    from policyradar.display import change_text
    from policyradar.tagging.names import CategoryNames

    console = obj.console()
    console.print(change_text(change, obj.lang, CategoryNames.load(obj.home), width=console.width))
