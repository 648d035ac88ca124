"""What every command shares: the context object, exit codes, failing, JSON output, date options."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from policyradar.config import DATABASE_FILE, DEFAULT_HOME, ConfigError
from policyradar.i18n import error

if TYPE_CHECKING:
    from policyradar.config import Config
    from policyradar.storage import Storage

EXIT_OK = 0
EXIT_NOTHING_DONE = 1  # nothing could be done (every source failed, no such change, ...)
EXIT_USAGE = 2  # bad usage or configuration


class Context:
    """The ``policyradar`` group's options, handed to every command as ``obj``."""

    def __init__(self, home: Path, lang: str, verbose: int) -> None:
        self.home, self.lang, self.verbose = home, lang, verbose

    @property
    def database(self) -> Path:
        return self.home / DATABASE_FILE

    def config(self) -> Config:
        """The home's config, validated; a problem ends the command with its message."""
        from policyradar.home import load_home

        try:
            return load_home(self.home)
        except ConfigError as exc:
            fail(str(exc), EXIT_USAGE)

    def storage(self) -> Storage:
        from policyradar.storage import Storage

        return Storage(self.database)

    def console(self) -> Any:
        from rich.console import Console

        return Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def fail(message: str, code: int) -> NoReturn:
    """End the command: ``message`` on stderr, exit ``code``."""
    click.echo(f"policyradar: {message}", err=True)
    sys.exit(code)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def parse_since(value: str | None, lang: str = "zh") -> datetime | None:
    """An ISO date or time option (UTC unless it says otherwise); a bad one ends the command."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(error("bad_since", lang, value=repr(value)), EXIT_USAGE)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def command_hint(home: Path | None = None) -> str:
    """How to run ``policyradar`` again, as printed in a hint: ``policyradar`` when the shell
    finds this very command on PATH, else the path it was started by (``.venv/bin/policyradar``
    from ``make``); with ``--home`` unless ``home`` is the one used without it.
    """
    started = Path(sys.argv[0]) if sys.argv else Path()
    command = "policyradar"
    if started.name == "policyradar":
        on_path = shutil.which("policyradar")
        if not (on_path and started.exists() and started.samefile(on_path)):
            relative = os.path.relpath(started)
            command = relative if not relative.startswith("..") else str(started.absolute())
            if os.sep not in command:
                command = f".{os.sep}{command}"
    if home is not None:
        default = Path(os.environ.get("POLICYRADAR_HOME") or DEFAULT_HOME).expanduser()
        if not (default.exists() and home.exists() and default.samefile(home)):
            command += f" --home {shlex.quote(str(home))}"
    return command


def filter_options() -> list[Any]:
    """The change filters `changes` and `search` share: --since, --category, --source, --watch."""
    return [
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
    ]


def check_filters(obj: Context, categories: tuple[str, ...], watchlists: tuple[str, ...]) -> None:
    """An unknown category or watchlist is a usage error naming the valid ones, not "no match"."""
    from policyradar.tagging.names import CategoryNames
    from policyradar.tagging.watchlists import WATCHLISTS_FILE, load_watchlists

    if not categories and not watchlists:
        return
    ids = CategoryNames.load(obj.home).ids()
    for category in categories:
        if category not in ids:
            fail(
                error("unknown_category", obj.lang, name=repr(category), ids=", ".join(ids)),
                EXIT_USAGE,
            )
    if watchlists:
        names = [w.name for w in load_watchlists(obj.home / WATCHLISTS_FILE, ids)]
        for name in watchlists:
            if name not in names:
                known = ", ".join(names) or error("none_configured", obj.lang)
                fail(error("unknown_watchlist", obj.lang, name=repr(name), names=known), EXIT_USAGE)
