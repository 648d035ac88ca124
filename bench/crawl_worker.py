"""One PolicyRadar crawl in this process, with the time spent in each pipeline stage; writes JSON.

Run by bench/run.py as a child process (so its CPU time and peak RSS are its own). The crawl is the
real one: ``policyradar.crawler.runner.crawl`` with the real spiders, every pipeline in
``ITEM_PIPELINES`` and
the SQLite file in the bench home. Stage times come from wrapping, in this process only, each
pipeline class's ``process_item``, the conditional-GET middleware's lookup and the listing spider's
callbacks with a timer; no project file is changed. ``--profile FILE`` also runs cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import inspect
import json
import logging
import os
import resource
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECONDS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


class _TimedSteps:
    """Awaits a coroutine, timing only its own steps in this process, not what it waits for."""

    def __init__(self, name: str, coro: Any) -> None:
        self.name, self.coro = name, coro

    def __await__(self) -> Any:
        steps, sent, thrown = self.coro.__await__(), None, None
        while True:
            started = time.perf_counter()
            try:
                waiting = steps.send(sent) if thrown is None else steps.throw(thrown)
            except StopIteration as done:
                SECONDS[self.name] += time.perf_counter() - started
                return done.value
            SECONDS[self.name] += time.perf_counter() - started
            try:
                sent, thrown = (yield waiting), None
            except BaseException as exc:  # handed back to the coroutine
                sent, thrown = None, exc


def _timed(name: str, fn: Any) -> Any:
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def timed_coroutine(*args: Any, **kwargs: Any) -> Any:
            CALLS[name] += 1
            item = await _TimedSteps(name, fn(*args, **kwargs))
            # `page_text`'s own clock, in the worker: once, by the pipeline that ran it
            extracted = getattr(item, "extract_seconds", {}) if name == "pipeline: text" else {}
            for step, seconds in extracted.items():
                SECONDS[f"worker: {step}"] += seconds
            return item

        return timed_coroutine

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SECONDS[name] += time.perf_counter() - started
            CALLS[name] += 1

    return wrapper


def _timed_callback(name: str, fn: Any) -> Any:
    """A spider callback is a generator: time the call and every step of its iteration."""

    def steps(gen: Any) -> Any:
        while True:
            started = time.perf_counter()
            try:
                value = next(gen)
            except StopIteration:
                SECONDS[name] += time.perf_counter() - started
                return
            SECONDS[name] += time.perf_counter() - started
            yield value

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CALLS[name] += 1
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        SECONDS[name] += time.perf_counter() - started
        return steps(result) if hasattr(result, "__next__") else result

    return wrapper


def instrument() -> list[str]:
    """Wrap the timed parts; return the stage names in flow order."""
    from policyradar.crawler import settings
    from policyradar.crawler.middlewares.conditional import ConditionalGetMiddleware
    from policyradar.spiders.listing import ListingSpider

    stages = ["spider: list pages", "conditional GET lookup", "spider: article responses"]
    ListingSpider.parse_index = _timed_callback(stages[0], ListingSpider.parse_index)
    ConditionalGetMiddleware.process_request = _timed(
        stages[1], ConditionalGetMiddleware.process_request
    )
    ListingSpider.parse_document = _timed_callback(stages[2], ListingSpider.parse_document)
    for dotted, _order in sorted(settings.ITEM_PIPELINES.items(), key=lambda kv: kv[1]):
        module, _, name = dotted.rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        stage = "pipeline: " + name.removesuffix("Pipeline").lower()
        cls.process_item = _timed(stage, cls.process_item)
        stages.append(stage)
    return stages


def _status_mb(pid: int | str, field: str) -> float:
    """``field`` (VmRSS: resident now, VmHWM: its peak) of process ``pid`` (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return _status_mb("self", "VmRSS")


# children by their command line; any other is a worker of the pool
_ROLES = ((b"resource_tracker", "tracker"), (b"policyradar.tagging.lexicon", "lexicon build"))


class _Tree:
    """This process and its children (the workers, multiprocessing's resource tracker), sampled.

    A process's own peak is its VmHWM. Not ``getrusage``: a spawned child's ``ru_maxrss`` starts
    at its parent's RSS when it forked (Linux keeps the high-water mark across ``exec``), so a
    50 MB worker of a 90 MB crawl would read 90. The summed RSS and PSS are of one instant; PSS
    counts a page shared by n processes as 1/n in each (the memory-mapped classifier dictionary,
    libraries), so its sum is what the crawl takes from the machine.
    """

    def __init__(self) -> None:
        self.peaks: dict[str, tuple[str, float]] = {}  # pid: (role, VmHWM MB) of each child
        self.rss = self.pss = 0.0  # the highest sums seen

    def sample(self) -> None:
        me = str(os.getpid())
        pids = [me]
        for task in Path(f"/proc/{me}/task").iterdir():
            pids += (task / "children").read_text().split()
        rss = pss = 0
        for pid in pids:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                if pid != me:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                    role = next((r for key, r in _ROLES if key in cmdline), "worker")
                    self.peaks[pid] = (role, _status_mb(pid, "VmHWM"))
            except OSError:  # a child that just exited
                continue
            for line in rollup:
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        self.rss, self.pss = max(self.rss, rss / 1024), max(self.pss, pss / 1024)

    def children(self, role: str) -> list[float]:
        return sorted((mb for r, mb in self.peaks.values() if r == role), reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--settings", default="{}", help="Scrapy settings as JSON")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    # as `policyradar crawl` does at verbosity 0
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("scrapy", "twisted", "trafilatura", "htmldate", "py.warnings"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    from policyradar.crawler import offload
    from policyradar.crawler.runner import crawl, run_in_reactor, select_sources
    from policyradar.home import load_home as load_config

    stages = instrument()
    config = load_config(args.home)
    sources = select_sources(config)
    settings = json.loads(args.settings)
    rss_before = _rss_mb()
    before = resource.getrusage(resource.RUSAGE_SELF)
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    trace: list[tuple[float, float, int]] = []  # (seconds, RSS MB, article responses so far)
    tree = _Tree()
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            trace.append((time.perf_counter() - started, _rss_mb(), CALLS[stages[2]]))
            tree.sample()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    report = run_in_reactor(lambda: crawl(config, sources, settings=settings))
    done.set()
    sampler.join()
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool, stopped by the crawl
    result = {
        "run_id": report.run_id,
        "crawl_seconds": report.seconds,
        "wall_in_process": wall,
        "cpu_in_crawl": (after.ru_utime - before.ru_utime)
        + (after.ru_stime - before.ru_stime)
        + workers.ru_utime
        + workers.ru_stime,
        "cpu_in_crawl_process": (after.ru_utime - before.ru_utime)
        + (after.ru_stime - before.ru_stime),
        "crawl_peak_mb": _status_mb("self", "VmHWM"),
        "worker_cpu": workers.ru_utime + workers.ru_stime,
        "worker_jobs": {name: {"jobs": n, "cpu": cpu} for name, (n, cpu) in offload.STATS.items()},
        "rss_before_crawl_mb": rss_before,
        "rss_after_crawl_mb": _rss_mb(),
        "rss_trace": trace,
        "tree_rss_peak_mb": tree.rss,
        "tree_pss_peak_mb": tree.pss,
        "worker_peaks_mb": tree.children("worker"),
        "tracker_peak_mb": max(tree.children("tracker"), default=0.0),
        # the classifier's dictionary built on a machine's first classification (see lexicon.py)
        "lexicon_build_mb": max(tree.children("lexicon build"), default=0.0),
        # in the crawl process itself (0 workers, or a removal classified here)
        "lexicon_loaded": "lexicon"
        in getattr(sys.modules.get("policyradar.tagging.cut"), "_state", {}),
        "heavy_modules": sorted(
            m for m in ("jieba.analyse", "trafilatura", "opencc", "jieba") if m in sys.modules
        ),
        "responses": report.requests,
        "documents": CALLS["spider: article responses"],
        "stages": {s: {"seconds": SECONDS[s], "calls": CALLS[s]} for s in stages},
        "worker_steps": {s: v for s, v in SECONDS.items() if s.startswith("worker: ")},
        "sources": [rs.to_json() for rs in report.sources],
        "settings": settings,
    }
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
