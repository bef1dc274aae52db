"""What proving a case yields: one verdict per outcome, and the clashes found.

Shared by both back ends so that their answers compare field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from . import ir

Status = Literal["determined", "open", "clash", "unknown"]
Value = bool | str | Fraction | None


@dataclass(frozen=True)
class OutcomeVerdict:
    outcome: str
    status: Status
    value: Value = None
    clauses: tuple[ir.Clause, ...] = ()  # the clauses that decide it (or clash on it)


@dataclass(frozen=True)
class CaseClash:
    outcomes: tuple[str, ...]
    conjuncts: tuple[ir.Conjunct, ...]  # a minimal unsatisfiable set, in policy order
    prevails: tuple[str, ...] = ()  # resolved by rank: the documents whose clauses prevail (see `rank_winner`)

    @property
    def clauses(self) -> tuple[ir.Clause, ...]:
        return unique_clauses(self.conjuncts)


@dataclass(frozen=True)
class CaseProof:
    case_id: str
    documents: tuple[str, ...]
    outcomes: dict[str, OutcomeVerdict]
    clashes: tuple[CaseClash, ...]


def unique_clauses(conjuncts) -> tuple[ir.Clause, ...]:
    seen: dict[tuple[str, str], ir.Clause] = {}
    for c in sorted(conjuncts, key=lambda c: c.order):
        seen.setdefault(c.clause.key, c.clause)
    return tuple(seen.values())


def clash_outcomes(conjuncts) -> tuple[str, ...]:
    """The outcomes a minimal clashing set fights over: those constrained by two or more
    of its members, or, when each is constrained once, all of them."""
    counts: dict[str, int] = {}
    for c in conjuncts:
        for o in c.constrains:
            counts[o] = counts.get(o, 0) + 1
    contested = sorted(o for o, n in counts.items() if n >= 2)
    return tuple(contested or sorted(counts))


def rank_winner(conjuncts, ranks: dict[str, int]) -> tuple[str, ...]:
    """The documents that prevail in a clash of `conjuncts` under a ranked set (`ranks`:
    document -> rank, 1 the highest): the best-ranked, when the clash spans documents of
    two ranks or more; () when it does not (then it is a clash). The one definition the
    analysis, the prover and the evaluator read."""
    documents = {c.clause.document for c in conjuncts}
    ranked = {ranks[d] for d in documents if d in ranks}
    if len(documents) < 2 or len(ranked) < 2:
        return ()
    top = min(ranked)
    return tuple(sorted(d for d in documents if ranks.get(d) == top))


def set_aside(conjuncts, fought, prevails: tuple[str, ...]) -> list:
    """What a case proof sets aside after a clash on the outcomes `fought`: every
    conjunct that constrains them, or, when the clash is resolved by rank, those of the
    documents that do not prevail."""
    fought = set(fought)
    return [c for c in conjuncts if c.constrains & fought and (not prevails or c.clause.document not in prevails)]


def deletion_minimal(candidates, inconsistent) -> list:
    """The minimal inconsistent subset found by deleting candidates in the order given.

    `inconsistent(subset)` is the oracle. The result depends only on the order and
    on the oracle's answers, so two oracles that agree give the same set.
    """
    kept = list(candidates)
    for c in list(candidates):
        trial = [x for x in kept if x is not c]
        if inconsistent(trial):
            kept = trial
    return kept


def deletion_minimal_cored(candidates, core_of, core=None) -> list:
    """`deletion_minimal` with an oracle that also names a reason: `core_of(subset)` is
    None when the subset is consistent, else a collection of its members that is
    inconsistent on its own (an unsat core). `core`: such a collection for the whole
    candidate list, when the caller has one.

    Same result as `deletion_minimal` (deletion in the order given), with fewer
    questions: while the last core found lies inside what is kept, a candidate outside
    it can be deleted without asking, since what is left still contains the core."""
    kept = list(candidates)
    known = None if core is None or not set(core) <= set(kept) else set(core)
    for c in list(candidates):
        if known is not None and c not in known:
            kept = [x for x in kept if x is not c]
            continue
        trial = [x for x in kept if x is not c]
        found = core_of(trial)
        if found is not None:
            kept = trial
            known = set(found) if set(found) <= set(trial) else None
    return kept
