"""`report.sarif`: the findings in SARIF 2.1.0, for code-scanning tools.

One run; the rules are the finding rules (their ids are stable, so results stay
attached across runs), one result per finding, located at its first clause in the
encoding file, with the other clauses and the quoted lines of `source.txt` as
related locations. The driver's property bag names the solver and its version
(`properties.solver`). Both fingerprints of the finding go in `partialFingerprints`: by
the clauses' words (a renumbered clause is still the same result) and by their ids
(a reworded clause is too).
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__, ir
from ..rules import RULES, page
from ..smt_settings import solver
from .model import Entry, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "clausecheck/v1"
CLAUSE_FINGERPRINT = "clausecheck/clauses/v1"



def _rules(report: Report) -> list[dict[str, Any]]:
    ids = list(RULES) + sorted({e.finding.rule for e in report.entries} - set(RULES))
    rules = []
    for rule in ids:
        known = RULES.get(rule)
        entry: dict[str, Any] = {
            "id": rule,
            "name": rule.replace(".", "/"),
            "shortDescription": {"text": known.summary if known else rule},
            "defaultConfiguration": {"level": LEVEL[known.severity] if known else "warning"},
        }
        if known:
            entry["fullDescription"] = {"text": known.what}
            entry["help"] = {"text": page(known)}
        rules.append(entry)
    return rules


def _physical(uri: str, line: int) -> dict[str, Any]:
    out: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if line:
        out["region"] = {"startLine": line}
    return out


def _clause_location(clause: ir.Clause) -> dict[str, Any]:
    return {"physicalLocation": _physical(clause.location.file, clause.location.line),
            "message": {"text": f"{clause.document} {clause.id}: {clause.heading}"}}


def _fallback_location(report: Report, entry: Entry) -> dict[str, Any]:
    """A finding with no clause (an outcome no clause decides, a refuted property) is
    placed at the property's line if it has one, else at the top of the encoding."""
    f = entry.finding
    if f.detail.get("source_line") and f.documents:  # a sentence of the source (the gate's findings)
        return {"physicalLocation": _physical(report.source_path(f.documents[0]), int(f.detail["source_line"])),
                "message": {"text": f"{f.documents[0]} source text"}}
    for policy in report.policies.values():
        for doc in policy.documents:
            if doc.name not in f.documents:
                continue
            for prop in doc.properties:
                if prop.id == f.detail.get("property"):
                    return {"physicalLocation": _physical(report.path(prop.location.file), prop.location.line),
                            "message": {"text": f"property {prop.id}"}}
            for conflict in doc.conflicts:
                if conflict.id == f.detail.get("conflict"):
                    return {"physicalLocation": _physical(report.path(conflict.location.file), conflict.location.line),
                            "message": {"text": f"declared conflict {conflict.id}"}}
    for policy in report.policies.values():
        for doc in policy.documents:
            if f.documents and doc.name == f.documents[0]:
                return {"physicalLocation": _physical(report.path(doc.encoding_path), 1),
                        "message": {"text": doc.name}}
    return {"physicalLocation": _physical(".", 0)}


def _result(report: Report, entry: Entry, rule_index: dict[str, int],
            states: dict[tuple[str, str], tuple[str, str]]) -> dict[str, Any]:
    f, data = entry.finding, entry.data
    text = f.message
    if data["region"]:
        text += ". Where: " + "; ".join(data["region"])
    if data["narrative"]:
        text += ". " + data["narrative"]
    related, n = [], 1
    for clause in f.clauses[1:]:
        related.append({"id": n, **_clause_location(clause)})
        n += 1
    for clause in f.clauses:
        source = report.source_path(clause.document)
        for line in sorted(set(clause.source_lines)):
            related.append({"id": n, "physicalLocation": _physical(source, line),
                            "message": {"text": f"quoted by {clause.document} {clause.id}"}})
            n += 1
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": text},
        "locations": [_clause_location(f.clauses[0]) if f.clauses else _fallback_location(report, entry)],
        "partialFingerprints": {FINGERPRINT: f.fingerprint, CLAUSE_FINGERPRINT: f.clause_fingerprint},
        "properties": {"finding": entry.fid, "analysis": entry.analysis, "kind": f.kind,
                       "documents": list(f.documents), "outcomes": list(f.outcomes)},
    }
    if related:
        result["relatedLocations"] = related
    state = states.get((entry.analysis, f.fingerprint))
    if state is not None:  # the gate's verdict on it: new since the base, or not; accepted, with why
        status, reason = state
        result["baselineState"] = "new" if status == "new" else "unchanged"
        if status == "accepted":
            result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": reason}]
    return result


def render(report: Report, states: dict[tuple[str, str], tuple[str, str]] | None = None) -> str:
    """The SARIF log; `states` ((analysis, fingerprint) -> (gate status, reason)) adds
    the gate's baseline state and suppressions."""
    rules = _rules(report)
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            # the solver's release in the driver's property bag: the witnesses depend on it
            "tool": {"driver": {"name": "clausecheck", "version": __version__, "rules": rules,
                                "properties": {"solver": solver()}}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(report, e, rule_index, states or {}) for e in report.entries],
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
