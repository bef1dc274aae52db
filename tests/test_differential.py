"""The solver path and the plain evaluator decide every outcome alike.

Cases are drawn over the whole vocabulary, clustered on the boundaries the
policies use. CI runs at least 2,000 cases per run (profile "ci").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.cases import Case
from checker.casegen import DrawChooser, forget_facts, generate_facts
from checker.errors import Location
from checker.evaluate import decide
from checker.workspace import Workspace

from .conftest import ENCODINGS
from .fixtures import cancellation

SEED_WORKSPACE = Workspace.load([ENCODINGS]) if any(ENCODINGS.glob("*/encoding.yaml")) else None


def at_least(n: int) -> int:
    """`n` examples, or the profile's count when it asks for more (`HYPOTHESIS_PROFILE=soak`)."""
    return max(n, settings().max_examples)


def _compare(workspace: Workspace, names: tuple[str, ...], facts, ranks: dict[str, int] | None = None) -> None:
    case = Case("generated", names, facts, {}, Location("<generated>"))
    prover = workspace.prover(names, ranks)
    solver = prover.prove(case)
    plain = decide(prover.policy, case.id, facts, ranks)  # the same policy (a repeated passage kept once)
    for name in workspace.vocabulary.outcomes:
        s, p = solver.outcomes[name], plain.outcomes[name]
        assert (s.status, s.value) == (p.status, p.value), f"{name}: solver {s.status} {s.value!r}, evaluator {p.status} {p.value!r}"
    as_sets = lambda proof: [(c.outcomes, tuple(x.order for x in c.conjuncts), c.prevails) for c in proof.clashes]  # noqa: E731
    assert as_sets(solver) == as_sets(plain)


@pytest.fixture(scope="module")
def fixture_workspace(tmp_path_factory) -> Workspace:
    from .conftest import Encodings
    enc = Encodings(tmp_path_factory.mktemp("enc"))
    enc.document("shop", cancellation.SOURCE, cancellation.ENCODING)
    return Workspace.load([enc.root])


@settings(max_examples=at_least(500))
@given(data=st.data())
def test_fixture_policy_agrees(fixture_workspace: Workspace, data) -> None:
    facts = generate_facts(fixture_workspace.vocabulary, DrawChooser(data.draw, st))
    _compare(fixture_workspace, ("shop",), facts)


@pytest.mark.skipif(SEED_WORKSPACE is None, reason="no seed encodings")
@pytest.mark.slow  # about 45 s; the fixture policy's 500 cases stay in the fast tier
@settings(max_examples=at_least(2000))
@given(data=st.data())
def test_seed_documents_agree(data) -> None:
    workspace = SEED_WORKSPACE
    names = data.draw(st.sampled_from([(n,) for n in sorted(workspace.documents)] + [tuple(sorted(workspace.documents))]))
    facts = generate_facts(workspace.vocabulary, DrawChooser(data.draw, st))
    _compare(workspace, names, facts)


@pytest.mark.skipif(SEED_WORKSPACE is None, reason="no seed encodings")
@settings(max_examples=at_least(300))
@given(data=st.data())
def test_a_ranked_set_agrees(data) -> None:
    """Under a ranked set, a clash between ranks is resolved the same way by both paths."""
    from checker.sets import load_set

    workspace = SEED_WORKSPACE
    policy_set = load_set(ENCODINGS, "marketplace-xstron", workspace.vocabulary, set(workspace.documents))
    facts = generate_facts(workspace.vocabulary, DrawChooser(data.draw, st))
    _compare(workspace, policy_set.documents, facts, policy_set.ranks)


@pytest.mark.skipif(SEED_WORKSPACE is None, reason="no seed encodings")
@settings(max_examples=at_least(300))
@given(data=st.data())
def test_cases_that_leave_facts_unknown_agree(data) -> None:
    """A case may leave bool and enum facts out (they are unknown): the solver leaves
    them free, the evaluator tries every value that keeps the life of an order."""
    workspace = SEED_WORKSPACE
    names = data.draw(st.sampled_from([(n,) for n in sorted(workspace.documents)]))
    chooser = DrawChooser(data.draw, st)
    facts = forget_facts(workspace.vocabulary, generate_facts(workspace.vocabulary, chooser), chooser)
    _compare(workspace, names, facts)
