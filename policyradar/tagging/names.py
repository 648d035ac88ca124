"""The one lookup of category ids, their Chinese and English names and their order, per home.

The order is data/categories.toml's, then the home's own categories (as its categories.toml
lists them), ``other`` last. Importing this module loads no matcher and no jieba; the files are
read on first use and cached per home until its categories.toml changes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policyradar.resources import file_stamp

if TYPE_CHECKING:
    from collections.abc import Mapping

OTHER = "other"
_CATEGORIES_FILE = "categories.toml"


@dataclass(frozen=True, slots=True)
class CategoryNames:
    """Category ids in display order with their names, as ``(id, name_zh, name_en)``."""

    entries: tuple[tuple[str, str, str], ...]

    @classmethod
    def load(cls, home: Path | str | None = None) -> CategoryNames:
        """The bundled categories and ``<home>/categories.toml``'s (None: the bundled ones).

        A broken home file raises :class:`policyradar.config.ConfigError`, as the crawl would.
        """
        stamp = file_stamp(Path(home) / _CATEGORIES_FILE) if home is not None else None
        return _load(Path(home) if home is not None and stamp else None, stamp)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CategoryNames:
        """Names from a categories file's data (its ``[category.ID]`` tables, in order)."""
        entries = [
            (cid, str(raw.get("name_zh") or cid), str(raw.get("name_en") or cid))
            for cid, raw in data.get("category", {}).items()
            if cid != OTHER
        ]
        other = data.get("category", {}).get(OTHER, {})
        entries.append(
            (OTHER, str(other.get("name_zh") or "其他"), str(other.get("name_en") or "Other"))
        )
        return cls(tuple(entries))

    def ids(self) -> tuple[str, ...]:
        """Every category id, in display order (``other`` last)."""
        return tuple(cid for cid, _, _ in self.entries)

    def name(self, cid: str, lang: str = "zh") -> str:
        """The category's name in ``lang`` (Chinese unless "en"); an unknown id names itself."""
        for known, zh, en in self.entries:
            if known == cid:
                return en if lang == "en" else zh
        return cid

    def rank(self, cid: str) -> tuple[int, str]:
        """Sort key of a category: the display order, unknown ids next (by id), ``other`` last."""
        ids = self.ids()
        if cid == OTHER:
            return (len(ids) + 1, cid)
        return (ids.index(cid), cid) if cid in ids else (len(ids), cid)


@functools.lru_cache(maxsize=32)
def _load(home: Path | None, stamp: tuple[int, int] | None) -> CategoryNames:
    from policyradar.tagging.categories import read_categories  # term matchers stay unbuilt

    return CategoryNames.from_data(read_categories(home))
