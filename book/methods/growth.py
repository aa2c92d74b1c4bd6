"""Latent growth curve (semopy): each unit's repeated measures as a latent level and a latent linear slope,
both predicting an outcome, fitted by maximum likelihood with its convergence, propriety and fit checked.

``y_t = intercept + (t - centre) slope + e_t`` for each unit, and ``outcome = b_I intercept + b_S slope + u``,
with the last measure's residual allowed to covary with the outcome's (the same year's shock can move both).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import validation as V

#: An iterative fit is reported only if a further Fisher-scoring step would move no parameter by more than
#: this many standard errors: far below the three decimals shown.
STEP_TOL_SE = 1e-6


def _waves(years) -> list[int]:
    """The waves as whole numbers (numeric text such as '2005' is read as a number), refused by value."""
    out = []
    for y in V.names(list(years) if isinstance(years, (list, tuple, range, np.ndarray, pd.Index, pd.Series))
                     else years, "years"):
        number = y
        if isinstance(y, str):
            try:
                number = float(y.strip())
            except ValueError:
                number = None
        if number is None or isinstance(number, (bool, np.bool_)) or not isinstance(number, (int, float, np.number)) \
                or not np.isfinite(float(number)) or float(number) % 1 != 0:
            raise ValueError(f"years must be whole numbers (the waves, e.g. [2005, 2006, 2007]); {V.show(y)} is not")
        out.append(int(number))
    return out


def _centre(centre):
    """The year at which the intercept is placed: a finite number, kept as given (the spec prints it)."""
    V.finite_number(centre, "centre")
    return centre


def growth_model_spec(years, centre: int, outcome: str = "outcome") -> str:
    """semopy syntax: linear latent growth (intercept at ``centre``) of ``y<year>`` predicting ``outcome``.

    ``years`` are whole numbers (or numeric text); ``centre`` a finite number; ``outcome`` one column name."""
    years, centre = _waves(years), _centre(centre)
    if not isinstance(outcome, str) or not outcome.strip():
        raise ValueError(f"outcome must be one column name, not {V.show(outcome)}")
    ind = [f"y{y}" for y in years]
    return "\n".join([
        "intercept =~ " + " + ".join(f"1*{v}" for v in ind),
        "slope =~ " + " + ".join(f"{y - centre}*{v}" for y, v in zip(years, ind)),
        f"{outcome} ~ intercept + slope",
        f"{ind[-1]} ~~ {outcome}",
        "intercept ~~ slope",
    ])


def fit_growth(wide: pd.DataFrame, years, centre: int, outcome: str = "outcome", scale: float = 10.0):
    """Fit the latent growth model on one row per unit with columns ``y<year>`` and ``outcome``.

    Maximum likelihood (semopy's model and Wishart objective) by Fisher scoring from semopy's start
    values, until a step would move no parameter by more than ``SCORING_TOL_SE`` standard errors.
    semopy's own optimiser (SLSQP) stops on the change in the objective, which is flat at the
    optimum, so its estimates can still move in the third decimal, and where it stops (or whether it
    fails) depends on the machine. Variances are not bounded: an improper solution shows as a
    negative variance, which :func:`growth_problem` reports. The repeated measures are multiplied by
    ``scale`` (engagement differences of a few hundredths would otherwise make the variances tiny);
    :func:`tidy_growth` undoes it. Units with a missing value are left out (``model.n_excluded``).
    Returns the fitted ``semopy.Model``.
    """
    import semopy
    from semopy.solver import SolverResult
    from threadpoolctl import threadpool_limits

    from .fits import usable

    years, centre = _waves(years), _centre(centre)
    if len(years) < 3:
        raise ValueError(f"a linear growth curve with a free residual per wave needs at least 3 waves; got {years}")
    if not (isinstance(scale, (int, float)) and scale > 0):
        raise ValueError(f"scale must be a positive number, not {V.show(scale)}")
    cols = [f"y{y}" for y in years] + [outcome]
    df, excluded = usable(wide, numeric=cols)
    for col in cols:
        V.distinct(df[col], f"column {V.show(col)}")
    if len(df) < 2 * len(cols):
        raise ValueError(f"too few units: {len(df)} complete (after leaving out {len(excluded)}) for "
                         f"{len(cols)} variables; need at least {2 * len(cols)}")
    df = df[cols].copy()
    for y in years:
        df[f"y{y}"] = df[f"y{y}"] * scale
    model = semopy.Model(growth_model_spec(years, centre, outcome))
    model.load(df)
    # each step factors 6 x 6 matrices: waking BLAS threads for them costs many times the work on a busy machine
    with threadpool_limits(limits=1, user_api="blas"):
        x, n_it, message = _fisher_scoring(model, np.asarray(model.param_vals, dtype=float))
    fun, _ = model.get_objective("MLW")
    model.param_vals = x
    model.update_matrices(x)
    model.last_result = SolverResult(fun=fun(x), success=message == "converged", n_it=n_it, x=x, message=message,
                                     name_method="Fisher scoring", name_obj="MLW")
    model._book_scale = scale
    model.n_excluded, model.excluded = len(excluded), excluded
    return model


#: Fisher scoring stops when a step would move no parameter by more than this many standard errors.
SCORING_TOL_SE = 1e-9


def _scoring_step(model, x):
    """(Fisher-scoring step, standard errors) of a semopy model at ``x``, or None where they do not exist
    (implied covariance or information matrix not positive definite)."""
    _, grad = model.get_objective("MLW")
    g = grad(x)  # also sets the model's matrices to x
    if not _positive_definite(model.calc_sigma()[0]):
        return None
    fim = model.calc_fim()
    if not (np.isfinite(fim).all() and _positive_definite(fim)):
        return None
    fim_inv = np.linalg.inv(fim)
    return -(model.n_samples / 2) * fim_inv @ g, np.sqrt(np.diag(fim_inv))  # log likelihood = -n/2 x MLW


def _fisher_scoring(model, x, max_steps: int = 200):
    """Maximise the likelihood from ``x``; returns ``(x, steps taken, "converged" or why not)``.

    Far from the optimum a step is halved until the objective falls; close to it (steps under
    1e-3 standard errors) the objective is flat to machine precision, so full steps are taken.
    """
    fun, _ = model.get_objective("MLW")
    f = fun(x)
    for k in range(max_steps):
        scoring = _scoring_step(model, x)
        if scoring is None:
            return x, k, "implied covariance or information matrix not positive definite"
        step, se = scoring
        size = float(np.max(np.abs(step) / se))
        if size < SCORING_TOL_SE:
            return x, k, "converged"
        t = 1.0
        while size > 1e-3 and not fun(x + t * step) < f:
            t /= 2
            if t < 1e-10:
                return x, k, "no step lowers the objective"
        x = x + t * step
        f = fun(x)
    return x, max_steps, f"not converged after {max_steps} scoring steps"


def _positive_definite(m: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(m)
    except np.linalg.LinAlgError:
        return False
    return True


def growth_problem(model) -> str:
    """Why a fitted latent growth model cannot be reported, or ``""`` when it can.

    In the order checked: the optimiser did not converge; the implied covariance is not positive
    definite; a variance is negative or zero (below 1e-8 of the largest sample variance) or the
    latent or the residual covariance matrix is not positive definite (Heywood cases: a correlation
    beyond +-1); the information matrix is singular (the model is not identified by these data); or
    a further Fisher-scoring step would still move some parameter by more than ``STEP_TOL_SE``
    standard errors.
    """
    result = _fitted(model).last_result
    if not result.success:
        return f"did not converge ({result.message})"
    sigma, _ = model.calc_sigma()
    if not _positive_definite(sigma):
        return "implied covariance not positive definite"
    tol = 1e-8 * float(np.max(np.diag(model.mx_cov)))
    for label, m, names in (("latent", model.mx_psi, model.names_psi[0]),
                            ("residual", model.mx_theta, model.names_theta[0])):
        var = np.diag(m)
        if (var <= tol).any():
            k = int(np.argmax(var <= tol))
            return f"Heywood case: {label} variance of {names[k]} is {'negative' if var[k] < 0 else 'zero'}"
        if not _positive_definite(m / np.sqrt(np.outer(var, var))):
            return f"Heywood case: {label} covariance matrix not positive definite (a correlation beyond +-1)"
    scoring = _scoring_step(model, model.param_vals)
    if scoring is None:
        return "not identified (singular information matrix)"
    if np.max(np.abs(scoring[0]) / scoring[1]) > STEP_TOL_SE:
        return "did not converge (a further scoring step would move the estimates)"
    return ""


def _fitted(model):
    """``model`` itself, which must be a semopy model fitted by :func:`fit_growth`."""
    if not (hasattr(model, "last_result") and hasattr(model, "calc_sigma")):
        raise TypeError(f"model must be a semopy Model fitted by fit_growth, not {type(model).__name__}")
    return model


def tidy_growth(model, outcome: str = "outcome", alpha: float = 0.05) -> pd.DataFrame:
    """Effects of the latent intercept and slope on the outcome, per unit of the original measure.

    Returns ``term, estimate, se, ci_low, ci_high, p, problem``; when :func:`growth_problem`
    finds one, ``problem`` says what it is and the numbers are missing.
    """
    z = stats.norm.ppf(1 - V.level(alpha) / 2)
    if not isinstance(outcome, str):
        raise ValueError(f"outcome must be one column name, not {V.show(outcome)}")
    problem = growth_problem(model)
    if problem:
        return pd.DataFrame([{"term": term, "estimate": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                              "p": np.nan, "problem": problem} for term in ("intercept", "slope")])
    est = model.inspect()
    regressions = est[(est["op"] == "~") & (est["Std. Err"].astype(str) != "-")]  # not the fixed loadings
    est = regressions[regressions["lval"] == outcome].set_index("rval")
    if not {"intercept", "slope"} <= set(est.index):
        raise KeyError(f"the model has no outcome {V.show(outcome)} regressed on the intercept and slope; its "
                       f"outcome is {V.show(regressions['lval'].iloc[0]) if len(regressions) else 'not found'}")
    scale = getattr(model, "_book_scale", 1.0)
    rows = []
    for term in ("intercept", "slope"):
        b, se = float(est.at[term, "Estimate"]) * scale, float(est.at[term, "Std. Err"]) * scale
        rows.append({"term": term, "estimate": b, "se": se, "ci_low": b - z * se, "ci_high": b + z * se,
                     "p": float(est.at[term, "p-value"]), "problem": ""})
    return pd.DataFrame(rows)


def growth_fit_indices(model) -> pd.DataFrame:
    """Global fit of a fitted growth model: ``chi2, df, p, cfi, tli, rmsea`` in one row, from
    ``semopy.calc_stats``. The chi-square tests the model's implied covariance against the sample's; CFI is
    ``1 - max(chi2 - df, 0) / max(chi2_base - df_base, chi2 - df, 0)`` (Bentler's definition, at most 1:
    semopy's own omits the bounds), TLI is not bounded; CFI and TLI near 1 and RMSEA below about 0.06 are the
    usual marks of close fit (Hu and Bentler 1999). Missing when the fit has a problem (:func:`growth_problem`)."""
    import semopy

    problem = growth_problem(model)
    keys = ["chi2", "df", "p", "cfi", "tli", "rmsea"]
    if problem:
        return pd.DataFrame([{**{k: np.nan for k in keys}, "problem": problem}])
    st = semopy.calc_stats(model).iloc[0]
    chi2, df = float(st["chi2"]), int(st["DoF"])
    excess, base = max(chi2 - df, 0.0), max(float(st["chi2 Baseline"]) - float(st["DoF Baseline"]), chi2 - df, 0.0)
    cfi = 1.0 - excess / base if base > 0 else 1.0
    return pd.DataFrame([{"chi2": chi2, "df": df, "p": float(st["chi2 p-value"]), "cfi": cfi, "tli": float(st["TLI"]),
                          "rmsea": float(st["RMSEA"]), "problem": ""}])
