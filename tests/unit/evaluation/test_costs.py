"""Costing health-care use: figures worked by hand, the default table's provenance, user
tables over it, and errors that name the column."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from linkwork.evaluation.costs import (
    SETTINGS,
    CostError,
    cost_utilisation,
    default_unit_costs,
    label_periods,
    load_unit_costs,
)

# Test prices, not real ones: round numbers so every figure below can be checked by eye.
PRICES = {
    "ae_attendance": 200.0,
    "non_elective_admission": 3000.0,
    "elective_admission": 2500.0,
    "outpatient_attendance": 150.0,
}


def use() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("a", "before", "gp_appointment", 6),
            ("a", "before", "ae_attendance", 2),
            ("a", "before", "non_elective_admission", 1),
            ("a", "after", "gp_appointment", 4),
            ("a", "after", "outpatient_attendance", 3),
            ("a", "after", "elective_admission", 1),
            ("b", "before", "gp_appointment", 2),
            ("b", "before", "gp_appointment", 1),  # two rows of one period add up
        ],
        columns=["person_key", "period", "setting", "count"],
    )


def test_costs_per_person_and_period_by_hand():
    result = cost_utilisation(use(), PRICES).set_index(["person_key", "period"])
    # a before: 6 x 49 (GP, the default table) + 2 x 200 + 1 x 3000 = 294 + 400 + 3000.
    assert result.loc[("a", "before"), "primary_cost"] == 294
    assert result.loc[("a", "before"), "unplanned_cost"] == 3400
    assert result.loc[("a", "before"), "planned_cost"] == 0
    assert result.loc[("a", "before"), "total_cost"] == 3694
    # a after: 4 x 49 + 3 x 150 + 1 x 2500 = 196 + 450 + 2500.
    assert result.loc[("a", "after"), "total_cost"] == 3146
    assert result.loc[("a", "after"), "planned_cost"] == 2950
    assert result.loc[("a", "after"), "ae_attendance_count"] == 0
    # b before: 3 x 49.
    assert result.loc[("b", "before"), "gp_appointment_count"] == 3
    assert result.loc[("b", "before"), "total_cost"] == 147
    assert len(result) == 3
    assert result.attrs == {"uncosted": [], "currency": "GBP"}


def test_one_total_per_person_without_periods():
    result = cost_utilisation(use(), PRICES, period=None).set_index("person_key")
    assert result["total_cost"].to_dict() == {"a": 3694 + 3146, "b": 147}


def test_a_setting_without_a_cost_is_an_error_naming_it_or_left_out_when_asked():
    with pytest.raises(CostError, match="no unit cost for ae_attendance") as failed:
        cost_utilisation(use())
    assert failed.value.column == "setting"
    result = cost_utilisation(use(), uncosted="leave_out").set_index(["person_key", "period"])
    assert result.attrs["uncosted"] == [
        "ae_attendance",
        "non_elective_admission",
        "elective_admission",
        "outpatient_attendance",
    ]
    assert result.loc[("a", "before"), "total_cost"] == 294
    assert result.loc[("a", "before"), "ae_attendance_count"] == 2
    assert pd.isna(result.loc[("a", "before"), "ae_attendance_cost"])


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda df: df.drop(columns="count"), "count"),
        (lambda df: df.drop(columns="person_key"), "person_key"),
        (lambda df: df.drop(columns="period"), "period"),
        (lambda df: df.assign(count=["x", 1, 1, 1, 1, 1, 1, 1]), "count"),
        (lambda df: df.assign(count=[-1, 1, 1, 1, 1, 1, 1, 1]), "count"),
        (lambda df: df.assign(count=[1.5, 1, 1, 1, 1, 1, 1, 1]), "count"),
        (lambda df: df.assign(setting="pharmacy"), "setting"),
        (lambda df: df.assign(period=None), "period"),
    ],
)
def test_bad_input_names_the_column(change, column):
    with pytest.raises(CostError) as failed:
        cost_utilisation(change(use()), PRICES)
    assert failed.value.column == column
    assert str(failed.value).startswith(f"{column}: ")


def test_the_default_table_says_where_each_figure_comes_from():
    costs = default_unit_costs()
    assert set(costs.costs) == set(SETTINGS)
    assert costs.authored_by
    assert costs.checked_by
    gp = costs.costs["gp_appointment"]
    assert (gp.cost, gp.price_year) == (49.0, "2022/23")
    assert "Unit Costs of Health and Social Care 2023" in gp.source
    assert "Table 9.4.2" in gp.source
    assert "p. 64" in gp.source
    for cost in costs.costs.values():
        assert cost.source
        assert cost.unit
        # A figure always has its price year; a setting without one says there is no default.
        assert bool(cost.price_year) == (cost.cost is not None)
        assert (cost.cost is None) == cost.source.startswith("No default")


def test_a_users_csv_or_toml_overrides_the_default(tmp_path):
    csv_file = tmp_path / "costs.csv"
    csv_file.write_text(
        "setting,unit_cost,price_year,source\n"
        "gp_appointment,40,2023/24,Local contract\n"
        "ae_attendance,250,2023/24,Local contract\n"
    )
    costs = load_unit_costs(csv_file)
    assert costs.cost_of("gp_appointment") == 40
    assert costs.cost_of("ae_attendance") == 250
    assert costs.costs["non_elective_admission"].cost is None
    toml_file = tmp_path / "costs.toml"
    toml_file.write_text(
        textwrap.dedent(
            """
            authored_by = "Scheme analyst"
            checked_by = "Finance lead"
            [settings.outpatient_attendance]
            unit_cost = 120
            price_year = "2023/24"
            """
        )
    )
    costs = load_unit_costs(toml_file)
    assert costs.cost_of("outpatient_attendance") == 120
    assert costs.cost_of("gp_appointment") == 49
    assert costs.checked_by == "Finance lead"
    result = cost_utilisation(
        pd.DataFrame({"person_key": ["a"], "setting": ["outpatient_attendance"], "count": [2]}),
        toml_file,
        period=None,
    )
    assert result["total_cost"].tolist() == [240]


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("setting,cost\ngp_appointment,40\n", "unit_cost"),
        ("unit_cost\n40\n", "setting"),
        ("setting,unit_cost\ngp_appointment,forty\n", "unit_cost"),
        ("setting,unit_cost\ngp_appointment,-3\n", "unit_cost"),
        ("setting,unit_cost\npharmacy,3\n", "setting"),
        ("setting,unit_cost\ngp_appointment,3\ngp_appointment,4\n", "setting"),
    ],
)
def test_a_bad_cost_table_names_the_column(tmp_path, text, column):
    path = tmp_path / "costs.csv"
    path.write_text(text)
    with pytest.raises(CostError) as failed:
        load_unit_costs(path)
    assert failed.value.column == column


def test_periods_before_and_after_the_month_of_referral():
    care = pd.DataFrame(
        {
            "person_key": ["a", "a", "a", "b"],
            "setting": ["gp_appointment"] * 4,
            "period_start_month": ["2024-03", "2025-04", "2025-02", "2025-01"],
            "period_end_month": ["2025-02", "2026-03", "2025-04", "2025-01"],
            "count": [5, 3, 1, 2],
        }
    )
    episodes = pd.DataFrame(
        {"person_key": ["a", "a", "c"], "received_month": ["2025-03", "2025-08", "2025-01"]}
    )
    labelled = label_periods(care, episodes)
    assert labelled["period"].tolist() == ["before", "after", "spanning"]
    assert set(labelled["person_key"]) == {"a"}


def test_costs_import_without_django():
    code = (
        "import sys; import linkwork.evaluation.costs as c; "
        "assert 'django' not in sys.modules; "
        "print(c.default_unit_costs().cost_of('gp_appointment'))"
    )
    # This interpreter and a fixed program: nothing untrusted runs.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "49.0"
