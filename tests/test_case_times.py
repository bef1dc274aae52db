"""Times in cases are whole seconds (review D14): the solver and the evaluator both count
seconds, and dropped fractions made them disagree at the edge of a window."""

from __future__ import annotations

import json

from checker import cli

from .conftest import ENCODINGS


def _case(order: str, request: str) -> dict:
    return {"id": "edge", "documents": ["aptronix"], "expect": {},
            "facts": {"channel": "online", "request": "cancel", "order_placed_at": order, "request_at": request,
                      "payment_gateway": "other", "item_category": "regular"}}


def test_d14_a_fraction_of_a_second_is_refused_with_its_line(tmp_path, capsys) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(_case("2026-03-02T10:00:00+05:30", "2026-03-04T10:00:00+05:30")) + "\n"
                     + json.dumps({**_case("2026-03-02T10:00:00.900+05:30", "2026-03-04T10:00:01.400+05:30"),
                                   "id": "fraction"}) + "\n", encoding="utf-8")
    code = cli.main(["prove", str(cases), "--encodings", str(ENCODINGS)])
    captured = capsys.readouterr()
    assert code == 2
    assert f"{cases}:2" in captured.err and "fraction of a second" in captured.err
    assert "Case edge under aptronix" in captured.out  # the good case is still proved
