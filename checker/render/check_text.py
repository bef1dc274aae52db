"""`clausecheck check`: the findings as a reviewer reads them."""

from __future__ import annotations

from ..findings import Analysis, Finding
from ..vocabulary import Vocabulary
from .narrate import narrative, region_words


def finding_lines(f: Finding, vocabulary: Vocabulary, indent: str = "    ") -> list[str]:
    """What a finding rests on, after its headline: its clauses with their quotes, the
    region and the witness told in words (shared with the gate's outputs)."""
    lines = [f"{indent}{c.document} {c.id} ({c.location.file}:{c.location.line}): \u201c{c.quote}\u201d" for c in f.clauses]
    words = region_words(f.region, vocabulary)
    if words:
        lines.append(f"{indent}where: " + "; ".join(words))
    story = narrative(f, vocabulary)
    if story:
        lines.append(f"{indent}witness: " + story)
    return lines


def render(analyses: list[Analysis], vocabulary: Vocabulary) -> str:
    lines: list[str] = []
    for analysis in analyses:
        counts = ", ".join(f"{analysis.count(s)} {s}" for s in ("error", "warning", "info"))
        lines.append(f"== {analysis.name} ({', '.join(analysis.documents)}): {len(analysis.findings)} finding(s): {counts}")
        lines.append("")
        for f in analysis.findings:
            lines.append(f"{f.severity.upper()} [{f.rule}] {f.message}")
            lines += finding_lines(f, vocabulary)
            lines.append("")
        for p in analysis.properties:
            lines.append(f"property {p.id} ({p.document}): {p.status}: {p.statement}")
        if analysis.properties:
            lines.append("")
    total = sum(len(a.findings) for a in analyses)
    errors = sum(a.count("error") for a in analyses)
    lines.append(f"{total} finding(s), {errors} error(s)")
    return "\n".join(lines) + "\n"
