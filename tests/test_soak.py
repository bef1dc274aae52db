"""A soak of the two paths: random cases over the seed documents (alone, together, and
as a ranked set; one in four leaving some facts unknown), each proved by the solver and
decided by the plain evaluator, which must agree on every outcome and every clash.

Generation is `casegen` with a seeded `random.Random` (cheaper than hypothesis's draws,
so that a long soak is affordable); the count comes from the hypothesis profile
(`examples()` in conftest): a few hundred cases in an ordinary run, and under
`HYPOTHESIS_PROFILE=soak` as many as `HYPOTHESIS_SOAK_EXAMPLES` asks for, e.g.

    HYPOTHESIS_PROFILE=soak HYPOTHESIS_SOAK_EXAMPLES=500000 CLAUSECHECK_SOAK_SEED=1 pytest tests/test_soak.py

(`CLAUSECHECK_SOAK_SEED` picks a shard, so that two processes soak different cases)."""

from __future__ import annotations

import os

import pytest

from checker.casegen import RandomChooser, forget_facts, generate_facts
from checker.sets import load_set
from checker.workspace import Workspace

from .conftest import ENCODINGS, examples
from .test_differential import _compare

pytestmark = pytest.mark.skipif(not any(ENCODINGS.glob("*/encoding.yaml")), reason="no seed encodings")


def test_random_cases_agree() -> None:
    workspace = Workspace.load([ENCODINGS])
    ranked = load_set(ENCODINGS, "marketplace-xstron", workspace.vocabulary, set(workspace.documents))
    targets = [((n,), None) for n in sorted(workspace.documents)]
    targets += [(tuple(sorted(workspace.documents)), None), (ranked.documents, ranked.ranks)]
    seed = int(os.environ.get("CLAUSECHECK_SOAK_SEED", "0"))
    chooser = RandomChooser(seed)
    count = examples(2.0)
    for i in range(count):
        names, ranks = targets[i % len(targets)]
        facts = generate_facts(workspace.vocabulary, chooser)
        if i % 4 == 3:  # every fourth case leaves some bool or enum facts unknown
            facts = forget_facts(workspace.vocabulary, facts, chooser)
        try:
            _compare(workspace, names, facts, ranks)
        except AssertionError as exc:
            raise AssertionError(f"case {i} of shard {seed} under {', '.join(names)}: {exc}\nfacts: {facts}") from None
