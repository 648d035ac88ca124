"""The seller glossary: one concept's names in Chinese, English, Japanese and German.

``data/glossary.toml`` (shipped) and ``<home>/glossary.toml`` (the user's additions) list, per
concept, its names: 仓储费 = storage fee = 在庫保管手数料 = Lagergebühr. Search and watchlists look
a word up here to also find its other names. Names are compared by their *key*: folded (lower
case, half-width, Simplified Chinese), cut into the word pieces the search index cuts text into,
English plurals made singular, so 倉儲費 and 仓储费 are one key, "Storage-Fees" and "storage fee"
another. Importing this module loads no jieba and no
matcher; files are read on first use and cached until they change.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyradar.config import ConfigError, read_toml, reject_unknown
from policyradar.resources import data_path, file_stamp
from policyradar.tagging.text import fold

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

logger = logging.getLogger(__name__)

GLOSSARY_FILE = "glossary.toml"
LANGUAGES = ("zh", "en", "ja", "de")  # in the order a concept's names are offered
_TOP_KEYS = ("term", "replace")
# The word pieces of `policyradar.search.index` (runs of CJK characters, Latin/digit words).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_PIECE = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """The key a name is looked up by: its folded word pieces, English plurals made singular,
    joined by spaces ("Low-Inventory-Level Fees" -> "low inventory level fee", 倉儲費 -> 仓储费).
    """
    return pieces_key(_PIECE.findall(fold(name or "")))


def pieces_key(pieces: Iterable[str]) -> str:
    """`name_key` of a name already cut into folded word pieces."""
    return " ".join(_singular(piece) for piece in pieces)


def _singular(piece: str) -> str:
    if len(piece) <= 3 or not piece.endswith("s") or not piece.isascii() or piece.isdigit():
        return piece
    if piece.endswith(("ss", "us", "is")):
        return piece
    if piece.endswith("ies"):
        return piece[:-3] + "y"
    if piece.endswith(("sses", "ches", "shes", "xes", "zes")):
        return piece[:-2]
    return piece[:-1]


@dataclass(frozen=True, slots=True)
class Entry:
    """One concept: its names, each with its language (``zh``, ``en``, ``ja``, ``de``)."""

    names: tuple[tuple[str, str], ...]  # (language, name), in the file's order

    def all_names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.names)


class Glossary:
    """Concepts and their names, looked up by key (see `name_key`)."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.entries = tuple(entries)
        by_key: dict[str, list[int]] = {}
        for n, entry in enumerate(self.entries):
            for name in entry.all_names():
                key = name_key(name)
                if key and n not in by_key.setdefault(key, []):
                    by_key[key].append(n)
        self._by_key = {key: tuple(ns) for key, ns in by_key.items()}
        self.max_pieces = max((k.count(" ") + 1 for k in self._by_key), default=0)

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name_key(name) in self._by_key

    def has_key(self, key: str) -> bool:
        """Whether ``key`` (already a `name_key`) names a concept."""
        return key in self._by_key

    def equivalents(self, name: str) -> tuple[str, ...]:
        """The other names of every concept named ``name`` (none when it names none), each key
        once, Chinese first, then English, Japanese and German.
        """
        return self.equivalents_of_key(name_key(name))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - a glossary lives as long as the process
    def equivalents_of_key(self, key: str) -> tuple[str, ...]:
        """`equivalents` of a name given by its key."""
        found = self._by_key.get(key, ())
        seen = {key}
        out: list[str] = []
        for lang in LANGUAGES:
            for n in found:
                for name_lang, name in self.entries[n].names:
                    other = name_key(name)
                    if name_lang == lang and other not in seen:
                        seen.add(other)
                        out.append(name)
        return tuple(out)

    def merged(self, other: Glossary) -> Glossary:
        """The concepts of both: a concept of ``other`` sharing a name with one of these adds
        its names to it (仓储费 = "warehousing charge" then is also "storage fee"); the others
        come after.
        """
        entries = list(self.entries)
        for entry in other.entries:
            same = [n for name in entry.all_names() for n in self._by_key.get(name_key(name), ())]
            if same:
                into = entries[same[0]]
                entries[same[0]] = Entry(into.names + entry.names)
            else:
                entries.append(entry)
        return Glossary(entries)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], path: Path | str) -> Glossary:
        """A glossary from a glossary file's data; a bad entry is a `ConfigError` naming it."""
        path = Path(path)
        reject_unknown(path, dict(data), _TOP_KEYS, None, table="glossary")
        terms = data.get("term", [])
        if not isinstance(terms, list) or not all(isinstance(t, dict) for t in terms):
            raise ConfigError(path, "'term' must be an array of tables ([[term]])", table="term")
        return cls(_entry(path, n, raw) for n, raw in enumerate(terms, 1))

    @classmethod
    def load(cls, home: Path | str | None = None) -> Glossary:
        """The shipped glossary and ``<home>/glossary.toml``'s concepts (None: the shipped one).

        A broken home file raises `ConfigError`. Cached until the home file changes.
        """
        if home is None:
            return _load(None, None)
        path = Path(home) / GLOSSARY_FILE
        stamp = file_stamp(path)
        return _load(path if stamp else None, stamp)


def _entry(path: Path, n: int, raw: dict[str, Any]) -> Entry:
    label = f"#{n}"
    reject_unknown(path, raw, LANGUAGES, label, table="term")
    names: list[tuple[str, str]] = []
    for lang in LANGUAGES:
        value = raw.get(lang, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(
                path,
                f"must be a list of non-empty strings, not {value!r}",
                source=label,
                field_name=lang,
                table="term",
            )
        names += [(lang, v.strip()) for v in value if name_key(v)]
    if len({name_key(name) for _, name in names}) < 2:
        only = f"only {names[0][1]!r}" if names else "none"
        raise ConfigError(
            path,
            f"needs two or more different names (zh, en, ja, de) to link; has {only}",
            source=label,
            table="term",
        )
    return Entry(tuple(names))


@functools.cache
def shipped() -> Glossary:
    """The glossary shipped in ``data/glossary.toml``."""
    path = data_path(GLOSSARY_FILE)
    return Glossary.from_data(read_toml(path), path)


@functools.lru_cache(maxsize=16)
def _load(path: Path | None, stamp: tuple[int, int] | None) -> Glossary:
    if path is None:
        return shipped()
    data = read_toml(path)
    own = Glossary.from_data(data, path)
    replace = data.get("replace", False)
    if not isinstance(replace, bool):
        raise ConfigError(path, "must be true or false", field_name="replace", table="glossary")
    logger.debug("%d glossary terms from %s (replace=%s)", len(own), path, replace)
    return own if replace else shipped().merged(own)


def glossary_names(glossary: Glossary, names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each of ``names`` with its `Glossary.equivalents` (names without any are left out)."""
    out: dict[str, tuple[str, ...]] = {}
    for name in names:
        found = glossary.equivalents(name)
        if found:
            out[name] = found
    return out
