"""The ``watch`` and ``reclassify`` commands: keyword watchlists and re-tagging stored changes."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from policyradar.cli.common import EXIT_NOTHING_DONE, EXIT_USAGE, fail, parse_since
from policyradar.config import ConfigError
from policyradar.i18n import error, t

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.tagging import CategorySet, Watchlist


def _load(obj: Any) -> tuple[Path, CategorySet, list[Watchlist]]:
    from policyradar.tagging import CategorySet
    from policyradar.tagging.watchlists import WATCHLISTS_FILE, load_watchlists

    path = obj.home / WATCHLISTS_FILE
    try:
        categories = CategorySet.load(obj.home)
        return path, categories, list(load_watchlists(path, categories.ids))
    except ConfigError as exc:
        fail(str(exc), EXIT_NOTHING_DONE)


@click.group("watch")
def watch_group() -> None:
    """Keyword watchlists: a hit marks a change urgent and puts it first in the digest."""


@watch_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def watch_list(obj: Any, as_json: bool) -> None:
    """List the watchlists and the category ids they can use."""
    from policyradar.tagging.names import CategoryNames

    _, categories, lists = _load(obj)
    names = CategoryNames.load(obj.home)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"name": w.name, "category": w.category, "keywords": list(w.keywords)}
                    for w in lists
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for w in lists:
        label = names.name(w.category, obj.lang)
        click.echo(f"{w.name}  [{w.category} · {label}]  {', '.join(w.keywords)}")
    if not lists:
        click.echo(t("no_watchlists", obj.lang))
    click.echo(t("category_ids", obj.lang, ids=", ".join(categories.ids)))


@watch_group.command("add")
@click.argument("name")
@click.argument("keywords", nargs=-1, required=True)
@click.option("--category", required=True, metavar="C", help="The category id it belongs to.")
@click.pass_obj
def watch_add(obj: Any, name: str, keywords: tuple[str, ...], category: str) -> None:
    """Add a watchlist, or add keywords to an existing one."""
    from policyradar.tagging import Watchlist
    from policyradar.tagging.watchlists import save_watchlists
    from policyradar.text.clean import escaped, is_text

    path, categories, lists = _load(obj)
    if category not in categories.ids:
        fail(
            error("unknown_category", obj.lang, name=repr(category), ids=", ".join(categories.ids)),
            EXIT_USAGE,
        )
    words = tuple(k.strip() for k in keywords if k.strip())
    for value in (name, *words):
        if not is_text(value):
            fail(error("watch_not_text", obj.lang, value=escaped(value)), EXIT_USAGE)
    existing = {w.name: w for w in lists}
    if name in existing:
        old = existing[name]
        merged = old.keywords + tuple(k for k in words if k not in old.keywords)
        lists = [
            replace(w, category=category, keywords=merged) if w.name == name else w for w in lists
        ]
    else:
        lists.append(Watchlist(name=name, category=category, keywords=words))
    save_watchlists(path, lists)
    click.echo(t("watchlist_saved", obj.lang, name=name))


@watch_group.command("remove")
@click.argument("name")
@click.argument("keywords", nargs=-1)
@click.pass_obj
def watch_remove(obj: Any, name: str, keywords: tuple[str, ...]) -> None:
    """Remove a watchlist, or only the given keywords from it."""
    from policyradar.tagging.watchlists import save_watchlists

    path, _, lists = _load(obj)
    if name not in {w.name for w in lists}:
        fail(error("no_watchlist_named", obj.lang, name=repr(name)), EXIT_NOTHING_DONE)
    if keywords:
        lists = [
            replace(w, keywords=tuple(k for k in w.keywords if k not in keywords))
            if w.name == name
            else w
            for w in lists
        ]
        lists = [w for w in lists if w.keywords]
    else:
        lists = [w for w in lists if w.name != name]
    save_watchlists(path, lists)
    click.echo(t("watchlist_updated", obj.lang, name=name))


@click.command("reclassify")
@click.option("--since", help="Only changes detected at or after this ISO date/time.")
@click.pass_obj
def reclassify_command(obj: Any, since: str | None) -> None:
    """Re-run classification over stored changes, without crawling.

    Run it after editing categories or watchlists.
    """
    from policyradar.tagging.apply import load_classifier, reclassify

    config = obj.config()
    _load(obj)  # a broken watchlists or categories file is a clear error, not a traceback
    with obj.storage() as storage:
        count = reclassify(
            storage,
            load_classifier(obj.home),
            {s.id: (s.language, s.kind != "page") for s in config.sources},
            since=parse_since(since, obj.lang),
        )
    click.echo(t("reclassified", obj.lang, count=count))
