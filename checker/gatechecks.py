"""The gate's checks of one document against its own source text: stale quotes,
numbers that drifted between the text and the encoding, and sentences that are
neither encoded nor skipped. Each comes out as a `Finding`, like `check`'s.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .coverage import coverage
from .drift import drift
from .findings import Finding
from .load import Document, StaleQuote
from .sourcetext import Sentence, normalise

# A sentence that decides something: a duty, a prohibition, a deadline or a fee.
NORMATIVE = re.compile(
    r"\b(must|shall|cannot|can ?not|may not|will not|won't|is not|are not|not (?:be )?(?:eligible|allowed|"
    r"accepted|refunded|refundable|possible|covered)|ineligible|only|required|entitled|eligible|void|deadline|"
    r"within|no later than|at least|at most|fee|fees|charge[sd]?|deduct\w*|refund\w*|cancel\w*|return\w*|"
    r"replace\w*|warrant\w*)\b|\d+\s*%",
    re.IGNORECASE,
)
# How like a stale quote a sentence must be to be called its new wording.
SIMILAR = 0.6


def is_normative(sentence: str) -> bool:
    return NORMATIVE.search(sentence) is not None


def _missing_part(document: Document, quote: str) -> str:
    """The first sentence of a stale quote that is not in the source (a quote may span
    several sentences, of which the edit changed one)."""
    pieces = re.split(r"(?<=[.!?;])\s+", normalise(quote))
    return next((p for p in pieces if document.source.find(p) is None), normalise(quote))


def _nearest(quote: str, sentences: tuple[Sentence, ...]) -> Sentence | None:
    """The sentence most like `quote` (its new wording, after an edit), if any is close."""
    needle = normalise(quote)
    best, score = None, SIMILAR
    for s in sentences:
        ratio = SequenceMatcher(None, needle, s.text, autojunk=False).ratio()
        if ratio > score:
            best, score = s, ratio
    return best


def _stale_finding(document: Document, stale: StaleQuote, now: Sentence | None) -> Finding:
    source = document.source.path
    clause = document.clause(stale.clause) if stale.clause is not None else None
    what = f"clause {stale.clause}" if clause else "a skipped sentence"
    parts = [f"{what}: the quote is no longer in {source}: \u201c{normalise(stale.quote)}\u201d"]
    detail = {"quote": normalise(stale.quote), "quote_line": stale.location.line}
    if now is not None:
        parts.append(f"at line {now.line} the text now reads: \u201c{now.text}\u201d")
        detail.update(now=now.text, source_line=now.line)
        if clause is not None:
            parts += [d.message for d in drift(clause, now.text)]
    else:
        parts.append("no sentence of the source resembles it: was it deleted?")
    message = "; ".join(parts)
    rule = "stale.quote" if clause else "stale.skipped-quote"
    return Finding("stale", rule, "error", message, (clause,) if clause else (), documents=(document.name,),
                   detail=detail)


def document_checks(document: Document) -> list[Finding]:
    """Stale quotes, drift and uncovered sentences of one document (loaded with
    `tolerate_stale`)."""
    findings: list[Finding] = []
    uncovered = coverage(document).uncovered
    replaced: set[Sentence] = set()
    for stale in document.stale:
        now = _nearest(_missing_part(document, stale.quote), uncovered)
        if now is not None:
            replaced.add(now)  # told in the stale finding, not again as uncovered
        findings.append(_stale_finding(document, stale, now))
    stale_clauses = {s.clause for s in document.stale}
    for clause in document.clauses:
        if clause.id in stale_clauses:
            continue  # its quote is not the text any more; the stale finding compares numbers
        for d in drift(clause):
            findings.append(Finding("drift", "drift.number", "error", f"clause {clause.id}: {d.message}", (clause,),
                                    documents=(document.name,),
                                    detail={"number": d.quoted.text if d.quoted else ", ".join(q.text for q in d.encoded)}))
    for sentence in uncovered:
        if sentence in replaced:
            continue
        normative = is_normative(sentence.text)
        findings.append(Finding(
            "uncovered", "uncovered.normative" if normative else "uncovered.sentence",
            "error" if normative else "warning",
            f"{document.source.path}:{sentence.line}: neither encoded nor skipped"
            f"{' (it decides something: a duty, a limit or a fee)' if normative else ''}: \u201c{sentence.text}\u201d",
            documents=(document.name,), detail={"sentence": sentence.text, "source_line": sentence.line}))
    return findings
