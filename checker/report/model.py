"""What every report format shares: findings numbered once (F1, F2, ...), paths made
relative to the repository, and the flags a clause carries in the graph.

Numbering in one place keeps the HTML anchors, the graph attributes and the SARIF
results pointing at the same finding; relative paths keep the report the same on
every machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import ir
from ..errors import Location
from ..findings import Analysis, Finding, PropertyResult
from ..policy import Policy
from ..render import check_json
from ..rules import HUB_RULES
from ..vocabulary import Vocabulary

CLASH_RULES = HUB_RULES  # the rules drawn as a hub in the clash graph
SEVERITY_WORDS = {"error": "Errors", "warning": "Warnings", "info": "Notes"}


@dataclass(frozen=True)
class Entry:
    """One finding with its report-wide id and its `check` JSON (region words,
    witness and narrative as `check --format json` gives them)."""

    fid: str
    analysis: str
    finding: Finding
    data: dict[str, Any]


@dataclass(frozen=True)
class Report:
    """Everything the formats draw on, computed once."""

    analyses: list[Analysis]
    vocabulary: Vocabulary
    policies: dict[str, Policy]
    entries: list[Entry]
    check: dict[str, Any]  # the `check` JSON, as written to report.json
    root: Path

    def of(self, analysis: str) -> list[Entry]:
        return [e for e in self.entries if e.analysis == analysis]

    def path(self, name: str | Path) -> str:
        return relative(name, self.root)

    def source_path(self, document: str) -> str:
        for policy in self.policies.values():
            for doc in policy.documents:
                if doc.name == document:
                    return self.path(doc.source.path)
        return ""


def build(analyses: list[Analysis], vocabulary: Vocabulary, policies: dict[str, Policy], root: Path) -> Report:
    analyses = [_relocated(a, root) for a in analyses]
    check = check_json.report(analyses, vocabulary)
    findings = [(a.name, f) for a in analyses for f in a.findings]
    entries = [Entry(f"F{i}", name, f, data) for i, ((name, f), data) in enumerate(zip(findings, check["findings"]), 1)]
    return Report(analyses, vocabulary, policies, entries, check, root)


def relative(name: str | Path, root: Path) -> str:
    """A path as seen from the repository root, with forward slashes."""
    path = Path(name)
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(absolute.resolve(), root.resolve())).as_posix()


def _relocated(analysis: Analysis, root: Path) -> Analysis:
    """The analysis with every clause's encoding path relative to `root` (the
    clauses are otherwise unchanged, so fingerprints and order are too)."""
    moved: dict[tuple[str, str], ir.Clause] = {}

    def clause(c: ir.Clause) -> ir.Clause:
        if c.key not in moved:
            where = Location(relative(c.location.file, root), c.location.line, c.location.column)
            moved[c.key] = replace(c, location=where)
        return moved[c.key]

    def finding(f: Finding) -> Finding:
        return replace(f, clauses=tuple(clause(c) for c in f.clauses))

    out = Analysis(analysis.name, analysis.documents, [finding(f) for f in analysis.findings],
                   [PropertyResult(p.document, p.id, p.statement, p.status, finding(p.finding) if p.finding else None)
                    for p in analysis.properties],
                   analysis.solver_calls, analysis.groups)
    return out


def node_id(clause: ir.Clause) -> str:
    return f"{clause.document}:{clause.id}"


@dataclass(frozen=True)
class Flags:
    dead: bool = False
    redundant: bool = False
    duplicate: bool = False
    clash: bool = False


def clause_flags(entries: list[Entry]) -> dict[str, Flags]:
    """Which clauses never apply, add nothing, repeat another, or clash."""
    flags: dict[str, dict[str, bool]] = {}
    for e in entries:
        f = e.finding
        if f.kind == "dead" and f.clauses:
            flags.setdefault(node_id(f.clauses[0]), {})["dead"] = True
        elif f.kind == "redundant" and f.clauses:
            flags.setdefault(node_id(f.clauses[0]), {})["redundant"] = True
        elif f.kind == "duplicate":
            for c in f.clauses:
                flags.setdefault(node_id(c), {})["duplicate"] = True
        elif f.rule in CLASH_RULES:
            for c in f.clauses:
                flags.setdefault(node_id(c), {})["clash"] = True
    return {k: Flags(**v) for k, v in flags.items()}


def override_pairs(policy: Policy, entries: list[Entry]) -> list[tuple[ir.Clause, ir.Clause, tuple[str, ...], bool]]:
    """(exception or condition, the clause it narrows, ids of the findings that show it,
    whether it is a condition of eligibility), in policy order."""
    by_key = {c.key: c for c in policy.clauses}
    pairs = []
    for exception in policy.clauses:
        for link in exception.links:
            overridden = by_key.get((exception.document, link.target))
            if overridden is None:
                continue
            rule = "override.condition" if link.condition else "override.exception"
            shown = tuple(e.fid for e in entries if e.finding.rule == rule
                          and exception.key in {c.key for c in e.finding.clauses}
                          and overridden.key in {c.key for c in e.finding.clauses})
            pairs.append((exception, overridden, shown, link.condition))
    return pairs
