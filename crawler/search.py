"""Search queries, pure: parse what a user types, compile it to FTS5, and find hits for snippets.

The full-text index (see ``Storage`` "search") holds each change's text *folded* (lower case,
half-width, Simplified Chinese) and cut into tokens: Latin words as words, and every run of
Chinese/Japanese/Korean characters as its overlapping two-character pieces plus its last
character ("低库存费" -> "低库 库存 存费 费"). A Chinese word of any length is then the phrase of
its pieces, so 2-, 3- and 4-character words are found exactly, without a dictionary or misses.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import opencc

from crawler.tagging.text import fold

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_PIECE = re.compile(rf"[{CJK}]+|[^\W_{CJK}]+")
_IS_CJK = re.compile(rf"[{CJK}]")
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "＂": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "（": "(",
        "）": ")",
    }
)
_LEX = re.compile(r'\s+|(?P<quote>"[^"]*(?:"|$))|(?P<paren>[()])|(?P<word>[^\s"()]+)')
_OPERATORS = {"AND", "OR", "NOT"}

MESSAGES = {
    "empty": ("请输入要搜索的词。", "Type a word to search for."),
    "no_words": (
        "查询里没有可搜索的文字（字母、数字或汉字）：{query}",
        "The query has no letters, digits or Chinese characters to search for: {query}",
    ),
    "only_not": (
        "只有排除词（NOT/-）无法搜索；请再加一个要查找的词，例如“关税 NOT 美国”。",
        "A search needs a word to look for, not only words to leave out (NOT/-): "
        'try "tariff NOT US".',
    ),
    "only_operators": (
        "查询只有 AND、OR、NOT，没有要查找的词。",
        "The query has only AND, OR and NOT, no word to look for.",
    ),
    "too_long": (
        "查询太长（最多 {max} 个字符）。",
        "The query is too long (at most {max} characters).",
    ),
    "bad_query": (
        "无法执行这个查询；请去掉特殊符号后再试。",
        "This query could not be run; try it without special characters.",
    ),
    "too_many": ("查询词太多（最多 {max} 个）。", "Too many words in the query (at most {max})."),
}


class SearchError(ValueError):
    """A query that cannot be searched, with a sentence saying why (Chinese and English)."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        return (en if lang == "en" else zh).format(**self.values)


# -- the index side ---------------------------------------------------------------------------


def pieces(text: str) -> list[str]:
    """Folded word pieces of ``text``: runs of CJK characters, and Latin/digit words."""
    return _PIECE.findall(fold(text or ""))


def _cjk(piece: str) -> bool:
    return _IS_CJK.match(piece) is not None


def _grams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """What the full-text index stores for ``text``: folded tokens separated by spaces."""
    out: list[str] = []
    for piece in pieces(text):
        if _cjk(piece) and len(piece) > 1:
            out += _grams(piece)
            out.append(piece[-1])
        else:
            out.append(piece)
    return " ".join(out)


# -- the query side ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a quoted phrase: its folded pieces, matched next to each other."""

    pieces: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        tokens: list[str] = []
        prefix = self.prefix
        for n, piece in enumerate(self.pieces):
            last = n == len(self.pieces) - 1
            if not _cjk(piece) or len(piece) == 1:
                tokens.append(piece)
                prefix = prefix or (last and _cjk(piece))
            else:
                tokens += _grams(piece)
                if not last:
                    tokens.append(piece[-1])
        return f'"{" ".join(tokens)}"' + (" *" if prefix else "")

    def literals(self) -> tuple[str, ...]:
        """Strings one of which a lower-cased text must contain to match (a cheap pre-check)."""
        first = self.pieces[0]
        return _forms(first) if _cjk(first) else (_root(first),)

    def pattern(self) -> str:
        """A regular expression finding this term in lower-cased text (snippets and ranking)."""
        return _pattern(self.pieces, self.prefix)


@functools.lru_cache(maxsize=1024)
def _pattern(pieces: tuple[str, ...], prefix: bool) -> str:
    parts = [_han(p) if _cjk(p) else _latin(p, prefix) for p in pieces]
    out = parts[0]
    for before, after, part in zip(pieces, pieces[1:], parts[1:], strict=False):
        joiner = r"[\W_]+" if _cjk(before) == _cjk(after) else r"[\W_]*"
        out += joiner + part
    return out


_compile = functools.lru_cache(maxsize=256)(re.compile)


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=4096)
def _forms(run: str) -> tuple[str, ...]:
    """A CJK run in Simplified and its Traditional spellings (the text is not folded)."""
    forms = {run} | {_converter(c).convert(run) for c in ("s2t", "s2tw", "s2hk")}
    return tuple(sorted(f for f in forms if len(f) == len(run)))


def _han(run: str) -> str:
    return "(?:" + "|".join(map(re.escape, _forms(run))) + ")"


def _root(word: str) -> str:
    for suffix in ("ies", "es", "s", "ing", "ed", "y"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _latin(word: str, prefix: bool) -> str:
    """A Latin word with light stemming: "fees" finds "fee" and "fees" (the index uses Porter).

    The word boundary is checked after the literal, so the regex engine can scan for it fast.
    """
    root = re.escape(_root(word))
    tail = r"\w*" if prefix else r"[a-z]{0,4}"
    end = "" if prefix else rf"(?![^\W_{CJK}])"
    return rf"{root}(?<![^\W_{CJK}]{root}){tail}{end}"


@dataclass(frozen=True, slots=True)
class Group:
    """Terms and groups joined by AND (``any_of`` False) or OR; ``exclude`` is AND NOT."""

    items: tuple[Term | Group, ...]
    any_of: bool = False
    exclude: tuple[Term | Group, ...] = ()

    def fts(self) -> str:
        joined = (" OR " if self.any_of else " AND ").join(i.fts() for i in self.items)
        text = f"({joined})" if len(self.items) > 1 else joined
        if self.exclude:
            text += " NOT (" + " OR ".join(e.fts() for e in self.exclude) + ")"
        return f"({text})" if self.exclude else text

    def terms(self) -> list[Term]:
        out: list[Term] = []
        for item in self.items:
            out += item.terms() if isinstance(item, Group) else [item]
        return out


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: ``match`` is the FTS5 expression, ``terms`` what to highlight."""

    text: str
    root: Group
    terms: tuple[Term, ...] = field(default=())

    @property
    def match(self) -> str:
        return self.root.fts()

    def checks(self) -> list[tuple[tuple[str, ...], re.Pattern[str]]]:
        """Per term: the literals a text must contain to match it, and its compiled pattern."""
        return [(t.literals(), _compile(t.pattern())) for t in self.terms]

    def regex(self) -> re.Pattern[str]:
        """One pattern for every term, longest first, for lower-cased (not folded) text."""
        patterns = sorted({t.pattern() for t in self.terms}, key=len, reverse=True)
        return _compile("|".join(f"(?:{p})" for p in patterns))


def parse(text: str) -> Query:
    """Parse a query: words (AND), "quoted phrases", OR, NOT or -word, (groups) and word*.

    Unbalanced quotes and brackets are closed at the end, dangling operators are ignored,
    punctuation, SQL and FTS5 syntax inside words are only text. Raises `SearchError` with a
    sentence when nothing searchable is left.
    """
    query = (text or "").strip()
    if not query:
        raise SearchError("empty")
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError("too_long", max=MAX_QUERY_CHARS)
    tokens = _lex(query.translate(_QUOTES))
    root, _ = _parse_group(tokens, 0)
    if root is None:
        if tokens and all(tok[0] in ("and", "or", "not") for tok in tokens):
            raise SearchError("only_operators")
        if any(tok[0] == "not" for tok in tokens):
            raise SearchError("only_not")
        raise SearchError("no_words", query=query)
    if isinstance(root, Term):
        root = Group((root,))
    terms = tuple(root.terms())
    if len(terms) > MAX_TERMS:
        raise SearchError("too_many", max=MAX_TERMS)
    return Query(text=query, root=root, terms=terms)


Token = tuple[str, object]  # ("term", Term) | ("or"|"and"|"not"|"open"|"close", None)


def _lex(query: str) -> list[Token]:
    out: list[Token] = []
    for m in _LEX.finditer(query):
        if m.group("quote") is not None:
            _term(out, m.group("quote").strip('"'), prefix=False)
        elif m.group("paren") is not None:
            out.append(("open" if m.group("paren") == "(" else "close", None))
        elif (word := m.group("word")) is not None:
            if word in _OPERATORS:
                out.append((word.lower(), None))
                continue
            if word.startswith("-") and len(word) > 1:
                out.append(("not", None))
                word = word[1:]
            _term(out, word, prefix=word.endswith("*"))
    return out


def _term(out: list[Token], text: str, *, prefix: bool) -> None:
    found = tuple(pieces(text))
    if found:
        out.append(("term", Term(found, prefix=prefix)))


def _parse_group(tokens: list[Token], pos: int) -> tuple[Term | Group | None, int]:
    """Parse until a closing bracket (or the end): OR binds looser than AND; NOT excludes."""
    alternatives: list[Group] = []
    items: list[Term | Group] = []
    exclude: list[Term | Group] = []
    negate = False

    def close_alternative() -> None:
        nonlocal items, exclude
        if items:
            alternatives.append(Group(tuple(items), exclude=tuple(exclude)))
        items, exclude = [], []

    while pos < len(tokens):
        kind, value = tokens[pos]
        pos += 1
        if kind == "close":
            break
        if kind == "or":
            close_alternative()
            negate = False
        elif kind == "not":
            negate = True
        elif kind in ("term", "open"):
            item: Term | Group | None = value  # type: ignore[assignment]
            if kind == "open":
                item, pos = _parse_group(tokens, pos)
            if item is not None:
                (exclude if negate else items).append(item)
            negate = False
    close_alternative()
    if not alternatives:
        return None, pos
    if len(alternatives) == 1:
        return _flatten(alternatives[0]), pos
    return Group(tuple(_flatten(a) for a in alternatives), any_of=True), pos


def _flatten(group: Group) -> Term | Group:
    if len(group.items) == 1 and not group.exclude:
        return group.items[0]
    return group
