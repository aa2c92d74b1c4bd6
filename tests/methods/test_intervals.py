"""book.methods.intervals against scipy, statsmodels and the defining formulas."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy import optimize, stats
from statsmodels.stats import rates as sm_rates

from book.methods import intervals as iv

FAST = settings(derandomize=True, deadline=None, max_examples=60)
trials = st.integers(1, 150).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@FAST
@given(trials, st.floats(0.01, 0.99))
def test_binomial_p_equals_scipy_binomtest(kn, p):
    k, n = kn
    assert iv.binomial_p(k, n, p)[()] == pytest.approx(stats.binomtest(k, n, p).pvalue, rel=1e-9, abs=1e-15)


def test_binomial_p_works_on_arrays_of_any_shape():
    k, n, p = np.array([[0, 3], [26, 88]]), np.array([[10, 12], [88, 88]]), np.array([[0.5, 0.2], [0.454, 0.9]])
    expected = [[stats.binomtest(int(a), int(b), c).pvalue for a, b, c in zip(*row)] for row in zip(k, n, p)]
    assert iv.binomial_p(k, n, p) == pytest.approx(np.array(expected), rel=1e-9)
    assert iv.binomial_p(np.array([], dtype=int), np.array([], dtype=int), np.array([])).shape == (0,)


@FAST
@given(trials)
def test_clopper_pearson_equals_scipy_exact_interval(kn):
    k, n = kn
    lo, hi = iv.clopper_pearson(k, n)
    ref = stats.binomtest(k, n).proportion_ci(method="exact")
    assert (float(lo), float(hi)) == pytest.approx((ref.low, ref.high), abs=1e-10)


@FAST
@given(trials)
def test_wilson_equals_its_formula(kn):
    k, n = kn
    z, phat = stats.norm.ppf(0.975), k / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo, hi = iv.wilson(k, n)
    assert (float(lo), float(hi)) == pytest.approx((centre - half, centre + half), abs=1e-12)


@FAST
@given(st.integers(0, 200))
def test_poisson_exact_ends_have_tails_of_two_and_a_half_percent(k):
    lo, hi = iv.poisson_exact(k)
    assert stats.poisson.cdf(k, float(hi)) == pytest.approx(0.025, rel=1e-7)
    if k == 0:
        assert lo == 0
    else:
        assert stats.poisson.sf(k - 1, float(lo)) == pytest.approx(0.025, rel=1e-7)


@FAST
@given(st.integers(0, 60), st.integers(0, 60), st.floats(1, 500), st.floats(1, 500))
def test_rate_ratio_arrays_equal_statsmodels_exact_conditional_test(k1, k2, e1, e2):
    if k1 + k2 == 0:
        return
    out = iv.rate_ratio_arrays(k1, e1, k2, e2).iloc[0]
    with np.errstate(divide="ignore"):  # statsmodels divides by the second rate (0 when k1 = 0) before the test
        ref = sm_rates.test_poisson_2indep(k2, e2, k1, e1, method="exact-cond")
    assert out["p"] == pytest.approx(min(ref.pvalue, 1.0), rel=1e-7, abs=1e-12)
    if 0 < k2 < k1 + k2:  # the ends of the interval: one tail of the conditional binomial at 2.5%
        n = k1 + k2
        share = lambda rr: rr * e2 / (rr * e2 + e1)  # noqa: E731
        assert stats.binom.sf(k2 - 1, n, share(out["ci_low"])) == pytest.approx(0.025, rel=1e-5)
        assert stats.binom.cdf(k2, n, share(out["ci_high"])) == pytest.approx(0.025, rel=1e-5)


def test_share_to_rate_ratio_inverts_the_share_and_is_infinite_at_one():
    rr = np.array([0.2, 1.0, 3.0])
    q = rr * 50 / (rr * 50 + 80)
    assert iv.share_to_rate_ratio(q, 80, 50) == pytest.approx(rr)
    assert iv.share_to_rate_ratio(1.0, 80, 50) == np.inf


def test_rows_without_events_have_no_answer_and_levels_are_checked():
    out = iv.rate_ratio_arrays([0, 3], [10, 10], [0, 1], [10, 10])
    assert out.loc[0, ["rate_ratio", "ci_low", "ci_high", "p"]].isna().all() and out.loc[1, "n"] == 4
    with pytest.raises(ValueError, match="alpha must be a number strictly between 0 and 1"):
        iv.wilson(3, 10, alpha=1.5)


def test_the_vectorised_forms_agree_with_a_root_finder():
    # the Clopper-Pearson upper end for 26 of 88 solves P(X <= 26) = 0.025
    hi = optimize.brentq(lambda p: stats.binom.cdf(26, 88, p) - 0.025, 1e-9, 1 - 1e-9, xtol=1e-14)
    assert float(iv.clopper_pearson(26, 88)[1]) == pytest.approx(hi, abs=1e-10)
    assert isinstance(iv.rate_ratio_arrays(62, 292, 26, [243, 150]), pd.DataFrame)
