"""Long text columns compressed in place: zlib for what is worth it, plain text for the rest.

``versions.text`` and ``changes.added``/``removed``/``diff`` hold either TEXT (short values,
readable in any SQLite browser) or a zlib BLOB. SQL reads them through the ``unpack()`` function
that `Storage` registers on its connection; Python through :func:`unpack`.
"""

from __future__ import annotations

import sqlite3
import zlib

PACK_MIN_BYTES = 512  # shorter values stay text: compression would save little
LEVEL = 6


def pack(text: str | None) -> str | bytes | None:
    """``text`` as stored: a zlib BLOB when that is smaller, else the text itself."""
    if not text:
        return text
    raw = text.encode("utf-8")
    if len(raw) < PACK_MIN_BYTES:
        return text
    packed = zlib.compress(raw, LEVEL)
    return packed if len(packed) < len(raw) else text


def unpack(value: str | bytes | None) -> str | None:
    """The text of a stored value (see :func:`pack`)."""
    if isinstance(value, bytes):
        return zlib.decompress(value).decode("utf-8")
    return value


def register(conn: sqlite3.Connection) -> None:
    """Make ``unpack(column)`` available to SQL on ``conn``."""
    conn.create_function("unpack", 1, unpack, deterministic=True)
