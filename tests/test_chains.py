"""Chained clauses (issue 12, item 7): a clause whose `when` reads an outcome another
clause decides links every clause on that outcome into one group, and the clash search
of the group must not give up.

The fixture `tests/fixtures/chained/shop` is a 37-clause policy with chains of depth 2
and 3 (a cancellation allowed -> a refund due -> its method and deadline; a return
accepted -> a refund due -> its method, extent and delivery charge; an address change
allowed -> the courier surcharge; a replacement offered -> a refund due), two clashes
planted through chains and one gap. It uses the project's vocabulary, copied next to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.analyse import Options, analyse
from checker.components import outcome_groups
from checker.evaluate import consistent
from checker.findings import Analysis, Finding
from checker.policy import Policy
from checker.search import GroupSearch
from checker.workspace import Workspace

from .conftest import Encodings
from .fixtures.hub import INDEPENDENT, hub

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "chained" / "shop"


def _load(encodings: Encodings, name: str, source: str, encoding: str) -> Policy:
    encodings.document(name, source, encoding)
    return Workspace.load([encodings.root / name]).policy((name,))


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> tuple[Policy, Analysis]:
    encodings = Encodings(tmp_path_factory.mktemp("chained"))
    policy = _load(encodings, "shop", (FIXTURE / "source.txt").read_text(encoding="utf-8"),
                   (FIXTURE / "encoding.yaml").read_text(encoding="utf-8"))
    return policy, analyse(policy, "shop", Options())  # the default limit of one question: 10 s


def _ids(finding: Finding) -> frozenset[str]:
    return frozenset(c.id for c in finding.clauses)


def _members(policy: Policy, finding: Finding):
    keys = {c.key for c in finding.clauses}
    return tuple(c for c in policy.conjuncts if c.clause.key in keys)


def test_the_fixture_is_chained(shop) -> None:
    policy, _ = shop
    reading = [c for c in policy.conjuncts if c.reads]
    assert len(policy.clauses) >= 15 and len(reading) >= 20
    # the chains link the cancellation, return, refund and exchange clauses into one group
    biggest = max(outcome_groups(policy.merge_repeated().conjuncts), key=len)
    assert {"2.1", "2.4", "3.1", "3.6a", "4.2", "5.1", "5.4"} <= {c.clause.id for c in biggest}


def test_no_question_gives_up(shop) -> None:
    _, analysis = shop
    assert [f.message for f in analysis.findings if f.rule == "unknown.solver-limit"] == []


def test_the_clashes_planted_through_chains_are_found_and_nothing_else(shop) -> None:
    policy, analysis = shop
    clashes = [f for f in analysis.findings if f.kind == "clash"]
    assert sorted(sorted(_ids(f)) for f in clashes) == [["1.1", "1.2", "1.3"], ["2.1", "2.3", "2.4", "4.2"]]
    assert all(f.rule == "clash.within-document" and f.severity == "error" for f in clashes)
    [deadline] = [f for f in clashes if "4.2" in _ids(f)]
    # 2.1 allows the cancellation, so 2.3 makes the refund due, so 2.4 (5 working days)
    # and 4.2 (7 to 10 for a bank transfer) both apply
    assert deadline.outcomes == ("refund_deadline_working_days",)
    assert deadline.witness["request"] == "cancel" and deadline.witness["payment_method"] == "bank_transfer"
    [surcharge] = [f for f in clashes if "1.1" in _ids(f)]
    assert surcharge.outcomes == ("surcharge_applies",) and surcharge.witness["request"] == "address_change"
    for finding in clashes:
        members = _members(policy, finding)
        assert not consistent(policy.vocabulary, members, finding.witness)
        for left_out in members:  # minimal: any one left out, the rest can hold
            rest = tuple(c for c in members if c.clause.key != left_out.clause.key)
            assert consistent(policy.vocabulary, rest, finding.witness), left_out.clause.id


def test_the_planted_gap_is_found(shop) -> None:
    _, analysis = shop
    gaps = [f for f in analysis.findings if f.rule == "gap.open-outcome"]
    [refund] = [f for f in gaps if f.outcomes == ("refund_due",)]
    # a refund asked for on its own: only 4.3 (a parcel lost in transit) decides it
    assert refund.witness["request"] == "refund" and refund.witness["lost_in_transit"] is False
    assert {"2.3", "3.5", "4.3", "5.4"} <= _ids(refund)
    assert len(gaps) == 1


def test_the_stated_exceptions_of_the_chains_resolve_their_clashes(shop) -> None:
    _, analysis = shop
    resolved = {f.message.split(" is an exception")[0] for f in analysis.findings if f.rule == "override.exception"}
    assert resolved == {"2.2", "3.2", "3.3", "4.1", "5.3"}


def _hub(consequences: int) -> tuple[str, str]:
    """The hub read by `consequences` clauses that each decide another outcome from
    another fact, the last two on one outcome (a clash)."""
    return hub(INDEPENDENT[:consequences - 1] + [("repair_offered", "sales_team_contacted")])


def test_a_hub_read_by_many_clauses_is_searched_part_by_part(encodings: Encodings) -> None:
    """Learned as whole readings of the outcomes, the counterexamples of the twelve
    independent consequences multiply (about 4,700 questions before the search ends);
    searched part by part, a handful. The bound is on questions, not on time."""
    policy = _load(encodings, "hub", *_hub(12))
    [group] = outcome_groups(policy.conjuncts)
    search = GroupSearch(policy, group, Options().timeout_ms)
    found = search.minimal_clashes()
    ids = lambda f: sorted({policy.conjuncts[o].clause.id for o in f.orders})  # noqa: E731
    assert [ids(f) for f in found] == [["C12", "C6", "H"]]
    assert search.calls < 200
