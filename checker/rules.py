"""The catalogue of rules: every rule a finding can have, with its kind, default
severity, a one-line summary, and what it means, why it matters and a minimal policy
that shows it. Every list of rules and kinds (SARIF's rules and levels, the report's
columns and clash hubs, `--select`, the gate's `accept:` names, the README table) is
derived from here, so a new rule is added in one place."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

# The order findings are listed in: what needs action first.
KIND_ORDER = ("unknown", "stale", "clash", "regression", "property", "dead", "drift", "uncovered", "gap",
              "duplicate", "redundant", "ambiguity", "override")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str           # its usual severity (some findings of a rule may differ: see `what`)
    summary: str            # one line
    what: str               # what a finding of it says
    why: str                # why a reviewer should care
    example: str            # a minimal policy (sentences of a text) that has one
    source: str = "check"   # "check": found by the analysis; "gate": by the CI gate
    hub: bool = False       # drawn as a clash hub in the report's graph

    @property
    def kind(self) -> str:
        return self.id.split(".")[0]


CATALOGUE: tuple[Rule, ...] = (
    Rule("clash.within-document", "error",
         "Facts under which a minimal set of clauses of one document cannot all hold",
         "For the case shown (and every case of the region), the clauses named require contradictory outcomes; "
         "no smaller set of them does.",
         "The text promises and refuses the same thing: whichever way the seller decides, it breaks a clause.",
         "\u201cYou may cancel within 48 hours.\u201d \u201cNo refund is given for a cancellation after 24 hours.\u201d "
         "\u201cEvery cancelled order is refunded.\u201d", hub=True),
    Rule("clash.across-documents", "error",
         "Facts under which a minimal set of clauses of several documents cannot all hold",
         "As a clash within a document, between documents analysed together as a set.",
         "A marketplace's terms and a seller's policy that apply to the same order disagree.",
         "Marketplace: \u201cReturns within 14 days.\u201d Seller: \u201cNo returns of sale items.\u201d", hub=True),
    Rule("clash.inferred-exception", "warning",
         "A clash that stands unless an exception the encoding infers (the text does not state it) prevails",
         "The clauses contradict each other; the encoding reads one as an exception to another, but the text does "
         "not say so.",
         "A contradiction hidden by the encoder's reading is still the text's contradiction.",
         "\u201cRefunds go back to the card.\u201d \u201cAll refunds are now paid by bank transfer.\u201d", hub=True),
    Rule("clash.declared", "warning",
         "A collision the encoding declares because it cannot express it (two passages and a case in words)",
         "The encoder found a collision the vocabulary has no facts for, and declared it with its quotes.",
         "It is not proven by the solver, but it is not lost in a note either.",
         "\u201cReturned items must be unused.\u201d \u201cAn item is dead on arrival if it fails on first use.\u201d"),
    Rule("override.exception", "info",
         "An exception the text makes, and the clash it resolves",
         "A clause the text makes an exception to another resolves a clash that the two (or a third) would have.",
         "Shown so that the reviewer sees what the exception settles.",
         "\u201cOrders may be cancelled within 48 hours.\u201d \u201cAs an absolute exception, PINELABS orders cannot "
         "be cancelled.\u201d"),
    Rule("override.condition", "info",
         "A clause read as a condition of eligibility for another's outcome, and the clash the reading resolves",
         "The encoding reads one clause as a condition of the right another grants (`condition_of`).",
         "The reading removes a clash; a reviewer who rejects it gets the clash back.",
         "\u201cIf the service centre certifies the product, we replace it.\u201d \u201cTo be eligible for a "
         "replacement, it must be certified within 24 hours.\u201d"),
    Rule("override.rank", "info",
         "A clash between documents of a ranked set, resolved by rank",
         "The documents of a set are ranked; the higher-ranked one prevails where they clash.",
         "The clash is real but settled by the set's order of precedence.",
         "Statute (rank 1): \u201c14 days to withdraw.\u201d Seller (rank 2): \u201c7 days to return.\u201d", hub=True),
    Rule("dead.unsatisfiable-condition", "error",
         "A clause whose condition no case meets",
         "No case that respects the life of an order meets the clause's condition.",
         "The sentence can never apply: a typo in a limit, or a condition that contradicts itself.",
         "\u201cReturns accepted if sent before delivery.\u201d"),
    Rule("dead.always-overridden", "error",
         "A clause (or its part on some outcomes) every case of which is taken by its exceptions",
         "Every case the clause speaks to is taken by its exceptions or fails its conditions.",
         "The clause is dead text as written.",
         "\u201cCards are refunded to the card.\u201d \u201cEvery refund is paid by bank transfer, an exception to "
         "the card rule.\u201d"),
    Rule("gap.open-outcome", "warning",
         "Facts for which no clause decides an outcome the request asks about",
         "For the cases of the region, the clauses leave the outcome the customer asks about open.",
         "The customer asks and the policy does not answer.",
         "\u201cReturns within 14 days are accepted.\u201d (A return on day 20: nothing says.)"),
    Rule("gap.no-clause", "info",
         "An outcome a request asks about that no clause decides at all",
         "The document governs a kind of request but never decides the outcome that request asks about.",
         "The whole question is missing from the text.",
         "A returns page that never says when a return is refunded."),
    Rule("duplicate.same-text", "warning",
         "The same text encoded twice",
         "The source repeats a passage (or one sentence is encoded twice for the same outcome).",
         "A repetition invites the two copies to drift apart.",
         "The same cancellation paragraph printed at the top and at the bottom of the page."),
    Rule("duplicate.same-meaning", "warning",
         "Two clauses that imply each other",
         "Two clauses say the same thing in different words.",
         "Two wordings of one rule invite the two to drift apart.",
         "\u201cRefunds within 14 days.\u201d \u201cWe refund you no later than two weeks after.\u201d"),
    Rule("redundant.implied", "warning",
         "A clause implied by others",
         "Wherever the clause applies, the clauses named already require what it says.",
         "The clause adds nothing; a later edit of one copy makes them differ.",
         "\u201cAll returns need an RMA.\u201d \u201cDamaged returns need an RMA.\u201d"),
    Rule("redundant.self-evident", "warning",
         "A clause whose requirement holds in every case it applies to",
         "What the clause requires follows from its own condition.",
         "The sentence decides nothing.",
         "\u201cA refund that is due is refunded.\u201d"),
    Rule("ambiguity.time-reading", "warning",
         "A time limit whose reading (inclusive or not, calendar or working days) changes an outcome",
         "The words of a time limit allow another reading, and the case shown is decided differently under it.",
         "A dispute over day 30 is a dispute over the words.",
         "\u201cReturns within 30 days.\u201d (Is day 30 inside? Calendar days or working days?)"),
    Rule("ambiguity.reading", "warning",
         "Another reading of a clause the text allows, and the clashes that appear or disappear under it",
         "The encoding records another reading of the clause (`readings:`); the finding says what choosing it "
         "changes (info when it changes nothing found).",
         "The reviewer sees the consequence of each reading, not only the one the encoder chose.",
         "\u201cInvoiced orders will not be cancelled.\u201d (The customer's cancellation, or any, the seller's too?)"),
    Rule("ambiguity.vague-term", "info",
         "An undefined term the outcome turns on",
         "A clause turns on a word the text does not define; the encoding fixes one reading.",
         "A reviewer should confirm the reading or ask for a definition.",
         "\u201cCancellation is possible if requested very early.\u201d"),
    Rule("property.refuted", "error",
         "A stated property fails, with a counterexample",
         "A property the encoding states (for example, a refund whenever a cancellation is allowed) fails in the "
         "case shown.",
         "What the owners believe the policy guarantees, it does not.",
         "Property: \u201ca refund is due whenever a cancellation is allowed\u201d, refuted by a late cancellation."),
    Rule("unknown.solver-limit", "error",
         "The solver could not answer within the time limit",
         "A question was not decided within its time limit or the run's budget.",
         "Never a pass: what was not decided may hide a finding.",
         "A very large policy analysed with a short --timeout-ms."),
    Rule("stale.quote", "error",
         "A clause quotes text that is no longer in its source (the text was edited, the encoding was not)",
         "The quote of a clause is not in the edited source text.",
         "The encoding no longer says what the text says.",
         "The text changes \u201c48 hours\u201d to \u201c24 hours\u201d; the clause still quotes the old sentence.",
         source="gate"),
    Rule("stale.skipped-quote", "error",
         "A skipped sentence is no longer in its source",
         "A sentence listed as skipped is not in the edited source text.",
         "The list of skipped sentences no longer matches the text.",
         "A heading that was reworded.", source="gate"),
    Rule("drift.number", "error",
         "A number in a clause's quote differs from the number its encoding uses",
         "The quote says one number (a duration, a percentage) and the encoding compares with another.",
         "The encoding checks a rule the text does not state.",
         "Quote: \u201cwithin 48 hours\u201d; encoding: hours(order_placed_at, request_at) <= 24.", source="gate"),
    Rule("uncovered.normative", "error",
         "A sentence that decides something (a duty, a limit, a fee) is neither encoded nor skipped",
         "A sentence with a duty, a limit or a fee is neither quoted by a clause nor skipped with a reason.",
         "What the text decides there is not checked.",
         "A new sentence \u201cA 10% fee applies to late returns\u201d added to the text.", source="gate"),
    Rule("uncovered.sentence", "error",
         "A sentence is neither encoded nor skipped",
         "A sentence of the source is neither quoted by a clause nor skipped with a reason.",
         "Every sentence is accounted for, so nothing is missed silently.",
         "A new paragraph added to the text.", source="gate"),
    Rule("regression.customer-right", "error",
         "A case the base version allowed (cancel, return, refund, warranty) is now refused",
         "An edit of the policy refuses, in the case shown, a right the base version granted.",
         "A policy edit that takes a right away from customers should be deliberate.",
         "The edit changes \u201cwithin 48 hours\u201d to \u201cwithin 24 hours\u201d.", source="gate"),
)

RULES: dict[str, Rule] = {r.id: r for r in CATALOGUE}
# the kinds the analysis finds, in listing order (the report's columns)
ANALYSIS_KINDS = tuple(k for k in KIND_ORDER if any(r.kind == k and r.source == "check" for r in CATALOGUE))
HUB_RULES = tuple(r.id for r in CATALOGUE if r.hub)


def page(rule: Rule) -> str:
    """The rule's page: what, why, example (`clausecheck rule ID`, SARIF's help)."""
    return (f"{rule.id} ({rule.severity}): {rule.summary}\n\n"
            f"What: {rule.what}\n\nWhy: {rule.why}\n\nExample: {rule.example}\n")


def markdown_table() -> str:
    """The README's table of rules."""
    rows = ["| kind | rule | severity | meaning |", "|---|---|---|---|"]
    rows += [f"| {r.kind} | `{r.id}` | {r.severity} | {r.summary} |" for r in CATALOGUE if r.source == "check"]
    return "\n".join(rows) + "\n"
