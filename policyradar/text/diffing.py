"""Paragraph-level, then character-level diffs of two normalised texts (diff-match-patch)."""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from typing import Any

from diff_match_patch import diff_match_patch

from policyradar.text.normalise import meaningful

try:  # the C++ build of the same algorithm: the same inline diffs, 10-25x faster
    import fast_diff_match_patch
except ImportError:  # no wheel for this Python: the pure-Python diff-match-patch does it all
    fast_diff_match_patch = None

logger = logging.getLogger(__name__)

DIFF_TIMEOUT = 1.0  # seconds, per diff_main call
CONTEXT = 2  # unchanged paragraphs kept on each side of a change
INLINE_MAX_CHARS = 20_000  # longer replace ops (old + new) get a coarse "-old +new" inline
EQUAL, INSERT, DELETE, REPLACE = "equal", "insert", "delete", "replace"
_TAGS = {
    diff_match_patch.DIFF_EQUAL: "=",
    diff_match_patch.DIFF_INSERT: "+",
    diff_match_patch.DIFF_DELETE: "-",
}
_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One run of paragraphs; ``inline`` holds a replace op's ("=" | "+" | "-", text) pieces.

    An equal op with ``skipped`` > 0 stands for that many unchanged paragraphs left out.
    """

    op: str  # "equal" | "insert" | "delete" | "replace"
    old: tuple[str, ...]
    new: tuple[str, ...]
    inline: tuple[tuple[str, str], ...] = ()
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class Diff:
    """Structured ops plus the whole added and removed paragraphs (for keywords and watchlists)."""

    ops: tuple[DiffOp, ...]
    added: str
    removed: str


def diff_text(old: str, new: str) -> Diff | None:
    """Diff two texts paragraph by paragraph (one per line), then by character within changes.

    Returns None when the texts differ only in whitespace, punctuation or width forms.
    """
    if meaningful(old) == meaningful(new):
        return None
    ops = _paragraph_ops(_lines(old), _lines(new))
    if all(op.op == EQUAL for op in ops):
        return None
    return _make_diff(ops)


def new_document_diff(text: str) -> Diff:
    """Return the diff of a document seen for the first time: everything is inserted."""
    lines = _lines(text)
    ops = (DiffOp(INSERT, (), lines),) if lines else ()
    return Diff(ops=ops, added=text, removed="")


def stored_diff(kind: str, added: str, removed: str, stored: str | None) -> Diff:
    """The diff of a stored change: its stored ops, or, for a new or removed document (stored
    without ops, its text being ``added`` or ``removed`` already), all of it inserted or deleted.
    """
    if stored:
        return diff_from_json(stored)
    if kind == "removed":
        lines = _lines(removed)
        return Diff(ops=(DiffOp(DELETE, lines, ()),) if lines else (), added="", removed=removed)
    return new_document_diff(added)


def diff_to_json(diff: Diff) -> str:
    """Serialise ``diff`` to compact JSON (non-ASCII kept as is); `diff_from_json` reverses it."""
    ops = [_op_to_dict(op) for op in diff.ops]
    payload = {"v": _FORMAT_VERSION, "ops": ops, "added": diff.added, "removed": diff.removed}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def diff_from_json(data: str) -> Diff:
    """Rebuild a `Diff` from `diff_to_json` output."""
    payload = json.loads(data)
    ops = tuple(_op_from_dict(op) for op in payload["ops"])
    return Diff(ops=ops, added=payload["added"], removed=payload["removed"])


@functools.cache
def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    return dmp


def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


def _paragraph_ops(old: tuple[str, ...], new: tuple[str, ...]) -> list[DiffOp]:
    """Line-mode diff: each line is encoded as one character, diffed, then decoded."""
    dmp = _dmp()
    # A trailing "\n" makes the last line compare like every other one.
    chars_old, chars_new, line_array = dmp.diff_linesToChars(_joined(old), _joined(new))
    diffs = dmp.diff_main(chars_old, chars_new, False)
    dmp.diff_charsToLines(diffs, line_array)
    ops: list[DiffOp] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for kind, chunk in diffs:
        lines = chunk.split("\n")[:-1]
        if kind == diff_match_patch.DIFF_DELETE:
            deleted += lines
        elif kind == diff_match_patch.DIFF_INSERT:
            inserted += lines
        else:
            ops += _change_ops(deleted, inserted)
            deleted, inserted = [], []
            ops.append(DiffOp(EQUAL, tuple(lines), tuple(lines)))
    ops += _change_ops(deleted, inserted)
    return _merge_equal(ops)


def _joined(lines: tuple[str, ...]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _change_ops(deleted: list[str], inserted: list[str]) -> list[DiffOp]:
    """Turn one run of deleted and inserted paragraphs into ops.

    Pairs at either end whose meaningful text is equal are equal ops; a run with as many deleted
    as inserted paragraphs is paired one to one; otherwise the rest is one replace op.
    """
    head: list[DiffOp] = []
    tail: list[DiffOp] = []
    while deleted and inserted and _same(deleted[0], inserted[0]):
        head.append(DiffOp(EQUAL, (deleted.pop(0),), (inserted.pop(0),)))
    while deleted and inserted and _same(deleted[-1], inserted[-1]):
        tail.insert(0, DiffOp(EQUAL, (deleted.pop(),), (inserted.pop(),)))
    if not deleted and not inserted:
        middle: list[DiffOp] = []
    elif not inserted:
        middle = [DiffOp(DELETE, tuple(deleted), ())]
    elif not deleted:
        middle = [DiffOp(INSERT, (), tuple(inserted))]
    elif len(deleted) == len(inserted):
        middle = [_pair_op(a, b) for a, b in zip(deleted, inserted, strict=True)]
    else:
        middle = [_replace_op(tuple(deleted), tuple(inserted))]
    return head + middle + tail


def _same(old: str, new: str) -> bool:
    return meaningful(old) == meaningful(new)


def _pair_op(old: str, new: str) -> DiffOp:
    if _same(old, new):
        return DiffOp(EQUAL, (old,), (new,))
    return _replace_op((old,), (new,))


def _replace_op(old: tuple[str, ...], new: tuple[str, ...]) -> DiffOp:
    return DiffOp(REPLACE, old, new, inline=_inline("\n".join(old), "\n".join(new)))


def _inline(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Character-level diff (Chinese by character), cleaned up to readable chunks."""
    if len(old) + len(new) > INLINE_MAX_CHARS:
        logger.debug(
            "inline diff too long (%d characters): whole old, whole new", len(old) + len(new)
        )
        return (("-", old), ("+", new))
    if fast_diff_match_patch is not None:
        pieces = fast_diff_match_patch.diff(
            old,
            new,
            timelimit=DIFF_TIMEOUT,
            checklines=False,
            cleanup="Semantic",
            counts_only=False,
        )
        return tuple((tag, text) for tag, text in pieces)  # tags are "=", "+" and "-" already
    return _inline_python(old, new)


def _inline_python(old: str, new: str) -> tuple[tuple[str, str], ...]:
    dmp = _dmp()
    diffs = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(diffs)
    return tuple((_TAGS[kind], text) for kind, text in diffs)


def _merge_equal(ops: list[DiffOp]) -> list[DiffOp]:
    merged: list[DiffOp] = []
    for op in ops:
        if op.op == EQUAL and not op.old and not op.new:
            continue
        if merged and op.op == EQUAL and merged[-1].op == EQUAL:
            last = merged.pop()
            op = DiffOp(EQUAL, last.old + op.old, last.new + op.new)
        merged.append(op)
    return merged


def _make_diff(ops: list[DiffOp]) -> Diff:
    added = [line for op in ops if op.op in (INSERT, REPLACE) for line in op.new]
    removed = [line for op in ops if op.op in (DELETE, REPLACE) for line in op.old]
    return Diff(ops=_truncate_context(ops), added="\n".join(added), removed="\n".join(removed))


def _truncate_context(ops: list[DiffOp]) -> tuple[DiffOp, ...]:
    """Keep at most CONTEXT unchanged paragraphs next to each change; count the rest."""
    result: list[DiffOp] = []
    last = len(ops) - 1
    for index, op in enumerate(ops):
        if op.op != EQUAL:
            result.append(op)
            continue
        keep_head = CONTEXT if index > 0 else 0
        keep_tail = CONTEXT if index < last else 0
        result += _trim_equal(op, keep_head, keep_tail)
    return tuple(result)


def _trim_equal(op: DiffOp, keep_head: int, keep_tail: int) -> list[DiffOp]:
    size = len(op.old)
    if size <= keep_head + keep_tail:
        return [op]
    end = size - keep_tail
    parts = [
        DiffOp(EQUAL, op.old[:keep_head], op.new[:keep_head]),
        DiffOp(EQUAL, (), (), skipped=end - keep_head),
        DiffOp(EQUAL, op.old[end:], op.new[end:]),
    ]
    return [part for part in parts if part.old or part.skipped]


def _op_to_dict(op: DiffOp) -> dict[str, Any]:
    data: dict[str, Any] = {"op": op.op}
    if op.old:
        data["old"] = list(op.old)
    if op.new and not (op.op == EQUAL and op.new == op.old):
        data["new"] = list(op.new)
    if op.inline:
        data["inline"] = [list(piece) for piece in op.inline]
    if op.skipped:
        data["skipped"] = op.skipped
    return data


def _op_from_dict(data: dict[str, Any]) -> DiffOp:
    old = tuple(data.get("old", ()))
    new = tuple(data.get("new", old if data["op"] == EQUAL else ()))
    inline = tuple((tag, text) for tag, text in data.get("inline", ()))
    return DiffOp(data["op"], old, new, inline=inline, skipped=data.get("skipped", 0))
