"""change_table, trend_change and period_summary: agreement with scipy on any valid table (property
tests), invariance to row order and to how periods are written, exclusions counted, and refusals that
name their culprit (the faults a review found on readers' tables among them)."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as hs
from scipy import stats

from book.methods.trends import change_table, period_summary, stars, trend_change

KW = dict(unit="org", period="wave", item="q", value="score")
PROPERTY = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _random_long(seed: int, n_units: int = 40, periods=(2019, 2020, 2021), items=("a", "b")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for item in items:
        base = rng.normal(3, 0.3, n_units)
        for k, p in enumerate(periods):
            vals = base + 0.05 * k + rng.normal(0, 0.1, n_units)
            rows += [{"org": f"U{u:02d}", "wave": p, "q": item, "score": v} for u, v in enumerate(vals)]
    return pd.DataFrame(rows)


@hs.composite
def long_tables(draw):
    """Small long tables of units x periods x items, scores on a 0.01 grid, some scores missing."""
    n_units = draw(hs.integers(4, 12))
    n_periods = draw(hs.integers(2, 4))
    items = draw(hs.sampled_from([("a",), ("a", "b")]))
    rows = []
    for item in items:
        for u in range(n_units):
            for k in range(n_periods):
                score = draw(hs.integers(100, 500)) / 100
                if draw(hs.integers(0, 9)) == 0:
                    score = math.nan
                rows.append({"org": f"T{u}", "wave": 2010 + k, "q": item, "score": score})
    return pd.DataFrame(rows)


def _reference(data: pd.DataFrame, use: str = "complete"):
    """The same comparisons computed independently: pandas pivot_table, then scipy's paired t-test."""
    out = []
    for item, sub in data.groupby("q"):
        wide = sub.pivot_table(index="org", columns="wave", values="score", dropna=False)
        full = wide.dropna()
        waves = sorted(sub["wave"].unique())
        for a, b in zip(waves[:-1], waves[1:]):
            both = full if use == "complete" else wide[[a, b]].dropna()
            out.append((item, a, b, both[a].to_numpy(), both[b].to_numpy()))
    return out


def _well_posed(data, use="complete") -> bool:
    for _, _, _, x, y in _reference(data, use):
        if len(x) < 2 or np.ptp(np.round(y - x, 9)) == 0:
            return False
    return True


@PROPERTY
@given(long_tables(), hs.sampled_from(["complete", "pairwise"]))
def test_change_table_equals_scipy_on_any_valid_table(data, use):
    assume(_well_posed(data, use))
    out = change_table(data, use=use, **KW)
    ref = _reference(data, use)
    assert len(out) == len(ref)
    for rec, (item, a, b, x, y) in zip(out.to_dict("records"), ref):
        res = stats.ttest_rel(y, x)
        assert (rec["item"], rec["period_from"], rec["period_to"], rec["n_units"]) == (item, a, b, len(x))
        assert rec["t"] == pytest.approx(res.statistic, rel=1e-9)
        assert rec["p"] == pytest.approx(res.pvalue, rel=1e-9, abs=1e-300)
        assert rec["change"] == pytest.approx((y - x).mean(), rel=1e-12, abs=1e-12)
        ci = res.confidence_interval(0.95)
        assert (rec["ci_low"], rec["ci_high"]) == (pytest.approx(ci.low, abs=1e-12), pytest.approx(ci.high, abs=1e-12))
        assert rec["stars"] == stars(res.pvalue)


@PROPERTY
@given(long_tables(), hs.randoms(use_true_random=False))
def test_a_permutation_of_rows_changes_nothing(data, rnd):
    assume(_well_posed(data))
    order = list(range(len(data)))
    rnd.shuffle(order)
    shuffled = data.iloc[order]
    pd.testing.assert_frame_equal(change_table(shuffled, **KW), change_table(data, **KW), check_exact=True)
    pd.testing.assert_frame_equal(period_summary(shuffled, **KW), period_summary(data, **KW), check_exact=True)


@PROPERTY
@given(long_tables())
def test_trend_change_is_a_t_test_of_second_differences(data):
    waves = sorted(data["wave"].unique())
    assume(len(waves) >= 3)
    for item, sub in data.groupby("q"):
        w = sub.pivot_table(index="org", columns="wave", values="score", dropna=False)[waves[:3]].dropna()
        assume(len(w) >= 2 and np.ptp(np.round((w[waves[2]] - 2 * w[waves[1]] + w[waves[0]]).to_numpy(), 9)) > 0)
    out = trend_change(data, **KW)
    for item, sub in data.groupby("q"):
        w = sub.pivot_table(index="org", columns="wave", values="score", dropna=False)[waves[:3]].dropna()
        d1, d2 = w[waves[1]] - w[waves[0]], w[waves[2]] - w[waves[1]]
        ref = stats.ttest_rel(d2, d1)   # the same test, written as a paired test of the two changes
        rec = out[(out["item"] == item) & (out["period_1"] == waves[0])].iloc[0]
        assert rec["t"] == pytest.approx(ref.statistic, rel=1e-9)
        assert rec["change_in_change"] == pytest.approx((d2 - d1).mean(), abs=1e-12)


def test_period_summary_uses_the_same_units_and_a_t_interval():
    data = _random_long(11, items=("a",))
    data = data[~((data["org"] == "U00") & (data["wave"] == 2019))]
    out = period_summary(data, **KW)
    assert out["n_units"].eq(39).all()
    x = data[(data["wave"] == 2020) & (data["org"] != "U00")]["score"]
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    rec = out[out["period"] == 2020].iloc[0]
    assert rec["ci_low"] == pytest.approx(lo) and rec["ci_high"] == pytest.approx(hi)
    assert out.attrs["n_excluded"] == 1 and out.attrs["excluded"] == [{"item": "a", "unit": "U00", "missing": [2019]}]
    available = period_summary(data, use="available", **KW)
    assert available.set_index("period")["n_units"].to_dict() == {2019: 39, 2020: 40, 2021: 40}


def test_complete_case_exclusions_are_counted_by_unit_and_pair():
    data = _random_long(7)
    drop = (data["q"] == "a") & data["org"].isin(["U01", "U02", "U03"]) & (data["wave"] == 2020)
    out = change_table(data[~drop], **KW)
    assert out.loc[out["item"] == "a", ["n_units", "n_excluded"]].values.tolist() == [[37, 3], [37, 3]]
    assert out.loc[out["item"] == "b", "n_excluded"].tolist() == [0, 0]
    assert out.attrs["n_excluded"] == 3
    assert [e["unit"] for e in out.attrs["excluded"]] == ["U01", "U02", "U03"]
    # pairwise: a unit missing 2020 still counts in 2019-2021
    pw = change_table(data[~drop], use="pairwise", pairs="all", **KW).set_index(["item", "period_from", "period_to"])
    assert pw.loc[("a", 2019, 2021), "n_units"] == 40 and pw.loc[("a", 2019, 2020), "n_units"] == 37


def test_nan_and_blank_scores_count_as_missing_periods():
    data = _random_long(3, items=("a",)).astype({"score": object})
    data.loc[(data["org"] == "U05") & (data["wave"] == 2021), "score"] = np.nan
    data.loc[(data["org"] == "U06") & (data["wave"] == 2020), "score"] = "  "
    out = change_table(data, **KW)
    assert out["n_excluded"].tolist() == [2, 2]


def test_default_column_names_and_a_single_item():
    data = _random_long(1, items=("a",))
    default = change_table(data.rename(columns={"org": "trust_id", "wave": "year", "q": "item", "score": "value"}))
    explicit = change_table(data, **KW)
    pd.testing.assert_frame_equal(default, explicit)
    no_item = change_table(data.drop(columns="q"), unit="org", period="wave", item=None, value="score")
    assert no_item["item"].eq("score").all()
    assert no_item["t"].tolist() == explicit["t"].tolist()


@pytest.mark.parametrize("periods", [
    ["9", "10", "11"],                                          # text that reads as numbers, not '10' < '11' < '9'
    pd.Categorical(["early", "mid", "late"], ["early", "mid", "late"], ordered=True),
    pd.to_datetime(["2019-10-01", "2020-10-01", "2021-10-01"]),
    ["2019-10", "2020-10", "2021-10"],
], ids=["numeric-text", "ordered-categorical", "dates", "date-text"])
def test_periods_are_taken_in_their_natural_order(periods):
    data = _random_long(4, items=("a",))
    code = {2019: 0, 2020: 1, 2021: 2}
    data["wave"] = pd.Series(periods).take(data["wave"].map(code).to_numpy()).to_numpy()
    if isinstance(periods, pd.Categorical):
        data["wave"] = pd.Categorical(data["wave"], categories=periods.categories, ordered=True)
    ref = change_table(_random_long(4, items=("a",)), **KW)
    out = change_table(data, **KW)
    assert out["t"].tolist() == ref["t"].tolist()
    assert [str(p) for p in out["period_from"]] == [str(p) for p in list(pd.Series(periods))[:2]]


def test_unused_categories_and_nullable_dtypes_are_ordinary_input():
    data = _random_long(5)
    ref = change_table(data, **KW)
    cat = data.assign(q=pd.Categorical(data["q"], categories=["a", "b", "unused"]),
                      wave=pd.Categorical(data["wave"], categories=[2018, 2019, 2020, 2021], ordered=True))
    pd.testing.assert_frame_equal(change_table(cat, **KW).astype({"item": object}), ref, check_dtype=False)
    nullable = data.assign(score=data["score"].astype("Float64"), wave=data["wave"].astype("Int64"),
                           org=data["org"].astype("string"))
    assert change_table(nullable, **KW)["t"].tolist() == ref["t"].tolist()


def test_constant_periods_give_no_correlation_and_constant_changes_are_refused():
    data = _random_long(2, items=("a",), periods=(2019, 2020))
    data.loc[data["wave"] == 2019, "score"] = 3.9          # 3.9 everywhere: a float SD of ~1e-16, not 0
    out = change_table(data, **KW).iloc[0]
    assert math.isnan(out["r"]) and out["sd_from"] == 0.0 and np.isfinite(out["t"])
    both = data.assign(score=np.where(data["wave"] == 2019, 3.1, 3.3))   # every unit changes by 0.2
    with pytest.raises(ValueError, match=r"item 'a', 2019 to 2020: every unit changed by the same amount"):
        change_table(both, **KW)


def test_huge_scores_give_the_same_t_as_ordinary_ones():
    data = _random_long(9, items=("a",))
    ref = change_table(data, **KW)
    big = change_table(data.assign(score=data["score"] * 2.0**1000), **KW)   # about 1e301
    assert big["t"].tolist() == ref["t"].tolist() and np.isfinite(big["change"]).all()
    summary = period_summary(data.assign(score=data["score"] * 2.0**1000), **KW)
    assert (summary["sd"] / 2.0**1000).tolist() == period_summary(data, **KW)["sd"].tolist()
    assert trend_change(data.assign(score=data["score"] * 2.0**1000), **KW)["t"].tolist() == trend_change(data, **KW)["t"].tolist()


@pytest.mark.parametrize("mutate, error, message", [
    (lambda d: [1, 2, 3], ValueError, r"data must be a pandas DataFrame, not list"),
    (lambda d: d.iloc[:0], ValueError, r"data has no rows"),
    (lambda d: d.drop(columns="score"), KeyError, r"data has no column\(s\) \['score'\]"),
    (lambda d: pd.concat([d, d[["score"]]], axis=1), ValueError, r"two columns named 'score'"),
    (lambda d: d.assign(score=d["score"].where(d.index != 4, np.inf)), ValueError,
     r"column 'score' holds 1 infinite value\(s\), first in row 4"),
    (lambda d: d.astype({"score": object}).assign(score=lambda x: x["score"].where(x.index != 5, "n/a")), ValueError,
     r"column 'score' holds 1 value\(s\) that are not numbers, first 'n/a' in row 5"),
    (lambda d: d.assign(org=d["org"].where(d.index != 3, None)), ValueError,
     r"unit column 'org' has 1 missing value\(s\), first in row 3"),
    (lambda d: d.assign(wave=d["wave"].astype(float).where(d.index != 2, np.nan)), ValueError,
     r"period column 'wave' has 1 missing value\(s\), first in row 2"),
    (lambda d: d.astype({"wave": object}).assign(wave=lambda x: x["wave"].where(x.index != 0, "2019")), ValueError,
     r"column 'wave' mixes"),
    (lambda d: d.assign(wave=d["wave"].map({2019: "Jan", 2020: "Feb", 2021: "Mar"})), ValueError,
     r"period column 'wave' holds month names"),
    (lambda d: d.assign(wave=d["wave"].map({2019: "spring", 2020: "summer", 2021: "autumn"})), ValueError,
     r"no natural order"),
    (lambda d: d.assign(wave=pd.Categorical(d["wave"])), ValueError, r"unordered Categorical"),
    (lambda d: d[d["wave"] == 2020], ValueError, r"column 'wave' needs at least two periods to compare; found 1"),
    (lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True), ValueError,
     r"2 rows repeat a org-wave-q combination, first org='U00', wave=2019, q='a' \(row 0\)"),
])
def test_bad_input_is_refused_naming_its_culprit(mutate, error, message):
    with pytest.raises(error, match=message):
        change_table(mutate(_random_long(2)), **KW)


@pytest.mark.parametrize("kwargs, message", [
    (dict(level=95), r"level must be a number strictly between 0 and 1, not 95 \(write 0.95, not 95\)"),
    (dict(level=0), r"level must be a number strictly between 0 and 1, not 0"),
    (dict(use="available"), r"use must be one of \['complete', 'pairwise'\], not 'available'"),
    (dict(pairs="first"), r"pairs must be one of \['consecutive', 'all'\]"),
    (dict(unit=["org"]), r"unit must be one column name, not \['org'\]"),
    (dict(period="org"), r"column 'org' is given for two different roles"),
])
def test_bad_arguments_are_refused_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        change_table(_random_long(2), **{**KW, **kwargs})
    with pytest.raises(ValueError, match="level must be"):
        period_summary(_random_long(2), level=1.5, **KW)


def test_too_few_units_and_periods_are_refused():
    data = _random_long(2, n_units=3, items=("a",))
    data = data[~(data["org"].isin(["U00", "U01"]) & (data["wave"] == 2021))]
    with pytest.raises(ValueError, match=r"item 'a' has 1 unit\(s\) with a value in both 2019 and 2020 and every "
                                         r"other period; need at least 2"):
        change_table(data, **KW)
    with pytest.raises(ValueError, match="needs at least three periods for a change in trend"):
        trend_change(_random_long(2, periods=(2019, 2020)), **KW)


def test_stars_follow_the_paper():
    assert [stars(p) for p in (0.0099, 0.01, 0.049, 0.05, 0.5, math.nan)] == ["**", "*", "*", "", "", ""]


def test_no_warning_reaches_the_reader_on_ordinary_data(recwarn):
    data = _random_long(6)
    change_table(data, **KW)
    trend_change(data, **KW)
    period_summary(data, **KW)
    assert len(recwarn) == 0, [str(w.message) for w in recwarn]
