"""Shared by the digest tests (no tests here): real rows in storage, and local receivers.

``Receiver`` is an HTTP server on 127.0.0.1 that records every request and answers like WeCom,
Telegram or a plain webhook; it can go down and come back on the same port. ``SmtpReceiver`` is
an aiosmtpd server on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from policyradar.records import ChangeKind, Snapshot
from policyradar.storage import Storage
from policyradar.text.diffing import diff_text, new_document_diff

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai

CHINESE_TITLES = [
    "亚马逊美国站调整FBA配送费，标准尺寸商品每件上涨0.15美元",
    "欧洲站EPR合规要求更新：德国包装法注册号须在3月31日前提交",
    "亚马逊品牌注册新规：商标状态为“已注册”方可申请品牌备案",
    "美国站低库存水平费计算方式调整，新增库存周转天数阈值",
    "入库配置费将于2026年3月1日起适用于所有标准尺寸商品",
    "账户健康评级新增“政策合规”指标，卖家需关注违规记录",
    "亚马逊日本站消费税发票制度说明更新",
    "广告活动预算规则调整：每日预算可在当月内灵活分配",
    "退货处理费扩展至更多品类，服装鞋靴类目卖家注意",
    "受限商品政策更新：含锂电池产品须提供UN38.3测试报告",
]
CHINESE_BODY = (
    "根据最新公告，自2026年3月1日起，亚马逊将对美国站的配送费进行调整。标准尺寸商品的配送费"
    "平均每件上涨0.15美元，大件商品的配送费保持不变。卖家应及时检查商品尺寸分段，"
    "更新定价策略，以避免利润受到影响。同时，入库配置费、低库存水平费等费用的计算方式也将"
    "有所变化，具体请参阅卖家平台帮助页面中的费用说明。"
)


@dataclass
class Rows:
    """Real rows through Storage: one crawl run per call, classification set afterwards."""

    storage: Storage
    home: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)
    counter: int = 0

    def source(self, source_id: str, name: str, marketplace: str = "US") -> None:
        self.storage.db["sources"].upsert(
            {
                "id": source_id,
                "name": name,
                "kind": "listing",
                "url": f"https://{source_id}.test/",
                "marketplace": marketplace,
                "language": "zh",
                "enabled": 1,
            },
            pk="id",
        )
        self.sources[source_id] = name

    def change(
        self,
        title: str,
        text: str = CHINESE_BODY,
        *,
        source: str = "gs",
        detected: datetime | None = None,
        previous: str | None = None,
        **tags: Any,
    ) -> int:
        """Insert a new document (or a change of ``previous``) and classify it; return its id."""
        if source not in self.sources:
            self.source(source, {"gs": "亚马逊全球开店"}.get(source, source))
        self.counter += 1
        url = tags.pop("url", None) or f"https://{source}.test/news/{self.counter}"
        run = self.storage.start_run([source])
        if previous is not None:  # the first version's change is long past (beyond max age)
            first = self.storage.save_version(
                run,
                _snap(source, url, title, previous),
                new_document_diff(previous),
                ChangeKind.NEW,
                len(previous),
            )
            self.storage.db.execute(
                "UPDATE changes SET detected_at = ? WHERE id = ?",
                ("2000-01-01T00:00:00+00:00", first),
            )
            diff = diff_text(previous, text)
            assert diff is not None
            change_id = self.storage.save_version(
                run, _snap(source, url, title, text), diff, ChangeKind.CHANGED, len(text)
            )
        else:
            change_id = self.storage.save_version(
                run,
                _snap(source, url, title, text),
                new_document_diff(text),
                ChangeKind.NEW,
                len(text),
            )
        self.storage.finish_run(run)
        tags.setdefault("categories", ["fees"])
        tags.setdefault("urgency", "low")
        self.storage.set_classification(change_id, tags)
        when = detected or NOW - timedelta(hours=1)
        self.storage.db.execute(
            "UPDATE changes SET detected_at = ? WHERE id = ?",
            (when.isoformat(timespec="seconds"), change_id),
        )
        self.storage.db.conn.commit()
        return change_id

    def many(self, n: int, **tags: Any) -> list[int]:
        """Insert ``n`` long Chinese changes, oldest first."""
        ids = []
        for i in range(n):
            title = f"{CHINESE_TITLES[i % len(CHINESE_TITLES)]}（第{i + 1}条）"
            ids.append(
                self.change(
                    title,
                    f"第{i + 1}条：{CHINESE_BODY}",
                    detected=NOW - timedelta(minutes=n - i),
                    **tags,
                )
            )
        return ids


def _snap(source: str, url: str, title: str, text: str) -> Snapshot:
    return Snapshot(source_id=source, url=url, title=title, text=text, fingerprint=str(hash(text)))


def make_rows(tmp_path: Path) -> Rows:
    return Rows(Storage(tmp_path / "policyradar.db"), home=tmp_path)


# -- an HTTP receiver --------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Receiver:
    """Records requests on 127.0.0.1; ``status``/``reply`` set the answer, ``down()`` closes it."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.status = 200
        self.fail_after: int | None = None  # answer 500 once this many requests succeeded
        self.reply: Any = None  # None: answer like the service the path names
        self.delay = 0.0  # seconds to wait before answering (a slow webhook)
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self.up()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                receiver.requests.append(
                    Request(
                        "POST",
                        parts.path,
                        parse_qs(parts.query),
                        dict(self.headers),
                        self.rfile.read(length),
                    )
                )
                time.sleep(receiver.delay)
                status = receiver.status
                if receiver.fail_after is not None and len(receiver.requests) > receiver.fail_after:
                    status = 500
                answer = receiver.answer(parts.path, status)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def answer(self, path: str, status: int) -> bytes:
        if self.reply is not None:
            return json.dumps(self.reply).encode()
        ok = status == 200
        if "/webhook/" in path:
            return json.dumps({"errcode": 0 if ok else 500, "errmsg": "ok" if ok else "x"}).encode()
        if path.startswith("/bot"):
            return json.dumps({"ok": ok, "result": {"message_id": 1}}).encode()
        return b"{}"

    def bodies(self) -> list[Any]:
        return [r.json() for r in self.requests]


def point_plugins_at(receiver: Receiver, monkeypatch: Any) -> None:
    """Send apprise's real WeCom and Telegram payloads (and wecommd's) to ``receiver``."""
    from apprise.plugins.telegram import NotifyTelegram
    from apprise.plugins.wecombot import NotifyWeComBot

    monkeypatch.setattr(
        NotifyWeComBot, "notify_url", f"{receiver.base}/cgi-bin/webhook/send?key={{key}}"
    )
    monkeypatch.setattr(NotifyWeComBot, "request_rate_per_sec", 0)  # 5.5 s between messages
    monkeypatch.setattr(NotifyTelegram, "notify_url", f"{receiver.base}/bot")
    monkeypatch.setenv("POLICYRADAR_WECOM_ENDPOINT", f"{receiver.base}/cgi-bin/webhook/send")


# -- an SMTP receiver --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1, keeping each message's envelope and raw content."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                receiver.messages.append(envelope)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
