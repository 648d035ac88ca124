"""The bench's tables, in Markdown (printed, and written to bench/results/latest.md)."""

from __future__ import annotations

from typing import Any

ROUND_NAMES = {
    1: "1 · all new",
    2: "2 · 5 % chg, 1 % new, 1 % gone",
    3: "3 · nothing changed (304)",
}


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _counts(d: dict[str, int]) -> str:
    parts = [f"{k.replace('_', ' ')} {v:,}" for k, v in d.items() if v]
    return ", ".join(parts) or "none"


def _rss(pr: dict[str, Any]) -> str:
    """Peak RSS of the crawl process, or with worker processes the peak of the sum over all
    of them, with each one's own peak and the peak of their summed PSS (shared pages once).
    """
    if not pr.get("rss_workers"):
        return _f(pr["rss"], 0)
    workers = " + ".join(_f(mb, 0) for mb in pr["rss_workers"])
    crawl, pss = _f(pr["rss_crawl"], 0), _f(pr["pss"], 0)
    build = f", lexicon build {_f(mb, 0)}" if (mb := pr.get("rss_lexicon_build")) else ""
    return f"{_f(pr['rss'], 0)} (crawl {crawl}, workers {workers}{build}; PSS {pss})"


def rounds_table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| round | tool | pages | wall s | pages/s | pages/s excl. start-up | CPU s | CPU ms/page "
        "| peak RSS MB | store MB | growth MB | found | planted | match |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    for row in rows:
        pr, uw, pages = row["pr"], row.get("uw"), row["pages"]
        match = "✓" if pr["match"] else f"✗ {pr['mismatch']}"
        out.append(
            f"| {ROUND_NAMES[row['round']]} | PolicyRadar | {pages:,} | {_f(pr['wall'])} "
            f"| **{_f(pages / pr['wall'], 0)}** | {_f(pages / pr['crawl_seconds'], 0)} "
            f"| {_f(pr['cpu'])} | {_f(1000 * pr['cpu'] / pages, 2)} | {_rss(pr)} "
            f"| {_f(pr['db_mb'])} | {_f(pr['growth_mb'])} | {_counts(pr['found'])} "
            f"| {_counts(pr['expected'])} | {match} |"
        )
        if uw:
            found = {"new": uw["new"], "changed": uw["changed"], "errors": uw["errors"]}
            out.append(
                f"| | urlwatch | {pages:,} | {_f(uw['wall'])} | {_f(pages / uw['wall'], 0)} | "
                f"| {_f(uw['cpu'])} | {_f(1000 * uw['cpu'] / pages, 2)} | {_f(uw['rss'], 0)} "
                f"| {_f(uw['cache_mb'])} | {_f(uw['growth_mb'])} | {_counts(found)} | | |"
            )
            out.append(
                f"| | **PolicyRadar ÷ urlwatch** | | | **{uw['wall'] / pr['wall']:.2f}×** | "
                f"| {pr['cpu'] / uw['cpu']:.2f}× | | {pr['rss'] / uw['rss']:.2f}× "
                f"| {pr['db_mb'] / uw['cache_mb']:.2f}× | | | | |"
            )
    return out


def stages_table(rows: list[dict[str, Any]]) -> list[str]:
    heads = " | ".join(f"round {r['round']}" for r in rows)
    out = [f"| stage: ms per article page (s in all) | {heads} |", "|---|" + "--:|" * len(rows)]
    names = list(rows[0]["pr"]["stages"])
    # in the worker processes: page_text's own steps, and classification's CPU
    workers = sorted({s for r in rows for s in r["pr"].get("worker_steps", {})})
    workers += ["worker: classify and index"] if any(_classify_cpu(r["pr"]) for r in rows) else []
    totals = ["Scrapy engine, downloads, other", "crawl wall", "CPU during the crawl"]
    if any(r["pr"].get("worker_cpu") for r in rows):
        totals += ["CPU of the crawl process", "CPU of the worker processes"]
    for name in [*names, *workers, *totals]:
        cells = []
        for r in rows:
            pr, pages = r["pr"], r["pages"]
            timed = sum(s["seconds"] for s in pr["stages"].values())
            seconds = {
                "Scrapy engine, downloads, other": pr["crawl_seconds"] - timed,
                "crawl wall": pr["crawl_seconds"],
                "CPU during the crawl": pr["cpu_in_crawl"],
                "CPU of the crawl process": pr.get("cpu_in_crawl_process", 0.0),
                "CPU of the worker processes": pr.get("worker_cpu", 0.0),
                "worker: classify and index": _classify_cpu(pr),
            }.get(
                name,
                pr["stages"].get(name, {}).get("seconds", 0.0)
                or pr.get("worker_steps", {}).get(name, 0.0),
            )
            cells.append(f"{1000 * seconds / pages:.2f} ({seconds:.1f})")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return out


def _classify_cpu(pr: dict[str, Any]) -> float:
    jobs = pr.get("worker_jobs", {})  # read_change_job since facts and summaries are read too
    return (jobs.get("read_change_job") or jobs.get("analyse_change", {})).get("cpu", 0.0)


def trap_table(trap: list[dict[str, Any]]) -> list[str]:
    """Mean of the repeated crawls per setting and kind; CPU counted inside the crawl only."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for t in trap:
        groups.setdefault((t["round"], t["label"]), []).append(t)
    out = [
        "| round | setting | pages | runs | pages/s (crawl) | CPU ms/page (crawl) | peak RSS MB |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for (kind, label), runs in groups.items():
        pages = runs[0]["pages"]
        rate = sum(pages / r["crawl_seconds"] for r in runs) / len(runs)
        cpu = sum(1000 * r["cpu_in_crawl"] / pages for r in runs) / len(runs)
        rss = max(r["rss"] for r in runs)
        spread = ", ".join(f"{1000 * r['cpu_in_crawl'] / pages:.2f}" for r in runs)
        out.append(
            f"| {kind} | {label} | {pages:,} | {len(runs)} | {rate:,.0f} "
            f"| {cpu:.2f} ({spread}) | {rss:.0f} |"
        )
    return out


def targets(
    results: dict[int, list[dict[str, Any]]],
    startup: dict[str, Any] | None,
    memory: dict[str, Any] | None = None,
) -> list[str]:
    """Issue 7's targets, read at the largest N measured."""
    n = max(results)
    by_round = {r["round"]: r for r in results[n]}
    out = [f"| target (issue 7) | measured at N = {n:,} | met |", "|---|---|---|"]

    def line(name: str, value: str, ok: bool | None) -> None:
        out.append(f"| {name} | {value} | {'–' if ok is None else ('yes' if ok else '**no**')} |")

    def rate(r: int, tool: str = "pr") -> float | None:
        row = by_round.get(r)
        if row is None or row.get(tool) is None:
            return None
        return row["pages"] / row[tool]["wall"]

    def crawl_only(r: int) -> str:
        row = by_round[r]
        return f" ({row['pages'] / row['pr']['crawl_seconds']:,.0f} without start-up)"

    if (r2 := rate(2)) is not None:
        line("round 2 ≥ 300 pages/s", f"{r2:,.0f} pages/s{crawl_only(2)}", r2 >= 300)
        if (u2 := rate(2, "uw")) is not None:
            line("round 2 ≥ 3× urlwatch", f"{r2 / u2:.2f}×", r2 / u2 >= 3)
    if (r3 := rate(3)) is not None:
        line("304 round ≥ 600 pages/s", f"{r3:,.0f} pages/s{crawl_only(3)}", r3 >= 600)
    if (r1 := rate(1)) is not None:
        tagged = any("tag" in stage for stage in by_round[1]["pr"]["stages"])
        what = "extraction and classification" if tagged else "extraction; no classification stage"
        line(
            f"round 1 ≥ 60 pages/s ({what})",
            f"{r1:,.0f} pages/s{crawl_only(1)}",
            r1 >= 60,
        )
    rss = max(r["pr"]["rss"] for r in results[n])
    base = max(r["pr"].get("rss_before_crawl_mb", 0) for r in results[n])
    crawl_rss = max(r["pr"].get("rss_crawl", r["pr"]["rss"]) for r in results[n])
    pss = max(r["pr"].get("pss") or 0 for r in results[n])
    value = (
        f"{rss:.0f} MB at N = {n:,}: the crawl process {crawl_rss:.0f} MB "
        f"({base:.0f} MB of it before the crawl starts), PSS of all processes {pss:.0f} MB"
    )
    ok = rss <= 200 if n >= 50_000 else None
    if memory and memory["n"] >= 50_000:
        value += f"; {memory['rss']:.0f} MB crawling {memory['n']:,} URLs (the 404 probe)"
        ok = rss <= 200 and memory["rss"] <= 200
    line("peak RSS ≤ 200 MB at 50k pages", value, ok)
    clean = all(r["pr"]["versions_ok"] for rows in results.values() for r in rows)
    line(
        "no version row for an unchanged page",
        "version rows added = new + changed, every round",
        clean,
    )
    last = results[n][-1]
    if last.get("uw"):
        ratio = last["pr"]["db_mb"] / last["uw"]["cache_mb"]
        line(
            "database under a fifth of urlwatch's",
            f"{last['pr']['db_mb']:,.0f} MB vs {last['uw']['cache_mb']:,.0f} MB ({ratio:.2f}×)",
            ratio < 0.2,
        )
    if startup:
        line(
            "`policyradar changes --json` ≤ 0.5 s",
            f"{startup['wall_median']:.2f} s (median)",
            startup["wall_median"] <= 0.5,
        )
    return out
