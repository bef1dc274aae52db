"""Shared fixtures. Hypothesis runs derandomised in CI (profile "ci")."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
ENCODINGS = ROOT / "encodings"
CASES = ROOT / "tests" / "cases"

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


class Encodings:
    """Writes small encodings into a temporary folder, with the project's vocabulary."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copy(ENCODINGS / "vocabulary.yaml", root / "vocabulary.yaml")

    def document(self, name: str, source: str, encoding: str) -> Path:
        folder = self.root / name
        folder.mkdir(exist_ok=True)  # a test may write several versions in turn
        (folder / "source.txt").write_text(textwrap.dedent(source), encoding="utf-8")
        (folder / "encoding.yaml").write_text(textwrap.dedent(encoding), encoding="utf-8")
        return folder


@pytest.fixture
def encodings(tmp_path: Path) -> Encodings:
    return Encodings(tmp_path)
