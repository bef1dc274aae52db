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


def test_a_ctrl_c_that_surfaces_wrapped_by_ctypes_is_still_an_interrupt(monkeypatch, capsys) -> None:
    """A signal landing while ctypes converts a Z3 call's arguments comes out as
    `ctypes.ArgumentError("argument 1: KeyboardInterrupt: ")` (seen in CI): exit 130,
    not 'internal error'."""
    import ctypes

    def interrupted_inside_a_foreign_call(args) -> int:
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            raise ctypes.ArgumentError("argument 1: KeyboardInterrupt: ") from None
        return 0

    parser = cli.parser()
    args = parser.parse_args(["check", str(ENCODINGS / "marketplace")])
    args.run = interrupted_inside_a_foreign_call
    monkeypatch.setattr(cli, "parser", lambda: type("P", (), {"parse_args": lambda self, argv: args})())
    code = cli.main(["check", str(ENCODINGS / "marketplace")])
    err = capsys.readouterr().err
    assert code == 130 and "interrupted" in err and "internal error" not in err


def test_an_argument_error_without_a_ctrl_c_is_still_a_bug(monkeypatch, capsys) -> None:
    import ctypes

    def broken(args) -> int:
        raise ctypes.ArgumentError("argument 1: TypeError: wrong type")

    args = cli.parser().parse_args(["check", str(ENCODINGS / "marketplace")])
    args.run = broken
    monkeypatch.setattr(cli, "parser", lambda: type("P", (), {"parse_args": lambda self, argv: args})())
    assert cli.main(["check", str(ENCODINGS / "marketplace")]) == 4
    assert "internal error" in capsys.readouterr().err


class _SwallowsCtrlC:
    """An object whose `__del__` is running when Ctrl-C lands: Python prints the
    KeyboardInterrupt as "Exception ignored" and carries on (z3's objects free their C
    handles in `__del__`)."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)


def _ctrl_c_swallowed() -> None:
    _SwallowsCtrlC()  # deleted at once: the interrupt is raised and lost in __del__


def test_a_ctrl_c_lost_in_a_destructor_still_ends_the_run_as_interrupted(monkeypatch, capsys) -> None:
    def finishes_after_a_lost_ctrl_c(args) -> int:
        _ctrl_c_swallowed()
        return 1

    args = cli.parser().parse_args(["check", str(ENCODINGS / "marketplace")])
    args.run = finishes_after_a_lost_ctrl_c
    monkeypatch.setattr(cli, "parser", lambda: type("P", (), {"parse_args": lambda self, argv: args})())
    assert cli.main(["check", str(ENCODINGS / "marketplace")]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Exception ignored" not in err


def test_after_a_lost_ctrl_c_no_question_is_asked_and_no_folder_replaced(tmp_path) -> None:
    from checker import interrupts
    from checker.files import write_folder
    from checker.smt import SmtPolicy
    from checker.workspace import Workspace

    policy = Workspace.load([ENCODINGS], only={"marketplace"}).policy(("marketplace",))
    smt = SmtPolicy(policy)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "old.txt").write_text("the previous report")
    with interrupts.watched():
        _ctrl_c_swallowed()
        assert interrupts.seen()
        with pytest.raises(KeyboardInterrupt):
            smt.charge()
        with pytest.raises(KeyboardInterrupt):
            write_folder(folder, {"new.txt": b"half a report"}, lambda _: None)
    assert [p.name for p in folder.iterdir()] == ["old.txt"]
    with interrupts.watched():
        assert not interrupts.seen()


class _HalfBuilt:
    """Like a z3 Context that Ctrl-C stopped inside `__init__`: its `__del__` reads an
    attribute that was never set."""

    def __init__(self) -> None:
        signal.raise_signal(signal.SIGINT)
        self.owner = True

    def __del__(self) -> None:
        assert self.owner


def _passed_on(monkeypatch) -> list:
    """What `watched()` passes on to the hook that was there before it."""
    seen: list = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: seen.append(type(unraisable.exc_value)))
    return seen


def test_what_a_ctrl_c_leaves_half_built_is_not_reported_as_a_traceback(monkeypatch) -> None:
    from checker import interrupts

    passed_on = _passed_on(monkeypatch)
    with interrupts.watched():
        with pytest.raises(KeyboardInterrupt):
            _HalfBuilt()
    assert passed_on == []


def test_a_failing_destructor_without_a_ctrl_c_is_still_reported(monkeypatch) -> None:
    from checker import interrupts

    class Broken:
        def __del__(self) -> None:
            raise AttributeError("owner")

    passed_on = _passed_on(monkeypatch)
    with interrupts.watched():
        Broken()
    assert passed_on == [AttributeError]


def test_main_gives_back_the_callers_sigint_handler() -> None:
    before = signal.getsignal(signal.SIGINT)
    code = cli.main(["check", str(ENCODINGS / "marketplace"), "--format", "json"])
    assert code in (0, 1) and signal.getsignal(signal.SIGINT) is before


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
