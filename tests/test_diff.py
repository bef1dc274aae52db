"""`checker.diff`: what an edit of a document changes, per outcome.

Small documents are written in two versions (old, new) and loaded with one
vocabulary. Every region's witness is re-decided here with the plain evaluator under
both versions and must show the relation its direction claims; random cases (casegen)
cross-check the claims made for all cases: a verdict without a direction has no case
in that direction, and a region holds its relation wherever a random case falls in it.
"""

from __future__ import annotations

import json
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.casegen import RandomChooser, generate_facts
from checker.cases import axiom_violations
from checker.components import outcome_groups, outcomes_of
from checker.diff import DocumentDiff, Region, diff_documents, diff_versions, restrictions, touched_outcomes
from checker.evaluate import consistent, decide_conjuncts, evaluate
from checker.load import Document, load_documents
from checker.policy import Policy
from checker.render import diff_text
from checker.render.narrate import region_words
from checker.search import PairSearch, SolverUnknown
from checker.verdict import OutcomeVerdict
from checker.vocabulary import BoolType, Vocabulary

from .conftest import ENCODINGS, Encodings

HOURS = "hours(order_placed_at, request_at)"


def shop(window: str = f"{HOURS} <= 48", deadline: int = 14, method: str = "bank_transfer", extra: str = "",
         when: str = "request == cancel") -> str:
    """An encoding: a cancellation window (applying `when`), a refund deadline, a refund
    method, and `extra` clauses."""
    return textwrap.dedent(f"""\
        document: shop
        title: A small shop
        clauses:
          - id: "1"
            quote: "Rule 1."
            when: {when}
            then: cancellation_allowed == ({window})
          - id: "2"
            quote: "Rule 2."
            when: request == refund
            then: refund_deadline_working_days == {deadline}
          - id: "3"
            quote: "Rule 3."
            when: request == refund
            then: refund_method == {method}
        """) + textwrap.indent(textwrap.dedent(extra), "  ")


SOURCE = "".join(f"Rule {i}.\n" for i in range(1, 8))


def versions(root: Path, old: str, new: str) -> tuple[Vocabulary, Document, Document]:
    """The two versions of `shop`, each in its own folder, loaded with one vocabulary."""
    docs = []
    vocabulary = None
    for name, encoding in (("old", old), ("new", new)):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        Encodings(folder).document("shop", SOURCE, encoding)
        vocabulary, [doc] = load_documents([folder / "shop"], vocabulary=vocabulary)
        docs.append(doc)
    return vocabulary, docs[0], docs[1]


def by_outcome(diff: DocumentDiff) -> dict:
    return {o.outcome: o for o in diff.outcomes}


# ---- the relation, restated from the semantics (independently of diff.py) -------------------


def allows(v: OutcomeVerdict, value) -> bool:
    return v.status == "open" or (v.status == "determined" and v.value == value)


def allows_other(v: OutcomeVerdict, value) -> bool:
    return v.status == "open" or (v.status == "determined" and v.value != value)


def forced(v: OutcomeVerdict):
    return v.value if v.status == "determined" else None


def relation(vocabulary: Vocabulary, outcome: str, old: OutcomeVerdict, new: OutcomeVerdict, direction: str) -> bool:
    if "clash" in (old.status, new.status):
        return False  # not compared
    if isinstance(vocabulary.outcomes[outcome].type, BoolType):
        if direction == "below":
            return (old.status == "determined" and old.value is True and allows(new, False)) or \
                   (allows(old, True) and new.status == "determined" and new.value is False)
        return (new.status == "determined" and new.value is True and allows(old, False)) or \
               (allows(new, True) and old.status == "determined" and old.value is False)
    forcing, other = (new, old) if direction == "below" else (old, new)
    return forcing.status == "determined" and allows_other(other, forcing.value)


def verdicts(vocabulary: Vocabulary, old: Document, new: Document, facts, outcome: str):
    """The outcome as each whole version decides it; `clash` when the outcome's group has
    no consistent reading (a clash elsewhere in the group leaves the outcome undecided here)."""
    out = []
    for doc in (old, new):
        conjuncts = Policy(vocabulary, (doc,)).conjuncts
        group = next((g for g in outcome_groups(conjuncts) if outcome in outcomes_of(g)), ())
        verdict = decide_conjuncts(vocabulary, conjuncts, facts).outcomes[outcome]
        out.append(verdict if consistent(vocabulary, group, facts) else OutcomeVerdict(outcome, "clash"))
    return tuple(out)


def in_region(region: Region, facts) -> bool:
    return all(bool(evaluate(atom, facts, {})) is truth for atom, truth in region.region)


def assert_regions_hold(vocabulary: Vocabulary, old: Document, new: Document, diff: DocumentDiff, samples: int = 0) -> None:
    """Every witness lies in its region, breaks no axiom and shows its direction under the
    evaluator; with `samples`, random cases check the claims made for all cases."""
    chooser = RandomChooser(0)
    for o in diff.outcomes:
        for r in o.regions:
            assert axiom_violations(r.witness, vocabulary) == []
            assert in_region(r, r.witness)
            # the facts a witness leaves out do not matter: any values of them will do
            facts = {**generate_facts(vocabulary, chooser), **r.witness}
            before, after = verdicts(vocabulary, old, new, facts, o.outcome)
            assert relation(vocabulary, o.outcome, before, after, r.direction), (r, before, after)
            assert r.old == (("determined", before.value) if before.status == "determined" else ("open", None))
            assert r.new == (("determined", after.value) if after.status == "determined" else ("open", None))
    for _ in range(samples):
        facts = generate_facts(vocabulary, chooser)
        for o in diff.outcomes:
            before, after = verdicts(vocabulary, old, new, facts, o.outcome)
            for direction, verdicts_with_it in (("below", ("narrower", "incomparable", "unknown")),
                                                ("above", ("broader", "incomparable", "unknown"))):
                if relation(vocabulary, o.outcome, before, after, direction):
                    assert o.verdict in verdicts_with_it, (o.outcome, direction, facts, before, after)
            for r in o.regions:
                if r.widened and in_region(r, facts):
                    assert relation(vocabulary, o.outcome, before, after, r.direction), (r.region, facts, before, after)


# ---- a window cut, a window widened ---------------------------------------------------------


def test_cutting_the_window_is_narrower_with_the_cut_as_its_region(tmp_path: Path) -> None:
    vocabulary, old, new = versions(tmp_path, shop(f"{HOURS} <= 48"), shop(f"{HOURS} <= 24"))
    diff = diff_documents(vocabulary, old, new)
    outcomes = by_outcome(diff)
    assert diff.status == "changed" and diff.solver_calls > 0
    cancel = outcomes["cancellation_allowed"]
    assert cancel.verdict == "narrower" and cancel.analysed
    [region] = cancel.regions
    assert (region.direction, region.old, region.new) == ("below", ("determined", True), ("determined", False))
    assert region_words(region.region, vocabulary) == [
        "the customer asks to cancel the order", "the request is more than 24 and at most 48 hours after the order"]
    assert region.witness["request"] == "cancel"
    assert region.clauses_old == ("1",) and region.clauses_new == ("1",)
    assert_regions_hold(vocabulary, old, new, diff, samples=300)
    # the clauses about refunds were not edited: no solver call for them
    assert not outcomes["refund_method"].analysed and outcomes["refund_method"].verdict == "equivalent"
    assert restrictions(diff, vocabulary) == [region]

    text = diff_text.render([diff], vocabulary, "text")
    assert ("cancellation allowed: old yes, new no, where the customer asks to cancel the order; "
            "the request is more than 24 and at most 48 hours after the order; for example:") in text


def test_widening_the_window_is_broader_and_takes_no_right_away(tmp_path: Path) -> None:
    vocabulary, old, new = versions(tmp_path, shop(f"{HOURS} <= 24"), shop(f"{HOURS} <= 48"))
    diff = diff_documents(vocabulary, old, new)
    cancel = by_outcome(diff)["cancellation_allowed"]
    assert cancel.verdict == "broader"
    assert [(r.direction, r.old, r.new) for r in cancel.regions] == [("above", ("determined", False), ("determined", True))]
    assert restrictions(diff, vocabulary) == []
    assert_regions_hold(vocabulary, old, new, diff, samples=300)


def test_a_right_left_open_where_it_was_granted_is_a_restriction(tmp_path: Path) -> None:
    """Old: cancel within 48 h. New: the right is defined only up to 24 h, and refused
    after 48 h; in between the new version is silent (open)."""
    new_window = shop(f"{HOURS} <= 24", when=f"request == cancel and {HOURS} <= 24", extra=f"""\
        - id: "4"
          quote: "Rule 4."
          when: request == cancel and {HOURS} > 48
          then: not cancellation_allowed
        """)
    vocabulary, old, new = versions(tmp_path, shop(f"{HOURS} <= 48"), new_window)
    diff = diff_documents(vocabulary, old, new)
    cancel = by_outcome(diff)["cancellation_allowed"]
    assert cancel.verdict == "narrower"
    assert [(r.old, r.new) for r in cancel.regions] == [(("determined", True), ("open", None))]
    assert restrictions(diff, vocabulary) == cancel.regions
    assert_regions_hold(vocabulary, old, new, diff, samples=300)


def test_refusing_what_was_left_open_is_narrower_but_no_restriction(tmp_path: Path) -> None:
    """Old: granted up to 24 h, silent up to 48 h, refused after. New: refused after 24 h."""
    old_window = shop(f"{HOURS} <= 24", when=f"request == cancel and {HOURS} <= 24", extra=f"""\
        - id: "4"
          quote: "Rule 4."
          when: request == cancel and {HOURS} > 48
          then: not cancellation_allowed
        """)
    vocabulary, old, new = versions(tmp_path, old_window, shop(f"{HOURS} <= 24"))
    diff = diff_documents(vocabulary, old, new)
    cancel = by_outcome(diff)["cancellation_allowed"]
    assert cancel.verdict == "narrower"
    assert [(r.old, r.new) for r in cancel.regions] == [(("open", None), ("determined", False))]
    assert restrictions(diff, vocabulary) == []
    assert_regions_hold(vocabulary, old, new, diff, samples=200)


# ---- values of enums and numbers --------------------------------------------------------------


def test_a_changed_value_is_incomparable_and_untouched_outcomes_are_not_analysed(tmp_path: Path) -> None:
    vocabulary, old, new = versions(tmp_path, shop(deadline=14), shop(deadline=10, method="store_credit"))
    diff = diff_documents(vocabulary, old, new)
    outcomes = by_outcome(diff)
    changes = (("refund_deadline_working_days", 14, 10), ("refund_method", "bank_transfer", "store_credit"))
    for name, before, after in changes:
        o = outcomes[name]
        assert o.verdict == "incomparable" and o.analysed
        assert {r.direction for r in o.regions} == {"below", "above"}
        assert {(r.old, r.new) for r in o.regions} == {(("determined", before), ("determined", after))}
        assert all(region_words(r.region, vocabulary) == ["the customer asks for a refund"] for r in o.regions)
    assert outcomes["cancellation_allowed"].verdict == "equivalent" and not outcomes["cancellation_allowed"].analysed
    assert restrictions(diff, vocabulary) == []
    assert_regions_hold(vocabulary, old, new, diff, samples=200)


def test_a_value_decided_where_it_was_open_is_narrower_for_a_number(tmp_path: Path) -> None:
    old_text = shop(deadline=14).replace("refund_deadline_working_days == 14", "refund_deadline_working_days <= 14")
    vocabulary, old, new = versions(tmp_path, old_text, shop(deadline=10))
    deadline = by_outcome(diff_documents(vocabulary, old, new))["refund_deadline_working_days"]
    assert deadline.verdict == "narrower"
    assert [(r.old, r.new) for r in deadline.regions] == [(("open", None), ("determined", 10))]


def test_an_edit_to_a_chained_clause_is_found_through_the_outcome_it_reads(tmp_path: Path) -> None:
    """The edited clause reads an outcome in its condition: it may apply anywhere."""
    chained = """\
        - id: "4"
          quote: "Rule 4."
          when: request == cancel and cancellation_allowed
          then: {then}
        """
    vocabulary, old, new = versions(tmp_path, shop(extra=chained.format(then="refund_due")),
                                    shop(extra=chained.format(then="not refund_due")))
    diff = diff_documents(vocabulary, old, new)
    refund = by_outcome(diff)["refund_due"]
    assert refund.verdict == "narrower"
    assert [(r.old, r.new) for r in refund.regions] == [(("determined", True), ("determined", False))]
    assert region_words(refund.regions[0].region, vocabulary) == [
        "the customer asks to cancel the order", "the request is at most 48 hours after the order"]
    assert refund.regions[0].clauses_old == ("1", "4")
    assert by_outcome(diff)["cancellation_allowed"].verdict == "equivalent"
    assert_regions_hold(vocabulary, old, new, diff, samples=200)


# ---- what is not compared, what is not analysed ---------------------------------------------


def test_cases_where_a_version_clashes_are_not_compared(tmp_path: Path) -> None:
    """The old version grants within 48 h and refuses after 24 h: it clashes in between,
    exactly where the new 24-hour window differs, so nothing is compared there."""
    clash = f"""\
        - id: "4"
          quote: "Rule 4."
          when: request == cancel and {HOURS} > 24
          then: not cancellation_allowed
        """
    vocabulary, old, new = versions(tmp_path, shop(f"{HOURS} <= 48", extra=clash), shop(f"{HOURS} <= 24", extra=clash))
    diff = diff_documents(vocabulary, old, new)
    assert by_outcome(diff)["cancellation_allowed"].verdict == "equivalent"
    assert by_outcome(diff)["cancellation_allowed"].analysed
    assert_regions_hold(vocabulary, old, new, diff, samples=200)


def test_a_question_the_solver_gives_up_on_makes_the_verdict_unknown(tmp_path: Path, monkeypatch) -> None:
    vocabulary, old, new = versions(tmp_path, shop(f"{HOURS} <= 48"), shop(f"{HOURS} <= 24"))
    asked = PairSearch.forced_against

    def gives_up_on_broader(self, outcome, forcing_second, value=None, avoid=(), within=None, atoms=()):
        if (forcing_second, value) == (True, True):  # "new grants": a question of the broader side
            raise SolverUnknown("timeout")
        return asked(self, outcome, forcing_second, value, avoid, within, atoms)

    monkeypatch.setattr(PairSearch, "forced_against", gives_up_on_broader)
    diff = diff_documents(vocabulary, old, new)
    cancel = by_outcome(diff)["cancellation_allowed"]
    assert cancel.verdict == "unknown" and [r.direction for r in cancel.regions] == ["below"]
    assert "cancellation allowed: UNKNOWN" in diff_text.render([diff], vocabulary, "text")


def test_identical_versions_cost_no_solver_call(tmp_path: Path) -> None:
    vocabulary, old, new = versions(tmp_path, shop(), shop())
    diff = diff_documents(vocabulary, old, new)
    assert diff.status == "unchanged" and diff.solver_calls == 0
    assert [o.outcome for o in diff.outcomes] == ["cancellation_allowed", "refund_deadline_working_days", "refund_method"]
    assert all(o.verdict == "equivalent" and not o.analysed for o in diff.outcomes)
    assert touched_outcomes(Policy(vocabulary, (old,)), Policy(vocabulary, (new,))) == set()


def test_a_discretion_clause_edited_changes_nothing_forced(tmp_path: Path) -> None:
    discretion = """\
        - id: "4"
          quote: "Rule 4."
          when: request == {kind}
          then: discretion(refund_method)
        """
    vocabulary, old, new = versions(tmp_path, shop(extra=discretion.format(kind="refund")),
                                    shop(extra=discretion.format(kind="cancel")))
    diff = diff_documents(vocabulary, old, new)
    method = by_outcome(diff)["refund_method"]
    assert (method.verdict, method.analysed, diff.solver_calls) == ("equivalent", True, 0)


def test_only_limits_the_outcomes_analysed_and_listed(tmp_path: Path) -> None:
    vocabulary, old, new = versions(tmp_path, shop(f"{HOURS} <= 48", deadline=14), shop(f"{HOURS} <= 24", deadline=10))
    diff = diff_documents(vocabulary, old, new, only={"cancellation_allowed", "return_accepted"})
    assert [(o.outcome, o.verdict) for o in diff.outcomes] == [("cancellation_allowed", "narrower")]
    assert diff_documents(vocabulary, old, new, only={"refund_method"}).solver_calls == 0


def test_versions_added_and_removed(tmp_path: Path) -> None:
    vocabulary, old, new = versions(tmp_path, shop(), shop())
    diffs = diff_versions(vocabulary, {"shop": old, "gone": old}, {"shop": new, "fresh": new})
    assert [(d.document, d.status, d.outcomes) for d in diffs if d.document != "shop"] == [
        ("fresh", "added", []), ("gone", "removed", [])]
    assert diff_text.render(diffs, vocabulary, "text").startswith("fresh: added\n")


def test_the_seed_documents_against_themselves() -> None:
    vocabulary, first = load_documents([ENCODINGS])
    _, second = load_documents([ENCODINGS], vocabulary=vocabulary)
    diffs = diff_versions(vocabulary, {d.name: d for d in first}, {d.name: d for d in second})
    assert {d.document for d in diffs} >= {"aptronix", "xstron", "battery-cells"}
    for d in diffs:
        assert d.status == "unchanged" and d.solver_calls == 0 and d.outcomes
        assert all(o.verdict == "equivalent" and not o.analysed for o in d.outcomes)


# ---- output ------------------------------------------------------------------------------------


def test_the_output_formats_are_deterministic(tmp_path: Path) -> None:
    vocabulary, old, new = versions(tmp_path, shop(f"{HOURS} <= 48", deadline=14), shop(f"{HOURS} <= 24", deadline=10))
    first = diff_documents(vocabulary, old, new)
    second = diff_documents(vocabulary, old, new)
    for form in ("text", "json", "markdown"):
        assert diff_text.render([first], vocabulary, form) == diff_text.render([second], vocabulary, form)
    data = json.loads(diff_text.render([first], vocabulary, "json"))
    [doc] = data["documents"]
    assert doc["document"] == "shop" and doc["status"] == "changed" and doc["solver_calls"] == first.solver_calls
    cancel = next(o for o in doc["outcomes"] if o["outcome"] == "cancellation_allowed")
    [region] = cancel["regions"]
    assert region["old"] == {"status": "determined", "value": True}
    assert region["region"] == ["the customer asks to cancel the order", "the request is more than 24 and at most 48 hours after the order"]
    assert region["witness"]["facts"]["request"] == "cancel" and region["clauses_old"] == ["1"]
    markdown = diff_text.render([first], vocabulary, "markdown")
    assert "| cancellation allowed | **narrower** | yes |" in markdown
    assert "| refund method | equivalent | no |" in markdown
    text = diff_text.render([first], vocabulary, "text")
    assert "below and above: refund deadline working days: old 14 working days, new 10 working days" in text
    assert "not re-analysed, no changed clause reaches them: refund method" in text


# ---- random edits of a threshold ------------------------------------------------------------------


@st.composite
def editions(draw) -> str:
    """A cancellation window (bound and inclusiveness), and now and then a refusal for
    misuse, as an exception to the window or clashing with it."""
    op = draw(st.sampled_from(("<=", "<")))
    bound = draw(st.sampled_from((12, 24, 36, 48)))
    extra = ""
    misuse = draw(st.sampled_from(("none", "exception", "clash")))
    if misuse != "none":
        overrides = '["1"]' if misuse == "exception" else "[]"
        extra = f"""\
            - id: "4"
              quote: "Rule 4."
              when: request == cancel and misuse
              then: not cancellation_allowed
              overrides: {overrides}
            """
    return shop(f"{HOURS} {op} {bound}", extra=extra)


@settings(max_examples=15, deadline=None)
@given(old_text=editions(), new_text=editions())
def test_every_region_shows_its_relation_under_the_evaluator(old_text: str, new_text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        vocabulary, old, new = versions(Path(folder), old_text, new_text)
    diff = diff_documents(vocabulary, old, new, timeout_ms=10000)
    assert not [o for o in diff.outcomes if o.verdict == "unknown"]
    if old_text == new_text:
        assert diff.solver_calls == 0
    assert_regions_hold(vocabulary, old, new, diff, samples=60)


@pytest.mark.parametrize("form", ["text", "json", "markdown"])
def test_unchanged_documents_render(tmp_path: Path, form: str) -> None:
    vocabulary, old, new = versions(tmp_path, shop(), shop())
    out = diff_text.render([diff_documents(vocabulary, old, new)], vocabulary, form)
    assert "shop" in out and out.endswith("\n")
