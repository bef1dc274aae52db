"""One direction of dependency: the plain evaluator never reaches the SMT layer, and
only `smt`, `smt_settings` (the solver's version and seeds), `prove` and `search`
import z3."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "checker"


def imports(module: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


def closure(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = PACKAGE / f"{name}.py"
        if path.exists():
            todo.extend(i.lstrip(".") for i in imports(path) if i.startswith(".") and i.lstrip("."))
    return seen


def test_evaluator_is_independent_of_the_solver() -> None:
    reached = closure("evaluate")
    assert not reached & {"smt", "smt_settings", "prove"}
    for name in reached:
        path = PACKAGE / f"{name}.py"
        if path.exists():
            assert "z3" not in imports(path), name


def test_the_certificates_do_not_reach_the_solver() -> None:
    """A witness is re-checked on a path that shares no code with the search."""
    reached = closure("certify")
    assert not reached & {"smt", "smt_settings", "prove", "search"}


def test_only_the_smt_layer_imports_z3() -> None:
    importers = {p.stem for p in PACKAGE.rglob("*.py") if "z3" in imports(p)}
    assert importers <= {"smt", "smt_settings", "prove", "search"}
