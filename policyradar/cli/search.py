"""``search``: the change history searched from the command line (the query language is
`policyradar.search.query`'s, the same as the web UI's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from policyradar.cli.common import (
    EXIT_USAGE,
    check_filters,
    fail,
    filter_options,
    parse_since,
    print_json,
)
from policyradar.i18n import t
from policyradar.records import Urgency

if TYPE_CHECKING:
    from collections.abc import Callable


def _search_filters(f: Callable[..., Any]) -> Callable[..., Any]:
    """The filters of ``changes`` plus marketplace and urgency."""
    options = [
        *filter_options(),
        click.option(
            "--marketplace",
            "marketplaces",
            multiple=True,
            metavar="M",
            help="Only changes from sources of this marketplace, e.g. US (repeatable).",
        ),
        click.option(
            "--urgency",
            "urgencies",
            multiple=True,
            type=click.Choice([str(u) for u in Urgency]),
            help="Only changes of this urgency (repeatable).",
        ),
        click.option(
            "--limit",
            type=click.IntRange(1, 1000),
            default=20,
            show_default=True,
            help="At most this many results, best first.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print a JSON array."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.command()
@click.argument("query")
@_search_filters
@click.pass_obj
def search(
    obj: Any,
    query: str,
    since: str | None,
    categories: tuple[str, ...],
    source_ids: tuple[str, ...],
    watchlists: tuple[str, ...],
    marketplaces: tuple[str, ...],
    urgencies: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Search the change history, best matches first: Chinese words of any length, English words,
    "exact phrases", OR, NOT (or -word), word*, 繁體 or 简体 alike.
    """
    from policyradar.search.query import SearchError, parse

    try:
        parsed = parse(query)
    except SearchError as exc:
        fail(exc.message(obj.lang), EXIT_USAGE)
    when = parse_since(since, obj.lang)
    check_filters(obj, categories, watchlists)
    hits = []
    if obj.database.exists():
        from policyradar.search.changes import search_changes

        with obj.storage() as storage:
            try:
                hits = search_changes(
                    storage,
                    parsed,
                    limit=limit,
                    since=when,
                    sources=source_ids,
                    categories=categories,
                    watchlists=watchlists,
                    marketplaces=marketplaces,
                    urgencies=urgencies,
                )
            except SearchError as exc:
                fail(exc.message(obj.lang), EXIT_USAGE)
    if as_json:
        print_json([hit.to_json() for hit in hits])
        return
    if not hits:
        click.echo(t("no_hits", obj.lang))
        return
    obj.console().print(_hits_table(hits, obj.lang))


def _hits_table(hits: list[Any], lang: str) -> Any:
    from rich.table import Table
    from rich.text import Text

    from policyradar.text.clean import clean

    table = Table(expand=True)  # the title and snippet get the room the short columns leave
    table.add_column(t("id", lang), no_wrap=True, justify="right")
    table.add_column(t("detected", lang), no_wrap=True)
    table.add_column(t("source", lang), max_width=22, overflow="ellipsis", no_wrap=True)
    table.add_column(t("title_snippet", lang), ratio=1)
    for hit in hits:
        change = hit.change
        text = Text(clean(change.title, 80), style="bold")
        snippet = Text("\n" + clean(hit.snippet, one_line=False))  # keeps the highlights' offsets
        for start, end in hit.highlights:
            snippet.stylize("black on yellow", start + 1, end + 1)
        text.append_text(snippet)
        table.add_row(
            str(change.id), change.detected_at.strftime("%Y-%m-%d %H:%M"), change.source_id, text
        )
    return table
