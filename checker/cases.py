"""Cases: the facts of one customer situation, read from JSON or JSON Lines.

A case is validated against the vocabulary and the background axioms in plain
Python; an unusable case is an input error that names its file and line.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError, Line, Location, Problem, field_path, shown
from .inputs.paths import CASES_LIMIT, read_text
from .vocabulary import BoolType, EnumType, NumberType, Vocabulary

EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)

FactValue = bool | str | Fraction | datetime | None


class CaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Line = Field(min_length=1)  # printed at the head of each proof: no escapes, no line breaks
    documents: list[Line] = []
    facts: dict[str, Any]
    expect: dict[str, Any] = {}


@dataclass(frozen=True)
class Case:
    """Facts by name. Timestamps are aware datetimes in the order's time zone, or None
    when the event has not happened; bool, enum and number facts that the case does
    not give are absent from `facts` (unknown)."""

    id: str
    documents: tuple[str, ...]
    facts: dict[str, FactValue]
    expect: dict[str, bool | str | Fraction]
    location: Location = field(compare=False)


def parse_timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 timestamp string with an offset")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no offset (write e.g. +05:30 or Z)")
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{value!r} is outside the supported years 2000 to 2099")
    if moment.microsecond or (moment.utcoffset() or timedelta(0)).microseconds:
        # Both back ends count whole seconds; a fraction would be dropped, differently by
        # each, at the edge of a window ("within 48 hours" at 48 h 0.5 s), so it is
        # refused rather than rounded.
        raise ValueError(f"{value!r} has a fraction of a second: give times to the whole second, "
                         f"e.g. {moment.replace(microsecond=0).isoformat(timespec='seconds')}")
    return moment


def _value(name: str, var_type, raw: Any) -> FactValue:
    if isinstance(var_type, BoolType):
        if not isinstance(raw, bool):
            raise ValueError(f"{name} must be true or false")
        return raw
    if isinstance(var_type, EnumType):
        if raw not in var_type.values:
            raise ValueError(f"{name} must be one of {', '.join(var_type.values)}; got {raw!r}")
        return raw
    if isinstance(var_type, NumberType):
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ValueError(f"{name} must be a number")
        number = Fraction(str(raw))
        if var_type.integer and number.denominator != 1:
            raise ValueError(f"{name} must be a whole number")
        if not var_type.low <= number <= var_type.high:
            raise ValueError(f"{name} must lie in {var_type.low}..{var_type.high}; got {raw}")
        return number
    if raw is None:
        if not var_type.optional:
            raise ValueError(f"{name} is required and cannot be null")
        return None
    return parse_timestamp(raw)


def axiom_violations(facts: dict[str, FactValue], vocabulary: Vocabulary) -> list[str]:
    """The background axioms of `vocabulary` that `facts` break, in words (plain Python,
    no solver). `facts` may be partial: an optional timestamp they do not give has not
    happened; an axiom that reads a bool, enum or number fact they do not give is
    decided only together with the others (`semantics.axioms.violations`)."""
    from .semantics.axioms import messages  # late: that module reads the evaluator, which reads this one

    return messages(vocabulary, facts)


def build_case(spec: CaseSpec, vocabulary: Vocabulary, location: Location) -> Case:
    problems = []
    facts: dict[str, FactValue] = {}
    for name, raw in spec.facts.items():
        var = vocabulary.facts.get(name)
        if var is None:
            hint = " (it is an outcome: put it under expect)" if name in vocabulary.outcomes else ""
            problems.append(f"unknown fact {name!r}{hint}")
            continue
        try:
            facts[name] = _value(name, var.type, raw)
        except ValueError as exc:
            problems.append(str(exc))
    for var in vocabulary.timestamps:
        if var.name not in facts:
            if not var.type.optional:
                if var.name not in spec.facts:  # a value given but refused is reported above, once
                    problems.append(f"fact {var.name!r} is required")
            else:
                facts[var.name] = None  # absent timestamp: the event has not happened
    expect: dict[str, bool | str | Fraction] = {}
    for name, raw in spec.expect.items():
        var = vocabulary.outcomes.get(name)
        if var is None:
            problems.append(f"expect: unknown outcome {name!r}")
            continue
        if raw in ("clash", "open"):
            expect[name] = raw
            continue
        try:
            expect[name] = _value(name, var.type, raw)
        except ValueError as exc:
            problems.append(f"expect: {exc}")
    if problems:
        raise InputError([Problem(location, f"case {spec.id!r}: {p}") for p in problems])
    # One calendar per case: every timestamp in the time zone of the order.
    zone = facts["order_placed_at"].tzinfo if isinstance(facts.get("order_placed_at"), datetime) else timezone.utc
    facts = {k: (v.astimezone(zone) if isinstance(v, datetime) else v) for k, v in facts.items()}
    broken = axiom_violations(facts, vocabulary)
    if broken:
        raise InputError([Problem(location, f"case {spec.id!r}: impossible facts: {b}") for b in broken])
    return Case(spec.id, tuple(spec.documents), facts, expect, location)


def read_cases(path: Path, vocabulary: Vocabulary) -> list[Case]:
    """Read a JSON file (one case or a list) or a JSON Lines file; validate every case.
    Raises InputError with every problem found when any case is unusable."""
    cases, problems = load_cases(path, vocabulary)
    if problems:
        raise InputError(problems)
    return cases


def load_cases(path: Path, vocabulary: Vocabulary) -> tuple[list[Case], list[Problem]]:
    """The usable cases of a case file, and the problems of the others, case by case:
    in a JSON Lines file a line that is not JSON is one unusable case, not the whole
    file. Raises InputError only when the file as a whole is unusable (unreadable,
    not JSON, no cases)."""
    text = read_text(path, limit=CASES_LIMIT, what="case file", pipes=True)  # a regular file or a pipe, bounded
    records: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    try:
        records = _document(text)
    except json.JSONDecodeError as whole_error:
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((line_no, _one_value(line)))
            except json.JSONDecodeError as exc:
                problems.append(Problem(Location(str(path), line_no, exc.colno), f"not valid JSON: {exc.msg}"))
        if not records and problems:
            # no line is JSON: the file is one JSON document (or none) with an error in it
            where = Location(str(path), whole_error.lineno, whole_error.colno)
            raise InputError([Problem(where, f"not valid JSON: {whole_error.msg}")]) from None
    if not records and not problems:
        raise InputError([Problem(Location(str(path)), "no cases in the file")])
    cases, ids = [], set()
    for line_no, raw in records:
        loc = Location(str(path), line_no)
        if isinstance(raw, Refused):
            problems.append(Problem(loc, f"not a usable case: {raw}"))
            continue
        try:
            spec = CaseSpec.model_validate(raw)
        except ValidationError as exc:
            problems.extend(Problem(loc, f"{field_path(e['loc']) or 'case'}: {shown(e['msg'])}") for e in exc.errors())
            continue
        if spec.id in ids:
            problems.append(Problem(loc, f"case id {spec.id!r} is used twice"))
            continue
        ids.add(spec.id)
        try:
            cases.append(build_case(spec, vocabulary, loc))
        except InputError as exc:
            problems.extend(exc.problems)
    problems.sort(key=lambda p: (p.location.line, p.location.column))
    return cases, problems


# ---- JSON at the boundary ------------------------------------------------------------
#
# `json` alone keeps the last of two equal keys, turns a 5,000-digit number into a
# ValueError (Python's limit on int/str conversion), reads NaN and Infinity, and
# recurses once per level of nesting. Each of those is refused here, for the one case it
# is in, so that nothing past this point meets them.

MAX_JSON_DEPTH = 32          # a case is 3 levels deep (case, facts, value)
MAX_NUMBER_DIGITS = 128      # far above any fact, far below the 4,300-digit limit


class Refused(ValueError):
    """A JSON value the case format does not accept, though `json` would."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise Refused(f"the key {key!r} is given twice in one object (JSON would keep the last silently)")
        found[key] = value
    return found


def _digits(text: str) -> str:
    mantissa = text.lower().split("e")[0]
    if sum(ch.isdigit() for ch in mantissa) > MAX_NUMBER_DIGITS:
        raise Refused(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    return text


def _integer(text: str) -> int:
    return int(_digits(text))


def _real(text: str) -> float:
    value = float(_digits(text))
    if math.isinf(value):
        raise Refused(f"the number {text} is too large")
    return value


def _constant(text: str) -> Any:
    raise Refused(f"{text} is not a number (JSON has no NaN or Infinity)")


_STRICT = json.JSONDecoder(object_pairs_hook=_object, parse_int=_integer, parse_float=_real, parse_constant=_constant)
# reads only the shape, to find where a refused value ends
_SHAPE = json.JSONDecoder(object_pairs_hook=lambda pairs: None, parse_int=lambda t: 0, parse_float=lambda t: 0,
                          parse_constant=lambda t: 0)
_SPACE = re.compile(r"[ \t\n\r]*")


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _value_at(text: str, start: int) -> tuple[Any, int]:
    """The JSON value at `start` (or a `Refused` in its place) and where it ends.
    Raises JSONDecodeError where the text is not JSON."""
    try:
        value, end = _STRICT.raw_decode(text, start)
    except Refused as refused:
        return refused, _end_of(text, start)
    except RecursionError:
        return Refused(f"nested more than {MAX_JSON_DEPTH} levels deep"), _end_of(text, start)
    if _too_deep(value):
        return Refused(f"nested more than {MAX_JSON_DEPTH} levels deep"), end
    return value, end


def _end_of(text: str, start: int) -> int:
    try:
        return _SHAPE.raw_decode(text, start)[1]
    except RecursionError:
        raise json.JSONDecodeError(f"nested more than {MAX_JSON_DEPTH} levels deep", text, start) from None


def _one_value(text: str) -> Any:
    """A whole text that holds one JSON value (a line of JSON Lines)."""
    value, end = _value_at(text, _SPACE.match(text, 0).end())
    end = _SPACE.match(text, end).end()
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _document(text: str) -> list[tuple[int, Any]]:
    """(line, case) for a file that is one JSON document: a case, or a list of cases,
    each with the line it starts on. Raises JSONDecodeError when the file is not one
    JSON document (JSON Lines, or broken)."""
    pos = _SPACE.match(text, 0).end()
    if pos == len(text):
        return []
    records, line, counted = [], 1, 0

    def line_of(at: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, at)
        counted = at
        return line

    if text[pos] != "[":
        return [(line_of(pos), _one_value(text))]
    pos = _SPACE.match(text, pos + 1).end()
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            value, end = _value_at(text, pos)
            records.append((line_of(pos), value))
            pos = _SPACE.match(text, end).end()
            if text.startswith(",", pos):
                pos = _SPACE.match(text, pos + 1).end()
            elif text.startswith("]", pos):
                pos += 1
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    end = _SPACE.match(text, pos).end()
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return records


def case_to_json(case_id: str, documents: tuple[str, ...], facts: dict[str, FactValue]) -> dict[str, Any]:
    """A case in the case format (for witnesses and counterexamples)."""
    out: dict[str, Any] = {}
    for name, value in facts.items():
        if isinstance(value, datetime):
            out[name] = value.isoformat()
        elif isinstance(value, Fraction):
            out[name] = int(value) if value.denominator == 1 else float(value)
        else:
            out[name] = value
    return {"id": case_id, "documents": list(documents), "facts": out}
