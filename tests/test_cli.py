"""The command line: exit codes, the JSON shape, and clear errors instead of tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CASES, ENCODINGS, ROOT

pytestmark = pytest.mark.slow  # every test runs `python -m checker` in a fresh process


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, capture_output=True, text=True)


def test_examples_prove_and_exit_zero() -> None:
    result = run("prove", str(CASES / "examples.jsonl"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 of 6 expectation(s) hold" in result.stdout


def test_json_shape_names_the_clash(tmp_path: Path) -> None:
    case = next(line for line in (CASES / "examples.jsonl").read_text().splitlines() if '"apx-e02"' in line)
    (tmp_path / "one.json").write_text(case)
    result = run("prove", str(tmp_path / "one.json"), "--format", "json")
    assert result.returncode == 0
    [proof] = json.loads(result.stdout)
    assert proof["id"] == "apx-e02" and proof["documents"] == ["aptronix"]
    assert proof["outcomes"]["refund_due"]["status"] == "clash"
    assert proof["outcomes"]["cancellation_allowed"] == {
        "status": "determined", "value": True,
        "clauses": proof["outcomes"]["cancellation_allowed"]["clauses"]}
    assert any(c["id"] == "1.1" for c in proof["outcomes"]["cancellation_allowed"]["clauses"])
    [clash] = [c for c in proof["clashes"] if c["outcome"] == "refund_due"]
    ids = {c["id"] for c in clash["clauses"]}
    assert "1.1" in ids and all(c["quote"] for c in clash["clauses"])
    assert proof["expect"] == {"refund_due": {"expected": "clash", "ok": True}}


def test_failed_expectation_exits_one(tmp_path: Path) -> None:
    case = json.loads((CASES / "examples.jsonl").read_text().splitlines()[2])  # apx-e03: may cancel
    case["expect"] = {"cancellation_allowed": False}
    (tmp_path / "wrong.json").write_text(json.dumps(case))
    result = run("prove", str(tmp_path / "wrong.json"))
    assert result.returncode == 1
    assert "FAILS" in result.stdout


def test_bad_case_file_exits_two_and_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "documents": ["aptronix"], "facts": {"channel": "online"}}\n{"id": "b", oops}\n')
    result = run("prove", str(bad))
    assert result.returncode == 2
    assert f"{bad}:2:" in result.stderr and "Traceback" not in result.stderr


def test_unknown_fact_and_impossible_facts_are_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "documents": ["aptronix"], "facts": {"order_placed_at": "2026-03-02T10:00:00+05:30", "request_at": "2026-03-02T11:00:00+05:30", "colour": "red"}}\n'
        '{"id": "b", "documents": ["aptronix"], "facts": {"order_placed_at": "2026-03-02T10:00:00+05:30", "request_at": "2026-03-01T11:00:00+05:30"}}\n')
    result = run("prove", str(bad))
    assert result.returncode == 2
    assert "unknown fact 'colour'" in result.stderr
    assert f"{bad}:2: case 'b': impossible facts: order_placed_at = 2026-03-02T10:00:00+05:30, " \
           "request_at = 2026-03-01T11:00:00+05:30 (rule `after-order`: every event" in result.stderr


def test_broken_encoding_exits_two_and_names_file_and_line(tmp_path: Path) -> None:
    import shutil
    shutil.copytree(ENCODINGS, tmp_path / "enc")
    target = tmp_path / "enc" / "aptronix" / "encoding.yaml"
    target.write_text(target.read_text().replace("clauses:", "clauses: [", 1))
    result = run("prove", str(CASES / "examples.jsonl"), "--encodings", str(tmp_path / "enc"))
    assert result.returncode == 2
    assert str(target) in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr
