"""Counts with an exposure (MRSA cases per bed day, deaths against expected deaths): Poisson and negative
binomial (NB2) regressions with ``log(exposure)`` as offset, with model-based and cluster-robust errors.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

from . import validation as V
from .fits import design_matrix, enough_rows, usable


class CountFits(dict):
    """The fits of :func:`fit_counts` by name, with ``dispersion``, ``n_excluded`` and ``excluded``."""


def fit_counts(data: pd.DataFrame, count: str, exposure: str, predictors, cluster: str | None = None,
               negbin: bool = True) -> CountFits:
    """Poisson GLM and NB2 regression of a count with ``log(exposure)`` as offset.

    ``log E[count] = log(exposure) + x'b``; NB2 adds ``Var = mu + alpha mu^2``. With ``cluster`` (e.g. the
    trust of a trust-year) each model is also given errors robust to correlation within clusters and to a
    misspecified variance (``"poisson_cluster"``, ``"negbin_cluster"``): the model-based errors treat every
    row as independent. ``negbin=False`` fits Poisson only (for counts as large as deaths, where
    ``alpha mu^2`` is better handled by the robust errors). Rows with a missing value are left out and counted.

    Returns
    -------
    CountFits
        ``"poisson"``, ``"negbin"`` (and the ``_cluster`` fits) -> statsmodels results;
        ``.dispersion`` is Pearson chi2 / df of the Poisson fit (1 if the counts were Poisson).
        Both fits iterate until the deviance (Poisson) or the parameters (NB2, Newton) change by less
        than 1e-10; check each with ``fit_problem``. Where the counts are not overdispersed NB2's alpha
        runs to its boundary 0 and the fit is not identified: the numerical warnings statsmodels raises on
        the way (``invalid value encountered in log``) are caught, kept on the fit (``book_warnings``) and
        named by ``fit_problem``, not shown to the reader.

    Raises
    ------
    ValueError or KeyError
        A count that is not a whole number >= 0, an exposure that is not positive, constant or collinear
        predictors, a missing cluster, too few rows; each named.
    """
    predictors = V.names(predictors, "predictors")
    keys = [cluster] if cluster is not None else []
    df, excluded = usable(data, numeric=[count, exposure], factors=predictors, keys=keys)
    y = V.whole(df, count, df[count])
    expo = V.positive(df, exposure, df[exposure])
    X = design_matrix(df, predictors)
    X.insert(0, "const", 1.0)
    V.full_rank(X, "the count model")
    enough_rows(len(df), X.shape[1] + 1, len(excluded))
    out = CountFits()
    out["poisson"] = GLM(y, X, family=families.Poisson(), exposure=expo).fit(tol=1e-10)
    groups = pd.factorize(df[cluster].astype(str), sort=True)[0] if cluster is not None else None
    if cluster is not None:
        out["poisson_cluster"] = GLM(y, X, family=families.Poisson(), exposure=expo).fit(
            tol=1e-10, cov_type="cluster", cov_kwds={"groups": groups})
    if negbin:
        _fit_negbin(out, y, X, expo, groups)
    out.dispersion = float(out["poisson"].pearson_chi2 / out["poisson"].df_resid)
    out.n_excluded, out.excluded = len(excluded), excluded
    return out


def _fit_negbin(out: CountFits, y: pd.Series, X: pd.DataFrame, expo: pd.Series, groups) -> None:
    """NB2 by Newton from the Poisson fit (and its cluster-robust twin), into ``out``.

    The optimiser's numerical warnings (a log of a negative alpha on the way to the boundary, where
    NB2 is Poisson and not identified) are caught here rather than shown, and kept on each fit as
    ``book_warnings`` so that :func:`~book.methods.fits.fit_problem` can name them; the fits themselves
    are exactly those statsmodels returns.
    """
    mu = out["poisson"].fittedvalues.to_numpy()
    # start alpha at its moment estimate, E[(y - mu)^2 - y] = alpha mu^2 (a far start can step below zero)
    alpha0 = max(1e-4, float(np.mean(((y.to_numpy() - mu) ** 2 - y.to_numpy()) / mu**2)))
    nb = NegativeBinomial(y, X, exposure=expo, loglike_method="nb2")
    start = np.append(out["poisson"].params.to_numpy(), alpha0)
    fits = {"negbin": dict(start_params=start)}
    if groups is not None:
        fits["negbin_cluster"] = dict(cov_type="cluster", cov_kwds={"groups": groups})
    for name, kwds in fits.items():
        if name == "negbin_cluster":
            kwds["start_params"] = out["negbin"].params.to_numpy()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            res = nb.fit(method="newton", tol=1e-10, maxiter=100, disp=False, **kwds)
        res.book_warnings = sorted({str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)})
        out[name] = res
