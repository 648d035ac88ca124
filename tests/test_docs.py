"""README documents every config field, source kind and command the code has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policyradar.cli.main import cli
from policyradar.home import describe_fields
from policyradar.spiders import SPIDER_BY_KIND

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def readme_table(name: str) -> set[str]:
    """The keys in the README table that follows ``<!-- fields:NAME -->``."""
    match = re.search(rf"<!-- fields:{re.escape(name)} -->\n((?:\|.*\n)+)", README)
    assert match, f"README has no table marked <!-- fields:{name} -->"
    return set(re.findall(r"^\| `([a-z_]+)` \|", match.group(1), flags=re.MULTILINE))


@pytest.mark.parametrize("table", sorted(describe_fields()))
def test_every_config_field_is_documented(table: str) -> None:
    fields = {name for name, _ in describe_fields()[table]}
    assert readme_table(table) == fields


@pytest.mark.parametrize("kind", sorted(SPIDER_BY_KIND))
def test_every_source_kind_has_a_readme_example(kind: str) -> None:
    assert f'kind = "{kind}"' in README


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_cli_reference(command: str) -> None:
    assert re.search(rf"^policyradar {command}\b", README, flags=re.MULTILINE)


def test_quick_start_is_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick, flags=re.MULTILINE)
    assert commands == ["demo", "test"]
