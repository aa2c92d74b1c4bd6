"""Exact and score intervals for a proportion and for the ratio of two Poisson rates, on arrays.

The building blocks that :mod:`book.methods.count_trends` and the chapters share, so that each
interval has one implementation: a binomial proportion's Clopper-Pearson (exact) and Wilson
(score) intervals from ``statsmodels.stats.proportion.proportion_confint``, the exact two-sided
binomial p-value from ``scipy.stats.binomtest``, Garwood's exact interval for a Poisson count, and
the conditional comparison of two Poisson rates (given the total of the two counts, the second is
binomial with the second period's share of the exposure).

These take arrays of counts that the caller has validated; :func:`book.methods.count_trends.exact_rate_ratio`
is the checked, reader-facing form of :func:`rate_ratio_arrays`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from .validation import level


def clopper_pearson(k, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) interval for ``k`` successes in ``n`` trials, element by element."""
    lo, hi = proportion_confint(np.asarray(k), np.asarray(n), alpha=level(alpha), method="beta")
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def wilson(k, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``k`` successes in ``n`` trials, element by element."""
    lo, hi = proportion_confint(np.asarray(k), np.asarray(n), alpha=level(alpha), method="wilson")
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def binomial_p(k, n, p) -> np.ndarray:
    """Two-sided exact binomial p-values, element by element: the rule of ``scipy.stats.binomtest``
    (the probability of every outcome no more likely than the one observed, with scipy's relative
    tolerance of 1e-7 for ties), for many tests at once (equal to scipy's; checked in the tests)."""
    arrays = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float), np.asarray(p, dtype=float))
    shape = arrays[0].shape
    k, n, p = (a.ravel() for a in arrays)
    if len(k) == 0:
        return np.zeros(shape)
    grid = np.arange(int(n.max()) + 1)
    pmf = stats.binom.pmf(grid[None, :], n[:, None], p[:, None])  # 0 beyond each n
    observed = stats.binom.pmf(k, n, p)
    out = np.where(pmf <= observed[:, None] * (1 + 1e-7), pmf, 0.0).sum(axis=1)
    return np.minimum(out, 1.0).reshape(shape)


def poisson_exact(k, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Garwood's exact interval for the mean of a Poisson count ``k`` (0 below when ``k`` is 0)."""
    alpha = level(alpha)
    k = np.asarray(k, dtype=float)
    lo = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
    return lo, stats.chi2.ppf(1 - alpha / 2, 2 * (k + 1)) / 2


def share_to_rate_ratio(q, exposure_1, exposure_2) -> np.ndarray:
    """The rate ratio (period 2 over period 1) at which period 2 holds a share ``q`` of the events:
    ``q / (1 - q) * exposure_1 / exposure_2`` (infinite at ``q = 1``)."""
    q = np.asarray(q, dtype=float)
    odds = np.divide(q, 1 - q, out=np.full(q.shape, np.inf), where=q < 1)
    return odds * np.asarray(exposure_1, dtype=float) / np.asarray(exposure_2, dtype=float)


def rate_ratio_arrays(count_1, exposure_1, count_2, exposure_2, alpha: float = 0.05) -> pd.DataFrame:
    """The exact conditional comparison of two Poisson rates for arrays of counts and exposures.

    Given ``n = count_1 + count_2``, ``count_2`` is binomial with ``p = exposure_2 /
    (exposure_1 + exposure_2)`` when the rates are equal: the p-value is the exact binomial
    test's, and the interval for the rate ratio is the Clopper-Pearson interval for ``p``
    mapped by :func:`share_to_rate_ratio`. Rows with ``n = 0`` have no answer (NaN).

    Returns ``rate_1, rate_2, rate_ratio, ci_low, ci_high, p, expected_2, n``, one row per element.
    """
    k1, e1, k2, e2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in
                                           (count_1, exposure_1, count_2, exposure_2)))
    n = k1 + k2
    share = e2 / (e1 + e2)
    some = n > 0
    lo, hi = clopper_pearson(np.where(some, k2, 0), np.where(some, n, 1), alpha)
    p = np.full(n.shape, np.nan)
    p[some] = binomial_p(k2[some], n[some], share[some])
    rate_1, rate_2 = k1 / e1, k2 / e2
    ratio = np.divide(rate_2, rate_1, out=np.full(n.shape, np.inf), where=k1 > 0)
    return pd.DataFrame({
        "rate_1": rate_1.ravel(), "rate_2": rate_2.ravel(),
        "rate_ratio": np.where(some, ratio, np.nan).ravel(),
        "ci_low": np.where(some, share_to_rate_ratio(lo, e1, e2), np.nan).ravel(),
        "ci_high": np.where(some, share_to_rate_ratio(hi, e1, e2), np.nan).ravel(),
        "p": p.ravel(), "expected_2": (n * share).ravel(), "n": n.astype(int).ravel()})


#: Decimals at which a value is compared with an interval's ends: far finer than anything shown, far
#: coarser than the last bits in which machines differ, so a verdict is the same on every machine.
COVER_DECIMALS = 8


def covers(low, value, high):
    """Whether ``low <= value <= high``, each rounded to :data:`COVER_DECIMALS` (element by element)."""
    r = lambda x: np.round(np.asarray(x, dtype=float), COVER_DECIMALS)  # noqa: E731
    out = (r(low) <= r(value)) & (r(value) <= r(high))
    return bool(out) if np.ndim(out) == 0 else out
