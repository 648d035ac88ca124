"""The lexicon's cache file: built once by a child process, reused, rebuilt when it is damaged.

Every test keeps its cache files in its own directory (``cache_dir``), never in the shared temp
directory. Whether the lexicon holds exactly jieba's words, weights and IDF values is checked
against real jieba in test_tagging_perf_equivalence.py.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from policyradar.tagging.cut import USERDICT_FILE
from policyradar.tagging.lexicon import LexiconError, cache_path, load_lexicon, read_lexicon

if TYPE_CHECKING:
    from collections.abc import Callable

    from policyradar.tagging.lexicon import Lexicon

BUILT = "built jieba lexicon"
NEW_WORD = "旺铺宝贝计划"  # in no dictionary


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache file of the domain user dictionary, built once for this module."""
    cache_dir = tmp_path_factory.mktemp("lexicon")
    load_lexicon(USERDICT_FILE, cache_dir)
    return cache_path(USERDICT_FILE, cache_dir)


def _builds(caplog: pytest.LogCaptureFixture) -> int:
    return sum(BUILT in r.getMessage() for r in caplog.records)


def _sample(lex: Lexicon) -> tuple[object, ...]:
    words = ("卖家", "亚马逊物流", "中华人民共和国", "A+页面", NEW_WORD)
    return (
        [lex.words.get(w) for w in words],
        [lex.weights[lex.words[w]] for w in words if w in lex.words],
        [lex.idf.get(w) for w in words],
        lex.median_idf,
        lex.unknown,
        lex.longest,
    )


def test_the_cache_is_built_once_and_reused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="policyradar.tagging.lexicon")
    first = load_lexicon(USERDICT_FILE, tmp_path)
    path = cache_path(USERDICT_FILE, tmp_path)
    built = path.stat()
    second = load_lexicon(USERDICT_FILE, tmp_path)
    assert _builds(caplog) == 1
    assert path.stat().st_ino == built.st_ino
    assert _sample(first) == _sample(second)
    assert first.words.get("亚马逊物流") is not None  # a user word
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, path.name + ".lock"]


DAMAGE = {
    "empty": lambda data: b"",
    "truncated-header": lambda data: data[:5],
    "truncated": lambda data: data[: len(data) // 2],
    "flipped-bit": lambda data: data[:-1000] + bytes([data[-1000] ^ 1]) + data[-999:],
    "other-file": lambda data: b"jieba.cache" + data[11:],
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_file_is_refused(
    damage: Callable[[bytes], bytes], reference: Path, tmp_path: Path
) -> None:
    path = tmp_path / reference.name
    path.write_bytes(damage(reference.read_bytes()))
    with pytest.raises(LexiconError):
        read_lexicon(path)


def test_a_damaged_cache_is_rebuilt_with_a_warning(
    reference: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="policyradar.tagging.lexicon")
    path = cache_path(USERDICT_FILE, tmp_path)
    good = reference.read_bytes()
    path.write_bytes(DAMAGE["truncated"](good))
    lex = load_lexicon(USERDICT_FILE, tmp_path)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(path) in warnings[0]
    assert _builds(caplog) == 1
    assert path.read_bytes() == good  # the same build: the same words, weights and IDF values
    assert _sample(lex) == _sample(read_lexicon(reference))


def test_another_user_dictionary_gets_its_own_cache(
    reference: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="policyradar.tagging.lexicon")
    shutil.copy(reference, tmp_path / reference.name)
    userdict = tmp_path / "userdict.txt"
    extra = f"{NEW_WORD}\n须知 0\n"  # a new word, and one to split (frequency 0)
    userdict.write_text(USERDICT_FILE.read_text(encoding="utf-8") + extra, "utf-8")
    assert cache_path(userdict, tmp_path) != cache_path(USERDICT_FILE, tmp_path)
    assert cache_path(USERDICT_FILE, tmp_path).name == reference.name

    theirs = load_lexicon(userdict, tmp_path)
    ours = load_lexicon(USERDICT_FILE, tmp_path)
    assert _builds(caplog) == 1
    assert NEW_WORD in theirs.words
    assert NEW_WORD not in ours.words
    assert "须知" in ours.words
    assert "须知" not in theirs.words
    assert theirs.force_split == {"须知"}
    assert (tmp_path / reference.name).read_bytes() == reference.read_bytes()


def test_a_failed_build_says_what_failed(tmp_path: Path) -> None:
    userdict = tmp_path / "userdict.txt"
    userdict.write_bytes("卖家\n".encode() + b"\xff\xfe\n")
    with pytest.raises(LexiconError) as raised:
        load_lexicon(userdict, tmp_path / "cache")
    message = str(raised.value)
    assert str(userdict) in message
    assert "exit status 1" in message
    assert "must be utf-8" in message  # the child's own error, from its stderr
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".lock"]  # no partial file


def test_a_cache_directory_anyone_can_write_to_is_refused(tmp_path: Path) -> None:
    """In a shared temp directory anyone can create the name first: such a cache is not read."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(LexiconError, match="writable by anyone"):
        load_lexicon(USERDICT_FILE, shared)
    assert list(shared.iterdir()) == []


def test_processes_starting_together_build_it_once(reference: Path, tmp_path: Path) -> None:
    code = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from policyradar.tagging.lexicon import load_lexicon\n"
        "logging.basicConfig(level=logging.INFO)\n"
        "lex = load_lexicon(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "print(len(lex.words), len(lex.idf), lex.median_idf, lex.words.get('亚马逊物流'))\n"
    )
    cmd = [sys.executable, "-c", code, str(USERDICT_FILE), str(tmp_path)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outs
    lex = read_lexicon(reference)
    expected = f"{len(lex.words)} {len(lex.idf)} {lex.median_idf} {lex.words.get('亚马逊物流')}"
    assert [out.strip() for out, _ in outs] == [expected, expected]
    assert sum(BUILT in err for _, err in outs) == 1
    assert cache_path(USERDICT_FILE, tmp_path).read_bytes() == reference.read_bytes()
