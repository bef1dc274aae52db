"""Typed expressions and clauses: what the loader produces and every back end reads.

Both back ends (`evaluate`, plain Python; `smt`, Z3) walk these trees; neither
sees YAML or the untyped AST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator, Union

from .errors import Location
from .vocabulary import BoolType, EnumType, NumberType, TimestampType, Variable


@dataclass(frozen=True)
class Var:
    variable: Variable

    @property
    def name(self) -> str:
        return self.variable.name

    @property
    def is_outcome(self) -> bool:
        return self.variable.kind == "outcome"


@dataclass(frozen=True)
class Const:
    value: bool | Fraction | str  # str: an enum value


@dataclass(frozen=True)
class Duration:
    """Hours (exact), calendar days or working days from `start` to `end`."""

    unit: str  # "hours" | "days" | "working_days"
    start: Var
    end: Var


@dataclass(frozen=True)
class YearsWithin:
    """`years(start, end) OP n`: the date of `end` against the n-th anniversary of `start`."""

    op: str
    start: Var
    end: Var
    years: int


@dataclass(frozen=True)
class Not:
    operand: "Expr"


@dataclass(frozen=True)
class And:
    operands: tuple["Expr", ...]


@dataclass(frozen=True)
class Or:
    operands: tuple["Expr", ...]


@dataclass(frozen=True)
class Cmp:
    op: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class In:
    operand: Var
    values: tuple[str, ...]
    negated: bool


@dataclass(frozen=True)
class Happened:
    """`t is not none` (or `t is none` when negated)."""

    timestamp: Var
    negated: bool


@dataclass(frozen=True)
class Sum:
    op: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class IfThen:
    """`if(test, value, otherwise)`: a number that depends on a condition over facts ("a
    20 % fee after 30 days, none before", in one clause). Its values read no event that
    may not have happened, so it is never absent."""

    test: "Expr"
    then: "Expr"
    otherwise: "Expr"


@dataclass(frozen=True)
class Discretion:
    """The outcome is left to the seller: no constraint, but the clause speaks to it."""

    outcome: Var


Expr = Union[Var, Const, Duration, YearsWithin, Not, And, Or, Cmp, In, Happened, Sum, IfThen, Discretion]

TRUE = Const(True)


def children(e: Expr) -> tuple[Expr, ...]:
    if isinstance(e, (Not,)):
        return (e.operand,)
    if isinstance(e, (And, Or)):
        return e.operands
    if isinstance(e, (Cmp, Sum)):
        return (e.left, e.right)
    if isinstance(e, (Duration, YearsWithin)):
        return (e.start, e.end)
    if isinstance(e, In):
        return (e.operand,)
    if isinstance(e, Happened):
        return (e.timestamp,)
    if isinstance(e, Discretion):
        return (e.outcome,)
    if isinstance(e, IfThen):
        return (e.test, e.then, e.otherwise)
    return ()


def walk(e: Expr) -> Iterator[Expr]:
    yield e
    for c in children(e):
        yield from walk(c)


def variables(e: Expr) -> set[str]:
    return {n.name for n in walk(e) if isinstance(n, Var)}


def outcomes(e: Expr) -> set[str]:
    return {n.name for n in walk(e) if isinstance(n, Var) and n.is_outcome}


def facts(e: Expr) -> set[str]:
    return {n.name for n in walk(e) if isinstance(n, Var) and not n.is_outcome}


def optional_timestamps(e: Expr) -> set[str]:
    """Optional timestamps an atom (a comparison or `years`) reads through its own
    arithmetic operands.

    Boolean operands do not count: in `refund_due == (years(shipped_at, request_at) <= 1)`
    the timestamp belongs to the inner atom, which guards itself.
    """
    def arithmetic(x: Expr) -> set[str]:
        if isinstance(x, Var):
            t = x.variable.type
            return {x.name} if isinstance(t, TimestampType) and t.optional else set()
        if isinstance(x, (Duration, Sum)):
            return set().union(*(arithmetic(c) for c in children(x)))
        return set()

    if isinstance(e, (Cmp, YearsWithin)):
        return set().union(*(arithmetic(c) for c in children(e)))
    return set()


def forward_windows(e: Expr) -> tuple[tuple[Var, Var], ...]:
    """(start, end) of each window that the atom `e` bounds from above: a duration
    standing alone on the smaller side of `<` or `<=` (`hours(a, b) <= 48`,
    `48 >= hours(a, b)`), and `years(a, b) <= N` or `< N`. Such a comparison holds only
    when start <= end: "within 48 hours of the order" is not met by a request made
    before the order. Lower bounds (`>`, `>=`) and comparisons with an outcome (a
    number outcome's constraint) have none."""
    if isinstance(e, YearsWithin):
        return ((e.start, e.end),) if e.op in ("<", "<=") else ()
    if not isinstance(e, Cmp) or outcomes(e):
        return ()
    if e.op in ("<", "<=") and isinstance(e.left, Duration):
        return ((e.left.start, e.left.end),)
    if e.op in (">", ">=") and isinstance(e.right, Duration):
        return ((e.right.start, e.right.end),)
    return ()


def numeric_type(e: Expr) -> NumberType:
    """The number type of a numeric expression (whole numbers stay whole)."""
    if isinstance(e, Var):
        assert isinstance(e.variable.type, NumberType)
        return e.variable.type
    if isinstance(e, Const):
        assert isinstance(e.value, Fraction)
        return NumberType(integer=e.value.denominator == 1)
    if isinstance(e, Duration):
        return NumberType(integer=e.unit != "hours")
    if isinstance(e, (Sum, IfThen)):
        parts = (e.left, e.right) if isinstance(e, Sum) else (e.then, e.otherwise)
        return NumberType(integer=all(numeric_type(p).integer for p in parts))
    raise TypeError(f"not a numeric expression: {e!r}")


# ---- clauses -------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """One entry of a clause's `overrides`: the clause it is an exception to, and on what
    authority. `stated`: the words of the text that make the exception ("absolute
    exception", "irrespective of"); `inferred`: the encoder's reason, where the text
    does not say so. An inferred exception does not silence the clash it resolves."""

    target: str
    stated: str | None = None
    inferred: str | None = None
    condition: bool = False  # a condition of eligibility (`condition_of`), not an exception

    @property
    def is_stated(self) -> bool:
        return self.stated is not None

    @property
    def is_inferred(self) -> bool:
        """An exception the encoder reads where the text does not state it."""
        return not self.is_stated and not self.condition

    def applies_under(self, exceptions: str) -> bool:
        """Whether a policy applying `exceptions` ("all", "stated" or "none") applies this
        link. A condition of eligibility is the text's structure, as a stated exception is:
        only the raw policy ("none") leaves it out, to see the clashes it resolves."""
        if exceptions == "none":
            return False
        return exceptions == "all" or self.is_stated or self.condition


@dataclass(frozen=True)
class Reading:
    """Another reading of a clause the text leaves open: its own `when` and `then` (the
    clause's where it changes only one), with its label and note. The clause as encoded
    is the natural reading; `check` reports what choosing this one would change."""

    label: str
    note: str
    when: Expr
    then: Expr
    location: Location = field(compare=False)


@dataclass(frozen=True)
class Clause:
    document: str
    id: str
    heading: str
    quotes: tuple[str, ...]
    when: Expr
    then: Expr
    when_text: str
    then_text: str
    overrides: tuple[Override, ...]
    note: str
    location: Location = field(compare=False)
    source_lines: tuple[int, ...] = field(default=(), compare=False)
    accepted: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (rule or kind, reason): see `gate`
    # the clauses whose outcome this one states a necessary condition of (`condition_of`):
    # they apply only where this clause's `when` does not hold
    condition_of: tuple[str, ...] = ()
    readings: tuple[Reading, ...] = field(default=(), compare=False)

    @property
    def quote(self) -> str:
        return " […] ".join(self.quotes)

    @property
    def key(self) -> tuple[str, str]:
        return (self.document, self.id)

    @property
    def links(self) -> tuple[Override, ...]:
        """Every clause this one narrows: its exceptions, then its conditions of eligibility."""
        return self.overrides + tuple(Override(t, condition=True) for t in self.condition_of)

    @property
    def decides(self) -> frozenset[str]:
        """The outcomes its `then` speaks to (an exception narrows only these)."""
        return frozenset(outcomes(self.then))


@dataclass(frozen=True)
class Axiom:
    """A background rule of the life of an order (`axioms:` in vocabulary.yaml): it
    holds in every case. `holds` reads facts only."""

    id: str
    meaning: str
    holds: Expr
    holds_text: str
    location: Location = field(compare=False)


@dataclass(frozen=True)
class Conjunct:
    """One top-level conjunct of a clause's `then`, under the clause's effective guard.

    The unit of reasoning: a clash names conjuncts, reported as their clauses.
    `guard` already excludes the cases taken by the exceptions that decide an outcome
    this conjunct speaks to (`narrowed_by`); its other conjuncts still apply there.
    """

    clause: Clause
    index: int
    guard: Expr
    body: Expr
    order: int  # position in the document set, fixes every canonical choice
    narrowed_by: tuple[tuple[Clause, Override], ...] = ()  # the exceptions taken out of `guard`

    @property
    def constrains(self) -> frozenset[str]:
        return frozenset(outcomes(self.body))

    @property
    def reads(self) -> frozenset[str]:
        return frozenset(outcomes(self.guard))

    @property
    def is_discretion(self) -> bool:
        return isinstance(self.body, Discretion)


def conjuncts_of(e: Expr) -> tuple[Expr, ...]:
    if isinstance(e, And):
        return tuple(x for op in e.operands for x in conjuncts_of(op))
    return (e,)


def is_bool(var_type) -> bool:
    return isinstance(var_type, BoolType)


def is_enum(var_type) -> bool:
    return isinstance(var_type, EnumType)


def atoms(e: Expr) -> list[Expr]:
    """The atomic conditions over facts in `e`, first occurrence first: the terms a
    region of cases is described in. An optional event read by an atom comes first
    as its own `Happened` atom."""
    found: list[Expr] = []

    def visit(x: Expr) -> None:
        if isinstance(x, Not):
            visit(x.operand)
        elif isinstance(x, (And, Or)):
            for op in x.operands:
                visit(op)
        elif isinstance(x, Cmp) and outcomes(x):
            visit(x.left)  # `refund_due == (hours(...) <= 24)`: the inner atom counts
            visit(x.right)
        elif isinstance(x, IfThen):
            visit(x.test)  # `fee == if(days(...) > 30, 20, 0)`: the test is the atom
        elif outcomes(x) or isinstance(x, (Const, Duration, Sum)):
            return
        elif isinstance(x, Var) and not is_bool(x.variable.type):
            return
        else:
            for name in sorted(optional_timestamps(x)):
                event = Happened(Var(_variable_of(x, name)), False)
                if event not in found:
                    found.append(event)
            if isinstance(x, Happened):
                x = Happened(x.timestamp, False)
            if x not in found:
                found.append(x)

    visit(e)
    return found


def conjunct_atoms(conjuncts) -> list[Expr]:
    """The atoms of the guards and bodies of several conjuncts, first occurrence first."""
    found: list[Expr] = []
    for c in conjuncts:
        for a in atoms(c.guard) + atoms(c.body):
            if a not in found:
                found.append(a)
    return found


def _variable_of(e: Expr, name: str) -> Variable:
    return next(n.variable for n in walk(e) if isinstance(n, Var) and n.name == name)
