"""``init`` and ``demo``: a starter home, and the whole job offline in the demo's home."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from policyradar.cli.common import EXIT_USAGE, Context, command_hint, fail
from policyradar.config import CONFIG_FILE, SOURCES_FILE
from policyradar.i18n import t
from policyradar.resources import data_path


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing config.")
@click.pass_obj
def init(obj: Context, force: bool) -> None:
    """Write a starter config (sources.toml, config.toml) into the home."""
    obj.home.mkdir(parents=True, exist_ok=True)
    for name in (SOURCES_FILE, CONFIG_FILE):
        target = obj.home / name
        if target.exists() and not force:
            fail(t("init_exists", obj.lang, path=target), EXIT_USAGE)
    for name in (SOURCES_FILE, CONFIG_FILE):
        shutil.copyfile(data_path(name), obj.home / name)
    obj.config()  # the starter config must load
    click.echo(t("init_done", obj.lang, path=obj.home))
    click.echo(t("init_next", obj.lang, cmd=command_hint(obj.home), config=obj.home / CONFIG_FILE))


@click.command()
@click.option(
    "--keep",
    "keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's home (config and database) in this folder.",
)
@click.pass_obj
def demo(obj: Context, keep: Path | None) -> None:
    """Run the whole job offline on the bundled demo site: crawl snapshot 1, then snapshot 2."""
    from policyradar.demo.run import run_demo

    command = command_hint(keep.absolute()) if keep else None
    if command and not keep.is_absolute():  # the hint keeps the folder as it was given
        command = command.replace(str(keep.absolute()), str(keep))
    sys.exit(run_demo(keep, obj.lang, obj.console(), command=command))
