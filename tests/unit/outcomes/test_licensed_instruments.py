"""Licensed instruments (PAM, MYCaW): Linkwork checks ranges and stores what the licensed tool
produced; it never computes a PAM or MYCaW score. Ranges are restated here from the brief and
standards/outcomes.md rather than read from the TOML, so a wrong definition cannot pass its own
test."""

from __future__ import annotations

import dataclasses
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from linkwork.outcomes import DefinitionError, ScoreError, get_instrument, load_definition, score
from linkwork.outcomes.cli import main
from linkwork.outcomes.definitions import RESERVED_RESULT_KEYS
from linkwork.outcomes.scoring import ScoreResult, licensed_problems

# --- Definitions ---------------------------------------------------------------------------

LICENSED_VALID = """\
id = "demo"
name = "Demo licensed tool"
version = "1.0.0"
licence = "test only"
requires_registration = true
source = "unit test"
authored_by = "Linkwork outcomes library"
checked_by = "pending review"
response_format = "licensed"

[scoring]
method = "licensed_score"

[licensed]
note = "Enter what the tool reported."

[licensed.concerns]
min_count = 1
max_count = 2
text_max_length = 20
text_hint = "In their words"
score_hint = "0 to 6"
score_min = 0
score_max = 6
improvement = "decrease"

[[licensed.values]]
id = "reading"
label = "Reading"
hint = "0 to 100"
min = 0
max = 100
decimals = 1
improvement = "increase"

[[licensed.values]]
id = "stage"
label = "Stage"
hint = "1 to 4"
min = 1
max = 4
improvement = "increase"
chart = false
"""

ITEMS_VALID = """\
id = "demo"
name = "Demo scale"
version = "1.0.0"
licence = "test only"
requires_registration = false
source = "unit test"
authored_by = "Linkwork outcomes library"
checked_by = "pending review"
response_format = "items"

[scoring]
method = "sum"

[option_sets]
two = [{ value = 0, label = "no" }, { value = 1, label = "yes" }]

[[items]]
id = "first"
text = "First"
options = "two"
"""


def rejects(tmp_path: Path, text: str, field: str, message: str) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert caught.value.field == field
    assert message in caught.value.message
    assert "demo.toml" in str(caught.value)


def test_licensed_loader_accepts_valid_definition(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(LICENSED_VALID, encoding="utf-8")
    inst = load_definition(path)
    assert inst.licensed is not None
    assert inst.items == ()
    assert inst.total_range is None
    assert [(v.id, v.decimals, v.chart) for v in inst.licensed.values] == [
        ("reading", 1, True),
        ("stage", 0, False),
    ]
    assert inst.licensed.concerns is not None
    assert inst.licensed.concerns.max_count == 2


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("[licensed]\n", "[unused]\n", "unused", "unknown key"),
        (
            'method = "licensed_score"',
            'method = "sum"',
            "scoring.method",
            "does not fit response_format 'licensed'",
        ),
        (
            "requires_registration = true",
            "requires_registration = false",
            "requires_registration",
            'must be true with response_format = "licensed"',
        ),
        ("min = 1\nmax = 4", "min = 4\nmax = 4", "licensed.values[1].min", "must be below max"),
        ("decimals = 1", "decimals = 3", "licensed.values[0].decimals", "from 0 to 2"),
        ("decimals = 1", "decimals = 0.5", "licensed.values[0].decimals", "must be an integer"),
        ('id = "reading"', 'id = "total"', "licensed.values[0].id", "reserved"),
        ('id = "reading"', 'id = "concern_1"', "licensed.values[0].id", "reserved"),
        ('id = "stage"', 'id = "reading"', "licensed.values[1].id", "duplicate value"),
        (
            'label = "Stage"',
            'label = "Stage"\ncolour = "red"',
            "licensed.values[1].colour",
            "unknown key",
        ),
        ('hint = "1 to 4"\n', "", "licensed.values[1].hint", "missing required field"),
        (
            'improvement = "increase"\nchart',
            'improvement = "up"\nchart',
            "licensed.values[1].improvement",
            "'up' is not one of increase, decrease",
        ),
        ("chart = false", 'chart = "no"', "licensed.values[1].chart", "true or false"),
        ("min_count = 1", "min_count = 0", "licensed.concerns.min_count", "1 <= min_count"),
        ("min_count = 1", "min_count = 3", "licensed.concerns.min_count", "<= max_count"),
        (
            "text_max_length = 20",
            "text_max_length = 0",
            "licensed.concerns.text_max_length",
            "at least 1",
        ),
        ("score_max = 6", "score_max = 0", "licensed.concerns.score_min", "must be below"),
        ('note = "Enter what the tool reported."\n', "", "licensed.note", "missing required field"),
    ],
)
def test_licensed_loader_rejects_bad_definition_naming_the_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    assert old in LICENSED_VALID
    rejects(tmp_path, LICENSED_VALID.replace(old, new, 1), field, message)


def test_licensed_loader_needs_a_licensed_table(tmp_path: Path) -> None:
    text = LICENSED_VALID.split("[licensed]")[0]
    rejects(tmp_path, text, "licensed", "needed exactly when")


def test_licensed_loader_refuses_items_with_licensed_format(tmp_path: Path) -> None:
    text = LICENSED_VALID + '\n[[items]]\nid = "q1"\ntext = "Question"\noptions = "x"\n'
    rejects(tmp_path, text, "items", "the licensed tool asks and scores its own questions")


def test_licensed_loader_refuses_option_sets_with_licensed_format(tmp_path: Path) -> None:
    text = LICENSED_VALID.replace(
        "[licensed]\n", '[option_sets]\nx = [{ value = 0, label = "a" }]\n\n[licensed]\n'
    )
    rejects(tmp_path, text, "option_sets", "not used with")


def test_licensed_loader_refuses_a_licensed_table_on_other_formats(tmp_path: Path) -> None:
    text = ITEMS_VALID + "\n" + LICENSED_VALID[LICENSED_VALID.index("[licensed]") :]
    rejects(tmp_path, text, "licensed", 'needed exactly when response_format = "licensed"')


def test_licensed_loader_needs_a_charted_value_without_concerns(tmp_path: Path) -> None:
    text = LICENSED_VALID.split("[licensed.concerns]")[0] + LICENSED_VALID.split(
        'improvement = "decrease"\n'
    )[1].replace("decimals = 1\n", "decimals = 1\nchart = false\n")
    rejects(tmp_path, text, "licensed.values", "at least one value must be charted")


def test_licensed_loader_refuses_bands_on_licensed_values(tmp_path: Path) -> None:
    text = LICENSED_VALID + '\n[[bands]]\non = "reading"\nlabel = "x"\nmin = 0\nmax = 100\n'
    rejects(tmp_path, text, "bands[0].on", "neither 'total' nor an item id")


def test_other_formats_still_need_items(tmp_path: Path) -> None:
    text = ITEMS_VALID.split("[[items]]")[0]
    rejects(tmp_path, text, "items", "missing required field")


def test_other_formats_still_need_option_sets(tmp_path: Path) -> None:
    text = ITEMS_VALID.replace(
        '[option_sets]\ntwo = [{ value = 0, label = "no" }, { value = 1, label = "yes" }]\n', ""
    )
    rejects(tmp_path, text, "option_sets", "missing required field")


@pytest.mark.parametrize("instrument_id", ["pam", "mycaw"])
def test_licensed_definitions_need_a_licence_and_await_review(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    assert inst.requires_registration is True
    assert inst.response_format == "licensed"
    assert inst.scoring_method == "licensed_score"
    assert (inst.authored_by, inst.checked_by) == ("Linkwork outcomes library", "pending review")
    assert "licen" in inst.licence.lower()
    assert "Proprietary instruments" in inst.source
    assert inst.items == ()
    assert not inst.bands
    assert not inst.flags
    assert not inst.meaningful_change


def test_pam_definition_is_score_0_to_100_one_decimal_and_level_1_to_4() -> None:
    inst = get_instrument("pam")
    assert inst.licensed is not None
    assert "Insignia Health" in inst.licence
    assert inst.licensed.concerns is None
    found = [(v.id, v.min, v.max, v.decimals, v.chart) for v in inst.licensed.values]
    assert found == [("score", 0, 100, 1, True), ("level", 1, 4, 0, False)]


def test_mycaw_definition_is_one_or_two_concerns_and_wellbeing_0_to_6_lower_better() -> None:
    inst = get_instrument("mycaw")
    assert inst.licensed is not None
    assert "Meaningful Measures" in inst.licence
    concerns = inst.licensed.concerns
    assert concerns is not None
    assert (concerns.min_count, concerns.max_count) == (1, 2)
    assert (concerns.score_min, concerns.score_max, concerns.improvement) == (0, 6, "decrease")
    found = [(v.id, v.min, v.max, v.decimals, v.improvement) for v in inst.licensed.values]
    assert found == [("wellbeing", 0, 6, 0, "decrease")]


def test_reserved_result_keys_cover_every_score_result_field() -> None:
    fields = {f.name for f in dataclasses.fields(ScoreResult)} - {"values"}
    assert fields <= RESERVED_RESULT_KEYS


# --- PAM -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 0.0, 0.1, 62, 62.5, 99.9, 100, 100.0])
def test_pam_score_is_returned_exactly_as_given(value: float) -> None:
    result = score("pam", {"score": value, "level": 3})
    assert result.values is not None
    assert result.values["score"] == value
    assert type(result.values["score"]) is type(value)


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_pam_level_accepts_each_level(level: int) -> None:
    assert score("pam", {"score": 50, "level": level}).to_dict()["level"] == level


def test_pam_result_keys() -> None:
    assert score("pam", {"score": 62.5, "level": 3}).to_dict() == {
        "instrument": "pam",
        "version": "1.0.0",
        "score": 62.5,
        "level": 3,
    }


@pytest.mark.parametrize(
    ("responses", "field", "message"),
    [
        ({"score": 100.1, "level": 3}, "responses.score", "it must be from 0 to 100"),
        ({"score": -0.1, "level": 3}, "responses.score", "it must be from 0 to 100"),
        ({"score": 101, "level": 3}, "responses.score", "PAM score is 101"),
        ({"score": 62.55, "level": 3}, "responses.score", "at most one decimal place"),
        ({"score": 1e-05, "level": 3}, "responses.score", "at most one decimal place"),
        ({"score": "62.5", "level": 3}, "responses.score", "not the text '62.5'"),
        ({"score": True, "level": 3}, "responses.score", "not true/false"),
        ({"score": math.nan, "level": 3}, "responses.score", "must be a number"),
        ({"score": math.inf, "level": 3}, "responses.score", "must be a number"),
        ({"score": [62], "level": 3}, "responses.score", "not a list"),
        ({"level": 3}, "responses.score", "PAM score is missing"),
        ({"score": None, "level": 3}, "responses.score", "PAM score is missing"),
        ({"score": 62.5}, "responses.level", "PAM level is missing"),
        ({"score": 62.5, "level": 0}, "responses.level", "it must be from 1 to 4"),
        ({"score": 62.5, "level": 5}, "responses.level", "it must be from 1 to 4"),
        ({"score": 62.5, "level": 3.0}, "responses.level", "whole number from 1 to 4"),
        ({"score": 62.5, "level": "3"}, "responses.level", "whole number from 1 to 4"),
        ({"score": 62.5, "level": 3, "items": [1]}, "responses.items", "Unexpected response key"),
    ],
)
def test_pam_rejects_bad_values_naming_the_field(
    responses: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ScoreError) as caught:
        score("pam", responses)
    assert caught.value.field == field
    assert message in caught.value.message


def test_pam_takes_no_context() -> None:
    with pytest.raises(ScoreError) as caught:
        score("pam", {"score": 62.5, "level": 3}, method="england_5l")
    assert caught.value.field == "method"


def test_licensed_problems_lists_every_problem_in_form_order() -> None:
    problems = licensed_problems(get_instrument("pam"), {"score": 101, "level": 9})
    assert [p.field for p in problems] == ["responses.score", "responses.level"]
    assert licensed_problems(get_instrument("pam"), {"score": 62.5, "level": 3}) == ()


# --- MYCaW ---------------------------------------------------------------------------------


def mycaw(*concerns: Any, wellbeing: object = 3) -> dict[str, object]:
    return {"concerns": list(concerns), "wellbeing": wellbeing}


def test_mycaw_one_concern() -> None:
    result = score("mycaw", mycaw({"text": "Sleeping badly", "score": 4}))
    assert result.to_dict() == {
        "instrument": "mycaw",
        "version": "1.0.0",
        "concern_scores": [4],
        "wellbeing": 3,
    }


def test_mycaw_two_concerns_keep_their_order_and_range_ends() -> None:
    result = score(
        "mycaw", mycaw({"text": "Money", "score": 6}, {"text": "Sleep", "score": 0}, wellbeing=0)
    )
    assert result.concern_scores == (6, 0)
    assert result.to_dict()["wellbeing"] == 0


def test_mycaw_result_keeps_the_persons_words_out_of_the_result() -> None:
    # The words are personal data kept in the responses; the result carries numbers only.
    result = score("mycaw", mycaw({"text": "Worried about my daughter", "score": 5}))
    assert "Worried" not in json.dumps(result.to_dict())


@pytest.mark.parametrize(
    ("responses", "field", "message"),
    [
        (mycaw(), "responses.concerns", "a list of 1 to 2 concerns"),
        ({"wellbeing": 3}, "responses.concerns", "a list of 1 to 2 concerns"),
        ({"concerns": "Money", "wellbeing": 3}, "responses.concerns", "a list of 1 to 2"),
        (
            mycaw(*[{"text": "x", "score": 1}] * 3),
            "responses.concerns",
            "takes 1 to 2 concerns; 3 were given",
        ),
        (mycaw("Money"), "responses.concerns[0]", 'an object with "text" and "score"'),
        (mycaw({"score": 4}), "responses.concerns[0].text", "Concern 1 is missing"),
        (mycaw({"text": "  ", "score": 4}), "responses.concerns[0].text", "Concern 1 is missing"),
        (mycaw({"text": 7, "score": 4}), "responses.concerns[0].text", "must be text"),
        (
            mycaw({"text": "x", "score": 1}, {"text": "y" * 201, "score": 1}),
            "responses.concerns[1].text",
            "200 characters or fewer; it has 201",
        ),
        (mycaw({"text": "x"}), "responses.concerns[0].score", "Concern 1 score is missing"),
        (mycaw({"text": "x", "score": 7}), "responses.concerns[0].score", "from 0 to 6"),
        (mycaw({"text": "x", "score": -1}), "responses.concerns[0].score", "from 0 to 6"),
        (mycaw({"text": "x", "score": 4.5}), "responses.concerns[0].score", "whole number"),
        (mycaw({"text": "x", "score": "4"}), "responses.concerns[0].score", "whole number"),
        (mycaw({"text": "x", "score": True}), "responses.concerns[0].score", "whole number"),
        (
            mycaw({"text": "x", "score": 1, "when": "now"}),
            "responses.concerns[0].when",
            "Unexpected key 'when' in concern 1",
        ),
        (mycaw({"text": "x", "score": 1}, wellbeing=None), "responses.wellbeing", "missing"),
        (mycaw({"text": "x", "score": 1}, wellbeing=7), "responses.wellbeing", "from 0 to 6"),
        (mycaw({"text": "x", "score": 1}, wellbeing=2.0), "responses.wellbeing", "whole number"),
    ],
)
def test_mycaw_rejects_bad_values_naming_the_field(
    responses: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ScoreError) as caught:
        score("mycaw", responses)
    assert caught.value.field == field
    assert message in caught.value.message


def test_mycaw_messages_never_repeat_the_persons_words() -> None:
    words = "Worried about my debts " * 10
    problems = licensed_problems(get_instrument("mycaw"), mycaw({"text": words, "score": 9}))
    assert [p.field for p in problems] == [
        "responses.concerns[0].text",
        "responses.concerns[0].score",
    ]
    assert not any("Worried" in p.message for p in problems)


# --- CLI -----------------------------------------------------------------------------------


def run(payload: object) -> tuple[int, Any]:
    stdout = io.StringIO()
    code = main(["-"], stdin=io.StringIO(json.dumps(payload)), stdout=stdout)
    return code, json.loads(stdout.getvalue())


def test_cli_pam_prints_the_licensed_values() -> None:
    code, out = run({"instrument": "pam", "responses": {"score": 62.5, "level": 3}})
    assert (code, out) == (0, {"instrument": "pam", "version": "1.0.0", "score": 62.5, "level": 3})


def test_cli_mycaw_prints_concern_scores_and_wellbeing() -> None:
    responses = {"concerns": [{"text": "Sleep", "score": 4}, {"text": "Money", "score": 2}]}
    code, out = run({"instrument": "mycaw", "responses": {**responses, "wellbeing": 3}})
    assert (code, out) == (
        0,
        {"instrument": "mycaw", "version": "1.0.0", "concern_scores": [4, 2], "wellbeing": 3},
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"instrument": "pam", "responses": {"score": 100.5, "level": 3}}, "responses.score"),
        ({"instrument": "pam", "responses": {"score": 50}}, "responses.level"),
        ({"instrument": "pam", "responses": {"score": 50, "level": 2}, "cutoff": 6}, "cutoff"),
        (
            {"instrument": "mycaw", "responses": {"concerns": [], "wellbeing": 3}},
            "responses.concerns",
        ),
        (
            {
                "instrument": "mycaw",
                "responses": {"concerns": [{"text": "x", "score": 1}], "wellbeing": 9},
            },
            "responses.wellbeing",
        ),
    ],
)
def test_cli_licensed_invalid_input_exit_2_with_field(payload: object, field: str) -> None:
    code, out = run(payload)
    assert code == 2
    assert set(out) == {"error", "field"}
    assert out["field"] == field
