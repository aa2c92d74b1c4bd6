"""book.methods.qualitative against independent computations (pandas groupbys, a plain loop, hand-worked
examples), its invariances, and its refusals (including the defects the bad-input review found)."""
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from statsmodels.stats.proportion import proportion_confint

from book.methods import qualitative as Q

FAST = settings(derandomize=True, deadline=None, max_examples=50)

segments = st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 8), min_size=n, max_size=n),                     # interview
    st.lists(st.one_of(st.none(), st.sampled_from("abcde")), min_size=n, max_size=n)))  # code, some empty


def _frame(units, codes):
    group = {u: "g1" if u % 2 else "g2" for u in units}
    return pd.DataFrame({"unit": units, "code": codes, "group": [group[u] for u in units]})


# --- counting codes ---------------------------------------------------------------------------------------

@FAST
@given(segments, st.randoms(use_true_random=False))
def test_code_frequencies_equal_a_groupby_and_ignore_row_order(seg, rnd):
    df = _frame(*seg)
    out = Q.code_frequencies(df, "code", "unit", by="group").set_index(["group", "code"])
    coded = df.dropna(subset=["code"])
    for (g, c), row in out.iterrows():
        hits = coded[(coded["group"] == g) & (coded["code"] == c)]
        assert row["n_segments"] == len(hits) and row["n_units"] == hits["unit"].nunique()
        assert row["units_in_group"] == df.loc[df["group"] == g, "unit"].nunique()
    assert out.attrs["n_excluded"] == df["code"].isna().sum()
    order = list(range(len(df)))
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(Q.code_frequencies(df.iloc[order], "code", "unit", by="group")
                                  .set_index(["group", "code"]), out)


@FAST
@given(segments)
def test_cooccurrence_counts_units_with_both_codes(seg):
    df = _frame(*seg)
    co = Q.code_cooccurrence(df, "code", "unit")
    sets = df.dropna(subset=["code"]).groupby("unit")["code"].agg(set)
    for x in co.index:
        for y in co.columns:
            assert co.at[x, y] == sum(1 for s in sets if x in s and y in s)


def test_codes_typed_as_numbers_text_and_floats_are_one_code():
    df = pd.DataFrame({"u": [1, 1, 2, 3], "c": [1, "1", 1.0, " 2 "]}, dtype=object)
    out = Q.code_frequencies(df, "c", "u").set_index("code")
    assert out.loc["1", ["n_segments", "n_units"]].tolist() == [3, 2] and out.at["2", "n_units"] == 1


def test_code_frequencies_and_cooccurrence_by_hand():
    df = pd.DataFrame({"u": [1, 1, 1, 2, 2, 3], "g": ["a", "a", "a", "a", "a", "b"],
                       "c": ["x", "x", "y", "y", "z", "x"]})
    freq = Q.code_frequencies(df, "c", "u", by="g").set_index(["g", "code"])
    assert freq.loc[("a", "x"), ["n_segments", "n_units", "units_in_group"]].tolist() == [2, 1, 2]
    assert freq.loc[("a", "x"), "pct_units"] == 50 and freq.loc[("b", "y"), "n_units"] == 0
    co = Q.code_cooccurrence(df, "c", "u")
    assert co.loc["x", "y"] == 1 and co.loc["x", "x"] == 2 and co.loc["y", "z"] == 1 and co.loc["x", "z"] == 0
    assert Q.code_cooccurrence(df, "c", "u", measure="jaccard").loc["x", "y"] == pytest.approx(1 / 3)
    listed = Q.code_frequencies(df, "c", "u", codes=["x", "w"])
    assert listed["code"].tolist() == ["x", "w"] and listed.attrs["excluded"] == {"code not in `codes`": [2, 3, 4]}


# --- saturation -------------------------------------------------------------------------------------------

def _plain_curve(units_in_order, codes_by_unit, run_length, initial):
    seen, run, out, stopped = set(), 0, [], False
    for pos, u in enumerate(units_in_order, 1):
        new = [c for c in dict.fromkeys(codes_by_unit.get(u, [])) if c not in seen]
        seen |= set(new)
        run = 0 if new else run + 1
        stop = not stopped and pos >= initial and run >= run_length
        stopped |= stop
        out.append((len(new), len(seen), run, stop))
    return out


@FAST
@given(segments, st.integers(1, 4), st.integers(0, 5), st.randoms(use_true_random=False))
def test_saturation_curve_equals_a_plain_loop_and_ignores_row_order(seg, run_length, initial, rnd):
    df = _frame(*seg)
    units = sorted(df["unit"].unique())
    df["seq"] = df["unit"].map({u: -k for k, u in enumerate(units)})  # analysed in reverse
    curve = Q.saturation_curve(df, "unit", "code", order="seq", run_length=run_length, initial_sample=initial)
    codes = df.dropna(subset=["code"]).groupby("unit")["code"].agg(list).to_dict()
    expected = _plain_curve(units[::-1], codes, run_length, initial)
    assert list(zip(curve["new_codes"], curve["cumulative_codes"], curve["run_without_new"], curve["stop"])) == expected
    order = list(range(len(df)))
    rnd.shuffle(order)
    again = Q.saturation_curve(df.iloc[order], "unit", "code", order="seq", run_length=run_length,
                               initial_sample=initial)
    pd.testing.assert_frame_equal(again.drop(columns="new_code_names"), curve.drop(columns="new_code_names"))


def test_saturation_curve_hand_worked():
    df = pd.DataFrame({"i": [1, 1, 2, 3, 3, 4, 5, 6], "c": ["a", "b", "a", "c", "a", "b", "", "a"]})
    curve = Q.saturation_curve(df, "i", "c", run_length=2)
    assert curve["new_codes"].tolist() == [2, 0, 1, 0, 0, 0]
    assert curve["run_without_new"].tolist() == [0, 1, 0, 1, 2, 3]
    assert Q.stopping_point(curve) == 5 and curve["stop"].sum() == 1
    assert curve.attrs["n_excluded"] == 1  # interview 5's empty code; the interview still counts
    assert Q.stopping_point(Q.saturation_curve(df, "i", "c", run_length=2, initial_sample=6)) == 6
    assert Q.stopping_point(Q.saturation_curve(df, "i", "c", run_length=4)) is None


def test_stopping_by_order_replays_saturation_curve_on_each_order():
    df = pd.DataFrame({"i": [1, 1, 2, 3, 4, 5, 6, 7], "c": list("abacdaeb")})
    dist = Q.stopping_by_order(df, "i", "c", np.random.default_rng(5), n_orderings=4, run_length=2)
    rng = np.random.default_rng(5)
    units = list(dict.fromkeys(df["i"]))
    for k in range(4):
        order = [units[j] for j in rng.permutation(len(units))]
        curve = Q.saturation_curve(df.assign(pos=df["i"].map({u: p for p, u in enumerate(order)})), "i", "c",
                                   order="pos", run_length=2)
        stop = Q.stopping_point(curve)
        assert (dist.at[k, "stop_position"] if stop else None) == (stop if stop else None) or np.isnan(
            dist.at[k, "stop_position"])


# --- Likert -----------------------------------------------------------------------------------------------

answers = st.lists(st.tuples(st.sampled_from(["s1", "s2", "s3"]), st.one_of(st.none(), st.integers(1, 5))),
                   min_size=1, max_size=60)


@FAST
@given(answers, st.sampled_from([None, 5]), st.randoms(use_true_random=False))
def test_likert_summary_equals_value_counts_and_ignores_row_order(rows, agree_from, rnd):
    df = pd.DataFrame(rows, columns=["item", "r"])
    out = Q.likert_summary(df, "item", "r", agree_from=agree_from).set_index("item")
    middle = "pct_neutral" if agree_from is None else "pct_between"
    top = 4 if agree_from is None else 5
    for item, row in out.iterrows():
        v = df.loc[df["item"] == item, "r"].dropna().astype(int)
        assert row["n"] == len(v) and row["n_missing"] == (df["item"] == item).sum() - len(v)
        if len(v):
            assert row["pct_agree"] == pytest.approx(100 * (v >= top).mean())
            lo, hi = proportion_confint(int((v >= top).sum()), len(v), method="wilson")
            assert (row["agree_ci_low"], row["agree_ci_high"]) == pytest.approx((100 * lo, 100 * hi))
            assert row["pct_disagree"] + row[middle] + row["pct_agree"] == pytest.approx(100)
            assert sum(row[f"pct_{k}"] for k in range(1, 6)) == pytest.approx(100)
    order = list(range(len(df)))
    rnd.shuffle(order)
    again = Q.likert_summary(df.iloc[order], "item", "r", agree_from=agree_from).set_index("item")
    pd.testing.assert_frame_equal(again.loc[out.index], out)


def test_likert_summary_by_hand_and_text_answers():
    df = pd.DataFrame({"item": ["s"] * 6, "r": [1, "2", 3.0, " 4", 5, ""]}, dtype=object)
    row = Q.likert_summary(df, "item", "r").iloc[0]
    assert (row["n"], row["n_missing"], row["pct_agree"], row["pct_neutral"], row["median"]) == (5, 1, 40, 20, 3)
    strict = Q.likert_summary(df, "item", "r", agree_from=5).iloc[0]
    assert (strict["pct_agree"], strict["pct_disagree"], strict["pct_between"]) == (20, 20, 60)


def test_regression_agree_from_at_the_midpoint_is_refused():
    # agree_from=3 on a 5-point scale counted the 3s as agree and disagree (120%)
    df = pd.DataFrame({"item": ["s"] * 3, "r": [1, 3, 5]})
    for bad in (3, 2.5, 6, True):
        with pytest.raises(ValueError, match="agree_from must be a whole number above the midpoint 3"):
            Q.likert_summary(df, "item", "r", agree_from=bad)


def test_regression_a_missing_item_is_refused_not_dropped():
    df = pd.DataFrame({"item": ["s", None, "s"], "r": [1, 2, 3]})
    with pytest.raises(ValueError, match="column 'item' has 1 missing value.*row 1"):
        Q.likert_summary(df, "item", "r")


def test_regression_an_unused_category_adds_no_row_and_no_warning():
    df = pd.DataFrame({"item": pd.Categorical(["a", "a"], categories=["a", "b"]), "r": [4, 5]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = Q.likert_summary(df, "item", "r")
    assert out["item"].tolist() == ["a"]


def test_regression_messages_name_the_row_when_index_labels_repeat():
    df = pd.DataFrame({"item": ["s", "s", "s"], "r": [1, 2, 7]}, index=[0, 0, 0])
    with pytest.raises(ValueError, match=r"holds 7 in row 2 \(index 0\) \(item 's'\); answers must be numbers from 1 to 5"):
        Q.likert_summary(df, "item", "r")


def test_a_respondent_answering_twice_is_refused():
    df = pd.DataFrame({"who": [1, 2, 2], "item": ["s", "s", "s"], "r": [1, 2, 3]})
    assert Q.likert_summary(df, "item", "r")["n"].tolist() == [3]
    with pytest.raises(ValueError, match="respondent 2 answers item 's' twice \\(again in row 2\\)"):
        Q.likert_summary(df, "item", "r", respondent="who")


# --- framework --------------------------------------------------------------------------------------------

FW = pd.DataFrame({"case": ["FG1", "FG1", "I01", "I01"], "theme": ["t1", "t2", "t1", "t2"],
                   "summary": ["fine", "", "worse", "better"], "discussed": [1, 0, 1, 1]})


def test_framework_matrix_charts_cases_by_themes():
    m = Q.framework_matrix(FW, "case", "theme", "summary", discussed="discussed")
    assert m.to_dict() == {"t1": {"FG1": "fine", "I01": "worse"}, "t2": {"FG1": "-", "I01": "better"}}
    as_bool = FW.assign(discussed=FW["discussed"].astype(bool))
    assert Q.framework_matrix(as_bool, "case", "theme", "summary", discussed="discussed").equals(m)


@pytest.mark.parametrize("change, message", [
    ({"discussed": [1, 0, np.nan, 1]}, "must hold 0 or 1 \\(or True/False\\); found nan in row 2"),
    ({"discussed": ["yes", "no", "yes", "yes"]}, "must hold 0 or 1 \\(or True/False\\); found 'yes' in row 0"),
    ({"discussed": [1, 0, 2, 1]}, "must hold 0 or 1 \\(or True/False\\); found 2 in row 2"),
    ({"summary": ["fine", "", "", "better"]}, "case 'I01', theme 't1' is marked as discussed but has no summary"),
    ({"case": ["FG1", None, "I01", "I01"]}, "column 'case' has 1 missing value"),
    ({"theme": ["t1", "t1", "t1", "t2"]}, "case 'FG1' has more than one row for theme 't1' \\(row 1\\)"),
])
def test_regression_framework_input_is_validated(change, message):
    with pytest.raises(ValueError, match=message):
        Q.framework_matrix(FW.assign(**change), "case", "theme", "summary", discussed="discussed")


# --- refusals --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: Q.code_frequencies([1, 2], "c", "u"), ValueError, "must be a pandas DataFrame, not list"),
    (lambda: Q.code_frequencies(pd.DataFrame({"c": ["x"]}), "c", "u"), KeyError, r"no column\(s\) \['u'\]"),
    (lambda: Q.code_frequencies(pd.DataFrame({"u": [1, None], "c": ["x", "y"]}), "c", "u"), ValueError,
     "column 'u' has 1 missing value"),
    (lambda: Q.code_frequencies(pd.DataFrame({"u": [1, "1"], "c": ["x", "y"]}), "c", "u"), ValueError,
     "column 'u' mixes number and str"),
    (lambda: Q.code_frequencies(pd.DataFrame({"u": [1, 1], "g": ["a", "b"], "c": ["x", "y"]}), "c", "u", by="g"),
     ValueError, "unit 1 belongs to more than one 'g' group"),
    (lambda: Q.code_cooccurrence(pd.DataFrame({"u": [1], "c": ["x"]}), "c", "u", measure="lift"), ValueError,
     "measure must be 'count' or 'jaccard'"),
    # a segment with no unit would become a phantom unit; a missing order would be placed last
    (lambda: Q.saturation_curve(pd.DataFrame({"i": [1, None], "c": ["a", "b"]}), "i", "c"), ValueError,
     "column 'i' has 1 missing value"),
    (lambda: Q.saturation_curve(pd.DataFrame({"i": [1, 2], "c": ["a", "b"], "s": [1, None]}), "i", "c", order="s"),
     ValueError, "column 's' has 1 missing value"),
    (lambda: Q.saturation_curve(pd.DataFrame({"i": [1, 2], "c": ["a", "b"], "s": [1, 1]}), "i", "c", order="s"),
     ValueError, "'s' value 1 is shared by more than one unit"),
    (lambda: Q.saturation_curve(pd.DataFrame({"i": [1, 2], "c": ["a", "b"]}), "i", "c", run_length=0), ValueError,
     "run_length must be a whole number of at least 1"),
    (lambda: Q.saturation_curve(pd.DataFrame({"i": [1, 2], "c": ["a", "b"]}), "i", "c", initial_sample=-1),
     ValueError, "initial_sample must be a whole number of at least 0"),
    (lambda: Q.stopping_by_order(pd.DataFrame({"i": [1, 2], "c": ["a", "b"]}), "i", "c", rng=3), ValueError,
     "rng must be a numpy.random.Generator"),
    (lambda: Q.likert_summary(pd.DataFrame({"i": ["s"], "r": ["agree"]}), "i", "r"), ValueError,
     "column 'r' holds 1 value\\(s\\) that are not numbers, first 'agree' in row 0"),
    (lambda: Q.likert_summary(pd.DataFrame({"i": ["s", "s"], "r": [1, 2.5]}), "i", "r"), ValueError,
     "holds 2.5 in row 1 \\(item 's'\\); answers must be whole numbers"),
    (lambda: Q.likert_summary(pd.DataFrame({"i": ["s"], "r": [1]}), "i", "r", levels=1), ValueError,
     "levels must be a whole number of at least 2"),
])
def test_bad_input_is_refused_naming_the_culprit(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- keys, codes and flags refused by name ------------------------------------------------------------------

def test_stopping_point_refuses_a_stop_column_that_is_not_true_false():
    curve = Q.saturation_curve(pd.DataFrame({"unit": list("abcdef"), "code": [1, 2, 1, 1, 1, 1]}), "unit", "code",
                               run_length=2)
    assert Q.stopping_point(curve) == 4 and Q.stopping_point(curve.assign(stop=curve.stop.astype(int))) == 4
    with pytest.raises(ValueError, match=r"column 'stop' has 6 missing value\(s\), first in row 0"):
        Q.stopping_point(curve.assign(stop=np.nan))
    with pytest.raises(ValueError, match=r"column 'stop' holds 6 value\(s\) that are not numbers, first 'no' in row 0"):
        Q.stopping_point(curve.assign(stop="no"))
    with pytest.raises(ValueError, match=r"column 'stop' must hold True/False \(or 0/1\); found 2"):
        Q.stopping_point(curve.assign(stop=2))


def test_blank_keys_infinite_and_mixed_codes_are_refused():
    seg = pd.DataFrame({"unit": ["u1", "u1", "", "u2"], "code": ["a", "b", "a", "c"]})
    with pytest.raises(ValueError, match=r"column 'unit' has 1 blank value\(s\), first in row 2"):
        Q.saturation_curve(seg, "unit", "code")
    with pytest.raises(ValueError, match=r"column 'item' has 1 blank value\(s\), first in row 1"):
        Q.likert_summary(pd.DataFrame({"item": ["i1", "  ", "i1"], "resp": [1, 2, 3]}), "item", "resp")
    with pytest.raises(ValueError, match=r"column 'code' mixes numeric codes \('1'\) with text codes \('b'\)"):
        Q.code_frequencies(seg.assign(unit=["u1", "u1", "u3", "u2"], code=[1, "b", 1, 2]), "code", "unit")
    with pytest.raises(ValueError, match=r"column 'code' holds an infinite code \(inf\) in row 1"):
        Q.saturation_curve(seg.assign(unit=["u1", "u1", "u3", "u2"], code=[1, np.inf, 2, 3]), "unit", "code")


def test_framework_matrix_refuses_a_list_for_one_column_and_an_infinite_flag():
    fw = pd.DataFrame({"case": ["c1", "c1", "c2", "c2"], "theme": ["t1", "t2", "t1", "t2"], "text": list("abcd"),
                       "disc": [1, 0, 1, 1]})
    with pytest.raises(ValueError, match=r"case must be one column name, not \['case'\]"):
        Q.framework_matrix(fw, ["case"], "theme", "text")
    with pytest.raises(ValueError, match=r"column 'disc' must hold 0 or 1 \(or True/False\); found inf in row 1"):
        Q.framework_matrix(fw.assign(disc=[1, np.inf, 1, 1]), "case", "theme", "text", "disc")
