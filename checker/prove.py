"""Proving cases with Z3: what each outcome is, which clauses decide it, where they clash.

The procedure (design.md, "Case proof"):
1. Assert the facts (one push/pop scope per case) and check every conjunct, each
   behind its indicator literal.
2. While the conjuncts are jointly unsatisfiable, find the minimal clashing set by
   deletion in policy order, mark the outcomes it fights over as `clash`, and set
   aside every conjunct that constrains them. The outcomes the clash does not touch
   are still decided.
3. For each remaining outcome take the model's value v and ask whether `o != v` is
   consistent: if not, `o` is determined and the unsat core names the clauses that
   decide it.
The plain evaluator (`evaluate.decide`) implements the same definition without a
solver; the tests hold the two to the same answers.
"""

from __future__ import annotations

import z3

from . import ir
from .cases import Case
from .policy import Policy
from .smt import SmtPolicy, SolverUnknown
from .verdict import (CaseClash, CaseProof, OutcomeVerdict, clash_outcomes, deletion_minimal_cored, rank_winner,
                      set_aside, unique_clauses)
from .vocabulary import NumberType


class Prover:
    """Proves cases against one policy, reusing one incremental solver."""

    def __init__(self, policy: Policy, timeout_ms: int | None = None, ranks: dict[str, int] | None = None):
        """`ranks`: document -> rank of a ranked set; a clash between ranks is resolved in
        favour of the best-ranked documents (`verdict.rank_winner`)."""
        self.policy = policy
        self.ranks = dict(ranks or {})
        self.smt = SmtPolicy(policy, timeout_ms)
        self._fact_only = {
            c.order: frozenset(ir.facts(c.guard)) for c in policy.conjuncts if not c.reads
        }
        self._mentioning: dict[str, list[int]] = {o: [] for o in policy.vocabulary.outcomes}
        for c in policy.conjuncts:
            if not c.is_discretion:
                for o in c.reads | c.constrains:
                    self._mentioning[o].append(c.order)

    def prove(self, case: Case) -> CaseProof:
        smt = self.smt
        smt.solver.push()
        try:
            for literal in smt.fact_constraints(case.facts):
                z3.Z3_solver_assert(smt.ctx.ref(), smt.solver.solver, literal.as_ast())
            return self._decide(case)
        except SolverUnknown:
            return CaseProof(case.id, self.policy.names,
                             {o: OutcomeVerdict(o, "unknown") for o in self.policy.vocabulary.outcomes}, ())
        finally:
            smt.solver.pop()

    def _decide(self, case: Case) -> CaseProof:
        smt, conjuncts = self.smt, self.policy.conjuncts
        active = [c.order for c in conjuncts if not c.is_discretion]
        lits = smt.indicator_asts

        answer = smt.check_asts(lits(active))
        clashes: list[CaseClash] = []
        clashed: set[str] = set()
        if answer.verdict == "unsat":
            active = self._drop_vacuous(active, case)
            while answer.verdict == "unsat":
                core = deletion_minimal_cored(active, lambda s: self._core(lits(s)), smt.core_orders(answer.core))
                members = tuple(conjuncts[o] for o in core)
                fought = clash_outcomes(members)
                prevails = rank_winner(members, self.ranks)
                clashes.append(CaseClash(fought, members, prevails))
                if not prevails:
                    clashed.update(fought)
                aside = {c.order for c in set_aside((conjuncts[o] for o in active), fought, prevails)}
                active = [o for o in active if o not in aside]
                answer = smt.check_asts(lits(active))
        model = answer.model
        active_set = set(active)
        given = set(case.facts)

        verdicts: dict[str, OutcomeVerdict] = {}
        for name, var in self.policy.vocabulary.outcomes.items():
            if name in clashed:
                clash = next(c for c in clashes if name in c.outcomes and not c.prevails)
                verdicts[name] = OutcomeVerdict(name, "clash", None, clash.clauses)
                continue
            mentioned = [o for o in self._mentioning[name] if o in active_set]
            if _has_choice(var.type) and (not mentioned or self._unconstrained(name, active_set, given, model)):
                verdicts[name] = OutcomeVerdict(name, "open", None, self._discretion(name, active))
                continue
            value = smt.value_of(model, name)
            differs = z3.Not(smt.equals(name, value))
            probe = smt.check_asts(lits(active) + [differs.as_ast()], want_model=False)
            if probe.verdict == "sat":
                verdicts[name] = OutcomeVerdict(name, "open", None, self._discretion(name, active))
                continue
            # the canonical deciding set, not whichever core the solver returned: deletion
            # over every active conjunct from the last to the first, so that the earliest
            # clauses that settle it are the ones named (the PINELABS rule 1.2, not a chain
            # through later refund rules)
            deciding = sorted(deletion_minimal_cored(
                active[::-1], lambda s: self._core(lits(s) + [differs.as_ast()]), smt.core_orders(probe.core)))
            verdicts[name] = OutcomeVerdict(name, "determined", value,
                                            unique_clauses(conjuncts[o] for o in deciding))
        return CaseProof(case.id, self.policy.names, verdicts, tuple(clashes))

    def _core(self, asts: list) -> list[int] | None:
        """None when the assumptions are consistent, else the conjuncts of an unsat core."""
        answer = self.smt.check_asts(asts, want_model=False)
        return None if answer.verdict == "sat" else self.smt.core_orders(answer.core)

    def _unconstrained(self, outcome: str, active: set[int], given: set[str], model) -> bool:
        """No active conjunct that mentions `outcome` can apply: each has a guard over given
        facts only, false in the model (so false in every model: the facts are fixed).
        A conjunct that reads it in its guard is never of that kind, so an outcome that
        another could force through a chain is still probed."""
        for o in self._mentioning[outcome]:
            if o not in active:
                continue
            reads = self._fact_only.get(o)
            if reads is None or not reads <= given:
                return False
            if not z3.is_false(model.eval(self.smt.guard[o], model_completion=True)):
                return False
        return True

    def _drop_vacuous(self, orders: list[int], case: Case) -> list[int]:
        """Leave out conjuncts whose guard reads only given facts and is false for them.

        They never take part in a clash, so the minimal set found is the same without
        them; leaving them out only saves solver calls.
        """
        given = set(case.facts)
        smt = self.smt
        model = smt.check([]).model
        keep = []
        for o in orders:
            reads = self._fact_only.get(o)
            if reads is not None and reads <= given and z3.is_false(model.eval(smt.guard[o], model_completion=True)):
                continue
            keep.append(o)
        return keep

    def _discretion(self, outcome: str, active: list[int]) -> tuple[ir.Clause, ...]:
        """The clauses that leave `outcome` to the seller in this case: those whose
        condition holds whatever the facts the case does not give (a question with one
        answer, not a look at one model)."""
        lits = self.smt.indicator_asts(active)
        found = [c for c in self.policy.conjuncts
                 if c.is_discretion and outcome in c.constrains
                 and self.smt.check_asts(lits + [z3.Not(self.smt.guard[c.order]).as_ast()], want_model=False).verdict == "unsat"]
        return unique_clauses(found)


def _has_choice(var_type) -> bool:
    if isinstance(var_type, NumberType):
        return var_type.low != var_type.high
    return True
