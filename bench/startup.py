"""Start-up of `policyradar changes --json` (wall time, what Python imports on the way) and of
`policyradar search`.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import time
from pathlib import Path

HEAVY = (
    "scrapy",
    "twisted",
    "jieba",
    "trafilatura",
    "lxml",
    "parsel",
    "sqlite_utils",
    "rich",
    "click",
    "apprise",
    "diff_match_patch",
    "feedparser",
    "w3lib",
)
PHASES = """\
import sys, time
t0 = time.perf_counter()
import policyradar.cli.main as cli
t1 = time.perf_counter()
try:
    cli.cli.main(sys.argv[1:], prog_name="policyradar", standalone_mode=False)
finally:
    t2 = time.perf_counter()
    print(f"PHASES {t1 - t0:.6f} {t2 - t1:.6f}", file=sys.stderr)
"""


def measure(bin_dir: Path, home: Path, repeat: int = 5) -> dict:
    exe = [str(bin_dir / "policyradar"), "--home", str(home)]
    walls, out = timed([*exe, "changes", "--json"], repeat)
    search_walls, _ = timed([*exe, "search", "费用", "--json"], repeat)
    python = str(bin_dir / "python")
    args = ["--home", str(home), "changes", "--json"]
    phases = subprocess.run(
        [python, "-c", PHASES, *args], capture_output=True, text=True, timeout=120, check=True
    ).stderr
    imports_s, command_s = (float(x) for x in re.search(r"PHASES (\S+) (\S+)", phases).groups())  # type: ignore[union-attr]
    trace = subprocess.run(
        [python, "-X", "importtime", "-c", PHASES, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stderr
    rows = []  # (indent, module, cumulative seconds), children before their parent
    for line in trace.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((len(m.group(3)), m.group(4), int(m.group(2)) / 1e6))
    cli_children = [(mod, cum) for indent, mod, cum in rows if indent == 3]  # "| " + 2 per level
    loaded = {mod.split(".")[0] for _, mod, _ in rows}
    return {
        "wall_median": statistics.median(walls),
        "wall_min": min(walls),
        "json_bytes": len(out),
        "search_median": statistics.median(search_walls),
        "imports_s": imports_s,
        "command_s": command_s,
        "top_imports": sorted(cli_children, key=lambda kv: -kv[1])[:8],
        "heavy_loaded": {h: _chain(rows, h) for h in HEAVY if h in loaded},
    }


def timed(cmd: list[str], repeat: int) -> tuple[list[float], bytes]:
    """Wall times of ``repeat`` runs of ``cmd``, and the last one's output."""
    walls, out = [], b""
    for _ in range(repeat):
        started = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, timeout=120, check=True).stdout
        walls.append(time.perf_counter() - started)
    return walls, out


def _chain(rows: list[tuple[int, str, float]], package: str) -> str:
    """Who imported ``package`` first: "jieba <- policyradar.tagging.text <- ... <- cli"."""
    for i, (indent, mod, _) in enumerate(rows):
        if mod == package or mod.startswith(package + "."):
            names, level = [package], indent
            for later_indent, later_mod, _ in rows[i + 1 :]:
                if later_indent < level and not later_mod.startswith(package):
                    names.append(later_mod)
                    level = later_indent
                elif later_indent < level:
                    level = later_indent
            return " <- ".join(names)
    return ""
