"""Imports point one way: each room imports only the rooms below it, and no module imports itself
back through others. Lazy imports inside functions count; imports only for type checkers do not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Where each part of the one import root lives in the checkout (pyproject's package-dir).
PACKAGE_DIRS = {
    "policyradar": ROOT / "policyradar",
    "policyradar.crawler": ROOT / "crawler",
    "policyradar.spiders": ROOT / "spiders",
    "policyradar.digest": ROOT / "digest",
}
# Top to bottom: a room may import the rooms below it, never one above. Rooms on one line are
# siblings and must not import each other. A name is a module or a package (and all inside it).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("policyradar.cli", "policyradar.__main__"),
    ("policyradar.sourcekit", "policyradar.doctor"),
    ("policyradar.web", "policyradar.demo"),
    ("policyradar.display",),
    ("policyradar.home",),
    ("policyradar.crawler.runner",),
    ("policyradar.spiders",),
    ("policyradar.crawler", "policyradar.digest"),
    ("policyradar.search.changes",),
    ("policyradar.storage",),
    ("policyradar.search",),
    ("policyradar.tagging",),
    ("policyradar.records",),
    ("policyradar.text",),
    ("policyradar.config", "policyradar.urls", "policyradar.i18n", "policyradar.schedule"),
    ("policyradar.resources",),
)


def module_files() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    found: dict[str, Path] = {}
    for package, folder in PACKAGE_DIRS.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package, *parts])
            if any(
                name.startswith(other + ".") or name == other
                for other in PACKAGE_DIRS
                if other != package and other.startswith(package + ".")
            ):
                continue  # a folder of this name is another package's (policyradar/crawler)
            found[name] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package's own modules that ``name`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{a.name}" for a in node.names} & modules
            found.update(submodules)
            if len(submodules) < len(node.names):  # names defined in the module itself
                found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in modules and m != name}


def layer_of(module: str) -> tuple[int, str] | None:
    """The layer and room of a module: the longest room name that contains it."""
    if module == "policyradar":  # the root package: its version, nothing else
        return (len(LAYERS), module)
    best: tuple[int, str] | None = None
    for index, rooms in enumerate(LAYERS):
        for room in rooms:
            if (module == room or module.startswith(room + ".")) and (
                best is None or len(room) > len(best[1])
            ):
                best = (index, room)
    return best


GRAPH = {name: imports_of(name, path, set(module_files())) for name, path in module_files().items()}


def test_every_module_has_a_room() -> None:
    assert [m for m in GRAPH if layer_of(m) is None] == []


def test_imports_point_down() -> None:
    wrong = []
    for module, targets in sorted(GRAPH.items()):
        here = layer_of(module)
        for target in sorted(targets):
            there = layer_of(target)
            if here and there and here[1] != there[1] and there[0] <= here[0]:
                if there[1].startswith(here[1] + "."):  # a package's own inner room, below it
                    continue
                wrong.append(f"{module} -> {target} ({here[1]} is not above {there[1]})")
    assert wrong == []


def test_no_import_cycles() -> None:
    cycles: list[str] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif target not in state:
                walk(target)
        stack.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            walk(module)
    assert cycles == []


@pytest.mark.parametrize(
    "forbidden", ["web", "data", "tests", "demo", "crawler", "spiders", "digest", "bench"]
)
def test_no_generic_top_level_package_is_importable_from_the_package(forbidden: str) -> None:
    for targets in GRAPH.values():
        assert not any(t == forbidden or t.startswith(forbidden + ".") for t in targets)
