"""Statistical process control charts for counts: u-charts of rates, c-charts of counts, Laney's
u'-chart, with the usual special-cause rules and an optional baseline (phase I) period."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import validation as v
from .count_data import prepare


def _runs(values: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of ``length`` or more equal non-zero signs (a zero ends a run)."""
    flag = np.zeros(len(values), dtype=bool)
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start] or values[i] == 0:
            if values[start] != 0 and i - start >= length:
                flag[start:i] = True
            start = i
    return flag


def control_chart(data: pd.DataFrame, count: str = "count", exposure: str | None = "exposure",
                  period: str = "period", laney: bool = False, shift_length: int = 7,
                  trend_length: int = 7, baseline: int | None = None) -> pd.DataFrame:
    """A u-chart of rates (or, with ``exposure=None``, a c-chart of counts) with special-cause flags.

    Centre line ``u = sum(count) / sum(exposure)``; 3-sigma limits ``u +/- 3 sqrt(u / exposure_t)``
    (lower limit floored at 0). With ``baseline=k`` the centre line and limits come from the first
    ``k`` periods only (phase I) and the later ones are monitored against them (phase II), as when a
    chart is set up on past data. With ``laney=True`` the limits are widened by Laney's sigma_z, the
    average moving range of the baseline points' z-scores / 1.128, which allows for overdispersion
    between periods. Flags: ``outside`` (beyond a limit); ``shift`` (in a run of ``shift_length`` or
    more points on one side of the centre line; a point on the line ends a run); ``trend`` (in a run
    of ``trend_length`` or more points each lower, or each higher, than the one before, the first
    point counted). Periods are taken in their natural order (see :mod:`book.methods.count_trends`);
    rows with a missing count or exposure are left out and listed in ``attrs["excluded"]``.

    Returns ``period, count, exposure, value, centre, lcl, ucl, outside, shift, trend, phase``
    (``value`` is the rate, or the count for a c-chart; ``phase`` is ``baseline`` or ``monitored``).
    """
    shift_length, trend_length = v.count(shift_length, "shift_length", 2), v.count(trend_length, "trend_length", 2)
    if not isinstance(laney, (bool, np.bool_)):
        raise ValueError(f"laney must be True or False, not {v.show(laney)}")
    c = prepare(data, count, exposure, period, min_periods=2)
    order = np.argsort(c.frame["pidx"].to_numpy(), kind="stable")
    df = c.frame.iloc[order].reset_index(drop=True)
    n_base = len(df) if baseline is None else v.count(baseline, "baseline", 2)
    if n_base > len(df):
        raise ValueError(f"baseline={n_base} is more than the {len(df)} periods of the chart")
    k, n = df["count"].to_numpy(), df["exposure"].to_numpy()
    value = k / n
    centre = k[:n_base].sum() / n[:n_base].sum()
    if centre == 0:
        raise ValueError("the baseline periods hold no events: the chart's limits are 0")
    sigma = np.sqrt(centre / n)
    if laney:
        z = (value[:n_base] - centre) / sigma[:n_base]
        sigma = sigma * (np.abs(np.diff(z)).mean() / 1.128)
    lcl, ucl = np.maximum(centre - 3 * sigma, 0.0), centre + 3 * sigma
    # compared at 12 decimals, so a point on the centre line is on it on every machine
    side = np.sign(np.round(value - centre, 12))
    steps = np.sign(np.round(np.diff(value), 12))
    trend = np.zeros(len(df), dtype=bool)
    run = _runs(steps, trend_length - 1)  # a run of m steps spans m + 1 points
    trend[:-1] |= run
    trend[1:] |= run
    out = pd.DataFrame({"period": [c.periods[i] for i in df["pidx"]], "count": k.astype(int), "exposure": n,
                        "value": value, "centre": centre, "lcl": lcl, "ucl": ucl,
                        "outside": (value < lcl) | (value > ucl), "shift": _runs(side, shift_length), "trend": trend,
                        "phase": np.where(np.arange(len(df)) < n_base, "baseline", "monitored")})
    out.attrs.update(c.attrs())
    return out
