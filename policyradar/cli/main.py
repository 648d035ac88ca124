"""The ``policyradar`` command: the group, its options, and where each command is registered."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from policyradar.cli import (
    changes,
    crawl,
    deadlines,
    digest,
    doctor,
    home,
    search,
    sources,
    watch,
    web,
)
from policyradar.cli.common import EXIT_NOTHING_DONE, EXIT_USAGE, Context, fail
from policyradar.config import ConfigError, resolve_home
from policyradar.i18n import error

# Loggers whose warnings the commands' own summaries repeat (one line per failing source).
_SUMMARISED = ("policyradar.crawler.pipelines.store",)


class _Group(click.Group):
    """The command group; a config file or a database that cannot be read ends any command with
    a message naming it, whichever step read it.
    """

    def invoke(self, ctx: click.Context) -> object:
        from policyradar.storage import StorageError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            fail(str(exc), EXIT_USAGE)
        except StorageError as exc:
            lang = ctx.obj.lang if isinstance(ctx.obj, Context) else "zh"
            fail(error("bad_database", lang, path=exc.path, reason=exc.reason), EXIT_NOTHING_DONE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policyradar", prog_name="policyradar")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="POLICYRADAR_HOME",
    help="Folder with config.toml, sources.toml and the database "
    "[env POLICYRADAR_HOME; default ~/.policyradar].",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    envvar="POLICYRADAR_LANG",
    default="zh",
    show_default=True,
    help="Language of human output.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, lang: str, verbose: int) -> None:
    """PolicyRadar 政策雷达: watch marketplace policy pages and seller news, keep every version,
    and show what changed.
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if verbose < 2:
        for noisy in ("scrapy", "twisted", "trafilatura", "htmldate", "py.warnings"):
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    if verbose < 1:
        for name in _SUMMARISED:
            logging.getLogger(name).setLevel(logging.ERROR)
    ctx.obj = Context(resolve_home(home), lang, verbose)


COMMANDS: tuple[click.Command, ...] = (
    home.init,
    sources.sources_group,
    crawl.crawl,
    changes.changes,
    changes.show,
    search.search,
    watch.watch_group,
    watch.reclassify_command,
    digest.digest_command,
    digest.notify_group,
    deadlines.deadlines,
    web.serve,
    crawl.run,
    doctor.doctor,
    home.demo,
)
for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="policyradar")


if __name__ == "__main__":
    main()
