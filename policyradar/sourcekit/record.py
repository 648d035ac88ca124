"""``sources record``: save a source's live responses as a fixture the catalog test replays.

The entry page and the first few articles are fetched once through the real spiders (a trial
crawl, nothing stored), then written under ``<fixtures>/<id>/<snapshot>/`` at the paths
`policyradar.demo.site.SiteServer` serves them from, with ``_routes.toml`` for what a file cannot
say
(a POST-only API, a bare ``text/html`` Content-Type, a non-UTF-8 encoding, a redirect), the
source's own origin replaced by ``{{base}}``, and an ``expected.toml`` listing what the crawl
found, for review.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes

from policyradar.demo.site import BASE_PLACEHOLDER, ROUTES_FILE
from policyradar.demo.site.routes import guess_type, is_text
from policyradar.records import to_iso
from policyradar.sourcekit.capture import trial_crawl
from policyradar.sourcekit.fixtures import (
    EXPECTED_FILE,
    Expected,
    ExpectedDocument,
    fixture_file,
    load_expected,
    origin,
    render_expected,
    toml_value,
)

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.config import Config, Source
    from policyradar.sourcekit.capture import Captured, TrialRun


class RecordError(RuntimeError):
    """Nothing worth saving: the source's entry page could not be fetched."""


@dataclass(slots=True)
class Recording:
    folder: Path
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    documents: int = 0


def record_source(
    config: Config,
    source: Source,
    fixtures: Path,
    workdir: Path,
    *,
    snapshot: str = "s1",
    articles: int = 5,
) -> Recording:
    """Fetch ``source`` once and save it as ``fixtures/<id>/<snapshot>/`` plus ``expected.toml``."""
    run = trial_crawl(config, [source], workdir, articles=articles)
    home = origin(source.entry_urls[0])
    mine = [c for c in run.responses(source.id) if c.status == 200]
    if not any(c.index for c in mine):
        events = [e["reason"] for e in run.report.events if e["source_id"] == source.id]
        raise RecordError(f"the entry page was not fetched ({'; '.join(events) or 'no answer'})")
    robots = [c for c in run.captured if c.source_id is None and c.url == f"{home}/robots.txt"]
    folder = fixtures / source.id / snapshot
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    recording = Recording(folder=folder)
    routes: dict[str, dict[str, object]] = {}
    written: dict[str, bytes] = {}
    for captured in mine + [c for c in robots if c.status == 200]:
        if origin(captured.url) != home:
            recording.skipped.append(f"{captured.url}: another host than {home}")
            continue
        _save(captured, home, folder, written, routes, recording)
    (folder / ROUTES_FILE).write_text(_render_routes(routes), encoding="utf-8")
    recording.documents = _write_expected(fixtures / source.id, snapshot, run, source)
    return recording


def _save(
    captured: Captured,
    home: str,
    folder: Path,
    written: dict[str, bytes],
    routes: dict[str, dict[str, object]],
    recording: Recording,
) -> None:
    parts = urlsplit(captured.url)
    rel = fixture_file(parts.path, captured.content_type)
    body, route = _body(captured, home)
    if rel in written:
        if written[rel] != body:
            recording.skipped.append(
                f"{captured.url}: {rel} already holds another answer (queries are not served)"
            )
        return
    target = folder / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    written[rel] = body
    recording.files.append(rel)
    served = guess_type(target, body)
    if captured.method != "GET":
        route.update(methods=[captured.method], conditional=False)
    if not _same_type(captured.content_type, served, route.get("encoding")):
        route["content_type"] = captured.content_type
    key = parts.path or "/"
    if route:
        routes[key] = route
    for source_url in captured.redirect_urls:
        start = urlsplit(source_url)
        if origin(source_url) == home and (start.path or "/") != key:
            target_url = f"{BASE_PLACEHOLDER}{key}" + (f"?{parts.query}" if parts.query else "")
            routes[start.path or "/"] = {"redirect": target_url}


def _body(captured: Captured, home: str) -> tuple[bytes, dict[str, object]]:
    """The body to store (text as UTF-8 with the origin as ``{{base}}``) and its route."""
    raw = captured.body
    headers = Headers({"Content-Type": captured.content_type} if captured.content_type else {})
    cls = responsetypes.from_args(headers=headers, url=captured.url, body=raw)
    response = cls(captured.url, body=raw, headers=headers)
    if not isinstance(response, TextResponse):
        return raw, {}
    text = response.text
    host = urlsplit(home).netloc
    for spelling in (home, f"http://{host}", f"https://{host}", f"https:\\/\\/{host}", f"//{host}"):
        text = text.replace(spelling, BASE_PLACEHOLDER)
    route: dict[str, object] = {}
    encoding = response.encoding.lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8", "ascii"):
        route["encoding"] = encoding
    return text.encode("utf-8"), route


def _same_type(recorded: str, served: str, encoding: object) -> bool:
    """Whether the demo server would send the recorded Content-Type for this file."""

    def norm(value: str) -> str:
        return value.lower().replace(" ", "").replace('"', "")

    sent = f"{served}; charset={encoding or 'utf-8'}" if is_text(served) else served
    return norm(recorded) == norm(sent)


def _render_routes(routes: dict[str, dict[str, object]]) -> str:
    lines = [f"# Written by `policyradar sources record` on {date.today().isoformat()}."]
    for path in sorted(routes):
        lines += ["", f"[routes.{toml_value(path)}]"]
        lines += [f"{k} = {toml_value(v)}" for k, v in routes[path].items()]
    return "\n".join(lines) + "\n"


def _write_expected(folder: Path, snapshot: str, run: TrialRun, source: Source) -> int:
    """``expected.toml`` from what the crawl found, keeping a reviewed file's ``[absent]``."""
    path = folder / EXPECTED_FILE
    old = load_expected(path) if path.exists() else Expected()
    documents = [
        ExpectedDocument(
            url=c.url,
            title=c.title,
            published_at=to_iso(c.published_at) if c.published_at else "none",
        )
        for c in sorted(run.changes, key=lambda c: c.url)
        if c.source_id == source.id
    ]
    expected = Expected(
        snapshot=snapshot,
        documents=documents,
        absent_titles=old.absent_titles,
        absent_urls=old.absent_urls,
        note=old.note,
    )
    header = (
        f"What a crawl of {source.id} must yield from {snapshot}/.\n"
        f"Recorded by `policyradar sources record` on {date.today().isoformat()}: review it."
    )
    path.write_text(render_expected(expected, header), encoding="utf-8")
    return len(documents)
