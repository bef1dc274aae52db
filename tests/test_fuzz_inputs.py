"""Fuzzing the inputs (issue 11): malformed encodings, conditions, cases and
vocabularies, made by mutating small valid ones, go through the loaders and through
`clausecheck check`, `prove` and `coverage` in this process. Each run ends with exit 2
and every error at a `file:line` of the files written, or with a result (exit 0 or 1):
never another exit code, never an exception.

Example counts follow the hypothesis profile (`tests/conftest.py`: `examples()`);
`HYPOTHESIS_PROFILE=soak` runs many more. Every defect the fuzzer found is kept below
as an `@example`.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from checker import cli, syntax
from checker.cases import load_cases
from checker.errors import InputError, unprintable
from checker.load import load_documents, load_vocabulary
from checker.vocabulary import EnumType, TimestampType

from .conftest import ENCODINGS, examples

VOCABULARY_TEXT = (ENCODINGS / "vocabulary.yaml").read_text(encoding="utf-8")
VOCAB = load_vocabulary(ENCODINGS / "vocabulary.yaml")

SOURCE = ("Orders may be cancelled within 48 hours.\nGift cards cannot be returned.\n"
          "Refunds are paid once the item is back.\nWe love our customers.\n")
ENCODING: dict[str, Any] = {
    "document": "shop",
    "title": "Shop",
    "clauses": [
        {"id": "1", "heading": "Cancellation", "quote": "Orders may be cancelled within 48 hours.",
         "when": "request == cancel", "then": "cancellation_allowed == (hours(order_placed_at, request_at) <= 48)"},
        {"id": "2", "quote": ["Gift cards cannot be returned."],
         "when": "request == return and item_category == gift_card", "then": "not return_accepted",
         "note": "a note"},
        {"id": "3", "quote": "Refunds are paid once the item is back.", "overrides": ["2"],
         "when": "request in [return, refund] and return_received_at is not none", "then": "refund_due"},
    ],
    "skipped": [{"quote": "We love our customers.", "reason": "marketing"}],
    "properties": [{"id": "p1", "statement": "a cancellation is decided", "when": "request == cancel",
                    "holds": "cancellation_allowed or not cancellation_allowed"}],
}
CASE: dict[str, Any] = {
    "id": "c1", "documents": ["shop"],
    "facts": {"channel": "online", "request": "cancel", "order_placed_at": "2026-03-02T10:00:00+05:30",
              "request_at": "2026-03-02T20:00:00+05:30", "invoiced_at": None, "item_category": "regular"},
    "expect": {"cancellation_allowed": True},
}

# ---- strategies ------------------------------------------------------------------------

TIMESTAMPS = [v.name for v in VOCAB.timestamps]
NAMES = sorted([*VOCAB.facts, *VOCAB.outcomes])
ENUM_VALUES = sorted(VOCAB.enum_values())
NASTY = ["", " ", "\x1b[2J", "a\nb", "\u202e", "\t", "\u0661\u0664", "\uff48\uff4f\uff55\uff52\uff53", "\x00",
         "\ufeff", "\u2028", "\x85", "'", '"', "\\", "#", ": ", "- ", "&a", "*a", "!!python/object:os.system",
         "<<", "~", "null", "1e400", ".inf", ".nan", "0x10", "1_000", "yes", "2026-03-02", "none", "hours", "true"]

odd_text = st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12), st.sampled_from(NASTY))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(), odd_text)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(odd_text, inner, max_size=3)), max_leaves=6)

huge = st.sampled_from(["1" + "0" * 5000, "1." + "3" * 5000, "1" + "0" * 128, "9" * 4301, "1e400", "0.0000001"])
atom = st.one_of(
    st.sampled_from(NAMES + ENUM_VALUES + ["true", "false", "none", "x", "nope"]),
    st.integers(-5, 500).map(str), huge,
    st.tuples(st.sampled_from(syntax.FUNCTIONS + ("nope",)), st.sampled_from(TIMESTAMPS + NAMES[:3]),
              st.sampled_from(TIMESTAMPS)).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
)
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "+", "-", "and", "or"]
condition_tree = st.recursive(atom, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(OPERATORS), inner).map(" ".join),
    inner.map(lambda x: f"({x})"),
    inner.map(lambda x: f"not {x}"),
    st.tuples(st.sampled_from(NAMES), st.booleans(), st.lists(st.sampled_from(ENUM_VALUES + ["x"]), max_size=3))
      .map(lambda t: f"{t[0]} {'not in' if t[1] else 'in'} [{', '.join(t[2])}]"),
    st.tuples(st.sampled_from(TIMESTAMPS + NAMES[:3]), st.booleans()).map(lambda t: f"{t[0]} is {'not ' if t[1] else ''}none"),
), max_leaves=8)
TOKENS = OPERATORS + ["(", ")", "[", "]", ",", "not", "in", "is", "none", "/", "*", "%", '"', "'", "\u0661", "\u0430",
                      "\n", "#", "=", "!"] + NAMES[:8] + ENUM_VALUES[:8] + list(syntax.FUNCTIONS)
token_soup = st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join)
deep_condition = st.tuples(st.integers(40, 3000), st.sampled_from(["(", "not ", "-", "hours("])).map(
    lambda t: t[1] * t[0] + "request_at" + (")" * t[0] if "(" in t[1] else "") + " < 2")
sum_chain = st.integers(40, 3000).map(lambda n: "hours(order_placed_at, request_at)" + " + 1" * n + " < 2")
conditions = st.one_of(condition_tree, condition_tree, token_soup, deep_condition, sum_chain)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += paths(value, (*prefix, i))
    return found


def mutated(data: dict, draw, keys: list[str]) -> Any:
    """`data` with one to three changes: a key deleted, a value replaced by one of the
    wrong type, a string replaced by a garbage condition, an item repeated, a key added."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data)))
        change = draw(st.sampled_from(["delete", "replace", "condition", "repeat", "add"]))
        if not path:
            if change == "replace":
                data = draw(values)
            continue
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if change == "delete":
            del parent[key]
        elif change == "replace":
            parent[key] = draw(values)
        elif change == "condition":
            parent[key] = draw(conditions)
        elif change == "repeat" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif change == "add" and isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(keys) | odd_text)] = draw(values)
    return data


YAML_SNIPPETS = ["&a ", "*a", "\t", "- ", ": ", "{", "[", "'", '"', "#", "? ", "? [a]\n", "<<: *a", "---\n",
                 "%YAML 1.1\n---\n", "\x1b", "\\e", "\u2028", "!!binary ", "!!int ", "!!float ", "!!bool ",
                 "!!timestamp ", "!!set ", "!!omap ", "!foo ", "2026-02-30 ", "2026-13-45", "1:2:3 ", "0o9 "]


def rendered(data: Any, draw) -> str:
    """`data` as YAML text (block style, or JSON, which is YAML too), then changed as
    text: a line repeated (duplicate keys), deleted, a YAML snippet put in, thousands of
    nested lists, a number of 5,000 digits."""
    if draw(st.booleans()):
        text = json.dumps(data, indent=2, ensure_ascii=draw(st.booleans()))
    else:
        buffer = io.StringIO()
        YAML(typ="rt", pure=True).dump(data, buffer)
        text = buffer.getvalue()
    for change in draw(st.lists(st.sampled_from(["repeat", "delete", "insert", "deep", "huge"]), max_size=2)):
        lines = text.split("\n")
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if change == "repeat":
            lines.insert(at, lines[at])
        elif change == "delete" and lines:
            del lines[at]
        elif change == "insert":
            line = lines[at]
            col = draw(st.integers(0, len(line)))
            lines[at] = line[:col] + draw(st.sampled_from(YAML_SNIPPETS)) + line[col:]
        elif change == "deep":
            n = draw(st.integers(40, 3000))
            lines.insert(at, "deep: " + "[" * n + "]" * n)
        elif change == "huge":
            lines.insert(at, "big: 1" + "0" * 5000)
        text = "\n".join(lines)
    return text


@st.composite
def encoding_texts(draw) -> str:
    return rendered(mutated(ENCODING, draw, ["id", "quote", "when", "then", "overrides", "note", "accept", "scope",
                                             "heading", "source", "reason", "statement", "holds"]), draw)


def case_line(draw) -> str:
    """One line of a case file: a mutated case, as JSON or as broken JSON."""
    case = mutated(CASE, draw, [*VOCAB.facts, *VOCAB.outcomes, "id", "documents", "facts", "expect"])
    if isinstance(case, dict) and isinstance(case.get("facts"), dict) and draw(st.booleans()):
        facts = case["facts"]  # impossible or odd times
        facts[draw(st.sampled_from(TIMESTAMPS))] = draw(st.sampled_from([
            "2026-03-01T10:00:00+05:30", "2026-03-02T10:00:00", "2026-03-02T10:00:00.5+05:30", "1999-01-01T00:00:00Z",
            "2099-12-31T23:00:00-10:00", "2026-02-30T10:00:00Z", "not a time", None, 12345]))
    line = json.dumps(case, ensure_ascii=draw(st.booleans()))
    change = draw(st.sampled_from(["none", "none", "cut", "insert", "duplicate key", "deep", "huge", "nan"]))
    if change == "cut":
        line = line[: draw(st.integers(0, len(line)))]
    elif change == "insert":
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.sampled_from([",", "}", "{", '"', ":", "[", "\\", "\x00", "\n"])) + line[at:]
    elif change == "duplicate key" and line.startswith('{"id"'):
        line = '{"id": "dup", ' + line[1:]
    elif change == "deep" and line.endswith("}"):
        n = draw(st.integers(30, 3000))
        line = line[:-1] + ', "deep": ' + "[" * n + "]" * n + "}"
    elif change == "huge" and line.endswith("}"):
        line = line[:-1] + ', "big": ' + draw(huge) + "}"
    elif change == "nan" and line.endswith("}"):
        line = line[:-1] + ', "nan": ' + draw(st.sampled_from(["NaN", "Infinity", "-Infinity"])) + "}"
    return line


@st.composite
def case_files(draw) -> str:
    lines = [case_line(draw) for _ in range(draw(st.integers(1, 4)))]
    if draw(st.integers(0, 4)) == 0:  # a pretty-printed JSON array
        try:
            return json.dumps([json.loads(x) for x in lines], indent=2)
        except (ValueError, RecursionError):
            pass
    return "\n".join(lines) + "\n"


def vocabulary_data() -> dict:
    return json.loads(json.dumps(YAML(typ="safe", pure=True).load(VOCABULARY_TEXT)))


VOCABULARY = vocabulary_data()
RETYPED = [{"type": "bool", "meaning": "m"}, {"type": "enum", "values": ["a_1", "b_2"], "meaning": "m"},
           {"type": "number", "unit": "u", "range": [0, 10], "integer": True, "meaning": "m"},
           {"type": "timestamp", "optional": True, "meaning": "m"}, {"type": "timestamp", "meaning": "m"}]


@st.composite
def vocabulary_texts(draw) -> str:
    data = copy.deepcopy(VOCABULARY)
    for _ in range(draw(st.integers(1, 3))):
        section = draw(st.sampled_from(["facts", "outcomes"]))
        name = draw(st.sampled_from(sorted(data[section])))
        change = draw(st.sampled_from(["rename", "type", "retype", "range", "values", "delete", "spec"]))
        spec = data[section][name]
        if change == "retype":  # a valid spec of another kind
            data[section][name] = draw(st.sampled_from(RETYPED))
        elif change == "rename":
            data[section][draw(st.sampled_from(NASTY + ["none", "hours", "order placed", "ok_name", "request"]))] = \
                data[section].pop(name)
        elif change == "type" and isinstance(spec, dict):
            spec["type"] = draw(st.sampled_from(["bool", "enum", "number", "timestamp", "string", None]))
        elif change == "range" and isinstance(spec, dict):
            spec["range"] = draw(st.lists(st.one_of(st.floats(), st.integers(-10, 10**30), odd_text), max_size=3))
        elif change == "values" and isinstance(spec, dict):
            spec["values"] = draw(st.lists(st.sampled_from(ENUM_VALUES + NASTY), max_size=4))
        elif change == "delete":
            del data[section][name]
        else:
            data[section][name] = mutated(spec, draw, ["type", "values", "range", "unit", "optional", "meaning",
                                                       "asked_by", "integer"])
    return rendered(data, draw)


# ---- running and judging --------------------------------------------------------------

ERROR = re.compile(r"^error: (?P<file>.+?):(?P<line>\d+)(?::(?P<column>\d+))?: \S")
WHOLE_FILE = ("no cases in the file",)  # problems of a file as a whole, with no line to name


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def judge(code: int, out: str, err: str, files: list[Path]) -> None:
    """Exit 2 with each error at a line of one of `files`, or a result (0 or 1); and
    nothing printed that a terminal would act on."""
    assert code in (0, 1, 2), err
    assert unprintable(out + err, one_line=False) is None, (out + err)[:2000]
    names = {str(f) for f in files}
    if code == 2:
        lines = err.splitlines()
        assert lines, "exit 2 says why"
        for line in lines:
            if any(line.endswith(w) for w in WHOLE_FILE):
                continue
            match = ERROR.match(line)
            assert match and match["file"] in names and int(match["line"]) >= 1, line
    else:
        for line in err.splitlines():  # coverage: the sentences neither encoded nor skipped
            match = re.match(r"^(?P<file>.+?):(?P<line>\d+): neither encoded nor skipped: ", line)
            assert match and match["file"] in names, line


def judge_problems(exc: InputError, files: list[Path]) -> None:
    names = {str(f) for f in files}
    assert exc.problems
    for problem in exc.problems:
        assert problem.location.file in names, str(problem)
        assert problem.location.line >= 1 or problem.message in WHOLE_FILE, str(problem)


def folder_with(encoding: str, vocabulary: str = VOCABULARY_TEXT) -> tuple[tempfile.TemporaryDirectory, Path]:
    tmp = tempfile.TemporaryDirectory()
    root = Path(tmp.name)
    (root / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
    (root / "shop").mkdir()
    (root / "shop" / "source.txt").write_text(SOURCE, encoding="utf-8")
    (root / "shop" / "encoding.yaml").write_text(encoding, encoding="utf-8")
    return tmp, root


def valid_yaml(data: Any) -> str:
    buffer = io.StringIO()
    YAML(typ="rt", pure=True).dump(data, buffer)
    return buffer.getvalue()


# ---- the tests ------------------------------------------------------------------------


@settings(max_examples=examples(1.0))
@given(encoding_texts())
@example(valid_yaml(ENCODING))
@example("big: 1" + "0" * 5000 + "\n" + valid_yaml(ENCODING))  # found: int() of a 5,001-digit YAML number
@example("? {a: [b]}\n: c\n" + valid_yaml(ENCODING))  # found: a mapping as a key, which cannot be hashed
@example(valid_yaml(ENCODING).replace("title: Shop", "title: 2026-13-45"))  # found: a date YAML cannot build
@example(valid_yaml(ENCODING).replace("title: Shop", "title: !!bool maybe"))  # found: a tag on a bad value
@example("!!omap " + valid_yaml(ENCODING))  # found: AttributeError in ruamel's constructor (a tag on a string)
def test_fuzzed_encodings_load_or_are_refused_at_a_line(text: str) -> None:
    tmp, root = folder_with(text)
    with tmp:
        try:
            _, [document] = load_documents([root], vocabulary=VOCAB)
        except InputError as exc:
            judge_problems(exc, [root / "shop" / "encoding.yaml", root / "shop" / "source.txt"])
        else:
            assert document.name == "shop" and document.clauses is not None


@settings(max_examples=examples(2.0))
@given(st.sampled_from(["when", "then"]), st.integers(0, 2), conditions)
@example("when", 0, "(" * syntax.MAX_DEPTH + "request == cancel" + ")" * syntax.MAX_DEPTH)
def test_fuzzed_conditions_parse_or_are_refused_at_a_line(key: str, index: int, condition: str) -> None:
    data = copy.deepcopy(ENCODING)
    data["clauses"][index][key] = condition
    tmp, root = folder_with(json.dumps(data, indent=2) if "\x00" in condition else valid_yaml(data))
    with tmp:
        try:
            load_documents([root], vocabulary=VOCAB)
        except InputError as exc:
            judge_problems(exc, [root / "shop" / "encoding.yaml"])


@settings(max_examples=examples(0.3))
@given(encoding_texts(), st.sampled_from(["check", "coverage", "prove"]))
@example(valid_yaml(ENCODING), "check")
def test_fuzzed_encodings_through_the_cli(text: str, command: str) -> None:
    tmp, root = folder_with(text)
    with tmp:
        files = [root / "shop" / "encoding.yaml", root / "shop" / "source.txt", root / "vocabulary.yaml"]
        if command == "prove":
            cases = root / "cases.jsonl"
            cases.write_text(json.dumps(CASE) + "\n")
            code, out, err = run("prove", str(cases), "--encodings", str(root))
            files.append(cases)
        else:
            code, out, err = run(command, str(root / "shop"))
        judge(code, out, err, files)


@settings(max_examples=examples(1.0))
@given(case_files())
@example(json.dumps(CASE) + "\n")
def test_fuzzed_cases_load_or_are_refused_at_a_line(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.jsonl"
        path.write_text(text, encoding="utf-8")
        try:
            cases, problems = load_cases(path, VOCAB)
        except InputError as exc:
            judge_problems(exc, [path])
            return
        for problem in problems:
            assert problem.location.file == str(path) and problem.location.line >= 1, str(problem)
        for case in cases:
            assert set(case.facts) <= set(VOCAB.facts)
            assert all(case.facts[t.name] is not None for t in VOCAB.timestamps if not t.type.optional)


@settings(max_examples=examples(0.3))
@given(case_files())
@example(json.dumps(CASE) + "\n")
def test_fuzzed_cases_through_prove(text: str) -> None:
    tmp, root = folder_with(valid_yaml(ENCODING))
    with tmp:
        path = root / "cases.jsonl"
        path.write_text(text, encoding="utf-8")
        code, out, err = run("prove", str(path), "--encodings", str(root))
        judge(code, out, err, [path, root / "shop" / "encoding.yaml", root / "vocabulary.yaml"])


@settings(max_examples=examples(0.5))
@given(vocabulary_texts())
# found: a vocabulary whose `request` is not an enum (asked_by and scope read its values)
@example(VOCABULARY_TEXT.replace("  request:\n    type: enum\n    values: [cancel, return, refund, replace, "
                                 "warranty_claim, address_change]\n", "  request:\n    type: bool\n"))
def test_fuzzed_vocabularies_load_or_are_refused_at_a_line(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vocabulary.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            vocabulary = load_vocabulary(path)
        except InputError as exc:
            judge_problems(exc, [path])
            return
        for var in [*vocabulary.facts.values(), *vocabulary.outcomes.values()]:
            assert syntax.name_problem(var.name) is None
            if isinstance(var.type, EnumType):
                assert all(syntax.name_problem(v) is None for v in var.type.values)
        assert not any(isinstance(v.type, TimestampType) for v in vocabulary.outcomes.values())


@settings(max_examples=examples(0.1))
@given(vocabulary_texts(), st.sampled_from(["check", "coverage", "prove"]))
# found: the key of an error's location printed raw, its line break making a line of its own
@example(VOCABULARY_TEXT.replace("facts:\n", 'facts:\n  "a\\nb":\n    type: bool\n    meaning: m\n', 1), "check")
def test_fuzzed_vocabularies_through_the_cli(text: str, command: str) -> None:
    tmp, root = folder_with(valid_yaml(ENCODING), text)
    with tmp:
        files = [root / "shop" / "encoding.yaml", root / "vocabulary.yaml"]
        if command == "prove":
            cases = root / "cases.jsonl"
            cases.write_text(json.dumps(CASE) + "\n")
            files.append(cases)
            code, out, err = run("prove", str(cases), "--encodings", str(root))
        else:
            code, out, err = run(command, str(root / "shop"))
        judge(code, out, err, files)
