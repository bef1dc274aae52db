"""Findings in plain English: the region a finding holds over, and its witness told
as a story. The reader is a lawyer, so names become words and times become
distances from the order."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

from .. import ir
from ..findings import Finding
from ..timecalc import hours
from ..vocabulary import BoolType, EnumType, TimestampType, Vocabulary
from . import english
from .values import spoken

_ORDER = {"<": "before", "<=": "no later than", ">": "after", ">=": "no earlier than", "==": "at the same time as",
          "!=": "not at the same time as"}


def event(name: str) -> str:
    """`order_placed_at` -> "order placed"."""
    return name.removesuffix("_at").replace("_", " ")


def term(e: ir.Expr) -> str:
    if isinstance(e, ir.Duration):
        return f"{english.UNITS[e.unit]} from {event(e.start.name)} to {event(e.end.name)}"
    if isinstance(e, ir.Var):
        return e.name.replace("_", " ")
    if isinstance(e, ir.Const):
        return english.number(e.value) if isinstance(e.value, Fraction) else str(e.value)
    if isinstance(e, ir.Sum):
        return f"{term(e.left)} {e.op} {term(e.right)}"
    if isinstance(e, ir.IfThen):
        return f"{term(e.then)} if {show(e.test)}, else {term(e.otherwise)}"
    return show(e)


def show(e: ir.Expr) -> str:
    """Any expression, in the encoding language."""
    if isinstance(e, ir.Not):
        return f"not ({show(e.operand)})"
    if isinstance(e, (ir.And, ir.Or)):
        word = " and " if isinstance(e, ir.And) else " or "
        return "(" + word.join(show(x) for x in e.operands) + ")"
    if isinstance(e, ir.Cmp):
        return f"{term(e.left)} {e.op} {term(e.right)}"
    if isinstance(e, ir.In):
        return f"{e.operand.name} {'not in' if e.negated else 'in'} [{', '.join(e.values)}]"
    if isinstance(e, ir.Happened):
        return f"{e.timestamp.name} is {'none' if e.negated else 'not none'}"
    if isinstance(e, ir.YearsWithin):
        return f"years({e.start.name}, {e.end.name}) {e.op} {e.years}"
    return term(e)


class _Bounds:
    def __init__(self) -> None:
        self.low: tuple[Fraction, bool] | None = None  # (value, strict)
        self.high: tuple[Fraction, bool] | None = None
        self.equal: Fraction | None = None
        self.unequal: list[Fraction] = []

    def add(self, op: str, value: Fraction) -> None:
        if op == "==":
            self.equal = value
        elif op == "!=":
            self.unequal.append(value)
        elif op in (">", ">="):
            candidate = (value, op == ">")
            if self.low is None or (value, op == ">") > self.low:
                self.low = candidate
        else:
            candidate = (value, op == "<")
            if self.high is None or (value, not (op == "<")) < (self.high[0], not self.high[1]):
                self.high = candidate

    def words(self, say=english.number) -> str:
        if self.equal is not None:
            return f"exactly {say(self.equal)}"
        parts = []
        if self.low is not None:
            parts.append(f"{'more than' if self.low[1] else 'at least'} {say(self.low[0])}")
        if self.high is not None:
            parts.append(f"{'less than' if self.high[1] else 'at most'} {say(self.high[0])}")
        parts += [f"not {say(v)}" for v in self.unequal]
        return " and ".join(parts)


def _bounded(left: ir.Expr, bounds: _Bounds) -> str:
    """A quantity within its bounds, as a sentence: "the request is more than 24 and at
    most 48 hours after the order", "the measured capacity is less than 80%"."""
    if isinstance(left, ir.Duration):
        unit = english.UNITS[left.unit]
        return (f"{english.event(left.end.variable)} is {bounds.words()} {unit} after "
                f"{english.event(left.start.variable)}")
    if isinstance(left, ir.Var) and hasattr(left.variable.type, "unit"):
        unit = left.variable.type.unit
        return f"{english.noun(left.variable)} is {bounds.words(lambda v: english.number(v, unit))}"
    return f"{english.quantity(left)} is {bounds.words()}"


def _or_not_yet(vocabulary: Vocabulary, missing) -> str:
    """ " (or the order has not been delivered)": a false comparison is also false when its
    event has not happened."""
    said = [vocabulary.facts[m].words.negated or f"{english.event(vocabulary.facts[m])} has not happened"
            for m in sorted(missing)]
    return f" (or {' or '.join(said)})" if said else ""


def region_words(region, vocabulary: Vocabulary) -> list[str]:
    """The literals of a region as phrases, with the bounds on one quantity merged."""
    happened = {a.timestamp.name for a, _ in region if isinstance(a, ir.Happened)}
    unless: dict[str, set[str]] = {}  # bound key -> events whose absence also satisfies it
    bounds: dict[str, _Bounds] = {}
    quantities: dict[str, ir.Expr] = {}
    sets: dict[str, set[str]] = {}
    order: list[tuple[str, str]] = []
    phrases: dict[str, str] = {}
    for atom, truth in region:
        if isinstance(atom, ir.Cmp):
            left, right, op = atom.left, atom.right, atom.op
            if isinstance(left, ir.Const) and not isinstance(right, ir.Const):
                left, right, op = right, left, english.MIRROR[op]
            if isinstance(right, ir.Const) and isinstance(right.value, Fraction):
                key = term(left)
                quantities[key] = left
                bounds.setdefault(key, _Bounds()).add(op if truth else english.NEGATE[op], right.value)
                if not truth:  # a false comparison is also false when its event has not happened
                    unless.setdefault(key, set()).update(ir.optional_timestamps(atom) - happened)
                if ("bounds", key) not in order:
                    order.append(("bounds", key))
                continue
            if isinstance(right, ir.Const) and isinstance(right.value, str) and isinstance(left, ir.Var):
                atom, truth = ir.In(left, (right.value,), op == "!="), truth
            elif isinstance(left, ir.Var) and isinstance(right, ir.Var) and isinstance(left.variable.type, TimestampType):
                key = f"{event(left.name)} vs {event(right.name)}"
                phrase = (f"{english.event(left.variable)} is {_ORDER[op if truth else english.NEGATE[op]]} "
                          f"{english.event(right.variable)}")
                missing = ir.optional_timestamps(atom) - happened
                if not truth and missing:
                    phrase += _or_not_yet(vocabulary, missing)
                phrases[key] = phrase
                order.append(("phrase", key))
                continue
        if isinstance(atom, ir.In):
            name = atom.operand.name
            values = set(atom.operand.variable.type.values)
            inside = set(atom.values) if truth != atom.negated else values - set(atom.values)
            sets[name] = sets.get(name, values) & inside
            if ("set", name) not in order:
                order.append(("set", name))
            continue
        key = show(atom)
        phrases[key] = english.condition(atom) if truth else english.negation(atom)
        order.append(("phrase", key))
    out = []
    for kind, key in order:
        if kind == "bounds":
            out.append(_bounded(quantities[key], bounds[key]) + _or_not_yet(vocabulary, unless.get(key, ())))
        elif kind == "set":
            out.append(english.one_of(vocabulary.facts[key], sets[key]))
        else:
            out.append(phrases[key])
    return out


def witness_words(facts: dict[str, Any], vocabulary: Vocabulary) -> list[str]:
    """Each fact of a witness as a phrase: first the facts that set the scene (in
    vocabulary order), then the events in the order they happen, times as distances
    from the order."""
    scene, events = _scene_and_events(facts, vocabulary)
    return scene + events


def witness_events(facts: dict[str, Any], vocabulary: Vocabulary) -> list[str]:
    """The events of a witness in the order they happen: its dated story."""
    return _scene_and_events(facts, vocabulary)[1]


def _scene_and_events(facts: dict[str, Any], vocabulary: Vocabulary) -> tuple[list[str], list[str]]:
    order = facts.get("order_placed_at")
    scene, events = [], []
    for name, value in facts.items():
        var = vocabulary.facts[name]
        if isinstance(var.type, TimestampType):
            if value is None:
                continue
            said = english.event(var)
            if name == "order_placed_at" or not isinstance(order, datetime):
                events.append((value, f"{said}: {_when(value)}"))
            else:
                events.append((value, f"{said}: {_when(value)}, {_distance(order, value)} after the order"))
        elif isinstance(var.type, BoolType):
            scene.append(var.meaning if value else (var.words.negated or f"it is not so that {var.meaning}"))
        elif isinstance(var.type, EnumType):
            scene.append(english.one_of(var, {value}))
        else:
            scene.append(f"{english.noun(var)} is {spoken(var, value)}")
    # sorted() is stable: events at the same moment keep vocabulary order
    return scene, [words for _, words in sorted(events, key=lambda e: e[0])]


def told(finding: Finding) -> dict[str, Any]:
    """The part of a finding's witness a reader is told: the facts its region reads (the
    finding holds throughout the region, so nothing else matters), or without a region
    those its clauses read; the request; every event that happened. (The witness itself
    keeps every fact the certificate needed.)"""
    witness = finding.witness or {}
    if finding.region:
        read = {n for atom, _ in finding.region for n in ir.facts(atom)}
    elif finding.clauses:
        read = {n for c in finding.clauses for part in (c.when, c.then) for n in ir.facts(part)}
    else:
        return dict(witness)
    read.add("request")
    return {k: v for k, v in witness.items() if k in read or isinstance(v, datetime)}


def _when(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y %H:%M")


def _distance(start: datetime, end: datetime) -> str:
    h = hours(start, end)
    if h < 72:
        return f"{english.number(h)} hours"
    days = (end.date() - start.date()).days
    return f"{days} days"


def narrative(finding: Finding, vocabulary: Vocabulary) -> str:
    """The witness of a finding told in plain English ("" when it has none)."""
    if finding.witness is None:
        return ""
    facts = "; ".join(witness_words(told(finding), vocabulary))
    story = f"Take this case: {facts}."
    if finding.kind in ("clash", "override") and finding.clauses:
        demands = "; ".join(english.clause_says(c) for c in finding.clauses)
        story += f" Here {demands}. These cannot all be true at once."
        also = finding.detail.get("also_clashing", [])
        if also:
            # no case of the region shows this clash alone: the reader is told of the others
            others = "; ".join(" and ".join(ids) for ids in also)
            story += f" In every such case these clash as well: {others}."
    elif finding.kind == "gap":
        story += f" No clause settles {', '.join(o.replace('_', ' ') for o in finding.outcomes)} for this case."
    elif finding.kind == "property":
        values = finding.detail.get("outcome_values", {})
        said = ", ".join(f"{k.replace('_', ' ')} = {spoken(vocabulary.outcomes[k], v)}" for k, v in values.items())
        story += f" The clauses allow {said}, which the property rules out."
    elif finding.kind == "regression":
        base = ", ".join(finding.detail.get("base_clauses", [])) or "its clauses"
        story += (f" The base version allowed {finding.outcomes[0].replace('_', ' ')} here (by {base}); "
                  f"the edited version does not.")
    elif finding.kind == "ambiguity":
        story += f" {finding.message.split(': ', 1)[-1][0].upper()}{finding.message.split(': ', 1)[-1][1:]}."
        if finding.detail.get("note"):
            story += f" Why the text allows the reading: {finding.detail['note']}."
    return story
