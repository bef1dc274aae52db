"""Partition a policy's conjuncts into the groups that can interact.

Two conjuncts interact only through an outcome that both mention (facts are given
by the case, so they link nothing). A clash, an open outcome or an implied clause
therefore lives inside one connected group, and each group is analysed on its own:
this is what keeps the cost of an analysis close to linear in the number of clauses.
"""

from __future__ import annotations

import networkx as nx

from . import ir


def outcome_groups(conjuncts: tuple[ir.Conjunct, ...] | list[ir.Conjunct],
                   fixed: frozenset[str] | set[str] = frozenset()) -> list[tuple[ir.Conjunct, ...]]:
    """Groups of conjuncts connected by shared outcomes, each in policy order; the groups
    ordered by their first conjunct.

    `fixed`: outcomes that link nothing, as if their values were given (the clash search
    fixes the outcomes that guards read, and splits a chained group into the parts that
    are independent once they are fixed); a conjunct that mentions no other outcome is a
    group of its own."""
    graph = nx.Graph()
    for c in conjuncts:
        node = ("conjunct", c.order)
        graph.add_node(node)
        for outcome in (c.constrains | c.reads) - fixed:
            graph.add_edge(node, ("outcome", outcome))
    by_order = {c.order: c for c in conjuncts}
    groups = []
    for nodes in nx.connected_components(graph):
        members = sorted(n[1] for n in nodes if n[0] == "conjunct")
        if members:
            groups.append(tuple(by_order[o] for o in members))
    return sorted(groups, key=lambda g: g[0].order)


def outcomes_of(group: tuple[ir.Conjunct, ...]) -> list[str]:
    return sorted({o for c in group for o in c.constrains | c.reads})


def upstream(conjuncts: tuple[ir.Conjunct, ...] | list[ir.Conjunct], outcome: str) -> tuple[ir.Conjunct, ...]:
    """The conjuncts that decide `outcome`: those that constrain it, and, in turn, those
    that constrain an outcome these read or relate it to; in policy order.

    A conjunct that only reads `outcome` (a consequence of it) is left out: it can
    restrict the outcome only by contradicting another clause, which is a clash, not
    a decision about the outcome."""
    graph = nx.DiGraph()
    graph.add_node(("outcome", outcome))
    for c in conjuncts:
        node = ("conjunct", c.order)
        for x in c.constrains:
            graph.add_edge(("outcome", x), node)       # x depends on c
        for y in c.constrains | c.reads:
            graph.add_edge(node, ("outcome", y))       # c depends on y
    reached = {n[1] for n in nx.descendants(graph, ("outcome", outcome)) if n[0] == "conjunct"}
    return tuple(c for c in conjuncts if c.order in reached)
