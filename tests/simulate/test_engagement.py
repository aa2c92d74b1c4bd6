"""The engagement generator (book.simulate.engagement) and its truths (book.simulate.engagement_truths).

The committed files are seed 2014 (the book's rule). The truths are checked against large simulations by one
rule stated in advance: each estimate within 3.3 standard errors of the value it should converge to.
"""
import numpy as np
import pandas as pd
import pytest

from book.data.datapackage import read
from book.data.paths import SIMULATED
from book.methods import cross_section as cs, multilevel as ml, panel as pn
from book.simulate import engagement as sim
from book.simulate import engagement_truths as tr
from book.simulate.seeds import DEFAULT_SEED
from book.substudies import engagement as em

Z = 3.3
OUTCOMES = ["observed_deaths", "expected_deaths", "hsmr", "inpatient_satisfaction", "inpatient_enough_nurses_pct",
            "inpatient_info_privacy_respect", "mrsa_cases", "bed_days", "sickness_absence_pct", "turnover_pct",
            "ahc_quality", "ahc_resources"]


def test_generator_is_byte_reproducible_at_the_rule_seed():
    assert sim.DEFAULT_SEED == DEFAULT_SEED == 2014
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
    acute_only = ["observed_deaths", "expected_deaths", "hsmr", "mrsa_cases", "bed_days", "inpatient_satisfaction"]
    assert panel.loc[acute, acute_only].notna().all().all() and panel.loc[~acute, acute_only].isna().all().all()
    # the HSMR is the ratio of the stored deaths, to its rounding
    a = panel[acute].astype({"observed_deaths": float, "expected_deaths": float})
    assert (a["hsmr"] - 100 * a["observed_deaths"] / a["expected_deaths"]).abs().max() <= 0.05 + 1e-9
    rated = panel["year"].isin(sim.AHC_YEARS)
    assert panel.loc[rated, "ahc_quality"].isin(sim.AHC_CATEGORIES).all()
    assert not panel.loc[~rated, "ahc_quality"].isin(sim.AHC_CATEGORIES).any()
    resp = read("engagement_respondents")
    assert resp["engagement"].between(1, 5).all() and resp["manager_support"].between(1, 5).all()
    assert resp["trust_id"].nunique() == sim.N_RESPONDENT_TRUSTS
    assert resp.groupby("trust_id").size().eq(sim.N_RESPONDENTS).all()
    assert set(resp["trust_id"]) <= set(panel["trust_id"])


def test_each_part_draws_from_its_own_stream():
    base = sim.simulate(3)["panel"]
    noisy = sim.simulate(3, sampling_sd=0.03)
    changed = [c for c in base.columns if not base[c].equals(noisy["panel"][c])]
    assert changed == ["engagement", "motivation", "involvement", "advocacy"]  # outcomes follow true engagement
    assert sim.simulate(3)["respondents"].equals(noisy["respondents"])
    null = sim.simulate(3, beta_hsmr=0.0)["panel"]
    assert [c for c in base.columns if not base[c].equals(null[c])] == ["observed_deaths", "expected_deaths", "hsmr"]


def test_national_hsmr_is_100_and_inputs_are_kept():
    p = em.prepare(sim.simulate(4)["panel"])
    a = em.acute(p)
    national = a.groupby("year").apply(lambda g: 100 * g["observed_deaths"].sum() / g["expected_deaths"].sum(),
                                       include_groups=False)
    assert (national - 100).abs().max() < 0.01
    for outcome in ("ahc_quality", "ahc_resources"):
        for y in sim.AHC_YEARS:
            share = 100 * p.loc[p["year"] == y, outcome].value_counts(normalize=True)
            printed = np.array(sim.ahc_shares()[(outcome, y)])
            ours = np.array([share.get(c, 0.0) for c in sim.AHC_CATEGORIES])
            assert np.abs(ours - 100 * printed / printed.sum()).max() < 0.5


def test_respondents_average_to_the_panel_and_stay_on_the_scale():
    d = sim.simulate(6)
    resp_means = d["respondents"].groupby("trust_id")["engagement"].mean()
    panel = d["panel"][d["panel"]["year"] == 2009].set_index("trust_id").loc[resp_means.index, "engagement"]
    gap = resp_means - panel
    assert abs(gap.mean()) < Z * gap.std() / np.sqrt(len(gap))
    assert np.corrcoef(resp_means, panel)[0, 1] > 0.6
    assert d["respondents"]["engagement"].between(1, 5).all()


def test_simulate_with_few_trusts_and_bad_arguments():
    small = sim.simulate(3, type_counts={"acute": 20, "ambulance": 5})
    assert small["panel"]["trust_id"].nunique() == 25 and small["respondents"]["trust_id"].nunique() == 25
    with pytest.raises(KeyError, match="hospice"):
        sim.simulate(1, type_counts={"hospice": 3})
    with pytest.raises(ValueError, match="sampling_sd"):
        sim.simulate(1, sampling_sd=-0.1)


# --- truths against large simulations ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def big():
    return em.prepare(sim.simulate(5, type_counts={"acute": 2000})["panel"])


@pytest.mark.parametrize("sampling_sd", [0.0, 0.03])
def test_hsmr_truths_agree_with_a_large_simulation(sampling_sd):
    panel = em.prepare(sim.simulate(5, type_counts={"acute": 2000}, sampling_sd=sampling_sd)["panel"])
    truths = tr.hsmr_truths(sampling_sd=sampling_sd)
    tp = pn.tidy_panel(em.hsmr_panel_models(panel), "engagement").set_index("model")
    for model, (_, key) in em.PANEL_LABELS.items():
        z = (tp.at[model, "estimate"] - truths[key]) / tp.at[model, "se"]
        assert abs(z) < Z, (model, tp.at[model, "estimate"], truths[key])
    a09 = panel[panel["year"] == 2009]
    cross = cs.fit_trust_model(a09, "engagement", "hsmr", em.CONTROLS_ACUTE, log_outcome=True).iloc[0]
    assert abs(cross["estimate"] - truths["cross_section_2009"]) < Z * cross["se"]
    r = np.corrcoef(a09["engagement"], a09["log_hsmr"])[0, 1]
    r_true = tr.hsmr_engagement_correlation(2009, sampling_sd=sampling_sd)
    assert abs(np.arctanh(r) - np.arctanh(r_true)) * np.sqrt(len(a09) - 3) < Z
    if sampling_sd:
        assert truths["fixed"] > truths["causal"]  # attenuated towards zero


def test_correlation_and_count_truths_agree_with_a_large_simulation(big):
    a09 = big[big["year"] == 2009]
    corr = cs.correlation_table(a09, em.STAFF_CORR, em.PATIENT_CORR).merge(
        tr.correlation_truths(em.STAFF_CORR, em.PATIENT_CORR, 2009))
    z = (np.arctanh(corr["r"]) - np.arctanh(corr["truth"])) * np.sqrt(corr["n"] - 3)
    assert z.abs().max() < Z, corr.assign(z=z).to_string()
    counts = em.count_models(big)
    fit = counts["poisson_cluster"]
    assert abs(fit.params["engagement"] - tr.slope_truths()["log_mrsa_rate"]) < Z * fit.bse["engagement"]
    # dispersion as NB2 with the combined alpha predicts: 1 + alpha x mean fitted count
    expected = 1 + tr.count_truths()["alpha"] * np.mean(counts["poisson"].fittedvalues)
    assert counts.dispersion == pytest.approx(expected, rel=0.1)


def test_respondent_truths_agree_with_a_large_sample(monkeypatch):
    monkeypatch.setattr(sim, "N_RESPONDENT_TRUSTS", 1500)
    d = sim.simulate(7, type_counts={k: 10 * v for k, v in sim.TRUST_TYPES.items()})
    truths = tr.respondent_truths({k: 10 * v for k, v in sim.TRUST_TYPES.items()})
    resp = d["respondents"]
    fit = ml.fit_multilevel(resp, "engagement", list(sim.HR_BETA), "trust_id", within_between=True)
    for p in sim.HR_BETA:
        assert abs(fit.params[p] - truths[f"within_{p}"]) < Z * fit.bse[p], p
        assert abs(fit.params[f"mean_{p}"]) < Z * fit.bse[f"mean_{p}"], p
    ic = ml.icc_interval(resp, "engagement", "trust_id").set_index("statistic")
    se = (ic.at["ICC(1)", "ci_high"] - ic.at["ICC(1)", "ci_low"]) / (2 * 1.96)
    assert abs(ic.at["ICC(1)", "estimate"] - truths["icc1"]) < Z * se
    assert tr.respondent_truths()["icc2"] == pytest.approx(
        sim.N_RESPONDENTS * truths["icc1"] / (1 + (sim.N_RESPONDENTS - 1) * truths["icc1"]), rel=0.2)


def test_truths_move_with_the_causal_slope_and_the_sampling_error():
    base, null = tr.hsmr_truths(), tr.hsmr_truths(0.0)
    assert null["causal"] == null["fixed"] == null["growth_slope"] == 0.0
    for key in ("pooled", "random", "cross_section_2005", "cross_section_2009", "growth_intercept", "between"):
        assert null[key] == pytest.approx(base[key] - sim.BETA["log_hsmr"]), key
    assert null["between"] < -0.1  # the confounder alone makes an association
    noisy = tr.hsmr_truths(sampling_sd=0.03)
    lam = tr.reliability(2009, 0.03)
    assert noisy["growth_intercept"] == base["growth_intercept"]  # the growth model absorbs the noise
    assert tr.slope_truths(0.03)["turnover_pct"] == pytest.approx(sim.BETA["turnover_pct"] * lam)
    with pytest.raises(KeyError, match="'morale'"):
        tr.correlation_truths(["morale"], ["inpatient_satisfaction"])
