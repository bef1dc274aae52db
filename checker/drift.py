"""Drift: a number in a clause's quote that its encoding does not use, or the reverse
("within 48 hours" encoded as `hours(order_placed_at, request_at) <= 24`).

Numbers are compared per dimension (hours, days, working days, years, months,
percent), exactly: a dimension only one side mentions is not drift, since a clause
may encode part of its quote and another clause the rest. Plain text and the typed
IR only: no solver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from . import ir
from .vocabulary import NumberType

UNITS = ("hours", "days", "working_days", "months", "years", "percent")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit. Units are canonical: weeks are counted as 7 days;
    months stay months (the language has no calendar months, and a month is no
    fixed number of days, so a month is never compared with days)."""

    value: Fraction
    unit: str  # one of UNITS
    text: str  # as written in the quote, or the encoded comparison


@dataclass(frozen=True)
class Drift:
    clause: str
    quoted: Quantity | None  # None: an encoded number the text lacks
    encoded: tuple[Quantity, ...]  # the encoding's numbers in that dimension (or the one the text lacks)
    message: str


# ---- numbers in the text -----------------------------------------------------------

_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_SCALES = {"hundred": 100, "thousand": 1000}

_WORD = r"(?<![a-z])(?:" + "|".join(sorted([*_SMALL, *_TENS, *_SCALES], key=len, reverse=True)) + r")(?![a-z])"
# "twenty-four", "one hundred and twenty"; "and" only after a scale, so that
# "between seven and nine" stays two numbers
_WORDS = rf"{_WORD}(?:(?:\s+|-)(?:(?<=hundred\s)and\s+|(?<=thousand\s)and\s+)?{_WORD})*"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d/])"
_NUMBER = rf"(?:{_DIGITS}|{_WORDS})"
_ALSO = rf"(?:\s*\({_NUMBER}\))?"  # "seven (7)"
_UNIT = (r"(?:(?P<working>working|business)[\s-]+days?|(?:calendar[\s-]+)?(?P<days>days?)|(?P<hours>hours?|hrs?)"
         r"|(?P<weeks>weeks?)|(?P<months>months?)|(?P<years>years?)|(?P<percent>%|per\s?cent|pct))(?![a-z])")

_QUANTITY = re.compile(
    # not inside a longer number, a section number ("2.2.1"), "24/7" or "1-800-..."
    rf"(?<![\w/])(?<!\d[.,-])(?:(?P<between>between)\s+)?(?P<first>{_NUMBER}{_ALSO})"
    rf"(?:(?:\s*[-\u2013\u2014]\s*|\s+(?:to|or)\s+|(?(between)\s+and\s+|(?!)))(?P<second>{_NUMBER}{_ALSO}))?"
    rf"\s*-?\s*{_UNIT}",
    re.IGNORECASE,
)
# "24 hours a day, 7 days a week": a rate, not a limit
_RATE = re.compile(r"\s*(?:(?:a|an|per|each|every)\s+|/\s*)(?:hour|day|week|month|year)\b", re.IGNORECASE)
_MONEY = re.compile(r"(?:[$\u20ac\u00a3\u20b9]|\b(?:rs\.?|inr|usd|eur|gbp))\s*$", re.IGNORECASE)
_NUMBERS = re.compile(_NUMBER, re.IGNORECASE)


def _word_value(words: str) -> int | None:
    """ "forty-eight" -> 48, "one hundred and five" -> 105; None for a run that is not
    one number ("seven nine")."""
    total, current, last = 0, 0, ""
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and":
            continue
        if w in _SCALES:
            if last in _SCALES and _SCALES[last] >= _SCALES[w]:
                return None
            current = max(current, 1) * _SCALES[w]
            if w == "thousand":
                total, current = total + current, 0
        elif w in _TENS:
            if last in _SMALL or last in _TENS:
                return None
            current += _TENS[w]
        else:
            if last in _SMALL or (last in _TENS and _SMALL[w] >= 10) or (last in _TENS and w == "zero"):
                return None
            current += _SMALL[w]
        last = w
    return total + current


def _values(written: str) -> list[Fraction]:
    """The distinct numbers of "seven (7)", "48", "1,000" (two if they disagree)."""
    found: list[Fraction] = []
    for m in _NUMBERS.finditer(written):
        token = m.group(0)
        value = Fraction(token.replace(",", "")) if token[0].isdigit() else _word_value(token)
        if value is None:
            return []
        if Fraction(value) not in found:
            found.append(Fraction(value))
    return found


def _unit_and_factor(m: re.Match[str]) -> tuple[str, int]:
    for group, unit, factor in (("working", "working_days", 1), ("days", "days", 1), ("hours", "hours", 1),
                                ("weeks", "days", 7), ("months", "months", 1), ("years", "years", 1),
                                ("percent", "percent", 1)):
        if m.group(group):
            return unit, factor
    raise AssertionError(m.group(0))


def quantities_in_text(text: str) -> list[Quantity]:
    """Every number of hours, days, working (business) days, weeks (as days), months,
    years or percent in `text`, in order; ranges ("7-9 working days") give both ends.
    Numbers without such a unit (sections, phone numbers, dates, money) and rates
    ("24 hours a day") are not quantities."""
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        if _RATE.match(text, m.end()) or _MONEY.search(text, 0, m.start()):
            continue
        unit, factor = _unit_and_factor(m)
        written = " ".join(text[m.start():m.end()].split())
        for part in ("first", "second"):
            for value in _values(m.group(part) or ""):
                if unit == "years" and value.denominator == 1 and 1900 <= value <= 2100:
                    continue  # "the 2024 year-end sale": a date
                found.append(Quantity(value * factor, unit, written))
    return found


# ---- numbers in the encoding -------------------------------------------------------


@dataclass(frozen=True)
class _Bound:
    """An encoded number, with the values of the text it may stand for."""

    quantity: Quantity
    accepts: frozenset[Fraction]


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _measure_unit(e: ir.Expr) -> tuple[str, bool] | None:
    """(unit, whole numbers only) of a duration or of a number with a unit."""
    if isinstance(e, ir.Duration):
        return e.unit, e.unit != "hours"
    if isinstance(e, ir.Var) and isinstance(e.variable.type, NumberType) and e.variable.type.unit in UNITS:
        return e.variable.type.unit, e.variable.type.integer
    return None


def _linear(e: ir.Expr, sign: int = 1) -> tuple[list[tuple[int, ir.Expr]], Fraction] | None:
    """`e` as signed measures plus a constant; None if it holds anything else."""
    if isinstance(e, ir.Const) and isinstance(e.value, Fraction):
        return [], sign * e.value
    if _measure_unit(e) is not None:
        return [(sign, e)], Fraction(0)
    if isinstance(e, ir.Sum):
        left = _linear(e.left, sign)
        right = _linear(e.right, sign if e.op == "+" else -sign)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]
    return None


def _show(e: ir.Expr) -> str:
    if isinstance(e, ir.Duration):
        return f"{e.unit}({e.start.name}, {e.end.name})"
    if isinstance(e, ir.Var):
        return e.name
    if isinstance(e, ir.Const) and isinstance(e.value, Fraction):
        return _number(e.value)
    if isinstance(e, ir.Sum):
        return f"{_show(e.left)} {e.op} {_show(e.right)}"
    return "..."


def _compared(cmp: ir.Cmp) -> _Bound | None:
    left, right = _linear(cmp.left), _linear(cmp.right)
    if left is None or right is None:
        return None
    terms = left[0] + [(-s, t) for s, t in right[0]]
    constant = right[1] - left[1]  # sum(terms) OP constant
    units = {_measure_unit(t) for _, t in terms}
    if len(units) != 1:
        return None  # no measure (two plain numbers), or hours against days: no one unit
    [(unit, whole)] = units
    text = f"{_show(cmp.left)} {cmp.op} {_show(cmp.right)}"
    if len(terms) > 1:  # an offset between two measures: `hours(a, b) <= hours(a, c) + 24`
        return _Bound(Quantity(abs(constant), unit, text), frozenset({abs(constant)})) if constant else None
    [(sign, _)] = terms
    value, op = (constant, cmp.op) if sign > 0 else (-constant, _MIRROR[cmp.op])
    accepts = {value}
    if whole and op in ("<", ">="):
        # The language writes "within 30 days" as `<= 30` and "more than 30 days" as
        # `> 30`; on whole days `< 31` and `>= 31` say the same, so they match 30 too.
        accepts.add(value - 1)
    return _Bound(Quantity(value, unit, text), frozenset(accepts))


def _bounds(clause: ir.Clause) -> list[_Bound]:
    found: list[_Bound] = []
    for root in (clause.when, clause.then):
        for e in ir.walk(root):
            bound = None
            if isinstance(e, ir.YearsWithin):
                # anniversaries are dates, not whole-number counts: no `< n` twin
                text = f"years({e.start.name}, {e.end.name}) {e.op} {e.years}"
                bound = _Bound(Quantity(Fraction(e.years), "years", text), frozenset({Fraction(e.years)}))
            elif isinstance(e, ir.Cmp):
                for branch in _branches(e):
                    bound = _compared(branch)
                    if bound is not None:
                        found.append(bound)
                continue
            if bound is not None:
                found.append(bound)
    return found


def _branches(cmp: ir.Cmp) -> list[ir.Cmp]:
    """`fee == if(t, 20, 0)` as `fee == 20` and `fee == 0`: each number it can compare with."""
    for side in ("left", "right"):
        value = getattr(cmp, side)
        if isinstance(value, ir.IfThen):
            return [b for v in (value.then, value.otherwise)
                    for b in _branches(ir.Cmp(cmp.op, **{**{"left": cmp.left, "right": cmp.right}, side: v}))]
    return [cmp]


def encoded_quantities(clause: ir.Clause) -> list[Quantity]:
    """The numbers the clause's `when` and `then` compare durations, `years` and
    numbers with a unit (percent, working days) against, in order. A bound is read
    as `measure OP n` whichever side the constant stands on."""
    return [b.quantity for b in _bounds(clause)]


# ---- drift ---------------------------------------------------------------------------


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _amount(values: list[Fraction], unit: str) -> str:
    """[7, 9], working_days -> "7 and 9 working days"; [20], percent -> "20%"."""
    if unit == "percent":
        numbers = [f"{_number(v)}%" for v in values]
        name = ""
    else:
        numbers = [_number(v) for v in values]
        name = " " + (unit.replace("_", " ").removesuffix("s") if values == [1] else unit.replace("_", " "))
    listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return listed + name


def _distinct(quantities: list[Quantity]) -> list[Quantity]:
    seen: dict[tuple[Fraction, str], Quantity] = {}
    for q in quantities:
        seen.setdefault((q.value, q.unit), q)
    return list(seen.values())


def drift(clause: ir.Clause, text: str | None = None) -> list[Drift]:
    """The numbers of `text` (default: the clause's quotes) and of the clause's
    encoding that disagree, dimension by dimension. A quoted number the encoding
    lacks is reported with the encoding's numbers; an encoded number the text lacks
    only when every quoted number of its dimension is matched (else the first report
    already tells it). An encoded 0 is never reported: it orders events or says
    "no fee", it is not a number the text writes."""
    quoted = [q for t in (clause.quotes if text is None else (text,)) for q in quantities_in_text(t)]
    bounds = _bounds(clause)
    found: list[Drift] = []
    for unit in UNITS:
        said = _distinct([q for q in quoted if q.unit == unit])
        used = [b for b in bounds if b.quantity.unit == unit]
        if not said or not used:
            continue
        encoded = tuple(_distinct([b.quantity for b in used]))
        uses = _amount(sorted(q.value for q in encoded), unit)
        missing = [q for q in said if not any(q.value in b.accepts for b in used)]
        for q in missing:
            ranged = sum(1 for other in said if other.text == q.text) > 1  # "7-10 working days": say which end
            found.append(Drift(clause.id, q, encoded, f'the text says "{q.text}" but the encoding uses {uses}'
                               + (f", not {_amount([q.value], unit)}" if ranged else "")))
        if missing:
            continue
        says = " and ".join(f'"{t}"' for t in dict.fromkeys(q.text for q in said))
        for e in encoded:
            twins = [b for b in used if b.quantity.value == e.value]
            if e.value != 0 and not any(q.value in b.accepts for q in said for b in twins):
                found.append(Drift(clause.id, None, (e,), f"the encoding uses {_amount([e.value], unit)} "
                                                          f"({e.text}) but the text says {says}"))
    return found
