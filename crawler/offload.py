"""Worker processes for the pipeline's pure, CPU-heavy steps: extraction and classification.

A Scrapy crawl is one Python process and so uses one core. `page_text` (lxml, trafilatura) and
classification (jieba) are pure functions of picklable values, so the pipelines hand them to a
process pool shared by every crawler of the process and await the result, while the crawl and the
store go on. ``CRAWLER_WORKERS`` (``workers`` in config.toml's ``[crawl]``) sets the pool's size;
0 runs them in the crawl process. The pool starts on the first job, so a crawl where nothing is
new never pays for it, and `shutdown` (called when `runner.crawl` ends) stops it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)
T = TypeVar("T")
PARENT_CHECK_SECONDS = 0.5

_lock = threading.Lock()
_pool: dict[str, Any] = {"executor": None, "broken": False}
# per job function: [jobs, seconds inside the workers]; read by bench/
STATS: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0.0])


async def run(workers: int, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a worker process (in this one when ``workers`` is 0 or the pool broke)."""
    from scrapy.utils.defer import maybe_deferred_to_future

    executor = _executor(workers)
    if executor is None:
        return _timed(fn, *args)[0]
    try:
        future = executor.submit(_timed, fn, *args)
    except BrokenProcessPool:
        return _in_process_after_break(fn, *args)
    try:
        value, seconds = await maybe_deferred_to_future(_deferred(future))
    except BrokenProcessPool:  # a worker died (killed, out of memory): do it here instead
        return _in_process_after_break(fn, *args)
    stats = STATS[fn.__name__]
    stats[0] += 1
    stats[1] += seconds
    return value


def shutdown() -> None:
    """Stop the worker processes (they are started again by the next job)."""
    with _lock:
        executor, _pool["executor"], _pool["broken"] = _pool["executor"], None, False
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


def _executor(workers: int) -> ProcessPoolExecutor | None:
    if workers <= 0 or _pool["broken"]:
        return None
    with _lock:
        if _pool["executor"] is None:
            # spawn, not fork: the crawl process runs a reactor and threads
            context = multiprocessing.get_context("spawn")
            _pool["executor"] = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_follow_parent,
                initargs=(os.getpid(),),
            )
            logger.debug("started %d worker processes", workers)
        return _pool["executor"]


def _follow_parent(parent: int) -> None:
    """In a worker: exit when the crawl process is gone (killed by cron's timeout, say)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _deferred(future: Future[T]) -> Deferred[T]:
    """A Deferred fired in the reactor thread when ``future`` (run elsewhere) is done."""
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    d: Deferred[T] = Deferred()

    def fire(done: Future[T]) -> None:
        exc = done.exception()
        if exc is None:
            d.callback(done.result())
        else:
            d.errback(exc)

    future.add_done_callback(lambda done: reactor.callFromThread(fire, done))  # type: ignore[attr-defined]
    return d


def _in_process_after_break(fn: Callable[..., T], *args: Any) -> T:
    if not _pool["broken"]:
        logger.warning("a worker process died: extraction and classification go on in the crawl")
        _pool["broken"] = True
    return _timed(fn, *args)[0]


def _timed(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    started = time.process_time()
    value = fn(*args)
    return value, time.process_time() - started
