"""``sources check``: fetch each source once and judge whether it still parses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.http import HtmlResponse, TextResponse

from policyradar.crawler.failures import is_network_reason
from policyradar.sourcekit.capture import trial_crawl
from policyradar.spiders import follows
from policyradar.spiders.adapters import ADAPTERS, AdapterError
from policyradar.spiders.entries import scan_entries
from policyradar.spiders.feed import parse_feed, select_entries

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.config import Config, Source
    from policyradar.sourcekit.capture import Captured, TrialRun

OK, WARN, BROKEN = "ok", "warn", "broken"
UNREACHABLE = "unreachable"  # the network failed, not the source: nothing is known of its page
VERDICTS = (OK, WARN, BROKEN, UNREACHABLE)
_BLOCKED = ("login wall", "captcha")


@dataclass(slots=True, kw_only=True)
class SourceHealth:
    """One source's check: what its entry page held and whether it is probably broken."""

    id: str
    kind: str
    url: str
    entries: int = 0  # entries on the list page / feed / API answer (1 for a page)
    documents: int = 0  # documents the crawl produced (lists follow only the first few)
    missing_link: int = 0
    missing_title: int = 0
    missing_date: int = 0
    verdict: str = OK
    reasons: list[str] = field(default_factory=list)

    @property
    def parse_failures(self) -> int:
        return self.missing_link + self.missing_title + self.missing_date

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "parse_failures": self.parse_failures}


def check_sources(
    config: Config, sources: list[Source], workdir: Path, *, articles: int = 3
) -> list[SourceHealth]:
    """Crawl ``sources`` once in a throwaway home and judge each one."""
    run = trial_crawl(config, sources, workdir, articles=articles)
    return [assess(source, run) for source in sources]


def assess(source: Source, run: TrialRun) -> SourceHealth:
    """The health of one source from a trial crawl."""
    health = SourceHealth(id=source.id, kind=source.kind, url=source.entry_urls[0])
    outcome = next((rs for rs in run.report.sources if rs.source_id == source.id), None)
    events = [e for e in run.report.events if e["source_id"] == source.id]
    changes = [c for c in run.changes if c.source_id == source.id]
    health.documents = len(changes) + (outcome.unchanged if outcome else 0)
    problems: list[str] = []
    if source.kind == "page":
        health.entries = 1 if health.documents else 0
    else:
        for captured in run.responses(source.id):
            if captured.index and captured.status == 200:
                problems += _count_entries(source, captured, health)
        health.missing_date = sum(1 for c in changes if c.published_at is None)
    reasons = [f"{e['url']}: {e['reason']}" for e in events]
    blocked = [r for r in reasons if any(mark in r for mark in _BLOCKED)]
    index_failed = bool(outcome and outcome.outcome == "error" and not health.documents)
    offline = [e["reason"] for e in events if is_network_reason(e["reason"])]
    if index_failed and offline and len(offline) == len(events):
        health.verdict = UNREACHABLE  # says nothing of the page: the way to it failed
        health.reasons = sorted(set(offline))
    elif blocked:
        health.verdict = BROKEN
        health.reasons = blocked
    elif index_failed or health.entries == 0:
        health.verdict = BROKEN
        health.reasons = reasons or problems or ["no entries: the selectors matched nothing"]
    elif follows(source) and health.documents == 0:
        health.verdict = BROKEN
        health.reasons = reasons or ["no article could be read"]
    else:
        health.reasons = problems + reasons
        if health.parse_failures:
            health.reasons.append(
                f"{health.parse_failures} parse failure(s): {health.missing_link} without link, "
                f"{health.missing_title} without title, {health.missing_date} without date"
            )
        health.verdict = WARN if health.reasons else OK
    return health


def _count_entries(source: Source, captured: Captured, health: SourceHealth) -> list[str]:
    """Count the entries of one captured entry response into ``health``; return problems."""
    body, ctype = captured.body, captured.content_type
    if source.kind == "listing":
        response = HtmlResponse(captured.url, body=body, headers={"Content-Type": ctype})
        if not isinstance(response, TextResponse):
            return ["the list page is not text"]
        scan = scan_entries(response.text, captured.url, source)
        health.entries += len(scan.entries)
        health.missing_link += scan.no_link
        health.missing_title += scan.no_title
        return []
    if source.kind == "feed":
        entries, problem = parse_feed(body, ctype, captured.url)
        health.missing_title += sum(1 for e in entries if not e["title"])
        health.entries += len(select_entries([e for e in entries if e["title"]], source.filters))
        return [problem] if problem else []
    try:
        records = ADAPTERS[source.adapter or ""](captured.url, source.params).parse(body)
    except AdapterError as exc:
        return [str(exc)]
    health.missing_title += sum(1 for r in records if not r.title)
    health.entries += sum(1 for r in records if r.title)
    return []
