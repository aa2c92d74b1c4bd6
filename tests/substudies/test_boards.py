"""The trust-boards chapter's analyses, scorecard, Monte Carlo replicate and exercises (substudies 6a-6c).

The teaching data are those of the book's default seed (2014, by the book's one rule). Where an estimate is
compared with its simulated truth the rule, fixed in advance, is "within 3 standard errors"; Monte Carlo
checks allow 3 Monte Carlo standard errors.
"""
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from book.data import published
from book.methods import count_trends as ct
from book.simulate import boards as sim
from book.simulate import boards_truths as truths
from book.substudies import boards as bd
from book.substudies import boards_agenda as ag
from book.substudies import boards_minutes as bm
from book.substudies import boards_objectives as ob

Z = stats.norm.ppf(0.975)
CHAPTER = Path(__file__).resolve().parents[2] / "chapters" / "boards.ipynb"


def within_3_se(estimate, truth, ci_low, ci_high, log=False):
    """The rule for an estimate against its truth: within 3 standard errors, the SE read off its 95% interval."""
    f = np.log if log else (lambda x: x)
    se = (f(ci_high) - f(ci_low)) / (2 * Z)
    return np.abs(f(estimate) - f(truth)) <= 3 * se


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


# --- 6b: the models at the default seed -----------------------------------------------------------------

def test_trend_models_at_the_default_seed(data):
    tm = bm.trend_models(data["minutes"], data["innovations"]).set_index(["model", "estimand"])
    assert len(tm) == 16
    rr = "rate ratio 2011H1 vs 2010H1"
    expected = {("negative binomial, board x half-year", rr): (0.487, 0.276, 0.858),
                ("Poisson, SE clustered by board, board x half-year", rr): (0.504, 0.303, 0.838),
                ("Poisson with board fixed effects", rr): (0.474, 0.299, 0.752),
                ("negative binomial, board x half-year", "NB2 dispersion alpha"): (0.928, 0.366, 1.491),
                ("Poisson, monthly trend, one row per set of minutes", "rate ratio per month"): (0.973, 0.942, 1.004)}
    for key, values in expected.items():
        assert tuple(tm.loc[key, ["estimate", "ci_low", "ci_high"]]) == pytest.approx(values, abs=5e-4), key
    preferred = tm[tm["preferred"]].reset_index()
    assert set(preferred["model"]) == {"negative binomial, board x half-year"} and len(preferred) == 3
    ratios = tm.drop(index="NB2 dispersion alpha", level="estimand")
    assert within_3_se(ratios["estimate"], ratios["truth"], ratios["ci_low"], ratios["ci_high"], log=True).all()


@pytest.mark.parametrize("seed, story", [(4, "general"), (9, "general"), (18, "general"), (4, "prolific"),
                                         (19, "prolific"), (sim.DEFAULT_SEED, "prolific")])
def test_models_claims_and_replicate_run_without_warnings_at_other_seeds(seed, story):
    """Seeds at which the board-by-half-year counts are least dispersed, the other story, and a draw with
    no quality-and-safety innovation in 2011H1 (prolific, 19)."""
    d = sim.teaching_data(seed, story)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning here would reach the notebook's stderr
        tm = bm.trend_models(d["minutes"], d["innovations"], story)
        card = bd.boards_claims(d)
    board = tm[tm["model"].str.endswith("board x half-year") & (tm["estimand"] == "rate ratio 2011H1 vs 2010H1")]
    assert board["preferred"].sum() == 1
    assert tm["truth"].notna().all() if story == "general" else tm["truth"].isna().all()
    assert len(card) == 23 and card["claim_id"].is_unique
    shares, change = bm.quality_safety_trend(d["innovations"])
    if shares["quality_safety"].iloc[-1] == 0:  # the exact odds ratio is 0, its interval still defined
        assert change["odds_ratio"].iloc[0] == 0 and 0 < change["ci_high"].iloc[0] < 1


def test_6a_and_6c_estimates_lie_within_3_se_of_their_expected_values(data):
    members = data["members"]
    reg, fit = ob.effectiveness_regression(ob.effectiveness_data(members, data["effectiveness"]), members)
    assert ((reg["estimate"] - reg["expected"]).abs() <= 3 * reg["se"]).all()
    assert fit.rsquared == pytest.approx(0.779, abs=5e-4)
    ra = ob.rater_agreement(data["objective_ratings"])
    assert within_3_se(ra["icc2_1"], ra["truth_rounded"], ra["icc2_1_ci_low"], ra["icc2_1_ci_high"]).all()
    assert ra["icc2_1"].to_numpy() == pytest.approx([0.581, 0.663, 0.572], abs=5e-4)
    pa = ob.process_agreement(members)
    assert within_3_se(pa["icc1"], pa["expected_icc1"], pa["icc1_ci_low"], pa["icc1_ci_high"]).all()
    assert pa["icc1"].iloc[0] == pytest.approx(0.413, abs=5e-4)
    mve = ob.members_vs_experts(members, data["objective_ratings"]).iloc[0]
    assert (mve["r"], mve["expected"]) == pytest.approx((0.090, 0.294), abs=5e-3)
    _, change = bm.quality_safety_trend(data["innovations"])
    ch = change.iloc[0]
    assert within_3_se(ch["odds_ratio"], ch["truth"], ch["ci_low"], ch["ci_high"], log=True)
    assert (ch["odds_ratio"], ch["ci_high"], ch["p_fisher"]) == pytest.approx((0.127, 0.924, 0.032), abs=5e-4)
    ap = ag.approach_table(data["agenda"])
    se = (ap["ci_high"] - ap["ci_low"]) / (2 * stats.t.ppf(0.975, ap["n_boards"] - 1))
    assert ((ap["comfort_board_mean"] - ap["truth"]).abs() <= 3 * se).all()


def test_lack_of_fit_under_each_exposure_equals_a_statsmodels_fit(data):
    lof = bm.lack_of_fit(data["minutes"], data["innovations"]).set_index("minutes")
    counts = np.array([62, 56, 26])
    for name, e in (("equal in every half-year", [1.0, 1, 1]), ("300, 300 and 250", [300.0, 300, 250])):
        glm = sm.GLM(counts, sm.add_constant(np.arange(3.0)), family=sm.families.Poisson(), exposure=np.array(e)).fit()
        assert lof.at[name, "lof_chi2"] == pytest.approx(glm.pearson_chi2, rel=1e-6)
    assert lof["lof_p_poisson"].round(3).tolist() == [0.060, 0.039, 0.172]
    assert lof["lof_p_quasi"].round(2).tolist() == [0.14, 0.10, 0.28]
    assert not lof["lof_p_quasi"].map(bm.significant).any()


def test_exposure_tipping_point_by_bisection_equals_a_grid_search(data):
    tip = bm.exposure_tipping_points(data["minutes"], data["innovations"])
    assert tip["no_decline_at"] == pytest.approx(26 / 62 * 292)
    grid = bm.exposure_sensitivity(data["minutes"], data["innovations"], np.arange(120, 400))
    found = grid.loc[grid["p"].map(bm.significant) & (grid["rate_ratio"] < 1), "minutes_last"].min()
    assert tip["not_significant_below"] == found == 195
    assert tip["share"] == pytest.approx(195 / 292)


def test_clustered_rate_ratio_by_hand_equals_statsmodels(data):
    bh = bm.board_half_counts(data["minutes"], data["innovations"])
    two = bh[bh["half_year"].isin(["2010H1", "2011H1"])].assign(
        half_year=lambda d: d["half_year"].cat.remove_unused_categories())
    row = ct.count_trend(two, "innovations", "minutes", "half_year", unit="board_id").set_index(
        ["model", "term"]).loc[("poisson_cluster", "2011H1")]
    se_sm = np.log(row["ci_high"] / row["ci_low"]) / (2 * Z)
    w = two.pivot(index="board_id", columns="half_year", values=["innovations", "minutes"])
    log_rr, se = bm.cluster_rate_ratio(w["innovations"].fillna(0).to_numpy()[None],
                                       w["minutes"].fillna(0).to_numpy()[None])
    n, k = len(two), 2
    assert np.exp(log_rr[0]) == pytest.approx(row["rate_ratio"])
    assert se_sm == pytest.approx(se[0] * np.sqrt((n - 1) / (n - k)), rel=1e-6)


def test_the_preferred_model_in_the_simulation_is_count_trends_choice(data):
    mu, ex = truths.design_arrays(data["minutes"])
    y = truths.draw_counts(np.random.default_rng(5), mu, 1)[0]
    rr, lo, hi = bm.preferred_model(y, ex)
    b, h = np.nonzero(ex > 0)
    table = pd.DataFrame({"board": b, "half_year": pd.Categorical(np.array(sim.HALF_YEARS)[h], dtype=bm.HALF),
                          "count": y[b, h], "exposure": ex[b, h]})
    row = ct.preferred_row(ct.count_trend(table, period="half_year", unit="board"), "2011H1")
    assert (rr, lo, hi) == pytest.approx((row["rate_ratio"], row["ci_low"], row["ci_high"]), rel=1e-6)


def test_repeated_sampling_poisson_intervals_are_too_narrow_and_clustered_ones_closer(data):
    n = 4000  # as in the chapter's longer run
    rs = bm.repeated_sampling(data["minutes"], n_sims=n, n_model=20).set_index("method")
    mc_se = np.sqrt(0.95 * 0.05 / n)
    pois, clus = rs.at[bm.METHODS[0], "coverage"], rs.at[bm.METHODS[2], "coverage"]
    assert pois < 0.95 - 3 * mc_se
    assert abs(clus - 0.95) < abs(pois - 0.95)
    assert rs["median_estimate"].sub(rs["truth"]).abs().max() < 0.05
    assert rs.loc[list(bm.METHODS[:4]), "n_sims"].eq(n).all() and rs.at[bm.METHODS[4], "n_sims"] == 20


def test_power_rises_as_the_decline_deepens(data):
    pw = bm.power_table(data["minutes"], ratios=(0.4, 0.7, 1.0), n_sims=300)
    cl = pw[pw["method"] == bm.METHODS[2]].set_index("true_ratio")["power"]
    assert cl[0.4] > cl[0.7] > cl[1.0]
    assert cl[1.0] < 0.1
    assert set(pw["method"]) == set(bm.METHODS[:4])


# --- the scorecard ----------------------------------------------------------------------------------------

def test_scorecard_kinds_and_statuses_at_the_default_seed():
    card = bd.boards_claims().set_index("claim_id")
    assert len(card) == 23 and card.index.is_unique
    by = card.groupby(["kind", "status"]).size().to_dict()
    assert by == {("by construction", "match"): 14, ("consistency", "match"): 2, ("feasibility", "match"): 1,
                  ("recomputed", "match"): 2, ("not reproducible", "not reproducible"): 4}
    assert set(card.index[card["kind"] == "recomputed"]) == {"6a.objectives_rarely_clear_challenging_measurable",
                                                             "6b.decline_especially_quality_safety"}
    assert card.loc[card["kind"] != "not reproducible", "tolerance"].ne("").all()
    assert "67% of 2010H1's minutes" in card.at["6b.decreasing_trend", "reproduced"]
    assert "43% to 59%" in card.at["6b.productivity_more_than_half", "note"]
    assert card.at["6c.comfort_seeking", "kind"] == "not reproducible"
    assert not card["source"].str.contains("issue|review", case=False).any()


def test_a_fall_in_direction_alone_is_not_a_match():
    inn = sim.teaching_data()["innovations"].copy()
    # move quality and safety labels so that 2011H1 keeps a lower share that is not significant
    qs = inn["domain"].isin(sim.QUALITY_SAFETY)
    last = inn.index[(inn["half_year"] == "2011H1") & ~qs][:3]
    first = inn.index[(inn["half_year"] == "2010H1") & qs][:3]
    inn.loc[last, "domain"], inn.loc[first, "domain"] = "quality", "targets"
    row = bd._quality_safety(inn)
    shares, change = bm.quality_safety_trend(inn)
    assert shares["share"].iloc[-1] < shares["share"].iloc[0] and change["p_fisher"].iloc[0] >= 0.05
    assert row["status"] == "mismatch"


def test_the_chapter_tables_show_rates_or_a_dash():
    card = bd.boards_claims()
    empty = bd.scorecard_table(card, pd.DataFrame(columns=["check_id", "check", "rate"]))
    assert (empty["replication"] == "–").all()
    mc = pd.DataFrame([{"substudy": "boards", "check_id": "6b.decline_especially_quality_safety", "check": "claim",
                        "replicates": 200, "n_answered": 200, "n_holds": 120, "rate": 0.6, "mc_low": 0.53,
                        "mc_high": 0.67, "outcomes": ""},
                       {"substudy": "boards", "check_id": "6a.members_experts_r", "check": "interval",
                        "replicates": 200, "n_answered": 199, "n_holds": 190, "rate": 0.955, "mc_low": 0.92,
                        "mc_high": 0.98, "outcomes": ""}])
    shown = bd.scorecard_table(card, mc).set_index("claim_id")
    assert shown.at["6b.decline_especially_quality_safety", "replication"] == "60% (53–67%)"
    cov = bd.coverage_table(mc).set_index("interval")
    assert cov.at["correlation of members' and experts' views (expected value)", "studies"] == "199 of 200"


# --- the Monte Carlo replicate ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 4])
def test_replicate_returns_every_check_under_a_stable_id(seed):
    out = bd.replicate(seed)
    assert list(out.columns) == ["check_id", "check", "holds"] and out["check_id"].is_unique
    claims = out[out["check"] == "claim"]
    assert set(claims["check_id"]) == {"6a.objectives_rarely_clear_challenging_measurable",
                                       "6b.decline_especially_quality_safety"}
    assert set(out.loc[out["check"] == "interval", "check_id"]) == set(bd.interval_labels())
    assert out["holds"].map(lambda v: v is None or isinstance(v, bool)).all()


def test_replicate_claims_agree_with_the_scorecard_of_the_same_study():
    d = sim.simulate(3)
    card = bd.boards_claims(d).set_index("claim_id")
    out = bd.replicate(3).set_index("check_id")
    for cid in ("6a.objectives_rarely_clear_challenging_measurable", "6b.decline_especially_quality_safety"):
        assert out.at[cid, "holds"] == (card.at[cid, "status"] == "match")


# --- the exercises: what their solutions say a re-run shows ------------------------------------------------

def _solution_code(label: str) -> str:
    nb = json.loads(CHAPTER.read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) + "\n" for c in nb["cells"] if c["cell_type"] == "markdown")
    block = re.search(r":::\{solution\} " + re.escape(label) + r"\n(.*?)\n:::", text, flags=re.S).group(1)
    return "\n".join(re.findall(r"```python\n(.*?)```", block, flags=re.S))


@pytest.fixture(scope="module")
def namespace(data):
    bh = bm.board_half_counts(data["minutes"], data["innovations"])
    return {"np": np, "pd": pd, "stats": stats, "ct": ct, "bm": bm, "published": published, "bh": bh,
            "rates": bm.rates_table(data["minutes"], data["innovations"])}


def test_the_quasi_poisson_solution_runs_and_equals_the_lack_of_fit_table(namespace, data):
    ns = dict(namespace)
    exec(_solution_code("ex-boards-quasi"), ns)
    lof = bm.lack_of_fit(data["minutes"], data["innovations"]).set_index("minutes").loc["equal in every half-year"]
    assert ns["p_quasi"] == pytest.approx(lof["lof_p_quasi"], rel=1e-9)
    assert ns["trend"].pearson_chi2 == pytest.approx(lof["lof_chi2"], rel=1e-9)


def test_the_more_than_half_solution_runs_and_does_not_establish_it(namespace):
    ns = dict(namespace)
    exec(_solution_code("ex-boards-half"), ns)
    lo, hi = bm.wilson(73, 144)
    assert (ns["low"], ns["high"]) == pytest.approx((float(lo), float(hi)))
    assert ns["low"] < 0.5 and ns["p_more_than_half"] > 0.05


def test_the_exposure_solution_runs_and_the_decline_is_then_not_significant(namespace):
    *body, last = _solution_code("ex-boards-exposure").strip().split("\n")
    ns = dict(namespace)
    exec("\n".join(body), ns)
    out = eval(last, ns)  # the solution ends with the call whose table the reader sees
    assert out["rate_ratio"].iloc[0] == pytest.approx(0.70, abs=5e-3) and out["p"].iloc[0] > 0.05


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_the_story_solution_what_stays_the_same(seed):
    general, prolific = sim.simulate(seed, "general"), sim.simulate(seed, "prolific")
    pd.testing.assert_frame_equal(bm.rates_table(general["minutes"], general["innovations"]),
                                  bm.rates_table(prolific["minutes"], prolific["innovations"]))
    for k in ("members", "effectiveness", "objective_ratings"):
        pd.testing.assert_frame_equal(general[k], prolific[k])
    pooled = lambda d: bm.trend_models(d["minutes"], d["innovations"]).query("model == 'Poisson, half-year totals'")  # noqa: E731
    pd.testing.assert_frame_equal(pooled(general)[["estimate", "ci_low", "ci_high"]],
                                  pooled(prolific)[["estimate", "ci_low", "ci_high"]])


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_the_story_solution_what_changes(seed):
    """The solution says the spread over boards changes: per-board counts, the sector table, the
    board fixed-effects and negative binomial rows, and the draws made after the innovations."""
    general, prolific = sim.simulate(seed, "general"), sim.simulate(seed, "prolific")
    assert not bm.per_board(general["minutes"], general["innovations"]).equals(
        bm.per_board(prolific["minutes"], prolific["innovations"]))
    assert not bm.sector_table(general["minutes"], general["innovations"]).equals(
        bm.sector_table(prolific["minutes"], prolific["innovations"]))
    fe = lambda d: bm.trend_models(d["minutes"], d["innovations"]).query(  # noqa: E731
        "model == 'Poisson with board fixed effects'")["estimate"].to_numpy()
    assert not np.allclose(fe(general), fe(prolific))
    assert not general["agenda"].equals(prolific["agenda"])


def test_survey_is_the_6a_data_of_the_full_simulation():
    from book.substudies import boards_objectives as ob

    for seed in (1, 3):
        full, part = sim.simulate(seed), ob.survey(seed)
        for k in ("members", "effectiveness", "objective_ratings"):
            pd.testing.assert_frame_equal(full[k], part[k])


def test_power_table_methods_do_not_change_the_draws(data):
    allm = bm.power_table(data["minutes"], ratios=(0.5, 1.0), n_sims=60, seed=3)
    one = bm.power_table(data["minutes"], ratios=(0.5, 1.0), n_sims=60, seed=3, methods=(bm.METHODS[2],))
    pd.testing.assert_frame_equal(one.reset_index(drop=True),
                                  allm[allm["method"] == bm.METHODS[2]].reset_index(drop=True))
