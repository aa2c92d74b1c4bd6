"""book.methods.relative_importance against brute-force regressions (statsmodels), its invariances, the
bootstrap (rows or clusters) and its summaries, and its refusals (the bad-input review's dominance_analysis
and relative_weights cases: constants, duplicates, infinity, bare strings, non-frames)."""
from itertools import combinations, permutations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings, strategies as st

from book.methods import relative_importance as ri

FAST = settings(derandomize=True, deadline=None, max_examples=25)


def _data(n=200, seed=7, p=4):
    rng = np.random.default_rng(seed)
    x = rng.multivariate_normal(np.zeros(p), 0.4 + 0.6 * np.eye(p), size=n)
    y = x @ np.r_[0.5, 0.3, 0.1, np.zeros(max(p - 3, 0))][:p] + rng.normal(size=n)
    cols = list("abcdefgh"[:p])
    return pd.DataFrame(np.c_[y, x], columns=["y", *cols]), cols


def _r2(df, cols):
    return sm.OLS(df["y"], sm.add_constant(df[list(cols)])).fit().rsquared if cols else 0.0


@FAST
@given(st.integers(0, 10_000), st.integers(2, 4))
def test_general_dominance_is_the_shapley_value_of_r2(seed, p):
    df, preds = _data(60, seed, p)
    expected = dict.fromkeys(preds, 0.0)
    orders = list(permutations(preds))
    for order in orders:
        for i, name in enumerate(order):
            expected[name] += (_r2(df, order[: i + 1]) - _r2(df, order[:i])) / len(orders)
    got = ri.dominance_analysis(df, "y", preds)
    assert got.set_index("predictor")["general_dominance"].to_dict() == pytest.approx(expected)
    assert got.attrs["r2"] == pytest.approx(_r2(df, preds))
    # a permutation of rows changes nothing
    again = ri.dominance_analysis(df.sample(frac=1, random_state=seed), "y", preds)
    assert again["general_dominance"].to_numpy() == pytest.approx(got["general_dominance"].to_numpy())


def test_conditional_dominance_by_subset_size_and_pairs():
    df, preds = _data()
    cond = ri.conditional_dominance(df, "y", preds)
    for p in preds:
        others = [q for q in preds if q != p]
        for k in range(len(preds)):
            hand = np.mean([_r2(df, [*s, p]) - _r2(df, s) for s in combinations(others, k)])
            got = cond[(cond["predictor"] == p) & (cond["subset_size"] == k)]["mean_gain"].iloc[0]
            assert got == pytest.approx(hand)
    pairs = ri.dominance_pairs(df, "y", preds).set_index(["predictor_a", "predictor_b"])
    # complete dominance of a over d, by hand: a adds more than d to every subset of b and c
    ab = all(_r2(df, [*s, "a"]) - _r2(df, s) > _r2(df, [*s, "d"]) - _r2(df, s) for k in range(3)
             for s in combinations(["b", "c"], k))
    assert pairs.loc[("a", "d"), "complete"] == ab
    assert (pairs["complete"] <= pairs["conditional"]).all() and (pairs["conditional"] <= pairs["general"]).all()


def test_relative_weights_sum_to_r2_and_equal_squared_correlations_when_orthogonal():
    df, preds = _data()
    assert ri.relative_weights(df, "y", preds)["raw_weight"].sum() == pytest.approx(_r2(df, preds))
    rng = np.random.default_rng(2)
    x = np.linalg.qr(rng.normal(size=(50, 3)) - rng.normal(size=(50, 3)).mean(axis=0))[0]
    x = np.linalg.qr(x - x.mean(axis=0))[0]
    od = pd.DataFrame(np.c_[x @ [3.0, 2.0, 1.0] + rng.normal(size=50), x], columns=["y", "p", "q", "r"])
    r2 = od.corr().loc[["p", "q", "r"], "y"].to_numpy() ** 2
    assert ri.relative_weights(od, "y", ["p", "q", "r"])["raw_weight"].to_numpy() == pytest.approx(r2, abs=1e-8)
    assert ri.dominance_analysis(od, "y", ["p", "q", "r"])["general_dominance"].to_numpy() == pytest.approx(r2, abs=1e-8)


def test_from_covariance_equals_data_version_and_ties_share_a_rank():
    df, preds = _data()
    assert ri.dominance_from_covariance(df.cov(), "y", preds)["general_dominance"].to_numpy() == pytest.approx(
        ri.dominance_analysis(df, "y", preds)["general_dominance"].to_numpy())
    corr = pd.DataFrame([[1, 0.3, 0.3, 0.1], [0.3, 1, 0.2, 0.1], [0.3, 0.2, 1, 0.1], [0.1, 0.1, 0.1, 1]],
                        index=list("yabc"), columns=list("yabc"))
    for t in (ri.dominance_from_covariance(corr, "y", ["a", "b", "c"]),
              ri.relative_weights_from_covariance(corr, "y", ["c", "b", "a"])):
        assert t.set_index("predictor")["rank"].to_dict() == {"a": 1, "b": 1, "c": 3}


# --- the bootstrap ---------------------------------------------------------------------------------------------
def test_bootstrap_is_seeded_and_keeps_the_row_resampling_of_earlier_versions():
    df, preds = _data()
    a = ri.bootstrap_dominance(df, "y", preds, np.random.default_rng(1), n_boot=100)
    b = ri.bootstrap_dominance(df, "y", preds, np.random.default_rng(1), n_boot=100)
    pd.testing.assert_frame_equal(a, b)
    # the same resamples as drawing rng.integers(0, n, n) once per replicate
    rng = np.random.default_rng(1)
    x = df[["y", *preds]].to_numpy()
    first = ri.general_dominance_weights(np.corrcoef(x[rng.integers(0, len(x), len(x))], rowvar=False))
    assert a.attrs["draws"].iloc[0].to_numpy() == pytest.approx(first)
    assert list(a.columns) == ["predictor", "general_dominance", "ci_low", "ci_high"]


def test_cluster_bootstrap_resamples_whole_clusters():
    df, preds = _data(120)
    df["trust"] = np.repeat([f"T{i}" for i in range(12)], 10)
    out = ri.bootstrap_relative_weights(df, "y", preds, np.random.default_rng(3), n_boot=50, cluster="trust")
    assert out.attrs["resampled"] == "clusters of 'trust'" and out.attrs["n_boot"] == 50
    # by hand: the first resample is 12 trusts drawn with replacement, all their rows
    rng = np.random.default_rng(3)
    codes = pd.factorize(df["trust"], sort=True)[0]
    rows = np.concatenate([np.flatnonzero(codes == c) for c in rng.integers(0, 12, 12)])
    x = df[["y", *preds]].to_numpy()[rows]
    assert out.attrs["draws"].iloc[0].to_numpy() == pytest.approx(ri._relative_weights(np.corrcoef(x, rowvar=False)))
    with pytest.raises(ValueError, match="cluster column 'trust'.*missing"):
        ri.bootstrap_dominance(df.assign(trust=df["trust"].where(df.index != 5)), "y", preds,
                               np.random.default_rng(0), n_boot=10, cluster="trust")


def test_rank_table_and_weight_differences_from_the_draws():
    df, preds = _data()
    boot = ri.bootstrap_dominance(df, "y", preds, np.random.default_rng(5), n_boot=200)
    draws = boot.attrs["draws"]
    ranks = draws.rank(axis=1, ascending=False, method="min")
    table = ri.rank_table(boot).set_index("predictor")
    for p in preds:
        assert table.at[p, "p_rank_1"] == pytest.approx((ranks[p] == 1).mean())
    assert table[[f"p_rank_{r}" for r in range(1, 5)]].sum(axis=1).to_numpy() == pytest.approx(1.0)
    diffs = ri.weight_differences(boot).set_index(["predictor_a", "predictor_b"])
    d = draws["a"] - draws["b"]
    row = diffs.loc[("a", "b")]
    assert row["ci_low"] == pytest.approx(np.quantile(d, 0.025)) and row["ci_high"] == pytest.approx(np.quantile(d, 0.975))
    assert row["share_a_larger"] == pytest.approx((d > 0).mean())
    assert (diffs["difference"] >= 0).all()  # a is the larger estimate
    with pytest.raises(ValueError, match="result of bootstrap"):
        ri.rank_table(df)


def test_bootstrap_draws_are_each_resamples_weights_computed_alone():
    # the resamples' subset regressions are solved together; each draw must be that resample's own weights
    df, preds = _data(n=60, p=5)
    boot = ri.bootstrap_dominance(df, "y", preds, np.random.default_rng(3), n_boot=300)
    rng, x = np.random.default_rng(3), df[["y", *preds]].to_numpy()
    alone = np.array([ri.general_dominance_weights(np.corrcoef(x[rng.integers(0, 60, 60)], rowvar=False))
                      for _ in range(300)])
    np.testing.assert_array_equal(boot.attrs["draws"].to_numpy(), alone)
    rel = ri.bootstrap_relative_weights(df, "y", preds, np.random.default_rng(3), n_boot=300)
    rng = np.random.default_rng(3)
    alone = np.array([ri.relative_weights(df.iloc[rng.integers(0, 60, 60)], "y", preds)["raw_weight"] for _ in range(300)])
    np.testing.assert_allclose(rel.attrs["draws"].to_numpy(), alone, rtol=1e-10)


# --- refusals (regressions of the review's defects) -------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, match", [
    ({"predictors": ["a", "zz"]}, KeyError, r"no column\(s\) \['zz'\]"),
    ({"predictors": ["a", "a"]}, ValueError, "more than once"),
    ({"predictors": ["y", "a"]}, ValueError, "also listed"),
    ({"predictors": []}, ValueError, "at least one"),
    ({"predictors": ["const"]}, ValueError, "distinct values.*every value is 3.9"),   # defect 1
    ({"predictors": ["a", "dup"]}, ValueError, r"\['dup'\] are exact combinations"),  # defect 21
])
def test_dominance_and_weights_refuse_bad_input_by_name(kwargs, error, match):
    df, _ = _data()
    df = df.assign(const=3.9, dup=df["a"])
    for f in (ri.dominance_analysis, ri.relative_weights):
        with pytest.raises(error, match=match):
            f(df, "y", **kwargs)


def test_infinity_text_bare_strings_and_non_frames():
    df, preds = _data()
    with pytest.raises(ValueError, match="'b' holds 1 infinite.*row 3"):  # defect 8
        ri.relative_weights(df.assign(b=df["b"].where(df.index != 3, np.inf)), "y", preds)
    bad = df.astype(object)
    bad.loc[3, "a"] = "n/a"
    with pytest.raises(ValueError, match="'a' holds 1 value.*'n/a' in row 3"):
        ri.dominance_analysis(bad, "y", preds)
    assert len(ri.dominance_analysis(df, "y", "a")) == 1  # a bare string is one predictor (defect 19)
    with pytest.raises(ValueError, match="DataFrame, not dict"):  # defect 18
        ri.dominance_analysis(df.to_dict(), "y", preds)
    wide = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 17)), columns=[f"x{i}" for i in range(17)])
    with pytest.raises(ValueError, match="limit is 15"):
        ri.dominance_analysis(wide, "x0", [f"x{i}" for i in range(1, 17)])
    with pytest.raises(ValueError, match="too few"):
        ri.bootstrap_dominance(df.head(4), "y", preds, np.random.default_rng(0))


def test_missing_rows_are_counted_and_nullable_numbers_accepted():
    df, preds = _data()
    holes = df.assign(a=df["a"].where(df.index % 10 != 0))
    out = ri.dominance_analysis(holes, "y", preds)
    assert out.attrs["n_excluded"] == 20 and out.attrs["n"] == 180
    assert ri.dominance_analysis(holes.astype({"a": "Float64"}), "y", preds)["general_dominance"].to_numpy() == \
        pytest.approx(out["general_dominance"].to_numpy())


def test_conditional_dominance_counts_the_rows_it_leaves_out():
    rng = np.random.default_rng(5)
    data = pd.DataFrame(rng.normal(size=(40, 3)), columns=["y", "a", "b"])
    data.loc[[3, 7], "a"] = np.nan
    out = ri.conditional_dominance(data, "y", ["a", "b"])
    assert out.attrs == {"n": 38, "n_excluded": 2}
