"""Values and clauses as they appear in every output format."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .. import ir
from ..vocabulary import BoolType, NumberType, Variable


def json_value(value: Any) -> Any:
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def clause_json(clause: ir.Clause, with_location: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"document": clause.document, "id": clause.id, "quote": clause.quote}
    if with_location:
        out["file"] = clause.location.file
        out["line"] = clause.location.line
    return out


def spoken(var: Variable, value: Any) -> str:
    """A value as a reviewer reads it."""
    if isinstance(var.type, BoolType):
        return "yes" if value else "no"
    if isinstance(var.type, NumberType):
        number = json_value(value)
        unit = var.type.unit.replace("_", " ")
        return f"{number} {unit}".strip() if unit != "percent" else f"{number}%"
    return str(value).replace("_", " ")


def clause_ref(clause: ir.Clause) -> str:
    return f"{clause.document} {clause.id}"
