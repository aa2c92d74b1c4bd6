"""Staff-survey measures and trust outcomes: the analyses of substudy 4c, reusable on other data.

Every function takes a plain pandas table (one row per trust, or per trust and year)
and returns either a tidy DataFrame (one row per estimate) or the fitting library's own
result object plus a ``tidy_*`` helper. :func:`fit_trust_model` is the chapter's main
trust-level model and checks its input for a reader's own table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
# submodules rather than statsmodels.api, which imports all of statsmodels
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import OLS
from statsmodels.regression.mixed_linear_model import MixedLM
from statsmodels.tools.tools import add_constant
from scipy import stats

#: Outcome-table columns of :func:`fit_trust_model`.
MODEL_COLUMNS = ["exposure", "outcome", "estimate", "se", "ci_low", "ci_high", "p", "std_slope",
                 "std_ci_low", "std_ci_high", "r", "n", "n_excluded"]
MIN_ROWS = 10
#: An iterative fit is reported only if a further Newton (Fisher-scoring) step would move no parameter
#: by more than this many standard errors: far below the three decimals shown.
STEP_TOL_SE = 1e-6


def fit_problem(result) -> str:
    """Why an iterative statsmodels fit cannot be reported, or ``""`` when it can.

    The optimiser must report convergence (each fit below sets a tolerance far below the
    displayed precision) and every standard error must be finite and positive: a singular
    information matrix, a parameter that is not identified, gives infinite or missing ones.
    """
    converged = getattr(result, "converged", None)  # GLM (IRLS) and MixedLM
    if converged is None:
        converged = result.mle_retvals["converged"]  # maximum likelihood (Newton)
    if not converged:
        return "did not converge"
    bse = np.asarray(result.bse, dtype=float)
    if not (np.isfinite(bse) & (bse > 0)).all():
        return "not identified (singular information matrix)"
    return ""


def _show(v) -> str:
    return repr(v.item() if hasattr(v, "item") else v)


def _numeric(df: pd.DataFrame, col: str) -> pd.Series:
    values = pd.to_numeric(df[col], errors="coerce")
    bad = values.isna() & df[col].notna()
    if bad.any():
        raise ValueError(f"column {col!r} has {int(bad.sum())} non-numeric value(s), first "
                         f"{_show(df.loc[bad, col].iloc[0])} at row {bad.idxmax()!r}")
    return values.astype(float)


def design_matrix(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Numeric columns as they are, text or categorical columns as 0/1 dummies (first level dropped)."""
    parts = []
    for col in columns:
        s = data[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            parts.append(s.astype(float).rename(col))
        else:
            dummies = pd.get_dummies(s.astype(str), prefix=col, prefix_sep="=", drop_first=True, dtype=float)
            parts.append(dummies)
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)


def fit_trust_model(data: pd.DataFrame, exposure: str, outcome: str, controls=(), log_outcome: bool = False,
                    alpha: float = 0.05) -> pd.DataFrame:
    """Regress an outcome on one exposure with controls (OLS) and return a one-row tidy table.

    This is the chapter's main trust-level model, e.g. log HSMR on staff engagement
    controlling for size and region. Rows with a missing value in any used column are
    dropped and counted in ``n_excluded``.

    Parameters
    ----------
    data : DataFrame
        One row per unit (trust).
    exposure, outcome : str
        Numeric columns.
    controls : sequence of str
        Control columns; numeric ones enter as they are, text ones as dummies.
    log_outcome : bool
        Model ``log(outcome)`` (the outcome must then be positive); the slope is then a
        log ratio per unit of exposure.
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    DataFrame
        One row: ``exposure, outcome, estimate, se, ci_low, ci_high, p`` (the exposure's
        slope), ``std_slope`` (slope x SD(exposure) / SD(outcome), both after any log and
        over the rows used) with its interval ``std_ci_low, std_ci_high`` (the slope's interval
        on the same scale), ``r`` (Pearson correlation of exposure and outcome), ``n`` and
        ``n_excluded``.

    Raises
    ------
    ValueError
        If a column is missing, holds a non-numeric value where a number is needed or a
        non-positive outcome with ``log_outcome``, or fewer than 10 complete rows (or too
        few for the number of parameters) remain.
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    controls = [controls] if isinstance(controls, str) else list(controls)
    used = [exposure, outcome, *controls]
    missing = [c for c in used if c not in data.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}; the table has {list(data.columns)}")
    if len(set(used)) < len(used):
        raise ValueError(f"exposure, outcome and controls must be different columns; got {used}")
    df = data[used].copy()
    for col in (exposure, outcome):
        df[col] = _numeric(df, col)
    complete = df.notna().all(axis=1)
    n_excluded = int((~complete).sum())
    df = df.loc[complete]
    y = df[outcome]
    if log_outcome:
        if (y <= 0).any():
            raise ValueError(f"column {outcome!r} must be positive to take logs; found {_show(y[y <= 0].iloc[0])}")
        y = np.log(y)
    X = add_constant(design_matrix(df, [exposure, *controls]), has_constant="add")
    if len(df) < max(MIN_ROWS, X.shape[1] + 2):
        raise ValueError(f"too few rows: {len(df)} complete row(s) (after excluding {n_excluded} with missing "
                         f"values) for {X.shape[1]} parameters; need at least {max(MIN_ROWS, X.shape[1] + 2)}")
    if df[exposure].std() == 0:
        raise ValueError(f"column {exposure!r} is constant; its slope cannot be estimated")
    if y.std() == 0:
        raise ValueError(f"column {outcome!r} is constant; there is nothing to explain")
    fit = OLS(y, X).fit()
    ci = fit.conf_int(alpha).loc[exposure]
    k = df[exposure].std() / y.std()  # slope -> standardised slope
    return pd.DataFrame([{
        "exposure": exposure, "outcome": f"log({outcome})" if log_outcome else outcome,
        "estimate": fit.params[exposure], "se": fit.bse[exposure], "ci_low": ci.iloc[0], "ci_high": ci.iloc[1],
        "p": fit.pvalues[exposure], "std_slope": fit.params[exposure] * k, "std_ci_low": ci.iloc[0] * k,
        "std_ci_high": ci.iloc[1] * k, "r": np.corrcoef(df[exposure], y)[0, 1], "n": len(df),
        "n_excluded": n_excluded,
    }], columns=MODEL_COLUMNS)


def high_vs_medium(data: pd.DataFrame, exposure: str = "engagement", outcome: str = "hsmr", by: str = "year",
                   cuts: tuple[float, float] = (1 / 3, 2 / 3)) -> pd.DataFrame:
    """Mean outcome of units with high vs medium exposure, within each ``by`` group and pooled.

    Within each group units are ranked on the exposure and split at the quantiles ``cuts``:
    below the first is low, between the two medium, above the second high. The default
    (tertiles) compares the top third with the middle third. Returns ``group, n_high, n_medium,
    mean_high, mean_medium, pct_difference`` (100 x (mean_high / mean_medium - 1)); the last row
    (``group = "pooled"``) pools every unit-group in the two bands.
    """
    lo, hi = cuts
    if not 0 < lo < hi < 1:
        raise ValueError(f"cuts must satisfy 0 < low < high < 1; got {cuts}")
    missing = [c for c in (by, exposure, outcome) if c not in data.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}")
    df = data[[by, exposure, outcome]].dropna()
    df = df.assign(band=df.groupby(by)[exposure].transform(lambda s: pd.qcut(s, [0, lo, hi, 1], labels=False)))
    rows = []
    for group, g in list(df.groupby(by)) + [("pooled", df)]:
        high, medium = g.loc[g["band"] == 2, outcome], g.loc[g["band"] == 1, outcome]
        rows.append({"group": str(group), "n_high": len(high), "n_medium": len(medium), "mean_high": high.mean(),
                     "mean_medium": medium.mean(), "pct_difference": 100 * (high.mean() / medium.mean() - 1)})
    return pd.DataFrame(rows)


def correlation_table(data: pd.DataFrame, staff: list[str], patient: list[str],
                      padjust: str = "holm") -> pd.DataFrame:
    """Pearson correlations of every staff measure with every patient measure (``pingouin.pairwise_corr``),
    with p values adjusted for multiplicity over the whole table (Holm by default).

    Each pair uses its complete rows. Returns ``staff_measure, patient_measure, n, r, ci_low,
    ci_high, p, p_adj`` (95% Fisher-z interval, unrounded).
    """
    import pingouin as pg

    missing = [c for c in [*staff, *patient] if c not in data.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}")
    res = pg.pairwise_corr(data[[*staff, *patient]].astype(float), columns=[list(staff), list(patient)],
                           method="pearson", padjust=padjust)
    half = stats.norm.ppf(0.975) / np.sqrt(res["n"].to_numpy() - 3)
    z = np.arctanh(res["r"].to_numpy())
    return pd.DataFrame({"staff_measure": res["X"], "patient_measure": res["Y"], "n": res["n"].astype(int),
                         "r": res["r"], "ci_low": np.tanh(z - half), "ci_high": np.tanh(z + half),
                         "p": res["p_unc"], "p_adj": res["p_corr"]})


# --- multilevel: HR practices -> engagement --------------------------------------------------------

def fit_multilevel(data: pd.DataFrame, outcome: str, predictors: list[str], group: str):
    """Random-intercept model (statsmodels MixedLM, REML) of respondents nested in trusts.

    The REML criterion is maximised until its gradient is below 1e-8 (statsmodels' default,
    1e-5, leaves the variance component uncertain in the fifth decimal); check the result
    with :func:`fit_problem`.
    """
    missing = [c for c in [outcome, *predictors, group] if c not in data.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}")
    X = add_constant(data[predictors].astype(float))
    return MixedLM(data[outcome].astype(float), X, groups=data[group]).fit(reml=True, gtol=1e-8)


def icc(result) -> float:
    """Intraclass correlation of a random-intercept MixedLM fit: var(trust) / (var(trust) + var(residual))."""
    tau2 = float(result.cov_re.iloc[0, 0])
    return tau2 / (tau2 + float(result.scale))


def icc_interval(data: pd.DataFrame, outcome: str, predictors: list[str], group: str,
                 alpha: float = 0.05) -> pd.Series:
    """ANOVA estimate and exact F-based confidence interval of the ICC (Searle 1971), balanced groups.

    The outcome is first adjusted for the predictors by pooled OLS; the one-way random-effects
    ANOVA of the residuals then gives ``icc, ci_low, ci_high, f, k_groups, n_per_group``.
    """
    sizes = data.groupby(group).size()
    if sizes.nunique() != 1:
        raise ValueError(f"icc_interval needs the same number of rows in every {group!r}; found "
                         f"{sizes.min()} to {sizes.max()}")
    X = add_constant(data[predictors].astype(float))
    resid = OLS(data[outcome].astype(float), X).fit().resid
    k, n = len(sizes), int(sizes.iloc[0])
    means = resid.groupby(data[group]).mean()
    msb = n * ((means - resid.mean()) ** 2).sum() / (k - 1)
    msw = ((resid - data[group].map(means)) ** 2).sum() / (k * (n - 1) - len(predictors))
    f = msb / msw
    df1, df2 = k - 1, k * (n - 1) - len(predictors)
    f_lo, f_hi = f / stats.f.ppf(1 - alpha / 2, df1, df2), f / stats.f.ppf(alpha / 2, df1, df2)
    return pd.Series({"icc": (f - 1) / (f + n - 1), "ci_low": (f_lo - 1) / (f_lo + n - 1),
                      "ci_high": (f_hi - 1) / (f_hi + n - 1), "f": f, "k_groups": k, "n_per_group": n})


def tidy(result, terms=None, alpha: float = 0.05) -> pd.DataFrame:
    """``term, estimate, se, ci_low, ci_high, p`` from a statsmodels result (selected terms)."""
    ci = result.conf_int(alpha)
    params = pd.Series(result.params)
    out = pd.DataFrame({"term": params.index, "estimate": params.to_numpy(),
                        "se": pd.Series(result.bse).to_numpy(),
                        "ci_low": np.asarray(ci)[:, 0], "ci_high": np.asarray(ci)[:, 1],
                        "p": pd.Series(result.pvalues).to_numpy()})
    return out if terms is None else out.set_index("term").loc[list(terms)].reset_index()


# --- ordinal logistic regression: Annual Health Check ratings -----------------------------------------

def _ordered_logit():
    """statsmodels' OrderedModel with the logistic cdf and pdf in closed form.

    The stock model evaluates ``scipy.stats.logistic`` thousands of times while it
    differentiates numerically, which costs most of a second per fit; ``expit`` gives
    the same values (and so the same estimates) several times faster.
    """
    from scipy.special import expit
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class OrderedLogit(OrderedModel):
        def cdf(self, x):
            return expit(x)

        def pdf(self, x):
            p = expit(x)
            return p * (1 - p)

    return OrderedLogit


def fit_ordinal(data: pd.DataFrame, outcome: str, predictors: list[str], categories: list[str]):
    """Ordered logit (statsmodels OrderedModel) of a rating with the given category order (worst first).

    Rows with a missing outcome or predictor are dropped; a rating outside ``categories``
    raises ``ValueError`` naming it. Newton's method runs until no parameter moves by more than
    1e-8 (the derivatives are numerical, so a tighter tolerance is not attainable); check the
    result with :func:`fit_problem`.
    """
    missing = [c for c in [outcome, *predictors] if c not in data.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}")
    df = data.dropna(subset=[outcome, *predictors])
    df = df[df[outcome] != ""]
    unknown = set(df[outcome]) - set(categories)
    if unknown:
        raise ValueError(f"column {outcome!r} has value(s) {sorted(unknown)} not among {categories}")
    y = pd.Series(pd.Categorical(df[outcome], categories=categories, ordered=True), index=df.index)
    X = design_matrix(df, predictors)
    return _ordered_logit()(y, X, distr="logit").fit(method="newton", tol=1e-8, maxiter=100, disp=False)


# --- counts: MRSA with bed days as exposure --------------------------------------------------------------

def fit_counts(data: pd.DataFrame, count: str, exposure: str, predictors: list[str]) -> dict:
    """Poisson GLM and NB2 regression of a count with ``log(exposure)`` as offset.

    Returns ``{"poisson": result, "negbin": result, "dispersion": Pearson chi2 / df of the Poisson fit}``.
    Both fits iterate until the deviance (Poisson) or the parameters (NB2, Newton) change by less
    than 1e-10; check each with :func:`fit_problem`.
    """
    df = data.dropna(subset=[count, exposure, *predictors])
    X = add_constant(design_matrix(df, predictors), has_constant="add")
    y, expo = df[count].astype(float), df[exposure].astype(float)
    poisson = GLM(y, X, family=families.Poisson(), exposure=expo).fit(tol=1e-10)
    start = np.append(poisson.params.to_numpy(), 0.1)
    negbin = NegativeBinomial(y, X, exposure=expo, loglike_method="nb2").fit(
        start_params=start, method="newton", tol=1e-10, maxiter=100, disp=False)
    return {"poisson": poisson, "negbin": negbin, "dispersion": poisson.pearson_chi2 / poisson.df_resid}


# --- panel models (linearmodels) -------------------------------------------------------------------------

def panel_models(data: pd.DataFrame, outcome: str, exposure: str, controls: list[str],
                 entity: str = "trust_id", time: str = "year", lag_outcome: bool = True) -> dict:
    """Pooled, between, random-effects and entity+time fixed-effects models of one outcome.

    ``data`` is one row per entity and time. Controls that do not vary within entities are
    absorbed by the fixed effects. With ``lag_outcome`` a pooled model with the previous
    year's outcome as a control is added (``"pooled_lag"``). Returns a dict of linearmodels results.
    """
    from linearmodels.panel import BetweenOLS, PanelOLS, PooledOLS, RandomEffects

    df = data.dropna(subset=[outcome, exposure]).sort_values([entity, time]).copy()
    df["prior"] = df.groupby(entity)[outcome].shift(1)
    years = pd.get_dummies(df[time].astype(str), prefix="year", prefix_sep="=", drop_first=True, dtype=float)
    X = pd.concat([design_matrix(df, [exposure, *controls]), years], axis=1)
    X.insert(0, "const", 1.0)
    idx = pd.MultiIndex.from_arrays([df[entity], df[time]])
    y = df[outcome].set_axis(idx)
    X = X.set_axis(idx)
    out = {
        "pooled": PooledOLS(y, X).fit(cov_type="clustered", cluster_entity=True),
        "between": BetweenOLS(y, X.drop(columns=list(years.columns))).fit(),
        "random": RandomEffects(y, X).fit(cov_type="clustered", cluster_entity=True),
        "fixed": PanelOLS(y, X[[exposure]], entity_effects=True, time_effects=True).fit(
            cov_type="clustered", cluster_entity=True),
    }
    if lag_outcome:
        keep = df["prior"].notna().to_numpy()
        Xl = X.loc[keep].assign(prior=df.loc[keep, "prior"].to_numpy())
        # the first year has no prior: drop its dummy's successor as the new reference year
        present = [c for c in years.columns if Xl[c].sum() > 0]
        Xl = Xl.drop(columns=[c for c in years.columns if c not in present[1:]])
        out["pooled_lag"] = PooledOLS(y.loc[keep], Xl).fit(cov_type="clustered", cluster_entity=True)
    return out


def tidy_panel(results: dict, term: str, alpha: float = 0.05) -> pd.DataFrame:
    """One row per panel model: ``model, estimate, se, ci_low, ci_high, n``, for ``term``."""
    rows = []
    for name, res in results.items():
        ci = res.conf_int(1 - alpha).loc[term]
        rows.append({"model": name, "estimate": res.params[term], "se": res.std_errors[term],
                     "ci_low": ci["lower"], "ci_high": ci["upper"], "n": int(res.nobs)})
    return pd.DataFrame(rows)


# --- latent growth curve (semopy) --------------------------------------------------------------------------

def growth_model_spec(years, centre: int, outcome: str = "outcome") -> str:
    """semopy syntax: linear latent growth (intercept at ``centre``) of ``y<year>`` predicting ``outcome``."""
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
    :func:`tidy_growth` undoes it. Returns the fitted ``semopy.Model``.
    """
    import semopy
    from semopy.solver import SolverResult
    from threadpoolctl import threadpool_limits

    df = wide[[f"y{y}" for y in years] + [outcome]].astype(float).copy()
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
    result = model.last_result
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


def tidy_growth(model, outcome: str = "outcome", alpha: float = 0.05) -> pd.DataFrame:
    """Effects of the latent intercept and slope on the outcome, per unit of the original measure.

    Returns ``term, estimate, se, ci_low, ci_high, p, problem``; when :func:`growth_problem`
    finds one, ``problem`` says what it is and the numbers are missing.
    """
    problem = growth_problem(model)
    if problem:
        return pd.DataFrame([{"term": term, "estimate": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                              "p": np.nan, "problem": problem} for term in ("intercept", "slope")])
    est = model.inspect()
    est = est[(est["lval"] == outcome) & (est["op"] == "~")].set_index("rval")
    scale = getattr(model, "_book_scale", 1.0)
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for term in ("intercept", "slope"):
        b, se = float(est.at[term, "Estimate"]) * scale, float(est.at[term, "Std. Err"]) * scale
        rows.append({"term": term, "estimate": b, "se": se, "ci_low": b - z * se, "ci_high": b + z * se,
                     "p": float(est.at[term, "p-value"]), "problem": ""})
    return pd.DataFrame(rows)
