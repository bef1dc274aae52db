"""The analysis's witnesses, held to the plain evaluator on random small policies.

Policies of two to four clauses are drawn over a few facts (hours from the order to
the request against 24 and 48, `misuse`, the kind of request, whether the order has
shipped) and two bool outcomes, with chains (`when` reading an outcome), exceptions,
and now and then a condition that cannot hold. `checker.analyse.analyse` runs on each,
and every witness it reports is re-checked with `checker.evaluate` only (no solver):

- a clash witness makes its clauses jointly inconsistent and every proper subset
  consistent, and lies in the finding's region;
- a dead clause never applies on randomly generated facts (`checker.casegen`);
- a gap witness leaves its outcome open.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from checker import ir
from checker.analyse import Options, analyse
from checker.casegen import RandomChooser, generate_facts
from checker.cases import axiom_violations
from checker.evaluate import consistent, decide_conjuncts, evaluate
from checker.verdict import clash_outcomes
from checker.workspace import Workspace

from .conftest import Encodings

HOURS = "hours(order_placed_at, request_at)"
FACT_ATOMS = (
    f"{HOURS} <= 24", f"{HOURS} > 24", f"{HOURS} <= 48", f"{HOURS} > 48",
    "misuse", "not misuse",
    "request == cancel", "request == refund",
    "shipped_at is none", "shipped_at is not none",
)
NEVER = f"{HOURS} < 0"  # no case meets it (every event is at or after the order)
OUTCOMES = ("cancellation_allowed", "refund_due")
CHAINS = ("cancellation_allowed", "not cancellation_allowed", "refund_due", "not refund_due")
DEFINING = (f"{HOURS} <= 24", f"{HOURS} <= 48", "misuse", "shipped_at is none")


@st.composite
def policies(draw) -> list[dict]:
    """A policy as a list of clauses: {id, when, then, overrides, condition_of}."""
    clauses = []
    for i in range(draw(st.integers(2, 4))):
        atoms = draw(st.lists(st.sampled_from(FACT_ATOMS), max_size=2, unique=True))
        if draw(st.integers(0, 9)) == 0:
            atoms.append(NEVER)
        outcome = draw(st.sampled_from(OUTCOMES))
        # A chain goes through the other outcome, and a clause that reads an outcome
        # overrides nothing: a guard that reads the outcome its clause decides (directly
        # or through an exception) can make the clause a tautology, which crashes the
        # analysis (test_check_planted: test_clause_that_follows_from_its_own_condition...).
        chained = draw(st.integers(0, 2)) == 0
        if chained:
            atoms.append(draw(st.sampled_from([c for c in CHAINS if outcome not in c])))
        form = draw(st.sampled_from(("yes", "no", "equals")))
        then = {"yes": outcome, "no": f"not {outcome}",
                "equals": f"{outcome} == ({draw(st.sampled_from(DEFINING))})"}[form]
        overrides, condition_of = [], []
        # an exception to an earlier clause on the same outcome (one on another would take
        # nothing, and is refused), stated by the text or inferred by the encoder, or a
        # condition of its eligibility
        same = [j for j, c in enumerate(clauses) if outcome in c["then"]]
        if same and not chained and draw(st.integers(0, 2)) == 0:
            target = f"c{draw(st.sampled_from(same))}"
            authority = draw(st.sampled_from(("stated", "inferred", "condition")))
            if authority == "condition":
                condition_of = [target]
            else:
                overrides = [{"clause": target, "stated": f"Rule c{i}"} if authority == "stated"
                             else {"clause": target, "inferred": "drawn"}]
        clauses.append({"id": f"c{i}", "when": " and ".join(f"({a})" for a in atoms), "then": then,
                        "overrides": overrides, "condition_of": condition_of})
    return clauses


def write(root: Path, clauses: list[dict]) -> Workspace:
    """The clauses as a document (`shop`) in the project's format, loaded."""
    source = "".join(f"Rule {c['id']} of the shop.\n" for c in clauses)
    lines = ["document: shop", "title: a drawn policy", "clauses:"]
    for c in clauses:
        quote = f"Rule {c['id']} of the shop."
        lines += [f"  - id: {json.dumps(c['id'])}", f"    quote: {json.dumps(quote)}"]
        if c["when"]:
            lines.append(f"    when: {json.dumps(c['when'])}")
        lines += [f"    then: {json.dumps(c['then'])}", f"    overrides: {json.dumps(c['overrides'])}"]
        if c.get("condition_of"):
            lines.append(f"    condition_of: {json.dumps(c['condition_of'])}")
    Encodings(root).document("shop", source, "\n".join(lines) + "\n")
    return Workspace.load([root / "shop"])


def analysed(clauses: list[dict]):
    with tempfile.TemporaryDirectory() as folder:
        workspace = write(Path(folder), clauses)
    policy = workspace.policy(("shop",))
    return analyse(policy, "shop", Options(timeout_ms=10000)), policy


def members(policy, finding):
    """The conjuncts of the finding's clauses (one conjunct per drawn clause)."""
    keys = {c.key for c in finding.clauses}
    return tuple(c for c in policy.conjuncts if c.clause.key in keys)


def assert_minimal_clash(vocabulary, conjuncts, facts) -> None:
    assert axiom_violations(facts, vocabulary) == []
    assert not consistent(vocabulary, conjuncts, facts), "the clauses can all hold at the witness"
    for size in range(1, len(conjuncts)):
        for subset in itertools.combinations(conjuncts, size):
            assert consistent(vocabulary, subset, facts), f"{[c.clause.id for c in subset]} already clash"


def outcome_readings(guard):
    """Every assignment of the bool outcomes a guard reads."""
    names = sorted({v for v in OUTCOMES if v in ir.outcomes(guard)})
    for values in itertools.product((False, True), repeat=len(names)):
        yield dict(zip(names, values))


@settings(max_examples=50, deadline=None)
@given(clauses=policies(), seed=st.integers(0, 2**16))
def test_clash_witnesses_and_dead_clauses_hold_up(clauses: list[dict], seed: int) -> None:
    analysis, policy = analysed(clauses)
    vocab = policy.vocabulary
    assert not [f for f in analysis.findings if f.kind == "unknown"]

    clash_sets = []
    for f in analysis.findings:
        if f.rule == "clash.inferred-exception":
            # stands where the text's own exceptions apply; resolved only by the inferred one
            assert f.witness is not None and f.severity == "warning"
            stated_only = members(policy.with_stated_exceptions_only(), f)
            assert not consistent(vocab, stated_only, f.witness)
            # as encoded, the exception settles the clash set shown (the exception may
            # still clash with another clause there: that is a finding of its own)
            [first, *_] = f.detail["clash_sets"]
            shown = tuple(c for c in policy.conjuncts if c.clause.id in first)
            assert consistent(vocab, shown, f.witness)
        elif f.kind == "clash":
            assert f.rule == "clash.within-document" and f.witness is not None
            conjuncts = members(policy, f)
            assert_minimal_clash(vocab, conjuncts, f.witness)
            assert f.outcomes == clash_outcomes(conjuncts)
            for atom, truth in f.region:
                assert bool(evaluate(atom, f.witness, {})) is truth
            clash_sets.append(frozenset(c.clause.id for c in conjuncts))
        elif f.rule in ("override.exception", "override.condition") and f.witness is not None:
            # the clash the exception or condition resolves: among the clauses as written
            assert_minimal_clash(vocab, members(policy.without_exceptions(), f), f.witness)
        elif f.rule == "gap.open-outcome":
            # a case of the question the outcome answers, inside the region reported
            [outcome] = f.outcomes
            assert f.witness["request"] in vocab.outcomes[outcome].asked_by
            assert axiom_violations(f.witness, vocab) == []
            for atom, truth in f.region:
                assert bool(evaluate(atom, f.witness, {})) is truth
    assert len(clash_sets) == len(set(clash_sets)), "a clash reported twice"
    assert not any(a < b for a in clash_sets for b in clash_sets), "a clash that is not minimal"

    dead = [f.clauses[0] for f in analysis.findings if f.kind == "dead"]
    chooser = RandomChooser(seed)
    for _ in range(25):
        facts = generate_facts(vocab, chooser)
        for clause in dead:
            for c in (c for c in policy.conjuncts if c.clause.key == clause.key):
                for outcomes in outcome_readings(c.guard):
                    assert not evaluate(c.guard, facts, outcomes), f"dead clause {clause.id} applies to {facts}"


# A gap witness is cut down to the facts its deciding clauses read, every other
# optional event set to "not happened": here c1 (refund due whenever the order has not
# shipped) is not among them, and with shipped_at none it decides refund_due, which
# decides cancellation_allowed through c0.
TRIMMED_WITNESS = [
    {"id": "c0", "when": "(request == cancel) and (refund_due)", "then": "cancellation_allowed", "overrides": []},
    {"id": "c1", "when": "(shipped_at is none)", "then": "refund_due", "overrides": []},
]


@settings(max_examples=40, deadline=None)
@example(clauses=TRIMMED_WITNESS)
@given(clauses=policies())
def test_gap_witnesses_leave_their_outcome_open(clauses: list[dict]) -> None:
    analysis, policy = analysed(clauses)
    vocab = policy.vocabulary
    read = {n for c in policy.conjuncts for n in set(ir.facts(c.guard)) | set(ir.facts(c.body))}
    for f in analysis.findings:
        if f.rule != "gap.open-outcome":
            continue
        [outcome] = f.outcomes
        witness = f.witness
        assert axiom_violations(witness, vocab) == []
        # facts the witness does not state are unknown: some value of them leaves it open
        missing = sorted(read - set(witness))
        domains = [vocab.facts[n].type.values if hasattr(vocab.facts[n].type, "values") else (False, True) for n in missing]
        verdicts = []
        for values in itertools.product(*domains):
            facts = {**witness, **dict(zip(missing, values))}
            verdicts.append(decide_conjuncts(vocab, policy.conjuncts, facts).outcomes[outcome])
        assert any(v.status == "open" for v in verdicts), (f.message, witness, verdicts)
