"""Resolve names against the vocabulary and check types: untyped AST -> typed IR.

Raises `TypeProblem(offset, message)` at the first problem in an expression; the
loader turns the offset into a file, line and column.
"""

from __future__ import annotations

import difflib
from fractions import Fraction

from . import ir, syntax
from .vocabulary import BoolType, EnumType, NumberType, TimestampType, Vocabulary

DURATIONS = ("hours", "days", "working_days")
FUNCTIONS = syntax.FUNCTIONS  # one list: the vocabulary refuses these as names
assert set(DURATIONS) <= set(FUNCTIONS)


class TypeProblem(Exception):
    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset
        self.message = message


class _Checker:
    def __init__(self, vocabulary: Vocabulary):
        self.vocab = vocabulary

    # -- names -------------------------------------------------------------------------

    def var(self, node: syntax.Name) -> ir.Var:
        variable = self.vocab.lookup(node.ident)
        if variable is None:
            raise TypeProblem(node.offset, self._unknown(node.ident))
        return ir.Var(variable)

    def _unknown(self, ident: str) -> str:
        names = [*self.vocab.facts, *self.vocab.outcomes, *FUNCTIONS]
        close = difflib.get_close_matches(ident, names + sorted(self.vocab.enum_values()), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown name {ident!r}: expected a fact or outcome of vocabulary.yaml{hint}"

    # -- boolean context ---------------------------------------------------------------

    def boolean(self, node: syntax.Node) -> ir.Expr:
        if isinstance(node, syntax.Boolean):
            return ir.Const(node.value)
        if isinstance(node, syntax.Name):
            var = self.var(node)
            if not isinstance(var.variable.type, BoolType):
                raise TypeProblem(node.offset, f"{node.ident!r} is a {var.variable.type}, not a condition; compare it with a value")
            return var
        if isinstance(node, syntax.Not):
            return ir.Not(self.boolean(node.operand))
        if isinstance(node, syntax.And):
            return ir.And(tuple(self.boolean(o) for o in node.operands))
        if isinstance(node, syntax.Or):
            return ir.Or(tuple(self.boolean(o) for o in node.operands))
        if isinstance(node, syntax.IsNone):
            return self.is_none(node)
        if isinstance(node, syntax.Member):
            return self.member(node)
        if isinstance(node, syntax.Compare):
            return self.compare(node)
        if isinstance(node, syntax.Call):
            if node.function == "discretion":
                raise TypeProblem(node.offset, "discretion(...) may only stand as a whole conjunct of `then`")
            raise TypeProblem(node.offset, f"{node.function}(...) is a number, not a condition; compare it, e.g. {node.function}(a, b) <= 24")
        raise TypeProblem(node.offset, "expected a condition (a comparison, a bool name, 'not', 'and', 'or')")

    def is_none(self, node: syntax.IsNone) -> ir.Expr:
        if not isinstance(node.operand, syntax.Name):
            raise TypeProblem(node.offset, "'is none' applies to a timestamp name")
        var = self.var(node.operand)
        t = var.variable.type
        if not isinstance(t, TimestampType):
            raise TypeProblem(node.offset, f"'is none' applies to a timestamp; {var.name!r} is a {t}")
        if not t.optional:
            raise TypeProblem(node.offset, f"{var.name!r} always has a value (it is not optional)")
        return ir.Happened(var, negated=not node.negated)

    def member(self, node: syntax.Member) -> ir.Expr:
        if not isinstance(node.operand, syntax.Name):
            raise TypeProblem(node.offset, "'in [...]' applies to an enum name")
        var = self.var(node.operand)
        t = var.variable.type
        if not isinstance(t, EnumType):
            raise TypeProblem(node.offset, f"'in [...]' applies to an enum; {var.name!r} is a {t}")
        for value in node.values:
            if value.ident not in t.values:
                raise TypeProblem(value.offset, f"{value.ident!r} is not a value of {var.name} (expected {t})")
        return ir.In(var, tuple(v.ident for v in node.values), node.negated)

    def compare(self, node: syntax.Compare) -> ir.Expr:
        years = self._years(node)
        if years is not None:
            return years
        left, right = node.left, node.right
        # An enum value stands on one side, named by its bare identifier.
        left_e = self.operand(left, self._enum_context(right))
        right_e = self.operand(right, self._enum_context(left))
        lt, rt = self.type_of(left_e), self.type_of(right_e)
        op = node.op
        if isinstance(lt, BoolType) and isinstance(rt, BoolType) or isinstance(lt, EnumType) and isinstance(rt, EnumType):
            if op not in ("==", "!="):
                raise TypeProblem(node.offset, f"{op!r} does not apply to a {lt}; use == or !=")
            bare = isinstance(left_e, ir.Const) or isinstance(right_e, ir.Const)
            if isinstance(lt, EnumType) and isinstance(rt, EnumType) and lt.values != rt.values and not bare:
                raise TypeProblem(node.offset, f"cannot compare {lt} with {rt}")
            return ir.Cmp(op, left_e, right_e)
        if isinstance(lt, NumberType) and isinstance(rt, NumberType):
            return ir.Cmp(op, left_e, right_e)
        if isinstance(lt, TimestampType) and isinstance(rt, TimestampType):
            if op in ("==", "!="):
                raise TypeProblem(node.offset, "compare timestamps with <, <=, > or >= (earlier or later)")
            return ir.Cmp(op, left_e, right_e)
        raise TypeProblem(node.offset, f"cannot compare a {lt} with a {rt}")

    def _enum_context(self, other: syntax.Node) -> EnumType | None:
        if isinstance(other, syntax.Name):
            var = self.vocab.lookup(other.ident)
            if var is not None and isinstance(var.type, EnumType):
                return var.type
        return None

    def _years(self, node: syntax.Compare) -> ir.Expr | None:
        left, right = node.left, node.right
        if isinstance(left, syntax.Call) and left.function == "years":
            call, bound, op = left, right, node.op
        elif isinstance(right, syntax.Call) and right.function == "years":
            call, bound, op = right, left, _flip(node.op)
        else:
            return None
        if not isinstance(bound, syntax.Number) or bound.value.denominator != 1:
            raise TypeProblem(node.offset, "years(a, b) compares only with a whole number, e.g. years(shipped_at, request_at) <= 1")
        if op in ("==", "!="):
            raise TypeProblem(node.offset, "years(a, b) compares with <, <=, > or >=")
        start, end = self._two_timestamps(call)
        return ir.YearsWithin(op, start, end, int(bound.value))

    def _two_timestamps(self, call: syntax.Call) -> tuple[ir.Var, ir.Var]:
        if len(call.args) != 2:
            raise TypeProblem(call.offset, f"{call.function}(a, b) takes two timestamps, got {len(call.args)} arguments")
        result = []
        for arg in call.args:
            if not isinstance(arg, syntax.Name):
                raise TypeProblem(arg.offset, f"{call.function}(a, b) takes timestamp names")
            var = self.var(arg)
            if not isinstance(var.variable.type, TimestampType):
                raise TypeProblem(arg.offset, f"{call.function}(a, b) takes timestamps; {var.name!r} is a {var.variable.type}")
            result.append(var)
        return result[0], result[1]

    # -- value context -----------------------------------------------------------------

    def operand(self, node: syntax.Node, enum: EnumType | None) -> ir.Expr:
        if isinstance(node, syntax.Name):
            if self.vocab.lookup(node.ident) is None and enum is not None:
                if node.ident in enum.values:
                    return ir.Const(node.ident)
                raise TypeProblem(node.offset, f"{node.ident!r} is not a value of {enum.name} (expected {enum})")
            return self.var(node)
        if isinstance(node, syntax.Number):
            return ir.Const(node.value)
        if isinstance(node, syntax.Boolean):
            return ir.Const(node.value)
        if isinstance(node, syntax.Call):
            if node.function in DURATIONS:
                start, end = self._two_timestamps(node)
                return ir.Duration(node.function, start, end)
            if node.function == "years":
                raise TypeProblem(node.offset, "years(a, b) may only be compared with a whole number")
            if node.function == "discretion":
                raise TypeProblem(node.offset, "discretion(...) may only stand as a whole conjunct of `then`")
            if node.function == "if":
                return self.conditional(node)
            raise TypeProblem(node.offset, f"unknown function {node.function!r}: expected one of {', '.join(FUNCTIONS)}")
        if isinstance(node, syntax.Arith):
            left = self.operand(node.left, None)
            right = self.operand(node.right, None)
            for side, e in ((node.left, left), (node.right, right)):
                if not isinstance(self.type_of(e), NumberType):
                    raise TypeProblem(side.offset, f"'{node.op}' applies to numbers and durations, not a {self.type_of(e)}")
            return ir.Sum(node.op, left, right)
        return self.boolean(node)

    def conditional(self, node: syntax.Call) -> ir.Expr:
        """`if(test, value, otherwise)`: a number chosen by a condition over facts."""
        if len(node.args) != 3:
            raise TypeProblem(node.offset, f"if(condition, value, otherwise) takes three arguments, got {len(node.args)}")
        test = self.boolean(node.args[0])
        if ir.outcomes(test):
            raise TypeProblem(node.args[0].offset, "the condition of if(...) reads facts only")
        values = []
        for arg in node.args[1:]:
            value = self.operand(arg, None)
            if not isinstance(self.type_of(value), NumberType):
                raise TypeProblem(arg.offset, f"the values of if(...) are numbers, not a {self.type_of(value)}")
            absent = sorted(n.name for n in ir.walk(value) if isinstance(n, ir.Var)
                            and isinstance(n.variable.type, TimestampType) and n.variable.type.optional)
            if absent:
                raise TypeProblem(arg.offset, f"a value of if(...) may not read an event that may not have happened "
                                              f"({', '.join(absent)}); put it in the condition")
            values.append(value)
        return ir.IfThen(test, values[0], values[1])

    def type_of(self, e: ir.Expr):
        if isinstance(e, ir.Var):
            return e.variable.type
        if isinstance(e, ir.Const):
            if isinstance(e.value, bool):
                return BoolType()
            if isinstance(e.value, Fraction):
                return NumberType(integer=e.value.denominator == 1)
            return EnumType("", ())  # a bare value; only reached inside enum context
        if isinstance(e, (ir.Duration, ir.Sum, ir.IfThen)):
            return ir.numeric_type(e)
        return BoolType()


def _flip(op: str) -> str:
    return {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)


def check_condition(vocabulary: Vocabulary, node: syntax.Node) -> ir.Expr:
    """A `when` guard: any facts; bool and enum outcomes only."""
    expr = _Checker(vocabulary).boolean(node)
    for n in ir.walk(expr):
        if isinstance(n, ir.Var) and n.is_outcome and isinstance(n.variable.type, NumberType):
            raise TypeProblem(node.offset, f"a condition may read bool and enum outcomes only; {n.name!r} is a number")
    return expr


def check_consequence(vocabulary: Vocabulary, node: syntax.Node) -> ir.Expr:
    """A `then`: conjuncts that each constrain an outcome.

    A number outcome appears only as `outcome OP facts-only expression`, a whole conjunct
    of its own, so that both back ends decide it exactly.
    """
    checker = _Checker(vocabulary)
    parts = node.operands if isinstance(node, syntax.And) else (node,)
    result = []
    for part in parts:
        if isinstance(part, syntax.Call) and part.function == "discretion":
            if len(part.args) != 1 or not isinstance(part.args[0], syntax.Name):
                raise TypeProblem(part.offset, "discretion(outcome) takes one outcome name")
            var = checker.var(part.args[0])
            if not var.is_outcome:
                raise TypeProblem(part.offset, f"discretion(...) takes an outcome; {var.name!r} is a fact")
            result.append(ir.Discretion(var))
            continue
        expr = checker.boolean(part)
        numeric = {n.name for n in ir.walk(expr) if isinstance(n, ir.Var) and n.is_outcome and isinstance(n.variable.type, NumberType)}
        if numeric:
            ok = (
                isinstance(expr, ir.Cmp)
                and isinstance(expr.left, ir.Var)
                and expr.left.is_outcome
                and not ir.outcomes(expr.right)
            )
            if not ok:
                raise TypeProblem(part.offset, f"a number outcome ({', '.join(sorted(numeric))}) must stand alone as `outcome OP value`, e.g. restocking_fee_pct == 20")
        if not ir.outcomes(expr):
            raise TypeProblem(part.offset, "each part of `then` must constrain an outcome; this part reads facts only (put it in `when`)")
        result.append(expr)
    return result[0] if len(result) == 1 else ir.And(tuple(result))
