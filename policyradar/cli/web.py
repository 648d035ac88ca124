"""The ``search`` and ``serve`` commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Callable

EXIT_NOTHING_DONE, EXIT_USAGE = 1, 2
SERVE_LABELS = {
    "zh": "政策雷达网页：{url}（按 Ctrl+C 退出）",
    "en": "PolicyRadar web UI: {url} (Ctrl+C to stop)",
}


def _search_filters(f: Callable[..., Any]) -> Callable[..., Any]:
    """The filters of ``changes`` plus marketplace and urgency."""
    options = [
        click.option("--since", help="Only changes detected at or after this ISO date/time."),
        click.option(
            "--category",
            "categories",
            multiple=True,
            metavar="C",
            help="Only changes tagged with this category (repeatable).",
        ),
        click.option(
            "--source",
            "source_ids",
            multiple=True,
            metavar="ID",
            help="Only changes from this source (repeatable).",
        ),
        click.option(
            "--watch",
            "watchlists",
            multiple=True,
            metavar="NAME",
            help="Only changes that hit this watchlist (repeatable).",
        ),
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
            type=click.Choice(["high", "medium", "low"]),
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
    from policyradar.cli.main import fail, parse_since, print_json
    from policyradar.search.query import SearchError, parse

    try:
        parsed = parse(query)
    except SearchError as exc:
        fail(exc.message(obj.lang), EXIT_USAGE)
    when = parse_since(since)
    hits = []
    if (obj.home / "policyradar.db").exists():
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
        click.echo("没有找到匹配的变更。" if obj.lang == "zh" else "No changes match.")
        return
    obj.console().print(_hits_table(hits, obj.lang))


def _hits_table(hits: list[Any], lang: str) -> Any:
    from rich.table import Table
    from rich.text import Text

    from policyradar.cli.display import clean

    zh = lang == "zh"
    table = Table()
    for title in (
        ("编号", "发现时间", "来源", "标题与摘要")
        if zh
        else ("ID", "Detected", "Source", "Title and snippet")
    ):
        table.add_column(title)
    for hit in hits:
        change = hit.change
        text = Text(clean(change.title, 80), style="bold")
        snippet = Text("\n" + clean(hit.snippet))
        for start, end in hit.highlights:
            snippet.stylize("black on yellow", start + 1, end + 1)
        text.append_text(snippet)
        table.add_row(
            str(change.id), change.detected_at.strftime("%Y-%m-%d %H:%M"), change.source_id, text
        )
    return table


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback needs --token.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8750,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--token",
    envvar="POLICYRADAR_TOKEN",
    metavar="T",
    help="Access token every request must carry (Authorization: Bearer T, or ?token=T"
    " once in a browser) [env POLICYRADAR_TOKEN].",
)
@click.pass_obj
def serve(obj: Any, host: str, port: int, token: str | None) -> None:
    """Serve the web UI: timeline, search, diffs, version history, sources, Atom feeds, JSON API."""
    from policyradar.cli.main import fail
    from policyradar.web.security import check_listen, is_loopback

    problem = check_listen(host, token)
    if problem:
        fail(problem, EXIT_USAGE)
    import uvicorn

    from policyradar.web.app import LOOPBACK_HOSTS, create_app

    app = create_app(
        obj.home / "policyradar.db",
        lang=obj.lang,
        token=token,
        allowed_hosts=LOOPBACK_HOSTS if is_loopback(host) else ["*"],
    )
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        SERVE_LABELS[obj.lang if obj.lang in SERVE_LABELS else "zh"].format(
            url=f"http://{shown}:{port}/"
        ),
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
