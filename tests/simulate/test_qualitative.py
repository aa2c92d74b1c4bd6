"""The qualitative generator: byte-reproducible files, one random stream per part, labelled invented text,
and truths that agree with what the generator draws."""
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from book.data.datapackage import read
from book.data.paths import SIMULATED
from book.simulate import qualitative as sim
from book.simulate.qualitative import truths
from book.simulate.qualitative.framework import DISSENT


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


def test_generator_is_byte_reproducible():
    for name, text in sim.generate().items():
        assert (SIMULATED / name).read_text(encoding="utf-8") == text, name


def test_every_file_validates_and_is_small():
    total = 0
    for name in sim.FILES.values():
        assert len(read(name.rsplit(".", 1)[0])) > 0
        total += (SIMULATED / name).stat().st_size
    assert total < 2_000_000


def test_committed_files_equal_a_fresh_simulation(data):
    fresh = sim.simulate()
    for key in sim.FILES:
        pd.testing.assert_frame_equal(data[key].astype(str), fresh[key].astype(str), obj=key, check_dtype=False)


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
        pd.testing.assert_frame_equal(sim.coded_segments(coder_error=error), other["segments"])
        coded[error] = other["segments"]
    slips = {e: seg[coders].ne(seg["code_agreed"], axis=0).to_numpy() for e, seg in coded.items()}
    for low, high in [(0.5, 1.0), (1.0, 2.5)]:  # a slip at a lower rate is the same slip at a higher one
        assert (coded[low][coders].to_numpy() == coded[high][coders].to_numpy())[slips[low]].all()
    # values of the default draw (seed 2014)
    assert {e: s.sum(axis=0).tolist() for e, s in slips.items()} == {0.0: [0, 0], 0.5: [20, 16], 1.0: [37, 42],
                                                                    2.5: [113, 113]}


def test_open_critical_changes_only_who_comments():
    base, flat = sim.simulate(), sim.simulate(open_critical=0.0)
    for key in sim.FILES:
        if key != "open_text":
            pd.testing.assert_frame_equal(flat[key], base[key], obj=key)
    # a comment written at both rates is worded and coded the same way
    keys = ["respondent_id", "statement_id"]
    both = base["open_text"].merge(flat["open_text"], on=keys, suffixes=("", "_flat"))
    assert len(both) > 0
    for col in ("code", "code_coder_b", "invented_text"):
        assert both[col].equals(both[f"{col}_flat"])
    assert (len(base["open_text"]), len(flat["open_text"])) == (1138, 707)


@pytest.mark.parametrize("kwargs, message", [
    ({"coder_error": -1}, "coder_error must be a number, 0 or more"),
    ({"coder_error": float("nan")}, "coder_error must be a number, 0 or more"),
    ({"open_critical": 0.95}, "open_critical must be a number, between 0 and 0.93"),
    ({"open_critical": "0.1"}, "open_critical must be a number"),
])
def test_bad_parameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sim.simulate(**kwargs)


def test_streams_are_separate_and_new_parts_come_last():
    a, b = sim.simulate(seed=1), sim.simulate(seed=2)
    assert not a["segments"].equals(b["segments"]) and not a["responses"].equals(b["responses"])
    assert sim.STREAMS[:5] == ("interviews", "coders", "cases", "survey", "framework")
    assert len(sim.STREAMS) == len(set(sim.STREAMS))


# --- the invented text says what it is ------------------------------------------------------------------

def test_every_long_text_column_is_named_invented():
    own = {"definition", "include", "exclude", "label"}  # the codebook's own rules, not invented quotations
    for key, frame in sim.simulate().items():
        text_cols = [c for c in frame.columns if frame[c].astype(str).str.len().mean() > 40]
        assert all(c.startswith("invented_") or c in own for c in text_cols), (key, text_cols)


#: Words the paper quotes from its participants (Results): invented text must not borrow them.
PAPER_QUOTED = ["whining", "fend for themselves", "being forgotten", "blanket", "very prescriptive", "speak up",
                "so many masters"]


def test_invented_text_does_not_echo_the_papers_quoted_words():
    for key, frame in sim.simulate().items():
        for col in [c for c in frame.columns if c.startswith("invented_")]:
            text = " ".join(frame[col].astype(str)).lower()
            for words in PAPER_QUOTED:
                assert words not in text, (key, col, words)


def test_framework_summaries_differ_between_sources_and_one_source_dissents(data):
    fw = data["framework"]
    said = fw[fw["discussed"] == 1]
    assert not said.duplicated(["theme", "invented_summary"]).any()
    assert (fw["stance"].eq("") == fw["discussed"].eq(0)).all()
    dissent = said[said["stance"] == "dissenting"]
    assert set(zip(dissent["source_id"], dissent["theme"])) == set(DISSENT)
    assert said["invented_summary"].str.contains(r"\(ll\. \d+-\d+\)\.$").all()


def test_field_notes_carry_several_codes_and_add_up_to_the_hours(data):
    notes, codes = data["fieldnotes"], data["fieldnote_codes"]
    assert notes["hours"].sum() == 655
    assert codes.groupby("entry_id").size().reindex(notes["entry_id"]).tolist() == notes["n_incidents"].tolist()
    assert notes["n_incidents"].between(1, 3).all() and (notes["n_incidents"] > 1).mean() > 0.3
    times = notes["invented_note"].map(lambda t: re.findall(r"\b(\d\d:\d\d) ", t))
    assert (times.map(len) == notes["n_incidents"]).all()
    meeting = codes.merge(notes[["entry_id", "site"]])["site"].isin(sim.cases.MEETING_SITES)
    assert (codes.loc[meeting.to_numpy(), "spot"] == "neither").all()


def test_comments_vary_and_a_fifth_are_double_coded(data):
    text = data["open_text"]
    assert text["invented_text"].nunique() > 200
    share = (text["code_coder_b"] != "").mean()
    assert 0.15 < share < 0.25
    assert set(text["code"]) <= set(sim.CODES_3A)


# --- truths ---------------------------------------------------------------------------------------------

def test_kappa_truth_is_one_without_error_and_falls_with_it():
    assert truths.kappa_truth(0.0).eq(1).all()
    k1, k2 = truths.kappa_truth(1.0), truths.kappa_truth(2.0)
    assert (k2 < k1).all() and (k1 < 1).all()
    assert truths.coding_distribution(1.0).sum() == pytest.approx(1)
    assert truths.code_shares().sum() == pytest.approx(1)


def test_kappa_truth_agrees_with_many_simulated_studies():
    # pooled over 40 studies (about 18,000 segments), the coders' kappa is close to its population value
    seg = pd.concat([sim.coded_segments(seed) for seed in range(1, 41)])
    pooled = cohen_kappa_score(seg["code_coder_a"], seg["code_coder_b"])
    assert pooled == pytest.approx(truths.kappa_truth(1.0)["(all codes)"], abs=0.01)
    shares = seg["code_agreed"].value_counts(normalize=True).reindex(sim.MAIN_CODES)
    assert np.abs(shares - truths.code_shares()).max() < 0.01


def test_agree_truth_agrees_with_many_simulated_surveys():
    answers = pd.concat([sim.simulate(seed)["responses"] for seed in range(1, 11)]).dropna()
    observed = answers.assign(a=answers["response"] >= 4).groupby("statement_id")["a"].mean() * 100
    assert np.abs(observed - truths.agree_truth(4)).max() < 2.0  # about 7,000 answers each: SE under 0.6 points
    assert (truths.agree_truth(5) < truths.agree_truth(4)).all()
    with pytest.raises(ValueError, match="agree_from must be 2, 3, 4 or 5"):
        truths.agree_truth(6)
