"""The patients and public chapter (substudies 3a and 3b): its claims, its tables, the joint display's rule,
and the values its prose and solutions quote at the 2014 seed, re-computed from the settings."""
import numpy as np
import pandas as pd
import pytest

from book.methods import qualitative as q
from book.simulate import qualitative as sim
from book.substudies import patients_public as pp


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


def test_claims_by_kind_at_the_default_seed(data):
    rows = pd.DataFrame(pp.claims(data)).set_index("claim_id")
    built = rows[rows["kind"] == "by construction"]
    assert built.index.tolist() == ["qual.ppi_survey_responses", "qual.ppi_survey_statements", "qual.ppi_focus_groups",
                                    "qual.ppi_interviews"]
    assert (built["status"] == "match").all() and built["reproduced"].tolist() == ["715", "14", "2", "10"]
    assert rows.at["qual.ppi_response_unit", "kind"] == "not reproducible"


def test_likert_intervals_against_the_models_truth(data):
    table = pp.likert(data).set_index("item")
    assert table["covers"].all()
    assert table.loc[["S01", "S02", "S07"], "pct_agree"].round(1).tolist() == [70.2, 30.8, 24.0]
    assert (table["n"] + table["n_missing"]).eq(715).all()


def test_critical_answers_follow_the_wording(data):
    crit = pp.critical_answers(data["responses"], data["statements"])
    resp = data["responses"].assign(c=crit)
    s04 = resp[(resp["statement_id"] == "S04") & resp["response"].notna()]  # critically worded
    assert ((s04["response"] >= 4) == (s04["c"] == 1)).all()
    assert resp.loc[resp["response"].isna(), "c"].isna().all()


def test_comment_rates_and_their_rerun_without_the_planted_rate(data):
    here = pp.comment_rates(data).set_index("answer")
    assert here["pct_commented"].round(0).tolist() == [7, 17]
    flat = pp.comment_rates(sim.simulate(sim.DEFAULT_SEED, open_critical=0.0)).set_index("answer")
    assert flat["pct_commented"].round(0).tolist() == [7, 7]


def test_comment_agreement_on_the_double_coded_sample(data):
    overall, by_code = pp.comment_agreement(data)
    assert round(overall.at[0, "kappa"], 2) == 0.80 and overall.at[0, "n_segments"] == 239
    assert overall.attrs["n_excluded"] == len(data["open_text"]) - 239
    assert by_code["code"].iloc[-1] == "(all codes)"


def test_joint_display_follows_its_rule(data):
    joint = pp.joint_display(data)
    assert joint["fit"].value_counts().to_dict() == {"confirms": 7, "discordant": 3, "expands": 2}
    assert joint.loc[joint["fit"] == "discordant", "statement"].tolist() == ["S05", "S08", "S11"]
    # the rule, applied independently: most answers unfavourable vs most discussing sources critical
    fw = data["framework"]
    crit = pp.critical_answers(data["responses"], data["statements"])
    unfav = (100 * crit.groupby(data["responses"]["statement_id"]).mean()) > 50
    for r in joint[joint["statement"] != "-"].itertuples():
        said = fw[(fw["theme"] == r.theme) & (fw["discussed"] == 1)]
        critical = (said["stance"] == "critical").sum() > len(said) / 2
        assert r.fit == ("confirms" if unfav[r.statement] == critical else "discordant"), r.statement
    assert set(joint.loc[joint["fit"] == "expands", "theme"]) == {"accountability_unclear", "ppg_influence"}


def test_agree_from_five_rerun(data):
    def order(k):
        t = q.likert_summary(data["responses"], "statement_id", "response", agree_from=k)
        return t.assign(r=t["pct_agree"].round(9)).sort_values(["r", "item"], ascending=[False, True],
                                                               kind="stable")["item"].tolist()
    four, five = order(4), order(5)
    assert sum(a != b for a, b in zip(four, five)) == 4
    assert "pct_between" in q.likert_summary(data["responses"], "statement_id", "response", agree_from=5).columns


def test_induction_sample_is_forty_different_comments(data):
    sample = pp.induction_sample(data)
    assert len(sample) == 40 and sample["invented_text"].is_unique
    assert "code" not in sample.columns


def test_framework_stages_are_gales_seven():
    assert [s[0].split(". ")[0] for s in pp.FRAMEWORK_STAGES] == [str(i) for i in range(1, 8)]


def test_summary_parts_and_what_sources_said(data):
    said, why = pp.summary_parts("Mixed account: praised locally, though people without relatives seen as most at "
                                 "risk of being overlooked; blamed on staffing, not on individual nurses (ll. 515-540).")
    assert said == "People without relatives seen as most at risk of being overlooked"
    assert why == "blamed on staffing, not on individual nurses"
    fw = data["framework"]
    why = pp.what_sources_said(fw, "rushed_staff")
    cells = fw[(fw["theme"] == "rushed_staff") & fw["stance"].isin(["critical", "mixed"])]
    assert len(why) == len(set(why)) and 0 < len(why) <= len(cells)
    assert all(w in t for w in why[:1] for t in cells["invented_summary"].head(1))
    assert len(pp.what_sources_said(fw, "rushed_staff", part="said", n=2)) == 2
    with pytest.raises(ValueError, match="part must be"):
        pp.what_sources_said(fw, "rushed_staff", part="both")


def test_every_statement_the_joint_display_can_show_has_a_wording_question(data):
    st = data["statements"]
    followed = set(st.loc[st["linked_code"].isin(sim.FRAMEWORK_THEMES), "statement_id"])
    assert followed == set(pp.WORDING_QUESTIONS)
    assert "listening and acting" in pp.WORDING_QUESTIONS["S05"]
