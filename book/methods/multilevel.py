"""Respondents nested in trusts: a random-intercept model, its within-between (Mundlak) form, and the
intraclass correlations that say how much of a measure lies between trusts and how reliable a trust mean is.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import minimize_scalar
from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams

from . import validation as V
from .fits import enough_rows, report, usable
from .reliability import icc_anova


def fit_multilevel(data: pd.DataFrame, outcome: str, predictors, group: str, within_between: bool = False):
    """Random-intercept model (statsmodels MixedLM, REML) of respondents nested in groups (trusts).

    ``outcome_ij = b0 + sum_k b_k x_kij + u_j + e_ij``. Without group-mean terms each ``b_k`` is a
    precision-weighted mix of the within-group and between-group slopes. With ``within_between`` the group
    means of the predictors are added (``mean_<predictor>``; Mundlak 1978): each ``b_k`` is then the
    within-group slope and the mean's coefficient the contextual effect (between minus within), zero when
    the two agree. Rows with a missing value are left out (``result.n_excluded``, ``result.excluded``).

    The REML criterion of a random-intercept model depends on one number, the variance ratio
    ``gamma = var(u) / var(e)``: it is maximised over ``gamma`` exactly (:func:`reml_variance_ratio`), and
    statsmodels then starts at that optimum (its own optimiser, started elsewhere, can stop short when group
    means are among the predictors). A variance estimated at the boundary (``gamma`` below 1e-8: no
    between-group variance left) is refused with a ``ValueError`` saying so, since the model is then not
    identified; statsmodels' own boundary warning, which fires whenever the variance is below 0.01 in the
    outcome's squared units whatever their scale, is not passed on. Check the result with
    :func:`book.methods.fits.fit_problem`. Refuses a constant or collinear predictor, naming it.
    """
    predictors = V.names(predictors, "predictors")
    df, excluded = usable(data, numeric=[outcome, *predictors], factors=[group])
    for col in [outcome, *predictors]:
        V.distinct(df[col], f"column {V.show(col)}")
    V.distinct(df[group], f"group {V.show(group)}")
    X = df[predictors].copy()
    if within_between:
        for p in predictors:
            X[f"mean_{p}"] = df.groupby(group, observed=True)[p].transform("mean")
    X.insert(0, "const", 1.0)
    V.full_rank(X, "the multilevel model")
    enough_rows(len(df), X.shape[1] + 1, len(excluded))
    groups = df[group].astype(str)
    gamma = reml_variance_ratio(df[outcome].to_numpy(), X.to_numpy(), groups)
    if gamma < 1e-8:
        raise ValueError(f"the REML estimate of the variance between {group!r} groups is zero (no more variation "
                         f"between groups than chance gives), where a random-intercept model is not identified; "
                         f"fit an ordinary regression instead")
    start = MixedLMParams.from_components(fe_params=np.zeros(X.shape[1]), cov_re=np.array([[gamma]]))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The MLE may be on the boundary", category=UserWarning)
        result = MixedLM(df[outcome], X, groups=groups).fit(reml=True, start_params=start, method="bfgs")
    result.n_excluded, result.excluded = len(excluded), excluded
    return result


def reml_variance_ratio(y: np.ndarray, X: np.ndarray, groups) -> float:
    """The REML estimate of ``var(u) / var(e)`` in ``y = X b + u_group + e``, from the profile criterion
    ``sum_j log(1 + n_j g) + log|X'W X| + (N - p) log(RSS_W)`` (``W`` the inverse of ``V / var(e)``), minimised
    over ``log g`` to 1e-12 (a bounded one-dimensional search: it cannot stop short)."""
    codes, uniq = pd.factorize(pd.Series(groups), sort=True)
    n = np.bincount(codes).astype(float)
    Sx = np.zeros((len(uniq), X.shape[1]))
    np.add.at(Sx, codes, X)
    Sy = np.bincount(codes, weights=y)
    XX, Xy, yy = X.T @ X, X.T @ y, float(y @ y)
    N, p = X.shape

    def criterion(log_g):
        g = np.exp(log_g)
        w = g / (1 + n * g)
        A, b = XX - (Sx.T * w) @ Sx, Xy - (Sx.T * w) @ Sy
        rss = yy - float(w @ Sy**2) - float(np.linalg.solve(A, b) @ b)
        return float(np.sum(np.log1p(n * g)) + np.linalg.slogdet(A)[1] + (N - p) * np.log(rss))

    best = minimize_scalar(criterion, bounds=(-25.0, 8.0), method="bounded", options={"xatol": 1e-12})
    return float(np.exp(best.x)) if criterion(-25.0) > best.fun else 0.0


def icc(result) -> float:
    """Residual (conditional) intraclass correlation of a random-intercept MixedLM fit: the share of what
    the predictors leave unexplained that lies between groups, var(u) / (var(u) + var(e))."""
    tau2 = float(result.cov_re.iloc[0, 0])
    return tau2 / (tau2 + float(result.scale))


def icc_interval(data: pd.DataFrame, outcome: str, group: str, alpha: float = 0.05) -> pd.DataFrame:
    """ICC(1) and ICC(2) of one measure, with their F-based confidence intervals.

    ICC(1), the share of the measure's variance that lies between groups, and ICC(2), the reliability of a
    group mean, from a one-way random-effects ANOVA (:func:`book.methods.reliability.icc_anova`). The
    intervals invert the F statistic (Searle 1971): exact when every group has the same size, and an
    approximation using the adjusted mean group size ``k0`` otherwise.

    Returns
    -------
    DataFrame
        Rows ``ICC(1)`` and ``ICC(2)``: ``statistic, estimate, ci_low, ci_high``; ``attrs`` hold ``f``,
        ``df1``, ``df2``, ``k0``, ``note`` and the exclusions. Equal group means (F = 0) and no
        within-group variance (F infinite) get :func:`~book.methods.reliability.icc_anova`'s answers:
        ICC(1) at -1/(k0 - 1) with ICC(2) NaN (``note`` says why), or both 1, each interval a point.
    """
    alpha = V.level(alpha)
    df, excluded = usable(data, numeric=[outcome], factors=[group])
    V.distinct(df[outcome], f"column {V.show(outcome)}")
    anova = icc_anova(df, group, outcome)
    a = anova.iloc[0]
    f, df1, df2, k0 = float(a["F"]), int(a["df1"]), int(a["df2"]), float(a["k0"])
    if f == 0 or np.isinf(f):  # equal group means, or no within-group variance: icc_anova's edge values
        low, high = [float(a["icc1_ci_low"]), float(a["icc2"])], [float(a["icc1_ci_high"]), float(a["icc2"])]
    else:
        f_lo, f_hi = f / stats.f.ppf(1 - alpha / 2, df1, df2), f * stats.f.ppf(1 - alpha / 2, df2, df1)
        low, high = [(f_lo - 1) / (f_lo + k0 - 1), 1 - 1 / f_lo], [(f_hi - 1) / (f_hi + k0 - 1), 1 - 1 / f_hi]
    out = pd.DataFrame({"statistic": ["ICC(1)", "ICC(2)"],
                        "estimate": [float(a["icc1"]), float(a["icc2"])], "ci_low": low, "ci_high": high})
    out.attrs.update({"f": f, "df1": df1, "df2": df2, "k0": k0, "note": anova.attrs["note"]})
    return report(out, excluded)


def contextual_test(result, predictors) -> pd.DataFrame:
    """Wald test that every contextual effect of a :func:`fit_multilevel` ``within_between`` fit is zero
    (the Mundlak test: random intercepts are then consistent for the within-group slopes).

    Returns one row: ``chi2, df, p``.
    """
    predictors = V.names(predictors, "predictors")
    names = [f"mean_{p}" for p in predictors]
    missing = [n for n in names if n not in result.params.index]
    if missing:
        raise KeyError(f"the fit has no term(s) {missing}: fit it with within_between=True")
    b = result.params[names].to_numpy()
    cov = result.cov_params().loc[names, names].to_numpy()
    chi2 = float(b @ np.linalg.solve(cov, b))
    return pd.DataFrame([{"chi2": chi2, "df": len(names), "p": float(stats.chi2.sf(chi2, len(names)))}])
