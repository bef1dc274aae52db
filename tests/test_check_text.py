"""`clausecheck check` in a terminal (issue 13, item 3): a summary first, each quote once
per run, no condition language, filters, statistics, colour only where wanted."""

from __future__ import annotations

import re

import pytest

from checker.analyse import Options, analyse
from checker.render import check_text
from checker.workspace import Workspace

from .conftest import ENCODINGS
from .test_english import code_in
from .test_hostile_input import run

WORKSPACE = Workspace.load([ENCODINGS])
ANALYSES = [analyse(WORKSPACE.policy((n,)), n, Options()) for n in sorted(WORKSPACE.documents)]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def text() -> str:
    return check_text.render(ANALYSES, WORKSPACE.vocabulary, check_text.Style(width=100))


def test_the_summary_comes_first(text: str) -> None:
    total = sum(len(a.findings) for a in ANALYSES)
    assert text.startswith(f"clausecheck: {total} finding(s) in {len(ANALYSES)} analyses (")
    first_finding = min(text.index(f"[{f.rule}]") for a in ANALYSES for f in a.findings)
    for rule in {f.rule for a in ANALYSES for f in a.findings}:
        assert text.index(rule) < first_finding  # every rule is counted before any finding


def test_each_quote_is_printed_once_per_run(text: str) -> None:
    named = {(c.document, c.id): c for a in ANALYSES for f in a.findings for c in f.clauses}
    for (document, clause_id), clause in named.items():
        head = f"{document} {clause_id} ({clause.location.file}:{clause.location.line}): \u201c"
        assert text.count(head) == 1, head
        assert " ".join(clause.quote.split()) in " ".join(text.split())  # whole, though wrapped


def test_no_condition_language_reaches_the_reader(text: str) -> None:
    assert not code_in(text)


def test_lines_are_wrapped_to_the_width(text: str) -> None:
    long = [line for line in text.splitlines() if len(line) > 100]
    # only a word longer than the width (an e-mail address, a path) may overrun
    assert all(len(line.split()) <= 3 for line in long), long[:3]


def test_verbose_tells_every_story_and_repeats_quotes() -> None:
    verbose = check_text.render(ANALYSES, WORKSPACE.vocabulary, check_text.Style(width=0, verbose=True))
    assert "witness: Take this case" in verbose and "quoted above" not in verbose


def test_colour_only_where_wanted() -> None:
    assert check_text.use_colour("auto", True, {}) and not check_text.use_colour("auto", True, {"NO_COLOR": "1"})
    assert not check_text.use_colour("auto", False, {}) and check_text.use_colour("always", False, {"NO_COLOR": "1"})
    assert not check_text.use_colour("never", True, {})
    painted = check_text.render(ANALYSES[:1], WORKSPACE.vocabulary, check_text.Style(colour=True))
    assert ANSI.search(painted) and ANSI.sub("", painted) == check_text.render(ANALYSES[:1], WORKSPACE.vocabulary)
    code, out, _ = run("check", str(ENCODINGS / "marketplace"))  # not a terminal: no colour
    assert code == 0 and not ANSI.search(out)


def test_select_ignore_and_severity_filter_and_set_the_exit_code() -> None:
    xstron = str(ENCODINGS / "xstron")
    code, out, _ = run("check", xstron, "--select", "clash")
    assert code == 1 and "[clash.within-document]" in out and "[gap." not in out
    code, out, _ = run("check", xstron, "--ignore", "clash.within-document", "--severity", "warning")
    assert code == 0 and "[clash.within-document]" not in out and "info [" not in out
    code, _, err = run("check", xstron, "--select", "clashes")
    assert code == 2 and "did you mean clash?" in err


def test_statistics_count_each_rule() -> None:
    code, out, _ = run("check", str(ENCODINGS / "marketplace"), "--statistics")
    assert code == 0
    assert out.splitlines()[-1].split() == ["8", "finding(s)"] and "gap.open-outcome" in out
