"""What every command shares: the context object, exit codes, failing, JSON output, date options."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn

import click

from policyradar.config import DATABASE_FILE, ConfigError

if TYPE_CHECKING:
    from pathlib import Path

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


def parse_since(value: str | None) -> datetime | None:
    """An ISO date or time option (UTC unless it says otherwise)."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date such as 2026-03-01") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
