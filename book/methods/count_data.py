"""Checking a reader's table of counts with exposure, and placing its periods in time.

Shared by :mod:`book.methods.count_trends` and :mod:`book.methods.control_charts`: one place that
decides which rows are usable, which are left out (and why), the order of the periods and how far
apart they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import validation as v

#: Words for the frequency of a pandas Period, by its first letter.
_FREQ_WORDS = {"Y": "year", "A": "year", "Q": "quarter", "M": "month", "W": "week", "D": "day", "B": "business day",
               "H": "hour", "h": "hour"}


@dataclass
class Counts:
    """A validated count table: ``frame`` has ``count``, ``exposure``, ``pidx`` (the period's position in
    ``periods``) and, for unit-level data, ``unit``; ``t`` is the time score of each period."""

    frame: pd.DataFrame
    periods: list
    labels: list[str]
    t: np.ndarray
    contrast: str
    spacing: str
    excluded: list[dict] = field(default_factory=list)
    kept: np.ndarray | None = None

    def attrs(self) -> dict:
        """What a result built on these counts carries in ``attrs``."""
        return {"n_excluded": len(self.excluded), "excluded": list(self.excluded), "periods": self.labels,
                "time": dict(zip(self.labels, self.t.tolist())), "spacing": self.spacing}


def label(p) -> str:
    """A period as a reader would write it: ``2024-01`` for a month start, ``3`` for 3.0."""
    if isinstance(p, pd.Timestamp):
        return p.strftime("%Y-%m") if p == p.to_period("M").start_time else p.isoformat()
    if isinstance(p, (float, np.floating)) and float(p).is_integer():
        return str(int(p))
    if isinstance(p, np.generic):
        return str(p.item())
    return str(p)


def _as_dates(values) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series([str(x).strip() for x in values]), format="ISO8601"))


def _date_times(stamps: pd.Series) -> tuple[np.ndarray, str]:
    """Months since year 0 when every date is the first of a month, otherwise days."""
    if (stamps == stamps.dt.to_period("M").dt.start_time).all():
        return (stamps.dt.year * 12 + stamps.dt.month).to_numpy(dtype=float), "month"
    return (stamps - stamps.min()).dt.days.to_numpy(dtype=float), "day"


def period_times(values: pd.Series, periods: list, col) -> tuple[np.ndarray, str]:
    """Where each of the ordered ``periods`` lies in time, and the unit of that scale.

    An ordered Categorical counts its categories (so an unused category between two periods is a gap);
    numbers and numeric text are their values; pandas Periods count their frequency (quarters,
    months); dates count months when every date is the first of a month, days otherwise.
    """
    s = pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = list(s.dtype.categories)
        return np.array([cats.index(p) for p in periods], dtype=float), "category"
    if isinstance(s.dtype, pd.PeriodDtype):
        unit = _FREQ_WORDS.get(s.dtype.freq.name[:1], s.dtype.freq.name)
        return np.array([p.ordinal for p in periods], dtype=float), unit
    if pd.api.types.is_datetime64_any_dtype(s):
        return _date_times(pd.Series(pd.to_datetime(pd.Series(periods))))
    if pd.api.types.is_numeric_dtype(s) or all(isinstance(p, (int, float, np.number)) for p in periods):
        return np.array(periods, dtype=float), f"unit of {v.show(col)}"
    try:
        return np.array([float(str(p).strip()) for p in periods]), f"unit of {v.show(col)}"
    except ValueError:
        return _date_times(_as_dates(periods))


def _spacing(times: np.ndarray, unit: str, what: str) -> tuple[np.ndarray, str, str]:
    """Time scores in the periods' own unit (0 for the first), the trend's contrast and a sentence on
    the spacing: a trend is per period only when the periods are one unit apart."""
    gaps = np.round(np.diff(times), 9)
    t = times - times[0]
    if len(gaps) and (gaps == 1).all():
        return t, "per period", "equal"
    shown = ", ".join(f"{g:g}" for g in gaps)
    if len(gaps) and (gaps == gaps[0]).all():
        return t, f"per {unit}", f"equal, {shown} {unit}(s) apart: the trend is per {unit}"
    return t, f"per {unit}", f"unequal: {what} are {shown} {unit}(s) apart, so the trend is per {unit}, not per period"


def _explicit_time(data: pd.DataFrame, time, pidx: np.ndarray, kept: np.ndarray, labels: list[str]):
    """The reader's own time column: one number per period, rising with the periods' order."""
    tv = v.numeric(data, time)
    if tv[kept].isna().any():
        v.no_missing(data.loc[kept], time, "time column")
    per = pd.Series(tv[kept].to_numpy(), index=pidx[kept]).groupby(level=0)
    if (per.nunique() > 1).any():
        bad = labels[int(per.nunique().gt(1).idxmax())]
        raise ValueError(f"time column {v.show(time)} takes more than one value in period {v.show(bad)}; it must "
                         f"hold one number per period")
    times = per.first().sort_index().to_numpy(dtype=float)
    if (np.diff(times) <= 0).any():
        raise ValueError(f"time column {v.show(time)} must rise with the periods' order ({labels}); it holds {times.tolist()}")
    return times


def _exclusions(data: pd.DataFrame, cols: dict) -> tuple[np.ndarray, list[dict], dict]:
    """Rows left out for a missing count or exposure (kept mask, reasons), and the columns as numbers."""
    values, excluded = {}, []
    kept = np.ones(len(data), dtype=bool)
    for role, col in cols.items():
        values[role] = v.numeric(data, col)
        miss = values[role].isna().to_numpy()
        for pos in np.flatnonzero(miss & kept):
            label = data.index[pos]
            excluded.append({"row": int(pos), "index": label.item() if isinstance(label, np.generic) else label,
                             "reason": f"missing {role} ({v.show(col)})"})
        kept &= ~miss
    return kept, sorted(excluded, key=lambda e: e["row"]), values


def prepare(data, count: str = "count", exposure: str | None = "exposure", period: str = "period",
            unit: str | None = None, time: str | None = None, min_periods: int = 1) -> Counts:
    """Validate a long count table and place its periods in time.

    Rows whose count or exposure is missing are left out and listed (``excluded``); any other fault
    refuses the table with a ``ValueError`` (``KeyError`` for a column that is not there) naming the
    column, the value and the row: a negative, fractional or non-numeric count; an exposure that is
    not a positive number; infinity; a missing or mixed-type period or unit; two rows for one period
    (and unit); periods whose order cannot be told from their values (text such as month names: pass
    an ordered Categorical, pandas Periods or dates). ``exposure=None`` gives every row exposure 1.
    """
    data = v.frame(data)
    roles = {"count": count, "exposure": exposure, "period": period, "unit": unit, "time": time}
    for role, col in roles.items():
        if isinstance(col, (list, tuple, set, dict, pd.Index, np.ndarray)):
            raise ValueError(f"{role} must name one column, not {v.show(col)}")
    v.columns(data, [c for c in roles.values() if c is not None])
    for key, what in ((period, "period column"), (unit, "unit column")):
        if key is not None:
            v.no_missing(data, key, what)
            v.one_type(data, key)
    kept, excluded, values = _exclusions(data, {"count": count} | ({"exposure": exposure} if exposure else {}))
    v.whole(data, count, values["count"].fillna(0))
    if exposure is not None:
        v.positive(data, exposure, values["exposure"].fillna(1))
    key = [period] + ([unit] if unit else [])
    dup = data.duplicated(key, keep=False).to_numpy() & kept
    if dup.any():
        first = {k: v.show(x) for k, x in data.loc[dup, key].iloc[0].items()}
        what = "unit and period" if unit else "period (give unit= for unit-level data)"
        raise ValueError(f"{int(dup.sum())} rows share a {what}, first {first} in {v._row(data, dup)}")
    periods = v.ordered_periods(data.loc[kept, period], period)
    if len(periods) < min_periods:
        raise ValueError(f"need at least {min_periods} periods in column {v.show(period)}; found "
                         f"{[label(p) for p in periods]}")
    labels = [label(p) for p in periods]
    pos = {p: i for i, p in enumerate(periods)}
    pidx = np.array([pos.get(p, -1) for p in data[period]])
    if time is None:
        times, unit_word = period_times(data.loc[kept, period], periods, period)
        what = "the periods"
    else:
        times, unit_word, what = _explicit_time(data, time, pidx, kept, labels), f"unit of {v.show(time)}", "the times"
    t, contrast, spacing = _spacing(times, unit_word, what)
    frame = pd.DataFrame({"count": values["count"].to_numpy(),
                          "exposure": values["exposure"].to_numpy() if exposure else np.ones(len(data)),
                          "pidx": pidx})
    if unit is not None:
        frame["unit"] = data[unit].to_numpy()
    return Counts(frame[kept].reset_index(drop=True), periods, labels, t, contrast, spacing, excluded, kept)
