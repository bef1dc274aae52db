"""Coverage of a source text: every sentence is quoted by a clause or skipped with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from .load import Document
from .sourcetext import Sentence


@dataclass(frozen=True)
class Coverage:
    document: str
    sentences: int
    clauses: int
    skipped: int
    uncovered: tuple[Sentence, ...]


def coverage(document: Document) -> Coverage:
    source = document.source
    spans = []
    for quote in [q for c in document.clauses for q in c.quotes] + [s.quote for s in document.skipped]:
        spans.extend(source.find_all(quote))
    sentences = source.sentences()
    uncovered = tuple(s for s in sentences if not any(a < s.end and s.start < b for a, b in spans))
    return Coverage(document.name, len(sentences), len(document.clauses), len(document.skipped), uncovered)
