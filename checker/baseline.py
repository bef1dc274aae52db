"""The baseline file: findings the policy owners have accepted, each with a reason.

The gate does not fail on a finding whose fingerprint or clause fingerprint is
listed. The other fields of an entry (analysis, rule, clauses, message) are there
for the people who read the file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML

from .errors import InputError, Location, Problem, Text, fail
from .files import write_atomic
from .findings import Analysis
from .load import position, read_yaml, validate

HEADER = """\
# Findings of clausecheck that the policy owners accept: the CI gate does not fail on them.
# Each entry needs a reason. A finding is accepted when its fingerprint (by the words of
# its clauses) or its clause_fingerprint (by their ids) is listed; the other fields say
# what the finding was, for the people who read this file.
"""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BaselineEntry(_Strict):
    fingerprint: str = Field(pattern=r"^[0-9a-f]{16}$")
    reason: Text = Field(min_length=1)  # printed by the gate
    clause_fingerprint: str = Field(default="", pattern=r"^([0-9a-f]{16})?$")
    analysis: str = ""
    rule: str = ""
    clauses: list[str] = []
    message: str = ""


class BaselineFile(_Strict):
    version: Literal[1] = 1
    accepted: list[BaselineEntry] = []


def read_baseline(path: Path) -> dict[str, str]:
    """Accepted fingerprint -> reason."""
    root = read_yaml(path)
    if root is None:
        raise fail(Location(str(path)), "the baseline file is empty (expected `version: 1` and `accepted:`)")
    data: BaselineFile = validate(BaselineFile, path, root)
    accepted: dict[str, str] = {}
    problems = []
    for i, entry in enumerate(data.accepted):
        if not entry.reason.strip():
            problems.append(Problem(position(path, root, ("accepted", i, "reason")), "the reason is blank"))
        accepted[entry.fingerprint] = entry.reason.strip()
        if entry.clause_fingerprint:
            accepted[entry.clause_fingerprint] = entry.reason.strip()
    if problems:
        raise InputError(problems)
    return accepted


def write_baseline(path: Path, analyses: list[Analysis], reason: str, keep: dict[str, str] | None = None) -> int:
    """Accept every finding of `analyses` (solver `unknown`s excepted: they decide
    nothing) with `reason`, keeping the reasons already given in `keep`. The file is
    replaced whole, or not at all. Returns the number of entries."""
    keep = keep or {}
    entries = []
    for analysis in analyses:
        for f in analysis.findings:
            if f.kind == "unknown":
                continue
            entries.append({
                "fingerprint": f.fingerprint,
                "clause_fingerprint": f.clause_fingerprint,
                "reason": keep.get(f.fingerprint, keep.get(f.clause_fingerprint, reason)),
                "analysis": analysis.name,
                "rule": f.rule,
                "clauses": [f"{c.document} {c.id}" for c in f.clauses],
                "message": f.message,
            })
    yaml = YAML()
    yaml.width = 100
    buffer = io.StringIO()
    buffer.write(HEADER)
    yaml.dump({"version": 1, "accepted": entries}, buffer)
    write_atomic(path, buffer.getvalue())
    return len(entries)
