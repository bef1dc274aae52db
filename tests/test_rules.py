"""One catalogue of rules (issue 13, item 4): every list of rules and kinds is derived
from `checker.rules`, so a rule added there reaches every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli, rules
from checker.findings import Analysis, Finding, pattern_problem
from checker.render import check_text
from checker.report.model import build
from checker.report.sarif import render as sarif
from checker.workspace import Workspace

from .conftest import ENCODINGS

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_table_is_the_catalogue() -> None:
    assert rules.markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", rules.CATALOGUE, ids=lambda r: r.id)
def test_every_rule_has_its_page(rule) -> None:
    assert rule.kind in rules.KIND_ORDER and rule.severity in rules.SEVERITIES
    page = rules.page(rule)
    for part in ("What: ", "Why: ", "Example: "):
        assert part in page
    assert all(len(x.strip()) > 10 for x in (rule.summary, rule.what, rule.why, rule.example))


def test_the_rule_command_prints_a_page(capsys) -> None:
    assert cli.main(["rule", "clash.declared"]) == cli.EXIT_OK
    assert capsys.readouterr().out == rules.page(rules.RULES["clash.declared"])
    assert cli.main(["rule", "clash.declard"]) == cli.EXIT_INPUT
    assert "did you mean clash.declared" in capsys.readouterr().err


def test_a_rule_added_to_the_catalogue_reaches_every_format(monkeypatch) -> None:
    new = rules.Rule("gap.planted-for-test", "warning", "A rule planted by a test", "what it says", "why it matters",
                     "a minimal policy that has one")
    monkeypatch.setitem(rules.RULES, new.id, new)
    workspace = Workspace.load([ENCODINGS], only={"marketplace"})
    analysis = Analysis("marketplace", ("marketplace",), [Finding("gap", new.id, "warning", "planted", documents=("marketplace",))])
    # --select takes it, --statistics counts it
    assert pattern_problem(new.id) is None
    assert f"warning  {new.id}" in check_text.statistics([analysis])
    # SARIF describes it from the catalogue: summary, level and page
    report = build([analysis], workspace.vocabulary, {"marketplace": workspace.policy(("marketplace",))}, ROOT)
    [described] = [r for r in json.loads(sarif(report))["runs"][0]["tool"]["driver"]["rules"] if r["id"] == new.id]
    assert described["shortDescription"]["text"] == new.summary
    assert described["defaultConfiguration"]["level"] == "warning"
    assert described["help"]["text"] == rules.page(new)
