"""One direction of dependency: the plain evaluator never reaches the SMT layer, and
only `smt`, `smt_settings` (the solver's version and seeds), `prove` and `search`
import z3."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "checker"


def imports(module: Path) -> set[str]:
    """What `module` imports: other packages by name (`z3`), and checker's own modules
    as dotted names from the package root with a leading '.' (`.semantics.axioms`)."""
    here = module.parent.relative_to(PACKAGE).parts
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module or "")
        elif isinstance(node, ast.ImportFrom):
            base = [*here[:len(here) - node.level + 1], *(node.module.split(".") if node.module else ())]
            if base:
                names.add("." + ".".join(base))
            names.update("." + ".".join([*base, a.name]) for a in node.names)  # `from . import ir`: a module
    return names


def source(name: str) -> Path | None:
    """The file of checker's module `name` (dotted, from the package root), if it is one."""
    for path in (PACKAGE / f"{name.replace('.', '/')}.py", PACKAGE / name.replace(".", "/") / "__init__.py"):
        if path.is_file():
            return path
    return None


def closure(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = source(name)
        if path is not None:
            todo.extend(i[1:] for i in imports(path) if i.startswith(".") and source(i[1:]))
    return seen


def test_evaluator_is_independent_of_the_solver() -> None:
    reached = closure("evaluate")
    assert not reached & {"smt", "smt_settings", "prove"}
    for name in reached:
        path = source(name)
        if path is not None:
            assert "z3" not in imports(path), name


def test_the_axioms_are_read_by_the_plain_side_without_the_solver() -> None:
    """The life of an order, on the evaluator's side (cases, certificates, generated
    facts), shares no code with the SMT layer, which compiles the same axioms."""
    reached = closure("semantics.axioms") | closure("cases") | closure("casegen")
    assert {"semantics.axioms", "evaluate"} <= reached
    assert not reached & {"smt", "smt_settings", "prove", "search"}
    assert all("z3" not in imports(source(n)) for n in reached if source(n))


def test_the_certificates_do_not_reach_the_solver() -> None:
    """A witness is re-checked on a path that shares no code with the search."""
    reached = closure("certify")
    assert not reached & {"smt", "smt_settings", "prove", "search"}


def test_only_the_smt_layer_imports_z3() -> None:
    importers = {p.stem for p in PACKAGE.rglob("*.py") if "z3" in imports(p)}
    assert importers <= {"smt", "smt_settings", "prove", "search"}
