"""Every case under tests/cases proves as its `expect` says (examples.jsonl is the
shared worked set; the others are ours, chosen from the texts' boundaries)."""

from __future__ import annotations

import pytest

from checker.cases import read_cases
from checker.workspace import Workspace, expectation_results

from .conftest import CASES, ENCODINGS

WORKSPACE = Workspace.load([ENCODINGS])
CASE_LIST = [c for path in sorted(CASES.glob("*.jsonl")) for c in read_cases(path, WORKSPACE.vocabulary)]


def test_enough_cases_of_our_own() -> None:
    ours = [c for c in CASE_LIST if c.expect and "examples.jsonl" not in c.location.file]
    assert len(ours) >= 40
    assert {d for c in ours for d in c.documents} == set(WORKSPACE.documents)


@pytest.mark.parametrize("case", CASE_LIST, ids=lambda c: c.id)
def test_case_proves_as_expected(case) -> None:
    assert case.expect, "every case states what it expects"
    proof = WORKSPACE.prove(case, WORKSPACE.documents_for(case, None))
    results = expectation_results(case, proof)
    failed = {k: (v["expected"], proof.outcomes[k].status, proof.outcomes[k].value) for k, v in results.items() if not v["ok"]}
    assert not failed


def test_prove_json_writes_expected_numbers(capsys) -> None:
    """A case that expects a number (a deadline in working days) prints as JSON: the
    expected value is a JSON number, as the case file wrote it."""
    import json

    from checker import cli

    code = cli.main(["prove", str(CASES / "xstron.jsonl"), "--encodings", str(ENCODINGS), "--format", "json"])
    proofs = json.loads(capsys.readouterr().out)
    numbers = [e["expected"] for p in proofs for e in p.get("expect", {}).values()
               if isinstance(e["expected"], (int, float)) and not isinstance(e["expected"], bool)]
    assert code == 0 and numbers


def test_deciding_clauses_are_the_first_minimal_set_in_policy_order() -> None:
    """The clauses that decide an outcome are found by deletion from the last conjunct to
    the first (the earliest clauses that settle it), not whichever unsat core the solver
    hands back: restated here with the plain evaluator as the oracle, on a PINELABS sale
    item (1.2 and 1.4b both refuse the cancellation, and so does a chain through 1.5 and
    3.4)."""
    from datetime import datetime, timedelta, timezone

    from checker.cases import Case, axiom_violations
    from checker.errors import Location
    from checker.evaluate import values_of
    from checker.verdict import deletion_minimal
    from checker.vocabulary import BoolType, EnumType, NumberType

    workspace = Workspace.load([ENCODINGS], only={"aptronix"})
    vocabulary = workspace.vocabulary
    order = datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    facts = {}
    for name, var in vocabulary.facts.items():
        t = var.type
        facts[name] = (False if isinstance(t, BoolType) else t.values[0] if isinstance(t, EnumType)
                       else t.low if isinstance(t, NumberType) else None)
    facts.update(channel="online", request="cancel", payment_gateway="pinelabs", item_category="sale",
                 order_placed_at=order, request_at=order + timedelta(hours=2))
    assert axiom_violations(facts, vocabulary) == []
    case = Case("pinelabs-sale", ("aptronix",), facts, {}, Location("<test>"))
    verdict = workspace.prove(case, ("aptronix",)).outcomes["cancellation_allowed"]
    assert (verdict.status, verdict.value) == ("determined", False)
    rules = [c for c in workspace.prover(("aptronix",)).policy.conjuncts if not c.is_discretion]
    expected = deletion_minimal(rules[::-1], lambda s: values_of(vocabulary, s, facts, "cancellation_allowed") == [False])
    assert [c.id for c in verdict.clauses] == list(dict.fromkeys(c.clause.id for c in sorted(expected, key=lambda c: c.order)))
    assert [c.id for c in verdict.clauses] == ["1.2"]  # the first rule that settles it
