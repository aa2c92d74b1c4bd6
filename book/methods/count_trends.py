"""Trends in counts with exposure: rates per period, Poisson and negative binomial trend models,
an exact two-period comparison, within-unit rate ratios, and u-/c-charts for monthly monitoring.

Works on any long table with one row per period (or per unit and period) holding a count and its
exposure: innovations per set of board minutes, incidents per bed day, complaints per thousand
contacts. Periods may be numbers, dates, pandas Periods or an ordered Categorical (text whose order
cannot be told from its values is refused); the trend counts periods when they are equally spaced,
and otherwise the time between them, saying so in ``attrs["spacing"]``. Rows with a missing count or
exposure are left out and listed in ``attrs["excluded"]``; any other fault raises ``ValueError``
(``KeyError`` for a missing column) naming the column, value and row.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import validation as v
from .control_charts import control_chart  # noqa: F401  (public here, as listed in book.methods)
from .count_data import Counts, prepare
from .count_models import (ALPHA_MIN, ClosedFormPoisson, conditional_poisson, fit_negbin,  # noqa: F401
                           fit_poisson, nb2_score_at_zero, period_poisson, poisson_loglike)
from .intervals import poisson_exact, rate_ratio_arrays

#: Level of the likelihood-ratio test of alpha = 0 below which the negative binomial is preferred.
OVERDISPERSION_LEVEL = 0.05
COLUMNS = ["model", "term", "contrast", "rate_ratio", "ci_low", "ci_high", "p", "dispersion",
           "dispersion_df", "nb_alpha", "lr_stat", "lr_p", "preferred", "nb_status", "n_rows", "n_units"]


def check_counts(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure",
                 period: str = "period", unit: str | None = None, time: str | None = None) -> pd.DataFrame:
    """Validate a count table; return the usable rows with numeric ``count`` (and ``exposure``).

    Rows with a missing count or exposure are left out, counted in ``attrs["n_excluded"]`` and listed
    in ``attrs["excluded"]``; ``attrs`` also give the ordered ``periods``, their ``time`` scores and
    the ``spacing``.

    Raises
    ------
    KeyError
        A column that is not in the table.
    ValueError
        Not a DataFrame; a negative, fractional, non-numeric or infinite count; an exposure that is not a
        positive number; a missing or mixed-type period or unit; two rows for the same period (and unit);
        periods with no natural order; a ``time`` column that is not one rising number per period.
    """
    c = prepare(data, count, exposure, period, unit, time)
    out = data.loc[c.kept].copy()
    out[count] = c.frame["count"].to_numpy()
    if exposure is not None:
        out[exposure] = c.frame["exposure"].to_numpy()
    out.attrs.update(c.attrs())
    return out


def period_rates(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure",
                 period: str = "period", alpha: float = 0.05) -> pd.DataFrame:
    """Total count, exposure and rate per period, with an exact (Garwood) Poisson interval.

    Rows may be units within periods: they are summed within each period. Returns ``period, count,
    exposure, rate, ci_low, ci_high, n_rows``, periods in their natural order.
    """
    alpha = v.level(alpha)
    data = v.frame(data)
    rowid = "_row" if "_row" not in data.columns else "_row_"
    c = prepare(data.assign(**{rowid: np.arange(len(data))}), count, exposure, period, unit=rowid)
    g = c.frame.groupby("pidx").agg(count=("count", "sum"), exposure=("exposure", "sum"), n_rows=("count", "size"))
    k, e = g["count"].to_numpy(), g["exposure"].to_numpy()
    lo, hi = poisson_exact(k, alpha)
    out = pd.DataFrame({"period": [c.periods[i] for i in g.index], "count": k.astype(int), "exposure": e,
                        "rate": k / e, "ci_low": lo / e, "ci_high": hi / e, "n_rows": g["n_rows"].to_numpy()})
    out.attrs.update(c.attrs())
    return out


def exact_rate_ratio(count_1: int, exposure_1: float, count_2: int, exposure_2: float,
                     alpha: float = 0.05) -> pd.DataFrame:
    """Exact conditional comparison of two Poisson rates (period 2 against period 1).

    Given the total ``n = count_1 + count_2``, ``count_2`` is binomial with
    ``p = exposure_2 / (exposure_1 + exposure_2)`` if the rates are equal; the test is
    ``scipy.stats.binomtest`` and the interval for the rate ratio comes from the
    Clopper-Pearson interval for ``p`` (:func:`book.methods.intervals.rate_ratio_arrays`).

    Returns one row: ``rate_1, rate_2, rate_ratio, ci_low, ci_high, p, expected_2, n``.
    Refuses counts that are not whole numbers >= 0, exposures that are not positive numbers,
    ``alpha`` outside (0, 1), and two zero counts, naming the argument.
    """
    k1, k2 = v.count(count_1, "count_1", minimum=0), v.count(count_2, "count_2", minimum=0)
    e1, e2 = v.positive_number(exposure_1, "exposure_1"), v.positive_number(exposure_2, "exposure_2")
    alpha = v.level(alpha)
    if k1 + k2 == 0:
        raise ValueError("count_1 and count_2 are both 0: the rate ratio is undefined")
    return rate_ratio_arrays([k1], [e1], [k2], [e2], alpha)


def _design(c: Counts, kind: str) -> pd.DataFrame:
    pidx = c.frame["pidx"].to_numpy()
    if kind == "trend":
        return pd.DataFrame({"const": 1.0, "trend": c.t[pidx]})
    dummies = (pidx[:, None] == np.arange(len(c.labels))[None, :]).astype(float)
    dummies[:, 0] = 1.0  # the constant in place of the first period's indicator
    return pd.DataFrame(dummies, columns=["const", *c.labels[1:]])


def _mean(res, c: Counts, X: pd.DataFrame) -> np.ndarray:
    """Fitted means of a Poisson fit (GLM or closed form) for the rows of ``c``."""
    if hasattr(res, "fittedvalues"):
        return np.asarray(res.fittedvalues, dtype=float)
    return np.exp(X.to_numpy() @ np.asarray(res.params, dtype=float)) * c.frame["exposure"].to_numpy()


def _poisson_fits(c: Counts, out: dict) -> None:
    """The two Poisson models and the Pearson dispersion (of the period model, or of the trend model
    when the period model is saturated)."""
    df = c.frame
    out["poisson_period"] = period_poisson(df, c.labels)
    X_trend = _design(c, "trend")
    if len(df) > X_trend.shape[1]:
        out["poisson_trend"] = fit_poisson(df["count"], X_trend, exposure=df["exposure"])
    else:  # two periods, one row each: the trend is the period contrast
        pp = out["poisson_period"]
        scale = float(c.t[1] - c.t[0])
        out["poisson_trend"] = ClosedFormPoisson(pd.Series(pp.params.to_numpy() / [1, scale], ["const", "trend"]),
                                                 pd.Series(pp.bse.to_numpy() / [1, scale], ["const", "trend"]), 0.0, 0)
    for kind in ("period", "trend"):
        res = out[f"poisson_{kind}"]
        if res.df_resid > 0:
            out["dispersion"], out["dispersion_df"] = float(res.pearson_chi2 / res.df_resid), int(res.df_resid)
            return
    out["dispersion"], out["dispersion_df"] = np.nan, 0


def fit_count_models(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure",
                     period: str = "period", unit: str | None = None, time: str | None = None,
                     models=("trend", "period"), clustered: bool = True) -> dict:
    """Fit the models behind :func:`count_trend`: Poisson first, NB2 only where the counts call for it.

    ``models`` names the mean models whose NB2 and clustered fits are wanted (``"trend"``,
    ``"period"``; both by default), and ``clustered=False`` skips the clustered fits; the Poisson
    fits and the dispersion are always made.

    Returns
    -------
    dict
        ``poisson_period`` (one rate per period: closed-form MLE, since the model only pools counts
        and exposure within periods) and ``poisson_trend`` (GLM with a log link and ``log(exposure)``
        offset; closed form when two periods make it saturated); ``negbin_trend`` and
        ``negbin_period`` (NB2 by maximum likelihood, or ``None``) with ``negbin_trend_status`` and
        ``negbin_period_status`` (``"fitted"``, or why not: too few rows, not overdispersed, not
        identified); ``lr_trend`` and ``lr_period``: ``(statistic, p)`` of the likelihood-ratio test of
        ``alpha = 0`` against the boundary mixture ``0.5 chi2_0 + 0.5 chi2_1`` (``(0, 1)`` when the
        counts are not overdispersed, NaN when NB2 was not fitted otherwise); ``cluster_trend`` and
        ``cluster_period`` (Poisson GLM with standard errors clustered by ``unit``, if given);
        ``dispersion`` and ``dispersion_df`` (Pearson chi-squared / df); ``counts`` (the validated
        :class:`~book.methods.count_data.Counts`); ``unit``.
    """
    c = prepare(data, count, exposure, period, unit, time, min_periods=2)
    df = c.frame
    y, expo = df["count"], df["exposure"]
    out = {"counts": c, "unit": unit}
    _poisson_fits(c, out)
    models = v.names(models, "models")
    unknown = set(models) - {"trend", "period"}
    if unknown:
        raise ValueError(f"models must be 'trend' and/or 'period', not {sorted(unknown)}")
    for kind in ("trend", "period"):
        out[f"negbin_{kind}"], out[f"negbin_{kind}_status"] = None, "not requested"
        out[f"lr_{kind}"], out[f"cluster_{kind}"] = (np.nan, np.nan), None
        if kind not in models:
            continue
        X = _design(c, kind)
        pois = out[f"poisson_{kind}"]
        nb, status, lr = None, "too few rows to fit NB2", (np.nan, np.nan)
        if len(df) > X.shape[1] + 1 and y.sum() > 0:
            mu = _mean(pois, c, X)
            nb, status = fit_negbin(y, X, expo, pois.params, mu)
            if nb is not None:
                stat = max(2 * (float(nb.llf) - poisson_loglike(y, mu)), 0.0)
                lr = (stat, 0.5 * float(stats.chi2.sf(stat, 1)) if stat > 0 else 1.0)
            elif status.startswith("not overdispersed"):
                lr = (0.0, 1.0)
        out[f"negbin_{kind}"], out[f"negbin_{kind}_status"], out[f"lr_{kind}"] = nb, status, lr
        out[f"cluster_{kind}"] = None
        if clustered and unit is not None and len(df) > X.shape[1]:
            groups = pd.factorize(df["unit"], sort=False)[0]
            out[f"cluster_{kind}"] = fit_poisson(y, X, exposure=expo, cov_type="cluster", cov_kwds={"groups": groups})
    return out


def _rows(res, model: str, kind: str, c: Counts, z: float) -> list[dict]:
    names = ["trend"] if kind == "trend" else c.labels[1:]
    rows = []
    for name in names:
        b, se = float(res.params[name]), float(res.bse[name])
        rows.append({"model": model, "term": name,
                     "contrast": c.contrast if kind == "trend" else f"vs {c.labels[0]}",
                     "rate_ratio": np.exp(b), "ci_low": np.exp(b - z * se), "ci_high": np.exp(b + z * se),
                     "p": float(2 * stats.norm.sf(abs(b / se))) if se > 0 else np.nan})
    return rows


def count_trend(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure", period: str = "period",
                unit: str | None = None, level: float = OVERDISPERSION_LEVEL, alpha: float = 0.05,
                time: str | None = None) -> pd.DataFrame:
    """Trend in a count with exposure: Poisson, and negative binomial where overdispersed.

    Fits ``log E[count] = a + b * t + log(exposure)``, with ``t`` counting periods from the first
    when they are equally spaced (numbers, dates, pandas Periods or the categories of an ordered
    Categorical), the time between them otherwise (``attrs["spacing"]`` says which), or the
    reader's own ``time`` column; and a model with one rate per period. For each, NB2 (variance
    ``mu + alpha mu^2``) is fitted only if the counts are overdispersed in its direction
    (:func:`nb2_score_at_zero` positive; otherwise the MLE of ``alpha`` is 0 and NB2 is the
    Poisson model), and preferred when the likelihood-ratio test of ``alpha = 0``, referred to the
    boundary mixture ``0.5 chi2_0 + 0.5 chi2_1``, rejects at ``level`` and the fit is identified.
    Pearson chi-squared / df of the Poisson period model (of the trend model when there is one row
    per period, so that it then measures lack of fit of the trend) is reported beside it. With
    ``unit`` (rows are units within periods) Poisson rows with standard errors clustered by unit
    are added; the NB2 rows treat the rows as independent (for a unit's own change over time see
    :func:`within_unit_rate_ratios`).

    Parameters
    ----------
    data : DataFrame
        One row per period, or per unit and period.
    count, exposure, period, unit, time : str
        Column names; ``exposure`` must be positive (e.g. sets of minutes, bed days), or ``None``
        for an exposure of 1 per row.
    level : float
        Level of the test of overdispersion.
    alpha : float
        One minus the confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per model and estimate: ``model`` (``poisson``, ``negative_binomial``,
        ``poisson_cluster``), ``term`` (``trend`` or a period), ``contrast``,
        ``rate_ratio, ci_low, ci_high, p``, ``dispersion`` and ``dispersion_df`` (Pearson),
        ``nb_alpha`` (NB2 dispersion, negative binomial rows), ``lr_stat`` and ``lr_p``
        (the test of ``alpha = 0`` for the row's mean model), ``preferred`` (the model the
        test picks), ``nb_status`` (``"fitted"``, or why there are no negative binomial
        rows for this mean model), ``n_rows``, ``n_units``; ``attrs`` as :func:`check_counts`.
    """
    level, alpha = v.level(level, "level"), v.level(alpha)
    return summarise_count_models(fit_count_models(data, count, exposure, period, unit, time), level, alpha)


def prefers_negbin(fits: dict, kind: str, level: float = OVERDISPERSION_LEVEL) -> bool:
    """Whether the likelihood-ratio test of alpha = 0 picks NB2 for the ``kind`` ("trend" or "period") model:
    NB2 was fitted and identified, and the test rejects at ``level``."""
    nb, (_, lr_p) = fits[f"negbin_{kind}"], fits[f"lr_{kind}"]
    # the p-value is compared at 6 decimals, so the choice does not hang on the last bits of a fit
    return nb is not None and round(lr_p, 6) < level


def preferred_estimate(fits: dict, term: str, level: float = OVERDISPERSION_LEVEL, alpha: float = 0.05) -> dict:
    """The row of :func:`count_trend` for ``term`` from the preferred model, without building the table
    (for simulations that refit the model many times)."""
    kind = "trend" if term == "trend" else "period"
    use_nb = prefers_negbin(fits, kind, level)
    res = fits[f"negbin_{kind}"] if use_nb else fits[f"poisson_{kind}"]
    rows = _rows(res, "negative_binomial" if use_nb else "poisson", kind, fits["counts"],
                 stats.norm.ppf(1 - v.level(alpha) / 2))
    hit = [r for r in rows if r["term"] == term]
    if not hit:
        raise KeyError(f"no term {term!r}; the model's terms are {[r['term'] for r in rows]}")
    return hit[0]


def summarise_count_models(fits: dict, level: float = OVERDISPERSION_LEVEL, alpha: float = 0.05) -> pd.DataFrame:
    """The tidy table of :func:`count_trend` from the fits of :func:`fit_count_models`."""
    level, alpha = v.level(level, "level"), v.level(alpha)
    c, unit = fits["counts"], fits["unit"]
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for kind in ("trend", "period"):
        nb, status = fits[f"negbin_{kind}"], fits[f"negbin_{kind}_status"]
        lr_stat, lr_p = fits[f"lr_{kind}"]
        use_nb = prefers_negbin(fits, kind, level)
        common = {"lr_stat": lr_stat, "lr_p": lr_p, "nb_status": status}
        rows += [{**r, **common, "nb_alpha": np.nan, "preferred": not use_nb}
                 for r in _rows(fits[f"poisson_{kind}"], "poisson", kind, c, z)]
        if nb is not None:
            rows += [{**r, **common, "nb_alpha": float(nb.params["alpha"]), "preferred": use_nb}
                     for r in _rows(nb, "negative_binomial", kind, c, z)]
        if fits[f"cluster_{kind}"] is not None:
            rows += [{**r, **common, "nb_alpha": np.nan, "preferred": False}
                     for r in _rows(fits[f"cluster_{kind}"], "poisson_cluster", kind, c, z)]
    out = pd.DataFrame(rows)
    out["dispersion"] = fits["dispersion"]
    out["dispersion_df"] = fits["dispersion_df"]
    out["n_rows"] = len(c.frame)
    out["n_units"] = c.frame["unit"].nunique() if unit else len(c.frame)
    order = {"poisson": 0, "negative_binomial": 1, "poisson_cluster": 2}
    out = out.sort_values(["model", "term"], key=lambda s: s.map(order) if s.name == "model" else s.ne("trend"),
                          kind="stable").reset_index(drop=True)[COLUMNS]
    out.attrs.update(c.attrs())
    return out


def preferred_row(table: pd.DataFrame, term: str) -> pd.Series:
    """The row of a :func:`count_trend` table for ``term`` from the preferred model.

    Raises ``KeyError`` naming the term when the table has no single preferred row for it.
    """
    rows = table[(table["term"] == term) & table["preferred"]]
    if len(rows) != 1:
        raise KeyError(f"no single preferred row for term {term!r}; the table's terms are "
                       f"{sorted(table['term'].unique())}")
    return rows.iloc[0]


def unit_arrays(c: Counts) -> tuple[np.ndarray, np.ndarray, list]:
    """Counts and exposures as (units, periods) arrays (0 where a unit has no row), units in order of
    first appearance."""
    codes, units = pd.factorize(c.frame["unit"], sort=False)
    y = np.zeros((len(units), len(c.labels)))
    m = np.zeros_like(y)
    np.add.at(y, (codes, c.frame["pidx"].to_numpy()), c.frame["count"].to_numpy())
    np.add.at(m, (codes, c.frame["pidx"].to_numpy()), c.frame["exposure"].to_numpy())
    return y, m, list(units)


def within_unit_rate_ratios(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure",
                            period: str = "period", unit: str = "unit", alpha: float = 0.05) -> pd.DataFrame:
    """Rate ratios of each period against the first, comparing every unit only with itself.

    The conditional Poisson model (:func:`book.methods.count_models.conditional_poisson`): its
    estimates and standard errors equal those of a Poisson model with one fixed effect per unit, and
    a unit's own level (or a gamma random effect) drops out. Units with no events carry no
    information and are left out; their number is reported, and they are listed with any rows
    left out for a missing count or exposure in ``attrs["excluded"]``.

    Returns ``term, contrast, rate_ratio, ci_low, ci_high, p, n_rows, n_units, n_units_excluded``.
    """
    alpha = v.level(alpha)
    if unit is None:
        raise ValueError("within_unit_rate_ratios needs unit= (the column naming each unit)")
    c = prepare(data, count, exposure, period, unit, min_periods=2)
    y, m, units = unit_arrays(c)
    empty = y.sum(axis=1) == 0
    if empty.all():
        raise ValueError("no unit has any event: the rate ratios are undefined")
    theta, se, ok = conditional_poisson(y[None, ~empty], m[None, ~empty])
    if not ok[0]:
        none = [c.labels[j] for j in np.flatnonzero(y[~empty].sum(axis=0) == 0)]
        raise ValueError("the within-unit model did not converge" + (f": period(s) {none} have no events" if none
                                                                      else ""))
    z = stats.norm.ppf(1 - alpha / 2)
    th, s = theta[0], se[0]
    out = pd.DataFrame({"term": c.labels[1:], "contrast": f"vs {c.labels[0]}", "rate_ratio": np.exp(th),
                        "ci_low": np.exp(th - z * s), "ci_high": np.exp(th + z * s),
                        "p": 2 * stats.norm.sf(np.abs(th / s)),
                        "n_rows": int(c.frame["unit"].isin([u for u, e in zip(units, empty) if not e]).sum()),
                        "n_units": int((~empty).sum()), "n_units_excluded": int(empty.sum())})
    out.attrs.update(c.attrs())
    out.attrs["excluded"] = out.attrs["excluded"] + [{"unit": u, "reason": "no events (no within-unit information)"}
                                                     for u, e in zip(units, empty) if e]
    out.attrs["n_excluded"] = len(out.attrs["excluded"])
    return out
