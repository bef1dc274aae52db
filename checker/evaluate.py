"""The independent evaluator: decides a case with complete facts in plain Python.

It reads the same typed clauses as the SMT layer but shares none of its code: no
solver, calendar arithmetic by `datetime`, outcomes decided by enumerating the
finitely many values of the outcomes that the applicable clauses link together.
It is the second path that every solver answer is checked against.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from . import ir, timecalc
from .linked import linked_groups
from .cases import FactValue
from .policy import Policy
from .verdict import CaseClash, CaseProof, OutcomeVerdict, clash_outcomes, deletion_minimal, rank_winner, set_aside
from .vocabulary import BoolType, EnumType, NumberType, Vocabulary


class _Absent:
    """The value of a duration that reads an event that has not happened."""


ABSENT = _Absent()

_OPS = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


class MissingFact(Exception):
    pass


def evaluate(e: ir.Expr, facts: dict[str, FactValue], outcomes: dict[str, Any]) -> Any:
    """The value of `e`. Comparisons that read an absent event are false."""
    if isinstance(e, ir.Var):
        source = outcomes if e.is_outcome else facts
        if e.name not in source:
            raise MissingFact(e.name)
        value = source[e.name]
        return ABSENT if value is None else value
    if isinstance(e, ir.Const):
        return e.value
    if isinstance(e, ir.Not):
        return not evaluate(e.operand, facts, outcomes)
    if isinstance(e, ir.And):
        return all(evaluate(x, facts, outcomes) for x in e.operands)
    if isinstance(e, ir.Or):
        return any(evaluate(x, facts, outcomes) for x in e.operands)
    if isinstance(e, ir.Happened):
        happened = facts[e.timestamp.name] is not None
        return not happened if e.negated else happened
    if isinstance(e, ir.In):
        inside = evaluate(e.operand, facts, outcomes) in e.values
        return not inside if e.negated else inside
    if isinstance(e, ir.Duration):
        a, b = evaluate(e.start, facts, outcomes), evaluate(e.end, facts, outcomes)
        if a is ABSENT or b is ABSENT:
            return ABSENT
        return {"hours": timecalc.hours, "days": timecalc.days, "working_days": timecalc.working_days}[e.unit](a, b)
    if isinstance(e, ir.Sum):
        a, b = evaluate(e.left, facts, outcomes), evaluate(e.right, facts, outcomes)
        if a is ABSENT or b is ABSENT:
            return ABSENT
        return a + b if e.op == "+" else a - b
    if isinstance(e, ir.Cmp):
        a, b = evaluate(e.left, facts, outcomes), evaluate(e.right, facts, outcomes)
        if a is ABSENT or b is ABSENT or _backwards(e, facts):
            return False
        return _OPS[e.op](a, b)
    if isinstance(e, ir.YearsWithin):
        a, b = evaluate(e.start, facts, outcomes), evaluate(e.end, facts, outcomes)
        if a is ABSENT or b is ABSENT or _backwards(e, facts):
            return False
        return _OPS[e.op](b.date(), timecalc.anniversary(a.date(), e.years))
    if isinstance(e, ir.IfThen):
        return evaluate(e.then if evaluate(e.test, facts, outcomes) else e.otherwise, facts, outcomes)
    if isinstance(e, ir.Discretion):
        return True
    raise TypeError(f"cannot evaluate {e!r}")


def _backwards(e: ir.Expr, facts: dict[str, FactValue]) -> bool:
    """Whether `e` bounds a window from above (`hours(a, b) <= 48`, `years(a, b) <= 1`)
    whose end is before its start. Such a comparison is false: "within 48 hours of the
    order" is not met by a request made before it, although the hours elapsed, negative,
    are fewer than 48 (`ir.forward_windows`; the solver reads the same rule)."""
    return any(facts[start.name] > facts[end.name] for start, end in ir.forward_windows(e))


def specialise(e: ir.Expr, facts: dict[str, FactValue]) -> ir.Expr:
    """`e` with the facts put in: a constant, or an expression over outcomes only."""
    if not ir.outcomes(e):
        return ir.Const(evaluate(e, facts, {}))
    if isinstance(e, ir.Not):
        inner = specialise(e.operand, facts)
        return ir.Const(not inner.value) if isinstance(inner, ir.Const) else ir.Not(inner)
    if isinstance(e, (ir.And, ir.Or)):
        parts = [specialise(x, facts) for x in e.operands]
        absorbing = isinstance(e, ir.Or)  # True absorbs an Or, False an And
        if any(isinstance(p, ir.Const) and p.value is absorbing for p in parts):
            return ir.Const(absorbing)
        rest = tuple(p for p in parts if not isinstance(p, ir.Const))
        if not rest:
            return ir.Const(not absorbing)
        return rest[0] if len(rest) == 1 else type(e)(rest)
    if isinstance(e, ir.Cmp):
        return ir.Cmp(e.op, specialise(e.left, facts), specialise(e.right, facts))
    return e  # Var, In over an outcome, Discretion


# ---- sets of numbers an outcome may take -------------------------------------------


@dataclass
class NumberSet:
    """An interval with some points removed; whole numbers only when `integer`."""

    low: Fraction
    high: Fraction
    integer: bool
    low_open: bool = False
    high_open: bool = False
    excluded: set = field(default_factory=set)

    def restrict(self, op: str, v: Fraction) -> None:
        if op == "==":
            self.restrict(">=", v)
            self.restrict("<=", v)
        elif op == "!=":
            self.excluded.add(v)
        elif op in (">", ">="):
            if v > self.low or (v == self.low and op == ">"):
                self.low, self.low_open = v, op == ">"
        elif op in ("<", "<="):
            if v < self.high or (v == self.high and op == "<"):
                self.high, self.high_open = v, op == "<"

    def _whole_bounds(self) -> tuple[int, int]:
        lo = math.floor(self.low) + 1 if self.low_open or self.low.denominator != 1 else int(self.low)
        hi = math.ceil(self.high) - 1 if self.high_open or self.high.denominator != 1 else int(self.high)
        return lo, hi

    def members(self, limit: int = 2) -> list[Fraction]:
        """Up to `limit` members: enough to tell empty, one value, or several."""
        found: list[Fraction] = []
        if self.integer:
            lo, hi = self._whole_bounds()
            n = lo
            while n <= hi and len(found) < limit:
                if Fraction(n) not in self.excluded:
                    found.append(Fraction(n))
                n += 1
            return found
        if self.low > self.high or (self.low == self.high and (self.low_open or self.high_open)):
            return []
        if self.low == self.high:
            return [] if self.low in self.excluded else [self.low]
        return [self.low, self.high]  # a real interval of positive width: many values


# ---- deciding a case -----------------------------------------------------------------


def _domain(var_type) -> list:
    if isinstance(var_type, BoolType):
        return [False, True]
    if isinstance(var_type, EnumType):
        return list(var_type.values)
    raise TypeError("only bool and enum outcomes are enumerated")


@dataclass(frozen=True)
class _Residual:
    conjunct: ir.Conjunct
    guard: ir.Expr
    body: ir.Expr
    outcomes: frozenset[str]


class _Decider:
    def __init__(self, vocabulary: Vocabulary, conjuncts: list[ir.Conjunct], facts: dict[str, FactValue]):
        self.vocab = vocabulary
        self.facts = facts
        self.residuals: dict[int, _Residual] = {}
        for c in conjuncts:
            guard = specialise(c.guard, facts)
            if isinstance(guard, ir.Const) and guard.value is False:
                continue  # vacuous for this case
            body = specialise(c.body, facts) if not c.is_discretion else c.body
            self.residuals[c.order] = _Residual(c, guard, body, frozenset(ir.outcomes(guard) | ir.outcomes(body)))

    def components(self, members: list[_Residual]) -> list[tuple[list[str], list[_Residual]]]:
        """The members linked through the outcomes they mention (those mentioning none: one group)."""
        return linked_groups(members, lambda r: r.outcomes)

    def worlds(self, names: list[str], members: list[_Residual]):
        """Yield (assignment of finite outcomes, number sets) for every consistent world."""
        finite = sorted(n for n in names if not isinstance(self.vocab.outcomes[n].type, NumberType))
        numeric = sorted(n for n in names if isinstance(self.vocab.outcomes[n].type, NumberType))
        domains = [_domain(self.vocab.outcomes[n].type) for n in finite]
        for values in itertools.product(*domains):
            assignment = dict(zip(finite, values))
            sets = {n: self._full_set(n) for n in numeric}
            ok = True
            for r in members:
                if not evaluate(r.guard, self.facts, assignment):
                    continue
                body = r.body
                if isinstance(body, ir.Discretion):
                    continue
                if isinstance(body, ir.Cmp) and isinstance(body.left, ir.Var) and body.left.name in sets:
                    bound = evaluate(body.right, self.facts, assignment)
                    if bound is ABSENT:
                        ok = False
                        break
                    sets[body.left.name].restrict(body.op, Fraction(bound))
                elif not evaluate(body, self.facts, assignment):
                    ok = False
                    break
            if ok and all(s.members(1) for s in sets.values()):
                yield assignment, sets

    def _full_set(self, name: str) -> NumberSet:
        t = self.vocab.outcomes[name].type
        return NumberSet(t.low, t.high, t.integer)

    def consistent(self, orders: list[int]) -> bool:
        members = [self.residuals[o] for o in orders if o in self.residuals]
        return all(next(self.worlds(names, group), None) is not None for names, group in self.components(members))

    def possible_values(self, orders: list[int]) -> dict[str, list]:
        """For each outcome the applicable conjuncts mention: its possible values
        (two or more members mean open)."""
        members = [self.residuals[o] for o in orders if o in self.residuals]
        result: dict[str, list] = {}
        for names, group in self.components(members):
            seen: dict[str, list] = {n: [] for n in names}
            for assignment, sets in self.worlds(names, group):
                for n, v in assignment.items():
                    if v not in seen[n]:
                        seen[n].append(v)
                for n, s in sets.items():
                    for v in s.members(2):
                        if v not in seen[n]:
                            seen[n].append(v)
            result.update(seen)
        return result


MAX_COMPLETIONS = 4096  # completions of unknown facts the evaluator enumerates at the most


class _Completions:
    """A case whose bool or enum facts are not all given: the solver leaves such a fact
    free, so a case is consistent when some completion of it (keeping the life of an
    order) is, and an outcome can take every value some consistent completion allows.
    One `_Decider` per completion."""

    def __init__(self, vocabulary: Vocabulary, conjuncts: list[ir.Conjunct], facts: dict[str, FactValue],
                 unknown: list[str]):
        from .semantics.axioms import violations  # late: that module reads this one

        domains = [_domain(vocabulary.facts[n].type) for n in unknown]
        self.deciders = []
        for values in itertools.product(*domains):
            complete = {**facts, **dict(zip(unknown, values))}
            if not violations(vocabulary, complete):
                self.deciders.append(_Decider(vocabulary, conjuncts, complete))
        self.residuals = {o: r for d in self.deciders for o, r in d.residuals.items()}

    def consistent(self, orders: list[int]) -> bool:
        return any(d.consistent([o for o in orders if o in d.residuals]) for d in self.deciders)

    def possible_values(self, orders: list[int]) -> dict[str, list]:
        """As `_Decider.possible_values`, over every consistent completion: an outcome that
        some completion leaves unmentioned can take any value, so it is left out (open)."""
        per_completion = []
        for d in self.deciders:
            mine = [o for o in orders if o in d.residuals]
            if d.consistent(mine):
                per_completion.append(d.possible_values(mine))
        mentioned = {n for values in per_completion for n in values}
        merged: dict[str, list] = {}
        free: set[str] = set()
        for values in per_completion:
            free |= mentioned - set(values)
            for name, found in values.items():
                target = merged.setdefault(name, [])
                target.extend(v for v in found if v not in target)
        return {n: v for n, v in merged.items() if n not in free}


def _decider(vocabulary: Vocabulary, conjuncts: list[ir.Conjunct], facts: dict[str, FactValue]):
    """A decider for the facts: one, or one per completion of the bool and enum facts
    that the conjuncts read and the facts do not give."""
    read = {n for c in conjuncts for n in ir.facts(c.guard) | ir.facts(c.body)}
    unknown = [n for n in vocabulary.facts if n in read and n not in facts
               and isinstance(vocabulary.facts[n].type, (BoolType, EnumType))]
    if not unknown:
        return _Decider(vocabulary, conjuncts, facts)
    if math.prod(len(_domain(vocabulary.facts[n].type)) for n in unknown) > MAX_COMPLETIONS:
        raise MissingFact(f"too many unknown facts to enumerate: {', '.join(unknown)}")
    return _Completions(vocabulary, conjuncts, facts, unknown)


def consistent(vocabulary: Vocabulary, conjuncts, facts: dict[str, FactValue]) -> bool:
    """Whether the conjuncts can all hold for these facts (the facts must cover every
    fact they read)."""
    decider = _decider(vocabulary, list(conjuncts), facts)
    return decider.consistent([c.order for c in conjuncts if not c.is_discretion])


def values_of(vocabulary: Vocabulary, conjuncts, facts: dict[str, FactValue], outcome: str) -> list | None:
    """The values `outcome` can take under the conjuncts for these facts (at most two
    listed for a number), or None when the conjuncts clash."""
    decider = _decider(vocabulary, list(conjuncts), facts)
    active = [c.order for c in conjuncts if not c.is_discretion and c.order in decider.residuals]
    if not decider.consistent(active):
        return None
    values = decider.possible_values(active)
    if outcome in values:
        return values[outcome]
    var_type = vocabulary.outcomes[outcome].type
    return _domain(var_type)[:2] if not isinstance(var_type, NumberType) else NumberSet(var_type.low, var_type.high, var_type.integer).members(2)


def holds_in(conjunct: ir.Conjunct, facts: dict[str, FactValue], outcomes: dict[str, Any]) -> bool:
    """Whether one conjunct holds for concrete facts and outcomes."""
    if not evaluate(conjunct.guard, facts, outcomes):
        return True
    return conjunct.is_discretion or bool(evaluate(conjunct.body, facts, outcomes))


def _domain_size(var_type) -> int:
    if isinstance(var_type, NumberType):
        if var_type.integer:
            return int(var_type.high) - int(var_type.low) + 1
        return 1 if var_type.low == var_type.high else 2
    return len(_domain(var_type))


def decide(policy: Policy, case_id: str, facts: dict[str, FactValue], ranks: dict[str, int] | None = None) -> CaseProof:
    """Decide every outcome of the vocabulary for complete `facts` (plain Python); `ranks`
    as for a ranked set (a clash between ranks is resolved in favour of the best-ranked)."""
    return decide_conjuncts(policy.vocabulary, policy.conjuncts, facts, case_id, policy.names, ranks)


def decide_conjuncts(vocab: Vocabulary, all_conjuncts, facts: dict[str, FactValue],
                     case_id: str = "", names: tuple[str, ...] = (), ranks: dict[str, int] | None = None) -> CaseProof:
    """`decide` for any list of conjuncts (a part of a policy, or another reading of it)."""
    conjuncts = [c for c in all_conjuncts if not c.is_discretion]
    by_order = {c.order: c for c in all_conjuncts}
    decider = _decider(vocab, list(all_conjuncts), facts)
    active = [c.order for c in conjuncts if c.order in decider.residuals]
    clashes: list[CaseClash] = []
    clashed: set[str] = set()
    while not decider.consistent(active):
        core = deletion_minimal(active, lambda subset: not decider.consistent(subset))
        members = tuple(by_order[o] for o in core)
        fought = clash_outcomes(members)
        prevails = rank_winner(members, ranks or {})
        clashes.append(CaseClash(fought, members, prevails))
        if not prevails:
            clashed.update(fought)
        aside = {c.order for c in set_aside((by_order[o] for o in active), fought, prevails)}
        active = [o for o in active if o not in aside]
    values = decider.possible_values(active)
    verdicts: dict[str, OutcomeVerdict] = {}
    for name, var in vocab.outcomes.items():
        if name in clashed:
            verdicts[name] = OutcomeVerdict(name, "clash")
        elif name in values and len(values[name]) == 1:
            verdicts[name] = OutcomeVerdict(name, "determined", values[name][0])
        elif name not in values and _domain_size(var.type) == 1:
            verdicts[name] = OutcomeVerdict(name, "determined", var.type.low)
        else:
            verdicts[name] = OutcomeVerdict(name, "open")
    return CaseProof(case_id, names, verdicts, tuple(clashes))
