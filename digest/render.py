"""Text, Markdown, WeCom, Telegram and JSON renderers; each escapes crawled text for its markup
and owns its size limit. ``channels`` says which channel uses which; HTML is in ``render_html``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar

from policyradar.digest.layout import (
    Entry,
    Part,
    Renderer,
    Trim,
    deadline_text,
    deadline_view,
    group_title,
    health_text,
    html_escape,
    local_time,
    spans,
    title_text,
    view,
)
from policyradar.i18n import word

if TYPE_CHECKING:
    from collections.abc import Callable

    from policyradar.digest.build import Digest
    from policyradar.digest.layout import ItemView


class TextRenderer(Renderer):
    """Plain text: nothing is markup, so crawled text needs no escaping."""

    channel = "text"

    def header(self, d: Digest, part: int, total: int) -> str:
        title = word("title_box", d.language, title=title_text(d))
        return (
            f"{title}{self.numbered(part, total)}\n"
            f"{local_time(d.generated_at, d.timezone)} · {self.notice(d)}"
        )

    def heading(self, d: Digest, group: str, *, continued: bool) -> str:
        more = f"（{word('continued', d.language)}）" if continued else ""
        return f"■ {group_title(d, group)}{more}\n"

    def entry(self, d: Digest, e: Entry, trim: Trim) -> str:
        if e.health is not None:
            return f"- {health_text(d, e.health)}"
        if e.deadline is not None:
            return f"- {deadline_text(d, e.deadline)}"
        if e.note:
            return e.note
        v, lang, c = view(d, e, trim), d.language, word("colon", d.language)
        sep = word("list_sep", lang)
        lines = [f"{v.number}. {v.title}"]
        lines += [f"{word('summary', lang)}{c}{v.summary}"] if v.summary else []
        lines += [v.source] if v.source else []
        lines += [f"· {fact}" for fact in v.facts]
        lines += [f"{word('effective', lang)}{c}{v.effective}"] if v.effective else []
        lines += (
            [
                f"{word('watch', lang)}{c}"
                + sep.join(word("aside", lang, text=k, note=w) if w else k for k, w in v.hits)
            ]
            if v.hits
            else []
        )
        lines += [f"{word('excerpt', lang)}{c}{v.excerpt}"] if v.excerpt else []
        lines += [f"{word('also', lang)}{c}{v.also}"] if v.also else []
        lines += [v.url] if v.url else []
        lines += [f"{word('diff', lang)}{c}{v.diff_url}"] if v.diff_url else []
        return "\n".join(lines)

    def assemble(self, d: Digest, header: str, blocks: list[str], last: bool) -> str:
        return "\n\n".join([header, *blocks])


class WeComTextRenderer(TextRenderer):
    """WeCom group bot text (``wecombot://``): at most 2048 bytes of UTF-8 a message."""

    channel = "wecombot"
    max_length = 2048
    unit = "bytes"
    excerpt_chars = 100  # about three items a message instead of two


def md_escape(text: str) -> str:
    """Backslash-escape CommonMark punctuation so crawled text can make no link, tag or emphasis."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~&\"])", r"\\\1", text)


class MarkdownRenderer(Renderer):
    """CommonMark for files and Markdown-speaking services."""

    channel = "markdown"
    body_format = "markdown"
    suffix = ".md"
    esc: ClassVar[Callable[[str], str]] = staticmethod(md_escape)

    def strong(self, text: str) -> str:
        return f"**{text}**"

    def link(self, label: str, url: str | None) -> str:
        return f"[{label}](<{url}>)" if url else label

    def header(self, d: Digest, part: int, total: int) -> str:
        return (
            f"# {title_text(d)}{self.numbered(part, total)}\n\n"
            f"{local_time(d.generated_at, d.timezone)} · {self.notice(d)}"
        )

    def heading(self, d: Digest, group: str, *, continued: bool) -> str:
        more = f" ({word('continued', d.language)})" if continued else ""
        return f"## {group_title(d, group)}{more}\n\n"

    def highlighted(self, v: ItemView) -> str:
        return "".join(
            self.strong(self.esc(s)) if hit else self.esc(s) for s, hit in spans(v.excerpt, v.terms)
        )

    def facts(self, d: Digest, v: ItemView) -> list[str]:
        lang = d.language
        lines = []
        if v.summary:
            lines.append(f"{word('summary', lang)}: {self.strong(self.esc(v.summary))}")
        lines += [self.esc(v.source)] if v.source else []
        lines += [f"{word('facts', lang)}: {self.esc(fact)}" for fact in v.facts]
        if v.effective:
            lines.append(f"{word('effective', lang)}: {self.strong(self.esc(v.effective))}")
        if v.hits:
            lines.append(
                f"{word('watch', lang)}: "
                + ", ".join(
                    self.strong(self.esc(k)) + (f" ({self.esc(w)})" if w else "") for k, w in v.hits
                )
            )
        if v.also:
            lines.append(f"{word('also', lang)}: {self.esc(v.also)}")
        if v.diff_url:
            lines.append(self.link(word("diff", lang), v.diff_url))
        return lines

    def dated(self, d: Digest, e: Entry) -> str:
        """A line of the "coming into force" section: date (countdown) and the linked summary."""
        if e.deadline is None:
            return f"- {self.esc(e.note)}"
        v = deadline_view(d, e.deadline)
        when = word("aside", d.language, text=self.strong(v.day), note=self.esc(v.countdown))
        return f"- {when} {self.link(self.esc(v.line), v.url)}"

    def entry(self, d: Digest, e: Entry, trim: Trim) -> str:
        if e.health is not None:
            return f"- {self.esc(health_text(d, e.health))}"
        if e.deadline is not None or e.note:
            return self.dated(d, e)
        v = view(d, e, trim)
        out = f"### {v.number}. {self.link(self.esc(v.title), v.url)}"
        facts = self.facts(d, v)
        out += "\n\n" + "\n".join(f"- {line}" for line in facts) if facts else ""
        return out + (f"\n\n> {self.highlighted(v)}" if v.excerpt else "")

    def assemble(self, d: Digest, header: str, blocks: list[str], last: bool) -> str:
        return "\n\n".join([header, *blocks]) + "\n"


_WECOM_TABLE = str.maketrans(
    {
        "<": "＜",
        ">": "＞",
        "[": "［",
        "]": "］",
        "*": "＊",
        "`": "｀",
        "#": "＃",
        "_": "＿",
        "&": "＆",
        "\\": "＼",
        "~": "～",
        "|": "｜",
    }
)


def wecom_escape(text: str) -> str:
    """Neutralise WeCom Markdown (it has no escapes): markup characters become full-width."""
    return text.translate(_WECOM_TABLE)


class WeComMarkdownRenderer(MarkdownRenderer):
    """WeCom group bot Markdown (``wecommd://``): at most 4096 bytes, WeCom's subset only."""

    channel = "wecommd"
    max_length = 4096
    unit = "bytes"
    esc = staticmethod(wecom_escape)

    def strong(self, text: str) -> str:
        return f'<font color="warning">{text}</font>'

    def link(self, label: str, url: str | None) -> str:
        return f"[{label}]({url})" if url else label

    def header(self, d: Digest, part: int, total: int) -> str:
        return (
            f"## {title_text(d)}{self.numbered(part, total)}\n"
            f'<font color="comment">{local_time(d.generated_at, d.timezone)}</font> · '
            f"{self.notice(d)}"
        )

    def heading(self, d: Digest, group: str, *, continued: bool) -> str:
        more = f"（{word('continued', d.language)}）" if continued else ""
        return f"### {group_title(d, group)}{more}\n"

    def entry(self, d: Digest, e: Entry, trim: Trim) -> str:
        if e.health is not None:
            return f'> <font color="warning">{self.esc(health_text(d, e.health))}</font>'
        if e.deadline is not None or e.note:
            return self.dated(d, e)
        v = view(d, e, trim)
        lines = [f"**{v.number}. {self.link(self.esc(v.title), v.url)}**"]
        lines += [f"> {line}" for line in self.facts(d, v)]
        if v.excerpt:  # plain text: WeCom does not nest <font> tags
            lines.append(self.highlighted(v))
        return "\n".join(lines)

    def assemble(self, d: Digest, header: str, blocks: list[str], last: bool) -> str:
        return "\n\n".join([header, *blocks])


class TelegramRenderer(Renderer):
    """Telegram HTML parse mode (``tgram://``): 4096 characters, only b/i/a/blockquote tags.

    apprise rewrites each newline as CR LF before sending, so a newline counts twice here.
    """

    channel = "tgram"
    max_length = 4096
    body_format = "html"

    def size(self, text: str) -> int:
        return len(text) + text.count("\n")

    def header(self, d: Digest, part: int, total: int) -> str:
        return (
            f"<b>{html_escape(title_text(d))}</b>{self.numbered(part, total)}\n"
            f"<i>{local_time(d.generated_at, d.timezone)}</i> · "
            f"{html_escape(self.notice(d))}"
        )

    def heading(self, d: Digest, group: str, *, continued: bool) -> str:
        more = f"（{word('continued', d.language)}）" if continued else ""
        return f"<b>■ {html_escape(group_title(d, group) + more)}</b>\n"

    def entry(self, d: Digest, e: Entry, trim: Trim) -> str:
        if e.health is not None:
            return f"• {html_escape(health_text(d, e.health))}"
        if e.note:
            return f"• {html_escape(e.note)}"
        if e.deadline is not None:
            dv = deadline_view(d, e.deadline)
            line = html_escape(dv.line)
            line = f'<a href="{html_escape(dv.url)}">{line}</a>' if dv.url else line
            when = word("aside", d.language, text=f"<b>{dv.day}</b>", note=dv.countdown)
            return f"• {when} {line}"
        v, lang = view(d, e, trim), d.language
        title = html_escape(v.title)
        lines = [
            f'<b>{v.number}. <a href="{html_escape(v.url)}">{title}</a></b>'
            if v.url
            else f"<b>{v.number}. {title}</b>"
        ]
        if v.summary:
            lines.append(f"<b>{html_escape(v.summary)}</b>")
        lines += [html_escape(v.source)] if v.source else []
        lines += [f"• {html_escape(fact)}" for fact in v.facts]
        if v.effective:
            lines.append(
                f"{word('effective', lang)}{word('colon', lang)}<b>{html_escape(v.effective)}</b>"
            )
        if v.hits:
            lines.append(
                f"{word('watch', lang)}{word('colon', lang)}"
                + ", ".join(
                    f"<b>{html_escape(k)}</b>" + (f" ({html_escape(w)})" if w else "")
                    for k, w in v.hits
                )
            )
        if v.also:
            lines.append(f"{word('also', lang)}{word('colon', lang)}{html_escape(v.also)}")
        if v.excerpt:
            text = "".join(
                f"<b>{html_escape(s)}</b>" if hit else html_escape(s)
                for s, hit in spans(v.excerpt, v.terms)
            )
            lines.append(f"<blockquote>{text}</blockquote>")
        if v.diff_url:
            lines.append(f'<a href="{html_escape(v.diff_url)}">{word("diff", lang)}</a>')
        return "\n".join(lines)

    def assemble(self, d: Digest, header: str, blocks: list[str], last: bool) -> str:
        return "\n\n".join([header, *blocks])


class JsonRenderer(Renderer):
    """The digest as one JSON document (strings are JSON-escaped; nothing is markup)."""

    channel = "json"
    suffix = ".json"

    def paginate(self, d: Digest) -> list[Part]:
        return [Part(json.dumps(digest_json(d), ensure_ascii=False, indent=2) + "\n", d.change_ids)]


def digest_json(d: Digest) -> dict[str, Any]:
    """Return the digest as plain JSON data, with ISO dates and category names."""

    def convert(value: Any) -> Any:
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return value

    data = convert(asdict(d))
    del data["names"]  # the lookup behind the names below, not a fact of the digest
    for section in data["sections"]:
        section["name"] = d.names.name(section["category"], d.language)
    items = [*data["urgent"], *(i for s in data["sections"] for i in s["items"])]
    for item, built in zip(items, d.items, strict=True):
        item["facts"] = [  # each with its line, old value first: "$0.78 → $0.87 (+12%)"
            {**fact.to_json(), "text": fact.text(d.language)} for fact in built.facts
        ]
    return data
