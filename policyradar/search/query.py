"""Search queries, pure: parse what a user types, compile it to FTS5, and find hits for snippets.

What the index holds for a text is `policyradar.search.index`'s work; a query is cut the same way.
`expand` adds each word's other names from the seller glossary (仓储费 OR "storage fee" OR …).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import opencc

from policyradar.i18n import error
from policyradar.search import porter
from policyradar.search.index import CJK, grams, is_cjk, pieces
from policyradar.tagging.glossary import pieces_key
from policyradar.tagging.text import fold
from policyradar.text.clean import escaped, is_text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from policyradar.tagging.glossary import Glossary

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
_LEX = re.compile(
    r'\s+|(?P<quote>"[^"]*(?:"|$))|(?P<paren>[()])|(?P<minus>-(?=["(]))|(?P<word>[^\s"()]+)'
)
_OPERATORS = {"AND", "OR", "NOT"}


class SearchError(ValueError):
    """A query that cannot be searched, with a sentence saying why (``i18n.ERRORS``)."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return error(f"search_{self.code}", lang, **self.values)


# -- the query side ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a quoted phrase: its folded pieces, matched next to each other."""

    pieces: tuple[str, ...]
    prefix: bool = False
    quoted: bool = False  # written in quotes: searched as written, without the glossary

    @property
    def text(self) -> str:
        """The term as words: its pieces, CJK runs next to each other without a space."""
        out = self.pieces[0]
        for before, piece in zip(self.pieces, self.pieces[1:], strict=False):
            out += piece if is_cjk(before) and is_cjk(piece) else " " + piece
        return out + ("*" if self.prefix else "")

    def tokens(self) -> list[str]:
        """The index tokens of this term, in order (as `index_text` cuts a text)."""
        out: list[str] = []
        for n, piece in enumerate(self.pieces):
            if not is_cjk(piece) or len(piece) == 1:
                out.append(piece)
            else:
                out += grams(piece)
                if n < len(self.pieces) - 1:  # the run ends here: its lone last character
                    out.append(piece[-1])
        return out

    @property
    def exact(self) -> bool:
        """Whether the index alone decides this term: one token. A phrase of several tokens
        needs the text (the index keeps which changes hold a token, not where).
        """
        return len(self.tokens()) == 1

    def fts(self) -> str:
        """FTS5 for this term: its tokens AND-ed. For one token that is exact; for a phrase it
        finds every change holding the phrase and maybe more, which `Query.accepts` sorts out.

        A trailing single CJK character is a prefix: in the index it starts a pair ("税" in
        "税费 费") or stands alone at the end of a run.
        """
        last = self.pieces[-1]
        star = self.prefix or (is_cjk(last) and len(last) == 1)
        quoted = [f'"{token}"' for token in self.tokens()]
        quoted[-1] += " *" if star else ""
        return quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")"

    def literals(self) -> tuple[str, ...]:
        """Strings one of which a lower-cased text must contain to match (a cheap pre-check)."""
        first = self.pieces[0]
        return _forms(first) if is_cjk(first) else (_root(first),)

    def pattern(self) -> str:
        """A regular expression finding this term in lower-cased text (snippets and ranking)."""
        return _pattern(self.pieces, self.prefix)

    def found_in(self, texts: _Texts) -> bool:
        """Whether one of ``texts`` holds this term as the index would find it with positions:
        a phrase within one text (never across two), its words compared by their stems.
        """
        if all(map(is_cjk, self.pieces)):  # no letters: case, width and stems do not matter
            pattern = _compile(self.pattern())
            return any(pattern.search(text) for text in texts.raw)
        pattern, stems = _stemmed(self.pieces, self.prefix)
        return any(_found_stemmed(pattern, stems, texts.low(n)) for n in range(len(texts.raw)))


@functools.lru_cache(maxsize=1024)
def _pattern(pieces: tuple[str, ...], prefix: bool) -> str:
    parts = [_han(p) if is_cjk(p) else _latin(p, prefix) for p in pieces]
    out = parts[0]
    for before, after, part in zip(pieces, pieces[1:], parts[1:], strict=False):
        joiner = r"[\W_]+" if is_cjk(before) == is_cjk(after) else r"[\W_]*"
        out += joiner + part
    return out


_compile = functools.lru_cache(maxsize=256)(re.compile)


@functools.lru_cache(maxsize=1024)
def _stemmed(
    pieces: tuple[str, ...], prefix: bool
) -> tuple[re.Pattern[str], tuple[tuple[str, bool], ...]]:
    """Where ``pieces`` may stand in lower-cased, plain text: a pattern with a group for each
    Latin word, and per group the stem that word must have (or, for word*, start with).

    A word starts with its stem but for the stem's last letter (and with a one-letter stem),
    see `tests/test_porter.py`: the pattern looks for that, and `_found_stemmed` for the rest.
    """
    word = f"[^\\W_{CJK}]"
    parts, stems = [], []
    for n, piece in enumerate(pieces):
        if is_cjk(piece):
            parts.append(_han(piece))
            continue
        stem = porter.stem(porter.plain(piece))
        head = re.escape(stem[:-1] or stem)
        parts.append(f"({head}(?<!{word}{head}){word}*+)")
        stems.append((stem, prefix and n == len(pieces) - 1))
    out = parts[0]
    for before, after, part in zip(pieces, pieces[1:], parts[1:], strict=False):
        out += (r"[\W_]+" if is_cjk(before) == is_cjk(after) else r"[\W_]*") + part
    return re.compile(out), tuple(stems)


def _found_stemmed(
    pattern: re.Pattern[str], stems: tuple[tuple[str, bool], ...], text: str
) -> bool:
    start = 0
    while (m := pattern.search(text, start)) is not None:
        words = (porter.stem(w) for w in m.groups())
        if all(w.startswith(s) if p else w == s for w, (s, p) in zip(words, stems, strict=True)):
            return True
        start = m.start() + 1
    return False


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=4096)
def _forms(run: str) -> tuple[str, ...]:
    """A CJK run in Simplified and its Traditional spellings (the text is not folded)."""
    forms = {run} | {_converter(c).convert(run) for c in ("s2t", "s2tw", "s2hk")}
    return tuple(sorted(f for f in forms if len(f) == len(run)))


@functools.cache
def _unfolded() -> dict[str, str]:
    """Each folded (Simplified) CJK character and the characters `fold` turns into it."""
    chars = [chr(c) for r in ((0x3400, 0xA000), (0xF900, 0xFB00)) for c in range(*r)]
    out: dict[str, str] = {}
    for char, folded in zip(chars, fold("\n".join(chars)).split("\n"), strict=True):
        if len(folded) == 1 and folded != char:
            out[folded] = out.get(folded, "") + char
    return out


def _han(run: str) -> str:
    """A CJK run in lower-cased text: each character in any spelling that folds to it (简/繁,
    also mixed), and the run's Traditional spellings as OpenCC writes whole phrases.
    """
    forms, unfolded = _forms(run), _unfolded()
    out = ""
    for n, char in enumerate(run):
        spellings = sorted({char, *unfolded.get(char, ""), *(f[n] for f in forms)})
        out += re.escape(char) if len(spellings) == 1 else f"[{''.join(spellings)}]"
    return out


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
        """FTS5 finding every change this group matches, and maybe more (see `Term.fts`)."""
        return _fts(self, wide=True) or ""

    def terms(self) -> list[Term]:
        out: list[Term] = []
        for item in self.items:
            out += item.terms() if isinstance(item, Group) else [item]
        return out


Node = Term | Group


def _fts(node: Node, *, wide: bool) -> str | None:
    """FTS5 for ``node``: ``wide``, finding every change it matches (maybe more); else finding
    only changes it matches (maybe fewer), None when that is none: a phrase needs its text.

    A NOT takes the other kind: leaving out too few keeps every match, too many none wrong.
    """
    if isinstance(node, Term):
        return node.fts() if wide or node.exact else None
    found = [_fts(item, wide=wide) for item in node.items]
    items = [item for item in found if item is not None]
    if not items or (len(items) < len(found) and not node.any_of):
        return None
    joined = (" OR " if node.any_of else " AND ").join(items)
    text = f"({joined})" if len(items) > 1 else joined
    excluded = [e for e in (_fts(x, wide=not wide) for x in node.exclude) if e is not None]
    return f"({text} NOT ({' OR '.join(excluded)}))" if excluded else text


@functools.lru_cache(maxsize=256)
def _exact(node: Node) -> bool:
    """Whether the index alone decides ``node``: no phrase of several tokens in it."""
    if isinstance(node, Term):
        return node.exact
    return all(map(_exact, (*node.items, *node.exclude)))


def _always(texts: _Texts) -> bool:
    return True


@functools.lru_cache(maxsize=256)
def _plan(node: Node, known: bool) -> Callable[[_Texts], bool]:
    """How to tell whether ``node`` matches a change's texts. ``known``: the index found the
    change for ``node``'s wide FTS5, so what it decides alone is true there, not looked at again.
    """
    if known and _exact(node):
        return _always
    if isinstance(node, Term):
        return node.found_in
    inner = known and not node.any_of  # each item of an AND was found; one of an OR, unknown
    items = [check for check in (_plan(i, inner) for i in node.items) if check is not _always]
    join = any if node.any_of else all
    # an exact exclusion is already out where the AND is known: its wide FTS5 says NOT to it
    excluded = [_plan(x, False) for x in node.exclude if not (known and _exact(x))]
    return lambda texts: join(c(texts) for c in items) and not any(c(texts) for c in excluded)


_UNUSUAL = re.compile(  # in lower-cased text: full-width letters and digits, accented letters
    "[\uff10-\uff19\uff41-\uff5a\u00c0-\u024f\u1e00-\u1eff]"
)


@functools.cache
def _plain_table() -> dict[int, str]:
    """Full-width ASCII as ASCII, accented Latin letters as their plain ones."""
    chars = map(chr, itertools.chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)))
    table = {ord(c): p for c in chars if (p := porter.plain(c)) != c}
    return table | {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}


class _Texts:
    """The searchable texts of one change, as stored and (on first need) as `low` reads them."""

    __slots__ = ("_low", "raw")

    def __init__(self, raw: Sequence[str]) -> None:
        self.raw = tuple(text or "" for text in raw)
        self._low: list[str | None] = [None] * len(self.raw)

    def low(self, n: int) -> str:
        """Text ``n`` lower-cased, half-width and plain ("é" as "e"), as the index reads words."""
        low = self._low[n]
        if low is None:
            low = self.raw[n].lower()
            if not low.isascii() and _UNUSUAL.search(low):
                low = low.translate(_plain_table())
            self._low[n] = low
        return low


@dataclass(frozen=True, slots=True)
class Alias:
    """A glossary name standing in for one or more of the query's own words (see `expand`)."""

    term: Term  # the name, matched as a phrase
    covers: tuple[int, ...]  # which of the query's own terms (their index in `Query.terms`)
    source: str  # those words, as the query has them
    name: str  # the name, as the glossary writes it

    @property
    def label(self) -> str:
        """What a hit through this name says: "仓储费 → storage fee"."""
        return f"{self.source} → {self.name}"


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: ``match`` is the FTS5 expression, ``terms`` what to highlight.

    After `expand`, ``terms`` holds the query's own terms (the first ``own``) and then the
    glossary names of ``aliases``, in the same order.
    """

    text: str
    root: Group
    terms: tuple[Term, ...] = field(default=())
    aliases: tuple[Alias, ...] = ()
    expanded: bool = False
    plain: Query | None = None  # after `expand`: the query as written, without the glossary

    @property
    def own(self) -> int:
        """How many of ``terms`` the user wrote (the rest are glossary names)."""
        return len(self.terms) - len(self.aliases)

    def glossary_only(self) -> Query | None:
        """After `expand`: what matches only through a glossary name (this query AND NOT the
        query as written); None when no word has a glossary name.
        """
        if self.plain is None or not self.aliases:
            return None
        root = Group((self.root,), exclude=(self.plain.root,))
        return Query(self.text, root, self.terms, self.aliases, expanded=True, plain=self.plain)

    @property
    def match(self) -> str:
        """FTS5 finding every matching change; more too when `checked` (then see `accepts`)."""
        return self.root.fts()

    @property
    def checked(self) -> bool:
        """Whether what `match` finds must be checked with `accepts`: a phrase of several
        tokens (a Chinese word of three or more characters, "quoted words", a-b) somewhere.
        """
        return not _exact(self.root)

    def accepts(self, texts: Sequence[str], *, found: bool = False) -> bool:
        """Whether a change matches, given its searchable texts as stored (title, added,
        removed, keywords; any case, 简/繁): each term within one text, phrases as phrases.

        ``found``: the index found the change for `match`, so what it decides alone (words of
        one token on the way of the ANDs, their NOTs) is taken as true, not checked again.
        """
        return _plan(self.root, found)(_Texts(texts))

    def acceptor(self, *, found: bool = False) -> Callable[[Sequence[str]], bool]:
        """`accepts` as a function, planned once: for checking many changes."""
        plan = _plan(self.root, found)
        return lambda texts: plan(_Texts(texts))

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
    if not is_text(query):
        raise SearchError("not_text", query=escaped(query))
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
            _term(out, m.group("quote").strip('"'), prefix=False, quoted=True)
        elif m.group("paren") is not None:
            out.append(("open" if m.group("paren") == "(" else "close", None))
        elif m.group("minus") is not None:  # -"a phrase", -(a group)
            out.append(("not", None))
        elif (word := m.group("word")) is not None:
            if word in _OPERATORS:
                out.append((word.lower(), None))
                continue
            if word.startswith("-") and len(word) > 1:
                out.append(("not", None))
                word = word[1:]
            _term(out, word, prefix=word.endswith("*"))
    return out


def _term(out: list[Token], text: str, *, prefix: bool, quoted: bool = False) -> None:
    found = tuple(pieces(text))
    if found:
        out.append(("term", Term(found, prefix=prefix, quoted=quoted)))


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


# -- the glossary ------------------------------------------------------------------------------

MAX_ALIASES = 24  # glossary names a query takes at most (each is one more term to check)


def expand(query: Query, glossary: Glossary) -> Query:
    """``query`` where each word (or run of words, "storage fee") the glossary names also
    matches its other names: 仓储费 becomes (仓储费 OR "storage fee" OR 在庫保管手数料 …).

    Quoted phrases, word* and excluded words are kept as written. A name that holds another
    name (or the word itself) adds nothing and is left out: "FBA storage fee" is found by
    "storage fee" already. Idempotent: an expanded query is returned as it is.
    """
    if query.expanded or not glossary:
        return query
    found: list[Alias] = []
    own = {id(term): n for n, term in enumerate(query.terms)}
    root = _expand_group(query.root, glossary, own, found)
    if not found:
        return replace(query, expanded=True)
    if isinstance(root, Term):
        root = Group((root,))
    terms = query.terms + tuple(alias.term for alias in found)
    return Query(query.text, root, terms, tuple(found), expanded=True, plain=query)


def _expand_group(
    group: Group, glossary: Glossary, own: dict[int, int], found: list[Alias]
) -> Group | Term:
    items: list[Term | Group] = []
    pending = list(group.items)
    while pending:
        item = pending.pop(0)
        if isinstance(item, Group):
            items.append(_expand_group(item, glossary, own, found))
            continue
        run = [item]
        if not group.any_of:  # an AND: try the longest run of words the glossary names
            for other in pending:
                if not isinstance(other, Term) or len(run) >= glossary.max_pieces:
                    break
                run.append(other)
        while run:
            node = _alias_node(run, glossary, own, found)
            if node is not None:
                items.append(node)
                del pending[: len(run) - 1]
                break
            run.pop()
        else:
            items.append(item)
    return Group(tuple(items), group.any_of, group.exclude)


def _alias_node(
    run: list[Term], glossary: Glossary, own: dict[int, int], found: list[Alias]
) -> Group | None:
    """``run`` OR its glossary names, or None when the glossary does not name it."""
    if any(t.quoted or t.prefix for t in run) or len(found) >= MAX_ALIASES:
        return None
    words = tuple(p for t in run for p in t.pieces)
    if len(words) > glossary.max_pieces:
        return None
    key = pieces_key(words)
    if not glossary.has_key(key):
        return None
    kept: list[tuple[tuple[str, ...], str]] = []
    for name in glossary.equivalents_of_key(key):
        cut = tuple(pieces(name))
        if cut and not _holds(cut, words) and not any(_holds(cut, k) for k, _ in kept):
            kept = [(k, n) for k, n in kept if not _holds(k, cut)]
            kept.append((cut, name))
    kept = kept[: MAX_ALIASES - len(found)]
    if not kept:
        return None
    covers = tuple(own[id(t)] for t in run if id(t) in own)
    source = Term(words).text
    aliases = [Alias(Term(cut), covers, source, name) for cut, name in kept]
    found.extend(aliases)
    first: Term | Group = run[0] if len(run) == 1 else Group(tuple(run))
    return Group((first, *(a.term for a in aliases)), any_of=True)


def _holds(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    """Whether a text holding the phrase ``outer`` always holds ``inner`` too."""
    if len(inner) == 1 and is_cjk(inner[0]):
        return any(is_cjk(p) and inner[0] in p for p in outer)
    a, b = pieces_key(outer).split(" "), pieces_key(inner).split(" ")
    return any(a[i : i + len(b)] == b for i in range(len(a) - len(b) + 1))
