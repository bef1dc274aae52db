"""The CI gate on real git repositories: one commit of a policy, then one kind of edit
per test, checked by exit code and by the finding it must (or must not) raise."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from checker import cli

from .conftest import ENCODINGS, ROOT

pytestmark = pytest.mark.git  # every test builds a git repository

SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"
NEW_CLAUSE = """\
  - id: "9.9"
    heading: UPI orders
    quote: "Orders paid by UPI can never be cancelled."
    when: channel == online and request == cancel and payment_method == upi
    then: not cancellation_allowed
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.email=gate@test", "-c", "user.name=gate test", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout


class Repo:
    """A git repository with the project's vocabulary and some of its documents, committed."""

    def __init__(self, root: Path, documents: tuple[str, ...]):
        self.root = root
        (root / "encodings").mkdir(parents=True)
        shutil.copy(ENCODINGS / "vocabulary.yaml", root / "encodings" / "vocabulary.yaml")
        for name in documents:
            shutil.copytree(ENCODINGS / name, root / "encodings" / name)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", "the policies")

    def path(self, relative: str) -> Path:
        return self.root / relative

    def replace(self, relative: str, old: str, new: str, count: int = 1) -> None:
        path = self.path(relative)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= count, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def commit(self, message: str) -> None:
        git(self.root, "commit", "-q", "-am", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Repo:
    monkeypatch.chdir(tmp_path)
    return Repo(tmp_path, ("aptronix",))


def gate(capsys, *args: str) -> tuple[int, dict]:
    code = cli.main(["gate", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def new(report: dict, rule: str | None = None) -> list[dict]:
    return [f for f in report["findings"] if f["status"] == "new" and (rule is None or f["rule"] == rule)]


def test_an_unchanged_repository_passes_without_analysing_anything(repo, capsys) -> None:
    code, report = gate(capsys)
    assert code == 0 and report["verdict"] == "pass"
    assert report["unchanged"] == ["aptronix"] and report["findings"] == []


def test_editing_the_source_alone_leaves_a_stale_quote_naming_the_clause(repo, capsys) -> None:
    repo.replace("encodings/aptronix/source.txt", "deadline of 48 hours", "deadline of 72 hours")
    code, report = gate(capsys)
    assert code == 1
    stale = new(report, "stale.quote")
    assert [c["id"] for f in stale for c in f["clauses"]] == ["1.1"]
    message = stale[0]["message"]
    assert "48 hours" in message and "72 hours" in message  # the old quote, the new wording, the drift
    assert stale[0]["fails"] and stale[0]["detail"]["source_line"] == 17
    # the new wording is told in the stale finding, not again as an uncovered sentence
    assert not new(report, "uncovered.normative")


def test_a_number_changed_in_the_encoding_only_is_drift(repo, capsys) -> None:
    repo.replace("encodings/aptronix/encoding.yaml", "hours(order_placed_at, request_at) <= 48 and",
                 "hours(order_placed_at, request_at) <= 24 and")
    code, report = gate(capsys)
    assert code == 1
    drift = new(report, "drift.number")
    assert [c["id"] for f in drift for c in f["clauses"]] == ["1.1"]
    assert "48" in drift[0]["message"] and "24" in drift[0]["message"]


def test_a_new_normative_sentence_must_be_encoded_or_skipped(repo, capsys) -> None:
    repo.replace("encodings/aptronix/source.txt", "Standard Window:",
                 "Refunds are not possible after 90 days.\nStandard Window:")
    code, report = gate(capsys)
    assert code == 1
    uncovered = new(report, "uncovered.normative")
    assert len(uncovered) == 1 and uncovered[0]["detail"]["sentence"] == "Refunds are not possible after 90 days."


def test_a_sentence_that_decides_nothing_is_a_warning(repo, capsys) -> None:
    repo.replace("encodings/aptronix/source.txt", "Standard Window:", "Thank you for shopping with us.\nStandard Window:")
    code, report = gate(capsys)
    assert code == 0 and [f["severity"] for f in new(report, "uncovered.sentence")] == ["warning"]
    code, _ = gate(capsys, "--fail-level", "warning")
    assert code == 1


def _add_clashing_clause(repo: Repo, accept: str = "") -> None:
    repo.replace("encodings/aptronix/source.txt", "Standard Window:", "Orders paid by UPI can never be cancelled.\nStandard Window:")
    repo.replace("encodings/aptronix/encoding.yaml", "clauses:\n", "clauses:\n" + NEW_CLAUSE + accept)


def test_a_new_clash_fails_with_its_witness(repo, capsys) -> None:
    _add_clashing_clause(repo)
    code, report = gate(capsys)
    assert code == 1
    clashes = [f for f in new(report, "clash.within-document") if "9.9" in {c["id"] for c in f["clauses"]}]
    assert clashes and all(f["witness"]["facts"]["payment_method"] == "upi" for f in clashes)
    # the clashes the base already had are existing, not new
    assert any(f["status"] == "existing" and f["rule"] == "clash.within-document" for f in report["findings"])


def test_a_clash_accepted_on_the_clause_passes_with_its_reason(repo, capsys) -> None:
    _add_clashing_clause(repo, '    accept:\n      - rule: clash\n        reason: "UPI refunds wait for the payment provider (LEGAL-7)"\n')
    code, report = gate(capsys)
    assert code == 0
    accepted = [f for f in report["findings"] if f["status"] == "accepted"]
    assert accepted and all("LEGAL-7" in f["reason"] for f in accepted)


def test_an_acceptance_of_an_unknown_rule_is_unusable_input(repo, capsys) -> None:
    _add_clashing_clause(repo, '    accept:\n      - rule: clashes\n        reason: "typo"\n')
    assert cli.main(["gate"]) == cli.EXIT_INPUT
    assert re.search(r"encodings/aptronix/encoding.yaml:\d+.*unknown rule 'clashes'", capsys.readouterr().err)


def test_broken_yaml_exits_2_and_names_the_file_and_line(repo, capsys) -> None:
    repo.replace("encodings/aptronix/encoding.yaml", "clauses:\n", "clauses:\n  - id: [unclosed\n")
    assert cli.main(["gate"]) == cli.EXIT_INPUT
    assert re.search(r"encodings/aptronix/encoding.yaml:\d+:\d+: not valid YAML", capsys.readouterr().err)


def test_taking_a_right_away_is_a_regression_with_the_case(repo, capsys) -> None:
    # text and encoding edited together: nothing stale, no drift, but 24 to 48 hours are lost
    repo.replace("encodings/aptronix/source.txt", "deadline of 48 hours", "deadline of 24 hours")
    repo.replace("encodings/aptronix/encoding.yaml", "deadline of 48 hours", "deadline of 24 hours")
    repo.replace("encodings/aptronix/encoding.yaml", "request_at) <= 48 and", "request_at) <= 24 and")
    code, plain = gate(capsys)
    assert not new(plain, "regression.customer-right") and not new(plain, "stale.quote") and not new(plain, "drift.number")
    code, report = gate(capsys, "--no-new-restrictions")
    assert code == 1
    lost = new(report, "regression.customer-right")
    assert lost and lost[0]["outcomes"] == ["cancellation_allowed"]
    witness = lost[0]["witness"]["facts"]
    assert witness["request"] == "cancel" and witness["channel"] == "online"
    assert any("24" in r and "48" in r for r in lost[0]["region"])


def test_accepted_findings_stay_accepted_after_an_unrelated_edit_and_renumbering(repo, capsys) -> None:
    baseline = repo.path("clausecheck-baseline.yaml")
    assert cli.main(["gate", "--write-baseline", str(baseline), "--reason", "reviewed by legal, 2026-11"]) == 0
    capsys.readouterr()
    # renumber a clause, reword a clause no finding is about (text and quote together),
    # and add a sentence no clause is about
    repo.replace("encodings/aptronix/encoding.yaml", 'id: "1.4b"', 'id: "1.4c"')
    for path in ("encodings/aptronix/source.txt", "encodings/aptronix/encoding.yaml"):
        repo.replace(path, "provider will be deducted from", "provider is deducted from")
    repo.replace("encodings/aptronix/source.txt", "Standard Window:", "We are glad to help.\nStandard Window:")
    code, report = gate(capsys, "--baseline", str(baseline))
    assert report["base"] is None and report["baseline"] == str(baseline)
    statuses = {f["status"] for f in report["findings"] if f["rule"] != "uncovered.sentence"}
    assert statuses == {"accepted"} and code == 0
    assert all(f["reason"] == "reviewed by legal, 2026-11" for f in report["findings"] if f["status"] == "accepted")
    # against the commit too: nothing that was there before is new
    code, report = gate(capsys, "--base", "HEAD")
    assert code == 0 and {f["rule"] for f in new(report)} == {"uncovered.sentence"}


def test_a_baseline_entry_without_a_reason_is_unusable_input(repo, capsys) -> None:
    baseline = repo.path("baseline.yaml")
    baseline.write_text("version: 1\naccepted:\n  - fingerprint: 0123456789abcdef\n    reason: '  '\n")
    assert cli.main(["gate", "--baseline", str(baseline)]) == cli.EXIT_INPUT
    assert f"{baseline}:4" in capsys.readouterr().err


def test_outputs_for_ci(repo, capsys, tmp_path) -> None:
    _add_clashing_clause(repo)
    repo.replace("encodings/aptronix/source.txt", "Standard Window:", "Refunds are not possible after 90 days.\nStandard Window:")
    out = tmp_path / "out"
    code = cli.main(["gate", "--markdown", str(out / "gate.md"), "--sarif", str(out / "gate.sarif"),
                     "--junit", str(out / "gate.xml"), "--github-annotations"])
    printed = capsys.readouterr().out
    assert code == 1
    sarif = json.loads((out / "gate.sarif").read_text())
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    results = sarif["runs"][0]["results"]
    new_clash = [r for r in results if r["ruleId"] == "clash.within-document" and r["baselineState"] == "new"]
    assert new_clash and all(r["relatedLocations"] for r in new_clash)  # the other clause of the clash
    assert {r["baselineState"] for r in results} == {"new", "unchanged"}
    (uncovered,) = [r for r in results if r["ruleId"] == "uncovered.normative"]
    place = uncovered["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"] == "encodings/aptronix/source.txt" and place["region"]["startLine"] == 18
    suites = ET.parse(out / "gate.xml").getroot()
    assert int(suites.get("failures")) == len([r for r in results if r["baselineState"] == "new" and r["level"] == "error"])
    markdown = (out / "gate.md").read_text()
    assert markdown.startswith("## clausecheck gate: FAILED") and "9.9" in markdown and len(markdown) < 65536
    annotations = [line for line in printed.splitlines() if line.startswith("::error ")]
    assert "::error file=encodings/aptronix/source.txt,line=18," in printed
    assert all(line.startswith("::error file=encodings/aptronix/") for line in annotations)


def test_the_gate_outside_a_repository_needs_a_baseline(tmp_path, monkeypatch, capsys) -> None:
    shutil.copytree(ENCODINGS, tmp_path / "encodings", ignore=shutil.ignore_patterns("xstron", "sets"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["gate", "encodings/battery-cells"]) == cli.EXIT_INPUT
    assert "not inside a git repository" in capsys.readouterr().err


def _gate_arguments(command: str) -> list[str]:
    """The arguments of a `clausecheck gate ...` command line (shell variables made plain)."""
    words = command.replace("\\\n", " ").replace('"$base"', "HEAD").split()
    return words[words.index("clausecheck") + 1:]


def test_the_shipped_wiring_calls_the_gate_with_arguments_it_accepts() -> None:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    workflow = YAML(typ="safe").load((ROOT / ".github" / "workflows" / "policy-gate.yml").read_text())
    commands = [h["entry"] for h in hooks]
    commands += [s["run"] for s in workflow["jobs"]["gate"]["steps"] if "clausecheck gate" in s.get("run", "")]
    assert len(commands) == 3
    for command in commands:
        args = cli.parser().parse_args(_gate_arguments(command))
        assert args.run in (cli._gate, cli._check)


def test_an_unknown_base_revision_is_unusable_input(repo, capsys) -> None:
    assert cli.main(["gate", "--base", "no-such-branch"]) == cli.EXIT_INPUT
    assert "unknown git revision 'no-such-branch'" in capsys.readouterr().err


def test_a_solver_that_gives_up_never_passes(repo, capsys, monkeypatch) -> None:
    from .test_check_unknown import _GivesUpAtTheEnd
    from checker.search import GroupSearch

    original = GroupSearch._clash_candidates
    monkeypatch.setattr(GroupSearch, "_clash_candidates", lambda self: _GivesUpAtTheEnd(original(self)))
    repo.replace("encodings/aptronix/source.txt", "Standard Window:", "We are glad to help.\nStandard Window:")
    code, report = gate(capsys)
    assert code == cli.EXIT_UNDECIDED and report["verdict"] == "undecided"
    assert new(report, "unknown.solver-limit")


def test_diff_of_a_revision_and_the_working_tree(repo, capsys) -> None:
    assert cli.main(["diff", "HEAD", "encodings"]) == cli.EXIT_OK  # nothing edited
    assert "equivalent" in capsys.readouterr().out
    repo.replace("encodings/aptronix/encoding.yaml", "request_at) <= 48 and", "request_at) <= 24 and")
    assert cli.main(["diff", "HEAD", "encodings", "--format", "json"]) == cli.EXIT_FAIL
    (document,) = json.loads(capsys.readouterr().out)["documents"]
    verdicts = {o["outcome"]: o for o in document["outcomes"]}
    assert verdicts["cancellation_allowed"]["verdict"] == "narrower"
    assert not verdicts["warranty_covered"]["analysed"]  # no changed clause reaches it
    (region,) = verdicts["cancellation_allowed"]["regions"]
    assert region["direction"] == "below" and any("more than 24 and at most 48" in w for w in region["region"])


def test_diff_of_two_folders_and_of_a_missing_revision(repo, tmp_path, capsys) -> None:
    shutil.copytree(repo.path("encodings"), tmp_path / "old")
    repo.replace("encodings/aptronix/encoding.yaml", "request_at) <= 48 and", "request_at) <= 72 and")
    assert cli.main(["diff", str(tmp_path / "old"), "encodings"]) == cli.EXIT_FAIL
    assert "cancellation allowed: broader" in capsys.readouterr().out
    assert cli.main(["diff", "no-such-tag", "encodings"]) == cli.EXIT_INPUT
    assert "unknown git revision 'no-such-tag'" in capsys.readouterr().err


def test_every_rule_the_checker_reports_is_described() -> None:
    """An `accept:` entry is checked against RULES, and SARIF describes rules from it:
    a rule missing there could not be accepted."""
    from checker.findings import KIND_ORDER, RULES

    pattern = re.compile(r'"((?:%s)\.[a-z-]+)"' % "|".join(KIND_ORDER))
    used = {m for path in (ROOT / "checker").rglob("*.py") for m in pattern.findall(path.read_text())}
    assert len(used) >= 20 and used <= set(RULES)


def test_lost_rights_need_a_base_version(repo, capsys) -> None:
    baseline = repo.path("baseline.yaml")
    baseline.write_text("version: 1\naccepted: []\n")
    assert cli.main(["gate", "--baseline", str(baseline), "--no-new-restrictions"]) == cli.EXIT_INPUT
    assert "give --base REV" in capsys.readouterr().err


def test_a_stale_quote_of_several_sentences_finds_the_one_that_changed(repo, capsys) -> None:
    # 1.1's second quote spans three sentences; the edit changes the last one
    repo.replace("encodings/aptronix/source.txt", "the order is considered firm", "the order is considered final")
    code, report = gate(capsys)
    (stale,) = new(report, "stale.quote")
    assert code == 1 and "considered final" in stale["detail"]["now"]


def test_a_base_that_does_not_load_makes_every_finding_new(repo, capsys) -> None:
    repo.replace("encodings/aptronix/encoding.yaml", "clauses:\n", "clauses:\n  - id: [unclosed\n")
    repo.commit("a broken encoding")
    repo.replace("encodings/aptronix/encoding.yaml", "clauses:\n  - id: [unclosed\n", "clauses:\n")
    code, report = gate(capsys)
    assert code == 1 and any("the base does not load" in n for n in report["notes"])
    assert {f["status"] for f in report["findings"]} == {"new"}


def test_the_default_base_is_the_merge_base_with_the_default_branch(repo, capsys) -> None:
    git(repo.root, "checkout", "-q", "-b", "edit-cancellation")
    repo.replace("encodings/aptronix/source.txt", "deadline of 48 hours", "deadline of 72 hours")
    repo.commit("72 hours")  # committed on the branch: HEAD has it, main does not
    code, report = gate(capsys)
    assert code == 1 and report["base"] == git(repo.root, "rev-parse", "main").strip()
    assert [c["id"] for f in new(report, "stale.quote") for c in f["clauses"]] == ["1.1"]


def test_rewording_a_clause_that_was_already_in_a_clash_is_no_new_clash(repo, capsys) -> None:
    # 72 hours in text and encoding together: the clash of 1.1, 1.5 and 3.1b now reaches
    # 72 hours, but it is the same clash of the same clauses (matched by their ids)
    for path in ("encodings/aptronix/source.txt", "encodings/aptronix/encoding.yaml"):
        repo.replace(path, "deadline of 48 hours", "deadline of 72 hours")
    repo.replace("encodings/aptronix/encoding.yaml", "request_at) <= 48 and", "request_at) <= 72 and")
    code, report = gate(capsys)
    clashes = [f for f in report["findings"] if f["rule"] == "clash.within-document"]
    assert clashes and {f["status"] for f in clashes} == {"existing"}
    assert code == 0
