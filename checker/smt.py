"""Typed clauses -> Z3. The only module that imports z3.

One `SmtPolicy` owns one z3 Context and one incremental Solver for a policy: the
background axioms and every conjunct, each behind an indicator literal, are
asserted once; cases and queries come and go as assumptions or push/pop scopes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from fractions import Fraction
from typing import Any

import z3

from . import ir
from .interrupts import stop_if_interrupted
from .cases import EARLIEST, LATEST, FactValue
from .policy import Policy
from .vocabulary import BoolType, EnumType, NumberType, TimestampType, Variable

DAY = 86400
# 1970-01-05 was a Monday: day 4 of the epoch.
FIRST_MONDAY = 4


def local_seconds(moment: datetime) -> int:
    """Wall-clock seconds since 1970 in the moment's own time zone (the case calendar)."""
    naive = moment.replace(tzinfo=timezone.utc)
    return int(naive.timestamp())


class SolverUnknown(Exception):
    """Z3 answered unknown (a time limit or an undecidable corner)."""


# What Z3 answers when a signal (Ctrl-C, SIGTERM relayed as an interrupt) cancels a check:
# the run was stopped, not the question too hard.
_INTERRUPTED = ("interrupted from keyboard", "canceled", "cancelled", "interrupted")


class BudgetSpent(SolverUnknown):
    """The analysis used up its whole time budget (a limit on the run, not on one question)."""


def gave_up(reason: str) -> Exception:
    """The exception for a check that came back unknown: `KeyboardInterrupt` when Z3 was
    interrupted (it cancels the check and swallows the signal), else `SolverUnknown`."""
    if any(word in reason.lower() for word in _INTERRUPTED):
        return KeyboardInterrupt(reason)
    return SolverUnknown(reason)


def new_solver(ctx: z3.Context) -> z3.Solver:
    """A solver that leaves SIGINT to Python: Z3's own handler would swallow a Ctrl-C
    whenever the check it cancels finishes anyway (`checker.interrupts`). A Ctrl-C
    during a check takes effect when the check returns, within its time limit."""
    solver = z3.Solver(ctx=ctx)
    solver.set("ctrl_c", False)
    return solver


@dataclass(frozen=True)
class Answer:
    verdict: str  # "sat" | "unsat"
    model: Any = None
    core: tuple = ()


class SmtPolicy:
    def __init__(self, policy: Policy, timeout_ms: int | None = None,
                 conjuncts: tuple[ir.Conjunct, ...] | None = None, deadline: float | None = None):
        """`conjuncts`: a part of the policy to compile (default: all of it); `deadline`: a
        `time.monotonic()` after which no question is asked (`BudgetSpent`)."""
        self.policy = policy
        self.timeout_ms = timeout_ms
        self.deadline = deadline
        self.vocab = policy.vocabulary
        self.ctx = z3.Context()
        self.solver = new_solver(self.ctx)
        if timeout_ms:
            self.solver.set("timeout", timeout_ms)
        self.vars: dict[str, z3.ExprRef] = {}
        self._compiled: dict[ir.Expr, z3.ExprRef] = {}
        self.present: dict[str, z3.BoolRef] = {}
        self._years: dict[str, tuple[z3.ArithRef, z3.ArithRef, z3.BoolRef]] = {}
        self._defined: dict[str, z3.ArithRef] = {}
        self._year_starts: dict[str, tuple[z3.ArithRef, z3.BoolRef]] = {}
        for var in [*self.vocab.facts.values(), *self.vocab.outcomes.values()]:
            self._declare(var)
        self.solver.add(*self.axioms())
        self.indicator: dict[int, z3.BoolRef] = {}
        self.formula: dict[int, z3.BoolRef] = {}
        self.guard: dict[int, z3.BoolRef] = {}
        self.body: dict[int, z3.BoolRef] = {}
        self.conjuncts = policy.conjuncts if conjuncts is None else conjuncts
        for c in self.conjuncts:
            self.guard[c.order] = self.compile(c.guard)
            self.body[c.order] = self.compile(c.body)
            self.formula[c.order] = z3.Implies(self.guard[c.order], self.body[c.order])
            self.indicator[c.order] = z3.Bool(f"clause!{c.order}", self.ctx)
            self.solver.add(z3.Implies(self.indicator[c.order], self.formula[c.order]))
        self.by_literal = {lit.get_id(): order for order, lit in self.indicator.items()}
        self._indicator_ast = {order: lit.as_ast() for order, lit in self.indicator.items()}
        self._fact_literals: dict[tuple[str, Any], z3.BoolRef] = {}

    # -- declarations and axioms ------------------------------------------------------------

    def _declare(self, var: Variable) -> None:
        t, name = var.type, var.name
        if isinstance(t, BoolType):
            self.vars[name] = z3.Bool(name, self.ctx)
        elif isinstance(t, EnumType):
            self.vars[name] = z3.Int(name, self.ctx)
        elif isinstance(t, NumberType):
            self.vars[name] = z3.Int(name, self.ctx) if t.integer else z3.Real(name, self.ctx)
        else:
            self.vars[name] = z3.Int(name, self.ctx)
            if t.optional:
                self.present[name] = z3.Bool(f"{name}!happened", self.ctx)

    def in_domain(self, name: str, x: z3.ExprRef | None = None) -> z3.BoolRef:
        """The range of outcome or fact `name` (applied to `x`, a copy, when given)."""
        t = self.vocab.lookup(name).type
        x = self.vars[name] if x is None else x
        if isinstance(t, EnumType):
            return z3.And(x >= 0, x < len(t.values))
        if isinstance(t, NumberType):
            return z3.And(x >= self._num(t.low), x <= self._num(t.high))
        return z3.BoolVal(True, self.ctx)

    def happened(self, name: str) -> z3.BoolRef:
        return self.present.get(name, z3.BoolVal(True, self.ctx))

    def axioms(self) -> list[z3.BoolRef]:
        """What holds in every case: the range of each type (timestamps in the supported
        years, enums and numbers in their declared values) and the background axioms of
        the vocabulary (the life of an order, `axioms:` in vocabulary.yaml), compiled
        like any condition."""
        out = []
        lo, hi = local_seconds(EARLIEST), local_seconds(LATEST)
        for var in [*self.vocab.facts.values(), *self.vocab.outcomes.values()]:
            x = self.vars[var.name]
            if isinstance(var.type, TimestampType):
                out.append(z3.And(x >= lo, x < hi))
            elif not isinstance(var.type, BoolType):
                out.append(self.in_domain(var.name))
        out.extend(self.compile(axiom.holds) for axiom in self.vocab.axioms)
        return out

    def _num(self, value: Fraction) -> z3.ArithRef:
        if value.denominator == 1:
            return z3.IntVal(int(value), self.ctx)
        return z3.RealVal(f"{value.numerator}/{value.denominator}", self.ctx)

    # -- compiling expressions -------------------------------------------------------------

    def compile(self, e: ir.Expr) -> z3.ExprRef:
        """`e` as a Z3 term. Memoised: the analyses compile the same atoms and regions
        again and again (a term is a function of the expression; the calendar definitions
        a term needs are asserted once, the first time)."""
        if isinstance(e, (ir.Var, ir.Const)):
            return self._compile(e)
        found = self._compiled.get(e)
        if found is None:
            found = self._compiled[e] = self._compile(e)
        return found

    def _compile(self, e: ir.Expr) -> z3.ExprRef:
        if isinstance(e, ir.Var):
            return self.vars[e.name]
        if isinstance(e, ir.Const):
            if isinstance(e.value, bool):
                return z3.BoolVal(e.value, self.ctx)
            if isinstance(e.value, Fraction):
                return self._num(e.value)
            raise TypeError("a bare enum value is compiled by its comparison")
        if isinstance(e, ir.Not):
            return z3.Not(self.compile(e.operand))
        if isinstance(e, ir.And):
            return z3.And(*[self.compile(x) for x in e.operands])
        if isinstance(e, ir.Or):
            return z3.Or(*[self.compile(x) for x in e.operands])
        if isinstance(e, ir.Happened):
            has = self.happened(e.timestamp.name)
            return z3.Not(has) if e.negated else has
        if isinstance(e, ir.In):
            codes = e.operand.variable.type.values
            x = self.vars[e.operand.name]
            inside = z3.Or(*[x == codes.index(v) for v in e.values])
            return z3.Not(inside) if e.negated else inside
        if isinstance(e, ir.Discretion):
            return z3.BoolVal(True, self.ctx)
        if isinstance(e, ir.Cmp):
            return self._guarded(e, self._compare(e))
        if isinstance(e, ir.YearsWithin):
            end = self._date(e.end.name)
            bound = self._anniversary(e.start.name, e.years)
            return self._guarded(e, _apply(e.op, end, bound))
        if isinstance(e, (ir.Duration, ir.Sum)):
            return self._arith(e)
        if isinstance(e, ir.IfThen):
            return z3.If(self.compile(e.test), self._arith(e.then), self._arith(e.otherwise))
        raise TypeError(f"cannot compile {e!r}")

    def _guarded(self, e: ir.Expr, atom: z3.BoolRef) -> z3.BoolRef:
        """An atom that reads an event that has not happened is false; so is a window
        bounded from above (`hours(a, b) <= 48`, `years(a, b) <= 1`) whose end is before
        its start: "within 48 hours of the order" is not met by a request made before it,
        although the hours elapsed, negative, are fewer than 48 (`ir.forward_windows`;
        the evaluator reads the same rule)."""
        needs = [self.present[n] for n in sorted(ir.optional_timestamps(e))]
        needs += [self.vars[start.name] <= self.vars[end.name] for start, end in ir.forward_windows(e)]
        if not needs:
            return atom
        return z3.And(*needs, atom)

    def _compare(self, e: ir.Cmp) -> z3.BoolRef:
        left, right = e.left, e.right
        for enum_side, value_side in ((left, right), (right, left)):
            if isinstance(value_side, ir.Const) and isinstance(value_side.value, str):
                codes = enum_side.variable.type.values
                return _apply(e.op, self.vars[enum_side.name], z3.IntVal(codes.index(value_side.value), self.ctx))
        # hours(a, b) OP k compares whole seconds: exact and free of real arithmetic
        if isinstance(left, ir.Duration) and left.unit == "hours" and isinstance(right, ir.Const):
            seconds = Fraction(right.value) * 3600
            if seconds.denominator == 1:
                return _apply(e.op, self._elapsed(left), z3.IntVal(int(seconds), self.ctx))
        if isinstance(right, ir.Duration) and right.unit == "hours" and isinstance(left, ir.Const):
            seconds = Fraction(left.value) * 3600
            if seconds.denominator == 1:
                return _apply(e.op, z3.IntVal(int(seconds), self.ctx), self._elapsed(right))
        return _apply(e.op, self.compile(left), self.compile(right))

    def _elapsed(self, d: ir.Duration) -> z3.ArithRef:
        return self.vars[d.end.name] - self.vars[d.start.name]

    def _define(self, *constraints: z3.BoolRef) -> None:
        """Assert a calendar definition (terms are memoised, so a definition must outlive
        every scope: one added inside a push would be popped while its term stays)."""
        if self.solver.num_scopes():
            raise RuntimeError("a calendar definition was compiled inside a solver scope")
        self.solver.add(*constraints)

    def _date(self, name: str) -> z3.ArithRef:
        """The day number of the local date of timestamp `name`."""
        # Definitional integers fixed by linear constraints: cheaper for Z3 than div/mod.
        key = f"{name}!day"
        if key not in self._defined:
            t, day = self.vars[name], z3.Int(key, self.ctx)
            self._define(DAY * day <= t, t < DAY * day + DAY)
            self._defined[key] = day
        return self._defined[key]

    def _weekdays_through(self, name: str) -> z3.ArithRef:
        """Monday-to-Friday days from the first Monday of 1970 up to and including the date of `name`."""
        key = f"{name}!weeks"
        if key not in self._defined:
            day = self._date(name)
            week = z3.Int(key, self.ctx)
            rest = z3.Int(f"{name}!weekday", self.ctx)  # 0 = Monday
            self._define(day - FIRST_MONDAY == 7 * week + rest, rest >= 0, rest < 7)
            self._defined[key] = 5 * week + z3.If(rest < 5, rest + 1, z3.IntVal(5, self.ctx))
        return self._defined[key]

    def _arith(self, e: ir.Expr) -> z3.ArithRef:
        if isinstance(e, ir.Duration):
            if e.unit == "hours":
                return z3.ToReal(self._elapsed(e)) / 3600
            if e.unit == "days":
                return self._date(e.end.name) - self._date(e.start.name)
            return self._weekdays_through(e.end.name) - self._weekdays_through(e.start.name)
        if isinstance(e, ir.Sum):
            a, b = self.compile(e.left), self.compile(e.right)
            return a + b if e.op == "+" else a - b
        return self.compile(e)

    # -- calendar years ----------------------------------------------------------------------
    # Valid for the years 1970 to 2199: a year is leap when divisible by 4, except 2100.

    def _year_start(self, year: z3.ArithRef, key: str) -> tuple[z3.ArithRef, z3.BoolRef]:
        """(days from 1970-01-01 to 1 January of `year`, whether `year` is leap)."""
        if key not in self._year_starts:
            quads = z3.Int(f"{key}!quads", self.ctx)  # (year - 1969) div 4
            self._define(4 * quads <= year - 1969, year - 1969 < 4 * quads + 4)
            after_2100 = z3.If(year > 2100, z3.IntVal(1, self.ctx), z3.IntVal(0, self.ctx))
            leap = z3.And(year - 1969 == 4 * quads + 3, year != 2100)
            self._year_starts[key] = (365 * (year - 1970) + quads - after_2100, leap)
        return self._year_starts[key]

    def _year_of(self, name: str) -> tuple[z3.ArithRef, z3.ArithRef, z3.BoolRef]:
        """(year, day of year from 0, leap) of the local date of timestamp `name`."""
        key = f"{name}!year"
        if key not in self._years:
            year = z3.Int(key, self.ctx)
            day = self._date(name)
            first, leap = self._year_start(year, key)
            self._define(first <= day, day < first + 365 + z3.If(leap, z3.IntVal(1, self.ctx), z3.IntVal(0, self.ctx)))
            self._years[key] = (year, day - first, leap)
        return self._years[key]

    def _anniversary(self, name: str, years: int) -> z3.ArithRef:
        """The day number of the `years`-th anniversary of the date of `name`
        (29 February falls on 28 February in a common year)."""
        year, day_of_year, leap = self._year_of(name)
        later_first, later_leap = self._year_start(year + years, f"{name}!plus{years}")
        shift = z3.If(z3.And(day_of_year >= 59, leap, z3.Not(later_leap)), -1,
                      z3.If(z3.And(day_of_year >= 59, z3.Not(leap), later_leap), 1, 0))
        return later_first + day_of_year + shift

    # -- cases ------------------------------------------------------------------------------

    def fact_constraints(self, facts: dict[str, FactValue]) -> list[z3.BoolRef]:
        out = []
        for name, value in facts.items():
            key = (name, value if not isinstance(value, datetime) else local_seconds(value))
            literal = self._fact_literals.get(key)
            if literal is None:
                literal = self._fact_literal(name, value)
                if not isinstance(value, (datetime, Fraction)):
                    self._fact_literals[key] = literal  # bool, enum and absent: few values, reused
            out.append(literal)
        return out

    def _fact_literal(self, name: str, value: FactValue) -> z3.BoolRef:
        var = self.vocab.facts[name]
        x = self.vars[name]
        if isinstance(var.type, TimestampType):
            if value is None:
                return z3.Not(self.present[name])
            at = self._numeral(local_seconds(value), x)
            return z3.And(self.present[name], at) if name in self.present else at
        if isinstance(var.type, EnumType):
            return x == var.type.values.index(value)
        if isinstance(var.type, BoolType):
            return x if value else z3.Not(x)
        return self._numeral(value, x)

    def _numeral(self, value, x: z3.ArithRef) -> z3.BoolRef:
        """`x == value`, built through the C API (this is on the per-case hot path)."""
        text = str(value) if not isinstance(value, Fraction) else f"{value.numerator}/{value.denominator}"
        ref = self.ctx.ref()
        number = z3.Z3_mk_numeral(ref, text, x.sort().ast)
        return z3.BoolRef(z3.Z3_mk_eq(ref, x.as_ast(), number), self.ctx)

    def value_of(self, model: z3.ModelRef, name: str) -> Any:
        var = self.vocab.lookup(name)
        raw = model.eval(self.vars[name], model_completion=True)
        t = var.type
        if isinstance(t, BoolType):
            return z3.is_true(raw)
        if isinstance(t, EnumType):
            return t.values[raw.as_long()]
        if isinstance(t, NumberType):
            return Fraction(raw.as_long()) if t.integer else Fraction(raw.numerator_as_long(), raw.denominator_as_long())
        return raw.as_long()

    def equals(self, name: str, value: Any) -> z3.BoolRef:
        var = self.vocab.lookup(name)
        x, t = self.vars[name], var.type
        if isinstance(t, BoolType):
            return x == z3.BoolVal(value, self.ctx)
        if isinstance(t, EnumType):
            return x == t.values.index(value)
        return x == self._num(Fraction(value))

    # -- solving ----------------------------------------------------------------------------

    def check(self, assumptions: list[z3.BoolRef], want_model: bool = True) -> Answer:
        # The C API directly: z3py's check() re-casts every assumption on every call.
        return self.check_asts([a.as_ast() for a in assumptions], want_model)

    def indicator_asts(self, orders) -> list:
        """The raw C handles of the indicators of `orders` (for `check_asts`)."""
        return [self._indicator_ast[o] for o in orders]

    def charge(self) -> None:
        """Called before every question: `BudgetSpent` once the run's deadline has passed,
        KeyboardInterrupt once Ctrl-C has been pressed (even if it was swallowed)."""
        stop_if_interrupted()
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise BudgetSpent("the analysis used up its time budget")

    def check_asts(self, asts: list, want_model: bool = True) -> Answer:
        """`check` on raw handles: the hot path of the prover builds no z3py objects."""
        self.charge()
        array = (z3.Ast * len(asts))(*asts)
        result = z3.Z3_solver_check_assumptions(self.ctx.ref(), self.solver.solver, len(asts), array)
        if result == z3.Z3_L_TRUE:
            return Answer("sat", self.solver.model() if want_model else None)
        if result == z3.Z3_L_FALSE:
            return Answer("unsat", core=tuple(self.solver.unsat_core()))
        raise gave_up(self.solver.reason_unknown())

    def fact_values(self, model: z3.ModelRef, names) -> dict[str, FactValue]:
        """The facts `names` as a model gives them: timestamps as aware datetimes (UTC),
        None for an optional event that has not happened."""
        out: dict[str, FactValue] = {}
        for name in names:
            t = self.vocab.facts[name].type
            if isinstance(t, TimestampType):
                if name in self.present and not z3.is_true(model.eval(self.present[name], model_completion=True)):
                    out[name] = None
                else:
                    seconds = model.eval(self.vars[name], model_completion=True).as_long()
                    out[name] = datetime.fromtimestamp(seconds, tz=timezone.utc)
            else:
                out[name] = self.value_of(model, name)
        return out

    def outcome_copies(self, suffix: str) -> list[tuple[z3.ExprRef, z3.ExprRef]]:
        """(outcome, fresh copy) pairs: to state two readings of the outcomes at once."""
        pairs = []
        for name, var in self.vocab.outcomes.items():
            x = self.vars[name]
            pairs.append((x, z3.Const(f"{name}@{suffix}", x.sort())))
        return pairs

    def substitute(self, formula: z3.ExprRef, values: list[tuple[str, z3.ExprRef]]) -> z3.ExprRef:
        """`formula` with the variables named in `values` replaced by the given terms (of
        their sort). The C API directly: z3py's `substitute` checks the sort of every
        pair, and the clash search substitutes on every counterexample."""
        if not values:
            return formula
        n, ref = len(values), self.ctx.ref()
        sources = (z3.Ast * n)(*[self.vars[name].as_ast() for name, _ in values])
        targets = (z3.Ast * n)(*[term.as_ast() for _, term in values])
        return z3.BoolRef(z3.Z3_substitute(ref, formula.as_ast(), n, sources, targets), self.ctx)

    def either(self, terms: list[z3.BoolRef]) -> z3.BoolRef:
        """`Or(*terms)` through the C API (z3py's coerces every operand; the clash search
        builds these on every counterexample)."""
        n = len(terms)
        array = (z3.Ast * n)(*[t.as_ast() for t in terms])
        return z3.BoolRef(z3.Z3_mk_or(self.ctx.ref(), n, array), self.ctx)

    def both(self, terms: list[z3.BoolRef]) -> z3.BoolRef:
        """`And(*terms)` through the C API (see `either`)."""
        n = len(terms)
        array = (z3.Ast * n)(*[t.as_ast() for t in terms])
        return z3.BoolRef(z3.Z3_mk_and(self.ctx.ref(), n, array), self.ctx)

    def core_orders(self, core) -> list[int]:
        return sorted(self.by_literal[lit.get_id()] for lit in core if lit.get_id() in self.by_literal)


def _apply(op: str, a, b):
    return {"==": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b,
            "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b}[op]()
