"""Reading markers backwards: the bounds reproduce the marker (checked against scipy's paired t-test on
data built to those moments), the root-finders land on the boundary, and bad arguments are refused."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as hs
from scipy import stats

from book.methods.markers import (MARKER_BANDS, band, correlation_range, implied_correlation, marker_correlation_table,
                                  n_for_marker, p_value_at, r13_range, sd_for_marker, trend_change_at)
from book.methods.trends import stars

PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None)


def _paired_sample(n, change, sd_from, sd_to, r, seed=0):
    """n pairs whose sample means, SDs and correlation are exactly these (so scipy sees exactly them)."""
    z = np.random.default_rng(seed).standard_normal((n, 2))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    cov = np.array([[sd_from**2, r * sd_from * sd_to], [r * sd_from * sd_to, sd_to**2]])
    x = z @ np.linalg.cholesky(cov).T
    return x[:, 0], x[:, 1] + change


@PROPERTY
@given(hs.integers(5, 400), hs.floats(-0.5, 0.5).filter(lambda c: abs(c) > 1e-3), hs.floats(0.05, 2),
       hs.floats(0.05, 2), hs.floats(-0.95, 0.95))
def test_p_value_at_equals_scipy_on_data_with_those_moments(n, change, sd_from, sd_to, r):
    x, y = _paired_sample(n, change, sd_from, sd_to, r)
    assert p_value_at(change, n, r, sd_from, sd_to) == pytest.approx(stats.ttest_rel(y, x).pvalue, rel=1e-6, abs=1e-300)


@PROPERTY
@given(hs.integers(5, 400), hs.floats(-0.5, 0.5).filter(lambda c: abs(c) > 1e-3), hs.floats(0.05, 2),
       hs.floats(-0.95, 0.95))
def test_implied_correlation_inverts_the_t_statistic(n, change, sd, r):
    x, y = _paired_sample(n, change, sd, sd, r)
    t = stats.ttest_rel(y, x).statistic
    assert implied_correlation(change, n, t, sd) == pytest.approx(r, abs=1e-7)


def test_marker_bounds_reproduce_the_marker_and_only_there():
    from book.data import published

    for rec in published.survey_tables_long().to_dict("records"):
        lo, hi = correlation_range(rec["change"], int(rec["n_trusts"]), rec["marker"], rec["sd_2007"])
        assert not math.isnan(lo)
        mid = (lo + hi) / 2
        assert stars(p_value_at(rec["change"], int(rec["n_trusts"]), mid, rec["sd_2007"])) == rec["marker"]
        for outside in (lo - 0.02, hi + 0.02):
            if -1 <= outside <= 1:
                got = stars(p_value_at(rec["change"], int(rec["n_trusts"]), outside, rec["sd_2007"]))
                assert got != rec["marker"], (rec["item"], rec["period_from"], outside)


def test_the_hand_washing_bounds_the_review_rederived():
    """-2* over 157 trusts with SD 6: r <= -0.283 exact, <= 0.385 allowing for rounding."""
    assert correlation_range(-2, 157, "*", 6)[1] == pytest.approx(-0.2826, abs=1e-4)
    wide = correlation_range(-2, 157, "*", 6, change_halfwidth=0.5, sd_halfwidth=0.5)
    assert wide[1] == pytest.approx(0.3852, abs=1e-4)
    from book.data import published

    published_long = published.survey_tables_long()
    table = marker_correlation_table(published_long, (0.5, 0.9))
    row = table[(table["item"] == "doctors_wash_hands") & (table["period_from"] == 2009)].iloc[0]
    assert not row["plausible"] and len(published_long) == 18
    assert marker_correlation_table(published_long, (0.3, 0.9))["plausible"].all()


def test_sd_and_n_for_marker_land_on_the_p_boundaries():
    lo, hi = sd_for_marker(-2, 157, "*", 6, 0.5)
    assert lo == pytest.approx(11.084, abs=1e-3)
    assert p_value_at(-2, 157, 0.5, 6, lo) == pytest.approx(0.01, abs=1e-9)
    assert p_value_at(-2, 157, 0.5, 6, hi) == pytest.approx(0.05, abs=1e-9)
    assert sd_for_marker(-2, 157, "", 6, 0.5)[1] == math.inf
    n_lo, n_hi = n_for_marker(-2, "*", 6, 0.5)
    assert (n_lo, n_hi) == (38, 63)
    assert stars(p_value_at(-2, n_hi, 0.5, 6)) == "*" and stars(p_value_at(-2, n_hi + 1, 0.5, 6)) == "**"
    assert stars(p_value_at(-2, n_lo, 0.5, 6)) == "*" and stars(p_value_at(-2, n_lo - 1, 0.5, 6)) == ""
    assert n_for_marker(-2, "*", 6, 0.7) == (24, 39)
    assert n_for_marker(-2, "**", 6, 0.7)[1] == math.inf


@PROPERTY
@given(hs.floats(-0.9, 0.9), hs.floats(-0.9, 0.9), hs.floats(0, 1))
def test_trend_change_at_equals_the_t_test_of_second_differences(r12, r23, share):
    lo, hi = r13_range(r12, r23)
    r13 = lo + share * (hi - lo)
    cov = np.array([[1, r12, r13], [r12, 1, r23], [r13, r23, 1]]) * 0.04
    w = np.array([1.0, -2.0, 1.0])
    var = w @ cov @ w
    if var < 1e-6:
        return  # a (near) singular design: no second-difference variance to test against
    got = trend_change_at(0.14, 0.02, 309, 0.2, r12, r23, r13)
    assert got["sd_second_difference"] == pytest.approx(math.sqrt(var), rel=1e-9)
    assert got["t"] == pytest.approx(-0.12 * math.sqrt(309) / math.sqrt(var), rel=1e-9)
    assert np.linalg.eigvalsh(cov).min() > -1e-12   # the admissible range gives valid correlation matrices


@pytest.mark.parametrize("call, message", [
    (lambda: correlation_range(0.1, 100, "***", 0.2), r"marker must be one of \['\*\*', '\*', ''\]"),
    (lambda: correlation_range(0.1, 1, "*", 0.2), r"n must be a whole number of at least 2, not 1"),
    (lambda: correlation_range(0.1, 100, "*", -0.2), r"sd_from must be positive, not -0.2"),
    (lambda: correlation_range(math.inf, 100, "*", 0.2), r"change must be a finite number, not inf"),
    (lambda: correlation_range("0.1", 100, "*", 0.2), r"change must be a finite number, not '0.1'"),
    (lambda: p_value_at(0.1, 100, 1.5, 0.2), r"r must lie between -1 and 1, not 1.5"),
    (lambda: band((0.9, 0.5)), r"plausible must have low < high"),
    (lambda: band("0.5-0.9"), r"plausible must be a pair"),
    (lambda: trend_change_at(0.1, 0, 100, 0.2, 0.9, 0.9, -0.5), r"r13 = -0.5 is impossible with r12 = 0.9"),
    (lambda: marker_correlation_table(pd.DataFrame({"item": ["a"]})), r"published has no column\(s\)"),
])
def test_bad_arguments_are_refused_by_name(call, message):
    with pytest.raises((ValueError, KeyError), match=message):
        call()


def test_marker_bands_follow_the_papers_footnote():
    from book.data import published

    counts = published.text_counts()
    assert MARKER_BANDS["*"] == (counts.at["p_two_stars", "value"], counts.at["p_one_star", "value"])
    assert MARKER_BANDS["**"][1] == counts.at["p_two_stars", "value"]


# --- bad cells and arguments refused by name --------------------------------------------------------------

PUB = pd.DataFrame({"item": ["q1", "q2"], "period_from": [2007, 2007], "period_to": [2008, 2008],
                    "change": [0.05, 0.02], "marker": ["**", ""], "sd_2007": [0.2, 0.2], "n_trusts": [100, 100],
                    "decimals": [2, 2]})


@pytest.mark.parametrize("col, value, match", [
    ("change", "abc", r"column 'change' holds 1 value\(s\) that are not numbers, first 'abc' in row 1"),
    ("change", np.inf, r"column 'change' holds 1 infinite value\(s\), first in row 1"),
    ("n_trusts", "abc", r"column 'n_trusts' holds 1 value\(s\) that are not numbers, first 'abc' in row 1"),
    ("n_trusts", np.inf, r"column 'n_trusts' holds 1 infinite value\(s\), first in row 1"),
    ("decimals", np.nan, r"column 'decimals' has 1 missing value\(s\), first in row 1"),
    ("n_trusts", 1.5, r"column 'n_trusts' must hold whole numbers; found 1.5 in row 1"),
])
def test_marker_correlation_table_refuses_a_bad_cell_by_column_value_and_row(col, value, match):
    bad = PUB.astype({col: object})
    bad.loc[1, col] = value
    with pytest.raises(ValueError, match=match):
        marker_correlation_table(bad)


def test_numeric_text_in_the_published_table_gives_the_same_answer():
    as_text = PUB.assign(change=PUB.change.astype(str))
    pd.testing.assert_frame_equal(marker_correlation_table(as_text), marker_correlation_table(PUB))


@pytest.mark.parametrize("t", ["abc", np.inf, np.nan])
def test_implied_correlation_refuses_a_t_that_is_not_a_finite_number(t):
    with pytest.raises(ValueError, match=r"t must be a finite number, not "):
        implied_correlation(0.05, 100, t, 0.2)


def test_stars_refuses_a_p_outside_zero_one_or_not_a_number():
    assert [stars(0.001), stars(0.02), stars(0.5), stars(1.0), stars(float("nan"))] == ["**", "*", "", "", ""]
    for p in (95, -0.5, np.inf):
        with pytest.raises(ValueError, match=r"p must lie between 0 and 1"):
            stars(p)
    with pytest.raises(TypeError, match=r"p must be a number between 0 and 1, not 'abc'"):
        stars("abc")
