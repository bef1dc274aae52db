"""The encodings of a repository, loaded once, and the policies made from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cases import Case
from .errors import InputError, Problem
from .load import Document, document_folders, load_documents
from .policy import Policy
from .prove import Prover
from .verdict import CaseProof
from .vocabulary import Vocabulary


@dataclass
class Workspace:
    vocabulary: Vocabulary
    documents: dict[str, Document]
    timeout_ms: int | None = None
    _provers: dict[tuple, Prover] = field(default_factory=dict)
    available: set[str] = field(default_factory=set)

    @staticmethod
    def load(paths: list[Path], timeout_ms: int | None = None, only: set[str] | None = None,
             vocabulary: Vocabulary | None = None, tolerate_stale: bool = False) -> "Workspace":
        """Load the documents under `paths`; with `only`, parse just those (the others
        stay known by name, so that a case naming them still gets a clear error)."""
        vocab, docs = load_documents(paths, only, vocabulary, tolerate_stale)
        workspace = Workspace(vocab, {d.name: d for d in docs}, timeout_ms)
        workspace.available = {f.name for p in paths for f in document_folders(p)}
        return workspace

    def policy(self, names: tuple[str, ...]) -> Policy:
        return Policy(self.vocabulary, tuple(self.documents[n] for n in names))

    def prover(self, names: tuple[str, ...], ranks: dict[str, int] | None = None) -> Prover:
        """The prover of the documents `names` (with the ranks of a ranked set)."""
        key = (names, tuple(sorted((ranks or {}).items())))
        if key not in self._provers:
            # a passage the source repeats is one rule: the proof names its first place
            self._provers[key] = Prover(self.policy(names).merge_repeated(), self.timeout_ms, ranks)
        return self._provers[key]

    def documents_for(self, case: Case, override: list[str] | None) -> tuple[str, ...]:
        names = tuple(override) if override else case.documents
        if not names:
            raise InputError([Problem(case.location, f"case {case.id!r} names no documents (give \"documents\" or --documents)")])
        unknown = [n for n in names if n not in self.documents]
        if unknown:
            known = ", ".join(sorted(self.available | set(self.documents)))
            raise InputError([Problem(case.location, f"case {case.id!r}: unknown document {unknown[0]!r} (known: {known})")])
        return names

    def prove(self, case: Case, documents: tuple[str, ...], ranks: dict[str, int] | None = None) -> CaseProof:
        return self.prover(documents, ranks).prove(case)


def expectation_results(case: Case, proof: CaseProof) -> dict[str, dict[str, Any]]:
    """For each expected outcome: what was expected and whether the proof agrees."""
    results = {}
    for name, expected in case.expect.items():
        verdict = proof.outcomes[name]
        if expected in ("clash", "open"):
            ok = verdict.status == expected
        else:
            ok = verdict.status == "determined" and verdict.value == expected
        results[name] = {"expected": expected, "ok": ok}
    return results
