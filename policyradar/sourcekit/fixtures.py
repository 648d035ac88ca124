"""Source fixtures: where a recorded site lives, how URLs map to its files, what it must yield.

A source's fixture is ``tests/fixtures/sources/<id>/``: a snapshot folder (``s1/`` by default)
that ``policyradar.demo.site.SiteServer`` serves, and ``expected.toml``, the documents a crawl of it
must produce. URLs in ``expected.toml`` are the real ones (``https://www.cifnews.com/…``); the
test serves the snapshot on 127.0.0.1, points the source there (same path and query) and maps the
local URLs back to the source's origin before comparing.
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from policyradar.urls import canonical_url

# The checkout's fixtures (`sources record` writes there); an installed copy has none.
FIXTURES_DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "sources"
EXPECTED_FILE = "expected.toml"
DEFAULT_SNAPSHOT = "s1"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


# -- URLs and files ------------------------------------------------------------------------------


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def rebase(url: str, base: str) -> str:
    """The same path and query on another origin (``base`` is ``scheme://host[:port]``)."""
    parts, new = urlsplit(url), urlsplit(base)
    return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, parts.fragment))


def unbase(url: str, base: str, real_origin: str) -> str:
    """Map a URL on the local server back to the source's real origin; others are unchanged."""
    return real_origin + url[len(base) :] if url.startswith(base) else url


def fixture_file(url_path: str, content_type: str = "") -> str:
    """The file, relative to a snapshot folder, from which the demo server answers ``url_path``."""
    parts = [p for p in url_path.split("/") if p]
    if not parts:
        return "index.html"
    rel = "/".join(parts)
    if url_path.endswith("/"):
        return f"{rel}/index.html"
    if "." in parts[-1]:
        return rel
    is_html = content_type.split(";")[0].strip().lower() in _HTML_TYPES
    return f"{rel}.html" if is_html else rel


# -- expected.toml -------------------------------------------------------------------------------


@dataclass(slots=True)
class ExpectedDocument:
    url: str
    title: str
    published_at: str | None = None  # "none", or an fnmatch pattern of the ISO UTC date ("*": any)
    contains: list[str] = field(default_factory=list)  # texts the stored text must hold
    lacks: list[str] = field(default_factory=list)  # texts it must not hold (boilerplate, ads)


@dataclass(slots=True)
class Expected:
    snapshot: str = DEFAULT_SNAPSHOT
    exact: bool = True  # the documents listed are all the crawl may yield
    documents: list[ExpectedDocument] = field(default_factory=list)
    absent_titles: list[str] = field(default_factory=list)
    absent_urls: list[str] = field(default_factory=list)
    note: str = ""


def load_expected(path: Path) -> Expected:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    unknown = set(data) - {"snapshot", "exact", "document", "absent", "note"}
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {sorted(unknown)}")
    absent = data.get("absent", {})
    return Expected(
        snapshot=data.get("snapshot", DEFAULT_SNAPSHOT),
        exact=data.get("exact", True),
        documents=[ExpectedDocument(**doc) for doc in data.get("document", [])],
        absent_titles=list(absent.get("titles", [])),
        absent_urls=list(absent.get("urls", [])),
        note=data.get("note", ""),
    )


def render_expected(expected: Expected, header: str = "") -> str:
    """``expected.toml`` text for ``expected``."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if expected.note:
        lines.append(f"note = {_str(expected.note)}")
    lines += [f"snapshot = {_str(expected.snapshot)}", f"exact = {toml_value(expected.exact)}"]
    if expected.absent_titles or expected.absent_urls:
        lines += ["", "[absent]"]
        lines.append(f"titles = {toml_value(expected.absent_titles)}")
        lines.append(f"urls = {toml_value(expected.absent_urls)}")
    for doc in expected.documents:
        lines += ["", "[[document]]", f"title = {_str(doc.title)}", f"url = {_str(doc.url)}"]
        if doc.published_at is not None:
            lines.append(f"published_at = {_str(doc.published_at)}")
        for name in ("contains", "lacks"):
            if getattr(doc, name):
                lines.append(f"{name} = {toml_value(getattr(doc, name))}")
    return "\n".join(lines) + "\n"


def compare(expected: Expected, found: list[dict[str, Any]]) -> list[str]:
    """Problems with the documents a crawl yielded (url, title, published_at, text)."""
    problems: list[str] = []
    by_url = {canonical_url(d["url"]): d for d in found}
    for doc in expected.documents:
        got = by_url.get(canonical_url(doc.url))
        if got is None:
            problems.append(f"missing document {doc.url} ({doc.title!r})")
            continue
        if got["title"] != doc.title:
            problems.append(f"{doc.url}: title {got['title']!r}, expected {doc.title!r}")
        when = got.get("published_at")
        if doc.published_at is not None and not _date_matches(when, doc.published_at):
            problems.append(
                f"{doc.url}: published_at {when or 'none'}, expected {doc.published_at}"
            )
        text = f"{got['title']}\n{got.get('text', '')}"
        problems += [f"{doc.url}: text lacks {s!r}" for s in doc.contains if s not in text]
        problems += [f"{doc.url}: text holds {s!r}" for s in doc.lacks if s in text]
    if expected.exact:
        extra = set(by_url) - {canonical_url(d.url) for d in expected.documents}
        problems += [f"unexpected document {url}" for url in sorted(extra)]
    titles = {d["title"] for d in found}
    problems += [
        f"title {t!r} should be filtered out" for t in expected.absent_titles if t in titles
    ]
    absent = {canonical_url(u) for u in expected.absent_urls}
    problems += [f"URL {u} should be filtered out" for u in sorted(absent & set(by_url))]
    return problems


def _date_matches(when: str | None, pattern: str) -> bool:
    """``pattern`` is "none" (no date) or an fnmatch pattern that a present date must match."""
    if when is None:
        return pattern == "none"
    return fnmatch.fnmatchcase(when, pattern)


# -- sources.toml --------------------------------------------------------------------------------


def dump_sources(entries: list[dict[str, Any]]) -> str:
    """A ``sources.toml`` holding ``entries`` (raw ``[[source]]`` tables, as tomllib reads them)."""
    out: list[str] = []
    for entry in entries:
        out.append("[[source]]")
        tables = {k: v for k, v in entry.items() if isinstance(v, dict)}
        out += [f"{k} = {toml_value(v)}" for k, v in entry.items() if k not in tables]
        for name, table in tables.items():
            out.append(f"[source.{name}]")
            out += [f"{k} = {toml_value(v)}" for k, v in table.items()]
        out.append("")
    return "\n".join(out)


def _str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def toml_value(value: Any) -> str:
    """One TOML value: a string, number, boolean, array or inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_str(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
