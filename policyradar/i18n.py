"""Human-facing words of the command line, Chinese first, English on request (``--lang en``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
}


def t(key: str, lang: str = "zh", **values: object) -> str:
    zh, en = MESSAGES[key]
    return (en if lang == "en" else zh).format(**values)
