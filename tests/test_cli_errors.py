"""Errors of the checker itself: a witness the plain evaluator does not confirm, or any
other unexpected exception, exits 4 with one line on stderr (the traceback only with
`--debug`) and prints nothing on stdout, so that CI tells a bug from a failing policy.
Also `--version`, and Ctrl-C."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from checker import cli
from checker.certify import CertificateError
from checker.smt_settings import solver_version

from .conftest import ROOT, Encodings
from .fixtures import contradicting_shop

SOURCE, ENCODING = contradicting_shop.SOURCE, contradicting_shop.encoding()
HINT = "(a bug in clausecheck, not a finding; rerun with --debug for the traceback)"

# A child process whose evaluator refuses every clash witness the solver finds.
REFUSING_CHILD = """\
import sys
import checker.analyse
from checker.certify import CertificateError

def refuse(*args, **kwargs):
    raise CertificateError("the evaluator does not confirm the clash\\nat the witness")

checker.analyse.certify_clash = refuse
from checker.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def shop(encodings: Encodings) -> Path:
    return encodings.document("shop", SOURCE, ENCODING)


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


def refuse_witnesses(monkeypatch) -> None:
    import checker.analyse

    def refuse(*args, **kwargs):
        raise CertificateError("the evaluator does not confirm the clash\nat the witness")

    monkeypatch.setattr(checker.analyse, "certify_clash", refuse)


def break_analysis(monkeypatch, error: BaseException) -> None:
    import checker.analyse

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(checker.analyse, "analyse", broken)


def test_the_shop_clashes_when_nothing_is_broken(shop: Path) -> None:
    code, out, err = run_in_process(["check", str(shop), "--format", "json"])
    assert code == cli.EXIT_FAIL and '"clash"' in out and err == ""


def test_an_unconfirmed_witness_exits_4_with_one_line(shop: Path, monkeypatch) -> None:
    refuse_witnesses(monkeypatch)
    code, out, err = run_in_process(["check", str(shop), "--format", "json"])
    assert code == cli.EXIT_INTERNAL == 4
    assert out == ""  # nothing on stdout that could be read as a result
    assert err == ("clausecheck: internal error: CertificateError: the evaluator does not confirm the clash "
                   f"at the witness {HINT}\n")


def test_any_other_exception_exits_4_without_a_traceback(shop: Path, monkeypatch) -> None:
    break_analysis(monkeypatch, RuntimeError("boom"))
    code, out, err = run_in_process(["report", str(shop), "--out", str(shop.parent / "out")])
    assert code == 4 and out == "" and not (shop.parent / "out").exists()
    assert err.splitlines() == [f"clausecheck: internal error: RuntimeError: boom {HINT}"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_command_prints_the_traceback(shop: Path, monkeypatch, where: str) -> None:
    break_analysis(monkeypatch, RuntimeError("boom"))
    args = ["check", str(shop), "--format", "json"]
    code, out, err = run_in_process(["--debug", *args] if where == "before" else [*args, "--debug"])
    assert code == 4 and out == ""
    assert err.startswith("Traceback (most recent call last):") and "in broken" in err
    assert err.splitlines()[-1] == ("clausecheck: internal error: RuntimeError: boom "
                                    "(a bug in clausecheck, not a finding; the traceback is above)")


def test_input_errors_still_exit_2(shop: Path) -> None:
    (shop / "encoding.yaml").write_text(ENCODING.replace("then: cancellation_allowed", "then: no_such_outcome"))
    code, out, err = run_in_process(["check", str(shop)])
    assert code == cli.EXIT_INPUT and "internal error" not in err and "no_such_outcome" in err


def test_ctrl_c_exits_130_with_one_line(shop: Path, monkeypatch) -> None:
    break_analysis(monkeypatch, KeyboardInterrupt())
    code, out, err = run_in_process(["check", str(shop)])
    assert (code, out, err) == (130, "", "clausecheck: interrupted\n")


def test_a_folder_one_may_not_write_is_unusable_input(shop: Path) -> None:
    (shop.parent / "taken").write_text("a file, not a folder")
    code, out, err = run_in_process(["report", str(shop), "--out", str(shop.parent / "taken" / "out")])
    assert code == cli.EXIT_INPUT and out == ""
    assert err.startswith("error: ") and "taken" in err and "internal error" not in err and len(err.splitlines()) == 1


def child(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", REFUSING_CHILD, *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.slow
def test_a_process_whose_witness_is_refused_exits_4(shop: Path) -> None:
    done = child("check", str(shop), "--format", "json")
    assert done.returncode == 4 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"clausecheck: internal error: CertificateError: the evaluator does not confirm the clash at the witness {HINT}"]
    debug = child("--debug", "check", str(shop), "--format", "json")
    assert debug.returncode == 4 and debug.stdout == ""
    assert "Traceback (most recent call last):" in debug.stderr and "in refuse" in debug.stderr
    assert debug.stderr.splitlines()[-1].startswith("clausecheck: internal error: CertificateError: ")


@pytest.mark.slow
def test_version_prints_clausecheck_and_z3_and_exits_0() -> None:
    done = subprocess.run([sys.executable, "-m", "checker", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == f"clausecheck 0.1.0 (z3 {solver_version()})\n"
