"""What a change means to one seller: the programmes it is about (FBA, FBM, Brand Registry),
the products it names, and whether the seller's `[profile]` leaves it out or puts it first.

The words are ``data/profile.toml``. A change is about a programme when its title (else the
first lines of what changed) names it, or, naming none, when its only specific category is that
programme's (``fba``, ``fbm``); naming something every seller has (referral fees, the selling
plan) makes it everyone's. Pure functions over a table loaded once.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policyradar.resources import data_path
from policyradar.tagging.marketplaces import GLOBAL, covers, load_table

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from policyradar.config import Profile

PROFILE_FILE = "profile.toml"
LEAD_CHARS = 300  # of the changed text read for programmes when the title names none
PRODUCT_CHARS = 3000  # of the changed text read for products
BRAND = "BRAND"
_LATIN = "A-Za-z0-9\u00c0-\u024f"
_GENERIC = frozenset({"other", "fees"})  # categories that say nothing of a programme


@dataclass(frozen=True, slots=True)
class ProfileWords:
    """Patterns of each programme, of each product category, and of what every seller has."""

    programmes: dict[str, re.Pattern[str]]
    programme_categories: dict[str, frozenset[str]]
    products: dict[str, re.Pattern[str]]
    names: dict[str, tuple[str, str]]  # programme or product id -> (zh, en)
    everyone: re.Pattern[str]


@functools.cache
def load_words() -> ProfileWords:
    """The shipped words, read once."""
    data = tomllib.loads(data_path(PROFILE_FILE).read_text(encoding="utf-8"))
    programmes = data.get("programme", {})
    products = data.get("product", {})
    names = {
        key: (str(raw.get("name_zh") or key), str(raw.get("name_en") or key))
        for table in (programmes, products)
        for key, raw in table.items()
    }
    return ProfileWords(
        programmes={k: _pattern(v.get("terms", ())) for k, v in programmes.items()},
        programme_categories={k: frozenset(v.get("categories", ())) for k, v in programmes.items()},
        products={k: _pattern(v.get("terms", ())) for k, v in products.items()},
        names=names,
        everyone=_pattern(data.get("everyone", {}).get("terms", ())),
    )


def programmes_of(title: str, text: str = "", categories: Sequence[str] = ()) -> frozenset[str]:
    """The programmes a change is about (FBA, FBM, BRAND), or none when it concerns every seller
    (it names no programme, or also names what every seller has).
    """
    words = load_words()
    for scope in (title, text[:LEAD_CHARS]):
        if not scope:
            continue
        named = frozenset(p for p, pattern in words.programmes.items() if pattern.search(scope))
        if words.everyone.search(scope):
            return frozenset()
        if named:
            return named
    specific = set(categories) - _GENERIC
    if not specific:
        return frozenset()
    by_category = {p for p, cats in words.programme_categories.items() if specific & cats}
    covered = set().union(*(words.programme_categories[p] for p in by_category))
    return frozenset(by_category) if specific <= covered else frozenset()


def products_of(*texts: str) -> frozenset[str]:
    """The product categories ``texts`` name (apparel, toys…)."""
    words = load_words()
    return frozenset(
        p
        for p, pattern in words.products.items()
        if any(pattern.search(t[:PRODUCT_CHARS]) for t in texts if t)
    )


def unused_programmes(profile: Profile) -> frozenset[str]:
    """The programmes the seller says they do not use."""
    unused = set()
    if profile.fulfilment:
        unused |= {"FBA", "FBM"} - set(profile.fulfilment)
    if profile.brand_registered is False:
        unused.add(BRAND)
    return frozenset(unused)


def left_out(
    *,
    title: str,
    text: str,
    categories: Sequence[str],
    marketplaces: Sequence[str],
    profile: Profile,
    wanted_marketplaces: Iterable[str] = (),
) -> bool:
    """Whether the seller has no use for the change: it is only about marketplaces they do not
    sell on (``wanted_marketplaces``, default the profile's), or only about programmes they do
    not use. It stays searchable; it is only not sent.
    """
    wanted = tuple(wanted_marketplaces) or profile.marketplaces
    if wanted and not covers(marketplaces, wanted):
        return True
    unused = unused_programmes(profile)
    if not unused:
        return False
    about = programmes_of(title, text, categories)
    return bool(about) and about <= unused


def relevance(
    *,
    title: str,
    text: str,
    categories: Sequence[str],
    marketplaces: Sequence[str],
    profile: Profile,
) -> int:
    """How closely the change fits the seller, for ordering (0: no closer than anyone's): it
    names a product they sell (2), names a marketplace of theirs (1), a programme they use (1).
    """
    score = 0
    if profile.product_categories and products_of(title, text) & set(profile.product_categories):
        score += 2
    places = set(marketplaces) - {GLOBAL}
    if profile.marketplaces and places & set(load_table().expand(profile.marketplaces)):
        score += 1
    used = {"FBA", "FBM"} & set(profile.fulfilment)
    if profile.brand_registered:
        used.add(BRAND)
    if used and programmes_of(title, text, categories) & used:
        score += 1
    return score


def name(key: str, lang: str = "zh") -> str:
    """A programme's or product category's name in ``lang``."""
    zh, en = load_words().names.get(key, (key, key))
    return en if lang == "en" else zh


def _pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """Any of ``terms``, case-insensitively; Latin ones as whole words, longest first."""
    pieces = []
    for term in sorted({t for t in terms if t.strip()}, key=len, reverse=True):
        body = re.escape(term).replace(r"\ ", r"\s+")
        if re.match(f"[{_LATIN}]", term):
            body = f"(?<![{_LATIN}]){body}"
        if re.search(f"[{_LATIN}]$", term):
            body += f"(?![{_LATIN}])"
        pieces.append(body)
    return re.compile("|".join(pieces) or r"(?!)", re.IGNORECASE)
