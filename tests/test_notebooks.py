"""The walkthroughs in notebooks/ run from top to bottom, and are stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

pytestmark = pytest.mark.notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
GIT = {"03-gating-an-edit"}  # the walkthroughs that build git repositories


def executed(paths: list[Path]) -> list:
    return [pytest.param(p, id=p.stem, marks=[pytest.mark.git] if p.stem in GIT else []) for p in paths]


def test_there_are_three_walkthroughs() -> None:
    assert [p.name for p in NOTEBOOKS] == ["01-proving-cases.ipynb", "02-finding-clashes.ipynb", "03-gating-an-edit.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip the outputs before committing"


@pytest.mark.parametrize("path", executed(NOTEBOOKS))
def test_runs_to_the_end(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()  # raises on the first failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "stream" for o in outputs)  # the walkthrough printed its results
