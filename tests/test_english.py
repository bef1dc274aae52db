"""The condition language said in English (issue 13, item 1): every clause of the seeds
reads as a sentence with no identifier, operator or `is none` in it, and the project's
vocabulary gives every phrase the renderer needs."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from checker import ir
from checker.render.english import clause_says, condition, effect, negation
from checker.vocabulary import BoolType, EnumType, NumberType, TimestampType
from checker.workspace import Workspace

from .conftest import ENCODINGS

WORKSPACE = Workspace.load([ENCODINGS])
CLAUSES = [c for d in WORKSPACE.documents.values() for c in d.clauses]
VOCAB = WORKSPACE.vocabulary

# what the condition language looks like: an identifier with '_', an operator, `is none`
CODE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|==|!=|<=|>=|(?<![\w)])[<>](?![\w(])|\bis (not )?none\b|\bdiscretion\(")


def code_in(text: str) -> list[str]:
    return [m.group(0) for m in CODE.finditer(text)]


@pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: f"{c.document}:{c.id}")
def test_every_seed_clause_reads_as_english(clause) -> None:
    said = clause_says(clause)
    assert said.startswith(clause.id + " ") and not code_in(said), said
    for reading in clause.readings:
        other = clause_says(clause, reading.when, reading.then)
        assert not code_in(other), other


def test_the_shape_of_a_window() -> None:
    said = clause_says(WORKSPACE.documents["aptronix"].clause("1.1"))
    assert said == ("1.1 allows the cancellation exactly when the request is at most 48 hours after the order and "
                    "either the order has not been invoiced or the request is before the invoice; otherwise it "
                    "refuses the cancellation, where the order was placed online and the customer asks to cancel the order")


def test_negations_read_as_sentences() -> None:
    packed = ir.Var(VOCAB.facts["original_packaging"])
    invoiced = ir.Var(VOCAB.facts["invoiced_at"])
    assert negation(packed) == "the item is not in its original, undamaged packaging with all accessories"
    assert condition(ir.Happened(invoiced, True)) == "the order has not been invoiced"
    assert condition(ir.Not(ir.Happened(invoiced, True))) == "the invoice was generated"
    hours = ir.Cmp("<=", ir.Duration("hours", ir.Var(VOCAB.facts["order_placed_at"]), ir.Var(VOCAB.facts["request_at"])),
                   ir.Const(Fraction(24)))
    assert negation(hours) == "the request is more than 24 hours after the order"


def test_effects_say_what_a_clause_does() -> None:
    fee = ir.Var(VOCAB.outcomes["restocking_fee_pct"])
    days = ir.Cmp(">", ir.Duration("days", ir.Var(VOCAB.facts["delivered_at"]), ir.Var(VOCAB.facts["request_at"])),
                  ir.Const(Fraction(30)))
    twenty, zero = ir.Const(Fraction(20)), ir.Const(Fraction(0))
    assert effect(ir.Cmp("==", fee, ir.IfThen(days, twenty, zero))) == (
        "sets the restocking fee at 20% where the request is more than 30 calendar days after the delivery, else 0%")
    assert effect(ir.Discretion(ir.Var(VOCAB.outcomes["replacement_offered"]))) == "leaves the replacement to the seller"


def test_the_vocabulary_gives_every_phrase() -> None:
    missing = []
    for var in [*VOCAB.facts.values(), *VOCAB.outcomes.values()]:
        w, t = var.words, var.type
        needs = []
        if isinstance(t, BoolType):
            needs = ["negated"] + (["noun", "if_true", "if_false"] if var.kind == "outcome" else [])
        elif isinstance(t, EnumType):
            needs = ["says"] + (["noun"] if var.kind == "outcome" else [])
        elif isinstance(t, NumberType):
            needs = ["noun"]
        elif isinstance(t, TimestampType):
            needs = ["event"] + (["negated"] if t.optional else [])
        missing += [f"{var.name}.{n}" for n in needs if not getattr(w, n)]
    assert not missing
