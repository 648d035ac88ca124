"""HTML renderers: a standalone page for files, and an email body with inline styles."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from policyradar.digest.layout import (
    Renderer,
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
    from policyradar.digest.build import Digest
    from policyradar.digest.layout import Entry, ItemView, Trim

CSS = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:760px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.55}
h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.15em;border-bottom:1px solid #ddd;
padding-bottom:.2em;margin-top:1.6em}h3{font-size:1em;margin:.2em 0}
.meta,.links{color:#666;font-size:.9em;margin:.2em 0}.item{margin:1em 0}
blockquote{margin:.4em 0;padding:.3em .8em;border-left:3px solid #ccc;color:#333}
mark{background:#fff3b0}.effective strong{color:#b35900}.health{color:#a00}
.summary{margin:.2em 0}.deadline{margin:.2em 0}.facts{margin:.2em 0;padding-left:1.2em;color:#333}
footer{margin-top:2em;color:#888;font-size:.85em}
"""
INLINE = {
    "page": "font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;"
    "max-width:760px;margin:0 auto;color:#222;line-height:1.55",
    "h1": "font-size:20px;margin:0 0 4px",
    "h2": "font-size:17px;border-bottom:1px solid #ddd;padding-bottom:3px;margin:22px 0 8px",
    "h3": "font-size:15px;margin:2px 0",
    "meta": "color:#666;font-size:13px;margin:2px 0",
    "links": "color:#666;font-size:13px;margin:2px 0",
    "item": "margin:14px 0",
    "effective": "margin:2px 0",
    "summary": "margin:2px 0",
    "facts": "margin:2px 0;padding-left:18px;color:#333",
    "hits": "margin:2px 0",
    "quote": "margin:6px 0;padding:4px 10px;border-left:3px solid #ccc;color:#333",
    "mark": "background:#fff3b0",
    "health": "color:#a00;margin:2px 0",
    "deadline": "margin:2px 0",
    "footer": "margin-top:24px;color:#888;font-size:12px",
}


class HtmlRenderer(Renderer):
    """A standalone HTML page; all crawled text is escaped, links are http(s) only."""

    channel = "html"
    body_format = "html"
    suffix = ".html"
    inline: ClassVar[bool] = False

    def attr(self, name: str) -> str:
        return f' style="{INLINE[name]}"' if self.inline else f' class="{name}"'

    def tag(self, name: str) -> str:
        """Return the attributes of a plain tag (styled only in email)."""
        return f' style="{INLINE[name]}"' if self.inline else ""

    def mark(self, text: str) -> str:
        return f"<mark{self.tag('mark')}>{html_escape(text)}</mark>"

    def header(self, d: Digest, part: int, total: int) -> str:
        return (
            f"<header><h1{self.tag('h1')}>{html_escape(title_text(d))}"
            f"{self.numbered(part, total)}</h1>\n<p{self.attr('meta')}>"
            f"{local_time(d.generated_at, d.timezone)} · {html_escape(self.notice(d))}</p>"
            "</header>"
        )

    def heading(self, d: Digest, group: str, *, continued: bool) -> str:
        more = f" ({word('continued', d.language)})" if continued else ""
        return f"<h2{self.tag('h2')}>{html_escape(group_title(d, group) + more)}</h2>\n"

    def entry(self, d: Digest, e: Entry, trim: Trim) -> str:
        if e.health is not None:
            return f"<p{self.attr('health')}>{html_escape(health_text(d, e.health))}</p>"
        if e.note:
            return f"<p{self.attr('deadline')}>{html_escape(e.note)}</p>"
        if e.deadline is not None:
            dv = deadline_view(d, e.deadline)
            line = html_escape(dv.line)
            line = f'<a href="{html_escape(dv.url)}">{line}</a>' if dv.url else line
            when = word("aside", d.language, text=f"<strong>{dv.day}</strong>", note=dv.countdown)
            return f"<p{self.attr('deadline')}>{when} {line}</p>"
        v = view(d, e, trim)
        title = html_escape(v.title)
        link = f'<a href="{html_escape(v.url)}">{title}</a>' if v.url else title
        lines = [f"<article{self.attr('item')}>", f"<h3{self.tag('h3')}>{v.number}. {link}</h3>"]
        if v.summary:
            lines.append(f"<p{self.attr('summary')}><strong>{html_escape(v.summary)}</strong></p>")
        lines += [f"<p{self.attr('meta')}>{html_escape(v.source)}</p>"] if v.source else []
        if v.facts:
            facts = "".join(f"<li>{html_escape(fact)}</li>" for fact in v.facts)
            lines.append(f"<ul{self.attr('facts')}>{facts}</ul>")
        lines += self.facts(d, v)
        lines.append("</article>")
        return "\n".join(lines)

    def facts(self, d: Digest, v: ItemView) -> list[str]:
        lang, lines = d.language, []
        if v.effective:
            lines.append(
                f"<p{self.attr('effective')}>{word('effective', lang)}: "
                f"<strong>{html_escape(v.effective)}</strong></p>"
            )
        if v.hits:
            hits = ", ".join(
                self.mark(k) + (f" ({html_escape(w)})" if w else "") for k, w in v.hits
            )
            lines.append(f"<p{self.attr('hits')}>{word('watch', lang)}: {hits}</p>")
        if v.excerpt:
            text = "".join(
                self.mark(s) if hit else html_escape(s) for s, hit in spans(v.excerpt, v.terms)
            )
            lines.append(f"<blockquote{self.tag('quote')}>{text}</blockquote>")
        links = (
            [f'<a href="{html_escape(v.diff_url)}">{word("diff", lang)}</a>'] if v.diff_url else []
        )
        links += [f"{word('also', lang)}: {html_escape(v.also)}"] if v.also else []
        if links:
            lines.append(f"<p{self.attr('links')}>{' · '.join(links)}</p>")
        return lines

    def footer(self, d: Digest) -> str:
        return (
            f"<footer{self.tag('footer')}>{word('footer', d.language)} · "
            f"{local_time(d.generated_at, d.timezone)} ({html_escape(d.timezone)})</footer>"
        )

    def assemble(self, d: Digest, header: str, blocks: list[str], last: bool) -> str:
        lang = word("html_lang", d.language)
        body = "\n".join([header, *blocks, self.footer(d)])
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html_escape(self.subject(d))}</title>"
            f"<style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
        )


class EmailRenderer(HtmlRenderer):
    """An HTML email body with inline styles (mail clients drop <style>).

    apprise adds the plain-text part; ``subject()`` gives the subject. For our own plain text
    instead, the email channel carries ``format = "text"``.
    """

    channel = "email"
    inline = True

    def assemble(self, d: Digest, header: str, blocks: list[str], last: bool) -> str:
        body = "\n".join([header, *blocks, self.footer(d)])
        return (
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n<body>'
            f'<div style="{INLINE["page"]}">\n{body}\n</div></body></html>\n'
        )
