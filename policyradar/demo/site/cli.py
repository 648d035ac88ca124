"""``python -m policyradar.demo.site``: serve a snapshot tree and switch it from stdin."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from datetime import date
from pathlib import Path

from policyradar.demo.site.server import SiteServer
from policyradar.demo.site.templates import DEMO_ROOT


def main(argv: list[str] | None = None) -> int:
    """Serve a snapshot tree for manual browsing: ``python -m policyradar.demo.site ROOT``."""
    parser = argparse.ArgumentParser(
        prog="python -m policyradar.demo.site", description=main.__doc__
    )
    parser.add_argument(
        "root",
        type=Path,
        nargs="?",
        default=DEMO_ROOT,
        help=f"directory holding the snapshots (default {DEMO_ROOT})",
    )
    parser.add_argument("--snapshot", default="s1", help="snapshot to serve first (default s1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument(
        "--today",
        type=_day,
        default=date.today(),
        help="the day {{date…}} placeholders count from: YYYY-MM-DD (default: today)",
    )
    args = parser.parse_args(argv)
    try:
        server = SiteServer(args.root, args.snapshot, port=args.port, today=args.today)
        base = server.start()
    except (OSError, ValueError) as exc:
        print(f"demosite: {exc}", file=sys.stderr)
        return 2
    print(f"Serving {args.root}/{server.snapshot} at {base}/", flush=True)
    print("Type a snapshot name and Enter to switch; Ctrl-C to stop.", flush=True)
    try:
        _console(server, args.root)
    finally:
        server.stop()
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _console(server: SiteServer, root: Path) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        for line in sys.stdin:
            name = line.strip()
            if not name:
                continue
            try:
                server.snapshot = name
                print(f"Now serving {root}/{name}", flush=True)
            except ValueError as exc:
                print(f"demosite: {exc}", flush=True)
        threading.Event().wait()  # stdin closed: serve until interrupted
