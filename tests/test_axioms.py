"""The life of an order (`axioms:` in vocabulary.yaml): each rule refuses the case that
breaks it, by name, and the solver agrees; a store sale handed over at the counter is a
case; windows hold only forwards in both back ends; generated facts keep every rule; a
case file with a bad case still proves the others."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import syntax
from checker.casegen import DrawChooser, RandomChooser, generate_facts
from checker.cases import CaseSpec, axiom_violations, build_case, load_cases
from checker.cli import main
from checker.errors import InputError, Location
from checker.evaluate import evaluate
from checker.load import load_vocabulary
from checker.policy import Policy
from checker.semantics.axioms import violations, with_absent_events
from checker.smt import SmtPolicy
from checker.typecheck import check_condition

from .conftest import CASES, ENCODINGS

VOCAB = load_vocabulary(ENCODINGS / "vocabulary.yaml")
SMT = SmtPolicy(Policy(VOCAB, ()))  # the axioms and no clause
T0 = datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=5, minutes=30)))


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


# An online order, shipped and delivered, returned in good order: it breaks no rule.
GOOD = {
    "channel": "online", "request": "return", "item_category": "regular", "condition": "as_new",
    "lost_in_transit": False, "items_missing": False, "returned_to_sender": False,
    "order_placed_at": at(0), "invoiced_at": at(1), "shipping_arranged_at": at(2), "shipped_at": at(3),
    "delivered_at": at(30), "request_at": at(50), "return_sent_at": at(60), "return_received_at": at(80),
    "doa_certified_at": None,
}

# (rule, what changes from GOOD): each case breaks that rule and no other.
BROKEN = [
    ("after-order", {"request": "cancel", "request_at": at(-1), "delivered_at": None, "shipped_at": None,
                     "shipping_arranged_at": None, "return_sent_at": None, "return_received_at": None}),
    ("after-order", {"invoiced_at": at(-2)}),
    ("fulfilment-in-order", {"invoiced_at": at(4)}),
    ("fulfilment-in-order", {"delivered_at": at(2.5), "request_at": at(2.6)}),
    ("online-delivery-needs-shipment", {"shipped_at": None}),
    ("store-sale-not-shipped", {"channel": "store"}),
    ("return-after-delivery", {"request": "refund", "delivered_at": None}),
    ("return-after-delivery", {"return_sent_at": at(20)}),
    ("return-received-after-sent", {"return_sent_at": None}),
    ("return-received-after-sent", {"return_received_at": at(55)}),
    ("doa-after-delivery", {"condition": "defective_on_arrival", "doa_certified_at": at(20)}),
    ("doa-only-if-defective-on-arrival", {"condition": "defective_later", "doa_certified_at": at(40)}),
    ("item-request-after-delivery", {"request_at": at(20), "return_sent_at": None, "return_received_at": None}),
    ("condition-after-delivery", {"request": "cancel", "condition": "customer_damaged", "request_at": at(20),
                                  "return_sent_at": None, "return_received_at": None}),
    ("condition-after-delivery", {"request": "refund", "lost_in_transit": True, "condition": "defective_on_arrival",
                                  "delivered_at": None, "return_sent_at": None, "return_received_at": None}),
    ("transit-problems-need-delivery", {"request": "refund", "items_missing": True, "delivered_at": None,
                                        "return_sent_at": None, "return_received_at": None}),
    ("lost-parcel-was-shipped", {"lost_in_transit": True}),
    ("lost-parcel-was-shipped", {"request": "cancel", "lost_in_transit": True, "shipped_at": None, "delivered_at": None,
                                 "shipping_arranged_at": None, "return_sent_at": None, "return_received_at": None}),
    ("returned-parcel-was-shipped", {"request": "cancel", "returned_to_sender": True, "shipped_at": None,
                                     "delivered_at": None, "shipping_arranged_at": None, "return_sent_at": None,
                                     "return_received_at": None}),
    ("gift-card-not-defective", {"item_category": "gift_card", "condition": "defective_later"}),
]


def as_json(facts: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in facts.items()}


def solver_says(facts: dict) -> str:
    """sat or unsat: the facts (an optional event not given has not happened) and the axioms."""
    return SMT.check(SMT.fact_constraints(with_absent_events(VOCAB, facts)), want_model=False).verdict


def test_the_axioms_load_with_their_location() -> None:
    ids = [a.id for a in VOCAB.axioms]
    assert len(ids) == len(set(ids)) >= 12
    for a in VOCAB.axioms:
        assert a.location.file.endswith("vocabulary.yaml") and a.location.line > 0
        assert a.meaning and not a.meaning.endswith(".")


def test_the_good_case_breaks_no_rule() -> None:
    assert axiom_violations(GOOD, VOCAB) == []
    assert solver_says(GOOD) == "sat"


@pytest.mark.parametrize("rule, change", BROKEN, ids=[f"{r}-{i}" for i, (r, _) in enumerate(BROKEN)])
def test_each_rule_refuses_the_case_that_breaks_it(rule: str, change: dict) -> None:
    facts = {**GOOD, **change}
    assert [v.rules[0].id for v in violations(VOCAB, facts)] == [rule]
    with pytest.raises(InputError) as info:
        build_case(CaseSpec(id="x", documents=[], facts=as_json(facts)), VOCAB, Location("cases.jsonl", 3))
    [problem] = info.value.problems
    assert str(problem).startswith("cases.jsonl:3: case 'x': impossible facts: ")
    assert f"(rule `{rule}`: " in problem.message
    assert solver_says(facts) == "unsat"


def test_an_unknown_fact_is_not_guessed_but_the_rules_are_read_together() -> None:
    # lost_in_transit and returned_to_sender not given: a return requested before
    # delivery would be a lost or returned parcel, which it cannot be without a
    # shipment. The three rules are named.
    facts = {"request": "return", "condition": "as_new", "order_placed_at": at(0), "request_at": at(5)}
    [v] = violations(VOCAB, facts)
    assert [a.id for a in v.rules] == ["item-request-after-delivery", "lost-parcel-was-shipped",
                                       "returned-parcel-was-shipped"]
    assert v.unknown == ("lost_in_transit", "returned_to_sender")
    assert str(v).startswith("whatever lost_in_transit and returned_to_sender may be, ")
    assert solver_says(facts) == "unsat"
    # shipped: the parcel may have been lost, so the case is possible (the rule is skipped)
    facts["shipped_at"] = at(3)
    assert violations(VOCAB, facts) == [] and solver_says(facts) == "sat"


STORE_SALE = {"id": "store-counter", "documents": ["aptronix"], "facts": {
    "channel": "store", "request": "refund", "order_placed_at": "2026-03-02T10:00:00+05:30",
    "invoiced_at": "2026-03-02T10:05:00+05:30", "delivered_at": "2026-03-02T10:05:00+05:30",
    "request_at": "2026-03-03T11:00:00+05:30", "payment_method": "debit_card", "payment_gateway": "other",
    "item_category": "regular", "condition": "as_new", "opened_in_store": False},
    "expect": {"refund_due": False}}


def test_a_store_sale_handed_over_at_the_counter_is_a_case(tmp_path: Path, capsys) -> None:
    path = tmp_path / "store.jsonl"
    path.write_text(json.dumps(STORE_SALE) + "\n")
    [case], problems = load_cases(path, VOCAB)
    assert problems == [] and case.facts["shipped_at"] is None
    assert solver_says(case.facts) == "sat"
    assert main(["prove", str(path), "--encodings", str(ENCODINGS)]) == 0
    out = capsys.readouterr()
    assert "1 case(s) proved; 1 of 1 expectation(s) hold." in out.out and out.err == ""


def test_one_bad_case_leaves_the_others_proved(tmp_path: Path, capsys) -> None:
    good = json.loads((CASES / "examples.jsonl").read_text().splitlines()[2])  # apx-e03
    impossible = {**STORE_SALE, "id": "shipped-store-sale",
                  "facts": {**STORE_SALE["facts"], "shipped_at": "2026-03-02T10:05:00+05:30"}}
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(good), json.dumps(impossible), '{"id": "broken", oops}',
                               json.dumps(STORE_SALE)]) + "\n")
    assert main(["prove", str(path), "--encodings", str(ENCODINGS)]) == 2
    out = capsys.readouterr()
    assert "Case apx-e03 under aptronix" in out.out and "Case store-counter under aptronix" in out.out
    assert "2 case(s) proved; 2 of 2 expectation(s) hold." in out.out
    errors = out.err.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"error: {path}:2: case 'shipped-store-sale': impossible facts: ")
    assert "(rule `store-sale-not-shipped`: " in errors[0]
    assert errors[1].startswith(f"error: {path}:3:") and "not valid JSON" in errors[1]
    assert main(["prove", str(path), "--encodings", str(ENCODINGS), "--format", "json"]) == 2
    out = capsys.readouterr()
    assert [p["id"] for p in json.loads(out.out)] == ["apx-e03", "store-counter"]
    assert len(out.err.splitlines()) == 2


def test_a_file_that_is_not_json_at_all_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"id": "a",\n   "facts": {}\n')
    with pytest.raises(InputError) as info:
        load_cases(path, VOCAB)
    [problem] = info.value.problems
    assert "not valid JSON" in problem.message and problem.location.line == 4


# ---- windows hold only forwards ---------------------------------------------------------

def condition(text: str):
    return check_condition(VOCAB, syntax.parse(text))


# delivered before the request: the axioms allow it, so request_at -> delivered_at runs backwards
BACKWARDS = {**GOOD, "request": "refund", "return_sent_at": None, "return_received_at": None,
             "delivered_at": at(30), "request_at": at(40)}


def solver_value(e, facts: dict) -> bool:
    atom = SMT.compile(e)
    can_hold = SMT.check(SMT.fact_constraints(facts) + [atom], want_model=False).verdict == "sat"
    can_fail = SMT.check(SMT.fact_constraints(facts) + [z3.Not(atom)], want_model=False).verdict == "sat"
    assert can_hold != can_fail, "the facts fix the atom"
    return can_hold


@pytest.mark.parametrize("text, expected", [
    ("hours(request_at, delivered_at) <= 48", False),   # -10 hours, but backwards: not "within 48 hours"
    ("hours(request_at, delivered_at) < 48", False),
    ("48 >= hours(request_at, delivered_at)", False),
    ("days(request_at, delivered_at) <= 0", False),     # the same date, but backwards
    ("working_days(request_at, delivered_at) <= 5", False),
    ("years(request_at, delivered_at) <= 1", False),
    ("not (hours(request_at, delivered_at) <= 48)", True),
    ("hours(request_at, delivered_at) > -11", True),    # lower bounds are unchanged
    ("hours(request_at, delivered_at) >= -10", True),
    ("hours(request_at, delivered_at) > 0", False),
    ("hours(delivered_at, request_at) <= 48", True),    # forwards
    ("years(delivered_at, request_at) <= 1", True),
])
def test_windows_hold_only_forwards_in_both_back_ends(text: str, expected: bool) -> None:
    e = condition(text)
    assert evaluate(e, BACKWARDS, {}) is expected
    assert solver_value(e, BACKWARDS) is expected


# ---- generated facts and witnesses --------------------------------------------------------

@settings(max_examples=300)
@given(data=st.data())
def test_generated_facts_keep_every_rule(data) -> None:
    facts = generate_facts(VOCAB, DrawChooser(data.draw, st))
    assert set(facts) == set(VOCAB.facts)
    assert axiom_violations(facts, VOCAB) == []
    assert solver_says(facts) == "sat"


def test_generated_facts_are_deterministic_and_varied() -> None:
    first, again = RandomChooser(7), RandomChooser(7)
    assert [generate_facts(VOCAB, first) for _ in range(20)] == [generate_facts(VOCAB, again) for _ in range(20)]
    chooser = RandomChooser(1)
    many = [generate_facts(VOCAB, chooser) for _ in range(300)]
    assert any(f["channel"] == "store" and f["delivered_at"] is not None for f in many)  # handovers
    assert any(f["request"] == "return" for f in many) and any(f["lost_in_transit"] for f in many)
    assert any(f["delivered_at"] is None and f["request"] == "cancel" for f in many)
    assert any(f["doa_certified_at"] is not None for f in many)
    # the times still sit on the boundaries: some request exactly 48 hours after the order
    assert any(f["request_at"] - f["order_placed_at"] == timedelta(hours=48) for f in many)


def test_a_witness_states_the_events_and_the_facts_the_rules_force() -> None:
    """`witness.shown`: the facts a finding's clauses read, every event of the point,
    and a fact the rules then allow only one value of (a delivery never shipped is a
    store sale), so the witness breaks no rule as stated."""
    from checker.witness import shown

    store = {**GOOD, "channel": "store", "shipping_arranged_at": None, "shipped_at": None}
    witness = shown(VOCAB, store, [], {"request"})
    assert witness["channel"] == "store" and witness["shipped_at"] is None
    assert "condition" not in witness  # nothing forces it: unknown
    online = shown(VOCAB, GOOD, [], {"request"})
    assert online["channel"] == "online" and online["shipped_at"] == GOOD["shipped_at"]  # shipped: online
    early = {**GOOD, "request": "cancel", "request_at": at(0.5), **{n: None for n in (
        "invoiced_at", "shipping_arranged_at", "shipped_at", "delivered_at", "return_sent_at", "return_received_at")}}
    assert "channel" not in shown(VOCAB, early, [], {"request"})  # nothing happened yet: either channel
    for stated in (witness, online):
        assert axiom_violations(stated, VOCAB) == []


# ---- the loader ----------------------------------------------------------------------------

def write_vocabulary(tmp_path: Path, axioms: str) -> Path:
    text = (ENCODINGS / "vocabulary.yaml").read_text()
    head, _, rest = text.partition("\naxioms:\n")
    _, _, outcomes = rest.partition("\noutcomes:\n")
    path = tmp_path / "vocabulary.yaml"
    path.write_text(head + "\naxioms:\n" + axioms + "\noutcomes:\n" + outcomes)
    return path


@pytest.mark.parametrize("axioms, message", [
    ("  - id: bad\n    meaning: m\n    holds: shipped_at is none or shiped_at is none\n",
     "unknown name 'shiped_at'"),
    ("  - id: bad\n    meaning: m\n    holds: refund_due or shipped_at is none\n",
     "an axiom reads facts only; 'refund_due' is an outcome"),
    ("  - id: Bad_Id\n    meaning: m\n    holds: shipped_at is none\n", "kebab-case"),
    ("  - id: a\n    meaning: m\n    holds: shipped_at is none\n  - id: a\n    meaning: m\n    holds: misuse\n",
     "axiom id 'a' is used twice"),
])
def test_a_bad_axiom_is_an_error_at_its_place(tmp_path: Path, axioms: str, message: str) -> None:
    path = write_vocabulary(tmp_path, axioms)
    with pytest.raises(InputError) as info:
        load_vocabulary(path)
    [problem] = info.value.problems
    assert message in problem.message
    line = path.read_text().splitlines().index("axioms:") + 1
    assert problem.location.file == str(path) and problem.location.line > line
    if "unknown name" in message:
        assert problem.location.column == 34  # the column of the misspelt name
