"""The second path: every witness is re-checked by the plain evaluator before it is
reported. A witness that fails is a bug in the checker, never dropped silently.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .cases import FactValue, axiom_violations
from .evaluate import consistent, evaluate, holds_in, values_of
from .vocabulary import Vocabulary


class CertificateError(Exception):
    """The evaluator does not confirm what the solver found: an internal error."""


def _axioms(facts: dict[str, FactValue], vocabulary: Vocabulary | None) -> None:
    if vocabulary is None:
        return  # a caller that does not pass the vocabulary: the solver's axioms only
    problems = axiom_violations(facts, vocabulary)
    if problems:
        raise CertificateError(f"witness breaks the background axioms: {'; '.join(problems)}")


def certify_clash(vocabulary: Vocabulary, conjuncts: tuple[ir.Conjunct, ...], facts: dict[str, FactValue]) -> None:
    """The conjuncts cannot all hold for the facts, and each proper subset can."""
    _axioms(facts, vocabulary)
    if consistent(vocabulary, conjuncts, facts):
        raise CertificateError("the evaluator finds the clashing clauses consistent at the witness")
    for c in conjuncts:
        rest = tuple(x for x in conjuncts if x is not c)
        if rest and not consistent(vocabulary, rest, facts):
            raise CertificateError(f"the clash is not minimal: without {c.clause.id} it remains")


def certify_open(vocabulary: Vocabulary, conjuncts: tuple[ir.Conjunct, ...], facts: dict[str, FactValue], outcome: str) -> list:
    """The outcome can take two values or more under the conjuncts; returns them."""
    _axioms(facts, vocabulary)
    values = values_of(vocabulary, conjuncts, facts, outcome)
    if values is None or len(values) < 2:
        raise CertificateError(f"the evaluator does not find {outcome} open at the witness")
    return values


def certify_counterexample(conjuncts: tuple[ir.Conjunct, ...], facts: dict[str, FactValue], outcomes: dict[str, Any],
                           when: ir.Expr, holds: ir.Expr, vocabulary: Vocabulary | None = None) -> None:
    """Every clause holds for the facts and outcomes, `when` is true and `holds` false;
    with `vocabulary`, the facts break none of its axioms either."""
    _axioms(facts, vocabulary)
    broken = [c.clause.id for c in conjuncts if not holds_in(c, facts, outcomes)]
    if broken:
        raise CertificateError(f"the counterexample breaks clause(s) {', '.join(broken)}")
    if not evaluate(when, facts, outcomes) or evaluate(holds, facts, outcomes):
        raise CertificateError("the counterexample does not refute the property")
