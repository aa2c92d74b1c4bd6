"""Tests of the clinical-teams generator, the chapter's analyses and the public aggregation and
relative-importance functions (substudy 5). Values are those of the default seed (2014); where an
estimate is compared with what the generator's model implies, the rule is stated beside it, before the
comparison, never widened to pass."""
from itertools import combinations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from book.methods import relative_importance as ri
from book.methods import aggregation as ta
from book.methods import reliability as rel
from book.methods import agreement
from book.substudies import teams as tm
from book.data.datapackage import read
from book.data.paths import SIMULATED
from book.simulate import teams as sim


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


@pytest.fixture(scope="module")
def teams(data):
    return tm.team_table(data)


# --- the teaching data ---------------------------------------------------------------------------
def test_generator_is_byte_reproducible():
    for name, text in sim.generate().items():
        assert (SIMULATED / name).read_text(encoding="utf-8") == text, name


def test_every_published_count_is_reproduced(data):
    counts = tm.design_counts(data)
    assert len(counts) == 12
    assert counts["match"].all(), counts[~counts["match"]]
    assert set(counts["published"]) >= {621, 4604, 51, 13, 17, 10, 11, 388, 1299, 4976, 486, 183}


def test_files_validate_and_hang_together(data):
    for name in sim.FILES.values():
        read(name[:-4])
    resp, fu, teams = data["responses"], data["followup"], data["teams"]
    # follow-up respondents are baseline respondents of the same team
    base = resp.set_index("respondent_id")["team_id"]
    assert (fu["team_id"].to_numpy() == base.loc[fu["respondent_id"]].to_numpy()).all()
    assert resp.groupby("team_id").size().min() >= sim.MIN_RESPONDENTS
    # leader lists and ratings exist exactly for teams whose leader was named
    lists = data["membership"]
    with_list = set(lists.loc[lists["rater_id"] == "leader", "team_id"])
    named = set(teams.loc[teams["leader_identified"] == 1, "team_id"])
    assert with_list == named
    assert teams["leader_effectiveness"].notna().eq(teams["leader_identified"] == 1).all()
    # member raters are the team's respondents, and every respondent lists themself
    members = lists[lists["rater_id"] != "leader"]
    assert (members["team_id"].to_numpy() == base.loc[members["rater_id"]].to_numpy()).all()
    self_listed = members.merge(resp[["respondent_id", "person_id"]], left_on=["rater_id", "person_id"],
                                right_on=["respondent_id", "person_id"])
    assert self_listed["rater_id"].nunique() == len(resp)
    # open-ended answers: innovation codes only on the innovation question, categories agree, all 183 described
    op, inn = data["open_responses"], data["innovations"]
    coded = op[op["innovation_id"] != ""]
    assert (coded["question"] == "innovation").all()
    assert (coded["category"].to_numpy() == inn.set_index("innovation_id").loc[coded["innovation_id"], "category"]
            .to_numpy()).all()
    assert set(coded["innovation_id"]) == set(inn["innovation_id"])
    assert (op["team_id"].to_numpy() == base.loc[op["respondent_id"]].to_numpy()).all()


def test_latent_model_recovers_the_path_coefficients():
    # one sector, no measurement: regressing true effectiveness on its causes returns PATHS exactly
    one = pd.DataFrame({"sector": ["acute"] * 10, "n_baseline": 5, "n_followup": 2})
    cov = sim.implied_covariance(one, latent=True)
    preds = list(sim.PATHS["effectiveness"])
    got = sim.expected_regression(cov, "effectiveness", preds).set_index("predictor")["std_beta"]
    assert got.to_dict() == pytest.approx(sim.PATHS["effectiveness"])
    # each true score has variance 1 within a sector (times ICC and the item slope squared)
    assert np.diag(sim.structure()["cov"]) == pytest.approx(1.0)


def test_reliability_and_aggregation_recover_the_model(data, teams):
    rel = tm.reliability_table(data, teams)
    # tolerances are about three standard errors (alpha: 0.007; ICCs: 0.02, more with trust clustering)
    assert (rel["alpha"] - rel["alpha_expected"]).abs().max() < 0.02
    assert (rel["icc1"] - rel["icc1_expected"]).abs().max() < 0.06
    assert (rel["icc2"] - rel["icc2_expected"]).abs().max() < 0.08
    assert rel["alpha"].min() > 0.7 and rel["icc1"].min() > 0.05
    # values of the 2014 data, as the chapter reads them
    r = rel.set_index("dimension")
    assert r.at["attachment", "icc1"] == pytest.approx(0.135, abs=5e-4)
    assert r.at["attachment", "n_for_icc2_070"] == pytest.approx(14.9, abs=0.05)
    assert sorted(r.index[r["icc2"].round(3) < 0.70]) == ["attachment", "creativity", "effectiveness", "resources",
                                                          "satisfaction"]
    # Jensen: the mean r_wg(j) lies below the index at the mean variance; the median (right-skewed variances) above
    assert (r["rwg_j_mean"] < r["rwg_j_expected"]).all() and (r["rwg_j_median"] > r["rwg_j_expected"]).all()


def test_spearman_brown():
    assert tm.spearman_brown_n(0.25, 0.70) == pytest.approx(7.0)
    k = tm.spearman_brown_n(0.144, 0.70)
    assert k * 0.144 / (1 + (k - 1) * 0.144) == pytest.approx(0.70)  # ICC(2) of a mean of k answers
    assert tm.spearman_brown_n(0.0, 0.70) == np.inf
    with pytest.raises(ValueError, match="between 0 and 1"):
        tm.spearman_brown_n(0.2, 1.0)


def test_intervals_agree_with_what_the_model_implies(teams):
    cov = tm.coverage_table(teams)
    assert len(cov) == 41
    # the intervals are estimate +- 1.96 SE, so "covered" and |z| <= 1.96 say the same
    assert (cov["covered"] == (cov["z"].abs() <= stats.norm.ppf(0.975))).all()
    # rule fixed in advance: if the model is right, no estimate lies further from its expected value than the
    # Bonferroni bound for 41 at family-wise level 1%, and the 95% intervals miss no more often than the 99.9th
    # percentile of Binomial(41, 0.05). One seed's misses are not required to be zero.
    bound = stats.norm.ppf(1 - 0.01 / 2 / len(cov))
    assert cov["z"].abs().max() < bound, cov[cov["z"].abs() >= bound].to_string()
    assert (~cov["covered"]).sum() <= stats.binom.ppf(0.999, len(cov), 0.05)
    # the misses of the 2014 data, which the chapter names
    missed = cov.loc[~cov["covered"], ["model", "term"]].to_numpy().tolist()
    assert missed == [["effectiveness on inputs and processes", "resources"],
                      ["leader_effectiveness on inputs and processes", "task_design"],
                      ["external_effectiveness on inputs and processes", "creativity"]]
    far = cov.loc[cov["z"].abs().idxmax()]
    assert far["term"] == "resources" and far["z"] == pytest.approx(3.14, abs=0.01)


def test_sector_anova_matches_scipy(teams):
    out = tm.sector_anova(teams, ["reflexivity"]).iloc[0]
    groups = [g["reflexivity"].to_numpy() for _, g in teams.groupby("sector")]
    ref = stats.f_oneway(*groups)
    assert out["F"] == pytest.approx(ref.statistic) and out["p"] == pytest.approx(ref.pvalue)
    # reflexivity differs between sectors by construction; the estimate is near the implied share
    assert out["p_holm"] < 0.05 and abs(out["np2"] - out["np2_expected"]) < 0.03


def test_innovation_order_and_tests(data):
    counts = tm.innovation_counts(data)
    assert counts["n"].sum() == 183
    n = counts["n"].to_list()
    assert n == [100, 54, 29]
    order = tm.ordering_test(counts)
    first = stats.binomtest(n[0], n[0] + n[1], 0.5, alternative="greater").pvalue
    assert order.at[0, "p"] == pytest.approx(first)
    assert order.at[2, "statistic"] == pytest.approx(stats.chisquare(n).statistic)
    with pytest.raises(ValueError, match="category"):
        tm.ordering_test(counts.rename(columns={"category": "kind"}))


def test_scorecard_rows(data):
    card = tm.teams_claims(data)
    assert len(card) == 27 and card["claim_id"].is_unique
    card = card.set_index("claim_id")
    assert set(card["status"]) <= {"match", "mismatch", "not reproducible"}
    # at any seed: the counts match (the generator is given them) and six rows cannot be checked
    counts = ["5." + c for c in tm.design_counts(data)["claim_id"]]
    assert (card.loc[counts, "status"] == "match").all()
    assert (card["status"] == "not reproducible").sum() == 6
    # values of the 2014 data (at other seeds some rows fail: see test_seed_exercise_what_a_rerun_shows)
    assert card.at["5.success_factors", "reproduced"].startswith("effort and skills 0.13 (p=8.4e-05), resources 0.21")
    assert card.at["5.objectives_participation_key", "reproduced"] == (
        "general dominance ranks of 11: objectives 2, participation 3")
    assert (card["status"] == "match").sum() == 21


def test_innovation_count_model(teams):
    fit = tm.innovation_count_model(teams)
    assert fit.converged
    used = teams[teams["n_open_answers"] > 0]
    z = (used["reflexivity"] - used["reflexivity"].mean()) / used["reflexivity"].std()
    ref = sm.GLM(used["n_innovations"], sm.add_constant(z.to_numpy()), family=sm.families.Poisson(),
                 offset=np.log(used["n_open_answers"])).fit()
    assert fit.params.to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-8)
    table = tm.innovation_count_table(fit)
    assert table.attrs["converged"] and table.attrs["n"] == 486
    assert table.at[1, "estimate"] == pytest.approx(1.245, abs=5e-4)
    # a fit stopped before it converged gives no numbers
    stopped = sm.GLM(used["n_innovations"], sm.add_constant(z.to_numpy()), family=sm.families.Poisson(),
                     offset=np.log(used["n_open_answers"])).fit(maxiter=1, tol=1e-14)
    assert not stopped.converged
    bad = tm.innovation_count_table(stopped)
    assert not bad.attrs["converged"] and bad[["estimate", "ci_low", "ci_high", "p"]].isna().all().all()


# --- what the exercises' solutions say a re-run shows ----------------------------------------------------
def _se_r2(r2: float, n: int) -> float:
    """Large-sample standard error of R^2 (Olkin & Finn 1995): 2 R (1 - R^2) / sqrt(n)."""
    return 2 * np.sqrt(r2) * (1 - r2) / np.sqrt(n)


def test_halo_exercise(data, teams):
    model = sim.model_params(None, 0.0, 0.2)
    other = sim.teaching_data(sim.DEFAULT_SEED, None, 0.0, 0.2)
    other_teams = tm.team_table(other)
    rel0, rel1 = tm.reliability_table(data, teams), tm.reliability_table(other, other_teams, model)
    assert rel1["icc1"].mean() < rel0["icc1"].mean() and rel1["icc2"].mean() < rel0["icc2"].mean()
    s0 = tm.source_comparison(teams).set_index("outcome")
    s1 = tm.source_comparison(other_teams, model).set_index("outcome")
    members = s1.loc["effectiveness"]
    # "falls to about r2_expected_no_halo": within three standard errors of R^2
    assert abs(members["r2"] - s0.at["effectiveness", "r2_expected_no_halo"]) < 3 * _se_r2(members["r2"], members["n"])
    assert members["r2"] < s0.at["effectiveness", "r2"]
    # "the external-rating R^2 hardly moves": by less than one standard error; "its expected value even rises"
    e0, e1 = s0.loc["external_effectiveness"], s1.loc["external_effectiveness"]
    assert abs(e1["r2"] - e0["r2"]) < _se_r2(e0["r2"], e0["n"])
    assert e1["r2_expected"] > e0["r2_expected"]


def test_icc_exercise(data, teams):
    model = sim.model_params(0.05)
    other = sim.teaching_data(sim.DEFAULT_SEED, 0.05)
    other_teams = tm.team_table(other)
    rel0, rel1 = tm.reliability_table(data, teams), tm.reliability_table(other, other_teams, model)
    assert rel1["icc1"].mean() < rel0["icc1"].mean()
    assert (rel1["icc2"].round(3) < 0.70).all()          # below the usual 0.70 on every scale
    assert (rel1["rwg_j_median"] > 0.70).all()           # yet the median r_wg(j) stays above 0.70
    assert model["method_team"] / (model["icc"]["effectiveness"] + model["method_team"]) == pytest.approx(0.5)
    reg0, reg1 = tm.regression_table(teams), tm.regression_table(other_teams, model=model)
    assert (reg1["expected"] - reg1["built_in"]).abs().mean() > (reg0["expected"] - reg0["built_in"]).abs().mean()


def test_seed_exercise_what_a_rerun_shows():
    # the first ten seeds the exercise suggests (SEED = 1, 2, ...), checked against what its solution says
    fails, misses, to_expected, to_built = {}, [], [], []
    for seed in range(1, 11):
        d = sim.teaching_data(seed)
        t = tm.team_table(d)
        card = tm.teams_claims(d, t).set_index("claim_id")
        counts = ["5." + c for c in tm.design_counts(d)["claim_id"]]
        assert (card.loc[counts, "status"] == "match").all(), seed  # counts always match
        for claim in card.index[card["status"] == "mismatch"]:
            fails.setdefault(claim, []).append(seed)
        if card.at["5.success_factors", "status"] == "mismatch":  # because effort or resources miss, not the block
            assert tm.block_tests(t).set_index("block").at["processes", "p"] < tm.ALPHA, seed
        misses.append(int((~tm.coverage_table(t)["covered"]).sum()))
        reg = tm.regression_table(t)
        to_expected += list((reg["std_beta"] - reg["expected"]).abs())
        to_built += list((reg["std_beta"] - reg["built_in"]).abs())
    # "success factors" fails in some seeds, "objectives and participation key" in others, and nothing else
    assert set(fails) == {"5.success_factors", "5.objectives_participation_key"}, fails
    # "about one interval in twenty misses": read in advance as between 1 in 40 and 1 in 10 of all intervals
    assert 1 / 40 <= sum(misses) / (41 * len(misses)) <= 1 / 10, misses
    # "one seed misses none and another several" (three or more)
    assert min(misses) == 0 and max(misses) >= 3, misses
    # "averaged over seeds, the estimates lie closer to expected than to built_in"
    assert np.mean(to_expected) < np.mean(to_built)


def test_real_vs_pseudo_is_welch(data, teams):
    cls = tm.real_team_table(data, teams)
    out = tm.real_vs_pseudo(cls, "innovation").iloc[0]
    ref = stats.ttest_ind(cls.loc[cls["real_team"], "innovation"], cls.loc[~cls["real_team"], "innovation"],
                          equal_var=False)
    assert out["T"] == pytest.approx(ref.statistic) and out["p"] == pytest.approx(ref.pvalue)
    with pytest.raises(ValueError, match="two real and two pseudo"):
        tm.real_vs_pseudo(cls.assign(real_team=True))


# --- team_aggregation ---------------------------------------------------------------------------------
def _balanced():
    rng = np.random.default_rng(3)
    g = np.repeat(np.arange(12), 4)
    y = rng.normal(size=12)[g] + rng.normal(size=48)
    return pd.DataFrame({"team": g, "rater": np.tile(np.arange(4), 12), "y": y})


def test_icc_equals_pingouin_on_balanced_data():
    df = _balanced()
    ours = rel.icc_anova(df, "team", "y").iloc[0]
    ref = pg.intraclass_corr(df, targets="team", raters="rater", ratings="y").set_index("Type")["ICC"]
    assert ours["icc1"] == pytest.approx(ref["ICC(1,1)"])
    assert ours["icc2"] == pytest.approx(ref["ICC(1,k)"])
    assert ours["k0"] == pytest.approx(4)


def test_icc_mean_squares_equal_statsmodels_anova_on_unbalanced_data():
    df = _balanced().iloc[[i for i in range(48) if i % 7 != 0]]  # unequal team sizes
    ours = rel.icc_anova(df, "team", "y").iloc[0]
    aov = sm.stats.anova_lm(smf.ols("y ~ C(team)", data=df).fit())
    msb, msw = aov["mean_sq"].iloc[0], aov["mean_sq"].iloc[1]
    n = df.groupby("team").size().to_numpy()
    k0 = (n.sum() - (n**2).sum() / n.sum()) / (len(n) - 1)
    assert ours["ms_between"] == pytest.approx(msb) and ours["ms_within"] == pytest.approx(msw)
    assert ours["icc1"] == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw))
    assert ours["p"] == pytest.approx(aov["PR(>F)"].iloc[0])


def test_icc_excludes_and_counts_singletons_and_missing():
    df = pd.DataFrame({"g": [1, 1, 2, 2, 3, 4, 4], "y": [1.0, 2, 4, 5, 3, np.nan, 2]})
    out = rel.icc_anova(df, "g", "y").iloc[0]
    assert out["n_groups"] == 2 and out["n_obs"] == 4
    assert out["n_excluded_rows"] == 3 and out["n_excluded_groups"] == 2


def test_rwg_j_by_hand():
    # two items, 5 options (null variance 2); group A answers (4,4), (5,4), (4,5), (5,5): item variances 1/3, 1/3
    df = pd.DataFrame({"g": ["A"] * 4 + ["B"] * 3, "i1": [4, 5, 4, 5, 1, 5, 3], "i2": [4, 4, 5, 5, 3, 3, 4]})
    out = ta.rwg_j(df, "g", ["i1", "i2"], n_options=5).set_index("group")
    s = (1 / 3) / 2
    assert out.at["A", "rwg_j"] == pytest.approx(2 * (1 - s) / (2 * (1 - s) + s))  # = 0.9090...
    assert out.at["A", "rwg_j"] == pytest.approx(10 / 11)
    # group B: item variances 4 and 1/3, mean 13/6 > 2 (more spread than chance): truncated to 0,
    # else the formula's negative value
    assert out.at["B", "rwg_j"] == 0
    raw = ta.rwg_j(df, "g", ["i1", "i2"], n_options=5, truncate=False).set_index("group")
    sb = (13 / 6) / 2
    assert raw.at["B", "rwg_j"] == pytest.approx(2 * (1 - sb) / (2 * (1 - sb) + sb))
    assert raw.at["B", "mean_variance"] == pytest.approx(13 / 6)
    single = ta.rwg_j(df, "g", ["i1"], n_options=5).set_index("group")
    assert single.at["A", "rwg_j"] == pytest.approx(1 - s)


def test_fleiss_kappa_equals_statsmodels():
    rng = np.random.default_rng(4)
    yes = rng.integers(0, 7, size=15)
    table = np.c_[yes, 6 - yes]
    assert agreement.fleiss_kappa(table) == pytest.approx(sm_fleiss_kappa(table, method="fleiss"))


def test_membership_agreement_by_hand():
    lists = pd.DataFrame({"team": ["t"] * 7 + ["u"],
                          "rater": ["a", "a", "a", "b", "b", "c", "c", "z"],
                          "person": ["p1", "p2", "p3", "p1", "p2", "p1", "p4", "p1"]})
    out = ta.membership_agreement(lists, "team", "rater", "person")
    row = out.iloc[0]
    # pairs: a-b 2/3, a-c 1/4, b-c 1/3
    assert row["jaccard"] == pytest.approx((2 / 3 + 1 / 4 + 1 / 3) / 3)
    assert row["n_raters"] == 3 and row["n_listed"] == 4 and row["share_listed_by_all"] == pytest.approx(0.25)
    yes = np.array([3, 2, 1, 1])
    assert row["fleiss_kappa"] == pytest.approx(sm_fleiss_kappa(np.c_[yes, 3 - yes], method="fleiss"))
    assert out.attrs["n_excluded_groups"] == 1  # team u has a single rater


@pytest.mark.parametrize("call, error, match", [
    (lambda: rel.icc_anova(pd.DataFrame({"g": [1, 1], "y": [1, 2]}), "g", "score"), KeyError, "score"),
    (lambda: rel.icc_anova(pd.DataFrame({"g": [1, 1, 2, 2], "y": [1, "x", 2, 3]}), "g", "y"), ValueError,
     "non-numeric"),
    (lambda: rel.icc_anova(pd.DataFrame({"g": [1, 1, 2], "y": [1, 2, 3]}), "g", "y"), ValueError, "two groups"),
    (lambda: ta.rwg_j(pd.DataFrame({"g": [1, 1], "i": [1, 7]}), "g", ["i"], 5), ValueError, "outside"),
    (lambda: ta.rwg_j(pd.DataFrame({"g": [1, 1], "i": [1, 2]}), "g", ["i"], 1), ValueError, "n_options"),
    (lambda: ta.membership_agreement(pd.DataFrame({"team_id": [1, 1], "rater_id": ["a", "a"],
                                                   "person_id": ["p", "p"]})), ValueError, "duplicated"),
    (lambda: ta.scale_scores(pd.DataFrame({"a": [1]}), {"s": ["a", "b"]}), KeyError, "b"),
])
def test_aggregation_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- relative_importance -------------------------------------------------------------------------------
def _regression_data(n=200, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.multivariate_normal(np.zeros(4), 0.4 + 0.6 * np.eye(4), size=n)
    y = x @ np.array([0.5, 0.3, 0.1, 0.0]) + rng.normal(size=n)
    return pd.DataFrame(np.c_[y, x], columns=["y", "a", "b", "c", "d"])


def _r2(df, cols):
    return sm.OLS(df["y"], sm.add_constant(df[list(cols)])).fit().rsquared if cols else 0.0


def test_general_dominance_equals_brute_force_all_subsets():
    df = _regression_data()
    preds = ["a", "b", "c", "d"]
    got = ri.dominance_analysis(df, "y", preds).set_index("predictor")["general_dominance"]
    for p in preds:
        others = [q for q in preds if q != p]
        by_size = [np.mean([_r2(df, [*s, p]) - _r2(df, s) for s in combinations(others, k)])
                   for k in range(len(preds))]
        assert got[p] == pytest.approx(np.mean(by_size))
    assert got.sum() == pytest.approx(_r2(df, preds))
    cond = ri.conditional_dominance(df, "y", preds)
    assert cond.groupby("predictor")["mean_gain"].mean()[preds].to_numpy() == pytest.approx(got[preds].to_numpy())


def test_relative_weights_sum_to_r2_and_equal_r_squared_when_orthogonal():
    df = _regression_data()
    preds = ["a", "b", "c", "d"]
    rw = ri.relative_weights(df, "y", preds)
    assert rw["raw_weight"].sum() == pytest.approx(_r2(df, preds))
    # orthogonal predictors: both methods give each predictor its squared correlation with y
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.normal(size=(50, 3)) - rng.normal(size=(50, 3)).mean(axis=0))
    x = (q - q.mean(axis=0)) / (q - q.mean(axis=0)).std(axis=0)
    x = np.linalg.qr(x - x.mean(axis=0))[0]
    y = x @ np.array([3.0, 2.0, 1.0]) + rng.normal(size=50)
    od = pd.DataFrame(np.c_[y, x], columns=["y", "p", "q", "r"])
    r2 = od.corr().loc[["p", "q", "r"], "y"].to_numpy() ** 2
    assert ri.relative_weights(od, "y", ["p", "q", "r"])["raw_weight"].to_numpy() == pytest.approx(r2, abs=1e-8)
    assert ri.dominance_analysis(od, "y", ["p", "q", "r"])["general_dominance"].to_numpy() == pytest.approx(
        r2, abs=1e-8)


def test_from_covariance_equals_data_version():
    df = _regression_data()
    preds = ["a", "b", "c", "d"]
    assert ri.dominance_from_covariance(df.cov(), "y", preds)["general_dominance"].to_numpy() == pytest.approx(
        ri.dominance_analysis(df, "y", preds)["general_dominance"].to_numpy())
    assert ri.relative_weights_from_covariance(df.cov(), "y", preds)["raw_weight"].to_numpy() == pytest.approx(
        ri.relative_weights(df, "y", preds)["raw_weight"].to_numpy())


def test_equal_weights_share_a_rank():
    # a and b play the same part (same correlations with y and with c): their weights are equal but for the
    # last bits of the solve, and rank the same on every machine
    corr = pd.DataFrame([[1, 0.3, 0.3, 0.1], [0.3, 1, 0.2, 0.1], [0.3, 0.2, 1, 0.1], [0.1, 0.1, 0.1, 1]],
                        index=list("yabc"), columns=list("yabc"))
    for table in (ri.dominance_from_covariance(corr, "y", ["a", "b", "c"]),
                  ri.relative_weights_from_covariance(corr, "y", ["a", "b", "c"]),
                  ri.dominance_from_covariance(corr, "y", ["c", "b", "a"])):
        assert table.set_index("predictor")["rank"].to_dict() == {"a": 1, "b": 1, "c": 3}


def test_bootstrap_interval_contains_estimate_and_is_seeded():
    df = _regression_data()
    a = ri.bootstrap_relative_weights(df, "y", ["a", "b"], np.random.default_rng(1), n_boot=200)
    b = ri.bootstrap_relative_weights(df, "y", ["a", "b"], np.random.default_rng(1), n_boot=200)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["ci_low"] <= a["raw_weight"]) & (a["raw_weight"] <= a["ci_high"])).all()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"outcome": "y", "predictors": ["a", "zz"]}, KeyError, "zz"),
    ({"outcome": "y", "predictors": ["a", "a"]}, ValueError, "twice"),
    ({"outcome": "y", "predictors": ["y", "a"]}, ValueError, "also listed"),
    ({"outcome": "y", "predictors": []}, ValueError, "at least one"),
    ({"outcome": "y", "predictors": ["const"]}, ValueError, "do not vary"),
])
def test_relative_importance_bad_input(kwargs, error, match):
    df = _regression_data().assign(const=1.0)
    with pytest.raises(error, match=match):
        ri.dominance_analysis(df, **kwargs)


def test_too_many_predictors_and_non_numeric():
    wide = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 17)), columns=[f"x{i}" for i in range(17)])
    with pytest.raises(ValueError, match="limit is 15"):
        ri.dominance_analysis(wide, "x0", [f"x{i}" for i in range(1, 17)])
    bad = _regression_data().astype(object)
    bad.loc[3, "a"] = "n/a"
    with pytest.raises(ValueError, match="'a' holds a non-numeric"):
        ri.relative_weights(bad, "y", ["a", "b"])
