"""Reading published summaries backwards: which correlations, SDs or sample sizes could produce a marker.

A paired t statistic depends on the change, the number of units and the SD of the paired differences,
and that SD depends on how strongly a unit's score in one period predicts the next (the correlation
``r``). Papers rarely print ``r``, but a printed marker (none, ``*``, ``**``) bounds it:

    t = |change| * sqrt(n) / sqrt(sd_from**2 + sd_to**2 - 2 * r * sd_from * sd_to)

so ``r = (sd_from**2 + sd_to**2 - n * change**2 / t**2) / (2 * sd_from * sd_to)``. The same formula, solved
for ``sd_to`` or ``n`` (:func:`scipy.optimize.brentq`), says how large the later SD, or how small the
sample, would have to be for a marker to arise at a given ``r``; :func:`trend_change_at` tests a change
in trend from the same summaries.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from . import validation as v

#: p-value band of each marker as printed in the paper: [low, high).
MARKER_BANDS = {"**": (0.0, 0.01), "*": (0.01, 0.05), "": (0.05, 1.0)}

#: The book's assumption, not a published figure: year-to-year correlations of trust-level survey
#: scores that we call plausible. Verdicts that rest on it are shown at other bands too.
PLAUSIBLE_R = (0.5, 0.9)


def _num(x, arg: str, *, positive: bool = False) -> float:
    """A finite real number (not a bool, not text)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)) or \
            not math.isfinite(float(x)):
        raise ValueError(f"{arg} must be a finite number, not {v.show(x)}")
    if positive and float(x) <= 0:
        raise ValueError(f"{arg} must be positive, not {v.show(x)}")
    return float(x)


def _corr(r, arg: str = "r") -> float:
    r = _num(r, arg)
    if not -1 <= r <= 1:
        raise ValueError(f"{arg} must lie between -1 and 1, not {v.show(r)}")
    return r


def _marker(marker) -> str:
    m = "" if marker == "none" else marker
    if m not in MARKER_BANDS:
        raise ValueError(f"marker must be one of {list(MARKER_BANDS)} (or 'none'), not {v.show(marker)}")
    return m


def band(plausible, arg: str = "plausible") -> tuple[float, float]:
    """A band of correlations ``(low, high)`` with -1 <= low < high <= 1."""
    if isinstance(plausible, str) or not hasattr(plausible, "__len__") or len(plausible) != 2:
        raise ValueError(f"{arg} must be a pair (low, high) of correlations, not {v.show(plausible)}")
    lo, hi = _corr(plausible[0], f"{arg}[0]"), _corr(plausible[1], f"{arg}[1]")
    if lo >= hi:
        raise ValueError(f"{arg} must have low < high, not {v.show(tuple(plausible))}")
    return lo, hi


def _p(change: float, n: float, r: float, sd_from: float, sd_to: float) -> float:
    """Two-sided paired-t p for a (possibly fractional) number of units; no validation."""
    sd_diff = math.sqrt(max(sd_from**2 + sd_to**2 - 2 * r * sd_from * sd_to, 0.0))
    if sd_diff == 0:
        return 0.0 if change else 1.0
    return float(2 * stats.t.sf(abs(change) * math.sqrt(n) / sd_diff, n - 1))


def p_value_at(change: float, n: int, r: float, sd_from: float, sd_to: float | None = None) -> float:
    """Two-sided p of a paired t-test of ``n`` units with this change, SDs and between-period correlation."""
    sd_from = _num(sd_from, "sd_from", positive=True)
    sd_to = sd_from if sd_to is None else _num(sd_to, "sd_to", positive=True)
    return _p(_num(change, "change"), v.count(n, "n", 2), _corr(r), sd_from, sd_to)


def implied_correlation(change: float, n: int, t: float, sd_from: float, sd_to: float | None = None) -> float:
    """Correlation between periods at which a paired t-test of ``n`` units gives ``t``.

    Not clipped: a value below -1 means no correlation can give that ``t``.
    """
    n = v.count(n, "n", 2)
    sd_from = _num(sd_from, "sd_from", positive=True)
    sd_to = sd_from if sd_to is None else _num(sd_to, "sd_to", positive=True)
    change, t = _num(change, "change"), _num(t, "t")
    if t == 0:
        return -math.inf
    return (sd_from**2 + sd_to**2 - n * change**2 / t**2) / (2 * sd_from * sd_to)


def _bounds(change, n, marker, sd_from, sd_to):
    """(lowest, highest) r giving ``marker``, before clipping to [-1, 1]."""
    p_low, p_high = MARKER_BANDS[marker]
    # a larger p means a smaller |t|, which means a larger SD of differences, i.e. a lower r
    t_of = lambda p: stats.t.isf(p / 2, n - 1) if p > 0 else math.inf  # noqa: E731
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
        The printed marker (``"none"`` is read as ``""``).
    sd_from, sd_to : float
        SD of unit scores in the two periods (``sd_to`` defaults to ``sd_from``).
    change_halfwidth, sd_halfwidth : float
        Rounding half-widths; the range is widened to every change and SD that would print as the
        published values.

    Returns
    -------
    (r_min, r_max) : tuple of float
        Clipped to [-1, 1]; ``(nan, nan)`` when no correlation gives the marker.
    """
    marker, n = _marker(marker), v.count(n, "n", 2)
    change = _num(change, "change")
    sd_from = _num(sd_from, "sd_from", positive=True)
    sd_to = sd_from if sd_to is None else _num(sd_to, "sd_to", positive=True)
    dc, ds = _num(change_halfwidth, "change_halfwidth"), _num(sd_halfwidth, "sd_halfwidth")
    if dc < 0 or ds < 0 or ds >= min(sd_from, sd_to):
        raise ValueError(f"half-widths must be >= 0 and below the SDs; got change_halfwidth={dc}, sd_halfwidth={ds}")
    lows, highs = [], []
    for d, s1, s2 in itertools.product({abs(change) - dc, abs(change) + dc}, {sd_from - ds, sd_from + ds},
                                       {sd_to - ds, sd_to + ds}):
        lo, hi = _bounds(max(d, 0.0), n, marker, s1, s2)
        lows.append(lo)
        highs.append(hi)
    r_min, r_max = max(min(lows), -1.0), min(max(highs), 1.0)
    return (math.nan, math.nan) if r_min > r_max else (r_min, r_max)


def choose_correlation(preferred: float, r_range: tuple[float, float], margin: float = 0.05) -> float:
    """The correlation nearest ``preferred`` that sits at least ``margin`` inside ``r_range``.

    A range narrower than ``2 * margin`` gives its midpoint.
    """
    lo, hi = r_range
    if math.isnan(lo):
        raise ValueError(f"no correlation gives this marker (range {r_range})")
    if hi - lo < 2 * margin:
        return (lo + hi) / 2
    return min(max(_corr(preferred, "preferred"), lo + margin), hi - margin)


def marker_correlation_table(published: pd.DataFrame, plausible: tuple[float, float] = PLAUSIBLE_R) -> pd.DataFrame:
    """For each printed change, the correlations under which its marker could arise.

    Parameters
    ----------
    published : DataFrame
        One row per printed change: columns ``item, period_from, period_to, change, marker, sd_2007,
        n_trusts, decimals`` (as :func:`book.data.published.survey_tables_long` gives them).
    plausible : (float, float)
        Correlations the reader accepts as plausible for unit-level scores.

    Returns
    -------
    DataFrame
        ``item, period_from, period_to, change, marker, n_trusts, sd_2007, r_min, r_max`` (printed
        figures taken as exact, both periods' SDs equal to the first), ``r_min_rounding, r_max_rounding``
        (every change and SD that rounds to the printed ones), and ``plausible`` (the rounding range
        overlaps the band).
    """
    published = v.frame(published, "published")
    cols = ["item", "period_from", "period_to", "change", "marker", "sd_2007", "n_trusts", "decimals"]
    v.columns(published, cols, "published")
    published = v.number_columns(published, ["change", "sd_2007", "n_trusts", "decimals"],
                                 counts=["n_trusts", "decimals"], minimum={"n_trusts": 2})
    lo_band, hi_band = band(plausible)
    rows = []
    for rec in published.to_dict("records"):
        half = 0.5 * 10 ** (-int(rec["decimals"]))
        exact = correlation_range(rec["change"], int(rec["n_trusts"]), rec["marker"], rec["sd_2007"])
        wide = correlation_range(rec["change"], int(rec["n_trusts"]), rec["marker"], rec["sd_2007"],
                                 change_halfwidth=half, sd_halfwidth=half)
        ok = not math.isnan(wide[0]) and wide[1] >= lo_band and wide[0] <= hi_band
        rows.append({"item": rec["item"], "period_from": rec["period_from"], "period_to": rec["period_to"],
                     "change": rec["change"], "marker": rec["marker"] or "none", "n_trusts": rec["n_trusts"],
                     "sd_2007": rec["sd_2007"], "r_min": exact[0], "r_max": exact[1],
                     "r_min_rounding": wide[0], "r_max_rounding": wide[1], "plausible": ok})
    return pd.DataFrame(rows)


def _root(f, lo: float, hi: float) -> float:
    return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=200))


def sd_for_marker(change: float, n: int, marker: str, sd_from: float, r: float) -> tuple[float, float]:
    """Range of later-period SDs at which ``marker`` arises at correlation ``r`` (found by ``brentq``).

    Searches SDs of at least ``max(r, 0) * sd_from``, above which a larger SD always means a larger
    SD of differences and so a larger p. Returns ``(sd_min, sd_max)`` (``sd_max`` infinite for no
    marker), or ``(nan, nan)`` when no such SD gives the marker.
    """
    marker, n, r = _marker(marker), v.count(n, "n", 2), _corr(r)
    change, sd_from = _num(change, "change"), _num(sd_from, "sd_from", positive=True)
    p_low, p_high = MARKER_BANDS[marker]
    start = max(r, 0.0) * sd_from + 1e-12 * sd_from
    p = lambda s: _p(change, n, r, sd_from, s)  # noqa: E731

    def cross(target):  # the SD at which p reaches target (p rises with the SD from `start`)
        if p(start) >= target:
            return start
        hi = 2 * max(start, sd_from)
        while p(hi) < target:
            hi *= 2
        return _root(lambda s: p(s) - target, start, hi)

    if p_high < 1 and p(start) >= p_high:
        return (math.nan, math.nan)
    return (cross(p_low) if p_low > 0 else start, cross(p_high) if p_high < 1 else math.inf)


def n_for_marker(change: float, marker: str, sd_from: float, r: float,
                 sd_to: float | None = None) -> tuple[int, float]:
    """The numbers of units for which a paired test of this change gives ``marker`` at correlation ``r``.

    Returns ``(n_min, n_max)``: whole numbers, ``n_max`` infinite for ``**``; ``(nan, nan)`` if none
    from 2 to 10**7 does. The boundaries are found with ``brentq`` on a continuous n, then checked.
    """
    marker, r = _marker(marker), _corr(r)
    change, sd_from = _num(change, "change"), _num(sd_from, "sd_from", positive=True)
    sd_to = sd_from if sd_to is None else _num(sd_to, "sd_to", positive=True)
    p_low, p_high = MARKER_BANDS[marker]
    p = lambda n: _p(change, n, r, sd_from, sd_to)  # noqa: E731
    big = 1e7

    def last_at_or_above(target):  # largest whole n >= 2 with p(n) >= target (p falls as n grows)
        if p(2) < target:
            return 1
        if p(big) >= target:
            return math.inf
        k = math.floor(_root(lambda n: p(n) - target, 2.0, big))
        return k if p(k) >= target else k - 1

    n_min = 2 if p_high >= 1 else last_at_or_above(p_high) + 1
    n_max = last_at_or_above(p_low) if p_low > 0 else math.inf
    if n_min == math.inf or n_min > n_max:
        return (math.nan, math.nan)
    return (int(n_min), n_max if n_max == math.inf else int(n_max))


def r13_range(r12: float, r23: float) -> tuple[float, float]:
    """Correlations between the first and third period that a valid correlation matrix allows."""
    r12, r23 = _corr(r12, "r12"), _corr(r23, "r23")
    half = math.sqrt(max((1 - r12**2) * (1 - r23**2), 0.0))
    return (r12 * r23 - half, r12 * r23 + half)


def trend_change_at(change_1: float, change_2: float, n: int, sd: float, r12: float, r23: float,
                    r13: float) -> dict:
    """Test of a change in trend, ``change_2 - change_1``, from published summaries.

    Each unit's second difference ``y3 - 2 y2 + y1`` has variance ``sd**2 * (6 - 4 r12 - 4 r23 + 2 r13)``
    when the three periods share the SD ``sd``; a one-sample t-test of its mean over ``n`` units gives
    ``t`` and a two-sided ``p``. ``r13`` must lie in :func:`r13_range`.

    Returns
    -------
    dict
        ``change_in_change, sd_second_difference, t, p``.
    """
    c1, c2 = _num(change_1, "change_1"), _num(change_2, "change_2")
    n, sd = v.count(n, "n", 2), _num(sd, "sd", positive=True)
    lo, hi = r13_range(r12, r23)
    r13 = _corr(r13, "r13")
    if not lo - 1e-12 <= r13 <= hi + 1e-12:
        raise ValueError(f"r13 = {v.show(r13)} is impossible with r12 = {v.show(r12)} and r23 = {v.show(r23)}; "
                         f"it must lie in [{lo:.3f}, {hi:.3f}]")
    sd_dd = sd * math.sqrt(max(6 - 4 * r12 - 4 * r23 + 2 * r13, 0.0))
    dd = c2 - c1
    t = dd * math.sqrt(n) / sd_dd if sd_dd > 0 else math.copysign(math.inf, dd)
    return {"change_in_change": dd, "sd_second_difference": sd_dd, "t": t,
            "p": float(2 * stats.t.sf(abs(t), n - 1))}
