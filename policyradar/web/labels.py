"""Words of the web UI, Chinese first, English with ``?lang=en``; category names from the rules."""

from __future__ import annotations

import functools
import logging

logger = logging.getLogger(__name__)

LABELS: dict[str, tuple[str, str]] = {
    "app": ("政策雷达", "PolicyRadar"),
    "timeline": ("时间线", "Timeline"),
    "sources": ("来源", "Sources"),
    "search": ("搜索", "Search"),
    "search_placeholder": ('搜索变更，例如：库容 关税 "low inventory"', "Search changes"),
    "category": ("类别", "Category"),
    "source": ("来源", "Source"),
    "marketplace": ("站点", "Marketplace"),
    "urgency": ("紧急程度", "Urgency"),
    "watchlist": ("关注列表", "Watchlist"),
    "watch_only": ("只看关注命中", "Watch hits only"),
    "since": ("起始日期", "From"),
    "until": ("截止日期", "Until"),
    "any": ("全部", "Any"),
    "filter": ("筛选", "Filter"),
    "reset": ("清除", "Reset"),
    "no_changes": ("没有符合条件的变更。", "No changes match."),
    "empty_db": (
        "还没有数据：先运行 policyradar crawl（或 policyradar demo）。",
        "Nothing here yet: run policyradar crawl (or policyradar demo) first.",
    ),
    "results": ("{n} 条结果（按相关度和时间排序）", "{n} results (by relevance and recency)"),
    "older": ("更早 →", "Older →"),
    "newer": ("← 较新", "← Newer"),
    "kind_new": ("新增", "new"),
    "kind_changed": ("变更", "changed"),
    "kind_removed": ("删除", "removed"),
    "urgency_high": ("紧急", "high"),
    "urgency_medium": ("一般", "medium"),
    "urgency_low": ("较低", "low"),
    "detected": ("发现时间", "Detected"),
    "published": ("发布时间", "Published"),
    "kind": ("类型", "Kind"),
    "keywords": ("关键词", "Keywords"),
    "categories": ("类别", "Categories"),
    "effective": ("生效日期", "Effective"),
    "watch_hits": ("关注命中", "Watch hits"),
    "original": ("原文链接", "Source page"),
    "unsafe_url": ("（链接不是 http/https，未显示为链接）", "(not an http/https link)"),
    "history": ("版本历史", "Version history"),
    "diff": ("差异", "Diff"),
    "added": ("新增", "Added"),
    "removed": ("删除", "Removed"),
    "skipped": ("…… 省略 {n} 段未变内容 ……", "… {n} unchanged paragraphs …"),
    "whole_removed": ("文档已删除，以下为最后版本：", "The document is gone; its last text:"),
    "versions": ("版本", "Versions"),
    "compare": ("比较所选版本", "Compare selected"),
    "old": ("旧", "old"),
    "new": ("新", "new"),
    "no_diff": ("这两个版本没有实质差异。", "No meaningful difference between these versions."),
    "changes_of_doc": ("该文档的变更", "Changes of this document"),
    "fetched": ("抓取时间", "Fetched"),
    "length": ("字数", "Length"),
    "documents": ("文档", "Documents"),
    "changes": ("变更", "Changes"),
    "last_change": ("最近变更", "Last change"),
    "last_outcome": ("上次结果", "Last outcome"),
    "health": ("健康状况", "Health"),
    "healthy": ("正常", "OK"),
    "failing": (
        "近 {runs} 次中出错 {errors} 次、异常 {anomalous} 次",
        "{errors} errors, {anomalous} anomalous in the last {runs} runs",
    ),
    "never": ("从未运行", "never run"),
    "feed": ("订阅 Atom", "Atom feed"),
    "not_found": ("找不到这个页面。", "Page not found."),
    "bad_request": ("请求无效", "Bad request"),
    "unauthorized": ("需要访问令牌。", "An access token is required."),
    "language": ("English", "中文"),
    "json": ("JSON", "JSON"),
    "document": ("文档", "Document"),
}


def label(key: str, lang: str = "zh", **values: object) -> str:
    zh, en = LABELS[key]
    return (en if lang == "en" else zh).format(**values)


@functools.cache
def category_names() -> dict[str, tuple[str, str]]:
    """Category id -> (Chinese name, English name) from the bundled rules (ids if unavailable)."""
    try:
        from policyradar.tagging.categories import CategorySet

        return {c.id: (c.name_zh, c.name_en) for c in CategorySet.load().categories.values()}
    except Exception:  # the rules are someone else's module: never break the UI over them
        logger.warning("category names unavailable", exc_info=True)
        return {}


def category_name(cid: str, lang: str = "zh") -> str:
    zh, en = category_names().get(cid, (cid, cid))
    return en if lang == "en" else zh
