"""`prove --format json`: one object per case (the shape the issue tracker fixed)."""

from __future__ import annotations

import json
from typing import Any

from ..verdict import CaseProof
from .values import clause_json, json_value


def proof_json(proof: CaseProof, expectations: dict[str, dict[str, Any]]) -> dict[str, Any]:
    outcomes = {}
    for name, v in proof.outcomes.items():
        outcomes[name] = {
            "status": v.status,
            "value": json_value(v.value) if v.status == "determined" else None,
            "clauses": [clause_json(c) for c in v.clauses],
        }
    out: dict[str, Any] = {
        "id": proof.case_id,
        "documents": list(proof.documents),
        "outcomes": outcomes,
        "clashes": [
            {"outcome": ", ".join(c.outcomes), "outcomes": list(c.outcomes), "clauses": [clause_json(x) for x in c.clauses],
             "resolved_by_rank": list(c.prevails)}
            for c in proof.clashes
        ],
    }
    if expectations:
        # an expected number is a Fraction in the case: written as JSON writes numbers
        out["expect"] = {name: {**e, "expected": json_value(e["expected"])} for name, e in expectations.items()}
    return out


def render(items: list[tuple[CaseProof, dict[str, dict[str, Any]]]]) -> str:
    return json.dumps([proof_json(p, e) for p, e in items], indent=2, ensure_ascii=False, sort_keys=False) + "\n"
