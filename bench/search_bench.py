"""Search benchmark: latency at N synthetic changes, UI and CLI times, index designs compared.

    python bench/search_bench.py --n 100000            # latency p50/p95, UI page and CLI times
    python bench/search_bench.py --n 5000              # the digest of 5,000 changes
    python bench/search_bench.py --compare --n 20000   # jieba vs trigram vs bigram index

Synthetic changes are built from the paragraphs and titles of a real demo crawl (Chinese and
English), with numbers re-drawn and category terms from data/categories.toml mixed in, so the
vocabulary and its frequencies look like the real thing. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from startup import timed  # noqa: E402

from policyradar.search.index import index_text  # noqa: E402
from policyradar.search.query import parse  # noqa: E402
from policyradar.storage import Storage, codec  # noqa: E402
from policyradar.tagging.text import fold  # noqa: E402

QUERIES = [
    "库容",
    "关税",
    "低库存费",
    "共享库存",
    "FBA 费用",
    "库存 容量 限制",
    "亚马逊物流 配送费",
    "入库配置服务费",
    "GPSR 负责人",
    "eFiling 儿童产品",
    "欧洲站 VAT",
    "退货 监管",
    "身份验证 日本站",
    "销售佣金 变更",
    "referral fee",
    "low inventory level fee",
    "two-step verification",
    "FBA fulfillment fees",
    "Prime Day",
    "Seller Central sign-in",
    "product safety",
    "API deprecation",
]
SOURCES = [
    ("gs-amazon-cn-news", "CN"),
    ("amazon-forums-news-us", "US"),
    ("amz123-kx", "CN"),
    ("cifnews-amz", "CN"),
    ("sp-api-changelog", "US"),
    ("amazon-policy-changes-us", "US"),
    ("ebay-uk-news", "UK"),
    ("tiktok-seller-us", "US"),
    ("amazon-eu-news", "EU"),
    ("amazon-jp-news", "JP"),
    ("customs-notice", "CN"),
    ("shopee-news", "SG"),
]
CATEGORY_IDS = ["fees", "fba", "compliance", "account_health", "tax_customs", "listings"]
_DIGITS = re.compile(r"\d+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def demo_corpus() -> tuple[list[str], list[str], list[str], list[str]]:
    """Paragraphs and titles of a real demo crawl: (zh paragraphs, en paragraphs, zh, en titles)."""
    from rich.console import Console

    from policyradar.demo.run import run_demo

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        run_demo(Path(tmp), "en", Console(file=open("/dev/null", "w")))  # noqa: SIM115, PTH123
        con = sqlite3.connect(Path(tmp) / "policyradar.db")
        codec.register(con)  # versions.text may be a zlib BLOB
        texts = list(con.execute("SELECT title, unpack(text) FROM versions"))
        con.close()
    logging.disable(logging.NOTSET)
    zh, en, zt, et = [], [], [], []
    for title, text in texts:
        (zt if _HAN.search(title) else et).append(title)
        for para in text.split("\n"):
            if len(para) >= 20:
                (zh if _HAN.search(para) else en).append(para)
    return zh, en, zt, et


def category_terms() -> tuple[list[str], list[str]]:
    data = tomllib.loads((ROOT / "data" / "categories.toml").read_text(encoding="utf-8"))
    terms = {
        t
        for c in data["category"].values()
        for tier in ("strong", "normal")
        for t in c.get(tier, ())
    }
    return sorted(t for t in terms if _HAN.search(t)), sorted(t for t in terms if t.isascii())


class Synth:
    """Deterministic synthetic changes from demo text, with re-drawn numbers and mixed-in terms."""

    def __init__(self, seed: int = 7) -> None:
        self.rnd = random.Random(seed)
        self.zh, self.en, self.zt, self.et = demo_corpus()
        self.zh_terms, self.en_terms = category_terms()

    def _mutate(self, text: str, zh: bool) -> str:
        rnd = self.rnd
        text = _DIGITS.sub(lambda m: str(rnd.randint(1, 10 ** len(m.group()))), text)
        terms = self.zh_terms if zh else self.en_terms
        if rnd.random() < 0.6:
            at = rnd.randint(0, len(text))
            word = rnd.choice(terms)
            text = text[:at] + (word if zh else f" {word} ") + text[at:]
        return text

    def change(self, n: int, start: datetime) -> tuple:
        rnd = self.rnd
        zh = rnd.random() < 0.6
        paras, titles = (self.zh, self.zt) if zh else (self.en, self.et)
        kind = rnd.choices(["new", "changed", "removed"], [70, 25, 5])[0]
        title = self._mutate(rnd.choice(titles), zh)
        body = "\n".join(self._mutate(rnd.choice(paras), zh) for _ in range(rnd.randint(2, 6)))
        other = "\n".join(self._mutate(rnd.choice(paras), zh) for _ in range(rnd.randint(1, 2)))
        added, removed = {"new": (body, ""), "changed": (body, other), "removed": ("", body)}[kind]
        source, _ = rnd.choice(SOURCES)
        cats = rnd.sample(CATEGORY_IDS, rnd.randint(1, 2))
        hits = [{"watchlist": "fees-watch", "keyword": "fee", "snippet": ""}] if n % 37 == 0 else []
        added, removed = codec.pack(added), codec.pack(removed)  # stored as Storage stores them
        when = (start + timedelta(seconds=n * 60)).isoformat(timespec="seconds")
        return (
            n + 1,
            1,
            source,
            kind,
            when,
            f"https://example.com/{source}/{n}",
            title,
            added,
            removed,
            json.dumps(cats),
            json.dumps(hits),
            rnd.choice(["high", "medium", "low"]),
        )


def build(path: Path, n: int, synth: Synth) -> dict[str, float]:
    """A database of ``n`` synthetic changes, inserted in bulk, then indexed by Storage."""
    storage = Storage(path)
    conn = storage.db.conn
    start = datetime.now(UTC) - timedelta(minutes=n)
    t0 = time.perf_counter()
    with storage.db.atomic():
        conn.executemany(
            "INSERT INTO sources (id, name, kind, url, marketplace, language, enabled)"
            " VALUES (?, ?, 'listing', 'https://example.com/', ?, 'zh', 1)",
            [(s, s, m) for s, m in SOURCES],
        )
        conn.execute(
            "INSERT INTO documents (id, url, source_id, first_seen, last_seen)"
            " VALUES (1, 'https://example.com/', 'x', '', '')"
        )
        for lo in range(0, n, 20000):
            conn.executemany(
                "INSERT INTO changes (id, document_id, source_id, kind, detected_at, url, title,"
                " added, removed, categories, watch_hits, urgency)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [synth.change(i, start) for i in range(lo, min(n, lo + 20000))],
            )
    t1 = time.perf_counter()
    storage.rebuild_search_index()
    t2 = time.perf_counter()
    sql = "SELECT SUM(length(title) + length(unpack(added)) + length(unpack(removed))) FROM changes"
    chars = conn.execute(sql).fetchone()[0]
    storage.close()
    return {"insert_s": t1 - t0, "index_s": t2 - t1, "chars": chars}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def latency(path: Path, rounds: int) -> list[tuple[str, float, float, int]]:
    from policyradar.search.changes import search_changes

    storage = Storage(path)
    out = []
    for label, filters in (("no filter", {}), ("category=fees", {"categories": ["fees"]})):
        samples, found = [], 0
        for _ in range(rounds):
            for q in QUERIES:
                t0 = time.perf_counter()
                found += len(search_changes(storage, q, limit=20, **filters))
                samples.append((time.perf_counter() - t0) * 1000)
        p50, p95 = percentiles(samples)
        out.append((f"search, {label}", p50, p95, found // rounds))
    storage.close()
    return out


def ui_times(path: Path, rounds: int) -> list[tuple[str, float, float, int]]:
    """Pages fetched from the app under uvicorn on 127.0.0.1 (a port the OS chooses)."""
    import threading

    import httpx2 as httpx
    import uvicorn

    from policyradar.web.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(create_app(path), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    with Storage(path) as storage:
        last = storage.changes(limit=1)[0]
    pages = {
        "timeline /": "/",
        "timeline ?category=fees&urgency=high": "/?category=fees&urgency=high",
        "search page ?q=库容": "/search?q=库容",
        "search page ?q=referral fee": "/search?q=referral+fee",
        "change /changes/ID": f"/changes/{last.id}",
        "feed /feeds/category/fees.atom": "/feeds/category/fees.atom",
        "api /api/search?q=关税": "/api/search?q=关税",
    }
    out = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for label, url in pages.items():
            client.get(url)  # warm up
            samples, size = [], 0
            for _ in range(rounds):
                t0 = time.perf_counter()
                resp = client.get(url)
                samples.append((time.perf_counter() - t0) * 1000)
                size = len(resp.content)
                assert resp.status_code == 200, (url, resp.status_code)
            p50, p95 = percentiles(samples)
            out.append((label, p50, p95, size))
    server.should_exit = True
    thread.join(timeout=10)
    return out


def cli_times(db: Path, rounds: int) -> list[tuple[str, float, float, int]]:
    """The real `policyradar` commands, each run a fresh process (start-up included), on a home
    holding ``db``: changes, search, and the digest of the last 7 days rendered to a file.
    """
    exe = str(Path(sys.executable).parent / "policyradar")
    with tempfile.TemporaryDirectory() as tmp:
        home, out = Path(tmp) / "home", Path(tmp) / "digest"
        home.mkdir()
        (home / "policyradar.db").symlink_to(db.resolve())
        subprocess.run([exe, "--home", str(home), "init"], capture_output=True, check=True)
        week = sqlite3.connect(db).execute(
            "SELECT COUNT(*) FROM changes WHERE detected_at >= ?",
            ((datetime.now(UTC) - timedelta(days=7)).isoformat(),),
        )
        commands = [
            ("cli: changes --json", ["changes", "--json"]),
            ("cli: search 关税 --json", ["search", "关税", "--json"]),
            ("cli: search referral fee --json", ["search", "referral fee", "--json"]),
            (
                f"cli: digest, {week.fetchone()[0]:,} changes of 7 days (html)",
                ["digest", "--format", "html", "--output", str(out)],
            ),
        ]
        rows = []
        for label, args in commands:
            walls, stdout = timed([exe, "--home", str(home), *args], rounds)
            p50, p95 = percentiles(walls)
            rows.append((label, p50 * 1000, p95 * 1000, len(stdout) or out.stat().st_size))
        return rows


# -- the index designs compared (--compare) -----------------------------------------------------


def _jieba_tokens(text: str, search: bool) -> str:
    import jieba

    from policyradar.tagging.cut import USERDICT_FILE

    if not jieba.dt.initialized:  # jieba's own dictionary: the classifier no longer loads it
        jieba.initialize()
        jieba.load_userdict(str(USERDICT_FILE))
    cut = jieba.cut_for_search if search else jieba.cut
    return " ".join(t for t in cut(fold(text)) if t.strip())


DESIGNS = {
    # name: (tokenizer, document -> indexed text, term -> (SQL, parameter))
    # "bigram (chosen)" keeps no positions (detail=none): its phrases are checked on the text
    "jieba column": (
        "unicode61 remove_diacritics 2",
        lambda text: _jieba_tokens(text, search=True),
        lambda term: ("t MATCH ?", '"' + _jieba_tokens(term, search=False) + '"'),
    ),
    "trigram + LIKE": (
        "trigram",
        lambda text: " " + " ".join(fold(text).split()) + " ",
        lambda term: (
            ("t MATCH ?", '"' + fold(term) + '"')
            if len(term) >= 3
            else ("d.folded LIKE ?", f"%{fold(term)}%")
        ),
    ),
    "bigram (chosen)": (
        "porter unicode61 remove_diacritics 2",
        index_text,
        lambda term: ("t MATCH ?", parse(term).match),
    ),
}


def _terms(docs: list[str], rnd: random.Random) -> dict[str, list[str]]:
    """Query words by kind: Chinese of 2, 3 and 4 characters, and English, found in ``docs``."""
    zh_terms, en_terms = category_terms()
    userdict = (ROOT / "data" / "jieba_userdict.txt").read_text(encoding="utf-8").split()
    pool = set(zh_terms) | {w for w in userdict if _HAN.fullmatch(w[:1] or "x")}
    pool |= {"关税", "库容", "低库存费", "共享库存", "佣金", "亚马逊", "负责人", "入库配置"}
    sample = fold("\n".join(docs[:3000]))
    out: dict[str, list[str]] = {}
    for size in (2, 3, 4):
        words = sorted(w for w in pool if len(w) == size and all(_HAN.match(c) for c in w))
        found = [w for w in words if fold(w) in sample]
        out[f"zh {size} chars"] = rnd.sample(found, min(40, len(found)))
    english = [w for w in en_terms if w.isalpha() and len(w) > 2 and w.lower() in sample]
    out["en words"] = rnd.sample(english, min(40, len(english)))
    return out


def _truth(term: str, folded: list[str]) -> set[int]:
    key = fold(term)
    if _HAN.search(key):
        return {i for i, text in enumerate(folded, 1) if key in text}
    word = re.compile(rf"(?<![a-z0-9]){re.escape(key)}(?:s|es)?(?![a-z0-9])")
    return {i for i, text in enumerate(folded, 1) if word.search(text)}


def _check(design: str, term: str, docs: list[str]) -> Callable[[int], bool]:
    """Whether the design's candidate (a rowid) holds ``term``: phrases checked on detail=none."""
    query = parse(term)
    if not design.startswith("bigram") or not query.checked:
        return lambda rowid: True
    return lambda rowid: query.accepts([docs[rowid - 1]], found=True)


def compare(synth: Synth, n: int, rounds: int) -> None:
    start = datetime.now(UTC)
    rows = [synth.change(i, start) for i in range(n)]
    docs = ["\n".join((r[6], codec.unpack(r[7]) or "", codec.unpack(r[8]) or "")) for r in rows]
    folded = [fold(d) for d in docs]
    queries = _terms(docs, random.Random(3))
    print(
        f"{n:,} synthetic changes, {sum(map(len, docs)) / 1e6:.1f} M chars;"
        f" queries: {', '.join(f'{k} x{len(v)}' for k, v in queries.items())}"
    )
    print(
        f"\n{'design':<16} {'build s':>8} {'MB':>6}  {'query kind':<12} {'recall':>7}"
        f" {'precision':>9} {'p50 ms':>7} {'p95 ms':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, (tokenizer, to_index, to_query) in DESIGNS.items():
            path = Path(tmp) / f"{len(name)}.db"
            con = sqlite3.connect(path)
            t0 = time.perf_counter()
            con.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, folded TEXT)")
            detail = ", detail=none" if name.startswith("bigram") else ""
            con.execute(
                f"CREATE VIRTUAL TABLE t USING fts5(body, content=''{detail},"
                f" tokenize='{tokenizer}')"
            )
            con.executemany(
                "INSERT INTO t (rowid, body) VALUES (?, ?)",
                ((i, to_index(d)) for i, d in enumerate(docs, 1)),
            )
            if name.startswith("trigram"):  # the short-query fallback needs the folded text
                con.executemany("INSERT INTO d VALUES (?, ?)", enumerate(folded, 1))
            con.commit()
            build_s = time.perf_counter() - t0
            mb = path.stat().st_size / 1e6
            for kind, terms in queries.items():
                hit = found_n = truth_n = 0
                samples = []
                for term in terms:
                    where, arg = to_query(term)
                    sql = (
                        f"SELECT d.id FROM d WHERE {where}"
                        if where.startswith("d.")
                        else f"SELECT rowid FROM t WHERE {where}"
                    )
                    check = _check(name, term, docs)
                    found = {r[0] for r in con.execute(sql, (arg,)) if check(r[0])}
                    truth = _truth(term, folded)
                    hit, found_n, truth_n = (
                        hit + len(found & truth),
                        found_n + len(found),
                        truth_n + len(truth),
                    )
                    for _ in range(rounds):
                        t1 = time.perf_counter()
                        cur = con.execute(f"{sql} ORDER BY 1 DESC", (arg,))
                        list(islice((r for r in cur if check(r[0])), 300))  # the newest 300
                        samples.append((time.perf_counter() - t1) * 1000)
                p50, p95 = percentiles(samples)
                print(
                    f"{name:<16} {build_s:>8.1f} {mb:>6.0f}  {kind:<12}"
                    f" {hit / max(truth_n, 1):>7.1%} {hit / max(found_n, 1):>9.1%}"
                    f" {p50:>7.2f} {p95:>7.2f}"
                )
            con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic changes")
    parser.add_argument("--rounds", type=int, default=5, help="times each query runs")
    parser.add_argument("--db", type=Path, help="keep the database here (reused if present)")
    parser.add_argument("--compare", action="store_true", help="compare index designs")
    args = parser.parse_args()
    if args.compare:
        compare(Synth(), args.n, args.rounds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            stats = build(path, args.n, Synth())
            mb = path.stat().st_size / 1e6
            print(
                f"built {args.n:,} changes ({stats['chars'] / 1e6:.0f} M chars): insert"
                f" {stats['insert_s']:.1f} s, index {stats['index_s']:.1f} s"
                f" ({stats['chars'] / stats['index_s'] / 1e6:.2f} M chars/s), file {mb:.0f} MB"
            )
        rows = (
            latency(path, args.rounds)
            + ui_times(path, args.rounds * 4)
            + cli_times(path, args.rounds)
        )
        print(f"\n{'what':<40} {'p50 ms':>8} {'p95 ms':>8} {'results/bytes':>14}")
        for label, p50, p95, extra in rows:
            print(f"{label:<40} {p50:>8.1f} {p95:>8.1f} {extra:>14,}")


if __name__ == "__main__":
    main()
