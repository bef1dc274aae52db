"""What a witness states: the facts of a canonical point that a reader and the
certificate need.

A canonical point (`search.GroupSearch.canonical_point`) leaves out every event that
the finding does not need, so the events it has are those the finding or the life of
an order requires: they are all kept. Of the other facts, those the finding's
conjuncts read are stated, and those the life of an order then leaves only one value
(an order delivered but never shipped is a store sale); the rest are unknown, and
nothing the finding says depends on them.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .semantics.axioms import violations
from .vocabulary import BoolType, EnumType, TimestampType, Vocabulary


def shown(vocabulary: Vocabulary, point: dict[str, Any], conjuncts, extra=frozenset()) -> dict[str, Any]:
    """The facts `conjuncts` read (and `extra`), every event as it stands at the point
    (None: it has not happened), and the facts the axioms then force, in vocabulary order."""
    names = set(extra) | {n for c in conjuncts for n in ir.facts(c.guard) | ir.facts(c.body)}
    out = {}
    for name, var in vocabulary.facts.items():
        if isinstance(var.type, TimestampType):
            out[name] = point.get(name)
        elif name in names and name in point:
            out[name] = point[name]
    forced = _forced(vocabulary, out, point)
    return {name: out[name] if name in out else forced[name] for name in vocabulary.facts if name in out or name in forced}


def _forced(vocabulary: Vocabulary, stated: dict[str, Any], point: dict[str, Any]) -> dict[str, Any]:
    """The bool and enum facts, not stated, that the axioms allow only one value of given
    what is stated (and that value is the point's)."""
    read = {n for axiom in vocabulary.axioms for n in ir.facts(axiom.holds)}
    out: dict[str, Any] = {}
    for name in vocabulary.facts:
        var = vocabulary.facts[name]
        if name in stated or name not in read or name not in point:
            continue
        domain = (False, True) if isinstance(var.type, BoolType) else var.type.values if isinstance(var.type, EnumType) else ()
        allowed = [v for v in domain if not violations(vocabulary, {**stated, **out, name: v})]
        if len(allowed) == 1 and allowed[0] == point[name]:
            out[name] = allowed[0]
    return out
