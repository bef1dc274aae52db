"""`clausecheck gate`: the outcome as text (the console), Markdown (a pull-request
comment) and JSON (for other tools).

The reader needs, first, whether the gate passes and what fails it; then what else
is new, and what was accepted and why. Markdown keeps under GitHub's comment limit
by folding and, at the end, by leaving findings out with a count.
"""

from __future__ import annotations

import json
from typing import Any

from ..gate import GateResult, Gated
from ..report.markdown import LIMIT, RESERVE, blockquote, escape
from ..vocabulary import Vocabulary
from .check_json import finding_json
from .check_text import finding_lines
from .narrate import narrative, region_words

VERDICT = {0: "PASSED", 1: "FAILED", 3: "UNDECIDED (the solver could not answer within its limits)"}


def headline(result: GateResult) -> str:
    failing = result.failing()
    verdict = VERDICT[result.exit_code]
    if failing:
        return f"clausecheck gate: {verdict}: {len(failing)} new finding(s) at or above {result.fail_level}"
    return f"clausecheck gate: {verdict}"


def compared_with(result: GateResult) -> str:
    parts = []
    if result.base:
        parts.append(f"base commit {result.base[:12]}")
    if result.baseline:
        parts.append(f"baseline {result.baseline}")
    return "compared with " + " and ".join(parts) if parts else "no base: every finding is new"


def _counts(result: GateResult) -> dict[str, dict[str, int]]:
    table = {s: {"new": 0, "existing": 0, "accepted": 0} for s in ("error", "warning", "info")}
    for g in result.items:
        table[g.finding.severity][g.status] += 1
    return table


def _where(g: Gated) -> str:
    f = g.finding
    if f.clauses:
        return ", ".join(f"{c.document} {c.id} ({c.location.file}:{c.location.line})" for c in f.clauses)
    line = f.detail.get("source_line")
    return ", ".join(f.documents) + (f" line {line}" if line else "")


def render_text(result: GateResult, vocabulary: Vocabulary) -> str:
    lines = [headline(result), compared_with(result)]
    lines += [f"note: {n}" for n in result.notes]
    if result.unchanged:
        lines.append("unchanged since the base, not re-analysed: " + ", ".join(result.unchanged))
    failing = result.failing()
    other_new = [g for g in result.items if g.status == "new" and g not in failing]
    for title, group in (("fails the gate", failing), ("new, below the fail level", other_new)):
        if not group:
            continue
        lines += ["", f"-- {title} ({len(group)})", ""]
        for g in group:
            f = g.finding
            lines.append(f"{f.severity.upper()} [{f.rule}] {g.analysis}: {f.message}")
            lines += finding_lines(f, vocabulary)
            lines.append("")
    accepted = [g for g in result.items if g.status == "accepted"]
    if accepted:
        lines += ["", f"-- accepted ({len(accepted)})", ""]
        lines += [f"[{g.finding.rule}] {_where(g)}: {g.reason}" for g in accepted]
    counts = _counts(result)
    lines += ["", "findings: " + "; ".join(
        f"{sev}: {c['new']} new, {c['existing']} existing, {c['accepted']} accepted" for sev, c in counts.items())]
    return "\n".join(lines) + "\n"


def _markdown_finding(g: Gated, vocabulary: Vocabulary) -> list[str]:
    f = g.finding
    lines = [f"#### `{f.rule}` ({escape(g.analysis)})", "", escape(f.message), ""]
    for c in f.clauses:
        head = f"**{escape(c.document)} {escape(c.id)}** {escape(c.heading)} (`{c.location.file}:{c.location.line}`)"
        lines += [blockquote(head), ">", blockquote(" […] ".join(f"\u201c{escape(q)}\u201d" for q in c.quotes)), ""]
    words = region_words(f.region, vocabulary)
    if words:
        lines += ["Where: " + escape("; ".join(words)) + ".", ""]
    story = narrative(f, vocabulary)
    if story:
        lines += ["Witness: " + escape(story), ""]
    return lines


def render_markdown(result: GateResult, vocabulary: Vocabulary, limit: int = LIMIT) -> str:
    counts = _counts(result)
    lines = [f"## {escape(headline(result))}", "", escape(compared_with(result)) + ".", ""]
    lines += [f"- {escape(n)}" for n in result.notes]
    lines += ["| | new | existing | accepted |", "|---|---:|---:|---:|"]
    lines += [f"| {sev} | {c['new']} | {c['existing']} | {c['accepted']} |" for sev, c in counts.items()]
    if result.unchanged:
        lines += ["", "Unchanged since the base, not re-analysed: " + escape(", ".join(result.unchanged)) + "."]
    failing = result.failing()
    other_new = [g for g in result.items if g.status == "new" and g not in failing]
    accepted = [g for g in result.items if g.status == "accepted"]
    left_out = 0
    for title, group, folded in (("Fails the gate", failing, False), ("New, below the fail level", other_new, True)):
        if not group:
            continue
        head = ["", f"### {title} ({len(group)})", ""] + (["<details>", f"<summary>{len(group)} finding(s)</summary>", ""] if folded else [])
        body: list[str] = []
        for g in group:
            block = _markdown_finding(g, vocabulary)
            size = sum(len(x) + 1 for x in lines + head + body + block)
            if left_out or size > limit - RESERVE - 2000:
                left_out += 1
                continue
            body += block
        if body:
            lines += head + body + (["</details>"] if folded else [])
    if accepted:
        block = ["", f"### Accepted ({len(accepted)})", "", "<details>", "<summary>accepted findings and their reasons</summary>", ""]
        block += [f"- `{g.finding.rule}` {escape(_where(g))}: {escape(g.reason)}" for g in accepted]
        block += ["", "</details>"]
        if sum(len(x) + 1 for x in lines + block) < limit - RESERVE:
            lines += block
        else:
            left_out += len(accepted)
    if left_out:
        lines += ["", f"*{left_out} more did not fit in a comment: see the gate's SARIF or JSON output.*"]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_json(result: GateResult, vocabulary: Vocabulary) -> dict[str, Any]:
    counts = _counts(result)
    failing = {id(g) for g in result.failing()}
    return {
        "verdict": {0: "pass", 1: "fail", 3: "undecided"}[result.exit_code],
        "exit_code": result.exit_code,
        "fail_level": result.fail_level,
        "base": result.base,
        "baseline": result.baseline,
        "unchanged": result.unchanged,
        "notes": result.notes,
        "counts": counts,
        "findings": [{"analysis": g.analysis, "status": g.status, "reason": g.reason,
                      "fails": id(g) in failing, **finding_json(g.finding, vocabulary, i)}
                     for i, g in enumerate(result.items)],
    }


def render_json(result: GateResult, vocabulary: Vocabulary) -> str:
    return json.dumps(to_json(result, vocabulary), indent=2, ensure_ascii=False) + "\n"
