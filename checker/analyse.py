"""The whole-policy analysis behind `clausecheck check`.

The policy is cut into groups of conjuncts that share outcomes (`components`); each
group gets one incremental solver (`search.GroupSearch`) and is asked, in turn, for
dead clauses, minimal clashes (with and without the declared exceptions), implied
conjuncts, open outcomes and time readings that change an outcome. What a group
finds about a clause that spans several groups (an exception, a redundant part, a
reading of a time limit) is gathered across the groups and reported once per clause.

Every witness goes through one pipeline: the solver finds that a finding exists; the
canonical cell and point of its region are chosen by sat / unsat questions alone, so
the witness is the same on every machine; the plain evaluator (`certify`) confirms it
before it becomes a finding. A solver `unknown` becomes a finding of its own.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

from . import ir
from .certify import CertificateError, certify_clash, certify_counterexample, certify_open
from .components import outcome_groups
from .evaluate import consistent, decide_conjuncts, evaluate
from .findings import Analysis, Finding, PropertyResult
from .load import Property
from .policy import Policy, narrowed, repeated_in_source, same_rule
from .search import BudgetSpent, Found, GroupSearch, SearchGaveUp, SolverUnknown
from .sourcetext import normalise
from .verdict import clash_outcomes, rank_winner, unique_clauses
from .render.english import nouns
from .witness import shown

MAX_GAP_REGIONS = 3  # regions reported per open outcome and group
MAX_READING_TRIES = 3  # witnesses tried per reading of a time limit before giving up on it

# Words that leave an outcome to judgement the text does not define.
VAGUE_TERMS = (
    "sole discretion", "at our discretion", "reasonable", "reasonably", "timely", "promptly",
    "as soon as possible", "very early", "may be able", "normally", "usually", "generally",
    "appropriate", "significant", "substantial", "immediately", "shortly", "in some cases",
)


@dataclass
class Options:
    timeout_ms: int | None = 10000  # the limit of one solver question
    ranks: dict[str, int] = field(default_factory=dict)  # document -> rank, 1 the highest
    budget_s: float | None = None  # the limit of the whole analysis: past it, what is left is unknown


@dataclass(frozen=True)
class Scope:
    """What a policy speaks about: the request kinds it governs (declared with `scope:`,
    or what its clauses speak about) and the outcomes its clauses mention. Gaps are
    reported only inside it."""

    requests: frozenset[str]
    outcomes: frozenset[str]

    def asks(self, kinds) -> tuple[str, ...]:
        """The request kinds among `kinds` that lie inside the scope: a gap is a request
        of a kind the policy governs that it leaves undecided."""
        return tuple(k for k in kinds if k in self.requests)


def policy_scope(policy: Policy) -> Scope:
    """Each document's declared scope, or else the request kinds its clauses mention and
    those that ask about an outcome its clauses decide (a text that says when a return
    is accepted governs returns, whether or not it names the request)."""
    vocabulary = policy.vocabulary
    requests: set[str] = set()
    for doc in policy.documents:
        if doc.scope is not None:
            requests |= set(doc.scope)
            continue
        requests |= {k for c in doc.clauses for part in (c.when, c.then) for k in _request_kinds(part)}
        decided = {o for c in doc.clauses for o in ir.outcomes(c.then)}
        requests |= {k for o in decided for k in vocabulary.outcomes[o].asked_by}
    outcomes = {o for c in policy.conjuncts for o in c.constrains | c.reads}
    return Scope(frozenset(requests), frozenset(outcomes))


def _request_kinds(e: ir.Expr) -> set[str]:
    kinds: set[str] = set()
    for x in ir.walk(e):
        if isinstance(x, ir.In) and x.operand.name == "request":
            kinds |= set(x.operand.variable.type.values) - set(x.values) if x.negated else set(x.values)
        elif isinstance(x, ir.Cmp) and x.op in ("==", "!="):
            for var, const in ((x.left, x.right), (x.right, x.left)):
                if isinstance(var, ir.Var) and var.name == "request" and isinstance(const, ir.Const):
                    kinds |= {const.value} if x.op == "==" else set(var.variable.type.values) - {const.value}
    return kinds


def analyse(policy: Policy, name: str, options: Options | None = None,
            properties: tuple[Property, ...] = ()) -> Analysis:
    options = options or Options()
    result = Analysis(name, policy.names)
    merged = policy.merge_repeated()
    raw = merged.without_exceptions()
    groups = outcome_groups(merged.conjuncts)
    result.groups = len(groups)
    shared = _Shared(merged, policy_scope(merged))
    deadline = None if options.budget_s is None else time.monotonic() + options.budget_s
    for i, group in enumerate(groups):
        if deadline is not None and time.monotonic() >= deadline:
            left = unique_clauses(c for g in groups[i:] for c in g)
            result.findings.append(Finding(
                "unknown", "unknown.solver-limit", "error",
                f"the analysis used up its time budget of {options.budget_s:g} s: {len(groups) - i} group(s) of "
                f"clauses were not analysed ({_names(left)})", left, documents=_docs(left)))
            break
        _GroupAnalysis(merged, raw, group, options, result, shared, deadline).run()
    if any(c.readings for c in merged.clauses):
        _structured_readings(merged, groups, options, shared, deadline, result)
    result.findings.extend(shared.dead_findings())
    result.findings.extend(shared.overrides())
    result.findings.extend(shared.implications())
    result.findings.extend(shared.readings())
    result.findings.extend(_text_duplicates(policy))
    result.findings.extend(_declared_conflicts(merged))
    result.findings.extend(_silent_outcomes(merged, shared.scope))
    result.findings.extend(_vague_terms(merged))
    if properties:
        _check_properties(merged, properties, options, result)
    result.sort()
    return result


def _clause_keys(policy: Policy, orders) -> frozenset:
    return frozenset(policy.conjuncts[o].clause.key for o in orders)


def _with_clause(groups, clause: ir.Clause) -> tuple[ir.Conjunct, ...]:
    """The conjuncts of the groups that hold a conjunct of `clause`."""
    return tuple(c for g in groups if any(x.clause.key == clause.key for x in g) for c in g)


def _structured_readings(policy: Policy, groups, options: Options, shared: "_Shared", deadline: float | None,
                         result: Analysis) -> None:
    """For each other reading a clause carries: the clashes that appear and those that
    disappear if the clause is read that way. One finding per reading; each clash as
    encoded that the reading removes says so (`not_under_readings`)."""
    by_keys: dict[frozenset, list[int]] = {}
    for i, f in enumerate(result.findings):
        if f.rule in ("clash.within-document", "clash.across-documents"):
            by_keys.setdefault(frozenset(c.key for c in f.clauses), []).append(i)
    fought = {keys: result.findings[i[0]].outcomes for keys, i in by_keys.items()}
    not_under: dict[int, list[tuple[ir.Clause, ir.Reading]]] = {}
    for clause in policy.clauses:
        for reading in clause.readings:
            other = policy.with_reading(clause, reading)
            other_groups = outcome_groups(other.conjuncts)
            touched = {c.clause.key for c in _with_clause(other_groups, clause)}
            touched |= {k for keys, _ in shared.group_clashes if clause.key in keys for k in keys}
            before = [sets for keys, sets in shared.group_clashes if keys & touched]
            if any(sets is None for sets in before):
                continue  # the clashes as encoded are not all known: nothing to compare with
            encoded = set().union(*before)
            found: dict[frozenset, tuple] = {}
            try:
                for group in other_groups:
                    if not {c.clause.key for c in group} & touched:
                        continue
                    search = GroupSearch(other, group, options.timeout_ms, deadline)
                    sets = search.minimal_clashes()
                    result.solver_calls += search.calls
                    for f in sorted(sets, key=lambda f: f.orders):  # in policy order, whatever order the search found them
                        found.setdefault(_clause_keys(other, f.orders),
                                         (search, f, sorted(g.orders for g in sets if g is not f)))
            except SolverUnknown as exc:
                result.findings.append(_unknown(f"reading {reading.label!r} of {clause.id}",
                                                tuple(c for c in policy.conjuncts if c.clause.key == clause.key), exc, options))
                continue
            appear = sorted((k for k in found if k not in encoded), key=lambda k: found[k][1].orders)
            gone = sorted((k for k in encoded if k not in found), key=lambda k: sorted(_line(policy, x) for x in k))
            for keys in gone:
                for i in by_keys.get(keys, []):
                    not_under.setdefault(i, []).append((clause, reading))
            change = None
            if not appear and not gone:
                try:
                    change = _changed_outcome(policy, other, clause, _with_clause(groups, clause),
                                              _with_clause(other_groups, clause), options, deadline, result)
                except SolverUnknown:
                    change = None  # the reading is still reported; only the case is missing
            result.findings.append(_reading_finding(policy, clause, reading, other, found, appear, gone, fought, change))
    for i, readings in not_under.items():
        f = result.findings[i]
        which = " and ".join(f"\u201c{r.label}\u201d of {c.id}" for c, r in readings)
        result.findings[i] = replace(
            f, message=f"{f.message} (not under the reading{'s' if len(readings) > 1 else ''} {which})",
            detail={**f.detail, "not_under_readings": [f"{c.id}: {r.label}" for c, r in readings]})


def _changed_outcome(policy: Policy, other: Policy, clause: ir.Clause, encoded: tuple[ir.Conjunct, ...],
                     read: tuple[ir.Conjunct, ...], options: Options, deadline: float | None,
                     result: Analysis) -> tuple[dict, list[tuple[str, str, str]]] | None:
    """A case (certified by the evaluator under both readings) whose outcome the reading
    changes although no clash appears or disappears: (facts, [(outcome, as encoded,
    under the reading)]), or None. `encoded` and `read` are the clause's groups as
    encoded and under the reading. Cases where the two readings' conditions differ are
    tried first."""
    mine = [c for c in policy.conjuncts if c.clause.key == clause.key]
    theirs = [c for c in other.conjuncts if c.clause.key == clause.key]
    search = GroupSearch(other, read, options.timeout_ms, deadline)
    try:
        applies = lambda cs: search.smt.compile(ir.Or(tuple(c.guard for c in cs)))  # noqa: E731
        within = applies(mine + theirs)
        atoms = ir.conjunct_atoms(encoded + read)
        decided = sorted({o for c in mine + theirs for o in c.constrains})
        # the facts either reading reads: the case is decided under both
        read_by_either = {n for c in encoded for n in ir.facts(c.guard) | ir.facts(c.body)}
        names = search.fact_names + [n for n in policy.vocabulary.facts if n in read_by_either and n not in search.fact_names]
        for question in ([within, applies(mine) != applies(theirs)], [within]):
            change = _first_change(policy.vocabulary, search, question, names, encoded, read, decided, atoms)
            if change is not None:
                return change
        return None
    finally:
        result.solver_calls += search.calls


def _first_change(vocab, search: GroupSearch, question: list, names: list[str], encoded, alternative,
                  decided, atoms: list[ir.Expr]) -> tuple[dict, list[tuple[str, str, str]]] | None:
    """Of up to MAX_READING_TRIES canonical cases of `question` (each outside the cells of
    `atoms` of those before it), the first on which the conjuncts `encoded` and
    `alternative` decide one of the outcomes `decided` differently: (facts, [(outcome,
    as encoded, on the other reading)]), or None. The evaluator decides both."""
    avoid: list = []
    for _ in range(MAX_READING_TRIES):
        point = search.canonical_point(question + avoid, names)
        if point is None:
            return None
        facts = shown(vocab, point, tuple(encoded) + tuple(alternative))  # the facts either reads
        before = decide_conjuncts(vocab, encoded, facts).outcomes
        after = decide_conjuncts(vocab, alternative, facts).outcomes
        changed = [(n, _verdict(before[n]), _verdict(after[n])) for n in decided
                   if _verdict(before[n]) != _verdict(after[n])]
        if changed:
            return facts, changed
        avoid.append(search.excluding(_literals(atoms, facts)))  # the choice changes nothing here: look elsewhere
    return None


def _line(policy: Policy, key) -> int:
    return next(c.location.line for c in policy.clauses if c.key == key)


def _reading_finding(policy: Policy, clause: ir.Clause, reading: ir.Reading, other: Policy, found: dict,
                     appear: list, gone: list, fought_as_encoded: dict,
                     change: tuple[dict, list[tuple[str, str, str]]] | None = None) -> Finding:
    by_key = {c.key: c for c in policy.clauses}
    clauses_of = lambda keys: tuple(sorted((by_key[k] for k in keys), key=lambda c: c.location.line))  # noqa: E731
    head = f"{clause.id} can also be read \u201c{reading.label}\u201d"
    witness, region, outcomes, parts = None, (), set(), []
    for keys in appear:
        search, f, others = found[keys]
        members, facts, cell, _ = certified_clash(policy.vocabulary, search, other, f, others)
        fought = clash_outcomes(members)
        outcomes |= set(fought)
        parts.append(f"{_names(clauses_of(keys))} contradict each other on {_words(policy.vocabulary, fought)}")
        if witness is None:
            witness, region = facts, cell
    for keys in gone:
        fought = fought_as_encoded.get(keys) or clash_outcomes(tuple(c for c in policy.conjuncts if c.clause.key in keys))
        outcomes |= set(fought)
        parts.append(f"the clash of {_names(clauses_of(keys))} on {_words(policy.vocabulary, fought)} is gone")
    involved = _distinct(clause, *(c for keys in appear + gone for c in clauses_of(keys)))
    detail = {"label": reading.label, "reading_of": clause.id, "note": reading.note,
              "appears": [[c.id for c in clauses_of(k)] for k in appear],
              "disappears": [[c.id for c in clauses_of(k)] for k in gone]}
    if not parts and change is not None:
        facts, changed = change
        said = "; ".join(f"{_words(policy.vocabulary, (n,))}: {b} as encoded, {a} under the reading" for n, b, a in changed)
        return Finding("ambiguity", "ambiguity.reading", "warning",
                       f"{head}. Under that reading no clash appears or disappears, but the outcome changes in the "
                       f"case shown ({said})", (clause,), facts, (), tuple(n for n, _, _ in changed),
                       (clause.document,), detail=detail)
    if not parts:
        return Finding("ambiguity", "ambiguity.reading", "info",
                       f"{head}; under that reading no clash appears or disappears and no outcome was found to change",
                       (clause,), outcomes=tuple(sorted(clause.decides)), documents=(clause.document,), detail=detail)
    return Finding("ambiguity", "ambiguity.reading", "warning", f"{head}. Under that reading, " + "; ".join(parts),
                   involved, witness, region, tuple(sorted(outcomes)), _docs(involved), detail=detail)


def _what_of(vocabulary, parts: list[ir.Conjunct], gone: list[ir.Conjunct]) -> tuple[str, tuple[str, ...]]:
    """How to name the conjuncts `gone` of a clause whose conjuncts are `parts`: the
    clause itself when that is all of it, else "the part of X on <outcomes>" (and those
    outcomes)."""
    clause = parts[0].clause
    if len(gone) == len(parts):
        return clause.id, ()
    outcomes = tuple(sorted({o for c in gone for o in c.constrains}))
    return f"the part of {clause.id} on {_words(vocabulary, outcomes)}", outcomes


def _narrowers(conjuncts) -> tuple[tuple[ir.Clause, bool], ...]:
    """The clauses that narrow any of `conjuncts`, each with whether it does so as a
    condition of eligibility (True) or as an exception (False), in the order of the text."""
    found = {(e.key, o.condition): (e, o.condition) for c in conjuncts for e, o in c.narrowed_by}
    return tuple(sorted(found.values(), key=lambda t: (t[0].location.line, t[1])))


def _why_never(takers: tuple[tuple[ir.Clause, bool], ...]) -> str:
    """Why the cases of a clause are all taken: by its exceptions, or by its conditions."""
    exceptions = ", ".join(e.id for e, condition in takers if not condition)
    conditions = ", ".join(e.id for e, condition in takers if condition)
    return " or ".join(([f"is taken by its exception(s) {exceptions}"] if exceptions else [])
                       + ([f"fails its condition(s) of eligibility {conditions}"] if conditions else []))


def certified_clash(vocab, search: GroupSearch, policy: Policy, found: Found, others: list[tuple[int, ...]]):
    """(members, canonical witness, region) of a minimal clash, certified. The witness
    is one where none of the `others` (the group's other minimal clashes) clashes too,
    where the region has such a case: the case shows this clash alone, and `prove`
    of it names this one."""
    members = tuple(policy.conjuncts[o] for o in found.orders)
    others = sorted(others)  # the clashes named beside this one, in policy order
    cell = search.clash_cell(found.orders, ir.conjunct_atoms(members))
    if cell is None:
        raise CertificateError(f"the clash of {_names(unique_clauses(members))} is not confirmed by its own query")
    region = search.widen(cell, search.indicators(found.orders))
    if region is None:
        raise CertificateError(f"the clash of {_names(unique_clauses(members))} does not hold on its whole cell")
    inside = [search.cube(region)]
    alone = [search.can_hold(other, str(i)) for i, other in enumerate(others)]
    point = search.canonical_point(inside + alone, search.fact_names) if alone else None
    also: list[tuple[ir.Clause, ...]] = []
    if point is None:
        point = search.canonical_point(inside, search.fact_names)
        # nowhere in the region is this clash alone: say which others hold there too
        every = shown(vocab, point, search.conjuncts)
        for other in others:
            conjuncts = tuple(policy.conjuncts[o] for o in other)
            if not consistent(vocab, conjuncts, every):
                also.append(unique_clauses(conjuncts))
    facts = shown(vocab, point, members)
    certify_clash(vocab, members, facts)
    return members, facts, tuple(region), also


class _Shared:
    """What the groups find about clauses that can span several groups, gathered so
    that each is reported once: dead clauses, exceptions and the clashes they resolve,
    implied conjuncts, readings of time limits."""

    def __init__(self, policy: Policy, scope: Scope):
        self.policy, self.scope = policy, scope
        self.dead: set[int] = set()  # the conjuncts that never apply
        self.dead_why: dict[tuple[str, str], bool] = {}  # clause -> its own condition cannot hold
        self.dead_by_inferred: set[int] = set()  # dead conjuncts that would apply but for an inferred exception
        # (exception or condition, whether a condition) -> the clauses it narrows
        self.exceptions: dict[tuple[tuple[str, str], bool], set[tuple[str, str]]] = {}
        self.resolved: dict[tuple[tuple[str, str], bool], list[tuple[tuple[int, ...], Finding]]] = {}
        self.inferred: set[tuple[str, str]] = set()  # inferred exceptions whose clashes were reported as such
        self.implied: dict[int, tuple[int, ...] | None] = {}  # conjunct order -> a minimal support, None: not implied
        self.read: dict[tuple, dict] = {}
        # per group: its clauses, and the clause sets of its minimal clashes (None: the
        # search gave up); what a structured reading is compared against
        self.group_clashes: list[tuple[frozenset, set[frozenset] | None]] = []

    def clause_dead(self, key: tuple[str, str]) -> bool:
        """Every conjunct of the clause never applies."""
        return all(c.order in self.dead for c in self.policy.conjuncts if c.clause.key == key)

    def dead_findings(self) -> list[Finding]:
        """One finding per clause that never applies, or part of one that its exceptions
        take whole."""
        out = []
        for key, unsatisfiable in self.dead_why.items():
            parts = [c for c in self.policy.conjuncts if c.clause.key == key]
            clause = parts[0].clause
            gone = [c for c in parts if c.order in self.dead and c.order not in self.dead_by_inferred]
            if unsatisfiable:
                out.append(Finding("dead", "dead.unsatisfiable-condition", "error",
                                   f"{clause.id} never applies: no case consistent with the background axioms meets its condition",
                                   (clause,), documents=(clause.document,)))
                continue
            takers = _narrowers(gone)
            subject, outcomes = _what_of(self.policy.vocabulary, parts, gone)
            message = f"{subject} never applies: every case it speaks to {_why_never(takers)}"
            if outcomes:
                message += f"; the rest of {clause.id} still applies"
            out.append(Finding("dead", "dead.always-overridden", "error", message,
                               _distinct(clause, *(e for e, _ in takers)),
                               outcomes=outcomes, documents=(clause.document,)))
        return out

    # -- exceptions ---------------------------------------------------------------------------

    def overrides(self) -> list[Finding]:
        """One finding per exception and per condition of eligibility: the clash it
        resolves (the first, by clause order), or an info line that it resolves none."""
        out = []
        by_key = {c.key: c for c in self.policy.clauses}
        for link in sorted(self.exceptions, key=lambda k: (by_key[k[0]].location.line, k[1])):
            key, condition = link
            exception = by_key[key]
            targets = sorted((by_key[t] for t in self.exceptions[link]), key=lambda c: c.location.line)
            names = _names(targets)
            found = sorted(self.resolved.get(link, []), key=lambda r: r[0])
            if condition:
                out.append(self._condition(exception, targets, found))
                continue
            if not found and key in self.inferred:
                continue  # what it resolves is reported as the clashes it would settle
            if not found:
                out.append(Finding("override", "override.exception", "info",
                                   f"{exception.id} is an exception to {names}, but the two would not contradict "
                                   f"each other without it: it resolves no clash",
                                   (*targets, exception), documents=_docs((*targets, exception))))
                continue
            first = found[0][1]
            more = len(found) - 1
            tail = f" (it resolves {more} more clash{'es' if more > 1 else ''} as well)" if more else ""
            out.append(replace(first, message=f"{exception.id} is an exception to {names}: without it, "
                                              f"{_names(first.clauses)} would contradict each other on "
                                              f"{_words(self.policy.vocabulary, first.outcomes)}{tail}"))
        return out

    def _condition(self, condition: ir.Clause, rights: list[ir.Clause], found: list) -> Finding:
        """The reading that `condition` states a condition of eligibility for `rights`:
        reported so that a reviewer can reject it, with the clash it alone resolves."""
        names, condition_vocab = _names(rights), self.policy.vocabulary
        outcomes = tuple(sorted(condition.decides & frozenset().union(*(r.decides for r in rights))))
        reading = (f"{condition.id} is read as a condition of eligibility for {_words(condition_vocab, outcomes)} under {names}: "
                   f"{names} {'applies' if len(rights) == 1 else 'apply'} only where what {condition.id} requires is met")
        if not found:
            return Finding("override", "override.condition", "info",
                           f"{reading}; without that reading the clauses would not contradict each other",
                           _distinct(*rights, condition), outcomes=outcomes,
                           documents=_docs((*rights, condition)))
        first = found[0][1]
        more = len(found) - 1
        tail = f" (the reading resolves {more} more clash{'es' if more > 1 else ''} as well)" if more else ""
        return replace(first, rule="override.condition",
                       message=f"{reading}. Read as separate rules, {_names(first.clauses)} would contradict each "
                               f"other on {_words(condition_vocab, first.outcomes)}{tail}")

    # -- implied conjuncts --------------------------------------------------------------------

    def implications(self) -> list[Finding]:
        """Redundancy and duplication of meaning, said of what repeats: the whole clause
        when every one of its requirements is implied, else the part that is."""
        conjuncts = self.policy.conjuncts
        own: dict[tuple[str, str], list[ir.Conjunct]] = {}
        for c in conjuncts:
            if not c.is_discretion and c.order not in self.dead:
                own.setdefault(c.clause.key, []).append(c)
        whole: dict[tuple[str, str], tuple[ir.Clause, ...]] = {}
        for key, parts in own.items():
            if all(self.implied.get(c.order) is not None for c in parts):
                support = sorted({o for c in parts for o in self.implied[c.order]})
                whole[key] = unique_clauses(conjuncts[o] for o in support)
        out, reported = [], set()
        for key, parts in own.items():
            clause = parts[0].clause
            if key in whole:
                support = whole[key]
                if not support:
                    out.append(Finding("redundant", "redundant.self-evident", "warning",
                                       f"{clause.id} requires nothing: what it says follows from its own condition",
                                       (clause,), documents=(clause.document,), detail={"implied_by": []}))
                elif len(support) == 1 and whole.get(support[0].key) == (clause,):
                    pair = tuple(sorted([key, support[0].key]))
                    if pair in reported:
                        continue
                    reported.add(pair)
                    first, second = sorted([clause, support[0]], key=lambda c: c.location.line)
                    if normalise(first.quote) == normalise(second.quote):
                        continue  # the same text twice: reported once, as a textual duplicate
                    out.append(Finding("duplicate", "duplicate.same-meaning", "warning",
                                       f"{first.id} and {second.id} say the same thing in different words: "
                                       f"each implies the other",
                                       (first, second), documents=_docs((first, second))))
                elif not any(normalise(s.quote) == normalise(clause.quote) for s in support):
                    out.append(Finding("redundant", "redundant.implied", "warning",
                                       f"{clause.id} adds nothing: wherever it applies, {_names(support)} already "
                                       f"{_require(support)} what it says",
                                       (clause, *support), documents=_docs((clause, *support)),
                                       detail={"implied_by": [c.id for c in support]}))
                continue
            repeated = [c for c in parts if self.implied.get(c.order)]
            if not repeated:
                continue
            support = unique_clauses(conjuncts[o] for c in repeated for o in self.implied[c.order])
            if any(normalise(s.quote) == normalise(clause.quote) for s in support):
                continue
            decided = tuple(sorted({o for c in repeated for o in c.constrains}))
            if len(support) == 1 and self._part_repeats(support[0].key, key, decided):
                # each clause's rule on these outcomes implies the other's: one finding
                pair = tuple(sorted([key, support[0].key]))
                if pair in reported:
                    continue
                reported.add(pair)
                first, second = sorted([clause, support[0]], key=lambda c: c.location.line)
                out.append(Finding("redundant", "redundant.implied", "warning",
                                   f"{first.id} and {second.id} say the same about {_words(self.policy.vocabulary, decided)}: on it, each "
                                   f"implies the other; the rest of each says more",
                                   (first, second), outcomes=decided, documents=_docs((first, second)),
                                   detail={"implied_by": [second.id], "part": list(decided)}))
                continue
            out.append(Finding("redundant", "redundant.implied", "warning",
                               f"the part of {clause.id} on {_words(self.policy.vocabulary, decided)} repeats {_names(support)}: wherever "
                               f"{clause.id} applies, {_names(support)} already {_require(support)} it; the rest of "
                               f"{clause.id} adds to them",
                               (clause, *support), outcomes=decided, documents=_docs((clause, *support)),
                               detail={"implied_by": [c.id for c in support], "part": list(decided)}))
        return out

    def _part_repeats(self, key: tuple[str, str], by: tuple[str, str], outcomes: tuple[str, ...]) -> bool:
        """Whether clause `key`'s requirements on `outcomes` are all implied by clause `by` alone."""
        conjuncts = self.policy.conjuncts
        parts = [c for c in conjuncts if c.clause.key == key and not c.is_discretion and c.constrains & set(outcomes)]
        return bool(parts) and all(
            self.implied.get(c.order) and {conjuncts[o].clause.key for o in self.implied[c.order]} == {by}
            for c in parts)

    # -- readings of time limits --------------------------------------------------------------

    def add_reading(self, key: tuple, clause: ir.Clause, finding: Finding, changed: list[tuple[str, str, str]]) -> None:
        entry = self.read.setdefault(key, {"finding": finding, "clauses": [], "changes": {}, "here": changed})
        if clause not in entry["clauses"]:
            entry["clauses"].append(clause)
        for name, before, after in changed:
            entry["changes"].setdefault(name, (before, after))

    def readings(self) -> list[Finding]:
        """One finding per sentence and reading, listing every outcome the choice changes."""
        out = []
        for (_, _, term, reading), entry in self.read.items():
            clauses = tuple(sorted(entry["clauses"], key=lambda c: c.location.line))
            outcomes = tuple(sorted(entry["changes"]))
            here = "; ".join(f"{_words(self.policy.vocabulary, (n,))}: {b} as encoded, {a} on the other reading" for n, b, a in entry["here"])
            changes = ("the outcome in the case shown" if outcomes == tuple(n for n, _, _ in entry["here"])
                       else f"{_words(self.policy.vocabulary, outcomes)}; in the case shown")
            message = f"{_names(clauses)}: \u201c{term}\u201d can be read {reading}; the choice changes {changes} ({here})"
            out.append(replace(entry["finding"], message=message, clauses=clauses, outcomes=outcomes,
                               documents=_docs(clauses)))
        return out


class _GroupAnalysis:
    def __init__(self, policy: Policy, raw: Policy, group: tuple[ir.Conjunct, ...], options: Options, out: Analysis,
                 shared: _Shared, deadline: float | None = None):
        self.policy, self.raw, self.group, self.options, self.out = policy, raw, group, options, out
        self.shared = shared
        self.vocab = policy.vocabulary
        self.deadline = deadline
        self.search = GroupSearch(policy, group, options.timeout_ms, deadline)
        self.clash_sets: set[tuple[int, ...]] = set()  # the minimal clashes `clashes` found

    def run(self) -> None:
        for step in (self.dead_clauses, self.clashes, self.overrides, self.implied, self.gaps, self.time_readings):
            try:
                step()
            except SolverUnknown as exc:
                self.out.findings.append(_unknown(step.__name__.replace("_", " "), self.group, exc, self.options))
                if isinstance(exc, BudgetSpent) or getattr(exc, "budget", False):
                    break  # the run's budget is spent: the other steps would only say so again
        self.out.solver_calls += self.search.calls

    def _add(self, finding: Finding) -> None:
        self.out.findings.append(finding)

    def _witness(self, search: GroupSearch, constraints: list, conjuncts, extra=frozenset()) -> dict | None:
        """The canonical point of `constraints`, told as the facts `conjuncts` read (and
        `extra`) with every event that happened: what a reader needs and no more."""
        point = search.canonical_point(constraints, search.fact_names)
        return None if point is None else shown(self.vocab, point, conjuncts, extra)

    # -- dead -------------------------------------------------------------------------------

    def dead_clauses(self) -> None:
        """Record every conjunct of the group that never applies, and why (its clause's
        condition cannot hold, or its exceptions take every case). Reported per clause
        once every group is done (`_Shared.dead_findings`): a clause's conjuncts can sit
        in different groups, and an exception takes only the part on what it decides."""
        for c in self.group:
            if self.search.guard_satisfiable(c.order):
                continue
            self.shared.dead.add(c.order)
            stated = tuple((e, o) for e, o in c.narrowed_by if o.applies_under("stated"))
            if len(stated) < len(c.narrowed_by) and self.search.satisfiable(narrowed(c.clause.when, stated)):
                self.shared.dead_by_inferred.add(c.order)  # dead only if an inferred exception prevails
                continue
            unsatisfiable = self.shared.dead_why.get(c.clause.key)
            if unsatisfiable is None:
                unsatisfiable = not self.search.satisfiable(c.clause.when)
                self.shared.dead_why[c.clause.key] = unsatisfiable

    # -- clashes ----------------------------------------------------------------------------

    def clashes(self) -> None:
        keys = frozenset(c.clause.key for c in self.group)
        try:
            found_sets = self.search.minimal_clashes()
        except SearchGaveUp as exc:
            self.shared.group_clashes.append((keys, None))
            self._report_clashes(exc.found)  # what was found before the solver gave up stays reported
            raise
        self.clash_sets = {f.orders for f in found_sets}
        self.shared.group_clashes.append((keys, {_clause_keys(self.policy, f.orders) for f in found_sets}))
        self._report_clashes(found_sets)

    def _clash(self, search: GroupSearch, policy: Policy, found: Found, others: list[tuple[int, ...]]):
        return certified_clash(self.vocab, search, policy, found, others)

    def _report_clashes(self, found_sets: list[Found]) -> None:
        for found in sorted(found_sets, key=lambda f: f.orders):
            others = [f.orders for f in found_sets if f is not found]
            members, facts, region, also = self._clash(self.search, self.policy, found, others)
            clauses = unique_clauses(members)
            documents = tuple(sorted({c.document for c in clauses}))
            outcomes = clash_outcomes(members)
            winner = rank_winner(members, self.options.ranks)
            many = len(self.policy.documents) > 1
            detail = {"also_clashing": [[f"{c.document} {c.id}" if many else c.id for c in other] for other in also]} if also else {}
            if winner:
                self._add(Finding("override", "override.rank", "info",
                                  f"{_names(clauses)} clash on {_words(self.vocab, outcomes)}; resolved by rank in favour of {', '.join(winner)}",
                                  clauses, facts, region, outcomes, documents, detail=detail))
                continue
            rule = "clash.across-documents" if len(documents) > 1 else "clash.within-document"
            self._add(Finding("clash", rule, "error",
                              f"{_names(clauses)} cannot all hold: they contradict each other on {_words(self.vocab, outcomes)}",
                              clauses, facts, region, outcomes, documents, detail=detail))

    def overrides(self) -> None:
        """Every clash the exceptions resolve, whether or not the exception is one of its
        clauses (an exception on the refund method can resolve a clash of the clause it
        narrows with a third). One the text's own exceptions resolve is recorded for
        `_Shared.overrides` (info); one that only an inferred exception resolves is a
        contradiction of the text, reported here with the exception that would settle it."""
        pairs = {(e.key, o.condition, c.clause.key) for c in self.group for e, o in c.narrowed_by}
        if not pairs:
            return
        for exception, condition, overridden in pairs:
            self.shared.exceptions.setdefault((exception, condition), set()).add(overridden)
        raw_group = tuple(self.raw.conjuncts[c.order] for c in self.group)
        raw_search = GroupSearch(self.raw, raw_group, self.options.timeout_ms, self.deadline)
        stated: tuple[Policy, GroupSearch] | None = None
        unless_inferred: list[Found] = []
        try:
            raw_sets = raw_search.minimal_clashes()
            for found in sorted(raw_sets, key=lambda f: f.orders):
                if found.orders in self.clash_sets:
                    continue  # a clash the exceptions leave standing: reported by `clashes`
                others = [f.orders for f in raw_sets if f is not found]
                if self.policy.has_inferred_exceptions:
                    if stated is None:
                        only = self.policy.with_stated_exceptions_only()
                        stated = (only, GroupSearch(only, tuple(only.conjuncts[c.order] for c in self.group),
                                                    self.options.timeout_ms, self.deadline))
                    if stated[1].clash_exists(found.orders).satisfiable():
                        unless_inferred.append(found)
                        continue
                members, facts, region, _ = self._clash(raw_search, self.raw, found, others)
                clauses, outcomes = unique_clauses(members), clash_outcomes(members)
                finding = Finding("override", "override.exception", "info", "", clauses, facts, region, outcomes,
                                  _docs(clauses))
                takers = _narrowers(self.policy.conjuncts[o] for o in found.orders)
                in_clash = {c.key for c in clauses}
                takers = tuple(t for t in takers if t[0].key in in_clash) or takers  # the exception in the clash, if any
                for exception, condition in takers:
                    self.shared.resolved.setdefault((exception.key, condition), []).append((found.orders, finding))
            self._report_inferred(stated, unless_inferred, raw_sets)
        finally:
            self.out.solver_calls += raw_search.calls + (stated[1].calls if stated else 0)

    def _report_inferred(self, stated: tuple[Policy, GroupSearch] | None, found_sets: list[Found],
                         every: list[Found]) -> None:
        """Clashes that stand unless an exception the encoder inferred prevails: warnings,
        one per exception and clause it would narrow (the same contradiction met through
        several clauses on the other side is one problem), each with a case where the
        text's own exceptions do not settle it."""
        if stated is None:
            return
        policy, search = stated
        by_key = {c.key: c for c in self.policy.clauses}
        by_problem: dict[tuple, list[Found]] = {}
        for found in found_sets:
            taken = [(self.policy.conjuncts[m], e) for m in found.orders
                     for e, o in self.policy.conjuncts[m].narrowed_by if o.is_inferred]
            problem = (tuple(sorted({e.key for _, e in taken})), tuple(sorted({c.clause.key for c, _ in taken})))
            by_problem.setdefault(problem, []).append(found)
        for (exception_keys, narrowed_keys), sets in sorted(by_problem.items(), key=lambda kv: kv[1][0].orders):
            first = sets[0]
            others = [f.orders for f in every if f is not first]
            members, facts, region, _ = self._clash(search, policy, first, others)
            every_member = [self.policy.conjuncts[o] for f in sets for o in f.orders]
            clauses = unique_clauses(every_member)
            outcomes = tuple(sorted({o for f in sets for o in clash_outcomes(tuple(self.policy.conjuncts[m] for m in f.orders))}))
            who = tuple(sorted((by_key[k] for k in exception_keys), key=lambda e: e.location.line))
            over = tuple(sorted((by_key[k] for k in narrowed_keys), key=lambda c: c.location.line))
            reasons = sorted({o.inferred for c in every_member for e, o in c.narrowed_by
                              if o.is_inferred and o.inferred and e.key in exception_keys})
            why = "; ".join(reasons) or "the encoding does not say that the text states it"
            lost = self._lost_under(exception_keys, narrowed_keys)
            names, wins = ", ".join(e.id for e in who), "prevails" if len(who) == 1 else "prevail"
            first_names = _names(unique_clauses(members))
            many = (f"; {len(sets)} sets of these clauses cannot all hold, the first {first_names}" if len(sets) > 1 else "")
            self.shared.inferred.update(exception_keys)
            self._add(Finding(
                "clash", "clash.inferred-exception", "warning",
                f"{_names(clauses)} contradict each other on {_words(self.vocab, outcomes)}{many}. Resolved only if {names} "
                f"{wins} over {_names(over)}, an exception the encoding infers and the text does not state "
                f"({why}){lost}",
                (*clauses, *(e for e in who if e not in clauses)), facts, region, outcomes, _docs((*clauses, *who)),
                detail={"inferred_exceptions": [e.id for e in who], "narrowed": [c.id for c in over],
                        "clash_sets": [[c.id for c in unique_clauses(self.policy.conjuncts[o] for o in f.orders)] for f in sets]}))

    def _lost_under(self, exception_keys: tuple, narrowed_keys: tuple) -> str:
        """What of the narrowed clauses would never apply if the inferred exceptions
        prevail (reported here, not as a dead clause: it rests on the encoder's reading)."""
        parts = []
        for key in narrowed_keys:
            own = [c for c in self.policy.conjuncts if c.clause.key == key]
            gone = [c for c in own if c.order in self.shared.dead_by_inferred]
            if gone:
                parts.append(f"{_what_of(self.vocab, own, gone)[0]} would never apply")
        return f"; if it does, {' and '.join(parts)}" if parts else ""

    # -- implied ----------------------------------------------------------------------------

    def implied(self) -> None:
        """Record, for each requirement of a live clause, a minimal set of other clauses'
        requirements that implies it (or that none does)."""
        dead = self.shared.dead
        rules = [c for c in self.group if not c.is_discretion and c.order not in dead]
        for c in rules:
            others = [o.order for o in rules if o.clause.key != c.clause.key]
            support = self.search.implied_by(c.order, others)
            self.shared.implied[c.order] = None if support is None else tuple(support)

    # -- gaps ---------------------------------------------------------------------------------

    def gaps(self) -> None:
        for name in self.search.outcomes:
            var = self.vocab.outcomes[name]
            kinds = self.shared.scope.asks(var.asked_by)
            if not kinds or not any(name in c.constrains for c in self.group):
                continue
            deciding = [c for c in self.group if not c.is_discretion and name in c.constrains]
            discretion = [c for c in self.group if c.is_discretion and name in c.constrains]
            speakers = deciding + discretion
            question = self.search.open_constraints(name, kinds)
            asked = _request_atom(self.vocab, kinds)
            avoid: list = []
            for _ in range(MAX_GAP_REGIONS):
                facts = self._witness(self.search, question + avoid, self.group, {"request"})
                if facts is None:
                    break
                values = certify_open(self.vocab, self.group, facts, name)
                applying = [c for c in speakers if not c.reads and evaluate(c.guard, facts, {})]
                region: list[tuple[ir.Expr, bool]] = []
                if not applying:
                    # no clause speaks to it here: widen to where none does (all open there);
                    # the request kind stays fixed
                    literals = _literals(ir.conjunct_atoms(speakers), facts)
                    outside = [self.search.cube(_literals(asked, facts)), self.search.applies(c.order for c in speakers)]
                    widened = self.search.widen(literals, outside)
                    if widened is not None:
                        region = _literals(asked, facts) + widened
                if region:
                    # where no clause speaks to it, it is one gap: the next must have a
                    # clause that applies (and leaves it open)
                    avoid.append(self.search.applies(c.order for c in speakers))
                    inside = self._witness(self.search, question + [self.search.cube(region)], self.group, {"request"})
                    if inside is not None:
                        facts = inside
                        values = certify_open(self.vocab, self.group, facts, name)
                else:
                    # the same gap is the same clauses applying, reading the same: a new gap
                    # differs in a fact a clause that applies here reads, or in which apply
                    reading = applying + [c for c in speakers if c.reads]
                    same = _literals(asked + ir.conjunct_atoms(reading), facts)
                    avoid.append(self.search.excluding(same, [c.order for c in speakers if c not in reading]))
                clauses = unique_clauses(deciding)
                self._add(Finding(
                    "gap", "gap.open-outcome", "warning",
                    f"{_words(self.vocab, (name,))} is left open: for these cases no clause decides it "
                    f"(it could be {' or '.join(_show(v) for v in values)})",
                    clauses, facts, tuple(region), (name,), self.out.documents, detail={"outcome": name}))

    # -- readings of time ---------------------------------------------------------------------

    def time_readings(self) -> None:
        """Where a clause's time limit can be read two ways ("within 24 hours": inclusive or
        not; "14 days": calendar or working days), find a case whose outcome the choice
        changes."""
        done = set()
        for c in self.group:
            clause = c.clause
            if clause.key in done or self.shared.clause_dead(clause.key):
                continue
            done.add(clause.key)
            for atom, other, term, reading, sentence in _other_readings(clause):
                self._try_reading(clause, atom, other, term, reading, sentence)

    def _try_reading(self, clause: ir.Clause, atom: ir.Expr, other: ir.Expr, term: str, reading: str,
                     sentence: str) -> None:
        own = [c for c in self.group if c.clause.key == clause.key]
        within = ir.Or(tuple(ir.Or((c.guard, _replace(c.guard, atom, other))) for c in own))
        question = self.search.differs(atom, other, within)
        alternative = tuple(_replace_conjunct(c, atom, other) if c.clause.key == clause.key else c for c in self.group)
        decided = sorted({o for c in own for o in c.constrains})
        change = _first_change(self.vocab, self.search, question, self.search.fact_names, self.group, alternative,
                               decided, ir.conjunct_atoms(self.group))
        if change is None:
            return
        facts, changed = change
        finding = Finding("ambiguity", "ambiguity.time-reading", "warning", "", (clause,), facts,
                          tuple(_literals([atom], facts)), tuple(n for n, _, _ in changed),
                          (clause.document,), detail={"term": term, "reading": reading})
        self.shared.add_reading((clause.document, sentence, term, reading), clause, finding, changed)


# ---- whole-policy findings --------------------------------------------------------------


def _text_duplicates(policy: Policy) -> list[Finding]:
    """Passages the source repeats word for word that are encoded at each place. One
    sentence encoded as several clauses (one per outcome or per action) is not a
    duplicate of itself: only a text that stands twice in the source counts."""
    out = []
    for doc in policy.documents:
        seen: dict[str, ir.Clause] = {}
        for clause in doc.clauses:
            key = normalise(clause.quote)
            other = seen.get(key)
            if other is None:
                seen[key] = clause
                continue
            if repeated_in_source(doc, clause):
                how = ("analysed once" if same_rule(other, clause)
                       else "but encoded differently: the two encodings should agree")
                message = f"{other.id} and {clause.id} encode the same text, which the source repeats ({how})"
            elif _decided(other) & _decided(clause):
                message = f"{other.id} and {clause.id} encode the same sentence twice, for the same outcome"
            else:
                continue  # one sentence, one clause per outcome it decides: not a duplicate
            out.append(Finding("duplicate", "duplicate.same-text", "warning",
                               f"{message}: \u201c{clause.quote}\u201d",
                               (other, clause), documents=_docs((other, clause))))
    return out


def _declared_conflicts(policy: Policy) -> list[Finding]:
    """Collisions an encoding declares (`conflicts:`) because the vocabulary cannot express
    them: reported as they are declared, not proven, so that they are not lost."""
    out = []
    for doc in policy.documents:
        for conflict in doc.conflicts:
            clauses = tuple(c for cid in conflict.clauses for c in doc.clauses if c.id == cid)
            quotes = " against ".join(f"\u201c{q}\u201d" for q in conflict.quotes)
            out.append(Finding("clash", "clash.declared", "warning",
                               f"{quotes} collide, as the encoding declares (not proven: the vocabulary cannot say it): "
                               f"{conflict.witness}", clauses, documents=(doc.name,),
                               detail={"conflict": conflict.id, "quotes": list(conflict.quotes),
                                       "case": conflict.witness}))
    return out


def _decided(clause: ir.Clause) -> set[str]:
    return ir.outcomes(clause.then)


def _silent_outcomes(policy: Policy, scope: Scope) -> list[Finding]:
    """Outcomes a request inside the policy's scope asks about that no clause decides."""
    decided = {o for c in policy.conjuncts for o in c.constrains}
    out = []
    for name, var in policy.vocabulary.outcomes.items():
        kinds = scope.asks(var.asked_by)
        if kinds and name not in decided:
            out.append(Finding("gap", "gap.no-clause", "info",
                               f"no clause decides {_words(policy.vocabulary, (name,))} (asked by a {' or '.join(kinds)} request)",
                               outcomes=(name,), documents=policy.names, detail={"outcome": name}))
    return out


def _vague_terms(policy: Policy) -> list[Finding]:
    out = []
    for clause in policy.clauses:
        text = normalise(clause.quote).lower()
        terms = [t for t in VAGUE_TERMS if re.search(rf"\b{re.escape(t)}\b", text)]
        discretion = [o for c in policy.conjuncts if c.clause.key == clause.key and c.is_discretion for o in c.constrains]
        for term in terms:
            effect = (f"the clause leaves {_words(policy.vocabulary, tuple(sorted(discretion)))} to the seller" if discretion
                      else "the encoding fixes one reading; a reviewer should confirm it")
            out.append(Finding("ambiguity", "ambiguity.vague-term", "info",
                               f"{clause.id} turns on \u201c{term}\u201d, which the text does not define: {effect}",
                               (clause,), outcomes=tuple(sorted(discretion)), documents=(clause.document,),
                               detail={"term": term}))
    return out


def _check_properties(policy: Policy, properties: tuple[Property, ...], options: Options, out: Analysis) -> None:
    search = GroupSearch(policy, policy.conjuncts, options.timeout_ms)
    for prop in properties:
        needed = set(ir.facts(prop.when)) | set(ir.facts(prop.holds))
        try:
            found = search.counterexample(prop.when, prop.holds, [*search.fact_names, *sorted(needed)])
        except SolverUnknown as exc:
            finding = _unknown(f"property {prop.id}", (), exc, options)
            out.findings.append(finding)
            out.properties.append(PropertyResult(prop.document, prop.id, prop.statement, "unknown", finding))
            continue
        if found is None:
            out.properties.append(PropertyResult(prop.document, prop.id, prop.statement, "holds"))
            continue
        facts = shown(policy.vocabulary, found.facts, policy.conjuncts, needed)
        certify_counterexample(policy.conjuncts, facts, found.outcomes, prop.when, prop.holds, policy.vocabulary)
        read = set(ir.outcomes(prop.when)) | set(ir.outcomes(prop.holds))
        finding = Finding("property", "property.refuted", "error",
                          f"property {prop.id} does not hold: {prop.statement}",
                          witness=facts, outcomes=tuple(sorted(read)), documents=policy.names,
                          detail={"property": prop.id, "outcome_values": {k: found.outcomes[k] for k in sorted(read)}})
        out.findings.append(finding)
        out.properties.append(PropertyResult(prop.document, prop.id, prop.statement, "refuted", finding))
    out.solver_calls += search.calls


# ---- helpers ------------------------------------------------------------------------------


def _unknown(question: str, group, exc: Exception, options: Options) -> Finding:
    clauses = unique_clauses(group)
    if isinstance(exc, BudgetSpent) or getattr(exc, "budget", False):
        message = (f"the analysis used up its time budget of {options.budget_s:g} s while asking about {question}; "
                   f"what is left of these clauses was not analysed")
    else:
        message = f"the solver could not answer ({question}) within {options.timeout_ms} ms: {exc}"
    return Finding("unknown", "unknown.solver-limit", "error", message, clauses, documents=_docs(clauses))


def _distinct(*clauses: ir.Clause) -> tuple[ir.Clause, ...]:
    """The clauses, each once, in the order given."""
    return tuple({c.key: c for c in clauses}.values())


def _docs(clauses) -> tuple[str, ...]:
    return tuple(sorted({c.document for c in clauses}))


def _names(clauses) -> str:
    ids = [c.id if len({x.document for x in clauses}) == 1 else f"{c.document} {c.id}" for c in clauses]
    return ", ".join(ids[:-1]) + f" and {ids[-1]}" if len(ids) > 1 else ids[0]


def _require(clauses) -> str:
    return "requires" if len(clauses) == 1 else "require"


def _words(vocabulary, outcomes) -> str:
    """Outcomes named as a reader says them: "the refund method and the refund deadline"."""
    return nouns([vocabulary.outcomes[o] for o in outcomes])


def _show(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        return str(int(value)) if value.denominator == 1 else str(float(value))
    return str(value).replace("_", " ")


def _verdict(v) -> str:
    if v.status == "determined":
        return _show(v.value)
    return {"open": "left open", "clash": "in clash"}.get(v.status, v.status)


def _literals(atoms: list[ir.Expr], facts) -> list[tuple[ir.Expr, bool]]:
    return [(a, bool(evaluate(a, facts, {}))) for a in atoms]


def _request_atom(vocab, kinds) -> list[ir.Expr]:
    var = vocab.facts.get("request")
    return [ir.In(ir.Var(var), tuple(kinds), False)] if var is not None else []


def _replace(e: ir.Expr, old: ir.Expr, new: ir.Expr) -> ir.Expr:
    if e == old:
        return new
    if isinstance(e, ir.Not):
        return ir.Not(_replace(e.operand, old, new))
    if isinstance(e, (ir.And, ir.Or)):
        return type(e)(tuple(_replace(x, old, new) for x in e.operands))
    if isinstance(e, ir.Cmp):
        return ir.Cmp(e.op, _replace(e.left, old, new), _replace(e.right, old, new))
    if isinstance(e, ir.IfThen):
        return ir.IfThen(_replace(e.test, old, new), e.then, e.otherwise)
    return e


def _replace_conjunct(c: ir.Conjunct, old: ir.Expr, new: ir.Expr) -> ir.Conjunct:
    return ir.Conjunct(c.clause, c.index, _replace(c.guard, old, new), _replace(c.body, old, new), c.order)


_WITHIN = re.compile(r"\bwithin\b|\bup to\b|\bno later than\b|\bnot later than\b|\bbefore\b")
# Words that settle how days are counted: the kind of day, or counting from a date.
_DAY_KIND = re.compile(r"\b(working|business|calendar|week)\s*days?\b")
_FROM_DATE = re.compile(r"\bcalendar\s+days?\b|\bdate\b|\bdated\b")
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                 9: "nine", 10: "ten", 12: "twelve", 14: "fourteen", 15: "fifteen", 24: "twenty-four",
                 30: "thirty", 48: "forty-eight", 60: "sixty", 90: "ninety"}


def _sentence_of(clause: ir.Clause, number: Fraction) -> str:
    """The quoted span that states a number (its words decide how the limit reads)."""
    whole = number.denominator == 1
    marks = [str(int(number))] if whole else [f"{float(number):g}"]
    if whole and int(number) in _NUMBER_WORDS:
        marks.append(_NUMBER_WORDS[int(number)])
    for quote in clause.quotes:
        text = normalise(quote).lower()
        if any(re.search(rf"(?<![\d.]){re.escape(m)}(?![\d])", text) for m in marks):
            return text
    return normalise(clause.quote).lower()


def _other_readings(clause: ir.Clause):
    """(atom, the atom on the other reading, the words at stake, how it reads, the
    sentence) for each time limit in the clause whose words leave its reading open."""
    seen = set()
    for part in (clause.when, clause.then):
        for atom in ir.walk(part):
            if not isinstance(atom, ir.Cmp) or atom in seen:
                continue
            seen.add(atom)
            duration, const, flipped = _duration_bound(atom)
            if duration is None:
                continue
            number = const.value
            text = _sentence_of(clause, number)
            shown_number = str(int(number)) if number.denominator == 1 else str(float(number))
            if atom.op in ("<=", "<", ">", ">=") and _WITHIN.search(text):
                swap = {"<=": "<", "<": "<=", ">": ">=", ">=": ">"}[atom.op]
                term = f"within {shown_number} {duration.unit.replace('_', ' ')}"
                yield atom, ir.Cmp(swap, atom.left, atom.right), term, "as including the last moment or not", text
            if duration.unit == "days" and not _FROM_DATE.search(text):
                # "30 days from the delivery": counted on the calendar from the date, or as
                # 24-hour periods from the moment of delivery ("from the date of" settles it)
                hours = ir.Duration("hours", duration.start, duration.end)
                bound = ir.Const(number * 24)
                yield (atom, ir.Cmp(atom.op, *((bound, hours) if flipped else (hours, bound))),
                       f"{shown_number} days", "as calendar dates or as 24-hour periods from the moment", text)
            if duration.unit == "days" and not _DAY_KIND.search(text):
                other = ir.Duration("working_days", duration.start, duration.end)
                yield (atom, ir.Cmp(atom.op, *((const, other) if flipped else (other, const))),
                       f"{shown_number} days", "as calendar days or as working days", text)


def _duration_bound(atom: ir.Cmp):
    if isinstance(atom.left, ir.Duration) and isinstance(atom.right, ir.Const):
        return atom.left, atom.right, False
    if isinstance(atom.right, ir.Duration) and isinstance(atom.left, ir.Const):
        return atom.right, atom.left, True
    return None, None, False
