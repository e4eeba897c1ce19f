"""Scaled and categorical instruments: published bands, conversions and flags.

Expected values are restated here from standards/outcomes.md rather than read from the TOML
definitions, so a wrong definition cannot make its own test pass.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from linkwork.outcomes import INSTRUMENTS, ScoreResult, get_instrument, score

OUTCOMES_DIR = Path(__file__).resolve().parents[3] / "linkwork" / "outcomes"
LIBRARY_MODULES = ("__init__.py", "cli.py", "definitions.py", "eq5d.py", "errors.py", "scoring.py")

SWEMWBS_METRIC = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip

PHQ9_BANDS = [
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately severe"),
    (20, 27, "severe"),
]
GAD7_BANDS = [(0, 4, "none"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]
ONS4_POSITIVE_BANDS = [(0, 4, "low"), (5, 6, "medium"), (7, 8, "high"), (9, 10, "very high")]
ONS4_ANXIETY_BANDS = [(0, 1, "very low"), (2, 3, "low"), (4, 5, "medium"), (6, 10, "high")]
ONS_LONELINESS = [
    (1, "often/always"),
    (2, "some of the time"),
    (3, "occasionally"),
    (4, "hardly ever"),
    (5, "never"),
]


def items_for_total(total: int, n_items: int, low: int, high: int) -> list[int]:
    """Spread a total over items, filling from the first item, within each item's range."""
    answers = [low] * n_items
    remaining = total - low * n_items
    for n in range(n_items):
        step = min(high - low, remaining)
        answers[n] += step
        remaining -= step
    assert remaining == 0, f"total {total} impossible"
    return answers


def boundary_cases(bands: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
    """Each band's lowest and highest value: both sides of every boundary, plus the extremes."""
    return [(value, label) for low, high, label in bands for value in sorted({low, high})]


def label_of(bands: list[tuple[int, int, str]], value: int) -> str:
    return next(label for low, high, label in bands if low <= value <= high)


def phq9_without_self_harm(total: int) -> list[int]:
    """Item 9 stays 0 so only the total drives the result (max 24 from 8 items)."""
    return [*items_for_total(total, 8, 0, 3), 0]


# --- SWEMWBS and WEMWBS -------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "metric"), sorted(SWEMWBS_METRIC.items()))
def test_swemwbs_metric_matches_warwick_table(raw: int, metric: float) -> None:
    result = score("swemwbs", {"items": items_for_total(raw, 7, 1, 5)})
    assert result.total == raw
    assert result.metric == metric


def test_swemwbs_conversion_covers_all_29_raw_totals() -> None:
    assert len(SWEMWBS_METRIC) == 29
    conversion = get_instrument("swemwbs").conversion
    assert conversion is not None
    assert dict(conversion.table) == SWEMWBS_METRIC


def test_swemwbs_result_has_no_band_because_warwick_endorses_no_cut_point() -> None:
    assert score("swemwbs", {"items": [3] * 7}).to_dict() == {
        "instrument": "swemwbs",
        "version": "1.0.0",
        "total": 21,
        "metric": 19.25,
    }


def test_swemwbs_items_follow_published_order() -> None:
    texts = [item.text.lower() for item in get_instrument("swemwbs").items]
    keywords = ["optimistic", "useful", "relaxed", "problems", "clearly", "close", "own mind"]
    assert all(k in t for k, t in zip(keywords, texts, strict=True))


@pytest.mark.parametrize(("total"), [14, 15, 42, 69, 70])
def test_wemwbs_total_is_raw_sum_over_range(total: int) -> None:
    result = score("wemwbs", {"items": items_for_total(total, 14, 1, 5)})
    assert result.to_dict() == {"instrument": "wemwbs", "version": "1.0.0", "total": total}


def test_wemwbs_meaningful_change_is_three_points() -> None:
    (change,) = get_instrument("wemwbs").meaningful_change
    assert (change.on, change.points, change.improvement) == ("total", 3.0, "increase")


def test_swemwbs_meaningful_change_is_one_to_three_metric_points() -> None:
    (change,) = get_instrument("swemwbs").meaningful_change
    assert (change.on, change.points, change.points_upper) == ("metric", 1.0, 3.0)


# --- PHQ-9 and GAD-7 ----------------------------------------------------------------------


@pytest.mark.parametrize(("total", "band"), boundary_cases(PHQ9_BANDS))
def test_phq9_band_at_boundary(total: int, band: str) -> None:
    answers = phq9_without_self_harm(total) if total <= 24 else [3] * 9
    result = score("phq9", {"items": answers})
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), boundary_cases(GAD7_BANDS))
def test_gad7_band_at_boundary(total: int, band: str) -> None:
    result = score("gad7", {"items": items_for_total(total, 7, 0, 3)})
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "expected"), [(9, False), (10, True)])
def test_phq9_caseness_at_ten(total: int, expected: bool) -> None:
    flags = score("phq9", {"items": phq9_without_self_harm(total)}).flags
    assert flags is not None
    assert ("caseness" in flags) is expected


@pytest.mark.parametrize(("total", "expected"), [(7, False), (8, True)])
def test_gad7_caseness_at_eight(total: int, expected: bool) -> None:
    flags = score("gad7", {"items": items_for_total(total, 7, 0, 3)}).flags
    assert flags == (("caseness",) if expected else ())


@pytest.mark.parametrize(("item9", "expected"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_self_harm_flag_when_item9_above_zero(item9: int, expected: bool) -> None:
    flags = score("phq9", {"items": [0] * 8 + [item9]}).flags
    assert flags is not None
    assert ("self_harm_risk" in flags) is expected


def test_phq9_self_harm_flag_raised_whatever_the_total() -> None:
    result = score("phq9", {"items": [0, 0, 0, 0, 0, 0, 0, 0, 1]})
    assert (result.total, result.band, result.flags) == (1, "minimal", ("self_harm_risk",))


def test_phq9_flags_list_present_and_empty_when_nothing_raised() -> None:
    assert score("phq9", {"items": [0] * 9}).to_dict()["flags"] == []


@pytest.mark.parametrize(("instrument", "points"), [("phq9", 6.0), ("gad7", 4.0)])
def test_reliable_improvement_threshold_is_published_fall(instrument: str, points: float) -> None:
    (change,) = get_instrument(instrument).meaningful_change
    assert (change.kind, change.points, change.improvement) == (
        "reliable_improvement",
        points,
        "decrease",
    )


# --- ONS4 ---------------------------------------------------------------------------------


def ons4(**values: int) -> dict[str, object]:
    answers: dict[str, object] = {
        "life_satisfaction": 5,
        "worthwhile": 5,
        "happiness": 5,
        "anxiety": 5,
    }
    answers.update(values)
    return answers


@pytest.mark.parametrize("item", ["life_satisfaction", "worthwhile", "happiness"])
@pytest.mark.parametrize(("value", "band"), boundary_cases(ONS4_POSITIVE_BANDS))
def test_ons4_positive_item_band_at_boundary(item: str, value: int, band: str) -> None:
    bands = score("ons4", ons4(**{item: value})).bands
    assert bands is not None
    assert bands[item] == band


@pytest.mark.parametrize(("value", "band"), boundary_cases(ONS4_ANXIETY_BANDS))
def test_ons4_anxiety_band_is_reversed_at_boundary(value: int, band: str) -> None:
    bands = score("ons4", ons4(anxiety=value)).bands
    assert bands is not None
    assert bands["anxiety"] == band


def test_ons4_reports_each_item_and_no_total() -> None:
    result = score("ons4", ons4(life_satisfaction=10, worthwhile=0, happiness=7, anxiety=0))
    assert result.to_dict() == {
        "instrument": "ons4",
        "version": "1.0.0",
        "bands": {
            "life_satisfaction": "very high",
            "worthwhile": "low",
            "happiness": "high",
            "anxiety": "very low",
        },
    }


# --- Loneliness ---------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "lonely"), [(3, False), (5, False), (6, True), (9, True)])
def test_ucla3_lonely_at_default_cutoff_six(total: int, lonely: bool) -> None:
    result = score("ucla3", {"items": items_for_total(total, 3, 1, 3)})
    assert (result.total, result.lonely) == (total, lonely)


@pytest.mark.parametrize(("cutoff", "total", "lonely"), [(7, 6, False), (7, 7, True), (3, 3, True)])
def test_ucla3_cutoff_context_overrides_default(cutoff: int, total: int, lonely: bool) -> None:
    result = score("ucla3", {"items": items_for_total(total, 3, 1, 3)}, cutoff=cutoff)
    assert result.lonely is lonely


def test_ucla3_result_keys() -> None:
    assert score("ucla3", {"items": [1, 2, 3]}).to_dict() == {
        "instrument": "ucla3",
        "version": "1.0.0",
        "total": 6,
        "lonely": True,
    }


@pytest.mark.parametrize(("answer", "band"), ONS_LONELINESS)
def test_ons_loneliness_answer_category(answer: int, band: str) -> None:
    result = score("ons_loneliness", {"answer": answer})
    assert result.band == band
    assert result.flags == (("chronic_loneliness",) if answer == 1 else ())


# --- Goal progress ------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 10])
def test_goal_progress_accepts_range_ends(rating: int) -> None:
    assert score("goal_progress", {"goals": [rating, 5]}).goals == (rating, 5)


def test_goal_progress_result_keys() -> None:
    assert score("goal_progress", {"goals": [3]}).to_dict() == {
        "instrument": "goal_progress",
        "version": "1.0.0",
        "goals": [3],
    }


# --- Definitions --------------------------------------------------------------------------


def test_definitions_all_expected_instruments_loaded() -> None:
    assert set(INSTRUMENTS) == {
        "swemwbs",
        "wemwbs",
        "ons4",
        "eq5d5l",
        "ucla3",
        "ons_loneliness",
        "phq9",
        "gad7",
        "goal_progress",
        "pam",
        "mycaw",
    }


@pytest.mark.parametrize("instrument_id", sorted(INSTRUMENTS))
def test_definitions_carry_review_metadata(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    assert inst.authored_by == "Linkwork outcomes library"
    assert inst.checked_by == "pending review"
    assert inst.source.strip()
    assert inst.licence.strip()
    assert inst.version == "1.0.0"


@pytest.mark.parametrize(
    ("instrument_id", "registration"),
    [
        ("eq5d5l", True),
        ("wemwbs", True),
        ("swemwbs", True),
        ("pam", True),
        ("mycaw", True),
        ("phq9", False),
        ("ons4", False),
    ],
)
def test_definitions_registration_flag(instrument_id: str, registration: bool) -> None:
    assert get_instrument(instrument_id).requires_registration is registration


@pytest.mark.parametrize(
    ("instrument_id", "on", "bands"),
    [
        ("phq9", "total", PHQ9_BANDS),
        ("gad7", "total", GAD7_BANDS),
        ("ons4", "life_satisfaction", ONS4_POSITIVE_BANDS),
        ("ons4", "worthwhile", ONS4_POSITIVE_BANDS),
        ("ons4", "happiness", ONS4_POSITIVE_BANDS),
        ("ons4", "anxiety", ONS4_ANXIETY_BANDS),
        ("ons_loneliness", "how_often_lonely", [(v, v, label) for v, label in ONS_LONELINESS]),
    ],
)
def test_definitions_bands_equal_published_bands(
    instrument_id: str, on: str, bands: list[tuple[int, int, str]]
) -> None:
    found = [(b.min, b.max, b.label) for b in get_instrument(instrument_id).bands_on(on)]
    assert sorted(found) == sorted(bands)


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7"])
def test_definitions_every_total_gets_exactly_one_band(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    assert inst.total_range is not None
    low, high = inst.total_range
    for total in range(low, high + 1):
        assert len([b for b in inst.bands_on("total") if b.min <= total <= b.max]) == 1


def test_score_result_is_frozen() -> None:
    result = score("gad7", {"items": [0] * 7})
    assert isinstance(result, ScoreResult)
    with pytest.raises(AttributeError):
        result.total = 3  # type: ignore[misc]


def test_library_modules_do_not_import_django() -> None:
    for name in LIBRARY_MODULES:
        tree = ast.parse((OUTCOMES_DIR / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] == "django" for m in modules), name


def test_library_modules_never_read_the_shared_folder() -> None:
    for name in LIBRARY_MODULES:
        text = (OUTCOMES_DIR / name).read_text(encoding="utf-8")
        assert not any(s in text for s in ("/shared", '"shared"', "'shared'", "standards/")), name
