"""Write the report folder: every file rendered in memory first, then written to a
new folder beside the target that is swapped in with one rename (`files.write_folder`),
so that a failure or an interruption leaves the previous report whole, never a mix.

The folder given is replaced only when it is new, empty, or an earlier report (its
`report.json` is one, and it holds nothing but the files a report writes): the
checker never deletes or overwrites a file it did not write.

The output is byte-identical for the same input: no timestamps, fixed orders,
sorted keys, paths relative to the repository root.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx

from ..errors import InputError
from ..files import write_folder
from ..findings import Analysis
from ..inputs.paths import read_bytes
from ..policy import Policy
from ..render import check_json
from ..vocabulary import Vocabulary
from . import html, markdown, sarif
from .dot import to_dot
from .graphs import clash_graph, dependency_graph
from .model import build

GRAPH_SUFFIXES = (".clash.graphml", ".clash.dot", ".dependencies.graphml", ".dependencies.dot")
REPORT_FILES = ("index.html", "report.json", "report.md", "report.sarif")  # and a set of graphs per analysis
MARKER = "report.json"
MARKER_LIMIT = 256 << 20  # bytes of report.json read to recognise an earlier report


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
    """Write the report as the folder `out_dir`: created if need be, or an empty folder,
    or an earlier report's folder, which is replaced whole (graphs of analyses that are
    gone go with it); any other folder is refused (InputError) untouched. `root` is the
    repository root that paths in the report are relative to (default: the current
    folder). Returns the files written."""
    files = render_files(analyses, vocabulary, policy_by_name, Path(root) if root is not None else Path.cwd())
    return write_folder(out_dir, files, earlier_report, what="report folder")


def earlier_report(folder: Path) -> str | None:
    """None when `folder` is a report this checker wrote (and may be replaced whole);
    otherwise why it may not be."""
    entries = sorted(folder.iterdir())
    foreign = [p.name + ("/" if p.is_dir() else "") for p in entries
               if p.is_symlink() or not p.is_file() or not (p.name in REPORT_FILES or p.name.endswith(GRAPH_SUFFIXES))]
    if not foreign and _is_report_json(folder / MARKER):
        return None
    listed = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    why = f"it holds files a report does not ({listed})" if foreign else f"it has no {MARKER} of an earlier report"
    return (f"refused to write the report into this folder: {why}, and the report replaces the folder whole; "
            f"give a new or empty folder, or the folder of an earlier report")


def _is_report_json(path: Path) -> bool:
    try:
        data = json.loads(read_bytes(path, limit=MARKER_LIMIT, inside=path.parent))
    except (InputError, ValueError):
        return False
    return isinstance(data, dict) and {"findings", "summary"} <= set(data)
