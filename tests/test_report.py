"""`clausecheck report`: the same input gives byte-identical files, `reports/` is
current, SARIF is valid 2.1.0, GraphML reads back, the page needs no network, and
a failed write leaves the previous report whole.

The report's contents are checked on one run in this process (`written`); that two
fresh processes write the same bytes, and that the report's JSON is `check`'s, on
whole-process runs (`generated`, marked slow)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import networkx as nx
import pytest

from checker import cli
from checker.analyse import analyse
from checker.report import markdown, write_report
from checker.smt_settings import solver_version
from checker.workspace import Workspace

from .conftest import ENCODINGS, ROOT

REPORTS = ROOT / "reports"
SCHEMA = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"
REGENERATE = "clausecheck report encodings --out reports"


def report(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", "report", "encodings", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The report written by two fresh processes."""
    first, second = tmp_path_factory.mktemp("first") / "out", tmp_path_factory.mktemp("second") / "report"
    for out in (first, second):
        done = report(out)
        assert done.returncode == 1, done.stderr  # the seed policies have errors, as with `check`
    return first, second


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report written by `cli.main` in this process."""
    out = tmp_path_factory.mktemp("written") / "out"
    code, _, err = run_in_process(["report", "encodings", "--out", str(out)])
    assert code == cli.EXIT_FAIL, err  # the seed policies have errors, as with `check`
    return out


def test_report_writes_every_file(written) -> None:
    names = set(files(written))
    assert {"index.html", "report.json", "report.md", "report.sarif"} <= names
    for document in ("aptronix", "battery-cells", "marketplace", "xstron"):
        for suffix in ("clash.graphml", "clash.dot", "dependencies.graphml", "dependencies.dot"):
            assert f"{document}.{suffix}" in names


@pytest.mark.slow
def test_report_is_deterministic(generated, written) -> None:
    first, second, third = files(generated[0]), files(generated[1]), files(written)
    assert first.keys() == second.keys() == third.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs"
        assert first[name] == third[name], f"{name} differs between a fresh process and one that ran other tests"


def solver_note(stored: dict[str, bytes]) -> str:
    """Whether the stored report was made with the Z3 release this machine has (its
    witnesses depend on it)."""
    installed = solver_version()
    try:
        recorded = json.loads(stored["report.json"])["solver"]["version"]
    except (KeyError, TypeError, ValueError):
        return f"reports/report.json records no solver version, this machine has z3 {installed}"
    if recorded != installed:
        return f"reports/ was made with z3 {recorded}, this machine has {installed}"
    return f"reports/ was made with z3 {recorded}, as installed here"


def test_reports_folder_is_current(written) -> None:
    fresh, stored = files(written), files(REPORTS) if REPORTS.is_dir() else {}
    stale = sorted(n for n in fresh.keys() | stored.keys() if fresh.get(n) != stored.get(n))
    assert not stale, (f"reports/ is stale ({', '.join(stale)}; {solver_note(stored)}): "
                       f"run `{REGENERATE}` and commit the result")


def test_the_stale_message_names_the_solver_versions() -> None:
    installed = solver_version()
    made = lambda version: {"report.json": json.dumps({"solver": {"name": "z3", "version": version}}).encode()}
    assert solver_note(made("4.13.0.0")) == f"reports/ was made with z3 4.13.0.0, this machine has {installed}"
    assert solver_note(made(installed)) == f"reports/ was made with z3 {installed}, as installed here"
    assert "records no solver version" in solver_note({"report.json": b'{"findings": []}'})
    assert "records no solver version" in solver_note({})


def test_the_artefacts_record_the_solver(written) -> None:
    solver = {"name": "z3", "version": solver_version()}
    assert json.loads((written / "report.json").read_text())["solver"] == solver
    [run] = json.loads((written / "report.sarif").read_text())["runs"]
    assert run["tool"]["driver"]["properties"]["solver"] == solver


def test_report_holds_no_machine_paths(written) -> None:
    for name, content in files(written).items():
        text = content.decode()
        for path in (str(ROOT), str(written), "/tmp/"):
            assert path not in text, f"{name} holds the path {path}"


@pytest.mark.slow
def test_report_json_is_the_check_json(generated) -> None:
    done = subprocess.run([sys.executable, "-m", "checker", "check", "encodings", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True)
    assert (generated[0] / "report.json").read_text() == done.stdout


def test_sarif_validates_against_the_2_1_0_schema(written) -> None:
    schema = json.loads(SCHEMA.read_text())
    log = json.loads((written / "report.sarif").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_has_one_result_per_finding_at_its_clause(written) -> None:
    log = json.loads((written / "report.sarif").read_text())
    findings = json.loads((written / "report.json").read_text())["findings"]
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


def test_sarif_source_locations_are_the_quoted_lines(written) -> None:
    log = json.loads((written / "report.sarif").read_text())
    [first] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "clash.within-document"][:1]
    source = [r for r in first["relatedLocations"] if r["physicalLocation"]["artifactLocation"]["uri"].endswith("source.txt")]
    lines = (ROOT / "encodings" / "aptronix" / "source.txt").read_text().splitlines()
    quoted = {r["physicalLocation"]["region"]["startLine"] for r in source}
    assert any("48 hours from the exact time" in lines[n - 1] for n in quoted)  # 1.1's standard window


def dot_counts(text: str) -> tuple[int, int]:
    edges = len(re.findall(r'^  "(?:[^"\\]|\\.)*" -> ', text, re.M))
    nodes = len(re.findall(r'^  "(?:[^"\\]|\\.)*" \[', text, re.M))
    return nodes, edges


def test_graphml_reads_back_with_the_same_counts(written) -> None:
    for path in sorted(written.glob("*.graphml")):
        graph = nx.read_graphml(path)
        dot = path.with_suffix(".dot").read_text()
        assert (graph.number_of_nodes(), graph.number_of_edges()) == dot_counts(dot), path.name
        assert graph.number_of_nodes() > 0


def test_clash_graph_has_the_aptronix_chain(written) -> None:
    graph = nx.read_graphml(written / "aptronix.clash.graphml")
    findings = json.loads((written / "report.json").read_text())["findings"]
    index = next(i for i, f in enumerate(findings, 1) if [c["id"] for c in f["clauses"]] == ["1.1", "1.5", "3.1b"]
                 and f["kind"] == "clash")
    hub = f"finding:F{index}"
    assert graph.nodes[hub]["kind"] == "clash"
    assert sorted(graph.successors(hub)) == ["aptronix:1.1", "aptronix:1.5", "aptronix:3.1b"]
    assert graph.nodes["aptronix:1.1"]["line"] == 5 and graph.nodes["aptronix:1.1"]["clash"]
    # 3.2a's 7-9 working days against 1.5's 14: 3.3 takes only 3.2a's refund method
    assert graph.nodes["aptronix:3.2a"]["clash"] and not graph.nodes["aptronix:3.2a"]["dead"]
    assert graph.nodes["aptronix:1.4a"]["redundant"]
    overrides = {(u, v) for u, v, a in graph.edges(data=True) if a["kind"] == "exception"}
    assert ("aptronix:1.2", "aptronix:1.1") in overrides and ("aptronix:3.3", "aptronix:3.2a") in overrides


def test_dependency_graph_shows_the_chain_behind_the_clash(written) -> None:
    graph = nx.read_graphml(written / "aptronix.dependencies.graphml")
    # 1.1 decides cancellation_allowed, which 1.5 reads; 1.5 and 3.1b both decide refund_due
    assert graph.has_edge("aptronix:1.1", "outcome:cancellation_allowed")
    assert graph.has_edge("outcome:cancellation_allowed", "aptronix:1.5")
    assert graph.has_edge("aptronix:1.5", "outcome:refund_due") and graph.has_edge("aptronix:3.1b", "outcome:refund_due")


def test_index_html_needs_no_network(written) -> None:
    page = (written / "index.html").read_text()
    assert not re.search(r"https?://", page), re.search(r".{40}https?://.{40}", page)
    assert not re.search(r"<script[^>]+src=|<link\b|@import|url\((?!#)", page)
    assert "<svg" in page and 'class="edge clash"' in page


def test_report_md_fits_a_pull_request_comment(written) -> None:
    text = (written / "report.md").read_text()
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
    write_report(analyses, vocabulary, policies, out, root=ROOT)
    (out / "old.clash.dot").write_text("digraph {}\n")  # an analysis the next report no longer has
    write_report(analyses, vocabulary, policies, out, root=ROOT)
    assert not (out / "old.clash.dot").exists()
    assert (out / "marketplace.clash.graphml").is_file()


def test_report_md_is_cut_at_a_finding_when_too_long(marketplace) -> None:
    from checker.report.model import build

    analyses, vocabulary, policies = marketplace
    full = markdown.render(build(analyses, vocabulary, policies, ROOT))
    cut = markdown.render(build(analyses, vocabulary, policies, ROOT), limit=len(full) // 2)
    assert len(cut) <= len(full) // 2 and "did not fit in a comment" in cut
