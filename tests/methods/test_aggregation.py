"""book.methods.aggregation against hand computations and statsmodels' Fleiss kappa, its invariances, and its
refusals (the bad-input review's scale_scores, rwg_j and membership_agreement cases)."""
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from book.methods import aggregation as agg

FAST = settings(derandomize=True, deadline=None, max_examples=40)


def _answers(n_groups, size, n_items, seed, options=5):
    rng = np.random.default_rng(seed)
    g = np.repeat([f"team {i}" for i in range(n_groups)], size)
    centre = rng.integers(1, options + 1, n_groups)
    x = np.clip(np.repeat(centre, size)[:, None] + rng.integers(-1, 2, (len(g), n_items)), 1, options)
    return pd.DataFrame(x, columns=[f"q{j}" for j in range(n_items)]).assign(team=g)


# --- r_wg(j) --------------------------------------------------------------------------------------------------
def _rwg_by_hand(frame, items, sigma2):
    out = {}
    for team, rows in frame.groupby("team"):
        s = np.mean([np.var(rows[i].to_numpy(float), ddof=1) for i in items]) / sigma2
        J = len(items)
        out[team] = 0.0 if s > 1 else J * (1 - s) / (J * (1 - s) + s)
    return out


@FAST
@given(st.tuples(st.integers(2, 8), st.integers(2, 6), st.integers(1, 5), st.integers(0, 10_000)),
       st.sampled_from(["uniform", "slightly skewed", "moderately skewed", "heavily skewed"]))
def test_rwg_j_equals_the_formula_by_hand_and_ignores_row_order(args, null):
    n, size, j, seed = args
    df = _answers(n, size, j, seed)
    items = [f"q{i}" for i in range(j)]
    out = agg.rwg_j(df, "team", items, n_options=5, null=null).set_index("group")["rwg_j"]
    assert out.to_dict() == pytest.approx(_rwg_by_hand(df, items, agg.null_variance(5, null)))
    shuffled = agg.rwg_j(df.sample(frac=1, random_state=seed), "team", items, 5, null=null).set_index("group")
    assert shuffled["rwg_j"].to_dict() == pytest.approx(out.to_dict())


def test_rwg_j_by_hand_with_truncation():
    # two items, 5 options (null variance 2); group A answers (4,4), (5,4), (4,5), (5,5): item variances 1/3, 1/3
    df = pd.DataFrame({"g": ["A"] * 4 + ["B"] * 3, "i1": [4, 5, 4, 5, 1, 5, 3], "i2": [4, 4, 5, 5, 3, 3, 4]})
    out = agg.rwg_j(df, "g", ["i1", "i2"], n_options=5).set_index("group")
    assert out.at["A", "rwg_j"] == pytest.approx(10 / 11)
    assert out.at["B", "rwg_j"] == 0  # more spread than chance: truncated
    raw = agg.rwg_j(df, "g", ["i1", "i2"], n_options=5, truncate=False).set_index("group")
    sb = (13 / 6) / 2
    assert raw.at["B", "rwg_j"] == pytest.approx(2 * (1 - sb) / (2 * (1 - sb) + sb))
    assert agg.rwg_j(df, "g", "i1", n_options=5).set_index("group").at["A", "rwg_j"] == pytest.approx(1 - (1 / 3) / 2)


def test_skewed_nulls_are_lebreton_and_senter_variances():
    # LeBreton & Senter (2008), Table 2, 5 options: 2.00 uniform, 1.34 slight, 0.90 moderate, 0.44 heavy skew
    assert [round(agg.null_variance(5, n), 2) for n in ("uniform", "slightly skewed", "moderately skewed",
                                                       "heavily skewed")] == [2.00, 1.34, 0.90, 0.44]
    assert agg.null_variance(7) == pytest.approx(4.0)
    assert agg.null_variance(3, [0.2, 0.3, 0.5]) == pytest.approx(0.2 + 1.2 + 4.5 - 2.3**2)
    # a lenient null lowers agreement: the same answers look less like agreement
    df = _answers(6, 5, 3, 1)
    uni = agg.rwg_j(df, "team", ["q0", "q1", "q2"], 5)["rwg_j"]
    skew = agg.rwg_j(df, "team", ["q0", "q1", "q2"], 5, null="slightly skewed")["rwg_j"]
    assert (skew <= uni + 1e-12).all()


def test_rwg_j_counts_what_it_leaves_out():
    df = pd.DataFrame({"g": ["A", "A", "A", "B", "B", "C"], "i": [4, 5, np.nan, 2, 3, 4]})
    out = agg.rwg_j(df, "g", ["i"], 5)
    assert list(out["group"]) == ["A", "B"]
    assert out.attrs["excluded"] == {"missing answer": 1, "group with fewer than two complete respondents": 1}
    assert out.attrs["n_excluded"] == 2 and out.attrs["n_excluded_groups"] == 1


@pytest.mark.parametrize("frame, kwargs, error, match", [
    ({"g": [1, 1], "i": [1, 7]}, {}, ValueError, "'i' has value 7.0 in row 1, outside"),
    ({"g": [1, 1], "i": [1, 2.5]}, {}, ValueError, "outside the whole numbers"),
    ({"g": [1, 1], "i": [1, 2]}, {"n_options": 1}, ValueError, "n_options"),
    ({"g": [1, 1], "i": [1, 2]}, {"n_options": None}, ValueError, "n_options"),
    ({"g": [1, None, 2], "i": [1, 2, 3]}, {}, ValueError, "group column 'g'.*missing.*row 1"),  # defect 6
    ({"g": [1, "1", 2], "i": [1, 2, 3]}, {}, ValueError, "mixes"),
    ({"g": [1, 1], "i": [1, np.inf]}, {}, ValueError, "infinite"),
    ({"g": [1, 1], "i": [1, 2]}, {"null": "skewed"}, ValueError, "null must be"),
    ({"g": [1, 1], "i": [1, 2]}, {"n_options": 7, "null": "slightly skewed"}, ValueError, "defined for 5"),
])
def test_rwg_j_refuses_bad_input_by_name(frame, kwargs, error, match):
    args = {"group": "g", "items": ["i"], "n_options": 5, **kwargs}
    with pytest.raises(error, match=match):
        agg.rwg_j(pd.DataFrame(frame), **args)


def test_rwg_j_bare_string_is_one_item_and_a_dict_is_refused():
    df = pd.DataFrame({"g": [1, 1, 2, 2], "q1": [4, 4, 2, 3]})
    assert len(agg.rwg_j(df, "g", "q1", 5)) == 2  # not split into 'q' and '1' (defect 19)
    with pytest.raises(ValueError, match="pandas DataFrame, not dict"):
        agg.rwg_j({"g": [1]}, "g", "q1", 5)


# --- scale scores and team means --------------------------------------------------------------------------
@FAST
@given(st.integers(0, 10_000), st.floats(0.05, 1.0))
def test_scale_scores_equal_a_hand_mean_over_enough_answers(seed, share):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, (30, 4)).astype(float)
    x[rng.random((30, 4)) < 0.3] = np.nan
    df = pd.DataFrame(x, columns=list("abcd"))
    out = agg.scale_scores(df, {"s": list("abcd")}, min_items=share if share < 1 else 1.0)
    need = int(np.ceil(share * 4 - 1e-9)) if share < 1 else 1
    expect = np.where((~np.isnan(x)).sum(axis=1) >= need, pd.DataFrame(x).mean(axis=1), np.nan)
    assert np.allclose(out["s"].to_numpy(), expect, equal_nan=True)
    assert out.attrs["excluded"]["s"] == int(np.isnan(expect).sum())


def test_scale_scores_min_items_as_a_count_and_refusals():
    df = pd.DataFrame({"a": [1, 2, np.nan], "b": [3, np.nan, np.nan], "c": [5, 4, 3]})
    two = agg.scale_scores(df, {"s": ["a", "b", "c"]}, min_items=2)  # defect 12: 2 items, not a share of 2
    assert two["s"].tolist()[:2] == [3.0, 3.0] and np.isnan(two["s"].iloc[2])
    assert two.attrs["n_excluded"] == 1
    with pytest.raises(ValueError, match="only 3"):
        agg.scale_scores(df, {"s": ["a", "b", "c"]}, min_items=4)
    with pytest.raises(ValueError, match="mapping"):
        agg.scale_scores(df, ["a", "b"])  # a list of items instead of {name: items} (defect 18)
    with pytest.raises(ValueError, match="whole"):
        agg.scale_scores(df, {"s": ["a", "b"]}, min_items=1.5)
    assert agg.scale_scores(df, {"s": "c"})["s"].tolist() == [5.0, 4.0, 3.0]  # a bare string is one item
    with pytest.raises(KeyError, match="'z'"):
        agg.scale_scores(df, {"s": ["a", "z"]})


def test_team_means_count_respondents_and_refuse_a_missing_team():
    scores = pd.DataFrame({"team": ["A", "A", "B", "B", "B"], "s": [1.0, 3.0, 2.0, np.nan, 4.0]})
    out = agg.team_means(scores, "team", ["s"]).set_index("team")
    assert out.loc["A"].tolist() == [2, 2.0] and out.loc["B"].tolist() == [3, 3.0]
    assert out.attrs["excluded"] == {"s": 1}
    with pytest.raises(ValueError, match="missing"):
        agg.team_means(scores.assign(team=["A", None, "B", "B", "B"]), "team", ["s"])
    cat = scores.assign(team=pd.Categorical(scores["team"], categories=["A", "B", "unused"]))
    assert agg.team_means(cat, "team", "s")["team"].tolist() == ["A", "B"]  # no empty row for an unused level


# --- membership agreement ------------------------------------------------------------------------------------------
def _by_hand(lists):
    raters = sorted(lists["rater"].unique())
    people = sorted(lists["person"].unique())
    t = np.array([[p in set(lists.loc[lists["rater"] == r, "person"]) for p in people] for r in raters])
    r = len(raters)
    yes, no = t.sum(axis=0), r - t.sum(axis=0)
    jac = np.mean([(t[a] & t[b]).sum() / (t[a] | t[b]).sum() for a, b in itertools.combinations(range(r), 2)])
    return {"n_raters": r, "n_listed": len(people), "jaccard": jac,
            "fleiss_kappa": np.nan if (no == 0).all() else sm_fleiss_kappa(np.c_[yes, no], method="fleiss"),
            "positive_agreement": (yes * (yes - 1)).sum() / (yes * (r - 1)).sum(),
            "negative_agreement": (no * (no - 1)).sum() / (no * (r - 1)).sum() if no.sum() else np.nan,
            "share_listed_by_all": (no == 0).mean()}


lists_strategy = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 4), st.integers(0, 7)), min_size=4, max_size=60,
                          unique=True)


@FAST
@given(lists_strategy)
def test_membership_agreement_equals_a_team_by_team_hand_computation(rows):
    lists = pd.DataFrame(rows, columns=["team", "rater", "person"])
    result = agg.membership_agreement(lists, "team", "rater", "person")
    out = result.set_index("group")
    for team, sub in lists.groupby("team"):
        if sub["rater"].nunique() < 2:
            assert team not in out.index
            continue
        hand = _by_hand(sub)
        for key, value in hand.items():
            assert out.at[team, key] == pytest.approx(value, nan_ok=True), key
    shuffled = agg.membership_agreement(lists.sample(frac=1, random_state=0), "team", "rater", "person")
    pd.testing.assert_frame_equal(shuffled, result)


def test_membership_agreement_two_raters_specific_agreement_and_negative_kappa():
    # ann lists {ann, bob, cat}, bob lists {bob, dee}: a = 1 both, b + c = 3 one only
    lists = pd.DataFrame({"team_id": ["w"] * 5, "rater_id": ["ann"] * 3 + ["bob"] * 2,
                          "person_id": ["ann", "bob", "cat", "bob", "dee"]})
    row = agg.membership_agreement(lists).iloc[0]
    assert row["positive_agreement"] == pytest.approx(2 * 1 / (2 * 1 + 3))  # 2a / (2a + b + c)
    assert row["negative_agreement"] == 0  # nobody both leave out: only people someone listed are rated
    assert row["fleiss_kappa"] < 0  # less agreement than chance, given how often each says "in"


def test_membership_reference_list_against_the_majority():
    lists = pd.DataFrame({"team": ["t"] * 9,
                          "rater": ["a", "a", "a", "b", "b", "c", "c", "lead", "lead"],
                          "person": ["p1", "p2", "p3", "p1", "p2", "p1", "p4", "p1", "p5"]})
    out = agg.membership_agreement(lists, "team", "rater", "person", reference="lead").iloc[0]
    # majority (listed by more than half of a, b, c): p1, p2; the leader lists p1, p5
    assert out["reference_jaccard"] == pytest.approx(1 / 3)
    assert out["majority_missing_from_reference"] == pytest.approx(1 / 2)
    assert out["reference_only"] == pytest.approx(1 / 2)
    assert out["n_raters"] == 3  # the reference does not join the members' agreement
    alone = agg.membership_agreement(lists[lists["rater"] != "lead"], "team", "rater", "person").iloc[0]
    assert out["jaccard"] == pytest.approx(alone["jaccard"]) and out["n_listed"] == alone["n_listed"]


@pytest.mark.parametrize("frame, match", [
    ({"team_id": [1, 1], "rater_id": ["a", "a"], "person_id": ["p", "p"]}, "duplicated"),
    ({"team_id": [1, None], "rater_id": ["a", "b"], "person_id": ["p", "p"]}, "missing"),
    ({"team_id": [1, "1"], "rater_id": ["a", "b"], "person_id": ["p", "p"]}, "mixes"),  # defect 22
])
def test_membership_agreement_refusals(frame, match):
    with pytest.raises(ValueError, match=match):
        agg.membership_agreement(pd.DataFrame(frame))
    with pytest.raises(ValueError, match="DataFrame"):
        agg.membership_agreement([("a", "b", "c")])
    with pytest.raises(KeyError, match="team_id"):
        agg.membership_agreement(pd.DataFrame({"team": [1]}))


def test_membership_reference_must_be_one_label_that_occurs():
    lists = pd.DataFrame({"team_id": [1] * 6, "rater_id": ["a", "a", "b", "b", "lead", "lead"],
                          "person_id": [1, 2, 1, 3, 2, 1]})
    with pytest.raises(ValueError, match=r"reference 'Lead' does not occur in column 'rater_id'; its raters include "
                                         r"\['a', 'b', 'lead'\]"):
        agg.membership_agreement(lists, reference="Lead")
    with pytest.raises(ValueError, match=r"reference must be one rater label .*, not \['a'\]"):
        agg.membership_agreement(lists, reference=["a"])
    assert bool(agg.membership_agreement(lists, reference="lead")["reference_listed"].iloc[0])
