"""Where a profiled crawl spent its time: cProfile's own time summed by module, and top functions.

python bench/profile_report.py bench/results/profile-n1000-r1.pstats
"""

from __future__ import annotations

import pstats
import sys
from collections import defaultdict
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)


def module_of(filename: str) -> str:
    """``.../site-packages/scrapy/core/engine.py`` -> ``scrapy.core``; project files by module."""
    if filename.startswith(ROOT):
        return filename[len(ROOT) + 1 :].removesuffix(".py").replace("/", ".")
    if "site-packages/" in filename:
        parts = filename.split("site-packages/", 1)[1].removesuffix(".py").split("/")
        return ".".join(parts[:2]) if len(parts) > 2 else parts[0]
    if filename.startswith("<") or filename == "~":
        return "builtins (C)"
    return "stdlib." + Path(filename).stem


def summary(path: Path, top: int = 15) -> str:
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    by_module: dict[str, float] = defaultdict(float)
    functions = []
    for (filename, line, name), (_cc, _nc, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        module = module_of(filename)
        if module == "builtins (C)":
            module = f"C: {name}"
        by_module[module] += tottime
        functions.append((tottime, cumtime, f"{module}:{name}:{line}"))
    out = [f"profile {path.name}: {total:.2f} s in all (cProfile's own time by module)"]
    for module, seconds in sorted(by_module.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"  {seconds:7.2f} s {100 * seconds / total:5.1f} %  {module}")
    out.append("  top project functions by cumulative time:")
    mine = [
        f for f in functions if f[2].startswith(("policyradar.crawler.", "policyradar.spiders."))
    ]
    for _tottime, cumtime, label in sorted(mine, key=lambda f: -f[1])[:top]:
        out.append(f"  {cumtime:7.2f} s cum  {label}")
    return "\n".join(out)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(summary(Path(arg)))
