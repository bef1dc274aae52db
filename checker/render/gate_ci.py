"""`clausecheck gate` for CI systems: JUnit XML (test-report views) and GitHub
workflow commands (annotations on the pull request's files).

In JUnit each finding is a test case: failing if it fails the gate, skipped (with
its reason) if accepted, passing otherwise; each analysis is a suite. Annotations
are written for new findings only: `error` for those that fail the gate, `warning`
for the others, so a reviewer sees on the diff what the edit brought.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..gate import GateResult, Gated
from ..report import sarif
from ..report.model import build, relative
from ..vocabulary import Vocabulary
from .check_text import finding_lines


def _name(g: Gated) -> str:
    f = g.finding
    where = ", ".join(f"{c.document} {c.id}" for c in f.clauses) or ", ".join(f.documents)
    if "source_line" in f.detail and not f.clauses:
        where += f" line {f.detail['source_line']}"
    return f"{f.rule} {where} [{f.fingerprint}]"


def _body(g: Gated, vocabulary: Vocabulary) -> str:
    return "\n".join([g.finding.message, *finding_lines(g.finding, vocabulary, indent="")])


def render_junit(result: GateResult, vocabulary: Vocabulary) -> str:
    failing = {id(g) for g in result.failing()}
    suites = ET.Element("testsuites", name="clausecheck gate")
    by_analysis: dict[str, list[Gated]] = {}
    for g in result.items:
        by_analysis.setdefault(g.analysis, []).append(g)
    names = [a.name for a in result.analyses] or ["gate"]
    for name in names:
        items = by_analysis.get(name, [])
        suite = ET.SubElement(suites, "testsuite", name=name, tests=str(max(1, len(items))),
                              failures=str(sum(1 for g in items if id(g) in failing)),
                              skipped=str(sum(1 for g in items if g.status == "accepted")), errors="0")
        if not items:
            ET.SubElement(suite, "testcase", classname=f"clausecheck.{name}", name="no findings")
        for g in items:
            case = ET.SubElement(suite, "testcase", classname=f"clausecheck.{name}", name=_name(g))
            if id(g) in failing:
                failure = ET.SubElement(case, "failure", message=g.finding.message, type=g.finding.rule)
                failure.text = _body(g, vocabulary)
            elif g.status == "accepted":
                ET.SubElement(case, "skipped", message=f"accepted: {g.reason}")
            else:
                ET.SubElement(case, "system-out").text = f"{g.status} {g.finding.severity}: {_body(g, vocabulary)}"
    totals = {k: sum(int(s.get(k, "0")) for s in suites) for k in ("tests", "failures", "skipped")}
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def render_sarif(result: GateResult) -> str:
    """The analysed findings as SARIF, each with its baseline state (new or not) and,
    when accepted, a suppression that carries the reason."""
    report = build(result.analyses, result.vocabulary, result.policies, result.root)
    states = {(g.analysis, g.finding.fingerprint): (g.status, g.reason) for g in result.items}
    return sarif.render(report, states)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _location(g: Gated, root: Path) -> tuple[str, int]:
    f = g.finding
    if f.clauses:
        return relative(f.clauses[0].location.file, root), f.clauses[0].location.line
    return "", 0


def render_annotations(result: GateResult, vocabulary: Vocabulary) -> str:
    """GitHub workflow commands, one per new finding; a finding without a clause (an
    uncovered sentence) is placed on its line of the source text."""
    root, source_paths = result.root, result.sources
    failing = {id(g) for g in result.failing()}
    lines = []
    for g in result.items:
        if g.status != "new":
            continue
        path, line = _location(g, root)
        if not path and g.finding.documents and g.finding.documents[0] in source_paths:
            path = relative(source_paths[g.finding.documents[0]], root)
            line = int(g.finding.detail.get("source_line", 0))
        level = "error" if id(g) in failing else "warning"
        props = [f"title={_escape_property(f'clausecheck {g.finding.rule}')}"]
        if path:
            props.insert(0, f"file={_escape_property(path)}")
            if line:
                props.insert(1, f"line={line}")
        lines.append(f"::{level} {','.join(props)}::{_escape_data(_body(g, vocabulary))}")
    return "\n".join(lines) + ("\n" if lines else "")
