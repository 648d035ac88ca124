"""The ``{{base}}`` placeholder: filling it into demo templates, and where the demo tree lives."""

from __future__ import annotations

from pathlib import Path

from policyradar.resources import data_path

BASE_PLACEHOLDER = "{{base}}"
DEMO_ROOT = data_path("demo")


def render_base(text: str, base_url: str) -> str:
    """Replace ``{{base}}`` in a template (such as ``data/demo/sources.toml``) with a base URL."""
    return text.replace(BASE_PLACEHOLDER, base_url.rstrip("/"))


def write_sources(template: Path, dest: Path, base_url: str) -> Path:
    """Write ``template`` with ``{{base}}`` filled in to ``dest`` (a file or a directory)."""
    target = dest / template.name if dest.is_dir() else dest
    target.write_text(render_base(template.read_text(encoding="utf-8"), base_url), encoding="utf-8")
    return target
