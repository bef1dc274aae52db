"""The analysis questions put to Z3, for one group of interacting conjuncts.

- minimal clashes: facts for which a set of conjuncts cannot all hold, found as an
  exists-facts / for-all-outcomes query (Z3's quantifier engine does the search),
  each shrunk to a minimal set at its witness facts and then blocked;
- open outcomes: two readings of the outcomes, both consistent, that differ;
- dead and implied conjuncts; property counterexamples;
- two policies (`PairSearch`): where one forces a value the other does not (`compare`,
  and `diff` of two versions: one forces, the other allows another value);
- widening a witness to a region: the literals of a cube of atoms that can be
  dropped while the finding still holds everywhere inside.

Every answer that states facts is re-checked by the plain evaluator (`certify`)
before it is reported; a solver `unknown` raises `SolverUnknown`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from typing import Any, Iterable

import z3

from . import ir
from .cases import FactValue
from .components import outcome_groups
from .policy import Policy
from .smt import SmtPolicy, SolverUnknown, local_seconds
from .verdict import deletion_minimal
from .vocabulary import BoolType, EnumType

__all__ = ["Found", "GroupSearch", "PairSearch", "SearchGaveUp", "SolverUnknown"]

# Witnesses start from a weekday morning so that they read like real orders.
NICE_ORDER_TIME = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


class SearchGaveUp(SolverUnknown):
    """The solver gave up part-way through an enumeration; `found` holds what it had
    already found (each item complete and checkable), so nothing found is lost."""

    def __init__(self, reason: str, found: list):
        super().__init__(reason)
        self.found = found


@dataclass(frozen=True)
class Found:
    orders: tuple[int, ...]
    facts: dict[str, FactValue]  # every fact of the vocabulary, as the model gives it
    outcomes: dict[str, Any] = field(default_factory=dict)


class GroupSearch:
    """One incremental solver over a group of conjuncts (or a whole policy)."""

    def __init__(self, policy: Policy, conjuncts: tuple[ir.Conjunct, ...], timeout_ms: int | None = None):
        self.policy = policy
        self.conjuncts = conjuncts
        self.smt = SmtPolicy(policy, timeout_ms, conjuncts)
        self.rules = [c.order for c in conjuncts if not c.is_discretion]
        self.outcomes = sorted({o for c in conjuncts for o in c.constrains | c.reads})
        # the facts a witness can need: those the group reads, every event, the request
        vocab = policy.vocabulary
        read = {n for c in conjuncts for n in ir.facts(c.guard) | ir.facts(c.body)}
        self.fact_names = [n for n, v in vocab.facts.items()
                           if n in read or n == "request" or v in vocab.timestamps]
        self.calls = 0
        self._answers: dict[tuple, tuple] = {}

    # -- plumbing -------------------------------------------------------------------------

    def _check(self, assumptions: list[z3.BoolRef], want_model: bool = False):
        self.calls += 1
        return self.smt.check(assumptions, want_model)

    def _unsat(self, assumptions: list[z3.BoolRef]) -> bool:
        return self._ask(assumptions).verdict == "unsat"

    def _ask(self, assumptions: list[z3.BoolRef]):
        """Memoised: a question is put to the solver once (the solver's assertions do not
        change between the calls that share this cache). The assumptions are kept with
        the answer so that their ids cannot be reused by other terms."""
        key = tuple(sorted(a.get_id() for a in assumptions))
        if key not in self._answers:
            self._answers[key] = (self._check(assumptions), list(assumptions))
        return self._answers[key][0]

    def _lits(self, orders: Iterable[int]) -> list[z3.BoolRef]:
        return [self.smt.indicator[o] for o in orders]

    def _fixing(self, model: z3.ModelRef) -> list[z3.BoolRef]:
        """Literals that fix every fact to its value in `model`."""
        smt, out = self.smt, []
        for name in self.policy.vocabulary.facts:
            x = smt.vars[name]
            out.append(x == model.eval(x, model_completion=True))
            if name in smt.present:
                flag = smt.present[name]
                out.append(flag if z3.is_true(model.eval(flag, model_completion=True)) else z3.Not(flag))
        return out

    def _facts(self, model: z3.ModelRef, extra: Iterable[str] = ()) -> dict[str, FactValue]:
        names = self.fact_names + [n for n in extra if n not in self.fact_names]
        return self.smt.fact_values(model, names)

    def _outcome_domains(self, pairs=None) -> list[z3.BoolRef]:
        smt = self.smt
        if pairs is None:
            return [smt.in_domain(o) for o in self.outcomes]
        copy = dict((a.get_id(), b) for a, b in pairs)
        return [smt.in_domain(o, copy[smt.vars[o].get_id()]) for o in self.outcomes]

    def _quantified_solver(self) -> z3.Solver:
        solver = z3.Solver(ctx=self.smt.ctx)
        if self.smt.timeout_ms:
            solver.set("timeout", self.smt.timeout_ms)
        solver.add(self.smt.solver.assertions())  # axioms and calendar definitions
        return solver

    # -- clashes ----------------------------------------------------------------------------

    def minimal_clashes(self) -> list[Found]:
        """Every minimal set of conjuncts that some facts make jointly unsatisfiable."""
        smt = self.smt
        if not self.rules:
            return []
        select = {o: z3.Bool(f"select!{o}", smt.ctx) for o in self.rules}
        chosen_hold = z3.And(*[z3.Implies(select[o], smt.formula[o]) for o in self.rules])
        bound = [smt.vars[o] for o in self.outcomes]
        solver = self._quantified_solver()
        # exists facts, selection; for all outcomes in range: the selected conjuncts fail
        solver.add(z3.ForAll(bound, z3.Implies(z3.And(*self._outcome_domains()), z3.Not(chosen_hold))))
        found: list[Found] = []
        while True:
            self.calls += 1
            result = solver.check()
            if result == z3.unknown:
                raise SearchGaveUp(solver.reason_unknown(), _minimal(found))
            if result == z3.unsat:
                break
            model = solver.model()
            chosen = [o for o in self.rules if z3.is_true(model.eval(select[o], model_completion=True))]
            fixed = self._fixing(model)
            first = self._check(fixed + self._lits(chosen))
            if first.verdict != "unsat":  # the quantified and the plain solver disagree
                raise SearchGaveUp("a clash found by the quantified search is not confirmed at its facts", _minimal(found))
            candidates = [o for o in chosen if o in set(smt.core_orders(first.core))]
            core = deletion_minimal(candidates, lambda s: self._check(fixed + self._lits(s)).verdict == "unsat")
            found.append(Found(tuple(core), self._facts(model)))
            solver.add(z3.Not(z3.And(*[select[o] for o in core])))
        return _minimal(found)

    # -- open outcomes ----------------------------------------------------------------------

    def open_outcome(self, outcome: str, request_kinds: tuple[str, ...],
                     avoid: list[list[tuple[ir.Expr, bool]]]) -> Found | None:
        """Facts (a request of one of `request_kinds`, outside the `avoid` regions, no
        discretion clause applying) under which two consistent readings of the policy
        give `outcome` different values."""
        smt = self.smt
        pairs = smt.outcome_copies("other")
        other = z3.substitute(z3.And(*[smt.formula[o] for o in self.rules]), *pairs)
        copy = dict((a.get_id(), b) for a, b in pairs)
        x = smt.vars[outcome]
        smt.solver.push()
        try:
            smt.solver.add(other, *self._outcome_domains(pairs), x != copy[x.get_id()])
            if "request" in smt.vars and request_kinds:
                smt.solver.add(z3.Or(*[smt.equals("request", k) for k in request_kinds]))
            for c in self.conjuncts:
                if c.is_discretion and outcome in c.constrains:
                    smt.solver.add(z3.Not(smt.guard[c.order]))
            for region in avoid:
                smt.solver.add(z3.Not(self.cube(region)))
            answer = self._check(self._lits(self.rules), want_model=True)
            if answer.verdict == "unsat":
                return None
            return Found((), self._facts(answer.model))
        finally:
            smt.solver.pop()

    # -- single conjuncts -------------------------------------------------------------------

    def guard_satisfiable(self, order: int) -> bool:
        return not self._unsat_with([self.smt.guard[order]], [])

    def implied_by(self, order: int, others: list[int]) -> list[int] | None:
        """A minimal set of `others` that implies conjunct `order` wherever its guard is
        consistent with them; None if they do not imply it (or never meet its guard)."""
        smt = self.smt
        guard, violated = smt.guard[order], z3.Not(smt.body[order])
        if self._unsat_with([guard], others):
            return None  # vacuous: the others never allow its guard
        answer = self._ask([guard, violated] + self._lits(others))
        if answer.verdict != "unsat":
            return None
        in_core = set(self.smt.core_orders(answer.core))
        return deletion_minimal([o for o in others if o in in_core],
                                lambda s: self._unsat_with([guard, violated], s))

    def satisfiable(self, condition: ir.Expr) -> bool:
        """Some facts, with some outcomes, make `condition` true (the clauses aside)."""
        return not self._unsat([self.smt.compile(condition)])

    def differs(self, atom: ir.Expr, other: ir.Expr, within: ir.Expr, avoid=()) -> Found | None:
        """Facts inside `within`, outside the `avoid` regions, for which two readings of
        an atom disagree."""
        smt = self.smt
        question = [smt.compile(within), smt.compile(atom) != smt.compile(other)]
        question += [z3.Not(self.cube(region)) for region in avoid]
        answer = self._check(question, want_model=True)
        return None if answer.verdict == "unsat" else Found((), self._facts(answer.model))

    def _unsat_with(self, formulas: list[z3.BoolRef], orders: list[int]) -> bool:
        return self._unsat(formulas + self._lits(orders))

    # -- properties ---------------------------------------------------------------------------

    def counterexample(self, when: ir.Expr, holds: ir.Expr) -> Found | None:
        # (the property's own facts are added to the witness)
        """Facts and a consistent reading of the outcomes under which `when` holds and
        `holds` does not."""
        smt = self.smt
        condition = z3.And(smt.compile(when), z3.Not(smt.compile(holds)))
        answer = self._check(self._lits(self.rules) + [condition], want_model=True)
        if answer.verdict == "unsat":
            return None
        model = answer.model
        values = {o: smt.value_of(model, o) for o in self.policy.vocabulary.outcomes}
        return Found((), self._facts(model, ir.facts(when) | ir.facts(holds)), values)

    # -- regions ------------------------------------------------------------------------------

    def cube(self, literals: list[tuple[ir.Expr, bool]]) -> z3.BoolRef:
        parts = [self.smt.compile(a) if truth else z3.Not(self.smt.compile(a)) for a, truth in literals]
        return z3.And(*parts) if parts else z3.BoolVal(True, self.smt.ctx)

    def widen(self, literals: list[tuple[ir.Expr, bool]], outside: list[z3.BoolRef]) -> list[tuple[ir.Expr, bool]] | None:
        """The fewest literals (dropped greedily, in order) whose cube stays disjoint from
        `outside` (assumptions whose conjunction must be unsatisfiable inside); None when
        even the whole cube is not (the finding then hangs on more than these atoms)."""
        compiled = {i: self.cube([lit]) for i, lit in enumerate(literals)}
        kept = list(range(len(literals)))
        if not self._unsat([compiled[k] for k in kept] + outside):
            return None
        for i in list(kept):
            trial = [k for k in kept if k != i]
            if self._unsat([compiled[k] for k in trial] + outside):
                kept = trial
        return [literals[k] for k in kept]

    def nicest(self, region: list[tuple[ir.Expr, bool]], inside: list[z3.BoolRef] = ()) -> dict[str, FactValue] | None:
        """Facts inside the region that read well: the order placed at a round time and
        every event on the hour, if the region allows it."""
        smt = self.smt
        stamps = [smt.vars[t.name] for t in self.policy.vocabulary.timestamps]
        on_the_hour = [x % 3600 == 0 for x in stamps]
        order = smt.vars.get("order_placed_at")
        base = [order == local_seconds(NICE_ORDER_TIME)] if order is not None else []
        cube = [self.cube(region), *inside]
        for extra in (base + on_the_hour, on_the_hour):
            answer = self._check(cube + extra, want_model=True)
            if answer.verdict == "sat":
                return self._facts(answer.model)
        return None

    def applies(self, orders: Iterable[int]) -> z3.BoolRef:
        """Some of the conjuncts `orders` applies (for a gap region: none may)."""
        return z3.Or(*[self.smt.guard[o] for o in orders], z3.BoolVal(False, self.smt.ctx))

    def indicators(self, orders: Iterable[int]) -> list[z3.BoolRef]:
        return self._lits(orders)


def _minimal(found: list[Found]) -> list[Found]:
    """A set found at one witness may contain one found at another: keep the minimal."""
    return [f for f in found if not any(set(g.orders) < set(f.orders) for g in found)]


class PairSearch:
    """Two policies side by side over the same facts, each with its own copy of the
    outcomes: where does one force a value the other does not?

    Whether a policy forces an outcome depends only on the group of its conjuncts
    linked to that outcome (`components`), so each question quantifies over that
    group's outcomes alone."""

    def __init__(self, first: Policy, second: Policy, timeout_ms: int | None = None, scope=None):
        """`scope(conjuncts, outcome)` picks the conjuncts that decide an outcome for
        `forced_against` (default: the outcome's whole group)."""
        combined = Policy(first.vocabulary, first.documents + second.documents)
        self.scope = scope
        self.policy = combined
        self.search = GroupSearch(combined, combined.conjuncts, timeout_ms)
        smt = self.smt = self.search.smt
        split = len(first.conjuncts)
        self.first = list(combined.conjuncts[:split])
        self.second = list(combined.conjuncts[split:])
        self.copies = smt.outcome_copies("second")
        self._copy = {a.get_id(): b for a, b in self.copies}

    def _group(self, conjuncts, outcome: str) -> list[ir.Conjunct]:
        for group in outcome_groups(conjuncts):
            if any(outcome in c.constrains | c.reads for c in group):
                return [c for c in group if not c.is_discretion]
        return []

    def _holds(self, conjuncts, second: bool) -> z3.BoolRef:
        phi = z3.And(*[self.smt.formula[c.order] for c in conjuncts], z3.BoolVal(True, self.smt.ctx))
        return z3.substitute(phi, *self.copies) if second else phi

    def _outcome(self, name: str, second: bool) -> z3.ExprRef:
        x = self.smt.vars[name]
        return self._copy[x.get_id()] if second else x

    def _forced(self, conjuncts, outcome: str, second: bool, suffix: str) -> z3.BoolRef:
        """Every reading of the group's outcomes that satisfies it gives `outcome` the
        value it has in this reading."""
        fresh, reading = self._fresh_reading(conjuncts, outcome, second, suffix)
        return z3.ForAll(list(fresh.values()), z3.Implies(reading, fresh[outcome] == self._outcome(outcome, second)))

    def _fresh_reading(self, conjuncts, outcome: str, second: bool, suffix: str) -> tuple[dict[str, z3.ExprRef], z3.BoolRef]:
        """The group holding in a fresh copy of its outcomes, each in its range: (the
        fresh constants by outcome, the formula). For quantifying over readings."""
        names = _names(conjuncts, outcome)
        fresh = {n: z3.Const(f"{n}@{suffix}", self.smt.vars[n].sort()) for n in names}
        renamed = z3.substitute(self._holds(conjuncts, second), *[(self._outcome(n, second), fresh[n]) for n in names])
        domain = z3.And(*[self.smt.in_domain(n, fresh[n]) for n in names])
        return fresh, z3.And(domain, renamed)

    def _reading(self, conjuncts, outcome: str, second: bool) -> z3.BoolRef:
        """This side's own copy of the outcomes is a consistent reading of the group."""
        names = _names(conjuncts, outcome)
        return z3.And(self._holds(conjuncts, second), *[self.smt.in_domain(n, self._outcome(n, second)) for n in names])

    def decided_differently(self, outcome: str, first_value=None, second_value=None) -> Found | None:
        """Facts under which the first policy forces `outcome` to one value and the second
        to another (to the given values, when given)."""
        smt = self.smt
        groups = (self._group(self.first, outcome), self._group(self.second, outcome))
        solver = self.search._quantified_solver()
        for second, group, value in ((False, groups[0], first_value), (True, groups[1], second_value)):
            names = sorted({o for c in group for o in c.constrains | c.reads} | {outcome})
            solver.add(self._holds(group, second), *[smt.in_domain(n, self._outcome(n, second)) for n in names])
            if value is not None:
                solver.add(self._outcome(outcome, second) == self._value(outcome, value))
            solver.add(self._forced(group, outcome, second, "all!second" if second else "all!first"))
        solver.add(self._outcome(outcome, False) != self._outcome(outcome, True))
        self.search.calls += 1
        result = solver.check()
        if result == z3.unknown:
            raise SolverUnknown(solver.reason_unknown())
        if result == z3.unsat:
            return None
        return Found((), self.search._facts(solver.model()))

    def widen(self, literals, outcome: str, first_value, second_value):
        """The region around a witness where both policies keep forcing those values."""
        escapes = []
        for second, conjuncts, value in ((False, self.first, first_value), (True, self.second, second_value)):
            group = self._group(conjuncts, outcome)
            names = sorted({o for c in group for o in c.constrains | c.reads} | {outcome})
            escapes.append(z3.And(self._holds(group, second), *[self.smt.in_domain(n, self._outcome(n, second)) for n in names],
                                  self._outcome(outcome, second) != self._value(outcome, value)))
        return self.search.widen(literals, [z3.Or(*escapes)])

    def _value(self, outcome: str, value) -> z3.ExprRef:
        # Built from the type: Z3 shares `x == 10` with an existing `10 == x`, so the
        # sides of `smt.equals` cannot be relied on.
        t, ctx = self.policy.vocabulary.outcomes[outcome].type, self.smt.ctx
        if isinstance(t, BoolType):
            return z3.BoolVal(bool(value), ctx)
        if isinstance(t, EnumType):
            return z3.IntVal(t.values.index(value), ctx)
        number = Fraction(value)
        return z3.IntVal(int(number), ctx) if t.integer else z3.RealVal(f"{number.numerator}/{number.denominator}", ctx)

    # -- one side forces, the other allows another value (`diff`) ------------------------------

    def _sides(self, outcome: str, forcing_second: bool) -> tuple[list[ir.Conjunct], list[ir.Conjunct]]:
        forcing, other = (self.second, self.first) if forcing_second else (self.first, self.second)
        if self.scope is not None:
            return ([c for c in self.scope(forcing, outcome) if not c.is_discretion],
                    [c for c in self.scope(other, outcome) if not c.is_discretion])
        return self._group(forcing, outcome), self._group(other, outcome)

    def forced_against(self, outcome: str, forcing_second: bool, value=None,
                       avoid: Iterable[list[tuple[ir.Expr, bool]]] = (), within: ir.Expr | None = None) -> Found | None:
        """Facts, inside `within` (a condition over facts) and outside the `avoid` regions,
        under which one policy (the second when `forcing_second`) forces `outcome` (to
        `value`, when given) and the other has a consistent reading of its group in which
        `outcome` has another value; both groups are consistent there. None (unsat) iff
        there are no such facts."""
        forcing, other = self._sides(outcome, forcing_second)
        mine, theirs = self._outcome(outcome, forcing_second), self._outcome(outcome, not forcing_second)
        solver = self.search._quantified_solver()
        if within is not None:
            solver.add(self.smt.compile(within))  # a cut of the fact space: much faster when narrow
        solver.add(self._reading(forcing, outcome, forcing_second),
                   self._forced(forcing, outcome, forcing_second, "all!forcing"),
                   self._reading(other, outcome, not forcing_second), theirs != mine)
        if value is not None:
            solver.add(mine == self._value(outcome, value))
        for region in avoid:
            solver.add(z3.Not(self.search.cube(region)))
        model = self._solve(solver)
        return None if model is None else Found((), self.search._facts(model))

    def widen_forced(self, literals: list[tuple[ir.Expr, bool]], outcome: str, forcing_second: bool,
                     value) -> list[tuple[ir.Expr, bool]] | None:
        """The fewest literals (dropped greedily, in order) whose cube holds only facts at
        which `forced_against(outcome, forcing_second, value)` holds; None when even the
        whole cube holds facts where it fails (it then hangs on more than these atoms)."""
        forcing, other = self._sides(outcome, forcing_second)
        target = self._value(outcome, value)
        # A case leaves the region when the forcing side has a reading with another value,
        # or it clashes, or the other side has no consistent reading with another value.
        wavers = z3.And(self._reading(forcing, outcome, forcing_second), self._outcome(outcome, forcing_second) != target)
        mine, forcing_reading = self._fresh_reading(forcing, outcome, forcing_second, "escape!forcing")
        theirs, other_reading = self._fresh_reading(other, outcome, not forcing_second, "escape!other")
        no_other = z3.ForAll(list(mine.values()) + list(theirs.values()),
                             z3.Implies(forcing_reading, z3.Not(z3.And(other_reading, theirs[outcome] != target))))
        solver = self.search._quantified_solver()
        solver.add(z3.Or(wavers, no_other))
        compiled = [self.search.cube([lit]) for lit in literals]

        def inside(kept: list[int]) -> bool:
            solver.push()
            try:
                solver.add(*[compiled[k] for k in kept])
                return self._solve(solver) is None
            finally:
                solver.pop()

        kept = list(range(len(literals)))
        if not inside(kept):
            return None
        for i in list(kept):
            trial = [k for k in kept if k != i]
            if inside(trial):
                kept = trial
        return [literals[k] for k in kept]

    def _solve(self, solver: z3.Solver) -> z3.ModelRef | None:
        """A model, or None when unsat; `SolverUnknown` when the solver gives up."""
        self.search.calls += 1
        result = solver.check()
        if result == z3.unknown:
            raise SolverUnknown(solver.reason_unknown())
        return solver.model() if result == z3.sat else None


def _names(conjuncts, outcome: str) -> list[str]:
    """The outcomes a group mentions, and `outcome`."""
    return sorted({o for c in conjuncts for o in c.constrains | c.reads} | {outcome})
