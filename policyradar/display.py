"""Human output for the terminal: tables and diffs, with crawled text shown as inert plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from policyradar.i18n import t
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


def sources_table(
    sources: Iterable[Source], last: dict[str, tuple[RunSource, str]], lang: str
) -> Table:
    table = Table(show_lines=False)
    for key in ("source", "kind", "marketplace", "enabled", "last_outcome"):
        table.add_column(t(key, lang))
    for s in sources:
        outcome = last.get(s.id)
        status = Text(t("never", lang), style="dim")
        if outcome:
            rs, when = outcome
            status = Text(
                f"{rs.outcome} ({when[:16].replace('T', ' ')})",
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
    for key in (
        "source",
        "outcome",
        "new",
        "changed",
        "removed",
        "unchanged",
        "anomalies",
        "errors",
        "note",
    ):
        table.add_column(
            t(key, lang), justify="right" if key not in {"source", "outcome", "note"} else "left"
        )
    for rs in outcomes:
        outcome = str(rs.outcome or "-")
        table.add_row(
            rs.source_id,
            Text(outcome, style=_OUTCOME_STYLE.get(outcome, "")),
            *(
                str(n)
                for n in (rs.new, rs.changed, rs.removed, rs.unchanged, rs.anomalies, rs.errors)
            ),
            Text(clean(rs.error, 70), style="red" if rs.error else ""),
        )
    return table


def changes_table(
    changes: Iterable[Change], lang: str, names: CategoryNames | None = None
) -> Table:
    """The changes as a table; ``names``: the home's category names (default: bundled)."""
    names = CategoryNames.load() if names is None else names
    table = Table()
    for key in ("id", "detected", "kind", "urgency", "categories", "source", "title"):
        table.add_column(t(key, lang))
    for c in changes:
        urgency = c.urgency or "-"
        table.add_row(
            str(c.id),
            c.detected_at.strftime("%Y-%m-%d %H:%M"),
            Text(str(c.kind), style=_KIND_STYLE.get(str(c.kind), "")),
            Text(
                t(f"urgency_{urgency}", lang) if c.urgency else "-",
                style=_URGENCY_STYLE.get(urgency, ""),
            ),
            ", ".join(names.name(cat, lang) for cat in c.categories),
            c.source_id,
            Text(clean(c.title, 60) + (" ★" if c.watch_hits else "")),
        )
    return table


def change_text(change: Change, lang: str, names: CategoryNames | None = None) -> Text:
    """One change with its diff: added green ``{+…+}``, removed red ``[-…-]``, context dim."""
    names = CategoryNames.load() if names is None else names
    out = Text()
    out.append(f"#{change.id} ", style="bold")
    out.append(clean(change.title), style="bold")
    out.append(f"\n{t('kind', lang)}: ")
    out.append(str(change.kind), style=_KIND_STYLE.get(str(change.kind), ""))
    out.append(f"   {t('source', lang)}: {change.source_id}")
    out.append(f"\n{t('url', lang)}: {clean(change.url)}")
    out.append(f"\n{t('detected', lang)}: {change.detected_at.isoformat()}")
    if change.published_at:
        out.append(f"   {t('published', lang)}: {change.published_at.isoformat()}")
    if change.urgency:
        out.append(f"\n{t('urgency', lang)}: ")
        out.append(t(f"urgency_{change.urgency}", lang), style=_URGENCY_STYLE.get(change.urgency))
        cats = ", ".join(names.name(c, lang) for c in change.categories)
        out.append(f"   {t('categories', lang)}: {cats}")
    if change.effective_dates:
        out.append(f"\n{t('effective', lang)}: {', '.join(change.effective_dates)}", style="bold")
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
                out.append(f"  {clean(line, one_line=False)}\n", style="dim")
        elif op.op == "insert":
            for line in op.new:
                out.append(f"+ {clean(line, one_line=False)}\n", style="green")
        elif op.op == "delete":
            for line in op.old:
                out.append(f"- {clean(line, one_line=False)}\n", style="red")
        else:
            out.append("~ ", style="yellow")
            for tag, fragment in op.inline:  # wdiff markers, so the edit shows without colour too
                text = clean(fragment, one_line=False).replace("\n", "\n  ")
                if tag == "=":
                    out.append(text)
                else:
                    marks = ("{+", "+}") if tag == "+" else ("[-", "-]")
                    out.append(
                        f"{marks[0]}{text}{marks[1]}",
                        style="bold green" if tag == "+" else "bold red",
                    )
            out.append("\n")
    return out
