"""The life of an order, declared once: the `axioms:` of vocabulary.yaml, on the side of
the plain evaluator.

The solver reads the same axioms (`smt.SmtPolicy.axioms` compiles them); this module
reads them with `evaluate.evaluate` and never imports z3. It answers three questions:

- `violations`: which axioms a case breaks. Facts may be partial. An optional
  timestamp a case does not give has not happened; a bool, enum or number fact it
  does not give is unknown, and an axiom that reads an unknown fact is not decided on
  its own (it is skipped rather than guessed). The skipped axioms whose unknown facts
  are all bool or enum are then checked together: when no values of those facts
  satisfy them all, no case with the given facts can happen, which is what the
  solver would find.
- `implied`: the facts a witness must state besides the ones it is about, so that
  the witness, read on its own, breaks no axiom (the events it implies).
- `search`: the first assignment of some facts, in an order of preference, under
  which every axiom holds (generated facts are repaired with it).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Sequence

from .. import ir
from ..evaluate import evaluate
from ..linked import linked_groups
from ..verdict import deletion_minimal
from ..vocabulary import BoolType, EnumType, TimestampType, Vocabulary

# At most this many combinations of unknown facts are tried for one group of axioms;
# a larger group is left undecided (no vocabulary of this repository comes near it).
JOINT_LIMIT = 1 << 14


@dataclass(frozen=True)
class Violation:
    """Axioms a case breaks: one, or a minimal set that no values of the case's unknown
    facts can all satisfy."""

    rules: tuple[ir.Axiom, ...]
    shown: str                      # the given facts that break them, as `name = value`
    unknown: tuple[str, ...] = ()   # the unknown facts whatever values of which they break

    def __str__(self) -> str:
        rules = "; ".join(f"`{a.id}`: {a.meaning}" for a in self.rules)
        label = "rule" if len(self.rules) == 1 else "rules"
        whatever = f"whatever {' and '.join(self.unknown)} may be, " if self.unknown else ""
        return f"{whatever}{self.shown} ({label} {rules})"


@dataclass(frozen=True)
class _Prepared:
    axiom: ir.Axiom
    reads: frozenset[str]
    parts: tuple[tuple[ir.Expr, frozenset[str]], ...]  # top-level conjuncts, to say which part fails


_CACHE: dict[int, tuple[tuple[ir.Axiom, ...], tuple[_Prepared, ...]]] = {}


def _prepared(vocabulary: Vocabulary) -> tuple[_Prepared, ...]:
    axioms = vocabulary.axioms
    hit = _CACHE.get(id(axioms))
    if hit is None or hit[0] is not axioms:
        prepared = tuple(
            _Prepared(a, frozenset(ir.facts(a.holds)),
                      tuple((p, frozenset(ir.facts(p))) for p in ir.conjuncts_of(a.holds)))
            for a in axioms)
        hit = _CACHE[id(axioms)] = (axioms, prepared)  # the tuple is kept, so its id stays its own
    return hit[1]


def _is_event(vocabulary: Vocabulary, name: str) -> bool:
    t = vocabulary.facts[name].type
    return isinstance(t, TimestampType) and t.optional


def with_absent_events(vocabulary: Vocabulary, facts: Mapping[str, Any]) -> dict[str, Any]:
    """`facts` with every optional timestamp they do not give set to None (not happened)."""
    full = dict(facts)
    for var in vocabulary.timestamps:
        if var.type.optional and var.name not in full:
            full[var.name] = None
    return full


def holds(axiom: ir.Axiom, facts: Mapping[str, Any]) -> bool:
    """Whether `axiom` holds for facts that give every fact it reads."""
    return bool(evaluate(axiom.holds, dict(facts), {}))


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Fraction):
        return str(int(value)) if value.denominator == 1 else str(float(value))
    return str(value)


def _shown(vocabulary: Vocabulary, facts: Mapping[str, Any], names: Iterable[str]) -> str:
    wanted = set(names)
    return ", ".join(f"{n} = {_show(facts[n])}" for n in vocabulary.facts if n in wanted and n in facts)


def violations(vocabulary: Vocabulary, facts: Mapping[str, Any]) -> list[Violation]:
    """The axioms that `facts` break, in the order of vocabulary.yaml (single axioms
    first, then the groups that the unknown facts cannot satisfy)."""
    full = with_absent_events(vocabulary, facts)
    known = set(full)
    found: list[Violation] = []
    pending: list[_Prepared] = []
    for p in _prepared(vocabulary):
        if not p.reads <= known:
            pending.append(p)
        elif not evaluate(p.axiom.holds, full, {}):
            failing = next((reads for part, reads in p.parts if not evaluate(part, full, {})), p.reads)
            found.append(Violation((p.axiom,), _shown(vocabulary, full, failing)))
    found.extend(_joint(vocabulary, full, known, pending))
    return found


def _domain(vocabulary: Vocabulary, name: str) -> tuple | None:
    t = vocabulary.facts[name].type
    if isinstance(t, BoolType):
        return (False, True)
    if isinstance(t, EnumType):
        return t.values
    return None  # a number or a required timestamp: not enumerated


def _joint(vocabulary: Vocabulary, full: dict[str, Any], known: set[str], pending: list[_Prepared]) -> list[Violation]:
    """Groups of axioms that read unknown bool or enum facts and that no values of those
    facts satisfy together."""
    usable = [p for p in pending if all(_domain(vocabulary, n) is not None for n in p.reads - known)]
    groups = [members for _, members in linked_groups(usable, lambda p: p.reads - known)]

    def satisfiable(members: list[_Prepared]) -> bool | None:
        unknown = [n for n in vocabulary.facts if any(n in p.reads and n not in known for p in members)]
        domains = [_domain(vocabulary, n) for n in unknown]
        size = 1
        for d in domains:
            size *= len(d)
        if size > JOINT_LIMIT:
            return None
        trial = dict(full)
        for values in itertools.product(*domains):
            trial.update(zip(unknown, values))
            if all(evaluate(p.axiom.holds, trial, {}) for p in members):
                return True
        return False

    found = []
    for members in groups:
        if satisfiable(members) is not False:
            continue
        core = deletion_minimal(members, lambda subset: bool(subset) and satisfiable(subset) is False)
        reads = set().union(*(p.reads for p in core))
        unknown = tuple(n for n in vocabulary.facts if n in reads and n not in known)
        found.append(Violation(tuple(p.axiom for p in core), _shown(vocabulary, full, reads & known), unknown))
    return found


def messages(vocabulary: Vocabulary, facts: Mapping[str, Any]) -> list[str]:
    return [str(v) for v in violations(vocabulary, facts)]


# ---- search --------------------------------------------------------------------------


class _Exhausted(Exception):
    """The search took more steps than it was allowed."""


def search(vocabulary: Vocabulary, facts: Mapping[str, Any], order: Sequence[str],
           candidates: Callable[[str, dict[str, Any]], Iterable[Any]],
           depends: Mapping[str, Iterable[str]] = {}, limit: int = 5000) -> dict[str, Any] | None:
    """`facts` with the facts named in `order` set to the first values (in the order of
    preference that `candidates(name, assigned so far)` gives) under which every axiom
    holds; None when there are none, or when finding them takes more than `limit` steps.

    Depth first, in `order`; each axiom is checked as soon as every fact it reads has a
    value, and a dead end jumps back to the latest fact that took part in it (conflict-
    directed backjumping). `depends[name]`: the facts whose values shape the candidates
    of `name`; they take part in every dead end of `name`. Every fact an axiom reads must
    be in `facts` or in `order`; the answer depends only on the arguments."""
    current = with_absent_events(vocabulary, facts)
    position = {n: i for i, n in enumerate(order)}
    ready: list[list[_Prepared]] = [[] for _ in order]
    for p in _prepared(vocabulary):
        missing = [n for n in p.reads if n not in position and n not in current]
        if missing:
            raise ValueError(f"search: axiom {p.axiom.id} reads {missing[0]!r}, which is neither given nor searched")
        searched = [position[n] for n in p.reads if n in position]
        if searched:
            ready[max(searched)].append(p)
        elif not evaluate(p.axiom.holds, current, {}):
            return None
    steps = 0

    def solve(i: int) -> set[str] | None:
        """None when order[i:] is solved (in `current`), else the conflict set."""
        nonlocal steps
        if i == len(order):
            return None
        name = order[i]
        conflict = set(depends.get(name, ()))
        for value in candidates(name, {n: current[n] for n in order[:i]}):
            steps += 1
            if steps > limit:
                raise _Exhausted
            current[name] = value
            bad = next((p for p in ready[i] if not evaluate(p.axiom.holds, current, {})), None)
            if bad is not None:
                conflict |= bad.reads
                continue
            deeper = solve(i + 1)
            if deeper is None:
                return None
            if name not in deeper:
                return deeper  # no other value of `name` can help: jump back over it
            conflict |= deeper
        conflict.discard(name)
        return conflict

    try:
        if solve(0) is not None:
            return None
    except _Exhausted:
        return None
    return current
