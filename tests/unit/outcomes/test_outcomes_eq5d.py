"""EQ-5D-5L index: published examples and every state against the shared standards tables.

The shared folder (beside the repository root) holds the published tables; the package ships
its own copies, so these tests prove the copies and the arithmetic match the published facts.
"""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from linkwork.outcomes import ScoreError, eq5d_index, eq5d_index_array, score
from linkwork.outcomes.eq5d import AGE_BANDS, METHODS, SEXES, age_band, all_states
from tests.prerequisites import shared_standard

DIMENSIONS = ("MO", "SC", "UA", "PD", "AD")
BAND_AGES = {
    "18-34": (18, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55-64": (55, 64),
    "65+": (65, 120),
}
ALL_CODES = np.array([int(s) for s in all_states()])


def shared_file(name: str) -> Path:
    return shared_standard(f"eq5d/{name}")


def round3(text: str | Decimal) -> float:
    """Half away from zero on the published decimal, as the library documents."""
    return float(Decimal(text).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


@cache
def additive_expected(key: str) -> dict[str, float]:
    sets = json.loads(shared_file("value_sets.json").read_text(encoding="utf-8"))
    dec = sets[key]["decrements"]
    return {
        state: round3(
            Decimal(1)
            + sum(
                (
                    Decimal(str(dec[d][int(level) - 1]))
                    for d, level in zip(DIMENSIONS, state, strict=True)
                ),
                Decimal(0),
            )
        )
        for state in all_states()
    }


@cache
def crosswalk_expected() -> dict[str, float]:
    with shared_file("crosswalk_vanhout2012_uk.csv").open(encoding="utf-8") as f:
        return {row["state"]: round3(row["value"]) for row in csv.DictReader(f)}


@cache
def dsu_expected() -> dict[tuple[str, str, str], float]:
    with shared_file("dsu2023_5l_to_3l_uk.csv").open(encoding="utf-8") as f:
        return {
            (row["state"], row["sex"], row["age_band"]): round3(row["value"])
            for row in csv.DictReader(f)
        }


def mismatches(expected: dict[str, float], method: str, **context: object) -> list[str]:
    return [
        f"{state}: expected {value}, got {got}"
        for state, value in expected.items()
        if (got := eq5d_index(state, method, **context)) != value  # type: ignore[arg-type]
    ]


# --- Published examples (standards/eq5d/README.md) ----------------------------------------


@pytest.mark.parametrize(
    ("state", "method", "expected"),
    [
        ("11112", "england_5l", 0.922),
        ("21111", "england_5l", 0.942),
        ("55555", "england_5l", -0.285),
        ("23245", "england_5l", 0.247),
        ("55555", "vanhout_crosswalk", -0.594),
        ("11221", "vanhout_crosswalk", 0.795),
    ],
)
def test_eq5d_published_example(state: str, method: str, expected: float) -> None:
    assert eq5d_index(state, method) == expected


def test_eq5d_published_example_dsu_male_18_34() -> None:
    assert eq5d_index("11112", "dsu_2023", sex="male", age=25) == 0.893


def test_eq5d_full_health_is_one_for_value_sets() -> None:
    assert eq5d_index("11111", "england_5l") == 1.0
    assert eq5d_index("11111", "uk_5l_2026") == 1.0


def test_eq5d_dsu_full_health_maps_below_one() -> None:
    values = {eq5d_index("11111", "dsu_2023", sex=s, age=a) for s in SEXES for a in (18, 70)}
    assert all(0.985 <= v <= 0.989 for v in values)


# --- Every state against the shared tables ------------------------------------------------


def test_eq5d_all_states_england_5l_match_devlin_coefficients() -> None:
    assert mismatches(additive_expected("england_5l_devlin2018"), "england_5l") == []


def test_eq5d_all_states_uk_5l_2026_match_rowen_coefficients() -> None:
    assert mismatches(additive_expected("uk_5l_rowen2026"), "uk_5l_2026") == []


def test_eq5d_all_states_vanhout_match_published_crosswalk() -> None:
    expected = crosswalk_expected()
    assert len(expected) == 3125
    assert mismatches(expected, "vanhout_crosswalk") == []


@pytest.mark.parametrize("sex", SEXES)
@pytest.mark.parametrize("band", AGE_BANDS)
def test_eq5d_all_states_dsu_match_published_mapping(sex: str, band: str) -> None:
    table = dsu_expected()
    expected = {state: table[(state, sex, band)] for state in all_states()}
    low, high = BAND_AGES[band]
    assert mismatches(expected, "dsu_2023", sex=sex, age=low) == []
    assert mismatches(expected, "dsu_2023", sex=sex, age=high) == []


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (18, "18-34"),
        (34, "18-34"),
        (35, "35-44"),
        (44, "35-44"),
        (45, "45-54"),
        (54, "45-54"),
        (55, "55-64"),
        (64, "55-64"),
        (65, "65+"),
        (120, "65+"),
    ],
)
def test_eq5d_dsu_age_band_boundaries(age: int, band: str) -> None:
    assert age_band(age) == band


@pytest.mark.parametrize("sex", SEXES)
@pytest.mark.parametrize("edge", [35, 45, 55, 65])
def test_eq5d_dsu_values_switch_band_exactly_at_edge(sex: str, edge: int) -> None:
    table = dsu_expected()
    below, above = age_band(edge - 1), age_band(edge)
    got_below = eq5d_index_array(ALL_CODES, "dsu_2023", sex=sex, age=edge - 1)
    got_above = eq5d_index_array(ALL_CODES, "dsu_2023", sex=sex, age=edge)
    assert got_below.tolist() == [table[(s, sex, below)] for s in all_states()]
    assert got_above.tolist() == [table[(s, sex, above)] for s in all_states()]


def test_eq5d_results_have_at_most_three_decimals() -> None:
    for method in ("england_5l", "vanhout_crosswalk"):
        values = eq5d_index_array(ALL_CODES, method)
        assert np.array_equal(values, np.round(values, 3))
    values = eq5d_index_array(ALL_CODES, "dsu_2023", sex="female", age=40)
    assert np.array_equal(values, np.round(values, 3))


# --- Vectorised path ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["england_5l", "uk_5l_2026", "vanhout_crosswalk"])
def test_eq5d_vectorised_equals_scalar_all_states(method: str) -> None:
    scalar = [eq5d_index(s, method) for s in all_states()]
    assert eq5d_index_array(ALL_CODES, method).tolist() == scalar


@pytest.mark.parametrize("sex", SEXES)
@pytest.mark.parametrize("age", [18, 40, 50, 60, 80])
def test_eq5d_vectorised_equals_scalar_all_states_dsu(sex: str, age: int) -> None:
    scalar = [eq5d_index(s, "dsu_2023", sex=sex, age=age) for s in all_states()]
    assert eq5d_index_array(ALL_CODES, "dsu_2023", sex=sex, age=age).tolist() == scalar


def test_eq5d_vectorised_dsu_accepts_per_row_sex_and_age() -> None:
    rng = np.random.default_rng(7)
    sexes = rng.choice(np.array(SEXES), size=ALL_CODES.size)
    ages = rng.integers(18, 100, size=ALL_CODES.size)
    got = eq5d_index_array(ALL_CODES, "dsu_2023", sex=sexes, age=ages)
    expected = [
        eq5d_index(s, "dsu_2023", sex=str(x), age=int(a))
        for s, x, a in zip(all_states(), sexes, ages, strict=True)
    ]
    assert got.tolist() == expected


def test_eq5d_vectorised_keeps_shape() -> None:
    codes = np.array([[11111, 55555], [12345, 11112]])
    assert eq5d_index_array(codes).shape == (2, 2)


def test_eq5d_vectorised_result_is_writable_copy() -> None:
    values = eq5d_index_array(np.array([11111]))
    values[0] = 0.0
    assert eq5d_index("11111") == 1.0


@pytest.mark.parametrize(
    ("codes", "field"),
    [
        ([11111, 12360], "states[1]"),
        ([1234, 11111], "states[0]"),
        ([11111, -1], "states[1]"),
        ([99999], "states[0]"),
        ([11111, 11106], "states[1]"),
    ],
)
def test_eq5d_vectorised_rejects_invalid_state(codes: list[int], field: str) -> None:
    with pytest.raises(ScoreError, match="not an EQ-5D-5L state") as caught:
        eq5d_index_array(np.array(codes))
    assert caught.value.field == field


def test_eq5d_vectorised_rejects_non_integer_array() -> None:
    with pytest.raises(ScoreError, match="integer array") as caught:
        eq5d_index_array(np.array([11111.0]))
    assert caught.value.field == "states"


def test_eq5d_vectorised_rejects_unknown_method() -> None:
    with pytest.raises(ScoreError, match="Unknown EQ-5D-5L method") as caught:
        eq5d_index_array(ALL_CODES, "uk_3l")
    assert caught.value.field == "method"


def test_eq5d_vectorised_dsu_rejects_bad_rows() -> None:
    codes = np.array([11111, 11111])
    with pytest.raises(ScoreError, match="male") as caught:
        eq5d_index_array(codes, "dsu_2023", sex=["male", "M"], age=30)
    assert caught.value.field == "sex[1]"
    with pytest.raises(ScoreError, match="outside 18-120") as caught:
        eq5d_index_array(codes, "dsu_2023", sex="male", age=np.array([30, 17]))
    assert caught.value.field == "age[1]"
    with pytest.raises(ScoreError, match="needs sex") as caught:
        eq5d_index_array(codes, "dsu_2023", age=30)
    assert caught.value.field == "sex"
    with pytest.raises(ScoreError, match="needs age") as caught:
        eq5d_index_array(codes, "dsu_2023", sex=np.array(["male", "female"]))
    assert caught.value.field == "age"


def test_eq5d_vectorised_dsu_rejects_mismatched_shapes() -> None:
    with pytest.raises(ScoreError, match="must match states") as caught:
        eq5d_index_array(np.array([11111, 11111]), "dsu_2023", sex="male", age=[30, 40, 50])
    assert caught.value.field == "sex"


# --- Through score() ----------------------------------------------------------------------


def test_eq5d_score_defaults_to_england_5l_and_keeps_vas() -> None:
    assert score("eq5d5l", {"state": "23245", "vas": 70}).to_dict() == {
        "instrument": "eq5d5l",
        "version": "1.0.0",
        "index": 0.247,
        "method": "england_5l",
        "vas": 70,
    }


@pytest.mark.parametrize("vas", [0, 100])
def test_eq5d_score_vas_range_ends_accepted(vas: int) -> None:
    assert score("eq5d5l", {"state": "11111", "vas": vas}).vas == vas


def test_eq5d_score_without_vas_omits_it() -> None:
    assert "vas" not in score("eq5d5l", {"state": "11111"}).to_dict()


def test_eq5d_score_dsu_uses_sex_and_age() -> None:
    result = score("eq5d5l", {"state": "11112"}, method="dsu_2023", sex="male", age=30)
    assert (result.index, result.method) == (0.893, "dsu_2023")


@pytest.mark.parametrize("method", METHODS)
def test_eq5d_score_every_method_matches_eq5d_index(method: str) -> None:
    context: dict[str, object] = {"sex": "female", "age": 70} if method == "dsu_2023" else {}
    got = score("eq5d5l", {"state": "34512"}, method=method, **context).index
    assert got == eq5d_index("34512", method, sex="female", age=70)


@pytest.mark.parametrize(
    "sexes",
    [
        np.array(["male", "female"]),
        np.array(["male", "female"], dtype=object),
        np.array(["male", "female"], dtype="U7"),
        np.array(["female", "male"])[::-1],
        ["male", "female"],
    ],
)
def test_eq5d_vectorised_dsu_sex_array_layouts(sexes: npt.ArrayLike) -> None:
    got = eq5d_index_array(np.array([11112, 11112]), "dsu_2023", sex=sexes, age=[30, 30])
    assert got.tolist() == [0.893, eq5d_index("11112", "dsu_2023", sex="female", age=30)]


def test_eq5d_vectorised_dsu_all_male_narrow_text_array() -> None:
    got = eq5d_index_array(np.array([11112]), "dsu_2023", sex=np.array(["male"]), age=[30])
    assert got.tolist() == [0.893]


@pytest.mark.parametrize("bad", ["femal", "males", "Male", "", "femalee"])
def test_eq5d_vectorised_dsu_rejects_near_miss_sex(bad: str) -> None:
    with pytest.raises(ScoreError) as caught:
        eq5d_index_array(np.array([11111, 11111]), "dsu_2023", sex=["male", bad], age=40)
    assert caught.value.field == "sex[1]"
    assert caught.value.message == f'Sex must be "male" or "female", not {bad!r}.'
