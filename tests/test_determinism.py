"""The output does not depend on the solver's random seeds: `check --format json` and
`report` give the same bytes under `--solver-seed` 0 (Z3's default), 7 and 12345.

Witnesses must be canonical points of their regions, not whichever model the solver
returns (design.md, "Witnesses are cases that could happen"); a seed changes the
models Z3 returns, so this is where a witness taken straight from a model shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

SEEDS = ("0", "7", "12345")


def run_all(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Run the commands as `python -m checker ...`, two at a time (the machine has two cores)."""
    done = []
    for start in range(0, len(commands), 2):
        runs = [subprocess.Popen([sys.executable, "-m", "checker", *args], cwd=ROOT, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for args in commands[start:start + 2]]
        for args, run in zip(commands[start:start + 2], runs):
            out, err = run.communicate(timeout=600)
            done.append(subprocess.CompletedProcess(args, run.returncode, out, err))
    return done


def name(finding: dict) -> str:
    return f"{finding['rule']} {','.join(finding['documents'])} [{', '.join(c['id'] for c in finding['clauses'])}]"


def finding_differences(a: list[dict], b: list[dict], path: str) -> list[str]:
    """Findings matched by rule, fingerprint, outcomes and message (several findings may share a
    fingerprint): those only one run has, then what differs in the others."""
    def keyed(findings: list[dict]) -> dict[tuple, dict]:
        out: dict[tuple, dict] = {}
        for f in findings:
            key = (f["rule"], f["fingerprint"], tuple(f["outcomes"]), f["message"])
            n = sum(1 for k in out if k[:4] == key)
            out[key + (n,)] = f
        return out

    left, right = keyed(a), keyed(b)
    out = [f"{path}: only in the first: {name(left[k])}" for k in sorted(left.keys() - right.keys())]
    out += [f"{path}: only in the second: {name(right[k])}" for k in sorted(right.keys() - left.keys())]
    for k in sorted(left.keys() & right.keys()):
        out += differences(left[k], right[k], f"{path}[{name(left[k])}]")
    if not out and a != b:
        out.append(f"{path}: the same findings in another order")
    return out


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two JSON values differ, as paths (a finding is named by its rule, documents and clauses)."""
    if path == ".findings" and isinstance(a, list) and isinstance(b, list):
        return finding_differences(a, b, path)
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(a.keys() | b.keys()):
            out += differences(a.get(key), b.get(key), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: {json.dumps(a)[:160]} != {json.dumps(b)[:160]}"]


def test_check_json_is_the_same_under_every_seed() -> None:
    runs = run_all([["check", "encodings", "--format", "json", "--solver-seed", seed] for seed in SEEDS])
    for seed, run in zip(SEEDS, runs):
        assert run.returncode == 1, f"seed {seed}: {run.stderr}"  # the seed policies have errors
    first = json.loads(runs[0].stdout)
    problems = []
    for seed, run in zip(SEEDS[1:], runs[1:]):
        if run.stdout != runs[0].stdout:
            found = differences(first, json.loads(run.stdout))
            problems.append(f"seed {seed} against seed {SEEDS[0]}, {len(found)} difference(s):\n  " + "\n  ".join(found[:40]))
    assert not problems, "\n".join(problems)


def test_report_is_the_same_under_every_seed(tmp_path: Path) -> None:
    outs = [tmp_path / f"seed-{seed}" for seed in SEEDS]
    runs = run_all([["report", "encodings", "--out", str(out), "--solver-seed", seed] for seed, out in zip(SEEDS, outs)])
    for seed, run in zip(SEEDS, runs):
        assert run.returncode == 1, f"seed {seed}: {run.stderr}"
    contents = [{p.name: p.read_bytes() for p in sorted(out.iterdir())} for out in outs]
    problems = []
    for seed, files in zip(SEEDS[1:], contents[1:]):
        differ = sorted(n for n in files.keys() | contents[0].keys() if files.get(n) != contents[0].get(n))
        if differ:
            problems.append(f"seed {seed} against seed {SEEDS[0]}: {', '.join(differ)}")
    assert not problems, "\n".join(problems)


def test_prove_json_is_the_same_under_every_seed(tmp_path: Path) -> None:
    """The deciding clauses of a determined outcome are the canonical minimal set
    (deletion in policy order), and a discretion clause is named when its condition
    holds whatever the facts not given: neither depends on the model."""
    every = tmp_path / "cases.jsonl"
    lines = []
    for path in sorted((ROOT / "tests" / "cases").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                lines.append(json.dumps({**case, "id": f"{path.stem}/{case['id']}"}))
    every.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = run_all([["prove", str(every), "--encodings", "encodings", "--format", "json", "--solver-seed", seed]
                    for seed in SEEDS])
    for seed, run in zip(SEEDS, runs):
        assert run.returncode in (0, 1), f"seed {seed}: {run.stderr}"
        assert len(json.loads(run.stdout)) == len(lines), f"seed {seed}: not every case proved"
    differ = [(seed, differences(json.loads(runs[0].stdout), json.loads(run.stdout))[:20])
              for seed, run in zip(SEEDS[1:], runs[1:]) if run.stdout != runs[0].stdout]
    assert not differ, differ
