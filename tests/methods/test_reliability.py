"""book.methods.reliability against pingouin's intraclass_corr and statsmodels' ANOVA, its invariances, and
its refusals (the bad-input review's icc_anova cases: constants, infinity, overflow, duplicates, non-frames)."""
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings, strategies as st
from scipy import stats

from book.methods import reliability as rel

FAST = settings(derandomize=True, deadline=None, max_examples=40)


def _pingouin(df, targets, raters, ratings):
    old = pg.options.get("round.column.CI95")
    pg.options["round.column.CI95"] = None  # pingouin rounds its intervals to 2 decimals by default
    try:
        return pg.intraclass_corr(df, targets=targets, raters=raters, ratings=ratings).set_index("Type")
    finally:
        pg.options["round.column.CI95"] = old


def _balanced(n_groups=12, k=4, seed=3, spread=1.0):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_groups), k)
    y = spread * rng.normal(size=n_groups)[g] + rng.normal(size=n_groups * k)
    return pd.DataFrame({"team": g, "rater": np.tile(np.arange(k), n_groups), "y": y})


balanced = st.tuples(st.integers(3, 15), st.integers(2, 6), st.integers(0, 10_000), st.floats(0.0, 2.0))


# --- equal to independent computations --------------------------------------------------------------------
@FAST
@given(balanced)
def test_icc_anova_equals_pingouin_with_its_interval(args):
    n, k, seed, spread = args
    df = _balanced(n, k, seed, spread)
    ours = rel.icc_anova(df, "team", "y").iloc[0]
    ref = _pingouin(df, "team", "rater", "y")
    assert ours["icc1"] == pytest.approx(ref.at["ICC(1,1)", "ICC"], abs=1e-10)
    assert ours["icc2"] == pytest.approx(ref.at["ICC(1,k)", "ICC"], abs=1e-10)
    assert [ours["icc1_ci_low"], ours["icc1_ci_high"]] == pytest.approx(list(ref.at["ICC(1,1)", "CI95"]), abs=1e-10)
    assert ours["F"] == pytest.approx(ref.at["ICC(1,1)", "F"]) and ours["k0"] == pytest.approx(k)


def test_icc_interval_at_another_level_is_shrout_and_fleiss():
    df = _balanced()
    out = rel.icc_anova(df, "team", "y", level=0.90).iloc[0]
    F, df1, df2 = out["F"], out["df1"], out["df2"]
    fl, fu = F / stats.f.ppf(0.95, df1, df2), F * stats.f.ppf(0.95, df2, df1)
    assert out["icc1_ci_low"] == pytest.approx((fl - 1) / (fl + 3))
    assert out["icc1_ci_high"] == pytest.approx((fu - 1) / (fu + 3))
    assert out["icc1_ci_low"] > rel.icc_anova(df, "team", "y").at[0, "icc1_ci_low"]


@FAST
@given(st.integers(0, 10_000))
def test_icc_mean_squares_equal_statsmodels_anova_on_unbalanced_data(seed):
    rng = np.random.default_rng(seed)
    df = _balanced(10, 6, seed).sample(frac=0.7, random_state=seed % 1000)
    df = df[df.groupby("team")["y"].transform("size") >= 2]
    ours = rel.icc_anova(df, "team", "y").iloc[0]
    aov = sm.stats.anova_lm(smf.ols("y ~ C(team)", data=df).fit())
    msb, msw = aov["mean_sq"].iloc[0], aov["mean_sq"].iloc[1]
    n = df.groupby("team").size().to_numpy()
    k0 = (n.sum() - (n**2).sum() / n.sum()) / (len(n) - 1)
    assert ours["ms_between"] == pytest.approx(msb) and ours["ms_within"] == pytest.approx(msw)
    assert ours["k0"] == pytest.approx(k0) == rel.adjusted_group_size(n)
    assert ours["icc1"] == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw))
    assert ours["p"] == pytest.approx(aov["PR(>F)"].iloc[0])
    del rng


@FAST
@given(st.tuples(st.integers(3, 20), st.integers(2, 5), st.integers(0, 10_000)))
def test_icc_absolute_agreement_equals_pingouin(args):
    n, k, seed = args
    rng = np.random.default_rng(seed)
    wide = pd.DataFrame(rng.normal(size=(n, 1)) + rng.normal(size=(1, k)) * 0.5 + rng.normal(size=(n, k)),
                        columns=[f"r{j}" for j in range(k)])
    ours = rel.icc_absolute_agreement(wide)
    long = wide.reset_index().melt(id_vars="index", var_name="rater", value_name="x")
    ref = _pingouin(long, "index", "rater", "x")
    assert ours["icc"] == pytest.approx(ref.at["ICC(A,1)", "ICC"], abs=1e-10)
    assert ours["icc_k"] == pytest.approx(ref.at["ICC(A,k)", "ICC"], abs=1e-10)
    assert [ours["ci_low"], ours["ci_high"]] == pytest.approx(list(ref.at["ICC(A,1)", "CI95"]), abs=1e-8)
    assert [ours["icc_k_ci_low"], ours["icc_k_ci_high"]] == pytest.approx(list(ref.at["ICC(A,k)", "CI95"]), abs=1e-8)


# --- invariances -------------------------------------------------------------------------------------------------
@FAST
@given(st.integers(0, 10_000), st.floats(-1e3, 1e3), st.floats(1e-3, 1e3))
def test_icc_ignores_row_order_and_affine_rescaling(seed, shift, scale):
    df = _balanced(8, 5, seed)
    base = rel.icc_anova(df, "team", "y").iloc[0]
    moved = rel.icc_anova(df.sample(frac=1, random_state=seed).assign(y=lambda d: shift + scale * d["y"]),
                          "team", "y").iloc[0]
    for col in ("icc1", "icc2", "icc1_ci_low", "icc1_ci_high", "F", "p"):
        assert moved[col] == pytest.approx(base[col], rel=1e-9, abs=1e-12)


def test_icc_group_labels_of_any_type_and_nullable_values():
    df = _balanced(6, 3)
    ref = rel.icc_anova(df, "team", "y").iloc[0]
    for team in (df["team"].astype(str), pd.Categorical(df["team"], categories=[*range(6), 99]),
                 df["team"].astype("Int64")):
        assert rel.icc_anova(df.assign(team=team), "team", "y").at[0, "icc1"] == pytest.approx(ref["icc1"])
    assert rel.icc_anova(df.assign(y=df["y"].astype("Float64")), "team", "y").at[0, "icc1"] == pytest.approx(ref["icc1"])


# --- exclusions and regressions of the bad-input review ------------------------------------------------------
def test_icc_excludes_and_counts_singletons_and_missing():
    df = pd.DataFrame({"g": [1, 1, 2, 2, 3, 4, 4], "y": [1.0, 2, 4, 5, 3, np.nan, 2]})
    out = rel.icc_anova(df, "g", "y")
    row = out.iloc[0]
    assert row["n_groups"] == 2 and row["n_obs"] == 4
    assert row["n_excluded_rows"] == 3 and row["n_excluded_groups"] == 2
    assert out.attrs["n_excluded"] == 3
    assert out.attrs["excluded"] == {"missing value": 1, "group with one respondent": 2}


def test_icc_constant_decimal_is_refused_not_a_confident_icc():
    # 3.9 everywhere has a float SD of about 1e-16, not 0: it must be judged by its distinct values
    with pytest.raises(ValueError, match="distinct values.*3.9"):
        rel.icc_anova(pd.DataFrame({"g": [1, 1, 2, 2, 3, 3], "y": [3.9] * 6}), "g", "y")


def test_icc_groups_constant_within_but_different_give_icc_one_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = rel.icc_anova(pd.DataFrame({"g": [1, 1, 2, 2], "y": [3.9, 3.9, 4.1, 4.1]}), "g", "y").iloc[0]
    assert out["icc1"] == 1 and out["ms_within"] == 0 and np.isinf(out["F"])


@pytest.mark.parametrize("values", [[2, 3, 4] * 4, [0.3, 0.1 + 0.2, 0.1 + 0.2] * 4])
def test_icc_equal_group_means_give_the_formula_floor_without_warnings(values):
    """Every team answering 2, 3, 4 (or 0.3 and 0.1 + 0.2, two floats apart) has MSB = 0: F = 0, p = 1,
    ICC(1) = -1/(k0 - 1), and ICC(2) = 1 - MSW/MSB is minus infinity, returned as NaN with a note."""
    import warnings

    from book.methods.multilevel import icc_interval

    df = pd.DataFrame({"g": np.repeat(list("abcd"), 3), "y": values})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = rel.icc_anova(df, "g", "y")
        ci = icc_interval(df, "y", "g").set_index("statistic")
    row = out.iloc[0]
    assert row["F"] == 0 and row["p"] == 1 and row["icc1"] == pytest.approx(-0.5) and np.isnan(row["icc2"])
    assert row["icc1_ci_low"] == row["icc1_ci_high"] == pytest.approx(-0.5)
    assert "same mean" in out.attrs["note"] and "same mean" in ci.attrs["note"]
    assert ci.loc["ICC(1)"].tolist() == pytest.approx([-0.5] * 3) and ci.loc["ICC(2)"].isna().all()


def test_icc_huge_values_do_not_overflow():
    import warnings

    df = _balanced(6, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = rel.icc_anova(df.assign(y=df["y"] * 1e300), "team", "y").iloc[0]
    assert big["icc1"] == pytest.approx(rel.icc_anova(df, "team", "y").at[0, "icc1"])


@pytest.mark.parametrize("data, kwargs, error, match", [
    ({"g": [1, 1], "y": [1, 2]}, {"value": "score"}, KeyError, "score"),
    ({"g": [1, 1, 2, 2], "y": [1, "x", 2, 3]}, {}, ValueError, "not numbers.*'x'.*row 1"),
    ({"g": [1, 1, 2, 2], "y": [1, np.inf, 2, 3]}, {}, ValueError, "infinite.*row 1"),
    ({"g": [1, 1, 2], "y": [1, 2, 3]}, {}, ValueError, "two groups"),
    ({"g": [1, None, 2, 2], "y": [1, 2, 3, 4]}, {}, ValueError, "group column 'g'.*missing.*row 1"),
    ({"g": [1, "1", 2, 2], "y": [1, 2, 3, 4]}, {}, ValueError, "mixes"),
    ({"g": [1, 1, 2, 2], "y": [1, 2, 3, 4]}, {"level": 95}, ValueError, "level.*0.95"),
])
def test_icc_anova_refuses_bad_input_by_name(data, kwargs, error, match):
    args = {"group": "g", "value": "y", **kwargs}
    with pytest.raises(error, match=match):
        rel.icc_anova(pd.DataFrame(data), **args)


def test_icc_anova_refuses_a_dict_and_duplicate_columns():
    with pytest.raises(ValueError, match="must be a pandas DataFrame, not dict"):
        rel.icc_anova({"g": [1, 1], "y": [1, 2]}, "g", "y")
    twice = pd.DataFrame([[1, 1.0, 2.0], [1, 2.0, 3.0], [2, 3.0, 1.0], [2, 4.0, 2.0]], columns=["g", "y", "y"])
    with pytest.raises(ValueError, match="two columns named 'y'"):
        rel.icc_anova(twice, "g", "y")


def test_icc_absolute_agreement_refuses_gaps_and_constants():
    with pytest.raises(ValueError, match="gaps.*'E2'.*row 1"):
        rel.icc_absolute_agreement(pd.DataFrame({"E1": [1.0, 2.0, 3.0], "E2": [2.0, np.nan, 3.0]}))
    with pytest.raises(ValueError, match="distinct"):
        rel.icc_absolute_agreement(pd.DataFrame({"E1": [2.0, 2.0], "E2": [2.0, 2.0]}))
    with pytest.raises(ValueError, match="two raters"):
        rel.icc_absolute_agreement(pd.DataFrame({"E1": [1.0, 2.0]}))


def test_spearman_brown_and_design_effect():
    # k = .7 (1 - ICC1) / (.3 ICC1): 7 respondents at ICC(1) = .25
    assert rel.spearman_brown_n(0.25, 0.70) == pytest.approx(7.0)
    assert rel.spearman_brown_n(0.144) == pytest.approx(0.7 * 0.856 / (0.3 * 0.144))
    assert rel.spearman_brown_n(0.0) == np.inf and rel.spearman_brown_n(-0.1) == np.inf
    # and it inverts the Spearman-Brown step-up: k respondents at icc1 give ICC(2) = target
    k = rel.spearman_brown_n(0.2, 0.8)
    assert k * 0.2 / (1 + (k - 1) * 0.2) == pytest.approx(0.8)
    with pytest.raises(ValueError, match="target"):
        rel.spearman_brown_n(0.2, 70)
    assert rel.design_effect(0.05, 21) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="cluster_size"):
        rel.design_effect(0.05, 0.5)
