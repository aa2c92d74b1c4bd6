"""The engagement chapter (substudy 4c): its models on the 2014 teaching data, the published facts, the scorecard
claims and the Monte Carlo replicate; and what the exercises' solutions say a re-run shows.

Values pinned below are those of the committed draw (seed 2014, the book's rule). An estimate is compared with its
truth by one rule stated in advance: the truth lies within three standard errors, for the estimators whose
intervals should attain their level (the model-based count intervals, which ignore clustering by trust, are
judged with the clustered errors instead).
"""
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from book.substudies import claims as C
from book.substudies import engagement as em
from book.substudies import engagement_claims as ec
from book.simulate import engagement as sim

SMALL = {"acute": 40, "mental_health": 15, "ambulance": 5, "primary_care": 40}
PAPER = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_63198c485aa2d1c9.txt"
NOTEBOOK = Path(__file__).resolve().parents[2] / "chapters" / "engagement_outcomes.ipynb"


@pytest.fixture(scope="module")
def data():
    d = sim.teaching_data()
    return em.prepare(d["panel"]), d["respondents"]


@pytest.fixture(scope="module")
def recovery(data):
    return em.recovery_table(*data)


@pytest.fixture(scope="module")
def card(data):
    return em.engagement_outcomes_claims(data[0])


# --- every model beside its truth ---------------------------------------------------------------------------

def test_recovery_table_shape_and_fits(recovery):
    assert list(recovery.columns) == em.RECOVERY_COLUMNS and recovery["check_id"].is_unique
    assert len(recovery) == 32 and recovery["truth"].notna().all()
    assert (recovery["fit"] == "ok").all()
    assert ((recovery["ci_low"] < recovery["estimate"]) & (recovery["estimate"] < recovery["ci_high"])).all()


def test_estimates_at_the_default_seed(recovery):
    est = recovery.set_index("check_id")["estimate"]
    pinned = {"panel_fixed": -0.0780, "panel_between": -0.1893, "panel_mundlak": -0.1113, "hsmr_ols": -0.1388,
              "hsmr_wls": -0.1173, "hsmr_poisson": -0.1258, "mrsa_poisson": -1.1525, "mrsa_negbin": -1.2346,
              "ordinal_ahc_quality": 3.1622, "ml_within_manager_support": 0.2954, "icc1": 0.0731,
              "growth_intercept": -0.1810}
    for key, value in pinned.items():
        assert est[key] == pytest.approx(value, abs=5e-4), key


def test_estimates_within_three_standard_errors_of_their_truth(recovery):
    k = 3.0 / stats.norm.ppf(0.975)
    proper = recovery[~recovery["check_id"].isin(["mrsa_poisson", "mrsa_negbin"])
                      & ~recovery["check_id"].str.startswith("r_")]
    lo = proper["estimate"] - k * (proper["estimate"] - proper["ci_low"])
    hi = proper["estimate"] + k * (proper["ci_high"] - proper["estimate"])
    ok = (lo <= proper["truth"]) & (proper["truth"] <= hi)
    assert ok.all(), proper.loc[~ok, ["check_id", "truth", "estimate", "ci_low", "ci_high"]].to_string()
    corr = em.correlation_recovery(em.prepare(sim.teaching_data()["panel"]))
    z = (np.arctanh(corr["r"]) - np.arctanh(corr["truth"])) * np.sqrt(corr["n"] - 3)
    assert z.abs().max() < 3.0
    # the model-based count errors ignore the clustering by trust: at this seed Poisson's misses by far
    r = recovery.set_index("check_id")
    assert not r.at["mrsa_poisson", "covered"] and r.at["mrsa_poisson_cluster", "covered"]


def test_between_and_within_separate(recovery):
    r = recovery.set_index("check_id")
    assert r.at["panel_fixed", "truth"] == sim.BETA["log_hsmr"]
    assert r.at["panel_between", "truth"] < 2 * r.at["panel_fixed", "truth"]  # confounding more than doubles it
    assert r.at["panel_mundlak", "truth"] == pytest.approx(r.at["panel_between", "truth"] - r.at["panel_fixed", "truth"])


def test_an_improper_growth_fit_is_reported_not_printed():
    # the smaller design of ex-eng-power, seed 1: maximum likelihood gives 2005 a negative residual variance
    rows, _ = em.growth_recovery(em.prepare(sim.simulate(1, type_counts=SMALL)["panel"]))
    assert (rows["fit"] == "Heywood case: residual variance of y2005 is negative").all()
    assert rows[["estimate", "ci_low", "ci_high"]].isna().all().all() and rows["covered"].isna().all()
    row = em.row("x", "m", "e", 1.0, 2.0, 1.5, 2.5, 10, "did not converge")
    assert np.isnan([row["estimate"], row["ci_low"]]).all() and row["covered"] is None


# --- published facts -----------------------------------------------------------------------------------------

def test_every_paper_quote_is_verbatim_and_located():
    facts = sim.facts_table()
    text = re.sub(r"\s+", " ", PAPER.read_text(encoding="utf-8"))
    paper = facts[facts["source"].str.startswith("Dixon-Woods")]
    assert len(paper) == 23
    assert (paper["source"] == "Dixon-Woods et al. 2014, Results, Culture and behaviour, paragraph 3").all()
    for quote in paper["quote"]:
        for part in quote.split(" ... "):
            assert part in text, part
    implied = facts.loc[facts["verification"] == "implied by the paper", "fact_id"]
    assert sorted(implied) == ["dir_sat_commitment", "dir_sat_job_satisfaction", "dir_sat_manager_support",
                               "dir_sat_positive_feeling"]


def test_external_rows_name_their_sources_and_keep_conflicts():
    facts = sim.facts_table().set_index("fact_id")
    assert not facts["source"].str.contains(r"\bissues?\b|this book", case=False).any()
    assert sorted(facts.index[facts["verification"] == "unverified"]) == [
        "hsmr_year_on_year_r", "r_engagement_mortality_high", "r_engagement_mortality_low"]
    assert facts.at["ahc_quality_2007_good", "value"] == 36 and facts.at["ahc_quality_2007_good_restated", "value"] == 35
    assert facts.at["ahc_quality_2007_weak", "value"] == 5 and facts.at["ahc_quality_2007_weak_restated", "value"] == 6
    assert facts.at["mrsa_rate_2007", "value"] == sim.MRSA_RATE[2007] == 1.34
    assert "January-September 2007" in facts.at["mrsa_rate_2007", "note"]
    assert "Financial Management" in facts.at["ahc_resources_2008_good", "note"]
    assert "abstract alone" in facts.at["kendall_tau_staff_hsmr_high", "note"]


# --- the scorecard -----------------------------------------------------------------------------------------

def test_claims_have_kinds_tolerances_and_the_known_statuses(card):
    assert list(card.columns) == C.COLUMNS and card["claim_id"].is_unique
    kinds = card.groupby(["kind", "status"]).size().to_dict()
    assert kinds == {("by construction", "match"): 10, ("consistency", "inconsistent"): 1,
                     ("not reproducible", "not reproducible"): 1, ("recomputed", "match"): 22,
                     ("recomputed", "mismatch"): 6}
    assert card.loc[card["status"] == "mismatch", "claim_id"].tolist() == [
        "4c.dir_ahc_quality_wellbeing", "4c.kendall_tau_engagement_hsmr_2009", "4c.kendall_tau_advocacy_hsmr_2009",
        "4c.hsmr_year_on_year_r", "4c.hsmr_range_2005", "4c.hsmr_high_vs_medium_engagement"]
    c = card.set_index("claim_id")
    assert c.at["4c.kendall_tau_engagement_hsmr_2009", "tolerance"] == "inside the quoted -0.3 to -0.2"
    assert c.at["4c.kendall_tau_engagement_hsmr_2009", "reproduced"].startswith("-0.193")
    assert c.at["4c.tau_vs_r_coherence", "reproduced"] == "tau range as r: -0.31 to -0.45"
    assert ec.tau_as_r(-0.2) == pytest.approx(-0.309, abs=5e-4)


def test_replicate_returns_every_recomputed_claim_and_interval():
    out = em.replicate(1)
    assert list(out.columns) == ["check_id", "check", "holds"] and out["check_id"].is_unique
    d = sim.simulate(1)
    panel = em.prepare(d["panel"])
    card = em.engagement_outcomes_claims(panel)
    recomputed = card[card["kind"] == "recomputed"].set_index("claim_id")
    claims = out[out["check"] == "claim"].set_index("check_id")["holds"]
    assert set(claims.index) == set(recomputed.index)
    assert (claims == (recomputed.loc[claims.index, "status"] == "match")).all()
    intervals = out[out["check"] == "interval"].set_index("check_id")["holds"]
    assert list(intervals.index) == em.recovery_table(panel, d["respondents"])["check_id"].tolist()


# --- what the exercises' solutions say a re-run shows -------------------------------------------------------

def test_exercise_power_directions_lost_with_fewer_trusts():
    lost, kept = pd.Series(0, index=list(em.DIRECTIONS)), []
    for seed in range(1, 21):
        dirs = em.direction_table(em.prepare(sim.simulate(seed, type_counts=SMALL)["panel"])).set_index("fact_id")
        lost += ~dirs["reproduced"]
        kept.append(int(dirs["reproduced"].sum()))
    assert 7 <= np.median(kept) <= 14  # "about half of the stated directions", depending on the seed
    assert min(kept) < max(kept) - 5
    hsmr = lost.index.str.startswith("dir_hsmr")
    assert lost[hsmr].mean() > lost[~hsmr].mean()  # the mortality directions are lost most often
    assert lost[["dir_nurses_work_pressure", "dir_ipr_work_pressure"]].max() <= 2  # the work-pressure ones hardly ever


def test_exercise_power_intervals_widen_by_about_the_square_root():
    expected, medians = np.sqrt(sim.TRUST_TYPES["acute"] / SMALL["acute"]), []
    for seed in range(1, 6):  # "try two or three values of SEED"
        d = sim.simulate(seed)
        base = em.recovery_table(em.prepare(d["panel"]), d["respondents"]).set_index("check_id")
        d = sim.simulate(seed, type_counts=SMALL)
        small = em.recovery_table(em.prepare(d["panel"]), d["respondents"], type_counts=SMALL).set_index("check_id")
        ratio = (small["ci_high"] - small["ci_low"]) / (base["ci_high"] - base["ci_low"])
        acute_rows = [c for c in base.index if c.startswith(("r_", "hsmr_", "mrsa_", "panel_"))]
        medians.append(ratio[acute_rows].median())
        ml_rows = [c for c in base.index if c.startswith("ml_within")]
        assert ratio[ml_rows].between(0.85, 1.15).all()  # the respondent sample keeps its 60 trusts
    assert abs(np.median(medians) / expected - 1) < 0.25
    assert max(medians) > expected > min(medians)  # more at some seeds, less at others


def test_exercise_measurement_error_attenuates_fixed_effects_only():
    from book.simulate import engagement_truths as tr

    clean, noisy = tr.hsmr_truths(), tr.hsmr_truths(sampling_sd=0.03)
    assert noisy["fixed"] / clean["fixed"] == pytest.approx(0.81, abs=0.01)
    assert abs(noisy["between"] / clean["between"] - 1) < 0.02
    assert noisy["growth_intercept"] == clean["growth_intercept"]


# --- the write-yourself solutions, run as the notebook shows them ------------------------------------------------

def _notebook_cells():
    return [("".join(c["source"]), c) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]]


def _solution_cell(label: str) -> str:
    """The code cell of an exercise's worked solution (tagged ``solution-<label>``), as the notebook shows it."""
    hits = [text for text, cell in _notebook_cells() if f"solution-{label}" in cell["metadata"].get("tags", [])]
    assert len(hits) == 1, f"no single solution cell for {label}"
    return hits[0]


def _solution_prose(label: str) -> str:
    """The prose of a solution: from its solution-start to its solution-end."""
    text = "\n".join(t for t, _ in _notebook_cells())
    start = text.index(f":::{{solution-start}} {label}")
    return text[start:text.index(":::{solution-end}", start)]


def _notebook_scope(panel: pd.DataFrame) -> dict:
    """What the solutions use from the notebook, defined as the notebook defines it."""
    import statsmodels.formula.api as smf
    from linearmodels.panel import PanelOLS

    from book.methods import ordinal as od

    source = "\n".join(t for t, _ in _notebook_cells())
    fe_line = ('PanelOLS.from_formula("log_hsmr ~ engagement + EntityEffects + TimeEffects",\n'
               '                           acute.set_index(["trust_id", "year"])).fit(cov_type="clustered", cluster_entity=True)')
    po_line = 'od.proportional_odds_check(p08, "ahc_quality", ["engagement", "log_size"], list(sim.AHC_CATEGORIES))'
    assert "acute = em.acute(panel)" in source and fe_line in source and po_line in source
    acute = em.acute(panel)
    p08 = panel[panel["year"] == 2008].copy()
    fe = PanelOLS.from_formula("log_hsmr ~ engagement + EntityEffects + TimeEffects",
                               acute.set_index(["trust_id", "year"])).fit(cov_type="clustered", cluster_entity=True)
    po = od.proportional_odds_check(p08, "ahc_quality", ["engagement", "log_size"], list(sim.AHC_CATEGORIES))
    return {"np": np, "pd": pd, "smf": smf, "sim": sim, "od": od, "acute": acute, "p08": p08, "fe": fe, "po": po,
            "print": lambda *a, **k: None}


@pytest.mark.parametrize("seed, sampling_sd", [(None, None), (7, 0.03)])
def test_solution_mundlak_by_hand_gives_the_fixed_effects_and_contextual_estimates(data, seed, sampling_sd):
    from book.methods import panel as pn

    panel = data[0] if seed is None else em.prepare(sim.teaching_data(seed, sampling_sd=sampling_sd)["panel"])
    scope = _notebook_scope(panel)
    exec(_solution_cell("ex-eng-mundlak-byhand"), scope)
    fit, pm = scope["pooled_m"], em.hsmr_panel_models(panel)
    mundlak = pn.mundlak_test(pm, "engagement").iloc[0]
    # "the engagement coefficient equals the fixed-effects estimate"
    assert fit.params["engagement"] == pytest.approx(scope["fe"].params["engagement"], rel=1e-9, abs=1e-12)
    assert fit.params["engagement"] == pytest.approx(pm["fixed"].params["engagement"], rel=1e-9, abs=1e-12)
    # "the estimates are the same" as book.methods.panel.mundlak_test; "the standard errors differ slightly"
    assert fit.params["mean_engagement"] == pytest.approx(mundlak["contextual"], rel=1e-9, abs=1e-12)
    se_book = float(pm["mundlak"].std_errors["mean_engagement"])
    assert 0 < abs(fit.bse["mean_engagement"] / se_book - 1) < 0.05
    prose = _solution_prose("ex-eng-mundlak-byhand")
    assert "the estimates are the same" in prose and "standard errors differ slightly" in prose


@pytest.mark.parametrize("seed", [None, 3])
def test_solution_proportional_odds_by_hand_matches_the_book(data, seed):
    panel = data[0] if seed is None else em.prepare(sim.teaching_data(seed)["panel"])
    scope = _notebook_scope(panel)
    exec(_solution_cell("ex-eng-po-byhand"), scope)
    po = scope["po"].set_index(["split", "term"])["estimate"]
    splits = scope["splits"]
    assert list(splits) == [f"above {c}" for c in sim.AHC_CATEGORIES[:-1]]
    for split, slope in splits.items():  # "same as book.methods.ordinal.proportional_odds_check"
        assert slope == pytest.approx(po[(split, "engagement")], abs=1e-4)
    single = scope["single"]
    from book.methods import ordinal as od

    assert single == pytest.approx(od.fit_ordinal(scope["p08"], "ahc_quality", ["engagement", "log_size"],
                                                  list(sim.AHC_CATEGORIES)).params["engagement"], rel=1e-9)
    # "the splits near the ends of the scale ... are the less precise"
    se = scope["po"].query("term == 'engagement'").set_index("split")["se"]
    assert se["above fair"] < min(se["above weak"], se["above good"])
    assert "less precise" in _solution_prose("ex-eng-po-byhand")
