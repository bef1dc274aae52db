"""Write the report folder: every file rendered in memory first, then written to a
temporary folder beside the target and moved into place, so that a failure leaves
the previous report whole rather than half-replaced.

The output is byte-identical for the same input: no timestamps, fixed orders,
sorted keys, paths relative to the repository root.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import networkx as nx

from ..findings import Analysis
from ..policy import Policy
from ..render import check_json
from ..vocabulary import Vocabulary
from . import html, markdown, sarif
from .dot import to_dot
from .graphs import clash_graph, dependency_graph
from .model import build

# Graph files a previous report may have left for an analysis that is gone.
GRAPH_SUFFIXES = (".clash.graphml", ".clash.dot", ".dependencies.graphml", ".dependencies.dot")


def _graphml(graph: nx.DiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml_xml(graph, buffer, encoding="utf-8", prettyprint=True)  # not the lxml writer: its bytes differ
    return buffer.getvalue()


def render_files(analyses: list[Analysis], vocabulary: Vocabulary, policy_by_name: dict[str, Policy],
                 root: Path) -> dict[str, bytes]:
    """Every file of the report, by name."""
    report = build(analyses, vocabulary, policy_by_name, root)
    clash = {a.name: clash_graph(policy_by_name[a.name], report.of(a.name), report.path) for a in report.analyses}
    dependencies = {a.name: dependency_graph(policy_by_name[a.name], report.path) for a in report.analyses}
    files = {
        "index.html": html.render(report, clash, dependencies).encode(),
        "report.json": check_json.render(report.analyses, vocabulary).encode(),
        "report.md": markdown.render(report).encode(),
        "report.sarif": sarif.render(report).encode(),
    }
    for a in report.analyses:
        files[f"{a.name}.clash.graphml"] = _graphml(clash[a.name])
        files[f"{a.name}.clash.dot"] = to_dot(clash[a.name], f"{a.name} clashes").encode()
        files[f"{a.name}.dependencies.graphml"] = _graphml(dependencies[a.name])
        files[f"{a.name}.dependencies.dot"] = to_dot(dependencies[a.name], f"{a.name} dependencies").encode()
    return files


def write_report(analyses: list[Analysis], vocabulary: Vocabulary, policy_by_name: dict[str, Policy],
                 out_dir: Path | str, *, root: Path | str | None = None) -> list[Path]:
    """Write the report into `out_dir` (created if need be); `root` is the repository
    root that paths in the report are relative to (default: the current folder).
    Returns the files written."""
    out = Path(out_dir)
    files = render_files(analyses, vocabulary, policy_by_name, Path(root) if root is not None else Path.cwd())
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        for name in files:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for stale in sorted(out.iterdir()):
        if stale.name.endswith(GRAPH_SUFFIXES) and stale.name not in files:
            stale.unlink()
    return [out / name for name in files]
