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
# HYPOTHESIS_PROFILE=soak: many more examples (HYPOTHESIS_SOAK_EXAMPLES, default 20,000),
# at random; tests that scale their counts with `examples()` follow it, and the default
# runs stay short
settings.register_profile("soak", max_examples=int(os.environ.get("HYPOTHESIS_SOAK_EXAMPLES", "20000")),
                          deadline=None, derandomize=False, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def examples(share: float) -> int:
    """A test's number of examples: `share` of the loaded profile's `max_examples`
    (100 in `ci` and `dev`, 20,000 in `soak`), at least 5. An expensive test (a whole
    `clausecheck check` per example) takes a small share, so that the default run stays
    short and a soak runs it many more times without editing the test."""
    return max(5, round(settings.default.max_examples * share))


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
