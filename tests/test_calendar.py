"""Z3's calendar (linear constraints) agrees with Python's datetime calendar."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import ir, timecalc
from checker.policy import Policy
from checker.smt import SmtPolicy, local_seconds
from checker.workspace import Workspace

from .conftest import ENCODINGS

VOCAB = Workspace.load([ENCODINGS]).vocabulary
SMT = SmtPolicy(Policy(VOCAB, ()))
A, B = ir.Var(VOCAB.facts["order_placed_at"]), ir.Var(VOCAB.facts["request_at"])

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)).map(lambda d: d.replace(tzinfo=timezone.utc))


def solver_value(term, start: datetime, end: datetime) -> int:
    s = z3.Solver(ctx=SMT.ctx)
    s.add(SMT.solver.assertions())
    s.add(SMT.vars["order_placed_at"] == local_seconds(start), SMT.vars["request_at"] == local_seconds(end))
    assert s.check() == z3.sat
    return s.model().eval(term, model_completion=True)


@settings(max_examples=150)
@given(moments, st.integers(0, 3000 * 86400))
def test_days_and_working_days(start: datetime, gap: int) -> None:
    end = start + timedelta(seconds=gap)
    days = SMT.compile(ir.Duration("days", A, B))
    working = SMT.compile(ir.Duration("working_days", A, B))
    assert solver_value(days, start, end).as_long() == timecalc.days(start, end)
    assert solver_value(working, start, end).as_long() == timecalc.working_days(start, end)


@settings(max_examples=150)
@given(moments, st.integers(0, 6 * 366), st.sampled_from([1, 2, 5]))
def test_years_anniversary(start: datetime, gap_days: int, years: int) -> None:
    end = start + timedelta(days=gap_days)
    within = SMT.compile(ir.YearsWithin("<=", A, B, years))
    expected = end.date() <= timecalc.anniversary(start.date(), years)
    assert z3.is_true(solver_value(within, start, end)) == expected


def test_leap_day_anniversary_is_28_february() -> None:
    start = datetime(2028, 2, 29, 12, tzinfo=timezone.utc)
    within = SMT.compile(ir.YearsWithin("<=", A, B, 1))
    assert z3.is_true(solver_value(within, start, datetime(2029, 2, 28, 23, tzinfo=timezone.utc)))
    assert z3.is_false(solver_value(within, start, datetime(2029, 3, 1, 0, tzinfo=timezone.utc)))


def test_working_days_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
    assert timecalc.working_days(friday, friday + timedelta(days=3)) == 1  # Sat, Sun, Mon
    assert timecalc.working_days(friday, friday + timedelta(days=14)) == 10
