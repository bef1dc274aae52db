"""Conditions of eligibility (issue 12, item 1).

"To be eligible for a replacement, the product must be certified within 24 hours" is a
condition *of* the replacement another sentence grants, not a rival rule: with
`condition_of`, the right applies only where its condition holds, the link is reported
at info so that a reviewer can reject the reading, and the clash between the two goes
only because the link says so."""

from __future__ import annotations

import pytest

from checker.analyse import Options, analyse
from checker.casegen import RandomChooser, generate_facts
from checker.errors import InputError
from checker.evaluate import consistent, decide_conjuncts
from checker.load import load_documents
from checker.workspace import Workspace

from .conftest import Encodings
from .test_differential import _compare

SOURCE = """\
If the service centre certifies the product as dead on arrival, we replace it.
To be eligible for a replacement, the product must be certified within 24 hours of delivery.
Gift cards are never replaced.
"""

RIGHT = """\
  - id: R
    quote: "If the service centre certifies the product as dead on arrival, we replace it."
    when: channel == online and doa_certified_at is not none
    then: replacement_offered
"""


def condition(link: str = '    condition_of: ["R"]\n') -> str:
    return """\
  - id: C
    quote: "To be eligible for a replacement, the product must be certified within 24 hours of delivery."
    when: channel == online and not (hours(delivered_at, doa_certified_at) <= 24)
    then: not replacement_offered
""" + link


GIFT = """\
  - id: G
    quote: "Gift cards are never replaced."
    when: item_category == gift_card
    then: not replacement_offered
"""


def encoding(*clauses: str) -> str:
    return "document: shop\ntitle: replacements\nclauses:\n" + "".join(clauses)


def analysed(encodings: Encodings, *clauses: str):
    encodings.document("shop", SOURCE, encoding(*clauses))
    workspace = Workspace.load([encodings.root])
    policy = workspace.policy(("shop",))
    return analyse(policy, "shop", Options()), workspace, policy


def by_rule(analysis, rule: str):
    return [f for f in analysis.findings if f.rule == rule]


def test_without_the_link_the_condition_is_a_rival_rule(encodings: Encodings) -> None:
    analysis, _, _ = analysed(encodings, RIGHT, condition(link=""))
    [clash] = by_rule(analysis, "clash.within-document")
    assert {c.id for c in clash.clauses} == {"R", "C"}


def test_the_right_applies_only_where_its_condition_holds(encodings: Encodings) -> None:
    analysis, _, policy = analysed(encodings, RIGHT, condition())
    assert not [f for f in analysis.findings if f.kind == "clash"]
    [right] = [c for c in policy.conjuncts if c.clause.id == "R"]
    assert [(e.id, o.condition) for e, o in right.narrowed_by] == [("C", True)]
    # the link is reported at info, with the clash it alone resolves
    [link] = by_rule(analysis, "override.condition")
    assert link.severity == "info" and {c.id for c in link.clauses} == {"R", "C"}
    assert link.message.startswith("C is read as a condition of eligibility for the replacement under R: "
                                   "R applies only where what C requires is met")
    assert "would contradict each other on the replacement" in link.message
    raw = policy.without_exceptions()
    assert not consistent(policy.vocabulary, tuple(raw.conjuncts), link.witness)
    proof = decide_conjuncts(policy.vocabulary, policy.conjuncts, link.witness)
    assert proof.outcomes["replacement_offered"].value is False  # late certification: no replacement


def test_a_link_that_resolves_nothing_is_still_reported(encodings: Encodings) -> None:
    """G is a condition of R that never meets it (a gift card is never certified DOA,
    by the background axioms): the reading is still shown, to be accepted or rejected."""
    analysis, _, _ = analysed(encodings, RIGHT, GIFT + '    condition_of: ["R"]\n')
    [link] = by_rule(analysis, "override.condition")
    assert link.witness is None and "would not contradict each other" in link.message


def test_a_clash_with_a_third_clause_still_stands(encodings: Encodings) -> None:
    """The condition narrows R; it does not settle R against a rule it is not a condition of."""
    other = """\
  - id: G
    quote: "Gift cards are never replaced."
    when: channel == online
    then: not replacement_offered
"""
    analysis, _, _ = analysed(encodings, RIGHT, condition(), other)
    clashes = by_rule(analysis, "clash.within-document")
    assert [{c.id for c in f.clauses} for f in clashes] == [{"R", "G"}]


def test_a_condition_that_every_case_fails_makes_the_right_dead(encodings: Encodings) -> None:
    always = condition().replace("not (hours(delivered_at, doa_certified_at) <= 24)", "true")
    analysis, _, _ = analysed(encodings, RIGHT, always)
    [dead] = by_rule(analysis, "dead.always-overridden")
    assert dead.message == "R never applies: every case it speaks to fails its condition(s) of eligibility C"


@pytest.mark.parametrize("link, expected", [
    ('    condition_of: ["X"]\n', "condition_of 'X': no clause with that id in shop"),
    ('    condition_of: ["C"]\n', "clause C cannot be a condition of itself"),
    ('    condition_of: ["R"]\n    overrides: [{clause: R, inferred: "both"}]\n', "names R twice"),
])
def test_a_bad_link_is_refused_at_its_line(encodings: Encodings, link: str, expected: str) -> None:
    encodings.document("shop", SOURCE, encoding(RIGHT, condition(link)))
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    [problem] = [str(p) for p in info.value.problems]
    assert expected in problem and "encoding.yaml:" in problem


def test_a_condition_deciding_nothing_of_the_right_is_refused(encodings: Encodings) -> None:
    encodings.document("shop", SOURCE, encoding(RIGHT, condition().replace("not replacement_offered", "not refund_due")))
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    [problem] = [str(p) for p in info.value.problems]
    assert "clause C is a condition of R but decides none of the outcomes R decides" in problem


def test_solver_and_evaluator_agree_on_conditions(encodings: Encodings) -> None:
    encodings.document("shop", SOURCE, encoding(RIGHT, condition(), GIFT))
    workspace = Workspace.load([encodings.root])
    chooser = RandomChooser(21)
    for _ in range(300):
        _compare(workspace, ("shop",), generate_facts(workspace.vocabulary, chooser))
