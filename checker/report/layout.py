"""Where the clash graph's nodes and edges go in the SVG: a fixed geometry, no
randomness, so the page is the same on every run and a reader finds a clause
where the text has it.

Each document is a column of its clauses in policy order, labels beside them.
A clash is a hub (a small diamond) beside the column, with a curve to each of its
clauses, placed further out the more rows the clash spans (an arc diagram: nested
clashes do not cross), and nudged outwards when another hub is near. Overrides are arcs
between the clauses on the same side, bulging further the longer they reach (an
arc diagram). With two or more documents the first column is mirrored, and the
clashes between documents stand in one column in the band between the first two
(a bipartite drawing).
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
SPREAD = 0.3      # how much further out a hub sits per pixel of rows its clash spans
HUB_LABEL_W = 26  # room for a hub's label on its outer side
BAND_W = 220     # the band between two documents, where the clashes between them go
BAND_STEP = 16    # the least vertical distance between two hubs in that band
HUB_GAP = 36      # the least horizontal distance between two hubs at about the same height (room for a label)
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
    label_side: dict[str, int] = field(default_factory=dict)               # hub -> -1 left, +1 right, 0 above


def _bulge(span: float) -> float:
    return min(MAX_BULGE, 12 + 0.22 * span)


def _spread(intervals: list[tuple[str, float, float]]) -> dict[str, float]:
    """Distance of each hub from its column: the longer the clash, the further out
    (as in an arc diagram, so nested clashes do not cross), nudged outwards until no
    other hub is near."""
    placed: list[tuple[float, float]] = []
    out = {}
    for hub, low, high in sorted(intervals, key=lambda t: (t[2] - t[1], t[1], t[0])):
        middle = (low + high) / 2
        distance = LANE / 2 + SPREAD * (high - low)
        while any(abs(distance - d) < HUB_GAP and abs(middle - m) < ROW for d, m in placed):
            distance += LANE / 2
        placed.append((distance, middle))
        out[hub] = distance
    return out


def _stack(intervals: list[tuple[str, float, float]]) -> dict[str, float]:
    """Heights of the hubs in the band between two documents: one column, each hub at
    the middle of its clauses, pushed down until it clears the one above."""
    out: dict[str, float] = {}
    last = -BAND_STEP
    for hub, low, high in sorted(intervals, key=lambda t: ((t[1] + t[2]) / 2, t[0])):
        last = max((low + high) / 2, last + BAND_STEP)
        out[hub] = last
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

    def spans(name: str) -> list[tuple[str, float, float]]:
        return [(h, min(y[m] for m in graph.successors(h)), max(y[m] for m in graph.successors(h)))
                for h in hubs if area[h] == name]

    offsets = {d: _spread(spans(d)) for d in documents}
    width_of = {d: max(v.values()) + LANE / 2 + HUB_LABEL_W if v else 0 for d, v in offsets.items()}
    band = _stack(spans("\x00between"))

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
            for hub, offset in offsets[d].items():
                hub_x[hub], out.label_side[hub] = lane_start + offset, +1
            x = lane_start + width_of[d]
            for hub in band:
                hub_x[hub], out.label_side[hub] = x + BAND_W / 2, 0
            x += BAND_W if band else 2 * HUB_R
            out.columns.append(Column(d, node_x, label_x, +1, TOP, len(clauses[d])))
        else:
            if i > 0 and not (i == 1 and len(documents) > 1):
                x += COLUMN_GAP
            lane_end = x + width_of[d]
            for hub, offset in offsets[d].items():
                hub_x[hub], out.label_side[hub] = lane_end - offset, -1
            node_x = lane_end + side + NODE_R
            label_x = node_x + NODE_R + LABEL_GAP
            out.columns.append(Column(d, node_x, label_x, -1, TOP, len(clauses[d])))
            x = label_x + LABEL_W
    out.width = x + MARGIN
    out.height = max(TOP + max((len(c) for c in clauses.values()), default=0) * ROW,
                     max(band.values(), default=0) + ROW) + MARGIN

    column = {c.document: c for c in out.columns}
    for n in row:
        out.points[n] = (column[doc_of[n]].node_x, y[n])
    for hub in hubs:
        ys = [y[m] for m in graph.successors(hub)]
        out.points[hub] = (hub_x[hub], band.get(hub, (min(ys) + max(ys)) / 2))

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
            if out.label_side[u]:  # leaves the hub upright and meets the clause level: half of an arc
                out.paths[(u, v)] = (f"M{hx:g},{hy:g} C{hx:g},{hy + (ey - hy) * 0.8:g} "
                                     f"{ex - (ex - hx) * 0.6:g},{ey:g} {ex:g},{ey:g}")
            else:  # across the band between two documents: an S from the hub to the clause
                bend = (ex - hx) / 2
                out.paths[(u, v)] = f"M{hx:g},{hy:g} C{hx + bend:g},{hy:g} {ex - bend:g},{ey:g} {ex:g},{ey:g}"
    return out
