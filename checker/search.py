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

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from typing import Any, Iterable

import z3

from . import ir
from .cases import EARLIEST, LATEST, FactValue
from .components import outcome_groups
from .policy import Policy
from .smt import BudgetSpent, SmtPolicy, SolverUnknown, gave_up, local_seconds, new_solver
from .verdict import deletion_minimal_cored
from .vocabulary import BoolType, EnumType, TimestampType

__all__ = ["BudgetSpent", "Found", "GroupSearch", "PairSearch", "SearchGaveUp", "SolverUnknown"]

# Witnesses start from a weekday morning so that they read like real orders.
NICE_ORDER_TIME = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
# Where a witness's order may fall when the region rules out NICE_ORDER_TIME: this
# year or the one before, before any other year.
PLAUSIBLE_FROM = datetime(2025, 1, 1, tzinfo=timezone.utc)
HOUR, DAY = 3600, 86400
# Distances from the event before that a witness tries first for each event, in hours:
# whole days first (an order's life is counted in days, and the time of day stays that
# of the order), then hours for what must happen within a day.
TIME_LADDER = (24, 48, 72, 96, 24 * 7, 24 * 10, 24 * 14, 24 * 21, 24 * 30, 24 * 45, 24 * 60, 24 * 90,
               24 * 180, 24 * 365, 24 * 545, 24 * 730, 24 * 1095, 24 * 1825, 24 * 3650, 1, 2, 3, 6, 12, 36)
# A part of a clash search (`_Refuter`) whose outcomes are all bool or enum and have at
# most this many readings has every reading written out; a larger one, or one with a
# number outcome, learns its readings one counterexample at a time.
EXPAND_LIMIT = 16


class SearchGaveUp(SolverUnknown):
    """The solver gave up part-way through an enumeration; `found` holds what it had
    already found (each item complete and checkable), so nothing found is lost."""

    def __init__(self, reason: str, found: list, budget: bool = False):
        super().__init__(reason)
        self.found = found
        self.budget = budget  # the run's time budget ran out (not this question's limit)


@dataclass(frozen=True)
class Found:
    orders: tuple[int, ...]
    facts: dict[str, FactValue]  # every fact of the vocabulary, as the model gives it
    outcomes: dict[str, Any] = field(default_factory=dict)
    cell: tuple[tuple[ir.Expr, bool], ...] = ()  # the canonical cell of the answer, when asked for


class GroupSearch:
    """One incremental solver over a group of conjuncts (or a whole policy)."""

    def __init__(self, policy: Policy, conjuncts: tuple[ir.Conjunct, ...], timeout_ms: int | None = None,
                 deadline: float | None = None):
        self.policy = policy
        self.conjuncts = conjuncts
        self.smt = SmtPolicy(policy, timeout_ms, conjuncts, deadline)
        self.rules = [c.order for c in conjuncts if not c.is_discretion]
        self.outcomes = sorted({o for c in conjuncts for o in c.constrains | c.reads})
        # the facts a witness can need: those the group reads, every event, the request
        vocab = policy.vocabulary
        read = {n for c in conjuncts for n in ir.facts(c.guard) | ir.facts(c.body)}
        # and those the life of an order reads: a canonical point fixes them to their
        # plainest values (not lost, as new), so the events it shows are the ones that
        # the finding and the axioms need, not ones an odd value of them excused
        read |= {n for axiom in vocab.axioms for n in ir.facts(axiom.holds)}
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

    def _clash_candidates(self) -> z3.Solver:
        """The solver that proposes (facts, choice of conjuncts) in `minimal_clashes`."""
        return self._solver_copy()

    def _solver_copy(self) -> z3.Solver:
        """A new solver with the axioms and calendar definitions (for questions that add
        their own assertions, or quantifiers)."""
        solver = new_solver(self.smt.ctx)
        if self.smt.timeout_ms:
            solver.set("timeout", self.smt.timeout_ms)
        solver.add(self.smt.solver.assertions())  # axioms and calendar definitions
        return solver

    # -- clashes ----------------------------------------------------------------------------

    def minimal_clashes(self) -> list[Found]:
        """Every minimal set of conjuncts that some facts make jointly unsatisfiable.

        The question "are there facts and a choice of conjuncts such that, for every value
        of the outcomes, a chosen conjunct fails?" is answered by counterexample-guided
        search with quantifier-free solvers only (Z3's quantifier engine gives up on it
        depending on its random seed): a candidate (facts, choice) is checked at its
        facts; if the chosen conjuncts can all hold there, the outcomes that show it are
        a counterexample every later candidate must defeat (learned part by part, see
        `_Refuter`). Each clash found is shrunk to a minimal set at its facts and
        blocked; at the end the sets are exactly the minimal clashing sets, whichever
        models the solver returned on the way."""
        smt = self.smt
        if not self.rules:
            return []
        select = {o: z3.Bool(f"select!{o}", smt.ctx) for o in self.rules}
        refuter = _Refuter(self, self.rules, select)
        candidate = self._clash_candidates()
        candidate.add(z3.Or(*select.values()))
        found: list[Found] = []
        while True:
            self.calls += 1
            try:
                smt.charge()
            except BudgetSpent as exc:
                raise SearchGaveUp(str(exc), _minimal(found), budget=True) from None
            result = candidate.check()
            if result == z3.unknown:
                stop = gave_up(candidate.reason_unknown())
                raise stop if isinstance(stop, KeyboardInterrupt) else SearchGaveUp(str(stop), _minimal(found))
            if result == z3.unsat:
                break
            model = candidate.model()
            chosen = [o for o in self.rules if z3.is_true(model.eval(select[o], model_completion=True))]
            fixed = self._fixing(model)
            answer = self._check(fixed + self._lits(chosen), want_model=True)
            if answer.verdict == "sat":
                # the chosen conjuncts all hold at these outcomes: from now on, in each
                # independent part, some chosen conjunct must fail at them
                candidate.add(*refuter.learn(answer.model))
                continue
            core = deletion_minimal_cored(chosen, lambda s: self._core(fixed, s, remember=False),
                                          smt.core_orders(answer.core))
            found.append(Found(tuple(core), self._facts(model)))
            candidate.add(z3.Not(z3.And(*[select[o] for o in core])))
        return _minimal(found)

    def can_hold(self, orders: Iterable[int], tag: str) -> z3.BoolRef:
        """Some reading of the outcomes (a fresh copy, named by `tag`) satisfies the
        conjuncts `orders`: they do not clash."""
        pairs = self.smt.outcome_copies(f"hold!{tag}")
        held = z3.substitute(z3.And(*[self.smt.formula[o] for o in orders]), *pairs)
        return z3.And(held, *self._outcome_domains(pairs))

    def clash_exists(self, orders: tuple[int, ...]) -> "ClashOracle":
        """The question "are there facts (inside some extra constraints) at which the
        conjuncts `orders` cannot all hold, whatever the outcomes?", for `first_cell`."""
        return ClashOracle(self, orders)

    # -- open outcomes ----------------------------------------------------------------------

    def open_constraints(self, outcome: str, request_kinds: tuple[str, ...]) -> list[z3.BoolRef]:
        """Quantifier-free constraints on the facts (with two readings of the outcomes)
        that hold iff, for a request of one of `request_kinds` and no discretion clause
        applying, two consistent readings of the group give `outcome` different values."""
        smt = self.smt
        pairs = smt.outcome_copies("other")
        other = z3.substitute(z3.And(*[smt.formula[o] for o in self.rules]), *pairs)
        copy = dict((a.get_id(), b) for a, b in pairs)
        x = smt.vars[outcome]
        out = [other, *self._outcome_domains(pairs), x != copy[x.get_id()], *self._lits(self.rules)]
        if "request" in smt.vars and request_kinds:
            out.append(z3.Or(*[smt.equals("request", k) for k in request_kinds]))
        out += [z3.Not(smt.guard[c.order]) for c in self.conjuncts if c.is_discretion and outcome in c.constrains]
        return out

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
        # canonical: deletion over all of `others` in policy order (the core only saves questions)
        return deletion_minimal_cored(others, lambda s: self._core([guard, violated], s),
                                      self.smt.core_orders(answer.core))

    def _core(self, formulas: list[z3.BoolRef], orders, remember: bool = True) -> list[int] | None:
        """None when the formulas and the conjuncts `orders` are consistent, else the
        conjuncts of an unsat core. `remember`: memoise (not for one-off fact literals,
        which would only fill the memo)."""
        assumptions = formulas + self._lits(orders)
        answer = self._ask(assumptions) if remember else self._check(assumptions)
        return None if answer.verdict == "sat" else self.smt.core_orders(answer.core)

    def satisfiable(self, condition: ir.Expr) -> bool:
        """Some facts, with some outcomes, make `condition` true (the clauses aside)."""
        return not self._unsat([self.smt.compile(condition)])

    def differs(self, atom: ir.Expr, other: ir.Expr, within: ir.Expr) -> list[z3.BoolRef]:
        """Constraints that hold iff the facts are inside `within` and the two readings
        of an atom disagree."""
        smt = self.smt
        return [smt.compile(within), smt.compile(atom) != smt.compile(other)]

    def _unsat_with(self, formulas: list[z3.BoolRef], orders: list[int]) -> bool:
        return self._unsat(formulas + self._lits(orders))

    # -- properties ---------------------------------------------------------------------------

    def counterexample(self, when: ir.Expr, holds: ir.Expr, names: Iterable[str]) -> Found | None:
        """Facts and a consistent reading of the outcomes under which `when` holds and
        `holds` does not: the canonical such point over the facts `names` and every
        outcome, or None (unsat) when the property holds."""
        smt = self.smt
        condition = z3.And(smt.compile(when), z3.Not(smt.compile(holds)))
        outcomes = list(self.policy.vocabulary.outcomes)
        point = self.canonical_point(self._lits(self.rules) + [condition], [*names, *outcomes])
        if point is None:
            return None
        return Found((), {n: v for n, v in point.items() if n not in outcomes},
                     {n: point[n] for n in outcomes})

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

    # -- canonical points -------------------------------------------------------------------
    # A finding must not depend on which model the solver returns. These pick points by
    # asking only sat / unsat questions in a fixed order, so the answer is a function of
    # the constraints alone: the same on every machine and every solver seed.

    def first_cell(self, solver: z3.Solver, atoms: list[ir.Expr]) -> list[tuple[ir.Expr, bool]] | None:
        """The first cell, in the order of `atoms` and trying true before false, in which
        `solver`'s assertions are satisfiable: one literal per atom. None when they are
        unsatisfiable. `solver` may hold quantifiers; its scope is restored."""
        solver.push()
        try:
            if self._solve_plain(solver) is False:
                return None
            cell = []
            for atom in atoms:
                compiled = self.smt.compile(atom)
                solver.push()
                solver.add(compiled)
                truth = self._solve_plain(solver)
                solver.pop()
                solver.add(compiled if truth else z3.Not(compiled))
                cell.append((atom, truth))
            return cell
        finally:
            solver.pop()

    def _solve_plain(self, solver) -> bool:
        if isinstance(solver, ClashOracle):
            return solver.satisfiable()
        self.calls += 1
        self.smt.charge()
        result = solver.check()
        if result == z3.unknown:
            raise gave_up(solver.reason_unknown())
        return result == z3.sat

    def clash_cell(self, orders: tuple[int, ...], atoms: list[ir.Expr]) -> list[tuple[ir.Expr, bool]] | None:
        """The first cell of `atoms` (see `first_cell`) that holds facts under which the
        conjuncts `orders` cannot all hold, whatever the outcomes."""
        for atom in atoms:
            self.smt.compile(atom)  # any calendar definitions they need, before the solver is copied
        return self.first_cell(self.clash_exists(orders), atoms)

    def canonical_point(self, constraints: list[z3.BoolRef], names: Iterable[str]) -> dict[str, Any] | None:
        """The canonical point of the quantifier-free `constraints`: the variables `names`
        (facts or outcomes) fixed one at a time, in vocabulary order with the facts that
        are not times first, each to the first value of a fixed list of readable
        candidates that keeps the constraints satisfiable. Times: an optional event
        preferably not happened; the order on a weekday morning of this year; every other
        event a round distance after the latest earlier one, else the earliest hour,
        apart from the others by an hour where the constraints allow. Returns the values
        of `names` (facts as `fact_values` gives them), or None when unsatisfiable."""
        smt = self.smt
        vocab = self.policy.vocabulary
        wanted = set(names)
        ordered = [n for n in [*vocab.facts, *vocab.outcomes] if n in wanted]
        timestamps = [n for n in ordered if n in vocab.facts and isinstance(vocab.facts[n].type, TimestampType)]
        others = [n for n in ordered if n not in timestamps]
        solver = smt.solver
        solver.push()
        try:
            solver.add(*constraints)
            if not self._plain():
                return None
            for name in others:
                solver.add(self._pick_value(name))
            self._timeline(timestamps)
            answer = self._check([], want_model=True)
            model = answer.model
            facts = smt.fact_values(model, [n for n in ordered if n in vocab.facts])
            outcomes = {n: smt.value_of(model, n) for n in ordered if n in vocab.outcomes}
            return {**facts, **outcomes}
        finally:
            solver.pop()

    def _plain(self, extra: list[z3.BoolRef] = ()) -> bool:
        return self._check(list(extra)).verdict == "sat"

    def _first(self, options: list[z3.BoolRef]) -> z3.BoolRef | None:
        return next((o for o in options if self._plain([o])), None)

    def _pick_value(self, name: str) -> z3.BoolRef:
        smt = self.smt
        t = self.policy.vocabulary.lookup(name).type
        x = smt.vars[name]
        if isinstance(t, BoolType):
            return self._first([z3.Not(x), x])
        if isinstance(t, EnumType):
            return self._first([x == i for i in range(len(t.values))])
        low, high = int(math.ceil(t.low)), int(math.floor(t.high))
        steps = sorted({high - (high - low) * k // 10 for k in range(11)}, reverse=True)
        found = self._first([x == v for v in steps])
        if found is not None:
            return found
        least = self._least(x, low, high, [])
        if least is not None:
            return x == least
        value = self._check([], want_model=True).model.eval(x, model_completion=True)
        return x == value  # a non-whole value the region pins down: there is only one

    def _timeline(self, names: list[str]) -> None:
        """Fix the timestamps `names`, asserting each choice on the solver (in scope).

        1. Which events happen: each optional one preferably not.
        2. In what order: each event, in vocabulary order, goes as late in the sequence
           of the events placed before it as the constraints allow, an hour or more from
           its neighbours; only where none of that is possible does it coincide with one.
        3. When: the order on a weekday morning of this year; every later event at the
           first round distance from its predecessor (TIME_LADDER) that lies strictly
           inside the times the constraints allow, so that no witness sits on a boundary
           it does not need."""
        smt, solver = self.smt, self.smt.solver
        happening = []
        for name in names:
            flag = smt.present.get(name)
            if flag is not None and self._plain([z3.Not(flag)]):
                solver.add(z3.Not(flag))
            else:
                if flag is not None:
                    solver.add(flag)
                happening.append(name)
        if not happening:
            return
        first = smt.vars[happening[0]]
        nice = first == local_seconds(NICE_ORDER_TIME)
        if self._plain([nice]):
            solver.add(nice)
        else:
            at = (self._least(first, local_seconds(PLAUSIBLE_FROM), local_seconds(LATEST) - 1, [first % HOUR == 0])
                  or self._least(first, local_seconds(EARLIEST), local_seconds(LATEST) - 1, []))
            solver.add(first == at)
        slots: list[list[str]] = [[happening[0]]]
        for name in happening[1:]:
            slots = self._place(slots, name)
        solver.add(*self._chain(slots))
        for previous, slot in zip(slots, slots[1:]):
            self._settle(smt.vars[previous[0]], smt.vars[slot[0]])

    def _chain(self, slots: list[list[str]]) -> list[z3.BoolRef]:
        """Events of one slot at the same moment, each slot an hour or more after the last."""
        v = self.smt.vars
        out = [v[name] == v[slot[0]] for slot in slots for name in slot[1:]]
        out += [v[b[0]] - v[a[0]] >= HOUR for a, b in zip(slots, slots[1:])]
        return out

    def _place(self, slots: list[list[str]], name: str) -> list[list[str]]:
        for position in range(len(slots), 0, -1):
            trial = slots[:position] + [[name]] + slots[position:]
            if self._plain(self._chain(trial)):
                return trial
        for position in range(len(slots) - 1, -1, -1):
            trial = [s + [name] if i == position else s for i, s in enumerate(slots)]
            if self._plain(self._chain(trial)):
                return trial
        raise SolverUnknown(f"no place in time found for {name} in a satisfiable witness")  # cannot happen

    def _settle(self, previous: z3.ArithRef, x: z3.ArithRef) -> None:
        """Fix `x` at a readable distance after `previous` (already fixed)."""
        at_previous = self._check([], want_model=True).model.eval(previous, model_completion=True).as_long()
        boundary = None
        for h in TIME_LADDER:
            at = at_previous + h * HOUR
            if not self._plain([x == at]):
                continue
            if self._plain([x == at - HOUR]) and self._plain([x == at + HOUR]):
                self.smt.solver.add(x == at)
                return
            boundary = at if boundary is None else boundary
        if boundary is None:
            boundary = (self._least(x, at_previous, local_seconds(LATEST) - 1, [(x - at_previous) % HOUR == 0])
                        or self._least(x, at_previous, local_seconds(LATEST) - 1, []))
        self.smt.solver.add(x == boundary)

    def _least(self, x: z3.ArithRef, low: int, high: int, extra: list[z3.BoolRef]) -> int | None:
        """The least whole value of `x` in [low, high] consistent with `extra`, by bisection
        on sat questions (whose answers do not depend on the model)."""
        if not self._plain(extra + [x >= low, x <= high]):
            return None
        while low < high:
            middle = (low + high) // 2
            if self._plain(extra + [x >= low, x <= middle]):
                high = middle
            else:
                low = middle + 1
        return low

    def covers(self, outer: list[tuple[ir.Expr, bool]], inner: list[tuple[ir.Expr, bool]]) -> bool:
        """Every case (under the axioms) in the cube `inner` lies in the cube `outer`."""
        return self._unsat([self.cube(inner), z3.Not(self.cube(outer))])

    def excluding(self, literals: list[tuple[ir.Expr, bool]], not_applying: Iterable[int] = ()) -> z3.BoolRef:
        """Outside the cube of `literals` where, too, none of the conjuncts `not_applying`
        applies: a region already reported, to be left out of the next search."""
        inside = [self.cube(literals), *[z3.Not(self.smt.guard[o]) for o in not_applying]]
        return z3.Not(z3.And(*inside))

    def applies(self, orders: Iterable[int]) -> z3.BoolRef:
        """Some of the conjuncts `orders` applies (for a gap region: none may)."""
        return z3.Or(*[self.smt.guard[o] for o in orders], z3.BoolVal(False, self.smt.ctx))

    def indicators(self, orders: Iterable[int]) -> list[z3.BoolRef]:
        return self._lits(orders)


class ClashOracle:
    """Facts (under the constraints added so far) at which some conjuncts cannot all
    hold, whatever the outcomes: an exists-forall question answered by
    counterexample-guided search with quantifier-free solvers. It has a solver's
    `push` / `pop` / `add`; the counterexamples it learns hold in every scope."""

    def __init__(self, search: GroupSearch, orders: tuple[int, ...]):
        self.search, self.orders = search, orders
        self.refuter = _Refuter(search, orders)
        self.candidate = search._solver_copy()
        self.scopes: list[list[z3.BoolRef]] = [[]]
        self.learned: list[z3.BoolRef] = []

    def push(self) -> None:
        self.scopes.append([])

    def pop(self) -> None:
        self.scopes.pop()

    def add(self, *constraints: z3.BoolRef) -> None:
        self.scopes[-1].extend(constraints)

    def satisfiable(self) -> bool:
        search = self.search
        while True:
            search.calls += 1
            search.smt.charge()
            self.candidate.push()
            self.candidate.add(*[c for scope in self.scopes for c in scope])
            result = self.candidate.check()
            model = self.candidate.model() if result == z3.sat else None
            self.candidate.pop()
            if result == z3.unknown:
                raise gave_up(self.candidate.reason_unknown())
            if result == z3.unsat:
                return False
            answer = search._check(search._fixing(model) + search._lits(self.orders), want_model=True)
            if answer.verdict == "unsat":
                return True
            # the conjuncts all hold at these outcomes: no clash point can let them
            self.candidate.add(*self.refuter.learn(answer.model))


class _Refuter:
    """What the candidates of a clash search must defeat: the readings of the outcomes
    met so far, kept apart by the independent parts of the conjuncts.

    Conjuncts S clash at facts f when no reading of the outcomes satisfies them all.
    Fix some outcomes that guards read (the pivots, `_split`: in a chain, the hub such
    as `cancellation_allowed`; bool or enum by the language) to values p: what is left
    falls into parts that share no outcome (`components.outcome_groups` with the pivots
    fixed), and S has no reading with pivots p iff the conjuncts of S in some part have
    none. So S clashes at f iff, for every value p of the pivots, some part fails under
    p. The candidate solver is told that for each p met in a counterexample, with one
    literal per part ("this part has no reading under p"): a part whose outcomes are a
    few bools and enums has all its readings written out (EXPAND_LIMIT), any other
    learns the readings it is shown.

    Learned as whole readings of every outcome (as before), the counterexamples of
    independent parts multiply: a hub read by n clauses that each decide another
    outcome from another fact took about 2^n of them (n = 14: 32,771 questions, 206 s;
    now 5). Each counterexample still rules out the candidate it refutes, and a real
    clash meets every constraint (for each p, the literal of a part that fails), so
    the search finds the same clashes.

    `select`: the literal that chooses each conjunct (None: all of `orders` are chosen)."""

    def __init__(self, search: GroupSearch, orders: Iterable[int], select: dict[int, z3.BoolRef] | None = None):
        smt = self.smt = search.smt
        self.select = select
        by_order = {c.order: c for c in search.conjuncts}
        conjuncts = [by_order[o] for o in orders]
        vocab = search.policy.vocabulary
        self.mentions = {c.order: sorted(c.constrains | c.reads) for c in conjuncts}
        self.pivots, self.parts = _split(conjuncts, vocab, smt)
        self.met: dict[tuple, list[z3.BoolRef]] = {}  # pivot values -> the literal of each part
        self._failing: dict[tuple, z3.BoolRef] = {}  # (conjunct, values it reads) -> it fails there

    def learn(self, model: z3.ModelRef) -> list[z3.BoolRef]:
        """Constraints that rule out every candidate at which the chosen conjuncts hold
        with the outcomes of `model` (a reading that satisfies them at the candidate's
        facts); every real clash meets them."""
        smt = self.smt
        value = lambda n: model.eval(smt.vars[n], model_completion=True)  # noqa: E731
        pivots = {n: value(n) for n in self.pivots}
        key = tuple(v.sexpr() for v in pivots.values())
        out = []
        flags = self.met.get(key)
        if flags is None:
            flags = self.met[key] = [z3.Bool(f"part!{len(self.met)}!{i}", smt.ctx) for i in range(len(self.parts))]
            out.append(smt.either(flags))
            for flag, (orders, _, readings) in zip(flags, self.parts):
                if readings is not None:
                    every = smt.both([self._fails(orders, {**pivots, **dict(r)}) for r in readings])
                    out.append(smt.either([z3.Not(flag), every]))
        for flag, (orders, names, readings) in zip(flags, self.parts):
            if readings is None:
                out.append(smt.either([z3.Not(flag), self._fails(orders, {**pivots, **{n: value(n) for n in names}})]))
        return out

    def _fails(self, orders: list[int], values: dict[str, z3.ExprRef]) -> z3.BoolRef:
        """Some chosen conjunct of `orders` fails at the outcome values `values`."""
        out = []
        for o in orders:
            names = self.mentions[o]
            key = (o, *(values[n].sexpr() for n in names))
            fails = self._failing.get(key)
            if fails is None:
                fails = z3.Not(self.smt.substitute(self.smt.formula[o], [(n, values[n]) for n in names]))
                if self.select is not None:
                    fails = self.smt.both([self.select[o], fails])
                self._failing[key] = fails
            out.append(fails)
        return self.smt.either(out)


Part = tuple[list[int], list[str], list[list[tuple[str, z3.ExprRef]]] | None]


def _split(conjuncts: list[ir.Conjunct], vocab, smt: SmtPolicy) -> tuple[list[str], list[Part]]:
    """The pivots of a clash search and the parts they leave: (conjunct orders, the
    part's own outcomes, every reading of them or None). While a part is too large to
    write out and its guards read one of its outcomes, that outcome is made a pivot
    (`_hub`); a group with no chain stays one part."""
    fixed: frozenset[str] = frozenset()
    while True:
        parts: list[Part] = []
        hub = None
        for group in outcome_groups(conjuncts, fixed):
            names = sorted({n for c in group for n in c.constrains | c.reads} - fixed)
            readings = _readings(vocab, smt, names)
            parts.append(([c.order for c in group], names, readings))
            if readings is None and hub is None:
                hub = _hub(group, fixed)
        if hub is None:
            return sorted(fixed), parts
        fixed |= {hub}


def _hub(part: tuple[ir.Conjunct, ...], fixed: frozenset[str]) -> str | None:
    """The outcome to fix in a part too large to write out: of those its guards read,
    the one most of its conjuncts mention (the first by name among equals); None when
    its guards read none."""
    read = sorted({n for c in part for n in c.reads} - fixed)
    if not read:
        return None
    return max(read, key=lambda n: sum(n in c.constrains | c.reads for c in part))


def _readings(vocab, smt: SmtPolicy, names: list[str]) -> list[list[tuple[str, z3.ExprRef]]] | None:
    """Every reading of the bool and enum outcomes `names` (as (name, value) pairs), or
    None when one is a number or there are more than EXPAND_LIMIT."""
    choices = []
    for name in names:
        t = vocab.outcomes[name].type
        if isinstance(t, BoolType):
            choices.append([(name, z3.BoolVal(b, smt.ctx)) for b in (False, True)])
        elif isinstance(t, EnumType):
            choices.append([(name, z3.IntVal(i, smt.ctx)) for i in range(len(t.values))])
        else:
            return None
    if math.prod(len(c) for c in choices) > EXPAND_LIMIT:
        return None
    readings: list[list[tuple[str, z3.ExprRef]]] = [[]]
    for c in choices:
        readings = [r + [pair] for r in readings for pair in c]
    return readings


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

    def decided_differently(self, outcome: str, first_value=None, second_value=None,
                            atoms: list[ir.Expr] = ()) -> Found | None:
        """Facts under which the first policy forces `outcome` to one value and the second
        to another (to the given values, when given); with `atoms`, the answer carries the
        first cell of those atoms where that happens (`GroupSearch.first_cell`)."""
        smt = self.smt
        groups = (self._group(self.first, outcome), self._group(self.second, outcome))
        solver = self.search._solver_copy()
        for second, group, value in ((False, groups[0], first_value), (True, groups[1], second_value)):
            names = sorted({o for c in group for o in c.constrains | c.reads} | {outcome})
            solver.add(self._holds(group, second), *[smt.in_domain(n, self._outcome(n, second)) for n in names])
            if value is not None:
                solver.add(self._outcome(outcome, second) == self._value(outcome, value))
            solver.add(self._forced(group, outcome, second, "all!second" if second else "all!first"))
        solver.add(self._outcome(outcome, False) != self._outcome(outcome, True))
        return self._answer(solver, atoms)

    def _answer(self, solver: z3.Solver, atoms: list[ir.Expr]) -> Found | None:
        model = self._solve(solver)
        if model is None:
            return None
        cell = tuple(self.search.first_cell(solver, list(atoms)) or ()) if atoms else ()
        return Found((), self.search._facts(model), cell=cell)

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
                       avoid: Iterable[list[tuple[ir.Expr, bool]]] = (), within: ir.Expr | None = None,
                       atoms: list[ir.Expr] = ()) -> Found | None:
        """Facts, inside `within` (a condition over facts) and outside the `avoid` regions,
        under which one policy (the second when `forcing_second`) forces `outcome` (to
        `value`, when given) and the other has a consistent reading of its group in which
        `outcome` has another value; both groups are consistent there. None (unsat) iff
        there are no such facts. With `atoms`, the answer carries the first cell of those
        atoms where that happens."""
        forcing, other = self._sides(outcome, forcing_second)
        mine, theirs = self._outcome(outcome, forcing_second), self._outcome(outcome, not forcing_second)
        solver = self.search._solver_copy()
        if within is not None:
            solver.add(self.smt.compile(within))  # a cut of the fact space: much faster when narrow
        solver.add(self._reading(forcing, outcome, forcing_second),
                   self._forced(forcing, outcome, forcing_second, "all!forcing"),
                   self._reading(other, outcome, not forcing_second), theirs != mine)
        if value is not None:
            solver.add(mine == self._value(outcome, value))
        for region in avoid:
            solver.add(z3.Not(self.search.cube(region)))
        return self._answer(solver, atoms)

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
        solver = self.search._solver_copy()
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
        self.smt.charge()
        result = solver.check()
        if result == z3.unknown:
            raise gave_up(solver.reason_unknown())
        return solver.model() if result == z3.sat else None


def _names(conjuncts, outcome: str) -> list[str]:
    """The outcomes a group mentions, and `outcome`."""
    return sorted({o for c in conjuncts for o in c.constrains | c.reads} | {outcome})
