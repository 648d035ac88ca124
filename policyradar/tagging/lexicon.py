"""jieba's dictionary and IDF table as two marisa tries in one memory-mapped cache file.

jieba holds its prefix dictionary as a dict of ~600k words and prefixes (~63 MB a process), and
jieba.analyse its IDF table as another dict (~40 MB). A :class:`Lexicon` holds the same words,
weights and IDF values as two tries and two float arrays mapped read-only from one file, which
the worker processes of a crawl share. The file is built once per dictionary by a child process
that loads real jieba and the user dictionary (so the user words get the frequencies jieba's
``suggest_freq`` gives them), and the process that classifies never holds jieba's dict.

    python -m policyradar.tagging.lexicon USERDICT OUT   # what the child runs
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from array import array
from dataclasses import dataclass, field
from importlib import metadata
from math import log
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, BinaryIO

import marisa_trie

try:
    import fcntl
except ImportError:  # Windows: concurrent builds are not serialised (each is still correct)
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

logger = logging.getLogger(__name__)

FORMAT = 1  # bump when the file layout or what goes into it changes
CACHE_ENV = "POLICYRADAR_LEXICON_DIR"  # where the cache files go (default: the temp directory)
BUILD_TIMEOUT = 600  # seconds for the child that builds a lexicon
MAGIC = b"PRLEXICN"
_PREFIX = struct.Struct("<8sII")  # magic, header length, CRC-32 of all that follows
_SECTIONS = ("words", "weights", "idf_words", "idf_values")
_CHUNK = 1 << 16  # bytes read at a time for the checksum
_ROOT = Path(__file__).resolve().parents[2]  # the directory holding the policyradar package


class LexiconError(Exception):
    """A lexicon file could not be read, or could not be built."""


class IdfTable:
    """jieba.analyse's IDF table, looked up as its dict is: ``get(word, default)``."""

    __slots__ = ("_trie", "_values")

    def __init__(self, trie: marisa_trie.Trie, values: Sequence[float]) -> None:
        self._trie = trie
        self._values = values

    def get(self, word: str, default: float | None = None) -> float | None:
        try:
            key = self._trie.get(word)
        except UnicodeEncodeError:  # a lone surrogate: no word of the table
            return default
        return default if key is None else self._values[key]

    def __getitem__(self, word: str) -> float:
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """jieba's words (frequency > 0) with their weights, and its IDF table.

    ``weights[words[w]]`` is ``log(freq) - log(total)``: jieba's ``log(freq) - logtotal +
    score`` is evaluated left to right, so adding the score to it gives the same float. The
    tries are mapped from ``buffer``: keep the lexicon while they are used.
    """

    words: marisa_trie.Trie
    weights: Sequence[float]
    unknown: float  # log(1) - log(total): what jieba gives a character that is no word
    longest: int  # characters in the longest word
    idf: IdfTable
    median_idf: float
    force_split: frozenset[str]  # user words of frequency 0: the HMM's output split into chars
    buffer: Any = field(repr=False, compare=False)


def load_lexicon(userdict: Path, cache_dir: Path | None = None) -> Lexicon:
    """The lexicon of jieba's dictionary plus ``userdict``, built first if it is not cached.

    ``cache_dir`` defaults to ``$POLICYRADAR_LEXICON_DIR``, else a directory of this user's under
    the temp directory. A missing, truncated or corrupt file is rebuilt; processes starting
    together build it once (a lock) or, where there is no lock, each atomically.
    """
    path = cache_path(userdict, cache_dir or default_cache_dir())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_owner(path.parent)
    try:
        return read_lexicon(path)
    except FileNotFoundError:
        pass
    except LexiconError as exc:
        logger.warning("jieba lexicon %s is unreadable (%s): building it again", path, exc)
    with _locked(path.with_name(path.name + ".lock")):
        try:  # another process may have built it while this one waited
            return read_lexicon(path)
        except (FileNotFoundError, LexiconError):
            pass
        _build(userdict, path)
    try:
        return read_lexicon(path)
    except (OSError, LexiconError) as exc:
        raise LexiconError(
            f"jieba lexicon {path} unreadable just after building it: {exc}"
        ) from exc


def _check_owner(directory: Path) -> None:
    """Refuse a cache directory that another user owns or that anyone may write to (a shared temp
    directory lets anyone create the name first).
    """
    if not hasattr(os, "getuid"):
        return
    st = directory.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o002:
        raise LexiconError(
            f"jieba lexicon directory {directory} belongs to another user or is writable by"
            f" anyone; remove it, or set {CACHE_ENV} to a directory of your own"
        )


def default_cache_dir() -> Path:
    if configured := os.environ.get(CACHE_ENV):
        return Path(configured)
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    return Path(tempfile.gettempdir()) / f"policyradar-lexicon{user}"


def import_jieba() -> ModuleType:
    """``jieba`` with ``jieba.finalseg`` (its HMM), imported without ``pkg_resources``.

    jieba's ``_compat`` imports pkg_resources (deprecated; 12 MB and ~0.2 s) only to open its own
    data files, and opens them by path when that import fails.
    """
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import fails
        try:
            import jieba.finalseg
        finally:
            del sys.modules["pkg_resources"]
    import jieba.finalseg

    return jieba


def cache_path(userdict: Path, cache_dir: Path) -> Path:
    """The cache file for ``userdict``: named by a hash of everything its content depends on."""
    jieba = import_jieba()
    package = Path(jieba.__file__).resolve().parent
    digest = hashlib.sha256(userdict.read_bytes())
    for source in (package / "dict.txt", package / "analyse" / "idf.txt"):
        stat = source.stat()
        digest.update(f"\0{source}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    digest.update(f"\0{jieba.__version__}\0{metadata.version('marisa-trie')}\0{FORMAT}".encode())
    return cache_dir / f"jieba-{digest.hexdigest()[:20]}.lexicon"


def read_lexicon(path: Path) -> Lexicon:
    """The lexicon in ``path``, mapped read-only; LexiconError if the file is not a whole one.

    The checksum is read through the file, not the mapping, so only the pages that lookups
    touch count in this process's memory.
    """
    with path.open("rb") as fh:
        header, start = _read_checked(fh)
        buffer = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(buffer)
    parts = {
        name: view[start + at : start + at + n] for name, (at, n) in header["sections"].items()
    }
    words = marisa_trie.Trie()
    words.map(parts["words"])
    idf_words = marisa_trie.Trie()
    idf_words.map(parts["idf_words"])
    weights = parts["weights"].cast("d")
    idf_values = parts["idf_values"].cast("d")
    if len(words) != len(weights) or len(idf_words) != len(idf_values):
        raise LexiconError("tries and arrays of different lengths")
    return Lexicon(
        words=words,
        weights=weights,
        unknown=log(1) - log(header["total"]),
        longest=header["longest"],
        idf=IdfTable(idf_words, idf_values),
        median_idf=header["median_idf"],
        force_split=frozenset(header["force_split"]),
        buffer=buffer,
    )


def write_lexicon(
    path: Path,
    freq: Mapping[str, int],
    total: int,
    idf: Mapping[str, float],
    force_split: Iterable[str] = (),
) -> None:
    """Write a lexicon file of jieba's ``FREQ`` and ``total`` and an IDF table, atomically."""
    known = [word for word, n in freq.items() if n > 0]
    words = marisa_trie.Trie(known)
    logtotal = log(total)
    weights = array("d", bytes(8 * len(words)))
    for word in known:
        weights[words[word]] = log(freq[word]) - logtotal
    idf_words = marisa_trie.Trie(idf)
    idf_values = array("d", bytes(8 * len(idf_words)))
    for word, value in idf.items():
        idf_values[idf_words[word]] = value
    sections: dict[str, list[int]] = {}
    blobs = []
    offset = 0
    raw = (words.tobytes(), weights.tobytes(), idf_words.tobytes(), idf_values.tobytes())
    for name, blob in zip(_SECTIONS, raw, strict=True):
        blob += bytes(-len(blob) % 8)  # every section starts 8-aligned
        sections[name] = [offset, len(blob)]
        blobs.append(blob)
        offset += len(blob)
    payload = b"".join(blobs)
    header = {
        "format": FORMAT,
        "total": total,
        "longest": max(map(len, known), default=1),
        "median_idf": sorted(idf.values())[len(idf) // 2] if idf else 0.0,  # as IDFLoader
        "force_split": sorted(force_split),
        "sections": sections,
        "payload": len(payload),
    }
    head = json.dumps(header).encode()  # floats as repr(): read back exactly
    head += b" " * (-(_PREFIX.size + len(head)) % 8)
    crc = zlib.crc32(payload, zlib.crc32(head))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_PREFIX.pack(MAGIC, len(head), crc) + head + payload)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def jieba_idf() -> dict[str, float]:
    """jieba.analyse's default IDF table, read as its ``IDFLoader`` reads it."""
    jieba = import_jieba()
    idf: dict[str, float] = {}
    with (Path(jieba.__file__).parent / "analyse" / "idf.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word, value = line.strip().split(" ")
            idf[word] = float(value)
    return idf


def _read_checked(fh: BinaryIO) -> tuple[dict[str, Any], int]:
    """(header, offset of the payload) of an open lexicon file, its size and checksum checked."""
    prefix = fh.read(_PREFIX.size)
    if len(prefix) != _PREFIX.size:
        raise LexiconError("truncated")
    magic, length, expected = _PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise LexiconError("not a lexicon file")
    head = fh.read(length)
    crc = zlib.crc32(head)
    chunk = memoryview(bytearray(_CHUNK))
    while n := fh.readinto(chunk):
        crc = zlib.crc32(chunk[:n], crc)
    if crc != expected:
        raise LexiconError("truncated or corrupt (checksum mismatch)")
    header = json.loads(head)
    if header.get("format") != FORMAT:
        raise LexiconError(f"format {header.get('format')}, not {FORMAT}")
    size = fh.tell()
    start = _PREFIX.size + length
    if size != start + header["payload"]:
        raise LexiconError(f"{size} bytes, expected {start + header['payload']}")
    return header, start


class _locked:
    """An exclusive ``flock`` on ``path`` (nothing where there is no fcntl)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1

    def __enter__(self) -> None:
        if fcntl is not None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # releases the lock


def _build(userdict: Path, path: Path) -> None:
    """Build ``path`` in a child process, which alone holds jieba's dictionary."""
    started = time.perf_counter()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(_ROOT), env.get("PYTHONPATH"))))
    cmd = [sys.executable, "-m", __name__, str(userdict), str(path)]
    try:
        done = subprocess.run(  # noqa: S603 (this interpreter, this module)
            cmd, capture_output=True, text=True, env=env, timeout=BUILD_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LexiconError(f"building jieba lexicon {path} failed: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-10:])
        raise LexiconError(
            f"building jieba lexicon {path} from {userdict} failed"
            f" (exit status {done.returncode}):\n{tail}"
        )
    logger.info("built jieba lexicon %s in %.1f s", path, time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> None:
    """Child process: load jieba and the user dictionary, write the lexicon file."""
    userdict, out = argv if argv is not None else sys.argv[1:]
    jieba = import_jieba()
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.load_userdict(userdict)
    finalseg = jieba.finalseg
    write_lexicon(Path(out), jieba.dt.FREQ, jieba.dt.total, jieba_idf(), finalseg.Force_Split_Words)


if __name__ == "__main__":
    main()
