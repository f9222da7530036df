"""The house rules of DESIGN.md section 2, read from the import graph of src/boaudit (ast).

Arrows run downwards only: cli -> audit -> report | history -> findings -> metrics | questionnaire
-> ingest -> the ground floor (the top-level modules). A room imports its own modules and the
rooms below it, never a room above or beside it; no two modules import each other, directly or
around a circle; only cli/ knows Typer and rich.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "boaudit"

FLOOR = {
    "cli": 6,
    "audit": 5,
    "report": 4,
    "history": 4,
    "findings": 3,
    "metrics": 2,
    "questionnaire": 2,
    "ingest": 1,
}
"""Each room's floor; a module at the top of the package (errors, fileio, taxonomy, ...) and
the data folder are the ground floor, 0."""

TERMINAL = {"typer", "rich", "click"}
# The table writer renders the report into a string with rich (a Console over a StringIO),
# never to the terminal: the one writer that may use it.
TERMINAL_ALLOWED = {"boaudit.report.table"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of the file (TYPE_CHECKING blocks too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        # Importing a module imports its packages first anyway: an arrow to one's own
        # package (``from boaudit.cli import app`` in cli/) is no dependency.
        graph[name] = {
            m for m in _imports(path) if m in modules and not name.startswith(f"{m}.") and m != name
        }
    return graph


def _room(module: str) -> str:
    """The package of ``module`` under boaudit (``""`` for the ground floor's modules)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (SRC / parts[1]).is_dir() else ""


def _floor(module: str) -> int:
    if module == "boaudit.__main__":  # ``python -m boaudit``: the entry point, above all
        return max(FLOOR.values()) + 1
    return FLOOR.get(_room(module), 0)


GRAPH = _graph()


def test_the_graph_is_read() -> None:
    assert "boaudit.audit.pipeline" in GRAPH
    assert "boaudit.findings.rules" in GRAPH["boaudit.audit.pipeline"]
    assert set(FLOOR) <= {_room(m) for m in GRAPH}


def test_no_import_runs_up_or_across_a_floor() -> None:
    wrong = sorted(
        f"{module} (floor {_floor(module)}) imports {target} (floor {_floor(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if _room(target) != _room(module) and _floor(target) >= _floor(module)
    )
    assert wrong == []


def test_the_lower_rooms_never_reach_the_findings_report_or_audit() -> None:
    upper = {"findings", "report", "audit", "cli"}
    for module, targets in GRAPH.items():
        if _room(module) in {"metrics", "ingest", "questionnaire"}:
            assert not {_room(t) for t in targets} & upper, module


def test_no_two_modules_import_each_other_directly_or_around_a_circle() -> None:
    circles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    # A package's __init__ re-exports its modules: it may import them, they never import it.
    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert circles == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if _room(m) != "cli"))
def test_only_the_command_line_knows_the_terminal(module: str) -> None:
    path = SRC.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = SRC.parent / module.replace(".", "/") / "__init__.py"
    terminal = {m.split(".")[0] for m in _imports(path)} & TERMINAL
    assert not terminal or module in TERMINAL_ALLOWED, (module, terminal)
