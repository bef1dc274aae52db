"""index.html in a real headless browser (Debian's chromium through Playwright):
clicking a clash shows its quotes and witness; with scripts off the same click
jumps to the finding; the page loads nothing from the network.

Skipped only on a machine without /usr/bin/chromium and outside CI (`.ci/run`
installs chromium); under CI it must run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("no /usr/bin/chromium on this machine (apt-get install chromium); CI installs it",
                allow_module_level=True)

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed (pip install -e '.[test]')", allow_module_level=True)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def page_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report"
    done = subprocess.run([sys.executable, "-m", "checker", "report", "encodings", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    return out


@pytest.fixture(scope="module")
def chain(page_dir: Path) -> tuple[str, dict]:
    """The id and JSON of the Aptronix 1.1 / 1.5 / 3.1b clash."""
    findings = json.loads((page_dir / "report.json").read_text())["findings"]
    for i, f in enumerate(findings, 1):
        if f["kind"] == "clash" and [(c["document"], c["id"]) for c in f["clauses"]] == \
                [("aptronix", "1.1"), ("aptronix", "1.5"), ("aptronix", "3.1b")]:
            return f"F{i}", f
    raise AssertionError("the 1.1 / 1.5 / 3.1b clash is missing")


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "CI needs /usr/bin/chromium: .ci/run installs it with apt-get"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_clicking_a_clash_edge_shows_its_quotes_and_witness(browser, page_dir: Path, chain, tmp_path: Path) -> None:
    fid, finding = chain
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((page_dir / "index.html").as_uri())

    edge = page.locator(f'svg g.edge.clash[data-finding="{fid}"]')
    assert edge.count() == 1
    edge.locator(".hub").click()

    panel = page.locator("#details")
    assert panel.is_visible()
    shown = squash(panel.inner_text())
    for clause in finding["clauses"]:
        for span in clause["quote"].split(" […] "):
            assert squash(span) in shown, f"{clause['id']}: {span[:60]}"
    assert squash(finding["narrative"]) in shown
    assert "Take this case" in shown and "These cannot all be true at once" in shown
    # the quotes stand side by side: three cards, the first two on one row
    cards = panel.locator(".quote")
    assert cards.count() == 3
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]
    # the clash and its clauses are highlighted in the graph
    assert "selected" in (edge.get_attribute("class") or "")
    assert "related" in (page.locator('svg g.node[data-clause="aptronix:1.1"]').first.get_attribute("class") or "")
    assert page.url.endswith("index.html")  # the script handled the click: no jump

    page.locator("#graph-aptronix").scroll_into_view_if_needed()
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    page.locator("#graph-aptronix").screenshot(path=str(tmp_path / "aptronix-graph.png"))
    print(f"screenshots: {shot} and {tmp_path / 'aptronix-graph.png'}")
    assert shot.stat().st_size > 10_000

    assert not errors, errors
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests


def test_clicking_a_clause_shows_its_quote(browser, page_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    page.goto((page_dir / "index.html").as_uri())
    page.locator('svg g.node[data-clause="aptronix:1.4a"] .shape').first.click()
    shown = squash(page.locator("#details").inner_text())
    assert "1.4a" in shown and "Any order that has already been invoiced." in shown and "redundant" in shown


def test_without_scripts_a_clash_edge_leads_to_its_finding(browser, page_dir: Path, chain) -> None:
    fid, finding = chain
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    page.goto((page_dir / "index.html").as_uri())
    assert not page.locator("#details").is_visible()  # the panel is the script's; the page stands without it
    page.locator(f'svg g.edge.clash[data-finding="{fid}"] .hub').click()
    page.wait_for_url(re.compile(f"#{fid}$"))
    article = page.locator(f"article#{fid}")
    assert article.is_visible()
    assert squash(finding["narrative"]) in squash(article.inner_text())
    title = page.locator(f'svg g.edge.clash[data-finding="{fid}"] title').first.text_content()
    assert finding["message"] in title  # the hover text
    context.close()
