"""Reliability of ratings: intraclass correlations.

* :func:`icc_anova` -- members within groups (respondents in teams): the one-way random-effects
  ICC(1), the share of variance lying between groups, with its exact F interval, and ICC(2), the
  reliability of a group mean (Shrout & Fleiss 1979; Bliese 2000), for unbalanced groups through the
  adjusted group size k0 (:func:`adjusted_group_size`);
* :func:`icc_absolute_agreement` -- raters rating the same targets: the two-way random,
  absolute-agreement ICC(A,1) and ICC(A,k) with McGraw & Wong's (1996) intervals;
* :func:`spearman_brown_n` and :func:`design_effect` -- what an ICC(1) implies for the number of
  respondents a group mean needs, and for the variance of a mean over clustered units.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import validation as v

ICC_ANOVA_COLUMNS = ["variable", "n_groups", "n_obs", "k0", "ms_between", "ms_within", "F", "df1", "df2", "p",
                     "icc1", "icc2", "icc1_ci_low", "icc1_ci_high", "n_excluded_rows", "n_excluded_groups"]


def adjusted_group_size(sizes) -> float:
    """The one-way ANOVA's adjusted mean group size ``k0 = (N - sum n_j^2 / N) / (J - 1)``.

    Equal to the common size when every group has the same size, smaller otherwise.
    """
    n = np.asarray(sizes, dtype=float)
    if n.ndim != 1 or len(n) < 2 or (n <= 0).any():
        raise ValueError("sizes must hold at least two positive group sizes")
    return float((n.sum() - (n**2).sum() / n.sum()) / (len(n) - 1))


def _one_way(codes: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Between- and within-group mean squares of ``y`` (already centred and scaled) by group code."""
    n_j = np.bincount(codes).astype(float)
    mean_j = np.bincount(codes, weights=y) / n_j
    grand = y.mean()
    ssb = float((n_j * (mean_j - grand) ** 2).sum())
    ssw = float(((y - mean_j[codes]) ** 2).sum())
    return ssb / (len(n_j) - 1), ssw / (len(y) - len(n_j))


def icc_anova(data: pd.DataFrame, group: str, value: str, level: float = 0.95) -> pd.DataFrame:
    """ICC(1) and ICC(2) of one variable from a one-way random-effects ANOVA of respondents in groups.

    ``ICC(1) = (MSB - MSW) / (MSB + (k0 - 1) MSW)`` and ``ICC(2) = (MSB - MSW) / MSB``, with
    ``k0`` the adjusted group size (:func:`adjusted_group_size`). With equal group sizes these are
    Shrout and Fleiss's ICC(1,1) and ICC(1,k). The interval for ICC(1) is Shrout and Fleiss's exact
    one, from ``F = MSB / MSW`` and the F distribution on ``(J - 1, N - J)`` degrees of freedom,
    ``(F_L - 1) / (F_L + k0 - 1)`` with ``F_L = F / F_{1-a/2}(J-1, N-J)`` (and ``F_U = F F_{1-a/2}(N-J,
    J-1)`` for the upper end); with unequal sizes it is approximate.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    group : str
        The group (team) column; a missing group is refused.
    value : str
        The numeric column (a scale score). Rows where it is missing are excluded and counted.
    level : float
        Confidence level of the ICC(1) interval, strictly between 0 and 1.

    Returns
    -------
    DataFrame
        One row: ``variable, n_groups, n_obs, k0, ms_between, ms_within, F, df1, df2, p, icc1, icc2,
        icc1_ci_low, icc1_ci_high, n_excluded_rows, n_excluded_groups``. Groups with a single respondent
        are excluded (they carry no within-group information). ``attrs``: ``n_excluded`` (rows),
        ``excluded`` (rows by reason) and ``note`` ('' or why a statistic is NaN).

    Notes
    -----
    Two edge cases are valid data and get the formula's answer: no within-group variance gives
    ICC(1) = ICC(2) = 1 (F infinite); groups whose means are all equal give F = 0, p = 1 and
    ICC(1) = -1/(k0 - 1), the lowest value it can take, while ICC(2) = 1 - MSW/MSB is minus infinity
    and is returned as NaN (``attrs["note"]`` says so).
    """
    v.frame(data)
    level = v.level(level, "level")
    v.columns(data, [group, value])
    v.no_missing(data, group, "group column")
    v.one_type(data, group)
    y_all = v.numeric(data, value)
    g = pd.Series(data[group].to_numpy(dtype=object), index=data.index)
    missing = y_all.isna().to_numpy()
    sizes = g[~missing].map(g[~missing].value_counts())
    single = np.zeros(len(g), dtype=bool)
    single[~missing] = (sizes < 2).to_numpy()
    keep = ~missing & ~single
    n_groups = int(g[keep].nunique())
    if n_groups < 2:
        raise ValueError(f"{value!r}: need at least two groups with two or more respondents; found {n_groups}")
    y = y_all[keep].to_numpy(dtype=float)
    v.distinct(pd.Series(y), f"column {value!r} (in the rows used)")
    codes = pd.factorize(g[keep])[0]
    n_obs = len(y)
    df1, df2 = n_groups - 1, n_obs - n_groups
    k0 = adjusted_group_size(np.bincount(codes))
    # centre and scale before squaring, so that values near 1e300 do not overflow; the ICCs do not change
    centre = float(np.median(y))
    scale = float(np.max(np.abs(y - centre)))
    msb_z, msw_z = _one_way(codes, (y - centre) / scale)
    within_constant = bool((pd.Series(y).groupby(codes).nunique() == 1).all())
    stats_, note = _icc_statistics(msb_z, 0.0 if within_constant else msw_z, k0, df1, df2, level)
    F, p, icc1, icc2, lo, hi = stats_
    excluded = {"missing value": int(missing.sum()), "group with one respondent": int(single.sum())}
    out = pd.DataFrame([{
        "variable": value, "n_groups": n_groups, "n_obs": n_obs, "k0": k0,
        "ms_between": msb_z * scale * scale, "ms_within": msw_z * scale * scale, "F": F, "df1": df1, "df2": df2,
        "p": p, "icc1": icc1, "icc2": icc2, "icc1_ci_low": lo, "icc1_ci_high": hi,
        "n_excluded_rows": int((~keep).sum()), "n_excluded_groups": int(g[single].nunique())}],
        columns=ICC_ANOVA_COLUMNS)
    out.attrs.update(n_excluded=int((~keep).sum()), excluded=excluded, note=note)
    return out


def _icc_statistics(msb_z: float, msw_z: float, k0: float, df1: int, df2: int, level: float) -> tuple:
    """``(F, p, icc1, icc2, ci_low, ci_high)`` from the (scaled) mean squares, and a note ('' or why a
    statistic is NaN), for the two edge cases that are valid data, not faults:

    * no within-group variance (``msw_z`` is 0, every group answers alike): ICC(1) = ICC(2) = 1, F infinite;
    * no between-group variance (every group has the same mean, e.g. each team answers 2, 3, 4): F = 0,
      p = 1 and ICC(1) = -1/(k0 - 1), its lowest possible value, as the formula gives (its interval
      collapses there too); ICC(2) = 1 - MSW/MSB is minus infinity, so it is NaN and ``note`` says why.
    """
    if msw_z == 0:
        return (np.inf, 0.0, 1.0, 1.0, 1.0, 1.0), ""
    if msb_z <= 1e-24:  # the scaled group means agree to 1e-12: equal, up to rounding in their sums
        floor = -1 / (k0 - 1)
        return (0.0, 1.0, floor, np.nan, floor, floor), ("every group has the same mean (MSB = 0): ICC(1) is "
                                                         "-1/(k0 - 1) and ICC(2) = 1 - MSW/MSB is undefined (NaN)")
    F = msb_z / msw_z
    p = float(stats.f.sf(F, df1, df2))
    icc1 = (msb_z - msw_z) / (msb_z + (k0 - 1) * msw_z)
    icc2 = (msb_z - msw_z) / msb_z
    tail = 1 - (1 - level) / 2
    f_lo, f_hi = F / stats.f.ppf(tail, df1, df2), F * stats.f.ppf(tail, df2, df1)
    lo, hi = (f_lo - 1) / (f_lo + k0 - 1), (f_hi - 1) / (f_hi + k0 - 1)
    return (F, p, icc1, icc2, lo, hi), ""


def icc_absolute_agreement(wide: pd.DataFrame, level: float = 0.95) -> pd.Series:
    """Two-way random, absolute-agreement ICC of a targets x raters table with no gaps.

    ``ICC(A,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n)`` for one rater and
    ``ICC(A,k) = (MSR - MSE) / (MSR + (MSC - MSE) / n)`` for the mean of k raters (McGraw & Wong 1996,
    Shrout & Fleiss's ICC(2,1) and ICC(2,k)), with McGraw and Wong's interval for ICC(A,1) and its
    Spearman-Brown step-up for ICC(A,k).

    Parameters
    ----------
    wide : DataFrame
        One row per target (an innovation, an objective), one numeric column per rater.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    Series
        ``icc, ci_low, ci_high`` (one rater), ``icc_k, icc_k_ci_low, icc_k_ci_high`` (mean of the k
        raters), ``F`` and ``p`` (the targets' F test), ``n`` (targets) and ``k`` (raters).
    """
    v.frame(wide, "wide")
    level = v.level(level, "level")
    if wide.shape[1] < 2:
        raise ValueError(f"wide needs one column per rater and at least two raters; it has {wide.shape[1]} column(s)")
    v.columns(wide, list(wide.columns), "wide")
    cols = {c: v.numeric(wide, c, arg="wide") for c in wide.columns}
    x = pd.DataFrame(cols).to_numpy(dtype=float)
    gaps = np.isnan(x)
    if gaps.any():
        r, c = np.argwhere(gaps)[0]
        raise ValueError(f"the ratings table has gaps ({int(gaps.sum())}), first rater {v.show(wide.columns[c])} "
                         f"in row {r}: every target needs a rating from every rater")
    n, k = x.shape
    if n < 2:
        raise ValueError("wide needs at least two targets (rows)")
    v.distinct(pd.Series(x.ravel()), "the ratings")
    grand = x.mean()
    msr = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    sse = ((x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand) ** 2).sum()
    mse = sse / ((n - 1) * (k - 1))
    if mse == 0:
        raise ValueError("every rater differs from every other by a constant on every target: no error variance, "
                         "so the F-based intervals are undefined")
    icc = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    tail = 1 - (1 - level) / 2
    a = k * icc / (n * (1 - icc))
    b = 1 + k * icc * (n - 1) / (n * (1 - icc))
    dof = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    f_lo, f_hi = stats.f.ppf(tail, n - 1, dof), stats.f.ppf(tail, dof, n - 1)
    lo = n * (msr - f_lo * mse) / (f_lo * (k * msc + (k * n - k - n) * mse) + n * msr)
    hi = n * (f_hi * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_hi * msr)
    F = msr / mse
    return pd.Series({"icc": icc, "ci_low": lo, "ci_high": hi, "icc_k": (msr - mse) / (msr + (msc - mse) / n),
                      "icc_k_ci_low": lo * k / (1 + lo * (k - 1)), "icc_k_ci_high": hi * k / (1 + hi * (k - 1)),
                      "F": F, "p": float(stats.f.sf(F, n - 1, (n - 1) * (k - 1))), "n": n, "k": k})


def spearman_brown_n(icc1: float, target: float = 0.70) -> float:
    """Respondents per group for which a group mean reaches reliability ``target`` (ICC(2)) at ``icc1``.

    ``k = target (1 - icc1) / ((1 - target) icc1)`` (the Spearman-Brown formula solved for k); infinite
    when ``icc1 <= 0`` (no number of respondents makes a mean reliable).
    """
    target = v.level(target, "target")
    icc1 = float(icc1)
    if not np.isfinite(icc1) or icc1 >= 1:
        raise ValueError(f"icc1 must be a finite number below 1, not {v.show(icc1)}")
    return float(target * (1 - icc1) / ((1 - target) * icc1)) if icc1 > 0 else np.inf


def design_effect(icc1: float, cluster_size: float) -> float:
    """Kish's design effect ``1 + (m - 1) ICC(1)``: how many times the variance of a mean over clustered
    units exceeds that of the same number of independent units (``m`` = units per cluster; for unequal
    clusters the adjusted size k0 of :func:`adjusted_group_size`)."""
    m = float(cluster_size)
    if not np.isfinite(m) or m < 1:
        raise ValueError(f"cluster_size must be at least 1, not {v.show(cluster_size)}")
    return 1 + (m - 1) * float(icc1)


__all__ = ["icc_anova", "icc_absolute_agreement", "adjusted_group_size", "spearman_brown_n", "design_effect"]
