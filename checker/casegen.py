"""Generated cases over the vocabulary, for the differential tests and the benchmarks.

One generator serves both: it asks a `Chooser` for every choice, and a chooser is
backed either by `random.Random` (benchmarks) or by hypothesis (tests, with
shrinking). Times cluster on the boundaries policies draw (24 h, 48 h, 30 days,
one year...), where off-by-one readings differ.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, Callable, Protocol, Sequence

from .cases import FactValue
from .vocabulary import BoolType, EnumType, NumberType, TimestampType, Vocabulary

HOUR, DAY = 3600, 86400
# Offsets in seconds that sit on or next to the boundaries seller policies use.
BOUNDARY_OFFSETS = sorted({
    *(h * HOUR + d for h in (0, 1, 8, 12, 23, 24, 25, 47, 48, 49, 72) for d in (-1, 0, 1)),
    *(n * DAY + d for n in (1, 2, 3, 7, 9, 14, 15, 29, 30, 31, 60, 364, 365, 366, 730, 1825, 1826, 1827) for d in (-1, 0, 1)),
} - {-1})
ZONES = (timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-5)))
# Chains of events that follow one another (the background axioms).
CHAINS = (("invoiced_at", "shipping_arranged_at", "shipped_at", "delivered_at"), ("return_sent_at", "return_received_at"))


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


def generate_facts(vocabulary: Vocabulary, chooser: Chooser) -> dict[str, FactValue]:
    """Complete facts that satisfy the background axioms."""
    facts: dict[str, FactValue] = {}
    zone = chooser.choice(ZONES)
    start = datetime(2026, 1, 1, tzinfo=zone) + timedelta(days=chooser.integer(0, 700), minutes=15 * chooser.integer(0, 95))
    facts["order_placed_at"] = start
    for chain in CHAINS:
        previous = start
        happened = True
        for name in chain:
            if name not in vocabulary.facts:
                continue
            happened = happened and chooser.choice((True, False))
            if happened:
                previous = previous + timedelta(seconds=_offset(chooser) if chooser.choice((True, False)) else 0)
                facts[name] = previous
            else:
                facts[name] = None
    # the request is timed from the order or, when delivered, often from delivery
    anchor = start
    if facts.get("delivered_at") is not None and chooser.choice((True, False)):
        anchor = facts["delivered_at"]
    facts["request_at"] = anchor + timedelta(seconds=_offset(chooser))
    for var in vocabulary.facts.values():
        if var.name in facts:
            continue
        t = var.type
        if isinstance(t, TimestampType):
            if not t.optional:
                facts[var.name] = start + timedelta(seconds=_offset(chooser))
            else:
                facts[var.name] = None if chooser.choice((True, False)) else start + timedelta(seconds=_offset(chooser))
        elif isinstance(t, BoolType):
            facts[var.name] = chooser.choice((False, True))
        elif isinstance(t, EnumType):
            facts[var.name] = chooser.choice(t.values)
        elif isinstance(t, NumberType):
            facts[var.name] = _number(t, chooser)
    return facts


def _number(t: NumberType, chooser: Chooser) -> Fraction:
    low, high = int(t.low), int(t.high)
    marks = [v for v in (low, high, 79, 80, 81, 20, 50) if low <= v <= high]
    if chooser.choice((True, False)):
        return Fraction(chooser.choice(marks))
    value = Fraction(chooser.integer(low * 10, high * 10), 10)
    return Fraction(int(value)) if t.integer else value


def random_cases(vocabulary: Vocabulary, count: int, seed: int = 0) -> list[dict[str, FactValue]]:
    chooser = RandomChooser(seed)
    return [generate_facts(vocabulary, chooser) for _ in range(count)]
