"""Hostile and careless input (issue 11; the reliability review of 2026-12-01, D7 to
D27): each input of the review, written into a temporary folder, is refused with exit
2 and a message that names the file, line and column, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
from pathlib import Path

import pytest

from checker import cli, syntax
from checker.cases import load_cases
from checker.errors import InputError
from checker.load import MAX_YAML_DEPTH, load_documents, load_vocabulary

from .conftest import Encodings

SOURCE = "Orders may be cancelled within 48 hours.\nGift cards cannot be returned.\n"
ENCODING = """\
document: shop
title: Shop
clauses:
  - id: "1"
    quote: "Orders may be cancelled within 48 hours."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
  - id: "2"
    quote: "Gift cards cannot be returned."
    when: request == return and item_category == gift_card
    then: not return_accepted
"""
CASE = {"id": "c1", "documents": ["shop"],
        "facts": {"channel": "online", "request": "cancel", "order_placed_at": "2026-03-02T10:00:00+05:30",
                  "request_at": "2026-03-02T20:00:00+05:30"},
        "expect": {"cancellation_allowed": True}}


def run(*args: str) -> tuple[int, str, str]:
    """`clausecheck ARGS` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def shop(encodings: Encodings, encoding: str = ENCODING, source: str = SOURCE) -> Path:
    return encodings.document("shop", source, encoding)


def refused(code: int, err: str, file: Path, line: int, column: int | None = None) -> list[str]:
    """The error lines, after checking that the run was refused with exit 2 and a
    message at `file:line[:column]`, and no traceback or internal error."""
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    where = f"{file}:{line}:" if column is None else f"{file}:{line}:{column}:"
    lines = err.splitlines()
    assert any(x.startswith(f"error: {where}") for x in lines), err
    return lines


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def column_of(text: str, fragment: str) -> int:
    at = text.index(fragment)
    return at - (text.rfind("\n", 0, at) + 1) + 1


def write_cases(folder: Path, *cases: dict | str) -> Path:
    path = folder / "cases.jsonl"
    path.write_text("".join((c if isinstance(c, str) else json.dumps(c)) + "\n" for c in cases), encoding="utf-8")
    return path


# ---- D7 -----------------------------------------------------------------------------------

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize("where", ["encoding", "vocabulary", "set", "baseline", "merge key"])
def test_d7_yaml_alias_bomb_is_refused_quickly(encodings: Encodings, where: str) -> None:
    folder = shop(encodings)
    args: list[str] = ["check", str(folder)]
    if where == "encoding":
        target, line, column = folder / "encoding.yaml", 1, 4
        target.write_text(BOMB)
    elif where == "vocabulary":
        target = encodings.root / "vocabulary.yaml"
        text = target.read_text()
        line, column = text.count("\n") + 1, 4
        target.write_text(text + BOMB)
    elif where == "set":
        (encodings.root / "sets").mkdir()
        target, line, column = encodings.root / "sets" / "bomb.yaml", 4, 4
        target.write_text("name: bomb\ntitle: t\ndocuments: [shop]\n" + BOMB)
        args += ["--set", "bomb"]
    elif where == "baseline":
        target, line, column = encodings.root / "bl.yaml", 3, 4
        target.write_text("version: 1\naccepted: []\n" + BOMB)
        args = ["gate", str(folder), "--baseline", str(target)]
    else:  # a merge key is an alias too
        target = folder / "encoding.yaml"
        text = ENCODING.replace('  - id: "2"\n', '  - &first\n    id: "2"\n')
        text += '  - <<: *first\n    id: "3"\n'
        target.write_text(text)
        line, column = line_of(text, "&first"), 5
    started = time.perf_counter()
    code, out, err = run(*args)
    assert time.perf_counter() - started < 5
    [message] = refused(code, err, target, line, column)
    assert "anchors and aliases" in message and out == ""


@pytest.mark.parametrize("value, column", [("2026-13-45", 8), ("[2026-02-30]", 9), ("!!int x", 8), ("!!bool maybe", 8),
                                           ("1" + "0" * 5000, 8), ('!!int "' + "1" * 5000 + '"', 8), ("{? [a]: b}", 11),
                                           ("!!omap x", 8), ("!!binary aGk=", 8)])
def test_d7_yaml_value_the_loader_cannot_build_is_refused_at_its_place(encodings: Encodings, value: str,
                                                                       column: int) -> None:
    """Found by the fuzzer (tests/test_fuzz_inputs.py): a date that does not exist, a
    tag (ruamel's constructor fails on some with ValueError, KeyError, AttributeError),
    a number too long for int(), a list as a key."""
    folder = shop(encodings, ENCODING.replace("title: Shop", f"title: {value}"))
    code, out, err = run("check", str(folder))
    [message] = refused(code, err, folder / "encoding.yaml", 2, column)
    assert "not valid YAML: " in message and out == ""


# ---- D8 -----------------------------------------------------------------------------------

DEEP = 3000


@pytest.mark.parametrize("form", ["parentheses", "not", "unary minus", "sum", "call"])
def test_d8_deep_condition_is_refused_by_the_parser(encodings: Encodings, form: str) -> None:
    condition = {
        "parentheses": "(" * DEEP + "request == cancel" + ")" * DEEP,
        "not": "not " * DEEP + "request == cancel",
        "unary minus": "-" * DEEP + "1 < hours(order_placed_at, request_at)",
        "sum": "hours(order_placed_at, request_at)" + " + 1" * DEEP + " < 48",
        "call": "hours(" * DEEP + "order_placed_at, request_at" + ")" * DEEP + " < 48",
    }[form]
    text = ENCODING.replace("when: request == cancel", f"when: {condition}")
    folder = shop(encodings, text)
    code, _, err = run("check", str(folder))
    [message] = refused(code, err, folder / "encoding.yaml", 6)
    assert f"nests more than {syntax.MAX_DEPTH} levels deep" in message


@pytest.mark.parametrize("form", ["flow lists", "block mappings"])
def test_d8_deep_yaml_is_refused_by_the_loader(encodings: Encodings, form: str) -> None:
    if form == "flow lists":
        note = "    note: " + "[" * 5000 + "]" * 5000 + "\n"
    else:
        note = "    note:\n" + "".join("  " * (i + 3) + f"k{i}:\n" for i in range(300)) + "  " * 303 + "x\n"
    folder = shop(encodings, ENCODING + note)
    code, _, err = run("check", str(folder))
    assert code == 2 and "Traceback" not in err
    [message] = err.splitlines()
    # at the node past the limit, inside the note
    where = re.match(rf"error: {re.escape(str(folder / 'encoding.yaml'))}:(\d+):(\d+): ", message)
    assert where and int(where[1]) >= ENCODING.count("\n") + 1
    assert f"nested more than {MAX_YAML_DEPTH} levels deep" in message


def test_d8_deep_json_case_is_refused_with_its_line(encodings: Encodings) -> None:
    folder = shop(encodings)
    deep = json.dumps(CASE).replace('"channel": "online"', '"channel": ' + "[" * DEEP + "]" * DEEP)
    cases = write_cases(encodings.root, CASE, deep, {**CASE, "id": "c3"})
    code, out, err = run("prove", str(cases), "--encodings", str(encodings.root))
    [message] = refused(code, err, cases, 2)
    assert "nested more than" in message
    assert "2 case(s) proved" in out  # the other two


def test_d8_nesting_at_the_limit_is_checked_and_proved(encodings: Encodings) -> None:
    """Just inside every limit, the type checker, both back ends and every analysis
    walk the trees without reaching Python's recursion limit."""
    depth = syntax.MAX_DEPTH
    parentheses = "(" * depth + "request == cancel" + ")" * depth
    # And > Not (46 times) > Or > Compare > Name: 50 nodes high
    negations = "not " * (depth - 4) + "(request == return or channel == store) and item_category == gift_card"
    # Compare > Compare > Arith (46 times) > Call > Name
    window = "cancellation_allowed == (hours(order_placed_at, request_at)" + " + 0" * (depth - 4) + " <= 48)"
    text = (ENCODING.replace("when: request == cancel", f"when: {parentheses}")
            .replace("when: request == return and item_category == gift_card", f"when: {negations}")
            .replace("then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)", f"then: {window}"))
    for condition in (parentheses, negations, window):  # at the limit: one more level is too many
        with pytest.raises(syntax.ParseError):
            syntax.parse(f"({condition})" if condition == parentheses else f"not ({condition})")
    folder = shop(encodings, text)
    code, out, err = run("check", str(folder), "--format", "json")
    assert code in (0, 1) and err == ""
    cases = write_cases(encodings.root, CASE)
    code, out, err = run("prove", str(cases), "--encodings", str(encodings.root))
    assert (code, err) == (0, "") and "1 of 1 expectation(s) hold" in out


# ---- D10 ----------------------------------------------------------------------------------


def refused_as_the_window(encodings: Encodings, literal: str) -> str:
    """`check` of the shop with `literal` written for its 48-hour window: refused, at the
    literal's line and column; the one message."""
    text = ENCODING.replace("<= 48)", f"<= {literal})")
    folder = shop(encodings, text)
    code, _, err = run("check", str(folder))
    [message] = refused(code, err, folder / "encoding.yaml", 7, column_of(text, literal))
    return message


@pytest.mark.parametrize("literal", ["1" + "0" * 5000, "1." + "3" * 5000])
def test_d10_huge_number_literal_is_refused_by_the_tokenizer(encodings: Encodings, literal: str) -> None:
    assert f"at most {syntax.MAX_NUMBER_DIGITS} digits" in refused_as_the_window(encodings, literal)


def test_d10_huge_number_in_a_case_is_refused_with_its_line(encodings: Encodings) -> None:
    shop(encodings)
    cases = write_cases(encodings.root, CASE, json.dumps({**CASE, "id": "c2"})[:-1] + ', "x": ' + "9" * 5001 + "}")
    code, out, err = run("prove", str(cases), "--encodings", str(encodings.root))
    [message] = refused(code, err, cases, 2)
    assert "more than 128 digits" in message and "1 case(s) proved" in out


# ---- D11 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bounds", ["[0, .inf]", "[.nan, 100]", "[0, 1e400]", "[-.inf, 100]"])
def test_d11_infinite_vocabulary_range_is_refused_at_its_line(encodings: Encodings, bounds: str) -> None:
    vocabulary = encodings.root / "vocabulary.yaml"
    text = vocabulary.read_text().replace("range: [0, 100]\n    meaning: measured capacity",
                                          f"range: {bounds}\n    meaning: measured capacity")
    vocabulary.write_text(text)
    code, _, err = run("check", str(shop(encodings)))
    [message] = refused(code, err, vocabulary, line_of(text, f"range: {bounds}"))
    assert "finite number" in message and "capacity_pct" in message


# ---- D12 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("optional", [False, True])
def test_d12_timestamp_outcome_is_refused_in_the_vocabulary(encodings: Encodings, optional: bool) -> None:
    vocabulary = encodings.root / "vocabulary.yaml"
    text = vocabulary.read_text().replace(
        "outcomes:\n", "outcomes:\n  refund_at:\n    type: timestamp\n" + ("    optional: true\n" if optional else "")
        + "    meaning: ts\n", 1)
    vocabulary.write_text(text)
    folder = shop(encodings, ENCODING.replace("then: not return_accepted", "then: return_accepted and refund_at > request_at"))
    code, _, err = run("check", str(folder))
    [message] = refused(code, err, vocabulary, line_of(text, "refund_at:") + 1, 11)
    assert "outcome 'refund_at' is a timestamp; an outcome is bool, enum or number" in message


# ---- D13 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fact", ["order_placed_at", "request_at"])
def test_d13_required_timestamp_given_as_null_is_refused_for_its_case(encodings: Encodings, fact: str) -> None:
    shop(encodings)
    cases = write_cases(encodings.root, {**CASE, "id": "null", "facts": {**CASE["facts"], fact: None}}, CASE)
    code, out, err = run("prove", str(cases), "--encodings", str(encodings.root))
    assert refused(code, err, cases, 1) == [f"error: {cases}:1: case 'null': {fact} is required and cannot be null"]
    assert "Case c1 under shop" in out and "1 case(s) proved" in out


# ---- D16 ----------------------------------------------------------------------------------

MULTI_LINE = '''\
  - id: "3"
    quote: "Gift cards cannot be returned."
    when: request == return and delivered_at is not none
      and nope(delivered_at, request_at) <= 14
    then: return_accepted
'''
BLOCK = '''\
  - id: "3"
    quote: "Gift cards cannot be returned."
    when: >-
      request == return and
        delivered_at is not none
      and nope(delivered_at, request_at) <= 14
    then: return_accepted
'''
DOUBLE_QUOTED = '''\
  - id: "3"
    quote: "Gift cards cannot be returned."
    then: "return_accepted and nope"
'''
SINGLE_QUOTED = '''\
  - id: "3"
    quote: "Gift cards cannot be returned."
    then: 'return_accepted and item_category == ''x'' or nope'
'''


@pytest.mark.parametrize("clause", [MULTI_LINE, BLOCK, DOUBLE_QUOTED, SINGLE_QUOTED],
                         ids=["plain multi-line", "block scalar", "double-quoted", "single-quoted"])
def test_d16_error_in_a_condition_points_at_its_line_and_column(encodings: Encodings, clause: str) -> None:
    text = ENCODING + clause
    folder = shop(encodings, text)
    code, _, err = run("check", str(folder))
    at = text.index("nope") if clause is not SINGLE_QUOTED else text.index("''x''")
    line, column = text[:at].count("\n") + 1, at - text.rfind("\n", 0, at)
    refused(code, err, folder / "encoding.yaml", line, column)


def test_d16_each_case_of_a_json_array_is_reported_at_its_own_line(encodings: Encodings) -> None:
    shop(encodings)
    path = encodings.root / "cases.json"
    bad = {**CASE, "id": "c3", "facts": {**CASE["facts"], "channel": 5}}
    text = json.dumps([CASE, {**CASE, "id": "c2"}, bad], indent=2) + "\n"
    path.write_text(text)
    code, out, err = run("prove", str(path), "--encodings", str(encodings.root))
    starts = [m.start() for m in re.finditer(r"^  \{", text, re.M)]
    assert refused(code, err, path, text[: starts[2]].count("\n") + 1) == [
        f"error: {path}:{text[: starts[2]].count(chr(10)) + 1}: case 'c3': channel must be one of online, store; got 5"]
    assert "2 case(s) proved" in out


def test_d16_a_nul_byte_in_yaml_names_its_line_and_column(encodings: Encodings) -> None:
    text = ENCODING.replace("title: Shop", "title: Sh\0op")
    folder = shop(encodings, text)
    code, _, err = run("check", str(folder))
    [message] = refused(code, err, folder / "encoding.yaml", 2, 10)
    assert "#x0000" in message


# ---- D18 ----------------------------------------------------------------------------------


def test_d18_clause_without_a_quote_is_refused(encodings: Encodings) -> None:
    text = ENCODING.replace('quote: "Orders may be cancelled within 48 hours."', "quote: []")
    folder = shop(encodings, text)
    code, _, err = run("check", str(folder))
    [message] = refused(code, err, folder / "encoding.yaml", 5, 12)
    assert "quotes at least one span" in message


# ---- D22 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "prove", "report", "compare", "gate", "diff"])
@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5"])
def test_d22_timeout_must_be_a_positive_whole_number(encodings: Encodings, command: str, value: str) -> None:
    operands = {"check": [], "prove": ["cases.jsonl"], "report": ["--out", "out"], "compare": ["a", "b"],
                "gate": [], "diff": ["a", "b"]}[command]
    code, out, err = run(command, *operands, "--timeout-ms", value)
    assert code == 2 and out == "" and "--timeout-ms: expected a positive whole number of milliseconds" in err
    code, out, _ = run(command, "--help")
    assert code == 0 and "a positive whole number" in " ".join(out.split())


# ---- D23 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["documents", "rank"])
def test_d23_policy_set_listing_a_document_twice_is_refused(encodings: Encodings, key: str) -> None:
    folder = shop(encodings)
    (encodings.root / "sets").mkdir()
    path = encodings.root / "sets" / "twice.yaml"
    lists = {"documents": "documents: [shop, shop]\n", "rank": "documents: [shop]\nrank: [shop, shop]\n"}[key]
    path.write_text("name: twice\ntitle: t\n" + lists)
    code, _, err = run("check", str(folder), "--set", "twice")
    line = 3 if key == "documents" else 4
    column = len(f"{key}: [shop, ") + 1
    [message] = refused(code, err, path, line, column)
    assert f"{key}: 'shop' is listed twice (first at line {line}" in message


# ---- D24 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, why", [("none", "a keyword"), ("hours", "a function"), ("order placed", "not a name"),
                                       ("délai", "not a name"), ("2nd_request", "not a name")])
def test_d24_vocabulary_name_no_condition_can_write_is_refused(encodings: Encodings, name: str, why: str) -> None:
    vocabulary = encodings.root / "vocabulary.yaml"
    text = vocabulary.read_text().replace("facts:\n", f"facts:\n  {name}:\n    type: bool\n    meaning: m\n", 1)
    vocabulary.write_text(text)
    code, _, err = run("check", str(shop(encodings)))
    [message] = refused(code, err, vocabulary, line_of(text, f"  {name}:"), 3)
    assert why in message


@pytest.mark.parametrize("value", ["true", "none", "days", "pick up"])
def test_d24_enum_value_no_condition_can_write_is_refused(encodings: Encodings, value: str) -> None:
    vocabulary = encodings.root / "vocabulary.yaml"
    text = vocabulary.read_text().replace("values: [online, store]", f"values: [online, store, {value}]")
    vocabulary.write_text(text)
    code, _, err = run("check", str(shop(encodings)))
    refused(code, err, vocabulary, line_of(text, "values: [online"), column_of(text, f"{value}]"))


@pytest.mark.parametrize("spec", ["type: bool", "type: number\n    unit: u\n    range: [0, 1]"])
def test_d24_request_fact_that_is_not_an_enum_is_refused(encodings: Encodings, spec: str) -> None:
    """Found while fuzzing vocabularies: asked_by, scope and the gap analysis read the
    values of `request`; any other type ended in an AttributeError (exit 4)."""
    vocabulary = encodings.root / "vocabulary.yaml"
    text = re.sub(r"  request:\n    type: enum\n    values: \[[^]]*\]\n(    meaning: .*\n)    says:\n(      .*\n)*",
                  lambda m: f"  request:\n    {spec}\n{m.group(1)}", vocabulary.read_text())
    vocabulary.write_text(text)
    code, _, err = run("check", str(shop(encodings)))
    lines = refused(code, err, vocabulary, line_of(text, "  request:") + 1, 11)
    assert "the fact 'request' is an enum" in lines[0]


# ---- D25 ----------------------------------------------------------------------------------


def test_d25_duplicate_key_in_a_case_is_refused(encodings: Encodings) -> None:
    shop(encodings)
    twice = json.dumps(CASE).replace('"channel": "online"', '"channel": "online", "channel": "store"')
    cases = write_cases(encodings.root, CASE, twice)
    code, out, err = run("prove", str(cases), "--encodings", str(encodings.root))
    [message] = refused(code, err, cases, 2)
    assert "the key 'channel' is given twice" in message and "1 case(s) proved" in out


@pytest.mark.parametrize("where", ["top level", "clause", "flow mapping"])
def test_d25_duplicate_key_in_yaml_is_refused(encodings: Encodings, where: str) -> None:
    text = {"top level": ENCODING.replace("title: Shop\n", "title: Shop\ntitle: Again\n"),
            "clause": ENCODING.replace("    when: request == cancel\n", "    when: request == cancel\n    when: true\n"),
            "flow mapping": ENCODING + "properties: [{id: p, id: q, statement: s, holds: cancellation_allowed}]\n"}[where]
    folder = shop(encodings, text)
    code, _, err = run("check", str(folder))
    assert code == 2 and "duplicate key" in err and re.search(r"encoding\.yaml:\d+:\d+: ", err)


# ---- D26 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", ["\u001b[2J\u001b[31mEVIL\u001b[0m\nfake line", "a\rb", "\u202egnp.exe", "\ud800"])
def test_d26_case_id_with_control_characters_is_refused(encodings: Encodings, case_id: str) -> None:
    shop(encodings)
    cases = write_cases(encodings.root, {**CASE, "id": case_id}, CASE)
    code, out, err = run("prove", str(cases), "--encodings", str(encodings.root))
    [message] = refused(code, err, cases, 1)
    assert message.startswith(f"error: {cases}:1: id: ")
    assert "it is printed on terminals" in message or "unable to parse raw data as a unicode string" in message
    assert case_id not in out + err and "\x1b" not in out + err


@pytest.mark.parametrize("field, value", [("id", '"\\e[2J1"'), ("heading", '"a\\nb"'), ("note", '"\\u202e"'),
                                          ("quote", '"Orders may\\x1b be cancelled within 48 hours."')])
def test_d26_clause_text_with_control_characters_is_refused(encodings: Encodings, field: str, value: str) -> None:
    text = ENCODING.replace('  - id: "1"\n', f'  - id: "1"\n    {field}: {value}\n') if field != "id" else \
        ENCODING.replace('  - id: "1"\n', f"  - id: {value}\n")
    if field == "quote":
        text = text.replace('    quote: "Orders may be cancelled within 48 hours."\n', "", 1)
    folder = shop(encodings, text)
    code, out, err = run("check", str(folder))
    [message] = refused(code, err, folder / "encoding.yaml", 4 if field == "id" else 5)
    assert f"clauses.0.{field}" in message and "plain text" in message


@pytest.mark.parametrize("where", ["vocabulary key", "encoding key", "case key", "union tag"])
def test_d26_error_quoting_a_key_with_control_characters_escapes_it(encodings: Encodings, where: str) -> None:
    """Found by the fuzzer: an error's location (`facts.NAME`) and pydantic's message
    quote the file's own keys; a line break or an escape in one must not reach the
    terminal as it is."""
    vocabulary = encodings.root / "vocabulary.yaml"
    folder, args = shop(encodings), None
    if where == "vocabulary key":
        vocabulary.write_text(vocabulary.read_text().replace("facts:\n", 'facts:\n  "a\\nb\\e[2J":\n    type: bool\n'
                                                                           "    meaning: m\n", 1))
        file, line = vocabulary, 16
    elif where == "union tag":
        vocabulary.write_text(vocabulary.read_text().replace("    type: enum\n", '    type: "x\\ny\\e[2J"\n', 1))
        file, line = vocabulary, 17
    elif where == "encoding key":
        (folder / "encoding.yaml").write_text(ENCODING.replace("title: Shop\n", 'title: Shop\n"a\\nb\\e[2J": 1\n'))
        file, line = folder / "encoding.yaml", 3
    else:
        file, line = write_cases(encodings.root, json.dumps(CASE)[:-1] + ', "a\\nb\\u001b[2J": 1}'), 1
        args = ["prove", str(file), "--encodings", str(encodings.root)]
    code, out, err = run(*(args or ["check", str(folder)]))
    lines = refused(code, err, file, line)
    assert all(x.startswith("error: ") for x in lines) and "\x1b" not in out + err
    assert any("\\n" in x and "\\x1b" in x for x in lines)


# ---- D27 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("digits", ["١٤", "１４", "۱۴", "߁߄"])
def test_d27_non_ascii_digits_are_not_numbers(encodings: Encodings, digits: str) -> None:
    assert f"unexpected character {digits[0]!r}" in refused_as_the_window(encodings, digits)


# ---- the limits hold for every reader, not only the CLI -------------------------------------


def test_library_readers_raise_input_error(encodings: Encodings) -> None:
    shop(encodings, BOMB)
    with pytest.raises(InputError):
        load_documents([encodings.root])
    (encodings.root / "vocabulary.yaml").write_text("facts:\n  none: {type: bool, meaning: m}\noutcomes: {}\n")
    with pytest.raises(InputError):
        load_vocabulary(encodings.root / "vocabulary.yaml")
    path = write_cases(encodings.root, '{"id": "a", "id": "b", "facts": {}}')
    _, problems = load_cases(path, load_vocabulary(Path(__file__).resolve().parent.parent / "encodings" / "vocabulary.yaml"))
    assert [p.location.line for p in problems] == [1]
