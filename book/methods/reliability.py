"""Reliability of ratings: intraclass correlations of members within groups (one-way ICC(1), ICC(2))
and of raters rating the same targets (two-way, absolute agreement)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .aggregation import _numeric, _require


def icc_anova(data: pd.DataFrame, group: str, value: str) -> pd.DataFrame:
    """ICC(1) and ICC(2) of one variable from a one-way random-effects ANOVA of respondents in groups.

    ``ICC(1) = (MSB - MSW) / (MSB + (k0 - 1) MSW)`` and ``ICC(2) = (MSB - MSW) / MSB``,
    with ``k0 = (N - sum n_j^2 / N) / (J - 1)``, the adjusted mean group size of an
    unbalanced design (Bliese 2000). With equal group sizes these are Shrout and
    Fleiss's ICC(1,1) and ICC(1,k).

    Rows with a missing value and groups with fewer than two respondents are excluded
    and counted.

    Returns
    -------
    DataFrame
        One row: ``variable, n_groups, n_obs, k0, ms_between, ms_within, F, df1, df2,
        p, icc1, icc2, n_excluded_rows, n_excluded_groups``.
    """
    _require(data, [group, value])
    vals = _numeric(data, [value])[value]
    df = pd.DataFrame({"g": data[group].to_numpy(), "y": vals.to_numpy()})
    missing = df["y"].isna() | df["g"].isna()
    df = df[~missing]
    sizes = df["g"].map(df["g"].value_counts())
    small = sizes < 2
    n_small_groups = df.loc[small, "g"].nunique()
    df = df[~small]
    n_groups = df["g"].nunique()
    if n_groups < 2:
        raise ValueError(f"{value!r}: need at least two groups with two or more respondents; found {n_groups}")
    n_obs = len(df)
    codes, _ = pd.factorize(df["g"])
    y = df["y"].to_numpy(dtype=float)
    n_j = np.bincount(codes).astype(float)
    mean_j = np.bincount(codes, weights=y) / n_j
    grand = y.mean()
    ssb = float((n_j * (mean_j - grand) ** 2).sum())
    ssw = float(((y - mean_j[codes]) ** 2).sum())
    df1, df2 = n_groups - 1, n_obs - n_groups
    msb, msw = ssb / df1, ssw / df2
    if msb == 0 and msw == 0:
        raise ValueError(f"{value!r} is constant: no variance to partition")
    k0 = (n_obs - (n_j**2).sum() / n_obs) / df1
    F = msb / msw if msw > 0 else np.inf
    return pd.DataFrame([{
        "variable": value, "n_groups": n_groups, "n_obs": n_obs, "k0": k0, "ms_between": msb, "ms_within": msw,
        "F": F, "df1": df1, "df2": df2, "p": float(stats.f.sf(F, df1, df2)),
        "icc1": (msb - msw) / (msb + (k0 - 1) * msw), "icc2": (msb - msw) / msb if msb > 0 else np.nan,
        "n_excluded_rows": int(missing.sum() + small.sum()), "n_excluded_groups": int(n_small_groups)}])


def icc_absolute_agreement(wide: pd.DataFrame, alpha: float = 0.05) -> dict:
    """Two-way random, absolute-agreement ICC of a targets x raters table with no gaps.

    ICC(A,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n) for one rater and
    ICC(A,k) = (MSR - MSE) / (MSR + (MSC - MSE) / n) for the mean of k raters, with the
    confidence interval of McGraw and Wong (1996) for ICC(A,1). Returns ``icc``, ``ci_low``,
    ``ci_high``, ``icc_k``, ``n`` and ``k``.
    """
    x = wide.to_numpy(dtype=float)
    if np.isnan(x).any():
        raise ValueError("the ratings table has gaps: every target needs a rating from every rater")
    n, k = x.shape
    grand = x.mean()
    msr = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    sse = ((x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand) ** 2).sum()
    mse = sse / ((n - 1) * (k - 1))
    icc = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    a = k * icc / (n * (1 - icc))
    b = 1 + k * icc * (n - 1) / (n * (1 - icc))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    f_lo, f_hi = stats.f.ppf(1 - alpha / 2, n - 1, v), stats.f.ppf(1 - alpha / 2, v, n - 1)
    lo = n * (msr - f_lo * mse) / (f_lo * (k * msc + (k * n - k - n) * mse) + n * msr)
    hi = n * (f_hi * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_hi * msr)
    return {"icc": icc, "ci_low": lo, "ci_high": hi, "icc_k": (msr - mse) / (msr + (msc - mse) / n), "n": n, "k": k}
