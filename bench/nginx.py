"""nginx on 127.0.0.1 serving the generated site: a generated nginx.conf, one foreground process."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    # Validators: ETag (mtime-size) and Last-Modified. "before" is RFC 9110's rule (304 when the
    # file is not newer than If-Modified-Since); urlwatch sends its own check time there.
    etag {etag};
    if_modified_since {ims};
    client_body_temp_path {work}/tmp;
    proxy_temp_path {work}/tmp;
    fastcgi_temp_path {work}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri =404; }}
    }}
}}
"""


class NginxError(RuntimeError):
    """nginx is missing, or did not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Nginx:
    """``with Nginx(root, work) as server: server.url(path)``: started and stopped by us."""

    def __init__(self, root: Path, work: Path, *, validators: bool = True, port: int = 0) -> None:
        self.root, self.work, self.validators = root, work, validators
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Nginx:
        binary = shutil.which("nginx") or next(
            (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
        )
        if binary is None:
            raise NginxError("nginx not found: install it with `apt-get install nginx-light`")
        (self.work / "tmp").mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        conf = self.work / "nginx.conf"
        conf.write_text(
            CONF.format(
                user="user root;" if os.geteuid() == 0 else "",
                work=self.work,
                root=self.root,
                port=self.port,
                etag="on" if self.validators else "off",
                ims="before" if self.validators else "off",
            ),
            encoding="utf-8",
        )
        log = self.work / "error.log"
        cmd = [binary, "-p", str(self.work), "-c", str(conf), "-e", str(log)]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = (self.proc.stderr.read() if self.proc.stderr else b"").decode(
                    errors="replace"
                )
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise NginxError(f"nginx exited with {self.proc.returncode}: {err}{tail}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise NginxError("nginx did not listen within 10 s")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def etag(self, path: str) -> str:
        """The ETag nginx sends for a file: hex mtime and size."""
        st = (self.root / path.lstrip("/")).stat()
        return f'"{int(st.st_mtime):x}-{st.st_size:x}"'
