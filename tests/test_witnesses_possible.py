"""Every witness the checker reports on the repository's encodings is a case that could
happen, and it replays.

For each finding of `check` (every document, every policy set) and each cell of
`compare`, the witness must:

- break no rule of the life of an order (`vocabulary.yaml`'s axioms, checked by the
  plain evaluator);
- read like a real order: placed this year or the one before, on a weekday, every
  event within ten years of it, distinct events at least an hour apart;
- replay through the solver path (`prove`, with a set's ranks): a clash witness makes an outcome it names
  clash, and the proof names the finding's clauses, or a clash the finding says holds
  there too (where no case of the region shows it alone); a gap witness leaves its
  outcome open; an exception's witness, and a clash a set's rank resolves, shows no clash
  on those outcomes (it is resolved), but one the finding names as holding there too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from checker.analyse import Options, analyse
from checker.cases import Case, axiom_violations
from checker.compare import compare
from checker.errors import Location
from checker.prove import Prover
from checker.sets import load_set
from checker.workspace import Workspace

from .conftest import ENCODINGS


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace.load([ENCODINGS])


class _Analyses(list):
    """(policy, analysis) pairs, with `ranked`: the same with each set's ranks."""

    ranked: list


@pytest.fixture(scope="module")
def analyses(workspace):
    out, ranked = _Analyses(), []
    for name in sorted(workspace.documents):
        policy = workspace.policy((name,))
        analysis = analyse(policy, name, Options(), workspace.documents[name].properties)
        out.append((policy, analysis))
        ranked.append((policy, analysis, {}))
    for path in sorted((ENCODINGS / "sets").glob("*.yaml")):
        policy_set = load_set(ENCODINGS, path.stem, workspace.vocabulary, set(workspace.documents))
        policy = workspace.policy(policy_set.documents)
        analysis = analyse(policy, path.stem, Options(ranks=policy_set.ranks), policy_set.properties)
        out.append((policy, analysis))
        ranked.append((policy, analysis, policy_set.ranks))
    out.ranked = ranked
    return out


def _plausibility(witness: dict) -> list[str]:
    problems = []
    events = sorted((v, k) for k, v in witness.items() if isinstance(v, datetime))
    order = witness.get("order_placed_at")
    if not isinstance(order, datetime):
        return ["no order time"]
    if not 2025 <= order.year <= 2026:
        problems.append(f"the order is placed in {order.year}")
    if order.weekday() >= 5:
        problems.append("the order is placed at a weekend")
    for (a, name_a), (b, name_b) in zip(events, events[1:]):
        if timedelta(0) < b - a < timedelta(hours=1):
            problems.append(f"{name_a} and {name_b} are less than an hour apart")
    late = [name for moment, name in events if moment - order > timedelta(days=3653)]
    if late:
        problems.append(f"{', '.join(late)} more than ten years after the order")
    return problems


def _witnessed_with_ranks(analyses):
    for policy, analysis, ranks in analyses.ranked:
        for finding in analysis.findings:
            if finding.witness is not None:
                yield (policy, finding), ranks


def _witnessed(analyses):
    for policy, analysis in analyses:
        for finding in analysis.findings:
            if finding.witness is not None:
                yield policy, finding


def test_the_encodings_have_witnesses_to_check(analyses) -> None:
    kinds = {f.kind for _, f in _witnessed(analyses)}
    assert {"clash", "gap", "override", "ambiguity"} <= kinds


def test_every_check_witness_could_happen(analyses, workspace) -> None:
    bad = []
    for _, finding in _witnessed(analyses):
        problems = axiom_violations(finding.witness, workspace.vocabulary) + _plausibility(finding.witness)
        if problems:
            bad.append(f"{finding.rule} {finding.message[:70]}: {'; '.join(problems)}")
    assert not bad, "\n".join(bad)


def test_every_check_witness_replays_through_the_prover(analyses) -> None:
    provers: dict[tuple[str, ...], Prover] = {}
    bad = []
    for (policy, finding), ranks in _witnessed_with_ranks(analyses):
        if finding.kind not in ("clash", "gap", "override"):
            continue
        prover = provers.setdefault(policy.names, Prover(policy.merge_repeated(), ranks=ranks))
        proof = prover.prove(Case("witness", policy.names, dict(finding.witness), {}, Location("<witness>")))
        statuses = {o: proof.outcomes[o].status for o in finding.outcomes}
        label = (lambda c: f"{c.document} {c.id}") if len(policy.documents) > 1 else (lambda c: c.id)
        named = [{label(c) for c in clash.clauses} for clash in proof.clashes if not clash.prevails]
        also = [set(ids) for ids in finding.detail.get("also_clashing", [])]
        if finding.rule == "clash.inferred-exception":
            # as encoded the inferred exception prevails there: decided, no clash
            ok = all(s == "determined" for s in statuses.values())
        elif finding.kind == "clash":
            # the proof names this clash, or the finding says which other one holds there too
            ok = "clash" in statuses.values() and any(n == {label(c) for c in finding.clauses} or n in also
                                                      for n in named)
        elif finding.rule == "override.rank":
            # resolved by rank under `prove --set`: no clash left, but one the finding names
            ok = all(n in also for n in named) if "clash" in statuses.values() else True
        elif finding.kind == "gap":
            ok = all(s == "open" for s in statuses.values())
        else:
            ok = all(s != "clash" for s in statuses.values())
        if not ok:
            bad.append(f"{finding.rule} {finding.message[:70]}: {statuses}")
    assert not bad, "\n".join(bad)


def test_compare_witnesses_could_happen(workspace) -> None:
    matrix = compare(workspace.vocabulary, workspace.documents["marketplace"], workspace.documents["xstron"])
    assert matrix.cells, "marketplace and xstron decide some outcome differently"
    for cell in matrix.cells:
        assert axiom_violations(cell.witness, workspace.vocabulary) == []
        assert _plausibility(cell.witness) == []


def test_diff_witnesses_could_happen(workspace, tmp_path) -> None:
    """An edit of a seed (the cancellation window from 48 to 72 hours, and the refund
    deadline of 1.5 from 14 to 10 working days): every region's witness keeps the rules
    and reads like a real order, and the verdicts the diff states are the evaluator's."""
    import shutil

    from checker.components import upstream
    from checker.diff import diff_documents
    from checker.evaluate import decide_conjuncts
    from checker.load import load_documents
    from checker.policy import Policy

    shutil.copytree(ENCODINGS, tmp_path / "encodings")
    folder = tmp_path / "encodings" / "aptronix"
    for name, old, new in (("source.txt", "deadline of 48 hours", "deadline of 72 hours"),
                           ("encoding.yaml", "deadline of 48 hours", "deadline of 72 hours"),
                           ("encoding.yaml", "request_at) <= 48 and", "request_at) <= 72 and")):
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text
        (folder / name).write_text(text.replace(old, new), encoding="utf-8")
    _, [edited] = load_documents([folder], vocabulary=workspace.vocabulary)
    diff = diff_documents(workspace.vocabulary, workspace.documents["aptronix"], edited)
    regions = [r for o in diff.outcomes for r in o.regions]
    assert any(r.outcome == "cancellation_allowed" and r.direction == "above" for r in regions)
    for region in regions:
        assert axiom_violations(region.witness, workspace.vocabulary) == [], region
        assert _plausibility(region.witness) == [], region
        deciding = upstream(Policy(workspace.vocabulary, (edited,)).conjuncts, region.outcome)
        new = decide_conjuncts(workspace.vocabulary, deciding, region.witness).outcomes[region.outcome]
        if region.new[0] == "determined" and not new.status == "clash":
            assert (new.status, new.value) == region.new


def test_prove_set_applies_the_sets_ranks(tmp_path, capsys) -> None:
    """`prove --set NAME` proves under the set's documents with its ranks: a witness of a
    clash the rank resolves comes out resolved, not in clash (review D20)."""
    import json

    from checker import cli

    assert cli.main(["check", str(ENCODINGS), "--set", "marketplace-xstron", "--format", "json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    resolved = [f for f in report["findings"] if f["rule"] == "override.rank" and not f["detail"].get("also_clashing")]
    assert resolved
    cases = tmp_path / "rank.jsonl"
    cases.write_text("".join(json.dumps({**f["witness"], "id": f"rank-{i}"}) + "\n" for i, f in enumerate(resolved)),
                     encoding="utf-8")
    assert cli.main(["prove", str(cases), "--encodings", str(ENCODINGS), "--set", "marketplace-xstron",
                     "--format", "json"]) == 0
    proofs = json.loads(capsys.readouterr().out)
    for finding, proof in zip(resolved, proofs):
        assert all(proof["outcomes"][o]["status"] != "clash" for o in finding["outcomes"]), finding["message"]
        assert any(c["resolved_by_rank"] == ["marketplace"] for c in proof["clashes"])
