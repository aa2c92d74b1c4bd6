"""Clinical teams (substudy 5): the innovations coded from the open-ended answers.

Counts by category and tests of the published order; the two experts' agreement on each innovation's
magnitude; and a count model of each team's innovations, with its exposure justified (the answers to the
innovation question, checked by entering its log as a covariate), its dispersion reported and its
standard errors clustered by trust.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

from ..methods import reliability as rel
from ..methods.fits import fit_problem
from ..simulate import teams as sim
from .teams_aggregation import at

EXPOSURE = "n_innovation_answers"
CLUSTER = "trust_id"


def innovation_counts(innovations: pd.DataFrame, categories=sim.CATEGORIES) -> pd.DataFrame:
    """Coded innovations by category, in the published order: ``category, n, share``."""
    counts = innovations["category"].value_counts().reindex(list(categories), fill_value=0)
    return pd.DataFrame({"category": counts.index, "n": counts.to_numpy(), "share": counts.to_numpy() / counts.sum()})


def ordering_test(counts: pd.DataFrame) -> pd.DataFrame:
    """Tests of the published order (each category more frequent than the next).

    For each adjacent pair, an exact one-sided binomial test that the first category holds more than
    half of the two categories' innovations; p values Holm-adjusted. A final row gives the chi-squared
    test of equal shares across all categories.
    """
    if list(counts.columns[:2]) != ["category", "n"]:
        raise ValueError("counts must start with the columns 'category' and 'n'")
    pairs = counts[["category", "n"]].to_numpy()
    rows = []
    for (a, na), (b, nb) in zip(pairs[:-1], pairs[1:]):
        test = stats.binomtest(int(na), int(na + nb), 0.5, alternative="greater")
        rows.append({"test": f"{a} > {b}", "statistic": int(na), "n": int(na + nb), "p": test.pvalue})
    out = pd.DataFrame(rows)
    out["p_holm"] = pg.multicomp(out["p"].to_numpy(), method="holm")[1]
    chi = stats.chisquare(counts["n"].to_numpy())
    out.loc[len(out)] = {"test": f"equal shares (chi-squared, df = {len(counts) - 1})", "statistic": float(chi.statistic),
                         "n": int(counts["n"].sum()), "p": float(chi.pvalue), "p_holm": np.nan}
    return out.reset_index(drop=True)


def expert_agreement(innovations: pd.DataFrame, raters=("expert_1", "expert_2")) -> pd.DataFrame:
    """Agreement of the experts' magnitude ratings (two-way random, absolute agreement:
    :func:`book.methods.reliability.icc_absolute_agreement`): ``type, meaning, icc, ci_low, ci_high``."""
    icc = rel.icc_absolute_agreement(innovations[list(raters)])
    return pd.DataFrame({"type": ["ICC(A,1)", "ICC(A,k)"],
                         "meaning": ["one expert's rating", f"mean of the {len(raters)} experts' ratings"],
                         "icc": [icc["icc"], icc["icc_k"]], "ci_low": [icc["ci_low"], icc["icc_k_ci_low"]],
                         "ci_high": [icc["ci_high"], icc["icc_k_ci_high"]]})


def _count_data(teams: pd.DataFrame, predictor: str, exposure: str) -> pd.DataFrame:
    df = teams[teams[exposure] > 0].copy()
    df[f"{predictor}_z"] = (df[predictor] - df[predictor].mean()) / df[predictor].std()
    df["log_exposure"] = np.log(df[exposure])
    return df


def innovation_count_model(teams: pd.DataFrame, predictor: str = "reflexivity", exposure: str = EXPOSURE,
                           cluster: str = CLUSTER):
    """Poisson GLM of a team's coded innovations on its ``predictor`` (z-scored), with ``log(exposure)`` as
    offset and standard errors clustered by trust; teams with some exposure only.

    The model says innovations are proportional to the exposure: each answer to the innovation question
    is a chance to describe one (an answer about frustration or resilience is not). IRLS stops when the
    deviance changes by less than 1e-10. Fields set on the result: ``pearson_dispersion`` (Pearson
    chi-squared / df, 1 under the Poisson model) and ``problem`` ("" when the fit can be reported).
    """
    df = _count_data(teams, predictor, exposure)
    model = GLM.from_formula(f"n_innovations ~ {predictor}_z", data=df, family=families.Poisson(),
                             offset=df["log_exposure"])
    fit = model.fit(tol=1e-10, maxiter=100, cov_type="cluster", cov_kwds={"groups": pd.factorize(df[cluster])[0]})
    fit.pearson_dispersion = float(fit.pearson_chi2 / fit.df_resid)
    fit.problem = fit_problem(fit)
    return fit


def innovation_count_table(fit) -> pd.DataFrame:
    """:func:`innovation_count_model`'s result as a table: ``term, estimate, ci_low, ci_high, p``.

    Rows: the baseline rate (innovations per innovation answer at the average predictor) and the rate
    ratio per SD of the predictor. ``attrs``: ``converged``, ``problem``, ``dispersion``, ``n``; a fit that
    cannot be reported gives no numbers (every estimate missing).
    """
    ci = fit.conf_int()
    predictor = fit.params.index[1].removesuffix("_z")
    out = pd.DataFrame({"term": ["innovations per innovation answer (average team)",
                                 f"rate ratio per SD of {sim.LABELS.get(predictor, predictor)}"],
                        "estimate": np.exp(fit.params.to_numpy()), "ci_low": np.exp(ci[0].to_numpy()),
                        "ci_high": np.exp(ci[1].to_numpy()), "p": fit.pvalues.to_numpy()})
    if fit.problem:
        out[["estimate", "ci_low", "ci_high", "p"]] = np.nan
    out.attrs.update(converged=not fit.problem, problem=fit.problem, dispersion=fit.pearson_dispersion, n=int(fit.nobs))
    return out


def exposure_check(teams: pd.DataFrame, exposures=(EXPOSURE, "n_open_answers"), predictor: str = "reflexivity",
                   cluster: str = CLUSTER) -> pd.DataFrame:
    """Does a count grow in proportion to its exposure? The same Poisson model with ``log(exposure)`` as a
    covariate instead of an offset: an offset is justified when its coefficient is near 1.

    One row per candidate exposure: ``exposure, coefficient, ci_low, ci_high, one_inside`` (1 inside the
    95% interval), ``dispersion``, ``n`` and ``problem``.
    """
    rows = []
    for exposure in exposures:
        df = _count_data(teams, predictor, exposure)
        fit = GLM.from_formula(f"n_innovations ~ {predictor}_z + log_exposure", data=df,
                               family=families.Poisson()).fit(tol=1e-10, maxiter=100, cov_type="cluster",
                                                              cov_kwds={"groups": pd.factorize(df[cluster])[0]})
        problem = fit_problem(fit)
        lo, hi = fit.conf_int().loc["log_exposure"]
        rows.append({"exposure": exposure, "coefficient": fit.params["log_exposure"], "ci_low": lo, "ci_high": hi,
                     "one_inside": bool(at(lo) <= 1 <= at(hi)), "dispersion": float(fit.pearson_chi2 / fit.df_resid),
                     "n": int(fit.nobs), "problem": problem})
    out = pd.DataFrame(rows)
    out.loc[out["problem"] != "", ["coefficient", "ci_low", "ci_high", "dispersion"]] = np.nan
    return out


__all__ = ["EXPOSURE", "innovation_counts", "ordering_test", "expert_agreement", "innovation_count_model",
           "innovation_count_table", "exposure_check"]
