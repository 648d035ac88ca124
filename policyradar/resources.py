"""The files PolicyRadar ships in ``policyradar.data``, found through importlib.resources."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_path(*parts: str) -> Path:
    """A shipped data file or folder as a filesystem path (the package is installed unzipped)."""
    resource = files("policyradar.data").joinpath(*parts)
    if not isinstance(
        resource, Path
    ):  # a zipped install: jieba and the demo server need real files
        raise RuntimeError(f"policyradar.data is not on the file system: {resource}")
    return resource


DATA_DIR = data_path()


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size (None when absent): the cache key of what it holds,
    so a file read once is read again only after someone edits it.
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
