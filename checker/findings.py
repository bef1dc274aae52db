"""What an analysis reports: findings with their clauses, witness and region.

A finding's fingerprint is built from its kind, rule and the normalised quotes of
its clauses (not their ids or lines), so it survives renumbering and unrelated
edits: the CI gate compares findings by it.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from . import ir
from .cases import FactValue
from .rules import KIND_ORDER, RULES, SEVERITIES
from .sourcetext import normalise

Severity = Literal["error", "warning", "info"]
# Detail entries that tell apart findings of the same kind about the same clauses.
IDENTIFYING_DETAIL = ("outcome", "property", "term", "quote", "sentence", "number", "label", "conflict")


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` (of `--select` / `--ignore`) names no rule or kind, or None."""
    if pattern in RULES or pattern in KIND_ORDER:
        return None
    close = difflib.get_close_matches(pattern, [*KIND_ORDER, *RULES], n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close[:3])}?" if close else f"; a kind is one of {', '.join(KIND_ORDER)}"
    return f"{pattern!r} is neither a rule nor a kind{hint}"


def chosen(finding: "Finding", select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
           severity: str = "info") -> bool:
    """Whether `--select`, `--ignore` and `--severity` keep the finding. A rule or its
    kind may be named; `unknown` (the solver could not decide) is always kept: it is
    never a pass."""
    if finding.kind == "unknown":
        return True
    named = lambda patterns: finding.rule in patterns or finding.kind in patterns  # noqa: E731
    return ((not select or named(select)) and not named(ignore)
            and SEVERITIES.index(finding.severity) <= SEVERITIES.index(severity))


@dataclass(frozen=True)
class Finding:
    kind: str
    rule: str
    severity: Severity
    message: str
    clauses: tuple[ir.Clause, ...] = ()
    witness: dict[str, FactValue] | None = None
    region: tuple[tuple[ir.Expr, bool], ...] = ()
    outcomes: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict, compare=False)
    ordinal: int = 0  # tells apart findings that would share a fingerprint (the same text twice)

    @property
    def fingerprint(self) -> str:
        """The finding by its clauses' words: survives renumbering and edits elsewhere."""
        return self._digest(sorted(f"{c.document}\x1f{normalise(c.quote)}" for c in self.clauses))

    @property
    def clause_fingerprint(self) -> str:
        """The finding by its clauses' ids: survives a rewording of those clauses. The gate
        takes a finding as already known when either fingerprint matches."""
        return self._digest(["by-id", *sorted(f"{c.document}\x1f{c.id}" for c in self.clauses)])

    def _digest(self, clauses: list[str]) -> str:
        extra = [f"{k}={v}" for k, v in sorted(self.detail.items()) if k in IDENTIFYING_DETAIL]
        text = "\x1e".join([self.kind, self.rule, *self.documents, *self.outcomes, *clauses, *extra, str(self.ordinal)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def sort_key(self) -> tuple:
        return (KIND_ORDER.index(self.kind), self.documents,
                tuple((c.document, c.location.line) for c in self.clauses), self.outcomes, self.message)


@dataclass(frozen=True)
class PropertyResult:
    document: str
    id: str
    statement: str
    status: Literal["holds", "refuted", "unknown"]
    finding: Finding | None = None


@dataclass
class Analysis:
    """The findings for one policy (a document, or a set of documents)."""

    name: str
    documents: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    properties: list[PropertyResult] = field(default_factory=list)
    solver_calls: int = 0
    groups: int = 0

    def sort(self) -> None:
        """Put the findings in their reading order and make their fingerprints unique."""
        self.findings.sort(key=lambda f: f.sort_key)
        seen: set[str] = set()
        for i, f in enumerate(self.findings):
            while f.fingerprint in seen:
                f = replace(f, ordinal=f.ordinal + 1)
            seen.add(f.fingerprint)
            self.findings[i] = f

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
