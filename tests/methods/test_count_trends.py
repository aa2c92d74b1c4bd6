"""book.methods.count_trends against independent computations (statsmodels formulas and GLMs, a direct
NB2 likelihood, Poisson score equations, hand-computed control charts), its invariances under row order,
and its refusals of bad input, each naming its culprit."""
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings, strategies as st
from scipy import optimize, special, stats
from statsmodels.stats import rates as sm_rates

from book.methods import count_trends as ct
from book.methods import intervals as iv

FAST = settings(derandomize=True, deadline=None, max_examples=25)
Z = stats.norm.ppf(0.975)
P3 = pd.CategoricalDtype(["p1", "p2", "p3"], ordered=True)


def _units(seed=5, periods=("p1", "p2", "p3"), rates=(0.3, 0.25, 0.15), alpha=0.8, n=40):
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n):
        f = rng.gamma(1 / alpha, alpha)
        for p, r in zip(periods, rates):
            e = float(rng.integers(3, 9))
            rows.append({"unit": f"u{u}", "period": p, "exposure": e, "count": int(rng.poisson(r * e * f))})
    out = pd.DataFrame(rows)
    return out.assign(period=out["period"].astype(pd.CategoricalDtype(list(periods), ordered=True)))


def _glm(df, formula="count ~ C(period)", **fit):
    return smf.glm(formula, data=df, offset=np.log(df["exposure"]), family=sm.families.Poisson()).fit(**fit)


# --- equal to independent computations -------------------------------------------------------------------

def test_two_period_poisson_equals_the_closed_form_mle():
    df = _units(periods=("a", "b"), rates=(0.3, 0.2))
    out = ct.count_trend(df, unit="unit").set_index(["model", "term"])
    tot = df.groupby("period", observed=True)[["count", "exposure"]].sum()
    rr = (tot.at["b", "count"] / tot.at["b", "exposure"]) / (tot.at["a", "count"] / tot.at["a", "exposure"])
    se = np.sqrt(1 / tot.at["a", "count"] + 1 / tot.at["b", "count"])
    for term in ("trend", "b"):  # with two periods the trend (a GLM fit) is the contrast (closed form)
        row = out.loc[("poisson", term)]
        assert row["rate_ratio"] == pytest.approx(rr, rel=1e-6)
        assert row["ci_low"] == pytest.approx(rr * np.exp(-Z * se), rel=1e-6)
        assert row["ci_high"] == pytest.approx(rr * np.exp(Z * se), rel=1e-6)


def test_period_rows_dispersion_and_lr_test_equal_statsmodels():
    df = _units()
    out = ct.count_trend(df, unit="unit").set_index(["model", "term"])
    glm = _glm(df)
    for p in ("p2", "p3"):
        assert out.loc[("poisson", p), "rate_ratio"] == pytest.approx(np.exp(glm.params[f"C(period)[T.{p}]"]), rel=1e-6)
        assert out.loc[("poisson", p), "p"] == pytest.approx(glm.pvalues[f"C(period)[T.{p}]"], rel=1e-5)
    assert out["dispersion"].iloc[0] == pytest.approx(glm.pearson_chi2 / glm.df_resid, rel=1e-6)
    nb = smf.negativebinomial("count ~ C(period)", data=df, exposure=df["exposure"]).fit(
        method="newton", start_params=np.append(glm.params, 0.5), disp=False)
    lr = 2 * (nb.llf - glm.llf)
    row = out.loc[("negative_binomial", "p2")]
    assert row["lr_stat"] == pytest.approx(lr, rel=1e-6)
    assert row["lr_p"] == pytest.approx(0.5 * stats.chi2.sf(lr, 1), rel=1e-5)
    assert row["nb_alpha"] == pytest.approx(nb.params["alpha"], rel=1e-6)
    assert row["lr_p"] < ct.OVERDISPERSION_LEVEL and row["preferred"] and row["nb_status"] == "fitted"
    assert not out.loc[("poisson", "p2"), "preferred"]


def test_clustered_rows_equal_a_statsmodels_clustered_glm():
    df = _units(seed=3)
    out = ct.count_trend(df, unit="unit").set_index(["model", "term"])
    ref = _glm(df, cov_type="cluster", cov_kwds={"groups": pd.factorize(df["unit"])[0]})
    lo, hi = np.exp(ref.conf_int().loc["C(period)[T.p3]"])
    assert (out.loc[("poisson_cluster", "p3"), "ci_low"], out.loc[("poisson_cluster", "p3"), "ci_high"]) == \
        pytest.approx((lo, hi), rel=1e-6)


def test_nb2_score_at_zero_is_the_slope_of_the_nb2_likelihood_at_alpha_zero():
    df = _units()
    glm = _glm(df)
    y, mu = df["count"].to_numpy(), glm.fittedvalues.to_numpy()

    def nb2_loglike(alpha):
        return stats.nbinom.logpmf(y, 1 / alpha, 1 / (1 + alpha * mu)).sum()

    h = 1e-3  # Richardson's extrapolation of one-sided differences (the likelihood needs alpha > 0)
    gain = [nb2_loglike(a) - glm.llf for a in (h, 2 * h)]
    assert ct.nb2_score_at_zero(y, mu) == pytest.approx((4 * gain[0] - gain[1]) / (2 * h), rel=1e-3)


def test_trend_on_totals_solves_the_poisson_score_equations():
    y, e, t = np.array([62.0, 56, 26]), np.array([292.0, 258, 243]), np.arange(3.0)

    def score(b):
        mu = e * np.exp(b[0] + b[1] * t)
        return [np.sum(y - mu), np.sum(t * (y - mu))]

    b = optimize.root(score, [np.log(y.sum() / e.sum()), 0.0], tol=1e-12).x
    mu = e * np.exp(b[0] + b[1] * t)
    info = np.array([[mu.sum(), (t * mu).sum()], [(t * mu).sum(), (t * t * mu).sum()]])
    se = np.sqrt(np.linalg.inv(info)[1, 1])
    table = pd.DataFrame({"period": [1, 2, 3], "count": y.astype(int), "exposure": e})
    row = ct.count_trend(table).query("term == 'trend'").iloc[0]
    assert row["rate_ratio"] == pytest.approx(np.exp(b[1]), rel=1e-6)
    assert row["ci_high"] == pytest.approx(np.exp(b[1] + Z * se), rel=1e-5)
    assert row["dispersion"] == pytest.approx(np.sum((y - mu) ** 2 / mu), rel=1e-6)  # 1 df
    assert row["dispersion_df"] == 1


def test_negative_binomial_equals_a_direct_maximum_likelihood_fit():
    df = _units(seed=11)
    t = df["period"].cat.codes.to_numpy(float)
    y, e = df["count"].to_numpy(float), df["exposure"].to_numpy()

    def nll(theta):
        a, b, log_alpha = theta
        mu, r = e * np.exp(a + b * t), np.exp(-log_alpha)
        return -np.sum(special.gammaln(y + r) - special.gammaln(r) - special.gammaln(y + 1)
                       + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)))

    fit = optimize.minimize(nll, [np.log(0.2), 0.0, np.log(0.5)], method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 20000})
    row = ct.count_trend(df, unit="unit").set_index(["model", "term"]).loc[("negative_binomial", "trend")]
    assert row["rate_ratio"] == pytest.approx(np.exp(fit.x[1]), rel=1e-4)
    assert row["nb_alpha"] == pytest.approx(np.exp(fit.x[2]), rel=1e-3)


def test_within_unit_rate_ratios_equal_poisson_with_unit_dummies():
    df = _units(seed=8)
    df.loc[df["unit"] == "u3", "count"] = 0  # a unit without events is excluded and counted
    out = ct.within_unit_rate_ratios(df).set_index("term")
    used = df[df.groupby("unit")["count"].transform("sum") > 0]
    glm = _glm(used, "count ~ C(period) + C(unit)")
    ci = glm.conf_int()
    for p in ("p2", "p3"):
        name = f"C(period)[T.{p}]"
        assert out.at[p, "rate_ratio"] == pytest.approx(np.exp(glm.params[name]), rel=1e-6)
        assert out.at[p, "ci_low"] == pytest.approx(np.exp(ci.at[name, 0]), rel=1e-5)
    n_zero = int((df.groupby("unit")["count"].sum() == 0).sum())
    assert n_zero >= 1 and out["n_units_excluded"].iloc[0] == n_zero
    assert out["n_units"].iloc[0] == df["unit"].nunique() - n_zero
    assert {"unit": "u3", "reason": "no events (no within-unit information)"} in out.attrs["excluded"]


def test_conditional_poisson_for_many_tables_equals_one_at_a_time():
    rng = np.random.default_rng(2)
    m = rng.integers(1, 5, (30, 3)).astype(float)
    y = rng.poisson(0.4 * m[None] * rng.gamma(2, 0.5, (4, 30, 1)))
    theta, se, ok = ct.conditional_poisson(y, np.broadcast_to(m, y.shape))
    for s in range(4):
        one, one_se, _ = ct.conditional_poisson(y[s][None], m[None])
        assert theta[s] == pytest.approx(one[0], rel=1e-9) and se[s] == pytest.approx(one_se[0], rel=1e-9)
    y[1, :, 2] = 0  # a period with no events: no estimate, reported as not converged
    theta, se, ok = ct.conditional_poisson(y, np.broadcast_to(m, y.shape))
    assert not ok[1] and np.isnan(theta[1]).all() and ok[[0, 2, 3]].all()


def test_exact_rate_ratio_agrees_with_statsmodels_and_clopper_pearson():
    out = ct.exact_rate_ratio(62, 292, 26, 243).iloc[0]
    ref = sm_rates.test_poisson_2indep(26, 243, 62, 292, method="exact-cond")
    assert out["p"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert out["rate_ratio"] == pytest.approx(ref.ratio)
    # the interval's ends are where one tail of the conditional binomial is 2.5%
    share = lambda rr: rr * 243 / (rr * 243 + 292)  # noqa: E731
    assert stats.binom.sf(25, 88, share(out["ci_low"])) == pytest.approx(0.025, rel=1e-6)
    assert stats.binom.cdf(26, 88, share(out["ci_high"])) == pytest.approx(0.025, rel=1e-6)


def test_control_chart_limits_and_run_rules_by_hand():
    counts = [9, 8, 9, 10, 9, 8, 9, 3, 2, 2, 1, 2, 1, 2, 30]
    df = pd.DataFrame({"period": range(15), "count": counts, "exposure": [10.0] * 15})
    out = ct.control_chart(df)
    u = sum(counts) / 150
    assert out["centre"].iloc[0] == pytest.approx(u)
    assert out["ucl"].iloc[0] == pytest.approx(u + 3 * np.sqrt(u / 10))
    assert out["outside"].tolist() == [False] * 14 + [True]
    assert out["shift"].tolist() == [True] * 14 + [False]  # seven above, then seven below the centre line
    assert not out["trend"].any()
    falling = ct.control_chart(pd.DataFrame({"period": range(8), "count": [20, 18, 15, 13, 11, 9, 7, 9]}),
                               exposure=None)
    assert falling["trend"].tolist() == [True] * 7 + [False]
    assert falling["ucl"].iloc[0] == pytest.approx(102 / 8 + 3 * np.sqrt(102 / 8))


def test_control_chart_baseline_takes_the_centre_from_the_first_periods_only():
    df = pd.DataFrame({"period": range(10), "count": [5] * 6 + [1] * 4, "exposure": 10.0})
    out = ct.control_chart(df, baseline=6)
    assert out["centre"].iloc[0] == pytest.approx(0.5)
    assert out["phase"].tolist() == ["baseline"] * 6 + ["monitored"] * 4


# --- falls: less variable than Poisson counts ---------------------------------------------------------------

FALLS = pd.DataFrame({
    "unit": list("AAABBBCCCDDD"), "period": [1, 2, 3] * 4, "count": [12, 10, 6, 7, 9, 4, 15, 11, 9, 5, 6, 2],
    "exposure": [2600.0, 2550, 2480, 1900, 1950, 1700, 3100, 3050, 2900, 1500, 1520, 1400]})


def test_count_trend_on_underdispersed_counts_fits_no_negative_binomial_and_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the boundary fit used to write a HessianInversionWarning
        out = ct.count_trend(FALLS, unit="unit")
    assert out["dispersion"].iloc[0] == pytest.approx(0.241, abs=5e-4)
    assert "negative_binomial" not in set(out["model"])
    assert (out["nb_status"] == "not overdispersed: NB2 is Poisson").all()
    assert (out["lr_stat"] == 0).all() and (out["lr_p"] == 1).all()
    assert out.loc[out["preferred"], "model"].eq("poisson").all() and out["preferred"].sum() == 3
    assert ct.preferred_row(out, "trend")["rate_ratio"] == pytest.approx(0.777, abs=5e-4)


def test_count_trend_reports_an_nb2_fit_on_the_boundary_as_not_identified():
    # barely overdispersed: the NB2 score at alpha = 0 is positive but alpha-hat is ~2e-5, where the
    # alpha-alpha element of the Hessian is rounding noise
    table = pd.DataFrame({"period": np.repeat([1, 2, 3], 4), "unit": list("wxyz") * 3,
                          "exposure": 10.0, "count": [7, 6, 2, 3, 6, 5, 3, 2, 5, 6, 3, 0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fits = ct.fit_count_models(table, unit="unit")
        out = ct.summarise_count_models(fits)
    assert fits["negbin_trend"] is None
    assert fits["negbin_trend_status"].startswith("not identified: alpha at the boundary 0")
    assert fits["negbin_period_status"] == "not overdispersed: NB2 is Poisson"
    assert "negative_binomial" not in set(out["model"])
    assert out.loc[out["term"] == "trend", "lr_p"].isna().all()
    assert ct.preferred_row(out, "trend")["model"] == "poisson"
    with pytest.raises(KeyError, match="no single preferred row for term 'd'"):
        ct.preferred_row(out, "d")


# --- periods in their natural order, and their spacing -----------------------------------------------------

def test_an_ordered_categorical_keeps_its_order_not_the_alphabet():
    months = ["Jan", "Feb", "Mar", "Apr", "May"]
    df = pd.DataFrame({"period": pd.Categorical(months, categories=months, ordered=True),
                       "count": [30, 28, 27, 25, 24], "exposure": 100.0})
    out = ct.count_trend(df)
    glm = sm.GLM(df["count"], sm.add_constant(np.arange(5.0)), family=sm.families.Poisson(),
                 offset=np.log(df["exposure"])).fit()
    assert ct.preferred_row(out, "trend")["rate_ratio"] == pytest.approx(np.exp(glm.params.iloc[1]), rel=1e-6)
    assert out.loc[out["term"] != "trend", "contrast"].eq("vs Jan").all()
    assert out.attrs["periods"] == months


def test_month_names_and_labels_without_an_order_are_refused():
    df = pd.DataFrame({"period": ["Jan", "Feb", "Mar"], "count": [3, 2, 1], "exposure": 10.0})
    with pytest.raises(ValueError, match="month names"):
        ct.count_trend(df)
    with pytest.raises(ValueError, match="no natural order"):
        ct.count_trend(df.assign(period=["2024 Q1", "2024 Q2", "2024 Q3"]))
    with pytest.raises(ValueError, match="unordered Categorical"):
        ct.count_trend(df.assign(period=pd.Categorical(["a", "b", "c"])))


def test_numeric_text_periods_sort_as_numbers_and_dates_as_dates():
    base = pd.DataFrame({"count": [5, 9, 7, 4], "exposure": 10.0})
    as_text = ct.period_rates(base.assign(period=["9", "10", "11", "12"]))
    assert as_text["period"].tolist() == ["9", "10", "11", "12"]
    months = ct.period_rates(base.assign(period=["2024-1", "2024-10", "2024-2", "2024-11"]))
    assert months["count"].tolist() == [5, 7, 9, 4]  # January, February, October, November


def test_a_missing_period_is_a_gap_in_time_and_the_spacing_is_reported():
    q = pd.PeriodIndex(["2024Q1", "2024Q2", "2024Q4"], freq="Q")
    df = pd.DataFrame({"period": q, "count": [40, 36, 27], "exposure": 100.0})
    out = ct.count_trend(df)
    assert out.attrs["time"] == {"2024Q1": 0.0, "2024Q2": 1.0, "2024Q4": 3.0}
    assert out.attrs["spacing"].startswith("unequal") and "quarter" in out.attrs["spacing"]
    glm = sm.GLM(df["count"], sm.add_constant([0.0, 1.0, 3.0]), family=sm.families.Poisson(),
                 offset=np.log(df["exposure"])).fit()
    trend = ct.preferred_row(out, "trend")
    assert trend["contrast"] == "per quarter" and trend["rate_ratio"] == pytest.approx(np.exp(glm.params.iloc[1]), rel=1e-6)
    # an ordered Categorical with an unused category in between: a gap too
    cat = pd.Categorical(["a", "b", "d"], categories=list("abcd"), ordered=True)
    assert ct.count_trend(df.assign(period=cat)).attrs["time"] == {"a": 0.0, "b": 1.0, "d": 3.0}


def test_an_explicit_time_column_is_used_and_checked():
    df = pd.DataFrame({"period": [1, 2, 3], "t": [0.0, 0.5, 2.0], "count": [40, 36, 27], "exposure": 100.0})
    out = ct.count_trend(df, time="t")
    assert out.attrs["time"] == {"1": 0.0, "2": 0.5, "3": 2.0}
    with pytest.raises(ValueError, match="must rise with the periods' order"):
        ct.count_trend(df.assign(t=[2.0, 1.0, 0.0]), time="t")


# --- what a reader's table holds ------------------------------------------------------------------------

def test_missing_counts_and_exposures_are_left_out_and_listed():
    df = _units(n=6)
    df.loc[2, "count"] = np.nan
    df.loc[5, "exposure"] = np.nan
    out = ct.count_trend(df, unit="unit")
    assert out.attrs["n_excluded"] == 2 and out["n_rows"].iloc[0] == len(df) - 2
    assert [e["row"] for e in out.attrs["excluded"]] == [2, 5]
    assert "missing exposure" in out.attrs["excluded"][1]["reason"]


def test_pandas_nullable_numbers_are_read_as_numbers():
    df = _units(n=8)
    nullable = df.assign(count=df["count"].astype("Int64"), exposure=df["exposure"].astype("Float64"))
    a = ct.count_trend(df, unit="unit")
    b = ct.count_trend(nullable, unit="unit")
    pd.testing.assert_frame_equal(a, b)


def test_exposure_none_means_one_per_row():
    df = _units(n=8)
    a = ct.count_trend(df.drop(columns="exposure"), exposure=None, unit="unit")
    b = ct.count_trend(df.assign(exposure=1.0), unit="unit")
    pd.testing.assert_frame_equal(a, b)


def test_the_falls_table_warns_nothing_and_its_rates_are_exact_garwood():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rates = ct.period_rates(FALLS)
    k = rates["count"].to_numpy()
    assert rates["ci_high"].to_numpy() == pytest.approx(stats.chi2.ppf(0.975, 2 * (k + 1)) / 2 / rates["exposure"])


BAD = [
    (lambda d: d.assign(count=d["count"].where(d.index != 2, -1)), ValueError, r"'count' must be at least 0; found -1"),
    (lambda d: d.assign(count=d["count"].astype(float).where(d.index != 2, 1.5)), ValueError, "whole numbers; found 1.5"),
    (lambda d: d.assign(exposure=d["exposure"].where(d.index != 4, 0.0)), ValueError, "must be positive; found 0.0 in row 4"),
    (lambda d: d.assign(exposure=d["exposure"].where(d.index != 4, np.inf)), ValueError, "infinite value"),
    (lambda d: d.drop(columns="exposure"), KeyError, r"no column\(s\) \['exposure'\]"),
    (lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True), ValueError, "share a unit and period"),
    (lambda d: d.assign(count=d["count"].astype(object).where(d.index != 1, "n/a")), ValueError, "first 'n/a' in row 1"),
    (lambda d: d[d["period"] == "p1"], ValueError, "at least 2 periods"),
    (lambda d: d.assign(unit=d["unit"].where(d.index != 3, None)), ValueError, "unit column 'unit' has 1 missing"),
    (lambda d: d.assign(unit=d["unit"].astype(object).where(d.index != 3, 7)), ValueError, "mixes number and str"),
    (lambda d: d.assign(period=d["period"].astype(object).where(d.index != 3, 2)), ValueError, "mixes number and str"),
    (lambda d: pd.concat([d, d[["count"]]], axis=1), ValueError, "two columns named 'count'"),
    (lambda d: d.to_dict(), ValueError, "must be a pandas DataFrame, not dict"),
]


@pytest.mark.parametrize("change, error, match", BAD)
def test_count_trend_refuses_bad_input_by_name(change, error, match):
    with pytest.raises(error, match=match):
        ct.count_trend(change(_units(n=5)), unit="unit")


def test_bad_arguments_are_refused_by_name():
    df = _units(n=5)
    for kwargs, match in ((dict(alpha=5), "alpha must be a number strictly between 0 and 1"),
                          (dict(level=0), "level must be"), (dict(count=["count"]), "count must name one column"),
                          (dict(unit="unit", period="unit"), "given for two different roles")):
        with pytest.raises(ValueError, match=match):
            ct.count_trend(df, **{"unit": "unit", **kwargs})
    with pytest.raises(ValueError, match="needs unit="):
        ct.within_unit_rate_ratios(df, unit=None)
    for kwargs, match in ((dict(shift_length=0), "shift_length must be a whole number of at least 2"),
                          (dict(trend_length=1.5), "trend_length must be"), (dict(baseline=1), "baseline must"),
                          (dict(laney="yes"), "laney must be True or False")):
        with pytest.raises(ValueError, match=match):
            ct.control_chart(FALLS.groupby("period", as_index=False)[["count", "exposure"]].sum(), **kwargs)


def test_exact_rate_ratio_refuses_bad_arguments_by_name():
    for kwargs, match in ((dict(count_1=-3), "count_1 must be a whole number"),
                          (dict(count_2=2.5), "count_2 must be a whole number"),
                          (dict(exposure_2="243"), "exposure_2 must be a positive number, not '243'"),
                          (dict(exposure_1=np.inf), "exposure_1 must be a positive number"),
                          (dict(alpha=5), "alpha must be a number strictly between 0 and 1"),
                          (dict(count_1=0, count_2=0), "both 0")):
        with pytest.raises(ValueError, match=match):
            ct.exact_rate_ratio(**{**dict(count_1=62, exposure_1=292, count_2=26, exposure_2=243), **kwargs})


def test_a_period_without_events_is_refused_with_the_exact_test_suggested():
    table = pd.DataFrame({"period": [1, 2, 3], "count": [4, 0, 3], "exposure": [10.0, 10, 10]})
    with pytest.raises(ValueError, match="period '2' has no events"):
        ct.count_trend(table)
    with pytest.raises(ValueError, match=r"share a period \(give unit="):
        ct.count_trend(_units(n=3))


# --- properties --------------------------------------------------------------------------------------------

tables = st.integers(0, 10_000).map(lambda s: _units(seed=s, n=12, alpha=1e-6))


@FAST
@given(tables, st.randoms(use_true_random=False))
def test_a_permutation_of_rows_changes_nothing(df, rnd):
    order = list(range(len(df)))
    rnd.shuffle(order)
    a = ct.count_trend(df, unit="unit")
    b = ct.count_trend(df.iloc[order].reset_index(drop=True), unit="unit")
    cols = ["model", "term", "rate_ratio", "ci_low", "ci_high", "dispersion", "lr_stat", "preferred"]
    pd.testing.assert_frame_equal(a[cols], b[cols], rtol=1e-6)


@FAST
@given(tables)
def test_poisson_rows_equal_a_statsmodels_formula_fit(df):
    if (df.groupby("period", observed=True)["count"].sum() == 0).any():
        return  # refused, tested elsewhere
    out = ct.count_trend(df, unit="unit").set_index(["model", "term"])
    glm = smf.glm("count ~ t", data=df.assign(t=df["period"].cat.codes), offset=np.log(df["exposure"]),
                  family=sm.families.Poisson()).fit()
    assert out.loc[("poisson", "trend"), "rate_ratio"] == pytest.approx(np.exp(glm.params["t"]), rel=1e-6)
    within = ct.within_unit_rate_ratios(df)
    used = df[df.groupby("unit")["count"].transform("sum") > 0]
    fe = _glm(used, "count ~ C(period) + C(unit)")
    assert within.set_index("term").at["p3", "rate_ratio"] == pytest.approx(np.exp(fe.params["C(period)[T.p3]"]),
                                                                          rel=1e-5)


@pytest.mark.parametrize("k1, e1, k2, e2", [(3, 10.0, 7, 12.5), (0, 5.0, 4, 5.0), (9, 200.0, 0, 1.5)])
def test_exact_rate_ratio_is_the_one_row_of_rate_ratio_arrays(k1, e1, k2, e2):
    # the statistic itself is tested against statsmodels in test_intervals.py
    pd.testing.assert_frame_equal(ct.exact_rate_ratio(k1, e1, k2, e2), iv.rate_ratio_arrays([k1], [e1], [k2], [e2]))
