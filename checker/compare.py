"""`clausecheck compare A B`: the situations two documents decide differently.

For each outcome and each pair of different values (A says x, B says y) the search
looks for facts under which A forces x and B forces y; the witness is certified by
the plain evaluator deciding the case under each document, and widened to the region
of facts where both keep forcing those values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations

from . import ir
from .certify import CertificateError
from .evaluate import decide_conjuncts
from .load import Document
from .policy import Policy
from .search import PairSearch, SolverUnknown
from .witness import shown
from .vocabulary import BoolType, EnumType, Vocabulary


@dataclass(frozen=True)
class Cell:
    outcome: str
    first: object  # the value the first document forces (None: a number, any value)
    second: object
    witness: dict
    region: tuple[tuple[ir.Expr, bool], ...]
    first_verdict: object
    second_verdict: object


@dataclass
class Matrix:
    first: str
    second: str
    cells: list[Cell] = field(default_factory=list)
    agree: list[str] = field(default_factory=list)  # outcomes never decided differently
    unknown: list[str] = field(default_factory=list)
    solver_calls: int = 0


def _value_pairs(var_type):
    if isinstance(var_type, BoolType):
        return list(permutations([True, False], 2))
    if isinstance(var_type, EnumType):
        return list(permutations(var_type.values, 2))
    return [(None, None)]  # numbers: one cell, any two different values


def compare(vocabulary: Vocabulary, first: Document, second: Document, timeout_ms: int | None = None) -> Matrix:
    a = Policy(vocabulary, (first,))
    b = Policy(vocabulary, (second,))
    pair = PairSearch(a, b, timeout_ms)
    matrix = Matrix(first.name, second.name)
    mentioned = sorted({o for c in pair.policy.conjuncts for o in c.constrains})
    for outcome in mentioned:
        found_any = False
        atoms = _atoms(pair.policy.conjuncts, outcome)
        for x, y in _value_pairs(vocabulary.outcomes[outcome].type):
            try:
                found = pair.decided_differently(outcome, x, y, atoms)
            except SolverUnknown:
                matrix.unknown.append(outcome)
                continue
            if found is None:
                continue
            # the canonical point of the first cell where it happens, then of its region
            point = pair.search.canonical_point([pair.search.cube(list(found.cell))], pair.search.fact_names)
            facts = shown(vocabulary, point, pair.policy.conjuncts)
            left, right = _certified(vocabulary, pair, facts, outcome)
            region = pair.widen(list(found.cell), outcome, left.value, right.value) or []
            if region:
                inside = pair.search.canonical_point([pair.search.cube(region)], pair.search.fact_names)
                inside = shown(vocabulary, inside, pair.policy.conjuncts)
                if _decided(vocabulary, pair, inside, outcome) == (left.value, right.value):
                    facts, (left, right) = inside, _certified(vocabulary, pair, inside, outcome)
            matrix.cells.append(Cell(outcome, left.value, right.value, facts, tuple(region), left, right))
            found_any = True
        if not found_any and outcome not in matrix.unknown:
            matrix.agree.append(outcome)
    matrix.solver_calls = pair.search.calls
    return matrix


def _decided(vocabulary: Vocabulary, pair: PairSearch, facts, outcome: str):
    """(first value, second value) when both documents determine the outcome, else None."""
    left = decide_conjuncts(vocabulary, pair.first, facts).outcomes[outcome]
    right = decide_conjuncts(vocabulary, pair.second, facts).outcomes[outcome]
    if left.status != "determined" or right.status != "determined" or left.value == right.value:
        return None
    return left.value, right.value


def _certified(vocabulary: Vocabulary, pair: PairSearch, facts, outcome: str):
    """Both verdicts at the witness, which must decide the outcome differently."""
    left = decide_conjuncts(vocabulary, pair.first, facts).outcomes[outcome]
    right = decide_conjuncts(vocabulary, pair.second, facts).outcomes[outcome]
    if left.status != "determined" or right.status != "determined" or left.value == right.value:
        raise CertificateError(f"compare {outcome}: the evaluator does not confirm the witness "
                               f"({left.status} {left.value} / {right.status} {right.value})")
    return left, right


def _atoms(conjuncts, outcome: str) -> list[ir.Expr]:
    """Atoms of the clauses that speak to `outcome` (directly or through what they read)."""
    relevant = [c for c in conjuncts if outcome in c.constrains]
    reads = {o for c in relevant for o in c.reads}
    relevant += [c for c in conjuncts if c.constrains & reads and c not in relevant]
    return ir.conjunct_atoms(relevant)
