"""A set of loaded documents as one body of conjuncts: the unit every analysis reads."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from . import ir
from .load import Document
from .sourcetext import normalise
from .vocabulary import Vocabulary


# Which exceptions a policy applies: all of them (the policy as encoded), only those the
# text states (to see which clashes only an inferred exception resolves), or none (to see
# what the exceptions resolve).
EXCEPTIONS = ("all", "stated", "none")


def exceptions_to(conjunct_body: ir.Expr, clause: ir.Clause, document: Document,
                  exceptions: str = "all") -> tuple[tuple[ir.Clause, ir.Override], ...]:
    """The exceptions to `clause`, and the conditions of its eligibility, that take cases
    from this conjunct of it: those that decide an outcome the conjunct speaks to. An
    exception on the refund method leaves the overridden clause's refund deadline in
    force."""
    if exceptions == "none":
        return ()
    spoken = ir.outcomes(conjunct_body)
    return tuple((e, o) for e in document.clauses for o in e.links
                 if o.target == clause.id and o.applies_under(exceptions) and spoken & e.decides)


def narrowed(guard: ir.Expr, exceptions: tuple[tuple[ir.Clause, ir.Override], ...]) -> ir.Expr:
    """`guard` less the cases the exceptions take."""
    if not exceptions:
        return guard
    return ir.And((guard, *(ir.Not(e.when) for e, _ in exceptions)))


@dataclass(frozen=True)
class Policy:
    vocabulary: Vocabulary
    documents: tuple[Document, ...]
    exceptions: str = "all"  # one of EXCEPTIONS
    conjuncts: tuple[ir.Conjunct, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.exceptions not in EXCEPTIONS:
            raise ValueError(f"exceptions is one of {EXCEPTIONS}, not {self.exceptions!r}")
        conjuncts = []
        for doc in self.documents:
            for clause in doc.clauses:
                for index, body in enumerate(ir.conjuncts_of(clause.then)):
                    taken = exceptions_to(body, clause, doc, self.exceptions)
                    conjuncts.append(ir.Conjunct(clause, index, narrowed(clause.when, taken), body, len(conjuncts), taken))
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
        return Policy(self.vocabulary, tuple(by_name[n] for n in names), self.exceptions)

    def with_reading(self, clause: ir.Clause, reading: ir.Reading) -> "Policy":
        """The policy with `clause` read the other way: its `when` and `then` are the
        reading's (its exceptions, conditions and quotes stay)."""
        documents = tuple(
            replace(d, clauses=tuple(replace(c, when=reading.when, then=reading.then) if c.key == clause.key else c
                                     for c in d.clauses)) if d.name == clause.document else d
            for d in self.documents)
        return Policy(self.vocabulary, documents, self.exceptions)

    def without_exceptions(self) -> "Policy":
        return Policy(self.vocabulary, self.documents, exceptions="none")

    def with_stated_exceptions_only(self) -> "Policy":
        return Policy(self.vocabulary, self.documents, exceptions="stated")

    @cached_property
    def has_inferred_exceptions(self) -> bool:
        return any(not o.is_stated for c in self.clauses for o in c.overrides)

    def merge_repeated(self) -> "Policy":
        """The policy with each passage that the source repeats word for word, and the
        encoding encodes the same way each time, kept once (at its first place): one rule
        quoted at several places, so that one contradiction is one finding and a case
        proof names the first place. (`check` still reports the repetition itself.)"""
        documents = []
        for doc in self.documents:
            overridden = {o.target for c in doc.clauses for o in c.links}
            kept: list[ir.Clause] = []
            for clause in doc.clauses:
                twin = next((k for k in kept if same_rule(k, clause) and repeated_in_source(doc, clause)), None)
                if twin is None or clause.id in overridden:
                    kept.append(clause)
            documents.append(doc if len(kept) == len(doc.clauses) else replace(doc, clauses=tuple(kept)))
        return Policy(self.vocabulary, tuple(documents), self.exceptions)


def same_rule(a: ir.Clause, b: ir.Clause) -> bool:
    """The same words encoded the same way."""
    return (normalise(a.quote) == normalise(b.quote) and a.when == b.when and a.then == b.then
            and a.overrides == b.overrides and a.condition_of == b.condition_of)


def repeated_in_source(doc: Document, clause: ir.Clause) -> bool:
    """Every span the clause quotes stands at least twice in the document's source."""
    return all(len(doc.source.find_all(q)) >= 2 for q in clause.quotes)
