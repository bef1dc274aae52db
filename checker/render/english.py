"""The condition language said in English: one renderer for every condition, effect
and clause a person reads (narratives, regions, messages).

It reads the phrases of the vocabulary (`Words`: a sentence for a bool when false, an
event's noun, a clause's effect on an outcome, a sentence per enum value) and falls
back to the variable's name in words where a vocabulary gives none. It never prints the
condition language itself: no operator, no `is none`, no identifier with `_`.
"""

from __future__ import annotations

from fractions import Fraction

from .. import ir
from ..vocabulary import BoolType, EnumType, NumberType, TimestampType, Variable

_BOUND = {"<=": "at most", "<": "less than", ">=": "at least", ">": "more than", "==": "exactly", "!=": "other than"}
_ORDER = {"<": "before", "<=": "at or before", ">": "after", ">=": "at or after"}
# the operator with its sides swapped, and the operator of the negation (one home: `narrate` reads them too)
MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
UNITS = {"hours": "hours", "days": "calendar days", "working_days": "working days"}
_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 10: "tenth"}


def words_of(name: str) -> str:
    return name.removesuffix("_at").replace("_", " ")


def event(var: Variable) -> str:
    """A timestamp as the event it records: "the invoice"."""
    return var.words.event or f"the {words_of(var.name)}"


def noun(var: Variable) -> str:
    """What an outcome decides (or a number fact measures): "the cancellation"."""
    return var.words.noun or f"the {words_of(var.name)}"


def nouns(variables: list[Variable]) -> str:
    return _listed([noun(v) for v in variables], "and")


def value(var: Variable, v) -> str:
    """A value of the variable as a reader says it: "20%", "14 working days", "bank transfer"."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, Fraction) or isinstance(v, (int, float)):
        return number(Fraction(v), var.type.unit if isinstance(var.type, NumberType) else "")
    return str(v).replace("_", " ")


def number(v: Fraction, unit: str = "") -> str:
    text = str(v.numerator) if v.denominator == 1 else f"{float(v):g}"
    if unit == "percent":
        return f"{text}%"
    if unit in UNITS:
        return f"{text} {UNITS[unit] if v != 1 else UNITS[unit][:-1]}"
    return f"{text} {unit.replace('_', ' ')}".strip()


# ---- conditions -------------------------------------------------------------------------


def condition(e: ir.Expr) -> str:
    """`e` (a condition over facts, and bool or enum outcomes) as a sentence."""
    if isinstance(e, ir.Const) and isinstance(e.value, bool):
        return "in every case" if e.value else "in no case"
    if isinstance(e, ir.And):
        return _listed([_part(x) for x in e.operands], "and")
    if isinstance(e, ir.Or):
        return "either " + _listed([_part(x, inside_or=True) for x in e.operands], "or")
    if isinstance(e, ir.Not):
        return negation(e.operand)
    return _atom(e, True)


def negation(e: ir.Expr) -> str:
    """The sentence for `not e`."""
    if isinstance(e, ir.Not):
        return condition(e.operand)
    if isinstance(e, ir.And):
        return "not all of: " + condition(e)
    if isinstance(e, ir.Or):
        return "none of: " + _listed([_part(x, inside_or=True) for x in e.operands], "or")
    if isinstance(e, ir.Const) and isinstance(e.value, bool):
        return condition(ir.Const(not e.value))
    return _atom(e, False)


def _part(e: ir.Expr, inside_or: bool = False) -> str:
    """A part of a list: an `or` inside an `and` (or the reverse) keeps its own frame."""
    if isinstance(e, ir.Or) and not inside_or:
        return condition(e)
    if isinstance(e, ir.And) and inside_or:
        return "both " + condition(e)
    return condition(e)


def _atom(e: ir.Expr, truth: bool) -> str:
    if isinstance(e, ir.Var):
        var = e.variable
        if isinstance(var.type, BoolType):
            return var.meaning if truth else (var.words.negated or f"it is not so that {var.meaning}")
        return words_of(var.name)
    if isinstance(e, ir.Happened):
        var = e.timestamp.variable
        happened = truth != e.negated
        return var.meaning if happened else (var.words.negated or f"{event(var)} has not happened")
    if isinstance(e, ir.In):
        inside = set(e.values) if truth != e.negated else set(e.operand.variable.type.values) - set(e.values)
        return _one_of(e.operand.variable, inside)
    if isinstance(e, ir.YearsWithin):
        return _years(e, truth)
    if isinstance(e, ir.Cmp):
        return _compare(e if truth else ir.Cmp(NEGATE[e.op], e.left, e.right), truth)
    return "a condition"  # unreachable for a type-checked condition


def one_of(var: Variable, values: set[str]) -> str:
    """The enum `var` has one of `values`, as a sentence."""
    return _one_of(var, values)


def _one_of(var: Variable, values: set[str]) -> str:
    says = dict(var.words.says)
    ordered = [v for v in var.type.values if v in values]
    if not ordered:
        return "in no case"
    phrases = [says.get(v) or f"{words_of(var.name)} is {words_of(v)}" for v in ordered]
    return ("either " if len(phrases) > 1 else "") + _listed(phrases, "or")


def _compare(e: ir.Cmp, truth: bool) -> str:
    left, right, op = e.left, e.right, e.op
    if isinstance(left, ir.Const) and not isinstance(right, ir.Const):
        left, right, op = right, left, MIRROR[op]
    # an enum against one of its values
    if isinstance(right, ir.Const) and isinstance(right.value, str) and isinstance(left, ir.Var):
        values = set(left.variable.type.values)
        return _one_of(left.variable, {right.value} if op == "==" else values - {right.value})
    # a bool against a condition or a constant
    if isinstance(left, ir.Var) and isinstance(left.variable.type, BoolType):
        if isinstance(right, ir.Const) and isinstance(right.value, bool):
            return _atom(left, right.value == (op == "=="))
        same = op == "=="
        return f"{_atom(left, True)} exactly when {condition(right) if same else negation(right)}"
    # a duration bounded by a number: "the request is at most 48 hours after the order"
    if isinstance(left, ir.Duration) and isinstance(right, ir.Const):
        start, end = left.start.variable, left.end.variable
        amount = number(Fraction(right.value), left.unit)
        if op in ("==", "!="):
            return f"{event(end)} is {'' if op == '==' else 'not '}exactly {amount} after {event(start)}"
        return f"{event(end)} is {_BOUND[op]} {amount} after {event(start)}"
    # two events: "the request is before the invoice"
    if isinstance(left, ir.Var) and isinstance(left.variable.type, TimestampType) and isinstance(right, ir.Var):
        return f"{event(left.variable)} is {_ORDER[op]} {event(right.variable)}"
    # a number (a fact, a measure) against a value, in the unit of the number
    if isinstance(left, ir.Var) and isinstance(right, ir.Const) and isinstance(left.variable.type, NumberType):
        return f"{noun(left.variable)} is {_BOUND[op]} {number(Fraction(right.value), left.variable.type.unit)}"
    return f"{_quantity(left)} is {_BOUND[op]} {_quantity(right)}"


def quantity(e: ir.Expr) -> str:
    """A number, a measure or a duration as a noun phrase."""
    return _quantity(e)


def _quantity(e: ir.Expr) -> str:
    if isinstance(e, ir.Const) and isinstance(e.value, Fraction):
        return number(e.value)
    if isinstance(e, ir.Var):
        return noun(e.variable)
    if isinstance(e, ir.Duration):
        return f"the {UNITS[e.unit]} from {event(e.start.variable)} to {event(e.end.variable)}"
    if isinstance(e, ir.Sum):
        return f"{_quantity(e.left)} {'plus' if e.op == '+' else 'minus'} {_quantity(e.right)}"
    if isinstance(e, ir.IfThen):
        return f"{_quantity(e.then)} where {condition(e.test)}, else {_quantity(e.otherwise)}"
    return "a quantity"


def _years(e: ir.YearsWithin, truth: bool) -> str:
    op = e.op if truth else NEGATE[e.op]
    start, end = e.start.variable, e.end.variable
    nth = _ORDINAL.get(e.years, f"{e.years}th")
    anniversary = f"the {nth} anniversary of the date of {event(start)}"
    return {"<=": f"{event(end)} is on or before {anniversary}", "<": f"{event(end)} is before {anniversary}",
            ">": f"{event(end)} is after {anniversary}", ">=": f"{event(end)} is on or after {anniversary}"}[op]


# ---- effects of a clause ---------------------------------------------------------------


def effect(e: ir.Expr) -> str:
    """What a conjunct of a `then` does, as a verb phrase: "allows the cancellation"."""
    if isinstance(e, ir.Discretion):
        return f"leaves {noun(e.outcome.variable)} to the seller"
    if isinstance(e, ir.And):
        return _listed([effect(x) for x in e.operands], "and")
    if isinstance(e, ir.Or):
        return "either " + _listed([effect(x) for x in e.operands], "or")
    if isinstance(e, ir.Var) and e.is_outcome:
        return _bool_effect(e.variable, True)
    if isinstance(e, ir.Not) and isinstance(e.operand, ir.Var) and e.operand.is_outcome:
        return _bool_effect(e.operand.variable, False)
    if isinstance(e, ir.In) and e.operand.is_outcome:
        inside = set(e.values) if not e.negated else set(e.operand.variable.type.values) - set(e.values)
        return _enum_effect(e.operand.variable, inside)
    if isinstance(e, ir.Cmp) and isinstance(e.left, ir.Var) and e.left.is_outcome:
        var = e.left.variable
        if isinstance(var.type, EnumType) and isinstance(e.right, ir.Const):
            values = {e.right.value} if e.op == "==" else set(var.type.values) - {e.right.value}
            return _enum_effect(var, values)
        if isinstance(var.type, BoolType):
            if isinstance(e.right, ir.Const):
                return _bool_effect(var, e.right.value == (e.op == "=="))
            when = condition(e.right) if e.op == "==" else negation(e.right)
            return f"{_bool_effect(var, True)} exactly when {when}; otherwise it {_bool_effect(var, False)}"
        if isinstance(var.type, NumberType):
            amount = _amount(var, e.right)
            return {"==": f"sets {noun(var)} at {amount}", "<=": f"limits {noun(var)} to at most {amount}",
                    "<": f"limits {noun(var)} to less than {amount}", ">=": f"sets {noun(var)} at no less than {amount}",
                    ">": f"sets {noun(var)} at more than {amount}", "!=": f"rules out {noun(var)} of {amount}"}[e.op]
    return f"requires that {condition(e)}"


def _amount(var: Variable, e: ir.Expr) -> str:
    unit = var.type.unit if isinstance(var.type, NumberType) else ""
    if isinstance(e, ir.Const) and isinstance(e.value, Fraction):
        return number(e.value, unit)
    if isinstance(e, ir.IfThen):
        return f"{_amount(var, e.then)} where {condition(e.test)}, else {_amount(var, e.otherwise)}"
    return _quantity(e)


def _bool_effect(var: Variable, truth: bool) -> str:
    phrase = var.words.if_true if truth else var.words.if_false
    if phrase:
        return phrase
    return f"makes it so that {var.meaning if truth else (var.words.negated or 'not: ' + var.meaning)}"


def _enum_effect(var: Variable, values: set[str]) -> str:
    says = dict(var.words.says)
    ordered = [v for v in var.type.values if v in values]
    phrases = [says.get(v) or f"sets {noun(var)} to {words_of(v)}" for v in ordered]
    return "either " + _listed(phrases, "or") if len(phrases) > 1 else (phrases[0] if phrases else "decides nothing")


def clause_says(clause: ir.Clause, when: ir.Expr | None = None, then: ir.Expr | None = None) -> str:
    """What a clause says, in words: "1.1 allows the cancellation exactly when ..., where
    the order was placed online and the customer asks to cancel the order"."""
    when = clause.when if when is None else when
    then = clause.then if then is None else then
    said = f"{clause.id} {effect(then)}"
    if not (isinstance(when, ir.Const) and when.value is True):
        said += f", where {condition(when)}"
    return said


def _listed(parts: list[str], word: str) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]
