"""book.methods.panel and growth against linearmodels formulas, statsmodels and semopy; periods in their natural
order; improper or unconverged fits reported, never printed; bad input refused by name."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings, strategies as st

from book.methods import growth as gr, panel as pn

FAST = settings(max_examples=10, deadline=None, derandomize=True)


def trust_panel(k=50, years=(2005, 2006, 2007, 2008, 2009), seed=1, beta=-0.1, confound=0.05):
    rng = np.random.default_rng(seed)
    c = rng.normal(size=k)
    rows = []
    for i in range(k):
        level = -confound * c[i] + rng.normal(0, 0.1)
        for t in years:
            e = 3.7 + level + rng.normal(0, 0.05)
            rows.append({"trust": f"T{i:02d}", "year": t, "x": e, "size": 8 + 0.1 * (i % 7),
                         "y": beta * e + 0.03 * c[i] + rng.normal(0, 0.02)})
    return pd.DataFrame(rows)


@FAST
@given(seed=st.integers(0, 10_000))
def test_fixed_effects_and_mundlak_equal_linearmodels_and_statsmodels(seed):
    from linearmodels.panel import PanelOLS

    df = trust_panel(seed=seed)
    fits = pn.panel_models(df, "y", "x", ["size"], entity="trust", time="year")
    ref = PanelOLS.from_formula("y ~ x + EntityEffects + TimeEffects", df.set_index(["trust", "year"])).fit(
        cov_type="clustered", cluster_entity=True)
    assert fits["fixed"].params["x"] == pytest.approx(ref.params["x"], rel=1e-9)
    assert fits["fixed"].std_errors["x"] == pytest.approx(ref.std_errors["x"], rel=1e-9)
    m = pn.mundlak_test(fits, "x").iloc[0]
    assert m["within"] == pytest.approx(ref.params["x"], rel=1e-8)  # balanced panel: the Mundlak slope is the within slope
    byhand = smf.ols("y ~ x + xbar + C(year) + size", data=df.assign(xbar=df.groupby("trust")["x"].transform("mean"))).fit()
    assert m["contextual"] == pytest.approx(byhand.params["xbar"], rel=1e-8)
    between = smf.ols("y ~ x + size", data=df.groupby("trust")[["x", "y", "size"]].mean()).fit().params["x"]
    assert m["between"] == pytest.approx(between, rel=1e-8)


def test_periods_as_text_categoricals_and_a_missing_wave_give_the_same_fit():
    df = trust_panel(seed=3)
    ref = pn.tidy_panel(pn.panel_models(df, "y", "x", entity="trust", time="year"), "x")
    text = df.assign(year=df["year"].astype(str))
    cat = df.assign(year=pd.Categorical(df["year"].astype(str), categories=[str(y) for y in range(2005, 2010)],
                                        ordered=True))
    for other in (text, cat, df.sample(frac=1, random_state=2)):
        got = pn.tidy_panel(pn.panel_models(other, "y", "x", entity="trust", time="year"), "x")
        np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=1e-9)
    gap = df[~((df["trust"] == "T03") & (df["year"] == 2007))]
    fits = pn.panel_models(gap, "y", "x", entity="trust", time="year")
    lag = fits["pooled_lag"]
    assert int(lag.nobs) == len(gap) - df["trust"].nunique() - 1  # the year after the gap has no prior either


def test_missing_values_are_left_out_and_counted():
    df = trust_panel(seed=4)
    df.loc[7, "y"] = np.nan
    fits = pn.panel_models(df, "y", "x", entity="trust", time="year")
    assert fits.n_excluded == 1 and fits.excluded[0]["reason"] == "missing y"
    assert pn.mundlak_test(fits, "x").attrs["n_excluded"] == 1


def test_panel_refusals():
    df = trust_panel(seed=5)
    with pytest.raises(ValueError, match="repeat a trust-year pair"):
        pn.panel_models(pd.concat([df, df.head(1)]), "y", "x", entity="trust", time="year")
    with pytest.raises(ValueError, match="month names"):
        pn.panel_models(df.assign(year=df["year"].map({2005: "Jan", 2006: "Feb", 2007: "Mar", 2008: "Apr", 2009: "May"})),
                        "y", "x", entity="trust", time="year")
    with pytest.raises(ValueError, match="exposure 'x' must take at least 2"):
        pn.panel_models(df.assign(x=3.7), "y", "x", entity="trust", time="year")
    with pytest.raises(ValueError, match="column 'trust' has 1 missing"):
        pn.panel_models(df.assign(trust=df["trust"].where(df.index != 2, None)), "y", "x", entity="trust", time="year")
    with pytest.raises(KeyError, match="no 'mundlak' fit"):
        pn.mundlak_test({}, "x")


# --- growth --------------------------------------------------------------------------------------------------

def growth_data(n=150, seed=1):
    rng = np.random.default_rng(seed)
    level, slope = rng.normal(0, 0.12, n), rng.normal(0, 0.03, n)
    wide = pd.DataFrame({f"y{y}": 3.7 + level + (y - 2007) * slope + rng.normal(0, 0.04, n) for y in range(2005, 2010)})
    wide["outcome"] = -0.2 * level - 0.3 * slope + rng.normal(0, 0.05, n)
    return wide


def test_growth_fit_reaches_semopys_optimum_with_fit_indices():
    import semopy

    wide = growth_data()
    years = list(range(2005, 2010))
    model = gr.fit_growth(wide, years, 2007)
    assert gr.growth_problem(model) == ""
    ref = semopy.Model(gr.growth_model_spec(years, 2007))
    ref.fit(wide.assign(**{f"y{y}": 10 * wide[f"y{y}"] for y in years}))
    assert model.last_result.fun <= ref.last_result.fun + 1e-12
    ours, theirs = model.inspect(), ref.inspect()
    free = ours["Std. Err"] != "-"
    gap = ((ours.loc[free, "Estimate"].astype(float) - theirs.loc[free, "Estimate"].astype(float)).abs()
           / ours.loc[free, "Std. Err"].astype(float))
    assert gap.max() < 0.05
    ind = gr.growth_fit_indices(model).iloc[0]
    st_ = semopy.calc_stats(model).iloc[0]
    assert ind["chi2"] == pytest.approx(st_["chi2"]) and ind["df"] == 9 and 0.9 < ind["cfi"] <= 1.0
    chi2, df, cb, dfb = st_["chi2"], st_["DoF"], st_["chi2 Baseline"], st_["DoF Baseline"]
    assert ind["cfi"] == pytest.approx(1 - max(chi2 - df, 0) / max(cb - dfb, chi2 - df, 0))
    tg = gr.tidy_growth(model).set_index("term")
    assert abs(tg.at["intercept", "estimate"] + 0.2) < 3 * tg.at["intercept", "se"]


def test_growth_refusals_and_exclusions():
    wide = growth_data()
    wide.loc[3, "y2006"] = np.nan
    model = gr.fit_growth(wide, range(2005, 2010), 2007)
    assert model.n_excluded == 1
    with pytest.raises(KeyError, match=r"\['y2010'\]"):
        gr.fit_growth(wide, range(2006, 2011), 2008)
    with pytest.raises(ValueError, match="at least 3 waves"):
        gr.fit_growth(wide, [2005, 2006], 2005)
    with pytest.raises(ValueError, match="too few units"):
        gr.fit_growth(wide.head(8), range(2005, 2010), 2007)
    with pytest.raises(ValueError, match="alpha"):
        gr.tidy_growth(model, alpha=0)


def test_an_unconverged_growth_fit_is_reported_not_printed():
    model = gr.fit_growth(growth_data(seed=2), range(2005, 2010), 2007)
    off = model.param_vals * 1.001
    model.param_vals = off
    model.update_matrices(off)
    assert gr.growth_problem(model).startswith("did not converge")
    assert gr.tidy_growth(model)["estimate"].isna().all()
    assert gr.growth_fit_indices(model)["chi2"].isna().all()


def test_growth_arguments_of_the_wrong_kind_are_refused_by_name():
    wide = growth_data()
    with pytest.raises(ValueError, match=r"years must be whole numbers .*; 'a' is not"):
        gr.growth_model_spec(["a", "b", "c"], 2006)
    with pytest.raises(ValueError, match=r"centre must be a finite number, not inf"):
        gr.growth_model_spec([2005, 2006, 2007], np.inf)
    with pytest.raises(ValueError, match=r"centre must be a finite number, not '2006'"):
        gr.fit_growth(wide, range(2005, 2010), "2006")
    # numeric text years are the same waves
    assert gr.growth_model_spec(["2005", "2006", "2007"], 2006) == gr.growth_model_spec([2005, 2006, 2007], 2006)
    model = gr.fit_growth(wide, range(2005, 2010), 2007)
    with pytest.raises(KeyError, match=r"the model has no outcome 'nope' .*; its outcome is 'outcome'"):
        gr.tidy_growth(model, outcome="nope")
    for fn in (gr.tidy_growth, gr.growth_problem):
        with pytest.raises(TypeError, match=r"model must be a semopy Model fitted by fit_growth, not dict"):
            fn({})


def test_tidy_panel_refuses_a_frame_a_list_term_and_non_fits():
    fits = pn.panel_models(trust_panel(), "y", "x", entity="trust", time="year")
    with pytest.raises(TypeError, match=r"results must be the fits panel_models returns .*, not DataFrame"):
        pn.tidy_panel(trust_panel(), "x")
    with pytest.raises(ValueError, match=r"term must be one column name, not \['x'\]"):
        pn.tidy_panel(fits, ["x"])
    with pytest.raises(TypeError, match=r"results\['a'\] is a int, not a linearmodels fit"):
        pn.tidy_panel({"a": 1}, "x")
