"""Classification throughput once jieba is loaded (issue 3: at least 300 changes/s).

    .venv/bin/python bench/classify_bench.py [--rounds 5]

Classifies the 151 labelled cases of tests/cases/classification.toml (Chinese, English,
Traditional Chinese, German, Japanese; 200-2,000 characters each) with the bundled categories and
1,000 watchlist keywords, as they are and with their text repeated to ~1,200 and ~27,000 characters
(a crawl's long pages), and prints the load time, the peak RSS after loading and changes/s (median
of the rounds).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tomllib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from policyradar.tagging import CategorySet, ChangeText, Classifier, Watchlist

    cases = tomllib.loads((ROOT / "tests/cases/classification.toml").read_text("utf-8"))["case"]
    texts = [
        ChangeText(
            kind=c["kind"],
            title=c["title"],
            added=c.get("added", ""),
            removed=c.get("removed", ""),
            language=c.get("language", ""),
            published_at=datetime.fromisoformat(c["published_at"]).replace(tzinfo=UTC),
        )
        for c in cases
    ]
    watch = [
        Watchlist(name=f"w{n}", category="fees", keywords=(f"关键词{n}", f"keyword {n}"))
        for n in range(500)
    ]
    started = time.perf_counter()
    classifier = Classifier(CategorySet.load(), watch)
    classifier.classify(texts[0])  # jieba and its keyword tables load on first use
    load = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        "| changes | mean chars | watch keywords | load s | peak RSS MB "
        "| changes/s (median) | min | max |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|--:|")
    longer = [replace(t, added="\n".join([t.added] * 6)) for t in texts]  # ~1,200 characters
    longest = [replace(t, added="\n".join([t.added] * 135)) for t in texts]  # ~27,000
    for batch in (texts, longer, longest):
        rates = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            for text in batch:
                classifier.classify(text)
            rates.append(len(batch) / (time.perf_counter() - started))
        chars = sum(len(t.title) + len(t.added) + len(t.removed) for t in batch) / len(batch)
        print(
            f"| {len(batch)} | {chars:.0f} | {2 * len(watch)} | {load:.2f} | {rss:.0f} "
            f"| {statistics.median(rates):.0f} | {min(rates):.0f} | {max(rates):.0f} |"
        )


if __name__ == "__main__":
    main()
