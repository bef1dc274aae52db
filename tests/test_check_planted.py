"""`clausecheck check` on small hand-written policies, each with one kind of finding
planted in it: the finding must be there, name exactly the planted clauses, and come
alone (nothing else of its kind). Clash witnesses are fed back through the case
format and the prover: they must really clash on the outcome the finding names."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from checker import cli, ir
from checker.analyse import Options, analyse
from checker.cases import axiom_violations, case_to_json, read_cases
from checker.errors import InputError
from checker.evaluate import consistent, decide_conjuncts, evaluate
from checker.findings import Analysis, Finding
from checker.policy import Policy
from checker.render import check_json
from checker.timecalc import hours
from checker.workspace import Workspace

from .conftest import Encodings

HOUR = timedelta(hours=1)


# ---- helpers ------------------------------------------------------------------------------


def load(encodings: Encodings, name: str, source: str, encoding: str) -> tuple[Workspace, Policy]:
    encodings.document(name, source, encoding)
    workspace = Workspace.load([encodings.root / name])
    return workspace, workspace.policy((name,))


def check(encodings: Encodings, name: str, source: str, encoding: str) -> tuple[Analysis, Workspace, Policy]:
    workspace, policy = load(encodings, name, source, encoding)
    return analyse(policy, name, Options(), workspace.documents[name].properties), workspace, policy


def of(analysis: Analysis, rule: str) -> list[Finding]:
    return [f for f in analysis.findings if f.rule == rule]


def kind(analysis: Analysis, name: str) -> list[Finding]:
    return [f for f in analysis.findings if f.kind == name]


def ids(finding: Finding) -> set[str]:
    return {c.id for c in finding.clauses}


def members(policy: Policy, finding: Finding):
    keys = {c.key for c in finding.clauses}
    return tuple(c for c in policy.conjuncts if c.clause.key in keys)


def elapsed(witness) -> float:
    return float(hours(witness["order_placed_at"], witness["request_at"]))


def prove_witness(tmp_path: Path, workspace: Workspace, finding: Finding, expect: dict):
    """The finding's witness, as the JSON output gives it, proved as a case."""
    as_json = check_json.finding_json(finding, workspace.vocabulary, 0)["witness"]
    record = {**as_json, "expect": expect}
    path = tmp_path / f"witness-{finding.fingerprint}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [case] = read_cases(path, workspace.vocabulary)
    return path, case, workspace.prove(case, tuple(as_json["documents"]))


def assert_real_clash(tmp_path: Path, workspace: Workspace, policy: Policy, finding: Finding) -> None:
    """The witness breaks no axiom, the finding's clauses cannot all hold there (and any
    one of them left out, the rest can), and the prover marks the named outcomes as a
    clash between exactly those clauses."""
    assert finding.witness is not None
    assert axiom_violations(finding.witness, workspace.vocabulary) == []
    clash = members(policy, finding)
    assert not consistent(policy.vocabulary, clash, finding.witness)
    for left_out in clash:
        assert consistent(policy.vocabulary, tuple(c for c in clash if c is not left_out), finding.witness), left_out.clause.id
    for atom, truth in finding.region:
        assert bool(evaluate(atom, finding.witness, {})) is truth
    _, _, proof = prove_witness(tmp_path, workspace, finding, {o: "clash" for o in finding.outcomes})
    for outcome in finding.outcomes:
        assert proof.outcomes[outcome].status == "clash", outcome
    assert any({c.id for c in x.clauses} == ids(finding) and set(x.outcomes) == set(finding.outcomes) for x in proof.clashes), \
        [({c.id for c in x.clauses}, x.outcomes) for x in proof.clashes]


# ---- the texts ----------------------------------------------------------------------------

WINDOW_TEXT = """\
Orders may be cancelled within 48 hours of ordering.
Orders cannot be cancelled more than 24 hours after ordering.
"""

WINDOW = """\
document: shop
title: two windows
clauses:
  - id: A
    quote: "Orders may be cancelled within 48 hours of ordering."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
  - id: B
    quote: "Orders cannot be cancelled more than 24 hours after ordering."
    when: request == cancel and hours(order_placed_at, request_at) > 24
    then: not cancellation_allowed
"""

CHAIN_TEXT = """\
Orders may be cancelled within 48 hours of ordering.
An approved cancellation is refunded.
No refund is given for requests made more than 24 hours after ordering.
"""

CHAIN = """\
document: shop
title: a chain
clauses:
  - id: A
    quote: "Orders may be cancelled within 48 hours of ordering."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
  - id: B
    quote: "An approved cancellation is refunded."
    when: request == cancel and cancellation_allowed
    then: refund_due
  - id: C
    quote: "No refund is given for requests made more than 24 hours after ordering."
    when: request == cancel and hours(order_placed_at, request_at) > 24
    then: not refund_due
"""


# ---- clashes ------------------------------------------------------------------------------


def test_two_clause_clash(encodings: Encodings, tmp_path: Path) -> None:
    analysis, workspace, policy = check(encodings, "shop", WINDOW_TEXT, WINDOW)
    [clash] = kind(analysis, "clash")
    assert clash.rule == "clash.within-document" and clash.severity == "error"
    assert [c.id for c in clash.clauses] == ["A", "B"]
    assert clash.outcomes == ("cancellation_allowed",)
    assert clash.documents == ("shop",)
    assert 24 < elapsed(clash.witness) <= 48  # the only place the two windows disagree
    assert_real_clash(tmp_path, workspace, policy, clash)
    assert not kind(analysis, "override") and not kind(analysis, "dead")


def test_three_clause_chain_is_one_minimal_clash(encodings: Encodings, tmp_path: Path) -> None:
    analysis, workspace, policy = check(encodings, "shop", CHAIN_TEXT, CHAIN)
    clashes = kind(analysis, "clash")
    assert [ids(f) for f in clashes] == [{"A", "B", "C"}]  # one set of three, no pairs
    [clash] = clashes
    assert clash.rule == "clash.within-document"
    assert clash.outcomes == ("refund_due",)
    assert 24 < elapsed(clash.witness) <= 48
    assert clash.witness["request"] == "cancel"
    assert_real_clash(tmp_path, workspace, policy, clash)


def test_clash_witness_proves_as_a_clash_through_the_cli(encodings: Encodings, tmp_path: Path, capsys) -> None:
    analysis, workspace, _ = check(encodings, "shop", CHAIN_TEXT, CHAIN)
    [clash] = kind(analysis, "clash")
    path, _, _ = prove_witness(tmp_path, workspace, clash, {"refund_due": "clash", "cancellation_allowed": True})
    assert cli.main(["prove", str(path), "--encodings", str(encodings.root), "--format", "json"]) == 0
    [proof] = json.loads(capsys.readouterr().out)
    assert proof["outcomes"]["refund_due"]["status"] == "clash"
    [fight] = [c for c in proof["clashes"] if c["outcome"] == "refund_due"]
    assert {c["id"] for c in fight["clauses"]} == {"A", "B", "C"}


def test_an_exception_resolves_the_clash(encodings: Encodings, tmp_path: Path) -> None:
    encoding = WINDOW + '    overrides: [{clause: A, stated: "cannot be cancelled more than 24 hours"}]\n'
    analysis, workspace, policy = check(encodings, "shop", WINDOW_TEXT, encoding)
    assert kind(analysis, "clash") == []
    [override] = kind(analysis, "override")
    assert override.rule == "override.exception" and override.severity == "info"
    assert ids(override) == {"A", "B"}
    assert override.outcomes == ("cancellation_allowed",)
    assert "B is an exception to A" in override.message
    # the witness shows the clash the exception resolves: in the raw clauses, not with it
    raw = policy.without_exceptions()
    pair = members(raw, override)
    assert not consistent(policy.vocabulary, pair, override.witness)
    assert consistent(policy.vocabulary, members(policy, override), override.witness)
    proof = decide_conjuncts(policy.vocabulary, policy.conjuncts, override.witness)
    assert proof.outcomes["cancellation_allowed"].status == "determined"
    assert proof.outcomes["cancellation_allowed"].value is False


# ---- dead clauses -------------------------------------------------------------------------


def test_clause_with_an_impossible_condition_is_dead(encodings: Encodings) -> None:
    source = "Orders may be cancelled within 48 hours of ordering.\nOrders placed in the future cannot be cancelled.\n"
    encoding = """\
    document: shop
    title: dead
    clauses:
      - id: A
        quote: "Orders may be cancelled within 48 hours of ordering."
        when: request == cancel
        then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
      - id: D
        quote: "Orders placed in the future cannot be cancelled."
        when: request == cancel and hours(order_placed_at, request_at) < 0
        then: not cancellation_allowed
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    [dead] = kind(analysis, "dead")
    assert dead.rule == "dead.unsatisfiable-condition" and dead.severity == "error"
    assert [c.id for c in dead.clauses] == ["D"]
    assert kind(analysis, "clash") == []  # D would clash with A if it ever applied
    assert not any("D" in ids(f) for f in kind(analysis, "redundant") + kind(analysis, "duplicate"))


def test_clause_taken_whole_by_its_exception_is_dead(encodings: Encodings) -> None:
    source = ("Orders paid through PINELABS may be cancelled within 8 hours.\n"
              "Orders paid through PINELABS are never cancelled.\n"
              "Orders may be cancelled before they ship.\n")
    encoding = """\
    document: shop
    title: overridden
    clauses:
      - id: P
        quote: "Orders paid through PINELABS may be cancelled within 8 hours."
        when: request == cancel and payment_gateway == pinelabs
        then: cancellation_allowed == (hours(order_placed_at, request_at) <= 8)
      - id: N
        quote: "Orders paid through PINELABS are never cancelled."
        when: payment_gateway == pinelabs
        then: not cancellation_allowed
        overrides: [{clause: P, stated: "are never cancelled"}]
      - id: S
        quote: "Orders may be cancelled before they ship."
        when: request == cancel and payment_gateway == other
        then: cancellation_allowed == (shipped_at is none or request_at < shipped_at)
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    [dead] = kind(analysis, "dead")
    assert dead.rule == "dead.always-overridden" and dead.severity == "error"
    assert [c.id for c in dead.clauses] == ["P", "N"]
    assert "N" in dead.message
    assert kind(analysis, "clash") == []


# ---- gaps ---------------------------------------------------------------------------------

GAP_TEXT = """\
Orders may be cancelled up to 48 hours after ordering.
Orders cannot be cancelled once shipped.
"""

GAP = """\
document: shop
title: a window left open
clauses:
  - id: A
    quote: "Orders may be cancelled up to 48 hours after ordering."
    when: request == cancel and hours(order_placed_at, request_at) <= 48 and (shipped_at is none or request_at < shipped_at)
    then: cancellation_allowed
  - id: S
    quote: "Orders cannot be cancelled once shipped."
    when: request == cancel and shipped_at is not none and shipped_at <= request_at
    then: not cancellation_allowed
"""


def test_gap_between_the_window_and_shipping(encodings: Encodings) -> None:
    analysis, _, policy = check(encodings, "shop", GAP_TEXT, GAP)
    assert kind(analysis, "clash") == []
    gaps = [f for f in of(analysis, "gap.open-outcome") if f.outcomes == ("cancellation_allowed",)]
    assert gaps, [f.message for f in analysis.findings]
    for gap in gaps:
        assert gap.severity == "warning" and gap.detail["outcome"] == "cancellation_allowed"
        assert ids(gap) == {"A", "S"}
        w = gap.witness
        # in the window: a cancellation asked for after 48 hours, before the order ships
        assert w["request"] == "cancel"
        assert elapsed(w) > 48
        assert w["shipped_at"] is None or w["request_at"] < w["shipped_at"]
        verdict = decide_conjuncts(policy.vocabulary, policy.conjuncts, w).outcomes["cancellation_allowed"]
        assert verdict.status == "open"


def test_full_coverage_leaves_no_gap(encodings: Encodings) -> None:
    encoding = GAP.replace(
        "when: request == cancel and hours(order_placed_at, request_at) <= 48 and (shipped_at is none or request_at < shipped_at)\n"
        "    then: cancellation_allowed",
        "when: request == cancel\n"
        "    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48 and (shipped_at is none or request_at < shipped_at))")
    assert encoding != GAP
    analysis, _, _ = check(encodings, "shop", GAP_TEXT, encoding)
    assert of(analysis, "gap.open-outcome") == []
    assert kind(analysis, "clash") == []
    # what the full clause says makes S redundant (S only repeats part of it)
    [redundant] = kind(analysis, "redundant")
    assert [c.id for c in redundant.clauses] == ["S", "A"] and redundant.detail["implied_by"] == ["A"]


def test_gap_no_clause_stays_inside_the_scope(encodings: Encodings) -> None:
    """A page about cancellations says nothing about returns: no "no clause decides
    return accepted" for it. Declaring the requests it governs brings them in."""
    analysis, _, _ = check(encodings, "shop", GAP_TEXT, GAP)
    assert of(analysis, "gap.no-clause") == []
    declared = GAP.replace("title: a window left open\n", "title: a window left open\nscope: [cancel, refund, return]\n")
    analysis, _, _ = check(encodings, "shop", GAP_TEXT, declared)
    silent = {f.outcomes for f in of(analysis, "gap.no-clause")}
    assert silent == {("refund_due",), ("return_accepted",)}


def test_a_scope_names_request_kinds(encodings: Encodings) -> None:
    declared = GAP.replace("title: a window left open\n", "title: a window left open\nscope: [cancel, sell]\n")
    with pytest.raises(InputError) as error:
        check(encodings, "shop", GAP_TEXT, declared)
    [problem] = error.value.problems
    assert "'sell' is not a request kind" in problem.message and problem.location.line == 3


def test_gap_witness_asks_the_question_of_the_gap(encodings: Encodings) -> None:
    """The gap is about refund requests, so its witness is one (it once was a return)."""
    source = "Cancellations are refunded within a day.\n"
    encoding = """\
    document: shop
    title: one clause
    scope: [cancel, refund]
    clauses:
      - id: R
        quote: "Cancellations are refunded within a day."
        when: request == cancel and hours(order_placed_at, request_at) <= 24
        then: refund_due
    """
    analysis, workspace, _ = check(encodings, "shop", source, encoding)
    [gap] = [f for f in of(analysis, "gap.open-outcome") if f.outcomes == ("refund_due",)]
    assert gap.witness["request"] in workspace.vocabulary.outcomes["refund_due"].asked_by  # refund
    # and its region keeps the request kind: refund requests only
    assert [(atom.operand.name, atom.values, truth) for atom, truth in gap.region if isinstance(atom, ir.In)] == \
        [("request", ("refund",), True)]


def test_clause_that_follows_from_its_own_condition_does_not_crash(encodings: Encodings) -> None:
    source = "A refund that is due is due.\n"
    encoding = """\
    document: shop
    title: says nothing
    clauses:
      - id: T
        quote: "A refund that is due is due."
        when: refund_due
        then: refund_due
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    assert [ids(f) for f in kind(analysis, "redundant")] == [{"T"}]


# ---- duplicates and redundancy ------------------------------------------------------------

DUPLICATE_TEXT = """\
Orders may be cancelled up to 48 hours after ordering.
An approved cancellation is refunded.
Cancellations made up to 24 hours after ordering are refunded.
Returns are accepted for 30 days after delivery.
Items delivered no more than thirty days ago may be sent back.
Gift cards carry no warranty.
"""

DUPLICATE = """\
document: shop
title: said twice
clauses:
  - id: P
    quote: "Orders may be cancelled up to 48 hours after ordering."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
  - id: Q
    quote: "An approved cancellation is refunded."
    when: request == cancel and cancellation_allowed
    then: refund_due
  - id: R
    quote: "Cancellations made up to 24 hours after ordering are refunded."
    when: request == cancel and hours(order_placed_at, request_at) <= 24
    then: refund_due
  - id: M1
    quote: "Returns are accepted for 30 days after delivery."
    when: request == return and delivered_at is not none and days(delivered_at, request_at) <= 30
    then: return_accepted
  - id: M2
    quote: "Items delivered no more than thirty days ago may be sent back."
    when: request == return and days(delivered_at, request_at) <= 30
    then: return_accepted
  - id: G1
    quote: "Gift cards carry no warranty."
    when: request == warranty_claim and item_category == gift_card
    then: not warranty_covered
  - id: G2
    quote: "Gift cards carry no warranty."
    when: item_category == gift_card and request == warranty_claim
    then: not warranty_covered
"""


@pytest.fixture
def duplicates(encodings: Encodings) -> Analysis:
    analysis, _, _ = check(encodings, "shop", DUPLICATE_TEXT, DUPLICATE)
    return analysis


def test_same_sentence_encoded_twice(duplicates: Analysis) -> None:
    [same] = of(duplicates, "duplicate.same-text")
    assert [c.id for c in same.clauses] == ["G1", "G2"] and same.severity == "warning"
    assert "the same sentence twice, for the same outcome" in same.message
    # reported once, as text: not again as meaning, nor as redundant
    assert not any(ids(f) & {"G1", "G2"} for f in of(duplicates, "duplicate.same-meaning") + kind(duplicates, "redundant"))


def test_two_sentences_that_mean_the_same(duplicates: Analysis) -> None:
    [same] = of(duplicates, "duplicate.same-meaning")
    assert [c.id for c in same.clauses] == ["M1", "M2"] and same.severity == "warning"
    assert not any(ids(f) & {"M1", "M2"} for f in kind(duplicates, "redundant"))


def test_clause_implied_by_two_others(duplicates: Analysis) -> None:
    [implied] = kind(duplicates, "redundant")
    assert implied.rule == "redundant.implied" and implied.severity == "warning"
    assert implied.clauses[0].id == "R"
    assert implied.detail["implied_by"] == ["P", "Q"]
    assert ids(implied) == {"R", "P", "Q"}
    assert kind(duplicates, "clash") == []


# ---- properties ---------------------------------------------------------------------------

PROPERTY = """\
document: shop
title: with properties
clauses:
  - id: A
    quote: "Orders may be cancelled within 48 hours of ordering."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
properties:
  - id: early-cancel
    statement: a cancellation asked for within a day is allowed
    when: request == cancel and hours(order_placed_at, request_at) <= 24
    holds: cancellation_allowed
  - id: three-days
    statement: a cancellation asked for within three days is allowed
    when: request == cancel and hours(order_placed_at, request_at) <= 72
    holds: cancellation_allowed
"""


def test_properties_hold_or_are_refuted_with_a_counterexample(encodings: Encodings) -> None:
    analysis, _, policy = check(encodings, "shop", "Orders may be cancelled within 48 hours of ordering.\n", PROPERTY)
    assert [(p.id, p.status) for p in analysis.properties] == [("early-cancel", "holds"), ("three-days", "refuted")]
    [refuted] = kind(analysis, "property")
    assert refuted.rule == "property.refuted" and refuted.severity == "error"
    assert refuted.detail["property"] == "three-days"
    assert refuted.detail["outcome_values"] == {"cancellation_allowed": False}
    assert analysis.properties[1].finding == refuted
    w = refuted.witness
    assert w["request"] == "cancel" and 48 < elapsed(w) <= 72
    assert decide_conjuncts(policy.vocabulary, policy.conjuncts, w).outcomes["cancellation_allowed"].value is False


# ---- readings of time ---------------------------------------------------------------------


def test_within_24_hours_inclusive_or_not(encodings: Encodings) -> None:
    source = "Orders may be cancelled within 24 hours of ordering.\n"
    encoding = """\
    document: shop
    title: a day
    clauses:
      - id: W
        quote: "Orders may be cancelled within 24 hours of ordering."
        when: request == cancel
        then: cancellation_allowed == (hours(order_placed_at, request_at) <= 24)
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    [reading] = kind(analysis, "ambiguity")
    assert reading.rule == "ambiguity.time-reading" and reading.severity == "warning"
    assert [c.id for c in reading.clauses] == ["W"]
    assert reading.detail["term"] == "within 24 hours"
    assert reading.outcomes == ("cancellation_allowed",)
    assert reading.witness["request"] == "cancel"
    assert elapsed(reading.witness) == 24  # exactly on the boundary
    assert "yes as encoded, no on the other reading" in reading.message


def test_no_time_reading_where_the_text_fixes_it(encodings: Encodings) -> None:
    source = "Orders may be cancelled until 24 hours have passed since ordering.\n"
    encoding = """\
    document: shop
    title: a day
    clauses:
      - id: W
        quote: "Orders may be cancelled until 24 hours have passed since ordering."
        when: request == cancel
        then: cancellation_allowed == (hours(order_placed_at, request_at) <= 24)
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    assert of(analysis, "ambiguity.time-reading") == []


# ---- policy sets --------------------------------------------------------------------------


def two_documents(encodings: Encodings) -> None:
    encodings.document("market", "Buyers may cancel any order before it ships.\n", """\
    document: market
    title: the marketplace
    clauses:
      - id: M1
        quote: "Buyers may cancel any order before it ships."
        when: request == cancel and (shipped_at is none or request_at < shipped_at)
        then: cancellation_allowed
    """)
    encodings.document("seller", "Orders cannot be cancelled more than 24 hours after ordering.\n", """\
    document: seller
    title: the seller
    clauses:
      - id: S1
        quote: "Orders cannot be cancelled more than 24 hours after ordering."
        when: request == cancel and hours(order_placed_at, request_at) > 24
        then: not cancellation_allowed
    """)
    (encodings.root / "sets").mkdir(exist_ok=True)
    (encodings.root / "sets" / "both.yaml").write_text("name: both\ntitle: read together\ndocuments: [market, seller]\n")
    (encodings.root / "sets" / "ranked.yaml").write_text(
        "name: ranked\ntitle: the marketplace first\ndocuments: [market, seller]\nrank: [market, seller]\n")


def run_check(capsys, *args: str) -> tuple[int, dict]:
    code = cli.main(["check", *args, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_clash_across_documents_of_a_set(encodings: Encodings, capsys) -> None:
    two_documents(encodings)
    # each document alone is consistent
    code, alone = run_check(capsys, str(encodings.root))
    assert code == 0 and not [f for f in alone["findings"] if f["kind"] == "clash"]
    code, report = run_check(capsys, str(encodings.root), "--set", "both")
    assert code == 1
    [clash] = [f for f in report["findings"] if f["kind"] == "clash"]
    assert clash["rule"] == "clash.across-documents" and clash["severity"] == "error"
    assert [(c["document"], c["id"]) for c in clash["clauses"]] == [("market", "M1"), ("seller", "S1")]
    assert clash["documents"] == ["market", "seller"] and clash["outcomes"] == ["cancellation_allowed"]
    assert clash["witness"]["documents"] == ["market", "seller"]
    assert not [f for f in report["findings"] if f["kind"] == "override"]
    assert report["summary"]["analyses"][0]["name"] == "both"
    # the witness, proved against both documents, is a clash between the two clauses
    workspace = Workspace.load([encodings.root])
    path = encodings.root / "witness.json"
    path.write_text(json.dumps({**clash["witness"], "expect": {"cancellation_allowed": "clash"}}))
    [case] = read_cases(path, workspace.vocabulary)
    proof = workspace.prove(case, case.documents)
    assert proof.outcomes["cancellation_allowed"].status == "clash"
    assert [[(c.document, c.id) for c in x.clauses] for x in proof.clashes] == [[("market", "M1"), ("seller", "S1")]]


def test_rank_resolves_the_clash_across_documents(encodings: Encodings, capsys) -> None:
    two_documents(encodings)
    code, report = run_check(capsys, str(encodings.root), "--set", "ranked")
    assert code == 0  # no error left: the clash is resolved by rank
    assert not [f for f in report["findings"] if f["kind"] == "clash"]
    [ranked] = [f for f in report["findings"] if f["kind"] == "override"]
    assert ranked["rule"] == "override.rank" and ranked["severity"] == "info"
    assert [(c["document"], c["id"]) for c in ranked["clauses"]] == [("market", "M1"), ("seller", "S1")]
    assert "in favour of market" in ranked["message"]


# ---- one finding per problem ------------------------------------------------------------

REPEATED_TEXT = """\
Orders can be cancelled before they ship.
Orders cannot be cancelled once shipping is booked.
Refunds and cancellations
Orders can be cancelled before they ship.
Orders cannot be cancelled once shipping is booked.
"""

REPEATED = """\
document: shop
title: a paragraph said twice
clauses:
  - id: C1
    quote: "Orders can be cancelled before they ship."
    when: request == cancel and (shipped_at is none or request_at < shipped_at)
    then: cancellation_allowed
  - id: B1
    quote: "Orders cannot be cancelled once shipping is booked."
    when: request == cancel and shipping_arranged_at <= request_at
    then: not cancellation_allowed
  - id: C2
    quote: "Orders can be cancelled before they ship."
    when: request == cancel and (shipped_at is none or request_at < shipped_at)
    then: cancellation_allowed
  - id: B2
    quote: "Orders cannot be cancelled once shipping is booked."
    when: request == cancel and shipping_arranged_at <= request_at
    then: not cancellation_allowed
skipped:
  - quote: "Refunds and cancellations"
    reason: heading
"""


def test_a_repeated_paragraph_is_one_rule_and_its_clash_is_reported_once(encodings: Encodings) -> None:
    analysis, _, _ = check(encodings, "shop", REPEATED_TEXT, REPEATED)
    [clash] = kind(analysis, "clash")
    assert ids(clash) == {"C1", "B1"}
    repeats = of(analysis, "duplicate.same-text")
    assert sorted(sorted(ids(f)) for f in repeats) == [["B1", "B2"], ["C1", "C2"]]
    assert all("which the source repeats (analysed once)" in f.message for f in repeats)
    # the repetition is not also redundancy or sameness of meaning
    assert kind(analysis, "redundant") == [] and of(analysis, "duplicate.same-meaning") == []


def test_a_repeated_paragraph_encoded_differently_is_analysed_twice(encodings: Encodings) -> None:
    encoding = REPEATED.replace(
        "  - id: B2\n    quote: \"Orders cannot be cancelled once shipping is booked.\"\n"
        "    when: request == cancel and shipping_arranged_at <= request_at",
        "  - id: B2\n    quote: \"Orders cannot be cancelled once shipping is booked.\"\n"
        "    when: request == cancel and shipping_arranged_at < request_at")
    assert encoding != REPEATED
    analysis, _, _ = check(encodings, "shop", REPEATED_TEXT, encoding)
    [booked] = [f for f in of(analysis, "duplicate.same-text") if ids(f) == {"B1", "B2"}]
    assert "encoded differently" in booked.message


def test_one_sentence_one_clause_per_outcome_is_not_a_duplicate(encodings: Encodings) -> None:
    source = "Cancelled orders are refunded in full.\n"
    encoding = """\
    document: shop
    title: one sentence, two outcomes
    clauses:
      - id: R1
        quote: "Cancelled orders are refunded in full."
        when: request == cancel and cancellation_allowed
        then: refund_due
      - id: R2
        quote: "Cancelled orders are refunded in full."
        when: request == cancel and cancellation_allowed
        then: refund_extent == full
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    assert of(analysis, "duplicate.same-text") == []


EXCEPTIONS_TEXT = """\
Orders can be cancelled within 48 hours.
Gift cards can never be cancelled.
An approved cancellation is refunded.
"""

EXCEPTIONS = """\
document: shop
title: one exception, two clashes it resolves
clauses:
  - id: W
    quote: "Orders can be cancelled within 48 hours."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
  - id: G
    quote: "Gift cards can never be cancelled."
    when: request == cancel and item_category == gift_card
    then: not cancellation_allowed
    overrides: [{clause: W, stated: "never be cancelled"}]
  - id: R
    quote: "An approved cancellation is refunded."
    when: request == cancel and cancellation_allowed
    then: refund_due
"""


def test_one_override_finding_per_exception(encodings: Encodings) -> None:
    analysis, _, _ = check(encodings, "shop", EXCEPTIONS_TEXT, EXCEPTIONS)
    [override] = of(analysis, "override.exception")
    assert override.message.startswith("G is an exception to W: without it, W and G would contradict")
    assert kind(analysis, "clash") == []


def test_an_exception_that_resolves_nothing_is_one_info_line(encodings: Encodings) -> None:
    encoding = EXCEPTIONS.replace('then: not cancellation_allowed\n    overrides: [{clause: W, stated: "never be cancelled"}]',
                                  'then: not refund_due\n    overrides: [{clause: R, stated: "never be cancelled"}]')
    encoding = encoding.replace("when: request == cancel and item_category == gift_card",
                                "when: request == cancel and item_category == gift_card and not cancellation_allowed")
    analysis, _, _ = check(encodings, "shop", EXCEPTIONS_TEXT, encoding)
    [override] = of(analysis, "override.exception")
    assert override.severity == "info" and override.witness is None
    assert "resolves no clash" in override.message


def test_redundancy_names_the_part_that_repeats(encodings: Encodings) -> None:
    source = "Shipping costs are never refunded.\nLate returns are refunded less a 20% fee; shipping costs are not refunded.\n"
    encoding = """\
    document: shop
    title: one part repeats
    clauses:
      - id: S
        quote: "Shipping costs are never refunded."
        then: not shipping_cost_refunded
      - id: L
        quote: "Late returns are refunded less a 20% fee; shipping costs are not refunded."
        when: request == return and days(delivered_at, request_at) > 30
        then: refund_due and restocking_fee_pct == 20 and not shipping_cost_refunded
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    [part] = kind(analysis, "redundant")
    assert part.message.startswith("the part of L on the refund of the shipping cost repeats S")
    assert part.detail["part"] == ["shipping_cost_refunded"] and ids(part) == {"L", "S"}


def _readings(encodings: Encodings, words: str) -> set[str]:
    source = f"Returns are accepted {words}.\n"
    encoding = f"""\
    document: shop
    title: a return window
    clauses:
      - id: W
        quote: "Returns are accepted {words}."
        when: request == return and delivered_at is not none
        then: return_accepted == (days(delivered_at, request_at) <= 14)
    """
    analysis, _, _ = check(encodings, "shop", source, encoding)
    return {f.detail["reading"] for f in of(analysis, "ambiguity.time-reading")}


def test_time_readings_are_offered_only_where_the_words_leave_them_open(encodings: Encodings) -> None:
    calendar, moment = "as calendar days or as working days", "as calendar dates or as 24-hour periods from the moment"
    assert {calendar, moment} <= _readings(encodings, "within 14 days of delivery")
    assert _readings(encodings, "within 14 calendar days from the date of receipt") & {calendar, moment} == set()
    assert moment not in _readings(encodings, "within 14 days from the date of delivery")
    assert calendar not in _readings(encodings, "within 14 business days of delivery")
