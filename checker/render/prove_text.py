"""`prove --format text`: the verdicts in plain English with the quotes that decide them."""

from __future__ import annotations

import textwrap
from typing import Any

from ..verdict import CaseProof
from ..vocabulary import Vocabulary
from .values import clause_ref, json_value, spoken


def _quote(text: str, indent: str) -> str:
    return textwrap.fill(f"\u201c{text}\u201d", width=100, initial_indent=indent, subsequent_indent=indent + " ")


def render_case(proof: CaseProof, expectations: dict[str, dict[str, Any]], vocab: Vocabulary) -> str:
    lines = [f"Case {proof.case_id} under {', '.join(proof.documents)}"]
    for name, v in proof.outcomes.items():
        var = vocab.outcomes[name]
        if v.status == "determined":
            lines.append(f"  {var.meaning}: {spoken(var, v.value)}   [{name}]")
            for c in v.clauses:
                lines.append(f"    decided by {clause_ref(c)}:")
                lines.append(_quote(c.quote, "      "))
        elif v.status == "clash":
            lines.append(f"  {var.meaning}: CLASH, the clauses that apply contradict each other   [{name}]")
        elif v.status == "unknown":
            lines.append(f"  {var.meaning}: UNDECIDED, the solver gave up within its time limit   [{name}]")
        elif v.clauses:
            lines.append(f"  {var.meaning}: left to the seller   [{name}]")
            for c in v.clauses:
                lines.append(f"    by {clause_ref(c)}:")
                lines.append(_quote(c.quote, "      "))
    open_names = [n for n, v in proof.outcomes.items() if v.status == "open" and not v.clauses]
    if open_names:
        lines.append(f"  Not decided by the policy (open): {', '.join(open_names)}")
    for i, clash in enumerate(proof.clashes, start=1):
        if clash.prevails:
            lines.append(f"  Clash {i} on {', '.join(clash.outcomes)}, resolved by rank in favour of "
                         f"{', '.join(clash.prevails)}: these clauses cannot all hold for this case:")
        else:
            lines.append(f"  Clash {i} on {', '.join(clash.outcomes)}: these clauses cannot all hold for this case:")
        for c in clash.clauses:
            lines.append(f"    {clause_ref(c)}:")
            lines.append(_quote(c.quote, "      "))
    for name, e in expectations.items():
        verdict = "holds" if e["ok"] else "FAILS"
        expected = e["expected"]
        lines.append(f"  Expected {name} = {json_value(expected)}: {verdict}")
    return "\n".join(lines)


def render(items: list[tuple[CaseProof, dict[str, dict[str, Any]]]], vocab: Vocabulary) -> str:
    blocks = [render_case(p, e, vocab) for p, e in items]
    failed = sum(1 for _, e in items for x in e.values() if not x["ok"])
    checked = sum(len(e) for _, e in items)
    summary = f"{len(items)} case(s) proved; {checked - failed} of {checked} expectation(s) hold."
    return "\n\n".join(blocks + [summary]) + "\n"
