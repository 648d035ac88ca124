"""Which marketplaces a change is about: the places its text names, else its source's own.

The table is ``data/marketplaces.toml``: one store a ``[marketplace.CODE]``, several a
``[region.CODE]`` (欧洲站 / EU is DE, FR, IT, ES, NL, PL, SE, BE, IE). A text names a place
strongly (美国站, 亚马逊日本, "our European stores", amazon.de), weakly (美国, Germany, EU) or
only by its money (€, 日元). A source with a marketplace of its own (US) is overridden only by a
strong sign, so a US forum post about fees "in our European stores" is about the EU and not the
US, while "made in Japan" leaves it a US post; a GLOBAL source takes any sign, the money last.
``GLOBAL`` is what nothing narrower applies to. Pure functions over a table loaded once.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policyradar.resources import data_path

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

GLOBAL = "GLOBAL"
# A source's marketplace that names no store: what it publishes is for every seller.
UNPLACED = frozenset({"", GLOBAL, "ALL", "CN"})
MARKETPLACES_FILE = "marketplaces.toml"
_STORE = r"(?i:stores?|marketplaces?|sites?|Marktpl(?:atz|ätzen?))"
_LATIN = "A-Za-z\u00c0-\u024f"
WINDOW = 40  # characters around a name that a strong sign may take ("stores in the …")
MARKET_CHARS = 6_000  # of a text read for the places it names


@dataclass(frozen=True, slots=True)
class Place:
    """A marketplace (``members`` empty) or a region of several."""

    code: str
    zh: str
    en: str
    members: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    currencies: tuple[str, ...] = ()

    @property
    def is_region(self) -> bool:
        return bool(self.members)


@dataclass(frozen=True, slots=True)
class Signs:
    """The places one text names, by strength, each in order of first mention."""

    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    money: tuple[str, ...] = ()


class MarketplaceTable:
    """The places of ``data/marketplaces.toml`` and the patterns that find them in text."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.places = {p.code: p for p in places}
        self._compiled: dict[str, tuple[re.Pattern[str], ...]] = {}  # filled as names are met
        self._anchors = _anchors(self.places.values())

    @classmethod
    def from_data(cls, data: dict[str, object]) -> MarketplaceTable:
        places = []
        for kind in ("marketplace", "region"):
            tables = data.get(kind, {})
            assert isinstance(tables, dict)
            for code, raw in tables.items():
                places.append(
                    Place(
                        code=code,
                        zh=str(raw.get("zh") or code),
                        en=str(raw.get("en") or code),
                        members=tuple(raw.get("members", ())),
                        names=tuple(raw.get("names", ())),
                        adjectives=tuple(raw.get("adjectives", ())),
                        domains=tuple(raw.get("domains", ())),
                        currencies=tuple(raw.get("currencies", ())),
                    )
                )
        return cls(places)

    def codes(self) -> tuple[str, ...]:
        """Every code, marketplaces first, then regions, in the file's order."""
        return tuple(self.places)

    def marketplace_codes(self) -> tuple[str, ...]:
        return tuple(c for c, p in self.places.items() if not p.is_region)

    def expand(self, codes: Iterable[str]) -> tuple[str, ...]:
        """Regions as their members; marketplaces in the table's order, then unknown codes
        (kept as given), ``GLOBAL`` alone when nothing else is left.
        """
        wanted: set[str] = set()
        for code in codes:
            place = self.places.get(code)
            wanted.update(place.members if place and place.is_region else (code,))
        wanted.discard("")
        order = self.marketplace_codes()
        known = [c for c in order if c in wanted]
        rest = sorted(wanted - set(order) - UNPLACED)
        found = known + rest
        return tuple(found) if found else ((GLOBAL,) if wanted else ())

    def name(self, code: str, lang: str = "zh") -> str:
        """The place's name in ``lang`` (德国站 / Germany); an unknown code names itself."""
        place = self.places.get(code)
        if place is None:
            return {"zh": "全球", "en": "Global"}[_lang(lang)] if code == GLOBAL else code
        return place.en if lang == "en" else place.zh

    def shown(self, codes: Sequence[str]) -> tuple[str, ...]:
        """Codes as a reader wants them: a region whose every member is there stands for them
        (DE, FR … IE → EU).
        """
        left = list(dict.fromkeys(codes))
        result: list[str] = []
        for place in self.places.values():
            if place.is_region and len(place.members) > 1 and set(place.members) <= set(left):
                result.append(place.code)
                left = [c for c in left if c not in place.members]
        return tuple(result + left)

    def signs(self, text: str) -> Signs:
        """The places ``text`` names, strongly, weakly and by money, each in order of mention.

        Traditional Chinese reads as Simplified. Names are found first (Aho-Corasick: a name
        inside a longer one, such as 印度 in 印度尼西亚 or "amazon.com" in
        "sellercentral-europe.amazon.com", is the longer one's); only the few characters around
        each are matched against its place's patterns (the patterns of every place over a whole
        page took 26 s for 100k characters).
        """
        if not text:
            return Signs()
        text = _simplified(text)
        tiers: tuple[dict[str, None], ...] = ({}, {}, {})
        for start, stop, code in self._hits(text):
            offset = max(0, start - WINDOW)
            window = text[offset : stop + WINDOW]
            here, there = start - offset, stop - offset
            for tier, pattern in zip(tiers, self._patterns(code), strict=True):
                if code not in tier and any(
                    m.start() <= here and m.end() >= there for m in pattern.finditer(window)
                ):
                    tier[code] = None
        return Signs(strong=tuple(tiers[0]), weak=tuple(tiers[1]), money=tuple(tiers[2]))

    def _patterns(self, code: str) -> tuple[re.Pattern[str], ...]:
        """A place's strong, weak and money patterns, compiled the first time a text names it
        (compiling every place's took longer than a crawl's first change).
        """
        compiled = self._compiled.get(code)
        if compiled is None:
            place = self.places[code]
            makers = (_strong_patterns, _weak_patterns, _money_patterns)
            compiled = self._compiled[code] = tuple(_compile(make(place)) for make in makers)
        return compiled

    def _hits(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, stop, code)`` of each name in ``text``, none inside a longer one."""
        found = []
        for (automaton, codes), haystack in zip(self._anchors, (text, _lower(text)), strict=True):
            matches = automaton.find_matches_as_indexes(haystack, overlapping=True)
            found += [(start, end, codes[index]) for index, start, end in matches]
        found.sort(key=lambda h: (h[0], -h[1]))
        kept: list[tuple[int, int, str]] = []
        reach = -1
        for hit in found:
            if hit[1] <= reach:  # inside an earlier, longer name
                continue
            kept.append(hit)
            reach = max(reach, hit[1])
        return kept


@functools.cache
def load_table() -> MarketplaceTable:
    """The shipped table, read once."""
    with data_path(MARKETPLACES_FILE).open("rb") as handle:
        return MarketplaceTable.from_data(tomllib.load(handle))


def named_places(texts: Sequence[str], source: str = "") -> tuple[str, ...]:
    """The places a change names, as named (regions whole): strong signs of the first text with
    any; for a source without a marketplace of its own, also weak signs, then money; else the
    source's marketplace, else ``GLOBAL``. ``texts`` go from the most to the least telling (the
    changed text, its section, the title, the whole document).
    """
    own = (source or "").strip().upper()
    specific = own not in UNPLACED
    for text in texts:
        signs = signs_of(text)
        if signs.strong:
            return signs.strong
        if not specific and signs.weak:
            return signs.weak
    if specific:
        return (own,)
    for text in texts:
        if (signs := signs_of(text)).money:
            return signs.money
    return (GLOBAL,)


@functools.lru_cache(maxsize=64)
def signs_of(text: str) -> Signs:
    """The places ``text`` names (see `MarketplaceTable.signs`), read in its first
    ``MARKET_CHARS`` characters: a notice names its marketplace early, and a long page would
    cost milliseconds for nothing. Cached: a change's texts are asked about more than once.
    """
    return load_table().signs(text[:MARKET_CHARS]) if text else Signs()


def marketplaces_of(*texts: str, source: str = "") -> list[str]:
    """The marketplaces a change is about, regions expanded (see `named_places`)."""
    return list(load_table().expand(named_places(texts, source)))


def covers(change: Sequence[str], wanted: Iterable[str]) -> bool:
    """Whether a change about ``change`` (expanded codes) concerns a seller on ``wanted``: a
    global change (or one of unknown place) concerns everyone.
    """
    places = set(change)
    if not places or GLOBAL in places or places <= UNPLACED:
        return True
    wanted_codes = set(load_table().expand(wanted))
    return not wanted_codes or bool(places & wanted_codes)


def stored_marketplaces(data: object, source: str = "") -> list[str]:
    """A change's stored list; a change stored before marketplaces were kept has its source's."""
    if isinstance(data, list) and data:
        return [str(c) for c in data]
    own = (source or "").strip().upper()
    return list(load_table().expand([own if own not in UNPLACED else GLOBAL]))


# -- patterns ------------------------------------------------------------------------------------


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _is_cjk(text: str) -> bool:
    return bool(re.search(r"[\u3040-\u30ff\u3400-\u9fff]", text))


def _name(name: str) -> str:
    """A name's own pattern: spaces stretch; a Latin name in capitals (US, EU) matches only in
    capitals, any other in any case.
    """
    body = re.escape(name).replace(r"\ ", r"\s+")
    return body if _is_cjk(name) or name.upper() == name else f"(?i:{body})"


def _word(name: str) -> str:
    """A name as a pattern: a Latin one whole, CJK anywhere."""
    body = _name(name)
    return body if _is_cjk(name) else f"(?<![{_LATIN}]){body}(?![{_LATIN}])"


def _strong_patterns(place: Place) -> list[str]:
    found = []
    for name in place.names:
        if _is_cjk(name):
            n = re.escape(name)
            found += [f"{n}站", f"亚马逊{n}", f"{n}亚马逊"]
        else:
            found += _store_phrases(name)
            found.append(rf"(?<![{_LATIN}])Amazon(?:'s)?\s+{_name(name)}(?![{_LATIN}])")
    for adjective in place.adjectives:
        found += _store_phrases(adjective)
    for domain in place.domains:
        found.append(rf"(?<![\w-])(?i:{re.escape(domain)})(?!\.?[\w-])")  # Amazon.co.jp too
    return found


def _store_phrases(name: str) -> list[str]:
    """Store phrases: "German marketplace", "European stores", "stores in the UK"."""
    if _is_cjk(name):
        return []
    return [
        rf"(?<![{_LATIN}]){_name(name)}\s+{_STORE}(?![{_LATIN}])",
        rf"{_STORE}\s+in\s+(?:the\s+)?{_name(name)}(?![{_LATIN}])",
    ]


def _weak_patterns(place: Place) -> list[str]:
    return [_word(name) for name in place.names]


def _money_patterns(place: Place) -> list[str]:
    found = []
    for sign in place.currencies:
        if _is_cjk(sign) or not re.search(f"[{_LATIN}]", sign):
            found.append(re.escape(sign))  # 日元, €, £
        elif sign.isalpha() and sign.upper() == sign:
            found.append(rf"(?<![{_LATIN}]){sign}(?![{_LATIN}])")  # USD
        else:
            found.append(rf"(?<![{_LATIN}]){re.escape(sign)}")  # US$, R$, zł
    return found


def _simplified(text: str) -> str:
    """``text`` with Traditional Chinese as Simplified (歐洲站 → 欧洲站), all else as it is."""
    if not _is_cjk(text):
        return text
    from policyradar.tagging.text import fold, to_simplified

    if to_simplified(text) == text:  # Simplified already: most Chinese text
        return text
    folded = fold(text)
    if len(folded) != len(text):
        return text
    return "".join(
        f if "\u3040" <= o <= "\u30ff" or "\u3400" <= o <= "\u9fff" else o
        for o, f in zip(text, folded, strict=True)
    )


def _lower(text: str) -> str:
    """``text`` in lower case, one character for one (positions stay the text's)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _anchors(places: Iterable[Place]) -> tuple[Any, Any]:
    """Aho-Corasick automatons of every name, adjective, domain and currency, each with the
    codes of its names' places: one of those in capitals (US, EU, USD) matched as written, one
    of the rest in lower case (so "us" in "August" opens no window).
    """
    import ahocorasick_rs

    exact: dict[str, str] = {}  # name -> its place's code
    folded: dict[str, str] = {}
    for place in places:
        for key in (*place.names, *place.adjectives, *place.domains, *place.currencies):
            if not key:
                continue
            if key.upper() == key and not _is_cjk(key):
                exact[key] = place.code
            else:
                folded[key.lower()] = place.code
    exact_codes, folded_codes = list(exact.values()), list(folded.values())
    return (
        (ahocorasick_rs.AhoCorasick(list(exact)), exact_codes),
        (ahocorasick_rs.AhoCorasick(list(folded)), folded_codes),
    )


def _compile(patterns: list[str]) -> re.Pattern[str]:
    """One place's alternatives of one strength as one pattern (never matching when none)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")
