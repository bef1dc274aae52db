"""What a witness states: the facts of a canonical point that a reader and the
certificate need.

A canonical point (`search.GroupSearch.canonical_point`) leaves out every event that
the finding does not need, so the events it has are those the finding or the life of
an order requires: they are all kept. Of the other facts, only those the finding's
conjuncts read are stated; the rest are unknown, and nothing the finding says depends
on them.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .vocabulary import TimestampType, Vocabulary


def shown(vocabulary: Vocabulary, point: dict[str, Any], conjuncts, extra=frozenset()) -> dict[str, Any]:
    """The facts `conjuncts` read (and `extra`) and every event as it stands at the
    point (None: it has not happened), in vocabulary order."""
    names = set(extra) | {n for c in conjuncts for n in ir.facts(c.guard) | ir.facts(c.body)}
    out = {}
    for name, var in vocabulary.facts.items():
        if isinstance(var.type, TimestampType):
            out[name] = point.get(name)
        elif name in names and name in point:
            out[name] = point[name]
    return out
