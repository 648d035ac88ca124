"""The server's own ceiling over the bench URLs: wrk when installed, else a small asyncio client."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from pathlib import Path

LUA = """\
local rows = {}
for line in io.lines("%s") do
  local path, etag = line:match("^(%%S+)\\t?(.*)$")
  rows[#rows + 1] = {path, etag}
end
local i = math.random(#rows)
request = function()
  i = i %% #rows + 1
  local row = rows[i]
  if row[2] ~= "" then
    return wrk.format("GET", row[1], {["If-None-Match"] = row[2]})
  end
  return wrk.format("GET", row[1])
end
"""


def measure(base_url: str, rows: list[tuple[str, str]], work: Path, seconds: float = 3.0) -> dict:
    """Requests per second for ``rows`` of (path, etag or ""), 32 connections, ``seconds`` long."""
    if shutil.which("wrk"):
        return _wrk(base_url, rows, work, seconds)
    return asyncio.run(_asyncio_client(base_url, rows, seconds))


def _wrk(base_url: str, rows: list[tuple[str, str]], work: Path, seconds: float) -> dict:
    listing = work / "wrk-paths.txt"
    listing.write_text("".join(f"{p}\t{e}\n" for p, e in rows), encoding="utf-8")
    script = work / "wrk.lua"
    script.write_text(LUA % listing, encoding="utf-8")
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds:g}s", "-s", str(script), base_url]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    return {"tool": "wrk -t2 -c32", "rps": rate, "errors": int(bad.group(1)) if bad else 0}


async def _asyncio_client(base_url: str, rows: list[tuple[str, str]], seconds: float) -> dict:
    host, port = base_url.split("//", 1)[1].rstrip("/").split(":")
    deadline = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        i = offset
        while time.monotonic() < deadline:
            path, etag = rows[i % len(rows)]
            i += 32
            extra = f"If-None-Match: {etag}\r\n" if etag else ""
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if length and status != 304:
                await reader.readexactly(int(length.group(1)))
            counts["ok" if status in (200, 304) else "errors"] += 1
        writer.close()

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(worker(k) for k in range(32))), seconds + 30)
    total = counts["ok"] + counts["errors"]
    return {
        "tool": "asyncio client, 32 connections",
        "rps": total / (time.monotonic() - started),
        "errors": counts["errors"],
    }
