"""Tests of the qualitative teaching material and of book.qualitative (substudies 1, 2, 3a, 3b)."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from book.data import published
from book.methods import agreement
from book.methods import qualitative as q
from book.plots import plot_diverging_likert
from book.substudies import qualitative as qs
from book.data.datapackage import read
from book.data.paths import SIMULATED
from book.simulate import qualitative as sim


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


@pytest.fixture(scope="module")
def segments(data):
    return data["segments"].merge(data["interviews"][["interview_id", "sequence", "stakeholder_group"]])


# --- the teaching material --------------------------------------------------------------------------

def test_generator_is_byte_reproducible():
    for name, text in sim.generate().items():
        assert (SIMULATED / name).read_text(encoding="utf-8") == text, name


def test_every_file_validates_and_is_small():
    total = 0
    for name in sim.FILES.values():
        assert len(read(name.rsplit(".", 1)[0])) > 0
        total += (SIMULATED / name).stat().st_size
    assert total < 2_000_000


def test_published_counts_are_reproduced_from_the_data(data):
    assert data["interviews"]["interview_id"].nunique() == published.count("stakeholder_interviews") == 107
    assert data["case_interviews"]["interview_id"].nunique() == published.count("case_study_interviews") == 197
    hours = data["fieldnotes"]["hours"].sum()
    assert published.count("observation_hours") <= hours < qs.HOURS_WINDOW[1]
    assert data["cases"]["case_id"].nunique() == published.count("case_study_cases") == 7
    assert (data["cases"]["case_type"] == "hospital_trust").sum() == published.count("case_study_hospital_trusts")
    resp = data["responses"]
    assert resp.loc[resp["response"].notna(), "respondent_id"].nunique() == published.count("ppi_survey_responses")
    assert resp["statement_id"].nunique() == published.count("ppi_survey_statements") == 14
    fw = data["framework"].drop_duplicates("source_id")["source_type"].value_counts()
    assert fw["focus_group"] == published.count("ppi_focus_groups") and fw["interview"] == published.count("ppi_interviews")


def test_every_case_has_observation_and_interviews_and_every_respondent_all_statements(data):
    assert set(data["fieldnotes"]["case_id"]) == set(data["case_interviews"]["case_id"]) == set(data["cases"]["case_id"])
    assert data["responses"].groupby("respondent_id").size().eq(14).all()
    assert set(data["case_codes"]["interview_id"]) == set(data["case_interviews"]["interview_id"])


def test_every_text_column_is_named_invented():
    for key, frame in sim.simulate().items():
        text_cols = [c for c in frame.columns if frame[c].astype(str).str.len().mean() > 45]
        assert all(c.startswith("invented_") or c in ("definition", "statement", "include", "exclude")
                   for c in text_cols), (key, text_cols)


def test_scorecard_rows_all_match():
    card = qs.qualitative_claims()
    assert len(card) == 11
    assert card["claim_id"].str.startswith("qual.").all()
    assert (card["status"] == "match").all(), card.loc[card["status"] != "match", ["claim_id", "reproduced"]]


def test_a_wrong_count_is_a_mismatch(data):
    short = dict(data, interviews=data["interviews"].iloc[:-1])
    rows = qs.interviews_ethnography_claims(short).set_index("claim_id")
    assert rows.at["qual.stakeholder_interviews", "status"] == "mismatch"
    assert rows.at["qual.stakeholder_interviews", "reproduced"] == "106"


def test_coder_error_recodes_the_same_segments_and_changes_nothing_else():
    base = sim.simulate()
    coders = ["code_coder_a", "code_coder_b"]
    coded = {}
    for error in (0.0, 0.5, 1.0, 2.5):
        other = sim.simulate(coder_error=error)
        for key in sim.FILES:  # every other part of the generator draws from its own stream
            if key != "segments":
                pd.testing.assert_frame_equal(other[key], base[key], obj=key)
        pd.testing.assert_frame_equal(other["segments"].drop(columns=coders), base["segments"].drop(columns=coders))
        coded[error] = other["segments"]
    slips = {e: seg[coders].ne(seg["code_agreed"], axis=0).to_numpy() for e, seg in coded.items()}
    for low, high in [(0.5, 1.0), (1.0, 2.5)]:  # a slip at a lower rate is the same slip at a higher one
        assert (coded[low][coders].to_numpy() == coded[high][coders].to_numpy())[slips[low]].all()
    # values of the default draw (seed 2014)
    assert {e: s.sum(axis=0).tolist() for e, s in slips.items()} == {0.0: [0, 0], 0.5: [17, 17], 1.0: [37, 38],
                                                                    2.5: [102, 104]}
    alphas = {e: round(agreement.krippendorff_alpha(seg, coders).at[0, "alpha"], 3) for e, seg in coded.items()}
    assert alphas == {0.0: 1.0, 0.5: 0.924, 1.0: 0.828, 2.5: 0.599}


@pytest.mark.parametrize("error", [-1, float("nan")])
def test_coder_error_must_be_a_number_at_least_zero(error):
    with pytest.raises(ValueError, match="coder_error must be a number, 0 or more"):
        sim.simulate(coder_error=error)


def test_the_parts_of_the_generator_draw_from_separate_streams():
    a, b = sim.simulate(seed=1), sim.simulate(seed=2)
    assert not a["segments"].equals(b["segments"]) and not a["responses"].equals(b["responses"])
    assert len(sim.STREAMS) == len(set(sim.STREAMS)) == 5


def test_default_draw_values(data, segments):
    # pinned values of the committed files (seed 2014): a change to the generator shows here
    assert len(segments) == 444 and len(data["open_text"]) == 1132 and len(data["fieldnotes"]) == 184
    assert data["framework"]["discussed"].sum() == 50
    summary = q.likert_summary(data["responses"], "statement_id", "response").set_index("item")
    assert summary["pct_agree"].round(1).loc[["S01", "S02", "S07"]].tolist() == [70.2, 27.8, 23.2]
    assert summary["n_missing"].sum() == 263


# --- agreement --------------------------------------------------------------------------------------

KRIPPENDORFF_2011_C = pd.DataFrame({  # Krippendorff (2011), example C: 4 observers x 12 units, nominal
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    "C": [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan]})


def test_alpha_reproduces_krippendorffs_worked_example_with_missing_data():
    out = agreement.krippendorff_alpha(KRIPPENDORFF_2011_C, list("ABCD")).iloc[0]
    assert round(out["alpha"], 3) == 0.743
    assert out["n_units_excluded"] == 1 and out["n_values_pairable"] == 40


def test_alpha_reproduces_krippendorffs_binary_example():
    # Krippendorff (2011), example A: two observers, ten units, binary; published alpha 0.095
    ex = pd.DataFrame({"a": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0], "b": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]})
    assert round(agreement.krippendorff_alpha(ex, ["a", "b"]).at[0, "alpha"], 3) == 0.095
    # by hand: 1 - (n - 1) * o_01 / (n_0 * n_1) = 1 - 19 * 4 / (14 * 6)
    assert agreement.krippendorff_alpha(ex, ["a", "b"]).at[0, "alpha"] == pytest.approx(1 - 19 * 4 / (14 * 6))


def test_alpha_treats_strings_empty_cells_and_column_order_alike():
    as_text = KRIPPENDORFF_2011_C.apply(lambda c: c.map(lambda v: "" if pd.isna(v) else f"code{int(v)}"))
    a = agreement.krippendorff_alpha(as_text, list("DCBA")).at[0, "alpha"]
    assert a == pytest.approx(agreement.krippendorff_alpha(KRIPPENDORFF_2011_C, list("ABCD")).at[0, "alpha"])


def test_kappa_by_code_agrees_with_sklearn(segments):
    table = agreement.cohen_kappa_by_code(segments, "code_coder_a", "code_coder_b").set_index("code")
    for code in sim.MAIN_CODES:
        expected = cohen_kappa_score(segments["code_coder_a"].eq(code), segments["code_coder_b"].eq(code))
        assert table.at[code, "kappa"] == pytest.approx(expected, abs=1e-12), code
    overall = cohen_kappa_score(segments["code_coder_a"], segments["code_coder_b"])
    assert table.at[q.ALL_CODES, "kappa"] == pytest.approx(overall, abs=1e-12)


def test_kappa_hand_worked_two_by_two():
    # 50 segments: both yes 20, A only 5, B only 10, neither 15 -> p_o 0.70, p_e 0.50, kappa 0.40
    a = ["x"] * 25 + ["y"] * 25
    b = ["x"] * 20 + ["y"] * 5 + ["x"] * 10 + ["y"] * 15
    row = agreement.cohen_kappa_by_code(pd.DataFrame({"a": a, "b": b}), "a", "b").set_index("code").loc["x"]
    assert (row["p_observed"], row["p_expected"], row["kappa"]) == pytest.approx((0.70, 0.50, 0.40))


def test_kappa_excludes_and_counts_uncoded_segments_and_flags_unused_codes():
    df = pd.DataFrame({"a": ["x", "y", "x", ""], "b": ["x", "y", "y", "x"]})
    out = agreement.cohen_kappa_by_code(df, "a", "b", codes=["x", "y", "z"]).set_index("code")
    assert out.at["x", "n_excluded"] == 1 and out.at["x", "n_segments"] == 3
    # code x on the 3 coded segments: A = (x, y, x), B = (x, y, y) -> p_o 2/3, p_e 2/3*1/3 + 1/3*2/3 = 4/9,
    # kappa (2/3 - 4/9) / (1 - 4/9) = 0.4
    assert (out.at["x", "p_observed"], out.at["x", "p_expected"], out.at["x", "kappa"]) == pytest.approx(
        (2 / 3, 4 / 9, 0.4))
    assert np.isnan(out.at["z", "kappa"])


def test_agreement_reads_1_1point0_and_quoted_1_as_one_code():
    # a numeric column with a blank is float: 1.0 must still agree with 1
    df = pd.DataFrame({"a": [1, 2, 2, 3, 1, np.nan], "b": [1, 2, 3, 3, 1, 2]})
    out = agreement.cohen_kappa_by_code(df, "a", "b").set_index("code")
    assert out.at[q.ALL_CODES, "kappa"] == pytest.approx(cohen_kappa_score([1, 2, 2, 3, 1], [1, 2, 3, 3, 1]))
    assert out.at[q.ALL_CODES, "n_excluded"] == 1 and list(out.index[:-1]) == ["1", "2", "3"]
    listed = agreement.cohen_kappa_by_code(df, "a", "b", codes=[1.0, 2.0, 3.0, 4.0]).set_index("code")
    assert listed.loc[["1", "2", "3"], "kappa"].equals(out.loc[["1", "2", "3"], "kappa"])
    mixed = pd.DataFrame({"a": [1, 2, "2", 3, 1], "b": ["1", 2.0, 3, 3, " 1"]}, dtype=object)
    ints = pd.DataFrame({"a": [1, 2, 2, 3, 1], "b": [1, 2, 3, 3, 1]})
    assert agreement.krippendorff_alpha(mixed, ["a", "b"]).at[0, "alpha"] == pytest.approx(
        agreement.krippendorff_alpha(ints, ["a", "b"]).at[0, "alpha"])
    assert agreement.cohen_kappa_by_code(mixed, "a", "b").iloc[-1]["kappa"] == pytest.approx(
        cohen_kappa_score([1, 2, 2, 3, 1], [1, 2, 3, 3, 1]))


def test_alpha_does_not_depend_on_the_order_of_units():
    shuffled = KRIPPENDORFF_2011_C.sample(frac=1, random_state=3)
    assert agreement.krippendorff_alpha(shuffled, list("ABCD")).equals(agreement.krippendorff_alpha(KRIPPENDORFF_2011_C, list("ABCD")))


def test_alpha_close_to_kappa_for_two_coders_on_many_segments(segments):
    alpha = agreement.krippendorff_alpha(segments, ["code_coder_a", "code_coder_b"]).at[0, "alpha"]
    kappa = cohen_kappa_score(segments["code_coder_a"], segments["code_coder_b"])
    assert abs(alpha - kappa) < 0.01


@pytest.mark.parametrize("call, message", [
    (lambda: agreement.krippendorff_alpha(KRIPPENDORFF_2011_C, ["A"]), "at least two distinct coder columns"),
    (lambda: agreement.krippendorff_alpha(KRIPPENDORFF_2011_C, ["A", "E"]), r"no column\(s\) \['E'\]"),
    (lambda: agreement.krippendorff_alpha(KRIPPENDORFF_2011_C, ["A", "B"], level="ordinal"), "only level='nominal'"),
    (lambda: agreement.krippendorff_alpha(pd.DataFrame({"a": [1, np.nan], "b": [np.nan, 2]}), ["a", "b"]),
     "no unit has values from two or more coders"),
    (lambda: agreement.krippendorff_alpha(pd.DataFrame({"a": [1, 1], "b": [1, 1]}), ["a", "b"]), "alpha is undefined"),
    (lambda: agreement.cohen_kappa_by_code(pd.DataFrame({"a": ["x", "y"], "b": ["x", "y"]}), "a", "a"), "same column"),
    (lambda: agreement.cohen_kappa_by_code(pd.DataFrame({"a": ["x", "y"], "b": ["x", "yy"]}), "a", "b", codes=["x", "y"]),
     r"code\(s\) \['yy'\] used by the coders are not in `codes`"),
    (lambda: agreement.cohen_kappa_by_code(pd.DataFrame({"a": ["x", ""], "b": ["x", "y"]}), "a", "b"),
     "need at least 2 segments coded by both"),
])
def test_agreement_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- saturation -------------------------------------------------------------------------------------

def test_saturation_curve_hand_worked():
    df = pd.DataFrame({"i": [1, 1, 2, 3, 3, 4, 5, 6], "c": ["a", "b", "a", "c", "a", "b", "", "a"]})
    curve = q.saturation_curve(df, "i", "c", run_length=2)
    assert curve["new_codes"].tolist() == [2, 0, 1, 0, 0, 0]
    assert curve["cumulative_codes"].tolist() == [2, 2, 3, 3, 3, 3]
    assert curve["run_without_new"].tolist() == [0, 1, 0, 1, 2, 3]
    assert q.stopping_point(curve) == 5 and curve["stop"].sum() == 1
    assert q.stopping_point(q.saturation_curve(df, "i", "c", run_length=2, initial_sample=6)) == 6
    assert q.stopping_point(q.saturation_curve(df, "i", "c", run_length=4)) is None


def test_saturation_follows_the_order_column():
    df = pd.DataFrame({"i": ["x", "y", "z"], "c": ["a", "b", "a"], "seq": [3, 1, 2]})
    curve = q.saturation_curve(df, "i", "c", order="seq", run_length=1)
    assert curve["unit"].tolist() == ["y", "z", "x"] and curve["new_codes"].tolist() == [1, 1, 0]


def test_saturation_of_the_default_draw(segments):
    # values of the committed files (seed 2014), not a property every draw has
    curve = q.saturation_curve(segments, "interview_id", "code_agreed", order="sequence", run_length=10,
                               initial_sample=10)
    stop = q.stopping_point(curve)
    assert (stop, curve.at[stop - 1, "cumulative_codes"], curve["cumulative_codes"].iloc[-1]) == (34, 22, 23)
    assert curve.loc[curve["new_codes"] > 0, "position"].max() > stop
    three = q.saturation_curve(segments, "interview_id", "code_agreed", order="sequence", run_length=3,
                               initial_sample=10)
    assert q.stopping_point(three) == 21


def test_stopping_by_order_matches_saturation_curve_on_one_ordering(segments):
    rng = np.random.default_rng(5)
    dist = q.stopping_by_order(segments, "interview_id", "code_agreed", rng, n_orderings=3, run_length=10)
    rng = np.random.default_rng(5)
    units = list(dict.fromkeys(segments["interview_id"]))
    first = [units[j] for j in rng.permutation(len(units))]
    reordered = segments.assign(pos=segments["interview_id"].map({u: k for k, u in enumerate(first)}))
    curve = q.saturation_curve(reordered, "interview_id", "code_agreed", order="pos", run_length=10)
    assert dist.at[0, "stop_position"] == q.stopping_point(curve)


@pytest.mark.parametrize("kwargs, message", [
    ({"run_length": 0}, "run_length must be a whole number of at least 1"),
    ({"initial_sample": -1}, "initial_sample must be"),
    ({"order": "missing"}, r"no column\(s\) \['missing'\]"),
])
def test_saturation_bad_input_is_named(kwargs, message):
    df = pd.DataFrame({"i": [1, 2], "c": ["a", "b"]})
    with pytest.raises(ValueError, match=message):
        q.saturation_curve(df, "i", "c", **kwargs)


def test_saturation_refuses_tied_order():
    df = pd.DataFrame({"i": [1, 2], "c": ["a", "b"], "seq": [1, 1]})
    with pytest.raises(ValueError, match="'seq' value 1 is shared by more than one unit"):
        q.saturation_curve(df, "i", "c", order="seq")


# --- counting, Likert, framework ----------------------------------------------------------------------

def test_code_frequencies_and_cooccurrence_by_hand():
    df = pd.DataFrame({"u": [1, 1, 1, 2, 2, 3], "g": ["a", "a", "a", "a", "a", "b"],
                       "c": ["x", "x", "y", "y", "z", "x"]})
    freq = q.code_frequencies(df, "c", "u", by="g").set_index(["g", "code"])
    assert freq.loc[("a", "x"), ["n_segments", "n_units", "units_in_group"]].tolist() == [2, 1, 2]
    assert freq.loc[("a", "x"), "pct_units"] == 50 and freq.loc[("b", "y"), "n_units"] == 0
    co = q.code_cooccurrence(df, "c", "u")
    assert co.loc["x", "y"] == 1 and co.loc["x", "x"] == 2 and co.loc["y", "z"] == 1 and co.loc["x", "z"] == 0
    jac = q.code_cooccurrence(df, "c", "u", measure="jaccard")
    assert jac.loc["x", "y"] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="unit 1 belongs to more than one 'g' group"):
        q.code_frequencies(df.assign(g=["a", "b", "a", "a", "a", "b"]), "c", "u", by="g")


def test_likert_summary_by_hand():
    df = pd.DataFrame({"item": ["s"] * 6, "r": [1, 2, 3, 4, 5, np.nan]})
    row = q.likert_summary(df, "item", "r").iloc[0]
    assert (row["n"], row["n_missing"], row["pct_agree"], row["pct_neutral"], row["median"]) == (5, 1, 40, 20, 3)
    strict = q.likert_summary(df, "item", "r", agree_from=5).iloc[0]
    assert strict["pct_agree"] == 20 and strict["pct_disagree"] == 20 and strict["pct_neutral"] == 60
    for bad in (3, 2.5, 6):
        with pytest.raises(ValueError, match="agree_from must be a whole number above the midpoint 3"):
            q.likert_summary(df, "item", "r", agree_from=bad)


def test_likert_summary_of_teaching_data_counts_missing(data):
    summary = q.likert_summary(data["responses"], "statement_id", "response")
    assert (summary["n"] + summary["n_missing"]).eq(715).all()
    assert summary["n_missing"].sum() == data["responses"]["response"].isna().sum() > 0


@pytest.mark.parametrize("value, message", [(6, "holds 6 for item 's'"), (2.5, "holds 2.5"),
                                            ("agree", "non-numeric answer 'agree'")])
def test_likert_bad_answers_are_named(value, message):
    df = pd.DataFrame({"item": ["s", "s"], "r": [1, value]}, dtype=object)
    with pytest.raises(ValueError, match=message):
        q.likert_summary(df, "item", "r")


def test_framework_matrix(data):
    fw = q.framework_matrix(data["framework"], "source_id", "theme", "invented_summary", discussed="discussed")
    assert fw.shape == (12, len(sim.FRAMEWORK_THEMES))
    assert (fw == "-").to_numpy().sum() == (data["framework"]["discussed"] == 0).sum()
    row = data["framework"].loc[data["framework"]["discussed"] == 1].iloc[0]
    assert fw.at[row["source_id"], row["theme"]] == row["invented_summary"]
    dup = pd.concat([data["framework"], data["framework"].iloc[[0]]])
    with pytest.raises(ValueError, match="case 'FG1' has more than one row for theme"):
        q.framework_matrix(dup, "source_id", "theme", "invented_summary")
