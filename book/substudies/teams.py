"""The clinical-teams chapter's analyses (substudy 5) in one place, so chapter, tests and scorecard agree.

Each function takes the datasets of :func:`book.simulate.teams.teaching_data` (or a
table built from them) and returns a tidy DataFrame; where the generator's model
says what an estimate should be, the table carries it beside the estimate:
``built_in`` (what perfect measurement would give) and ``expected`` (what the
estimator converges to with this design's measurement: respondents' error, the
shared halo, rounding), both from :func:`book.simulate.teams.implied_covariance`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
# submodules rather than statsmodels.api / formula.api, which import all of statsmodels (~2 s)
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from scipy import stats

from ..data import published
from ..methods import aggregation as ta
from ..methods import relative_importance as ri
from ..methods import reliability as rel
from ..simulate import teams as sim
from .claims import LEGACY_COLUMNS as COLUMNS, status  # the earlier form, until claims() gives kinds

DIMS = list(sim.DIMENSIONS)
PREDICTORS = sim.INPUTS + sim.PROCESSES
FU = [f"fu_{d}" for d in sim.FOLLOWUP_DIMENSIONS]
#: Readings of the paper's words, stated on the scorecard.
LOW_KAPPA = 0.40         # "low agreement": mean Fleiss kappa below "moderate" (Landis & Koch)
OFTEN = 1 / 3            # "often": at least a third of leaders
KEY_TOP = 4              # "key": among the four largest general dominance weights of 11
ALPHA = 0.05             # significance level of every test the scorecard reads
#: Decimals at which estimates are compared with a threshold or an interval: far finer than anything
#: shown, far coarser than the last bits in which BLAS kernels differ, so a verdict is the same on every
#: machine (and an exact tie, such as a share of exactly 0.70, is judged on its exact value).
DECISION_DECIMALS = 10


def _at(x):
    """``x`` rounded to :data:`DECISION_DECIMALS`, for comparisons."""
    return np.round(x, DECISION_DECIMALS)


def scales() -> dict[str, list[str]]:
    """Dimension -> its item columns."""
    return {d: sim.item_columns(d) for d in DIMS}


def respondent_scores(data: dict) -> pd.DataFrame:
    """Each baseline respondent's 16 scale scores (``respondent_id, team_id`` + dimensions)."""
    return ta.scale_scores(data["responses"], scales(), keep=["respondent_id", "team_id"])


def team_table(data: dict) -> pd.DataFrame:
    """One row per team: trust, sector, respondents, the 16 team means, leader and external ratings,
    follow-up means (``fu_*``, missing if not followed up), innovations and open-ended answers."""
    scores = respondent_scores(data)
    means = ta.team_means(scores, "team_id", DIMS).rename(columns={"n": "n_baseline"})
    teams = data["teams"][["team_id", "trust_id", "sector", "leader_identified", "leader_effectiveness",
                           "external_effectiveness"]]
    out = teams.merge(means, on="team_id", how="left")
    fu_scores = ta.scale_scores(data["followup"], {f"fu_{d}": sim.item_columns(d) for d in sim.FOLLOWUP_DIMENSIONS},
                                keep=["team_id"])
    fu = ta.team_means(fu_scores, "team_id", FU).rename(columns={"n": "n_followup"})
    out = out.merge(fu, on="team_id", how="left")
    out["n_followup"] = out["n_followup"].fillna(0).astype(int)
    answers = data["open_responses"].groupby("team_id").size().rename("n_open_answers")
    innovs = data["innovations"].groupby("team_id").size().rename("n_innovations")
    out = out.join(answers, on="team_id").join(innovs, on="team_id")
    out["n_open_answers"] = out["n_open_answers"].fillna(0).astype(int)
    out["n_innovations"] = out["n_innovations"].fillna(0).astype(int)
    for c in ("leader_effectiveness", "external_effectiveness"):
        out[c] = out[c].astype(float)
    return out


def design_counts(data: dict) -> pd.DataFrame:
    """The counts Table 1 and the Results print, recomputed from the data: ``claim_id, published, reproduced``."""
    teams, resp, fu, op = data["teams"], data["responses"], data["followup"], data["open_responses"]
    by_sector = teams.drop_duplicates("trust_id")["sector"].value_counts()
    got = {
        "teams": teams["team_id"].nunique(), "team_responses": len(resp),
        "team_trusts": teams["trust_id"].nunique(),
        **{sim.SECTOR_COUNT_IDS[s]: int(by_sector.get(s, 0)) for s in sim.SECTORS},
        "teams_followup": fu["team_id"].nunique(), "team_followup_individuals": fu["respondent_id"].nunique(),
        "team_open_responses": len(op), "team_open_teams": op["team_id"].nunique(),
        "team_innovations": data["innovations"]["innovation_id"].nunique(),
    }
    counts = published.text_counts()
    return pd.DataFrame([{"claim_id": k, "quantity": counts.at[k, "quantity"], "published": int(counts.at[k, "value"]),
                          "reproduced": int(v), "match": int(counts.at[k, "value"]) == int(v)} for k, v in got.items()])


def design_info(teams: pd.DataFrame) -> pd.DataFrame:
    """What :func:`book.simulate.teams.implied_covariance` needs: ``sector, n_baseline, n_followup``."""
    return teams[["sector", "n_baseline", "n_followup"]]


# --- reliability and aggregation ---------------------------------------------------------------------
def reliability_table(data: dict, teams: pd.DataFrame | None = None, model: dict | None = None) -> pd.DataFrame:
    """Per dimension: items, Cronbach's alpha (pingouin) with its 95% CI, ICC(1), ICC(2), mean and
    median r_wg(j), the share of teams with r_wg(j) >= 0.70, the respondents a team would need for
    ICC(2) = 0.70 at the estimated ICC(1) (``n_for_icc2_070``, Spearman-Brown), and the values the
    generator implies (``*_expected``; ``model`` as from :func:`book.simulate.teams.model_params`,
    default the generator's)."""
    teams = team_table(data) if teams is None else teams
    resp = data["responses"]
    scores = respondent_scores(data)
    expected = sim.expected_reliability(design_info(teams), **(model or {})).set_index("dimension")
    rows = []
    for d in DIMS:
        items = sim.item_columns(d)
        alpha, ci = pg.cronbach_alpha(data=resp[items])
        icc = rel.icc_anova(scores, "team_id", d).iloc[0]
        rwg = ta.rwg_j(resp, "team_id", items, n_options=5)
        rows.append({"dimension": d, "n_items": len(items), "alpha": alpha, "alpha_ci_low": ci[0],
                     "alpha_ci_high": ci[1], "icc1": icc["icc1"], "icc2": icc["icc2"], "F": icc["F"], "p": icc["p"],
                     "rwg_j_mean": rwg["rwg_j"].mean(), "rwg_j_median": rwg["rwg_j"].median(),
                     "share_rwg_070": (_at(rwg["rwg_j"]) >= 0.70).mean(),
                     "n_for_icc2_070": spearman_brown_n(icc["icc1"], 0.70),
                     "alpha_expected": expected.at[d, "alpha"], "icc1_expected": expected.at[d, "icc1"],
                     "icc2_expected": expected.at[d, "icc2"], "rwg_j_expected": expected.at[d, "rwg_j"]})
    return pd.DataFrame(rows)


def spearman_brown_n(icc1: float, target: float) -> float:
    """Respondents per team for which the team mean reaches reliability ``target`` (ICC(2)) at ``icc1``:
    ``k = target (1 - icc1) / ((1 - target) icc1)``; infinite when ``icc1 <= 0``."""
    if not 0 < target < 1:
        raise ValueError(f"target reliability must lie between 0 and 1; got {target}")
    return float(target * (1 - icc1) / ((1 - target) * icc1)) if icc1 > 0 else np.inf


# --- who is in the team? -------------------------------------------------------------------------------
def membership_table(data: dict) -> pd.DataFrame:
    """Per team: members' agreement on who belongs (:func:`book.team_aggregation.membership_agreement`)
    and, where a leader listed members, how the leader's list compares with the members'.

    Columns: ``team_id, n_raters, n_listed, mean_list_size, jaccard, fleiss_kappa,
    share_listed_by_all, leader_listed, leader_vs_majority`` (Jaccard index of the
    leader's list and the people listed by more than half the members),
    ``respondents_missing_from_leader`` (share of the team's respondents the leader
    did not list) and ``majority_missing_from_leader``.
    """
    lists = data["membership"]
    is_leader = lists["rater_id"] == "leader"
    members = lists[~is_leader]
    agree = ta.membership_agreement(members).rename(columns={"group": "team_id"})
    # one row per team and person anyone named: in the leader's list? named by a majority of members?
    n_members = members.groupby("team_id")["rater_id"].nunique()
    votes = members.groupby(["team_id", "person_id"]).size().rename("votes").reset_index()
    votes["majority"] = votes["votes"] > votes["team_id"].map(n_members) / 2
    lead = lists.loc[is_leader, ["team_id", "person_id"]].assign(in_leader=True)
    people = votes.merge(lead, on=["team_id", "person_id"], how="outer")
    people["in_leader"] = people["in_leader"].astype("boolean").fillna(False).astype(bool)
    people["majority"] = people["majority"].astype("boolean").fillna(False).astype(bool)
    people["both"] = people["in_leader"] & people["majority"]
    people["either"] = people["in_leader"] | people["majority"]
    people["majority_only"] = people["majority"] & ~people["in_leader"]
    per_team = people.groupby("team_id")[["both", "either", "majority", "majority_only"]].sum()
    resp = data["responses"][["team_id", "person_id"]].merge(lead, on=["team_id", "person_id"], how="left")
    resp_missing = resp["in_leader"].isna().groupby(resp["team_id"]).mean()
    out = agree.set_index("team_id")
    led = out.index.isin(lead["team_id"].unique())
    out["leader_listed"] = led
    pt = per_team.reindex(out.index)
    out["leader_vs_majority"] = np.where(led, pt["both"] / pt["either"].where(pt["either"] > 0), np.nan)
    out["respondents_missing_from_leader"] = np.where(led, resp_missing.reindex(out.index), np.nan)
    out["majority_missing_from_leader"] = np.where(led, pt["majority_only"] / pt["majority"].where(pt["majority"] > 0),
                                                   np.nan)
    return out.reset_index()


def puzzle_summary(data: dict, membership: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chapter's puzzle in numbers: ``quantity, value`` (shares are 0-1)."""
    m = membership_table(data) if membership is None else membership
    lead = m[m["leader_listed"]]
    teams = data["teams"]
    facts = [
        ("teams", len(teams)),
        ("teams whose leader the senior manager could not name", int((teams["leader_identified"] == 0).sum())),
        ("share of teams whose leader could not be named", float((teams["leader_identified"] == 0).mean())),
        ("mean Jaccard agreement between two members' lists", m["jaccard"].mean()),
        ("mean Fleiss kappa of members' lists", m["fleiss_kappa"].mean()),
        ("share of teams with kappa below 0.40", float((_at(m["fleiss_kappa"]) < LOW_KAPPA).mean())),
        ("mean share of listed people listed by every member", m["share_listed_by_all"].mean()),
        ("teams with a leader's list", len(lead)),
        ("share of leaders' lists that differ from the members' majority",
         float((lead["leader_vs_majority"] < 1).mean())),
        ("share of leaders who left out at least one respondent",
         float((lead["respondents_missing_from_leader"] > 0).mean())),
        ("mean share of a team's respondents its leader left out", lead["respondents_missing_from_leader"].mean()),
    ]
    return pd.DataFrame(facts, columns=["quantity", "value"])


# --- sectors ------------------------------------------------------------------------------------------
def sector_anova(teams: pd.DataFrame, dims: list[str] | None = None, model: dict | None = None) -> pd.DataFrame:
    """One-way ANOVA of team means by sector for each dimension (pingouin), Holm-adjusted.

    Columns: ``dimension, F, df1, df2, p, p_holm, np2`` (eta squared), ``omega2``
    (less biased) and ``np2_expected`` (the share the generator's sector shifts imply).
    """
    dims = DIMS if dims is None else dims
    cov = sim.implied_covariance(design_info(teams), **(model or {}))
    between = _between_sector_variance(teams, model)
    rows = []
    for d in dims:
        a = pg.anova(data=teams, dv=d, between="sector", detailed=True)
        ssb, ssw = a.at[0, "SS"], a.at[1, "SS"]
        dfb, dfw = int(a.at[0, "DF"]), int(a.at[1, "DF"])
        msw = ssw / dfw
        rows.append({"dimension": d, "F": a.at[0, "F"], "df1": dfb, "df2": dfw, "p": a.at[0, "p_unc"],
                     "np2": a.at[0, "np2"], "omega2": (ssb - dfb * msw) / (ssb + ssw + msw),
                     "np2_expected": between[d] / cov.at[d, d]})
    out = pd.DataFrame(rows)
    out["p_holm"] = pg.multicomp(out["p"].to_numpy(), method="holm")[1]
    return out[["dimension", "F", "df1", "df2", "p", "p_holm", "np2", "omega2", "np2_expected"]]


def _between_sector_variance(teams: pd.DataFrame, model: dict | None = None) -> pd.Series:
    """Variance between the sectors' expected team means (1-5 scale), weighted by the teams' sector shares."""
    share = teams["sector"].value_counts(normalize=True).reindex(sim.SECTORS, fill_value=0)
    mu = sim.expected_scale_means((model or {}).get("icc")).loc[list(sim.SECTORS), DIMS]
    centred = mu - share.to_numpy() @ mu.to_numpy()
    return (centred**2).mul(share.to_numpy(), axis=0).sum()


def sector_posthoc(teams: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Tukey's pairwise comparisons of sectors on one dimension (pingouin), with Hedges' g."""
    out = pg.pairwise_tukey(data=teams, dv=dim, between="sector", effsize="hedges")
    return out.rename(columns={"A": "sector_a", "B": "sector_b", "mean_A": "mean_a", "mean_B": "mean_b"})[
        ["sector_a", "sector_b", "mean_a", "mean_b", "diff", "se", "p_tukey", "hedges"]]


def trust_level_anova(teams: pd.DataFrame, dim: str) -> pd.DataFrame:
    """The sector ANOVA on trust means (51 trusts): the test that respects teams' clustering in trusts."""
    trust = teams.groupby(["trust_id", "sector"], as_index=False)[dim].mean()
    a = pg.anova(data=trust, dv=dim, between="sector", detailed=True)
    return pd.DataFrame([{"dimension": dim, "unit": "trust means", "F": a.at[0, "F"], "df1": int(a.at[0, "DF"]),
                          "df2": int(a.at[1, "DF"]), "p": a.at[0, "p_unc"], "np2": a.at[0, "np2"]}])


# --- effectiveness: regression and relative importance ------------------------------------------------
OUTCOME_LABELS = {"effectiveness": "members' rating", "leader_effectiveness": "leader's rating",
                  "external_effectiveness": "external rating", "innovation": "members' rating of innovation"}


def _complete(teams: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, int]:
    missing = [c for c in cols if c not in teams.columns]
    if missing:
        raise KeyError(f"team table has no column(s) {missing}")
    ok = teams[cols].notna().all(axis=1)
    return teams[ok], int((~ok).sum())


def fit_standardised(teams: pd.DataFrame, outcome: str, predictors: list[str]):
    """OLS of the z-scored outcome on z-scored predictors with trust-clustered standard errors.

    Returns the statsmodels result (``n_excluded`` set on it: teams lacking a value).
    """
    df, excluded = _complete(teams, [outcome, *predictors, "trust_id"])
    z = (df[[outcome, *predictors]] - df[[outcome, *predictors]].mean()) / df[[outcome, *predictors]].std()
    res = OLS(z[outcome], add_constant(z[predictors])).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df["trust_id"])[0]})
    res.n_excluded = excluded
    return res


def regression_table(teams: pd.DataFrame, outcome: str = "effectiveness",
                     predictors: list[str] | None = None, model: dict | None = None) -> pd.DataFrame:
    """Standardised coefficients of effectiveness on the team inputs and processes, beside the truth.

    Columns: ``predictor, block, std_beta, se, ci_low, ci_high, p, built_in`` (with
    perfect measurement), ``expected`` (what OLS converges to with this design's
    measurement) and ``covered`` (``expected`` inside the 95% CI). ``attrs``: ``r2``,
    ``r2_expected``, ``r2_built_in``, ``n``, ``n_excluded``.
    """
    predictors = PREDICTORS if predictors is None else predictors
    res = fit_standardised(teams, outcome, predictors)
    used, _ = _complete(teams, [outcome, *predictors, "trust_id"])
    info = design_info(used)
    exp = sim.expected_regression(sim.implied_covariance(info, **(model or {})), outcome,
                                  predictors).set_index("predictor")
    built = sim.expected_regression(sim.implied_covariance(info, **(model or {}), latent=True), outcome,
                                    predictors).set_index("predictor")
    ci = res.conf_int()
    out = pd.DataFrame({"predictor": predictors, "block": [sim.DIMENSIONS[p][0] for p in predictors],
                        "std_beta": res.params[predictors].to_numpy(), "se": res.bse[predictors].to_numpy(),
                        "ci_low": ci.loc[predictors, 0].to_numpy(), "ci_high": ci.loc[predictors, 1].to_numpy(),
                        "p": res.pvalues[predictors].to_numpy(), "built_in": built["std_beta"].to_numpy(),
                        "expected": exp["std_beta"].to_numpy()})
    out["covered"] = (_at(out["ci_low"]) <= _at(out["expected"])) & (_at(out["expected"]) <= _at(out["ci_high"]))
    out.attrs.update(r2=float(res.rsquared), r2_expected=exp.attrs["r2"], r2_built_in=built.attrs["r2"],
                     n=int(res.nobs), n_excluded=res.n_excluded)
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


def importance_table(teams: pd.DataFrame, outcome: str = "effectiveness", n_boot: int = 500,
                     seed: int = 5, model: dict | None = None) -> pd.DataFrame:
    """General dominance weights and Johnson's relative weights (bootstrap 95% CI) of the 11 predictors.

    ``expected`` / ``built_in``: the general dominance weights the generator implies
    with this design's measurement / with perfect measurement. ``attrs``: ``r2``.
    """
    df, _ = _complete(teams, [outcome, *PREDICTORS])
    dom = ri.dominance_analysis(df, outcome, PREDICTORS)
    rw = ri.bootstrap_relative_weights(df, outcome, PREDICTORS, np.random.default_rng(seed), n_boot=n_boot)
    info = design_info(df)
    exp = ri.dominance_from_covariance(sim.implied_covariance(info, **(model or {})), outcome, PREDICTORS)
    built = ri.dominance_from_covariance(sim.implied_covariance(info, **(model or {}), latent=True), outcome,
                                         PREDICTORS)
    out = dom[["predictor", "general_dominance", "share", "rank"]].copy()
    out["relative_weight"] = rw["raw_weight"].to_numpy()
    out["rw_ci_low"], out["rw_ci_high"] = rw["ci_low"].to_numpy(), rw["ci_high"].to_numpy()
    out["expected"] = exp["general_dominance"].to_numpy()
    out["expected_rank"] = exp["rank"].to_numpy()
    out["built_in"] = built["general_dominance"].to_numpy()
    out["built_in_rank"] = built["rank"].to_numpy()
    out.attrs.update(r2=dom.attrs["r2"], r2_expected=exp.attrs["r2"], r2_built_in=built.attrs["r2"], n=len(df))
    return out.sort_values("rank", kind="stable", ignore_index=True)


def source_comparison(teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """R^2 of the 11 inputs and processes for each rating of effectiveness: single source vs other sources.

    ``r2_expected_no_halo``: what R^2 would converge to if the team's shared halo were
    replaced by respondent-specific variance of the same size (no team-level
    common-method variance); the gap to ``r2_expected`` is the halo's contribution.
    """
    rows = []
    for outcome in ("effectiveness", "leader_effectiveness", "external_effectiveness"):
        t = regression_table(teams, outcome, model=model)
        used, _ = _complete(teams, [outcome, *PREDICTORS, "trust_id"])
        m = sim.model_params() if model is None else model
        no_halo = sim.implied_covariance(design_info(used), m["icc"], method_team=0.0,
                                         method_person=m["method_person"] + m["method_team"])
        rows.append({"outcome": outcome, "rated_by": OUTCOME_LABELS[outcome], "n": t.attrs["n"],
                     "r2": t.attrs["r2"], "r2_expected": t.attrs["r2_expected"],
                     "r2_expected_no_halo": sim.expected_regression(no_halo, outcome, PREDICTORS).attrs["r2"],
                     "r2_built_in": t.attrs["r2_built_in"]})
    return pd.DataFrame(rows)


# --- reflexivity ------------------------------------------------------------------------------------------
def reflexivity_table(teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """Standardised slope (= correlation) of each outcome on team reflexivity, beside the truth.

    Rows: effectiveness rated by members, leader and external rater, and members'
    rating of innovation. Columns: ``outcome, rated_by, n, std_slope, ci_low, ci_high,
    se, p, built_in, expected, covered``.
    """
    rows = []
    for outcome in ("effectiveness", "leader_effectiveness", "external_effectiveness", "innovation"):
        table = regression_table(teams, outcome, ["reflexivity"], model)
        t = table.iloc[0]
        rows.append({"outcome": outcome, "rated_by": OUTCOME_LABELS[outcome], "n": table.attrs["n"],
                     "std_slope": t["std_beta"], "se": t["se"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
                     "p": t["p"],
                     "built_in": t["built_in"], "expected": t["expected"], "covered": bool(t["covered"])})
    return pd.DataFrame(rows)


def innovation_count_model(teams: pd.DataFrame):
    """Poisson GLM of a team's coded innovations on its reflexivity (z-scored), teams with open answers only.

    The log of the team's number of open-ended answers is an offset (teams that wrote
    more had more chances to describe an innovation). Returns the statsmodels result;
    IRLS stops when the deviance changes by less than 1e-10 (``converged`` says whether it did).
    """
    df = teams[teams["n_open_answers"] > 0].copy()
    df["reflexivity_z"] = (df["reflexivity"] - df["reflexivity"].mean()) / df["reflexivity"].std()
    return GLM.from_formula("n_innovations ~ reflexivity_z", data=df, family=families.Poisson(),
                            offset=np.log(df["n_open_answers"])).fit(tol=1e-10, maxiter=100)


def innovation_count_table(fit) -> pd.DataFrame:
    """:func:`innovation_count_model`'s result as a table: ``term, estimate, ci_low, ci_high, p``.

    Rows: the baseline rate (innovations per open-ended answer at average reflexivity) and the
    rate ratio per SD of reflexivity. ``attrs["converged"]``; a fit that did not converge gives
    no numbers (every estimate missing), so none can be read as a result.
    """
    ci = fit.conf_int()
    out = pd.DataFrame({"term": ["innovations per answer (average reflexivity)", "rate ratio per SD of reflexivity"],
                        "estimate": np.exp(fit.params.to_numpy()), "ci_low": np.exp(ci[0].to_numpy()),
                        "ci_high": np.exp(ci[1].to_numpy()), "p": fit.pvalues.to_numpy()})
    converged = bool(fit.converged)
    if not converged:
        out[["estimate", "ci_low", "ci_high", "p"]] = np.nan
    out.attrs.update(converged=converged, n=int(fit.nobs))
    return out


def lagged_table(teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """Follow-up (3 months) effectiveness and innovation on baseline reflexivity, controlling for the baseline outcome.

    Teams followed up only; standardised coefficients with trust-clustered 95% CIs,
    beside ``built_in`` and ``expected`` as in :func:`regression_table`.
    """
    fu = teams[teams["n_followup"] > 0]
    rows = []
    for outcome, own in (("fu_effectiveness", "effectiveness"), ("fu_innovation", "innovation")):
        t = regression_table(fu, outcome, [own, "reflexivity"], model)
        t.insert(0, "outcome", outcome)
        t["n"] = t.attrs["n"]
        rows.append(t)
    return pd.concat(rows, ignore_index=True).drop(columns=["block"])


# --- innovations -------------------------------------------------------------------------------------------
def innovation_counts(data: dict) -> pd.DataFrame:
    """Coded innovations by category: ``category, n, share, share_built_in`` (the generator's probability)."""
    counts = data["innovations"]["category"].value_counts().reindex(list(sim.CATEGORIES), fill_value=0)
    return pd.DataFrame({"category": counts.index, "n": counts.to_numpy(),
                         "share": counts.to_numpy() / counts.sum(), "share_built_in": list(sim.CATEGORY_PROBS)})


def ordering_test(counts: pd.DataFrame) -> pd.DataFrame:
    """Tests of the published order (each category more frequent than the next).

    For each adjacent pair, an exact one-sided binomial test that the first category
    holds more than half of the two categories' innovations; p values Holm-adjusted.
    A final row gives the chi-squared test of equal shares across all categories.
    """
    if list(counts.columns[:2]) != ["category", "n"]:
        raise ValueError("counts must start with the columns 'category' and 'n'")
    rows = []
    for (a, na), (b, nb) in zip(counts[["category", "n"]].to_numpy()[:-1], counts[["category", "n"]].to_numpy()[1:]):
        test = stats.binomtest(int(na), int(na + nb), 0.5, alternative="greater")
        rows.append({"test": f"{a} > {b}", "statistic": int(na), "n": int(na + nb), "p": test.pvalue})
    out = pd.DataFrame(rows)
    out["p_holm"] = pg.multicomp(out["p"].to_numpy(), method="holm")[1]
    chi = stats.chisquare(counts["n"].to_numpy())
    out.loc[len(out)] = {"test": "equal shares (chi-squared, df = 2)", "statistic": float(chi.statistic),
                         "n": int(counts["n"].sum()), "p": float(chi.pvalue), "p_holm": np.nan}
    return out


def expert_agreement(data: dict) -> pd.DataFrame:
    """Agreement of the two experts' magnitude ratings of the innovations (pingouin ICCs)."""
    long = data["innovations"].melt(id_vars="innovation_id", value_vars=["expert_1", "expert_2"],
                                    var_name="expert", value_name="rating")
    icc = pg.intraclass_corr(data=long, targets="innovation_id", raters="expert", ratings="rating")
    out = icc[icc["Type"].isin(["ICC(A,1)", "ICC(A,k)"])].reset_index(drop=True)
    out["ci_low"] = [ci[0] for ci in out["CI95"]]
    out["ci_high"] = [ci[1] for ci in out["CI95"]]
    out["meaning"] = ["one expert's rating (absolute agreement)", "mean of the two experts' ratings"]
    return out[["Type", "meaning", "ICC", "ci_low", "ci_high"]].rename(columns={"Type": "type", "ICC": "icc"})


# --- real and pseudo teams ------------------------------------------------------------------------------------
def real_team_table(data: dict, teams: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """Classify teams as "real" when more than ``threshold`` of respondents answer yes to all three questions
    (clear shared objectives, interdependent work, regular reflection; West & Lyubovnikova 2013).

    Returns the team table with ``share_all_three`` and ``real_team``.
    """
    resp = data["responses"]
    qs = list(sim.REAL_TEAM_QUESTIONS)
    all_three = resp[qs].astype(int).eq(1).all(axis=1)
    share = all_three.groupby(resp["team_id"]).mean().rename("share_all_three")
    out = teams.join(share, on="team_id")
    out["real_team"] = out["share_all_three"] > threshold
    return out


def real_vs_pseudo(classified: pd.DataFrame, outcome: str = "external_effectiveness") -> pd.DataFrame:
    """Welch t test of ``outcome`` between real and pseudo teams (pingouin), with Hedges' g."""
    df = classified.dropna(subset=[outcome])
    real, pseudo = df.loc[df["real_team"], outcome], df.loc[~df["real_team"], outcome]
    if len(real) < 2 or len(pseudo) < 2:
        raise ValueError(f"need at least two real and two pseudo teams with {outcome!r}; got {len(real)} and {len(pseudo)}")
    t = pg.ttest(real, pseudo, correction=True)
    return pd.DataFrame([{"outcome": outcome, "n_real": len(real), "n_pseudo": len(pseudo), "mean_real": real.mean(),
                          "mean_pseudo": pseudo.mean(), "T": float(t["T"].iloc[0]), "p": float(t["p_val"].iloc[0]),
                          "hedges_g": float(pg.compute_effsize(real, pseudo, eftype="hedges"))}])


# --- estimates against the truth, and the scorecard ----------------------------------------------------------
def coverage_table(teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """Every interval the chapter sets beside a value the generator implies: ``model, term, estimate,
    se, expected, ci_low, ci_high, covered`` and ``z``, the estimate's distance from ``expected`` in
    standard errors."""
    parts = []
    for outcome in ("effectiveness", "leader_effectiveness", "external_effectiveness"):
        t = regression_table(teams, outcome, model=model)
        parts.append(t.assign(model=f"{outcome} on inputs and processes"))
    r = reflexivity_table(teams, model).rename(columns={"std_slope": "std_beta"})
    parts.append(r.assign(model=r["outcome"] + " on reflexivity", predictor="reflexivity"))
    lag = lagged_table(teams, model)
    parts.append(lag.assign(model=lag["outcome"] + " on baseline"))
    out = pd.concat(parts, ignore_index=True)
    out["z"] = (out["std_beta"] - out["expected"]) / out["se"]
    return out[["model", "predictor", "std_beta", "se", "expected", "ci_low", "ci_high", "covered", "z"]].rename(
        columns={"predictor": "term", "std_beta": "estimate"})


def paper_vs_book(data: dict, teams: pd.DataFrame | None = None,
                  membership: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chapter's "Paper vs this book" table: every figure and claim of substudy 5 with our value."""
    return teams_claims(data, teams, membership)[["claim_id", "source", "published", "reproduced", "status"]]


def teams_claims(data: dict | None = None, teams: pd.DataFrame | None = None,
                 membership: pd.DataFrame | None = None) -> pd.DataFrame:
    """Scorecard rows for substudy 5, computed from the teaching data (columns of ``book.scorecard.COLUMNS``).

    ``teams`` and ``membership`` (from :func:`team_table` and :func:`membership_table`) may be passed to
    save recomputing them.
    """
    data = sim.teaching_data() if data is None else data
    counts = published.text_counts()
    rows = []

    def add(claim, source, pub, rep, stat, note=""):
        rows.append({"claim_id": f"5.{claim}", "substudy": "5", "source": source, "published": pub,
                     "reproduced": rep, "status": stat, "note": note})

    for rec in design_counts(data).to_dict("records"):
        add(rec["claim_id"], counts.at[rec["claim_id"], "source"], str(rec["published"]), str(rec["reproduced"]),
            status(rec["match"]), "counted in the teaching data")
    for claim in ("followup_months", "team_innovation_months"):
        add(claim, counts.at[claim, "source"], str(int(counts.at[claim, "value"])), "", "not reproducible",
            "a feature of the survey's design (when it asked, what period it asked about), not a result")
    add("sectors", "Methods, list of primary data; Table 1, row 5",
        "teams from the acute, ambulance, mental health, primary care and community trust sectors (Methods)",
        "4 sectors, 13 + 17 + 10 + 11 = 51 trusts (Table 1)", "not reproducible",
        "the paper is inconsistent: Methods names community trusts, Table 1's sector counts add up to 51 without them")

    teams = team_table(data) if teams is None else teams
    culture = "Results, Culture and behaviour (last paragraph)"
    blocks = block_tests(teams).set_index("block")
    ok = bool((_at(blocks["p"]) < ALPHA).all())
    add("inputs_processes_associated", culture,
        "team inputs and team processes were significantly associated with the effective provision of care",
        f"inputs F={blocks.at['inputs', 'F']:.1f}, p={blocks.at['inputs', 'p']:.2g}; processes "
        f"F={blocks.at['processes', 'F']:.1f}, p={blocks.at['processes', 'p']:.2g} (members' rating, trust-clustered)",
        status(ok), "joint Wald tests of each block in the regression of team effectiveness on all 11")
    named = data["teams"]["leader_identified"]
    share = float((named == 0).mean())
    add("managers_could_not_name_leaders", culture, "senior managers were sometimes unable to identify team leaders",
        f"{int((named == 0).sum())} of {len(named)} teams ({share:.0%}) without a leader the manager could name",
        status(0 < share < 0.5), "'sometimes' read as some but fewer than half; teams managers could not "
        "identify at all are, by construction, not in any survey")
    memb = membership_table(data) if membership is None else membership
    lead = memb[memb["leader_listed"]]
    differ = float((lead["leader_vs_majority"] < 1).mean())
    add("leaders_unsure_of_members", culture, "team leaders were often confused about who their team members were",
        f"{differ:.0%} of {len(lead)} leaders' lists differ from the members' majority list; leaders left out "
        f"{lead['respondents_missing_from_leader'].mean():.0%} of their teams' respondents on average",
        status(differ >= OFTEN), f"'often' read as at least {OFTEN:.0%} of leaders")
    kappa = memb["fleiss_kappa"].mean()
    add("members_low_agreement", culture, "team members themselves had low agreement about who was part of their team",
        f"mean Fleiss kappa {kappa:.2f}, mean pairwise Jaccard {memb['jaccard'].mean():.2f} ({len(memb)} teams)",
        status(kappa < LOW_KAPPA), f"'low' read as a mean kappa below {LOW_KAPPA} (below 'moderate')")
    reg = regression_table(teams).set_index("predictor")
    good = all(_at(reg.at[p, "std_beta"]) > 0 and _at(reg.at[p, "p"]) < ALPHA for p in ("effort_skills", "resources"))
    add("success_factors", culture,
        "factors associated with successful teams were the effort and skills of team members, resources and good processes",
        f"effort and skills {reg.at['effort_skills', 'std_beta']:.2f} (p={reg.at['effort_skills', 'p']:.2g}), "
        f"resources {reg.at['resources', 'std_beta']:.2f} (p={reg.at['resources', 'p']:.2g}), processes block "
        f"p={blocks.at['processes', 'p']:.2g}", status(good and _at(blocks.at["processes", "p"]) < ALPHA),
        f"standardised coefficients in the members'-rating model; both positive with p < {ALPHA}")
    imp = ri.dominance_analysis(teams, "effectiveness", PREDICTORS).set_index("predictor")
    key = int(imp.at["objectives", "rank"]), int(imp.at["participation", "rank"])
    add("objectives_participation_key", culture,
        "clarity and agreement about team objectives were key, along with participative decision-making",
        f"general dominance ranks of 11: objectives {key[0]}, participation {key[1]}",
        status(max(key) <= KEY_TOP), f"'key' read as among the {KEY_TOP} largest general dominance weights")
    refl = reflexivity_table(teams).set_index("outcome")
    for claim, outcome, word in (("reflexivity_effective", "effectiveness", "effective"),
                                 ("reflexivity_innovative", "innovation", "innovative")):
        r = refl.loc[outcome]
        add(claim, culture, f"teams who regularly took time out to reflect were particularly likely to be more {word}",
            f"standardised slope {r['std_slope']:.2f} (95% CI {r['ci_low']:.2f} to {r['ci_high']:.2f})",
            status(_at(r["std_slope"]) > 0 and _at(r["ci_low"]) > 0),
            "members' ratings; see the chapter for other raters and the follow-up")
    ic = innovation_counts(data)
    order = ordering_test(ic)
    n = dict(zip(ic["category"], ic["n"]))
    ordered = n["quality_of_patient_care"] > n["administrative_effectiveness"] > n["staff_wellbeing"]
    systems = "Results, Variability in systems"
    add("innovation_categories", systems,
        "most innovations about quality of patient care, fewer administrative effectiveness, fewest staff wellbeing",
        f"{n['quality_of_patient_care']} / {n['administrative_effectiveness']} / {n['staff_wellbeing']}",
        status(ordered), f"one-sided binomial tests of each step, Holm p = "
        + ", ".join(f"{p:.2g}" for p in order["p_holm"].dropna()))
    add("innovation_rate_low", systems, "relatively low rates of innovation among frontline teams",
        f"{len(data['innovations']) / data['open_responses']['team_id'].nunique():.2f} innovations per team in 6 months",
        "not reproducible", "the paper gives no benchmark for 'low'")
    add("objectives_less_clear_than_boards", "Results, Goal setting",
        "the 621 teams were generally even less clear about their objectives than boards", "", "not reproducible",
        "needs the board survey (substudy 6a) on the same scale; the paper prints no means")
    add("organisational_factors", systems,
        "many staff felt unable to achieve their goals for patients because of organisational factors", "",
        "not reproducible", "no figure printed and no such item in the published ATPI dimensions")
    return pd.DataFrame(rows, columns=COLUMNS)
