"""Fetch-anomaly detection: login walls, captchas, error shells, empty or shrunken pages."""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from policyradar.resources import data_path
from policyradar.text.normalise import meaningful

logger = logging.getLogger(__name__)

GUARD_FILE = data_path("guard.toml")
_SPACE_RE = re.compile(r"\s+")

LOGIN_WALL = "login wall"
CAPTCHA = "captcha"
ERROR_PAGE = "error page"
EMPTY_PAGE = "empty page"


@dataclass(frozen=True, slots=True)
class GuardRules:
    """Compiled markers and limits from ``data/guard.toml``."""

    login_url: re.Pattern[str]
    signin: re.Pattern[str]
    credential: re.Pattern[str]
    captcha: re.Pattern[str]
    error: re.Pattern[str]
    short_page: int
    error_text_max: int
    shrink_min_previous: int
    shrink_ratio: float


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
    Reasons: "login wall", "captcha", "error page", "empty page", or "content shrank from N to
    M characters". Marker checks apply only to short pages, so a long page that mentions
    "sign in" in a sentence passes.
    """
    rules = rules or load_rules()
    if final_url and rules.login_url.search(final_url):
        return LOGIN_WALL
    if length is None:
        length = len(meaningful(text))
    reason = _marker_reason(rules, text, title, length)
    if reason is not None:
        return reason
    if length < min_length:
        return EMPTY_PAGE
    if _shrank(rules, previous_length, length):
        return f"content shrank from {previous_length} to {length} characters"
    return None


def _marker_reason(rules: GuardRules, text: str, title: str, length: int) -> str | None:
    if length >= rules.short_page:
        return None
    text, title = _flat(text), _flat(title)
    both = f"{title}\n{text}"
    if rules.signin.search(both) and rules.credential.search(both):
        return LOGIN_WALL
    if rules.captcha.search(both):
        return CAPTCHA
    if rules.error.search(title) or (length < rules.error_text_max and rules.error.search(text)):
        return ERROR_PAGE
    return None


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
    limits, login = data["limits"], data["login"]
    logger.debug("loaded guard rules from %s", path)
    return GuardRules(
        login_url=re.compile("|".join(f"(?:{p})" for p in login["url_patterns"]), re.IGNORECASE),
        signin=_markers(login["signin_markers"]),
        credential=_markers(login["credential_markers"]),
        captcha=_markers(data["captcha"]["markers"]),
        error=_markers(data["error"]["markers"]),
        short_page=int(limits["short_page"]),
        error_text_max=int(limits["error_text_max"]),
        shrink_min_previous=int(limits["shrink_min_previous"]),
        shrink_ratio=float(limits["shrink_ratio"]),
    )


def _markers(markers: list[str]) -> re.Pattern[str]:
    """One case-insensitive regex; Latin markers match as whole words, any apostrophe matches."""
    alternatives = []
    for marker in sorted(markers, key=len, reverse=True):
        escaped = re.escape(marker.strip()).replace("'", "['’]").replace(r"\ ", r"\s+")
        alternatives.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile("|".join(alternatives), re.IGNORECASE)
