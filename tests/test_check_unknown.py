"""A solver that gives up is a finding of its own (exit 3), and never costs the
findings made before it gave up."""

from __future__ import annotations

import pytest
import z3

from checker import cli
from checker.analyse import Options, analyse
from checker.search import GroupSearch
from checker.workspace import Workspace

from .conftest import ENCODINGS


class _GivesUpAtTheEnd:
    """A solver whose final "no more clashes" answer is unknown, as on a timeout."""

    def __init__(self, solver):
        self.solver = solver

    def __getattr__(self, name):
        return getattr(self.solver, name)

    def check(self, *args):
        result = self.solver.check(*args)
        return z3.unknown if result == z3.unsat else result

    def reason_unknown(self) -> str:
        return "timeout (simulated)"


@pytest.fixture
def solver_gives_up(monkeypatch):
    original = GroupSearch._clash_candidates
    monkeypatch.setattr(GroupSearch, "_clash_candidates", lambda self: _GivesUpAtTheEnd(original(self)))


def _clash_sets(findings) -> set[frozenset[str]]:
    return {frozenset(c.id for c in f.clauses) for f in findings if f.kind == "clash"}


def test_clashes_found_before_the_solver_gives_up_are_kept(monkeypatch) -> None:
    policy = Workspace.load([ENCODINGS], only={"xstron"}).policy(("xstron",))
    complete = analyse(policy, "xstron", Options()).findings
    original = GroupSearch._clash_candidates
    monkeypatch.setattr(GroupSearch, "_clash_candidates", lambda self: _GivesUpAtTheEnd(original(self)))
    partial = analyse(policy, "xstron", Options()).findings
    assert _clash_sets(partial) == _clash_sets(complete) and len(_clash_sets(complete)) == 9
    unknown = [f for f in partial if f.kind == "unknown"]
    assert unknown and all(f.rule == "unknown.solver-limit" and f.severity == "error" for f in unknown)
    assert all("timeout (simulated)" in f.message for f in unknown)


def test_an_undecided_check_exits_3(solver_gives_up, capsys) -> None:
    assert cli.main(["check", str(ENCODINGS / "battery-cells")]) == cli.EXIT_UNDECIDED
    assert "unknown.solver-limit" in capsys.readouterr().out


def _wide_or(encodings):
    """A document whose one clause has a fifty-way `or` of day limits (review D17)."""
    ors = " or ".join(f"days(delivered_at, request_at) <= {i}" for i in range(50))
    return encodings.document("shop", "Returns are accepted for a while.\n", f"""\
    document: shop
    title: a wide or
    clauses:
      - id: W
        quote: "Returns are accepted for a while."
        when: request == return and ({ors})
        then: return_accepted
    """)


def test_d17_a_time_budget_bounds_the_whole_analysis(encodings) -> None:
    """A clause with a fifty-way `or` makes the time-reading step slow (review D17); a
    budget on the whole analysis stops it there, and what is left is one unknown
    finding per place it stopped, never a pass."""
    import time

    folder = _wide_or(encodings)
    policy = Workspace.load([folder]).policy(("shop",))
    started = time.monotonic()
    findings = analyse(policy, "shop", Options(budget_s=1.0)).findings
    assert time.monotonic() - started < 15  # about 1 s, and a question's own limit at worst
    unknown = [f for f in findings if f.kind == "unknown"]
    assert unknown and all("time budget of 1 s" in f.message and f.severity == "error" for f in unknown)


def test_d17_the_cli_takes_a_time_budget(encodings, capsys) -> None:
    folder = _wide_or(encodings)
    assert cli.main(["check", str(folder), "--time-budget-s", "1"]) == cli.EXIT_UNDECIDED
    assert "time budget of 1 s" in capsys.readouterr().out
    for bad in ("0", "-5", "inf", "soon"):
        with pytest.raises(SystemExit) as stop:
            cli.main(["check", str(folder), "--time-budget-s", bad])
        assert stop.value.code == 2
