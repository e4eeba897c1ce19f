"""Bad input fails with our own error type (a ValueError) naming the column at fault."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkwork.evaluation import (
    EvaluationInputError,
    bootstrap_cea,
    did,
    event_study,
    paired_change,
    subgroups,
    twfe,
)


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    n = 80
    return pd.DataFrame(
        {
            "y": rng.normal(size=n),
            "treated": np.repeat([0, 1], n // 2),
            "post": np.tile([0, 1], n // 2),
            "practice": np.repeat(np.arange(8), n // 8),
            "person": np.arange(n) // 2,
            "period": np.tile([0, 1], n // 2),
            "cost": rng.gamma(2, 100, n),
            "qaly": rng.uniform(0, 1, n),
            "label": ["a"] * n,
        }
    )


def raises_naming(column, fn, *args, **kwargs):
    with pytest.raises(EvaluationInputError) as error:
        fn(*args, **kwargs)
    assert error.value.column == column, str(error.value)
    assert isinstance(error.value, ValueError)
    return str(error.value)


def test_missing_column_is_named(frame):
    message = raises_naming("outcome_x", did, frame, "outcome_x", "treated", "post", se="hc1")
    assert "'outcome_x' is not in the data" in message
    raises_naming("after", paired_change, frame, "y", "after")
    raises_naming("unit", twfe, frame, "y", "treated", "unit", "period")
    raises_naming("arm", bootstrap_cea, frame, "cost", "qaly", "arm")
    raises_naming("band", subgroups, lambda d: None, frame, "band")


def test_non_numeric_column_is_named(frame):
    message = raises_naming("label", did, frame, "label", "treated", "post", se="hc1")
    assert "not numeric" in message
    raises_naming("label", did, frame, "y", "treated", "post", covariates=("label",), se="hc1")
    raises_naming("label", paired_change, frame, "y", "label")


def test_treatment_not_zero_or_one_is_named(frame):
    bad = frame.assign(treated=frame["treated"] * 2)
    message = raises_naming("treated", did, bad, "y", "treated", "post", se="hc1")
    assert "must be 0 or 1 (found 2.0)" in message
    raises_naming("treated", twfe, bad, "y", "treated", "person", "period")
    raises_naming("treated", event_study, bad, "y", "treated", "person", "period")
    raises_naming(
        "post", did, frame.assign(post=frame["post"] - 0.5), "y", "treated", "post", se="hc1"
    )


def test_too_few_rows_is_named(frame):
    message = raises_naming("y", did, frame.head(4), "y", "treated", "post", se="hc1")
    assert "at least" in message


def test_empty_did_cell_is_named(frame):
    only_treated_post = frame[(frame["treated"] == 0) | (frame["post"] == 0)]
    message = raises_naming("treated", did, only_treated_post, "y", "treated", "post", se="hc1")
    assert "treated_post" in message


def test_cluster_needed_for_cluster_errors(frame):
    message = raises_naming("cluster", did, frame, "y", "treated", "post")
    assert "se='cluster' needs cluster=" in message
    raises_naming("cluster", did, frame, "y", "treated", "post", se="hc1", cluster="practice")
    raises_naming("se", did, frame, "y", "treated", "post", se="robust")


def test_too_few_clusters_is_named(frame):
    one = frame.assign(practice=1)
    message = raises_naming("practice", did, one, "y", "treated", "post", cluster="practice")
    assert "1 cluster" in message
    raises_naming("practice", twfe, one, "y", "treated", "person", "period", cluster="practice")


def test_bootstrap_arguments_are_checked(frame):
    raises_naming("B", bootstrap_cea, frame, "cost", "qaly", "treated", B=10)
    raises_naming("thresholds", bootstrap_cea, frame, "cost", "qaly", "treated", thresholds=[-1])
    raises_naming("treated", bootstrap_cea, frame.head(41), "cost", "qaly", "treated")


def test_collinear_covariate_is_named(frame):
    twice = frame.assign(twice=frame["post"] * 2.0)
    raises_naming("twice", did, twice, "y", "treated", "post", covariates=("twice",), se="hc1")


def test_not_a_data_frame():
    raises_naming(None, did, {"y": [1]}, "y", "treated", "post", se="hc1")
