"""`clausecheck report`: the same input gives byte-identical files, `reports/` is
current, SARIF is valid 2.1.0, GraphML reads back, the page needs no network, and
a failed write leaves the previous report whole."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import networkx as nx
import pytest

from checker.analyse import analyse
from checker.report import markdown, write_report
from checker.workspace import Workspace

from .conftest import ENCODINGS, ROOT

REPORTS = ROOT / "reports"
SCHEMA = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"
REGENERATE = "clausecheck report encodings --out reports"


def report(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", "report", "encodings", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("first") / "out", tmp_path_factory.mktemp("second") / "report"
    for out in (first, second):
        done = report(out)
        assert done.returncode == 1, done.stderr  # the seed policies have errors, as with `check`
    return first, second


def test_report_writes_every_file(generated) -> None:
    names = set(files(generated[0]))
    assert {"index.html", "report.json", "report.md", "report.sarif"} <= names
    for document in ("aptronix", "battery-cells", "marketplace", "xstron"):
        for suffix in ("clash.graphml", "clash.dot", "dependencies.graphml", "dependencies.dot"):
            assert f"{document}.{suffix}" in names


def test_report_is_deterministic(generated) -> None:
    first, second = files(generated[0]), files(generated[1])
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs"


def test_reports_folder_is_current(generated) -> None:
    fresh, stored = files(generated[0]), files(REPORTS) if REPORTS.is_dir() else {}
    stale = sorted(n for n in fresh.keys() | stored.keys() if fresh.get(n) != stored.get(n))
    assert not stale, f"reports/ is stale ({', '.join(stale)}): run `{REGENERATE}` and commit the result"


def test_report_holds_no_machine_paths(generated) -> None:
    for name, content in files(generated[0]).items():
        text = content.decode()
        for path in (str(ROOT), str(generated[0]), "/tmp/"):
            assert path not in text, f"{name} holds the path {path}"


def test_report_json_is_the_check_json(generated) -> None:
    done = subprocess.run([sys.executable, "-m", "checker", "check", "encodings", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True)
    assert (generated[0] / "report.json").read_text() == done.stdout


def test_sarif_validates_against_the_2_1_0_schema(generated) -> None:
    schema = json.loads(SCHEMA.read_text())
    log = json.loads((generated[0] / "report.sarif").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_has_one_result_per_finding_at_its_clause(generated) -> None:
    log = json.loads((generated[0] / "report.sarif").read_text())
    findings = json.loads((generated[0] / "report.json").read_text())["findings"]
    [run] = log["runs"]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "clausecheck"
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings):
        assert result["ruleId"] == finding["rule"] and rules[result["ruleIndex"]] == finding["rule"]
        assert result["partialFingerprints"]["clausecheck/v1"] == finding["fingerprint"]
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
        [location] = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert (ROOT / uri).is_file() and not uri.startswith(("/", ".."))
        if finding["clauses"]:
            first = finding["clauses"][0]
            assert (uri, location["physicalLocation"]["region"]["startLine"]) == (first["file"], first["line"])
            related = [r["physicalLocation"]["artifactLocation"]["uri"] for r in result.get("relatedLocations", [])]
            assert any(u.endswith("source.txt") for u in related)  # the quoted lines of the text


def test_sarif_source_locations_are_the_quoted_lines(generated) -> None:
    log = json.loads((generated[0] / "report.sarif").read_text())
    [first] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "clash.within-document"][:1]
    source = [r for r in first["relatedLocations"] if r["physicalLocation"]["artifactLocation"]["uri"].endswith("source.txt")]
    lines = (ROOT / "encodings" / "aptronix" / "source.txt").read_text().splitlines()
    quoted = {r["physicalLocation"]["region"]["startLine"] for r in source}
    assert any("48 hours from the exact time" in lines[n - 1] for n in quoted)  # 1.1's standard window


def dot_counts(text: str) -> tuple[int, int]:
    edges = len(re.findall(r'^  "(?:[^"\\]|\\.)*" -> ', text, re.M))
    nodes = len(re.findall(r'^  "(?:[^"\\]|\\.)*" \[', text, re.M))
    return nodes, edges


def test_graphml_reads_back_with_the_same_counts(generated) -> None:
    for path in sorted(generated[0].glob("*.graphml")):
        graph = nx.read_graphml(path)
        dot = path.with_suffix(".dot").read_text()
        assert (graph.number_of_nodes(), graph.number_of_edges()) == dot_counts(dot), path.name
        assert graph.number_of_nodes() > 0


def test_clash_graph_has_the_aptronix_chain(generated) -> None:
    graph = nx.read_graphml(generated[0] / "aptronix.clash.graphml")
    findings = json.loads((generated[0] / "report.json").read_text())["findings"]
    index = next(i for i, f in enumerate(findings, 1) if [c["id"] for c in f["clauses"]] == ["1.1", "1.5", "3.1b"]
                 and f["kind"] == "clash")
    hub = f"finding:F{index}"
    assert graph.nodes[hub]["kind"] == "clash"
    assert sorted(graph.successors(hub)) == ["aptronix:1.1", "aptronix:1.5", "aptronix:3.1b"]
    assert graph.nodes["aptronix:1.1"]["line"] == 5 and graph.nodes["aptronix:1.1"]["clash"]
    assert graph.nodes["aptronix:3.2a"]["dead"] and graph.nodes["aptronix:1.4a"]["redundant"]
    overrides = {(u, v) for u, v, a in graph.edges(data=True) if a["kind"] == "exception"}
    assert ("aptronix:1.2", "aptronix:1.1") in overrides and ("aptronix:3.3", "aptronix:3.2a") in overrides


def test_dependency_graph_shows_the_chain_behind_the_clash(generated) -> None:
    graph = nx.read_graphml(generated[0] / "aptronix.dependencies.graphml")
    # 1.1 decides cancellation_allowed, which 1.5 reads; 1.5 and 3.1b both decide refund_due
    assert graph.has_edge("aptronix:1.1", "outcome:cancellation_allowed")
    assert graph.has_edge("outcome:cancellation_allowed", "aptronix:1.5")
    assert graph.has_edge("aptronix:1.5", "outcome:refund_due") and graph.has_edge("aptronix:3.1b", "outcome:refund_due")


def test_index_html_needs_no_network(generated) -> None:
    page = (generated[0] / "index.html").read_text()
    assert not re.search(r"https?://", page), re.search(r".{40}https?://.{40}", page)
    assert not re.search(r"<script[^>]+src=|<link\b|@import|url\((?!#)", page)
    assert "<svg" in page and 'class="edge clash"' in page


def test_report_md_fits_a_pull_request_comment(generated) -> None:
    text = (generated[0] / "report.md").read_text()
    assert len(text) <= markdown.LIMIT
    assert text.startswith("# clausecheck report") and "## Errors (" in text and "\n> " in text


@pytest.fixture(scope="module")
def marketplace():
    workspace = Workspace.load([ENCODINGS / "marketplace"])
    policy = workspace.policy(("marketplace",))
    return [analyse(policy, "marketplace", properties=workspace.documents["marketplace"].properties)], \
        workspace.vocabulary, {"marketplace": policy}


def test_a_failed_write_leaves_the_previous_report(marketplace, tmp_path: Path, monkeypatch) -> None:
    analyses, vocabulary, policies = marketplace
    out = tmp_path / "out"
    write_report(analyses, vocabulary, policies, out, root=ROOT)
    before = files(out)

    def broken(_report) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(markdown, "render", broken)
    with pytest.raises(RuntimeError):
        write_report(analyses, vocabulary, policies, out, root=ROOT)
    assert files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left behind


def test_rewriting_drops_graphs_of_analyses_that_are_gone(marketplace, tmp_path: Path) -> None:
    analyses, vocabulary, policies = marketplace
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.clash.dot").write_text("digraph {}\n")
    (out / "notes.txt").write_text("mine\n")
    write_report(analyses, vocabulary, policies, out, root=ROOT)
    assert not (out / "old.clash.dot").exists() and (out / "notes.txt").read_text() == "mine\n"
    assert (out / "marketplace.clash.graphml").is_file()


def test_report_md_is_cut_at_a_finding_when_too_long(marketplace) -> None:
    from checker.report.model import build

    analyses, vocabulary, policies = marketplace
    full = markdown.render(build(analyses, vocabulary, policies, ROOT))
    cut = markdown.render(build(analyses, vocabulary, policies, ROOT), limit=len(full) // 2)
    assert len(cut) <= len(full) // 2 and "did not fit in a comment" in cut
