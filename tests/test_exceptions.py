"""Exceptions per outcome, and stated against inferred exceptions (issue 12, items 3-4).

An exception takes from the clause it overrides only the conjuncts on the outcomes the
exception itself decides; the rest still applies. A clash the exceptions remove is
reported whether or not the exception is one of its clauses. An exception the text
states resolves its clash at info; one the encoder infers leaves the clash standing as
a warning that names the exception that would settle it."""

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
Refunds of card payments go back to the card within 7 working days.
Whatever the payment method, all refunds are now paid by bank transfer.
Refunds are paid within 14 working days.
Cancelled orders are refunded by bank transfer.
"""

CARD = """\
  - id: C
    quote: "Refunds of card payments go back to the card within 7 working days."
    when: payment_method == credit_card
    then: refund_method == original_payment and refund_deadline_working_days <= 7
"""

DEADLINE = """\
  - id: D
    quote: "Refunds are paid within 14 working days."
    then: refund_deadline_working_days == 14
"""

CANCELLED = """\
  - id: K
    quote: "Cancelled orders are refunded by bank transfer."
    when: request == cancel and channel == online
    then: refund_method == bank_transfer
"""


def bank(authority: str, when: str = "channel == online") -> str:
    return f"""\
  - id: B
    quote: "Whatever the payment method, all refunds are now paid by bank transfer."
    when: {when}
    then: refund_method == bank_transfer
    overrides:
      - clause: C
        {authority}
"""


STATED = 'stated: "Whatever the payment method"'
INFERRED = 'inferred: "the text does not say that B replaces C; \\"now\\" suggests it"'


def encoding(*clauses: str) -> str:
    return "document: shop\ntitle: refunds\nclauses:\n" + "".join(clauses)


def analysed(encodings: Encodings, *clauses: str):
    encodings.document("shop", SOURCE, encoding(*clauses))
    workspace = Workspace.load([encodings.root])
    policy = workspace.policy(("shop",))
    return analyse(policy, "shop", Options()), workspace, policy


def rules(analysis) -> list[str]:
    return sorted(f.rule for f in analysis.findings if f.kind in ("clash", "override", "dead"))


def names(finding) -> set[str]:
    return {c.id for c in finding.clauses}


# ---- per outcome ------------------------------------------------------------------------


def test_an_exception_takes_only_the_outcomes_it_decides(encodings: Encodings) -> None:
    _, _, policy = analysed(encodings, CARD, bank(STATED), DEADLINE)
    method, deadline = [c for c in policy.conjuncts if c.clause.id == "C"]
    assert [e.id for e, _ in method.narrowed_by] == ["B"]
    assert deadline.narrowed_by == () and deadline.guard == deadline.clause.when


def test_the_rest_of_an_overridden_clause_still_clashes(encodings: Encodings) -> None:
    """C's 7 working days against D's 14: the exception on the refund method does not
    hide it (with a whole-clause override it was reported nowhere)."""
    analysis, _, policy = analysed(encodings, CARD, bank(STATED), DEADLINE)
    [clash] = [f for f in analysis.findings if f.rule == "clash.within-document"]
    assert names(clash) == {"C", "D"} and clash.outcomes == ("refund_deadline_working_days",)
    members = tuple(c for c in policy.conjuncts if c.clause.id in ("C", "D"))
    assert not consistent(policy.vocabulary, members, clash.witness)
    proof = decide_conjuncts(policy.vocabulary, policy.conjuncts, clash.witness)
    assert proof.outcomes["refund_deadline_working_days"].status == "clash"
    assert proof.outcomes["refund_method"].status != "clash"  # the method is not what they fight over


def test_an_exception_that_decides_nothing_of_its_target_is_refused(encodings: Encodings) -> None:
    encodings.document("shop", SOURCE, encoding(CARD, """\
  - id: D
    quote: "Refunds are paid within 14 working days."
    then: refund_due
    overrides: [{clause: C, inferred: "a guess"}]
"""))
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    [problem] = [str(p) for p in info.value.problems]
    assert "decides none of the outcomes C decides" in problem and "encoding.yaml:" in problem


# ---- stated and inferred ------------------------------------------------------------------


def test_a_stated_exception_resolves_its_clash_at_info(encodings: Encodings) -> None:
    analysis, _, policy = analysed(encodings, CARD, bank(STATED))
    assert rules(analysis) == ["override.exception"]
    [override] = [f for f in analysis.findings if f.kind == "override"]
    assert override.severity == "info" and names(override) == {"B", "C"}
    assert not consistent(policy.vocabulary, tuple(policy.without_exceptions().conjuncts), override.witness)


def test_an_inferred_exception_leaves_the_clash_standing_as_a_warning(encodings: Encodings) -> None:
    analysis, _, policy = analysed(encodings, CARD, bank(INFERRED))
    assert rules(analysis) == ["clash.inferred-exception"]  # not resolved at info, and no dead clause
    [clash] = [f for f in analysis.findings if f.kind == "clash"]
    assert clash.severity == "warning" and names(clash) == {"B", "C"}
    assert clash.outcomes == ("refund_method",)
    assert "Resolved only if B prevails over C" in clash.message
    assert "the text does not say that B replaces C" in clash.message and "never apply" not in clash.message
    assert clash.detail["inferred_exceptions"] == ["B"]
    # the witness is a case where the text's own exceptions leave the clash standing
    stated_only = policy.with_stated_exceptions_only()
    assert not consistent(policy.vocabulary, tuple(stated_only.conjuncts), clash.witness)
    proof = decide_conjuncts(policy.vocabulary, policy.conjuncts, clash.witness)
    assert proof.outcomes["refund_method"].value == "bank_transfer"  # as encoded, B prevails


def test_a_part_taken_whole_by_its_exception(encodings: Encodings) -> None:
    """B taking every card refund: stated, the part of C on the method is dead text (and
    the rest of C is not); inferred, the warning says so instead."""
    analysis, _, _ = analysed(encodings, CARD, bank(STATED, when="true"))
    [dead] = [f for f in analysis.findings if f.kind == "dead"]
    assert dead.rule == "dead.always-overridden" and names(dead) == {"C", "B"}
    assert dead.message.startswith("the part of C on the refund method never applies") and dead.outcomes == ("refund_method",)
    analysis, _, _ = analysed(encodings, CARD, bank(INFERRED, when="true"))
    assert rules(analysis) == ["clash.inferred-exception"]
    [clash] = [f for f in analysis.findings if f.kind == "clash"]
    assert clash.message.endswith("if it does, the part of C on the refund method would never apply")


def test_a_bare_id_is_read_as_an_inferred_exception(encodings: Encodings) -> None:
    bare = bank(STATED).replace("    overrides:\n      - clause: C\n        " + STATED + "\n", "    overrides: [C]\n")
    analysis, _, _ = analysed(encodings, CARD, bare)
    [clash] = [f for f in analysis.findings if f.kind == "clash"]
    assert clash.rule == "clash.inferred-exception"
    assert "the encoding does not say that the text states it" in clash.message


def test_a_clash_an_exception_resolves_without_being_in_it_is_reported(encodings: Encodings) -> None:
    """K (bank transfer for cancellations) against C (back to the card): B narrows C, so
    the clash is gone, although B is not one of its clauses."""
    analysis, _, _ = analysed(encodings, CARD, bank(STATED), CANCELLED)
    assert rules(analysis) == ["override.exception"]
    [override] = [f for f in analysis.findings if f.kind == "override"]
    assert "1 more clash" in override.message
    inferred, _, _ = analysed(encodings, CARD, bank(INFERRED), CANCELLED)
    [clash] = [f for f in inferred.findings if f.kind == "clash"]
    assert names(clash) == {"B", "C", "K"} and clash.detail["clash_sets"] == [["C", "B"], ["C", "K"]]
    assert "2 sets of these clauses cannot all hold" in clash.message


@pytest.mark.parametrize("entry, expected", [
    ('{clause: C, stated: "not in the text"}', "the words that state the exception are not in source.txt"),
    ('{clause: C, stated: "Whatever", inferred: "both"}', "not both or neither"),
    ("{clause: C}", "not both or neither"),
    ("7", 'write the id in quotes ("7")'),
])
def test_an_override_entry_says_its_authority_truly(encodings: Encodings, entry: str, expected: str) -> None:
    encodings.document("shop", SOURCE, encoding(CARD, bank(STATED).split("    overrides:")[0] + f"    overrides: [{entry}]\n"))
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    [problem] = [str(p) for p in info.value.problems]  # its own problem only, not a union's every branch
    assert expected in problem and "encoding.yaml:" in problem


# ---- the two paths agree ------------------------------------------------------------------


@pytest.mark.parametrize("authority", [STATED, INFERRED])
def test_solver_and_evaluator_agree_on_exceptions_per_outcome(encodings: Encodings, authority: str) -> None:
    encodings.document("shop", SOURCE, encoding(CARD, bank(authority), DEADLINE, CANCELLED))
    workspace = Workspace.load([encodings.root])
    chooser = RandomChooser(12)
    for _ in range(300):
        _compare(workspace, ("shop",), generate_facts(workspace.vocabulary, chooser))
