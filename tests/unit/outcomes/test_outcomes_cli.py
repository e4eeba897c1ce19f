"""`linkwork score -`: one JSON object in, one JSON object out, exit 0 or 2."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from linkwork.outcomes.cli import main


def run(body: str, argv: list[str] | None = None) -> tuple[int, Any]:
    stdout = io.StringIO()
    code = main(["-"] if argv is None else argv, stdin=io.StringIO(body), stdout=stdout)
    text = stdout.getvalue()
    assert text.endswith("\n")
    assert text.count("\n") == 1, "exactly one JSON document on one line"
    return code, json.loads(text)


def run_json(payload: object) -> tuple[int, Any]:
    return run(json.dumps(payload))


def test_cli_eq5d_dsu_example_from_contract() -> None:
    code, out = run(
        '{"instrument": "eq5d5l", "responses": {"state": "12345"}, "method": "dsu_2023",'
        ' "sex": "male", "age": 30}'
    )
    assert code == 0
    assert out == {"instrument": "eq5d5l", "version": "1.0.0", "index": 0.083, "method": "dsu_2023"}


def test_cli_eq5d_default_method_with_vas() -> None:
    code, out = run_json({"instrument": "eq5d5l", "responses": {"state": "11112", "vas": 70}})
    assert (code, out["index"], out["method"], out["vas"]) == (0, 0.922, "england_5l", 70)


def test_cli_swemwbs_total_and_metric() -> None:
    code, out = run_json({"instrument": "swemwbs", "responses": {"items": [5, 5, 5, 5, 5, 5, 5]}})
    assert (code, out) == (
        0,
        {"instrument": "swemwbs", "version": "1.0.0", "total": 35, "metric": 35.0},
    )


def test_cli_ons4_bands_keyed_by_item() -> None:
    responses = {"life_satisfaction": 9, "worthwhile": 6, "happiness": 4, "anxiety": 6}
    code, out = run_json({"instrument": "ons4", "responses": responses})
    assert code == 0
    assert out["bands"] == {
        "life_satisfaction": "very high",
        "worthwhile": "medium",
        "happiness": "low",
        "anxiety": "high",
    }
    assert "total" not in out


def test_cli_ucla3_cutoff_override() -> None:
    payload = {"instrument": "ucla3", "responses": {"items": [2, 2, 2]}, "cutoff": 7}
    code, out = run_json(payload)
    assert (code, out["total"], out["lonely"]) == (0, 6, False)


def test_cli_phq9_self_harm_flag() -> None:
    code, out = run_json({"instrument": "phq9", "responses": {"items": [0] * 8 + [2]}})
    assert (code, out["total"], out["band"], out["flags"]) == (0, 2, "minimal", ["self_harm_risk"])


def test_cli_ons_loneliness_answer() -> None:
    code, out = run_json({"instrument": "ons_loneliness", "responses": {"answer": 1}})
    assert (code, out["band"], out["flags"]) == (0, "often/always", ["chronic_loneliness"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "input"),
        ("", "input"),
        ("[1, 2]", "input"),
        ('{"instrument": "gad7"} {}', "input"),
        ('{"instrument": "gad7", "instrument": "phq9", "responses": {}}', "input"),
        ('{"instrument": "eq5d5l", "responses": {"state": "11111", "vas": NaN}}', "input"),
        ('{"responses": {"items": []}}', "instrument"),
        ('{"instrument": "sf36", "responses": {}}', "instrument"),
        ('{"instrument": 7, "responses": {}}', "instrument"),
        ('{"instrument": "gad7"}', "responses"),
        ('{"instrument": "gad7", "responses": [0,0,0,0,0,0,0]}', "responses"),
        ('{"instrument": "gad7", "responses": {"items": [0,0,0,0,0,0]}}', "responses.items[6]"),
        ('{"instrument": "gad7", "responses": {"items": [0,0,0,4,0,0,0]}}', "responses.items[3]"),
        (
            '{"instrument": "gad7", "responses": {"items": [0,0,0,0,true,0,0]}}',
            "responses.items[4]",
        ),
        ('{"instrument": "gad7", "responses": {"items": [0,0,0,0,0,1.0,0]}}', "responses.items[5]"),
        ('{"instrument": "eq5d5l", "responses": {"state": "12360"}}', "responses.state"),
        ('{"instrument": "eq5d5l", "responses": {"state": "1234"}}', "responses.state"),
        ('{"instrument": "eq5d5l", "responses": {"state": "11111"}, "method": "x"}', "method"),
        ('{"instrument": "eq5d5l", "responses": {"state": "11111"}, "method": "dsu_2023"}', "sex"),
        (
            '{"instrument": "eq5d5l", "responses": {"state": "11111"}, "method": "dsu_2023",'
            ' "sex": "female"}',
            "age",
        ),
        (
            '{"instrument": "eq5d5l", "responses": {"state": "11111"}, "method": "dsu_2023",'
            ' "sex": "female", "age": 16}',
            "age",
        ),
        (
            '{"instrument": "ons4", "responses": {"life_satisfaction": 1, "worthwhile": 1,'
            ' "happiness": 1}}',
            "responses.anxiety",
        ),
    ],
)
def test_cli_invalid_input_exit_2_with_field(body: str, field: str) -> None:
    code, out = run(body)
    assert code == 2
    assert set(out) == {"error", "field"}
    assert out["field"] == field
    assert isinstance(out["error"], str)
    assert out["error"]


def test_cli_bad_json_message_is_plain_english() -> None:
    _, out = run("{oops")
    assert out["error"].startswith("The input is not valid JSON")


@pytest.mark.parametrize("argv", [[], ["x.json"], ["-", "-"]])
def test_cli_wrong_arguments_exit_2(argv: list[str]) -> None:
    code, out = run("{}", argv=argv)
    assert (code, out["field"]) == (2, "argv")


def test_cli_help_exits_0() -> None:
    stdout = io.StringIO()
    assert main(["--help"], stdin=io.StringIO(""), stdout=stdout) == 0
    assert stdout.getvalue().startswith("usage: linkwork score -")
