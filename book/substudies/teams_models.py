"""Clinical teams (substudy 5): the team-level models, on a table with one row per team.

Sector differences (team-level ANOVA, trust means, a random-intercept model for trusts), standardised
regressions of effectiveness with trust-clustered errors, relative importance with a trust-cluster
bootstrap, and the reflexivity and follow-up models. Each is an analysis of the team table alone; the
values the generator implies are added by :mod:`book.substudies.teams_truth`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats
from statsmodels.regression.linear_model import OLS

from ..methods import relative_importance as ri
from ..methods import reliability as rel
from ..simulate import teams as sim

PREDICTORS = sim.INPUTS + sim.PROCESSES
BLOCKS = {d: block for d, (block, _) in sim.DIMENSIONS.items()}
RATINGS = ("effectiveness", "leader_effectiveness", "external_effectiveness")
OUTCOME_LABELS = {"effectiveness": "members' rating", "leader_effectiveness": "leader's rating",
                  "external_effectiveness": "external rating", "innovation": "members' rating of innovation",
                  "fu_effectiveness": "members' rating 3 months later",
                  "fu_innovation": "members' rating of innovation 3 months later"}
CLUSTER = "trust_id"


def complete(teams: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, int]:
    """The teams with every one of ``cols``, and how many were left out."""
    missing = [c for c in cols if c not in teams.columns]
    if missing:
        raise KeyError(f"team table has no column(s) {missing}")
    ok = teams[cols].notna().all(axis=1)
    return teams[ok], int((~ok).sum())


# --- sectors --------------------------------------------------------------------------------------------
def sector_anova(teams: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """One-way ANOVA of team means by sector for each dimension (pingouin), Holm-adjusted over ``dims``.

    Columns: ``dimension, F, df1, df2, p, p_holm, np2`` (eta squared) and ``omega2`` (less biased).
    """
    rows = []
    for d in dims:
        a = pg.anova(data=teams, dv=d, between="sector", detailed=True)
        ssb, ssw = a.at[0, "SS"], a.at[1, "SS"]
        dfb, dfw = int(a.at[0, "DF"]), int(a.at[1, "DF"])
        msw = ssw / dfw
        rows.append({"dimension": d, "F": a.at[0, "F"], "df1": dfb, "df2": dfw, "p": a.at[0, "p_unc"],
                     "np2": a.at[0, "np2"], "omega2": (ssb - dfb * msw) / (ssb + ssw + msw)})
    out = pd.DataFrame(rows)
    out.insert(5, "p_holm", pg.multicomp(out["p"].to_numpy(), method="holm")[1])
    return out


def sector_posthoc(teams: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Tukey's pairwise comparisons of sectors on one dimension (pingouin), with Hedges' g."""
    out = pg.pairwise_tukey(data=teams, dv=dim, between="sector", effsize="hedges")
    return out.rename(columns={"A": "sector_a", "B": "sector_b", "mean_A": "mean_a", "mean_B": "mean_b"})[
        ["sector_a", "sector_b", "mean_a", "mean_b", "diff", "se", "p_tukey", "hedges"]]


def trust_level_anova(teams: pd.DataFrame, dim: str) -> pd.DataFrame:
    """The sector ANOVA on trust means: the test that respects teams' clustering in trusts."""
    trust = teams.groupby([CLUSTER, "sector"], as_index=False)[dim].mean()
    a = pg.anova(data=trust, dv=dim, between="sector", detailed=True)
    return pd.DataFrame([{"dimension": dim, "unit": "trust means", "F": a.at[0, "F"], "df1": int(a.at[0, "DF"]),
                          "df2": int(a.at[1, "DF"]), "p": a.at[0, "p_unc"], "np2": a.at[0, "np2"]}])


def sector_dummies(teams: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The team table with 0/1 columns for every sector but the first (acute, the reference)."""
    names = [f"sector_{s}" for s in sim.SECTORS[1:]]
    return teams.assign(**{n: (teams["sector"] == s).astype(float) for n, s in zip(names, sim.SECTORS[1:])}), names


def trust_design_effects(teams: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """What the teams' clustering in trusts costs a sector comparison, for each dimension.

    ``icc_trust``: ICC(1) of the team means by trust after removing the sector means (one-way ANOVA,
    :func:`book.methods.reliability.icc_anova`, with its interval), ``k0`` (teams per trust, adjusted) and
    the ``design_effect`` 1 + (k0 - 1) ICC: how many times a team-level test understates the variance of a
    sector mean (below 1 when the estimate is negative).
    """
    rows = []
    for d in dims:
        resid = teams[d] - teams.groupby("sector")[d].transform("mean")
        a = rel.icc_anova(pd.DataFrame({CLUSTER: teams[CLUSTER], d: resid}), CLUSTER, d).iloc[0]
        rows.append({"dimension": d, "icc_trust": a["icc1"], "icc_trust_ci_low": a["icc1_ci_low"],
                     "icc_trust_ci_high": a["icc1_ci_high"], "k0": a["k0"],
                     "design_effect": rel.design_effect(a["icc1"], a["k0"])})
    return pd.DataFrame(rows)


def _reml_score_at_zero(y: np.ndarray, X: np.ndarray, groups: np.ndarray) -> float:
    """Sign-carrying part of the REML score for the random-intercept variance at 0: positive when the
    likelihood rises as the variance leaves 0 (an interior estimate), otherwise the estimate is 0."""
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ beta
    n, p = X.shape
    sigma2 = float(e @ e) / (n - p)
    sums = np.bincount(groups, weights=e)
    col_sums = np.vstack([np.bincount(groups, weights=X[:, k]) for k in range(p)]).T
    leverage = np.einsum("jk,kl,jl->", col_sums, np.linalg.inv(X.T @ X), col_sums)
    return float((sums**2).sum() / sigma2 - n + leverage)


def sector_multilevel(teams: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Sector differences with trusts as random intercepts (statsmodels ``MixedLM``, REML).

    ``y ~ sector`` (acute the reference) with a random intercept per trust, where y is the team mean in
    tenths of its SD: statsmodels flags a variance below 0.01 as "on the boundary", a rule that depends on
    the unit, and in these units it means a trust share below 1 in 10,000. Returns the Wald test (3 df) of
    the sector terms, the trust variance's share of what the sectors leave unexplained (``icc_trust``) and
    ``problem``: "" when the fit can be reported. When the REML score at a trust variance of 0 is not
    positive, the estimate is on its boundary 0 and the model is the team-level regression: no fit is
    attempted and ``problem`` says so; a fit that does not converge, or that statsmodels flags, is reported
    as such with no numbers. The REML criterion is maximised by Nelder-Mead to a change below 1e-12 (the
    gradient methods stall on these data).
    """
    import warnings

    from statsmodels.regression.mixed_linear_model import MixedLM

    df, names = sector_dummies(teams)
    rows = []
    for d in dims:
        used = df.dropna(subset=[d])
        y = 10 * ((used[d] - used[d].mean()) / used[d].std()).to_numpy()
        X = np.column_stack([np.ones(len(used)), used[names].to_numpy()])
        groups = pd.factorize(used[CLUSTER], sort=True)[0]
        row = {"dimension": d, "chi2": np.nan, "df": len(names), "p": np.nan, "icc_trust": np.nan, "problem": ""}
        if _reml_score_at_zero(y, X, groups) <= 0:
            row["problem"] = "trust variance on its boundary 0: the model is the team-level regression"
            rows.append(row)
            continue
        with warnings.catch_warnings(record=True) as caught:  # recorded and reported as a failed fit, not hidden
            warnings.simplefilter("always")
            fit = MixedLM(y, X, groups=groups).fit(reml=True, method="nm", ftol=1e-12, maxiter=5000)
        flagged = [str(w.message) for w in caught]
        if not fit.converged or flagged or not np.isfinite(fit.bse).all():
            row["problem"] = "; ".join(flagged) or "did not converge"
        else:
            b, cov = np.asarray(fit.fe_params)[1:], np.asarray(fit.cov_params())[1:len(names) + 1, 1:len(names) + 1]
            chi2 = float(b @ np.linalg.solve(cov, b))
            tau2 = float(np.asarray(fit.cov_re)[0, 0])
            row.update(chi2=chi2, p=float(stats.chi2.sf(chi2, len(names))), icc_trust=tau2 / (tau2 + float(fit.scale)))
        rows.append(row)
    return pd.DataFrame(rows)


# --- effectiveness: standardised regressions ------------------------------------------------------------
def fit_standardised(teams: pd.DataFrame, outcome: str, predictors: list[str], cluster: str = CLUSTER):
    """OLS of the z-scored outcome on z-scored predictors, standard errors clustered by ``cluster``.

    The same fit as ``statsmodels.formula.api.ols`` on z-scores with ``cov_type="cluster"``. Returns the
    statsmodels result, with ``n_excluded`` (teams lacking a value) set on it.
    """
    df, excluded = complete(teams, [outcome, *predictors, cluster])
    cols = [outcome, *predictors]
    z = (df[cols] - df[cols].mean()) / df[cols].std()
    X = z[predictors].assign(Intercept=1.0)[["Intercept", *predictors]]
    res = OLS(z[outcome], X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(df[cluster])[0]})
    res.n_excluded = excluded
    return res


def regression_table(teams: pd.DataFrame, outcome: str = "effectiveness", predictors: list[str] | None = None,
                     cluster: str = CLUSTER) -> pd.DataFrame:
    """Standardised coefficients of ``outcome`` on ``predictors`` (default the 11 inputs and processes).

    Columns: ``outcome, predictor, block, std_beta, se, ci_low, ci_high, p`` (95% intervals, clustered).
    ``attrs``: ``r2``, ``n``, ``n_excluded``.
    """
    predictors = PREDICTORS if predictors is None else list(predictors)
    res = fit_standardised(teams, outcome, predictors, cluster)
    ci = res.conf_int()
    out = pd.DataFrame({"outcome": outcome, "predictor": predictors, "block": [BLOCKS.get(p, "") for p in predictors],
                        "std_beta": res.params[predictors].to_numpy(), "se": res.bse[predictors].to_numpy(),
                        "ci_low": ci.loc[predictors, 0].to_numpy(), "ci_high": ci.loc[predictors, 1].to_numpy(),
                        "p": res.pvalues[predictors].to_numpy()})
    out.attrs.update(r2=float(res.rsquared), n=int(res.nobs), n_excluded=res.n_excluded)
    return out


def block_tests(teams: pd.DataFrame, outcome: str = "effectiveness") -> pd.DataFrame:
    """Wald F tests (trust-clustered) that all input, or all process, coefficients are zero in the full model."""
    res = fit_standardised(teams, outcome, PREDICTORS)
    rows = []
    for block, cols in (("inputs", sim.INPUTS), ("processes", sim.PROCESSES)):
        test = res.f_test(" = 0, ".join(cols) + " = 0")
        rows.append({"outcome": outcome, "block": block, "n_coefficients": len(cols), "F": float(test.fvalue),
                     "df_num": int(test.df_num), "df_denom": int(test.df_denom), "p": float(test.pvalue)})
    return pd.DataFrame(rows)


def source_comparison(teams: pd.DataFrame) -> pd.DataFrame:
    """R^2 of the 11 inputs and processes for each rating of effectiveness: ``outcome, rated_by, n, r2``."""
    rows = []
    for outcome in RATINGS:
        t = regression_table(teams, outcome)
        rows.append({"outcome": outcome, "rated_by": OUTCOME_LABELS[outcome], "n": t.attrs["n"], "r2": t.attrs["r2"]})
    return pd.DataFrame(rows)


def reflexivity_table(teams: pd.DataFrame) -> pd.DataFrame:
    """Standardised slope (= correlation) of each outcome on team reflexivity alone: effectiveness rated by
    members, leader and external rater, and members' rating of innovation. Columns as
    :func:`regression_table`, with ``rated_by`` and ``n``."""
    parts = []
    for outcome in (*RATINGS, "innovation"):
        t = regression_table(teams, outcome, ["reflexivity"])
        parts.append(t.assign(rated_by=OUTCOME_LABELS[outcome], n=t.attrs["n"]))
    return pd.concat(parts, ignore_index=True).drop(columns="block")


def lagged_table(teams: pd.DataFrame) -> pd.DataFrame:
    """Follow-up (3 months) effectiveness and innovation on baseline reflexivity, controlling for the
    baseline outcome: teams followed up only, standardised coefficients with trust-clustered intervals."""
    fu = teams[teams["n_followup"] > 0]
    parts = []
    for outcome, own in (("fu_effectiveness", "effectiveness"), ("fu_innovation", "innovation")):
        t = regression_table(fu, outcome, [own, "reflexivity"])
        parts.append(t.assign(n=t.attrs["n"]))
    return pd.concat(parts, ignore_index=True).drop(columns="block")


# --- relative importance ------------------------------------------------------------------------------------
def importance_table(teams: pd.DataFrame, outcome: str = "effectiveness") -> pd.DataFrame:
    """General dominance weights and Johnson's relative weights of the 11 inputs and processes.

    Columns: ``predictor, general_dominance, share, rank, relative_weight``, sorted by rank (ties in the
    predictors' order). ``attrs``: ``r2``, ``n``.
    """
    df, _ = complete(teams, [outcome, *PREDICTORS])
    dom = ri.dominance_analysis(df, outcome, PREDICTORS)
    out = dom.assign(relative_weight=ri.relative_weights(df, outcome, PREDICTORS)["raw_weight"].to_numpy())
    out.attrs.update(r2=dom.attrs["r2"], n=len(df))
    return out.sort_values("rank", kind="stable", ignore_index=True)


def importance_bootstrap(teams: pd.DataFrame, outcome: str, rng: np.random.Generator, n_boot: int,
                         cluster: str | None = CLUSTER) -> pd.DataFrame:
    """Bootstrap of the general dominance weights, resampling whole trusts (``cluster``): the weights with
    95% intervals, in rank order, and in ``attrs`` the resamples (for :func:`book.methods.relative_importance
    .rank_table` and :func:`~book.methods.relative_importance.weight_differences`)."""
    df, _ = complete(teams, [outcome, *PREDICTORS, CLUSTER])
    return ri.bootstrap_dominance(df, outcome, PREDICTORS, rng, n_boot=n_boot, cluster=cluster)


__all__ = ["PREDICTORS", "BLOCKS", "RATINGS", "OUTCOME_LABELS", "CLUSTER", "complete", "sector_anova", "sector_posthoc",
           "trust_level_anova", "sector_dummies", "trust_design_effects", "sector_multilevel", "fit_standardised",
           "regression_table", "block_tests", "source_comparison", "reflexivity_table", "lagged_table",
           "importance_table", "importance_bootstrap"]
