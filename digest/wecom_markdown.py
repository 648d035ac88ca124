"""A custom apprise notifier for WeCom group-bot Markdown messages: ``wecommd://KEY``.

Importing this module registers nothing: ``register()`` adds the ``wecommd`` scheme to apprise
(once; deliver and the URL check call it through the channel registry, ``digest/channels.py``).
The webhook base is ``POLICYRADAR_WECOM_ENDPOINT`` when set (read at each call, for tests against
a local receiver), else WeCom's. WeCom answers HTTP 200 with ``{"errcode": N, "errmsg": …}``;
a non-zero ``errcode`` is a failure.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

logger = logging.getLogger(__name__)

SCHEME = "wecommd"
NAME = "WeCom Group Bot (Markdown)"
ENDPOINT_ENV = "POLICYRADAR_WECOM_ENDPOINT"
DEFAULT_ENDPOINT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
MAX_BYTES = 4096  # WeCom's limit for markdown.content, in UTF-8 bytes
TIMEOUT = 30.0


def register() -> None:
    """Register ``wecommd://`` with apprise's plug-in manager; calling it again does nothing."""
    from apprise.decorators import notify
    from apprise.manager_plugins import NotificationManager

    if SCHEME not in NotificationManager():  # a singleton, shared with every Apprise()
        notify(on=SCHEME, name=NAME)(send_wecom_markdown)


def endpoint() -> str:
    """Return the webhook base URL, honouring ``POLICYRADAR_WECOM_ENDPOINT``."""
    return os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT


def payload(content: str) -> bytes:
    """Return the JSON body WeCom expects for a markdown message."""
    data = {"msgtype": "markdown", "markdown": {"content": content}}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def send_wecom_markdown(
    body: str,
    title: str,
    notify_type: str,
    *args: Any,
    meta: dict[str, Any] | None = None,
    **kwargs: Any,
) -> bool:
    """Post one markdown message to the group bot named by the URL's key."""
    meta = meta or {}
    qsd = meta.get("qsd") or {}
    key = str(qsd.get("key") or meta.get("host") or "")
    if not key:
        logger.warning("wecommd:// has no bot key")
        return False
    content = f"**{title}**\n{body}" if title else body
    size = len(content.encode("utf-8"))
    if size > MAX_BYTES:
        logger.warning("WeCom markdown message is %d bytes; the limit is %d", size, MAX_BYTES)
        return False
    request = urllib.request.Request(  # noqa: S310 - the endpoint is https or a test's loopback
        f"{endpoint()}?key={quote(key, safe='')}",
        data=payload(content),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=_timeout(qsd)) as response:  # noqa: S310
            answer = response.read()
    except urllib.error.HTTPError as exc:
        logger.warning("WeCom answered HTTP %d", exc.code)
        return False
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        logger.warning("cannot reach WeCom: %s", reason)
        return False
    return _accepted(answer)


def _timeout(qsd: dict[str, Any]) -> float:
    """The read timeout the URL asks for (``rto=``, as apprise's own plug-ins read it)."""
    try:
        return max(1.0, float(qsd.get("rto", TIMEOUT)))
    except (TypeError, ValueError):
        return TIMEOUT


def _accepted(answer: bytes) -> bool:
    try:
        data = json.loads(answer.decode("utf-8", "replace"))
    except ValueError:
        logger.warning("WeCom answered something that is not JSON: %r", answer[:200])
        return False
    errcode = data.get("errcode") if isinstance(data, dict) else None
    if errcode != 0:
        errmsg = str(data.get("errmsg", "")) if isinstance(data, dict) else ""
        logger.warning("WeCom answered errcode=%s: %s", errcode, errmsg[:200])
        return False
    return True
