"""The engagement-and-outcomes chapter (substudy 4c): its models on the teaching data, each estimate beside
the value the generator says it converges to, the directions the paper states, and the scorecard.

The reader sees each model fitted with its library (statsmodels, linearmodels, semopy) in the chapter; the
functions here run the same ``book.methods`` calls for every case and set the estimates beside the truths of
:mod:`book.simulate.engagement_truths` (``*_recovery``; :func:`recovery_table` stacks them). Claims and the
Monte Carlo replicate are in :mod:`book.substudies.engagement_claims`, re-exported here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from ..methods import counts as mc, cross_section as cs, fits, growth as gr, multilevel as ml, ordinal as od
from ..methods import panel as pn
from ..simulate import engagement as sim
from ..simulate import engagement_truths as tr

CONTROLS_ACUTE = ["log_size", "region"]
CONTROLS_ALL = ["trust_type", "log_size", "region"]
#: The cross-section year of the one-year models, and the rating year of the ordinal models (2008/09).
YEAR, AHC_YEAR = 2009, 2008
#: ``covered`` is None and ``fit`` says why when a fit could not be reported.
RECOVERY_COLUMNS = ["check_id", "model", "estimand", "truth", "estimate", "ci_low", "ci_high", "covered", "n", "fit"]
STAFF_CORR = ["engagement", "manager_support", "job_satisfaction", "work_pressure", "health_wellbeing",
              "injury_pct", "quit_intention"]
PATIENT_CORR = ["inpatient_satisfaction", "inpatient_enough_nurses_pct", "inpatient_info_privacy_respect"]
#: The pairs the paper names, carried into the recovery table.
HEADLINE_PAIRS = [("engagement", "inpatient_satisfaction"), ("work_pressure", "inpatient_enough_nurses_pct"),
                  ("work_pressure", "inpatient_info_privacy_respect")]


def prepare(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel with plain float columns, ``log_size`` (log staff headcount) and ``log_hsmr``."""
    df = panel.copy()
    for col in df.columns:
        if col not in ("trust_id", "trust_type", "region", "ahc_quality", "ahc_resources"):
            df[col] = pd.to_numeric(df[col]).astype(float)
    df["year"] = df["year"].astype(int)
    df["log_size"] = np.log(df["staff_headcount"])
    df["log_hsmr"] = np.log(df["hsmr"])
    return df


def acute(panel: pd.DataFrame) -> pd.DataFrame:
    """The rows of acute trusts (the only ones with deaths, the inpatient survey and MRSA)."""
    return panel[panel["trust_type"] == "acute"].copy()


def growth_wide(panel: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    """Acute trusts, one row each: ``y2005..y2009`` engagement and ``outcome`` = log HSMR of ``year``."""
    a = acute(panel)
    wide = a.pivot(index="trust_id", columns="year", values="engagement")
    wide.columns = [f"y{y}" for y in wide.columns]
    wide["outcome"] = a[a["year"] == year].set_index("trust_id")["log_hsmr"]
    return wide.dropna()


def row(check_id, model, estimand, truth, est, lo, hi, n, problem=""):
    """One recovery row; a fit with a ``problem`` shows no numbers and no coverage."""
    if problem:
        est = lo = hi = np.nan
    covered = None if problem or pd.isna(truth) else bool(lo <= truth <= hi)
    return {"check_id": check_id, "model": model, "estimand": estimand, "truth": truth, "estimate": est,
            "ci_low": lo, "ci_high": hi, "covered": covered, "n": int(n), "fit": problem or "ok"}


def _term_row(check_id, model, estimand, truth, result, term, problem=None):
    t = fits.tidy(result, [term]).iloc[0]
    problem = fits.fit_problem(result) if problem is None else problem
    return row(check_id, model, estimand, truth, t["estimate"], t["ci_low"], t["ci_high"], result.nobs, problem)


def correlation_recovery(panel: pd.DataFrame, year: int = YEAR, sampling_sd: float = sim.SAMPLING_SD) -> pd.DataFrame:
    """The staff x inpatient correlation matrix of acute trusts in ``year`` (Holm-adjusted, pingouin) with each
    correlation's population value under the generator (``truth``) and ``covered``."""
    a = acute(panel)
    corr = cs.correlation_table(a[a["year"] == year], STAFF_CORR, PATIENT_CORR)
    corr = corr.merge(tr.correlation_truths(STAFF_CORR, PATIENT_CORR, year, sampling_sd),
                      on=["staff_measure", "patient_measure"])
    corr["covered"] = (corr["ci_low"] <= corr["truth"]) & (corr["truth"] <= corr["ci_high"])
    return corr


def correlation_rows(corr: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    """Recovery rows of the correlations the paper names (``HEADLINE_PAIRS``)."""
    c = corr.set_index(["staff_measure", "patient_measure"])
    return pd.DataFrame([row(f"r_{s}_{p}", "Pearson correlation (Holm-adjusted matrix)", f"r({s}, {p}), {year}",
                             c.at[(s, p), "truth"], c.at[(s, p), "r"], c.at[(s, p), "ci_low"], c.at[(s, p), "ci_high"],
                             c.at[(s, p), "n"]) for s, p in HEADLINE_PAIRS])


def multilevel_recovery(respondents: pd.DataFrame, type_counts: dict | None = None) -> tuple[pd.DataFrame, object]:
    """MixedLM of respondents' engagement on the three HR practices and their trust means (within-between
    form), random intercept by trust; and ICC(1) and ICC(2) of engagement with their F intervals.

    Returns the recovery rows and the MixedLM result (:func:`book.methods.multilevel.icc` gives its residual ICC).
    """
    truths = tr.respondent_truths(type_counts)
    fit = ml.fit_multilevel(respondents, "engagement", list(sim.HR_BETA), "trust_id", within_between=True)
    rows = [_term_row(f"ml_within_{p}", "multilevel, within-between (MixedLM, REML)", f"within-trust effect of {p}",
                      truths[f"within_{p}"], fit, p) for p in sim.HR_BETA]
    rows += [_term_row(f"ml_contextual_{p}", "multilevel, within-between (MixedLM, REML)",
                       f"contextual effect of trust mean {p}", 0.0, fit, f"mean_{p}") for p in sim.HR_BETA]
    ic = ml.icc_interval(respondents, "engagement", "trust_id").set_index("statistic")
    for stat, key in (("ICC(1)", "icc1"), ("ICC(2)", "icc2")):
        rows.append(row(key, "one-way ANOVA, F interval", f"{stat} of respondents' engagement", truths[key],
                        ic.at[stat, "estimate"], ic.at[stat, "ci_low"], ic.at[stat, "ci_high"], len(respondents)))
    return pd.DataFrame(rows), fit


#: label -> (rows: "acute"/"all", outcome column, controls, log outcome, truth key of slope_truths)
OUTCOME_MODELS = {
    "inpatient satisfaction": ("acute", "inpatient_satisfaction", CONTROLS_ACUTE, False, "inpatient_satisfaction"),
    "sickness absence": ("all", "sickness_absence_pct", CONTROLS_ALL, False, "sickness_absence_pct"),
    "staff turnover": ("all", "turnover_pct", CONTROLS_ALL, False, "turnover_pct"),
    "HSMR (log)": ("acute", "hsmr", CONTROLS_ACUTE, True, "hsmr"),
    "MRSA rate (log)": ("acute", "mrsa_per_10k", CONTROLS_ACUTE, True, None),
    "AHC quality (1-4)": ("rated", "ahc_quality_code", CONTROLS_ALL, False, None),
    "AHC use of resources (1-4)": ("rated", "ahc_resources_code", CONTROLS_ALL, False, None),
}


def rating_codes(series: pd.Series) -> pd.Series:
    """Annual Health Check rating as 1 (weak) .. 4 (excellent); missing stays missing."""
    return series.map({c: i + 1 for i, c in enumerate(sim.AHC_CATEGORIES)})


def outcome_regressions(panel: pd.DataFrame, year: int = YEAR, ahc_year: int = AHC_YEAR,
                        sampling_sd: float = sim.SAMPLING_SD, beta_hsmr: float | None = None) -> pd.DataFrame:
    """:func:`book.methods.cross_section.fit_trust_model` for every outcome in one year (ratings of
    ``ahc_year``), controlling for size and region and, over all types, type; MRSA as log((cases + 0.5) /
    bed days x 10,000) and ratings as codes 1-4, for the common-scale figure only (their proper models
    are the count and ordinal models). ``truth`` is the generator's slope where OLS converges to one (for
    HSMR the confounded one-year slope).
    """
    rows = {"acute": acute(panel[panel["year"] == year]), "all": panel[panel["year"] == year],
            "rated": panel[panel["year"] == ahc_year]}
    rows["acute"] = rows["acute"].assign(mrsa_per_10k=1e4 * (rows["acute"]["mrsa_cases"] + 0.5)
                                         / rows["acute"]["bed_days"])
    rows["rated"] = rows["rated"].assign(ahc_quality_code=rating_codes(rows["rated"]["ahc_quality"]),
                                         ahc_resources_code=rating_codes(rows["rated"]["ahc_resources"]))
    slopes = tr.slope_truths(sampling_sd, year)
    slopes["hsmr"] = tr.hsmr_truths(beta_hsmr, sampling_sd)[f"cross_section_{year}"]
    out = []
    for label, (which, column, controls, log, key) in OUTCOME_MODELS.items():
        fit = cs.fit_trust_model(rows[which], "engagement", column, controls, log_outcome=log)
        out.append(fit.assign(outcome=label, column=column, truth=np.nan if key is None else slopes[key]))
    res = pd.concat(out, ignore_index=True)
    return res[["outcome", "column", "truth"] + [c for c in cs.MODEL_COLUMNS if c not in ("outcome", "exposure")]]


def regression_rows(reg: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    """Recovery rows of the :func:`outcome_regressions` that have a single true slope (HSMR's are in
    :func:`hsmr_rows`)."""
    keep = reg["truth"].notna() & (reg["column"] != "hsmr")
    return pd.DataFrame([row(f"ols_{r['column']}", "OLS, one year", f"{r['column']} per engagement point, {year}",
                             r["truth"], r["estimate"], r["ci_low"], r["ci_high"], r["n"])
                         for r in reg[keep].to_dict("records")])


def hsmr_models(panel: pd.DataFrame, year: int = YEAR) -> dict:
    """Three models of one year's HSMR on engagement (size and region controlled): OLS of log HSMR (as the
    paper), WLS weighted by expected deaths, and Poisson of observed deaths with log(expected) as offset
    and robust errors. Returns ``{"ols": table, "wls": table, "poisson": CountFits}``."""
    a = acute(panel[panel["year"] == year])
    return {"ols": cs.fit_trust_model(a, "engagement", "hsmr", CONTROLS_ACUTE, log_outcome=True),
            "wls": cs.fit_trust_model(a, "engagement", "hsmr", CONTROLS_ACUTE, log_outcome=True,
                                      weights="expected_deaths"),
            "poisson": mc.fit_counts(a, "observed_deaths", "expected_deaths", ["engagement", *CONTROLS_ACUTE],
                                     cluster="trust_id", negbin=False)}


def hsmr_rows(models: dict, beta_hsmr: float | None = None, sampling_sd: float = sim.SAMPLING_SD,
              year: int = YEAR) -> pd.DataFrame:
    """Recovery rows of :func:`hsmr_models`: each converges to the same confounded one-year slope."""
    truth = tr.hsmr_truths(beta_hsmr, sampling_sd)[f"cross_section_{year}"]
    what = f"log HSMR per engagement point, {year}"
    rows = [row(f"hsmr_{k}", label, what, truth, *models[k].iloc[0][["estimate", "ci_low", "ci_high", "n"]])
            for k, label in (("ols", "OLS of log HSMR (main model)"), ("wls", "WLS of log HSMR, weights expected deaths"))]
    rows.append(_term_row("hsmr_poisson", "Poisson of deaths, offset log(expected), robust", what, truth,
                          models["poisson"]["poisson_cluster"], "engagement"))
    return pd.DataFrame(rows)


def ordinal_recovery(panel: pd.DataFrame, ahc_year: int = AHC_YEAR, sampling_sd: float = sim.SAMPLING_SD) -> pd.DataFrame:
    """Ordered logit of each Annual Health Check rating on engagement, type, size and region."""
    pa, slopes = panel[panel["year"] == ahc_year], tr.slope_truths(sampling_sd)
    return pd.DataFrame([_term_row(f"ordinal_{o}", "ordered logit", f"{o} latent logit per engagement point, {ahc_year}",
                                   slopes[o], od.fit_ordinal(pa, o, ["engagement", *CONTROLS_ALL],
                                                             list(sim.AHC_CATEGORIES)), "engagement")
                         for o in ("ahc_quality", "ahc_resources")])


def count_models(panel: pd.DataFrame) -> mc.CountFits:
    """Poisson and NB2 models of acute trusts' MRSA cases, 2005-2009, bed days as exposure, year effects,
    with model-based and trust-clustered errors."""
    a = acute(panel)
    # years as levels (a Categorical: numeric codes or numeric text would enter as a number)
    return mc.fit_counts(a.assign(year_cat=pd.Categorical(a["year"])), "mrsa_cases", "bed_days",
                         ["engagement", "year_cat"], cluster="trust_id")


COUNT_LABELS = {"poisson": "Poisson, model errors", "poisson_cluster": "Poisson, trust-clustered errors",
                "negbin": "negative binomial, model errors", "negbin_cluster": "negative binomial, trust-clustered errors"}


def count_recovery(counts: dict, sampling_sd: float = sim.SAMPLING_SD) -> pd.DataFrame:
    """Recovery rows of :func:`count_models`: the engagement slope of each fit."""
    truth = tr.slope_truths(sampling_sd)["log_mrsa_rate"]
    return pd.DataFrame([_term_row(f"mrsa_{k}", f"MRSA: {label}", "log MRSA rate per engagement point, 2005-2009",
                                   truth, counts[k], "engagement") for k, label in COUNT_LABELS.items()])


def hsmr_panel_models(panel: pd.DataFrame) -> pn.PanelFits:
    """linearmodels panel models of acute trusts' log HSMR on engagement, 2005-2009 (size and region controlled)."""
    return pn.panel_models(acute(panel), "log_hsmr", "engagement", CONTROLS_ACUTE)


PANEL_LABELS = {"pooled": ("pooled OLS", "pooled"), "between": ("between (trust means)", "between"),
                "random": ("random effects", "random"), "fixed": ("entity + year fixed effects", "fixed"),
                "pooled_lag": ("pooled OLS + prior HSMR", "pooled_lag")}


def panel_recovery(pm: dict, beta_hsmr: float | None = None, sampling_sd: float = sim.SAMPLING_SD) -> pd.DataFrame:
    """Each panel model's engagement slope beside its limit, the prior-HSMR coefficient, and the Mundlak
    contextual effect (between minus within)."""
    truths = tr.hsmr_truths(beta_hsmr, sampling_sd)
    tp = pn.tidy_panel(pm, "engagement").set_index("model")
    rows = [row(f"panel_{m}", f"panel: {label}", "log HSMR per engagement point", truths[key], tp.at[m, "estimate"],
                tp.at[m, "ci_low"], tp.at[m, "ci_high"], tp.at[m, "n"]) for m, (label, key) in PANEL_LABELS.items()]
    prior = pn.tidy_panel({"pooled_lag": pm["pooled_lag"]}, "prior").iloc[0]
    rows.append(row("panel_prior", "panel: pooled OLS + prior HSMR", "log HSMR per unit of last year's log HSMR",
                    truths["pooled_lag_prior"], prior["estimate"], prior["ci_low"], prior["ci_high"], prior["n"]))
    mu = pn.mundlak_test(pm, "engagement").iloc[0]
    rows.append(row("panel_mundlak", "panel: Mundlak (pooled + trust mean)", "contextual effect (between - within)",
                    truths["mundlak_contextual"], mu["contextual"], mu["ci_low"], mu["ci_high"], pm["mundlak"].nobs))
    return pd.DataFrame(rows)


def growth_recovery(panel: pd.DataFrame, beta_hsmr: float | None = None,
                    sampling_sd: float = sim.SAMPLING_SD) -> tuple[pd.DataFrame, object]:
    """Latent growth curve (semopy) of acute trusts' 2005-2009 engagement predicting 2009 log HSMR; a fit
    that did not converge or is improper gives rows with no numbers and the reason in ``fit``."""
    truths = tr.hsmr_truths(beta_hsmr, sampling_sd)
    wide = growth_wide(panel)
    model = gr.fit_growth(wide, sim.YEARS, 2007)
    tg = gr.tidy_growth(model).set_index("term")
    return pd.DataFrame([row(f"growth_{t}", "latent growth curve (semopy)", f"2009 log HSMR per point of latent {t}",
                             truths[f"growth_{t}"], tg.at[t, "estimate"], tg.at[t, "ci_low"], tg.at[t, "ci_high"],
                             len(wide), tg.at[t, "problem"]) for t in ("intercept", "slope")]), model


def recovery_table(panel: pd.DataFrame, respondents: pd.DataFrame, beta_hsmr: float | None = None,
                   type_counts: dict | None = None, sampling_sd: float = sim.SAMPLING_SD) -> pd.DataFrame:
    """Every model of Table 1 row 4c: estimate and 95% CI beside the value the generator says it recovers
    (``panel`` from :func:`prepare`; the other arguments those the data were simulated with)."""
    blocks = [
        correlation_rows(correlation_recovery(panel, YEAR, sampling_sd)),
        multilevel_recovery(respondents, type_counts)[0],
        regression_rows(outcome_regressions(panel, sampling_sd=sampling_sd, beta_hsmr=beta_hsmr)),
        hsmr_rows(hsmr_models(panel), beta_hsmr, sampling_sd),
        ordinal_recovery(panel, sampling_sd=sampling_sd),
        count_recovery(count_models(panel), sampling_sd),
        panel_recovery(hsmr_panel_models(panel), beta_hsmr, sampling_sd),
        growth_recovery(panel, beta_hsmr, sampling_sd)[0],
    ]
    return pd.concat(blocks, ignore_index=True)[RECOVERY_COLUMNS]


# --- the paper's directions --------------------------------------------------------------------------

#: fact_id -> (exposure, outcome, analysis): "trust_means" = acute trusts' 2005-2009 means, OLS with size and
#: region (standardised slope); "rating" = Spearman's rho with the 2008/09 rating (1 weak .. 4 excellent).
DIRECTIONS = {
    "dir_hsmr_climate": ("positive_climate", "log_hsmr", "trust_means"),
    "dir_hsmr_engagement": ("engagement", "log_hsmr", "trust_means"),
    "dir_hsmr_wellbeing": ("health_wellbeing", "log_hsmr", "trust_means"),
    "dir_hsmr_manager_support": ("manager_support", "log_hsmr", "trust_means"),
    "dir_hsmr_appraisal": ("appraisal_well_structured_pct", "log_hsmr", "trust_means"),
    "dir_hsmr_contribute": ("contribute_improvements_pct", "log_hsmr", "trust_means"),
    "dir_sat_manager_support": ("manager_support", "inpatient_satisfaction", "trust_means"),
    "dir_sat_positive_feeling": ("positive_climate", "inpatient_satisfaction", "trust_means"),
    "dir_sat_job_satisfaction": ("job_satisfaction", "inpatient_satisfaction", "trust_means"),
    "dir_sat_commitment": ("engagement", "inpatient_satisfaction", "trust_means"),
    "dir_nurses_work_pressure": ("work_pressure", "inpatient_enough_nurses_pct", "trust_means"),
    "dir_ipr_work_pressure": ("work_pressure", "inpatient_info_privacy_respect", "trust_means"),
    "dir_sat_wellbeing": ("health_wellbeing", "inpatient_satisfaction", "trust_means"),
    "dir_sat_injury": ("injury_pct", "inpatient_satisfaction", "trust_means"),
    "dir_sat_quit": ("quit_intention", "inpatient_satisfaction", "trust_means"),
    "dir_ahc_quality_wellbeing": ("health_wellbeing", "ahc_quality", "rating"),
    "dir_ahc_quality_injury": ("injury_pct", "ahc_quality", "rating"),
    "dir_ahc_quality_quit": ("quit_intention", "ahc_quality", "rating"),
    "dir_ahc_resources_wellbeing": ("health_wellbeing", "ahc_resources", "rating"),
    "dir_ahc_resources_injury": ("injury_pct", "ahc_resources", "rating"),
    "dir_ahc_resources_quit": ("quit_intention", "ahc_resources", "rating"),
}
#: A direction is reproduced when its sign agrees and p < ALPHA_DIRECTION (unadjusted: the paper reports none).
ALPHA_DIRECTION = 0.05


def trust_means(panel: pd.DataFrame) -> pd.DataFrame:
    """Acute trusts' 2005-2009 means of every numeric column, with type and region kept."""
    a = acute(panel)
    means = a.select_dtypes("number").drop(columns=["year"]).groupby(a["trust_id"]).mean()
    return means.join(a.groupby("trust_id")[["trust_type", "region"]].first())


def direction_table(panel: pd.DataFrame, ahc_year: int = AHC_YEAR) -> pd.DataFrame:
    """Every direction the paper states, with our estimate and whether it is reproduced.

    Returns ``fact_id, exposure, outcome, analysis, expected_sign, estimate, p, p_holm, n, sign_matches,
    reproduced`` (``estimate``: the standardised slope for trust means, Spearman's rho for ratings;
    ``reproduced``: same sign and p < ``ALPHA_DIRECTION``; ``p_holm`` over all the directions).
    """
    facts = sim.facts_table().set_index("fact_id")
    means, rated = trust_means(panel), panel[panel["year"] == ahc_year]
    rows = []
    for fact_id, (exposure, outcome, analysis) in DIRECTIONS.items():
        if analysis == "trust_means":
            f = cs.fit_trust_model(means, exposure, outcome, CONTROLS_ACUTE).iloc[0]
            est, p, n = f["std_slope"], f["p"], f["n"]
        else:
            codes = rating_codes(rated[outcome])
            ok = codes.notna()
            est, p = stats.spearmanr(rated.loc[ok, exposure], codes[ok])
            n = int(ok.sum())
        expected = int(facts.at[fact_id, "value"])
        rows.append({"fact_id": fact_id, "exposure": exposure, "outcome": outcome, "analysis": analysis,
                     "expected_sign": expected, "estimate": float(est), "p": float(p), "n": int(n),
                     "sign_matches": bool(np.sign(est) == expected)})
    out = pd.DataFrame(rows)
    out.insert(out.columns.get_loc("p") + 1, "p_holm", pg.multicomp(out["p"].to_numpy(), method="holm")[1])
    out["reproduced"] = out["sign_matches"] & (out["p"] < ALPHA_DIRECTION)
    return out


def by_type_table(panel: pd.DataFrame, ahc_year: int = AHC_YEAR) -> pd.DataFrame:
    """Spearman's rho of engagement with each 2008/09 rating within each trust type (all four types)."""
    rated = panel[panel["year"] == ahc_year]
    rows = []
    for ttype, g in rated.groupby("trust_type", sort=True):
        for outcome in ("ahc_quality", "ahc_resources"):
            rho, p = stats.spearmanr(g["engagement"], rating_codes(g[outcome]))
            rows.append({"trust_type": ttype, "outcome": outcome, "rho": float(rho), "p": float(p), "n": len(g)})
    return pd.DataFrame(rows)


def __getattr__(name: str):
    """The scorecard's claims and the Monte Carlo replicate, kept in :mod:`.engagement_claims`."""
    if name in ("calibration_values", "engagement_outcomes_claims", "replicate"):
        from . import engagement_claims

        return getattr(engagement_claims, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
