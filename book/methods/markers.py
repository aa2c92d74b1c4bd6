"""Reading significance markers backwards: which year-to-year correlations could produce them.

A paired t statistic depends on the change, the number of units and the SD of
the paired differences, and that SD depends on how strongly a unit's score in
one year predicts the next (the correlation ``r``). Papers rarely print ``r``,
but a printed marker (none, ``*``, ``**``) bounds it:

    t = |change| * sqrt(n) / sqrt(sd_from**2 + sd_to**2 - 2 * r * sd_from * sd_to)

so ``r = (sd_from**2 + sd_to**2 - n * change**2 / t**2) / (2 * sd_from * sd_to)``.
"""
from __future__ import annotations

import itertools
import math

import pandas as pd
from scipy import stats

#: p-value band of each marker as printed in the paper: [low, high).
MARKER_BANDS = {"**": (0.0, 0.01), "*": (0.01, 0.05), "": (0.05, 1.0)}

#: Year-to-year correlations of trust-level NHS Staff Survey scores seen in later
#: public data (roughly 0.5-0.9); the book calls a correlation outside this range implausible.
PLAUSIBLE_R = (0.5, 0.9)


def implied_correlation(change: float, n: int, t: float, sd_from: float, sd_to: float | None = None) -> float:
    """Correlation between periods at which a paired t-test of ``n`` units gives ``t``.

    Not clipped: a value below -1 means no correlation can give that ``t``.
    """
    sd_to = sd_from if sd_to is None else sd_to
    if n < 2 or sd_from <= 0 or sd_to <= 0:
        raise ValueError(f"need n >= 2 and positive SDs; got n={n}, sd_from={sd_from}, sd_to={sd_to}")
    if t == 0:
        return -math.inf
    return (sd_from**2 + sd_to**2 - n * change**2 / t**2) / (2 * sd_from * sd_to)


def _bounds(change, n, marker, sd_from, sd_to):
    """(lowest, highest) r giving ``marker``, before clipping to [-1, 1]."""
    if marker not in MARKER_BANDS:
        raise ValueError(f"marker must be one of {list(MARKER_BANDS)}; got {marker!r}")
    p_low, p_high = MARKER_BANDS[marker]
    dof = n - 1
    # a larger p means a smaller |t|, which means a larger SD of differences, i.e. a lower r
    t_of = lambda p: stats.t.isf(p / 2, dof) if p > 0 else math.inf  # noqa: E731
    r_low = implied_correlation(change, n, t_of(p_high), sd_from, sd_to) if p_high < 1 else -math.inf
    r_high = implied_correlation(change, n, t_of(p_low), sd_from, sd_to) if p_low > 0 else math.inf
    return r_low, r_high


def correlation_range(change: float, n: int, marker: str, sd_from: float, sd_to: float | None = None,
                      change_halfwidth: float = 0.0, sd_halfwidth: float = 0.0) -> tuple[float, float]:
    """Range of year-to-year correlations under which a printed marker can arise.

    Parameters
    ----------
    change : float
        Mean change between the two periods, as printed.
    n : int
        Number of units (trusts) in the paired test.
    marker : {"", "*", "**"}
        The printed marker.
    sd_from, sd_to : float
        SD of unit scores in the two periods (``sd_to`` defaults to ``sd_from``).
    change_halfwidth, sd_halfwidth : float
        Rounding half-widths; the range is widened to every change and SD
        that would print as the published values.

    Returns
    -------
    (r_min, r_max) : tuple of float
        Clipped to [-1, 1]; ``(nan, nan)`` when no correlation gives the marker.
    """
    sd_to = sd_from if sd_to is None else sd_to
    lows, highs = [], []
    changes = {abs(change) - change_halfwidth, abs(change) + change_halfwidth}
    for d, s1, s2 in itertools.product(changes, {sd_from - sd_halfwidth, sd_from + sd_halfwidth},
                                       {sd_to - sd_halfwidth, sd_to + sd_halfwidth}):
        lo, hi = _bounds(max(d, 0.0), n, marker, s1, s2)
        lows.append(lo)
        highs.append(hi)
    r_min, r_max = max(min(lows), -1.0), min(max(highs), 1.0)
    if r_min > r_max:
        return (math.nan, math.nan)
    return (r_min, r_max)


def choose_correlation(preferred: float, r_range: tuple[float, float], margin: float = 0.05) -> float:
    """The correlation nearest ``preferred`` that sits at least ``margin`` inside ``r_range``.

    Used by the simulation so that each printed marker is reproduced with the most
    plausible correlation available; a range narrower than ``2 * margin`` gives its midpoint.
    """
    lo, hi = r_range
    if math.isnan(lo):
        raise ValueError(f"no correlation gives this marker (range {r_range})")
    if hi - lo < 2 * margin:
        return (lo + hi) / 2
    return min(max(preferred, lo + margin), hi - margin)


def marker_correlation_table(published: pd.DataFrame, plausible: tuple[float, float] = PLAUSIBLE_R) -> pd.DataFrame:
    """For each printed change, the correlations under which its marker could arise.

    Parameters
    ----------
    published : DataFrame
        Long form of Tables 2 and 3 (:func:`book.published.survey_tables_long`):
        columns ``item, period_from, period_to, change, marker, sd_2007, n_trusts, decimals``.
    plausible : (float, float)
        Correlations the reader accepts as plausible for trust-level scores.

    Returns
    -------
    DataFrame
        ``item, period_from, period_to, change, marker, n_trusts, sd_2007,
        r_min, r_max`` (taking the printed figures as exact, both years' SDs
        equal to the 2007 SD), ``r_min_rounding, r_max_rounding`` (every change
        and SD that rounds to the printed ones), and ``plausible`` (the rounding
        range overlaps ``plausible``).
    """
    rows = []
    for rec in published.to_dict("records"):
        half = 0.5 * 10 ** (-int(rec["decimals"]))
        exact = correlation_range(rec["change"], int(rec["n_trusts"]), rec["marker"], rec["sd_2007"])
        wide = correlation_range(rec["change"], int(rec["n_trusts"]), rec["marker"], rec["sd_2007"],
                                 change_halfwidth=half, sd_halfwidth=half)
        ok = not math.isnan(wide[0]) and wide[1] >= plausible[0] and wide[0] <= plausible[1]
        rows.append({
            "item": rec["item"], "period_from": rec["period_from"], "period_to": rec["period_to"],
            "change": rec["change"], "marker": rec["marker"] or "none", "n_trusts": rec["n_trusts"],
            "sd_2007": rec["sd_2007"], "r_min": exact[0], "r_max": exact[1],
            "r_min_rounding": wide[0], "r_max_rounding": wide[1], "plausible": ok,
        })
    return pd.DataFrame(rows)


def p_value_at(change: float, n: int, r: float, sd_from: float, sd_to: float | None = None) -> float:
    """Two-sided p of a paired t-test of ``n`` units with this change, SDs and between-period correlation."""
    sd_to = sd_from if sd_to is None else sd_to
    sd_diff = math.sqrt(max(sd_from**2 + sd_to**2 - 2 * r * sd_from * sd_to, 0.0))
    if sd_diff == 0:
        return 0.0 if change else 1.0
    t = abs(change) * math.sqrt(n) / sd_diff
    return float(2 * stats.t.sf(t, n - 1))
