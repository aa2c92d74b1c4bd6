"""book.methods.agreement against independent computations (scikit-learn, statsmodels, Krippendorff's
published worked examples, a hand-written pairwise alpha), its invariances, and its refusals."""
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, assume, strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa, fleiss_kappa as sm_fleiss_kappa

from book.methods import agreement as A

FAST = settings(derandomize=True, deadline=None, max_examples=60)

#: Krippendorff (2011), example C: 4 observers x 12 units, nominal, missing values; published alpha 0.743.
KRIPPENDORFF_2011_C = pd.DataFrame({
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    "C": [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan]})

pairs = st.integers(2, 60).flatmap(lambda n: st.tuples(st.lists(st.integers(0, 4), min_size=n, max_size=n),
                                                       st.lists(st.integers(0, 4), min_size=n, max_size=n)))


def _sklearn(a, b, **kw):
    with warnings.catch_warnings():  # sklearn warns where kappa is undefined; those draws are skipped
        warnings.simplefilter("ignore")
        return cohen_kappa_score(a, b, **kw)


def _pairwise_alpha(frame: pd.DataFrame) -> float:
    """Nominal alpha from its definition over pairs of values within units (Hayes and Krippendorff 2007),
    written without the coincidence matrix."""
    units = [[v for v in row if not pd.isna(v)] for row in frame.to_numpy(dtype=object)]
    units = [u for u in units if len(u) >= 2]
    values = [v for u in units for v in u]
    n = len(values)
    d_o = sum(sum(1 for i, x in enumerate(u) for j, y in enumerate(u) if i != j and x != y) / (len(u) - 1)
              for u in units) / n
    d_e = sum(1 for i, x in enumerate(values) for j, y in enumerate(values) if i != j and x != y) / (n * (n - 1))
    return 1 - d_o / d_e


# --- equal to independent computations --------------------------------------------------------------------

@FAST
@given(pairs)
def test_kappa_equals_scikit_learn_and_its_interval_statsmodels(ab):
    a, b = ab
    assume(len(set(a) | set(b)) > 1)
    out = A.cohen_kappa(pd.DataFrame({"a": a, "b": b}), "a", "b").iloc[0]
    assert out["kappa"] == pytest.approx(_sklearn(a, b), abs=1e-12)
    cats = sorted(set(a) | set(b))
    table = pd.crosstab(pd.Categorical(a, cats), pd.Categorical(b, cats), dropna=False).to_numpy()
    with warnings.catch_warnings():  # statsmodels takes the root of a variance that rounds below 0
        warnings.simplefilter("ignore")
        sm = sm_cohens_kappa(table)
    if np.isnan(sm.std_kappa):  # perfect agreement: a variance of 0 that rounding made negative
        assert out["se"] == pytest.approx(0, abs=1e-7)
        return
    assert out["se"] == pytest.approx(sm.std_kappa, abs=1e-12)
    assert out["ci_low"] == pytest.approx(max(-1, sm.kappa_low), abs=1e-12)
    assert out["ci_high"] == pytest.approx(min(1, sm.kappa_upp), abs=1e-12)


@FAST
@given(pairs)
def test_kappa_per_code_equals_scikit_learn_on_each_codes_indicators(ab):
    a, b = ab
    table = A.cohen_kappa_by_code(pd.DataFrame({"a": a, "b": b}), "a", "b").set_index("code")
    for code in sorted(set(a) | set(b)):
        ya, yb = [x == code for x in a], [x == code for x in b]
        if len(set(ya) | set(yb)) > 1:
            assert table.at[str(code), "kappa"] == pytest.approx(_sklearn(ya, yb), abs=1e-12)
    assert table.at[A.ALL_CODES, "n_both"] == sum(x == y for x, y in zip(a, b))


@FAST
@given(pairs, st.randoms(use_true_random=False))
def test_kappa_ignores_row_order_and_how_codes_are_typed(ab, rnd):
    a, b = ab
    frame = pd.DataFrame({"a": a, "b": b})
    base = A.cohen_kappa_by_code(frame, "a", "b")
    order = list(range(len(a)))
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(A.cohen_kappa_by_code(frame.iloc[order], "a", "b"), base)
    typed = pd.DataFrame({"a": [float(x) for x in a], "b": [f" {x} " for x in b]}, dtype=object)
    pd.testing.assert_frame_equal(A.cohen_kappa_by_code(typed, "a", "b"), base)


@FAST
@given(st.integers(3, 25).flatmap(lambda n: st.lists(
    st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=3, max_size=3), min_size=n, max_size=n)))
def test_alpha_equals_the_pairwise_definition_and_ignores_order(rows):
    frame = pd.DataFrame(rows, columns=["x", "y", "z"], dtype=object)
    pairable = [[v for v in r if v is not None] for r in rows]
    values = [v for r in pairable if len(r) >= 2 for v in r]
    assume(len(set(values)) >= 2)
    out = A.krippendorff_alpha(frame, ["x", "y", "z"])
    assert out.at[0, "alpha"] == pytest.approx(_pairwise_alpha(frame), abs=1e-12)
    pd.testing.assert_frame_equal(A.krippendorff_alpha(frame.iloc[::-1], ["z", "x", "y"]), out)


def test_alpha_reproduces_krippendorffs_worked_examples():
    out = A.krippendorff_alpha(KRIPPENDORFF_2011_C, list("ABCD")).iloc[0]
    assert round(out["alpha"], 3) == 0.743
    assert out["n_units_excluded"] == 1 and out["n_values_pairable"] == 40
    # example A: two observers, ten units, binary; published alpha 0.095 = 1 - 19 * 4 / (14 * 6) by hand
    ex = pd.DataFrame({"a": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0], "b": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]})
    alpha = A.krippendorff_alpha(ex, ["a", "b"]).at[0, "alpha"]
    assert round(alpha, 3) == 0.095 and alpha == pytest.approx(1 - 19 * 4 / (14 * 6))


def test_kappa_hand_worked_two_by_two():
    # 50 segments: both yes 20, A only 5, B only 10, neither 15 -> p_o 0.70, p_e 0.50, kappa 0.40;
    # Fleiss, Cohen and Everitt's SE 0.1270 (the value statsmodels prints for this table)
    a = ["x"] * 25 + ["y"] * 25
    b = ["x"] * 20 + ["y"] * 5 + ["x"] * 10 + ["y"] * 15
    row = A.cohen_kappa_by_code(pd.DataFrame({"a": a, "b": b}), "a", "b").set_index("code").loc["x"]
    assert (row["p_observed"], row["p_expected"], row["kappa"]) == pytest.approx((0.70, 0.50, 0.40))
    assert round(row["se"], 4) == 0.1270 and (round(row["ci_low"], 4), round(row["ci_high"], 4)) == (0.1511, 0.6489)


@FAST
@given(st.integers(2, 6).flatmap(lambda r: st.lists(st.integers(0, r), min_size=2, max_size=30).map(
    lambda yes: (r, yes))))
def test_fleiss_kappa_equals_statsmodels(ryes):
    raters, yes = ryes
    table = np.c_[yes, raters - np.array(yes)]
    assume(table.sum(axis=0).min() > 0)
    assert A.fleiss_kappa(table) == pytest.approx(sm_fleiss_kappa(table, method="fleiss"), abs=1e-12)


@FAST
@given(st.integers(2, 40).flatmap(lambda n: st.tuples(st.lists(st.integers(1, 5), min_size=n, max_size=n),
                                                       st.lists(st.integers(1, 5), min_size=n, max_size=n))))
def test_weighted_kappa_equals_scikit_learn(ab):
    a, b = ab
    assume(len(set(a)) > 1 or len(set(b)) > 1)
    expected = _sklearn(a, b, weights="quadratic", labels=[1, 2, 3, 4, 5])
    assume(np.isfinite(expected))
    assert A.weighted_kappa(a, b) == pytest.approx(expected, abs=1e-12)
    assert A.weighted_kappa([str(x) for x in a], [float(x) for x in b]) == pytest.approx(expected, abs=1e-12)


# --- several codes per segment ----------------------------------------------------------------------------

def test_presence_kappa_equals_kappa_on_each_codes_indicators():
    long = pd.DataFrame({"seg": [1, 1, 1, 2, 2, 3, 3, 4, 4, 5],
                         "code": ["x", "y", "x", "y", "y", "x", None, "z", "z", "x"],
                         "coder": ["A", "A", "B", "A", "B", "A", "B", "A", "B", "A"]})
    out = A.cohen_kappa_presence(long, "seg", "code", "coder").set_index("code")
    # units 1-4 read by both; x: A on 1, 3; B on 1
    assert out.loc["x", ["n_segments", "n_a", "n_b", "n_both"]].tolist() == [4, 2, 1, 1]
    assert out.at["x", "kappa"] == pytest.approx(_sklearn([1, 0, 1, 0], [1, 0, 0, 0]))
    assert out.attrs["n_excluded"] == 1 and out.attrs["excluded"] == {"unit read by one coder only": [9]}


# --- what is left out is counted ----------------------------------------------------------------------------

def test_blank_and_missing_codes_are_left_out_and_counted():
    df = pd.DataFrame({"a": [1, 2, 2, 3, 1, np.nan, 2], "b": [1, 2, 3, 3, 1, 2, " "]})
    out = A.cohen_kappa(df, "a", "b")
    assert out.at[0, "kappa"] == pytest.approx(_sklearn([1, 2, 2, 3, 1], [1, 2, 3, 3, 1]))
    assert out.attrs == {"n_excluded": 2, "excluded": {"not coded by both coders": [5, 6]}}
    alpha = A.krippendorff_alpha(df, ["a", "b"])
    assert alpha.at[0, "n_units_excluded"] == 2 and alpha.attrs["n_excluded"] == 2


# --- regressions: the defects of the bad-input review ---------------------------------------------------------

def test_regression_integer_and_float_codes_agree():
    # a numeric column with one blank is float: 1.0 must still agree with 1 (kappa was 0.00)
    df = pd.DataFrame({"a": [1, 2, 2, 3, 1, np.nan], "b": [1, 2, 3, 3, 1, 2]})
    out = A.cohen_kappa_by_code(df, "a", "b").set_index("code")
    assert out.at[A.ALL_CODES, "kappa"] == pytest.approx(_sklearn([1, 2, 2, 3, 1], [1, 2, 3, 3, 1]))
    assert list(out.index[:-1]) == ["1", "2", "3"]


def test_regression_text_and_number_codes_are_one_category_in_alpha():
    # '1' and 1 were two categories (alpha 0.29 instead of 0.74)
    mixed = pd.DataFrame({"a": [1, 2, "2", 3, 1], "b": ["1", 2.0, 3, 3, " 1"]}, dtype=object)
    ints = pd.DataFrame({"a": [1, 2, 2, 3, 1], "b": [1, 2, 3, 3, 1]})
    assert A.krippendorff_alpha(mixed, ["a", "b"]).equals(A.krippendorff_alpha(ints, ["a", "b"]))


def test_regression_a_bare_string_of_coders_is_one_name_not_letters():
    with pytest.raises(ValueError, match=r"need at least two distinct coder columns; got \['ana'\]"):
        A.krippendorff_alpha(pd.DataFrame({"ana": [1, 2]}), "ana")


@pytest.mark.parametrize("call, error, message", [
    (lambda: A.cohen_kappa({"a": [1]}, "a", "b"), ValueError, "data must be a pandas DataFrame, not dict"),
    (lambda: A.cohen_kappa(pd.DataFrame({"a": [1, 2]}), "a", "b"), KeyError, r"no column\(s\) \['b'\]"),
    (lambda: A.cohen_kappa(pd.DataFrame({"a": [1, 2]}), "a", "a"), ValueError, "given for two different roles"),
    (lambda: A.cohen_kappa(pd.DataFrame({"a": [1, 2], "b": [1, 2]}), "a", "b", level=95), ValueError,
     r"level must be a number strictly between 0 and 1, not 95 \(write 0.95"),
    (lambda: A.cohen_kappa(pd.DataFrame({"a": ["x", ""], "b": ["x", "y"]}), "a", "b"), ValueError,
     "need at least 2 segments coded by both 'a' and 'b'; found 1"),
    (lambda: A.cohen_kappa(pd.DataFrame({"a": [1, "goals"], "b": [1, 2]}), "a", "b"), ValueError,
     "column 'a' mixes numeric codes \\('1'\\) with text codes \\('goals'\\)"),
    (lambda: A.cohen_kappa(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), "a", "b"), ValueError,
     "column 'a' holds numeric codes .* but column 'b' holds text codes"),
    (lambda: A.cohen_kappa_by_code(pd.DataFrame({"a": ["x", "y"], "b": ["x", "yy"]}), "a", "b", codes=["x", "y"]),
     ValueError, r"code\(s\) \['yy'\] used by the coders are not in `codes`"),
    (lambda: A.krippendorff_alpha(KRIPPENDORFF_2011_C, ["A", "E"]), KeyError, r"no column\(s\) \['E'\]"),
    (lambda: A.krippendorff_alpha(KRIPPENDORFF_2011_C, ["A", "A"]), ValueError, "names column 'A' more than once"),
    (lambda: A.krippendorff_alpha(KRIPPENDORFF_2011_C, ["A", "B"], level="ordinal"), ValueError,
     "only level='nominal'"),
    (lambda: A.krippendorff_alpha(pd.DataFrame({"a": [1, np.nan], "b": [np.nan, 2]}), ["a", "b"]), ValueError,
     "no unit has values from two or more coders"),
    (lambda: A.krippendorff_alpha(pd.DataFrame({"a": [1, 1], "b": [1, 1]}), ["a", "b"]), ValueError,
     "alpha is undefined"),
    (lambda: A.krippendorff_alpha(pd.DataFrame([[1, 2, 2]], columns=["a", "b", "b"]), ["a", "b"]), ValueError,
     "two columns named 'b'"),
    (lambda: A.cohen_kappa_presence(pd.DataFrame({"u": [1, 1, 2], "c": ["x", "x", "y"], "r": ["A", "B", "C"]}),
                                    "u", "c", "r"), ValueError, "names 3 coders"),
    (lambda: A.cohen_kappa_presence(pd.DataFrame({"u": [1, None], "c": ["x", "x"], "r": ["A", "B"]}), "u", "c", "r"),
     ValueError, "unit column 'u' has 1 missing value"),
    (lambda: A.fleiss_kappa([[1, 1], [1.5, 0.5]]), ValueError, "whole numbers of at least 0; found 1.5 at subject 1"),
    (lambda: A.fleiss_kappa([[1, 1], [np.nan, 2]]), ValueError, "missing or infinite value at subject 1"),
    (lambda: A.fleiss_kappa([[1, 1], [2, 1]]), ValueError, "subject 1 has 3.0, subject 0 has 2.0"),
    (lambda: A.weighted_kappa([1, 2, np.nan], [1, 2, 3]), ValueError, "ratings a have a missing value at position 2"),
    (lambda: A.weighted_kappa([1, 2, 7], [1, 2, 3]), ValueError, r"rating\(s\) \[7\] are not among the categories"),
])
def test_bad_input_is_refused_naming_the_culprit(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- malformed arguments refused by name ------------------------------------------------------------------

def test_weighted_kappa_refuses_repeated_and_malformed_categories_and_is_nan_without_warning():
    a, b = [1, 2, 3, 4, 5, 3, 2, 4], [1, 2, 4, 4, 5, 3, 1, 5]
    with pytest.raises(ValueError, match=r"categories lists the level 5 more than once"):
        A.weighted_kappa(a, b, categories=(1, 2, 3, 4, 5, 5))
    with pytest.raises(ValueError, match=r"categories lists the level 5 more than once"):
        A.weighted_kappa(a, b, categories=(1, 2, 3, 4, 5, 5.0))
    with pytest.raises(TypeError, match=r"categories must list the ordered rating levels.*not 95"):
        A.weighted_kappa(a, b, categories=95)
    with pytest.raises(TypeError, match=r"ratings a must be a list, array or Series of ratings, not dict"):
        A.weighted_kappa({"x": 1}, b)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(A.weighted_kappa([3] * 8, [3] * 8))  # chance agreement total: undefined
    assert A.weighted_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b, weights="quadratic"))


@pytest.mark.parametrize("counts, error, match", [
    ({"a": [1, 2]}, TypeError, r"counts must be a subjects x categories table .* not dict"),
    ("abc", TypeError, r"counts must be a subjects x categories table .* not str"),
    ([[1, 2], [2]], ValueError, r"counts is ragged: subject 1 has 1 categories, subject 0 has 2"),
    ([[1, 2], [2, "abc"]], ValueError, r"counts holds 'abc' at subject 1, category 1"),
    (pd.DataFrame({"x": [1, "abc"], "y": [2, 1]}), ValueError, r"counts holds 'abc' at subject 1, category 0"),
])
def test_fleiss_kappa_refuses_what_is_not_a_table_by_name(counts, error, match):
    with pytest.raises(error, match=match):
        A.fleiss_kappa(counts)


def test_an_infinite_code_is_refused_by_column_value_and_row():
    df = pd.DataFrame({"a": [1, 2, np.inf, 1], "b": [1, 2, 2, 1]})
    with pytest.raises(ValueError, match=r"column 'a' holds an infinite code \(inf\) in row 2"):
        A.cohen_kappa_by_code(df, "a", "b")
    with pytest.raises(ValueError, match=r"column 'a' holds an infinite code \('inf'\) in row 2"):
        A.krippendorff_alpha(df.assign(a=["1", "2", "inf", "1"]), ["a", "b"])
