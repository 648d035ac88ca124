"""A deterministic site of N policy and news articles (half Chinese, half English) with list pages.

Layout under the site root (served as is by nginx)::

    robots.txt, index.html
    {zh,en}/{news,policy}/list-0001.html   list pages, ~50 entries each (newest first)
    {zh,en}/{news,policy}/a-000123.html    articles, 20-80 KB with nav, footer, related links

Every byte is a function of (seed, page id, page version), so two machines build the same site.
`Site.mutate` plants round 2: a share of pages changed (new version), gone (file deleted, still
linked, so it answers 404) and new (a new file linked at the top of a list page).
"""

from __future__ import annotations

import html
import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from corpus import EN, ZH, Lang, fill, paragraph, title

SECTIONS = ("zh/news", "zh/policy", "en/news", "en/policy")
PER_LIST = 50
MIN_BYTES, MAX_BYTES = 20_000, 80_000
EPOCH = datetime(2025, 6, 1, tzinfo=UTC)


def section_of(pid: int) -> str:
    return SECTIONS[pid % len(SECTIONS)]


def article_path(pid: int) -> str:
    return f"/{section_of(pid)}/a-{pid:06d}.html"


def list_path(section: str, number: int) -> str:
    return f"/{section}/list-{number:04d}.html"


def _lang(section: str) -> Lang:
    return ZH if section.startswith("zh") else EN


@dataclass(frozen=True, slots=True)
class Meta:
    lang: Lang
    title: str
    published: datetime
    summary: str


def meta(seed: int, pid: int) -> Meta:
    """What a list page shows about an article; the same in every version."""
    rng = random.Random(f"{seed}/{pid}/meta")
    lang = _lang(section_of(pid))
    published = EPOCH + timedelta(minutes=37 * pid + rng.randint(0, 30))
    summary = fill(rng.choice(lang.sentences), lang, rng)
    return Meta(lang, title(lang, rng), published, summary)


def body_blocks(seed: int, pid: int, version: int) -> list[str]:
    """The article's content blocks (HTML); each later version edits the one before."""
    lang = _lang(section_of(pid))
    rng = random.Random(f"{seed}/{pid}/body")
    target = rng.randint(MIN_BYTES, MAX_BYTES) - _BOILERPLATE_BYTES[lang.code]
    blocks: list[str] = []
    size = 0
    while size < max(target, 4000):
        if blocks and len(blocks) % 7 == 0:
            block = f"<h2>{html.escape(rng.choice(lang.headings))}</h2>"
        elif len(blocks) % 19 == 11:
            block = _fee_table(lang, rng)
        elif len(blocks) % 23 == 17:
            items = "".join(
                f"<li>{html.escape(fill(rng.choice(lang.sentences), lang, rng))}</li>"
                for _ in range(rng.randint(3, 5))
            )
            block = f"<ul>{items}</ul>"
        else:
            block = f"<p>{html.escape(paragraph(lang, rng))}</p>"
        blocks.append(block)
        size += len(block.encode())
    for v in range(2, version + 1):  # a meaningful edit: two paragraphs rewritten, one added
        edit = random.Random(f"{seed}/{pid}/v{v}")
        paragraphs = [i for i, b in enumerate(blocks) if b.startswith("<p>")]
        for i in edit.sample(paragraphs, 2):
            blocks[i] = f"<p>{html.escape(paragraph(lang, edit))}</p>"
        note = "更新：" if lang.code == "zh" else "Update: "
        blocks.insert(1, f"<p>{note}{html.escape(paragraph(lang, edit))}</p>")
    return blocks


def _fee_table(lang: Lang, rng: random.Random) -> str:
    head = (
        ("尺寸分段", "当前费用", "新费用") if lang.code == "zh" else ("Size tier", "Current", "New")
    )
    tiers = ["Small standard", "Large standard", "Large bulky", "Extra-large 0-50 lb"]
    rows = []
    for tier in tiers:
        old = rng.randint(250, 2500) / 100
        rows.append(
            f"<tr><td>{tier}</td><td>${old:.2f}</td>"
            f"<td>${old + rng.randint(5, 90) / 100:.2f}</td></tr>"
        )
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(rows)
    return f'<table class="fee-table"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _page(lang: Lang, page_title: str, main: str, hot_links: list[tuple[str, str]]) -> str:
    zh = lang.code == "zh"
    site_name = "跨境政策观察" if zh else "Seller Policy Watch"
    nav = "".join(
        f'<li><a href="/{lang.code}/news/list-0001.html?c={i}">{html.escape(t)}</a></li>'
        for i, t in enumerate(lang.nav)
    )
    hot = "".join(f'<li><a href="{href}">{html.escape(text)}</a></li>' for href, text in hot_links)
    footer = "".join(
        f'<a href="/about/{i}.html">{html.escape(t)}</a> ' for i, t in enumerate(lang.footer)
    )
    hot_head = "热门文章" if zh else "Most read"
    rights = (
        "Copyright © 2014-2026 跨境政策观察 版权所有 · 沪ICP备12345678号"
        if zh
        else ("Copyright © 2014-2026 Seller Policy Watch. All rights reserved.")
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">'
        f"<title>{html.escape(page_title)} - {site_name}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="stylesheet" href="/static/site.css">{_STYLE}{_SCRIPT}</head>\n<body>'
        f'<header class="site-header"><div class="logo"><a href="/">{site_name}</a></div>'
        f'<nav class="main-nav"><ul>{nav}</ul></nav>'
        '<form class="search" action="/search"><input name="q" type="text">'
        "<button>Search</button></form>"
        f'</header>\n<div class="container"><main class="main">{main}</main>'
        f'<aside class="sidebar"><div class="hot-list"><h3>{hot_head}</h3><ol>{hot}</ol></div>'
        '<div class="ad-slot">AD</div></aside></div>\n'
        f'<footer class="site-footer"><div class="footer-links">{footer}</div>'
        f"<p>{rights}</p></footer>"
        '<script src="/static/app.js"></script></body></html>\n'
    )


_STYLE = (
    "<style>"
    + "".join(
        f".c{i}{{margin:{i}px;padding:{i % 7}px;color:#{i * 2 % 10}{i % 10}3;}}" for i in range(60)
    )
    + "</style>"
)
_SCRIPT = (
    "<script>window.__APP__={tracking:{enabled:true,id:'UA-000000-1'},features:['share','comments',"
    "'subscribe','related'],build:'2026.1.7'};(function(){var s=document.createElement('script');"
    "s.async=true;s.src='/static/analytics.js';document.head.appendChild(s);})();</script>"
)


def article_html(seed: int, n_initial: int, pid: int, version: int) -> str:
    m = meta(seed, pid)
    zh = m.lang.code == "zh"
    rng = random.Random(f"{seed}/{pid}/links")
    others = [rng.randrange(n_initial) for _ in range(30)]
    related = "".join(
        f'<li><a href="{article_path(p)}">{html.escape(meta(seed, p).title)}</a></li>'
        for p in others[10:28]
    )
    date = m.published.strftime("%Y-%m-%d %H:%M")
    crumbs = "首页 &gt; 资讯 &gt; 正文" if zh else "Home &gt; News &gt; Article"
    views = f"阅读 {rng.randint(100, 99999)}" if zh else f"{rng.randint(100, 99999)} views"
    tags = "".join(
        f'<a href="/tag/{i}">{html.escape(t)}</a> '
        for i, t in enumerate(rng.sample(m.lang.slots["prog"], 3))
    )
    related_head = "相关阅读" if zh else "Related articles"
    share = "分享到：微信 微博 QQ空间" if zh else "Share: Facebook · LinkedIn · X · Email"
    main = (
        f'<div class="breadcrumb">{crumbs}</div><article class="article">'
        f'<h1 class="article-title">{html.escape(m.title)}</h1>'
        f'<div class="article-meta"><time datetime="{m.published.isoformat()}">{date}</time>'
        f' <span class="views">{views}</span></div>'
        f'<div class="article-content">{"".join(body_blocks(seed, pid, version))}</div>'
        f'<div class="article-tags">{tags}</div><div class="share-bar">{share}</div></article>'
        f'<div class="related-articles"><h3>{related_head}</h3><ul>{related}</ul></div>'
    )
    return _page(m.lang, m.title, main, _links(seed, others[:10]))


def list_html(seed: int, section: str, number: int, total: int, pids: list[int]) -> str:
    lang = _lang(section)
    items = []
    for pid in pids:
        m = meta(seed, pid)
        items.append(
            f'<li class="news-item"><a class="news-title" href="{article_path(pid)}">'
            f"{html.escape(m.title)}</a>"
            f'<span class="news-date"><time datetime="{m.published.isoformat()}">'
            f"{m.published:%Y-%m-%d}</time></span>"
            f'<p class="news-summary">{html.escape(m.summary)}</p></li>'
        )
    pages = "".join(
        f'<a href="{list_path(section, k)}">{k}</a> ' for k in range(1, min(total, 10) + 1)
    )
    heading = (
        ("政策公告" if "policy" in section else "行业资讯")
        if lang.code == "zh"
        else ("Policy announcements" if "policy" in section else "News")
    )
    main = (
        f'<h1 class="list-title">{heading}</h1><ul class="news-list">{"".join(items)}</ul>'
        f'<div class="pagination">{pages}</div>'
    )
    return _page(lang, heading, main, _links(seed, pids[:10]))


def _links(seed: int, pids: list[int]) -> list[tuple[str, str]]:
    return [(article_path(p), meta(seed, p).title) for p in pids]


_BOILERPLATE_BYTES = {  # page chrome plus the article's header, tags and related links
    code: len(_page(lang, "x" * 20, "", _links(0, list(range(10)))).encode()) + 2200
    for code, lang in (("zh", ZH), ("en", EN))
}


@dataclass
class Planted:
    """What a round changed on the site, as URL paths."""

    new: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    gone: set[str] = field(default_factory=set)


@dataclass
class Site:
    root: Path
    n: int
    seed: int = 7
    versions: dict[int, int] = field(default_factory=dict)  # pid -> version; 0 = gone
    lists: dict[str, list[list[int]]] = field(default_factory=dict)  # section -> pages of pids

    @property
    def article_paths(self) -> list[str]:
        """Every article path that a list page links to (gone ones included)."""
        return [article_path(p) for p in sorted(self.versions)]

    def list_paths(self, section: str) -> list[str]:
        return [list_path(section, k + 1) for k in range(len(self.lists[section]))]

    def generate(self, workers: int | None = None, *, articles: bool = True) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        (self.root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
        (self.root / "index.html").write_text("<html><body>bench</body></html>\n", encoding="utf-8")
        self.versions = dict.fromkeys(range(self.n), 1)
        for section in SECTIONS:
            pids = [p for p in range(self.n) if section_of(p) == section]
            pids.reverse()  # newest first
            self.lists[section] = [pids[i : i + PER_LIST] for i in range(0, len(pids), PER_LIST)]
        chunks = [list(range(i, min(i + 500, self.n))) for i in range(0, self.n, 500)]
        for section in SECTIONS:
            (self.root / section).mkdir(parents=True, exist_ok=True)
            (self.root / section).chmod(0o755)
        if not articles:  # list pages only: every article link answers 404
            chunks = []
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            list(pool.map(_write_chunk, [(self.root, self.seed, self.n, c, 1) for c in chunks]))
        self._write_lists(SECTIONS)

    def mutate(self, round_no: int, changed_pct: float, new_pct: float, gone_pct: float) -> Planted:
        rng = random.Random(f"{self.seed}/round{round_no}")
        alive = sorted(p for p, v in self.versions.items() if v)
        k_changed, k_gone, k_new = (
            max(1, round(self.n * pct / 100)) for pct in (changed_pct, gone_pct, new_pct)
        )
        picked = rng.sample(alive, k_changed + k_gone)
        planted = Planted()
        for pid in picked[:k_changed]:
            self.versions[pid] += 1
            self._write(pid)
            planted.changed.add(article_path(pid))
        for pid in picked[k_changed:]:
            self.versions[pid] = 0
            (self.root / article_path(pid).lstrip("/")).unlink()
            planted.gone.add(article_path(pid))
        touched = set()
        first_new = max(self.versions) + 1
        for pid in range(first_new, first_new + k_new):
            self.versions[pid] = 1
            self._write(pid)
            section = section_of(pid)
            pages = self.lists[section]
            pages[rng.randrange(len(pages))].insert(0, pid)  # the top of one list page
            touched.add(section)
            planted.new.add(article_path(pid))
        self._write_lists(sorted(touched))
        return planted

    def _write(self, pid: int) -> None:
        _write_chunk((self.root, self.seed, self.n, [pid], self.versions[pid]))

    def _write_lists(self, sections: list[str] | tuple[str, ...]) -> None:
        for section in sections:
            pages = self.lists[section]
            for k, pids in enumerate(pages, 1):
                path = self.root / list_path(section, k).lstrip("/")
                path.write_text(
                    list_html(self.seed, section, k, len(pages), pids), encoding="utf-8"
                )

    def disk_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.root.rglob("*.html"))


def _write_chunk(args: tuple[Path, int, int, list[int], int]) -> None:
    root, seed, n_initial, pids, version = args
    for pid in pids:
        path = root / article_path(pid).lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o755)
        path.write_text(article_html(seed, n_initial, pid, version), encoding="utf-8")
