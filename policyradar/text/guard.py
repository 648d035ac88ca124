"""Fetch-anomaly detection: login walls, captchas, error shells, garbled, empty or shrunken pages.

Two entry points. `detect_anomaly` reads one fetched page on its own: its final URL, title and
text, and its length against the stored version's. `unlike_previous` reads it against the stored
version's text: an error shell that replaced a real page keeps little of it and brings error
wording the page never had (crawler/pipelines/version.py asks it before diffing).
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from policyradar.resources import data_path
from policyradar.text.charset import garble
from policyradar.text.normalise import meaningful
from policyradar.text.triggers import TriggeredAlternation

logger = logging.getLogger(__name__)

GUARD_FILE = data_path("guard.toml")
_SPACE_RE = re.compile(r"\s+")
_GRAM = 5  # characters per shingle when comparing a text with the stored version

LOGIN_WALL = "login wall"
_NEAR = 100  # characters around a boilerplate literal that its phrase lies in
GARBLE_CHARS = 8_000  # of a text read for garbling: a wrong charset garbles all of it
_GARBLE_PIECES = 4  # a whole page is read in this many pieces spread over it
CAPTCHA = "captcha"
ERROR_PAGE = "error page"
EMPTY_PAGE = "empty page"
GARBLED = "garbled text"
UNLIKE = "error page (replaces the stored text)"


@dataclass(frozen=True, slots=True)
class GuardRules:
    """Compiled markers and limits from ``data/guard.toml``."""

    login_url: re.Pattern[str]
    signin: re.Pattern[str]
    credential: re.Pattern[str]
    captcha: re.Pattern[str]
    error: re.Pattern[str]  # error-shell markers: one is enough on a short page
    wording: re.Pattern[str]  # error markers and the soft wording of shells ("try again")
    boilerplate: re.Pattern[str]
    boilerplate_cues: TriggeredAlternation  # literals one of which every boilerplate line holds
    form_share: float
    short_page: int
    shrink_min_previous: int
    shrink_ratio: float
    template_max: int
    template_share: float
    short_chars: int
    short_share: float
    title_share: float
    unlike_kept: float
    unlike_length: float
    unlike_wording: float
    garble_min: int
    garble_share: float
    mojibake_min: int
    mojibake_share: float
    messy_share: float


def detect_anomaly(
    *,
    text: str,
    title: str = "",
    final_url: str = "",
    previous_length: int | None = None,
    length: int | None = None,
    min_length: int = 10,
    rules: GuardRules | None = None,
) -> str | None:
    """Return a short reason when a fetch is not a real version of the page, else None.

    ``text`` is the extracted (ideally normalised) main text, ``previous_length`` the meaningful
    length of the last stored version, ``length`` the text's own (computed when not given).
    Reasons: "login wall", "captcha", "garbled text", "error page", "empty page", or "content
    shrank from N to M characters". Login and captcha markers apply only to short pages, so a long
    page that mentions "sign in" in a sentence passes; error wording counts by its share of what
    the page says apart from cookie and copyright lines, so news quoting an error message passes.
    """
    rules = rules or load_rules()
    if final_url and rules.login_url.search(final_url):
        return LOGIN_WALL
    if garbled(f"{title}\n{text[:GARBLE_CHARS]}", rules):  # mis-decoding garbles it all
        return GARBLED
    if length is None:
        length = len(meaningful(text))
    reason = _marker_reason(rules, text, title, length)
    if reason is not None:
        return reason
    if _is_template(rules, text, title, length):
        return ERROR_PAGE
    if length < min_length:
        return EMPTY_PAGE
    if _shrank(rules, previous_length, length):
        return f"content shrank from {previous_length} to {length} characters"
    return None


def unlike_previous(
    text: str,
    previous: str,
    *,
    title: str = "",
    rules: GuardRules | None = None,
    lengths: tuple[int, int] = (0, 0),
) -> str | None:
    """Return a reason when ``text`` is an error shell standing in for the stored ``previous``
    (both normalised texts, see `policyradar.text.normalise`).

    All of: error wording that ``previous`` never had, less than [unlike] ``kept`` of its
    5-grams, shorter than ``length`` times it, and error wording on ``wording`` of its own text.
    A news page whose every story changed overnight keeps its length; a page that was edited
    keeps most of its text. ``lengths``: the meaningful lengths of both, when known (0: not).
    """
    rules = rules or load_rules()
    new_length = lengths[0] or len(meaningful(text, normalised=True))
    old_length = lengths[1] or len(meaningful(previous, normalised=True))
    if not new_length or new_length >= rules.unlike_length * old_length:
        return None  # cheap first: most edits keep the page's length
    core, old = meaningful(text, normalised=True), meaningful(previous, normalised=True)
    if _covered(rules.wording, text) < rules.unlike_wording * len(core):
        return None
    fresh = _phrases(rules.wording, f"{title}\n{text}") - _phrases(rules.wording, previous)
    if not fresh or _kept_share(old, core) >= rules.unlike_kept:
        return None
    logger.debug("unlike the stored version, with new wording %s", sorted(fresh))
    return UNLIKE


def garbled_page(page: str, rules: GuardRules | None = None) -> bool:
    """:func:`garbled` read on `GARBLE_CHARS` of a whole page (its HTML, say), in pieces spread
    from its start to its end: a wrong charset garbles all of the page, and a page's head is
    mostly ASCII markup, so its start alone could miss it.
    """
    if len(page) <= GARBLE_CHARS:
        return garbled(page, rules)
    size = GARBLE_CHARS // _GARBLE_PIECES
    step = (len(page) - size) // (_GARBLE_PIECES - 1)
    pieces = (page[i * step : i * step + size] for i in range(_GARBLE_PIECES))
    return garbled("\n".join(pieces), rules)


def garbled(text: str, rules: GuardRules | None = None) -> bool:
    """Whether ``text`` reads as mis-decoded or binary ([garble] limits).

    Replacement or control characters, UTF-8 shown as Latin-1, or chaos in charset-normalizer's
    sense (rare CJK from UTF-8 read as GBK, random bytes).
    """
    rules = rules or load_rules()
    found = garble(text)
    if not found.chars:
        return False
    least = max(rules.garble_min, rules.garble_share * found.chars)
    return (
        found.replacement >= least
        or found.controls >= least
        or found.mojibake >= max(rules.mojibake_min, rules.mojibake_share * found.non_ascii)
        or found.messy >= rules.messy_share * found.chars
    )


def _marker_reason(rules: GuardRules, text: str, title: str, length: int) -> str | None:
    if length >= rules.short_page:
        return None
    both = _flat(f"{title}\n{text}")
    if rules.signin.search(both) and _form_line(rules, f"{title}\n{text}"):
        return LOGIN_WALL
    if rules.captcha.search(both):
        return CAPTCHA
    title = _flat(title)
    core = len(meaningful(title))
    if (
        core
        and rules.error.search(title)
        and _covered(rules.wording, title) >= rules.title_share * core
    ):
        return ERROR_PAGE
    return None


def _is_template(rules: GuardRules, text: str, title: str, length: int) -> bool:
    """Whether what the page says, apart from boilerplate lines, is mostly error wording."""
    body, dropped = _without_boilerplate(rules, text)
    core = max(0, length - len(meaningful(dropped))) if dropped else length
    if not core:  # only a cookie notice and a footer: the title tells what the page was
        title_core = len(meaningful(title))
        covered = _covered(rules.wording, title)
        return bool(text.strip()) and title_core > 0 and covered >= rules.title_share * title_core
    if core > rules.template_max:
        return False
    covered, phrases = _wording(rules.wording, body)
    strict = bool(rules.error.search(body) or rules.error.search(title))
    if covered >= rules.template_share * core:
        return strict or len(phrases) >= 2
    return (
        core <= rules.short_chars
        and covered >= rules.short_share * core
        and strict
        and len(phrases) >= 2
    )


def _without_boilerplate(rules: GuardRules, text: str) -> tuple[str, str]:
    """``text`` without its lines that hold a boilerplate marker (cookie, ©, Ray ID), and those
    lines (joined: what the page's meaningful length loses with them).
    """
    ends = rules.boilerplate_cues.literal_ends(text)
    if ends is None:
        found = [m.start() for m in rules.boilerplate.finditer(text)]
    else:  # only around the markers' literals: the pattern opens with a lookbehind
        found = _matches_near(rules.boilerplate, text, ends)
    if not found:
        return text, ""
    lines = text.split("\n")
    dropped, line, position = set(), 0, 0
    for start in found:
        line += text.count("\n", position, start)
        position = start
        dropped.add(line)
    kept = "\n".join(t for i, t in enumerate(lines) if i not in dropped)
    return kept, "\n".join(lines[i] for i in sorted(dropped))


def _matches_near(pattern: re.Pattern[str], text: str, ends: list[int]) -> list[int]:
    """Starts of ``pattern``'s matches that hold a literal ending at one of ``ends``: each
    searched for in `_NEAR` characters around its literal (a boilerplate marker is a short
    phrase), not over the whole text.
    """
    found: list[int] = []
    for end in ends:
        m = pattern.search(text, max(0, end - _NEAR), end + _NEAR)
        while m is not None and m.start() <= end:
            if not found or m.start() > found[-1]:
                found.append(m.start())
            m = pattern.search(text, m.end(), end + _NEAR)
    return found


def _form_line(rules: GuardRules, text: str) -> bool:
    """Whether a credential marker stands on a line of its own, as a form label or link does."""
    return any(
        _covered(rules.credential, line) >= rules.form_share * len(meaningful(line))
        for line in text.splitlines()
        if rules.credential.search(line)
    )


def _covered(pattern: re.Pattern[str], text: str) -> int:
    """Meaningful characters of ``text`` inside matches of ``pattern``."""
    return _wording(pattern, text)[0]


def _phrases(pattern: re.Pattern[str], text: str) -> set[str]:
    return _wording(pattern, text)[1]


def _wording(pattern: re.Pattern[str], text: str) -> tuple[int, set[str]]:
    """The meaningful characters inside matches of ``pattern``, and the phrases matched."""
    matched = [m.group() for m in pattern.finditer(text)]
    return sum(len(meaningful(g)) for g in matched), {" ".join(g.lower().split()) for g in matched}


def _kept_share(old: str, new: str) -> float:
    """Share of ``old``'s character 5-grams that ``new`` still has (both meaningful text)."""
    grams = _grams(old.lower())
    if not grams:
        return 1.0
    return len(grams & _grams(new.lower())) / len(grams)


def _grams(text: str) -> set[str]:
    return {text[i : i + _GRAM] for i in range(max(len(text) - _GRAM + 1, 0))}


def _shrank(rules: GuardRules, previous: int | None, length: int) -> bool:
    if previous is None or previous < rules.shrink_min_previous:
        return False
    return length < previous * rules.shrink_ratio


def _flat(text: str) -> str:
    return _SPACE_RE.sub(" ", text)


@functools.lru_cache(maxsize=4)
def load_rules(path: Path | str | None = None) -> GuardRules:
    """Load and compile the guard markers (``data/guard.toml`` by default), once per path."""
    path = Path(path or GUARD_FILE)
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    limits, login, error = data["limits"], data["login"], data["error"]
    template, unlike, garble_ = data["template"], data["unlike"], data["garble"]
    logger.debug("loaded guard rules from %s", path)
    boilerplate = _markers(data["boilerplate"]["markers"])
    return GuardRules(
        login_url=re.compile("|".join(f"(?:{p})" for p in login["url_patterns"]), re.IGNORECASE),
        signin=_markers(login["signin_markers"]),
        credential=_markers(login["credential_markers"]),
        captcha=_markers(data["captcha"]["markers"]),
        error=_markers(error["markers"]),
        wording=_markers([*error["markers"], *error.get("soft_markers", [])]),
        boilerplate=boilerplate,
        boilerplate_cues=TriggeredAlternation((boilerplate.pattern,)),
        form_share=float(login["form_share"]),
        short_page=int(limits["short_page"]),
        shrink_min_previous=int(limits["shrink_min_previous"]),
        shrink_ratio=float(limits["shrink_ratio"]),
        template_max=int(template["max_chars"]),
        template_share=float(template["share"]),
        title_share=float(template["title_share"]),
        short_chars=int(template["short_chars"]),
        short_share=float(template["short_share"]),
        unlike_kept=float(unlike["kept"]),
        unlike_length=float(unlike["length"]),
        unlike_wording=float(unlike["wording"]),
        garble_min=int(garble_["min_count"]),
        garble_share=float(garble_["share"]),
        mojibake_min=int(garble_["mojibake_min"]),
        mojibake_share=float(garble_["mojibake_share"]),
        messy_share=float(garble_["messy_share"]),
    )


def _markers(markers: list[str]) -> re.Pattern[str]:
    """One case-insensitive regex; Latin markers match as whole words, any apostrophe matches.

    The markers are merged into a trie ("系统繁忙" and "系统忙" share "系统"), so a text is read
    once instead of once per marker: the guard reads every page.
    """
    trie: dict[str, dict] = {}
    for marker in markers:
        node = trie
        for unit in _units(marker.strip().lower()):
            node = node.setdefault(unit, {})
        node[""] = {}  # a marker ends here
    return re.compile(rf"(?<![a-z0-9])(?:{_trie_regex(trie)})(?![a-z0-9])", re.IGNORECASE)


def _units(marker: str) -> list[str]:
    units = []
    for char in marker:
        if char in "'’":
            units.append("['’]")
        elif char.isspace():
            if units[-1:] != [r"\s+"]:
                units.append(r"\s+")
        else:
            units.append(re.escape(char))
    return units


def _trie_regex(node: dict[str, dict]) -> str:
    """The longest-first regex of a marker trie (a marker that ends here may go on)."""
    branches = [unit + _trie_regex(child) for unit, child in sorted(node.items()) if unit]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body
