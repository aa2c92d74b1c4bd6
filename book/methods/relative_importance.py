"""Relative importance of correlated predictors in a linear regression.

Two standard answers to "which predictor matters most?" when predictors are
correlated, so that standardised coefficients mislead:

* :func:`dominance_analysis` -- general dominance weights (Budescu 1993; Azen &
  Budescu 2003): each predictor's increase in R^2 when added to a subset of the
  others, averaged within each subset size and then over sizes. The weights add up
  to the full model's R^2 (they are the Shapley values of R^2).
* :func:`relative_weights` -- Johnson's (2000) relative weights: R^2 split through
  the best-fitting orthogonal approximation of the predictors. Also add up to R^2
  and usually agree closely with general dominance, at a fraction of the cost.

Both work from the correlation matrix, so each has a ``*_from_covariance`` form for
population values (e.g. those a simulation's model implies). No maintained package
for these is among the book's pinned dependencies, hence this small implementation;
:func:`conditional_dominance` shows the steps.
"""
from __future__ import annotations

from itertools import combinations
from typing import Sequence

import numpy as np
import pandas as pd

#: Dominance analysis fits 2^p - 1 models; beyond this many predictors use relative weights.
MAX_DOMINANCE_PREDICTORS = 15
#: Weights are ranked at this many decimals: weights equal but for rounding error (e.g. two predictors
#: with the same correlations) tie, and no rank hangs on the last bits of a LAPACK solve, which differ
#: between BLAS kernels.
RANK_DECIMALS = 10


def _check(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> tuple[pd.DataFrame, int]:
    predictors = list(predictors)
    if len(predictors) < 1:
        raise ValueError("give at least one predictor")
    if len(set(predictors)) != len(predictors):
        dup = sorted({p for p in predictors if predictors.count(p) > 1})
        raise ValueError(f"predictor(s) listed twice: {dup}")
    if outcome in predictors:
        raise ValueError(f"the outcome {outcome!r} is also listed as a predictor")
    missing = [c for c in [outcome, *predictors] if c not in data.columns]
    if missing:
        raise KeyError(f"data has no column(s) {missing}")
    cols = [outcome, *predictors]
    df = data[cols].apply(pd.to_numeric, errors="coerce")
    bad = df.isna() & data[cols].notna()
    if bad.any().any():
        col = bad.any().idxmax()
        raise ValueError(f"column {col!r} holds a non-numeric value: {data.loc[bad[col], col].iloc[0]!r}")
    complete = df.notna().all(axis=1)
    df = df[complete].astype(float)
    if len(df) < len(predictors) + 2:
        raise ValueError(f"{len(df)} complete rows are too few for {len(predictors)} predictors")
    const = [c for c in cols if df[c].std() == 0]
    if const:
        raise ValueError(f"column(s) {const} do not vary in the complete rows")
    return df, int((~complete).sum())


def _corr_from_cov(cov: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> np.ndarray:
    cols = [outcome, *predictors]
    missing = [c for c in cols if c not in cov.index or c not in cov.columns]
    if missing:
        raise KeyError(f"covariance matrix has no row/column {missing}")
    c = cov.loc[cols, cols].to_numpy(dtype=float)
    sd = np.sqrt(np.diag(c))
    return c / np.outer(sd, sd)


def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R^2 of every subset of predictors (index = bit mask over predictors); corr is [y, x1..xp]."""
    rxx, rxy = corr[1:, 1:], corr[1:, 0]
    p = len(rxy)
    r2 = np.zeros(2**p)
    for k in range(1, p + 1):
        # all subsets of size k at once: a batch of k x k systems
        idx = np.array(list(combinations(range(p), k)))
        r = rxy[idx]
        sol = np.linalg.solve(rxx[idx[:, :, None], idx[:, None, :]], r[..., None])[..., 0]
        r2[(1 << idx).sum(axis=1)] = (r * sol).sum(axis=1)
    return r2


def _conditional(corr: np.ndarray) -> np.ndarray:
    """Predictors x subset sizes (0..p-1): mean gain in R^2 from adding the predictor to subsets of that size."""
    p = corr.shape[0] - 1
    if p > MAX_DOMINANCE_PREDICTORS:
        raise ValueError(f"dominance analysis of {p} predictors would fit {2**p - 1} models; "
                         f"the limit is {MAX_DOMINANCE_PREDICTORS} predictors (use relative_weights)")
    r2 = _subset_r2(corr)
    masks = np.arange(2**p)
    size = np.array([bin(m).count("1") for m in masks])
    out = np.zeros((p, p))
    for j in range(p):
        without = masks[(masks >> j & 1) == 0]
        gain = r2[without | (1 << j)] - r2[without]
        for k in range(p):
            out[j, k] = gain[size[without] == k].mean()
    return out


def general_dominance_weights(corr: np.ndarray) -> np.ndarray:
    """General dominance weights from a correlation matrix ordered ``[outcome, x1, ..., xp]``.

    The array form behind :func:`dominance_analysis`, for loops such as bootstraps.
    """
    return _conditional(np.asarray(corr, dtype=float)).mean(axis=1)


def _rank(weights: pd.Series) -> pd.Series:
    """1 = largest; ties (at :data:`RANK_DECIMALS`) share the best rank."""
    return weights.round(RANK_DECIMALS).rank(ascending=False, method="min").astype(int)


def _general_table(corr: np.ndarray, predictors: Sequence[str]) -> pd.DataFrame:
    general = general_dominance_weights(corr)
    total = general.sum()
    out = pd.DataFrame({"predictor": list(predictors), "general_dominance": general,
                        "share": general / total if total > 0 else np.nan})
    out["rank"] = _rank(out["general_dominance"])
    out.attrs["r2"] = float(total)
    return out


def dominance_analysis(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """General dominance weights of each predictor of ``outcome`` (OLS with an intercept).

    Rows with a missing value in any used column are excluded and counted.

    Returns
    -------
    DataFrame
        ``predictor, general_dominance, share, rank``: the weight (in units of R^2), its
        share of the full model's R^2, and its rank (1 = most important; equal weights share a rank).
        ``attrs``: ``r2`` (full model), ``n``, ``n_excluded``.
    """
    df, excluded = _check(data, outcome, predictors)
    out = _general_table(df.corr().to_numpy(), predictors)
    out.attrs.update(n=len(df), n_excluded=excluded)
    return out


def dominance_from_covariance(cov: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """:func:`dominance_analysis` for a population covariance (or correlation) matrix."""
    return _general_table(_corr_from_cov(cov, outcome, predictors), predictors)


def conditional_dominance(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """Mean gain in R^2 from adding each predictor to the subsets of the others of each size.

    Returns ``predictor, subset_size, mean_gain`` (tidy); averaging ``mean_gain`` over
    sizes gives the general dominance weight.
    """
    df, _ = _check(data, outcome, predictors)
    cond = _conditional(df.corr().to_numpy())
    p = len(predictors)
    return pd.DataFrame({"predictor": np.repeat(list(predictors), p), "subset_size": np.tile(np.arange(p), p),
                         "mean_gain": cond.ravel()})


def _relative_weights(corr: np.ndarray) -> np.ndarray:
    rxx, rxy = corr[1:, 1:], corr[1:, 0]
    vals, vecs = np.linalg.eigh(rxx)
    if vals.min() <= 1e-10:
        raise ValueError("predictors are perfectly collinear: relative weights are undefined")
    lam = vecs @ np.diag(np.sqrt(vals)) @ vecs.T  # correlations of the predictors with their orthogonal twins
    beta = np.linalg.solve(lam, rxy)              # outcome on the orthogonal twins
    return (lam**2) @ (beta**2)


def _weights_table(corr: np.ndarray, predictors: Sequence[str]) -> pd.DataFrame:
    w = _relative_weights(corr)
    out = pd.DataFrame({"predictor": list(predictors), "raw_weight": w, "share": w / w.sum()})
    out["rank"] = _rank(out["raw_weight"])
    out.attrs["r2"] = float(w.sum())
    return out


def relative_weights(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """Johnson's (2000) relative weights of each predictor of ``outcome``.

    Returns
    -------
    DataFrame
        ``predictor, raw_weight, share, rank``; the raw weights add up to the full
        model's R^2 (``attrs["r2"]``); ``attrs`` also hold ``n`` and ``n_excluded``.
    """
    df, excluded = _check(data, outcome, predictors)
    out = _weights_table(df.corr().to_numpy(), predictors)
    out.attrs.update(n=len(df), n_excluded=excluded)
    return out


def relative_weights_from_covariance(cov: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """:func:`relative_weights` for a population covariance (or correlation) matrix."""
    return _weights_table(_corr_from_cov(cov, outcome, predictors), predictors)


def _bootstrap(data, outcome, predictors, rng, n_boot, level, weights, table, column) -> pd.DataFrame:
    """Percentile bootstrap (resampling rows) of ``weights(corr)``; the point estimates come from ``table``."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. numpy.random.default_rng(1)")
    df, _ = _check(data, outcome, predictors)
    x = df.to_numpy()
    n = len(x)
    draws = np.empty((n_boot, len(predictors)))
    for b in range(n_boot):
        draws[b] = weights(np.corrcoef(x[rng.integers(0, n, n)], rowvar=False))
    tail = (1 - level) / 2
    out = table(np.corrcoef(x, rowvar=False), predictors)[["predictor", column]]
    out["ci_low"], out["ci_high"] = np.quantile(draws, tail, axis=0), np.quantile(draws, 1 - tail, axis=0)
    return out


def bootstrap_relative_weights(data: pd.DataFrame, outcome: str, predictors: Sequence[str], rng: np.random.Generator,
                               n_boot: int = 1000, level: float = 0.95) -> pd.DataFrame:
    """Percentile bootstrap intervals (resampling rows) for the raw relative weights.

    ``rng`` is a ``numpy.random.Generator`` (pass one made with a seed for a
    reproducible result). Returns ``predictor, raw_weight, ci_low, ci_high``.
    """
    return _bootstrap(data, outcome, predictors, rng, n_boot, level, _relative_weights, _weights_table, "raw_weight")


def bootstrap_dominance(data: pd.DataFrame, outcome: str, predictors: Sequence[str], rng: np.random.Generator,
                        n_boot: int = 1000, level: float = 0.95) -> pd.DataFrame:
    """Percentile bootstrap intervals (resampling rows) for the general dominance (LMG) weights.

    Returns ``predictor, general_dominance, ci_low, ci_high``.
    """
    return _bootstrap(data, outcome, predictors, rng, n_boot, level, general_dominance_weights, _general_table,
                      "general_dominance")


__all__ = ["dominance_analysis", "dominance_from_covariance", "conditional_dominance", "relative_weights",
           "relative_weights_from_covariance", "bootstrap_relative_weights", "bootstrap_dominance",
           "general_dominance_weights", "MAX_DOMINANCE_PREDICTORS", "RANK_DECIMALS"]
