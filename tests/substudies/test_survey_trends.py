"""The survey-trends chapter at the 2014 data: its scorecard rows by kind and status, the readings of
the tables, the hand-washing finding, the uncalibrated study and its Monte Carlo replicate, and the
worked solutions of the exercises in which the student writes the analysis."""
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from book.data import published
from book.methods.markers import PLAUSIBLE_R
from book.substudies import claims as cl
from book.substudies import survey_trends as st

NOTEBOOK = Path(__file__).resolve().parents[2] / "chapters" / "survey_trends.ipynb"


@pytest.fixture(scope="module")
def card():
    return st.survey_trends_claims()


def test_claims_are_scorecard_rows(card):
    assert list(card.columns) == cl.COLUMNS
    assert card["claim_id"].is_unique and set(card["kind"]) <= set(cl.KINDS)


def test_claims_by_kind_and_status_at_the_2014_data(card):
    got = card.groupby(["kind", "status"]).size().to_dict()
    assert got == {("by construction", "match"): 66, ("feasibility", "match"): 17,
                   ("feasibility", "inconsistent"): 1, ("consistency", "inconsistent"): 2,
                   ("consistency", "match"): 1, ("recomputed", "match"): 14, ("recomputed", "mismatch"): 4,
                   ("not reproducible", "not reproducible"): 5}
    rows = card.set_index("claim_id")
    assert rows.at["table3.doctors_wash_hands.marker_2009_2011.feasible", "status"] == "inconsistent"
    assert rows.at["table3.doctors_wash_hands.marker_2009_2011.feasible", "reproduced"] == "r from -1.00 to 0.39"
    assert rows.at["text.trends_stalled", "reproduced"] == "4 of 9 stalled or reversed; 5 still improved significantly"
    mism = card[(card["kind"] == "recomputed") & (card["status"] == "mismatch")]["claim_id"].str.split(".").str[1]
    assert sorted(mism) == ["adequate_materials", "blames_punishes", "doctors_wash_hands", "encourages_reporting"]
    assert rows.at["text.inpatient_trusts_any", "reproduced"] == "165"


def test_the_hand_washing_verdict_rests_on_the_band():
    bands = st.band_sensitivity().set_index("band_low")
    assert bands["hand_washing_feasible"].to_dict() == {0.3: True, 0.4: False, 0.5: False, 0.6: False, 0.7: False}
    card_low = st.survey_trends_claims(plausible=(0.3, 0.9))
    assert (card_low.loc[card_low["kind"] == "feasibility", "status"] == "match").all()


def test_hand_washing_explanations_say_which_can_work():
    ex = st.hands_explanations(PLAUSIBLE_R).set_index("explanation")["marker with the printed figures"]
    assert ex["an unpaired test of the trust means"] == "**"
    assert ex["a test of respondents, not trusts"] == "**"
    assert ex["a 2011 SD larger than 2007's"] == "*" and ex["far fewer trusts than printed"] == "*"
    needs = st.hands_explanations(PLAUSIBLE_R).set_index("explanation")["what it needs"]
    assert needs["a 2011 SD larger than 2007's"].startswith("SD 11.1 to 14.6")
    assert needs["far fewer trusts than printed"].startswith("38 to 63 trusts")


def test_the_texts_readings_against_the_tables():
    stall = st.stall_table(st.sim.design()).set_index("item")
    assert stall["verdict_2009_2011"].value_counts().to_dict() == {"still improving": 5, "stalled": 2, "reversed": 2}
    assert stall["improved_2007_2009"].all()
    assert (stall["p_slowdown_r13_max"] < 0.05).sum() == 8
    assert stall.at["no_time", "p_slowdown_markov"] == pytest.approx(0.0333, abs=1e-4)
    contrast = st.reporting_contrast()
    assert contrast.loc["reporting", "gain_2007_2011_sd"] == pytest.approx(0.8392, abs=1e-4)
    assert contrast.loc["Table 2", "gain_2007_2011_sd"] == pytest.approx(0.6471, abs=1e-4)
    assert contrast.loc["reporting", "closed_2007_2011_pct"] > contrast.loc["Table 2", "closed_2007_2011_pct"]


def test_every_net_shift_example_raises_the_mean_by_the_footnotes_step():
    ex = st.net_shift_examples()
    step = published.count("staff_scale_step")
    assert np.allclose(ex["change"], step) and ex["moved_pct"].round(6).tolist() == [10, 5, 30]
    assert (ex["agree_after_pct"] - ex["agree_before_pct"]).round(6).tolist() == [10, 5, 20]


def test_effect_sizes_on_three_scales():
    eff = st.effect_sizes(st.changes(st.sim.teaching_data())).set_index(["item", "period_from"])
    hands = eff.loc[("doctors_wash_hands", 2007)]
    assert hands["change_over_trust_sd"] == pytest.approx(1.0) and hands["change_over_respondent_sd"] == pytest.approx(
        6 / (100 * np.sqrt(0.59 * 0.41)))
    assert np.isnan(eff.loc[("ward_clean", 2007), "respondent_sd"])


def test_the_uncalibrated_study_at_2014_against_its_truths():
    out = st.sampled_checks(st.sim.DEFAULT_SEED)
    assert len(out) == 18 and int(out["marker_holds"].sum()) == 14 and int(out["covers"].sum()) == 17
    # rule stated in advance: every estimate within 3 standard errors of its population change
    se = (out["ci_high"] - out["ci_low"]) / (2 * 1.97)
    assert ((out["change"] - out["truth"]).abs() <= 3 * se).all()


def test_replicate_returns_one_row_per_recomputed_claim_and_interval(card):
    out = st.replicate(1)
    assert list(out.columns) == ["check_id", "check", "holds"]
    claims_ = set(out.loc[out["check"] == "claim", "check_id"])
    assert claims_ == set(card.loc[card["kind"] == "recomputed", "claim_id"])
    assert (out["check"] == "interval").sum() == 18 and out["holds"].map(type).eq(bool).all()
    pd.testing.assert_frame_equal(out, st.replicate(1))


def test_interval_coverage_over_seeds_is_nominal():
    """Rule stated in advance: pooled coverage of the 18 change intervals over seeds 1-25 lies within 3.3
    binomial SEs of 0.95 (the intervals are exact t intervals under the generator)."""
    covers = pd.concat([st.replicate(s) for s in range(1, 26)]).query("check == 'interval'")["holds"]
    se = np.sqrt(0.95 * 0.05 / len(covers))
    assert abs(covers.mean() - 0.95) <= 3.3 * se, covers.mean()


def test_paper_vs_book_shows_a_dash_without_rates(card):
    empty = pd.DataFrame(columns=["substudy", "check_id", "check", "rate", "mc_low", "mc_high"])
    out = st.paper_vs_book(card, empty)
    assert out["replication_rate"].eq("–").all()
    rates = pd.DataFrame({"substudy": ["survey_trends"], "check_id": ["table2.no_time.marker_2009_2011.sampled"],
                          "check": ["claim"], "rate": [0.85], "mc_low": [0.8], "mc_high": [0.9]})
    got = st.paper_vs_book(card, rates).set_index("claim_id")["replication_rate"]
    assert got["table2.no_time.marker_2009_2011.sampled"] == "85% (80–90%)"
    assert st.coverage(empty).empty


def _solution_code(label: str) -> str:
    """The python block of an exercise's worked solution, as the notebook shows it."""
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        start = text.find(f":::{{solution}} {label}")
        if cell["cell_type"] == "markdown" and start >= 0:
            block = text[start:text.index("\n:::", start)]
            return re.search(r"```python\n(.*?)```", block, re.S).group(1)
    raise AssertionError(f"no solution {label}")


def test_solution_implied_r_runs_and_agrees():
    scope = {}
    exec(_solution_code("ex-trends-implied-r"), scope)
    exact = scope["correlation_range"](0.01, 309, "*", 0.11)
    assert (scope["r_lowest"], scope["r_highest"]) == (pytest.approx(exact[0], abs=1e-12), pytest.approx(exact[1], abs=1e-12))
    assert round(scope["r_lowest"], 2) == 0.67 and round(scope["r_highest"], 2) == 0.81
    wide = scope["correlation_range"](0.01, 309, "*", 0.11, change_halfwidth=0.005, sd_halfwidth=0.005)
    assert (round(wide[0], 2), round(wide[1], 2)) == (0.19, 0.96)


def test_solution_slowdown_runs_and_agrees():
    scope = {}
    exec(_solution_code("ex-trends-slowdown"), scope)
    assert scope["mine"].statistic == pytest.approx(scope["book_t"], rel=1e-12)
    assert scope["dd"].mean() < 0 and scope["mine"].pvalue < 0.001


def test_solution_net_shift_runs_and_agrees():
    scope = {}
    exec(_solution_code("ex-trends-netshift"), scope)
    assert scope["change"] == pytest.approx(0.15) and scope["net"] == pytest.approx(0.15)
    assert scope["agree"] == pytest.approx(0.05)


def test_solution_sd_runs():
    exec(_solution_code("ex-trends-sd"), {})


def test_the_numbers_typed_in_the_solutions_are_the_printed_ones():
    rows = published.survey_tables().set_index("item_id")
    enc, hands = rows.loc["encourages_reporting"], rows.loc["doctors_wash_hands"]
    assert (enc["change_2009_2011"], enc["sd_2007"], enc["n_trusts"], enc["marker_2009_2011"]) == (0.01, 0.11, 309, "*")
    assert (hands["change_2009_2011"], hands["n_trusts"], hands["sd_2007"], hands["marker_2009_2011"]) == (-2, 157, 6, "*")
    assert "0.01, 309, 0.11" in _solution_code("ex-trends-implied-r")
    assert '(-2, 157, "*", sd_from=6' in _solution_code("ex-trends-sd")
