"""A change in one line, in Chinese and in English, from what tagging found: its category, the
marketplace, its facts (old → new) and its effective date, e.g.
"【费用·美国站】小号标准尺寸商品的配送费 $3.02 → $3.15（+4.3%），2026-01-15 起生效".

Deterministic and pure: the same change gives the same line; an English notice gets a Chinese
line (its labels stay as the notice words them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from policyradar.i18n import LANGUAGES, word
from policyradar.text.clean import clean

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import date

    from policyradar.records import Fact
    from policyradar.tagging.glossary import Glossary
    from policyradar.tagging.names import CategoryNames

_HAN = re.compile(r"[\u3400-\u9fff]")
SUBJECT_CHARS = 48  # of a title standing in for the subject
SHOWN_FACTS = 2  # facts in the line; the rest are counted
UNPLACED = frozenset({"GLOBAL", "ALL", "CN"})  # a source's marketplace that names no store


def summarise(
    *,
    kind: str,
    title: str,
    categories: Sequence[str],
    facts: Sequence[Fact],
    effective_dates: Sequence[str],
    marketplace: str,
    names: CategoryNames,
    today: date | None = None,
    translate: Callable[[str, str], str] | None = None,
) -> dict[str, str]:
    """The one-line summary of a change in each language, ``{"zh": …, "en": …}``.

    ``marketplace`` is a code (US, EU…); ``today`` picks the effective date shown (the first on
    or after it, else the last); ``translate(term, lang)`` may put a label into ``lang``.
    """
    return {
        lang: line(
            lang,
            kind=kind,
            title=title,
            categories=categories,
            facts=facts,
            effective_dates=effective_dates,
            marketplace=marketplace,
            names=names,
            today=today,
            translate=translate,
        )
        for lang in LANGUAGES
    }


def line(
    lang: str,
    *,
    kind: str,
    title: str,
    categories: Sequence[str],
    facts: Sequence[Fact],
    effective_dates: Sequence[str],
    marketplace: str,
    names: CategoryNames,
    today: date | None = None,
    translate: Callable[[str, str], str] | None = None,
) -> str:
    """The summary in ``lang`` (see `summarise`)."""
    tags = [names.name(c, lang) for c in (list(categories) or ["other"])[:1]]  # "other" too:
    # every line then has words in the reader's language
    if marketplace and marketplace not in UNPLACED:
        tags.append(market_name(marketplace, lang))
    head = word("summary_tags", lang, tags=word("summary_dot", lang).join(tags)) if tags else ""
    subject = clean(title, SUBJECT_CHARS)
    if facts:
        shown = []
        for fact in facts[:SHOWN_FACTS]:
            label = clean(fact.label) or subject
            label = translate(label, lang) if translate else label
            shown.append(f"{label} {clean(fact.text(lang))}")
        body = word("summary_facts_sep", lang).join(shown)
        if len(facts) > SHOWN_FACTS:
            body += word("summary_more", lang, n=len(facts) - SHOWN_FACTS)
    else:
        if translate and lang != "en" and not _HAN.search(subject):
            glossed = clean(translate(title, lang))  # an English notice: its terms in Chinese
            if glossed.startswith(clean(title)):  # the title, shortened, then its terms
                subject += glossed[len(clean(title)) :]
            else:  # the title is a glossary name
                subject = glossed
        body = subject + (word(f"summary_{kind}", lang) if kind in ("changed", "removed") else "")
    when = _shown_date(effective_dates, today)
    tail = word("summary_effective", lang, date=when) if when else ""
    return f"{head}{body}{tail}"


def glossary_translator(glossary: Glossary) -> Callable[[str, str], str]:
    """A label put into Chinese through the seller glossary: a whole glossary name becomes its
    Chinese name ("Monthly storage fees" → 月度仓储费); else the label keeps its words and gains
    the Chinese names of the glossary terms in it, longest first, at most three ("Two-step
    verification will be required…（两步验证）"). Labels are left as they are in English lines and
    when they are Chinese already.
    """

    def translate(label: str, lang: str) -> str:
        if lang == "en" or _HAN.search(label):
            return label
        if found := _chinese(glossary, label):
            return found
        if terms := chinese_terms(glossary, label):
            return word("aside", lang, text=label, note="、".join(terms))
        return label

    return translate


def chinese_terms(glossary: Glossary, text: str, limit: int = 3) -> list[str]:
    """The Chinese names of the glossary terms in an English ``text``: the longest runs of words
    first, none overlapping, in the order they appear.
    """
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9&'/-]*", text)
    taken = [False] * len(words)
    found: list[tuple[int, str]] = []
    for size in range(min(len(words), glossary.max_pieces), 0, -1):
        for start in range(len(words) - size + 1):
            if any(taken[start : start + size]):
                continue
            name = _chinese(glossary, " ".join(words[start : start + size]))
            if name and name not in (n for _, n in found):
                found.append((start, name))
                taken[start : start + size] = [True] * size
    return [name for _, name in sorted(found)][:limit]


def _chinese(glossary: Glossary, name: str) -> str:
    return next((n for n in glossary.equivalents(name) if _HAN.search(n)), "")


def market_name(code: str, lang: str) -> str:
    """A marketplace's name in ``lang`` (美国站, US); an unknown code names itself."""
    from policyradar.tagging.marketplaces import load_table

    return load_table().name(code, lang)


def _shown_date(dates: Sequence[str], today: date | None) -> str:
    if not dates:
        return ""
    ahead = [d for d in dates if today is None or d[:10] >= today.isoformat()]
    return (ahead[0] if ahead else dates[-1])[:10]


def stored_summary(data: object) -> dict[str, str]:
    """A stored summary (``{"zh": …, "en": …}``); anything else is an empty one."""
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def summary_in(summary: Mapping[str, str], lang: str) -> str:
    """The line in ``lang``, else in the other language, else ""."""
    return summary.get(lang) or next((v for v in summary.values() if v), "")
