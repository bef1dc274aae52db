"""`clausecheck gate`: what an edit of the policies brings, for CI.

The working tree (head) is compared with a base: a git revision, a baseline file
of accepted findings, or both. Head findings are `check`'s findings plus the
document checks of `gatechecks` (stale quotes, drift, uncovered sentences) and,
when asked, customer-right regressions against the base (`diff.restrictions`).

Each head finding is
- `accepted` when the baseline lists its fingerprint, or one of its clauses accepts
  its rule (`accept:` in the encoding), always with a reason;
- `existing` when the base has the same finding: the same fingerprint (by the
  clauses' words, so renumbering is no change) or the same clause fingerprint (by
  their ids, so rewording a clause that was already in a clash is no new clash);
- `new` otherwise.
The gate fails on a new finding at or above the fail level; a solver `unknown` in
the head or the base is never a pass (exit 3). Analyses whose files are the same in
base and head have the same findings, so they are not run at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .analyse import Options, analyse
from .errors import InputError, Location, Problem
from .findings import KIND_ORDER, RULES, SEVERITIES, Analysis, Finding
from .gatechecks import document_checks
from .inputs.paths import YAML_LIMIT, Refused, read_bytes
from .load import ENCODING_FILE, document_folders, find_vocabulary
from .policy import Policy
from .sets import SETS_FOLDER, available_sets, load_set
from .vocabulary import Vocabulary
from .workspace import Workspace

Status = Literal["new", "existing", "accepted"]


@dataclass(frozen=True)
class Target:
    """One analysis: a document, or a policy set of documents."""

    name: str
    documents: tuple[str, ...]
    ranks: dict[str, int]
    properties: tuple
    is_set: bool
    key: str  # digest of every file the analysis reads: equal keys, equal findings


@dataclass
class Version:
    workspace: Workspace
    targets: dict[str, Target]
    encodings: Path  # the folder that holds the vocabulary
    paths: list[Path]


@dataclass(frozen=True)
class Gated:
    analysis: str
    finding: Finding
    status: Status
    reason: str = ""  # why it is accepted


@dataclass
class GateResult:
    analyses: list[Analysis]       # what was analysed in the head
    policies: dict[str, Policy]
    items: list[Gated]
    fail_level: str
    base: str | None = None        # the commit compared with
    baseline: str | None = None
    unchanged: list[str] = field(default_factory=list)  # analyses not run: same files as in the base
    notes: list[str] = field(default_factory=list)
    undecided: bool = False
    vocabulary: Vocabulary | None = None
    root: Path = field(default_factory=Path.cwd)  # paths in SARIF and annotations are relative to it
    sources: dict[str, str] = field(default_factory=dict)  # document -> its source text file

    def failing(self) -> list[Gated]:
        limit = SEVERITIES.index(self.fail_level)
        return [g for g in self.items if g.status == "new" and SEVERITIES.index(g.finding.severity) <= limit]

    @property
    def exit_code(self) -> int:
        if self.undecided:
            return 3
        return 1 if self.failing() else 0


# ---- versions ------------------------------------------------------------------------


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()


def load_version(paths: list[Path], timeout_ms: int | None) -> Version:
    """The documents under `paths` (stale quotes tolerated) and the analyses the gate
    runs on them: each document, and each policy set all of whose documents are here."""
    workspace = Workspace.load(paths, timeout_ms, tolerate_stale=True)
    vocabulary_file = find_vocabulary(document_folders(paths[0])[0].parent.resolve())
    vocabulary_bytes = read_bytes(vocabulary_file, limit=YAML_LIMIT, inside=vocabulary_file.parent)
    targets: dict[str, Target] = {}
    doc_keys = {}
    for name, doc in sorted(workspace.documents.items()):
        encoding = read_bytes(doc.encoding_path, limit=YAML_LIMIT, inside=doc.folder, label="the document folder")
        doc_keys[name] = _digest(vocabulary_bytes, encoding, doc.source.text.encode())
        targets[name] = Target(name, (name,), {}, doc.properties, False, doc_keys[name])
    root = vocabulary_file.parent
    # a set is checked against every document of the encodings (a typo is an error),
    # and analysed only when all of its documents are under the paths given
    known = workspace.available | {f.parent.name for f in root.glob(f"*/{ENCODING_FILE}")}
    for set_name in available_sets(root):
        policy_set = load_set(root, set_name, workspace.vocabulary, known)
        if not set(policy_set.documents) <= set(workspace.documents):
            continue  # a set over documents outside the paths given
        if set_name in targets:
            raise InputError([Problem(policy_set.location, f"a policy set and a document are both named {set_name!r}")])
        properties = policy_set.properties + tuple(p for d in policy_set.documents for p in workspace.documents[d].properties)
        set_file = read_bytes(policy_set.location.file, limit=YAML_LIMIT, inside=root / SETS_FOLDER, label="the sets folder")
        key = _digest(set_file, *(doc_keys[d].encode() for d in policy_set.documents))
        targets[set_name] = Target(set_name, policy_set.documents, policy_set.ranks, properties, True, key)
    return Version(workspace, targets, root, paths)


def run_target(version: Version, target: Target, timeout_ms: int | None,
               budget_s: float | None = None) -> tuple[Analysis, Policy]:
    """`check`'s analysis of one target, plus the document checks for a document."""
    policy = version.workspace.policy(target.documents)
    analysis = analyse(policy, target.name, Options(timeout_ms=timeout_ms, ranks=target.ranks, budget_s=budget_s),
                       target.properties)
    if not target.is_set:
        analysis.findings += document_checks(version.workspace.documents[target.name])
        analysis.sort()
    return analysis, policy


# ---- acceptance ----------------------------------------------------------------------


def clause_acceptance(finding: Finding) -> str | None:
    """The reason a clause of the finding gives for accepting it, if one does."""
    for clause in finding.clauses:
        for rule, reason in clause.accepted:
            if rule in (finding.rule, finding.kind):
                return f"accepted on {clause.document} {clause.id}: {reason}"
    return None


def check_acceptances(version: Version) -> None:
    """An `accept:` entry must name a rule or kind the checker has (a typo would
    silently accept nothing)."""
    known = set(KIND_ORDER) | set(RULES)
    problems = [Problem(c.location, f"clause {c.id}: accept: unknown rule {rule!r} (a rule such as "
                                    f"clash.within-document, or a kind such as clash)")
                for doc in version.workspace.documents.values() for c in doc.clauses
                for rule, _ in c.accepted if rule not in known]
    if problems:
        raise InputError(problems)


def classify(analyses: list[Analysis], base: dict[str, set[str]], accepted: dict[str, str]) -> list[Gated]:
    items = []
    for analysis in analyses:
        for f in analysis.findings:
            reason = accepted.get(f.fingerprint) or accepted.get(f.clause_fingerprint) or clause_acceptance(f)
            if f.kind == "unknown":
                items.append(Gated(analysis.name, f, "new"))  # never accepted: it decides nothing
            elif reason:
                items.append(Gated(analysis.name, f, "accepted", reason))
            elif {f.fingerprint, f.clause_fingerprint} & base.get(analysis.name, set()):
                items.append(Gated(analysis.name, f, "existing"))
            else:
                items.append(Gated(analysis.name, f, "new"))
    return items


# ---- the run -------------------------------------------------------------------------


def _fingerprints(analysis: Analysis) -> set[str]:
    return {p for f in analysis.findings for p in (f.fingerprint, f.clause_fingerprint)}


def run_gate(paths: list[Path], *, base: str | None = None, use_git: bool = True,
             baseline: dict[str, str] | None = None, baseline_name: str | None = None,
             fail_level: str = "error", timeout_ms: int | None = 10000,
             no_new_restrictions: bool = False, budget_s: float | None = None) -> GateResult:
    """Gate the encodings under `paths` (the working tree). With `use_git`, compare with
    `base` (default: the merge base with the default branch); `baseline` maps accepted
    fingerprints to their reasons."""
    from .versions import default_base, repository_root, revision_folder, vocabulary_in_repository

    if use_git:
        vocabulary_in_repository(paths)  # before it is read: never a vocabulary.yaml above the repository
    head = load_version(paths, timeout_ms)
    check_acceptances(head)
    result = GateResult([], {}, [], fail_level, baseline=baseline_name, vocabulary=head.workspace.vocabulary,
                        sources={n: d.source.path for n, d in head.workspace.documents.items()})
    base_prints: dict[str, set[str]] = {}
    regressions: dict[str, list[Finding]] = {}
    to_run = dict(head.targets)
    if use_git:
        root = result.root = repository_root(paths[0])
        revision = base or default_base(root)
        with revision_folder(paths, revision) as (base_paths, commit):
            result.base = commit
            old = _load_base(base_paths, timeout_ms, result)
            if old is not None:
                for name, target in head.targets.items():
                    if name in old.targets and old.targets[name].key == target.key:
                        result.unchanged.append(name)
                        del to_run[name]
                for name in sorted(to_run):
                    if name in old.targets:
                        analysis, _ = run_target(old, old.targets[name], timeout_ms, budget_s)
                        result.undecided |= any(f.kind == "unknown" for f in analysis.findings)
                        base_prints[name] = _fingerprints(analysis)
                if no_new_restrictions:
                    regressions = _regressions(old, head, sorted(n for n in to_run if not head.targets[n].is_set),
                                               timeout_ms, result)
    elif no_new_restrictions:
        raise InputError([Problem(Location(str(paths[0])), "--no-new-restrictions compares with a base revision: "
                                                           "give --base REV (a baseline file has no earlier version to compare with)")])
    for name in sorted(to_run):
        analysis, policy = run_target(head, to_run[name], timeout_ms, budget_s)
        if regressions.get(name):
            analysis.findings += regressions[name]
            analysis.sort()
        result.analyses.append(analysis)
        result.policies[name] = policy
    result.items = classify(result.analyses, base_prints, baseline or {})
    result.undecided |= any(g.finding.kind == "unknown" for g in result.items)
    return result


def _load_base(paths: list[Path], timeout_ms: int | None, result: GateResult) -> Version | None:
    """The base version, or None when it has no encodings (then every finding is new).
    A base that does not load is noted, not fatal: its findings count as new."""
    if not paths:
        result.notes.append("the base has no encodings at these paths: every finding is new")
        return None
    try:
        return load_version(paths, timeout_ms)
    except Refused:
        raise  # a file that leads outside its folder is refused in the base as in the head
    except InputError as exc:
        result.notes.append(f"the base does not load ({exc.problems[0].message}): every finding is new")
        return None


def _regressions(old: Version, head: Version, names: list[str], timeout_ms: int | None,
                 result: GateResult) -> dict[str, list[Finding]]:
    """Customer-right regressions of each changed document, as findings."""
    from .diff import diff_documents, restrictions

    if old.workspace.vocabulary != head.workspace.vocabulary:
        result.notes.append("the vocabulary changed: customer rights are compared under the new vocabulary")
        try:
            documents = Workspace.load(old.paths, timeout_ms, vocabulary=head.workspace.vocabulary,
                                       tolerate_stale=True).documents
        except InputError as exc:
            result.notes.append(f"the base does not load under the new vocabulary ({exc.problems[0].message}): "
                                "customer rights not compared")
            result.undecided = True
            return {}
    else:
        documents = old.workspace.documents
    vocabulary = head.workspace.vocabulary
    rights = {n for n, v in vocabulary.outcomes.items() if v.asked_by}
    found: dict[str, list[Finding]] = {}
    for name in names:
        if name not in documents:
            continue
        new_doc = head.workspace.documents[name]
        diff = diff_documents(vocabulary, documents[name], new_doc, timeout_ms, only=rights)
        if any(o.verdict == "unknown" for o in diff.outcomes):
            result.undecided = True
            result.notes.append(f"{name}: the solver could not compare every customer right with the base")
        for region in restrictions(diff, vocabulary):
            found.setdefault(name, []).append(_regression_finding(new_doc, region, vocabulary))
    return found


def _regression_finding(document, region, vocabulary) -> Finding:
    from .render.values import spoken

    var = vocabulary.outcomes[region.outcome]
    now = "refused" if region.new[0] == "determined" else "no longer guaranteed (left open)"
    clauses = tuple(document.clause(c) for c in region.clauses_new if any(x.id == c for x in document.clauses))
    message = (f"{region.outcome.replace('_', ' ')}: a case the base allowed ({spoken(var, region.old[1])}) "
               f"is now {now}")
    return Finding("regression", "regression.customer-right", "error", message, clauses, region.witness,
                   region.region, (region.outcome,), (document.name,),
                   detail={"outcome": region.outcome, "base_clauses": list(region.clauses_old)})
