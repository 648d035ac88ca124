"""ClusterIndex benchmark: bytes a held story (tracemalloc) and join time at ``MAX_STORIES``.

    .venv/bin/python bench/cluster_bench.py [--corpus zipf unique site] [--stories 5000]

Signatures (``--corpus``): ``zipf`` hashes token sets drawn from a Zipf-distributed vocabulary,
so common words with small hashes sit in many signatures as in real text, and 15 % of the
stories are retold by another source from an earlier story's tokens; ``unique`` shares no value
between stories (random values: the most an index entry can cost); ``site`` is the real signature
of the bench site's articles (bench/sitegen.py: templated text, few distinct values; jieba makes
it take ~30 s). They are stored in a temporary SQLite home like a first crawl's, then a fresh
index loads them all: bytes a story is what it keeps (tracemalloc), load peak what loading took
at most, rows from storage included. Then each further story joins and is stored, as in the
crawl: its join loads the previous story and evicts the oldest.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from policyradar.records import (  # noqa: E402
    ChangeKind,
    Snapshot,
    utcnow,
)
from policyradar.storage import Storage  # noqa: E402
from policyradar.tagging import apply as tagger  # noqa: E402
from policyradar.tagging.clusters import SIGNATURE_SIZE, _hash, signature  # noqa: E402
from policyradar.text.diffing import new_document_diff  # noqa: E402

SOURCES = [f"source-{i}" for i in range(8)]
VOCABULARY = 60_000


def zipf(seed: int = 7) -> Iterator[tuple[str, list[int]]]:
    """Stories of words from a Zipf-distributed vocabulary, 15 % retold from an earlier one."""
    rng = random.Random(seed)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(VOCABULARY)))
    recent: list[list[int]] = []
    while True:
        fresh = rng.choices(range(VOCABULARY), cum_weights=weights, k=rng.randint(80, 600))
        if recent and rng.random() < 0.15:  # retold: most of an earlier story's words
            told = rng.choice(recent[-300:])
            words = set(rng.sample(told, k=len(told) * 3 // 4)) | set(fresh[: len(told) // 4])
        else:
            words = set(fresh)
        recent.append(sorted(words))
        sig = sorted(heapq.nsmallest(SIGNATURE_SIZE, {_hash(f"w{word}") for word in words}))
        yield rng.choice(SOURCES), sig


def unique(seed: int = 7) -> Iterator[tuple[str, list[int]]]:
    """Stories of random values: no value is shared."""
    rng = random.Random(seed)
    while True:
        yield rng.choice(SOURCES), sorted(rng.getrandbits(63) for _ in range(SIGNATURE_SIZE))


def site(seed: int = 7) -> Iterator[tuple[str, list[int]]]:
    """The bench site's articles (their text as the crawl extracts it, roughly)."""
    from sitegen import body_blocks

    rng = random.Random(seed)
    for pid in itertools.count():
        text = "\n".join(re.sub("<[^>]+>", " ", block) for block in body_blocks(seed, pid, 1))
        yield rng.choice(SOURCES), signature(text)


CORPORA: dict[str, Callable[[], Iterator[tuple[str, list[int]]]]] = {
    "zipf": zipf,
    "unique": unique,
    "site": site,
}


def store(
    storage: Storage, run: int, n: int, source: str, sig: list[int], cluster: str | None
) -> int:
    snap = Snapshot(
        source_id=source, url=f"https://bench.example/{n}", title=f"t{n}", text="x", fingerprint=""
    )
    tags = {"signature": sig, "cluster": cluster}
    return storage.save_version(run, snap, new_document_diff("x"), ChangeKind.NEW, 1, tags)


def measure(corpus: str, stories: int, joins: int) -> str:
    """One table row: ``stories`` held from ``corpus``, then ``joins`` more joined and stored."""
    made = CORPORA[corpus]()
    with tempfile.TemporaryDirectory() as tmp:
        storage = Storage(Path(tmp) / "db.sqlite")
        run = storage.start_run(SOURCES)
        for n, (source, sig) in enumerate(itertools.islice(made, stories)):
            store(storage, run, n, source, sig, None)

        now = utcnow()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        index = tagger.ClusterIndex(storage)
        index.refresh(now)
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        times, joined = [], 0
        for n, (source, sig) in enumerate(itertools.islice(made, joins), stories):
            start = time.perf_counter()
            cluster = index.join(sig, source, now)
            times.append((time.perf_counter() - start) * 1e6)
            joined += cluster is not None
            store(storage, run, n, source, sig, cluster)
        storage.close()
    p95 = statistics.quantiles(times, n=20)[18]
    return (
        f"| {corpus} | {stories:,} | {(held - before) / stories:,.0f} | {peak / 1e6:.1f}"
        f" | {statistics.median(times):,.0f} | {p95:,.0f} | {joined}/{joins} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", nargs="+", choices=CORPORA, default=["zipf", "unique"])
    parser.add_argument("--stories", type=int, default=tagger.MAX_STORIES)
    parser.add_argument("--joins", type=int, default=1000)
    args = parser.parse_args()
    tagger.MAX_STORIES = args.stories
    print("| corpus | stories | bytes/story | load peak MB | join p50 µs | join p95 µs | joined |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for corpus in args.corpus:
        print(measure(corpus, args.stories, args.joins), flush=True)


if __name__ == "__main__":
    main()
