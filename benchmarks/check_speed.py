"""Benchmark: the cost of `clausecheck check` as a policy grows from 10 to 10,000 clauses.

The issue it measures: "analysis cost must grow gently with the number of clauses"
(target: 1,000 clauses in under 60 s on a 2-core machine, every planted clash found).

For each size N a synthetic policy of N clauses over the real vocabulary is written as
a real document folder (source.txt, encoding.yaml) and loaded by `load_documents`, so
the whole pipeline runs. Every clause fixes a combination of enum and bool facts (its
"slot") that no other clause shares, so unplanted clauses can never contradict each
other; a known number of clashes (pairs and three-clause chains, about N/20) and of
resolved exceptions (about N/50) are then planted, each inside a slot of its own. The
benchmark times the full analysis and, separately, the clash search alone, counts
solver calls, and checks the analysis against the plan: planted clashes found, and
clashes found that were not planted (0 when the generator is right).

`components` cuts a policy into groups by shared outcomes only, and the vocabulary has
17 outcomes, so however the facts are spread there are at most 17 groups (15 here: the
planted chains link two pairs of outcomes); from 1,000 clauses on, groups grow with N.
Each step's share of the analysis time is sampled (see StepSampler); `--limit` stops an
analysis that would run too long, so that a size it cannot handle is reported as such.

A naive baseline runs in the same process: one exists-facts / for-all-outcomes query per
pair of conjuncts, stopped after `--baseline-budget` seconds (its full time is then
extrapolated from the pairs it did check).

    python benchmarks/check_speed.py [--sizes 10 100 1000 [10000]] [--seed 0] [--timeout-ms 10000]
        [--limit SECONDS] [--baseline-budget 120] [--json FILE] [--keep DIR] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import z3  # noqa: E402
from ruamel.yaml import YAML  # noqa: E402

from checker import ir  # noqa: E402
from checker.analyse import Options, analyse  # noqa: E402
from checker.components import outcome_groups  # noqa: E402
from checker.load import ENCODING_FILE, VOCABULARY_FILE, load_documents  # noqa: E402
from checker.policy import Policy  # noqa: E402
from checker.search import GroupSearch  # noqa: E402
from checker.smt import SmtPolicy, SolverUnknown  # noqa: E402

VOCABULARY = ROOT / "encodings" / VOCABULARY_FILE
DOCUMENT = "synthetic"

# ---- the words of the generated policy ------------------------------------------------

SUBJECT = {
    "cancel": "Cancellation requests",
    "return": "Return requests",
    "refund": "Refund requests",
    "replace": "Replacement requests",
    "warranty_claim": "Warranty claims",
    "address_change": "Requests to change the delivery address",
}

# The facts that tell slots apart, in the order they are used: a policy fixes as many of
# them as it needs for its largest request kind (a mixed-radix number per clause), so
# small policies get short guards and large ones long guards, as real ones do.
SLOT_FACTS: list[tuple[str, dict]] = [
    ("payment_method", {"credit_card": "paid by credit card", "debit_card": "paid by debit card",
                        "net_banking": "paid by net banking", "upi": "paid by UPI", "wallet": "paid from a wallet",
                        "emi": "paid in EMI instalments", "paypal": "paid by PayPal",
                        "bank_transfer": "paid by bank transfer"}),
    ("item_category", {"regular": "for regular items", "gift_card": "for gift cards",
                       "personalised": "for personalised items", "sale": "for sale items"}),
    ("condition", {"as_new": "when the item is as new", "defective_on_arrival": "when the item was defective on arrival",
                   "damaged_in_transit": "when the item was damaged in transit",
                   "defective_later": "when the item developed a defect later",
                   "customer_damaged": "when the item was damaged by the customer"}),
    ("channel", {"online": "on online orders", "store": "on store orders"}),
    ("payment_gateway", {"pinelabs": "processed through Pine Labs", "other": "processed through another gateway"}),
    ("original_packaging", {True: "with the original packaging", False: "without the original packaging"}),
    ("rma_issued", {True: "with an RMA issued", False: "without an RMA"}),
    ("multiple_units", {True: "for orders of several units", False: "for single-unit orders"}),
    ("sales_team_contacted", {True: "after contacting the sales team", False: "without contacting the sales team"}),
    ("damage_evidence_provided", {True: "with photos of the damage", False: "without photos of the damage"}),
    ("wrong_address_entered", {True: "where the customer entered a wrong address",
                               False: "where the customer entered the right address"}),
]

# Time windows a clause of each request kind may add to its guard: (condition, words).
WINDOWS = {
    "cancel": [("hours(order_placed_at, request_at) <= {h}", "made within {h} hours of placing the order"),
               ("(invoiced_at is none or request_at < invoiced_at)", "made before the order is invoiced"),
               ("(shipped_at is none or request_at < shipped_at)", "made before the order ships")],
    "return": [("days(delivered_at, request_at) <= {d}", "made within {d} days of delivery"),
               ("working_days(delivered_at, request_at) <= {d}", "made within {d} working days of delivery")],
    "refund": [("return_received_at is not none", "made once the returned item has been received"),
               ("days(delivered_at, request_at) <= {d}", "made within {d} days of delivery")],
    "replace": [("days(delivered_at, request_at) <= {d}", "made within {d} days of delivery")],
    "warranty_claim": [("years(shipped_at, request_at) <= {y}", "made within {y} years of shipping")],
    "address_change": [("shipped_at is none", "made while the order has not shipped"),
                       ("hours(order_placed_at, request_at) <= {h}", "made within {h} hours of placing the order")],
}

# Outcomes, the request kind that speaks to each, and how a clause may decide it.
BOOL_OUTCOMES = {  # name: (request, words when true, words when false)
    "cancellation_allowed": ("cancel", "the order may be cancelled", "the order may not be cancelled"),
    "cancellation_fee_charged": ("cancel", "a cancellation fee is charged", "no cancellation fee is charged"),
    "seller_may_cancel": ("cancel", "the seller may cancel the order", "the seller will not cancel the order"),
    "return_accepted": ("return", "the item is accepted back", "the item is not accepted back"),
    "shipping_cost_refunded": ("return", "the shipping cost is refunded", "the shipping cost is not refunded"),
    "handling_fee_applies": ("return", "a handling fee may be charged", "no handling fee is charged"),
    "refund_due": ("refund", "a refund is due", "no refund is due"),
    "replacement_offered": ("replace", "a replacement is sent", "no replacement is offered"),
    "warranty_covered": ("warranty_claim", "the claim is covered by the warranty", "the claim is not covered by the warranty"),
    "repair_offered": ("warranty_claim", "the item is repaired", "no repair is offered"),
    "address_change_allowed": ("address_change", "the address is changed", "the address cannot be changed"),
    "surcharge_applies": ("address_change", "a courier surcharge is charged", "no courier surcharge is charged"),
}
ENUM_OUTCOMES = {  # name: (request, {value: words})
    "refund_method": ("refund", {"original_payment": "the refund goes to the original payment method",
                                 "bank_transfer": "the refund is paid by bank transfer",
                                 "paypal": "the refund is paid by PayPal", "store_credit": "the refund is paid as store credit"}),
    "refund_extent": ("refund", {"full": "the refund is of the full amount", "partial": "the refund is partial"}),
    "return_shipping_paid_by": ("return", {"customer": "the customer pays for return shipping",
                                           "seller": "the seller pays for return shipping"}),
}
NUMBER_OUTCOMES = {  # name: (request, condition template, words template, values)
    "restocking_fee_pct": ("return", "restocking_fee_pct == {v}", "a restocking fee of {v} percent is deducted", (10, 15, 20, 25)),
    "refund_deadline_working_days": ("refund", "refund_deadline_working_days <= {v}",
                                     "the refund is processed in at most {v} working days", (7, 10, 14)),
}


# ---- the plan: clauses, and what the analysis must find --------------------------------


@dataclass
class GenClause:
    id: str
    when: str
    then: str
    text: str
    overrides: list[str] = field(default_factory=list)


@dataclass
class Plan:
    size: int
    clauses: list[GenClause]
    clashes: list[frozenset[str]]          # clause ids of each planted minimal clash
    exceptions: list[tuple[str, str]]      # (exception id, overridden id): clashes the text resolves


@dataclass
class Slot:
    """A guard that no other slot's guard overlaps: one value for each slot fact."""

    request: str
    condition: str
    words: str


class SlotAllocator:
    """Hands out disjoint guards: the k-th slot of a request kind fixes the slot facts to
    the digits of k. Two slots of one kind differ in some digit, two kinds differ in
    `request`, so no two slots ever overlap."""

    def __init__(self, needed_per_request: dict[str, int], rng: random.Random):
        most = max(needed_per_request.values(), default=1)
        self.facts, capacity = [], 1
        for name, values in SLOT_FACTS:
            if capacity >= most:
                break
            self.facts.append((name, list(values.items())))
            capacity *= len(values)
        if capacity < most:
            raise SystemExit(f"the slot facts give {capacity} slots per request kind; {most} are needed")
        # shuffled slot numbers: the generated guards then do not all start with the same values
        self.order = {r: rng.sample(range(capacity), n) for r, n in needed_per_request.items()}
        self.used = {r: 0 for r in needed_per_request}

    def take(self, request: str) -> Slot:
        k = self.order[request][self.used[request]]
        self.used[request] += 1
        parts, words = [f"request == {request}"], []
        for name, values in self.facts:
            k, digit = divmod(k, len(values))
            value, phrase = values[digit]
            if isinstance(value, bool):
                parts.append(name if value else f"not {name}")
            else:
                parts.append(f"{name} == {value}")
            words.append(phrase)
        return Slot(request, " and ".join(parts), " ".join(words))


def _window(rng: random.Random, request: str) -> tuple[str, str]:
    condition, words = rng.choice(WINDOWS[request])
    numbers = {"h": rng.choice((24, 48, 72)), "d": rng.choice((7, 14, 30)), "y": rng.choice((1, 2))}
    return condition.format(**numbers), words.format(**numbers)


def _sentence(slot: Slot, window_words: str | None, decision: str) -> str:
    """One line of source.txt. No '.', '!', '?' or ';' inside, so that it is one sentence."""
    head = f"{SUBJECT[slot.request]} {slot.words}"
    if window_words:
        head += f", {window_words}"
    return f"{head}: {decision}."


def _when(slot: Slot, extra: str | None) -> str:
    return f"{slot.condition} and {extra}" if extra else slot.condition


def _outcome_request(name: str) -> str:
    for table in (BOOL_OUTCOMES, ENUM_OUTCOMES, NUMBER_OUTCOMES):
        if name in table:
            return table[name][0]
    raise KeyError(name)


def plain_rule(rng: random.Random, slot: Slot, outcome: str) -> tuple[str, str, str]:
    """(when, then, sentence) of an unplanted clause: the slot, perhaps a time window,
    and one outcome decided (a value, or a value that depends on a time window)."""
    request = slot.request
    window = _window(rng, request) if rng.random() < 0.5 else None
    if outcome in BOOL_OUTCOMES:
        _, yes, no = BOOL_OUTCOMES[outcome]
        style = rng.random()
        if style < 0.4:
            then, decision = outcome, yes
        elif style < 0.7:
            then, decision = f"not {outcome}", no
        else:  # "the conditions of a right": an equality that decides the outcome both ways
            cond, words = _window(rng, request)
            cond = cond if cond.startswith("(") else f"({cond})"
            then, decision = f"{outcome} == {cond}", f"{yes} only for requests {words}"
    elif outcome in ENUM_OUTCOMES:
        value, decision = rng.choice(list(ENUM_OUTCOMES[outcome][1].items()))
        then = f"{outcome} == {value}"
    else:
        _, cond, words, values = NUMBER_OUTCOMES[outcome]
        v = rng.choice(values)
        then, decision = cond.format(v=v), words.format(v=v)
    when = _when(slot, window[0] if window else None)
    return when, then, _sentence(slot, window[1] if window else None, decision)


# Planted clashes, each a list of (when-extra, then, window words, decision words) over one
# slot. Every listed set is the ONLY minimal clash among its members (checked by hand:
# a chain's middle clause reads an outcome, so without its first clause it holds vacuously).
PLANTED = {
    "cancel-window": ("cancel", [
        ("hours(order_placed_at, request_at) <= 48", "cancellation_allowed",
         "made within 48 hours of placing the order", "the order may be cancelled"),
        ("hours(order_placed_at, request_at) > 24", "not cancellation_allowed",
         "made more than 24 hours after placing the order", "the order may not be cancelled")]),
    "return-window": ("return", [
        ("days(delivered_at, request_at) <= 30", "return_accepted",
         "made within 30 days of delivery", "the item is accepted back"),
        ("days(delivered_at, request_at) > 14", "not return_accepted",
         "made more than 14 days after delivery", "the item is not accepted back")]),
    "refund-method": ("refund", [
        (None, "refund_method == original_payment", None, "the refund always goes to the original payment method"),
        ("return_received_at is not none", "refund_method == store_credit",
         "made once the returned item has been received", "the refund is paid as store credit")]),
    "warranty-misuse": ("warranty_claim", [
        ("years(shipped_at, request_at) <= 2", "warranty_covered",
         "made within 2 years of shipping", "the claim is covered by the warranty"),
        ("misuse", "not warranty_covered", "where the damage was caused by misuse", "the claim is not covered by the warranty")]),
    "cancel-chain": ("cancel", [
        ("hours(order_placed_at, request_at) <= 48", "cancellation_allowed",
         "made within 48 hours of placing the order", "the order may be cancelled"),
        ("cancellation_allowed", "refund_due", "once the cancellation is allowed", "a refund is due"),
        ("hours(order_placed_at, request_at) > 24", "not refund_due",
         "made more than 24 hours after placing the order", "no refund is due")]),
    "return-chain": ("return", [
        ("days(delivered_at, request_at) <= 30", "return_accepted",
         "made within 30 days of delivery", "the item is accepted back"),
        ("return_accepted", "return_shipping_paid_by == seller", "once the return is accepted",
         "the seller pays for return shipping"),
        ("days(delivered_at, request_at) > 14", "return_shipping_paid_by == customer",
         "made more than 14 days after delivery", "the customer pays for return shipping")]),
}

# Exceptions the text makes: (rule, exception that overrides it). Without the exception
# the two would clash; with it they do not (the analysis shows them as override.exception).
EXCEPTIONS = {
    "cancel-invoiced": ("cancel", [
        ("hours(order_placed_at, request_at) <= 48", "cancellation_allowed",
         "made within 48 hours of placing the order", "the order may be cancelled"),
        ("invoiced_at is not none", "not cancellation_allowed",
         "except once the order is invoiced", "the order may not be cancelled")]),
    "return-modified": ("return", [
        ("days(delivered_at, request_at) <= 30", "return_accepted",
         "made within 30 days of delivery", "the item is accepted back"),
        ("unauthorised_modification", "not return_accepted",
         "except where the product was modified without authorisation", "the item is not accepted back")]),
}


def generate(size: int, seed: int) -> Plan:
    """N clauses: planted clashes (about N/20, at least 1), exceptions (about N/50), and
    unplanted rules on outcomes chosen at random, each in a slot of its own."""
    rng = random.Random(seed * 1_000_003 + size)
    units: list[tuple[str, str, list]] = []  # (kind, request, members)
    remaining = size
    for _ in range(max(1, size // 20)):
        name = rng.choice(sorted(PLANTED))
        request, members = PLANTED[name]
        if len(members) > remaining:
            break
        units.append(("clash", request, members))
        remaining -= len(members)
    for _ in range(size // 50):
        if remaining < 2:
            break
        request, members = EXCEPTIONS[rng.choice(sorted(EXCEPTIONS))]
        units.append(("exception", request, members))
        remaining -= 2
    outcomes = sorted(BOOL_OUTCOMES) + sorted(ENUM_OUTCOMES) + sorted(NUMBER_OUTCOMES)
    for _ in range(remaining):
        outcome = rng.choice(outcomes)
        units.append(("rule", _outcome_request(outcome), [outcome]))
    rng.shuffle(units)  # planted clauses spread through the document, as in a real one

    needed: dict[str, int] = {}
    for _, request, _ in units:
        needed[request] = needed.get(request, 0) + 1
    slots = SlotAllocator(needed, rng)

    clauses: list[GenClause] = []
    clashes: list[frozenset[str]] = []
    exceptions: list[tuple[str, str]] = []

    def next_id() -> str:
        n = len(clauses)
        return f"{n // 10 + 1}.{n % 10 + 1}"  # section.item, like a real policy's numbering

    for kind, request, members in units:
        slot = slots.take(request)
        if kind == "rule":
            when, then, text = plain_rule(rng, slot, members[0])
            clauses.append(GenClause(next_id(), when, then, text))
            continue
        ids = []
        for extra, then, window_words, decision in members:
            ids.append(next_id())
            clauses.append(GenClause(ids[-1], _when(slot, extra), then, _sentence(slot, window_words, decision)))
        if kind == "clash":
            clashes.append(frozenset(ids))
        else:
            clauses[-1].overrides = [ids[0]]
            exceptions.append((ids[1], ids[0]))
    return Plan(size, clauses, clashes, exceptions)


def write_document(plan: Plan, root: Path) -> Path:
    """The plan as a document folder under `root` (with the vocabulary beside it)."""
    shutil.copy(VOCABULARY, root / VOCABULARY_FILE)
    folder = root / DOCUMENT
    folder.mkdir()
    title = f"Synthetic refund and cancellation policy ({plan.size} clauses)"
    (folder / "source.txt").write_text("\n".join([title, ""] + [c.text for c in plan.clauses]) + "\n", encoding="utf-8")
    encoding = {
        "document": DOCUMENT, "title": title, "source": "source.txt",
        "clauses": [{"id": c.id, "quote": c.text, "when": c.when, "then": c.then,
                     **({"overrides": c.overrides} if c.overrides else {})} for c in plan.clauses],
        "skipped": [{"quote": title, "reason": "heading"}],
    }
    yaml = YAML(typ="rt", pure=True)  # keeps the keys in the order of the documented format
    yaml.width = 4096  # one line per expression: error columns stay meaningful
    with (folder / ENCODING_FILE).open("w", encoding="utf-8") as out:
        yaml.dump(encoding, out)
    return folder


# ---- measurements ---------------------------------------------------------------------


class OverTime(Exception):
    """A measured call ran past `--limit` seconds."""


def run_limited(limit_s: float, call):
    """call() with a wall-clock limit (SIGALRM): the alarm raises in Python code between
    solver calls, and each solver call is itself bounded by the solver's time limit, so a
    run that cannot finish stops a few seconds after the limit instead of hanging."""
    if not limit_s:
        return call()

    def alarm(signum, frame):
        raise OverTime()

    previous = signal.signal(signal.SIGALRM, alarm)
    # repeated every second: an exception raised inside a finaliser (z3 objects have
    # them) is swallowed by Python, and the next one then does the stopping
    signal.setitimer(signal.ITIMER_REAL, limit_s, 1.0)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


ANALYSE_STEPS = ("dead_clauses", "clashes", "overrides", "implied", "gaps", "time_readings")
ANALYSE_FILE = os.path.join("checker", "analyse.py")


class StepSampler:
    """Which step of `analyse` is running, sampled on a CPU-time timer (SIGPROF).

    cProfile slows the pure-Python parts of the analysis several-fold and so misstates
    their share; a sample of the stack costs next to nothing. The handler runs in the
    main thread (a sampling thread could drop the last reference to a frame holding z3
    objects and free them while the main thread uses the same z3 context). A signal that
    arrives during a long solver call is only handled when the call returns, so each
    sample is weighted by the time since the previous one. A sample is filed under the
    innermost analyse step on the stack, and also as "in z3" when the innermost frame
    is in z3's Python binding."""

    def __init__(self, interval: float = 0.01):
        self.interval = interval
        self.steps: Counter[str] = Counter()
        self.in_solver: Counter[str] = Counter()
        self._last = 0.0

    def __enter__(self) -> "StepSampler":
        self._last = time.process_time()
        self._previous = signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *exc) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, self._previous)

    def _sample(self, signum, frame) -> None:
        now = time.process_time()
        weight, self._last = now - self._last, now
        solver = frame is not None and "/z3/" in frame.f_code.co_filename.replace(os.sep, "/")
        step = "other (building group solvers, whole-policy checks)"
        while frame is not None:
            code = frame.f_code
            if code.co_name in ANALYSE_STEPS and code.co_filename.endswith(ANALYSE_FILE):
                step = code.co_name
                break
            frame = frame.f_back
        self.steps[step] += weight
        if solver:
            self.in_solver[step] += weight

    def shares(self) -> list[dict]:
        """Per step: share of the CPU time, and the part of it spent in z3."""
        total = sum(self.steps.values()) or 1.0
        return [{"step": step, "cpu_s": t, "share": t / total, "solver_share": self.in_solver[step] / t if t else 0.0}
                for step, t in self.steps.most_common()]


def profile_report(profiler: cProfile.Profile) -> str:
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    body = text.getvalue()
    return "\n".join("    " + ln for ln in body[body.find("ncalls"):].splitlines() if ln.strip())


@dataclass
class Result:
    size: int
    clauses: int
    conjuncts: int
    groups: int
    largest_group: int
    load_s: float
    analysis_s: float
    analysis_done: bool
    analysis_calls: int | None
    steps: list[dict]
    findings: dict[str, int]
    unknown: int | None
    clash_s: float
    clash_done: bool
    clash_calls: int
    planted: int
    planted_found: int | None
    extra_clashes: list[list[str]] | None
    search_found: int | None          # planted clashes found by the clash search alone
    search_extra: int | None
    search_unknown: list[str]         # groups whose clash search the solver gave up on
    exceptions: int
    exceptions_shown: int | None      # override.exception findings that show the clash resolved
    baseline: dict = field(default_factory=dict)


def clash_search(policy: Policy, timeout_ms: int, progress: dict) -> list[frozenset[str]]:
    """Only the clash search of the analysis: one GroupSearch per group (building its
    solver included, since the analysis cannot skip it) and `minimal_clashes`. Solver
    calls are added to `progress` as they happen, so that they survive a stop."""
    found = []
    for group in outcome_groups(policy.conjuncts):
        search = GroupSearch(policy, group, timeout_ms)
        try:
            for f in search.minimal_clashes():
                found.append(frozenset(policy.conjuncts[o].clause.id for o in f.orders))
        except SolverUnknown as exc:
            # the group's clashes are lost with it (minimal_clashes returns all or nothing)
            outcomes = sorted({o for c in group for o in c.constrains | c.reads})
            progress["unknown"].append(f"{len(group)} conjuncts on {', '.join(outcomes)} ({exc})")
        finally:
            progress["calls"] += search.calls
    return found


def naive_pairs(policy: Policy, timeout_ms: int, budget_s: float, planted_pairs: set[frozenset[str]]) -> dict:
    """The baseline: for every pair of conjuncts, "are there facts such that, for every
    value of the outcomes the pair mentions, the two cannot both hold?" One solver, the
    axioms asserted once, each pair in a push/pop scope. Triples are out of its reach."""
    start = time.perf_counter()
    smt = SmtPolicy(policy, timeout_ms, conjuncts=())  # axioms only; conjuncts compiled below
    conjuncts = list(policy.conjuncts)
    formula = {c.order: z3.Implies(smt.compile(c.guard), smt.compile(c.body)) for c in conjuncts}
    solver = z3.Solver(ctx=smt.ctx)
    if timeout_ms:
        solver.set("timeout", timeout_ms)
    solver.add(smt.solver.assertions())  # after compiling: the calendar definitions are there
    total = len(conjuncts) * (len(conjuncts) - 1) // 2
    checked = unknown = 0
    found: set[frozenset[str]] = set()
    stopped = False
    for i, a in enumerate(conjuncts):
        for b in conjuncts[i + 1:]:
            if time.perf_counter() - start > budget_s:
                stopped = True
                break
            names = sorted(a.constrains | a.reads | b.constrains | b.reads)
            both_fail = z3.Not(z3.And(formula[a.order], formula[b.order]))
            if names:
                bound = [smt.vars[n] for n in names]
                both_fail = z3.ForAll(bound, z3.Implies(z3.And(*[smt.in_domain(n) for n in names]), both_fail))
            solver.push()
            solver.add(both_fail)
            verdict = solver.check()
            solver.pop()
            checked += 1
            if verdict == z3.sat:
                found.add(frozenset({a.clause.id, b.clause.id}))
            elif verdict == z3.unknown:
                unknown += 1
        if stopped:
            break
    elapsed = time.perf_counter() - start
    reached = {p for p in planted_pairs if _pair_rank(p, conjuncts) < checked}
    return {
        "pairs_total": total, "pairs_checked": checked, "stopped": stopped,
        "time_s": elapsed, "time_estimate_s": elapsed * total / checked if checked else None,
        "solver_calls": checked, "unknown": unknown,
        "planted_pairs": len(planted_pairs), "planted_pairs_checked": len(reached),
        "found": len(found & planted_pairs), "extra": len(found - planted_pairs),
    }


def _pair_rank(pair: frozenset[str], conjuncts: list[ir.Conjunct]) -> int:
    """The position of a pair of (one-conjunct) clauses in the naive loop's order (i < j, row by row)."""
    n = len(conjuncts)
    index = {c.clause.id: k for k, c in enumerate(conjuncts)}
    i, j = sorted(index[x] for x in pair)
    return i * n - i * (i + 1) // 2 + (j - i - 1)


def measure(size: int, args: argparse.Namespace) -> Result:
    plan = generate(size, args.seed)
    with tempfile.TemporaryDirectory(prefix=f"check-speed-{size}-") as tmp:
        root = Path(args.keep) / str(size) if args.keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        folder = write_document(plan, root)
        t = time.perf_counter()
        vocabulary, documents = load_documents([folder])
        load_s = time.perf_counter() - t
    policy = Policy(vocabulary, tuple(documents))
    groups = outcome_groups(policy.conjuncts)
    planted = set(plan.clashes)

    analysis = None
    profiler = cProfile.Profile() if args.profile else None
    t = time.perf_counter()
    with StepSampler() as sampler:
        try:
            if profiler:
                profiler.enable()
            analysis = run_limited(args.limit, lambda: analyse(policy, DOCUMENT, Options(timeout_ms=args.timeout_ms)))
        except OverTime:
            pass
        finally:
            if profiler:
                profiler.disable()
    analysis_s = time.perf_counter() - t
    if profiler:
        print(f"size {size}: top functions by own time (cProfile):\n{profile_report(profiler)}", file=sys.stderr)

    progress: dict = {"calls": 0, "unknown": []}
    t = time.perf_counter()
    try:
        searched = run_limited(args.limit, lambda: clash_search(policy, args.timeout_ms, progress))
    except OverTime:
        searched = None
    clash_s = time.perf_counter() - t

    result = Result(
        size=size, clauses=len(policy.clauses), conjuncts=len(policy.conjuncts),
        groups=len(groups), largest_group=max((len(g) for g in groups), default=0),
        load_s=load_s, analysis_s=analysis_s, analysis_done=analysis is not None,
        analysis_calls=None, steps=sampler.shares(), findings={}, unknown=None,
        clash_s=clash_s, clash_done=searched is not None, clash_calls=progress["calls"],
        planted=len(planted), planted_found=None, extra_clashes=None, search_found=None, search_extra=None,
        search_unknown=progress["unknown"],
        exceptions=len(plan.exceptions), exceptions_shown=None,
    )
    if analysis is not None:
        reported = {frozenset(c.id for c in f.clauses) for f in analysis.findings if f.kind == "clash"}
        shown = {frozenset(c.id for c in f.clauses) for f in analysis.findings
                 if f.rule == "override.exception" and "would contradict" in f.message}
        result.analysis_calls = analysis.solver_calls
        result.findings = dict(sorted(Counter(f.rule for f in analysis.findings).items()))
        result.unknown = result.findings.get("unknown.solver-limit", 0)
        result.planted_found = len(planted & reported)
        result.extra_clashes = sorted(sorted(x) for x in reported - planted)
        result.exceptions_shown = sum(1 for e, c in plan.exceptions if frozenset({e, c}) in shown)
    if searched is not None:
        result.search_found = len(planted & set(searched))
        result.search_extra = len(set(searched) - planted)
    if args.baseline_budget > 0:
        pairs = {p for p in planted if len(p) == 2}
        result.baseline = naive_pairs(policy, args.timeout_ms, args.baseline_budget, pairs)
    return result


# ---- output ---------------------------------------------------------------------------


def machine() -> dict:
    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    return {"platform": platform.platform(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "z3": z3.get_version_string(), "commit": commit or "unknown"}


COLUMNS = [("clauses", 7), ("groups", 6), ("largest", 7), ("analysis s", 10), ("clash s", 8), ("calls", 7),
           ("clash calls", 11), ("planted", 8), ("extra", 5), ("unknown", 7), ("baseline s", 10),
           ("bl calls", 8), ("bl found", 8), ("bl/ours", 8)]


def _stopped(seconds: float, done: bool) -> str:
    return f"{seconds:.1f}" if done else f">{seconds:.0f}"


def _or_dash(value) -> str:
    return "-" if value is None else str(value)


def table(results: list[Result]) -> str:
    head = " ".join(f"{name:>{w}}" for name, w in COLUMNS)
    rows = [head, "-" * len(head)]
    notes = []
    for r in results:
        b = r.baseline
        if b:
            estimate = b["time_estimate_s"] or 0.0
            base = f"~{estimate:.0f}" if b["stopped"] else f"{b['time_s']:.1f}"
            approx = "~" if b["stopped"] else ""
            times = estimate / r.clash_s if r.clash_s else None
            ratio = "-" if times is None else f"{'<' if not r.clash_done else approx}{times:.{1 if times < 10 else 0}f}x"
            found, calls = f"{b['found']}/{b['planted_pairs']}", str(b["solver_calls"])
            if b["stopped"]:
                notes.append(f"  baseline at {r.clauses}: stopped after {b['pairs_checked']:,} of {b['pairs_total']:,} pairs "
                             f"({b['time_s']:.0f} s; ~ = extrapolated to all pairs); the pairs it checked held "
                             f"{b['planted_pairs_checked']} of the {b['planted_pairs']} planted 2-clause clashes")
            if b["extra"] or b["unknown"]:
                notes.append(f"  baseline at {r.clauses}: {b['extra']} unplanted pairs found, {b['unknown']} unknown")
        else:
            base = calls = found = ratio = "-"
        planted = f"{r.planted_found}/{r.planted}" if r.planted_found is not None else f"-/{r.planted}"
        extra = len(r.extra_clashes) if r.extra_clashes is not None else None
        cells = [r.clauses, r.groups, r.largest_group, _stopped(r.analysis_s, r.analysis_done),
                 _stopped(r.clash_s, r.clash_done), _or_dash(r.analysis_calls), r.clash_calls, planted,
                 _or_dash(extra), _or_dash(r.unknown), base, calls, found, ratio]
        rows.append(" ".join(f"{str(c):>{w}}" for c, (_, w) in zip(cells, COLUMNS)))
        if not r.analysis_done:
            notes.append(f"  analysis at {r.clauses}: stopped at the limit of {r.analysis_s:.0f} s, unfinished")
        if not r.clash_done:
            notes.append(f"  clash search at {r.clauses}: stopped at the limit of {r.clash_s:.0f} s, unfinished")
        for group in r.search_unknown:
            notes.append(f"  clash search at {r.clauses}: the solver gave up on the group of {group}")
        if r.search_found is not None and (r.search_found != r.planted or r.search_extra or not r.analysis_done):
            notes.append(f"  clash search alone at {r.clauses}: {r.search_found}/{r.planted} planted, {r.search_extra} extra")
        if r.extra_clashes:
            notes.append(f"  extra clashes at {r.clauses}: " + "; ".join(", ".join(x) for x in r.extra_clashes[:5]))
        steps = ", ".join(f"{s['step'].split(' (')[0]} {100 * s['share']:.0f}% ({100 * s['solver_share']:.0f}% of it in z3)"
                          for s in r.steps)
        notes.append(f"  {r.clauses} clauses: loading {r.load_s:.1f} s; analysis time by step (sampled): {steps}")
        if r.findings:
            notes.append(f"  {r.clauses} clauses: exceptions shown {r.exceptions_shown}/{r.exceptions}; findings "
                         + ", ".join(f"{k} {v}" for k, v in r.findings.items()))
    return "\n".join(rows + notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000], help="numbers of clauses (default 10 100 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout-ms", type=int, default=10000, help="solver time limit per question, as `check` (default 10000)")
    parser.add_argument("--limit", type=float, default=0, metavar="S",
                        help="stop the analysis, and the clash search, after S seconds each (default: no limit)")
    parser.add_argument("--baseline-budget", type=float, default=120.0, help="seconds for the naive all-pairs baseline per size (0: skip)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON ('-': standard output)")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated documents under DIR/<size>/")
    parser.add_argument("--profile", action="store_true", help="also profile the analysis with cProfile (slows it)")
    args = parser.parse_args()

    info = machine()
    print(f"machine: {info['platform']}, {info['cpus']} CPUs, Python {info['python']}, z3 {info['z3']}; "
          f"clausecheck {info['commit']}")
    print(f"seed {args.seed}; solver limit {args.timeout_ms} ms per question; "
          f"run limit {f'{args.limit:.0f} s' if args.limit else 'none'}; baseline budget {args.baseline_budget:.0f} s per size")
    print("columns: groups, largest (conjuncts in the largest group) as `components` cuts them; analysis = analyse(); "
          "clash = the clash search alone; calls = solver calls; planted = planted clashes reported/planted; "
          "extra = clashes reported but not planted; unknown = solver-limit findings; bl = naive all-pairs baseline "
          "(finds 2-clause clashes only); bl/ours = baseline time / clash-search time; > = stopped at the run limit",
          flush=True)
    results = []
    for size in args.sizes:
        results.append(measure(size, args))
        r = results[-1]
        print(f"  done: {size} clauses, analysis {_stopped(r.analysis_s, r.analysis_done)} s", file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        payload = json.dumps({"machine": info, "seed": args.seed, "results": [asdict(r) for r in results]}, indent=2)
        if args.json == "-":
            print(payload)
        else:
            Path(args.json).write_text(payload + "\n")


if __name__ == "__main__":
    main()
