"""The checks of `policyradar doctor`, each a :class:`Check` in the reader's language.

The network checks (each source host's name and HTTP(S) answer, each subscription's service)
use a short timeout, go through the same proxy variables a crawl uses, and run in parallel;
``offline`` leaves them out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from policyradar.config import CONFIG_FILE, DATABASE_FILE, SOURCES_FILE, ConfigError
from policyradar.doctor.network import probe, service_endpoint
from policyradar.i18n import reason, t

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from policyradar.config import Config

OK, WARN, FAIL = "ok", "warn", "fail"
TIMEOUT = 5.0  # seconds for each network probe
MIN_FREE_MB, LOW_FREE_MB = 100, 1024


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report: what was checked, how it went, what was found and the fix."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def run_checks(
    home: Path,
    lang: str,
    *,
    offline: bool = False,
    web: str | None = None,
    timeout: float = TIMEOUT,
    environ: dict[str, str] | None = None,
) -> list[Check]:
    """Every check of ``home``, in the order they are shown."""
    env = dict(os.environ if environ is None else environ)
    config, checks = check_config(home, lang)
    checks += [
        check_database(home / DATABASE_FILE, lang),
        check_lexicon(lang),
        check_disk(home, lang),
    ]
    if config is None:
        return checks + ([check_web(web, lang, timeout, env)] if web else [])
    checks.append(check_browser(config, lang))
    for sub in config.subscriptions:
        checks.append(check_subscription(sub, lang, env, timeout=None if offline else timeout))
    if not config.subscriptions:
        checks.append(
            Check(
                t("doctor_subs", lang),
                WARN,
                t("doctor_no_subs", lang),
                t("doctor_no_subs_fix", lang),
            )
        )
    if not offline:
        checks += check_hosts(config, lang, timeout, env)
    if web:
        checks.append(check_web(web, lang, timeout, env))
    return checks


def check_config(home: Path, lang: str) -> tuple[Config | None, list[Check]]:
    from policyradar.home import load_home

    name = t("doctor_config", lang)
    if not (home / SOURCES_FILE).exists():
        return None, [
            Check(name, FAIL, t("doctor_no_home", lang, home=home), t("doctor_no_home_fix", lang))
        ]
    try:
        config = load_home(home)
    except ConfigError as exc:
        return None, [Check(name, FAIL, str(exc), t("doctor_config_fix", lang))]
    enabled = sum(1 for s in config.sources if s.enabled)
    detail = t(
        "doctor_config_ok",
        lang,
        home=home,
        enabled=enabled,
        total=len(config.sources),
        subs=len(config.subscriptions),
    )
    if not (home / CONFIG_FILE).exists():
        detail += t("doctor_config_default", lang)
    return config, [Check(name, OK, detail)]


def check_database(path: Path, lang: str) -> Check:
    from policyradar.storage.health import database_health

    name = t("doctor_database", lang)
    if not path.exists():
        return Check(name, OK, t("doctor_db_none", lang, path=path))
    health = database_health(path)
    if health.problems:
        return Check(
            name,
            FAIL,
            t("doctor_db_broken", lang, path=path, problem="; ".join(health.problems)[:200]),
            t("doctor_db_broken_fix", lang),
        )
    if health.unknown:
        return Check(
            name,
            FAIL,
            t("doctor_db_newer", lang, names=", ".join(health.unknown)),
            t("doctor_db_newer_fix", lang),
        )
    detail = t(
        "doctor_db_ok",
        lang,
        path=path,
        changes=health.changes,
        schema=health.applied[-1] if health.applied else "-",
    )
    if health.pending:
        detail += t("doctor_db_pending", lang, n=len(health.pending))
    return Check(name, OK, detail)


def check_lexicon(lang: str) -> Check:
    from policyradar.tagging.cut import USERDICT_FILE
    from policyradar.tagging.lexicon import (
        CACHE_ENV,
        LexiconError,
        _check_owner,
        cache_path,
        default_cache_dir,
        read_lexicon,
    )

    name = t("doctor_lexicon", lang)
    folder = default_cache_dir()
    try:
        path = cache_path(USERDICT_FILE, folder)
        if folder.exists():
            _check_owner(folder)
    except (LexiconError, OSError) as exc:
        return Check(name, FAIL, str(exc), t("doctor_lexicon_fix", lang, env=CACHE_ENV))
    if not path.exists():
        return Check(name, OK, t("doctor_lexicon_none", lang, path=path))
    try:
        read_lexicon(path)
    except (LexiconError, OSError, ValueError) as exc:
        return Check(
            name,
            WARN,
            t("doctor_lexicon_bad", lang, path=path, error=exc),
            t("doctor_lexicon_bad_fix", lang),
        )
    return Check(name, OK, t("doctor_lexicon_ok", lang, path=path, mb=path.stat().st_size / 1e6))


def check_disk(home: Path, lang: str) -> Check:
    name = t("doctor_disk", lang)
    where = home
    while not where.exists() and where != where.parent:
        where = where.parent
    free = shutil.disk_usage(where).free / 2**20
    detail = t("doctor_disk_free", lang, mb=free, path=where)
    if free < MIN_FREE_MB:
        return Check(name, FAIL, detail, t("doctor_disk_fix", lang, mb=MIN_FREE_MB))
    if free < LOW_FREE_MB:
        return Check(name, WARN, detail, t("doctor_disk_fix", lang, mb=LOW_FREE_MB))
    return Check(name, OK, detail)


def check_browser(config: Config, lang: str) -> Check:
    from policyradar.spiders.base import browser_unavailable, find_chromium, renders

    name = t("doctor_browser", lang)
    rendered = [s.id for s in config.sources if s.enabled and renders(s)]
    if not rendered:
        return Check(name, OK, t("doctor_browser_unused", lang))
    problem = browser_unavailable()
    if problem:
        return Check(name, FAIL, problem, t("doctor_browser_fix", lang))
    if not has_cjk_font():
        return Check(name, WARN, t("doctor_no_cjk_font", lang), t("doctor_font_fix", lang))
    return Check(name, OK, t("doctor_browser_ok", lang, path=find_chromium(), n=len(rendered)))


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese characters (else chromium draws boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run(  # noqa: S603 (a fixed program and arguments)
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
    )
    return bool(found.stdout.strip())


def check_subscription(sub: Any, lang: str, env: dict[str, str], *, timeout: float | None) -> Check:
    from policyradar.digest.channels import scheme_of
    from policyradar.digest.subscriptions import SubscriptionError, resolve_url

    name = t("doctor_sub", lang, name=sub.name)
    if sub.url_env and not (env.get(sub.url_env) or "").strip():
        return Check(
            name,
            FAIL,
            t("doctor_sub_env_unset", lang, env=sub.url_env),
            t("doctor_sub_env_fix", lang, env=sub.url_env),
        )
    try:
        url = resolve_url(sub, env)
    except SubscriptionError as exc:
        fix = t("doctor_sub_env_fix", lang, env=sub.url_env) if sub.url_env else ""
        return Check(name, FAIL, str(exc), fix or t("doctor_config_fix", lang))
    scheme = scheme_of(url)
    endpoint = service_endpoint(url, scheme)
    if timeout is None or endpoint is None:
        return Check(name, OK, t("doctor_sub_ok", lang, target=sub.target))
    problem, _ = probe(endpoint, timeout, env, tcp_only=not endpoint.startswith("http"))
    host = urlsplit(endpoint).netloc
    if problem:
        return Check(
            name,
            FAIL,
            t("doctor_sub_unreachable", lang, target=sub.target, problem=reason(problem, lang)),
            t("doctor_net_fix", lang),
        )
    return Check(name, OK, t("doctor_sub_reached", lang, target=sub.target, host=host))


def check_hosts(config: Config, lang: str, timeout: float, env: dict[str, str]) -> list[Check]:
    """Each host of the enabled sources: whether its name resolves and it answers HTTP(S)."""
    hosts: dict[str, list[str]] = {}
    for source in config.sources:
        if source.enabled:
            for url in source.entry_urls:
                parts = urlsplit(url)
                hosts.setdefault(f"{parts.scheme}://{parts.netloc}", []).append(source.id)
    with ThreadPoolExecutor(max_workers=16) as pool:
        found = list(pool.map(lambda base: probe(f"{base}/robots.txt", timeout, env), hosts))
    checks = []
    for (base, ids), (problem, detail) in zip(hosts.items(), found, strict=True):
        name = t("doctor_host", lang, host=urlsplit(base).netloc)
        sources = t("doctor_host_sources", lang, n=len(ids))
        if problem:
            checks.append(
                Check(name, FAIL, f"{reason(problem, lang)}{sources}", t("doctor_net_fix", lang))
            )
        else:
            checks.append(Check(name, OK, f"{detail}{sources}"))
    return sorted(checks, key=lambda c: (c.status == OK, c.name))


def check_web(url: str, lang: str, timeout: float, env: dict[str, str]) -> Check:
    """The web UI at ``url`` answers (with ``POLICYRADAR_TOKEN`` when it is set)."""
    name = t("doctor_web", lang)
    headers = {"User-Agent": "PolicyRadar doctor"}
    if env.get("POLICYRADAR_TOKEN"):
        headers["Authorization"] = f"Bearer {env['POLICYRADAR_TOKEN']}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {url}")
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (checked above)
        with opener.open(request, timeout=timeout) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Check(name, FAIL, f"{url}: {getattr(exc, 'reason', exc)}", t("doctor_web_fix", lang))
    if status >= 400:
        return Check(name, FAIL, f"{url}: HTTP {status}", t("doctor_web_fix", lang))
    return Check(name, OK, f"{url}: HTTP {status}")


def failed(checks: Iterable[Check]) -> bool:
    return any(c.status == FAIL for c in checks)
