"""The interviews and ethnography chapter (substudies 1 and 2): its claims, its tables and the values its
prose and solutions quote at the 2014 seed, re-computed here from fresh simulations of the settings."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from book.methods import qualitative as q
from book.methods.agreement import ALL_CODES, krippendorff_alpha
from book.simulate import qualitative as sim
from book.simulate.qualitative import truths
from book.substudies import interviews_ethnography as ie


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


@pytest.fixture(scope="module")
def segments(data):
    return ie.segments_table(data)


def test_claims_by_kind_at_the_default_seed(data):
    rows = pd.DataFrame(ie.claims(data)).set_index("claim_id")
    built = rows[rows["kind"] == "by construction"]
    assert len(built) == 6 and (built["status"] == "match").all()
    assert rows.at["qual.observation_hours", "reproduced"] == "655 h"
    assert rows.at["qual.cases_add_up", "kind"] == "consistency" and rows.at["qual.cases_add_up", "status"] == "match"
    assert (rows.loc[rows["kind"] == "not reproducible", "status"] == "not reproducible").all()
    assert rows.index.str.startswith("qual.finding.").sum() == 7


def test_a_wrong_count_is_a_mismatch(data):
    short = dict(data, interviews=data["interviews"].iloc[:-1])
    rows = pd.DataFrame(ie.claims(short)).set_index("claim_id")
    assert rows.at["qual.stakeholder_interviews", "status"] == "mismatch"
    assert rows.at["qual.stakeholder_interviews", "reproduced"] == "106"


def test_agreement_table_at_the_default_seed(segments):
    table = ie.agreement(segments).set_index("code")
    pooled = table.loc[ALL_CODES]
    assert pooled["kappa"] == pytest.approx(cohen_kappa_score(segments["code_coder_a"], segments["code_coder_b"]))
    assert [round(pooled[k], 2) for k in ("kappa", "ci_low", "ci_high", "kappa_truth")] == [0.82, 0.78, 0.86, 0.80]
    assert int(table["covers"].eq(True).sum()) == 19 and int(table["covers"].notna().sum()) == 24
    # perfect agreement gives a zero-width interval, which cannot cover a population kappa below 1
    perfect = table[table["kappa"].round(9) == 1]
    assert set(perfect.index) == {"bright_spot", "feedback_and_celebration", "model_teamwork"}
    assert (perfect["se"].round(12) == 0).all() and not perfect["covers"].any()


def test_covers_compares_at_stated_precision():
    assert ie.covers(0.5, 0.6, 0.6 + 1e-12) is True
    assert ie.covers(0.5, 0.6, 0.61) is False and ie.covers(np.nan, 0.6, 0.55) is None


def test_coder_error_solution_matches_a_fresh_run_at_2_5():
    # the solution's numbers, recomputed from the setting itself (what a reader's re-run shows)
    rerun = sim.simulate(sim.DEFAULT_SEED, coder_error=2.5)["segments"]
    assert round(cohen_kappa_score(rerun["code_coder_a"], rerun["code_coder_b"]), 2) == 0.57
    assert round(krippendorff_alpha(rerun, ["code_coder_a", "code_coder_b"]).at[0, "alpha"], 2) == 0.57
    effect = ie.coder_error_effect(sim.DEFAULT_SEED, 2.5)
    per = effect[effect["code"] != ALL_CODES]
    most = per.sort_values(["loss", "code"], ascending=[False, True], kind="stable")["code"].head(3).tolist()
    assert most == ["comfort_seeking", "feedback_and_celebration", "blunt_sharp_misalignment"]
    for code in most:
        a, b = rerun["code_coder_a"].eq(code), rerun["code_coder_b"].eq(code)
        assert per.set_index("code").at[code, "changed"] == pytest.approx(cohen_kappa_score(a, b))
    assert (per["loss"] >= 0).all()  # "no code's kappa rises"


def test_alpha_by_error_falls_from_one(segments):
    out = ie.alpha_by_error(sim.DEFAULT_SEED, [0, 1, 2.5])
    assert out["alpha"].round(4).tolist() == [1.0, 0.8214, 0.5677]
    assert out.at[1, "alpha"] == krippendorff_alpha(segments, ["code_coder_a", "code_coder_b"]).at[0, "alpha"]


def test_saturation_values_quoted_at_the_default_seed(segments):
    ten = q.saturation_curve(segments, "interview_id", "code_agreed", order="sequence", run_length=10,
                             initial_sample=10)
    assert q.stopping_point(ten) == 38 and ten["cumulative_codes"].iloc[-1] == 23
    three = q.saturation_curve(segments, "interview_id", "code_agreed", order="sequence", run_length=3,
                               initial_sample=10)
    stop = q.stopping_point(three)
    assert (stop, three.at[stop - 1, "cumulative_codes"]) == (17, 21)


def test_disagreement_log_lists_disagreements_in_segment_order(data, segments):
    log = ie.disagreement_log(segments, data["codebook"], n=6)
    assert log["segment"].tolist() == ["S001-4", "S003-2", "S003-3", "S005-5", "S006-1", "S006-2"]
    assert (log["coder_a"] != log["coder_b"]).all()
    assert log.at[3, "why_they_split"] == "no exclusion rule separates the two codes"


def test_cross_case_counts_sessions_from_the_field_note_codes(data):
    cross = ie.cross_case(data).set_index("case_id")
    inc = data["fieldnote_codes"].merge(data["fieldnotes"][["entry_id", "case_id"]])
    for case in cross.index:
        dark = inc[(inc["case_id"] == case) & (inc["code"] == "dark_spot")]["entry_id"].nunique()
        assert cross.at[case, "dark_spot (sessions)"] == dark
    assert cross["sessions"].sum() == len(data["fieldnotes"])
    assert cross["planted_profile"].tolist() == [c[5] for c in sim.CASES]
    both = cross[(cross["bright_spot (sessions)"] > 0) & (cross["dark_spot (sessions)"] > 0)]
    assert len(both) == 6  # "in 6 of the 7 cases" at the default seed


def test_within_case_sends_the_analyst_back_to_a_note(data):
    w = ie.within_case(data, "C1")
    notes = data["fieldnotes"].set_index("entry_id")["invented_note"]
    assert (w["invented_note"] == w["first_noted_in"].map(notes)).all()
    assert w["code"].is_unique


def test_population_kappa_is_the_generators():
    assert ie.agreement(sim.coded_segments(3), coder_error=1.0)["kappa_truth"].iloc[-1] == \
        truths.kappa_truth(1.0)["(all codes)"]
