"""Faults never make a false change, never lose a planted one and never leak the baseline.

A real crawl per round of `tests/faultsite.py`'s site: planted edits, and answers that fail on
plan (5xx, resets, timeouts, truncated bodies, sign-in redirects, captchas, GBK bytes labelled
UTF-8, empty 200s, error shells). The default suite runs the short plan; `make soak` sets
POLICYRADAR_SOAK=1 for the long one.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from tests.faultsite import FAULTS, FaultSite

if TYPE_CHECKING:
    from tests.conftest import Home

SOAK = os.environ.get("POLICYRADAR_SOAK") == "1"
PLANS = [
    pytest.param({"pages": 12, "rounds": 10, "seed": 7}, id="10 rounds"),
    pytest.param(
        {"pages": 40, "rounds": 40, "seed": 11, "edits_per_round": 5, "faults_per_round": 8},
        id="soak: 40 rounds",
        marks=pytest.mark.skipif(not SOAK, reason="long form: make soak"),
    ),
]
FAULT_CRAWL = """
[crawl]
download_delay = 0
autothrottle = false
concurrency_per_domain = 8
timeout = 1
retry_times = 1
retry_backoff = 0
"""


@pytest.mark.parametrize("plan", PLANS)
def test_faulty_rounds_record_exactly_the_planted_changes(home: Home, plan: dict) -> None:
    site = FaultSite(**plan)
    (home.path / "config.toml").write_text(FAULT_CRAWL, encoding="utf-8")
    with site.serve() as server:
        home.sources(
            f'[[source]]\nid = "notices"\nkind = "listing"\nurl = "{server.base_url}/list"\n'
            "max_items = 100\n"
            '[source.selectors]\nitem = "li.item"\nlink = "a"\nbody = ".content"\n'
        )
        reports = []
        for number in range(len(site.plan)):
            rnd = site.start_round(number)
            report = home.run("crawl", "--json", check=False)
            assert report.returncode in (0, 1), report.stderr[-2000:]
            assert "Traceback" not in report.stderr, report.stderr[-2000:]
            reports.append((rnd, report))

    db = sqlite3.connect(home.path / "policyradar.db")
    rows = db.execute("SELECT kind, url, baseline, run_id FROM changes").fetchall()
    path_of = {url: url.split("127.0.0.1", 1)[1].split("/", 1)[1] for _, url, _, _ in rows}
    changed = Counter("/" + path_of[url] for kind, url, _, _ in rows if kind == "changed")
    expected = site.expected_changes()
    false = {p: n - expected.get(p, 0) for p, n in changed.items() if n > expected.get(p, 0)}
    lost = {p: n - changed.get(p, 0) for p, n in expected.items() if n > changed.get(p, 0)}
    removed = [url for kind, url, _, _ in rows if kind == "removed"]
    added = f"/p/n{site.pages + 1:02d}.html"
    leaks = [
        url
        for kind, url, baseline, _ in rows
        if kind == "new" and not baseline
        if "/" + path_of[url] != added
    ]
    served = Counter(fault for _, _, fault in site.served)
    print(
        f"\nrounds {len(site.plan) - 1}, faults served {sum(served.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(served.items()))}), planted changes "
        f"{sum(expected.values())}, found {sum(changed.values())}, false {sum(false.values())}, "
        f"lost {sum(lost.values())}, baseline leaks {len(leaks)}, removed {len(removed)}"
    )
    assert set(served) == set(FAULTS), "every kind of fault was served at least once"
    history = {
        path: (
            [(run - 1, kind) for kind, url, _, run in rows if "/" + path_of[url] == path],
            [(r, f) for r, p, f in site.served if p == path],
        )
        for path in false
    }
    assert false == {}, history
    assert lost == {}
    assert leaks == []
    assert removed == []
    baseline = [r for r in rows if r[3] == 1]
    assert len(baseline) == site.pages
    assert all(r[2] for r in baseline)
