"""Relative importance of correlated predictors in a linear regression.

Two standard answers to "which predictor matters most?" when predictors are correlated, so that
standardised coefficients mislead:

* :func:`dominance_analysis` -- general dominance weights (Budescu 1993; Azen & Budescu 2003): each
  predictor's increase in R^2 when added to a subset of the others, averaged within each subset size
  (:func:`conditional_dominance`) and then over sizes. The weights add up to the full model's R^2 (they
  are the Shapley values of R^2, also called LMG). :func:`dominance_pairs` says for each pair whether
  one predictor dominates the other completely, conditionally or only in general.
* :func:`relative_weights` -- Johnson's (2000) relative weights: R^2 split through the best-fitting
  orthogonal approximation of the predictors. They also add up to R^2 and usually agree closely with
  general dominance, at a fraction of the cost.

Sampling error: :func:`bootstrap_dominance` and :func:`bootstrap_relative_weights` resample rows, or
whole clusters (``cluster=``, e.g. the trusts teams are nested in), and give percentile intervals;
:func:`rank_table` turns the resamples into rank probabilities and :func:`weight_differences` into
intervals for the difference between two predictors' weights (Tonidandel, LeBreton & Johnson 2009):
two intervals that overlap are no test of a difference, and a rank is a claim about such differences.

Each statistic has a ``*_from_covariance`` form for population values (those a simulation's model
implies). No maintained package for these is among the book's pinned dependencies, hence this small
implementation, tested against brute-force regressions.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from . import validation as v

#: Dominance analysis fits 2^p - 1 models; beyond this many predictors use relative weights.
MAX_DOMINANCE_PREDICTORS = 15
#: Weights are compared and ranked at this many decimals: weights equal but for rounding error tie, and
#: no rank or dominance verdict hangs on the last bits of a LAPACK solve, which differ between BLAS kernels.
RANK_DECIMALS = 10


def _check(data: pd.DataFrame, outcome: str, predictors) -> tuple[pd.DataFrame, int]:
    """The complete rows of the used columns as floats, and how many rows were left out."""
    v.frame(data)
    predictors = v.names(predictors, "predictors")
    if not isinstance(outcome, str) and not np.isscalar(outcome):
        raise ValueError(f"outcome must be one column name, not {type(outcome).__name__}")
    if outcome in predictors:
        raise ValueError(f"the outcome {outcome!r} is also listed as a predictor")
    cols = [outcome, *predictors]
    v.columns(data, cols)
    df = pd.DataFrame({c: v.numeric(data, c) for c in cols})
    complete = df.notna().all(axis=1)
    df = df[complete]
    if len(df) < len(predictors) + 2:
        raise ValueError(f"{len(df)} complete rows are too few for {len(predictors)} predictors")
    for c in cols:
        v.distinct(df[c], f"column {c!r} (in the complete rows)")
    X = pd.DataFrame({"(intercept)": 1.0, **{c: df[c] for c in predictors}})
    v.full_rank(X, "the regression of the outcome on the predictors")
    return df, int((~complete).sum())


def _corr_from_cov(cov: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> np.ndarray:
    cols = [outcome, *predictors]
    missing = [c for c in cols if c not in cov.index or c not in cov.columns]
    if missing:
        raise KeyError(f"covariance matrix has no row/column {missing}")
    c = cov.loc[cols, cols].to_numpy(dtype=float)
    sd = np.sqrt(np.diag(c))
    return c / np.outer(sd, sd)


def _frozen(pairs: tuple) -> tuple:
    """The pairs of arrays made read-only: cached below and shared by every later call."""
    for a in (a for pair in pairs for a in pair):
        a.setflags(write=False)
    return pairs


@cache
def _subsets(p: int) -> tuple:
    """Per subset size k: the k predictors of every subset (rows) and its bit mask; fixed for a given p,
    so bootstraps compute it once."""
    out = []
    for k in range(1, p + 1):
        idx = np.array(list(combinations(range(p), k)))
        out.append((idx, (1 << idx).sum(axis=1)))
    return _frozen(tuple(out))


@cache
def _gains(p: int) -> tuple:
    """Per predictor j: the subsets without j, as masks, and their sizes (the pairs whose R^2 gain averages)."""
    masks = np.arange(2**p)
    size = np.array([bin(m).count("1") for m in masks])
    return _frozen(tuple((without, size[without]) for j in range(p) for without in [masks[(masks >> j & 1) == 0]]))


def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R^2 of every subset of predictors (last index = bit mask over predictors); corr is [y, x1..xp], or a
    stack of such matrices (one row of R^2 per matrix)."""
    rxx, rxy = corr[..., 1:, 1:], corr[..., 1:, 0]
    p = rxy.shape[-1]
    if p > MAX_DOMINANCE_PREDICTORS:
        raise ValueError(f"dominance analysis of {p} predictors would fit {2**p - 1} models; "
                         f"the limit is {MAX_DOMINANCE_PREDICTORS} predictors (use relative_weights)")
    r2 = np.zeros(rxy.shape[:-1] + (2**p,))
    for idx, mask in _subsets(p):
        # all subsets of size k at once: a batch of k x k systems
        r = rxy[..., idx]
        sol = np.linalg.solve(rxx[..., idx[:, :, None], idx[:, None, :]], r[..., None])[..., 0]
        r2[..., mask] = (r * sol).sum(axis=-1)
    return r2


def _conditional(corr: np.ndarray, r2: np.ndarray | None = None) -> np.ndarray:
    """Predictors x subset sizes (0..p-1): mean gain in R^2 from adding the predictor to subsets of that size
    (``r2``: :func:`_subset_r2` of ``corr``, if already computed)."""
    p = corr.shape[0] - 1
    r2 = _subset_r2(corr) if r2 is None else r2
    out = np.zeros((p, p))
    for j, (without, size) in enumerate(_gains(p)):
        gain = r2[without | (1 << j)] - r2[without]
        out[j] = np.bincount(size, weights=gain, minlength=p)[:p] / np.bincount(size, minlength=p)[:p]
    return out


def general_dominance_weights(corr: np.ndarray) -> np.ndarray:
    """General dominance weights from a correlation matrix ordered ``[outcome, x1, ..., xp]``.

    The array form behind :func:`dominance_analysis`, for loops such as bootstraps.
    """
    return _conditional(np.asarray(corr, dtype=float)).mean(axis=1)


def _dominance_stack(corrs: np.ndarray, chunk: int = 128) -> np.ndarray:
    """:func:`general_dominance_weights` of each matrix in a stack; the subset regressions of many matrices
    are solved together (the same LAPACK solve on each matrix, in one call), which halves a bootstrap's time."""
    out = np.empty((len(corrs), corrs.shape[-1] - 1))
    for start in range(0, len(corrs), chunk):
        block = corrs[start:start + chunk]
        for i, (corr, r2) in enumerate(zip(block, _subset_r2(block)), start=start):
            out[i] = _conditional(corr, r2).mean(axis=1)
    return out


def _relative_stack(corrs: np.ndarray) -> np.ndarray:
    return np.array([_relative_weights(c) for c in corrs])


def _rank(weights) -> np.ndarray:
    """1 = largest; ties (at :data:`RANK_DECIMALS`) share the best rank. A 2-D array is ranked row by row."""
    return rankdata(-np.round(np.asarray(weights, dtype=float), RANK_DECIMALS), method="min", axis=-1).astype(int)


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

    Rows with a missing value in any used column are excluded and counted; a constant column, a
    predictor that is an exact combination of others (a duplicate) and infinity are refused.

    Returns
    -------
    DataFrame
        ``predictor, general_dominance, share, rank``: the weight (in units of R^2), its share of the
        full model's R^2, and its rank (1 = most important; equal weights share a rank).
        ``attrs``: ``r2`` (full model), ``n``, ``n_excluded``.
    """
    df, excluded = _check(data, outcome, predictors)
    out = _general_table(df.corr().to_numpy(), v.names(predictors, "predictors"))
    out.attrs.update(n=len(df), n_excluded=excluded)
    return out


def dominance_from_covariance(cov: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """:func:`dominance_analysis` for a population covariance (or correlation) matrix."""
    return _general_table(_corr_from_cov(cov, outcome, predictors), predictors)


def conditional_dominance(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """Mean gain in R^2 from adding each predictor to the subsets of the others of each size.

    Returns ``predictor, subset_size, mean_gain`` (tidy); averaging ``mean_gain`` over sizes gives the
    general dominance weight. One predictor conditionally dominates another when its gain is larger at
    every size. ``attrs``: ``n`` (complete rows used) and ``n_excluded`` (rows with a missing value).
    """
    df, excluded = _check(data, outcome, predictors)
    predictors = v.names(predictors, "predictors")
    cond = _conditional(df.corr().to_numpy())
    p = len(predictors)
    out = pd.DataFrame({"predictor": np.repeat(predictors, p), "subset_size": np.tile(np.arange(p), p),
                        "mean_gain": cond.ravel()})
    out.attrs.update(n=len(df), n_excluded=excluded)
    return out


def _pairs(corr: np.ndarray, predictors: Sequence[str]) -> pd.DataFrame:
    p = len(predictors)
    r2 = _subset_r2(corr)
    cond = np.round(_conditional(corr), RANK_DECIMALS)
    general = np.round(cond.mean(axis=1), RANK_DECIMALS)
    masks = np.arange(2**p)
    rows = []
    for i, j in combinations(range(p), 2):
        others = masks[((masks >> i) & 1 == 0) & ((masks >> j) & 1 == 0)]
        diff = np.round((r2[others | 1 << i] - r2[others]) - (r2[others | 1 << j] - r2[others]), RANK_DECIMALS)
        first, second = (i, j) if general[i] >= general[j] else (j, i)
        sign = 1 if first == i else -1
        rows.append({"predictor_a": predictors[first], "predictor_b": predictors[second],
                     "complete": bool((sign * diff > 0).all()),
                     "conditional": bool((cond[first] > cond[second]).all()),
                     "general": bool(general[first] > general[second])})
    return pd.DataFrame(rows, columns=["predictor_a", "predictor_b", "complete", "conditional", "general"])


def dominance_pairs(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """Budescu's three levels of dominance for every pair of predictors.

    For each pair, ``predictor_a`` is the one with the larger general dominance weight, and the
    columns say whether it dominates ``predictor_b`` ``complete``-ly (adds more to R^2 than b does
    to every subset of the other predictors), ``conditional``-ly (more on average at every subset
    size) and in ``general`` (a larger general weight; False for a tie). Complete implies
    conditional implies general; only complete dominance is free of any averaging.
    """
    df, _ = _check(data, outcome, predictors)
    return _pairs(df.corr().to_numpy(), v.names(predictors, "predictors"))


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
        ``predictor, raw_weight, share, rank``; the raw weights add up to the full model's R^2
        (``attrs["r2"]``); ``attrs`` also hold ``n`` and ``n_excluded``.
    """
    df, excluded = _check(data, outcome, predictors)
    out = _weights_table(df.corr().to_numpy(), v.names(predictors, "predictors"))
    out.attrs.update(n=len(df), n_excluded=excluded)
    return out


def relative_weights_from_covariance(cov: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """:func:`relative_weights` for a population covariance (or correlation) matrix."""
    return _weights_table(_corr_from_cov(cov, outcome, predictors), predictors)


def _resamples(data, df: pd.DataFrame, cluster, rng, n_boot: int):
    """Row indices of each resample: rows drawn with replacement, or whole clusters drawn with replacement."""
    n = len(df)
    if cluster is None:
        for _ in range(n_boot):
            yield rng.integers(0, n, n)
        return
    v.columns(data, [cluster])
    v.no_missing(data.loc[df.index], cluster, "cluster column")
    v.one_type(data, cluster)
    codes = pd.factorize(pd.Series(data.loc[df.index, cluster].to_numpy(dtype=object)), sort=True)[0]
    members = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    if len(members) < 2:
        raise ValueError(f"cluster column {cluster!r} has one cluster: nothing to resample")
    for _ in range(n_boot):
        yield np.concatenate([members[c] for c in rng.integers(0, len(members), len(members))])


def _bootstrap(data, outcome, predictors, rng, n_boot, level, cluster, weights, table, column) -> pd.DataFrame:
    """Percentile bootstrap of ``weights`` (of a stack of correlation matrices); the point estimates come from
    ``table``."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. numpy.random.default_rng(1)")
    n_boot = v.count(n_boot, "n_boot", minimum=2)
    level = v.level(level, "level")
    df, excluded = _check(data, outcome, predictors)
    predictors = v.names(predictors, "predictors")
    x = df.to_numpy()
    draws = np.full((n_boot, len(predictors)), np.nan)
    corrs, used = [], []
    for b, rows in enumerate(_resamples(data, df, cluster, rng, n_boot)):
        sample = x[rows]
        if (np.ptp(sample, axis=0) == 0).any():  # a resample in which a column is constant has no weights
            continue
        corrs.append(np.corrcoef(sample, rowvar=False))
        used.append(b)
    failed = n_boot - len(used)
    if used:
        draws[used] = weights(np.stack(corrs))
    ok = ~np.isnan(draws).any(axis=1)
    tail = (1 - level) / 2
    out = table(np.corrcoef(x, rowvar=False), predictors)[["predictor", column]]
    out["ci_low"], out["ci_high"] = np.quantile(draws[ok], tail, axis=0), np.quantile(draws[ok], 1 - tail, axis=0)
    out.attrs.update(draws=pd.DataFrame(draws[ok], columns=predictors), estimate=column, level=level, n=len(df),
                     n_excluded=excluded, n_boot=int(ok.sum()), n_failed_resamples=failed,
                     resampled="rows" if cluster is None else f"clusters of {cluster!r}")
    return out


def bootstrap_relative_weights(data: pd.DataFrame, outcome: str, predictors: Sequence[str], rng: np.random.Generator,
                               n_boot: int = 1000, level: float = 0.95, cluster: str | None = None) -> pd.DataFrame:
    """Percentile bootstrap intervals for the raw relative weights.

    ``rng`` is a ``numpy.random.Generator`` (pass one made with a seed for a reproducible result);
    ``cluster`` names a column whose clusters are resampled whole (rows are resampled otherwise).
    Returns ``predictor, raw_weight, ci_low, ci_high``; ``attrs["draws"]`` holds the resampled
    weights (for :func:`rank_table` and :func:`weight_differences`), with ``n_boot``,
    ``n_failed_resamples`` (a column constant in the resample) and ``resampled``.
    """
    return _bootstrap(data, outcome, predictors, rng, n_boot, level, cluster, _relative_stack, _weights_table,
                      "raw_weight")


def bootstrap_dominance(data: pd.DataFrame, outcome: str, predictors: Sequence[str], rng: np.random.Generator,
                        n_boot: int = 1000, level: float = 0.95, cluster: str | None = None) -> pd.DataFrame:
    """Percentile bootstrap intervals for the general dominance (LMG) weights.

    As :func:`bootstrap_relative_weights`; returns ``predictor, general_dominance, ci_low, ci_high``.
    A weight is a share of R^2 and never negative, so its interval never includes 0: an interval
    that excludes 0 says nothing about a predictor's importance.
    """
    return _bootstrap(data, outcome, predictors, rng, n_boot, level, cluster, _dominance_stack, _general_table,
                      "general_dominance")


def _draws(boot: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(boot, pd.DataFrame) or "draws" not in boot.attrs:
        raise ValueError("boot must be the result of bootstrap_dominance or bootstrap_relative_weights")
    return boot.attrs["draws"]


def rank_table(boot: pd.DataFrame) -> pd.DataFrame:
    """How often each predictor takes each rank over the bootstrap resamples.

    Returns ``predictor, rank`` (of the estimate), ``rank_low, rank_high`` (the central interval of
    its rank at the bootstrap's level) and one column ``p_rank_<r>`` per rank r, the share of
    resamples in which it takes that rank (``p_rank_1``: ranks first); ties (at :data:`RANK_DECIMALS`)
    share the best rank.
    """
    draws = _draws(boot)
    ranks = _rank(draws.to_numpy())
    p = ranks.shape[1]
    tail = (1 - boot.attrs["level"]) / 2
    out = pd.DataFrame({"predictor": list(draws.columns), "rank": _rank(boot[boot.attrs["estimate"]]),
                        "rank_low": np.quantile(ranks, tail, axis=0, method="lower").astype(int),
                        "rank_high": np.quantile(ranks, 1 - tail, axis=0, method="higher").astype(int)})
    for r in range(1, p + 1):
        out[f"p_rank_{r}"] = (ranks == r).mean(axis=0)
    return out


def weight_differences(boot: pd.DataFrame) -> pd.DataFrame:
    """Bootstrap intervals for the difference between every two predictors' weights.

    Returns ``predictor_a, predictor_b`` (a the larger estimate), ``difference`` (a minus b),
    ``ci_low, ci_high`` (percentile interval at the bootstrap's level) and ``share_a_larger``
    (resamples in which a's weight exceeds b's): an interval that includes 0 means these data do not
    order the two.
    """
    draws = _draws(boot)
    est = boot.set_index("predictor")[boot.attrs["estimate"]]
    tail = (1 - boot.attrs["level"]) / 2
    rows = []
    for i, j in combinations(list(draws.columns), 2):
        a, b = (i, j) if np.round(est[i], RANK_DECIMALS) >= np.round(est[j], RANK_DECIMALS) else (j, i)
        d = (draws[a] - draws[b]).to_numpy()
        rows.append({"predictor_a": a, "predictor_b": b, "difference": float(est[a] - est[b]),
                     "ci_low": float(np.quantile(d, tail)), "ci_high": float(np.quantile(d, 1 - tail)),
                     "share_a_larger": float((np.round(d, RANK_DECIMALS) > 0).mean())})
    return pd.DataFrame(rows)


__all__ = ["dominance_analysis", "dominance_from_covariance", "conditional_dominance", "dominance_pairs",
           "relative_weights", "relative_weights_from_covariance", "bootstrap_relative_weights",
           "bootstrap_dominance", "rank_table", "weight_differences", "general_dominance_weights",
           "MAX_DOMINANCE_PREDICTORS", "RANK_DECIMALS"]
