"""Drift between the numbers of a clause's quote and of its encoding: the extractor on
both sides, planted drift, the new wording of a stale quote, and the real encodings,
which must show none."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import ir, syntax
from checker.drift import Quantity, drift, encoded_quantities, quantities_in_text
from checker.errors import Location
from checker.load import load_document, load_documents, load_vocabulary
from checker.typecheck import check_condition, check_consequence

from .conftest import ENCODINGS, Encodings

VOCABULARY = load_vocabulary(ENCODINGS / "vocabulary.yaml")


def clause(quote: str, then: str, when: str = "true") -> ir.Clause:
    """A clause built straight from its condition texts, with the project's vocabulary."""
    return ir.Clause(
        document="shop", id="A", heading="", quotes=(quote,),
        when=check_condition(VOCABULARY, syntax.parse(when)), then=check_consequence(VOCABULARY, syntax.parse(then)),
        when_text=when, then_text=then, overrides=(), note="", location=Location("test"),
    )


def found(text: str) -> list[tuple[int | Fraction, str]]:
    return [(q.value, q.unit) for q in quantities_in_text(text)]


# ---- the text side -------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("cancel within 48 hours of ordering", [(48, "hours")]),
    ("within forty-eight hours", [(48, "hours")]),
    ("within twenty four hours", [(24, "hours")]),
    ("returns within seven (7) days", [(7, "days")]),  # one number, written twice
    ("within 1 day", [(1, "days")]),
    ("within 30 calendar days", [(30, "days")]),
    ("refunded in 14 working days", [(14, "working_days")]),
    ("within two (2) business days", [(2, "working_days")]),
    ("within 2 weeks of delivery", [(14, "days")]),
    ("a 20% restocking fee", [(20, "percent")]),
    ("less than 80 per cent of its capacity, or 15 percent", [(80, "percent"), (15, "percent")]),
    ("a 48-hour window", [(48, "hours")]),
    ("a one-year warranty; a 30-day return policy", [(1, "years"), (30, "days")]),
    ("a warranty of 5 years", [(5, "years")]),
    ("within 6 months", [(6, "months")]),
    ("within 1.5 hours", [(Fraction(3, 2), "hours")]),
    ("one hundred and twenty days", [(120, "days")]),
    ("arrived damaged.30 days later", [(30, "days")]),  # no space after a full stop
])
def test_quantities_in_text(text: str, expected: list) -> None:
    assert found(text) == expected


def test_a_range_gives_both_ends_with_the_text_as_written() -> None:
    for text in ("take 7-9 working days", "take 7- 9 working days", "between 7 and 9 business days"):
        quantities = quantities_in_text(text)
        assert [(q.value, q.unit) for q in quantities] == [(7, "working_days"), (9, "working_days")]
        assert {q.text for q in quantities} == {text.removeprefix("take ")}


@pytest.mark.parametrize("text", [
    "1.1. Cancellation Eligibility and Deadline",  # section numbers
    "2.2.1 days",
    "call 8340088888 and email us",  # a phone number
    "Updated on 01 February 2026.",  # a date
    "the 2024 year-end sale",
    "a fee of $30 or Rs. 500",  # money
    "support 24/7",
    "open 24 hours a day, 7 days a week",  # rates, not limits
    "one of the following actions; fulfil one (1) order",  # numbers without a unit
    "someone may return it",
])
def test_numbers_that_are_not_quantities_are_ignored(text: str) -> None:
    assert quantities_in_text(text) == []


# ---- the encoding side ---------------------------------------------------------------------


@pytest.mark.parametrize("then, when, expected", [
    ("cancellation_allowed == (hours(order_placed_at, request_at) <= 48)", "true", [(48, "hours")]),
    ("not return_accepted", "days(delivered_at, request_at) > 30", [(30, "days")]),
    ("not return_accepted", "30 < days(delivered_at, request_at)", [(30, "days")]),  # the constant on the left
    ("warranty_covered == (years(shipped_at, request_at) <= 1)", "true", [(1, "years")]),
    ("restocking_fee_pct == 20", "true", [(20, "percent")]),
    ("refund_deadline_working_days >= 7 and refund_deadline_working_days <= 9", "true",
     [(7, "working_days"), (9, "working_days")]),
    ("not refund_due", "working_days(request_at, return_received_at) > 5", [(5, "working_days")]),
    ("warranty_covered == (capacity_pct < 80)", "true", [(80, "percent")]),
    ("not return_accepted", "days(delivered_at, request_at) - 7 > 23", [(30, "days")]),  # sums fold
    ("not refund_due", "hours(order_placed_at, request_at) > hours(order_placed_at, delivered_at) + 24",
     [(24, "hours")]),  # an offset between two durations
    ("not cancellation_allowed", "invoiced_at <= request_at", []),  # no number
])
def test_encoded_quantities(then: str, when: str, expected: list) -> None:
    assert [(q.value, q.unit) for q in encoded_quantities(clause("", then, when))] == expected


def test_an_encoded_quantity_shows_its_comparison() -> None:
    [q] = encoded_quantities(clause("", "cancellation_allowed == (hours(order_placed_at, request_at) <= 48)"))
    assert q == Quantity(Fraction(48), "hours", "hours(order_placed_at, request_at) <= 48")


# ---- drift ---------------------------------------------------------------------------------

WINDOW_TEXT = "Orders may be cancelled within 48 hours of ordering.\n"
WINDOW = """\
document: shop
title: a window
clauses:
  - id: A
    quote: "Orders may be cancelled within 48 hours of ordering."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= {hours})
"""


def test_planted_drift_names_both_numbers(encodings: Encodings) -> None:
    folder = encodings.document("shop", WINDOW_TEXT, WINDOW.format(hours=24))
    [a] = load_document(folder, VOCABULARY).clauses
    [d] = drift(a)
    assert d.clause == "A"
    assert d.quoted == Quantity(Fraction(48), "hours", "48 hours")
    assert [q.value for q in d.encoded] == [24]
    assert d.message == 'the text says "48 hours" but the encoding uses 24 hours'


def test_agreeing_clause_has_no_drift(encodings: Encodings) -> None:
    folder = encodings.document("shop", WINDOW_TEXT, WINDOW.format(hours=48))
    [a] = load_document(folder, VOCABULARY).clauses
    assert drift(a) == []


def test_new_wording_passed_as_text() -> None:
    a = clause("Orders may be cancelled within 48 hours of ordering.",
               "cancellation_allowed == (hours(order_placed_at, request_at) <= 48)")
    assert drift(a) == []
    [d] = drift(a, "Orders may be cancelled within 72 hours of ordering.")
    assert d.quoted is not None and d.quoted.value == 72
    assert "72 hours" in d.message and "48 hours" in d.message


def test_an_encoded_number_the_text_lacks() -> None:
    # every quoted number is encoded, and the encoding has one more
    a = clause("Card refunds take 7-9 working days.",
               "refund_deadline_working_days >= 7 and refund_deadline_working_days <= 9",
               "working_days(order_placed_at, request_at) <= 2")
    [d] = drift(a)
    assert d.quoted is None and [q.value for q in d.encoded] == [2]
    assert d.message == ('the encoding uses 2 working days (working_days(order_placed_at, request_at) <= 2) '
                         'but the text says "7-9 working days"')


def test_the_end_of_a_range_that_moved_is_named() -> None:
    a = clause("Card refunds take 7-10 working days.",
               "refund_deadline_working_days >= 7 and refund_deadline_working_days <= 9")
    [d] = drift(a)
    assert d.message == 'the text says "7-10 working days" but the encoding uses 7 and 9 working days, not 10 working days'


def test_dimensions_are_compared_apart() -> None:
    # hours against percent, and a dimension only one side has: no drift
    a = clause("Within 48 hours a 20% fee applies; refunds take 14 working days.",
               "restocking_fee_pct == 20", "hours(order_placed_at, request_at) <= 48")
    assert drift(a) == []
    assert drift(clause("Refunds take 14 working days.", "restocking_fee_pct == 20")) == []
    # 2 weeks is 14 days; months are never days
    assert drift(clause("Returns within 2 weeks.", "not return_accepted", "days(delivered_at, request_at) > 14")) == []
    assert drift(clause("Returns within 1 month.", "not return_accepted", "days(delivered_at, request_at) > 30")) == []


def test_whole_days_strict_bound_matches_its_inclusive_reading() -> None:
    # "within 30 days" written `< 31`: the same whole days as `<= 30`
    assert drift(clause("Returns within 30 days.", "return_accepted", "days(delivered_at, request_at) < 31")) == []
    assert drift(clause("Returns within 30 days.", "not return_accepted", "days(delivered_at, request_at) >= 31")) == []
    # hours are exact: `< 49` is not `<= 48`
    assert drift(clause("Cancel within 48 hours.", "cancellation_allowed", "hours(order_placed_at, request_at) < 49"))
    # and `<= 31` is a different window from "within 30 days"
    assert drift(clause("Returns within 30 days.", "return_accepted", "days(delivered_at, request_at) <= 31"))


def test_an_encoded_zero_is_not_reported() -> None:
    a = clause("Cancel within 48 hours.", "cancellation_allowed",
               "hours(order_placed_at, request_at) > 0 and hours(order_placed_at, request_at) <= 48")
    assert drift(a) == []


def test_the_real_encodings_have_no_drift() -> None:
    _, documents = load_documents([ENCODINGS])
    clauses = [c for d in documents for c in d.clauses]
    assert len(clauses) >= 80
    quoted = sum(len(quantities_in_text(q)) for c in clauses for q in c.quotes)
    encoded = sum(len(encoded_quantities(c)) for c in clauses)
    assert quoted >= 20 and encoded >= 20  # the check has something to compare
    assert [(c.document, c.id, d.message) for c in clauses for d in drift(c)] == []


# ---- properties ----------------------------------------------------------------------------

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
        "sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def in_words(n: int) -> str:
    """0..999 in English words, the test's own spelling ("one hundred and five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    rest = n % 100
    return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " and " + in_words(rest))


UNITS = {"hours": ("hours", 1), "days": ("days", 1), "calendar days": ("days", 1), "working days": ("working_days", 1),
         "business days": ("working_days", 1), "weeks": ("days", 7), "months": ("months", 1),
         "years": ("years", 1), "%": ("percent", 1), "percent": ("percent", 1)}


@settings(max_examples=200)
@given(st.integers(0, 999), st.sampled_from(sorted(UNITS)), st.sampled_from(["digits", "words", "both"]))
def test_any_whole_number_round_trips(n: int, unit: str, form: str) -> None:
    written = {"digits": str(n), "words": in_words(n), "both": f"{in_words(n)} ({n})"}[form]
    canonical, factor = UNITS[unit]
    separator = "" if unit == "%" else " "
    assert found(f"This applies within {written}{separator}{unit} of delivery.") == [(n * factor, canonical)]


BOUNDS = {
    "hours": ("Orders may be cancelled within {} hours.", "cancellation_allowed == (hours(order_placed_at, request_at) <= {})", "true"),
    "days": ("Returns are accepted within {} days.", "not return_accepted", "days(delivered_at, request_at) > {}"),
    "working_days": ("Refunds are paid in {} working days.", "refund_deadline_working_days == {}", "true"),
    "percent": ("A {}% restocking fee applies.", "restocking_fee_pct == {}", "true"),
    "years": ("The warranty lasts {} years.", "warranty_covered == (years(shipped_at, request_at) <= {})", "true"),
}


@settings(max_examples=100)
@given(st.sampled_from(sorted(BOUNDS)), st.integers(1, 100), st.integers(1, 100))
def test_drift_iff_the_numbers_differ(dimension: str, said: int, encoded: int) -> None:
    quote, then, when = BOUNDS[dimension]
    a = clause(quote.format(said), then.format(encoded), when.format(encoded))
    found_drift = drift(a)
    assert bool(found_drift) == (said != encoded)
    if found_drift:
        [d] = found_drift
        assert d.quoted is not None and d.quoted.value == said and [q.value for q in d.encoded] == [encoded]
