"""Small numbers: counts 1 to N-1 become `<N`, and so does every figure derived from them."""

from __future__ import annotations

from linkwork.insights import suppression
from linkwork.insights.model import Column, Dashboard, Table

COLUMNS = [
    Column("group", "Group"),
    Column("count", "Referrals", "count"),
    Column("done_count", "Done", "count"),
    Column("done_percent", "% done", "percent", ("count", "done_count")),
    Column("median", "Median", "number", ("count",)),
    Column("limit", "Limit", "number"),
]


def _table(*rows: dict[str, object]) -> Table:
    return Table("t", "T", COLUMNS, list(rows))


def test_counts_one_to_four_are_labelled_and_zero_and_five_kept():
    out = suppression.table(
        _table(
            *({"group": str(n), "count": n, "done_count": 0, "done_percent": 0.0} for n in range(7))
        )
    )
    assert [row["count"] for row in out.rows] == [0, "<5", "<5", "<5", "<5", 5, 6]


def test_figures_derived_from_a_small_count_are_suppressed_with_it():
    (row,) = suppression.table(
        _table(
            {
                "group": "a",
                "count": 40,
                "done_count": 3,
                "done_percent": 7.5,
                "median": 4,
                "limit": 2,
            }
        )
    ).rows
    assert row == {
        "group": "a",
        "count": 40,
        "done_count": "<5",
        "done_percent": "<5",
        "median": 4,
        "limit": 2,
    }
    (row,) = suppression.table(
        _table(
            {
                "group": "b",
                "count": 2,
                "done_count": 0,
                "done_percent": 0.0,
                "median": 9,
                "limit": 2,
            }
        )
    ).rows
    assert (row["done_percent"], row["median"], row["limit"]) == ("<5", "<5", 2)


def test_threshold_and_label_follow_the_setting(settings):
    settings.LINKWORK_SMALL_NUMBER = 10
    assert suppression.label() == "<10"
    (row,) = suppression.table(_table({"group": "a", "count": 7, "done_count": 12})).rows
    assert (row["count"], row["done_count"]) == ("<10", 12)


def test_the_exact_dashboard_is_left_as_it_was():
    exact = Dashboard("d", "D", [_table({"group": "a", "count": 2})])
    safe = suppression.dashboard(exact)
    assert safe.tables[0].rows[0]["count"] == "<5"
    assert exact.tables[0].rows[0]["count"] == 2
