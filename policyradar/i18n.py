"""The human words of every face, Chinese first, English on request: one table per face.

Each entry is ``(Chinese, English)``, with ``{name}`` fields filled from keyword values. One
lookup serves every table; each face has its own short name for it: :func:`t` for the command
line (and the demo), :func:`label` for the web UI, :func:`word` for the digest and
:func:`error` for the error messages users see. Any language but "en" reads Chinese.
"""

from __future__ import annotations

import functools
import re

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
    "summary": ("概要", "Summary"),
    "facts": ("数值变化", "What changed"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "never": ("从未运行", "never run"),
    "outcome_changed": ("有变更", "changed"),
    "outcome_unchanged": ("无变化", "unchanged"),
    "outcome_error": ("出错", "error"),
    "kind_new": ("新增", "new"),
    "kind_changed": ("修改", "changed"),
    "kind_removed": ("删除", "removed"),
    "event_anomaly": ("异常", "anomaly"),
    "event_error": ("错误", "error"),
    "list_sep": ("、", ", "),
    "delivery_sent": ("已发送", "sent"),
    "delivery_dry-run": ("预览", "dry-run"),
    "delivery_empty": ("无内容", "empty"),
    "delivery_failed": ("失败", "failed"),
    "delivery_ok": ("正常", "ok"),
    "delivery_detail_sent": (
        "{sent} 条消息，{changes} 条变更",
        "{sent} part(s), {changes} change(s)",
    ),
    "delivery_detail_dry": (
        "{parts} 条消息，{changes} 条变更，未发送",
        "{parts} part(s), {changes} change(s), not sent",
    ),
    "delivery_detail_failed": (
        "已发送 {sent}/{parts} 条：{error}",
        "{sent}/{parts} part(s) sent: {error}",
    ),
    "no_changes": ("没有符合条件的变更。", "No changes match."),
    "no_change": ("没有编号为 {id} 的变更。", "No change with id {id}."),
    "run_summary": (
        "第 {run} 次抓取：{sources} 个来源（{failed} 个出错），{requests} 个请求，"
        "用时 {seconds:.1f} 秒",
        "Run {run}: {sources} sources ({failed} failed), {requests} requests, {seconds:.1f} s",
    ),
    "crawling": ("抓取中", "Crawling"),
    "progress_sources": ("来源", "Sources"),
    "progress_counts": ("页面 {pages} · 变更 {changes}", "pages {pages} · changes {changes}"),
    "progress_left": ("剩余", "left"),
    "all_failed": ("所有来源都失败了。", "Every source failed."),
    "all_failed_network": (
        "所有来源都失败了：这台机器连不上这些网站。运行 {cmd} doctor 查看原因。",
        "Every source failed: this machine cannot reach the sites. Run `{cmd} doctor` to see why.",
    ),
    "init_done": ("已写入初始配置：{path}", "Starter config written to {path}"),
    "init_next": (
        "下一步：\n"
        "  {cmd} doctor      检查配置、网络和数据库\n"
        "  {cmd} crawl       第一次抓取：记下各来源现有的内容（基线）\n"
        "  {cmd} changes     之后每次抓取发现的变更\n"
        "  {cmd} serve       在浏览器里查看：http://127.0.0.1:8750/\n"
        "要接收每日摘要（企业微信、Telegram、邮件），编辑 {config} 里的 [[subscription]] 示例。",
        "Next:\n"
        "  {cmd} doctor      check the config, the network and the database\n"
        "  {cmd} crawl       a first crawl: notes what each source holds now (the baseline)\n"
        "  {cmd} changes     what later crawls find\n"
        "  {cmd} serve       browse them at http://127.0.0.1:8750/\n"
        "For daily digests (WeCom, Telegram, email), fill in the [[subscription]] example in "
        "{config}.",
    ),
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
        "接着看看：\n  {cmd} changes         变更列表\n  {cmd} show <编号>     一条变更的差异\n"
        "  {cmd} serve           网页：http://127.0.0.1:8750/",
        "Explore:\n  {cmd} changes         the list of changes\n  {cmd} show <id>       one "
        "change with its diff\n  {cmd} serve           the web UI: http://127.0.0.1:8750/",
    ),
    "no_hits": ("没有找到匹配的变更。", "No changes match."),
    "title_snippet": ("标题与摘要", "Title and snippet"),
    "serving": (
        "政策雷达网页：{url}（按 Ctrl+C 退出）",
        "PolicyRadar web UI: {url} (Ctrl+C to stop)",
    ),
    "schedule_on": (
        "定时运行（抓取后发送到期的摘要）：每天 {slots}",
        "Scheduled runs (crawl, then the due digests): daily at {slots}",
    ),
    "no_watchlists": ("还没有关注列表。", "No watchlists yet."),
    "category_ids": ("可用类别：{ids}", "Categories: {ids}"),
    "watchlist_saved": (
        "已保存关注列表 {name}。运行 policyradar reclassify 可套用到已有变更。",
        "Saved watchlist {name}. Run `policyradar reclassify` to apply it to stored changes.",
    ),
    "watchlist_updated": ("已更新关注列表 {name}。", "Updated watchlist {name}."),
    "reclassified": ("已重新分类 {count} 条变更。", "Reclassified {count} changes."),
    "no_deadlines": (
        "未来 {days} 天内没有生效日期。",
        "No effective dates in the next {days} days.",
    ),
    "deadlines_title": (
        "未来 {days} 天内生效（{n} 个日期）",
        "Coming into force in {days} days ({n})",
    ),
    "date": ("日期", "Date"),
    "countdown": ("倒计时", "Countdown"),
    "ics_written": (
        "已写入日历文件 {path}：{n} 个生效日期（{first} 至 {last}）",
        "Calendar written to {path}: {n} dates ({first} to {last})",
    ),
    "ics_failed": ("--ics：无法写入 {path}：{reason}", "--ics: cannot write {path}: {reason}"),
    "profile_applied": (
        "已按 config.toml 的 [profile] 筛选（--all 显示全部）",
        "Filtered by the [profile] of config.toml (--all shows everything)",
    ),
    "check_entries": ("条目", "Entries"),
    "check_documents": ("文档", "Docs"),
    "check_failures": ("解析失败", "Parse failures"),
    "check_verdict": ("结论", "Verdict"),
    "check_reason": ("原因", "Reason"),
    "verdict_ok": ("正常", "ok"),
    "verdict_warn": ("注意", "warn"),
    "verdict_broken": ("可能已失效", "probably broken"),
    "verdict_unreachable": ("网络不可达", "network unreachable"),
    "check_summary": (
        "{n} 个来源：{ok} 正常，{warn} 需注意，{broken} 可能已失效，{unreachable} 网络不可达",
        "{n} sources: {ok} ok, {warn} warn, {broken} probably broken, {unreachable} unreachable",
    ),
    "recorded": (
        "已保存 {files} 个文件到 {folder}，expected.toml 列出 {documents} 个文档；请检查后提交。",
        "Saved {files} files into {folder}; expected.toml lists {documents} documents. "
        "Review before committing.",
    ),
    # policyradar doctor: one line per check, with its fix
    "doctor_config": ("配置", "config"),
    "doctor_database": ("数据库", "database"),
    "doctor_lexicon": ("词典缓存", "lexicon"),
    "doctor_disk": ("磁盘", "disk"),
    "doctor_browser": ("浏览器", "browser"),
    "doctor_subs": ("订阅", "subscriptions"),
    "doctor_sub": ("订阅 {name}", "subscription {name}"),
    "doctor_host": ("网站 {host}", "site {host}"),
    "doctor_web": ("网页界面", "web UI"),
    "doctor_fix": ("修复：", "fix: "),
    "doctor_summary": (
        "{ok} 项正常，{warn} 项提醒，{fail} 项失败",
        "{ok} ok, {warn} warnings, {fail} failed",
    ),
    "doctor_no_home": ("{home} 里没有 sources.toml", "no sources.toml in {home}"),
    "doctor_no_home_fix": (
        "运行 policyradar init 写入初始配置（或用 --home 指定数据目录）",
        "run `policyradar init` to write a starter config (or point --home at your home)",
    ),
    "doctor_config_ok": (
        "{home}：启用 {enabled}/{total} 个来源，{subs} 个订阅",
        "{home}: {enabled} of {total} sources enabled, {subs} subscriptions",
    ),
    "doctor_config_default": ("（没有 config.toml：使用默认设置）", " (no config.toml: defaults)"),
    "doctor_config_fix": ("按提示修改上面指出的文件和字段", "edit the file and field named above"),
    "doctor_db_none": (
        "{path} 还不存在；第一次抓取时创建",
        "{path} does not exist yet; the first crawl creates it",
    ),
    "doctor_db_ok": (
        "{path} 完好：{changes} 条变更，结构版本 {schema}",
        "{path} is sound: {changes} changes, schema {schema}",
    ),
    "doctor_db_pending": (
        "；{n} 个升级将在下次运行时自动完成",
        "; {n} migrations apply on the next run",
    ),
    "doctor_db_broken": ("{path} 已损坏：{problem}", "{path} is damaged: {problem}"),
    "doctor_db_broken_fix": (
        "停止抓取，备份后用 sqlite3 的 .recover 修复，或把它移走重新抓取（历史会丢失）",
        "stop crawls, back it up, then repair it with sqlite3's .recover, or move it aside and "
        "crawl again (the history is lost)",
    ),
    "doctor_db_newer": (
        "数据库由更新版本的政策雷达写入（未知的升级：{names}）",
        "the database was written by a newer PolicyRadar (unknown migrations: {names})",
    ),
    "doctor_db_newer_fix": ("升级政策雷达到最新版本", "upgrade PolicyRadar"),
    "doctor_lexicon_ok": ("{path}（{mb:.1f} MB）", "{path} ({mb:.1f} MB)"),
    "doctor_lexicon_none": (
        "{path} 还没有生成；第一次抓取时生成（约 3 秒）",
        "{path} is not built yet; the first crawl builds it (~3 s)",
    ),
    "doctor_lexicon_bad": (
        "{path} 已损坏（{error}）；下次使用时会重新生成",
        "{path} is damaged ({error}); it is rebuilt when next used",
    ),
    "doctor_lexicon_bad_fix": ("也可以直接删除该文件", "or delete the file now"),
    "doctor_lexicon_fix": (
        "删除该目录，或把环境变量 {env} 设为你自己的目录",
        "remove that directory, or set {env} to a directory of your own",
    ),
    "doctor_disk_free": ("{path} 所在磁盘剩余 {mb:,.0f} MB", "{mb:,.0f} MB free where {path} is"),
    "doctor_disk_fix": (
        "腾出空间（至少 {mb} MB），或用 --home 把数据目录放到更大的磁盘",
        "free some space (at least {mb} MB), or move the home to a larger disk (--home)",
    ),
    "doctor_browser_unused": (
        '不需要：没有启用 render = "browser" 的来源',
        'not needed: no enabled source sets render = "browser"',
    ),
    "doctor_browser_ok": (
        "{path}，供 {n} 个需要渲染的来源使用",
        "{path}, for {n} sources that render in a browser",
    ),
    "doctor_browser_fix": (
        "pip install 'policyradar[browser]'，并安装 chromium 和中文字体（make chromium，或 "
        "apt-get install chromium fonts-noto-cjk）",
        "pip install 'policyradar[browser]', then chromium and a Chinese font (make chromium, "
        "or apt-get install chromium fonts-noto-cjk)",
    ),
    "doctor_no_cjk_font": (
        "没有中文字体：浏览器渲染的页面里汉字会显示成方框",
        "no Chinese font: pages rendered in the browser show Chinese as boxes",
    ),
    "doctor_font_fix": ("apt-get install fonts-noto-cjk", "apt-get install fonts-noto-cjk"),
    "doctor_no_subs": ("没有配置订阅：摘要不会发送", "no subscriptions: no digest is sent"),
    "doctor_no_subs_fix": (
        "在 config.toml 里取消 [[subscription]] 示例的注释并填写",
        "uncomment and fill in the [[subscription]] example in config.toml",
    ),
    "doctor_sub_env_unset": (
        "环境变量 {env} 没有设置（url_env 指向它）",
        "the environment variable {env} (its url_env) is not set",
    ),
    "doctor_sub_env_fix": (
        "设置环境变量：export {env}='wecombot://KEY'（或写进 systemd 的 EnvironmentFile）",
        "set the variable: export {env}='wecombot://KEY' (or put it in systemd's EnvironmentFile)",
    ),
    "doctor_sub_ok": ("{target}", "{target}"),
    "doctor_sub_reached": ("{target}，{host} 可以连接", "{target}; {host} answers"),
    "doctor_sub_unreachable": ("{target}：{problem}", "{target}: {problem}"),
    "doctor_host_sources": ("（{n} 个来源）", " ({n} sources)"),
    "doctor_net_fix": (
        "检查网络、DNS 和防火墙；需要代理时设置 HTTPS_PROXY（抓取和 doctor 都会使用）",
        "check the network, DNS and firewall; behind a proxy set HTTPS_PROXY (crawls use it too)",
    ),
    "doctor_web_fix": (
        "确认 policyradar serve 正在运行；设置了令牌时同时设置 POLICYRADAR_TOKEN",
        "check that `policyradar serve` runs; with a token, set POLICYRADAR_TOKEN too",
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
    "via_glossary": ("（词表：{terms}）", "(glossary: {terms})"),
    "via_glossary_title": (
        "按卖家词表找到的同义词（data/glossary.toml）",
        "Found through the seller glossary (data/glossary.toml)",
    ),
    "older": ("更早 →", "Older →"),
    "newer": ("← 较新", "← Newer"),
    "kind_new": ("新增", "new"),
    "kind_changed": ("变更", "changed"),
    "kind_removed": ("删除", "removed"),
    "outcome_changed": ("有变更", "changed"),
    "outcome_unchanged": ("无变化", "unchanged"),
    "outcome_error": ("出错", "error"),
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
    "summary": ("概要", "Summary"),
    "facts": ("数值变化", "What changed"),
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
    "deadlines": ("生效日期", "Deadlines"),
    "deadlines_intro": (
        "未来 {days} 天内生效的规则（含今天），按日期排列。",
        "Rules coming into force in the next {days} days (today included), by date.",
    ),
    "no_deadlines": ("这段时间内没有生效日期。", "No effective dates in this period."),
    "calendar": ("订阅日历（iCalendar）", "Subscribe in a calendar (iCalendar)"),
    "calendar_help": (
        "把这个地址添加到手机日历、Outlook 或企业微信日历的“订阅日历”，新的生效日期会自动出现。",
        "Add this address as a subscribed calendar on your phone, in Outlook or in WeCom's"
        " calendar: new dates appear by themselves.",
    ),
    "days_left": ("倒计时", "Countdown"),
    "days_window": ("未来天数", "Days ahead"),
    "date": ("日期", "Date"),
    "feed_all": ("全部变更", "All changes"),
    "feed_urgent": ("紧急变更", "Urgent changes"),
    "feed_marketplace": ("站点 {name}", "Marketplace {name}"),
    "marketplaces": ("涉及站点", "Marketplaces"),
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
    # the "coming into force" section and the reminders (digest.deadlines, digest.reminders)
    "deadlines_section": ("即将生效", "Coming into force"),
    "deadlines_more": (
        "另有 {n} 个生效日期：见网页版的“生效日期”页（/deadlines）",
        "{n} more dates: see the Deadlines page of the web UI (/deadlines)",
    ),
    "deadlines": ("生效日期", "Deadlines"),
    "tomorrow": ("明天", "tomorrow"),
    "days_later": ("{n} 天后", "in {n} days"),
    "reminder": ("生效提醒", "Reminder"),
    "reminder_section": ("即将生效，请提前准备", "Coming into force soon: get ready"),
    "reminders_n": ("{n} 条提醒", "{n} reminders"),
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
    # a change's one-line summary (policyradar.tagging.summary) and its facts
    "summary": ("概要", "Summary"),
    "facts": ("数值变化", "What changed"),
    "summary_tags": ("【{tags}】", "[{tags}] "),
    "summary_dot": ("·", " · "),
    "summary_facts_sep": ("；", "; "),
    "summary_more": ("等 {n} 项", " and {n} more"),
    "summary_changed": ("（内容更新）", " (updated)"),
    "summary_removed": ("（已删除）", " (removed)"),
    "summary_effective": ("，{date} 起生效", ", effective {date}"),
}

ERRORS: dict[str, tuple[str, str]] = {
    "not_found": ("找不到这个页面。", "Page not found."),
    "unknown_feed": (
        "没有这个{what}：{value}。可用的有：{known}",
        "No such {what}: {value}. Known: {known}",
    ),
    "what_category": ("类别", "category"),
    "what_watchlist": ("关注列表", "watchlist"),
    "what_marketplace": ("站点", "marketplace"),
    "bad_request": ("请求无效", "Bad request"),
    "unauthorized": ("需要访问令牌。", "An access token is required."),
    "search_empty": ("请输入要搜索的词。", "Type a word to search for."),
    "search_not_text": (
        "查询含有不是 UTF-8 文字的字节：{query}",
        "The query holds bytes that are not UTF-8 text: {query}",
    ),
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
    "no_subscriptions": (
        "还没有配置订阅：在 config.toml 里填写 [[subscription]]"
        "（policyradar init 写入的文件里有示例）",
        "no subscriptions configured; add a [[subscription]] table to config.toml (the one "
        "`policyradar init` writes has an example)",
    ),
    "no_subscription_named": (
        "没有名为 {name} 的订阅（已有：{known}）",
        "no subscription named {name} (known: {known})",
    ),
    "none_configured": ("无", "none configured"),
    "no_watchlist_named": ("没有名为 {name} 的关注列表", "no watchlist named {name}"),
    "crawl_interrupted": (
        "抓取已中断（第 {runs} 次）：已保存的 {kept} 个变更都保留，下次抓取从这里继续。",
        "Crawl interrupted (run {runs}): the {kept} changes stored so far are kept; the next crawl"
        " goes on from there.",
    ),
    "unknown_watchlist": (
        "未知关注列表 {name}；已有的关注列表：{names}",
        "unknown watchlist {name}; the watchlists are: {names}",
    ),
    "unknown_source": (
        "未知来源 {name}；已知的来源：{names}",
        "unknown source {name}; the known sources are: {names}",
    ),
    "bad_database": (
        "无法打开数据库 {path}：{reason}。文件若已损坏，请先把它移走（下次抓取会新建一个，"
        "但历史记录不在其中）或从备份恢复。",
        "cannot open the database {path}: {reason}. If the file is damaged, move it aside (the "
        "next crawl starts a new one, without the history) or restore it from a backup.",
    ),
    "watch_not_text": (
        "关注列表的名称或关键词含有不是 UTF-8 文字的字节：{value}",
        "A watchlist name or keyword holds bytes that are not UTF-8 text: {value}",
    ),
    "unknown_category": (
        "未知类别 {name}；可用的类别：{ids}",
        "unknown category {name}; expected one of {ids}",
    ),
    "bad_since": (
        "{value} 不是 ISO 日期，例如 2026-03-01",
        "{value} is not an ISO date such as 2026-03-01",
    ),
    "no_enabled_sources": ("没有启用的来源可检查", "no enabled sources to check"),
    "bad_snapshot": ("快照名称无效：{name}", "bad snapshot name {name}"),
    "no_fixtures_dir": (
        "这里没有 tests/fixtures 目录；用 --into DIR 指定位置",
        "no tests/fixtures folder here; say where with --into DIR",
    ),
    "no_source_id": ("{path}：没有编号为 {id} 的来源", "{path}: no source with id {id}"),
    "crawl_running": (
        "{home} 里已有一次抓取正在进行；等它结束后再试。",
        "A crawl is already running in {home}; try again when it has finished.",
    ),
    # Why a fetch failed. Stored and logged in English (policyradar.crawler.failures writes
    # them); reason() shows a stored one in the reader's language. Most specific first.
    "reason_dns": ("网络不可达：无法解析 {host}", "network unreachable: cannot resolve {host}"),
    "reason_refused": (
        "网络不可达：{host} 拒绝连接",
        "network unreachable: {host} refused the connection",
    ),
    "reason_proxy": (
        "网络不可达：连不上代理 {proxy}",
        "network unreachable: the proxy {proxy} cannot be reached",
    ),
    "reason_no_route": (
        "网络不可达：无法连接 {host}",
        "network unreachable: cannot connect to {host}",
    ),
    "reason_timeout": (
        "超时：{host} {seconds} 秒内没有响应",
        "timed out: {host} did not answer within {seconds} s",
    ),
    "reason_timeout_plain": ("超时：{host} 没有响应", "timed out: {host} did not answer"),
    "reason_tls": ("TLS 握手失败：{host}（{error}）", "TLS failed: {host} ({error})"),
    "reason_lost": ("连接中断：{host}", "connection lost: {host}"),
    "reason_cut": ("响应不完整：{host}", "response cut short: {host}"),
    "reason_failed": ("下载失败：{detail}", "download failed: {detail}"),
    "reason_too_large": (
        "页面太大：超过 {limit} MB 的上限（DOWNLOAD_MAXSIZE）",
        "page too large: over the {limit} MB limit (DOWNLOAD_MAXSIZE)",
    ),
    "reason_http": ("服务器返回 HTTP {status}", "HTTP {status}"),
    "reason_robots": ("robots.txt 不允许抓取", "forbidden by robots.txt"),
    "reason_login_wall": ("登录墙：被重定向到 {target}", "login wall: redirected to {target}"),
    "reason_login": ("登录墙", "login wall"),
    "reason_captcha": ("验证码页面", "captcha"),
    "reason_error_page": ("错误页面", "error page"),
    "reason_empty_page": ("空页面", "empty page"),
    "reason_shrank": (
        "内容从 {old} 字缩减到 {new} 字",
        "content shrank from {old} to {new} characters",
    ),
    "reason_no_entries": (
        "列表为空：item/link 选择器没有匹配到任何条目",
        "no entries found: the item/link selectors matched nothing",
    ),
    "reason_not_html": ("列表页不是 HTML", "the list page is not HTML"),
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


def reason(text: str, lang: str = "zh") -> str:
    """A stored failure reason (English, see ``reason_*`` in :data:`ERRORS`) in ``lang``.

    A reason of another form is returned as it is.
    """
    if lang == "en" or not text:
        return text
    head, sep, url = text.rpartition(" — ")  # a run's error: "reason — url"
    if sep and "://" in url:
        return f"{reason(head, lang)}{sep}{url}"
    for key, pattern in _reason_patterns():
        match = pattern.match(text)
        if match:
            return error(key, lang, **match.groupdict())
    return text


@functools.cache
def _reason_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each ``reason_*`` entry's English words as a pattern capturing its fields."""
    found = []
    for key, (_, en) in ERRORS.items():
        if not key.startswith("reason_"):
            continue
        parts = re.split(r"\{(\w+)\}", en)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        found.append((key, re.compile(f"^{regex}$", re.DOTALL)))
    return tuple(found)


def other_language(lang: str) -> str:
    """The language a "switch language" link leads to."""
    return "en" if lang == "zh" else "zh"
