"""The user's watchlists: ``watchlists.toml`` in the home folder, validated, saved atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyradar.config import ConfigError, read_toml, reject_unknown
from policyradar.tagging.glossary import Glossary
from policyradar.tagging.watch import Watchlist

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

logger = logging.getLogger(__name__)

WATCHLISTS_FILE = "watchlists.toml"
_KEYS = ("name", "category", "keywords", "exact")
HEADER = """\
# PolicyRadar watchlists: named keyword lists, each attached to a category.
# A change whose new or removed text (or title) contains a keyword is a watch hit: it is marked
# urgent and listed first in the digest. Keywords match case-insensitively, Traditional and
# Simplified Chinese alike, and also by their other names in the seller glossary (data/glossary.toml
# plus glossary.toml in this folder): 退货处理费 also hits "returns processing fee".
#
# [[watchlist]]
# name = "capacity"                   # unique name, used by `policyradar changes --watch NAME`
# category = "fba"                    # one of the category ids (see `policyradar watch list`)
# keywords = ["库容", "capacity limits", "Capacity Manager"]
# exact = true                        # optional: keywords only as written, not their glossary names
#
# `policyradar watch add | remove` rewrite this file (comments other than this header are not
# kept).
"""


def load_watchlists(path: Path, categories: Iterable[str]) -> tuple[Watchlist, ...]:
    """Read and validate a watchlists file; a missing file means no watchlists.

    Each watchlist carries the glossary of the file's folder (the shipped glossary and the
    folder's glossary.toml), so its keywords also match their other names.
    """
    path = Path(path)
    if not path.exists():
        return ()
    data = read_toml(path)
    glossary = Glossary.load(path.parent)
    reject_unknown(path, data, ("watchlist",), None)
    entries = data.get("watchlist", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(path, "'watchlist' must be an array of tables ([[watchlist]])")
    known = tuple(categories)
    lists: list[Watchlist] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        raw = entry.get("name")
        label = raw.strip() if isinstance(raw, str) and raw.strip() else f"#{n}"
        reject_unknown(path, entry, _KEYS, label, table="watchlist")
        exact = entry.get("exact", False)
        if not isinstance(exact, bool):
            raise ConfigError(path, "must be true or false", source=label, field_name="exact")
        watchlist = Watchlist(
            name=_name(path, entry, label),
            category=_category(path, entry, label, known),
            keywords=_keywords(path, entry, label),
            exact=exact,
            glossary=glossary,
        )
        if watchlist.name in seen:
            raise ConfigError(
                path,
                f"duplicate name '{watchlist.name}'",
                source=watchlist.name,
                table="watchlist",
                field_name="name",
            )
        seen.add(watchlist.name)
        lists.append(watchlist)
    logger.debug("%d watchlists loaded from %s", len(lists), path)
    return tuple(lists)


def save_watchlists(path: Path, lists: Sequence[Watchlist]) -> None:
    """Write ``lists`` as a readable TOML file, atomically (a temporary file, then a rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render_watchlists(lists)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.info("%d watchlists written to %s", len(lists), path)


def render_watchlists(lists: Sequence[Watchlist]) -> str:
    """The TOML text of ``lists``, one keyword a line, under the explanatory header."""
    parts = [HEADER]
    for wl in lists:
        keywords = "".join(f"    {_quote(k)},\n" for k in wl.keywords)
        parts.append(
            f"\n[[watchlist]]\nname = {_quote(wl.name)}\ncategory = {_quote(wl.category)}\n"
            f"keywords = [\n{keywords}]\n" + ("exact = true\n" if wl.exact else "")
        )
    return "".join(parts)


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _required(path: Path, entry: dict[str, Any], key: str, label: str) -> Any:
    if key not in entry:
        raise ConfigError(
            path, "missing required key", source=label, table="watchlist", field_name=key
        )
    return entry[key]


def _name(path: Path, entry: dict[str, Any], label: str) -> str:
    name = _required(path, entry, "name", label)
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(
            path, "must be a non-empty string", source=label, table="watchlist", field_name="name"
        )
    return name.strip()


def _category(path: Path, entry: dict[str, Any], label: str, known: tuple[str, ...]) -> str:
    category = _required(path, entry, "category", label)
    if not isinstance(category, str) or category not in known:
        raise ConfigError(
            path,
            f"unknown category {category!r}; expected one of {', '.join(known)}",
            source=label,
            table="watchlist",
            field_name="category",
        )
    return category


def _keywords(path: Path, entry: dict[str, Any], label: str) -> tuple[str, ...]:
    keywords = _required(path, entry, "keywords", label)
    if not isinstance(keywords, list):
        raise ConfigError(
            path,
            "must be a list of strings",
            source=label,
            table="watchlist",
            field_name="keywords",
        )
    out: list[str] = []
    for n, keyword in enumerate(keywords, 1):
        if not isinstance(keyword, str):
            raise ConfigError(
                path,
                f"keyword #{n} must be a string, not {keyword!r}",
                source=label,
                table="watchlist",
                field_name="keywords",
            )
        if keyword.strip() and keyword.strip() not in out:
            out.append(keyword.strip())
    if not out:
        raise ConfigError(
            path,
            "must list at least one keyword",
            source=label,
            table="watchlist",
            field_name="keywords",
        )
    return tuple(out)
