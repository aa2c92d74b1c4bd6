"""Change between survey waves: paired t-tests of units measured in two or more periods.

Works on any long table of units x periods x items, e.g. trust-level NHS Staff Survey item scores (one
row per trust, year and question). :func:`change_table` tests the change between periods,
:func:`trend_change` whether the change itself changed (a second difference), and
:func:`period_summary` gives each period's mean with its confidence interval.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from . import validation as v

#: Significance markers as printed in Tables 2 and 3 of the paper.
MARKERS = ((0.01, "**"), (0.05, "*"))
#: Spread below which a set of floats counts as one value: far above the last bits of a float, far
#: below any real difference between scores (relative to the largest score).
_RELATIVE_TIE = 1e-9


def stars(p: float) -> str:
    """The paper's marker for a p value: ``"**"`` p<0.01, ``"*"`` p<0.05, else ``""`` (also for NaN, a p
    that could not be computed). A p that is not a number, or lies outside [0, 1] (95 for 0.95, a
    negative), is refused: it would otherwise print a confident marker or none."""
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.number)):
        raise TypeError(f"p must be a number between 0 and 1, not {v.show(p)}")
    if not (math.isnan(p) or 0 <= p <= 1 + 1e-12):  # 1e-12: a p summed from tails may round just above 1
        raise ValueError(f"p must lie between 0 and 1, not {v.show(p)}")
    for cut, mark in MARKERS:
        if p < cut:
            return mark
    return ""


def _power_of_two(scale: float) -> float:
    """The power of two at or below ``scale`` (1 for 0): dividing by it is exact, and keeps squares of huge
    scores finite."""
    return 2.0 ** math.floor(math.log2(scale)) if scale > 0 else 1.0


def _varies(x: np.ndarray, scale: float) -> bool:
    """Whether ``x`` holds at least two different values (beyond floating-point noise)."""
    return len(x) > 1 and float(np.ptp(x)) > _RELATIVE_TIE * max(scale, 1e-300)


def _choice(value, allowed, arg: str) -> str:
    if value not in allowed:
        raise ValueError(f"{arg} must be one of {list(allowed)}, not {v.show(value)}")
    return value


def _long(data, unit, period, item, value) -> tuple[pd.DataFrame, list]:
    """The reader's table checked and reduced to ``_unit, _pos, _item, _value`` (``_pos``: the period's
    place in time order), with the periods in that order."""
    data = v.frame(data)
    for col, arg in ((unit, "unit"), (period, "period"), (value, "value")) + (((item, "item"),) if item is not None else ()):
        if isinstance(col, (list, tuple, set, dict)) or col is None:
            raise ValueError(f"{arg} must be one column name, not {v.show(col)}")
    cols = [unit, period] + ([item] if item is not None else []) + [value]
    v.columns(data, cols)
    for col, what in ((unit, "unit column"), (period, "period column")) + (((item, "item column"),) if item else ()):
        v.no_missing(data, col, what)
    for col in (unit,) + ((item,) if item else ()):
        v.one_type(data, col)
    periods = [p.item() if isinstance(p, np.generic) else p for p in v.ordered_periods(data[period], period)]
    if len(periods) < 2:
        raise ValueError(f"column {v.show(period)} needs at least two periods to compare; found {len(periods)}")
    position = {p: k for k, p in enumerate(periods)}
    df = pd.DataFrame({
        "_unit": pd.factorize(data[unit], sort=True)[0],  # sorted: a permutation of rows changes nothing
        "_pos": [position[p] for p in data[period]],
        "_item": data[item].to_numpy() if item else value,
        "_value": v.numeric(data, value).to_numpy(),
    })
    df.attrs["units"] = pd.factorize(data[unit], sort=True)[1]
    dup = df.duplicated(["_unit", "_pos", "_item"], keep=False).to_numpy()
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        rec = data.iloc[first]
        where = f"{unit}={v.show(rec[unit])}, {period}={v.show(rec[period])}" + (
            f", {item}={v.show(rec[item])}" if item else "")
        raise ValueError(f"{int(dup.sum())} rows repeat a {unit}-{period}" + (f"-{item}" if item else "")
                         + f" combination, first {where} (row {first}); keep one row for each")
    return df, periods


def _items(df: pd.DataFrame, item_col):
    """(item, wide units x periods table, largest |score|) for each item, items in their natural order."""
    groups = df.groupby("_item", sort=True, observed=True) if item_col else [(df["_item"].iat[0], df)]
    for name, sub in groups:
        wide = sub.pivot(index="_unit", columns="_pos", values="_value")
        scale = float(np.nanmax(np.abs(sub["_value"].to_numpy()))) if sub["_value"].notna().any() else 0.0
        yield name, wide, scale


def _excluded(wide: pd.DataFrame, name, periods, units) -> list[dict]:
    """One record per unit lacking a value in some period of this item (what ``use='complete'`` drops)."""
    gaps = wide.isna().to_numpy()
    return [{"item": name, "unit": units[u].item() if isinstance(units[u], np.generic) else units[u],
             "missing": [periods[k] for k in np.flatnonzero(row)]}
            for u, row in zip(wide.index, gaps) if row.any()]


def _pair_row(name, a, b, x, y, scale, level, n_excluded) -> dict:
    """Paired t-test of ``y`` against ``x`` (scipy), with the descriptive statistics around it."""
    s = _power_of_two(scale)
    xs, ys = x / s, y / s
    diff = ys - xs
    if not _varies(diff, 1.0 if scale == 0 else scale / s):
        raise ValueError(f"item {v.show(name)}, {v.show(a)} to {v.show(b)}: every unit changed by the same amount "
                         f"({v.show(float(diff[0] * s))}), so the paired t-test is undefined (the changes do not vary)")
    res = stats.ttest_rel(ys, xs)
    ci = res.confidence_interval(level)
    sd_x = float(xs.std(ddof=1)) if _varies(xs, scale / s) else 0.0
    sd_y = float(ys.std(ddof=1)) if _varies(ys, scale / s) else 0.0
    r = float(np.corrcoef(xs, ys)[0, 1]) if sd_x > 0 and sd_y > 0 else math.nan
    return {
        "item": name, "period_from": a, "period_to": b,
        "mean_from": float(xs.mean() * s), "mean_to": float(ys.mean() * s), "change": float(diff.mean() * s),
        "ci_low": float(ci.low * s), "ci_high": float(ci.high * s),
        "t": float(res.statistic), "dof": int(res.df), "p": float(res.pvalue), "stars": stars(res.pvalue),
        "cohen_dz": float(diff.mean() / diff.std(ddof=1)), "sd_from": sd_x * s, "sd_to": sd_y * s, "r": r,
        "n_units": len(x), "n_excluded": n_excluded,
    }


def change_table(data: pd.DataFrame, unit: str = "trust_id", period: str = "year", item: str | None = "item",
                 value: str = "value", *, use: str = "complete", pairs: str = "consecutive",
                 level: float = 0.95) -> pd.DataFrame:
    """Mean change between periods, tested with paired t-tests (``scipy.stats.ttest_rel``).

    Parameters
    ----------
    data : DataFrame
        Long table, one row per unit, period and item.
    unit, period, item, value : str
        Columns holding the unit (e.g. trust), the period, the item (``None``: one item) and the score.
        Periods are taken in time order: numbers, dates, an ordered Categorical, or text that reads as
        numbers or dates ('9' < '10'); month names and other text are refused (pass an ordered Categorical).
    use : {"complete", "pairwise"}
        ``"complete"`` (as the paper's "trusts with data from all 3 years"): each item keeps the units
        with a value in every period. ``"pairwise"``: each comparison uses the units observed in both of
        its periods. A missing score (NaN or a blank) counts as a missing period.
    pairs : {"consecutive", "all"}
        Compare consecutive periods only, or every earlier period with every later one.
    level : float
        Confidence level of the interval for the change, strictly between 0 and 1.

    Returns
    -------
    DataFrame
        One row per item and comparison: ``item, period_from, period_to, mean_from, mean_to, change,
        ci_low, ci_high, t, dof, p, stars, cohen_dz, sd_from, sd_to, r, n_units, n_excluded``.
        ``change`` is ``mean_to - mean_from``; ``cohen_dz`` the mean change over the SD of the changes;
        ``r`` the correlation of the units' scores in the two periods (NaN when a period's scores do not
        vary); ``stars`` as in the paper (``**`` p<0.01, ``*`` p<0.05); ``n_excluded`` the units of the
        item left out of that comparison. ``attrs["excluded"]`` lists each unit left out of some
        comparison (``item, unit, missing`` periods) and ``attrs["n_excluded"]`` counts them.

    Raises
    ------
    ValueError, KeyError
        Not a DataFrame; a column missing or named twice; a missing unit, period or item; keys that
        mix numbers and text; periods without a natural order, or fewer than two; a score that is not a
        number or is infinite; repeated unit-period-item rows; a comparison with fewer than two units,
        or in which every unit changed by the same amount; ``use``, ``pairs`` or ``level`` out of range.
    """
    _choice(use, ("complete", "pairwise"), "use")
    _choice(pairs, ("consecutive", "all"), "pairs")
    level = v.level(level, "level")
    df, periods = _long(data, unit, period, item, value)
    units = df.attrs["units"]
    rows, excluded = [], []
    for name, wide, scale in _items(df, item):
        wide = wide.reindex(columns=range(len(periods)))
        excluded += _excluded(wide, name, periods, units)
        complete = wide.dropna()
        combos = ([(k, k + 1) for k in range(len(periods) - 1)] if pairs == "consecutive"
                  else [(i, j) for i in range(len(periods)) for j in range(i + 1, len(periods))])
        for i, j in combos:
            both = complete if use == "complete" else wide[[i, j]].dropna()
            if len(both) < 2:
                raise ValueError(f"item {v.show(name)} has {len(both)} unit(s) with a value in both "
                                 f"{v.show(periods[i])} and {v.show(periods[j])}" +
                                 (" and every other period" if use == "complete" else "") + "; need at least 2")
            rows.append(_pair_row(name, periods[i], periods[j], both[i].to_numpy(), both[j].to_numpy(), scale,
                                  level, len(wide) - len(both)))
    out = pd.DataFrame(rows)
    out.attrs.update(n_excluded=len(excluded), excluded=excluded)
    return out


def trend_change(data: pd.DataFrame, unit: str = "trust_id", period: str = "year", item: str | None = "item",
                 value: str = "value", *, level: float = 0.95) -> pd.DataFrame:
    """Did the change slow down? A one-sample t-test of each unit's second difference.

    For three consecutive periods a, b, c, each unit's change in trend is ``(y_c - y_b) - (y_b - y_a)``;
    its mean is ``change_2 - change_1`` and ``scipy.stats.ttest_1samp`` tests it against 0. Units need a
    value in all three periods. The intervals' lengths are not used: with unequal spacing, compare
    changes per year yourself.

    Returns
    -------
    DataFrame
        ``item, period_1, period_2, period_3, change_1, change_2, change_in_change, ci_low, ci_high, t,
        dof, p, stars, n_units, n_excluded``, with ``attrs["excluded"]`` and ``attrs["n_excluded"]`` as in
        :func:`change_table`. Refuses what :func:`change_table` refuses, and fewer than three periods.
    """
    level = v.level(level, "level")
    df, periods = _long(data, unit, period, item, value)
    if len(periods) < 3:
        raise ValueError(f"column {v.show(period)} needs at least three periods for a change in trend; "
                         f"found {len(periods)}")
    rows, excluded = [], []
    for name, wide, scale in _items(df, item):
        wide = wide.reindex(columns=range(len(periods)))
        excluded += _excluded(wide, name, periods, df.attrs["units"])
        for k in range(len(periods) - 2):
            both = wide[[k, k + 1, k + 2]].dropna()
            if len(both) < 2:
                raise ValueError(f"item {v.show(name)} has {len(both)} unit(s) with values in "
                                 f"{v.show(periods[k])}, {v.show(periods[k + 1])} and {v.show(periods[k + 2])}; need 2")
            s = _power_of_two(scale)
            y = both.to_numpy() / s
            d1, d2 = y[:, 1] - y[:, 0], y[:, 2] - y[:, 1]
            dd = d2 - d1
            if not _varies(dd, scale / s):
                raise ValueError(f"item {v.show(name)}: every unit's change in trend is the same, so the t-test "
                                 f"is undefined")
            res = stats.ttest_1samp(dd, 0.0)
            ci = res.confidence_interval(level)
            rows.append({"item": name, "period_1": periods[k], "period_2": periods[k + 1],
                         "period_3": periods[k + 2], "change_1": float(d1.mean() * s),
                         "change_2": float(d2.mean() * s), "change_in_change": float(dd.mean() * s),
                         "ci_low": float(ci.low * s), "ci_high": float(ci.high * s), "t": float(res.statistic),
                         "dof": int(res.df), "p": float(res.pvalue), "stars": stars(res.pvalue),
                         "n_units": len(both), "n_excluded": len(wide) - len(both)})
    out = pd.DataFrame(rows)
    out.attrs.update(n_excluded=len(excluded), excluded=excluded)
    return out


def period_summary(data: pd.DataFrame, unit: str = "trust_id", period: str = "year", item: str | None = "item",
                   value: str = "value", *, use: str = "complete", level: float = 0.95) -> pd.DataFrame:
    """Mean of each item in each period with a t-based confidence interval.

    ``use="complete"`` (default) keeps the units of :func:`change_table` (a value in every period), so
    the trajectory and the change table describe one sample; ``use="available"`` uses every unit with a
    value in that period.

    Returns
    -------
    DataFrame
        ``item, period, mean, sd, n_units, ci_low, ci_high``, with ``attrs["excluded"]`` and
        ``attrs["n_excluded"]`` as in :func:`change_table`.
    """
    _choice(use, ("complete", "available"), "use")
    level = v.level(level, "level")
    df, periods = _long(data, unit, period, item, value)
    rows, excluded = [], []
    for name, wide, scale in _items(df, item):
        wide = wide.reindex(columns=range(len(periods)))
        excluded += _excluded(wide, name, periods, df.attrs["units"])
        keep = wide.dropna() if use == "complete" else wide
        unit_scale = _power_of_two(scale)
        for k, p in enumerate(periods):
            col = keep[k].dropna().to_numpy() / unit_scale
            if len(col) < 2:
                raise ValueError(f"item {v.show(name)} has {len(col)} unit(s) with a value in {v.show(p)}"
                                 + (" and every other period" if use == "complete" else "") + "; need at least 2")
            m, s = float(col.mean()) * unit_scale, float(col.std(ddof=1)) * unit_scale
            half = float(stats.t.ppf(0.5 + level / 2, len(col) - 1)) * s / math.sqrt(len(col))
            rows.append({"item": name, "period": p, "mean": m, "sd": s, "n_units": len(col),
                         "ci_low": m - half, "ci_high": m + half})
    out = pd.DataFrame(rows)
    out.attrs.update(n_excluded=len(excluded), excluded=excluded)
    return out
