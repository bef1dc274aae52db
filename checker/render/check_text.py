"""`clausecheck check`: the findings as a reviewer reads them in a terminal.

A summary first; then, per analysis, one block per finding. An error or a warning about
a clash, a gap or a dead clause shows where it holds and its case; the others are one
line with their clauses. Each quote is printed once per run (later mentions say "quoted
above"); `verbose` prints every detail (every quote, the witness told as a story).
Lines are wrapped to `width`; colour only when asked for.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass

from ..findings import SEVERITIES, Analysis, Finding
from ..vocabulary import Vocabulary
from .narrate import narrative, region_words, told, witness_events, witness_words

# the kinds whose findings a reviewer acts on with the case in hand
WITH_CASE = ("clash", "gap", "dead", "property", "unknown")
# of those, the kinds whose case is told by default (a gap's region is its extent)
CASE_TOLD = ("clash", "dead", "property")
_COLOUR = {"error": "\033[1;31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


@dataclass(frozen=True)
class Style:
    width: int = 100
    colour: bool = False
    verbose: bool = False

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour else text


def use_colour(choice: str, is_terminal: bool, environ) -> bool:
    """`--color`: always, never, or (auto) on a terminal unless NO_COLOR is set (no-color.org)."""
    return choice == "always" or (choice == "auto" and is_terminal and not environ.get("NO_COLOR"))


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


def _per_rule(analyses: list[Analysis]) -> list[tuple[str, str, int]]:
    """(severity, rule, how many findings), most severe first, then the most frequent."""
    counts = Counter((f.severity, f.rule) for a in analyses for f in a.findings)
    return [(sev, rule, n) for (sev, rule), n in
            sorted(counts.items(), key=lambda kv: (SEVERITIES.index(kv[0][0]), -kv[1], kv[0][1]))]


def statistics(analyses: list[Analysis]) -> str:
    """One line per rule: how many findings, at which severity (`--statistics`)."""
    rows = _per_rule(analyses)
    lines = [f"{n:5d}  {severity:<8} {rule}" for severity, rule, n in rows]
    total = sum(n for _, _, n in rows)
    return "\n".join(lines + [f"{total:5d}  finding(s)"]) + "\n"


def render(analyses: list[Analysis], vocabulary: Vocabulary, style: Style | None = None) -> str:
    style = style or Style()
    out: list[str] = [*_summary(analyses, style), ""]
    quoted: set[tuple[str, str]] = set()
    for analysis in analyses:
        out.append(style.paint(f"{analysis.name} ({', '.join(analysis.documents)}): {len(analysis.findings)} finding(s)", _BOLD))
        for f in analysis.findings:
            out += _block(f, vocabulary, style, quoted)
            if style.verbose and f.detail.get("note"):
                out += _wrap(f"why the text allows it: {f.detail['note']}", style.width, "    ", "      ")
        for p in analysis.properties:
            out.append(f"  property {p.id} ({p.document}): {p.status}: {p.statement}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _summary(analyses: list[Analysis], style: Style) -> list[str]:
    findings = [f for a in analyses for f in a.findings]
    by_severity = Counter(f.severity for f in findings)
    counts = ", ".join(f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 and s != 'info' else ''}" for s in SEVERITIES)
    head = f"clausecheck: {len(findings)} finding(s) in {len(analyses)} analys{'is' if len(analyses) == 1 else 'es'} ({counts})"
    return [style.paint(head, _BOLD)] + [f"  {n:4d} {style.paint(f'{sev:<8}', _COLOUR[sev])} {rule}"
                                         for sev, rule, n in _per_rule(analyses)]


def _block(f: Finding, vocabulary: Vocabulary, style: Style, quoted: set) -> list[str]:
    lines = _wrap(f"{f.severity} [{f.rule}] {f.message}", style.width, "  ", "    ")
    # painted after wrapping, so that colour does not change where lines break
    lines[0] = lines[0].replace(f.severity, style.paint(f.severity, _COLOUR[f.severity]), 1)
    full = style.verbose or (f.kind in WITH_CASE and f.severity != "info")
    if full:
        words = region_words(f.region, vocabulary)
        if words:
            lines += _wrap("where: " + "; ".join(words), style.width, "    ", "      ")
        if f.witness is not None and (style.verbose or f.kind in CASE_TOLD):
            story = narrative(f, vocabulary) if style.verbose else _case(f, vocabulary)
            lines += _wrap(("witness: " if style.verbose else "case: ") + story, style.width, "    ", "      ")
    above = []
    for c in f.clauses:
        key = (c.document, c.id)
        where = f"{c.document} {c.id} ({c.location.file}:{c.location.line})"
        if key in quoted and not style.verbose:
            above.append(where)
            continue
        quoted.add(key)  # each quote once per run: at the first finding that names its clause
        lines += _wrap(f"{where}: \u201c{c.quote}\u201d", style.width, "    ", "      ")
    if above:
        lines += _wrap("quoted above: " + ", ".join(above), style.width, "    ", "      ")
    return lines


def _case(f: Finding, vocabulary: Vocabulary) -> str:
    """The case of a finding in short: the events in the order they happen (the region
    above already says the conditions)."""
    facts = told(f)
    return "; ".join(witness_events(facts, vocabulary) or witness_words(facts, vocabulary)) + "."


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    if width <= 0:
        return [first + text]
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first]
