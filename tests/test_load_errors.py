"""Loading rejects every kind of bad encoding with its file, line and column."""

from __future__ import annotations

import pytest

from checker.errors import InputError
from checker.load import load_documents

SOURCE = "Orders may be cancelled within 48 hours.\nGift cards cannot be returned.\n"


def encoding(*clauses: str) -> str:
    return "document: shop\ntitle: Shop\nclauses:\n" + "".join(clauses)


CANCEL = '''\
  - id: "1"
    quote: "Orders may be cancelled within 48 hours."
    when: request == cancel
    then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)
'''


def problems(encodings, text: str) -> list[str]:
    encodings.document("shop", SOURCE, text)
    with pytest.raises(InputError) as info:
        load_documents([encodings.root])
    return [str(p) for p in info.value.problems]


def test_a_good_encoding_loads(encodings) -> None:
    encodings.document("shop", SOURCE, encoding(CANCEL))
    vocab, [doc] = load_documents([encodings.root])
    assert [c.id for c in doc.clauses] == ["1"] and doc.clauses[0].source_lines == (1,)


def test_unknown_name_points_at_its_column(encodings) -> None:
    [p] = problems(encodings, encoding(CANCEL.replace("request == cancel", "reqest == cancel")))
    assert p.startswith(str(encodings.root / "shop" / "encoding.yaml") + ":6:11:")
    assert "unknown name 'reqest'" in p and "did you mean 'request'" in p


def test_type_errors_are_explained(encodings) -> None:
    [p] = problems(encodings, encoding(CANCEL.replace("request == cancel", "request == online")))
    assert "'online' is not a value of request" in p
    [p] = problems(encodings, encoding(CANCEL.replace("request == cancel", "hours(order_placed_at, channel) < 2")))
    assert "takes timestamps; 'channel' is a one of online, store" in p


def test_syntax_error_is_located(encodings) -> None:
    [p] = problems(encodings, encoding(CANCEL.replace("request == cancel", "request == cancel and (")))
    assert ":6:" in p and "expected a name, number or '('" in p


def test_quote_must_be_in_the_source(encodings) -> None:
    [p] = problems(encodings, encoding(CANCEL.replace("within 48 hours", "within 72 hours")))
    assert ":5:" in p and "not found in source.txt" in p


def test_quote_matching_ignores_white_space_and_curly_quotes(encodings) -> None:
    encodings.document("shop", SOURCE.replace("Orders may", "Orders\u00a0 may"), encoding(CANCEL.replace("Orders may be", "Orders   may be")))
    load_documents([encodings.root])


def test_overrides_must_exist_and_not_cycle(encodings) -> None:
    other = CANCEL.replace('id: "1"', 'id: "2"') + '    overrides: ["1"]\n'
    cyclic = CANCEL + '    overrides: ["2"]\n' + other
    [p] = problems(encodings, encoding(cyclic))
    assert "form a cycle" in p


def test_missing_override_target(tmp_path) -> None:
    from .conftest import Encodings
    enc = Encodings(tmp_path)
    [p] = problems(enc, encoding(CANCEL + '    overrides: ["9"]\n'))
    assert "overrides '9': no clause with that id" in p


def test_numeric_id_and_unknown_key_are_schema_errors(encodings) -> None:
    found = problems(encodings, encoding(CANCEL.replace('id: "1"', "id: 1.1").replace("then:", "than:")))
    assert any("write the id in quotes" in p for p in found)
    assert any("than" in p and "Extra inputs are not permitted" in p for p in found)


def test_number_outcome_must_stand_alone(encodings) -> None:
    [p] = problems(encodings, encoding(CANCEL.replace(
        "then: cancellation_allowed == (hours(order_placed_at, request_at) <= 48)",
        "then: restocking_fee_pct == 20 or refund_due")))
    assert "must stand alone" in p
