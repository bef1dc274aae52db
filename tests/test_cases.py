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
