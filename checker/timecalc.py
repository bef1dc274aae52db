"""Calendar arithmetic in plain Python (datetime), for the independent evaluator."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction


def hours(start: datetime, end: datetime) -> Fraction:
    delta = end - start
    return Fraction(delta.days * 86400 + delta.seconds, 3600)


def days(start: datetime, end: datetime) -> int:
    return (end.date() - start.date()).days


def working_days(start: datetime, end: datetime) -> int:
    """Monday-to-Friday days after the date of `start`, up to and including the date of `end`
    (negative when `end` is earlier)."""
    a, b = start.date(), end.date()
    if b < a:
        return -working_days(end, start)
    full_weeks, rest = divmod((b - a).days, 7)
    count = 5 * full_weeks
    day = a + timedelta(days=7 * full_weeks)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def anniversary(start: date, years: int) -> date:
    """The same day `years` later; 29 February falls on 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 2, 28)
