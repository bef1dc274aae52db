"""`clausecheck check` on the repository's encodings: exit codes, the clashes the seed
texts are known for, the JSON contract of every finding, determinism, and clear input
errors. The CLI runs in-process (`checker.cli.main`) except where a fresh process is
the point (the output must not depend on hash seeds)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker import cli, ir
from checker.cases import read_cases
from checker.evaluate import consistent
from checker.findings import KIND_ORDER, SEVERITIES
from checker.sourcetext import SourceText
from checker.workspace import Workspace

from .conftest import ENCODINGS, ROOT

ARGS = ["check", "encodings", "--format", "json"]
SPAN_JOIN = " [\u2026] "  # how the output joins the spans of a clause that quotes several


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def checked() -> tuple[int, str, dict]:
    code, out, err = run_in_process(ARGS)
    assert "Traceback" not in err
    return code, out, json.loads(out)


@pytest.fixture(scope="module")
def report(checked) -> dict:
    return checked[2]


def clause_sets(report: dict, kind: str = "clash") -> set[tuple[str, frozenset[str]]]:
    return {(",".join(f["documents"]), frozenset(c["id"] for c in f["clauses"])) for f in report["findings"] if f["kind"] == kind}


def test_exit_code_is_one_when_there_are_errors(checked) -> None:
    code, _, report = checked
    assert code == 1
    assert report["summary"]["error"] > 0


def test_the_known_clashes_of_the_seed_texts(report: dict) -> None:
    clashes = clause_sets(report)
    assert ("aptronix", frozenset({"1.1", "1.5", "3.1b"})) in clashes
    assert ("xstron", frozenset({"cancel-1", "cancel-2"})) in clashes
    assert ("xstron", frozenset({"return-3", "return-10"})) in clashes
    assert ("battery-cells", frozenset({"diy-3", "warranty-1"})) in clashes
    # minimal sets: the chain of three is not also reported as a pair inside it
    assert not any(d == "aptronix" and ids < {"1.1", "1.5", "3.1b"} for d, ids in clashes)
    [chain] = [f for f in report["findings"] if f["kind"] == "clash" and {c["id"] for c in f["clauses"]} == {"1.1", "1.5", "3.1b"}]
    assert chain["rule"] == "clash.within-document" and chain["severity"] == "error"
    assert chain["outcomes"] == ["refund_due"]


def test_every_finding_has_the_contract_fields(report: dict) -> None:
    assert report["findings"]
    sources: dict[str, SourceText] = {}
    for f in report["findings"]:
        assert f["kind"] in KIND_ORDER
        assert f["rule"].split(".")[0] == f["kind"], f["rule"]
        assert f["severity"] in SEVERITIES
        assert isinstance(f["message"], str) and f["message"].strip()
        assert isinstance(f["fingerprint"], str) and len(f["fingerprint"]) == 16
        assert isinstance(f["clauses"], list) and isinstance(f["outcomes"], list)
        for c in f["clauses"]:
            assert set(c) >= {"document", "id", "quote", "file", "line"}
            assert c["document"] in f["documents"]
            path = ROOT / c["file"]
            assert path == ENCODINGS / c["document"] / "encoding.yaml"
            # the line is the clause's own entry in the encoding
            line = path.read_text(encoding="utf-8").splitlines()[c["line"] - 1]
            assert line.strip().startswith("- id:") and c["id"] in line, (c, line)
            # and the quote is verbatim from the document's source text
            if c["document"] not in sources:
                source = ENCODINGS / c["document"] / "source.txt"
                sources[c["document"]] = SourceText(str(source), source.read_text(encoding="utf-8"))
            for span in c["quote"].split(SPAN_JOIN):
                assert sources[c["document"]].find(span) is not None, span[:60]


def test_clash_findings_carry_a_case_and_a_story(report: dict) -> None:
    clashes = [f for f in report["findings"] if f["kind"] == "clash" and f["rule"] != "clash.declared"]
    assert len(clashes) >= 4
    # a declared conflict is the encoder's, in words: no witness, never an error
    for f in (f for f in report["findings"] if f["rule"] == "clash.declared"):
        assert f["severity"] == "warning" and f["witness"] is None and f["detail"]["conflict"]
    for f in clashes:
        # a clash that only an inferred exception would resolve is a warning
        assert f["severity"] == ("warning" if f["rule"] == "clash.inferred-exception" else "error")
        assert len(f["clauses"]) >= 2 and f["outcomes"]
        witness = f["witness"]
        assert set(witness) == {"id", "documents", "facts"}
        assert isinstance(witness["id"], str) and witness["id"]
        assert witness["documents"] == f["documents"]
        assert {"order_placed_at", "request_at"} <= set(witness["facts"])
        assert isinstance(f["narrative"], str) and f["narrative"].strip()
        for c in f["clauses"]:
            assert c["id"] in f["narrative"]


def test_witness_ids_are_unique_in_a_report(report: dict) -> None:
    ids = [f["witness"]["id"] for f in report["findings"] if f["witness"]]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated


def test_clash_witnesses_prove_as_clashes(report: dict, tmp_path: Path, capsys) -> None:
    """Every clash witness, as printed, is a case the prover reads and finds in clash on
    the outcomes the finding names; and the plain evaluator finds the finding's clauses
    unable to hold together there. (The prover names one canonical clash per outcome,
    which at a witness where several minimal sets clash may be another finding's set.)
    A clash that only an inferred exception resolves holds where the text's own
    exceptions apply; as encoded, the inferred exception prevails there and decides."""
    every = [f for f in report["findings"] if f["kind"] == "clash" and f["rule"] != "clash.declared"]
    clashes = [f for f in every if f["rule"] != "clash.inferred-exception"]
    inferred = [f for f in every if f["rule"] == "clash.inferred-exception"]
    cases = tmp_path / "witnesses.jsonl"
    # ids made unique here (see test_witness_ids_are_unique_in_a_report)
    cases.write_text("".join(json.dumps({**f["witness"], "id": f"{i}:{f['witness']['id']}",
                                         "expect": {o: "clash" for o in f["outcomes"]}}) + "\n"
                             for i, f in enumerate(clashes)), encoding="utf-8")
    code = cli.main(["prove", str(cases), "--encodings", str(ENCODINGS), "--format", "json"])
    proofs = json.loads(capsys.readouterr().out)
    failed = [(p["id"], k) for p in proofs for k, v in p["expect"].items() if not v["ok"]]
    assert code == 0 and not failed, failed
    assert len(proofs) == len(clashes)

    workspace = Workspace.load([ENCODINGS])
    for f, case in zip(clashes, read_cases(cases, workspace.vocabulary)):
        policy = workspace.policy(tuple(f["documents"]))
        named = {(c["document"], c["id"]) for c in f["clauses"]}
        conjuncts = [c for c in policy.conjuncts if c.clause.key in named
                     and (set(ir.facts(c.guard)) | set(ir.facts(c.body))) <= set(case.facts)]
        assert {c.clause.key for c in conjuncts} == named
        assert not consistent(workspace.vocabulary, conjuncts, case.facts), f["message"]

    assert inferred
    cases.write_text("".join(json.dumps({**f["witness"], "id": f"{i}:{f['witness']['id']}"}) + "\n"
                             for i, f in enumerate(inferred)), encoding="utf-8")
    assert cli.main(["prove", str(cases), "--encodings", str(ENCODINGS), "--format", "json"]) == 0
    for f, proof, case in zip(inferred, json.loads(capsys.readouterr().out), read_cases(cases, workspace.vocabulary)):
        for outcome in f["outcomes"]:
            verdict = proof["outcomes"][outcome]
            assert verdict["status"] == "determined", (f["message"], verdict)  # not a clash, as encoded
        stated_only = workspace.policy(tuple(f["documents"])).with_stated_exceptions_only()
        named = {(c["document"], c["id"]) for c in f["clauses"]}
        conjuncts = [c for c in stated_only.conjuncts if c.clause.key in named
                     and (set(ir.facts(c.guard)) | set(ir.facts(c.body))) <= set(case.facts)]
        assert not consistent(workspace.vocabulary, conjuncts, case.facts), f["message"]


def test_summary_counts_the_findings(report: dict) -> None:
    findings, summary = report["findings"], report["summary"]
    assert summary["findings"] == len(findings)
    for severity in SEVERITIES:
        assert summary[severity] == sum(1 for f in findings if f["severity"] == severity)
    assert sum(summary["by_kind"].values()) == len(findings)
    assert [a["name"] for a in summary["analyses"]] == sorted(p.parent.name for p in ENCODINGS.glob("*/encoding.yaml"))


@pytest.mark.slow
def test_output_is_byte_identical_across_runs(checked) -> None:
    """In-process and in two fresh processes with different hash seeds."""
    _, first, _ = checked
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(subprocess.Popen([sys.executable, "-m", "checker", *ARGS], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outputs = [r.communicate(timeout=120) for r in runs]
    for (out, err), r in zip(outputs, runs):
        assert r.returncode == 1, err.decode()
        assert out.decode("utf-8") == first


def test_broken_yaml_exits_two_naming_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(ENCODINGS, tmp_path / "enc")
    target = tmp_path / "enc" / "xstron" / "encoding.yaml"
    lines = target.read_text(encoding="utf-8").split("\n")
    at = lines.index("clauses:")
    lines.insert(at, "\tbroken: yes")  # a tab cannot start a YAML token
    target.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run_in_process(["check", str(tmp_path / "enc"), "--format", "json"])
    assert code == 2
    assert out == ""
    assert f"{target}:{at + 1}:" in err and "not valid YAML" in err
    assert "Traceback" not in err


def test_unknown_set_exits_two(capsys) -> None:
    code = cli.main(["check", str(ENCODINGS), "--set", "no-such-set", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "no policy set 'no-such-set'" in captured.err
    assert str(ENCODINGS / "sets") in captured.err
