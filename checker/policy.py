"""A set of loaded documents as one body of conjuncts: the unit every analysis reads."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from . import ir
from .load import Document
from .sourcetext import normalise
from .vocabulary import Vocabulary


def effective_guard(clause: ir.Clause, document: Document, with_exceptions: bool = True) -> ir.Expr:
    """`when` of the clause, less the cases taken by the clauses that override it."""
    if not with_exceptions:
        return clause.when
    exceptions = [c.when for c in document.clauses if clause.id in c.overrides]
    if not exceptions:
        return clause.when
    return ir.And((clause.when, *(ir.Not(w) for w in exceptions)))


@dataclass(frozen=True)
class Policy:
    vocabulary: Vocabulary
    documents: tuple[Document, ...]
    with_exceptions: bool = True  # False: every clause under its own `when` (to see what exceptions resolve)
    conjuncts: tuple[ir.Conjunct, ...] = field(init=False)

    def __post_init__(self) -> None:
        conjuncts = []
        for doc in self.documents:
            for clause in doc.clauses:
                guard = effective_guard(clause, doc, self.with_exceptions)
                for index, body in enumerate(ir.conjuncts_of(clause.then)):
                    conjuncts.append(ir.Conjunct(clause, index, guard, body, len(conjuncts)))
        object.__setattr__(self, "conjuncts", tuple(conjuncts))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.documents)

    @cached_property
    def clauses(self) -> tuple[ir.Clause, ...]:
        return tuple(c for d in self.documents for c in d.clauses)

    def select(self, names: list[str] | tuple[str, ...]) -> "Policy":
        """The policy made of the named documents only, in the order given."""
        by_name = {d.name: d for d in self.documents}
        return Policy(self.vocabulary, tuple(by_name[n] for n in names), self.with_exceptions)

    def without_exceptions(self) -> "Policy":
        return Policy(self.vocabulary, self.documents, with_exceptions=False)

    def merge_repeated(self) -> "Policy":
        """The policy with each passage that the source repeats word for word, and the
        encoding encodes the same way each time, kept once (at its first place): one rule
        quoted at several places, so that one contradiction is one finding and a case
        proof names the first place. (`check` still reports the repetition itself.)"""
        documents = []
        for doc in self.documents:
            overridden = {t for c in doc.clauses for t in c.overrides}
            kept: list[ir.Clause] = []
            for clause in doc.clauses:
                twin = next((k for k in kept if same_rule(k, clause) and repeated_in_source(doc, clause)), None)
                if twin is None or clause.id in overridden:
                    kept.append(clause)
            documents.append(doc if len(kept) == len(doc.clauses) else replace(doc, clauses=tuple(kept)))
        return Policy(self.vocabulary, tuple(documents), self.with_exceptions)


def same_rule(a: ir.Clause, b: ir.Clause) -> bool:
    """The same words encoded the same way."""
    return (normalise(a.quote) == normalise(b.quote) and a.when == b.when and a.then == b.then
            and a.overrides == b.overrides)


def repeated_in_source(doc: Document, clause: ir.Clause) -> bool:
    """Every span the clause quotes stands at least twice in the document's source."""
    return all(len(doc.source.find_all(q)) >= 2 for q in clause.quotes)
