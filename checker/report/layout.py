"""Where the clash graph's nodes and edges go in the SVG: a fixed geometry, no
randomness, so the page is the same on every run and a reader finds a clause
where the text has it.

Each document is a column of its clauses in policy order, labels beside them.
A clash is a hub (a small diamond) in a lane beside the column, with a curve to each
of its clauses; lanes are handed out so that hubs whose clauses span overlapping
rows never share one, the shortest clashes nearest the clauses. Overrides are arcs
between the clauses on the same side, bulging further the longer they reach (an
arc diagram). With two or more documents the first column is mirrored so that
clashes between the first two documents sit in the band between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

ROW = 24          # vertical distance between clauses
TOP = 56          # room for the column headers
MARGIN = 16
NODE_R = 6        # radius of a clause node
HUB_R = 7         # half-diagonal of a clash hub
LANE = 26         # width of one lane of hubs
LABEL_W = 340     # room for a clause's label
LABEL_GAP = 8
COLUMN_GAP = 48
MAX_BULGE = 60    # the widest an override arc bulges
LABEL_CHARS = 44  # characters of a heading shown beside its clause (the rest in the hover title)


@dataclass(frozen=True)
class Column:
    document: str
    node_x: float
    label_x: float
    facing: int  # -1: edges arrive from the left, labels on the right; +1 the mirror image
    top: float
    rows: int

    @property
    def anchor(self) -> str:
        return "start" if self.facing < 0 else "end"


@dataclass
class Layout:
    width: float = 0
    height: float = 0
    columns: list[Column] = field(default_factory=list)
    points: dict[str, tuple[float, float]] = field(default_factory=dict)   # node -> centre
    paths: dict[tuple[str, str], str] = field(default_factory=dict)        # edge -> SVG path data


def _bulge(span: float) -> float:
    return min(MAX_BULGE, 12 + 0.22 * span)


def _assign_lanes(intervals: list[tuple[str, float, float]]) -> dict[str, int]:
    """Lane per hub, shortest spans first, each in the nearest lane it does not
    overlap (with half a row to spare)."""
    lanes: list[list[tuple[float, float]]] = []
    out = {}
    for hub, low, high in sorted(intervals, key=lambda t: (t[2] - t[1], t[1], t[0])):
        for k, taken in enumerate(lanes):
            if all(high + ROW / 2 < a or b + ROW / 2 < low for a, b in taken):
                taken.append((low, high))
                out[hub] = k
                break
        else:
            lanes.append([(low, high)])
            out[hub] = len(lanes) - 1
    return out


def layout(graph: nx.DiGraph, documents: tuple[str, ...]) -> Layout:
    clauses = {d: [n for n, a in graph.nodes(data=True) if a.get("kind") == "clause" and a["document"] == d]
               for d in documents}
    row = {n: i for d in documents for i, n in enumerate(clauses[d])}
    doc_of = {n: graph.nodes[n]["document"] for d in documents for n in clauses[d]}
    y = {n: TOP + i * ROW for n, i in row.items()}
    hubs = [n for n, a in graph.nodes(data=True) if a.get("kind") in ("clash", "rank")]

    # which lane area each hub goes to: its document's, or the band between the first two
    area: dict[str, str] = {}
    for hub in hubs:
        docs = sorted({doc_of[m] for m in graph.successors(hub)}, key=documents.index)
        area[hub] = docs[0] if len(docs) == 1 else "\x00between"
    lanes: dict[str, dict[str, int]] = {}
    for name in [*documents, "\x00between"]:
        members = [(h, min(y[m] for m in graph.successors(h)), max(y[m] for m in graph.successors(h)))
                   for h in hubs if area[h] == name]
        lanes[name] = _assign_lanes(members)
    width_of = {name: (max(v.values()) + 1) * LANE if v else 0 for name, v in lanes.items()}

    overrides = {d: [(u, v) for u, v, a in graph.edges(data=True) if a["kind"] == "exception" and doc_of[u] == d]
                 for d in documents}
    reach = {d: max((_bulge(abs(y[u] - y[v])) for u, v in overrides[d]), default=0) for d in documents}

    out = Layout()
    hub_x: dict[str, float] = {}
    x = MARGIN
    for i, d in enumerate(documents):
        mirrored = i == 0 and len(documents) > 1
        side = reach[d] + (10 if reach[d] else 4)
        if mirrored:
            label_x = x + LABEL_W
            node_x = label_x + LABEL_GAP + NODE_R
            lane_start = node_x + NODE_R + side
            for hub, k in lanes[d].items():
                hub_x[hub] = lane_start + (k + 0.5) * LANE
            x = lane_start + width_of[d]
            for hub, k in lanes["\x00between"].items():
                hub_x[hub] = x + (k + 0.5) * LANE
            x += width_of["\x00between"] + 2 * HUB_R
            out.columns.append(Column(d, node_x, label_x, +1, TOP, len(clauses[d])))
        else:
            if i > 0 and not (i == 1 and len(documents) > 1):
                x += COLUMN_GAP
            lane_end = x + width_of[d]
            for hub, k in lanes[d].items():
                hub_x[hub] = lane_end - (k + 0.5) * LANE
            node_x = lane_end + side + NODE_R
            label_x = node_x + NODE_R + LABEL_GAP
            out.columns.append(Column(d, node_x, label_x, -1, TOP, len(clauses[d])))
            x = label_x + LABEL_W
    out.width = x + MARGIN
    out.height = TOP + max((len(c) for c in clauses.values()), default=0) * ROW + MARGIN

    column = {c.document: c for c in out.columns}
    for n in row:
        out.points[n] = (column[doc_of[n]].node_x, y[n])
    for hub in hubs:
        ys = [y[m] for m in graph.successors(hub)]
        out.points[hub] = (hub_x[hub], (min(ys) + max(ys)) / 2)

    for u, v, a in graph.edges(data=True):
        if a["kind"] == "exception":
            col = column[doc_of[u]]
            ax = col.node_x + col.facing * NODE_R
            control = ax + col.facing * _bulge(abs(y[u] - y[v])) / 0.75
            out.paths[(u, v)] = f"M{ax:g},{y[u]:g} C{control:g},{y[u]:g} {control:g},{y[v]:g} {ax:g},{y[v]:g}"
        else:
            hx, hy = out.points[u]
            col = column[doc_of[v]]
            ex, ey = col.node_x + col.facing * NODE_R, y[v]
            bend = (ex - hx) / 2
            out.paths[(u, v)] = f"M{hx:g},{hy:g} C{hx + bend:g},{hy:g} {ex - bend:g},{ey:g} {ex:g},{ey:g}"
    return out
