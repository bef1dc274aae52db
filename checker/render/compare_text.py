"""`clausecheck compare`: the matrix of situations decided differently."""

from __future__ import annotations

import json

from ..cases import case_to_json
from ..compare import Matrix
from ..vocabulary import Vocabulary
from .narrate import region_words, witness_words
from .values import json_value, spoken


def render(matrix: Matrix, vocabulary: Vocabulary, form: str) -> str:
    if form == "json":
        return json.dumps(_json(matrix, vocabulary), indent=2, ensure_ascii=False) + "\n"
    rows = []
    for cell in matrix.cells:
        var = vocabulary.outcomes[cell.outcome]
        rows.append((cell.outcome.replace("_", " "), spoken(var, cell.first), spoken(var, cell.second),
                     "; ".join(region_words(cell.region, vocabulary)) or "(around the witness)",
                     "; ".join(witness_words({k: v for k, v in cell.witness.items() if v is not None}, vocabulary))))
    head = f"{matrix.first} vs {matrix.second}: {len(matrix.cells)} situation(s) decided differently"
    if form == "markdown":
        lines = [f"### {head}", "", f"| outcome | {matrix.first} | {matrix.second} | where | witness |", "|---|---|---|---|---|"]
        lines += [f"| {o} | {a} | {b} | {w} | {x} |" for o, a, b, w, x in rows]
    else:
        lines = [head, ""]
        for o, a, b, w, x in rows:
            lines += [f"{o}: {matrix.first} says {a}, {matrix.second} says {b}", f"    where: {w}", f"    witness: {x}", ""]
    if matrix.agree:
        lines += ["", "never decided differently: " + ", ".join(o.replace("_", " ") for o in matrix.agree)]
    if matrix.unknown:
        lines += ["", "UNDECIDED within the time limit: " + ", ".join(matrix.unknown)]
    return "\n".join(lines) + "\n"


def _json(matrix: Matrix, vocabulary: Vocabulary) -> dict:
    return {
        "first": matrix.first,
        "second": matrix.second,
        "cells": [{
            "outcome": c.outcome,
            matrix.first: json_value(c.first),
            matrix.second: json_value(c.second),
            "region": region_words(c.region, vocabulary),
            "witness": case_to_json(f"compare-{c.outcome}-{i}", (matrix.first, matrix.second),
                                    {k: v for k, v in c.witness.items() if v is not None}),
        } for i, c in enumerate(matrix.cells)],
        "agree": matrix.agree,
        "unknown": matrix.unknown,
        "solver_calls": matrix.solver_calls,
    }
