"""`clausecheck check --format json`: the findings as the machine-readable contract."""

from __future__ import annotations

import json
from typing import Any

from ..cases import case_to_json
from ..findings import SEVERITIES, Analysis, Finding
from ..smt_settings import solver
from ..vocabulary import Vocabulary
from .narrate import narrative, region_words
from .values import clause_json, json_value


def finding_json(finding: Finding, vocabulary: Vocabulary, index: int) -> dict[str, Any]:
    witness = None
    if finding.witness is not None:
        present = {k: v for k, v in finding.witness.items() if v is not None}
        witness = case_to_json(f"{finding.rule}-{finding.fingerprint}", finding.documents, present)
    detail = {k: ({o: json_value(v) for o, v in val.items()} if isinstance(val, dict) else val)
              for k, val in sorted(finding.detail.items())}
    return {
        "kind": finding.kind,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "clause_fingerprint": finding.clause_fingerprint,
        "documents": list(finding.documents),
        "outcomes": list(finding.outcomes),
        "clauses": [clause_json(c, with_location=True) for c in finding.clauses],
        "region": region_words(finding.region, vocabulary),
        "witness": witness,
        "narrative": narrative(finding, vocabulary),
        "detail": detail,
    }


def summary(analyses: list[Analysis]) -> dict[str, Any]:
    findings = [f for a in analyses for f in a.findings]
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    return {
        "findings": len(findings),
        **{s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
        "by_kind": dict(sorted(kinds.items())),
        # (no count of solver calls: the counterexample-guided searches take as many steps
        # as the models they meet, and the artefacts must not depend on those)
        "analyses": [{"name": a.name, "documents": list(a.documents), "groups": a.groups} for a in analyses],
    }


def report(analyses: list[Analysis], vocabulary: Vocabulary) -> dict[str, Any]:
    findings = [f for a in analyses for f in a.findings]
    return {
        "findings": [finding_json(f, vocabulary, i) for i, f in enumerate(findings)],
        "properties": [{"owner": p.document, "id": p.id, "statement": p.statement, "status": p.status}
                       for a in analyses for p in a.properties],
        "summary": summary(analyses),
        "solver": solver(),  # witnesses depend on the solver's release
    }


def render(analyses: list[Analysis], vocabulary: Vocabulary) -> str:
    return json.dumps(report(analyses, vocabulary), indent=2, ensure_ascii=False) + "\n"
