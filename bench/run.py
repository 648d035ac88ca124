"""`make bench`: PolicyRadar's real crawl against urlwatch, over a generated site served by nginx.

    python bench/run.py                      # N = 1,000 and 2,000, rounds 1-3, urlwatch alongside
    python bench/run.py --n 1000,10000       # the full one (see README.md for its duration)
    python bench/run.py --n 1000 --rounds 2  # smaller
    python bench/run.py --n 50000            # the large one (about an hour on 2 cores)

Per N: generate the site, start nginx on 127.0.0.1, print its ceiling, then for each round crawl
with PolicyRadar (a child process: bench/crawl_worker.py) and with urlwatch, and check the changes
PolicyRadar recorded against the changes planted. Tables go to stdout and bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import ceiling  # noqa: E402
import profile_report  # noqa: E402
import report  # noqa: E402
import setup_env  # noqa: E402
import startup  # noqa: E402
from measure import ChildFailedError, file_mb, run_measured  # noqa: E402
from nginx import Nginx, NginxError  # noqa: E402
from peer import Urlwatch  # noqa: E402
from prhome import read_run, storage_breakdown, write_home  # noqa: E402
from sitegen import Planted, Site  # noqa: E402

CHANGED_PCT, NEW_PCT, GONE_PCT = 5, 1, 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--n",
        action="append",
        default=[],
        metavar="N[,N...]",
        help="pages in the site (repeatable or comma-separated; default 1000,2000 so that the "
        "default run stays near 15 min on 2 cores; the full one is --n 1000,10000)",
    )
    p.add_argument("--rounds", type=int, default=3, choices=(1, 2, 3))
    p.add_argument("--no-urlwatch", action="store_true", help="PolicyRadar only")
    p.add_argument(
        "--body",
        choices=("mixed", "css", "extractor"),
        default="mixed",
        help="main text: English by CSS selector and Chinese by trafilatura (mixed), "
        "all by selector, or all by trafilatura",
    )
    p.add_argument(
        "--no-validators",
        action="store_true",
        help="nginx sends no ETag and ignores If-Modified-Since (every fetch is a 200)",
    )
    p.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS_PER_DOMAIN")
    p.add_argument("--concurrent-requests", type=int, default=32, help="CONCURRENT_REQUESTS")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="CRAWLER_WORKERS: processes that extract (2 or more: and classify) beside the crawl "
        "(default 1, PolicyRadar's own default: the worker extracts, the crawl classifies)",
    )
    p.add_argument("--no-trap", action="store_true", help="skip the CONCURRENT_ITEMS 1 vs 100 runs")
    p.add_argument(
        "--memory-n",
        type=int,
        default=50_000,
        metavar="N",
        help="also crawl N linked URLs that all answer 404 (list pages only; default 50,000, 0 to "
        "skip): the crawl's own memory at scale (scheduler, dupe filter, storage) without N full "
        "pages to process",
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="run the PolicyRadar crawls under cProfile (slower) and summarise",
    )
    p.add_argument("--no-install", action="store_true", help="fail instead of installing")
    p.add_argument("--workdir", type=Path, help="where sites and homes go (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the work dir")
    p.add_argument("--results", type=Path, default=BENCH / "results")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    ns = [int(x.replace("_", "")) for arg in args.n or ["1000,2000"] for x in arg.split(",") if x]
    if any(n < 100 for n in ns):
        p.error("--n must be at least 100")
    args.ns = ns
    return args


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def git_state() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(BENCH.parent), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(BENCH.parent), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return rev + (" + uncommitted changes" if dirty else "")


def machine() -> dict[str, str]:
    info = {"nproc": str(os.cpu_count()), "python": platform.python_version()}
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        info["cpu"] = model[0] if model else platform.processor()
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        info["ram"] = f"{kb / 1024 / 1024:.1f} GiB"
    release = Path("/etc/os-release")
    if release.exists():
        for ln in release.read_text().splitlines():
            if ln.startswith("PRETTY_NAME="):
                info["os"] = ln.split("=", 1)[1].strip('"')
    return info


class Bench:
    def __init__(self, args: argparse.Namespace, urlwatch_exe: Path | None, work: Path) -> None:
        self.args, self.urlwatch_exe, self.work = args, urlwatch_exe, work
        self.logs = args.results / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.settings = {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "CONCURRENT_REQUESTS": args.concurrent_requests,
            "CRAWLER_WORKERS": args.workers,
        }
        self.results: dict[int, list[dict[str, Any]]] = {}
        self.extra: dict[str, Any] = {
            "ceiling": {},
            "trap": [],
            "startup": None,
            "profiles": [],
            "storage": {},
            "site": {},
        }

    def crawl(
        self,
        home: Path,
        tag: str,
        timeout: float,
        extra: dict | None = None,
        profile: Path | None = None,
        *,
        errors_expected: bool = False,
    ) -> dict[str, Any]:
        out = self.logs / f"{tag}.json"
        cmd = [
            sys.executable,
            str(BENCH / "crawl_worker.py"),
            "--home",
            str(home),
            "--settings",
            json.dumps({**self.settings, **(extra or {})}),
            "--out",
            str(out),
        ]
        if profile:
            cmd += ["--profile", str(profile)]
        measured = run_measured(cmd, timeout=timeout, log=self.logs / f"{tag}.log")
        result = json.loads(out.read_text())
        failed = [s for s in result["sources"] if s["outcome"] == "error"]
        if failed and not errors_expected:
            raise ChildFailedError(f"{tag}: sources ended in error: {failed}")
        # wait4 counts the worker processes' CPU; memory is the crawl's own peak, or with
        # workers the highest sum over all its processes at one instant (see crawl_worker._Tree)
        return {
            **result,
            "wall": measured.wall,
            "cpu": measured.cpu,
            "rss": max(result["crawl_peak_mb"], result["tree_rss_peak_mb"]),
            "rss_crawl": result["crawl_peak_mb"],
            "rss_workers": result["worker_peaks_mb"],
            "rss_lexicon_build": result["lexicon_build_mb"],
            "pss": result["tree_pss_peak_mb"],
        }

    def run_n(self, n: int) -> None:
        args, work = self.args, self.work / f"n{n}"
        site = Site(work / "site", n, seed=args.seed)
        started = time.monotonic()
        site.generate()
        lists = sum(len(v) for v in site.lists.values())
        self.extra["site"][n] = {
            "mb": site.disk_bytes() / 1e6,
            "lists": lists,
            "seconds": time.monotonic() - started,
        }
        say(
            f"N={n:,}: {n:,} articles + {lists} list pages, {site.disk_bytes() / 1e6:,.0f} MB, "
            f"generated in {time.monotonic() - started:.1f} s"
        )
        with Nginx(site.root, work / "nginx", validators=not args.no_validators) as server:
            base = server.url("").rstrip("/")
            paths = [p for p in site.article_paths if (site.root / p.lstrip("/")).exists()]
            c200 = ceiling.measure(base, [(p, "") for p in paths], work)
            c304 = ceiling.measure(base, [(p, server.etag(p)) for p in paths], work)
            self.extra["ceiling"][n] = {"200": c200, "304": c304}
            say(
                f"N={n:,}: nginx ceiling ({c200['tool']}): {c200['rps']:,.0f} pages/s of 200s, "
                f"{c304['rps']:,.0f} pages/s of 304s"
            )
            home = work / "home"
            write_home(home, site, base, args.body)
            self.results[n] = self.rounds(n, site, base, home, work)
            if n == max(args.ns):
                self.extra["storage"] = storage_breakdown(home / "policyradar.db")
                self.extra["startup"] = startup.measure(Path(sys.executable).parent, home)
                say(f"`policyradar changes --json`: {self.extra['startup']['wall_median']:.2f} s")
            if not args.no_trap and n == min(args.ns) and args.rounds == 3:
                self.trap(n, site, server, home, work)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    def memory_probe(self, n: int) -> None:
        work = self.work / f"memory{n}"
        site = Site(work / "site", n, seed=self.args.seed)
        site.generate(articles=False)
        with Nginx(site.root, work / "nginx") as server:
            home = work / "home"
            write_home(home, site, server.url("").rstrip("/"), self.args.body)
            got = self.crawl(home, f"memory-n{n}", 120 + 0.05 * n, errors_expected=True)
        self.extra["memory"] = {
            "n": n,
            "pages_per_s": n / got["crawl_seconds"],
            "cpu_ms": 1000 * got["cpu_in_crawl"] / n,
            "rss": got["rss"],
            "before": got["rss_before_crawl_mb"],
            "trace": got["rss_trace"][:: max(1, len(got["rss_trace"]) // 20)],
        }
        say(f"memory probe, {n:,} URLs answering 404: peak RSS {got['rss']:.0f} MB")
        if not self.args.keep:
            shutil.rmtree(work, ignore_errors=True)

    def rounds(self, n: int, site: Site, base: str, home: Path, work: Path) -> list[dict]:
        args = self.args
        db = home / "policyradar.db"
        dbs = (db, db.with_name(db.name + "-wal"))
        peer = Urlwatch(self.urlwatch_exe, work / "urlwatch") if self.urlwatch_exe else None
        planted = Planted()
        rows: list[dict[str, Any]] = []
        db_mb = cache_mb = 0.0
        for r in range(1, args.rounds + 1):
            if r == 2:
                planted = site.mutate(2, CHANGED_PCT, NEW_PCT, GONE_PCT)
            urls = [base + p for p in site.article_paths]
            expected = _expected(r, urls, planted, base)
            tag = f"n{n}-r{r}"
            profile = args.results / f"profile-{tag}.pstats" if args.profile else None
            pr = self.crawl(home, tag, timeout=120 + 0.1 * len(urls), profile=profile)
            found = read_run(db, pr["run_id"])
            got = {
                "new": found.new,
                "changed": found.changed,
                "removed": found.removed,
                "first_404": found.first_404,
            }
            mismatch = [
                f"{k}: {len(got[k])} vs {len(expected[k])}" for k in got if got[k] != expected[k]
            ]
            mismatch += [f"{len(found.anomalies)} anomalies"] if found.anomalies else []
            mismatch += [f"{len(found.other_errors)} errors"] if found.other_errors else []
            versions_ok = found.versions_added == len(found.new) + len(found.changed)
            size = file_mb(*dbs)
            pr.update(
                db_mb=size,
                growth_mb=size - db_mb,
                match=not mismatch,
                mismatch="; ".join(mismatch),
                found={k: len(v) for k, v in got.items()},
                expected={k: len(v) for k, v in expected.items()},
                versions_ok=versions_ok,
                details={"anomalies": found.anomalies[:5], "errors": found.other_errors[:5]},
            )
            db_mb = size
            say(
                f"N={n:,} round {r}: PolicyRadar {len(urls) / pr['wall']:,.0f} pages/s, "
                f"{pr['cpu']:.1f} CPU s, {pr['rss']:.0f} MB, found {'=' if not mismatch else '≠'} "
                f"planted {mismatch or ''}"
            )
            if profile:
                self.extra["profiles"].append(profile_report.summary(profile))
            row: dict[str, Any] = {"round": r, "pages": len(urls), "pr": pr, "uw": None}
            if peer:
                got_uw = peer.run(
                    urls, timeout=120 + 0.1 * len(urls), log=self.logs / f"{tag}-urlwatch.log"
                )
                m = got_uw.measured
                row["uw"] = {
                    "wall": m.wall,
                    "cpu": m.cpu,
                    "rss": m.maxrss_mb,
                    "cache_mb": got_uw.cache_mb,
                    "growth_mb": got_uw.cache_mb - cache_mb,
                    "new": got_uw.new,
                    "changed": got_uw.changed,
                    "errors": got_uw.errors,
                }
                cache_mb = got_uw.cache_mb
                say(
                    f"N={n:,} round {r}: urlwatch {len(urls) / m.wall:,.0f} pages/s, "
                    f"{m.cpu:.1f} CPU s, {m.maxrss_mb:.0f} MB"
                )
            rows.append(row)
        return rows

    def trap(self, n: int, site: Site, server: Nginx, home: Path, work: Path) -> None:
        """CONCURRENT_ITEMS 1 (the project's) vs 100 (Scrapy's default), and 8 per domain.

        On the home the rounds left: nothing changes any more, so each crawl is a 304 round; then
        the same with nginx sending no validators, so each page is a 200 with the bytes already
        stored (the body-hash shortcut, no extraction).
        """
        variants = [
            ("CONCURRENT_ITEMS = 1 (project)", {"CONCURRENT_ITEMS": 1}),
            ("CONCURRENT_ITEMS = 100 (Scrapy default)", {"CONCURRENT_ITEMS": 100}),
            ("CONCURRENT_REQUESTS_PER_DOMAIN = 8", {"CONCURRENT_REQUESTS_PER_DOMAIN": 8}),
        ]
        pages = len(site.article_paths)

        def crawls(kind: str) -> None:
            for rep in range(2):  # alternate the variants, twice, against drift on the machine
                for v, (label, extra) in enumerate(variants):
                    got = self.crawl(
                        home, f"n{n}-trap-{kind[:3]}-{v}-{rep}", 120 + 0.1 * pages, extra
                    )
                    self.extra["trap"].append(
                        {
                            "label": label,
                            "round": kind,
                            "pages": pages,
                            "wall": got["wall"],
                            "cpu": got["cpu"],
                            "cpu_in_crawl": got["cpu_in_crawl"],
                            "crawl_seconds": got["crawl_seconds"],
                            "rss": got["rss"],
                        }
                    )

        crawls("304 (conditional GET)")
        server.stop()
        with Nginx(site.root, work / "nginx-plain", validators=False, port=server.port):
            crawls("200, bytes unchanged (no validators)")
        say("CONCURRENT_ITEMS / per-domain runs done")


def _expected(r: int, urls: list[str], planted: Planted, base: str) -> dict[str, set[str]]:
    empty: dict[str, set[str]] = {
        "new": set(),
        "changed": set(),
        "removed": set(),
        "first_404": set(),
    }
    if r == 1:
        return {**empty, "new": set(urls)}
    if r == 2:
        return {
            **empty,
            "new": {base + p for p in planted.new},
            "changed": {base + p for p in planted.changed},
            "first_404": {base + p for p in planted.gone},
        }
    return {**empty, "removed": {base + p for p in planted.gone}}


def render(bench: Bench, args: argparse.Namespace, info: dict[str, str], seconds: float) -> str:
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    lines = [
        "# PolicyRadar benchmark",
        "",
        f"Command: `{command.strip()}` (`make bench` runs `python bench/run.py`)  ",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + "  ",
        f"Code: {git_state()}; run {time.strftime('%Y-%m-%d %H:%M %Z')}  ",
        f"Settings: {json.dumps(bench.settings)}; main text: {args.body}; "
        f"validators: {'off' if args.no_validators else 'ETag + If-Modified-Since'}; "
        f"total bench time {seconds / 60:.1f} min",
        "",
    ]
    for n, rows in bench.results.items():
        site, ceil = bench.extra["site"][n], bench.extra["ceiling"][n]
        lines += [
            f"## N = {n:,} articles",
            "",
            f"Site: {n:,} articles (half Chinese, half English, 20–80 KB) + {site['lists']} "
            f"list pages, {site['mb']:,.0f} MB. nginx ceiling ({ceil['200']['tool']}): "
            f"{ceil['200']['rps']:,.0f} pages/s (200), {ceil['304']['rps']:,.0f} pages/s "
            "(304).",
            "",
            *report.rounds_table(rows),
            "",
            *report.stages_table(rows),
            "",
        ]
    lines += [
        "## Targets",
        "",
        *report.targets(bench.results, bench.extra["startup"], bench.extra.get("memory")),
        "",
    ]
    if bench.extra["trap"]:
        lines += [
            "## CONCURRENT_ITEMS trap (N = "
            f"{bench.extra['trap'][0]['pages']:,}, on the home the rounds left)",
            "",
            *report.trap_table(bench.extra["trap"]),
            "",
        ]
    if mem := bench.extra.get("memory"):
        trace = ", ".join(f"{t:.0f} s {rss:.0f} MB" for t, rss, _ in mem["trace"])
        lines += [
            f"## Memory at scale: {mem['n']:,} linked URLs that answer 404",
            "",
            f"Peak RSS {mem['rss']:.0f} MB ({mem['before']:.0f} MB before the crawl starts); "
            f"{mem['pages_per_s']:,.0f} pages/s, {mem['cpu_ms']:.2f} CPU ms/page. RSS over time: "
            f"{trace}.",
            "",
        ]
    if st := bench.extra["startup"]:
        lines += [
            "## Start-up: `policyradar changes --json` and `policyradar search`",
            "",
            f"median {st['wall_median']:.2f} s, min {st['wall_min']:.2f} s; imports "
            f"{st['imports_s']:.2f} s, the command itself {st['command_s']:.3f} s; "
            f"{st['json_bytes'] / 1e6:.1f} MB of JSON. `policyradar search 费用 --json`: median "
            f"{st['search_median']:.2f} s, start-up included.",
            "",
            "Heaviest top-level imports (cumulative, while the command runs): "
            + ", ".join(f"{m} {s * 1000:.0f} ms" for m, s in st["top_imports"][:6]),
            "",
            "Heavy packages loaded, and who imports them:",
            "",
            *[f"- `{k}`: {v}" for k, v in st["heavy_loaded"].items()],
            "",
        ]
    if bench.extra["storage"]:
        lines += [
            "## Where the database's bytes go (largest N, after the last round)",
            "",
            ", ".join(f"{k} {v:,.1f} MB" for k, v in list(bench.extra["storage"].items())[:6]),
            "",
        ]
    if bench.extra["profiles"]:
        lines += [
            "## Profiles (cProfile; the tables above are slowed by it)",
            "",
            "```",
            *bench.extra["profiles"],
            "```",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    try:
        setup_env.ensure_nginx(install=not args.no_install)
        urlwatch = None if args.no_urlwatch else setup_env.ensure_urlwatch(not args.no_install)
    except setup_env.SetupError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    info = {**machine(), **setup_env.versions(urlwatch)}
    say(", ".join(f"{k} {v}" for k, v in info.items()))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="policyradar-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, urlwatch, work)
    bench.extra["load"] = os.getloadavg()
    code = 0
    try:
        for n in args.ns:
            bench.run_n(n)
        if args.memory_n > max(args.ns):
            bench.memory_probe(args.memory_n)
    except (ChildFailedError, NginxError, OSError, subprocess.SubprocessError, TimeoutError) as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        code = 1
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if bench.results:
        text = render(bench, args, info, time.monotonic() - started)
        print("\n" + text, flush=True)
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "latest.md").write_text(text + "\n", encoding="utf-8")
        raw = {"machine": info, "results": bench.results, "extra": bench.extra}
        (args.results / "latest.json").write_text(
            json.dumps(raw, indent=1, default=str) + "\n", encoding="utf-8"
        )
        say(f"written {args.results / 'latest.md'}")
    if code == 0 and not all(r["pr"]["match"] for rows in bench.results.values() for r in rows):
        say("found ≠ planted in some round: see the match column")
        code = 1
    return code


if __name__ == "__main__":
    sys.exit(main())
