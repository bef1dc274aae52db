"""Graphviz DOT for the report's graphs.

networkx writes DOT only through pydot or pygraphviz; the graphs here are small and
flat, so a few lines of writing spare the project that dependency. The output keeps
the graph's data attributes and adds the drawing ones (shape, style, colour), in
the graph's own node and edge order.
"""

from __future__ import annotations

import networkx as nx

# Okabe-Ito colours, safe for the common colour-vision deficiencies; every kind also
# differs in shape or dash, so colour is never the only cue.
CLASH, RANK, EXCEPTION, READS, DEAD, REDUNDANT, DUPLICATE = (
    "#D55E00", "#CC79A7", "#0072B2", "#009E73", "#000000", "#E69F00", "#56B4E9")

_DATA_NAMES = {"id": "clause"}  # `id` means the SVG id to Graphviz


def quote(value: object) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _attributes(data: dict) -> str:
    parts = [f"{_DATA_NAMES.get(k, k)}={quote(v)}" for k, v in data.items()]
    return f" [{', '.join(parts)}]" if parts else ""


def _node_look(data: dict) -> dict:
    kind = data.get("kind")
    if kind == "clause":
        shape = "box" if data.get("dead") else "triangle" if data.get("redundant") else \
            "diamond" if data.get("duplicate") else "ellipse"
        style = "filled" if data.get("clash") else "solid"
        marks = [m for m in ("dead", "redundant", "duplicate") if data.get(m)]
        label = data["id"] + (f"\\n({', '.join(marks)})" if marks else "")
        return {"label": label, "shape": shape, "style": style, "fillcolor": "#FBE3D6", "tooltip": data["quote"]}
    if kind in ("clash", "rank"):
        return {"label": data["finding"], "shape": "diamond", "style": "filled",
                "fillcolor": CLASH if kind == "clash" else RANK, "fontcolor": "white", "tooltip": data["message"]}
    if kind == "outcome":
        return {"label": data["name"].replace("_", " "), "shape": "note"}
    return {}


def _edge_look(data: dict) -> dict:
    kind = data.get("kind")
    if kind == "clash":
        return {"color": CLASH, "penwidth": 2, "arrowhead": "none"}
    if kind == "rank":
        return {"color": RANK, "style": "dashed", "penwidth": 2, "arrowhead": "none"}
    if kind == "exception":
        return {"color": EXCEPTION, "style": "dashed",
                "label": "condition of" if data.get("condition") else "exception to"}
    if kind == "reads":
        return {"color": READS, "style": "dotted"}
    if kind == "constrains" and data.get("discretion"):
        return {"style": "dashed", "label": "discretion"}
    return {}


def to_dot(graph: nx.DiGraph, name: str) -> str:
    lines = [f"digraph {quote(name)} {{", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for node, data in graph.nodes(data=True):
        lines.append(f"  {quote(node)}{_attributes({**_node_look(data), **data})};")
    for u, v, data in graph.edges(data=True):
        lines.append(f"  {quote(u)} -> {quote(v)}{_attributes({**_edge_look(data), **data})};")
    lines.append("}")
    return "\n".join(lines) + "\n"
