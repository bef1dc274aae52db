"""`diff`: what an edit changes, per document and outcome, as text, JSON or Markdown.

Byte-identical output for the same input: documents and outcomes come sorted from
`diff`, regions in the order they were found, JSON keys in a fixed order.
"""

from __future__ import annotations

import json
from typing import Literal

from ..cases import case_to_json
from ..diff import DocumentDiff, OutcomeDiff, Region
from ..vocabulary import Vocabulary
from .narrate import region_words, witness_words
from .values import json_value, spoken

_VERDICT_WORDS = {
    "narrower": "narrower (the new version decides more, or refuses what the old one granted)",
    "broader": "broader (the new version leaves open, or grants, what the old one decided or refused)",
    "incomparable": "incomparable (narrower in some cases, broader in others)",
    "unknown": "UNKNOWN (the solver gave up: not shown to be equivalent)",
    "equivalent": "equivalent",
}


def render(diffs: list[DocumentDiff], vocabulary: Vocabulary, form: Literal["text", "json", "markdown"]) -> str:
    if form == "json":
        return json.dumps({"documents": [_json(d, vocabulary) for d in diffs]}, indent=2, ensure_ascii=False) + "\n"
    if form == "markdown":
        return "\n".join(line for d in diffs for line in _markdown(d, vocabulary)).rstrip("\n") + "\n"
    return "\n".join(line for d in diffs for line in _text(d, vocabulary)).rstrip("\n") + "\n"


# ---- words shared by the formats ------------------------------------------------------------


def _name(outcome: str) -> str:
    return outcome.replace("_", " ")


def _value(vocabulary: Vocabulary, outcome: str, told: tuple[str, object]) -> str:
    status, value = told
    return spoken(vocabulary.outcomes[outcome], value) if status == "determined" else "open"


def _where(region: Region, vocabulary: Vocabulary) -> str:
    if not region.widened:
        return "at the witness (no region over the clauses' conditions keeps the difference)"
    return "; ".join(region_words(region.region, vocabulary)) or "in every case"


def _example(region: Region, vocabulary: Vocabulary) -> str:
    return "; ".join(witness_words({k: v for k, v in region.witness.items() if v is not None}, vocabulary))


def _sentence(region: Region, vocabulary: Vocabulary) -> str:
    """"cancellation allowed: old yes, new no, where ...; for example: ..."."""
    o = region.outcome
    where = _where(region, vocabulary)
    where = f"where {where}" if region.widened and where != "in every case" else where
    return (f"{_name(o)}: old {_value(vocabulary, o, region.old)}, new {_value(vocabulary, o, region.new)}, "
            f"{where}; for example: {_example(region, vocabulary)}")


def _clauses(region: Region) -> str:
    return f"deciding clauses: old {', '.join(region.clauses_old) or '-'}; new {', '.join(region.clauses_new) or '-'}"


def _merged(regions: list[Region]) -> list[tuple[str, Region]]:
    """The regions with their direction; a region found in both directions (a change of
    value: old forces a, new forces b) is told once."""
    seen: dict[tuple, int] = {}
    out: list[tuple[str, Region]] = []
    for r in regions:
        key = (r.region, r.old, r.new, r.widened)
        if key in seen and out[seen[key]][0] != r.direction:
            out[seen[key]] = ("below and above", out[seen[key]][1])
            continue
        seen[key] = len(out)
        out.append((r.direction, r))
    return out


def _heading(diff: DocumentDiff) -> str:
    if diff.status in ("added", "removed"):
        return f"{diff.document}: {diff.status}"
    differing = [o for o in diff.outcomes if o.verdict != "equivalent"]
    return (f"{diff.document}: {diff.status}, {len(differing)} outcome(s) decided differently "
            f"({diff.solver_calls} solver calls)")


def _equivalent_line(outcomes: list[OutcomeDiff]) -> list[str]:
    analysed = [_name(o.outcome) for o in outcomes if o.verdict == "equivalent" and o.analysed]
    untouched = [_name(o.outcome) for o in outcomes if o.verdict == "equivalent" and not o.analysed]
    parts = []
    if analysed:
        parts.append(", ".join(analysed))
    if untouched:
        parts.append(f"not re-analysed, no changed clause reaches them: {', '.join(untouched)}")
    return [f"equivalent: {'; '.join(parts)}"] if parts else []


# ---- text ------------------------------------------------------------------------------------


def _text(diff: DocumentDiff, vocabulary: Vocabulary) -> list[str]:
    lines = [_heading(diff)]
    for o in diff.outcomes:
        if o.verdict == "equivalent":
            continue
        lines.append(f"  {_name(o.outcome)}: {_VERDICT_WORDS[o.verdict]}")
        for direction, r in _merged(o.regions):
            lines += [f"    - {direction}: {_sentence(r, vocabulary)}", f"      {_clauses(r)}"]
    lines += [f"  {line}" for line in _equivalent_line(diff.outcomes)]
    return lines + [""]


# ---- markdown --------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(diff: DocumentDiff, vocabulary: Vocabulary) -> list[str]:
    lines = [f"### {_cell(_heading(diff))}", ""]
    if not diff.outcomes:
        return lines
    lines += ["| outcome | verdict | re-analysed |", "|---|---|---|"]
    lines += [f"| {_name(o.outcome)} | {'**' + o.verdict + '**' if o.verdict != 'equivalent' else o.verdict} | "
              f"{'yes' if o.analysed else 'no'} |" for o in diff.outcomes]
    lines.append("")
    for o in diff.outcomes:
        for direction, r in _merged(o.regions):
            lines.append(f"- **{direction}** {_cell(_sentence(r, vocabulary))} ({_cell(_clauses(r))})")
    if any(o.regions for o in diff.outcomes):
        lines.append("")
    return lines


# ---- json ------------------------------------------------------------------------------------


def _told_json(told: tuple[str, object]) -> dict:
    return {"status": told[0], "value": json_value(told[1])}


def _json(diff: DocumentDiff, vocabulary: Vocabulary) -> dict:
    return {
        "document": diff.document,
        "status": diff.status,
        "outcomes": [{
            "outcome": o.outcome,
            "verdict": o.verdict,
            "analysed": o.analysed,
            "regions": [{
                "direction": r.direction,
                "old": _told_json(r.old),
                "new": _told_json(r.new),
                "widened": r.widened,
                "region": region_words(r.region, vocabulary),
                "witness": case_to_json(f"diff-{diff.document}-{o.outcome}-{i}", (diff.document,),
                                        {k: v for k, v in r.witness.items() if v is not None}),
                "clauses_old": list(r.clauses_old),
                "clauses_new": list(r.clauses_new),
            } for i, r in enumerate(o.regions)],
        } for o in diff.outcomes],
        "solver_calls": diff.solver_calls,
    }
