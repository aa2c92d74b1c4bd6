"""Summaries used in qualitative and survey strands: code counts, co-occurrence, code saturation, Likert
items and the charted framework matrix.

Every function takes a tidy table (one row per coded segment, interview or answer) and the names of
its columns, and returns a pandas DataFrame. Codes that differ only in type (``1``, ``1.0``, ``"1"``)
are one code, and empty cells are missing. Bad input raises ``ValueError`` (``KeyError`` for a column
that is not there) naming the column, value and row at fault; rows left out are counted in the result's
``attrs`` (``n_excluded``, and ``excluded``: each row left out with its reason), never dropped silently.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import validation as V


def _excluded(data: pd.DataFrame, mask, reason: str) -> pd.DataFrame:
    pos = np.flatnonzero(np.asarray(mask, dtype=bool))
    return pd.DataFrame({"row": pos, "index": data.index[pos], "reason": reason})


def _report(out: pd.DataFrame, excluded: list[pd.DataFrame]) -> pd.DataFrame:
    """``out`` with what was left out in its ``attrs``: ``n_excluded``, and ``excluded`` (reason -> row
    positions; plain lists, so that pandas can still compare and concatenate such results)."""
    reasons: dict[str, list[int]] = {}
    for e in excluded:
        for reason, rows in e.groupby("reason", sort=False)["row"]:
            reasons.setdefault(reason, []).extend(int(r) for r in rows)
    out.attrs["n_excluded"] = sum(len(v) for v in reasons.values())
    out.attrs["excluded"] = reasons
    return out


def _keys(data: pd.DataFrame, *cols) -> None:
    """Key columns (units, groups, orders) are present, never missing, and of one type."""
    for col in cols:
        if col is not None:
            V.no_missing(data, col)
            V.no_blank(data, col)
            V.one_type(data, col)


def _segments(data, code, unit, by=None, codes=None):
    """The coded segments, with the rows left out: missing codes, and codes not among ``codes``."""
    data = V.frame(data)
    V.columns(data, [c for c in (code, unit, by) if c is not None])
    _keys(data, unit, by)
    labels = V.coded(data[code])
    V.one_kind_of_code({code: labels})  # as the agreement statistics do: 1 beside 'goals' is a slip
    excluded = [_excluded(data, labels.isna(), "no code")]
    if codes is not None:
        codes = [c for c in V.coded(pd.Series(V.names(codes, "codes"), dtype=object)) if c is not None]
        other = labels.notna() & ~labels.isin(codes)
        excluded.append(_excluded(data, other, "code not in `codes`"))
    else:
        codes = sorted(labels.dropna().unique())
        other = pd.Series(False, index=data.index)
    keep = (labels.notna() & ~other).to_numpy()
    seg = pd.DataFrame({"unit": data[unit].to_numpy(), "code": labels.to_numpy()})
    if by is not None:
        seg["by"] = data[by].to_numpy()
        groups = seg.groupby("unit", sort=False)["by"].nunique()
        if (groups > 1).any():
            raise ValueError(f"unit {V.show(groups[groups > 1].index[0])} belongs to more than one {V.show(by)} group")
    return seg, keep, codes, excluded


# --- counting codes ---------------------------------------------------------------------------------

def code_frequencies(data: pd.DataFrame, code: str, unit: str, by: str | None = None,
                     codes: list | None = None) -> pd.DataFrame:
    """How often each code is used, and by how many units (interviews, cases), overall or by group.

    Parameters
    ----------
    data : DataFrame
        One row per coded segment; a segment with an empty code is left out and counted (its unit
        still counts in its group's size).
    code, unit : str
        Columns holding the code and the unit (e.g. interview) the segment belongs to.
    by : str, optional
        Column with a group of the unit (e.g. stakeholder group); constant within a unit.
    codes : list, optional
        Codes to report (in this order), including ones never used; segments with other codes are
        left out and counted. Default: every code in the data.

    Returns
    -------
    DataFrame
        ``[by,] code, n_segments, n_units, units_in_group, pct_units`` where ``pct_units`` is the
        percentage of the group's units with at least one segment of the code.
    """
    seg, keep, codes, excluded = _segments(data, code, unit, by, codes)
    groups = sorted(seg["by"].unique()) if by is not None else [None]
    rows = []
    for group in groups:
        sub = seg if by is None else seg[seg["by"] == group]
        size = sub["unit"].nunique()
        hits = sub[keep[sub.index]]
        for c in codes:
            these = hits[hits["code"] == c]
            n_units = these["unit"].nunique()
            rows.append(({by: group} if by is not None else {}) | {
                "code": c, "n_segments": len(these), "n_units": n_units, "units_in_group": int(size),
                "pct_units": 100 * n_units / size})
    columns = ([by] if by is not None else []) + ["code", "n_segments", "n_units", "units_in_group", "pct_units"]
    return _report(pd.DataFrame(rows, columns=columns), excluded)


def code_cooccurrence(data: pd.DataFrame, code: str, unit: str, codes: list | None = None,
                      measure: str = "count") -> pd.DataFrame:
    """Code-by-code matrix of units (interviews, cases) in which both codes occur.

    ``measure="count"`` gives the number of units (the diagonal is the number of units with the
    code); ``"jaccard"`` divides by the number of units with either code (diagonal 1; NaN for two
    codes no unit has).
    """
    if measure not in ("count", "jaccard"):
        raise ValueError(f"measure must be 'count' or 'jaccard'; got {measure!r}")
    seg, keep, codes, excluded = _segments(data, code, unit, None, codes)
    kept = seg[keep]
    if not codes:  # nothing coded: an empty matrix
        empty = pd.Index([], dtype=object, name="code")
        return _report(pd.DataFrame(index=empty, columns=empty, dtype=np.int64), excluded)
    present = pd.crosstab(kept["unit"], kept["code"]).reindex(columns=codes, fill_value=0).gt(0).astype(np.int64)
    both = present.T @ present  # integer counts: exact on any machine
    if measure == "count":
        out = both.rename_axis(index="code", columns="code")
    else:
        n = np.diag(both.to_numpy())
        either = n[:, None] + n[None, :] - both.to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            jac = np.where(either > 0, both.to_numpy() / np.where(either > 0, either, 1), np.nan)
        out = pd.DataFrame(jac, index=both.index, columns=both.columns).rename_axis(index="code", columns="code")
    return _report(out, excluded)


# --- code saturation -------------------------------------------------------------------------------------

def _units_in_order(data: pd.DataFrame, unit: str, order: str | None) -> list:
    if order is None:
        return list(dict.fromkeys(data[unit]))
    _keys(data, order)
    per_unit = data.groupby(unit, sort=False)[order].nunique()
    if (per_unit > 1).any():
        raise ValueError(f"unit {V.show(per_unit[per_unit > 1].index[0])} has more than one {V.show(order)} value")
    first = data.drop_duplicates(unit)[[unit, order]]
    tied = first[order].duplicated(keep=False)
    if tied.any():
        raise ValueError(f"{V.show(order)} value {V.show(first.loc[tied, order].iloc[0])} is shared by more than one "
                         f"unit")
    return first.sort_values(order, kind="stable")[unit].tolist()


def _codes_by_unit(data: pd.DataFrame, unit: str, code: str) -> dict:
    labels = V.coded(data[code])
    kept = pd.DataFrame({"u": data[unit].to_numpy(), "c": labels.to_numpy()}).dropna(subset=["c"])
    return kept.groupby("u", sort=False)["c"].agg(lambda s: list(dict.fromkeys(s))).to_dict()


def _walk(units, codes_by_unit: dict, run_length: int, initial_sample: int):
    """Yield ``(unit, its codes, new codes, cumulative count, run without new, stop)`` in order."""
    seen, run, stopped = set(), 0, False
    for position, u in enumerate(units, start=1):
        unit_codes = codes_by_unit.get(u, [])
        new = [c for c in unit_codes if c not in seen]
        seen.update(new)
        run = 0 if new else run + 1
        stop = not stopped and position >= initial_sample and run >= run_length
        stopped = stopped or stop
        yield u, unit_codes, new, len(seen), run, stop


def _saturation_input(data, unit, code, order, run_length, initial_sample):
    data = V.frame(data)
    V.columns(data, [c for c in (unit, code, order) if c is not None])
    _keys(data, unit)
    run_length = V.count(run_length, "run_length", 1)
    initial_sample = V.count(initial_sample, "initial_sample", 0)
    labels = V.coded(data[code])
    V.one_kind_of_code({code: labels})
    empty = _excluded(data, labels.isna(), "no code (the unit still counts as analysed)")
    return data, run_length, initial_sample, empty


def saturation_curve(data: pd.DataFrame, unit: str, code: str, order: str | None = None,
                     run_length: int = 10, initial_sample: int = 0) -> pd.DataFrame:
    """New codes per successive unit (interview), and where a stopping rule would have stopped.

    This is *code* saturation (no new code label), not meaning or theoretical saturation. The rule:
    after at least ``initial_sample`` units, stop at the first unit that ends a run of ``run_length``
    consecutive units contributing no new code (``initial_sample=10, run_length=3`` is the "10+3"
    rule of Francis et al. 2010; Guest, Namey and Chen 2020 use a base size and a run length too).

    Parameters
    ----------
    data : DataFrame
        One row per coded segment; a unit with no codes may appear with an empty code.
    unit, code : str
        Columns of the unit and the code; a missing unit is refused (its segment would become a unit
        of its own).
    order : str, optional
        Column giving the order in which units were analysed (one value per unit, no ties, none
        missing); default: order of first appearance in ``data``.
    run_length : int
        Consecutive units without a new code that trigger the stop.
    initial_sample : int
        Units analysed before the rule may fire.

    Returns
    -------
    DataFrame
        ``position, unit, n_codes, new_codes, new_code_names, cumulative_codes, run_without_new,
        stop`` with ``stop`` True on the unit at which the rule stops (at most one row).
    """
    data, run_length, initial_sample, empty = _saturation_input(data, unit, code, order, run_length, initial_sample)
    units = _units_in_order(data, unit, order)
    rows = []
    for position, (u, unit_codes, new, cumulative, run, stop) in enumerate(
            _walk(units, _codes_by_unit(data, unit, code), run_length, initial_sample), start=1):
        rows.append({"position": position, "unit": u, "n_codes": len(unit_codes), "new_codes": len(new),
                     "new_code_names": ", ".join(map(str, new)), "cumulative_codes": cumulative,
                     "run_without_new": run, "stop": stop})
    return _report(pd.DataFrame(rows), [empty])


def stopping_by_order(data: pd.DataFrame, unit: str, code: str, rng: np.random.Generator,
                      n_orderings: int = 200, run_length: int = 10, initial_sample: int = 0) -> pd.DataFrame:
    """Where the stopping rule of :func:`saturation_curve` stops under random orders of the units.

    A thought experiment: it treats the units as exchangeable, which they are not when each interview
    was chosen in the light of the last (theoretical sampling).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the random orders (pass ``numpy.random.default_rng(seed)``).

    Returns
    -------
    DataFrame
        One row per ordering: ``ordering, stop_position`` (NaN if the rule never fires),
        ``codes_at_stop, codes_total, codes_missed``.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. numpy.random.default_rng(1)")
    n_orderings = V.count(n_orderings, "n_orderings", 1)
    data, run_length, initial_sample, empty = _saturation_input(data, unit, code, None, run_length, initial_sample)
    units = list(dict.fromkeys(data[unit]))
    codes_by_unit = _codes_by_unit(data, unit, code)
    total = len({c for v in codes_by_unit.values() for c in v})
    rows = []
    for i in range(n_orderings):
        order = [units[j] for j in rng.permutation(len(units))]
        stop_at, found = np.nan, total
        for position, (_u, _c, _n, cumulative, _r, stop) in enumerate(
                _walk(order, codes_by_unit, run_length, initial_sample), start=1):
            if stop:
                stop_at, found = position, cumulative
                break
        rows.append({"ordering": i + 1, "stop_position": stop_at, "codes_at_stop": found,
                     "codes_total": total, "codes_missed": total - found})
    return _report(pd.DataFrame(rows), [empty])


def stopping_point(curve: pd.DataFrame) -> int | None:
    """Position at which :func:`saturation_curve`'s rule stops, or None if it never does.

    ``stop`` must hold True/False (or 0/1) in every row and ``position`` whole numbers: a ``stop`` of
    NaN or ``'no'`` would otherwise read as True and stop at the first unit.
    """
    curve = V.frame(curve, "curve")
    V.columns(curve, ["position", "stop"], "curve")
    stop = curve["stop"]
    if not (pd.api.types.is_bool_dtype(stop) or stop.map(lambda x: isinstance(x, (bool, np.bool_))).all()):
        values = V.numeric(curve, "stop", allow_missing=False)
        off = ~values.isin([0, 1]).to_numpy()
        if off.any():
            raise ValueError(f"column 'stop' must hold True/False (or 0/1); found {V.show(stop[off].iloc[0])} in "
                             f"{V._row(curve, off)}")
    V.whole(curve, "position", minimum=1)
    hit = curve.loc[stop.astype(bool).to_numpy(), "position"]
    return int(hit.iloc[0]) if len(hit) else None


# --- Likert items ----------------------------------------------------------------------------------------

def _answers(data: pd.DataFrame, item: str, response: str, levels: int) -> pd.Series:
    """The answers as whole numbers 1..levels (missing allowed), refusing others by value, row and item."""
    values = V.numeric(data, response)
    checks = ((values.notna() & (values % 1 != 0), "whole numbers"),
              (values.notna() & ~values.between(1, levels), "numbers"))
    for bad, what in checks:
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(f"column {V.show(response)} holds {V.show(data[response].iloc[pos])} in "
                             f"{V._row(data, bad)} (item {V.show(data[item].iloc[pos])}); answers must be {what} "
                             f"from 1 to {levels}")
    return values


def likert_summary(data: pd.DataFrame, item: str, response: str, levels: int = 5,
                   agree_from: int | None = None, respondent: str | None = None) -> pd.DataFrame:
    """Per-item counts, percentages and summaries of answers on a 1..levels scale.

    Parameters
    ----------
    data : DataFrame
        One row per respondent and item. Answers may be numbers or numeric text (``4``, ``4.0``,
        ``"4"``); empty answers are missing, counted in ``n_missing`` and left out of the percentages.
    item, response : str
        Columns of the item and the answer; a missing item is refused (naming the row).
    levels : int
        Number of answer options.
    agree_from : int, optional
        Answers at or above it count as agreement (default: the levels above the midpoint); the
        mirror image below counts as disagreement.
    respondent : str, optional
        Column of the respondent: given, a respondent answering an item twice is refused.

    Returns
    -------
    DataFrame
        ``item, n, n_missing, pct_1 .. pct_<levels>, pct_disagree, pct_neutral, pct_agree,
        agree_ci_low, agree_ci_high, median, mean``, with Wilson's 95% interval for ``pct_agree``.
        The middle band is called ``pct_neutral`` when it is the scale's midpoint alone (the default
        cut-off) and ``pct_between`` otherwise (with ``agree_from=5`` it holds the answers 2 to 4).
    """
    from statsmodels.stats.proportion import proportion_confint

    data = V.frame(data)
    V.columns(data, [c for c in (item, response, respondent) if c is not None])
    _keys(data, item, respondent)
    levels = V.count(levels, "levels", 2)
    mid = (levels + 1) / 2
    default = int(np.floor(mid) + 1)
    agree_from = default if agree_from is None else agree_from
    if isinstance(agree_from, bool) or not isinstance(agree_from, (int, np.integer, float)) or \
            agree_from % 1 != 0 or not mid < agree_from <= levels:
        raise ValueError(f"agree_from must be a whole number above the midpoint {mid:g} and at most {levels}; "
                         f"got {V.show(agree_from)}")
    agree_from, disagree_to = int(agree_from), levels + 1 - int(agree_from)
    if respondent is not None:
        twice = data.duplicated([respondent, item], keep="first")
        if twice.any():
            pos = int(np.flatnonzero(twice.to_numpy())[0])
            raise ValueError(f"respondent {V.show(data[respondent].iloc[pos])} answers item "
                             f"{V.show(data[item].iloc[pos])} twice (again in {V._row(data, twice)})")
    values = _answers(data, item, response, levels)
    middle = "pct_neutral" if agree_from == default else "pct_between"
    rows = []
    for name, v in values.groupby(data[item].to_numpy(), sort=False, observed=True):
        answered = v.dropna().astype(int)
        n = len(answered)
        count = answered.value_counts().reindex(range(1, levels + 1), fill_value=0)
        n_agree = int(count[count.index >= agree_from].sum())
        n_disagree = int(count[count.index <= disagree_to].sum())
        lo, hi = proportion_confint(n_agree, n, method="wilson") if n else (np.nan, np.nan)
        pct = (lambda k: 100 * k / n) if n else (lambda k: np.nan)  # equal counts give equal percentages
        rows.append({"item": name, "n": n, "n_missing": int(v.isna().sum())}
                    | {f"pct_{k}": pct(count[k]) for k in range(1, levels + 1)}
                    | {"pct_disagree": pct(n_disagree), middle: pct(n - n_agree - n_disagree),
                       "pct_agree": pct(n_agree), "agree_ci_low": 100 * lo, "agree_ci_high": 100 * hi,
                       "median": float(answered.median()) if n else np.nan,
                       "mean": float(answered.mean()) if n else np.nan})
    return _report(pd.DataFrame(rows), [])


# --- framework analysis ------------------------------------------------------------------------------------

def _discussed(data: pd.DataFrame, col) -> pd.Series:
    """A 0/1 (or True/False) column as booleans, refusing anything else by value and row."""
    s = data[col]
    if pd.api.types.is_bool_dtype(s):
        return s.astype(bool)
    try:
        v = V.numeric(data, col, allow_missing=False)
    except ValueError:
        # the cell numeric() refused: text other than 0/1, a gap, or an infinity (as a number or as text)
        off = s.map(lambda x: not isinstance(x, (bool, np.bool_)) and str(x).strip() not in ("0", "1", "0.0", "1.0"))
        bad = (off | s.isna()).to_numpy()
        pos = int(np.flatnonzero(bad)[0])
        raise ValueError(f"column {V.show(col)} must hold 0 or 1 (or True/False); found {V.show(s.iloc[pos])} in "
                         f"{V._row(data, bad)}") from None
    off = ~v.isin([0, 1])
    if off.any():
        raise ValueError(f"column {V.show(col)} must hold 0 or 1 (or True/False); found {V.show(s[off].iloc[0])} "
                         f"in {V._row(data, off)}")
    return v.eq(1)


def framework_matrix(data: pd.DataFrame, case: str, theme: str, text: str, discussed: str | None = None,
                     empty: str = "-") -> pd.DataFrame:
    """The charted framework matrix: one row per case (group or interview), one column per theme.

    Parameters
    ----------
    data : DataFrame
        One row per case and theme charted.
    case, theme, text : str
        Columns of the case, the theme and the charted summary; a missing case or theme is refused.
    discussed : str, optional
        Column of 0/1 (or True/False): whether the case discussed the theme. A theme marked discussed
        must have a summary (else the cell would look like one not discussed).
    empty : str
        What a cell of a theme the case did not discuss (or has no row for) shows.

    Returns
    -------
    DataFrame
        Cases (in order of appearance) by themes (in order of appearance). A case-theme pair charted
        twice is refused.
    """
    data = V.frame(data)
    for col, arg in ((case, "case"), (theme, "theme"), (text, "text")) + (((discussed, "discussed"),) if discussed
                                                                         is not None else ()):
        V.one_name(col, arg)
    V.columns(data, [c for c in (case, theme, text, discussed) if c is not None])
    _keys(data, case, theme)
    dup = data.duplicated([case, theme])
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise ValueError(f"case {V.show(data[case].iloc[pos])} has more than one row for theme "
                         f"{V.show(data[theme].iloc[pos])} ({V._row(data, dup)})")
    said = _discussed(data, discussed) if discussed is not None else pd.Series(True, index=data.index)
    blank = data[text].isna() | data[text].map(lambda v: isinstance(v, str) and v.strip() == "")
    gap = said & blank
    if gap.any():
        pos = int(np.flatnonzero(gap.to_numpy())[0])
        raise ValueError(f"case {V.show(data[case].iloc[pos])}, theme {V.show(data[theme].iloc[pos])} is marked as "
                         f"discussed but has no summary ({V._row(data, gap)}); chart a summary or mark it 0")
    kept = data[said.to_numpy()]
    cases = list(dict.fromkeys(data[case]))
    themes = list(dict.fromkeys(data[theme]))
    out = (kept.pivot(index=case, columns=theme, values=text).reindex(index=cases, columns=themes)
           .astype(object).where(lambda m: m.notna(), empty))
    return _report(out, [])
