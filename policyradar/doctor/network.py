"""The network checks of `policyradar doctor`: a name resolved, then an answer, within a timeout.

Problems are worded as a crawl's failure reasons (English, see `policyradar.i18n.reason`), and
the proxy variables are read as a crawl reads them.
"""

from __future__ import annotations

import socket
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from policyradar.i18n import error

SERVICE_ENDPOINTS = {
    "wecombot": "https://qyapi.weixin.qq.com/",
    "wecommd": "https://qyapi.weixin.qq.com/",
    "tgram": "https://api.telegram.org/",
}
_WEB_ENDPOINTS = ("json", "jsons", "xml", "xmls", "form", "forms")
_SMTP_PORTS = {"mailto": 587, "mailtos": 465}


def service_endpoint(url: str, scheme: str) -> str | None:
    """The server a subscription's messages go to, as a URL (``smtp://host:port`` for mail)."""
    if scheme in SERVICE_ENDPOINTS:
        return SERVICE_ENDPOINTS[scheme]
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    if scheme in _SMTP_PORTS:
        return f"smtp://{parts.hostname}:{parts.port or _SMTP_PORTS[scheme]}"
    if scheme in _WEB_ENDPOINTS:
        web = "https" if scheme.endswith("s") else "http"
        return f"{web}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/"
    return None


def probe(
    url: str, timeout: float, env: dict[str, str], *, tcp_only: bool = False
) -> tuple[str | None, str]:
    """``(problem, detail)`` of reaching ``url``: its name resolved, then an HTTP answer (any
    status will do) or, with ``tcp_only``, a TCP connection. Through the proxy the environment
    names, as a crawl would; then the proxy resolves the name.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme, 0)
    proxy = None if tcp_only else _proxy_for(url, env)
    started = time.monotonic()
    if proxy is None:
        problem = _resolve(host, port, timeout)
        if problem:
            return problem, ""
    if tcp_only:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                pass
        except OSError as exc:
            return _socket_problem(exc, f"{host}:{port}", timeout), ""
        return None, f"TCP {1000 * (time.monotonic() - started):.0f} ms"
    handlers: list[Any] = [urllib.request.ProxyHandler({parts.scheme: proxy} if proxy else {})]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(  # noqa: S310 (an http(s) URL of the config)
        url, method="HEAD", headers={"User-Agent": "PolicyRadar"}
    )
    try:
        with opener.open(request, timeout=timeout) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code  # an answer all the same
    except urllib.error.URLError as exc:
        where = urlsplit(proxy).netloc if proxy else f"{host}:{port}"
        return _socket_problem(exc.reason, where, timeout, proxy=bool(proxy)), ""
    except (OSError, ValueError) as exc:
        return _socket_problem(exc, f"{host}:{port}", timeout, proxy=bool(proxy)), ""
    via = f" via {urlsplit(proxy).netloc}" if proxy else ""
    return None, f"HTTP {status}{via}, {1000 * (time.monotonic() - started):.0f} ms"


def _proxy_for(url: str, env: dict[str, str]) -> str | None:
    parts = urlsplit(url)
    proxies = {k.lower(): v for k, v in env.items() if k.lower().endswith("_proxy") and v}
    proxy = proxies.get(f"{parts.scheme}_proxy") or proxies.get("all_proxy")
    if not proxy:
        return None
    bypass = [h.strip().lstrip(".") for h in proxies.get("no_proxy", "").split(",") if h.strip()]
    host = parts.hostname or ""
    if "*" in bypass or any(host == b or host.endswith("." + b) for b in bypass):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _resolve(host: str, port: int, timeout: float) -> str | None:
    """Why ``host`` does not resolve within ``timeout`` (None when it does)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        try:
            job.result(timeout=timeout)
        except (socket.gaierror, UnicodeError):
            return _en("reason_dns", host=host)
        except TimeoutError:
            return _en("reason_timeout", host=host, seconds=f"{timeout:g}")
    return None


def _en(key: str, **values: object) -> str:
    """A failure reason in the English words a crawl stores (see `policyradar.i18n.reason`)."""
    return error(key, "en", **values)


def _socket_problem(exc: Any, where: str, timeout: float, *, proxy: bool = False) -> str:
    """A socket error as a crawl's failure reason, in English."""
    if proxy and isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError):
        return _en("reason_proxy", proxy=where)
    if isinstance(exc, socket.gaierror):
        return _en("reason_dns", host=where.rsplit(":", 1)[0])
    if isinstance(exc, ConnectionRefusedError):
        return _en("reason_refused", host=where)
    if isinstance(exc, TimeoutError):
        return _en("reason_timeout", host=where, seconds=f"{timeout:g}")
    if isinstance(exc, ssl.SSLError):
        return _en("reason_tls", host=where, error=exc.reason or exc)
    if isinstance(exc, OSError):
        return _en("reason_no_route", host=where)
    return str(exc)
