"""The semantic difference of two versions of one document: per outcome, what an edit
changes.

At one case (a full assignment of facts) a version *forces* an outcome to value v
when every consistent reading of the clauses that decide it gives v, and *allows* a
value when some consistent reading gives it. The clauses that decide an outcome are
those that constrain it and, in turn, those that decide what they read
(`components.upstream`); a clause that only reads the outcome is a consequence of it.
So a clash further down (cancelling makes a refund due, a refund after 24 hours is
refused) does not hide a change of the outcome itself (cancellation allowed up to 24
rather than 48 hours). Cases where the deciding clauses of either version clash are
not compared: that clash is `check`'s business.

- A yes/no outcome is ordered "no < open < yes" (refused < undecided < granted). New
  is *below* old at a case iff (old forces True and new allows False) or (old allows
  True and new forces False); *above* iff (new forces True and old allows False) or
  (new allows True and old forces False).
- Any other outcome (enum, number): new is *below* old (narrower: it decides more) iff
  new forces some v and old allows a value != v; *above* iff old forces some v and new
  allows a value != v. A change of value (old forces a, new forces b) is both.
- Verdict per outcome: `equivalent` (never below, never above), `narrower` (below
  somewhere, never above), `broader` (above somewhere, never below), `incomparable`
  (both), `unknown` (the solver gave up).

Whether a version forces an outcome depends only on its deciding conjuncts, so only
the outcomes whose deciding conjuncts, in either version, include a changed one are
re-analysed; the others are `equivalent` without a solver call.
Each relation is one question to `PairSearch.forced_against` (the forcing side as a
for-all over a fresh copy of its group's outcomes), asked only where some changed
conjunct applies (elsewhere both versions are the same conjuncts). Every witness is
certified by the plain evaluator deciding the outcome under each version's group,
widened to a region of cases where the relation holds throughout (both versions
consistent there), and blocked before the question is asked again. A witness states
the facts those groups read and the required times: whatever the other facts are, the
outcome's verdicts stand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Literal

from . import ir
from .cases import FactValue
from .certify import CertificateError
from .components import upstream
from .evaluate import decide_conjuncts, evaluate, values_of
from .load import Document
from .policy import Policy
from .search import PairSearch, SolverUnknown
from .verdict import OutcomeVerdict, deletion_minimal
from .witness import shown
from .vocabulary import BoolType, Vocabulary

Direction = Literal["below", "above"]
Verdict = Literal["equivalent", "narrower", "broader", "incomparable", "unknown"]


@dataclass(frozen=True)
class Region:
    outcome: str
    direction: Direction                      # new below old (narrower) or above (broader)
    old: tuple[str, object]                   # ("determined", value) or ("open", None), at the witness
    new: tuple[str, object]
    region: tuple[tuple[ir.Expr, bool], ...]  # the widened cube (): every case
    witness: dict[str, FactValue]             # certified by the evaluator
    clauses_old: tuple[str, ...]              # the clauses that decide it in the old version at the witness
    clauses_new: tuple[str, ...]
    widened: bool = True                      # False: no cube of atoms keeps the relation, only the witness is claimed


@dataclass
class OutcomeDiff:
    outcome: str
    verdict: Verdict
    regions: list[Region] = field(default_factory=list)
    analysed: bool = True  # False: no changed conjunct can reach it, equivalent without a solver call


@dataclass
class DocumentDiff:
    document: str
    status: Literal["changed", "unchanged", "added", "removed"]
    outcomes: list[OutcomeDiff]  # every outcome a clause of either version mentions (within `only`), by name
    solver_calls: int = 0


# ---- what the edit touches ----------------------------------------------------------------


def _key(c: ir.Conjunct) -> tuple[ir.Expr, ir.Expr]:
    return (c.guard, c.body)  # the meaning of a conjunct: where it is and its wording do not count


def changed_conjuncts(old: Policy, new: Policy) -> tuple[set[int], set[int]]:
    """The orders of the conjuncts of each version that the other lacks, compared by
    (effective guard, body) as multisets."""
    def unmatched(mine: Policy, theirs: Policy) -> set[int]:
        left = Counter(_key(c) for c in theirs.conjuncts)
        out = set()
        for c in mine.conjuncts:
            if left[_key(c)]:
                left[_key(c)] -= 1
            else:
                out.add(c.order)
        return out

    return unmatched(old, new), unmatched(new, old)


def touched_outcomes(old: Policy, new: Policy) -> set[str]:
    """The outcomes whose deciding conjuncts (`components.upstream`), in the old or the
    new version, include a changed one: the only ones the edit can change."""
    changed = changed_conjuncts(old, new)
    mentioned = {o for p in (old, new) for c in p.conjuncts for o in c.constrains | c.reads}
    return {o for o in mentioned
            if any(c.order in moved for policy, moved in zip((old, new), changed) for c in upstream(policy.conjuncts, o))}


# ---- the diff -----------------------------------------------------------------------------


def diff_versions(vocabulary: Vocabulary, old: dict[str, Document], new: dict[str, Document],
                  timeout_ms: int | None = None, only: set[str] | None = None) -> list[DocumentDiff]:
    """Every document of either version, by name; added and removed ones have no outcomes."""
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            out.append(DocumentDiff(name, "removed", []))
        elif name not in old:
            out.append(DocumentDiff(name, "added", []))
        else:
            out.append(diff_documents(vocabulary, old[name], new[name], timeout_ms, only))
    return out


def diff_documents(vocabulary: Vocabulary, old: Document, new: Document, timeout_ms: int | None = None,
                   only: set[str] | None = None, max_regions: int = 3) -> DocumentDiff:
    """Per outcome, the verdict and up to `max_regions` regions per question. `only`
    restricts the outcomes analysed and listed. A version with no changed conjunct
    costs no solver call."""
    if old.name != new.name:
        raise ValueError(f"diff_documents: two versions of one document expected, got {old.name!r} and {new.name!r}")
    before, after = Policy(vocabulary, (old,)), Policy(vocabulary, (new,))
    mentioned = {o for p in (before, after) for c in p.conjuncts for o in c.constrains | c.reads}
    listed = sorted(mentioned if only is None else mentioned & only)
    touched = touched_outcomes(before, after)
    changed_old, changed_new = changed_conjuncts(before, after)
    result = DocumentDiff(old.name, "changed" if changed_old or changed_new else "unchanged", [])
    if not touched & set(listed):
        result.outcomes = [OutcomeDiff(o, "equivalent", [], analysed=False) for o in listed]
        return result
    # the two versions share a name: the old one is renamed so that (document, id) keys stay apart
    pair = PairSearch(Policy(vocabulary, (_renamed(old, f"{old.name}@old"),)), after, timeout_ms, scope=upstream)
    # PairSearch numbers the new version's conjuncts after the old one's
    differ = _Differ(vocabulary, pair, max_regions, changed_old | {o + len(before.conjuncts) for o in changed_new})
    for o in listed:
        result.outcomes.append(differ.outcome(o) if o in touched else OutcomeDiff(o, "equivalent", [], analysed=False))
    result.solver_calls = pair.search.calls
    return result


def restrictions(diff: DocumentDiff, vocabulary: Vocabulary) -> list[Region]:
    """Customer rights taken away: for yes/no outcomes a request asks about, the regions
    below the old version in which the old version granted the right (forced True)."""
    out = []
    for o in diff.outcomes:
        var = vocabulary.outcomes[o.outcome]
        if isinstance(var.type, BoolType) and var.asked_by:
            out += [r for r in o.regions if r.direction == "below" and r.old == ("determined", True)]
    return out


def _renamed(document: Document, name: str) -> Document:
    return replace(document, name=name, clauses=tuple(replace(c, document=name) for c in document.clauses))


# ---- one outcome --------------------------------------------------------------------------

# (direction, whether the new version is the forcing side, the value it forces or None: any)
_BOOL_QUESTIONS: tuple[tuple[Direction, bool, object], ...] = (
    ("below", False, True),   # old grants, new may refuse
    ("below", True, False),   # new refuses, old may grant
    ("above", True, True),    # new grants, old may refuse
    ("above", False, False),  # old refuses, new may grant
)
_VALUE_QUESTIONS: tuple[tuple[Direction, bool, object], ...] = (
    ("below", True, None),    # new decides a value old leaves open or decides otherwise
    ("above", False, None),
)


class _Differ:
    def __init__(self, vocabulary: Vocabulary, pair: PairSearch, max_regions: int, changed: set[int]):
        self.vocab = vocabulary
        self.pair = pair
        self.max_regions = max_regions
        self.changed = changed  # orders in the pair's combined policy

    def outcome(self, outcome: str) -> OutcomeDiff:
        boolean = isinstance(self.vocab.outcomes[outcome].type, BoolType)
        regions: list[Region] = []
        avoid: dict[str, list] = {"below": [], "above": []}  # a direction's regions are not looked for twice
        gave_up = False
        within = self._where_changed(outcome)
        if within == ir.Const(False):
            return OutcomeDiff(outcome, "equivalent", [])
        for direction, forcing_new, value in _BOOL_QUESTIONS if boolean else _VALUE_QUESTIONS:
            try:
                self._regions(outcome, direction, forcing_new, value, avoid[direction], within, regions)
            except SolverUnknown:
                gave_up = True  # the regions found before it gave up are kept
        below = any(r.direction == "below" for r in regions)
        above = any(r.direction == "above" for r in regions)
        verdict: Verdict = ("unknown" if gave_up else "incomparable" if below and above
                            else "narrower" if below else "broader" if above else "equivalent")
        return OutcomeDiff(outcome, verdict, regions)

    def _where_changed(self, outcome: str) -> ir.Expr | None:
        """The cases where some changed conjunct of the outcome's groups applies: elsewhere
        both versions read as the same unchanged conjuncts (or one clashes), so they agree.
        None when a changed guard reads outcomes (then it could apply anywhere)."""
        changed = [c for c in self._both(outcome) if c.order in self.changed]
        if any(c.reads for c in changed):
            return None
        guards = tuple(dict.fromkeys(c.guard for c in changed))
        return guards[0] if len(guards) == 1 else ir.Or(guards) if guards else ir.Const(False)

    def _regions(self, outcome: str, direction: Direction, forcing_new: bool, value, avoid: list,
                 within: ir.Expr | None, found: list[Region]) -> None:
        """Up to `max_regions` regions of one question, appended to `found` as they come."""
        pair = self.pair
        search = pair.search
        for _ in range(self.max_regions):
            hit = pair.forced_against(outcome, forcing_new, value, avoid, within, self._atoms(outcome))
            if hit is None:
                break
            # find -> certify at the canonical point of the first cell -> widen -> the
            # canonical point of the region -> certify again
            cell = list(hit.cell)
            facts = self._point(search.cube(cell), outcome)
            old, new = self._certified(facts, outcome, forcing_new, value)
            forced = (new if forcing_new else old).value
            region = pair.widen_forced(cell, outcome, forcing_new, forced)
            if region is None:
                avoid.append(cell)  # the cell is set aside, not claimed
            else:
                avoid.append(region)
                inside = self._point(search.cube(region), outcome)
                facts = inside
                old, new = self._certified(facts, outcome, forcing_new, forced)
            if region is not None:
                # a region found later may hold an earlier one whole (the first cell is not
                # always the widest): the earlier one then says nothing more
                found[:] = [r for r in found if not (r.widened and r.outcome == outcome and r.direction == direction
                                                     and search.covers(list(region), list(r.region)))]
            found.append(Region(outcome, direction, _told(old), _told(new), tuple(region or ()), facts,
                                self._deciding(pair.first, facts, outcome, old),
                                self._deciding(pair.second, facts, outcome, new), widened=region is not None))

    def _point(self, inside, outcome: str) -> dict:
        search = self.pair.search
        point = search.canonical_point([inside], search.fact_names)
        if point is None:
            raise CertificateError(f"diff {outcome}: a region the solver found holds no case")
        return shown(self.vocab, point, self._both(outcome, discretion=True))

    def _both(self, outcome: str, discretion: bool = False) -> list[ir.Conjunct]:
        """The outcome's group in the old version, then in the new one."""
        return _group(self.pair.first, outcome, discretion) + _group(self.pair.second, outcome, discretion)

    def _decide(self, facts, outcome: str) -> tuple[OutcomeVerdict, OutcomeVerdict]:
        """The outcome under each version's group (what the version decides, whatever the
        facts the group does not read); `clash` when the group has no consistent reading."""
        def under(conjuncts) -> OutcomeVerdict:
            group = _group(conjuncts, outcome)
            proof = decide_conjuncts(self.vocab, group, facts)
            return OutcomeVerdict(outcome, "clash") if proof.clashes else proof.outcomes[outcome]

        return under(self.pair.first), under(self.pair.second)

    def _certified(self, facts, outcome: str, forcing_new: bool, value) -> tuple[OutcomeVerdict, OutcomeVerdict]:
        """The verdicts of both versions at the witness, which must show the relation asked for."""
        old, new = self._decide(facts, outcome)
        if not _shows(old, new, forcing_new, value):
            side = "new" if forcing_new else "old"
            raise CertificateError(f"diff {outcome}: the evaluator does not confirm that the {side} version forces "
                                   f"{'a value' if value is None else value} against the other "
                                   f"(old {old.status} {old.value} / new {new.status} {new.value})")
        return old, new

    def _atoms(self, outcome: str) -> list[ir.Expr]:
        """The atoms of the outcome's group in both versions: forcing can hang on any of them."""
        return ir.conjunct_atoms(self._both(outcome))

    def _deciding(self, conjuncts, facts, outcome: str, verdict: OutcomeVerdict) -> tuple[str, ...]:
        """Clause ids: a minimal set of the version's conjuncts that still decides the value
        (by the evaluator); for an open outcome, the discretion clauses that apply."""
        if verdict.status == "determined":
            still = [verdict.value]
            members = deletion_minimal(_group(conjuncts, outcome),
                                       lambda s: values_of(self.vocab, s, facts, outcome) == still)
        else:
            members = [c for c in _group(conjuncts, outcome, discretion=True) if c.is_discretion
                       and outcome in c.constrains and not c.reads and evaluate(c.guard, facts, {})]
        return tuple(dict.fromkeys(c.clause.id for c in sorted(members, key=lambda c: c.order)))


def _group(conjuncts, outcome: str, discretion: bool = False) -> list[ir.Conjunct]:
    """The conjuncts that decide the outcome in one version (`components.upstream`; its
    discretion conjuncts only when asked: they constrain nothing)."""
    return [c for c in upstream(conjuncts, outcome) if discretion or not c.is_discretion]


def _shows(old: OutcomeVerdict, new: OutcomeVerdict, forcing_new: bool, value) -> bool:
    """The forcing side determines the value (`value`, when given) and the other side is
    open or determines another."""
    forcing, other = (new, old) if forcing_new else (old, new)
    if forcing.status != "determined" or (value is not None and forcing.value != value):
        return False
    return other.status == "open" or (other.status == "determined" and other.value != forcing.value)


def _told(verdict: OutcomeVerdict) -> tuple[str, object]:
    return ("determined", verdict.value) if verdict.status == "determined" else ("open", None)
