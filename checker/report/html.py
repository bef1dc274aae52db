"""`index.html`: the report a reviewer opens from a CI artifact.

One self-contained page: no network, no external fonts or scripts, readable with
JavaScript off (the graph's nodes and edges are links to the clause or finding
below; hovering shows their titles). A small inline script adds a details panel:
clicking a clause or a clash shows its quotes side by side and the witness in
plain English. Every text from the encodings is escaped.

Links to the encodings are relative to the report folder, which is taken to sit
directly in the repository root (as `reports/` does): `../encodings/...#L12`.
"""

from __future__ import annotations

import json
from html import escape

import networkx as nx

from .. import ir
from ..rules import ANALYSIS_KINDS
from .layout import layout
from .model import SEVERITY_WORDS, Entry, Report, clause_flags, node_id
from .svg import anchor, clause_anchor, render as render_svg

LINK_PREFIX = "../"
SEPARATOR = " \u00b7 "
KIND_COLUMNS = ANALYSIS_KINDS

STYLE = """
:root { --ink: #1a1a1a; --muted: #555; --line: #c8c8c8; --paper: #ffffff; --tint: #f4f4f4;
  --error: #B42318; --warning: #8A5A00; --info: #0B5A8C; --clash: #D55E00; --exception: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--paper); }
header.page { padding: 1rem 1.5rem .5rem; border-bottom: 1px solid var(--line); }
header.page h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
header.page p { margin: 0; color: var(--muted); }
.layout { padding: 0 1.5rem 2rem; }
body.js .layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(26rem, 38vw); gap: 1.5rem; }
main { min-width: 0; }
h2 { margin: 1.5rem 0 .5rem; font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { margin: 1.25rem 0 .5rem; font-size: 1.1rem; }
h4 { margin: .75rem 0 .25rem; font-size: .95rem; }
table { border-collapse: collapse; font-size: .9rem; }
.scroll { overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: var(--tint); }
a { color: #0B4F8A; }
code { font-size: .9em; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.25rem; margin: .5rem 0 1rem; padding: 0; list-style: none;
  font-size: .9rem; }
.legend li { display: flex; align-items: center; gap: .4rem; }
.graphs { display: flex; flex-wrap: wrap; gap: 1.5rem 2.5rem; align-items: flex-start; }
figure.graph { margin: 0; max-width: 100%; overflow-x: auto; }
figure.graph figcaption { font-weight: 600; margin-bottom: .25rem; }
svg.clash-graph { display: block; font-size: 12px; }
svg.clash-graph text { fill: var(--ink); }
svg.clash-graph .column-head { font-size: 14px; font-weight: 700; }
svg.clash-graph .column-title { font-size: 11px; fill: var(--muted); }
svg.clash-graph .cid { font-weight: 700; }
svg.clash-graph .mark { font-style: italic; font-weight: 700; }
svg.clash-graph .mark-dead { fill: #000; }
svg.clash-graph .mark-redundant { fill: #7A4F00; }
svg.clash-graph .mark-duplicate { fill: #005A8C; }
svg.clash-graph g.dead text { fill: #666; }
svg.clash-graph .spoke, svg.clash-graph .arc { fill: none; stroke-width: 2; }
svg.clash-graph .hit { fill: none; stroke: transparent; stroke-width: 10; }
svg.clash-graph .hub-label { font-size: 10px; font-weight: 700; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.clash-graph g.edge, svg.clash-graph g.node { cursor: pointer; }
svg.clash-graph g.edge:hover .spoke, svg.clash-graph g.edge:focus-within .spoke,
svg.clash-graph g.edge.selected .spoke, svg.clash-graph g.edge.related .spoke,
svg.clash-graph g.edge:hover .arc, svg.clash-graph g.edge.selected .arc, svg.clash-graph g.edge.related .arc
  { stroke-width: 4; }
svg.clash-graph g.edge.selected .hub, svg.clash-graph g.node.selected .shape { stroke-width: 3; }
svg.clash-graph g.node:hover text, svg.clash-graph g.node.selected text, svg.clash-graph g.node.related text
  { text-decoration: underline; }
svg.clash-graph a:focus { outline: none; }
svg.clash-graph a:focus-visible .shape, svg.clash-graph a:focus-visible .hub { stroke: #000; stroke-width: 3; }
article.finding, article.clause { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px;
  padding: .5rem .9rem .6rem; margin: .75rem 0; background: var(--paper); }
article.sev-error { border-left-color: var(--error); }
article.sev-warning { border-left-color: #E69F00; }
article.sev-info { border-left-color: var(--info); }
article:target { outline: 3px solid #0072B2; }
.finding header { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; font-size: .9rem; }
.badge { font-weight: 700; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; padding: .05rem .4rem;
  border-radius: 3px; border: 1px solid currentColor; }
.badge.sev-error { color: var(--error); }
.badge.sev-warning { color: var(--warning); }
.badge.sev-info { color: var(--info); }
.message { margin: .35rem 0; font-weight: 600; }
.quotes { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem; margin: .4rem 0; }
.quote { margin: 0; border: 1px solid var(--line); border-radius: 4px; background: var(--tint); padding: .4rem .6rem;
  font-size: .9rem; }
.quote figcaption { font-size: .8rem; color: var(--muted); margin-bottom: .25rem; }
.quote figcaption strong { color: var(--ink); }
.quote blockquote { margin: 0; overflow-wrap: anywhere; }
.quote blockquote p { margin: 0 0 .35rem; }
.quote blockquote p:last-child { margin-bottom: 0; }
.region ul { margin: .2rem 0; padding-left: 1.2rem; }
.narrative { margin: .2rem 0; overflow-wrap: anywhere; }
pre { background: var(--tint); padding: .5rem; overflow-x: auto; font-size: .8rem; }
.flags { font-style: italic; font-weight: 700; }
aside#details { position: sticky; top: 1rem; align-self: start; max-height: calc(100vh - 2rem); overflow: auto;
  border: 2px solid var(--exception); border-radius: 6px; padding: .5rem .9rem; margin-top: 1.5rem; background: #fff; }
aside#details h2 { margin-top: .25rem; display: flex; justify-content: space-between; align-items: center; }
aside#details button { font: inherit; font-size: .85rem; }
aside#details .hint { color: var(--muted); }
details.index > summary { cursor: pointer; font-weight: 600; margin: .5rem 0; }
"""

SCRIPT = """
(function () {
  var panel = document.getElementById('details');
  var body = panel.querySelector('.details-body');
  var hint = body.innerHTML;
  document.body.classList.add('js');
  panel.hidden = false;
  function clean(el) {
    var copy = el.cloneNode(true);
    copy.removeAttribute('id');
    copy.querySelectorAll('[id]').forEach(function (x) { x.removeAttribute('id'); });
    return copy;
  }
  function mark(g) {
    document.querySelectorAll('svg .selected, svg .related').forEach(function (x) {
      x.classList.remove('selected'); x.classList.remove('related');
    });
    g.classList.add('selected');
    var svg = g.ownerSVGElement;
    var clauses = (g.dataset.clauses || g.dataset.clause || '').split(' ');
    svg.querySelectorAll('g.node').forEach(function (n) {
      if (clauses.indexOf(n.dataset.clause) >= 0 && n !== g) n.classList.add('related');
    });
    if (g.classList.contains('node')) {
      svg.querySelectorAll('g.edge').forEach(function (e) {
        if ((e.dataset.clauses || '').split(' ').indexOf(g.dataset.clause) >= 0) e.classList.add('related');
      });
    }
  }
  function show(g) {
    var target = null;
    if (g.classList.contains('node')) {
      target = document.getElementById(g.dataset.target);
    } else {
      var fid = (g.dataset.finding || '').split(' ')[0];
      target = fid ? document.getElementById(fid) : null;
    }
    if (!target) return;
    body.replaceChildren(clean(target));
    panel.scrollTop = 0;
    mark(g);
  }
  document.addEventListener('click', function (event) {
    var g = event.target.closest('svg g.node, svg g.edge');
    if (!g) return;
    event.preventDefault();
    show(g);
  });
  panel.querySelector('button').addEventListener('click', function () {
    body.innerHTML = hint;
    document.querySelectorAll('svg .selected, svg .related').forEach(function (x) {
      x.classList.remove('selected'); x.classList.remove('related');
    });
  });
})();
"""


def _link(path: str, line: int, text: str) -> str:
    href = f"{LINK_PREFIX}{path}" + (f"#L{line}" if line else "")
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _quote_card(report: Report, clause: ir.Clause) -> str:
    source = report.source_path(clause.document)
    refs = [_link(clause.location.file, clause.location.line, f"encoding line {clause.location.line}")]
    if source and clause.source_lines:
        lines = sorted(set(clause.source_lines))
        refs.append(_link(source, lines[0], "source.txt line" + ("s " if len(lines) > 1 else " ")
                          + ", ".join(str(n) for n in lines)))
    spans = "".join(f"<p>\u201c{escape(q)}\u201d</p>" for q in clause.quotes)
    return (f'<figure class="quote" data-clause="{escape(node_id(clause))}"><figcaption>'
            f'<strong>{escape(clause.document)} {escape(clause.id)}</strong> {escape(clause.heading)}<br>'
            f'{SEPARATOR.join(refs)}</figcaption><blockquote>{spans}</blockquote></figure>')


def _finding(report: Report, entry: Entry) -> str:
    f, data = entry.finding, entry.data
    parts = [f'<article class="finding sev-{f.severity} kind-{f.kind}" id="{entry.fid}" data-rule="{escape(f.rule)}" '
             f'data-fingerprint="{f.fingerprint}">',
             f'<header><a href="#{entry.fid}">{entry.fid}</a>'
             f'<span class="badge sev-{f.severity}">{escape(f.severity)}</span><code>{escape(f.rule)}</code>'
             f'<span>{escape(", ".join(f.documents))}</span></header>',
             f'<p class="message">{escape(f.message)}</p>']
    if f.clauses:
        parts.append('<div class="quotes">' + "".join(_quote_card(report, c) for c in f.clauses) + "</div>")
    if data["region"]:
        parts.append('<div class="region"><h4>Where it holds</h4><ul>'
                     + "".join(f"<li>{escape(w)}</li>" for w in data["region"]) + "</ul></div>")
    if data["narrative"]:
        case = json.dumps(data["witness"], indent=2, ensure_ascii=False, sort_keys=True)
        parts.append(f'<div class="witness"><h4>Witness</h4><p class="narrative">{escape(data["narrative"])}</p>'
                     f'<details><summary>The witness as a case (JSON)</summary><pre>{escape(case)}</pre></details></div>')
    parts.append("</article>")
    return "\n".join(parts)


def _summary(report: Report) -> str:
    head = ("<tr><th>analysis</th><th>documents</th><th class=n>clauses</th><th class=n>errors</th>"
            "<th class=n>warnings</th><th class=n>notes</th>"
            + "".join(f"<th class=n>{k}</th>" for k in KIND_COLUMNS) + "</tr>")
    rows = []
    for a in report.analyses:
        policy = report.policies[a.name]
        kinds = {k: sum(1 for f in a.findings if f.kind == k) for k in KIND_COLUMNS}
        rows.append(f'<tr><td><a href="#{escape(anchor("a", a.name))}">{escape(a.name)}</a></td>'
                    f'<td>{escape(", ".join(a.documents))}</td><td class=n>{len(policy.clauses)}</td>'
                    + "".join(f"<td class=n>{a.count(s)}</td>" for s in ("error", "warning", "info"))
                    + "".join(f"<td class=n>{kinds[k]}</td>" for k in KIND_COLUMNS) + "</tr>")
    props = []
    for a in report.analyses:
        for p in a.properties:
            ref = next((e.fid for e in report.of(a.name) if p.finding is not None and e.finding.fingerprint == p.finding.fingerprint), "")
            link = f' (<a href="#{ref}">{ref}</a>)' if ref else ""
            props.append(f"<li><strong>{escape(p.id)}</strong> ({escape(p.document)}): {escape(p.status)}{link} "
                         f"\u2014 {escape(p.statement)}</li>")
    out = f'<section id="summary"><h2>Summary</h2><div class="scroll"><table><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'
    if props:
        out += f"<h3>Properties</h3><ul>{''.join(props)}</ul>"
    return out + "</section>"


LEGEND = f"""<ul class="legend" aria-label="Legend">
<li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="#fff" stroke="#333" stroke-width="1.5"/></svg>clause</li>
<li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="#F6C6A8" stroke="#333" stroke-width="1.5"/></svg>clause in a clash (filled)</li>
<li><svg width="16" height="16" aria-hidden="true"><rect x="2" y="2" width="12" height="12" fill="#D9D9D9" stroke="#000" stroke-width="1.5"/><path d="M2,2L14,14M14,2L2,14" stroke="#000" stroke-width="1.5"/></svg>dead: never applies (crossed square)</li>
<li><svg width="16" height="16" aria-hidden="true"><path d="M8,1L15,14L1,14Z" fill="#E69F00" stroke="#000" stroke-width="1.2"/></svg>redundant: implied by others (triangle)</li>
<li><svg width="20" height="20" aria-hidden="true"><circle cx="10" cy="10" r="9" fill="none" stroke="#56B4E9" stroke-width="2"/><circle cx="10" cy="10" r="6" fill="#fff" stroke="#333" stroke-width="1.5"/></svg>duplicate (double ring)</li>
<li><svg width="44" height="16" aria-hidden="true"><path d="M2,8L40,8" stroke="#D55E00" stroke-width="2"/><path d="M8,1L15,8L8,15L1,8Z" fill="#D55E00" stroke="#000"/></svg>clash: a hub with a solid line to each clause that cannot hold with the others</li>
<li><svg width="44" height="16" aria-hidden="true"><path d="M2,8L40,8" stroke="#CC79A7" stroke-width="2" stroke-dasharray="8 3 2 3"/><path d="M8,1L15,8L8,15L1,8Z" fill="#CC79A7" stroke="#000"/></svg>clash between documents resolved by rank (dash-dot)</li>
<li><svg width="44" height="16" aria-hidden="true"><defs><marker id="legend-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10Z" fill="#0072B2"/></marker></defs><path d="M2,8L38,8" stroke="#0072B2" stroke-width="2" stroke-dasharray="5 4" marker-end="url(#legend-arrow)"/></svg>exception: dashed arrow to the clause it narrows</li>
</ul>"""


def _clause_index(report: Report, name: str) -> str:
    findings_of = _findings_of(report.of(name))
    items = []
    policy = report.policies[name]
    flags = clause_flags(report.of(name))
    for clause in policy.clauses:
        node = node_id(clause)
        marks = [m for m in ("dead", "redundant", "duplicate") if getattr(flags.get(node), m, False)]
        refs = ", ".join(f'<a href="#{fid}">{fid}</a>' for fid in findings_of.get(node, []))
        items.append(f'<article class="clause" id="{escape(clause_anchor(name, node))}">'
                     f'<div class="quotes">{_quote_card(report, clause)}</div>'
                     + (f'<p class="flags">{escape(", ".join(marks))}</p>' if marks else "")
                     + f'<p>Findings: {refs or "none"}</p></article>')
    return (f'<details class="index"><summary>The {len(policy.clauses)} clauses of {escape(name)}</summary>'
            + "\n".join(items) + "</details>")


def _dependencies(name: str, graph: nx.DiGraph) -> str:
    """The dependency graph as a table: who decides each outcome, and who reads it
    (the chains behind a clash)."""
    rows = []
    for node, data in graph.nodes(data=True):
        if data["kind"] != "outcome":
            continue
        set_by = [_clause_name(graph, u) + (" (discretion)" if graph.edges[u, node].get("discretion") else "")
                  for u in graph.predecessors(node)]
        read_by = [_clause_name(graph, v) for v in graph.successors(node)]
        rows.append(f"<tr><td>{escape(data['name'].replace('_', ' '))}</td><td>{escape(', '.join(set_by))}</td>"
                    f"<td>{escape(', '.join(read_by))}</td></tr>")
    return (f'<details class="index"><summary>Clause dependencies of {escape(name)}: clause \u2192 outcome '
            f'it decides \u2192 clause that reads it</summary><table><thead><tr><th>outcome</th>'
            f'<th>decided by</th><th>read by</th></tr></thead><tbody>{"".join(rows)}</tbody></table></details>')


def _clause_name(graph: nx.DiGraph, node: str) -> str:
    data = graph.nodes[node]
    documents = {d["document"] for _, d in graph.nodes(data=True) if d["kind"] == "clause"}
    return data["id"] if len(documents) == 1 else f"{data['document']} {data['id']}"


def _caption(analysis) -> str:
    counts = [(sum(1 for f in analysis.findings if f.rule == rule), word) for rule, word in (
        ("clash.within-document", "clash{} within a document"), ("clash.across-documents", "clash{} across documents"),
        ("clash.inferred-exception", "clash{} an inferred exception would resolve"),
        ("override.rank", "resolved by rank"), ("override.exception", "exception{}"),
        ("override.condition", "condition{} of eligibility"))]
    counts += [(sum(1 for f in analysis.findings if f.kind == kind), word) for kind, word in (
        ("dead", "dead"), ("redundant", "redundant"), ("duplicate", "duplicate{}"))]
    shown = ", ".join(f"{n} {word.format('' if n == 1 else ('es' if word.startswith('clash') else 's'))}"
                      for n, word in counts if n)
    return f"{analysis.name}: {shown or 'no clash'}"


def _findings_of(entries: list[Entry]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in entries:
        for c in e.finding.clauses:
            ids = out.setdefault(node_id(c), [])
            if e.fid not in ids:
                ids.append(e.fid)
    return out


def render(report: Report, clash_graphs: dict[str, nx.DiGraph], dependency_graphs: dict[str, nx.DiGraph]) -> str:
    summary = report.check["summary"]
    titles = {d.name: d.title for p in report.policies.values() for d in p.documents}
    figures = []
    for a in report.analyses:
        graph = clash_graphs[a.name]
        drawing = render_svg(a.name, graph, layout(graph, a.documents), titles, _findings_of(report.of(a.name)))
        figures.append(f'<figure class="graph" id="{escape(anchor("graph", a.name))}">'
                       f"<figcaption>{escape(_caption(a))}</figcaption>{drawing}</figure>")
    sections = []
    for a in report.analyses:
        entries = report.of(a.name)
        by_severity = {s: sum(1 for e in entries if e.finding.severity == s) for s in SEVERITY_WORDS}
        counts = ", ".join(f"{n} {SEVERITY_WORDS[s].lower()}" for s, n in by_severity.items())
        sections.append(f'<section class="analysis" id="{escape(anchor("a", a.name))}">'
                        f"<h3>{escape(a.name)} ({escape(', '.join(a.documents))}): {len(entries)} findings, {counts}</h3>"
                        + "\n".join(_finding(report, e) for e in entries)
                        + _clause_index(report, a.name)
                        + _dependencies(a.name, dependency_graphs[a.name]) + "</section>")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>clausecheck report</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<header class="page"><h1>clausecheck report</h1>'
        f"<p>{summary['findings']} findings: {summary['error']} errors, {summary['warning']} warnings, "
        f"{summary['info']} notes, over {len(report.analyses)} analyses "
        f"({escape(', '.join(a.name for a in report.analyses))}).</p></header>",
        '<div class="layout">',
        "<main>",
        _summary(report),
        '<section id="graphs"><h2>Clash graphs</h2>'
        "<p>Each column is a document, its clauses in the order of the text. Hover over a clause or a clash for "
        "its text; click it to see the details (or, without scripts, to jump to it below).</p>"
        + LEGEND + '<div class="graphs">' + "\n".join(figures) + "</div></section>",
        '<section id="findings"><h2>Findings</h2>' + "\n".join(sections) + "</section>",
        "</main>",
        '<aside id="details" hidden aria-live="polite"><h2>Details <button type="button">clear</button></h2>'
        '<div class="details-body"><p class="hint">Click a clause or a clash in a graph to see its quotes side by '
        "side and the witness case in plain English.</p></div></aside>",
        "</div>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ])
