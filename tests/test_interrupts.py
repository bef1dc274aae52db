"""An interrupted run is an interrupted run (review D4): when Ctrl-C lands inside a
solver check, Z3 cancels the check and swallows the signal, answering `unknown`; the
checker must stop with exit 130, not record a solver limit and go on."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
import z3

from checker import cli
from checker.smt import SolverUnknown, gave_up

from .conftest import CASES, ENCODINGS, ROOT


def test_an_interrupted_check_is_an_interrupt_and_a_limit_is_a_limit() -> None:
    assert isinstance(gave_up("interrupted from keyboard"), KeyboardInterrupt)
    assert isinstance(gave_up("canceled"), KeyboardInterrupt)
    assert isinstance(gave_up("timeout"), SolverUnknown)


def _interrupted(monkeypatch) -> None:
    """Every solver check comes back unknown, as Z3 answers when a signal cancels it."""
    monkeypatch.setattr(z3, "Z3_solver_check_assumptions", lambda *args: z3.Z3_L_UNDEF)
    monkeypatch.setattr(z3.Solver, "check", lambda self, *args: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "interrupted from keyboard")


def test_prove_stops_with_130_when_the_solver_is_interrupted(monkeypatch, capsys) -> None:
    _interrupted(monkeypatch)
    code = cli.main(["prove", str(CASES / "marketplace.jsonl"), "--encodings", str(ENCODINGS)])
    captured = capsys.readouterr()
    assert code == 130
    assert "UNDECIDED" not in captured.out and "interrupted" in captured.err


def test_check_stops_with_130_when_the_solver_is_interrupted(monkeypatch, capsys) -> None:
    _interrupted(monkeypatch)
    code = cli.main(["check", str(ENCODINGS / "marketplace")])
    captured = capsys.readouterr()
    assert code == 130 and "unknown.solver-limit" not in captured.out


@pytest.mark.slow
def test_a_real_ctrl_c_during_report_exits_130(tmp_path) -> None:
    out = tmp_path / "report"
    run = subprocess.Popen([sys.executable, "-m", "checker", "report", str(ENCODINGS), "--out", str(out)],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)  # loading takes about a second; the analysis several more
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert "Traceback" not in err
