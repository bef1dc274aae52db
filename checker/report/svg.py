"""The clash graph of one analysis as inline SVG, drawn from `layout`.

Every node and edge is a link (to its clause or finding further down the page),
so the graph works with JavaScript off; it carries a <title> for hover and data
attributes that the page's script (and a browser test) use to find it. Kinds
differ in shape and dash as well as colour (Okabe-Ito palette).
"""

from __future__ import annotations

from html import escape

import networkx as nx

from .dot import CLASH, DEAD, DUPLICATE, EXCEPTION, RANK, REDUNDANT
from .layout import HUB_R, LABEL_CHARS, NODE_R, Layout


def anchor(*parts: str) -> str:
    """An HTML id from names that may hold any character."""
    return "-".join("".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in p) for p in parts)


def clause_anchor(analysis: str, node: str) -> str:
    return anchor("c", analysis, node.replace(":", "-"))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _marks(data: dict) -> list[str]:
    return [m for m in ("dead", "redundant", "duplicate") if data.get(m)]


def _clause_shape(x: float, y: float, data: dict) -> str:
    r = NODE_R
    fill = "#F6C6A8" if data.get("clash") else "#FFFFFF"
    if data.get("dead"):
        return (f'<rect class="shape dead" x="{x - r:g}" y="{y - r:g}" width="{2 * r}" height="{2 * r}" '
                f'fill="#D9D9D9" stroke="{DEAD}" stroke-width="1.5"/>'
                f'<path d="M{x - r:g},{y - r:g}L{x + r:g},{y + r:g}M{x + r:g},{y - r:g}L{x - r:g},{y + r:g}" '
                f'stroke="{DEAD}" stroke-width="1.5"/>')
    if data.get("redundant"):
        return (f'<path class="shape redundant" d="M{x:g},{y - r - 1:g}L{x + r + 1:g},{y + r:g}L{x - r - 1:g},{y + r:g}Z" '
                f'fill="{REDUNDANT}" stroke="#000000" stroke-width="1.2"/>')
    ring = (f'<circle cx="{x:g}" cy="{y:g}" r="{r + 3}" fill="none" stroke="{DUPLICATE}" stroke-width="2"/>'
            if data.get("duplicate") else "")
    return f'{ring}<circle class="shape" cx="{x:g}" cy="{y:g}" r="{r}" fill="{fill}" stroke="#333333" stroke-width="1.5"/>'


def _node(analysis: str, node: str, data: dict, point: tuple[float, float], label_x: float, anchor_side: str,
          findings: list[str]) -> str:
    x, y = point
    marks = _marks(data)
    title = f"{data['document']} {data['id']} \u2014 {data['heading']}" + (f" [{', '.join(marks)}]" if marks else "")
    title += f"\n\u201c{data['quote']}\u201d"
    heading = _shorten(data["heading"], max(8, LABEL_CHARS - len(data["id"]) - sum(len(m) + 3 for m in marks)))
    badge = "".join(f'<tspan class="mark mark-{m}"> \u00b7 {m}</tspan>' for m in marks)
    label = (f'<text x="{label_x:g}" y="{y + 4:g}" text-anchor="{anchor_side}">'
             f'<tspan class="cid">{escape(data["id"])}</tspan> {escape(heading)}{badge}</text>')
    classes = " ".join(["node", "clause", *marks, *(["in-clash"] if data.get("clash") else [])])
    target = clause_anchor(analysis, node)
    return (f'<g class="{classes}" id="{escape(anchor("n", analysis, node))}" data-clause="{escape(node)}" '
            f'data-target="{escape(target)}" data-findings="{escape(" ".join(findings))}">'
            f'<a href="#{escape(target)}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'{_clause_shape(x, y, data)}{label}</a></g>')


def _hub(fid: str, data: dict, graph: nx.DiGraph, hub: str, layout: Layout) -> str:
    x, y = layout.points[hub]
    kind = data["kind"]
    colour = CLASH if kind == "clash" else RANK
    members = list(graph.successors(hub))
    spokes = "".join(
        f'<path class="hit" d="{layout.paths[(hub, m)]}"/>'
        f'<path class="spoke" d="{layout.paths[(hub, m)]}" stroke="{colour}"'
        + (' stroke-dasharray="8 3 2 3"' if kind == "rank" else "") + "/>"
        for m in members)
    diamond = f"M{x:g},{y - HUB_R:g}L{x + HUB_R:g},{y:g}L{x:g},{y + HUB_R:g}L{x - HUB_R:g},{y:g}Z"
    title = f"{fid} \u00b7 {data['rule']}: {data['message']}"
    side = layout.label_side[hub]  # on the outer side, away from the hub's own curves
    label_x, label_y = x + (side or 1) * (HUB_R + 3), y + 4
    label_anchor = "end" if side < 0 else "start"
    return (f'<g class="edge {kind}" id="{escape(anchor("e", fid))}" data-finding="{escape(fid)}" '
            f'data-clauses="{escape(" ".join(members))}">'
            f'<a href="#{escape(fid)}" aria-label="{escape(title)}"><title>{escape(title)}</title>{spokes}'
            f'<path class="hub" d="{diamond}" fill="{colour}" stroke="#000000" stroke-width="1"/>'
            f'<text class="hub-label" x="{label_x:g}" y="{label_y:g}" text-anchor="{label_anchor}">{escape(fid)}</text>'
            f'</a></g>')


def _override(analysis: str, u: str, v: str, data: dict, graph: nx.DiGraph, layout: Layout) -> str:
    fids = data["finding"]
    a, b = graph.nodes[u], graph.nodes[v]
    link = "is a condition of eligibility for" if data.get("condition") else "is an exception to"
    title = f"{a['id']} {link} {b['id']}" + (f" ({fids})" if fids else "")
    href = fids.split()[0] if fids else clause_anchor(analysis, u)
    return (f'<g class="edge override" data-finding="{escape(fids)}" data-clauses="{escape(u)} {escape(v)}">'
            f'<a href="#{escape(href)}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<path class="hit" d="{layout.paths[(u, v)]}"/>'
            f'<path class="arc" d="{layout.paths[(u, v)]}" stroke="{EXCEPTION}" stroke-dasharray="5 4" '
            f'marker-end="url(#{escape(anchor("arrow", analysis))})"/></a></g>')


def render(analysis: str, graph: nx.DiGraph, layout: Layout, titles: dict[str, str],
           findings_of: dict[str, list[str]]) -> str:
    """`titles`: document -> its title; `findings_of`: clause node -> ids of its findings."""
    w, h = layout.width, layout.height
    out = [f'<svg class="clash-graph" width="{w:g}" height="{h:g}" '
           f'viewBox="0 0 {w:g} {h:g}" role="group" aria-label="{escape(f"Clash graph of {analysis}")}">',
           f'<defs><marker id="{escape(anchor("arrow", analysis))}" viewBox="0 0 10 10" refX="9" refY="5" '
           f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
           f'<path d="M0,0L10,5L0,10Z" fill="{EXCEPTION}"/></marker></defs>']
    for col in layout.columns:
        head_x = col.label_x
        out.append(f'<text class="column-head" x="{head_x:g}" y="{col.top - 30:g}" text-anchor="{col.anchor}">'
                   f'{escape(col.document)}</text>')
        out.append(f'<text class="column-title" x="{head_x:g}" y="{col.top - 16:g}" text-anchor="{col.anchor}">'
                   f'{escape(_shorten(titles.get(col.document, ""), 60))}</text>')
    for u, v, data in graph.edges(data=True):
        if data["kind"] == "exception":
            out.append(_override(analysis, u, v, data, graph, layout))
    for node, data in graph.nodes(data=True):
        if data["kind"] in ("clash", "rank"):
            out.append(_hub(data["finding"], data, graph, node, layout))
    column = {c.document: c for c in layout.columns}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "clause":
            col = column[data["document"]]
            out.append(_node(analysis, node, data, layout.points[node], col.label_x, col.anchor,
                             findings_of.get(node, [])))
    out.append("</svg>")
    return "\n".join(out)
