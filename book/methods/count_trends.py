"""Trends in counts with exposure: rates per period, Poisson and negative binomial trend models,
an exact two-period comparison, and u-/c-charts for monthly monitoring.

Works on any long table with one row per period (or per unit and period) holding a count
and its exposure — innovations per set of board minutes, incidents per bed day, complaints
per thousand contacts. Every function checks its input and raises ``ValueError`` naming
the column, value or row at fault.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

#: Level of the likelihood-ratio test of alpha = 0 below which the negative binomial is preferred.
OVERDISPERSION_LEVEL = 0.05
#: An NB2 fit whose alpha is below this is at the boundary 0 (where NB2 is Poisson): not identified.
ALPHA_MIN = 1e-4
COLUMNS = ["model", "term", "contrast", "rate_ratio", "ci_low", "ci_high", "p", "dispersion",
           "dispersion_df", "nb_alpha", "lr_stat", "lr_p", "preferred", "nb_status", "n_rows", "n_units"]


def check_counts(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure",
                 period: str = "period", unit: str | None = None) -> pd.DataFrame:
    """Validate a count table and return a copy with numeric ``count`` and ``exposure``.

    Raises
    ------
    ValueError
        A missing column; a missing, non-numeric, negative or fractional count; a
        missing, non-numeric or non-positive exposure; or two rows for the same
        period (and unit).
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    needed = [c for c in (count, exposure, period, unit) if c is not None]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}; the table has {list(data.columns)}")
    if data.empty:
        raise ValueError("the table has no rows")
    out = data.copy()
    for col, what in ((count, "count"), (exposure, "exposure")):
        if col is None:
            continue
        values = pd.to_numeric(out[col], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = bad.to_numpy().argmax()
            raise ValueError(f"{what} column {col!r} has {int(bad.sum())} missing or non-numeric value(s), "
                             f"first {out[col].iloc[row]!r} in row {row}")
        out[col] = values.astype(float)
    c = out[count].to_numpy()
    if (c < 0).any():
        row = int((c < 0).argmax())
        raise ValueError(f"count column {count!r} has {int((c < 0).sum())} negative value(s), first {c[row]:g} in row {row}")
    if (c % 1 != 0).any():
        row = int((c % 1 != 0).argmax())
        raise ValueError(f"count column {count!r} must hold whole numbers; found {c[row]:g} in row {row}")
    if exposure is not None:
        e = out[exposure].to_numpy()
        bad = ~np.isfinite(e) | (e <= 0)
        if bad.any():
            row = int(bad.argmax())
            raise ValueError(f"exposure column {exposure!r} must be positive; found {e[row]:g} in row {row} "
                             f"({int(bad.sum())} such row(s))")
    key = [period] + ([unit] if unit else [])
    dup = out.duplicated(key, keep=False)
    if dup.any():
        first = out.loc[dup, key].iloc[0].to_dict()
        what = "unit and period" if unit else "period (give unit= for unit-level data)"
        raise ValueError(f"{int(dup.sum())} rows share a {what}, first {first}")
    if out[period].isna().any():
        raise ValueError(f"period column {period!r} has missing values")
    return out


def period_rates(data: pd.DataFrame, count: str = "count", exposure: str = "exposure",
                 period: str = "period", alpha: float = 0.05) -> pd.DataFrame:
    """Total count, exposure and rate per period, with an exact (Garwood) Poisson interval.

    Unit-level rows are summed within each period. Returns ``period, count,
    exposure, rate, ci_low, ci_high, n_rows``.
    """
    df = _check_any_level(data, count, exposure, period)
    g = df.groupby(period, sort=True).agg(count=(count, "sum"), exposure=(exposure, "sum"), n_rows=(count, "size"))
    k = g["count"].to_numpy()
    lo = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    hi = stats.chi2.ppf(1 - alpha / 2, 2 * (k + 1)) / 2
    out = pd.DataFrame({"period": g.index, "count": k.astype(int), "exposure": g["exposure"].to_numpy(),
                        "rate": k / g["exposure"].to_numpy(), "ci_low": lo / g["exposure"].to_numpy(),
                        "ci_high": hi / g["exposure"].to_numpy(), "n_rows": g["n_rows"].to_numpy()})
    return out


def _check_any_level(data, count, exposure, period):
    """Validate without the one-row-per-period rule (rows may be units within periods)."""
    if isinstance(data, pd.DataFrame) and period in data.columns:
        tmp = data.assign(_row=np.arange(len(data)))
        return check_counts(tmp, count, exposure, period, unit="_row").drop(columns="_row")
    return check_counts(data, count, exposure, period)


def exact_rate_ratio(count_1: int, exposure_1: float, count_2: int, exposure_2: float,
                     alpha: float = 0.05) -> pd.DataFrame:
    """Exact conditional comparison of two Poisson rates (period 2 against period 1).

    Given the total ``n = count_1 + count_2``, ``count_2`` is binomial with
    ``p = exposure_2 / (exposure_1 + exposure_2)`` if the rates are equal; the test is
    ``scipy.stats.binomtest`` and the interval for the rate ratio comes from the
    Clopper-Pearson interval for ``p``.

    Returns one row: ``rate_1, rate_2, rate_ratio, ci_low, ci_high, p, expected_2, n``.
    """
    table = pd.DataFrame({"period": [1, 2], "count": [count_1, count_2], "exposure": [exposure_1, exposure_2]})
    check_counts(table)
    k1, k2 = int(count_1), int(count_2)
    n = k1 + k2
    share = exposure_2 / (exposure_1 + exposure_2)
    if n == 0:
        raise ValueError("both counts are zero: the rate ratio is undefined")
    test = stats.binomtest(k2, n, share)
    ci = test.proportion_ci(confidence_level=1 - alpha, method="exact")
    to_ratio = lambda q: (q / (1 - q)) * (exposure_1 / exposure_2) if q < 1 else np.inf  # noqa: E731
    return pd.DataFrame([{
        "rate_1": k1 / exposure_1, "rate_2": k2 / exposure_2,
        "rate_ratio": (k2 / exposure_2) / (k1 / exposure_1) if k1 > 0 else np.inf,
        "ci_low": to_ratio(ci.low), "ci_high": to_ratio(ci.high), "p": test.pvalue,
        "expected_2": n * share, "n": n,
    }])


def _design(df: pd.DataFrame, period: str, periods: list, kind: str) -> pd.DataFrame:
    pos = df[period].map({p: i for i, p in enumerate(periods)}).astype(float)
    if kind == "trend":
        X = pd.DataFrame({"const": 1.0, "trend": pos.to_numpy()}, index=df.index)
    else:
        X = pd.DataFrame({"const": 1.0}, index=df.index)
        for p in periods[1:]:
            X[str(p)] = (df[period] == p).astype(float)
    return X


@dataclass
class ClosedFormPoisson:
    """Poisson MLE of a saturated model, in closed form (GLM would divide by zero residual df)."""

    params: pd.Series
    bse: pd.Series
    pearson_chi2: float
    df_resid: int


def _period_poisson(df: pd.DataFrame, count: str, exposure: str, period: str, periods: list) -> ClosedFormPoisson:
    """One rate per period: the MLE is each period's total count / total exposure, whatever the rows."""
    tot = df.groupby(period)[[count, exposure]].sum().reindex(periods)
    zero = tot.index[tot[count] == 0]
    if len(zero):
        raise ValueError(f"period {zero[0]!r} has no events at all: its rate ratio is 0 and has no Wald interval; "
                         f"use exact_rate_ratio, or merge periods")
    log_rate = np.log(tot[count] / tot[exposure])
    names = ["const"] + [str(p) for p in periods[1:]]
    params = pd.Series(np.r_[log_rate.iloc[0], (log_rate.iloc[1:] - log_rate.iloc[0]).to_numpy()], index=names)
    inv = 1 / tot[count].to_numpy()
    bse = pd.Series(np.sqrt(np.r_[inv[0], inv[1:] + inv[0]]), index=names)
    mu = df[period].map(np.exp(log_rate)).to_numpy() * df[exposure].to_numpy()
    chi2 = float(((df[count].to_numpy() - mu) ** 2 / mu).sum())
    return ClosedFormPoisson(params, bse, chi2, len(df) - len(periods))


def fit_poisson(y, X, exposure=None, **fit_kwds):
    """A Poisson GLM (log link) fitted by IRLS until the deviance changes by less than 1e-12, far
    below any precision shown; raises ``ValueError`` if it does not converge."""
    res = GLM(y, X, family=families.Poisson(), exposure=exposure).fit(tol=1e-12, maxiter=200, **fit_kwds)
    if not res.converged:
        raise ValueError(f"the Poisson GLM of {getattr(y, 'name', 'the counts')!r} on {list(X.columns)} "
                         "did not converge in 200 iterations")
    return res


def nb2_score_at_zero(y, mu) -> float:
    """Derivative of the NB2 log-likelihood in ``alpha`` at ``alpha = 0``, at the Poisson fit ``mu``.

    ``0.5 * sum((y - mu)^2 - y)`` (Cameron and Trivedi 2013, sec. 3.4). Where it is not
    positive the NB2 likelihood falls as ``alpha`` leaves 0: the MLE of ``alpha`` is on the
    boundary and NB2 reduces to Poisson.
    """
    y, mu = np.asarray(y, dtype=float), np.asarray(mu, dtype=float)
    return float(0.5 * np.sum((y - mu) ** 2 - y))


def _fit_negbin(y: pd.Series, X: pd.DataFrame, exposure: pd.Series, poisson_params,
                mu: np.ndarray) -> tuple[object | None, str]:
    """NB2 by maximum likelihood from the Poisson fit (``poisson_params``, fitted means ``mu``).

    Returns ``(result, status)``, the result ``None`` unless the fit is identified.

    BFGS in ln(alpha) (statsmodels' transform keeps alpha positive), then Newton in alpha to a
    step below ``1e-10`` with the analytic Hessian. The fit counts as identified only if both
    converge, alpha stays at least ``ALPHA_MIN`` (away from the boundary, where the
    alpha-alpha element of the Hessian is rounding noise), and the Hessian is negative
    definite with finite standard errors.
    """
    score = nb2_score_at_zero(y, mu)
    if round(score, 6) <= 0:
        return None, "not overdispersed: NB2 is Poisson"
    # moment estimate of alpha from Var = mu + alpha mu^2, floored so that ln(alpha) starts near the data
    alpha0 = max(2 * score / float(np.sum(mu**2)), 0.05)
    model = NegativeBinomial(y, X, exposure=exposure, loglike_method="nb2")
    start = np.append(np.asarray(poisson_params, dtype=float), alpha0)
    first = model.fit(start_params=start, method="bfgs", maxiter=1000, disp=False, skip_hessian=True,
                      warn_convergence=False)
    if not first.mle_retvals["converged"]:
        return None, "not identified: the optimiser did not converge"
    if first.params["alpha"] < ALPHA_MIN:
        return None, f"not identified: alpha at the boundary 0 ({first.params['alpha']:.1e})"
    res = model.fit(start_params=np.asarray(first.params), method="newton", tol=1e-10, maxiter=100, disp=False,
                    warn_convergence=False)
    hessian = np.asarray(res.mle_retvals["Hessian"])  # of -loglik / n: positive definite at a maximum
    if not res.mle_retvals["converged"] or not np.isfinite(hessian).all():
        return None, "not identified: the optimiser did not converge"
    if res.params["alpha"] < ALPHA_MIN:
        return None, f"not identified: alpha at the boundary 0 ({res.params['alpha']:.1e})"
    if np.linalg.eigvalsh(hessian).min() <= 0 or not np.isfinite(np.asarray(res.bse)).all():
        return None, "not identified: the likelihood has no maximum with finite standard errors"
    return res, "fitted"


def _poisson_loglike(y, mu) -> float:
    y, mu = np.asarray(y, dtype=float), np.asarray(mu, dtype=float)
    return float(np.sum(stats.poisson.logpmf(y, mu)))


def _mean(res, df: pd.DataFrame, exposure: str, X: pd.DataFrame) -> np.ndarray:
    """Fitted means of a Poisson fit (GLM or closed form) for the rows of ``df``."""
    if hasattr(res, "fittedvalues"):
        return np.asarray(res.fittedvalues, dtype=float)
    return np.exp(X.to_numpy() @ np.asarray(res.params, dtype=float)) * df[exposure].to_numpy()


def fit_count_models(data: pd.DataFrame, count: str = "count", exposure: str = "exposure",
                     period: str = "period", unit: str | None = None) -> dict:
    """Fit the models behind :func:`count_trend`: Poisson first, NB2 only where the counts call for it.

    Returns
    -------
    dict
        ``poisson_period`` (one rate per period: closed-form MLE, since the model
        only pools counts and exposure within periods) and ``poisson_trend`` (GLM
        with a log link and ``log(exposure)`` offset; closed form when two periods
        make it saturated); ``negbin_trend`` and ``negbin_period`` (NB2 by maximum
        likelihood, or ``None``) with ``negbin_trend_status`` and ``negbin_period_status``
        (``"fitted"``, or why not: too few rows, not overdispersed, not identified);
        ``lr_trend`` and ``lr_period``: ``(statistic, p)`` of the likelihood-ratio test of
        ``alpha = 0`` against the boundary mixture ``0.5 chi2_0 + 0.5 chi2_1`` (``(0, 1)``
        when the counts are not overdispersed, NaN when NB2 was not fitted otherwise);
        ``cluster_trend`` and ``cluster_period`` (Poisson GLM with standard errors
        clustered by ``unit``, if given); ``dispersion`` and ``dispersion_df`` (Pearson
        chi-squared / df of the period model, or of the trend model when the period
        model is saturated; NaN when neither has residual df); ``periods``; ``data``; ``unit``.
    """
    df = check_counts(data, count, exposure, period, unit).reset_index(drop=True)
    periods = sorted(df[period].unique())
    if len(periods) < 2:
        raise ValueError(f"need at least two periods in column {period!r}; found {periods}")
    y, expo = df[count], df[exposure]
    out = {"periods": periods, "data": df, "unit": unit,
           "poisson_period": _period_poisson(df, count, exposure, period, periods)}
    X_trend = _design(df, period, periods, "trend")
    if len(df) > X_trend.shape[1]:
        out["poisson_trend"] = fit_poisson(y, X_trend, exposure=expo)
    else:  # two periods, one row each: the trend is the period contrast
        pp = out["poisson_period"]
        out["poisson_trend"] = ClosedFormPoisson(pp.params.set_axis(["const", "trend"]),
                                                 pp.bse.set_axis(["const", "trend"]), 0.0, 0)
    for kind in ("period", "trend"):
        res = out[f"poisson_{kind}"]
        if res.df_resid > 0:
            out["dispersion"], out["dispersion_df"] = float(res.pearson_chi2 / res.df_resid), int(res.df_resid)
            break
    else:
        out["dispersion"], out["dispersion_df"] = np.nan, 0
    for kind in ("trend", "period"):
        X = _design(df, period, periods, kind)
        pois = out[f"poisson_{kind}"]
        nb, status, lr = None, "too few rows to fit NB2", (np.nan, np.nan)
        if len(df) > X.shape[1] + 1 and y.sum() > 0:
            mu = _mean(pois, df, exposure, X)
            nb, status = _fit_negbin(y, X, expo, pois.params, mu)
            if nb is not None:
                stat = max(2 * (float(nb.llf) - _poisson_loglike(y, mu)), 0.0)
                lr = (stat, 0.5 * float(stats.chi2.sf(stat, 1)) if stat > 0 else 1.0)
            elif status.startswith("not overdispersed"):
                lr = (0.0, 1.0)
        out[f"negbin_{kind}"], out[f"negbin_{kind}_status"], out[f"lr_{kind}"] = nb, status, lr
        out[f"cluster_{kind}"] = None
        if unit is not None and len(df) > X.shape[1]:
            groups = pd.factorize(df[unit])[0]
            out[f"cluster_{kind}"] = fit_poisson(y, X, exposure=expo, cov_type="cluster",
                                                 cov_kwds={"groups": groups})
    return out


def _rows(res, model: str, kind: str, periods: list, alpha: float) -> list[dict]:
    names = ["trend"] if kind == "trend" else [str(p) for p in periods[1:]]
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for name in names:
        b, se = float(res.params[name]), float(res.bse[name])
        rows.append({"model": model, "term": name,
                     "contrast": "per period" if kind == "trend" else f"vs {periods[0]}",
                     "rate_ratio": np.exp(b), "ci_low": np.exp(b - z * se), "ci_high": np.exp(b + z * se),
                     "p": float(2 * stats.norm.sf(abs(b / se))) if se > 0 else np.nan})
    return rows


def count_trend(data: pd.DataFrame, count: str = "count", exposure: str = "exposure", period: str = "period",
                unit: str | None = None, level: float = OVERDISPERSION_LEVEL, alpha: float = 0.05) -> pd.DataFrame:
    """Trend in a count with exposure: Poisson, and negative binomial where overdispersed.

    Fits ``log E[count] = a + b * t + log(exposure)`` with ``t`` = 0, 1, 2, ... for the
    sorted periods (so the trend assumes equally spaced periods), and a model with one
    rate per period. For each, NB2 (variance ``mu + alpha mu^2``) is fitted only if the
    counts are overdispersed in its direction (:func:`nb2_score_at_zero` positive;
    otherwise the MLE of ``alpha`` is 0 and NB2 is the Poisson model), and preferred when
    the likelihood-ratio test of ``alpha = 0``, referred to the boundary mixture
    ``0.5 chi2_0 + 0.5 chi2_1``, rejects at ``level`` and the fit is identified.
    Pearson chi-squared / df of the Poisson period model (of the trend model when there
    is one row per period, so that it then measures lack of fit of the trend) is reported
    beside it. With ``unit`` (rows are units within periods) Poisson rows with standard
    errors clustered by unit are added.

    Parameters
    ----------
    data : DataFrame
        One row per period, or per unit and period.
    count, exposure, period, unit : str
        Column names; ``exposure`` must be positive (e.g. sets of minutes, bed days).
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
        rows for this mean model), ``n_rows``, ``n_units``.
    """
    fits = fit_count_models(data, count, exposure, period, unit)
    return summarise_count_models(fits, level, alpha)


def summarise_count_models(fits: dict, level: float = OVERDISPERSION_LEVEL, alpha: float = 0.05) -> pd.DataFrame:
    """The tidy table of :func:`count_trend` from the fits of :func:`fit_count_models`."""
    if not (0 < level < 1 and 0 < alpha < 1):
        raise ValueError(f"level and alpha must lie between 0 and 1; got level={level}, alpha={alpha}")
    periods, df, unit = fits["periods"], fits["data"], fits["unit"]
    rows = []
    for kind in ("trend", "period"):
        nb, status = fits[f"negbin_{kind}"], fits[f"negbin_{kind}_status"]
        lr_stat, lr_p = fits[f"lr_{kind}"]
        # the p-value is compared at 6 decimals, so the choice does not hang on the last bits of a fit
        use_nb = nb is not None and round(lr_p, 6) < level
        common = {"lr_stat": lr_stat, "lr_p": lr_p, "nb_status": status}
        rows += [{**r, **common, "nb_alpha": np.nan, "preferred": not use_nb}
                 for r in _rows(fits[f"poisson_{kind}"], "poisson", kind, periods, alpha)]
        if nb is not None:
            rows += [{**r, **common, "nb_alpha": float(nb.params["alpha"]), "preferred": use_nb}
                     for r in _rows(nb, "negative_binomial", kind, periods, alpha)]
        if fits[f"cluster_{kind}"] is not None:
            rows += [{**r, **common, "nb_alpha": np.nan, "preferred": False}
                     for r in _rows(fits[f"cluster_{kind}"], "poisson_cluster", kind, periods, alpha)]
    out = pd.DataFrame(rows)
    out["dispersion"] = fits["dispersion"]
    out["dispersion_df"] = fits["dispersion_df"]
    out["n_rows"] = len(df)
    out["n_units"] = df[unit].nunique() if unit else len(df)
    order = {"poisson": 0, "negative_binomial": 1, "poisson_cluster": 2}
    out = out.sort_values(["model", "term"], key=lambda s: s.map(order) if s.name == "model" else s.ne("trend"),
                          kind="stable").reset_index(drop=True)
    return out[COLUMNS]


def preferred_row(table: pd.DataFrame, term: str) -> pd.Series:
    """The row of a :func:`count_trend` table for ``term`` from the preferred model.

    Raises ``KeyError`` naming the term when the table has no single preferred row for it.
    """
    rows = table[(table["term"] == term) & table["preferred"]]
    if len(rows) != 1:
        raise KeyError(f"no single preferred row for term {term!r}; the table's terms are "
                       f"{sorted(table['term'].unique())}")
    return rows.iloc[0]


def within_unit_rate_ratios(data: pd.DataFrame, count: str = "count", exposure: str = "exposure",
                            period: str = "period", unit: str = "unit", alpha: float = 0.05) -> pd.DataFrame:
    """Rate ratios of each period against the first, comparing every unit only with itself.

    The conditional Poisson model: given a unit's total, its counts are multinomial over
    its periods with probabilities proportional to ``exposure * exp(theta_period)``. Its
    estimates and standard errors equal those of a Poisson model with one fixed effect per
    unit, and a unit's own level (or a gamma random effect) drops out. Units with no events
    carry no information and are excluded; their number is reported.

    Returns ``term, contrast, rate_ratio, ci_low, ci_high, p, n_rows, n_units, n_units_excluded``.
    """
    df = check_counts(data, count, exposure, period, unit)
    periods = sorted(df[period].unique())
    if len(periods) < 2:
        raise ValueError(f"need at least two periods in column {period!r}; found {periods}")
    totals = df.groupby(unit)[count].transform("sum")
    used = df[totals > 0]
    n_excluded = df[unit].nunique() - used[unit].nunique()
    if used.empty:
        raise ValueError("no unit has any event: the rate ratios are undefined")
    y = used.pivot_table(index=unit, columns=period, values=count, aggfunc="sum").reindex(columns=periods)
    m = used.pivot_table(index=unit, columns=period, values=exposure, aggfunc="sum").reindex(columns=periods)
    y, m = y.fillna(0).to_numpy(), m.fillna(0).to_numpy()  # a unit absent in a period has no exposure there
    n_b = y.sum(axis=1)
    theta = np.zeros(len(periods))
    for _ in range(100):  # Newton-Raphson on theta[1:], theta[0] = 0
        w = m * np.exp(theta)
        p = w / w.sum(axis=1, keepdims=True)
        grad = (y - n_b[:, None] * p).sum(axis=0)[1:]
        hess = -(n_b[:, None, None] * (np.einsum("bi,ij->bij", p, np.eye(len(periods)))
                                         - np.einsum("bi,bj->bij", p, p))).sum(axis=0)[1:, 1:]
        step = np.linalg.solve(hess, grad)
        theta[1:] -= step
        if np.abs(step).max() < 1e-10:
            break
    else:
        raise ValueError("the within-unit model did not converge (a period with no events?)")
    se = np.sqrt(np.diag(np.linalg.inv(-hess)))
    z = stats.norm.ppf(1 - alpha / 2)
    return pd.DataFrame({"term": [str(p) for p in periods[1:]], "contrast": f"vs {periods[0]}",
                         "rate_ratio": np.exp(theta[1:]), "ci_low": np.exp(theta[1:] - z * se),
                         "ci_high": np.exp(theta[1:] + z * se), "p": 2 * stats.norm.sf(np.abs(theta[1:] / se)),
                         "n_rows": len(used), "n_units": int(len(n_b)), "n_units_excluded": int(n_excluded)})


def control_chart(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure",
                  period: str = "period", laney: bool = False, shift_length: int = 7,
                  trend_length: int = 7) -> pd.DataFrame:
    """A u-chart of rates (or, with ``exposure=None``, a c-chart of counts) with special-cause flags.

    Centre line ``u = sum(count) / sum(exposure)``; 3-sigma limits
    ``u +/- 3 sqrt(u / exposure_t)`` (lower limit floored at 0). With ``laney=True``
    the limits are widened by Laney's sigma_z, the average moving range of the
    points' z-scores / 1.128, which allows for overdispersion between periods.
    Flags: ``outside`` (beyond a limit); ``shift`` (in a run of ``shift_length`` or
    more points on one side of the centre line; a point on the line ends a run);
    ``trend`` (in a run of ``trend_length`` or more points each lower, or each
    higher, than the one before, the first point counted).

    Returns ``period, count, exposure, value, centre, lcl, ucl, outside, shift, trend``
    (``value`` is the rate, or the count for a c-chart).
    """
    df = check_counts(data, count, exposure, period).sort_values(period).reset_index(drop=True)
    c = df[count].to_numpy()
    n = df[exposure].to_numpy() if exposure is not None else np.ones(len(df))
    if len(df) < 2:
        raise ValueError("a control chart needs at least two periods")
    value = c / n
    centre = c.sum() / n.sum()
    sigma = np.sqrt(centre / n)
    if laney:
        z = (value - centre) / sigma
        sigma = sigma * (np.abs(np.diff(z)).mean() / 1.128)
    lcl, ucl = np.maximum(centre - 3 * sigma, 0.0), centre + 3 * sigma
    side = np.sign(value - centre)
    shift = np.zeros(len(df), dtype=bool)
    trend = np.zeros(len(df), dtype=bool)
    start = 0
    for i in range(1, len(df) + 1):  # runs on one side of the centre line
        if i == len(df) or side[i] != side[start] or side[i] == 0:
            if side[start] != 0 and i - start >= shift_length:
                shift[start:i] = True
            start = i
    step = np.sign(np.diff(value))
    start = 0
    for i in range(1, len(step) + 1):  # runs of consecutive steps in one direction
        if i == len(step) or step[i] != step[start] or step[i] == 0:
            if step[start] != 0 and (i - start) + 1 >= trend_length:
                trend[start:i + 1] = True
            start = i
    return pd.DataFrame({"period": df[period].to_numpy(), "count": c.astype(int), "exposure": n,
                         "value": value, "centre": centre, "lcl": lcl, "ucl": ucl,
                         "outside": (value < lcl) | (value > ucl), "shift": shift, "trend": trend})
