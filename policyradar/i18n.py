"""The human words of every face, Chinese first, English on request: one table per face.

Each entry is ``(Chinese, English)``, with ``{name}`` fields filled from keyword values. One
lookup serves every table; each face has its own short name for it: :func:`t` for the command
line (and the demo), :func:`label` for the web UI, :func:`word` for the digest and
:func:`error` for the error messages users see. Any language but "en" reads Chinese.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")

CLI: dict[str, tuple[str, str]] = {
    "source": ("来源", "Source"),
    "kind": ("类型", "Kind"),
    "marketplace": ("站点", "Market"),
    "enabled": ("启用", "Enabled"),
    "last_outcome": ("上次结果", "Last outcome"),
    "outcome": ("结果", "Outcome"),
    "new": ("新增", "New"),
    "changed": ("变更", "Changed"),
    "removed": ("删除", "Removed"),
    "unchanged": ("未变", "Unchanged"),
    "anomalies": ("异常", "Anomalies"),
    "errors": ("错误", "Errors"),
    "note": ("说明", "Note"),
    "id": ("编号", "ID"),
    "detected": ("发现时间", "Detected"),
    "title": ("标题", "Title"),
    "url": ("链接", "URL"),
    "published": ("发布时间", "Published"),
    "urgency": ("紧急度", "Urgency"),
    "urgency_high": ("高", "high"),
    "urgency_medium": ("中", "medium"),
    "urgency_low": ("低", "low"),
    "categories": ("类别", "Categories"),
    "effective": ("生效日期", "Effective"),
    "keywords": ("关键词", "Keywords"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "never": ("从未运行", "never run"),
    "no_changes": ("没有符合条件的变更。", "No changes match."),
    "no_change": ("没有编号为 {id} 的变更。", "No change with id {id}."),
    "run_summary": (
        "第 {run} 次抓取：{sources} 个来源，{requests} 个请求，用时 {seconds:.1f} 秒",
        "Run {run}: {sources} sources, {requests} requests, {seconds:.1f} s",
    ),
    "crawling": ("抓取中", "Crawling"),
    "all_failed": ("所有来源都失败了。", "Every source failed."),
    "init_done": ("已写入初始配置：{path}", "Starter config written to {path}"),
    "init_exists": ("{path} 已存在；加 --force 覆盖。", "{path} exists; use --force to overwrite."),
    "no_sources": ("没有可抓取的来源。", "No sources to crawl."),
    "demo_intro": (
        "政策雷达演示：本地演示网站 {base}，数据目录 {home}",
        "PolicyRadar demo: local demo site {base}, home {home}",
    ),
    "demo_first": ("第一轮（快照 1）：", "First crawl (snapshot 1):"),
    "demo_second": ("第二轮（快照 2）：", "Second crawl (snapshot 2):"),
    "demo_changes": ("第二轮发现的变更：", "Changes found by the second crawl:"),
    "demo_noise": ("被拦下的噪音（不计为变更）：", "Noise held back (not counted as changes):"),
    "demo_totals": (
        "共 {documents} 个文档、{changes} 条变更、{anomalies} 个异常、{errors} 个错误，"
        "用时 {seconds:.1f} 秒",
        "{documents} documents, {changes} changes, {anomalies} anomalies, "
        "{errors} errors in {seconds:.1f} s",
    ),
    "demo_digest": (
        "每日摘要按各渠道渲染，共 {files} 个文件：{folder}",
        "The daily digest as each channel renders it, {files} files in {folder}:",
    ),
    "demo_next": (
        "查看：policyradar --home {home} changes / show <编号>",
        "Explore: policyradar --home {home} changes / show <id>",
    ),
    "no_hits": ("没有找到匹配的变更。", "No changes match."),
    "title_snippet": ("标题与摘要", "Title and snippet"),
    "serving": (
        "政策雷达网页：{url}（按 Ctrl+C 退出）",
        "PolicyRadar web UI: {url} (Ctrl+C to stop)",
    ),
    "no_watchlists": ("还没有关注列表。", "No watchlists yet."),
    "category_ids": ("可用类别：{ids}", "Categories: {ids}"),
    "watchlist_saved": (
        "已保存关注列表 {name}。运行 policyradar reclassify 可套用到已有变更。",
        "Saved watchlist {name}. Run `policyradar reclassify` to apply it to stored changes.",
    ),
    "watchlist_updated": ("已更新关注列表 {name}。", "Updated watchlist {name}."),
    "reclassified": ("已重新分类 {count} 条变更。", "Reclassified {count} changes."),
    "check_entries": ("条目", "Entries"),
    "check_documents": ("文档", "Docs"),
    "check_failures": ("解析失败", "Parse failures"),
    "check_verdict": ("结论", "Verdict"),
    "check_reason": ("原因", "Reason"),
    "verdict_ok": ("正常", "ok"),
    "verdict_warn": ("注意", "warn"),
    "verdict_broken": ("可能已失效", "probably broken"),
    "check_summary": (
        "{n} 个来源：{ok} 正常，{warn} 需注意，{broken} 可能已失效",
        "{n} sources: {ok} ok, {warn} warn, {broken} probably broken",
    ),
    "recorded": (
        "已保存 {files} 个文件到 {folder}，expected.toml 列出 {documents} 个文档；请检查后提交。",
        "Saved {files} files into {folder}; expected.toml lists {documents} documents. "
        "Review before committing.",
    ),
}


WEB: dict[str, tuple[str, str]] = {
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
    "language": ("English", "中文"),
    "json": ("JSON", "JSON"),
    "document": ("文档", "Document"),
}

DIGEST: dict[str, tuple[str, str]] = {
    "brand": ("政策雷达", "PolicyRadar"),
    "digest": ("每日摘要", "Daily digest"),
    "alert": ("紧急提醒", "Urgent alert"),
    "quiet": ("今日无新变更", "All quiet: nothing new"),
    "test": ("测试消息", "Test message"),
    "test_body": (
        "这是一条来自政策雷达的测试消息，收到即表示推送配置正确。",
        "This is a test message from PolicyRadar: delivery works.",
    ),
    "urgent_section": ("紧急 / 关注词命中", "Urgent and watchlist hits"),
    "health_section": ("来源健康", "Source health"),
    "urgent_n": ("{n} 条紧急", "{n} urgent"),
    "changes_n": ("{n} 条变更", "{n} changes"),
    "items_n": ("{n} 条", "{n} items"),
    "failing_n": ("{n} 个来源异常", "{n} sources failing"),
    "window": ("时间范围", "Window"),
    "source": ("来源", "Source"),
    "published": ("发布", "Published"),
    "detected": ("发现", "Detected"),
    "effective": ("生效", "Effective"),
    "watch": ("命中关注词", "Watchlist hits"),
    "keywords": ("关键词", "Keywords"),
    "excerpt": ("摘要", "Excerpt"),
    "link": ("原文", "Source link"),
    "diff": ("差异", "Diff"),
    "also": ("同时报道", "Also reported by"),
    "categories": ("分类", "Categories"),
    "in_days": ("还有 {n} 天", "in {n} days"),
    "today": ("今天", "today"),
    "past": ("已生效", "in effect"),
    "continued": ("续", "cont."),
    "health_line": (
        "最近 {runs} 次抓取中 {errors} 次出错、{anomalous} 次异常",
        "{errors} errors and {anomalous} anomalous runs in the last {runs}",
    ),
    "new": ("新增", "new"),
    "changed": ("变更", "changed"),
    "removed": ("删除", "removed"),
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
    "urgency": ("紧急度", "Urgency"),
    "footer": ("由政策雷达生成", "Generated by PolicyRadar"),
    "nothing": ("没有未推送的变更。", "No undelivered changes."),
    # punctuation of plain-text layouts
    "colon": ("：", ": "),  # between a label and its value
    "list_sep": ("、", ", "),  # between the items of a list
    "aside": ("{text}（{note}）", "{text} ({note})"),  # a note after a value
    "title_box": ("【{title}】", "[{title}]"),  # a plain-text message's title
    "html_lang": ("zh-CN", "en"),  # an HTML page's lang attribute
}

ERRORS: dict[str, tuple[str, str]] = {
    "not_found": ("找不到这个页面。", "Page not found."),
    "bad_request": ("请求无效", "Bad request"),
    "unauthorized": ("需要访问令牌。", "An access token is required."),
    "search_empty": ("请输入要搜索的词。", "Type a word to search for."),
    "search_no_words": (
        "查询里没有可搜索的文字（字母、数字或汉字）：{query}",
        "The query has no letters, digits or Chinese characters to search for: {query}",
    ),
    "search_only_not": (
        "只有排除词（NOT/-）无法搜索；请再加一个要查找的词，例如“关税 NOT 美国”。",
        "A search needs a word to look for, not only words to leave out (NOT/-): "
        'try "tariff NOT US".',
    ),
    "search_only_operators": (
        "查询只有 AND、OR、NOT，没有要查找的词。",
        "The query has only AND, OR and NOT, no word to look for.",
    ),
    "search_too_long": (
        "查询太长（最多 {max} 个字符）。",
        "The query is too long (at most {max} characters).",
    ),
    "search_bad_query": (
        "无法执行这个查询；请去掉特殊符号后再试。",
        "This query could not be run; try it without special characters.",
    ),
    "search_too_many": (
        "查询词太多（最多 {max} 个）。",
        "Too many words in the query (at most {max}).",
    ),
}


def _lookup(
    table: dict[str, tuple[str, str]], key: str, lang: str, values: dict[str, object]
) -> str:
    """The words ``key`` of ``table`` in ``lang`` (Chinese unless "en"), filled with ``values``."""
    zh, en = table[key]
    return (en if lang == "en" else zh).format(**values)


def t(key: str, lang: str = "zh", **values: object) -> str:
    """Words of the command line and the demo."""
    return _lookup(CLI, key, lang, values)


def label(key: str, lang: str = "zh", **values: object) -> str:
    """Words of the web UI (also a Jinja global of its templates)."""
    return _lookup(WEB, key, lang, values)


def word(key: str, lang: str = "zh", **values: object) -> str:
    """Words of the digest, in every channel."""
    return _lookup(DIGEST, key, lang, values)


def error(key: str, lang: str = "zh", **values: object) -> str:
    """An error message shown to a user."""
    return _lookup(ERRORS, key, lang, values)


def other_language(lang: str) -> str:
    """The language a "switch language" link leads to."""
    return "en" if lang == "zh" else "zh"
