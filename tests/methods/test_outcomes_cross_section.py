"""book.methods.cross_section: the trust model, slopes by group, correlations and the high-vs-medium contrast,
against statsmodels formulas, scipy and hand calculations; and every kind of bad input refused by name."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings, strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from book.methods import cross_section as cs

FAST = settings(max_examples=15, deadline=None, derandomize=True)


def trusts(n=40, seed=1, slope=0.5):
    rng = np.random.default_rng(seed)
    x = rng.normal(3.7, 0.15, n)
    return pd.DataFrame({"x": x, "size": rng.normal(8, 0.4, n), "region": np.array(["a", "b", "c", "d"])[np.arange(n) % 4],
                         "w": rng.uniform(200, 2000, n), "y": 2 + slope * x + rng.normal(0, 0.1, n)})


# --- equal to an independent computation ------------------------------------------------------------

@FAST
@given(n=st.integers(12, 80), seed=st.integers(0, 10_000), slope=st.floats(-3, 3))
def test_fit_trust_model_equals_statsmodels_formula(n, seed, slope):
    df = trusts(n, seed, slope)
    out = cs.fit_trust_model(df, "x", "y", ["size", "region"]).iloc[0]
    ref = smf.ols("y ~ x + size + C(region)", data=df).fit()
    assert out["estimate"] == pytest.approx(ref.params["x"], rel=1e-9, abs=1e-12)
    assert out["se"] == pytest.approx(ref.bse["x"], rel=1e-9)
    assert out["ci_low"] == pytest.approx(ref.conf_int().loc["x", 0], rel=1e-9, abs=1e-12)
    assert out["p"] == pytest.approx(ref.pvalues["x"], rel=1e-6, abs=1e-300)
    assert out["r"] == pytest.approx(stats.pearsonr(df["x"], df["y"])[0])
    k = df["x"].std() / df["y"].std()
    assert out["std_slope"] == pytest.approx(ref.params["x"] * k)


@FAST
@given(seed=st.integers(0, 10_000))
def test_weights_robust_errors_and_logs_equal_statsmodels(seed):
    df = trusts(50, seed).assign(y=lambda d: np.exp(d["y"]))
    wls = cs.fit_trust_model(df, "x", "y", ["size"], log_outcome=True, weights="w").iloc[0]
    ref = smf.wls("np.log(y) ~ x + size", data=df, weights=df["w"]).fit()
    assert wls["estimate"] == pytest.approx(ref.params["x"]) and wls["se"] == pytest.approx(ref.bse["x"])
    hc3 = cs.fit_trust_model(df, "x", "y", ["size"], log_outcome=True, robust=True).iloc[0]
    assert hc3["se"] == pytest.approx(smf.ols("np.log(y) ~ x + size", data=df).fit(cov_type="HC3").bse["x"])


@FAST
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000))
def test_a_permutation_of_rows_changes_nothing(seed, perm_seed):
    df = trusts(30, seed)
    shuffled = df.sample(frac=1, random_state=perm_seed)
    a, b = cs.fit_trust_model(df, "x", "y", ["size", "region"]), cs.fit_trust_model(shuffled, "x", "y", ["size", "region"])
    np.testing.assert_allclose(a[["estimate", "se", "p", "r"]].to_numpy(float), b[["estimate", "se", "p", "r"]].to_numpy(float),
                               rtol=1e-9)
    ga, gb = (cs.group_slopes(d, "x", "y", "region") for d in (df, shuffled))
    np.testing.assert_allclose(ga["estimate"], gb["estimate"], rtol=1e-9)


@FAST
@given(seed=st.integers(0, 10_000))
def test_group_slopes_without_controls_equal_separate_regressions(seed):
    df = trusts(60, seed)
    out = cs.group_slopes(df, "x", "y", "region").set_index("group")
    for g, part in df.groupby("region"):
        assert out.at[g, "estimate"] == pytest.approx(np.polyfit(part["x"], part["y"], 1)[0], rel=1e-8)
        assert out.at[g, "n"] == len(part)
    full = smf.ols("y ~ x * C(region)", data=df).fit()
    reduced = smf.ols("y ~ x + C(region)", data=df).fit()
    f = ((reduced.ssr - full.ssr) / 3) / (full.ssr / full.df_resid)
    assert out.attrs["f_equal"] == pytest.approx(f) and out.attrs["df_num"] == 3


def test_group_slopes_intervals_are_the_interaction_models():
    df = trusts(80, 3)
    out = cs.group_slopes(df, "x", "y", "region", ["size"]).set_index("group")
    ref = smf.ols("y ~ x * C(region) + size", data=df).fit()
    assert out.at["a", "estimate"] == pytest.approx(ref.params["x"])
    b = ref.params["x"] + ref.params["x:C(region)[T.c]"]
    se = np.sqrt(ref.cov_params().loc["x", "x"] + ref.cov_params().loc["x:C(region)[T.c]", "x:C(region)[T.c]"]
                 + 2 * ref.cov_params().loc["x", "x:C(region)[T.c]"])
    assert out.at["c", "estimate"] == pytest.approx(b) and out.at["c", "se"] == pytest.approx(se)


def test_correlation_table_equals_scipy_and_holm():
    df = trusts(40, 5).assign(z=lambda d: d["x"] * 0.3 + np.random.default_rng(2).normal(0, 0.1, 40))
    out = cs.correlation_table(df, ["x", "size"], ["y", "z"])
    pairs = [("x", "y"), ("x", "z"), ("size", "y"), ("size", "z")]
    ref = [stats.pearsonr(df[a], df[b]) for a, b in pairs]
    np.testing.assert_allclose(out["r"], [r[0] for r in ref])
    np.testing.assert_allclose(out["p_adj"], multipletests([r[1] for r in ref], method="holm")[1])
    z, half = np.arctanh(out["r"]), 1.959963984540054 / np.sqrt(40 - 3)
    np.testing.assert_allclose(out["ci_low"], np.tanh(z - half))


def test_high_vs_medium_by_hand_in_natural_order():
    df = pd.DataFrame({"year": ["2010"] * 6 + ["9"] * 6, "engagement": list(range(6)) * 2,
                       "hsmr": [110, 108, 100, 100, 95, 95] * 2})
    out = cs.high_vs_medium(df).set_index("group")
    assert list(out.index) == ["9", "2010", "pooled"]  # numeric text sorts as numbers
    assert out.at["9", "pct_difference"] == pytest.approx(-5.0) and out.at["9", "n_high"] == 2
    quart = cs.high_vs_medium(pd.DataFrame({"year": [1] * 8, "engagement": range(8),
                                            "hsmr": [120, 110, 100, 100, 100, 100, 90, 90]}), cuts=(0.25, 0.75))
    assert quart.iloc[0]["pct_difference"] == pytest.approx(-10.0)
    with pytest.raises(ValueError, match="cuts"):
        cs.high_vs_medium(df, cuts=(0.7, 0.3))


# --- valid but unusual input ------------------------------------------------------------------------------

def test_text_numbers_nullable_types_and_unused_levels_give_the_same_answer():
    df = trusts(30, 7)
    ref = cs.fit_trust_model(df, "x", "y", ["size", "region"]).iloc[0]
    text = df.assign(x=df["x"].map(lambda v: f" {v!r} "))
    nullable = df.astype({"x": "Float64"}).assign(region=pd.Categorical(df["region"], categories=list("abcdz")))
    for other in (text, nullable):
        out = cs.fit_trust_model(other, "x", "y", ["size", "region"]).iloc[0]
        assert out["estimate"] == pytest.approx(ref["estimate"], rel=1e-12)
    # a bare string is one control, not a list of letters
    assert cs.fit_trust_model(df, "x", "y", "size")["n"].iloc[0] == 30


def test_blank_cells_and_missing_values_are_left_out_and_counted():
    df = trusts(30, 8).astype({"x": object})
    df.loc[3, "x"] = ""
    df.loc[5, "y"] = np.nan
    out = cs.fit_trust_model(df, "x", "y", ["size"])
    assert out["n"].iloc[0] == 28 and out.attrs["n_excluded"] == 2
    assert [(e["row"], e["reason"]) for e in out.attrs["excluded"]] == [(3, "missing x"), (5, "missing y")]
    assert pd.concat([out, out]).shape == (2, len(cs.MODEL_COLUMNS))  # attrs of plain values: concatenation works


# --- bad input refused, naming the culprit ---------------------------------------------------------------

@pytest.mark.parametrize("value", [3.7, 3.9, 4.1])
def test_a_constant_is_found_by_its_distinct_values(value):
    df = trusts(30, 9)
    with pytest.raises(ValueError, match=r"exposure 'x' must take at least 2 distinct values.*" + str(value)):
        cs.fit_trust_model(df.assign(x=value), "x", "y")
    with pytest.raises(ValueError, match="outcome 'y'"):
        cs.fit_trust_model(df.assign(y=value), "x", "y")


def test_collinear_and_constant_controls_are_refused_naming_the_aliased_column():
    df = trusts(30, 10)
    with pytest.raises(ValueError, match=r"\['twice'\] are exact combinations"):
        cs.fit_trust_model(df.assign(twice=2 * df["x"] + 1), "x", "y", ["twice"])
    with pytest.raises(ValueError, match=r"\['flat'\]"):
        cs.fit_trust_model(df.assign(flat=5.0), "x", "y", ["flat"])


@pytest.mark.parametrize("change, controls, match", [
    (lambda d: d.assign(x=d["x"].astype(object).where(d.index != 4, "n/a")), [],
     r"'x' holds 1 value\(s\) that are not numbers, first 'n/a' in row 4"),
    (lambda d: d.assign(x=d["x"].where(d.index != 6, np.inf)), [], r"'x' holds 1 infinite value\(s\), first in row 6"),
    (lambda d: d.assign(size=d["size"].astype(object).where(d.index != 2, "n/a")), ["size"], r"'size'.*'n/a' in row 2"),
    (lambda d: d.rename(columns={"size": "x"}), [], "two columns named 'x'"),
])
def test_bad_values_are_refused_by_row(change, controls, match):
    with pytest.raises(ValueError, match=match):
        cs.fit_trust_model(change(trusts(30, 11)), "x", "y", controls)


def test_bad_arguments_are_refused_by_name():
    df = trusts(30, 12)
    with pytest.raises(KeyError, match=r"no column\(s\) \['nope'\]"):
        cs.fit_trust_model(df, "nope", "y")
    with pytest.raises(ValueError, match="two different roles"):
        cs.fit_trust_model(df, "x", "x")
    with pytest.raises(ValueError, match=r"alpha must be a number strictly between 0 and 1, not 5.*0.95"):
        cs.fit_trust_model(df, "x", "y", alpha=5)
    with pytest.raises(ValueError, match="pandas DataFrame, not list"):
        cs.fit_trust_model([[1, 2]], "x", "y")
    with pytest.raises(ValueError, match="'y' must be positive to take logs; found -1.0 in row 0"):
        cs.fit_trust_model(df.assign(y=-1.0 + 0 * df["x"]).assign(y=lambda d: d["y"] - d.index), "x", "y", log_outcome=True)
    with pytest.raises(ValueError, match="too few rows: 8 complete"):
        cs.fit_trust_model(df.head(8), "x", "y")
    with pytest.raises(ValueError, match="'w' must be positive"):
        cs.fit_trust_model(df.assign(w=df["w"] - 5000), "x", "y", weights="w")
    with pytest.raises(ValueError, match="exposure 'x' within region 'a'"):
        cs.group_slopes(df.assign(x=np.where(df["region"] == "a", 3.0, df["x"])), "x", "y", "region")
    with pytest.raises(ValueError, match=r"column 'size' must take at least 2"):
        cs.correlation_table(df.assign(size=4.1), ["x", "size"], ["y"])


# --- degenerate arguments refused by name -----------------------------------------------------------------

def test_high_vs_medium_refuses_a_constant_exposure_by_distinct_values():
    df = pd.DataFrame({"year": [2008] * 6, "engagement": [0.1 + 0.2, 0.3] * 3, "hsmr": range(100, 106)})
    df["engagement"] = 3.7
    with pytest.raises(ValueError, match=r"exposure 'engagement' within year 2008 must take at least 2 distinct "
                                         r"values; it has 1 \(every value is 3.7\)"):
        cs.high_vs_medium(df)


def test_correlation_table_one_pair_and_unknown_padjust():
    df = trusts(40, 5)
    one = cs.correlation_table(df, ["x"], ["y"])
    assert len(one) == 1 and one.at[0, "p_adj"] == one.at[0, "p"] == pytest.approx(stats.pearsonr(df.x, df.y)[1])
    none = cs.correlation_table(df, ["x", "size"], ["y"], padjust="none")
    assert none["p_adj"].tolist() == none["p"].tolist()
    with pytest.raises(ValueError, match=r"padjust must be one of \['holm', .*\], not 'nope'"):
        cs.correlation_table(df, ["x", "size"], ["y"], padjust="nope")


def test_values_so_large_their_squares_overflow_are_refused_without_warnings():
    import warnings

    df = trusts(30, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"column 'y' holds values too large for the trust model .* rescale"):
            cs.fit_trust_model(df.assign(y=df.y * 1e300, x=df.x * 1e300), "x", "y")
