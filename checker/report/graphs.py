"""The report's two graphs, as networkx graphs (written as GraphML and DOT, and
drawn as SVG in the HTML page).

The clash graph of an analysis has a node per clause and a small hub node per
clash (a clash binds k clauses at once, so a hub keeps it one object a reader can
point at); override edges run from an exception to the clause it narrows. The
dependency graph of a document (or of a policy set) shows the chains behind a clash: clause -> outcome it
decides -> clause whose condition reads that outcome.

Nodes and edges are added in a fixed order (policy order, then finding order), so
the files written from them are byte-identical from run to run.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from ..policy import Policy
from .model import CLASH_RULES, Entry, Flags, clause_flags, node_id, override_pairs

# a hub is drawn as a clash, or (resolved by rank) as a rank
HUB_KIND = {rule: "rank" if rule.startswith("override.") else "clash" for rule in CLASH_RULES}


def hub_id(fid: str) -> str:
    return f"finding:{fid}"


def clash_graph(policy: Policy, entries: list[Entry], path: Callable[[str], str]) -> nx.DiGraph:
    """`path` makes an encoding path relative to the repository."""
    graph = nx.DiGraph()
    flags = clause_flags(entries)
    for clause in policy.clauses:
        f = flags.get(node_id(clause), Flags())
        graph.add_node(node_id(clause), kind="clause", document=clause.document, id=clause.id,
                       heading=clause.heading, quote=clause.quote, file=path(clause.location.file),
                       line=clause.location.line, dead=f.dead, redundant=f.redundant,
                       duplicate=f.duplicate, clash=f.clash)
    for e in entries:
        if e.finding.rule not in CLASH_RULES:
            continue
        kind = HUB_KIND[e.finding.rule]
        hub = hub_id(e.fid)
        graph.add_node(hub, kind=kind, finding=e.fid, rule=e.finding.rule, message=e.finding.message,
                       outcomes=", ".join(e.finding.outcomes), fingerprint=e.finding.fingerprint)
        for clause in e.finding.clauses:
            graph.add_edge(hub, node_id(clause), kind=kind, finding=e.fid)
    for exception, overridden, shown, condition in override_pairs(policy, entries):
        graph.add_edge(node_id(exception), node_id(overridden), kind="exception", finding=" ".join(shown),
                       resolves_clash=any(_resolves(entries, fid) for fid in shown), condition=condition)
    return graph


def _resolves(entries: list[Entry], fid: str) -> bool:
    return any(e.fid == fid and e.finding.witness is not None for e in entries)


def dependency_graph(policy: Policy, path: Callable[[str], str]) -> nx.DiGraph:
    """clause -> outcome it constrains -> clause whose (effective) condition reads it.
    For a policy of one document, that document's graph; for a set, the outcomes are
    shared, which is how clauses of different documents come to clash."""
    graph = nx.DiGraph()
    conjuncts = policy.conjuncts
    clauses = policy.clauses
    for clause in clauses:
        graph.add_node(node_id(clause), kind="clause", document=clause.document, id=clause.id,
                       heading=clause.heading, quote=clause.quote, file=path(clause.location.file),
                       line=clause.location.line)
    outcomes = sorted({o for c in conjuncts for o in c.constrains | c.reads})
    for name in outcomes:
        graph.add_node(f"outcome:{name}", kind="outcome", name=name)
    for clause in clauses:
        own = [c for c in conjuncts if c.clause.key == clause.key]
        for name in sorted({o for c in own for o in c.constrains}):
            discretion = all(c.is_discretion for c in own if name in c.constrains)
            graph.add_edge(node_id(clause), f"outcome:{name}", kind="constrains", discretion=discretion)
    for clause in clauses:
        own = [c for c in conjuncts if c.clause.key == clause.key]
        for name in sorted({o for c in own for o in c.reads}):
            graph.add_edge(f"outcome:{name}", node_id(clause), kind="reads")
    return graph
