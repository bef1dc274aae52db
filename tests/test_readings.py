"""Alternative readings as data, and declared conflicts (issue 12, item 5).

A clause may carry other readings the text allows, each a labelled `when`/`then`. The
analysis reports, per reading, the clashes that appear and those that disappear if the
clause is read that way, and marks each clash as encoded that a reading removes. A
collision the encoding cannot express at all is declared, so that it is not lost."""

from __future__ import annotations

import pytest

from checker.analyse import Options, analyse
from checker.casegen import RandomChooser, generate_facts
from checker.cases import Case
from checker.errors import InputError, Location
from checker.evaluate import consistent, decide
from checker.load import load_documents
from checker.prove import Prover
from checker.workspace import Workspace

from .conftest import Encodings

SOURCE = """\
Your order will be refunded upon receiving the product in its original packing.
Missing parts of an order are refunded.
Returns received more than 30 days after delivery are not refunded.
"""

UPON = """\
  - id: R1
    quote: "Your order will be refunded upon receiving the product in its original packing."
    when: request == return and return_received_at is not none and original_packaging
    then: refund_due
    readings:
      - label: the packing is a condition
        note: not in its original packing, not refunded
        when: request == return and return_received_at is not none
        then: refund_due == original_packaging
      - label: only within the 30 days
        note: the sentence stands in the 30-day paragraph
        when: request == return and return_received_at is not none and original_packaging and days(delivered_at, return_received_at) <= 30
"""

MISSING = """\
  - id: R2
    quote: "Missing parts of an order are refunded."
    when: stock_shortfall
    then: refund_due
"""

LATE = """\
  - id: R3
    quote: "Returns received more than 30 days after delivery are not refunded."
    when: request == return and days(delivered_at, return_received_at) > 30
    then: not refund_due
"""


def encoding(*clauses: str, tail: str = "") -> str:
    return "document: shop\ntitle: refunds\nclauses:\n" + "".join(clauses) + tail


def analysed(encodings: Encodings, *clauses: str, tail: str = ""):
    encodings.document("shop", SOURCE, encoding(*clauses, tail=tail))
    workspace = Workspace.load([encodings.root])
    policy = workspace.policy(("shop",))
    return analyse(policy, "shop", Options()), policy


def reading(analysis, label: str):
    [f] = [f for f in analysis.findings if f.rule == "ambiguity.reading" and f.detail["label"] == label]
    return f


def test_a_reading_that_makes_a_clash(encodings: Encodings) -> None:
    analysis, policy = analysed(encodings, UPON, MISSING)
    assert not [f for f in analysis.findings if f.kind == "clash"]  # as encoded, one way: no clash
    f = reading(analysis, "the packing is a condition")
    assert f.severity == "warning" and f.detail["appears"] == [["R1", "R2"]] and f.detail["disappears"] == []
    assert f.message == ("R1 can also be read \u201cthe packing is a condition\u201d. "
                         "Under that reading, R1 and R2 contradict each other on the refund")
    assert f.detail["note"] == "not in its original packing, not refunded"
    # the witness is a clash under the reading, and none as encoded
    [r1] = policy.clauses[:1]
    other = policy.with_reading(r1, r1.readings[0])
    assert not consistent(policy.vocabulary, tuple(other.conjuncts), f.witness)
    assert consistent(policy.vocabulary, tuple(policy.conjuncts), f.witness)


def test_a_reading_that_removes_a_clash(encodings: Encodings) -> None:
    analysis, _ = analysed(encodings, UPON, LATE)
    [clash] = [f for f in analysis.findings if f.rule == "clash.within-document"]
    assert {c.id for c in clash.clauses} == {"R1", "R3"}
    assert clash.message.endswith("(not under the reading \u201conly within the 30 days\u201d of R1)")
    assert clash.detail["not_under_readings"] == ["R1: only within the 30 days"]
    f = reading(analysis, "only within the 30 days")
    assert f.detail["disappears"] == [["R1", "R3"]] and f.detail["appears"] == []
    assert f.message.endswith("Under that reading, the clash of R1 and R3 on the refund is gone")


def test_a_reading_that_changes_an_outcome_but_no_clash(encodings: Encodings) -> None:
    """Alone, R1 read "only within the 30 days" clashes with nothing, but it leaves the
    refund of a late return open: the case shows it, certified by the evaluator."""
    analysis, policy = analysed(encodings, UPON)
    f = reading(analysis, "only within the 30 days")
    assert f.severity == "warning" and "no clash appears or disappears, but the outcome changes" in f.message
    assert "the refund: yes as encoded, left open under the reading" in f.message
    [r1] = policy.clauses
    other = policy.with_reading(r1, r1.readings[1])
    assert decide(policy, "w", f.witness).outcomes["refund_due"].value is True
    assert decide(other, "w", f.witness).outcomes["refund_due"].status == "open"


def test_a_reading_that_changes_nothing_is_an_info_line(encodings: Encodings) -> None:
    same = UPON.split("    readings:")[0] + """\
    readings:
      - label: the same in other words
        when: original_packaging and request == return and return_received_at is not none
"""
    analysis, _ = analysed(encodings, same)
    f = reading(analysis, "the same in other words")
    assert f.severity == "info" and f.witness is None
    assert f.message.endswith("no clash appears or disappears and no outcome was found to change")


@pytest.mark.parametrize("entry, expected", [
    ("      - label: x\n", "a reading changes the clause's `when`, its `then`, or both"),
    ("      - label: x\n        then: refund_due\n", "reading 'x' of clause R1 is the clause as encoded"),
    ("      - label: x\n        then: refund_duee\n", "refund_duee"),
])
def test_a_bad_reading_is_refused_at_its_line(encodings: Encodings, entry: str, expected: str) -> None:
    clause = UPON.split("    readings:")[0] + "    readings:\n" + entry
    encodings.document("shop", SOURCE, encoding(clause))
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    [problem] = [str(p) for p in info.value.problems]
    assert expected in problem and "encoding.yaml:" in problem


CONFLICT = """\
conflicts:
  - id: packing-vs-missing
    quotes: ["in its original packing", "Missing parts of an order are refunded."]
    witness: an order short of one part has no packing of that part to return
    clauses: [R1, R2]
"""


def test_a_declared_conflict_is_reported_as_declared(encodings: Encodings) -> None:
    analysis, _ = analysed(encodings, UPON, MISSING, tail=CONFLICT)
    [f] = [f for f in analysis.findings if f.rule == "clash.declared"]
    assert f.kind == "clash" and f.severity == "warning" and {c.id for c in f.clauses} == {"R1", "R2"}
    assert f.witness is None and "as the encoding declares (not proven" in f.message
    assert f.message.startswith("\u201cin its original packing\u201d against \u201cMissing parts")
    assert f.detail["conflict"] == "packing-vs-missing"


@pytest.mark.parametrize("change, expected", [
    (("in its original packing", "in its first box"), "quote of conflict packing-vs-missing not found in source.txt"),
    (("[R1, R2]", "[R1, R9]"), "conflict packing-vs-missing names 'R9'"),
])
def test_a_bad_conflict_is_refused_at_its_line(encodings: Encodings, change, expected: str) -> None:
    encodings.document("shop", SOURCE, encoding(UPON, MISSING, tail=CONFLICT.replace(*change)))
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    [problem] = [str(p) for p in info.value.problems]
    assert expected in problem and "encoding.yaml:" in problem


def test_solver_and_evaluator_agree_under_each_reading(encodings: Encodings) -> None:
    """A reading is a policy of its own: both paths decide it alike."""
    encodings.document("shop", SOURCE, encoding(UPON, MISSING, LATE))
    workspace = Workspace.load([encodings.root])
    policy = workspace.policy(("shop",))
    [r1] = [c for c in policy.clauses if c.id == "R1"]
    for other in (policy.with_reading(r1, r) for r in r1.readings):
        prover, chooser = Prover(other), RandomChooser(5)
        for _ in range(150):
            facts = generate_facts(workspace.vocabulary, chooser)
            solver = prover.prove(Case("generated", ("shop",), facts, {}, Location("<generated>")))
            plain = decide(other, "generated", facts)
            for name in workspace.vocabulary.outcomes:
                s, p = solver.outcomes[name], plain.outcomes[name]
                assert (s.status, s.value) == (p.status, p.value), (name, facts)
