"""Trust-level associations in one cross-section: the main outcome model, slopes by type, correlations with a
multiplicity correction, and the high-versus-medium contrast.

Each function takes a reader's own table (one row per trust, or per trust and year) and returns a tidy
DataFrame whose ``attrs`` count the rows left out (``n_excluded``, and ``excluded`` with each row's reason).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS, WLS

from . import validation as V
from .fits import design_matrix, enough_rows, report, usable
from .fits import levels as factor_levels

#: Columns of :func:`fit_trust_model`.
MODEL_COLUMNS = ["exposure", "outcome", "estimate", "se", "ci_low", "ci_high", "p", "std_slope",
                 "std_ci_low", "std_ci_high", "r", "n", "n_excluded"]

#: The multiplicity corrections :func:`correlation_table` accepts (pingouin's names).
PADJUST = ("holm", "bonf", "sidak", "fdr_bh", "fdr_by", "none")


def _controls(controls) -> list:
    return [] if controls is None or (not isinstance(controls, str) and len(controls) == 0) else \
        V.names(controls, "controls")


def _outcome_values(df: pd.DataFrame, outcome: str, log_outcome: bool) -> pd.Series:
    y = df[outcome]
    if log_outcome:
        bad = (y <= 0).to_numpy()
        if bad.any():
            raise ValueError(f"column {V.show(outcome)} must be positive to take logs; found "
                             f"{V.show(y[bad].iloc[0])} in {V._row(df, bad)}")
        y = np.log(y)
    return y


def fit_ols(df: pd.DataFrame, y: pd.Series, columns: list, weights: str | None, robust: bool, what: str):
    """OLS (or WLS with ``weights``) of ``y`` on a constant and ``columns`` of ``df``, refusing a design whose
    columns are collinear; heteroscedasticity-robust (HC3) errors with ``robust``."""
    X = design_matrix(df, columns)
    X.insert(0, "const", 1.0)
    V.not_too_large(pd.concat([y.rename(y.name if y.name is not None else "outcome"), X], axis=1), what)
    V.full_rank(X, what)
    enough_rows(len(df), X.shape[1], 0)
    model = OLS(y, X) if weights is None else WLS(y, X, weights=df[weights])
    return model.fit(cov_type="HC3") if robust else model.fit()


def fit_trust_model(data: pd.DataFrame, exposure: str, outcome: str, controls=(), log_outcome: bool = False,
                    alpha: float = 0.05, weights: str | None = None, robust: bool = False) -> pd.DataFrame:
    """Regress an outcome on one exposure with controls and return a one-row tidy table.

    The chapter's main trust-level model, e.g. log HSMR on staff engagement controlling for size and
    region: ``statsmodels`` OLS, or WLS with precision ``weights`` (e.g. expected deaths for a log HSMR).

    Parameters
    ----------
    data : DataFrame
        One row per unit (trust).
    exposure, outcome : str
        Numeric columns (numeric text and nullable types accepted).
    controls : str or sequence of str
        Numeric controls enter as they are, text or categorical ones as dummies of the levels present.
    log_outcome : bool
        Model ``log(outcome)`` (the outcome must be positive); the slope is then a log ratio.
    alpha : float
        1 - confidence level, strictly between 0 and 1.
    weights : str, optional
        A column of positive precision weights (WLS).
    robust : bool
        Heteroscedasticity-robust (HC3) standard errors.

    Returns
    -------
    DataFrame
        One row: ``exposure, outcome, estimate, se, ci_low, ci_high, p`` (the exposure's slope),
        ``std_slope`` (slope x SD(exposure) / SD(outcome), unweighted, after any log) with its interval
        ``std_ci_low, std_ci_high``, ``r`` (Pearson correlation of exposure and outcome), ``n`` and
        ``n_excluded``; ``attrs["excluded"]`` lists the rows left out and why.

    Raises
    ------
    ValueError or KeyError
        Naming the argument, column, value or row at fault: not a DataFrame, a missing or duplicated column,
        text or infinity where a number is needed, a constant exposure or outcome, collinear or constant
        controls (the aliased column named), a non-positive outcome with ``log_outcome`` or weight, alpha
        outside (0, 1), or too few complete rows.
    """
    alpha = V.level(alpha)
    controls = _controls(controls)
    numeric = [exposure, outcome] + ([weights] if weights is not None else [])
    df, excluded = usable(data, numeric=numeric, factors=controls)
    V.distinct(df[exposure], f"exposure {V.show(exposure)}")
    y = _outcome_values(df, outcome, log_outcome)
    V.distinct(y, f"outcome {V.show(outcome)}")
    if weights is not None:
        V.positive(df, weights, df[weights])
    enough_rows(len(df), 2 + len(controls), len(excluded))
    fit = fit_ols(df, y, [exposure, *controls], weights, robust, "the trust model")
    ci = np.asarray(fit.conf_int(alpha).loc[exposure])
    k = df[exposure].std() / y.std()  # slope -> standardised slope
    b, se = float(fit.params[exposure]), float(fit.bse[exposure])
    out = pd.DataFrame([{
        "exposure": exposure, "outcome": f"log({outcome})" if log_outcome else outcome, "estimate": b, "se": se,
        "ci_low": ci[0], "ci_high": ci[1], "p": float(fit.pvalues[exposure]), "std_slope": b * k,
        "std_ci_low": ci[0] * k, "std_ci_high": ci[1] * k, "r": float(np.corrcoef(df[exposure], y)[0, 1]),
        "n": len(df), "n_excluded": len(excluded)}], columns=MODEL_COLUMNS)
    return report(out, excluded)


def group_slopes(data: pd.DataFrame, exposure: str, outcome: str, group: str, controls=(),
                 alpha: float = 0.05) -> pd.DataFrame:
    """The exposure's slope within each group (e.g. trust type) from one OLS model with an exposure x group
    interaction, and the F test that every group has the same slope.

    Failing to reject equal slopes does not show they are equal: read each group's interval, and the
    interval of the largest difference, before calling an association "consistent".

    Returns
    -------
    DataFrame
        One row per group (levels in order, the first the reference): ``group, n, estimate, se, ci_low,
        ci_high``; ``attrs`` hold ``f_equal``, ``df_num``, ``df_den``, ``p_equal`` (the test of equal slopes)
        and the exclusions.
    """
    alpha = V.level(alpha)
    controls = _controls(controls)
    df, excluded = usable(data, numeric=[exposure, outcome], factors=[group, *controls])
    V.distinct(df[group], f"group {V.show(group)}")
    levels = factor_levels(df[group])
    for lv in levels:
        V.distinct(df.loc[df[group] == lv, exposure], f"exposure {V.show(exposure)} within {group} {V.show(lv)}")
    inter = pd.DataFrame({f"{exposure}:{group}={lv}": df[exposure] * (df[group] == lv) for lv in levels[1:]})
    fit = fit_ols(df.join(inter), df[outcome], [exposure, group, *inter.columns, *controls], None, False,
                  "the interaction model")
    names = list(fit.params.index)
    z = stats.t.ppf(1 - alpha / 2, fit.df_resid)
    rows = []
    for lv in levels:
        w = np.zeros(len(names))
        w[names.index(exposure)] = 1.0
        if lv != levels[0]:
            w[names.index(f"{exposure}:{group}={lv}")] = 1.0
        b, se = float(w @ fit.params.to_numpy()), float(np.sqrt(w @ fit.cov_params().to_numpy() @ w))
        rows.append({"group": lv, "n": int((df[group] == lv).sum()), "estimate": b, "se": se,
                     "ci_low": b - z * se, "ci_high": b + z * se})
    out = pd.DataFrame(rows)
    R = np.zeros((len(levels) - 1, len(names)))
    for i, col in enumerate(inter.columns):
        R[i, names.index(col)] = 1.0
    test = fit.f_test(R)
    out.attrs.update({"f_equal": float(np.squeeze(test.fvalue)), "df_num": int(test.df_num),
                      "df_den": int(test.df_denom), "p_equal": float(test.pvalue)})
    return report(out, excluded)


def high_vs_medium(data: pd.DataFrame, exposure: str = "engagement", outcome: str = "hsmr", by: str = "year",
                   cuts: tuple[float, float] = (1 / 3, 2 / 3)) -> pd.DataFrame:
    """Mean outcome of units with high vs medium exposure, within each ``by`` group and pooled.

    Within each group units are ranked on the exposure (ties in row order) and split at the quantiles
    ``cuts``: below the first is low, between the two medium, above the second high. The default
    (tertiles) compares the top third with the middle third. Returns ``group, n_high, n_medium,
    mean_high, mean_medium, pct_difference`` (100 x (mean_high / mean_medium - 1)), groups in their natural
    order; the last row (``group = "pooled"``) pools every unit-group in the two bands.
    """
    if not (isinstance(cuts, (tuple, list)) and len(cuts) == 2 and all(isinstance(c, (int, float)) for c in cuts)
            and 0 < cuts[0] < cuts[1] < 1):
        raise ValueError(f"cuts must be two numbers with 0 < low < high < 1; got {cuts!r}")
    lo, hi = cuts
    df, excluded = usable(data, numeric=[exposure, outcome], factors=[by])
    rows, pooled = [], []
    for group in V.ordered_periods(df[by], by):
        g = df[df[by] == group]
        if len(g) < 3:
            raise ValueError(f"{by} {V.show(group)} has {len(g)} unit(s); need at least 3 to form bands")
        label = V.code_labels(pd.Series([group], dtype=object)).iloc[0]  # 2005, not 2005.0
        # a constant exposure has no high or medium band: ranking it would split units in row order
        V.distinct(g[exposure], f"exposure {V.show(exposure)} within {by} {label}")
        share = g[exposure].rank(method="first") / len(g)
        band = np.where(share <= lo, 0, np.where(share <= hi, 1, 2))
        pooled.append(g.assign(_band=band))
        rows.append(_contrast(label, g[outcome][band == 2], g[outcome][band == 1]))
    both = pd.concat(pooled)
    rows.append(_contrast("pooled", both.loc[both["_band"] == 2, outcome], both.loc[both["_band"] == 1, outcome]))
    return report(pd.DataFrame(rows), excluded)


def _contrast(group: str, high: pd.Series, medium: pd.Series) -> dict:
    return {"group": group, "n_high": len(high), "n_medium": len(medium), "mean_high": high.mean(),
            "mean_medium": medium.mean(), "pct_difference": 100 * (high.mean() / medium.mean() - 1)}


def correlation_table(data: pd.DataFrame, staff, patient, padjust: str = "holm", alpha: float = 0.05) -> pd.DataFrame:
    """Pearson correlations of every staff measure with every patient measure (``pingouin.pairwise_corr``),
    with p values adjusted for multiplicity over the whole table (Holm by default).

    Each pair uses its complete rows. Returns ``staff_measure, patient_measure, n, n_excluded, r, ci_low,
    ci_high, p, p_adj`` (Fisher-z interval at 1 - ``alpha``). ``padjust`` is one of :data:`PADJUST`; with
    ``"none"``, or a single pair (whose adjusted p is its own p under every method), ``p_adj`` is ``p``.
    """
    import pingouin as pg

    alpha = V.level(alpha)
    if padjust not in PADJUST:
        raise ValueError(f"padjust must be one of {list(PADJUST)}, not {V.show(padjust)}")
    staff, patient = V.names(staff, "staff"), V.names(patient, "patient")
    frame = V.frame(data)
    V.columns(frame, [*staff, *patient])
    values = pd.DataFrame({c: V.numeric(frame, c) for c in [*staff, *patient]})
    for c in values.columns:
        V.distinct(values[c], f"column {V.show(c)}")
    res = pg.pairwise_corr(values, columns=[list(staff), list(patient)], method="pearson", padjust=padjust)
    n = res["n"].to_numpy().astype(int)
    if (n < 4).any():
        raise ValueError(f"pair {res['X'].iloc[int(np.argmax(n < 4))]!r} x {res['Y'].iloc[int(np.argmax(n < 4))]!r} "
                         f"has {int(n.min())} complete row(s); a correlation's interval needs at least 4")
    half = stats.norm.ppf(1 - alpha / 2) / np.sqrt(n - 3)
    z = np.arctanh(res["r"].to_numpy())
    return pd.DataFrame({"staff_measure": res["X"], "patient_measure": res["Y"], "n": n, "n_excluded": len(values) - n,
                         "r": res["r"], "ci_low": np.tanh(z - half), "ci_high": np.tanh(z + half),
                         "p": res["p_unc"], "p_adj": res["p_corr"] if "p_corr" in res else res["p_unc"]})
