"""Tests of the engagement-and-outcomes generator, models and public function (substudy 4c).

The teaching data are the committed files (seed ``sim.DEFAULT_SEED`` = 2014, the book's rule); the values
pinned below are those of that draw. An estimate is compared with its simulated truth by one rule stated in
advance: the truth lies within three standard errors (the 95% interval widened by 3 / 1.96 on each side). The
check of the generator's exact truths uses a larger simulation with seed 5.
"""
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.multitest import multipletests

from book.substudies import engagement as em
from book.methods import outcomes as oc
from book.data.datapackage import read
from book.data.paths import SIMULATED
from book.simulate import engagement as sim
from book.simulate.seeds import DEFAULT_SEED

#: The exercise's smaller design (ex-eng-power).
SMALL = {"acute": 40, "mental_health": 15, "ambulance": 5, "primary_care": 40}
Z_RULE = 3.0


def within_rule(df: pd.DataFrame) -> pd.Series:
    """The truth lies within Z_RULE standard errors: the 95% interval widened by Z_RULE / 1.96 on each side."""
    k = Z_RULE / stats.norm.ppf(0.975)
    lo = df["estimate"] - k * (df["estimate"] - df["ci_low"])
    hi = df["estimate"] + k * (df["ci_high"] - df["estimate"])
    return (lo <= df["truth"]) & (df["truth"] <= hi)


@pytest.fixture(scope="module")
def data():
    d = sim.teaching_data()
    return em.prepare(d["panel"]), d["respondents"]


@pytest.fixture(scope="module")
def recovery(data):
    return em.recovery_table(*data)


# --- data --------------------------------------------------------------------------------------------

def test_generator_is_byte_reproducible():
    assert sim.DEFAULT_SEED == DEFAULT_SEED == 2014
    # the seed matters: another seed gives other data, so the byte comparison below pins seed 2014
    other = sim.to_csv_text(sim.simulate(sim.DEFAULT_SEED + 1)["panel"])
    assert other != (SIMULATED / sim.FILES["panel"]).read_text(encoding="utf-8")
    for name, text in sim.generate().items():
        assert (SIMULATED / name).read_text(encoding="utf-8") == text, name


def test_committed_files_validate_and_outcomes_exist_only_where_they_should():
    panel = read("engagement_trust_panel")
    assert len(panel) == sum(sim.TRUST_TYPES.values()) * len(sim.YEARS) == 1830
    assert panel.groupby("trust_type")["trust_id"].nunique().to_dict() == sim.TRUST_TYPES
    dims = panel[["motivation", "involvement", "advocacy"]].mean(axis=1)
    assert (dims - panel["engagement"]).abs().max() <= 0.0006
    acute = panel["trust_type"] == "acute"
    assert panel.loc[acute, ["hsmr", "mrsa_cases", "bed_days", "inpatient_satisfaction"]].notna().all().all()
    assert panel.loc[~acute, ["hsmr", "mrsa_cases", "bed_days", "inpatient_satisfaction"]].isna().all().all()
    rated = panel["year"].isin(sim.AHC_YEARS)
    assert panel.loc[rated, "ahc_quality"].isin(sim.AHC_CATEGORIES).all()
    assert not panel.loc[~rated, "ahc_quality"].isin(sim.AHC_CATEGORIES).any()
    resp = read("engagement_respondents")
    assert resp["trust_id"].nunique() == sim.N_RESPONDENT_TRUSTS
    assert resp.groupby("trust_id").size().eq(sim.N_RESPONDENTS).all()
    assert set(resp["trust_id"]) <= set(panel["trust_id"])
    assert len(read("engagement_outcome_facts")) == 59


def test_simulate_with_few_trusts_and_unknown_type():
    small = sim.simulate(3, type_counts={"acute": 20, "ambulance": 5})
    assert small["panel"]["trust_id"].nunique() == 25
    assert small["respondents"]["trust_id"].nunique() == 25  # fewer trusts than the respondent sample wants
    with pytest.raises(KeyError, match="hospice"):
        sim.simulate(1, type_counts={"hospice": 3})


# --- every model beside its truth ------------------------------------------------------------------

def test_recovery_table_at_the_default_seed(recovery):
    assert len(recovery) == 24 and recovery["truth"].notna().all()
    assert list(recovery.columns) == em.RECOVERY_COLUMNS
    assert (recovery["fit"] == "ok").all(), recovery.loc[recovery["fit"] != "ok", ["model", "fit"]]
    assert np.isfinite(recovery[["estimate", "ci_low", "ci_high"]].to_numpy()).all()
    assert ((recovery["ci_low"] < recovery["estimate"]) & (recovery["estimate"] < recovery["ci_high"])).all()
    # every model family of Table 1 row 4c is present
    models = " ".join(recovery["model"])
    for family in ("Pearson", "MixedLM", "ICC", "OLS", "ordered logit", "Poisson", "negative binomial",
                   "pooled OLS", "between", "random effects", "fixed effects", "prior HSMR", "latent growth"):
        assert family in models, family
    # seed 2014: 23 of 24 intervals cover their truth; Poisson's, too narrow for overdispersed counts, misses
    missed = recovery.loc[~recovery["covered"].astype(bool), "model"].tolist()
    assert missed == ["Poisson (bed-day exposure)"]
    est = recovery.set_index(["model", "estimand"])["estimate"]
    assert est[("panel: entity + year fixed effects", "log HSMR per engagement point")] == pytest.approx(-0.078, abs=5e-4)
    assert est[("Poisson (bed-day exposure)", "log MRSA rate per engagement point, 2005-2009")] == pytest.approx(
        -0.754, abs=5e-4)
    assert est[("ordered logit", "ahc_quality latent logit per engagement point, 2008")] == pytest.approx(5.397, abs=5e-4)


def test_estimates_within_three_standard_errors_of_their_truth(recovery):
    # the rule, stated in advance, for every estimator whose interval should attain its level; Poisson's
    # standard error ignores the overdispersion, so it is judged with the negative binomial's
    proper = recovery[recovery["model"] != "Poisson (bed-day exposure)"]
    ok = within_rule(proper)
    assert ok.all(), proper.loc[~ok, ["model", "estimand", "truth", "estimate", "ci_low", "ci_high"]].to_string()
    r = recovery.set_index("model")
    poisson, nb = r.loc["Poisson (bed-day exposure)"], r.loc["negative binomial (bed-day exposure)"].iloc[0]
    assert within_rule(pd.DataFrame([{"estimate": poisson["estimate"], "truth": poisson["truth"],
                                      "ci_low": poisson["estimate"] - (nb["estimate"] - nb["ci_low"]),
                                      "ci_high": poisson["estimate"] + (nb["ci_high"] - nb["estimate"])}])).all()


def test_panel_models_separate_between_from_within(recovery):
    r = recovery.set_index("model")
    fe = r.loc["panel: entity + year fixed effects"]
    between = r.loc["panel: between (trust means)"]
    assert fe["truth"] == sim.BETA["log_hsmr"]
    assert between["truth"] < 2 * fe["truth"]  # confounding more than doubles the between-trust slope
    # seed 2014: the between estimate is the more negative, as its limit is
    assert between["estimate"] == pytest.approx(-0.175, abs=5e-4) and fe["estimate"] == pytest.approx(-0.078, abs=5e-4)


def test_correlation_matrix_beside_its_truths(data):
    corr = em.correlation_recovery(data[0])
    assert len(corr) == len(em.STAFF_CORR) * len(em.PATIENT_CORR) == 21
    # each r within three standard errors of its population value on Fisher's z scale
    z = (np.arctanh(corr["r"]) - np.arctanh(corr["truth"])) * np.sqrt(corr["n"] - 3)
    assert z.abs().max() < Z_RULE, corr.assign(z=z).to_string()
    c = corr.set_index(["staff_measure", "patient_measure"])
    assert c.at[("work_pressure", "inpatient_enough_nurses_pct"), "r"] == pytest.approx(-0.730, abs=5e-4)
    assert c.at[("engagement", "inpatient_satisfaction"), "r"] == pytest.approx(0.320, abs=5e-4)
    assert c.at[("work_pressure", "inpatient_satisfaction"), "p_adj"] > 0.05  # the one pair Holm does not keep


def test_exact_truths_agree_with_a_large_simulation():
    # 2,000 acute trusts (seed 5): each estimate within 3.3 standard errors of its computed limit
    panel = em.prepare(sim.simulate(5, type_counts={"acute": 2000})["panel"])
    truths = sim.hsmr_truths()
    tp = oc.tidy_panel(em.hsmr_panel_models(panel), "engagement").set_index("model")
    for model, (_, key) in em.PANEL_LABELS.items():
        z = (tp.at[model, "estimate"] - truths[key]) / tp.at[model, "se"]
        assert abs(z) < 3.3, (model, tp.at[model, "estimate"], truths[key])
    a09 = panel[panel["year"] == 2009]
    cross = oc.fit_trust_model(a09, "engagement", "hsmr", em.CONTROLS_ACUTE, log_outcome=True).iloc[0]
    assert abs(cross["estimate"] - truths["cross_section_2009"]) < 3.3 * cross["se"]
    r = np.corrcoef(a09["engagement"], a09["log_hsmr"])[0, 1]
    assert abs(np.arctanh(r) - np.arctanh(sim.hsmr_engagement_correlation(2009))) * np.sqrt(len(a09) - 3) < 3.3
    corr = oc.correlation_table(a09, em.STAFF_CORR, em.PATIENT_CORR).merge(
        sim.correlation_truths(em.STAFF_CORR, em.PATIENT_CORR, 2009))
    z = (np.arctanh(corr["r"]) - np.arctanh(corr["truth"])) * np.sqrt(corr["n"] - 3)
    assert z.abs().max() < 3.3, corr.assign(z=z).to_string()


def test_truths_move_with_the_causal_slope():
    base, null = sim.hsmr_truths(), sim.hsmr_truths(0.0)
    assert null["causal"] == 0.0 and null["growth_slope"] == 0.0
    # without the causal slope every unlagged estimator converges to confounding alone: base minus beta
    for key in ("pooled", "random", "cross_section_2005", "cross_section_2009", "growth_intercept"):
        assert null[key] == pytest.approx(base[key] - sim.BETA["log_hsmr"]), key
    assert null["between"] == pytest.approx(base["between"] - sim.BETA["log_hsmr"])
    assert null["between"] < -0.1  # the confounder alone makes an association


def test_icc_interval_matches_pingouin_icc1():
    rng = np.random.default_rng(8)
    k, n = 30, 6
    df = pd.DataFrame({"g": np.repeat(np.arange(k), n), "rater": np.tile(np.arange(n), k),
                       "y": np.repeat(rng.normal(0, 1, k), n) + rng.normal(0, 1.5, k * n)})
    ours = oc.icc_interval(df, "y", [], "g")
    ref = pg.intraclass_corr(df, targets="g", raters="rater", ratings="y").set_index("Type").loc["ICC(1,1)"]
    assert ours["icc"] == pytest.approx(ref["ICC"])
    assert ours["f"] == pytest.approx(ref["F"])
    assert ours["ci_low"] == pytest.approx(ref["CI95"][0], abs=0.006)
    assert ours["ci_high"] == pytest.approx(ref["CI95"][1], abs=0.006)
    with pytest.raises(ValueError, match="same number of rows"):
        oc.icc_interval(df.iloc[1:], "y", [], "g")


def test_mixedlm_icc_close_to_anova_icc(data):
    rows, ml = em.multilevel_recovery(data[1])
    assert oc.icc(ml) == pytest.approx(rows["estimate"].iloc[-1], abs=0.02)


def test_ordered_logit_equals_stock_ordered_model(data):
    pa = data[0][data[0]["year"] == 2008]
    ours = oc.fit_ordinal(pa, "ahc_quality", ["engagement", "log_size"], list(sim.AHC_CATEGORIES))
    y = pd.Series(pd.Categorical(pa["ahc_quality"], categories=list(sim.AHC_CATEGORIES), ordered=True),
                  index=pa.index)
    ref = OrderedModel(y, pa[["engagement", "log_size"]], distr="logit").fit(method="bfgs", disp=False, maxiter=200)
    assert ours.params.to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-4)
    with pytest.raises(ValueError, match="'superb'"):
        oc.fit_ordinal(pa.assign(ahc_quality="superb"), "ahc_quality", ["engagement"], list(sim.AHC_CATEGORIES))


def test_counts_are_overdispersed_as_generated(data):
    counts = em.count_models(data[0])
    assert counts["dispersion"] > 3
    assert counts["dispersion"] == pytest.approx(counts["expected_dispersion"], rel=0.25)
    se = {m: counts[m].bse["engagement"] for m in ("poisson", "negbin")}
    assert se["negbin"] > 2 * se["poisson"]


# --- iterative fits: converged far below the displayed precision, or reported as failed ------------------

def test_growth_fit_is_converged_and_agrees_with_semopy(data):
    import semopy

    wide = em.growth_wide(data[0])
    model = oc.fit_growth(wide, sim.YEARS, 2007)
    assert model.last_result.success and oc.growth_problem(model) == ""
    tg = oc.tidy_growth(model).set_index("term")
    assert (tg["problem"] == "").all()
    assert tg.at["intercept", "estimate"] == pytest.approx(-0.1985, abs=1e-4)
    assert tg.at["slope", "estimate"] == pytest.approx(-0.3164, abs=1e-4)
    # semopy's own fit (SLSQP, its default tolerance) stops near the same optimum, no lower
    df = wide.astype(float).assign(**{f"y{y}": wide[f"y{y}"] * 10.0 for y in sim.YEARS})
    ref = semopy.Model(oc.growth_model_spec(sim.YEARS, 2007))
    assert ref.fit(df).success
    assert model.last_result.fun <= ref.last_result.fun
    ours, theirs = model.inspect(), ref.inspect()
    free = ours["Std. Err"] != "-"  # the fixed loadings have none
    gap = ((ours.loc[free, "Estimate"].astype(float) - theirs.loc[free, "Estimate"].astype(float)).abs()
           / ours.loc[free, "Std. Err"].astype(float))
    assert free.sum() == 12
    assert gap.max() < 0.05  # semopy's default leaves a few thousandths of a standard error


def test_growth_problem_finds_an_unconverged_fit(data):
    model = oc.fit_growth(em.growth_wide(data[0]), sim.YEARS, 2007)
    off = model.param_vals * 1.001  # a point near, but not at, the optimum
    model.param_vals = off
    model.update_matrices(off)
    assert oc.growth_problem(model).startswith("did not converge")
    assert oc.tidy_growth(model)["estimate"].isna().all()


def test_an_improper_growth_fit_is_reported_not_printed():
    # the smaller design of ex-eng-power, seed 37: maximum likelihood gives 2005 a negative residual variance
    panel = em.prepare(sim.simulate(37, type_counts=SMALL)["panel"])
    rows = em.growth_recovery(panel)
    assert (rows["fit"] == "Heywood case: residual variance of y2005 is negative").all()
    assert rows[["estimate", "ci_low", "ci_high"]].isna().all().all()
    assert rows["covered"].isna().all()


def test_fit_problem_reads_statsmodels_convergence(data):
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    counts = em.count_models(data[0])
    assert oc.fit_problem(counts["poisson"]) == oc.fit_problem(counts["negbin"]) == ""
    a = em.acute(data[0])
    X = sm.add_constant(a[["engagement"]])
    with pytest.warns(ConvergenceWarning):  # statsmodels' own diagnostic, kept
        stopped = sm.NegativeBinomial(a["mrsa_cases"], X, exposure=a["bed_days"]).fit(
            method="newton", maxiter=1, disp=False)
    assert oc.fit_problem(stopped) == "did not converge"
    ml = oc.fit_multilevel(data[1], "engagement", list(sim.HR_BETA), "trust_id")
    assert oc.fit_problem(ml) == "" and oc.icc(ml) == pytest.approx(0.090, abs=5e-4)


def test_a_row_with_a_problem_shows_no_numbers():
    row = em._row("m", "e", 1.0, 2.0, 1.5, 2.5, 10, "did not converge")
    assert np.isnan([row["estimate"], row["ci_low"], row["ci_high"]]).all()
    assert row["covered"] is None and row["fit"] == "did not converge"
    assert em._row("m", "e", 1.0, 2.0, 1.5, 2.5, 10)["fit"] == "ok"


# --- what the exercises' solutions say a re-run shows ------------------------------------------------------

def test_exercise_power_directions_lost_with_fewer_trusts():
    lost, per_seed = pd.Series(0, index=list(em.DIRECTIONS)), []
    for seed in range(1, 21):
        dirs = em.direction_table(em.prepare(sim.simulate(seed, type_counts=SMALL)["panel"])).set_index("fact_id")
        lost += ~dirs["sign_matches"]
        per_seed.append(int((~dirs["sign_matches"]).sum()))
    assert min(per_seed) == 0 and max(per_seed) >= 1  # some seeds lose directions, others none
    hsmr = lost.index.str.startswith("dir_hsmr")
    top = lost.sort_values(ascending=False, kind="stable")
    assert top.index[0] == "dir_hsmr_appraisal"
    assert {"dir_hsmr_appraisal", "dir_hsmr_engagement", "dir_hsmr_contribute"} <= set(top.index[:3])
    assert lost[hsmr].sum() > lost[~hsmr].sum()


def test_exercise_power_intervals_widen_by_about_the_square_root(recovery):
    d = sim.teaching_data(sim.DEFAULT_SEED, type_counts=SMALL)
    small = em.recovery_table(em.prepare(d["panel"]), d["respondents"])
    ratio = (small["ci_high"] - small["ci_low"]) / (recovery["ci_high"] - recovery["ci_low"])
    acute_rows = ~recovery["model"].str.contains("multilevel") & ~recovery["estimand"].str.contains(
        "sickness|turnover|ahc_")
    expected = np.sqrt(sim.TRUST_TYPES["acute"] / SMALL["acute"])
    # the rule stated in the solution: roughly the square root of the ratio (median within 25%), some more
    assert abs(ratio[acute_rows].median() / expected - 1) < 0.25
    assert ratio[acute_rows].max() > expected
    slopes = recovery["model"] == "multilevel (MixedLM, REML)"
    assert ratio[slopes].between(0.9, 1.1).all()  # the respondent sample keeps its 60 trusts


# --- published facts, directions and the scorecard ----------------------------------------------------

def test_scorecard_rows_at_the_default_seed():
    card = em.engagement_outcomes_claims()
    assert len(card) == len(em.DIRECTIONS) + 1 + 17 == 39
    assert card["claim_id"].is_unique
    # seed 2014: the 2005/06 HSMR range and the advocacy tau (-0.180) fall outside their tolerances
    bad = card.loc[card["status"] != "match", "claim_id"].tolist()
    assert bad == ["4c.hsmr_range_2005", "4c.kendall_tau_advocacy_hsmr_2009"]
    assert (card.loc[card["status"] != "match", "status"] == "mismatch").all()


def test_quoted_ranges_are_the_tolerances(data):
    card = em.calibration_table(data[0]).set_index("fact")
    tau = card.loc["kendall_tau_engagement_hsmr_2009"]
    assert tau["reproduced"].startswith("-0.202") and tau["match"]  # inside -0.3 to -0.2
    assert card.at["kendall_tau_advocacy_hsmr_2009", "reproduced"].startswith("-0.180")
    assert not card.at["kendall_tau_advocacy_hsmr_2009", "match"]  # outside, by 0.02
    assert card.at["r_engagement_mortality", "tolerance"] == "mean of yearly r inside the quoted -0.3 to -0.15"


def test_calibration_replication_counts_passes_over_seeds():
    rep = em.calibration_replication(seeds=[1, 2, 3]).set_index("fact")
    assert len(rep) == 17 and (rep["n_seeds"] == 3).all()
    by_hand = [em.calibration_table(em.prepare(sim.simulate(s)["panel"])).set_index("fact")["match"] for s in (1, 2, 3)]
    assert (rep["n_match"] == pd.concat(by_hand, axis=1).sum(axis=1)).all()
    with pytest.raises(ValueError, match="seeds is empty"):
        em.calibration_replication(seeds=[])


def test_exercise_seed_solution_ranks_the_failures():
    # ex-eng-seed glues the rarest passes over seeds 1-20; pinned here: the two tau checks, then the HSMR range
    rep = em.calibration_replication().sort_values(["n_match", "fact"], kind="stable")
    assert rep["fact"].head(3).tolist() == ["kendall_tau_advocacy_hsmr_2009", "kendall_tau_engagement_hsmr_2009",
                                            "hsmr_range_2005"]
    assert rep["n_match"].head(3).tolist() == [6, 6, 8]
    # the generator's population tau is weaker than the quoted range, which is why the tau checks fail
    r = sim.hsmr_engagement_correlation(2009)
    assert 2 / np.pi * np.arcsin(r) > -0.2


def test_every_stated_direction_is_a_published_fact(data):
    facts = sim.facts_table().set_index("fact_id")
    directions = facts[facts.index.str.startswith("dir_")]
    assert set(directions.index) == set(em.DIRECTIONS) | {"dir_consistent_types"}
    dirs = em.direction_table(data[0])
    assert dirs["sign_matches"].sum() == 21  # seed 2014
    assert (dirs["p"] < 0.05).sum() == 18 and (dirs["p_holm"] < 0.05).sum() == 15
    assert (dirs["p_holm"] >= dirs["p"]).all()
    np.testing.assert_allclose(dirs["p_holm"], multipletests(dirs["p"], method="holm")[1])


def test_high_vs_medium_contrast_at_the_default_seed(data):
    pooled = oc.high_vs_medium(em.acute(data[0])).set_index("group").at["pooled", "pct_difference"]
    assert em.TOL_CONTRAST[0] <= pooled <= em.TOL_CONTRAST[1]  # seed 2014: within our tolerance, weaker than -2.5
    assert pooled == pytest.approx(-1.32, abs=0.01)


def test_high_vs_medium_by_hand():
    df = pd.DataFrame({"year": [1] * 6, "engagement": [1, 2, 3, 4, 5, 6], "hsmr": [110, 108, 100, 100, 95, 95]})
    out = oc.high_vs_medium(df).set_index("group")
    assert out.at["1", "pct_difference"] == pytest.approx(-5.0)
    assert out.at["1", "n_high"] == 2 and out.at["1", "n_medium"] == 2
    quart = oc.high_vs_medium(pd.DataFrame({"year": [1] * 8, "engagement": range(8),
                                            "hsmr": [120, 110, 100, 100, 100, 100, 90, 90]}), cuts=(0.25, 0.75))
    assert quart.iloc[0]["pct_difference"] == pytest.approx(-10.0)
    with pytest.raises(ValueError, match="cuts"):
        oc.high_vs_medium(df, cuts=(0.7, 0.3))


def test_correlation_table_equals_scipy_and_statsmodels_holm(data):
    a09 = em.acute(data[0]).query("year == 2009")
    out = oc.correlation_table(a09, ["engagement", "work_pressure"], ["inpatient_satisfaction", "hsmr"])
    ref = [stats.pearsonr(a09[s], a09[p]) for s in ["engagement", "work_pressure"]
           for p in ["inpatient_satisfaction", "hsmr"]]
    assert out["r"].to_numpy() == pytest.approx([r[0] for r in ref])
    assert out["p"].to_numpy() == pytest.approx([r[1] for r in ref])
    assert out["p_adj"].to_numpy() == pytest.approx(multipletests([r[1] for r in ref], method="holm")[1])
    with pytest.raises(ValueError, match="nurses"):
        oc.correlation_table(a09, ["engagement"], ["nurses"])


# --- the public function -----------------------------------------------------------------------------

def _frame():
    rng = np.random.default_rng(1)
    x = rng.normal(size=30)
    return pd.DataFrame({"x": x, "size": rng.normal(size=30), "region": ["a", "b", "c"] * 10,
                         "y": 2 + 0.5 * x + rng.normal(size=30)})


def test_fit_trust_model_equals_statsmodels_ols():
    df = _frame()
    out = oc.fit_trust_model(df, "x", "y", ["size", "region"]).iloc[0]
    X = sm.add_constant(pd.concat([df[["x", "size"]], pd.get_dummies(df["region"], drop_first=True, dtype=float)],
                                  axis=1))
    ref = sm.OLS(df["y"], X).fit()
    assert out["estimate"] == pytest.approx(ref.params["x"])
    assert out["se"] == pytest.approx(ref.bse["x"])
    assert out["ci_low"] == pytest.approx(ref.conf_int().loc["x", 0])
    assert out["r"] == pytest.approx(np.corrcoef(df["x"], df["y"])[0, 1])
    assert out["n"] == 30 and out["n_excluded"] == 0
    # the standardised slope is the slope of the z-scored outcome on the z-scored exposure
    z = df.assign(x=(df["x"] - df["x"].mean()) / df["x"].std(), y=(df["y"] - df["y"].mean()) / df["y"].std())
    zfit = sm.OLS(z["y"], X.assign(x=z["x"])).fit()
    assert out["std_slope"] == pytest.approx(zfit.params["x"])
    assert out["std_ci_high"] == pytest.approx(zfit.conf_int().loc["x", 1])


def test_fit_trust_model_counts_exclusions_and_logs():
    df = _frame().assign(y=lambda d: np.exp(d["y"]))
    df.loc[[0, 5], "y"] = np.nan
    out = oc.fit_trust_model(df, "x", "y", log_outcome=True).iloc[0]
    assert out["n"] == 28 and out["n_excluded"] == 2 and out["outcome"] == "log(y)"
    ok = df.dropna()
    assert out["estimate"] == pytest.approx(np.polyfit(ok["x"], np.log(ok["y"]), 1)[0])


@pytest.mark.parametrize("kwargs, match", [
    ({"exposure": "nope", "outcome": "y"}, r"missing column\(s\) \['nope'\]"),
    ({"exposure": "x", "outcome": "y", "controls": ["zzz"]}, "zzz"),
    ({"exposure": "x", "outcome": "x"}, "different columns"),
])
def test_fit_trust_model_bad_columns(kwargs, match):
    with pytest.raises(ValueError, match=match):
        oc.fit_trust_model(_frame(), **kwargs)


def test_fit_trust_model_bad_values():
    df = _frame().astype({"y": object})
    df.loc[3, "y"] = "n/a"
    with pytest.raises(ValueError, match=r"column 'y' has 1 non-numeric value\(s\), first 'n/a' at row 3"):
        oc.fit_trust_model(df, "x", "y")
    with pytest.raises(ValueError, match="too few rows: 8 complete"):
        oc.fit_trust_model(_frame().head(8), "x", "y")
    with pytest.raises(ValueError, match="'y' must be positive"):
        oc.fit_trust_model(_frame().assign(y=-1.0), "x", "y", log_outcome=True)
    with pytest.raises(ValueError, match="'x' is constant"):
        oc.fit_trust_model(_frame().assign(x=1.0), "x", "y")
    with pytest.raises(ValueError, match="pandas DataFrame"):
        oc.fit_trust_model([[1, 2]], "x", "y")


def test_correlation_truths_reject_unknown_measures():
    with pytest.raises(KeyError, match="'morale'"):
        sim.correlation_truths(["morale"], ["inpatient_satisfaction"])
    with pytest.raises(KeyError, match="'hsmr'"):
        sim.correlation_truths(["engagement"], ["hsmr"])
