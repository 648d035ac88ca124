"""``policyradar sources check`` and ``policyradar sources record``: test and refresh sources."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policyradar.config import SOURCES_FILE

if TYPE_CHECKING:
    from policyradar.cli.main import Context
    from policyradar.config import Config, Source
    from policyradar.sourcekit.check import SourceHealth

EXIT_BROKEN, EXIT_USAGE = 1, 2
_WORDS: dict[str, tuple[str, str]] = {
    "entries": ("条目", "Entries"),
    "documents": ("文档", "Docs"),
    "failures": ("解析失败", "Parse failures"),
    "verdict": ("结论", "Verdict"),
    "reason": ("原因", "Reason"),
    "ok": ("正常", "ok"),
    "warn": ("注意", "warn"),
    "broken": ("可能已失效", "probably broken"),
    "summary": (
        "{n} 个来源：{ok} 正常，{warn} 需注意，{broken} 可能已失效",
        "{n} sources: {ok} ok, {warn} warn, {broken} probably broken",
    ),
    "recorded": (
        "已保存 {files} 个文件到 {folder}，expected.toml 列出 {documents} 个文档；请检查后提交。",
        "Saved {files} files into {folder}; expected.toml lists {documents} documents. "
        "Review before committing.",
    ),
}
_STYLE = {"ok": "green", "warn": "yellow", "broken": "bold red"}


def _t(key: str, lang: str, **kw: Any) -> str:
    zh, en = _WORDS[key]
    return (zh if lang == "zh" else en).format(**kw)


def _fail(message: str, code: int) -> None:
    click.echo(f"policyradar: {message}", err=True)
    sys.exit(code)


def _choose(config: Config, ids: tuple[str, ...]) -> list[Source]:
    try:
        return [config.source(i) for i in ids] if ids else [s for s in config.sources if s.enabled]
    except KeyError as exc:
        _fail(f"{config.home / SOURCES_FILE}: no source with id {exc.args[0]!r}", EXIT_USAGE)
        raise  # unreachable


@click.command("check", short_help="Fetch sources once; report entries and probably broken ones.")
@click.argument("source_ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--articles",
    type=click.IntRange(1, 50),
    default=3,
    show_default=True,
    help="Follow at most this many articles of each list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def check_command(obj: Context, source_ids: tuple[str, ...], articles: int, as_json: bool) -> None:
    """Fetch each source once (the enabled ones, or those named) and report entries found,
    parse failures and a "probably broken" verdict. Nothing is stored: the crawl runs in a
    throwaway home. Exits 1 if any source is probably broken.
    """
    from policyradar.sourcekit.check import BROKEN, check_sources

    config = obj.config()
    chosen = _choose(config, source_ids)
    if not chosen:
        _fail("no enabled sources to check", EXIT_BROKEN)
    with tempfile.TemporaryDirectory(prefix="policyradar-check-") as tmp:
        results = check_sources(config, chosen, Path(tmp), articles=articles)
    if as_json:
        from policyradar.cli.main import print_json

        print_json([h.to_json() for h in results])
    else:
        _print_table(obj, results)
    if any(h.verdict == BROKEN for h in results):
        sys.exit(EXIT_BROKEN)


def _print_table(obj: Context, results: list[SourceHealth]) -> None:
    from rich.table import Table
    from rich.text import Text

    from policyradar.cli.display import clean
    from policyradar.i18n import t

    lang = obj.lang
    table = Table()
    for column in ("source", "kind"):
        table.add_column(t(column, lang))
    for column in ("entries", "documents", "failures", "verdict", "reason"):
        table.add_column(_t(column, lang))
    for h in results:
        table.add_row(
            h.id,
            h.kind,
            str(h.entries),
            str(h.documents),
            str(h.parse_failures),
            Text(_t(h.verdict, lang), style=_STYLE[h.verdict]),
            Text(clean("\n".join(h.reasons[:3]), 300)),
        )
    console = obj.console()
    console.print(table)
    counts = {v: sum(1 for h in results if h.verdict == v) for v in ("ok", "warn", "broken")}
    console.print(_t("summary", lang, n=len(results), **counts))


@click.command("record", short_help="Save a source's live responses as a test fixture.")
@click.argument("source_id", metavar="ID")
@click.option(
    "--snapshot",
    default="s1",
    show_default=True,
    help="Snapshot folder to write (replaced if it exists).",
)
@click.option(
    "--into",
    "fixtures",
    type=click.Path(file_okay=False, path_type=Path),
    help="Fixtures folder [default: tests/fixtures/sources of this checkout].",
)
@click.option(
    "--articles",
    type=click.IntRange(1, 50),
    default=5,
    show_default=True,
    help="Save at most this many articles of a list.",
)
@click.pass_obj
def record_command(
    obj: Context, source_id: str, snapshot: str, fixtures: Path | None, articles: int
) -> None:
    """Save a source's live responses (its entry page and first articles) as a new fixture
    in FIXTURES/ID/SNAPSHOT/, with an expected.toml of what the crawl found.
    """
    from policyradar.sourcekit.fixtures import FIXTURES_DIR
    from policyradar.sourcekit.record import RecordError, record_source

    if not snapshot or "/" in snapshot or "\\" in snapshot or snapshot.startswith("."):
        _fail(f"bad snapshot name {snapshot!r}", EXIT_USAGE)
    config = obj.config()
    (source,) = _choose(config, (source_id,))
    target = fixtures or FIXTURES_DIR
    if fixtures is None and not FIXTURES_DIR.parent.is_dir():
        _fail("no tests/fixtures folder here; say where with --into DIR", EXIT_USAGE)
    with tempfile.TemporaryDirectory(prefix="policyradar-record-") as tmp:
        try:
            done = record_source(
                config, source, target, Path(tmp), snapshot=snapshot, articles=articles
            )
        except RecordError as exc:
            _fail(f"{source_id}: {exc}", EXIT_BROKEN)
            raise  # unreachable
    for line in done.skipped:
        click.echo(f"skipped {line}", err=True)
    click.echo(
        _t(
            "recorded",
            obj.lang,
            files=len(done.files),
            folder=done.folder,
            documents=done.documents,
        )
    )
