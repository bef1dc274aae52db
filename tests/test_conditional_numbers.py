"""Number outcomes that depend on a condition, in one clause (issue 12, item 6).

"Returns after 30 days carry a 20 % restocking fee; returns within 30 days carry none"
is one sentence and one clause: `restocking_fee_pct == if(days(...) > 30, 20, 0)`, not
two clauses the analysis would then flag as duplicates of one text."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.analyse import Options, analyse
from checker import timecalc
from checker.casegen import DrawChooser, RandomChooser, generate_facts
from checker.drift import encoded_quantities
from checker.errors import InputError
from checker.evaluate import decide_conjuncts
from checker.load import load_documents
from checker.workspace import Workspace

from .conftest import Encodings
from .test_differential import _compare

SOURCE = """\
Returns after 30 days of delivery carry a 20% restocking fee; returns within 30 days carry none.
A return in its original packaging carries no restocking fee.
"""

FEE = """\
  - id: F
    quote: "Returns after 30 days of delivery carry a 20% restocking fee; returns within 30 days carry none."
    when: request == return and delivered_at is not none
    then: restocking_fee_pct == {value}
"""

PACKED = """\
  - id: P
    quote: "A return in its original packaging carries no restocking fee."
    when: request == return and original_packaging
    then: restocking_fee_pct == 0
"""

CONDITIONAL = "if(days(delivered_at, request_at) > 30, 20, 0)"


def encoding(*clauses: str) -> str:
    return "document: shop\ntitle: fees\nclauses:\n" + "".join(clauses)


def workspace_of(encodings: Encodings, *clauses: str) -> Workspace:
    encodings.document("shop", SOURCE, encoding(*clauses))
    return Workspace.load([encodings.root])


def test_the_fee_follows_the_condition(encodings: Encodings) -> None:
    workspace = workspace_of(encodings, FEE.format(value=CONDITIONAL))
    policy = workspace.policy(("shop",))
    assert len(policy.conjuncts) == 1  # one sentence, one clause, one rule
    seen = set()
    for seed in range(400):
        facts = generate_facts(workspace.vocabulary, RandomChooser(seed))
        if facts["request"] != "return" or facts["delivered_at"] is None:
            continue
        expected = Fraction(20) if timecalc.days(facts["delivered_at"], facts["request_at"]) > 30 else Fraction(0)
        proof = decide_conjuncts(policy.vocabulary, policy.conjuncts, facts)
        assert proof.outcomes["restocking_fee_pct"].value == expected, facts
        seen.add(expected)
    assert seen == {Fraction(0), Fraction(20)}  # both branches were met


def test_a_clash_on_one_branch_only(encodings: Encodings) -> None:
    """P's no fee meets F's 20 % only after 30 days: the clash's region says so."""
    workspace = workspace_of(encodings, FEE.format(value=CONDITIONAL), PACKED)
    policy = workspace.policy(("shop",))
    analysis = analyse(policy, "shop", Options())
    [clash] = [f for f in analysis.findings if f.kind == "clash"]
    assert {c.id for c in clash.clauses} == {"F", "P"} and clash.outcomes == ("restocking_fee_pct",)
    region = {str(atom): truth for atom, truth in clash.region}
    assert any("days" in atom and truth for atom, truth in region.items())  # after 30 days
    proof = decide_conjuncts(policy.vocabulary, policy.conjuncts, clash.witness)
    assert proof.outcomes["restocking_fee_pct"].status == "clash"
    assert not [f for f in analysis.findings if f.kind == "duplicate"]


def test_drift_reads_every_number_of_the_condition(encodings: Encodings) -> None:
    workspace = workspace_of(encodings, FEE.format(value=CONDITIONAL))
    [clause] = workspace.policy(("shop",)).clauses
    found = {(q.value, q.unit) for q in encoded_quantities(clause)}
    assert {(Fraction(30), "days"), (Fraction(20), "percent"), (Fraction(0), "percent")} <= found


@pytest.mark.parametrize("value, expected", [
    ("if(days(delivered_at, request_at) > 30, 20)", "takes three arguments, got 2"),
    ("if(refund_due, 20, 0)", "the condition of if(...) reads facts only"),
    ("if(days(delivered_at, request_at) > 30, true, 0)", "the values of if(...) are numbers"),
    ("if(channel == online, days(delivered_at, request_at), 0)", "may not read an event that may not have happened (delivered_at)"),
])
def test_a_bad_conditional_is_refused_at_its_line(encodings: Encodings, value: str, expected: str) -> None:
    encodings.document("shop", SOURCE, encoding(FEE.format(value=value)))
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    [problem] = [str(p) for p in info.value.problems]
    assert expected in problem and "encoding.yaml:" in problem


@pytest.fixture(scope="module")
def fee_workspace(tmp_path_factory) -> Workspace:
    encodings = Encodings(tmp_path_factory.mktemp("enc"))
    nested = "if(days(delivered_at, request_at) > 30, 20, if(hours(order_placed_at, request_at) <= 48, 0, 10 + 2.5))"
    encodings.document("shop", SOURCE, encoding(FEE.format(value=nested), PACKED))
    return Workspace.load([encodings.root])


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_solver_and_evaluator_agree_on_conditional_numbers(fee_workspace: Workspace, data) -> None:
    facts = generate_facts(fee_workspace.vocabulary, DrawChooser(data.draw, st))
    _compare(fee_workspace, ("shop",), facts)
