"""book.methods.multilevel, ordinal and counts against statsmodels formulas, pingouin and hand calculations;
iterative fits checked; bad input refused by name."""
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings, strategies as st
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime, approx_hess3

from book.methods import counts as mc, fits, multilevel as ml, ordinal as od

FAST = settings(max_examples=12, deadline=None, derandomize=True)


def respondents(k=30, n=12, seed=1, tau=0.6):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(k), n)
    xbar = rng.normal(0, 0.5, k)
    x = xbar[g] + rng.normal(0, 1, k * n)
    return pd.DataFrame({"g": [f"T{j:02d}" for j in g], "r": np.tile(np.arange(n), k), "x": x,
                         "y": 1 + 0.4 * x + rng.normal(0, tau, k)[g] + rng.normal(0, 1, k * n)})


# --- multilevel ----------------------------------------------------------------------------------------

@FAST
@given(seed=st.integers(0, 10_000))
def test_fit_multilevel_is_the_reml_optimum_and_matches_statsmodels(seed):
    df = respondents(seed=seed)
    ours = ml.fit_multilevel(df, "y", ["x"], "g")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The MLE may be on the boundary")
        ref = smf.mixedlm("y ~ x", df, groups="g").fit(reml=True, method="powell")
    assert ours.converged and fits.fit_problem(ours) == ""
    assert ours.llf >= ref.llf - 1e-6  # the exact one-dimensional search is never worse than Powell's
    assert ours.fe_params["x"] == pytest.approx(ref.fe_params["x"], abs=1e-3)


@FAST
@given(seed=st.integers(0, 10_000))
def test_within_between_slope_equals_the_fixed_effects_slope(seed):
    df = respondents(seed=seed)
    ours = ml.fit_multilevel(df, "y", ["x"], "g", within_between=True)
    within = smf.ols("y ~ x + C(g)", data=df).fit().params["x"]
    assert ours.fe_params["x"] == pytest.approx(within, rel=1e-6)
    between = smf.ols("y ~ x", data=df.groupby("g")[["x", "y"]].mean()).fit().params["x"]
    assert ours.fe_params["x"] + ours.fe_params["mean_x"] == pytest.approx(between, abs=0.2)  # GLS mixes the two a little
    t = ml.contextual_test(ours, ["x"]).iloc[0]
    assert t["chi2"] == pytest.approx((ours.params["mean_x"] / ours.bse["mean_x"]) ** 2)


def test_a_permutation_of_rows_changes_nothing():
    df = respondents(seed=4)
    a = ml.fit_multilevel(df, "y", ["x"], "g", within_between=True)
    b = ml.fit_multilevel(df.sample(frac=1, random_state=3), "y", ["x"], "g", within_between=True)
    np.testing.assert_allclose(a.fe_params, b.fe_params, rtol=1e-7)
    assert ml.icc(a) == pytest.approx(ml.icc(b), rel=1e-6)


def test_icc_interval_equals_pingouin():
    df = respondents(seed=8, tau=0.5)
    ours = ml.icc_interval(df, "y", "g").set_index("statistic")
    ref = pg.intraclass_corr(df, targets="g", raters="r", ratings="y").set_index("Type")
    assert ours.at["ICC(1)", "estimate"] == pytest.approx(ref.at["ICC(1,1)", "ICC"])
    assert ours.at["ICC(2)", "estimate"] == pytest.approx(ref.at["ICC(1,k)", "ICC"])
    for ours_stat, ref_stat in (("ICC(1)", "ICC(1,1)"), ("ICC(2)", "ICC(1,k)")):  # pingouin rounds its CI to 2 decimals
        assert ours.at[ours_stat, "ci_low"] == pytest.approx(ref.at[ref_stat, "CI95"][0], abs=0.006)
        assert ours.at[ours_stat, "ci_high"] == pytest.approx(ref.at[ref_stat, "CI95"][1], abs=0.006)


def test_no_between_group_variance_is_refused_with_its_reason():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"g": np.repeat(np.arange(20), 10), "x": rng.normal(size=200)})
    noise = rng.normal(0, 1, 200)
    df["y"] = 0.5 * df["x"] + noise - pd.Series(noise).groupby(df["g"]).transform("mean")  # group means of noise removed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="variance between 'g' groups is zero"):
            ml.fit_multilevel(df, "y", ["x"], "g")


def test_multilevel_refusals():
    df = respondents()
    with pytest.raises(ValueError, match="column 'x' must take at least 2 distinct values"):
        ml.fit_multilevel(df.assign(x=3.9), "y", ["x"], "g")
    with pytest.raises(ValueError, match=r"\['x2'\] are exact combinations"):
        ml.fit_multilevel(df.assign(x2=df["x"] * 3), "y", ["x", "x2"], "g")
    with pytest.raises(KeyError, match="no term"):
        ml.contextual_test(ml.fit_multilevel(df, "y", ["x"], "g"), ["x"])
    with pytest.raises(ValueError, match="alpha"):
        ml.icc_interval(df, "y", "g", alpha=1.5)


# --- ordinal ---------------------------------------------------------------------------------------------

def ratings(n=300, seed=1, beta=3.0):
    rng = np.random.default_rng(seed)
    x, z = rng.normal(0, 0.3, n), rng.normal(size=n)
    latent = beta * x + 0.5 * z + rng.logistic(size=n)
    cuts = np.quantile(latent, [0.1, 0.45, 0.8])
    return pd.DataFrame({"y": np.array(["weak", "fair", "good", "excellent"], dtype=object)[np.searchsorted(cuts, latent)],
                         "x": x, "z": z, "kind": np.array(["p", "q", "r"])[np.arange(n) % 3]})


CATS = ["weak", "fair", "good", "excellent"]


@FAST
@given(seed=st.integers(0, 10_000))
def test_fit_ordinal_equals_the_stock_ordered_model(seed):
    df = ratings(seed=seed)
    ours = od.fit_ordinal(df, "y", ["x", "z"], CATS)
    y = pd.Series(pd.Categorical(df["y"], categories=CATS, ordered=True))
    ref = OrderedModel(y, df[["x", "z"]], distr="logit").fit(method="bfgs", disp=False, maxiter=2000, gtol=1e-7)
    np.testing.assert_allclose(ours.params.to_numpy(), ref.params.to_numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.bse.to_numpy(), ref.bse.to_numpy(), rtol=1e-3)
    assert fits.fit_problem(ours) == ""


def test_analytic_derivatives_equal_numerical_ones():
    df = ratings(seed=3)
    model = od.fit_ordinal(df, "y", ["x", "z", "kind"], CATS).model
    x0 = np.linspace(-0.5, 0.8, len(model.exog_names))
    np.testing.assert_allclose(model.score(x0), approx_fprime(x0, model.loglike, centered=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.hessian(x0), approx_hess3(x0, model.loglike), rtol=1e-4, atol=1e-3)


def test_proportional_odds_check_is_separate_logits_with_brant():
    df = ratings(seed=4)
    po = od.proportional_odds_check(df, "y", ["x", "z"], CATS)
    for j, cat in enumerate(CATS[:-1]):
        above = (df["y"].map({c: i for i, c in enumerate(CATS)}) > j).astype(int)
        ref = sm.Logit(above, sm.add_constant(df[["x", "z"]])).fit(disp=False)
        got = po[(po["split"] == f"above {cat}")].set_index("term")["estimate"]
        assert got["x"] == pytest.approx(ref.params["x"], rel=1e-6)
    brant = pd.DataFrame(po.attrs["brant"]).set_index("term")
    assert brant.at["all predictors", "df"] == 4 and brant.at["x", "df"] == 2
    assert 0 < brant.at["x", "p"] <= 1


def test_ordinal_accepts_ordered_categoricals_and_numeric_codes():
    df = ratings(seed=6)
    ref = od.fit_ordinal(df, "y", ["x"], CATS).params
    cat = df.assign(y=pd.Categorical(df["y"], categories=CATS, ordered=True))
    assert od.fit_ordinal(cat, "y", ["x"]).params.to_numpy() == pytest.approx(ref.to_numpy())
    codes = df.assign(y=df["y"].map({c: float(i + 1) for i, c in enumerate(CATS)}))
    codes.loc[0, "y"] = np.nan
    res = od.fit_ordinal(codes, "y", ["x"], [1, 2, 3, 4])
    assert res.n_excluded == 1


def test_ordinal_refusals():
    df = ratings()
    with pytest.raises(ValueError, match="value 'superb' in row 0, not among the categories"):
        od.fit_ordinal(df.assign(y=df["y"].where(df.index != 0, "superb")), "y", ["x"], CATS)
    with pytest.raises(ValueError, match="category 'awful' never occurs"):
        od.fit_ordinal(df, "y", ["x"], ["awful", *CATS])
    with pytest.raises(ValueError, match="give categories"):
        od.fit_ordinal(df, "y", ["x"])
    with pytest.raises(ValueError, match=r"\['z2'\] are exact combinations"):
        od.fit_ordinal(df.assign(z2=2 * df["z"]), "y", ["x", "z", "z2"], CATS)


# --- counts ----------------------------------------------------------------------------------------------

def count_panel(k=60, years=4, seed=1):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(k), years)
    x = rng.normal(0, 0.2, k * years)
    days = rng.uniform(1e4, 5e4, k * years)
    mu = days * 1e-3 * np.exp(-0.8 * x) * rng.gamma(5, 0.2, k)[unit] * rng.gamma(8, 1 / 8, k * years)
    return pd.DataFrame({"unit": [f"U{u}" for u in unit], "year": np.tile(np.arange(years), k), "x": x, "days": days,
                         "cases": rng.poisson(mu)})


@FAST
@given(seed=st.integers(0, 10_000))
def test_fit_counts_equals_statsmodels_formulas(seed):
    df = count_panel(seed=seed)
    ours = mc.fit_counts(df, "cases", "days", ["x"], cluster="unit")
    pois = smf.glm("cases ~ x", data=df, family=sm.families.Poisson(), exposure=df["days"]).fit()
    groups = pd.factorize(df["unit"], sort=True)[0]
    pois_cl = smf.glm("cases ~ x", data=df, family=sm.families.Poisson(), exposure=df["days"]).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    nb = smf.negativebinomial("cases ~ x", data=df, exposure=df["days"]).fit(method="newton", tol=1e-10, disp=False,
                                                                              maxiter=200)
    assert ours["poisson"].params["x"] == pytest.approx(pois.params["x"], rel=1e-8)
    assert ours["poisson_cluster"].bse["x"] == pytest.approx(pois_cl.bse["x"], rel=1e-8)
    assert ours["negbin"].params["x"] == pytest.approx(nb.params["x"], rel=1e-5)
    assert ours.dispersion == pytest.approx(pois.pearson_chi2 / pois.df_resid)
    assert all(fits.fit_problem(ours[k]) == "" for k in ("poisson", "negbin", "negbin_cluster"))


def test_counts_accept_text_numbers_and_refuse_bad_counts():
    df = count_panel(seed=2)
    ref = mc.fit_counts(df, "cases", "days", ["x"], negbin=False)["poisson"].params["x"]
    assert mc.fit_counts(df.astype({"cases": str}), "cases", "days", ["x"], negbin=False)["poisson"].params["x"] == \
        pytest.approx(ref)
    with pytest.raises(ValueError, match=r"'cases' must hold whole numbers; found 2.5 in row 3"):
        mc.fit_counts(df.assign(cases=df["cases"].astype(float).where(df.index != 3, 2.5)), "cases", "days", ["x"])
    with pytest.raises(ValueError, match="'days' must be positive; found 0.0 in row 1"):
        mc.fit_counts(df.assign(days=df["days"].where(df.index != 1, 0.0)), "cases", "days", ["x"])
    with pytest.raises(ValueError, match="column 'unit' has 1 missing"):
        mc.fit_counts(df.assign(unit=df["unit"].where(df.index != 5, None)), "cases", "days", ["x"], cluster="unit")
    years = mc.fit_counts(df.assign(year=pd.Categorical(df["year"])), "cases", "days", ["x", "year"], negbin=False)
    assert {"year=1", "year=2", "year=3"} <= set(years["poisson"].params.index)  # a Categorical of codes enters as levels


def test_a_separating_predictor_is_refused_by_name():
    df = ratings(seed=9)
    df["rare"] = ((df["y"] != "weak") & (np.arange(len(df)) % 10 == 0)).astype(float)  # no rare row is rated weak
    with pytest.raises(ValueError, match=r"predictor 'rare': every row with rare = 1 is above 'weak'.*complete separation"):
        od.proportional_odds_check(df, "y", ["x", "rare"], CATS)
    assert od.fit_ordinal(df, "y", ["x", "rare"], CATS).mle_retvals["converged"]  # the ordered logit itself is estimable


def test_fit_counts_leaks_no_warning_when_nb2_is_not_identified():
    rng = np.random.default_rng(9)
    df = pd.DataFrame({"trust": np.repeat([f"T{i}" for i in range(10)], 3), "x": rng.normal(size=30),
                       "bed_days": rng.uniform(1000, 2000, 30)})
    df["mrsa"] = rng.poisson(df.bed_days / 200 * np.exp(0.2 * df.x))  # Poisson: dispersion about 1.04
    for data in (df, df.assign(mrsa=4)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fits_ = mc.fit_counts(data, "mrsa", "bed_days", ["x"], cluster="trust")
            problem = fits.fit_problem(fits_["negbin"])
        assert problem.startswith("not identified") and "invalid value encountered in log" in problem
        assert fits.fit_problem(fits_["poisson"]) == ""
    with pytest.raises(TypeError, match=r"result must be a fitted statsmodels model .*, not dict"):
        fits.fit_problem({})
