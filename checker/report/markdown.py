"""`report.md`: the findings as a pull-request comment.

A summary table, then the findings by severity, errors first; each with its clauses'
quotes as block quotes, and for errors the witness told in plain English. GitHub
takes at most 65,536 characters in a comment, so each clause is quoted once, and
the witnesses of warnings and notes are left to index.html and report.json.
Warnings and notes are folded (<details>) so that the comment opens on what needs
action.
"""

from __future__ import annotations

from ..rules import ANALYSIS_KINDS
from .model import SEVERITY_WORDS, Entry, Report

LIMIT = 65536   # the most characters GitHub takes in a comment
RESERVE = 200   # room for the closing note
KINDS = ANALYSIS_KINDS


def escape(text: str) -> str:
    """Text from the encodings, with the characters Markdown would act on escaped."""
    for ch in "\\`*[]<":
        text = text.replace(ch, "\\" + ch)
    return text


def _cell(text: str) -> str:
    return escape(text).replace("|", "\\|").replace("\n", " ")


def blockquote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def _finding(entry: Entry, quoted: dict[tuple[str, str], str], witness: bool) -> list[str]:
    """A finding; each clause is quoted in full the first time it appears (the comment
    has to fit GitHub's limit), and the witness is told for errors."""
    f, data = entry.finding, entry.data
    lines = [f"#### {entry.fid} `{f.rule}` ({', '.join(f.documents)})", "", escape(f.message), ""]
    if f.kind == "gap":  # the clauses that decide the outcome elsewhere: named, not quoted
        if f.clauses:
            lines += ["Decided elsewhere by: " + ", ".join(escape(c.id) for c in f.clauses) + ".", ""]
        return lines + (["Where: " + escape("; ".join(data["region"])) + ".", ""] if data["region"] else [])
    seen = [c for c in f.clauses if c.key in quoted]
    for clause in f.clauses:
        if clause.key in quoted:
            continue
        quoted[clause.key] = entry.fid
        where = f"`{clause.location.file}:{clause.location.line}`"
        head = f"**{escape(clause.document)} {escape(clause.id)}** {escape(clause.heading)} ({where})"
        lines += [blockquote(head), ">", blockquote(" […] ".join(f"\u201c{escape(q)}\u201d" for q in clause.quotes)), ""]
    if seen:
        lines += ["Quoted above: " + ", ".join(f"{escape(c.id)} ({quoted[c.key]})" for c in seen) + ".", ""]
    if data["region"]:
        lines += ["Where: " + escape("; ".join(data["region"])) + ".", ""]
    if data["narrative"] and witness:
        lines += ["Witness: " + escape(data["narrative"]), ""]
    return lines


def render(report: Report, limit: int = LIMIT) -> str:
    summary = report.check["summary"]
    lines = ["# clausecheck report", "",
             f"{summary['findings']} findings: {summary['error']} errors, {summary['warning']} warnings, "
             f"{summary['info']} notes.", "",
             "| analysis | documents | errors | warnings | notes | " + " | ".join(KINDS) + " |",
             "|---|---|" + "---:|" * (3 + len(KINDS))]
    for a in report.analyses:
        kinds = [str(sum(1 for f in a.findings if f.kind == k)) for k in KINDS]
        lines.append(f"| {_cell(a.name)} | {_cell(', '.join(a.documents))} | "
                     + " | ".join(str(a.count(s)) for s in ("error", "warning", "info")) + " | "
                     + " | ".join(kinds) + " |")
    props = [(a, p) for a in report.analyses for p in a.properties]
    if props:
        lines += ["", "Properties:", ""]
        lines += [f"- **{escape(p.id)}** ({escape(p.document)}): {p.status}: {escape(p.statement)}" for _, p in props]
    size = sum(len(x) + 1 for x in lines)
    quoted: dict[tuple[str, str], str] = {}
    left_out = 0
    for severity, title in SEVERITY_WORDS.items():
        entries = [e for e in report.entries if e.finding.severity == severity]
        if not entries:
            continue
        folded = severity != "error"
        head = ["", f"## {title} ({len(entries)})", ""]
        if folded:
            head += ["<details>", f"<summary>{len(entries)} {title.lower()}</summary>", ""]
        tail = ["</details>"] if folded else []
        body: list[str] = []
        for e in entries:
            block = _finding(e, dict(quoted), witness=severity == "error")
            cost = sum(len(x) + 1 for x in block)
            if left_out or size + cost + sum(len(x) + 1 for x in head + body + tail) > limit - RESERVE:
                left_out += 1
                continue
            body += _finding(e, quoted, witness=severity == "error")
        if body:
            lines += head + body + tail
            size = sum(len(x) + 1 for x in lines)
    if left_out:
        lines += ["", f"*{left_out} more findings did not fit in a comment: see index.html or report.json.*"]
    return "\n".join(lines).rstrip("\n") + "\n"
