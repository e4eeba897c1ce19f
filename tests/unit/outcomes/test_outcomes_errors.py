"""Invalid input is refused with a plain message and the exact field to fix."""

from __future__ import annotations

import pytest

from linkwork.outcomes import ScoreError, eq5d_index, score

SWEMWBS_OK = [3, 3, 3, 3, 3, 3, 3]
ONS4_OK = {"life_satisfaction": 7, "worthwhile": 7, "happiness": 7, "anxiety": 2}


def field_of(instrument: str, responses: object, **context: object) -> str:
    with pytest.raises(ScoreError) as caught:
        score(instrument, responses, **context)  # type: ignore[arg-type]
    assert caught.value.message
    assert str(caught.value) == caught.value.message
    return caught.value.field


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([3, 3, 3, 3, 3, 3], "responses.items[6]"),
        ([], "responses.items[0]"),
        ([3, 3, None, 3, 3, 3, 3], "responses.items[2]"),
    ],
)
def test_score_missing_item_names_its_position(items: list[object], field: str) -> None:
    assert field_of("swemwbs", {"items": items}) == field


@pytest.mark.parametrize(("index", "value"), [(0, 0), (3, 6), (6, -1), (2, 10**30)])
def test_score_out_of_range_item_names_its_position(index: int, value: int) -> None:
    items: list[object] = list(SWEMWBS_OK)
    items[index] = value
    assert field_of("swemwbs", {"items": items}) == f"responses.items[{index}]"


@pytest.mark.parametrize("value", [True, False, 3.0, "3", [3], {"v": 3}])
def test_score_wrong_type_item_is_refused(value: object) -> None:
    items: list[object] = list(SWEMWBS_OK)
    items[4] = value
    assert field_of("swemwbs", {"items": items}) == "responses.items[4]"


def test_score_bool_is_not_an_int_message() -> None:
    with pytest.raises(ScoreError, match="not true/false"):
        score("gad7", {"items": [True, 0, 0, 0, 0, 0, 0]})


def test_score_out_of_range_message_is_plain_english() -> None:
    with pytest.raises(ScoreError) as caught:
        score("phq9", {"items": [0, 0, 0, 4, 0, 0, 0, 0, 0]})
    assert caught.value.message == "Item 4 (Tired or low in energy) is 4; it must be from 0 to 3."


def test_score_too_many_items_is_refused() -> None:
    assert field_of("swemwbs", {"items": [*SWEMWBS_OK, 3]}) == "responses.items"


@pytest.mark.parametrize("items", [None, "3333333", 7, {"0": 3}])
def test_score_items_not_a_list_is_refused(items: object) -> None:
    assert field_of("wemwbs", {"items": items}) == "responses.items"


def test_score_missing_items_key_is_refused() -> None:
    assert field_of("gad7", {}) == "responses.items"


def test_score_unexpected_response_key_is_refused() -> None:
    assert field_of("gad7", {"items": [0] * 7, "total": 0}) == "responses.total"


def test_score_responses_not_an_object_is_refused() -> None:
    assert field_of("gad7", [0] * 7) == "responses"


@pytest.mark.parametrize("instrument", ["sf36", "", "SWEMWBS", None, 3])
def test_score_unknown_instrument_is_refused(instrument: object) -> None:
    with pytest.raises(ScoreError, match="Unknown instrument") as caught:
        score(instrument, {"items": SWEMWBS_OK})  # type: ignore[arg-type]
    assert caught.value.field == "instrument"


def test_score_context_that_does_not_apply_is_refused() -> None:
    assert field_of("swemwbs", {"items": SWEMWBS_OK}, method="england_5l") == "method"


# --- ONS4, loneliness, goals --------------------------------------------------------------


@pytest.mark.parametrize("item", sorted(ONS4_OK))
def test_score_ons4_missing_item_names_it(item: str) -> None:
    answers = {k: v for k, v in ONS4_OK.items() if k != item}
    assert field_of("ons4", answers) == f"responses.{item}"


@pytest.mark.parametrize("value", [-1, 11, True, 5.5, "7"])
def test_score_ons4_invalid_value_names_item(value: object) -> None:
    assert field_of("ons4", {**ONS4_OK, "anxiety": value}) == "responses.anxiety"


def test_score_ons4_unknown_item_is_refused() -> None:
    assert field_of("ons4", {**ONS4_OK, "loneliness": 3}) == "responses.loneliness"


@pytest.mark.parametrize(("answer", "field"), [(0, "responses.answer"), (6, "responses.answer")])
def test_score_ons_loneliness_out_of_range(answer: int, field: str) -> None:
    assert field_of("ons_loneliness", {"answer": answer}) == field


def test_score_ons_loneliness_takes_answer_not_items() -> None:
    assert field_of("ons_loneliness", {"items": [1]}) == "responses.items"


@pytest.mark.parametrize("cutoff", [2, 10, True, "6", 6.0])
def test_score_ucla3_invalid_cutoff_is_refused(cutoff: object) -> None:
    assert field_of("ucla3", {"items": [1, 1, 1]}, cutoff=cutoff) == "cutoff"


@pytest.mark.parametrize(
    ("goals", "field"),
    [
        ([], "responses.goals"),
        ([5, 11], "responses.goals[1]"),
        ([True], "responses.goals[0]"),
        (list(range(11)) * 2, "responses.goals"),
        (None, "responses.goals"),
    ],
)
def test_score_goal_progress_invalid(goals: object, field: str) -> None:
    assert field_of("goal_progress", {"goals": goals}) == field


# --- EQ-5D-5L -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", ["12360", "1234", "123456", "02345", "1234a", " 12345", "", 12345, None, ["12345"]]
)
def test_score_eq5d_bad_state_is_refused(state: object) -> None:
    assert field_of("eq5d5l", {"state": state}) == "responses.state"


def test_score_eq5d_bad_state_message_names_state() -> None:
    with pytest.raises(ScoreError, match="'12360' is not an EQ-5D-5L state"):
        score("eq5d5l", {"state": "12360"})


def test_score_eq5d_missing_state_is_refused() -> None:
    assert field_of("eq5d5l", {"vas": 50}) == "responses.state"


@pytest.mark.parametrize("vas", [-1, 101, True, 50.5, "50"])
def test_score_eq5d_bad_vas_is_refused(vas: object) -> None:
    assert field_of("eq5d5l", {"state": "11111", "vas": vas}) == "responses.vas"


@pytest.mark.parametrize("method", ["uk_3l", "ENGLAND_5L", "", 5])
def test_score_eq5d_unknown_method_is_refused(method: object) -> None:
    assert field_of("eq5d5l", {"state": "11111"}, method=method) == "method"


@pytest.mark.parametrize(
    ("context", "field"),
    [
        ({"age": 30}, "sex"),
        ({"sex": "male"}, "age"),
        ({}, "sex"),
        ({"sex": "Male", "age": 30}, "sex"),
        ({"sex": "other", "age": 30}, "sex"),
        ({"sex": "male", "age": 17}, "age"),
        ({"sex": "male", "age": 30.0}, "age"),
        ({"sex": "male", "age": "30"}, "age"),
        ({"sex": "male", "age": True}, "age"),
        ({"sex": "male", "age": 121}, "age"),
    ],
)
def test_score_eq5d_dsu_needs_valid_sex_and_age(context: dict[str, object], field: str) -> None:
    assert field_of("eq5d5l", {"state": "11111"}, method="dsu_2023", **context) == field


def test_score_eq5d_dsu_under_18_message() -> None:
    with pytest.raises(ScoreError, match="under 18"):
        score("eq5d5l", {"state": "11111"}, method="dsu_2023", sex="female", age=17)


@pytest.mark.parametrize("state", ["12360", "1234", 123, True])
def test_eq5d_index_rejects_bad_state(state: object) -> None:
    with pytest.raises(ScoreError) as caught:
        eq5d_index(state)  # type: ignore[arg-type]
    assert caught.value.field == "state"


def test_score_error_to_dict() -> None:
    assert ScoreError("bad", "method").to_dict() == {"error": "bad", "field": "method"}
