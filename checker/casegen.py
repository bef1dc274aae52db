"""Generated cases over the vocabulary, for the differential tests and the benchmarks.

One generator serves both: it asks a `Chooser` for every choice, and a chooser is
backed either by `random.Random` (benchmarks) or by hypothesis (tests, with
shrinking). Times cluster on the boundaries policies draw (24 h, 48 h, 30 days,
one year...), where off-by-one readings differ.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, Callable, Protocol, Sequence

from . import ir
from .cases import FactValue
from .semantics import axioms
from .vocabulary import BoolType, EnumType, NumberType, TimestampType, Vocabulary

HOUR, DAY = 3600, 86400
# Offsets in seconds that sit on or next to the boundaries seller policies use.
BOUNDARY_OFFSETS = sorted({
    *(h * HOUR + d for h in (0, 1, 8, 12, 23, 24, 25, 47, 48, 49, 72) for d in (-1, 0, 1)),
    *(n * DAY + d for n in (1, 2, 3, 7, 9, 14, 15, 29, 30, 31, 60, 364, 365, 366, 730, 1825, 1826, 1827) for d in (-1, 0, 1)),
} - {-1})
ZONES = (timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-5)))
# Steps the repair of one generated case may take before it falls back on a quiet case.
SEARCH_LIMIT = 2000


class Chooser(Protocol):
    def choice(self, options: Sequence[Any]) -> Any: ...
    def integer(self, low: int, high: int) -> int: ...


class RandomChooser:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def choice(self, options: Sequence[Any]) -> Any:
        return self.rng.choice(list(options))

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


class DrawChooser:
    """Adapts hypothesis's `draw` (from `st.composite` or `st.data()`)."""

    def __init__(self, draw: Callable, strategies: Any):
        self.draw, self.st = draw, strategies

    def choice(self, options: Sequence[Any]) -> Any:
        return self.draw(self.st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return self.draw(self.st.integers(low, high))


def _offset(chooser: Chooser) -> int:
    if chooser.choice((True, True, True, False)):
        return chooser.choice(BOUNDARY_OFFSETS)
    return chooser.integer(0, 400 * DAY)


@dataclass(frozen=True)
class _Draw:
    """The drawn time of one timestamp: whether it happened, and when, as an offset from
    the order or from the latest event before it."""

    happened: bool
    from_previous: bool
    offset: timedelta


def generate_facts(vocabulary: Vocabulary, chooser: Chooser) -> dict[str, FactValue]:
    """Complete facts that satisfy the background axioms of `vocabulary`.

    Every choice is made first, so the result depends only on the chooser: for each
    event whether it happened and its time, an offset (clustered on the boundaries
    policies use) from the order or from the event before it, in the order in which
    vocabulary.yaml lists them (the order in which they follow one another); every other
    fact as before. Then the facts the axioms read are repaired with
    `semantics.axioms.search`: the drawn timeline is kept as far as the axioms allow
    (an event they require is given its drawn time, or one after the events before
    it), and bool and enum facts the timeline rules out take the first value that
    fits (a request made before delivery is not a return)."""
    zone = chooser.choice(ZONES)
    start = datetime(2026, 1, 1, tzinfo=zone) + timedelta(days=chooser.integer(0, 700), minutes=15 * chooser.integer(0, 95))
    times = [v for v in vocabulary.timestamps if v.name != "order_placed_at"]
    draws: dict[str, _Draw] = {}
    for var in times:
        if var.type.optional:
            happened = chooser.choice((True, False))
            from_previous = chooser.choice((True, False))
            seconds = _offset(chooser) if chooser.choice((True, False)) else 0
        else:
            happened, from_previous, seconds = True, chooser.choice((True, False)), _offset(chooser)
        draws[var.name] = _Draw(happened, from_previous, timedelta(seconds=seconds))
    facts: dict[str, FactValue] = {"order_placed_at": start} if "order_placed_at" in vocabulary.facts else {}
    for var in vocabulary.facts.values():
        t = var.type
        if isinstance(t, BoolType):
            facts[var.name] = chooser.choice((False, True))
        elif isinstance(t, EnumType):
            facts[var.name] = chooser.choice(t.values)
        elif isinstance(t, NumberType):
            facts[var.name] = _number(t, chooser)
    read = {n for a in vocabulary.axioms for n in ir.facts(a.holds)}
    order = [v.name for v in times] + [n for n, v in vocabulary.facts.items()
                                       if n in read and not isinstance(v.type, TimestampType)]
    depends = {name: order[:i] for i, name in enumerate(order) if name in draws}

    def candidates(name: str, assigned: dict[str, FactValue]) -> list[FactValue]:
        var = vocabulary.facts[name]
        if name not in draws:
            drawn = facts[name]
            return [drawn, *(v for v in _values(var.type) if v != drawn)]
        before = [v for n, v in assigned.items() if n in draws and isinstance(v, datetime)]
        draw = draws[name]
        latest = max([start, *before])
        moments = []
        for moment in ((before[-1] if draw.from_previous and before else start) + draw.offset, latest + draw.offset, latest):
            if moment not in moments:
                moments.append(moment)
        if not var.type.optional:
            return moments
        return [*moments, None] if draw.happened else [None, *moments]

    base = {n: v for n, v in facts.items() if n not in order}
    found = axioms.search(vocabulary, base, order, candidates, depends, SEARCH_LIMIT)
    if found is None:
        found = _quiet(vocabulary, facts, base, order, start)
    return {n: found[n] for n in vocabulary.facts}


def _values(t) -> list[FactValue]:
    if isinstance(t, BoolType):
        return [False, True]
    if isinstance(t, EnumType):
        return list(t.values)
    if isinstance(t, NumberType):
        return [Fraction(t.low), Fraction(t.high)]
    return []


def _quiet(vocabulary: Vocabulary, drawn: dict[str, FactValue], base: dict[str, FactValue], order: list[str],
           start: datetime) -> dict[str, FactValue]:
    """The fallback of a case the repair could not fit in its steps: nothing has happened
    but the order and the request (at the order's time), the other facts as drawn where
    the axioms allow."""
    def candidates(name: str, assigned: dict[str, FactValue]) -> list[FactValue]:
        t = vocabulary.facts[name].type
        if isinstance(t, TimestampType):
            return [None] if t.optional else [start]
        return [drawn[name], *(v for v in _values(t) if v != drawn[name])]

    found = axioms.search(vocabulary, base, order, candidates, {}, SEARCH_LIMIT * 10)
    if found is None:
        raise ValueError("the axioms of the vocabulary admit no case in which only the order and the request happened")
    return found


def _number(t: NumberType, chooser: Chooser) -> Fraction:
    low, high = int(t.low), int(t.high)
    marks = [v for v in (low, high, 79, 80, 81, 20, 50) if low <= v <= high]
    if chooser.choice((True, False)):
        return Fraction(chooser.choice(marks))
    value = Fraction(chooser.integer(low * 10, high * 10), 10)
    return Fraction(int(value)) if t.integer else value


def forget_facts(vocabulary: Vocabulary, facts: dict[str, FactValue], chooser: Chooser,
                 most: int = 3) -> dict[str, FactValue]:
    """`facts` with up to `most` bool or enum facts left out: a case that does not say
    everything, as real cases don't (the solver leaves such a fact free; the evaluator
    tries each of its values)."""
    finite = [n for n, v in vocabulary.facts.items() if n in facts and isinstance(v.type, (BoolType, EnumType))]
    out = dict(facts)
    for _ in range(chooser.integer(0, most)):
        if not finite:
            break
        out.pop(finite.pop(chooser.integer(0, len(finite) - 1)), None)
    return out


def random_cases(vocabulary: Vocabulary, count: int, seed: int = 0) -> list[dict[str, FactValue]]:
    chooser = RandomChooser(seed)
    return [generate_facts(vocabulary, chooser) for _ in range(count)]
