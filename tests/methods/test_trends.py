"""change_table and period_summary: agreement with scipy on unseen data, exclusions, and refusals."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from book import change_table, period_summary
from book.methods.trends import stars


def _random_long(seed: int, n_units: int = 40, periods=(2019, 2020, 2021), items=("a", "b")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for item in items:
        base = rng.normal(3, 0.3, n_units)
        for k, p in enumerate(periods):
            vals = base + 0.05 * k + rng.normal(0, 0.1, n_units)
            rows += [{"org": f"U{u:02d}", "wave": p, "q": item, "score": v} for u, v in enumerate(vals)]
    return pd.DataFrame(rows)


def test_matches_scipy_ttest_rel_on_complete_units():
    data = _random_long(7)
    # three units miss one wave of item "a": they must be excluded from both of its pairs
    drop = (data["q"] == "a") & data["org"].isin(["U01", "U02", "U03"]) & (data["wave"] == 2020)
    data = data[~drop]
    out = change_table(data, unit="org", period="wave", item="q", value="score")
    assert list(out[["item", "period_from", "period_to"]].itertuples(index=False, name=None)) == [
        ("a", 2019, 2020), ("a", 2020, 2021), ("b", 2019, 2020), ("b", 2020, 2021)]
    wide = data.pivot_table(index=["q", "org"], columns="wave", values="score")
    for rec in out.to_dict("records"):
        w = wide.loc[rec["item"]].dropna()
        x, y = w[rec["period_from"]], w[rec["period_to"]]
        ref = stats.ttest_rel(y, x)
        assert rec["t"] == pytest.approx(ref.statistic, rel=1e-12)
        assert rec["p"] == pytest.approx(ref.pvalue, rel=1e-12)
        assert rec["change"] == pytest.approx((y - x).mean(), rel=1e-12)
        assert rec["cohen_dz"] == pytest.approx((y - x).mean() / (y - x).std(ddof=1), rel=1e-12)
        assert rec["sd_from"] == pytest.approx(x.std(ddof=1), rel=1e-12)
        assert rec["stars"] == stars(ref.pvalue)
        assert rec["n_units"] == len(w)
    assert out.loc[out["item"] == "a", "n_excluded"].tolist() == [3, 3]
    assert out.loc[out["item"] == "b", "n_excluded"].tolist() == [0, 0]
    assert out.loc[out["item"] == "a", "n_units"].tolist() == [37, 37]


def test_default_column_names_are_the_books():
    data = _random_long(1)
    explicit = change_table(data, unit="org", period="wave", item="q", value="score")
    default = change_table(data.rename(columns={"org": "trust_id", "wave": "year", "q": "item", "score": "value"}))
    pd.testing.assert_frame_equal(default, explicit)
    first = default.iloc[0]
    assert (first["item"], first["period_from"], first["period_to"], first["n_units"], first["n_excluded"]) == (
        "a", 2019, 2020, 40, 0)
    assert first["mean_to"] - first["mean_from"] == pytest.approx(first["change"])


def test_nan_value_counts_as_missing_period():
    data = _random_long(3, items=("a",))
    data.loc[(data["org"] == "U05") & (data["wave"] == 2021), "score"] = np.nan
    out = change_table(data, unit="org", period="wave", item="q", value="score")
    assert out["n_excluded"].tolist() == [1, 1]


def test_stars_follow_the_paper():
    assert [stars(p) for p in (0.0099, 0.01, 0.049, 0.05, 0.5)] == ["**", "*", "*", "", ""]


def test_period_summary_uses_the_same_units_and_a_t_interval():
    data = _random_long(11, items=("a",))
    data = data[~((data["org"] == "U00") & (data["wave"] == 2019))]
    out = period_summary(data, unit="org", period="wave", item="q", value="score")
    assert out["n_units"].eq(39).all()
    x = data[(data["wave"] == 2020) & (data["org"] != "U00")]["score"]
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    rec = out[out["period"] == 2020].iloc[0]
    assert rec["ci_low"] == pytest.approx(lo) and rec["ci_high"] == pytest.approx(hi)


KW = dict(unit="org", period="wave", item="q", value="score")


def test_refuses_duplicate_unit_period_item():
    data = _random_long(2)
    with pytest.raises(ValueError, match=r"duplicate a org-wave-q combination, first org='U00', wave=2019"):
        change_table(pd.concat([data, data.iloc[[0]]]), **KW)


def test_refuses_non_numeric_values():
    data = _random_long(2).astype({"score": object})
    data.loc[5, "score"] = "n/a"
    with pytest.raises(ValueError, match=r"column 'score' has 1 non-numeric value\(s\), first 'n/a'"):
        change_table(data, **KW)


def test_refuses_missing_columns():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['trust_id', 'year', 'item', 'value'\]"):
        change_table(_random_long(2))


def test_refuses_a_single_period():
    data = _random_long(2, periods=(2020,))
    with pytest.raises(ValueError, match="needs at least two periods"):
        change_table(data, **KW)


def test_refuses_item_without_two_complete_units():
    data = _random_long(2, n_units=3, items=("a",))
    data = data[~(data["org"].isin(["U00", "U01"]) & (data["wave"] == 2021))]
    with pytest.raises(ValueError, match="item 'a' has 1 unit"):
        change_table(data, **KW)


def test_refuses_non_dataframe():
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        change_table([1, 2, 3])
