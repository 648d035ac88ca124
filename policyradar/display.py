"""Human output for the terminal: tables and diffs, with crawled text shown as inert plain text.

Widths are display widths (a Chinese character takes two cells): tables give the title the room
left by the short columns, and diffs wrap by width without cutting an English word in two.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from policyradar.i18n import reason, t
from policyradar.records import Urgency
from policyradar.tagging.names import CategoryNames
from policyradar.text.clean import clean

if TYPE_CHECKING:
    from collections.abc import Iterable

    from policyradar.config import Source
    from policyradar.records import Change, RunSource

_OUTCOME_STYLE = {"changed": "bold green", "unchanged": "dim", "error": "bold red"}
_URGENCY_STYLE = {Urgency.HIGH: "bold red", Urgency.MEDIUM: "yellow", Urgency.LOW: "dim"}
_KIND_STYLE = {"new": "green", "changed": "yellow", "removed": "red"}
DEFAULT_WIDTH = 120  # what a table is laid out for when the width is not known
_URL_SEP = " — "  # between a stored run error's reason and its URL (storage.runs)


def outcome_word(outcome: object, lang: str) -> str:
    """A run outcome (changed, unchanged, error) in ``lang``."""
    return t(f"outcome_{outcome}", lang) if outcome else "-"


def kind_word(kind: object, lang: str) -> str:
    """A change kind (new, changed, removed) in ``lang``."""
    return t(f"kind_{kind}", lang)


def error_text(error: str | None, lang: str, *, url: bool = True) -> str:
    """A stored run error (``reason — url``) in ``lang``; ``url=False`` leaves the URL out."""
    if not error:
        return ""
    why, sep, where = error.rpartition(_URL_SEP)
    if not sep:
        why, where = error, ""
    why = reason(why, lang)
    return f"{why}{_URL_SEP}{where}" if url and where else why


def sources_table(
    sources: Iterable[Source], last: dict[str, tuple[RunSource, str]], lang: str
) -> Table:
    table = Table(show_lines=False)
    table.add_column(t("source", lang), ratio=1, overflow="fold")
    for key in ("kind", "marketplace", "enabled"):
        table.add_column(t(key, lang), no_wrap=True)
    table.add_column(t("last_outcome", lang), no_wrap=True)
    for s in sources:
        outcome = last.get(s.id)
        status = Text(t("never", lang), style="dim")
        if outcome:
            rs, when = outcome
            status = Text(
                f"{outcome_word(rs.outcome, lang)} ({when[:16].replace('T', ' ')})",
                style=_OUTCOME_STYLE.get(str(rs.outcome), ""),
            )
        table.add_row(
            Text(f"{s.id}\n{clean(s.name)}"),
            s.kind,
            s.marketplace,
            t("yes" if s.enabled else "no", lang),
            status,
        )
    return table


def run_table(outcomes: Iterable[RunSource], lang: str) -> Table:
    table = Table()
    table.add_column(t("source", lang), no_wrap=True)
    table.add_column(t("outcome", lang), no_wrap=True)
    for key in ("new", "changed", "removed", "unchanged", "anomalies", "errors"):
        table.add_column(t(key, lang), justify="right", no_wrap=True)
    table.add_column(t("note", lang))
    for rs in outcomes:
        outcome = str(rs.outcome or "-")
        table.add_row(
            rs.source_id,
            Text(outcome_word(rs.outcome, lang), style=_OUTCOME_STYLE.get(outcome, "")),
            *(
                str(n)
                for n in (rs.new, rs.changed, rs.removed, rs.unchanged, rs.anomalies, rs.errors)
            ),
            Text(clean(error_text(rs.error, lang), 70), style="red" if rs.error else ""),
        )
    return table


def failure_lines(outcomes: Iterable[RunSource], lang: str) -> list[Text]:
    """One line per source that ended the run as an error: its id and why, in ``lang``.

    A network reason names the host already, so its URL is left out.
    """
    failed = [rs for rs in outcomes if str(rs.outcome) == "error"]
    width = max((cell_len(rs.source_id) for rs in failed), default=0)
    lines = []
    for rs in failed:
        why = rs.error or ""
        network = why.startswith(("network unreachable", "timed out"))
        line = Text("✗ ", style="bold red")
        line.append(rs.source_id, style="bold")
        line.append(" " * (width - cell_len(rs.source_id) + 2))
        line.append(clean(error_text(why, lang, url=not network)) or t("outcome_error", lang))
        lines.append(line)
    return lines


def event_line(event: dict[str, str], lang: str) -> Text:
    """A run event (an anomaly or an error of one URL) as one line in ``lang``."""
    return Text(
        f"  [{t('event_' + event['kind'], lang)}] {event['source_id']}: "
        f"{clean(reason(event['reason'], lang), 100)}"
    )


def changes_table(
    changes: Iterable[Change],
    lang: str,
    names: CategoryNames | None = None,
    *,
    width: int | None = None,
) -> Table:
    """The changes as a table sized by display width: the title gets the room the short columns
    leave. ``names``: the home's category names (default: bundled); ``width``: the console's.
    """
    names = CategoryNames.load() if names is None else names
    room = width or DEFAULT_WIDTH
    wide, narrow = room >= 140, room < 100
    table = Table(expand=True, box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(t("id", lang), no_wrap=True, justify="right")
    if not narrow:  # an 80-column terminal keeps the room for the title
        table.add_column(t("detected", lang), no_wrap=True)
    for key in ("kind", "urgency"):
        table.add_column(t(key, lang), no_wrap=True)
    table.add_column(
        t("categories", lang), max_width=16 if wide else 10 if narrow else 12, overflow="fold"
    )
    table.add_column(
        t("source", lang), max_width=24 if wide else 14 if narrow else 16, overflow="ellipsis"
    )
    table.add_column(t("title", lang), ratio=1, min_width=16, overflow="fold")
    when = "%Y-%m-%d %H:%M" if wide else "%m-%d %H:%M"
    for c in changes:
        urgency = c.urgency or "-"
        cells = [str(c.id)]
        if not narrow:
            cells.append(c.detected_at.strftime(when))
        table.add_row(
            *cells,
            Text(kind_word(c.kind, lang), style=_KIND_STYLE.get(str(c.kind), "")),
            Text(
                t(f"urgency_{urgency}", lang) if c.urgency else "-",
                style=_URGENCY_STYLE.get(urgency, ""),
            ),
            Text("\n".join(names.name(cat, lang) for cat in c.categories)),
            Text(c.source_id, no_wrap=True, overflow="ellipsis"),
            Text(clean(c.title, 120) + (" ★" if c.watch_hits else "")),
        )
    return table


def change_text(
    change: Change, lang: str, names: CategoryNames | None = None, *, width: int | None = None
) -> Text:
    """One change with its diff: added green ``{+…+}``, removed red ``[-…-]``, context dim.

    With ``width`` (the console's), paragraphs are wrapped by display width under their
    ``+``/``-``/``~`` marker, breaking between Chinese characters or at spaces, never inside an
    English word.
    """
    names = CategoryNames.load() if names is None else names
    out = Text()
    out.append(f"#{change.id} ", style="bold")
    out.append(clean(change.title), style="bold")
    out.append(f"\n{t('kind', lang)}: ")
    out.append(kind_word(change.kind, lang), style=_KIND_STYLE.get(str(change.kind), ""))
    out.append(f"   {t('source', lang)}: {change.source_id}")
    out.append(f"\n{t('url', lang)}: {clean(change.url)}")
    out.append(f"\n{t('detected', lang)}: {change.detected_at.isoformat()}")
    if change.published_at:
        out.append(f"   {t('published', lang)}: {change.published_at.isoformat()}")
    if change.urgency:
        out.append(f"\n{t('urgency', lang)}: ")
        out.append(t(f"urgency_{change.urgency}", lang), style=_URGENCY_STYLE.get(change.urgency))
        cats = t("list_sep", lang).join(names.name(c, lang) for c in change.categories)
        out.append(f"   {t('categories', lang)}: {cats}")
    if change.effective_dates:
        out.append(f"\n{t('effective', lang)}: {', '.join(change.effective_dates)}", style="bold")
    if summary := change.summary.get(lang) or change.summary.get("zh"):
        out.append(f"\n{t('summary', lang)}: {clean(summary)}", style="bold")
    for fact in change.facts:
        out.append(f"\n{t('facts', lang)}: {clean(fact.line(lang))}", style="cyan")
    if change.keywords:
        out.append(f"\n{t('keywords', lang)}: {clean(', '.join(change.keywords))}")
    for hit in change.watch_hits:
        out.append(
            f"\n★ {clean(hit.watchlist)}: {clean(hit.keyword)} — ",
            style="bold magenta",
        )
        out.append(clean(hit.snippet))
    out.append("\n\n")
    for op in change.structured_diff().ops:
        if op.op == "equal":
            if op.skipped:
                out.append(f"  … ({op.skipped}) …\n", style="dim")
            for line in op.old:
                _paragraph(out, " ", "dim", Text(clean(line, one_line=False), style="dim"), width)
        elif op.op == "insert":
            for line in op.new:
                body = Text(clean(line, one_line=False), style="green")
                _paragraph(out, "+", "green", body, width)
        elif op.op == "delete":
            for line in op.old:
                _paragraph(out, "-", "red", Text(clean(line, one_line=False), style="red"), width)
        else:
            body = Text()
            for tag, fragment in op.inline:  # wdiff markers, so the edit shows without colour too
                text = clean(fragment, one_line=False)
                if tag == "=":
                    body.append(text)
                else:
                    marks = ("{+", "+}") if tag == "+" else ("[-", "-]")
                    body.append(
                        f"{marks[0]}{text}{marks[1]}",
                        style="bold green" if tag == "+" else "bold red",
                    )
            for i, part in enumerate(body.split("\n", allow_blank=True)):
                _paragraph(out, "~" if i == 0 else " ", "yellow", part, width)
    return out


# -- wrapping by display width -----------------------------------------------------------------

# One breakable unit: a run of spaces, one wide (CJK) character, or a run of anything else (an
# English word with the punctuation stuck to it).
_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
)
_UNIT = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
# Chinese punctuation that must not begin a line, and brackets that must not end one.
_NO_LINE_START = set("，。、；：！？）」』》〉】〕…—～％,.;:!?)]}")
_NO_LINE_END = set("（「『《〈【〔([{")


def wrap_offsets(text: str, width: int) -> list[int]:
    """Where to break ``text`` so no line is wider than ``width`` cells.

    Breaks fall between Chinese characters or at spaces (the spaces stay at the end of the
    line), never inside an English word or before closing punctuation; a single word wider than
    a line is cut by cells.
    """
    units: list[tuple[int, int]] = []  # (start, end) of each unit, punctuation kept with its word
    for match in _UNIT.finditer(text):
        start, end = match.span()
        glued = text[start] in _NO_LINE_START or (units and text[units[-1][1] - 1] in _NO_LINE_END)
        if units and glued and not text[start].isspace():
            units[-1] = (units[-1][0], end)
            continue
        units.append((start, end))
    breaks: list[int] = []
    used = 0
    for start, end in units:
        unit = text[start:end]
        cells = cell_len(unit)
        if unit.isspace():
            used += cells  # spaces may run past the edge: they end the line unseen
            continue
        if used and used + cells > width:
            breaks.append(start)
            used = 0
        while cells > width:  # a word wider than a line: cut by cells
            cut = start
            room = width - used
            while cut < end and cell_len(text[start : cut + 1]) <= room:
                cut += 1
            cut = max(cut, start + 1)
            breaks.append(cut)
            start, used = cut, 0
            cells = cell_len(text[start:end])
        used += cells
    return breaks


def _paragraph(out: Text, marker: str, style: str, body: Text, width: int | None) -> None:
    """Append ``marker`` and ``body`` to ``out``, wrapped under a two-cell hanging indent."""
    out.append(f"{marker} ", style=style if marker.strip() else "")
    if width is None or width < 12:
        out.append_text(body)
        out.append("\n")
        return
    lines = body.divide(wrap_offsets(body.plain, width - 2))
    for i, line in enumerate(lines):
        if i:
            out.append("  ")
        line.rstrip()
        out.append_text(line)
        out.append("\n")
