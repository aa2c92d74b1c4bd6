"""Ordered ratings (e.g. weak < fair < good < excellent): the proportional-odds (ordered logit) model and
its check, the separate cumulative logits with Brant's (1990) test.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit
from statsmodels.discrete.discrete_model import Logit

from . import validation as V
from .fits import design_matrix, enough_rows, usable


def _ordered_logit():
    """statsmodels' OrderedModel (logit link) with the log likelihood's derivatives in closed form.

    The stock model differentiates its log likelihood numerically, thousands of evaluations of
    ``scipy.stats.logistic`` per fit, which costs most of a second; the analytic score and Hessian below
    give the same estimates (tested against the stock model) many times faster, and exact standard errors.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class OrderedLogit(OrderedModel):
        def cdf(self, x):
            return expit(x)

        def pdf(self, x):
            p = expit(x)
            return p * (1 - p)

        def score(self, params):
            return _derivatives(self, params)[0]

        def hessian(self, params):
            return _derivatives(self, params)[1]

    return OrderedLogit


def _derivatives(model, params):
    """Score and Hessian of the ordered logit log likelihood at ``params`` = (slopes, first threshold, log
    increments of the others), statsmodels' parameterisation. For a row in category j the likelihood is
    ``F(u) - F(l)`` with ``u = c_j - x'b`` and ``l = c_{j-1} - x'b`` (F logistic; no u for the top category,
    no l for the bottom one)."""
    params = np.asarray(params, dtype=float)
    nth = model.k_levels - 1
    beta, a = params[:-nth], params[-nth:]
    X, y = np.asarray(model.exog, dtype=float), np.asarray(model.endog).astype(int)
    xb = X @ beta + (0.0 if getattr(model, "offset", None) is None else np.asarray(model.offset))
    steps = np.concatenate([[1.0], np.exp(a[1:])])
    c = np.cumsum(np.concatenate([[a[0]], steps[1:]]))
    dc = np.tril(np.ones((nth, nth))) * steps  # dc_m / da_j: 1 for j = 0, exp(a_j) for 1 <= j <= m
    dc[:, 0] = 1.0
    has_u, has_l = y < nth, y > 0
    iu, il = np.minimum(y, nth - 1), np.maximum(y - 1, 0)
    Fu = np.where(has_u, expit(np.where(has_u, c[iu] - xb, 0.0)), 1.0)
    Fl = np.where(has_l, expit(np.where(has_l, c[il] - xb, 0.0)), 0.0)
    fu, fl = Fu * (1 - Fu), Fl * (1 - Fl)
    P = Fu - Fl
    gu, gl = fu / P, -fl / P                                  # d log P / du and / dl
    Du = np.hstack([-X, dc[iu] * has_u[:, None]])             # du / d params
    Dl = np.hstack([-X, dc[il] * has_l[:, None]])
    score = Du.T @ gu + Dl.T @ gl
    huu = fu * (1 - 2 * Fu) / P - gu**2
    hll = -fl * (1 - 2 * Fl) / P - gl**2
    hul = -gu * gl
    H = (Du.T * huu) @ Du + (Dl.T * hll) @ Dl + (Du.T * hul) @ Dl + (Dl.T * hul) @ Du
    k = X.shape[1]
    for j in range(1, nth):  # d2 c_m / da_j^2 = exp(a_j) for m >= j
        H[k + j, k + j] += steps[j] * (gu[has_u & (iu >= j)].sum() + gl[has_l & (il >= j)].sum())
    return score, H


def ordered_outcome(data: pd.DataFrame, outcome: str, predictors, categories=None):
    """The checked rows, the outcome as an ordered Categorical, the design matrix (no constant), the
    categories in order and the rows left out."""
    predictors = V.names(predictors, "predictors")
    frame = V.frame(data)
    V.columns(frame, [outcome, *predictors])
    s = frame[outcome]
    if categories is None:
        if not (isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.ordered):
            raise ValueError(f"give categories (worst first), or pass {V.show(outcome)} as an ordered Categorical")
        categories = list(s.dtype.categories)
    categories = V.names(categories, "categories")
    if len(categories) < 2:
        raise ValueError(f"categories must list at least two ordered levels; got {categories}")
    labels = V.code_labels(s.astype(object))
    known = dict(zip(V.code_labels(pd.Series(categories, dtype=object)), categories))
    blank = labels.isna() | (labels == "")
    unknown = ~blank & ~labels.isin(list(known))
    if unknown.any():
        raise ValueError(f"column {V.show(outcome)} has value {V.show(s[unknown].iloc[0])} in "
                         f"{V._row(frame, unknown)}, not among the categories {categories}")
    df, excluded = usable(frame.assign(**{outcome: np.where(blank, np.nan, 0.0)}), numeric=[outcome],
                          factors=predictors)
    y = pd.Series(pd.Categorical(labels[df.index].map(known), categories=categories, ordered=True), index=df.index)
    absent = [c for c in categories if not (y == c).any()]
    if absent:
        raise ValueError(f"category {V.show(absent[0])} never occurs in the rows used; drop it from categories")
    X = design_matrix(df, predictors)
    V.full_rank(pd.concat([pd.Series(1.0, index=X.index, name="thresholds"), X], axis=1), "the ordinal model")
    enough_rows(len(df), X.shape[1] + len(categories) - 1, len(excluded))
    return y, X, categories, excluded


def fit_ordinal(data: pd.DataFrame, outcome: str, predictors, categories=None):
    """Ordered logit (statsmodels OrderedModel) of a rating with the given category order (worst first).

    ``logit P(y > j) = x'b - t_j``: one slope per predictor for every split (proportional odds), one
    threshold per split. ``categories`` may be omitted when the outcome is an ordered Categorical. Rows
    with a missing outcome or predictor are left out (``result.n_excluded``, ``result.excluded``); a rating
    outside the categories, a category that never occurs, or constant or collinear predictors are refused
    by name. Newton's method, with the analytic derivatives, runs until no parameter moves by more than
    1e-10; check the result with ``fit_problem``.
    """
    y, X, _, excluded = ordered_outcome(data, outcome, predictors, categories)
    result = _ordered_logit()(y, X, distr="logit").fit(method="newton", tol=1e-10, maxiter=100, disp=False)
    result.n_excluded, result.excluded = len(excluded), excluded
    return result


def _brant(fits: list, X: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Brant's Wald test that each slope is the same in every cumulative logit (and all at once)."""
    J, k = len(fits), X.shape[1]
    pis = [f.predict() for f in fits]
    inv = [np.linalg.inv((X * (p * (1 - p))[:, None]).T @ X) for p in pis]
    V_all = np.zeros((J * k, J * k))
    for m in range(J):
        for l in range(m, J):
            w = pis[l] - pis[m] * pis[l] if l > m else pis[m] * (1 - pis[m])
            block = inv[m] @ ((X * w[:, None]).T @ X) @ inv[l]
            V_all[m * k:(m + 1) * k, l * k:(l + 1) * k] = block
            V_all[l * k:(l + 1) * k, m * k:(m + 1) * k] = block.T
    beta = np.concatenate([f.params for f in fits])
    rows = []
    for label, cols in [("all predictors", list(range(1, k)))] + [(names[c], [c]) for c in range(1, k)]:
        idx = [m * k + c for m in range(J) for c in cols]
        b, Vs = beta[idx], V_all[np.ix_(idx, idx)]
        q = len(cols)
        D = np.zeros(((J - 1) * q, J * q))  # the first split's slopes against each other split's
        for m in range(1, J):
            D[(m - 1) * q:m * q, :q] = np.eye(q)
            D[(m - 1) * q:m * q, m * q:(m + 1) * q] = -np.eye(q)
        d = D @ b
        chi2 = float(d @ np.linalg.solve(D @ Vs @ D.T, d))
        rows.append({"term": label, "chi2": chi2, "df": (J - 1) * q, "p": float(stats.chi2.sf(chi2, (J - 1) * q))})
    return pd.DataFrame(rows)


def _separation(X: pd.DataFrame, above: np.ndarray, cat) -> None:
    """Refuse a 0/1 predictor whose rows (those with 1, or those with 0) all lie on one side of a split: that
    split's logit then has no finite estimate (complete separation)."""
    for col in X.columns:
        x = X[col].to_numpy()
        if not np.isin(x, (0.0, 1.0)).all():
            continue
        for value in (1.0, 0.0):
            side = above[x == value]
            if len(side) and side.min() == side.max():
                where = "above" if side[0] == 1 else "at or below"
                raise ValueError(f"predictor {V.show(col)}: every row with {col} = {value:g} is {where} "
                                 f"{V.show(cat)}, so the separate logit for that split has no finite estimate "
                                 f"(complete separation); leave the predictor out of the check or merge categories")


def proportional_odds_check(data: pd.DataFrame, outcome: str, predictors, categories=None,
                            alpha: float = 0.05) -> pd.DataFrame:
    """The slopes of separate binary logits for each split of an ordered outcome (``y`` above each category
    but the last), which the proportional-odds model assumes equal, with Brant's (1990) test.

    Returns
    -------
    DataFrame
        One row per split and predictor: ``split, term, estimate, se, ci_low, ci_high``;
        ``attrs["brant"]`` is the test, one ``{term, chi2, df, p}`` per predictor after all predictors at
        once (``pd.DataFrame(result.attrs["brant"])``), and ``attrs["n_excluded"]`` the rows left out.
    """
    alpha = V.level(alpha)
    y, X, categories, excluded = ordered_outcome(data, outcome, predictors, categories)
    Xc = X.copy()
    Xc.insert(0, "const", 1.0)
    codes = y.cat.codes.to_numpy()
    fits, rows = [], []
    for j, cat in enumerate(categories[:-1]):
        above = (codes > j).astype(float)
        if above.min() == above.max():
            raise ValueError(f"every row is on one side of {V.show(cat)}: that split has no contrast")
        _separation(X, above, cat)
        fit = Logit(above, Xc.to_numpy()).fit(method="newton", tol=1e-10, maxiter=100, disp=False)
        fits.append(fit)
        ci = fit.conf_int(alpha)
        for c, name in enumerate(Xc.columns[1:], start=1):
            rows.append({"split": f"above {cat}", "term": name, "estimate": float(fit.params[c]),
                         "se": float(fit.bse[c]), "ci_low": float(ci[c, 0]), "ci_high": float(ci[c, 1])})
    out = pd.DataFrame(rows)
    out.attrs["brant"] = _brant(fits, Xc.to_numpy(), list(Xc.columns)).to_dict("records")  # plain values: see fits.report
    out.attrs["converged"] = all(f.mle_retvals["converged"] for f in fits)
    out.attrs["n_excluded"], out.attrs["excluded"] = len(excluded), list(excluded)
    return out
