"""Change between survey waves: paired t-tests of units measured in consecutive periods.

Works on any long table of units x periods x items, e.g. trust-level NHS Staff
Survey item scores (one row per trust, year and question).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

#: Significance markers as printed in Tables 2 and 3 of the paper.
MARKERS = ((0.01, "**"), (0.05, "*"))


def stars(p: float) -> str:
    """Return the paper's marker for a p value: ``"**"`` p<0.01, ``"*"`` p<0.05, else ``""``."""
    for cut, mark in MARKERS:
        if p < cut:
            return mark
    return ""


def _show(v) -> str:
    """A value as a reader would type it (numpy scalars shown as plain numbers)."""
    return repr(v.item() if hasattr(v, "item") else v)


def _validated(data: pd.DataFrame, unit: str, period: str, item: str, value: str) -> pd.DataFrame:
    """Check the long table and return it with ``value`` as float; raise ``ValueError`` on any fault."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    missing = [c for c in (unit, period, item, value) if c not in data.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}; the table has {list(data.columns)}")
    df = data[[unit, period, item, value]].copy()
    numeric = pd.to_numeric(df[value], errors="coerce")
    bad = numeric.isna() & df[value].notna()
    if bad.any():
        first = df.loc[bad].iloc[0]
        raise ValueError(
            f"column {value!r} has {int(bad.sum())} non-numeric value(s), first {_show(first[value])} "
            f"({unit}={_show(first[unit])}, {period}={_show(first[period])}, {item}={_show(first[item])})"
        )
    df[value] = numeric.astype(float)
    for col in (unit, period, item):
        if df[col].isna().any():
            raise ValueError(f"column {col!r} has {int(df[col].isna().sum())} missing value(s)")
    dup = df.duplicated([unit, period, item], keep=False)
    if dup.any():
        first = df.loc[dup].iloc[0]
        raise ValueError(
            f"{int(dup.sum())} rows duplicate a {unit}-{period}-{item} combination, first "
            f"{unit}={_show(first[unit])}, {period}={_show(first[period])}, {item}={_show(first[item])}"
        )
    if df[period].nunique() < 2:
        raise ValueError(f"column {period!r} needs at least two periods to compare; found {df[period].nunique()}")
    return df


def _complete_units(df: pd.DataFrame, unit: str, period: str, value: str) -> tuple[pd.DataFrame, int]:
    """Wide table (units x periods) of the units observed in every period, and how many were dropped."""
    wide = df.pivot(index=unit, columns=period, values=value).sort_index(axis=1)
    complete = wide.dropna()
    return complete, len(wide) - len(complete)


def change_table(data: pd.DataFrame, unit: str = "trust_id", period: str = "year",
                 item: str = "item", value: str = "value") -> pd.DataFrame:
    """Mean change between consecutive periods, tested with paired t-tests.

    For each item, only units with a value in *every* period are kept (as in the
    paper's "trusts with data from all 3 years"); the others are counted in
    ``n_excluded``. A missing value (NaN) counts as a missing period.

    Parameters
    ----------
    data : DataFrame
        Long table, one row per unit, period and item.
    unit, period, item, value : str
        Names of the columns holding the unit (e.g. trust), the period (e.g.
        survey year, any sortable type), the item and the numeric score.

    Returns
    -------
    DataFrame
        One row per item and pair of consecutive periods, with columns
        ``item, period_from, period_to, mean_from, mean_to, change, ci_low,
        ci_high, t, dof, p, stars, cohen_dz, sd_from, sd_to, r, n_units,
        n_excluded``. ``change`` is ``mean_to - mean_from``; ``ci_low`` and
        ``ci_high`` bound its 95% confidence interval; ``cohen_dz`` is the mean
        change over the SD of the paired differences; ``r`` is the correlation of
        the units' scores in the two periods; ``stars`` follows the paper
        (``**`` p<0.01, ``*`` p<0.05).

    Raises
    ------
    ValueError
        On a missing column, a non-numeric value, duplicate unit-period-item
        rows, fewer than two periods, or an item with fewer than two complete units.
    """
    df = _validated(data, unit, period, item, value)
    rows = []
    for name, sub in df.groupby(item, sort=True):
        complete, n_excluded = _complete_units(sub, unit, period, value)
        if len(complete) < 2:
            raise ValueError(f"item {name!r} has {len(complete)} unit(s) observed in every period; need at least 2")
        periods = list(complete.columns)
        for a, b in zip(periods[:-1], periods[1:]):
            x, y = complete[a].to_numpy(), complete[b].to_numpy()
            diff = y - x
            res = stats.ttest_rel(y, x)
            ci = res.confidence_interval(0.95)
            sd_diff = diff.std(ddof=1)
            rows.append({
                "item": name, "period_from": a, "period_to": b,
                "mean_from": x.mean(), "mean_to": y.mean(), "change": diff.mean(),
                "ci_low": ci.low, "ci_high": ci.high,
                "t": res.statistic, "dof": int(res.df), "p": res.pvalue, "stars": stars(res.pvalue),
                "cohen_dz": diff.mean() / sd_diff if sd_diff > 0 else np.nan,
                "sd_from": x.std(ddof=1), "sd_to": y.std(ddof=1),
                "r": np.corrcoef(x, y)[0, 1],
                "n_units": len(complete), "n_excluded": n_excluded,
            })
    return pd.DataFrame(rows)


def period_summary(data: pd.DataFrame, unit: str = "trust_id", period: str = "year",
                   item: str = "item", value: str = "value", level: float = 0.95) -> pd.DataFrame:
    """Mean of each item in each period with a t-based confidence interval.

    Uses the same units as :func:`change_table` (those observed in every period),
    so the trajectory and the change table describe one sample.

    Returns
    -------
    DataFrame
        Columns ``item, period, mean, sd, n_units, ci_low, ci_high``.
    """
    df = _validated(data, unit, period, item, value)
    rows = []
    for name, sub in df.groupby(item, sort=True):
        complete, _ = _complete_units(sub, unit, period, value)
        n = len(complete)
        if n < 2:
            raise ValueError(f"item {name!r} has {n} unit(s) observed in every period; need at least 2")
        half = stats.t.ppf(0.5 + level / 2, n - 1) / np.sqrt(n)
        for p in complete.columns:
            col = complete[p]
            m, s = col.mean(), col.std(ddof=1)
            rows.append({"item": name, "period": p, "mean": m, "sd": s, "n_units": n,
                         "ci_low": m - half * s, "ci_high": m + half * s})
    return pd.DataFrame(rows)
