"""The house rules of the code base, checked on the source: no import cycle in ``simulator/``
(every import counts, ``TYPE_CHECKING`` and function-level ones included), small modules, public
names only in ``fakes/`` and ``simulator/testing/``, and citations only of documents in the
repository. ``lint-imports`` (CI) checks the layer order itself (``pyproject.toml``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.helpers import PROJECT_ROOT

SIMULATOR = PROJECT_ROOT / "simulator"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str | None = None) -> set[str]:
    """Every module ``path`` (module ``name``) imports, wherever the import statement stands."""
    name = name or _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SIMULATOR.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path):
            parts = imported.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in modules:
                    # the package's own __init__ is the public façade, not a layer
                    if candidate not in (name, "simulator"):
                        targets.add(candidate)
                    break
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = _graph()
    graph["simulator._vocabulary.clock"].add("simulator._system")
    assert any("simulator._system" in cycle for cycle in _cycles(graph))


def test_type_checking_and_function_level_imports_count(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from simulator._system import VssSystem\n"
        "def f():\n    from simulator._windows import writer\n"
    )
    imported = _imports(source, "simulator._probe")
    assert {"simulator._system", "simulator._windows"} <= imported


@pytest.mark.parametrize(
    "path",
    sorted([*SIMULATOR.rglob("*.py"), *(PROJECT_ROOT / "fakes").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_modules_are_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines; split it by job"


@pytest.mark.parametrize(
    "path",
    sorted([*(PROJECT_ROOT / "fakes").rglob("*.py"), *(SIMULATOR / "testing").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_fakes_and_testing_import_public_names_only(path: Path) -> None:
    private = sorted(
        name
        for name in _imports(path)
        if re.match(r"simulator\._", name) or name.startswith("simulator.testing._")
    )
    assert private == []


OUTSIDE = re.compile(r"vss-facts|peers\.md|API\.md|\.\./shared/(?:reference|design)")


@pytest.mark.parametrize(
    "path",
    sorted(
        [
            *SIMULATOR.rglob("*.py"),
            *(PROJECT_ROOT / "fakes").rglob("*.py"),
            *(PROJECT_ROOT / "examples").rglob("*.py"),
            *(PROJECT_ROOT / "docs").rglob("*.md"),
            PROJECT_ROOT / "README.md",
        ]
    ),
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_citations_point_inside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert OUTSIDE.findall(text) == []
    for cited in re.findall(r"docs/[\w./-]+\.md", text):
        assert (PROJECT_ROOT / cited).exists(), f"{path.name} cites {cited}, which is missing"
