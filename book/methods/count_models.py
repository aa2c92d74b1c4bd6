"""The count models behind :func:`book.methods.count_trends.count_trend`: Poisson (a GLM, or closed
form when the model has one rate per period), NB2 by maximum likelihood where the counts are
overdispersed, and the conditional (within-unit) Poisson model, for one table or many at once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

#: An NB2 fit whose alpha is below this is at the boundary 0 (where NB2 is Poisson): not identified.
ALPHA_MIN = 1e-4


@dataclass
class ClosedFormPoisson:
    """Poisson MLE of a saturated model, in closed form (GLM would divide by zero residual df)."""

    params: pd.Series
    bse: pd.Series
    pearson_chi2: float
    df_resid: int


def period_poisson(frame: pd.DataFrame, names: list[str]) -> ClosedFormPoisson:
    """One rate per period (``frame``: ``count, exposure, pidx``): the MLE is each period's total count over
    its total exposure, whatever the rows; ``names`` labels the periods."""
    pidx = frame["pidx"].to_numpy()
    count = np.bincount(pidx, weights=frame["count"].to_numpy(), minlength=len(names))
    exposure = np.bincount(pidx, weights=frame["exposure"].to_numpy(), minlength=len(names))
    zero = np.flatnonzero(count == 0)
    if len(zero):
        raise ValueError(f"period {names[zero[0]]!r} has no events at all: its rate ratio is 0 and has no Wald "
                         f"interval; use exact_rate_ratio, or merge periods")
    log_rate = np.log(count / exposure)
    index = ["const"] + names[1:]
    params = pd.Series(np.r_[log_rate[0], log_rate[1:] - log_rate[0]], index=index)
    inv = 1 / count
    bse = pd.Series(np.sqrt(np.r_[inv[0], inv[1:] + inv[0]]), index=index)
    mu = np.exp(log_rate)[pidx] * frame["exposure"].to_numpy()
    chi2 = float(((frame["count"].to_numpy() - mu) ** 2 / mu).sum())
    return ClosedFormPoisson(params, bse, chi2, len(frame) - len(names))


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


def poisson_loglike(y, mu) -> float:
    """Poisson log-likelihood of counts ``y`` at means ``mu``."""
    return float(np.sum(stats.poisson.logpmf(np.asarray(y, dtype=float), np.asarray(mu, dtype=float))))


def fit_negbin(y: pd.Series, X: pd.DataFrame, exposure: pd.Series, poisson_params,
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


def conditional_poisson(y, m, tol: float = 1e-10, maxiter: int = 100):
    """Within-unit (conditional Poisson) log rate ratios of each period against the first, for many
    tables at once.

    Given a unit's total, its counts are multinomial over its periods with probabilities
    proportional to ``exposure * exp(theta_period)`` (``theta_0 = 0``); the estimates and standard
    errors equal those of a Poisson model with one fixed effect per unit. A unit with no events adds
    nothing to the likelihood.

    Parameters
    ----------
    y, m : array (tables, units, periods)
        Counts and exposures (0 where a unit has no record in a period).

    Returns
    -------
    theta, se : array (tables, periods - 1)
        NaN for a table whose fit did not converge (e.g. a period with no events).
    converged : array of bool (tables,)
        Newton-Raphson steps all below ``tol`` within ``maxiter`` iterations.
    """
    y, m = np.asarray(y, dtype=float), np.asarray(m, dtype=float)
    s, _, k = y.shape
    m = np.broadcast_to(m, y.shape)
    n_b = y.sum(axis=2)
    theta = np.zeros((s, k))
    active = (y.sum(axis=1) > 0).all(axis=1)  # a period with no events has theta = -inf
    done = ~active
    settled = ~active  # done, with the Hessian taken at the final estimate: nothing left to compute
    eye = np.eye(k)[1:, 1:]
    hess = np.zeros((s, k - 1, k - 1))
    for _ in range(maxiter):
        rows = np.flatnonzero(~settled)  # only tables still moving are recomputed (same arithmetic per table)
        if not rows.size:
            break
        w = m[rows] * np.exp(theta[rows])[:, None, :]
        p = w / w.sum(axis=2, keepdims=True)
        nb = n_b[rows][:, :, None, None]
        grad = (y[rows] - n_b[rows][:, :, None] * p).sum(axis=1)[:, 1:]
        q = p[:, :, 1:, None]
        hess[rows] = -(nb * (q * eye - q * p[:, :, None, 1:])).sum(axis=1)
        settled[rows[done[rows]]] = True
        moving = ~done[rows]
        todo = rows[moving]
        if not todo.size:
            break
        step = np.linalg.solve(hess[todo], grad[moving][:, :, None])[:, :, 0]
        theta[todo, 1:] -= step
        done[todo[np.abs(step).max(axis=1) < tol]] = True
    converged = done & active
    se = np.full((s, k - 1), np.nan)
    if converged.any():
        se[converged] = np.sqrt(np.diagonal(np.linalg.inv(-hess[converged]), axis1=1, axis2=2))
    out = np.where(converged[:, None], theta[:, 1:], np.nan)
    return out, se, converged
