"""The whole-policy analysis behind `clausecheck check`.

The policy is cut into groups of conjuncts that share outcomes (`components`); each
group gets one incremental solver (`search.GroupSearch`) and is asked, in turn, for
dead clauses, minimal clashes (with and without the declared exceptions), implied
and duplicate clauses, open outcomes and time readings that change an outcome.
Every witness is certified by the plain evaluator (`certify`) before it becomes a
finding; a solver `unknown` becomes a finding of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from . import ir
from .certify import CertificateError, certify_clash, certify_counterexample, certify_open, witness_facts
from .components import outcome_groups
from .evaluate import decide_conjuncts, evaluate
from .findings import Analysis, Finding, PropertyResult
from .load import Property
from .policy import Policy
from .search import Found, GroupSearch, SearchGaveUp, SolverUnknown
from .sourcetext import normalise
from .verdict import clash_outcomes, unique_clauses

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
    timeout_ms: int | None = 10000
    ranks: dict[str, int] = field(default_factory=dict)  # document -> rank, 1 the highest


def analyse(policy: Policy, name: str, options: Options | None = None,
            properties: tuple[Property, ...] = ()) -> Analysis:
    options = options or Options()
    result = Analysis(name, policy.names)
    raw = policy.without_exceptions()
    groups = outcome_groups(policy.conjuncts)
    result.groups = len(groups)
    for group in groups:
        _GroupAnalysis(policy, raw, group, options, result).run()
    result.findings.extend(_text_duplicates(policy))
    result.findings.extend(_silent_outcomes(policy))
    result.findings.extend(_vague_terms(policy))
    if properties:
        _check_properties(policy, properties, options, result)
    result.sort()
    return result


class _GroupAnalysis:
    def __init__(self, policy: Policy, raw: Policy, group: tuple[ir.Conjunct, ...], options: Options, out: Analysis):
        self.policy, self.raw, self.group, self.options, self.out = policy, raw, group, options, out
        self.vocab = policy.vocabulary
        self.search = GroupSearch(policy, group, options.timeout_ms)
        self.dead: set[tuple[str, str]] = set()

    def run(self) -> None:
        for step in (self.dead_clauses, self.clashes, self.overrides, self.implied, self.gaps, self.time_readings):
            try:
                step()
            except SolverUnknown as exc:
                self.out.findings.append(_unknown(step.__name__.replace("_", " "), self.group, exc, self.options))
        self.out.solver_calls += self.search.calls

    def _add(self, finding: Finding) -> None:
        self.out.findings.append(finding)

    # -- dead -------------------------------------------------------------------------------

    def dead_clauses(self) -> None:
        seen = set()
        for c in self.group:
            if c.clause.key in seen:
                continue
            seen.add(c.clause.key)
            if self.search.guard_satisfiable(c.order):
                continue
            self.dead.add(c.clause.key)
            if self.search.satisfiable(c.clause.when):
                takers = [e for e in self.policy.clauses if e.document == c.clause.document and c.clause.id in e.overrides]
                self._add(Finding(
                    "dead", "dead.always-overridden", "error",
                    f"{c.clause.id} never applies: every case it speaks to is taken by its exception(s) "
                    f"{', '.join(e.id for e in takers)}",
                    (c.clause, *takers), documents=(c.clause.document,)))
            else:
                self._add(Finding("dead", "dead.unsatisfiable-condition", "error",
                                  f"{c.clause.id} never applies: no case consistent with the background axioms meets its condition",
                                  (c.clause,), documents=(c.clause.document,)))

    # -- clashes ----------------------------------------------------------------------------

    def clashes(self) -> None:
        try:
            found_sets = self.search.minimal_clashes()
        except SearchGaveUp as exc:
            self._report_clashes(exc.found)  # what was found before the solver gave up stays reported
            raise
        self._report_clashes(found_sets)

    def _report_clashes(self, found_sets: list[Found]) -> None:
        for found in found_sets:
            members = tuple(self.policy.conjuncts[o] for o in found.orders)
            facts = witness_facts(self.vocab, found.facts, members)
            certify_clash(self.vocab, members, facts)
            region = self._region(members, facts, self.search.indicators(found.orders), self.search)
            facts = self._nicer(self.search, region, [], facts, lambda f: certify_clash(self.vocab, members, f), members)
            clauses = unique_clauses(members)
            documents = tuple(sorted({c.document for c in clauses}))
            outcomes = clash_outcomes(members)
            ranks = {self.options.ranks[d] for d in documents if d in self.options.ranks}
            if len(documents) > 1 and len(ranks) > 1:
                top = min(self.options.ranks[d] for d in documents if d in self.options.ranks)
                winner = sorted(d for d in documents if self.options.ranks.get(d) == top)
                self._add(Finding("override", "override.rank", "info",
                                  f"{_names(clauses)} clash on {_words(outcomes)}; resolved by rank in favour of {', '.join(winner)}",
                                  clauses, facts, region, outcomes, documents))
                continue
            rule = "clash.across-documents" if len(documents) > 1 else "clash.within-document"
            self._add(Finding("clash", rule, "error",
                              f"{_names(clauses)} cannot all hold: they contradict each other on {_words(outcomes)}",
                              clauses, facts, region, outcomes, documents))

    def overrides(self) -> None:
        """Show every exception the text makes, with the clash it resolves (if any)."""
        pairs = [(e, c) for c in unique_clauses(self.group) for e in self.policy.clauses
                 if e.document == c.document and c.id in e.overrides]
        if not pairs:
            return
        raw_group = tuple(self.raw.conjuncts[c.order] for c in self.group)
        raw_search = GroupSearch(self.raw, raw_group, self.options.timeout_ms)
        try:
            shown = set()
            for found in raw_search.minimal_clashes():
                members = tuple(self.raw.conjuncts[o] for o in found.orders)
                keys = {m.clause.key for m in members}
                resolved = [(e, c) for e, c in pairs if e.key in keys and c.key in keys]
                if not resolved:
                    continue
                facts = witness_facts(self.vocab, found.facts, members)
                certify_clash(self.vocab, members, facts)
                region = self._region(members, facts, raw_search.indicators(found.orders), raw_search)
                facts = self._nicer(raw_search, region, [], facts, lambda f: certify_clash(self.vocab, members, f), members)
                clauses, outcomes = unique_clauses(members), clash_outcomes(members)
                names = "; ".join(f"{e.id} is an exception to {c.id}" for e, c in resolved)
                shown.update((e.key, c.key) for e, c in resolved)
                self._add(Finding("override", "override.exception", "info",
                                  f"{names}: without it, {_names(clauses)} would contradict each other on {_words(outcomes)}",
                                  clauses, facts, region, outcomes, tuple(sorted({c.document for c in clauses}))))
            for e, c in pairs:
                if (e.key, c.key) not in shown:
                    self._add(Finding("override", "override.exception", "info",
                                      f"{e.id} is an exception to {c.id}; the two would not contradict each other without it",
                                      (c, e), documents=(c.document,)))
        finally:
            self.out.solver_calls += raw_search.calls

    # -- implied and duplicate --------------------------------------------------------------

    def implied(self) -> None:
        rules = [c for c in self.group if not c.is_discretion]
        by_clause: dict[tuple[str, str], list[ir.Conjunct]] = {}
        for c in rules:
            by_clause.setdefault(c.clause.key, []).append(c)
        implied_by: dict[tuple[str, str], tuple[ir.Clause, ...]] = {}
        for key, own in by_clause.items():
            if key in self.dead:
                continue
            others = [c.order for c in rules if c.clause.key != key and c.clause.key not in self.dead]
            support: set[int] = set()
            for c in own:
                found = self.search.implied_by(c.order, others)
                if found is None:
                    break
                support.update(found)
            else:
                implied_by[key] = unique_clauses(self.policy.conjuncts[o] for o in sorted(support))
        reported = set()
        for key, support in implied_by.items():
            clause = by_clause[key][0].clause
            if not support:
                self._add(Finding("redundant", "redundant.self-evident", "warning",
                                  f"{clause.id} requires nothing: what it says follows from its own condition",
                                  (clause,), documents=(clause.document,), detail={"implied_by": []}))
                continue
            if len(support) == 1 and implied_by.get(support[0].key) == (clause,):
                pair = tuple(sorted([key, support[0].key]))
                if pair in reported:
                    continue
                reported.add(pair)
                first, second = sorted([clause, support[0]], key=lambda c: c.location.line)
                if normalise(first.quote) == normalise(second.quote):
                    continue  # the same text twice: reported once, as a textual duplicate
                self._add(Finding("duplicate", "duplicate.same-meaning", "warning",
                                  f"{first.id} and {second.id} say the same thing in different words: each implies the other",
                                  (first, second), documents=_docs((first, second))))
            elif not any(normalise(s.quote) == normalise(clause.quote) for s in support):
                self._add(Finding("redundant", "redundant.implied", "warning",
                                  f"{clause.id} adds nothing: wherever it applies, {_names(support)} already require what it says",
                                  (clause, *support), documents=_docs((clause, *support)),
                                  detail={"implied_by": [c.id for c in support]}))

    # -- gaps ---------------------------------------------------------------------------------

    def gaps(self) -> None:
        for name in self.search.outcomes:
            var = self.vocab.outcomes[name]
            if not var.asked_by or not any(name in c.constrains for c in self.group):
                continue
            deciding = [c for c in self.group if not c.is_discretion and name in c.constrains]
            discretion = [c for c in self.group if c.is_discretion and name in c.constrains]
            avoid: list[list[tuple[ir.Expr, bool]]] = []
            for _ in range(MAX_GAP_REGIONS):
                found = self.search.open_outcome(name, var.asked_by, avoid)
                if found is None:
                    break
                facts = witness_facts(self.vocab, found.facts, self.group, {"request"} & set(self.vocab.facts))
                values = certify_open(self.vocab, self.group, facts, name)
                asked = _literals(_request_atom(self.vocab, var.asked_by), facts)
                literals = _literals(ir.conjunct_atoms(deciding + discretion), facts)
                region: list[tuple[ir.Expr, bool]] = []
                if not any(evaluate(c.guard, facts, {}) for c in deciding + discretion if not c.reads):
                    # no clause speaks to it here: widen to where none does (all open there);
                    # the request kind stays fixed
                    outside = [self.search.cube(asked), self.search.applies(c.order for c in deciding + discretion)]
                    widened = self.search.widen(literals, outside)
                    region = asked + widened if widened is not None else []
                literals = asked + literals
                avoid.append(region or literals)
                full = self._nicer(self.search, region or literals, [], facts,
                                   lambda f: certify_open(self.vocab, self.group, f, name), self.group, {"request"})
                # every fact the group reads: an event left out would count as not happened,
                # which could bring a clause into play
                facts = witness_facts(self.vocab, full, self.group, {"request"} & set(self.vocab.facts))
                clauses = unique_clauses(deciding)
                self._add(Finding(
                    "gap", "gap.open-outcome", "warning",
                    f"{_words((name,))} is left open: for these cases no clause decides it "
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
            if clause.key in done or clause.key in self.dead:
                continue
            done.add(clause.key)
            for atom, other, term, reading in _other_readings(clause):
                self._try_reading(clause, atom, other, term, reading)

    def _try_reading(self, clause: ir.Clause, atom: ir.Expr, other: ir.Expr, term: str, reading: str) -> None:
        own = [c for c in self.group if c.clause.key == clause.key]
        within = ir.Or(tuple(ir.Or((c.guard, _replace(c.guard, atom, other))) for c in own))
        avoid: list[list[tuple[ir.Expr, bool]]] = []
        alternative = tuple(_replace_conjunct(c, atom, other) if c.clause.key == clause.key else c for c in self.group)
        for _ in range(MAX_READING_TRIES):
            found = self.search.differs(atom, other, within, avoid)
            if found is None:
                return
            facts = witness_facts(self.vocab, found.facts, self.group)
            before = decide_conjuncts(self.vocab, self.group, facts).outcomes
            after = decide_conjuncts(self.vocab, alternative, facts).outcomes
            changed = [(n, _verdict(before[n]), _verdict(after[n]))
                       for n in sorted({o for c in own for o in c.constrains})
                       if _verdict(before[n]) != _verdict(after[n])]
            if changed:
                break
            # the choice changes nothing here: look elsewhere
            avoid.append(_literals(ir.conjunct_atoms(self.group), facts))
        else:
            return
        story = "; ".join(f"{_words((n,))}: {b} as encoded, {a} on the other reading" for n, b, a in changed)
        self._add(Finding("ambiguity", "ambiguity.time-reading", "warning",
                          f"{clause.id}: \u201c{term}\u201d can be read {reading}; the choice changes the outcome here ({story})",
                          (clause,), facts, tuple(_literals([atom], facts)), tuple(n for n, _, _ in changed),
                          (clause.document,), detail={"term": term}))

    # -- regions ------------------------------------------------------------------------------

    def _nicer(self, search: GroupSearch, region, inside, facts, certify, conjuncts, extra=frozenset()):
        """A witness from the same region that reads better (round times), if the
        evaluator confirms it; otherwise the one found."""
        candidate = search.nicest(list(region), inside)
        if candidate is None:
            return facts
        candidate = witness_facts(self.vocab, candidate, conjuncts, set(extra) & set(self.vocab.facts))
        try:
            certify(candidate)
        except CertificateError:
            return facts
        return candidate

    def _region(self, members, facts, inside, search: GroupSearch) -> tuple[tuple[ir.Expr, bool], ...]:
        literals = _literals(ir.conjunct_atoms(members), facts)
        return tuple(search.widen(literals, inside) or ())


# ---- whole-policy findings --------------------------------------------------------------


def _text_duplicates(policy: Policy) -> list[Finding]:
    """Clauses whose whole quote is the same text (a paragraph repeated in the source,
    or one sentence encoded twice). Clauses that share only a lead-in sentence are not
    duplicates."""
    out, seen = [], {}
    for clause in policy.clauses:
        key = normalise(clause.quote)
        other = seen.get(key)
        if other is not None:
            out.append(Finding("duplicate", "duplicate.same-text", "warning",
                               f"{other.id} and {clause.id} encode the same text: \u201c{clause.quote}\u201d",
                               (other, clause), documents=_docs((other, clause))))
        else:
            seen[key] = clause
    return out


def _silent_outcomes(policy: Policy) -> list[Finding]:
    """Outcomes a request asks about that no clause of the policy decides at all."""
    decided = {o for c in policy.conjuncts for o in c.constrains}
    out = []
    for name, var in policy.vocabulary.outcomes.items():
        if var.asked_by and name not in decided:
            out.append(Finding("gap", "gap.no-clause", "info",
                               f"no clause decides {_words((name,))} (asked by a {' or '.join(var.asked_by)} request)",
                               outcomes=(name,), documents=policy.names, detail={"outcome": name}))
    return out


def _vague_terms(policy: Policy) -> list[Finding]:
    out = []
    for clause in policy.clauses:
        text = normalise(clause.quote).lower()
        terms = [t for t in VAGUE_TERMS if re.search(rf"\b{re.escape(t)}\b", text)]
        discretion = [o for c in policy.conjuncts if c.clause.key == clause.key and c.is_discretion for o in c.constrains]
        for term in terms:
            effect = (f"the clause leaves {_words(tuple(sorted(discretion)))} to the seller" if discretion
                      else "the encoding fixes one reading; a reviewer should confirm it")
            out.append(Finding("ambiguity", "ambiguity.vague-term", "info",
                               f"{clause.id} turns on \u201c{term}\u201d, which the text does not define: {effect}",
                               (clause,), outcomes=tuple(sorted(discretion)), documents=(clause.document,),
                               detail={"term": term}))
    return out


def _check_properties(policy: Policy, properties: tuple[Property, ...], options: Options, out: Analysis) -> None:
    search = GroupSearch(policy, policy.conjuncts, options.timeout_ms)
    for prop in properties:
        try:
            found = search.counterexample(prop.when, prop.holds)
        except SolverUnknown as exc:
            finding = _unknown(f"property {prop.id}", (), exc, options)
            out.findings.append(finding)
            out.properties.append(PropertyResult(prop.document, prop.id, prop.statement, "unknown", finding))
            continue
        if found is None:
            out.properties.append(PropertyResult(prop.document, prop.id, prop.statement, "holds"))
            continue
        needed = set(ir.facts(prop.when)) | set(ir.facts(prop.holds))
        facts = witness_facts(policy.vocabulary, found.facts, policy.conjuncts, needed)
        certify_counterexample(policy.conjuncts, facts, found.outcomes, prop.when, prop.holds)
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
    return Finding("unknown", "unknown.solver-limit", "error",
                   f"the solver could not answer ({question}) within {options.timeout_ms} ms: {exc}",
                   clauses, documents=_docs(clauses))




def _docs(clauses) -> tuple[str, ...]:
    return tuple(sorted({c.document for c in clauses}))




def _names(clauses) -> str:
    ids = [c.id if len({x.document for x in clauses}) == 1 else f"{c.document} {c.id}" for c in clauses]
    return ", ".join(ids[:-1]) + f" and {ids[-1]}" if len(ids) > 1 else ids[0]


def _words(outcomes) -> str:
    return ", ".join(o.replace("_", " ") for o in outcomes)


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
    return e


def _replace_conjunct(c: ir.Conjunct, old: ir.Expr, new: ir.Expr) -> ir.Conjunct:
    return ir.Conjunct(c.clause, c.index, _replace(c.guard, old, new), _replace(c.body, old, new), c.order)


_WITHIN = re.compile(r"\bwithin\b|\bup to\b|\bno later than\b|\bnot later than\b|\bbefore\b")
_DAY_KIND = re.compile(r"\b(working|business|calendar|week)\s*days?\b")


def _other_readings(clause: ir.Clause):
    """(atom, the atom on the other reading, the words at stake, how it reads) for each
    time limit in the clause whose text leaves its reading open."""
    text = normalise(clause.quote).lower()
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
            shown = str(int(number)) if number.denominator == 1 else str(float(number))
            if atom.op in ("<=", "<", ">", ">=") and _WITHIN.search(text):
                swap = {"<=": "<", "<": "<=", ">": ">=", ">=": ">"}[atom.op]
                term = f"within {shown} {duration.unit.replace('_', ' ')}"
                yield atom, ir.Cmp(swap, atom.left, atom.right), term, "as including the last moment or not"
            if duration.unit == "days":
                # "30 days from the delivery date": counted on the calendar from the date,
                # or as 24-hour periods from the moment of delivery
                hours = ir.Duration("hours", duration.start, duration.end)
                bound = ir.Const(number * 24)
                yield (atom, ir.Cmp(atom.op, *((bound, hours) if flipped else (hours, bound))),
                       f"{shown} days", "as calendar dates or as 24-hour periods from the moment")
            if duration.unit == "days" and not _DAY_KIND.search(text):
                other = ir.Duration("working_days", duration.start, duration.end)
                yield (atom, ir.Cmp(atom.op, *((const, other) if flipped else (other, const))),
                       f"{shown} days", "as calendar days or as working days")


def _duration_bound(atom: ir.Cmp):
    if isinstance(atom.left, ir.Duration) and isinstance(atom.right, ir.Const):
        return atom.left, atom.right, False
    if isinstance(atom.right, ir.Duration) and isinstance(atom.left, ir.Const):
        return atom.right, atom.left, True
    return None, None, False
