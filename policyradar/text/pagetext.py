"""A fetched page to comparable text: main text, normalised, checked and fingerprinted.

One pure function over picklable values, so the crawl can run it in a worker process
(see `policyradar.crawler.offload`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from policyradar.text.extraction import SelectorMissError, html_to_text, main_text
from policyradar.text.guard import detect_anomaly
from policyradar.text.normalise import fingerprint, meaningful, normalise


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """What `page_text` needs of one response and its source."""

    html: str  # "" when the spider has plain text already (feeds, APIs)
    text: str
    title: str
    url: str
    final_url: str = ""
    selector: str | tuple[str, ...] | None = None  # the source's body selectors; none: trafilatura
    remove: tuple[str, ...] = ()  # the source's remove selectors: parts deleted before reading
    ignore: tuple[str, ...] = ()  # the source's own volatile-text patterns
    previous_length: int | None = None  # meaningful length of the stored version


@dataclass(frozen=True, slots=True, kw_only=True)
class PageText:
    """The page's normalised text and title, or the anomaly that keeps it out of the history."""

    text: str = ""
    title: str = ""
    anomaly: str | None = None
    fingerprint: str = ""
    length: int = 0  # characters of meaningful text (what the shrink check compares)
    seconds: dict[str, float] = field(default_factory=dict)  # time per step, for `bench/`


def page_text(page: Page) -> PageText:
    """Extract, normalise, check for anomalies and fingerprint one page."""
    clock = _Clock()
    try:
        text = page.text
        if page.html:
            text = main_text(
                page.html,
                selector=page.selector,
                remove=page.remove,
                url=page.final_url or page.url,
            )
    except SelectorMissError as exc:  # say why when the page is a captcha or a login wall
        reason = detect_anomaly(
            text=html_to_text(page.html), title=page.title, final_url=page.final_url
        )
        return PageText(anomaly=reason or str(exc), seconds=clock.lap("extract"))
    clock.lap("extract")
    text = normalise(text, page.ignore)
    title = " ".join(normalise(page.title).split())
    clock.lap("normalise")
    core = meaningful(text, normalised=True)
    reason = detect_anomaly(
        text=text,
        title=title,
        final_url=page.final_url,
        previous_length=page.previous_length,
        length=len(core),
    )
    clock.lap("guard")
    if reason:
        return PageText(text=text, title=title, anomaly=reason, seconds=clock.seconds)
    digest = fingerprint(text, core=core)
    clock.lap("fingerprint")
    return PageText(
        text=text, title=title, fingerprint=digest, length=len(core), seconds=clock.seconds
    )


class _Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> dict[str, float]:
        now = time.perf_counter()
        self.seconds[step] = now - self._last
        self._last = now
        return self.seconds
