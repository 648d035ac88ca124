"""The only config reader: sources and crawl settings from TOML, as frozen dataclasses.

What one source kind or one channel needs is checked by that kind (its spider) or channel, and
`policyradar.home.load_home` runs those checks: this module knows neither.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SOURCES_FILE = "sources.toml"
CONFIG_FILE = "config.toml"
DATABASE_FILE = "policyradar.db"
# Logged-in areas: crawling them breaches the marketplaces' seller agreements.
FORBIDDEN_URL_PATTERNS = (
    r"/ap/signin",
    r"/seller-news/",
    r"/forums/search",
    r"sellercentral[^/]*/home",
    r"/account/",
    r"/login",
)
DEFAULT_HOME = Path("~/.policyradar")
MAX_DELAY = 600.0  # seconds between two requests to one host, at most
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")

logger = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A config problem, naming the file, the table (a source, a subscription…) and the field."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        source: str | None = None,
        field_name: str | None = None,
        table: str = "source",
    ) -> None:
        self.path = str(path)
        self.source = source
        self.field_name = field_name
        where = [self.path]
        if source is not None:
            where.append(f"{table} '{source}'")
        if field_name is not None:
            where.append(f"field '{field_name}'")
        super().__init__(f"{': '.join(where)}: {message}")


def _help(text: str, default: Any = MISSING, **kw: Any) -> Any:
    if default is MISSING:
        return field(metadata={"help": text}, **kw)
    return field(default=default, metadata={"help": text}, **kw)


def _css_list(text: str) -> Any:
    """A field of CSS selectors: TOML gives one string or a list of them."""
    return field(default=(), metadata={"help": text, "one_or_many": True})


@dataclass(frozen=True, kw_only=True, slots=True)
class Selectors:
    item: str | None = _help("CSS selector of one entry on a list page (listing)", None)
    link: str | None = _help("CSS selector of the entry's link, inside the item (listing)", None)
    title: str | None = _help("CSS selector of the title (entry on a list page, or article)", None)
    date: str | None = _help(
        "CSS selector of the publish date (ISO `datetime` attribute or text)", None
    )
    body: tuple[str, ...] = _css_list(
        "CSS selector of the main text, or a list of them read in the given order; without it a"
        " main-text extractor runs"
    )
    remove: tuple[str, ...] = _css_list(
        "CSS selectors of parts deleted before anything is read (cookie banners, share bars,"
        " related links); a string or a list"
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Filters:
    require: tuple[str, ...] = _help(
        "texts an entry must contain to be kept (e.g. News_Amazon)", ()
    )
    exclude_title: tuple[str, ...] = _help(
        "regexes: entries whose title matches are dropped (ads)", ()
    )
    exclude_url: tuple[str, ...] = _help("regexes: entries whose URL matches are dropped", ())
    title_strip: tuple[str, ...] = _help(
        "regexes removed from titles (bullets, '[详细]' tails)", ()
    )
    max_id_gap: int | None = _help(
        "drop entries whose URL's last number is this far below the list's highest (old pinned "
        "articles)",
        None,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Politeness:
    delay: float | None = _help("seconds between requests to this source's host", None)
    concurrency: int | None = _help("parallel requests to this source's host (1-8)", None)


@dataclass(frozen=True, kw_only=True, slots=True)
class Source:
    id: str = _help("unique slug: lowercase letters, digits, '-' and '_'")
    kind: str = _help("the source kind, one per spider: listing, feed, page, api…")
    name: str = _help("human name shown in listings and digests", "")
    url: str | None = _help("the entry URL (list page, feed, page, or API base URL)", None)
    urls: tuple[str, ...] = _help("several entry URLs of the same shape (instead of `url`)", ())
    marketplace: str = _help("marketplace code such as US, UK, DE, JP, CN, or GLOBAL", "")
    language: str = _help("main language of the source: zh, en, de, ja, ...", "en")
    enabled: bool = _help("false keeps the source configured but skips it", True)
    follow: bool | None = _help(
        "fetch each entry's article (default: the kind's; true for listing)", None
    )
    max_items: int = _help("at most this many entries per list page or feed", 50)
    ignore: tuple[str, ...] = _help(
        "regexes of volatile text removed before comparing (counters)", ()
    )
    selectors: Selectors = _help("CSS selectors (see [source.selectors])", Selectors())
    filters: Filters = _help("entry filters (see [source.filters])", Filters())
    politeness: Politeness = _help("per-host overrides (see [source.politeness])", Politeness())
    adapter: str | None = _help("api kind: the site adapter, e.g. amz123-kx", None)
    params: dict[str, Any] = field(
        default_factory=dict, hash=False, metadata={"help": "api kind: adapter parameters"}
    )
    render: str | None = _help(
        'listing and page kinds: "browser" renders JavaScript in headless chromium'
        " (needs the browser extra); unset fetches plain HTTP",
        None,
    )
    wait_for: str | None = _help(
        'render = "browser": CSS selector to wait for on the entry page before reading it', None
    )

    @property
    def entry_urls(self) -> tuple[str, ...]:
        return (self.url,) if self.url else self.urls


@dataclass(frozen=True, kw_only=True, slots=True)
class CrawlSettings:
    user_agent: str = _help(
        "User-Agent sent with every request; keep a contact URL in it",
        "PolicyRadar/0.1 (+https://github.com/policyradar/policyradar)",
    )
    obey_robots: bool = _help("obey robots.txt (leave on)", True)
    download_delay: float = _help("seconds between requests to one host", 1.5)
    concurrency_per_domain: int = _help("parallel requests to one host (1-8)", 1)
    autothrottle: bool = _help("adapt the delay to the server's latency", True)
    timeout: float = _help("seconds before a request is given up", 30.0)
    max_size_mb: float = _help("largest response body accepted, in MB", 10.0)
    retry_times: int = _help("retries of a 429/5xx/timeout, with exponential backoff", 3)
    retry_backoff: float = _help("first backoff in seconds; doubles on each retry", 2.0)
    workers: int = _help(
        "processes that extract pages beside the crawl; 2 or more also classify them (0-16)",
        1,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class LlmSettings:
    enabled: bool = _help(
        "write digest summaries with an LLM (any OpenAI-compatible chat API); off by default",
        False,
    )
    base_url: str = _help(
        "the API's base URL, e.g. https://api.deepseek.com/v1 or http://127.0.0.1:11434/v1",
        "",
    )
    model: str = _help("the model name, e.g. deepseek-chat, qwen-plus, moonshot-v1-8k", "")
    api_key_env: str = _help(
        "name of the environment variable holding the API key (the key itself is never stored"
        " or logged); empty for a local server without one",
        "",
    )
    timeout: float = _help("seconds one request may take", 15.0)
    retries: int = _help("further tries of a request that timed out or failed (0-5)", 1)
    daily_budget: int = _help(
        "calls a day at most, retries included; then no more until tomorrow", 200
    )
    deadline: float = _help(
        "seconds a digest waits for its summaries at most; late ones keep the built-in line", 30.0
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Profile:
    marketplaces: tuple[str, ...] = _help(
        'marketplaces you sell on, e.g. ["US", "DE"] or a region such as "EU" (欧洲站); changes'
        " about only other marketplaces are left out of digests (empty: all)",
        (),
    )
    fulfilment: tuple[str, ...] = _help(
        'how you fulfil orders: ["FBA"], ["FBM"] or both; changes about only the other one are'
        " left out of digests (empty: both)",
        (),
    )
    product_categories: tuple[str, ...] = _help(
        "what you sell (apparel, beauty, health, electronics, toys, baby, home, food, pets, sports,"
        " jewelry, automotive, tools, media, office); changes naming it come first",
        (),
    )
    brand_registered: bool | None = _help(
        "true if your brand is in Brand Registry (品牌备案); false leaves changes about only Brand"
        " Registry programmes out of digests (unset: kept)",
        None,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Config:
    home: Path
    sources: tuple[Source, ...]
    crawl: CrawlSettings
    # digest.subscriptions.Subscription each, parsed by policyradar.home from `subscription_tables`
    subscriptions: tuple[Any, ...] = ()
    subscription_tables: Any = field(default=(), repr=False)  # config.toml's [[subscription]]
    web_base: str | None = None  # where `policyradar serve` is reachable, for links in digests
    llm: LlmSettings = field(default_factory=LlmSettings)  # optional LLM summaries ([llm])
    profile: Profile = field(default_factory=Profile)  # the seller ([profile])

    @property
    def database(self) -> Path:
        return self.home / DATABASE_FILE

    def source(self, source_id: str) -> Source:
        for src in self.sources:
            if src.id == source_id:
                return src
        raise KeyError(source_id)


def resolve_home(home: str | Path | None) -> Path:
    """The home folder: the given one, else ``POLICYRADAR_HOME``, else ``~/.policyradar``."""
    chosen = home or os.environ.get("POLICYRADAR_HOME") or DEFAULT_HOME
    return Path(chosen).expanduser()


def load_config(home: Path) -> Config:
    """Load ``config.toml`` (optional) and ``sources.toml`` from a home directory.

    The kinds' and channels' own checks are not run here: use `policyradar.home.load_home`.
    """
    home = Path(home)
    cfg_path = home / CONFIG_FILE
    crawl, subscriptions, web_base, llm = CrawlSettings(), [], None, LlmSettings()
    profile = Profile()
    if cfg_path.exists():
        data = read_toml(cfg_path)
        known = {"crawl", "subscription", "web_base", "llm", "profile"}
        reject_unknown(cfg_path, data, known, None, None)
        profile = check_profile(
            _build(Profile, data.get("profile", {}), cfg_path, None, "profile"), cfg_path
        )
        crawl = _build(CrawlSettings, data.get("crawl", {}), cfg_path, None, "crawl")
        _check_crawl(crawl, cfg_path)
        llm = _build(LlmSettings, data.get("llm", {}), cfg_path, None, "llm")
        _check_llm(llm, cfg_path)
        subscriptions = data.get("subscription", [])
        web_base = data.get("web_base")
        if web_base is not None and not (
            isinstance(web_base, str) and web_base.startswith(("http://", "https://"))
        ):
            raise ConfigError(cfg_path, "must be an http(s) URL", field_name="web_base")
    src_path = home / SOURCES_FILE
    if not src_path.exists():
        raise ConfigError(
            src_path, "no sources file; run 'policyradar init' to write a starter one"
        )
    return Config(
        home=home,
        sources=load_sources(src_path),
        crawl=crawl,
        subscription_tables=subscriptions,
        web_base=web_base,
        llm=llm,
        profile=profile,
    )


def load_sources(path: Path) -> tuple[Source, ...]:
    """Read and validate a sources file: a TOML array of ``[[source]]`` tables."""
    data = read_toml(path)
    reject_unknown(path, data, {"source"}, None, None)
    entries = data.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(path, "'source' must be an array of tables ([[source]])")
    sources: list[Source] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        sid = entry.get("id")
        label = sid if isinstance(sid, str) else f"#{n}"
        source = _build(Source, entry, path, label, None)
        _check_source(source, path)
        if source.id in seen:
            raise ConfigError(
                path, f"duplicate id '{source.id}'", source=source.id, field_name="id"
            )
        seen.add(source.id)
        sources.append(source)
    return tuple(sources)


def describe_fields() -> dict[str, list[tuple[str, str]]]:
    """Field names and help for each config table of this module, for the docs and their test."""
    tables = {
        "source": Source,
        "source.selectors": Selectors,
        "source.filters": Filters,
        "source.politeness": Politeness,
        "crawl": CrawlSettings,
        "llm": LlmSettings,
        "profile": Profile,
    }
    return {
        name: [(f.name, f.metadata["help"]) for f in fields(cls)] for name, cls in tables.items()
    }


# -- internals ---------------------------------------------------------------------------------

_NESTED = {"selectors": Selectors, "filters": Filters, "politeness": Politeness}


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; unreadable or invalid TOML is a ConfigError naming the file.

    TOML is UTF-8. A file saved as GBK/GB18030 (as Windows editors in Chinese do) is read as such,
    with a warning; any other encoding is an error naming the file.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(_toml_text(path, raw))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}") from None


def _toml_text(path: Path, raw: bytes) -> str:
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM, as Notepad writes it
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if _CJK_RE.search(text):
        logger.warning("%s is not UTF-8; read it as GB18030 (GBK). Save it as UTF-8.", path)
        return text
    raise ConfigError(path, f"not UTF-8 (at {where}): save the file as UTF-8")


def reject_unknown(
    path: Path,
    data: dict[str, Any],
    allowed: set[str] | list[str] | tuple[str, ...],
    source: str | None,
    prefix: str | None = None,
    *,
    table: str = "source",
) -> None:
    """Refuse a key that is not ``allowed``, suggesting the closest one."""
    for key in data:
        if key not in allowed:
            hint = difflib.get_close_matches(key, list(allowed), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            name = f"{prefix}.{key}" if prefix else key
            raise ConfigError(
                path, f"unknown key '{key}'{extra}", source=source, field_name=name, table=table
            )


def _build(cls: type, data: Any, path: Path, source: str | None, prefix: str | None) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(path, "must be a table", source=source, field_name=prefix)
    spec = {f.name: f for f in fields(cls)}
    reject_unknown(path, data, list(spec), source, prefix)
    values: dict[str, Any] = {}
    for name, f in spec.items():
        full = f"{prefix}.{name}" if prefix else name
        if name not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ConfigError(path, "missing required key", source=source, field_name=full)
            continue
        raw = data[name]
        if f.metadata.get("one_or_many") and isinstance(raw, str):
            raw = [raw]
        if name in _NESTED and cls is Source:
            values[name] = _build(_NESTED[name], raw, path, source, name)
        else:
            values[name] = _coerce(raw, f.type, path, source, full)
    return cls(**values)


def _coerce(value: Any, type_name: Any, path: Path, source: str | None, name: str) -> Any:
    t = str(type_name)
    wants = {
        "str": (str,),
        "str | None": (str,),
        "bool": (bool,),
        "bool | None": (bool,),
        "int": (int,),
        "int | None": (int,),
        "float": (int, float),
        "float | None": (int, float),
        "dict[str, Any]": (dict,),
    }
    if t == "tuple[str, ...]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(path, "must be a list of strings", source=source, field_name=name)
        return tuple(value)
    ok = wants[t]
    if not isinstance(value, ok) or (bool not in ok and isinstance(value, bool)):
        label = {
            "str": "a string",
            "bool": "true or false",
            "int": "a whole number",
            "float": "a number",
            "dict[str, Any]": "a table",
        }[t.split(" ")[0]]
        raise ConfigError(path, f"must be {label}, not {value!r}", source=source, field_name=name)
    return float(value) if float in ok else value


def _check_url(url: str, path: Path, source: str, name: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(path, f"not an http(s) URL: {url!r}", source=source, field_name=name)
    try:
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:
        raise ConfigError(
            path, f"port out of range (1-65535) in {url!r}", source=source, field_name=name
        ) from None
    for pattern in FORBIDDEN_URL_PATTERNS:
        if re.search(pattern, url):
            raise ConfigError(
                path,
                f"{url!r} is a logged-in area; PolicyRadar never crawls those",
                source=source,
                field_name=name,
            )


def _check_regexes(patterns: tuple[str, ...], path: Path, source: str, name: str) -> None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                path, f"bad regular expression {pattern!r}: {exc}", source=source, field_name=name
            ) from None


def _check_selectors(selectors: Selectors, path: Path, source: str) -> Any:
    """Every selector must parse; an empty one (``body = []`` is fine, ``""`` is not) is refused.

    Returns the translator, for the source's other selectors.
    """
    from parsel.csstranslator import HTMLTranslator  # imported here: only validation needs it

    translator = HTMLTranslator()
    for f in fields(Selectors):
        value = getattr(selectors, f.name)
        for css in (value,) if isinstance(value, str) or value is None else value:
            if css is not None:
                _check_css(translator, css, path, source, f"selectors.{f.name}")
    return translator


def _check_css(translator: Any, css: str, path: Path, source: str, name: str) -> None:
    if not css.strip():
        raise ConfigError(path, "empty CSS selector", source=source, field_name=name)
    try:
        translator.css_to_xpath(css)
    except Exception as exc:  # cssselect raises several types for bad selectors
        raise ConfigError(
            path, f"CSS selector {css!r} does not parse: {exc}", source=source, field_name=name
        ) from None


def _check_source(src: Source, path: Path) -> None:
    sid = src.id
    if not _ID_RE.match(sid):
        raise ConfigError(
            path,
            f"id {sid!r} must be a lowercase slug (a-z, 0-9, '-', '_')",
            source=sid,
            field_name="id",
        )
    if src.url and src.urls:
        raise ConfigError(
            path, "give either 'url' or 'urls', not both", source=sid, field_name="urls"
        )
    if not src.entry_urls:
        raise ConfigError(path, "missing required key (or 'urls')", source=sid, field_name="url")
    for url in src.entry_urls:
        _check_url(url, path, sid, "url" if src.url else "urls")
    translator = _check_selectors(src.selectors, path, sid)
    for name in ("exclude_title", "exclude_url", "title_strip"):
        _check_regexes(getattr(src.filters, name), path, sid, f"filters.{name}")
    if src.filters.max_id_gap is not None and src.filters.max_id_gap < 1:
        raise ConfigError(path, "must be at least 1", source=sid, field_name="filters.max_id_gap")
    _check_regexes(src.ignore, path, sid, "ignore")
    if src.max_items < 1:
        raise ConfigError(path, "must be at least 1", source=sid, field_name="max_items")
    if src.render is not None and src.render != "browser":
        raise ConfigError(
            path,
            f'unknown render {src.render!r}; expected "browser" (or leave it out)',
            source=sid,
            field_name="render",
        )
    if src.wait_for is not None:
        if src.render != "browser":
            raise ConfigError(
                path,
                'wait_for needs render = "browser"',
                source=sid,
                field_name="wait_for",
            )
        _check_css(translator, src.wait_for, path, sid, "wait_for")
    pol = src.politeness
    if pol.delay is not None and not 0 <= pol.delay <= MAX_DELAY:
        raise ConfigError(
            path,
            f"must be between 0 and {MAX_DELAY:g} seconds, not {pol.delay!r}",
            source=sid,
            field_name="politeness.delay",
        )
    if pol.concurrency is not None and not 1 <= pol.concurrency <= 8:
        raise ConfigError(
            path, "must be between 1 and 8", source=sid, field_name="politeness.concurrency"
        )


def _check_crawl(crawl: CrawlSettings, path: Path) -> None:
    checks = [
        (
            "download_delay",
            0 <= crawl.download_delay <= MAX_DELAY,
            f"must be between 0 and {MAX_DELAY:g} seconds",
        ),
        (
            "concurrency_per_domain",
            1 <= crawl.concurrency_per_domain <= 8,
            "must be between 1 and 8",
        ),
        ("timeout", 1 <= crawl.timeout <= 600, "must be between 1 and 600 seconds"),
        ("max_size_mb", 0 < crawl.max_size_mb <= 1024, "must be more than 0 and at most 1024"),
        ("retry_times", 0 <= crawl.retry_times <= 10, "must be between 0 and 10"),
        ("retry_backoff", 0 <= crawl.retry_backoff <= 300, "must be between 0 and 300 seconds"),
        ("workers", 0 <= crawl.workers <= 16, "must be between 0 and 16"),
        ("user_agent", bool(crawl.user_agent.strip()), "must not be empty"),
    ]
    for name, ok, message in checks:
        if not ok:
            value = getattr(crawl, name)
            raise ConfigError(path, f"{message}, not {value!r}", field_name=f"crawl.{name}")


def _check_llm(llm: LlmSettings, path: Path) -> None:
    checks = [
        ("timeout", llm.timeout > 0, "must be positive"),
        ("retries", 0 <= llm.retries <= 5, "must be between 0 and 5"),
        ("daily_budget", llm.daily_budget >= 0, "must not be negative"),
        ("deadline", llm.deadline > 0, "must be positive"),
        (
            "api_key_env",
            not llm.api_key_env or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", llm.api_key_env),
            "must be the name of an environment variable (such as DEEPSEEK_API_KEY), not a key",
        ),
    ]
    if llm.enabled:
        parts = urlsplit(llm.base_url)
        checks += [
            (
                "base_url",
                parts.scheme in ("http", "https") and bool(parts.hostname),
                "must be an http(s) URL when enabled",
            ),
            ("model", bool(llm.model.strip()), "must name a model when enabled"),
        ]
    for name, ok, message in checks:
        if not ok:
            raise ConfigError(path, message, field_name=f"llm.{name}")


# -- [profile] -----------------------------------------------------------------------------------

FULFILMENT = ("FBA", "FBM")
_MARKETPLACES_FILE = "marketplaces.toml"  # its codes (see policyradar.tagging.marketplaces)
_PROFILE_FILE = "profile.toml"  # product categories and programmes (policyradar.tagging.profile)


def profile_choices() -> dict[str, tuple[str, ...]]:
    """What each ``[profile]`` list may hold: marketplace and region codes, FBA/FBM, product ids."""
    from policyradar.resources import data_path

    markets = tomllib.loads(data_path(_MARKETPLACES_FILE).read_text(encoding="utf-8"))
    products = tomllib.loads(data_path(_PROFILE_FILE).read_text(encoding="utf-8"))
    return {
        "marketplaces": (*markets.get("marketplace", {}), *markets.get("region", {})),
        "fulfilment": FULFILMENT,
        "product_categories": tuple(products.get("product", {})),
    }


def check_profile(profile: Profile, path: Path) -> Profile:
    """The profile with its codes in their canonical case; an unknown value is a ConfigError
    naming the key, with "did you mean" and the valid choices.
    """
    choices = profile_choices()
    values: dict[str, tuple[str, ...]] = {}
    for name, valid in choices.items():
        by_folded = {v.casefold(): v for v in valid}
        found = []
        for value in getattr(profile, name):
            canonical = by_folded.get(value.strip().casefold())
            if canonical is None:
                hint = difflib.get_close_matches(value.upper(), valid, n=1) or (
                    difflib.get_close_matches(value.lower(), valid, n=1)
                )
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                raise ConfigError(
                    path,
                    f"unknown value '{value}'{extra}; valid: {', '.join(valid)}",
                    field_name=f"profile.{name}",
                )
            found.append(canonical)
        values[name] = tuple(dict.fromkeys(found))
    return Profile(**values, brand_registered=profile.brand_registered)
