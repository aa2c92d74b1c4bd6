"""Reproducible qualitative analysis: code counts, co-occurrence, saturation, inter-coder agreement,
Likert summaries and framework matrices, plus the scorecard claims of substudies 1, 2, 3a and 3b.

Every function takes a tidy table (one row per coded segment, interview or answer) and the names of
its columns, and returns a pandas DataFrame. Bad input raises ``ValueError`` naming the column,
value or row at fault; rows left out of a computation are counted in the output, never dropped
silently.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


ALL_CODES = "(all codes)"


def _require(data: pd.DataFrame, columns, what: str = "data") -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame; got {type(data).__name__}")
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        raise ValueError(f"{what} has no column(s) {missing}; columns are {list(data.columns)}")


def _show(value) -> str:
    """A value for an error message: quoted if text, plain if a number (numpy scalars included)."""
    value = value.item() if isinstance(value, np.generic) else value
    return repr(value)


def _is_missing(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).str.strip().eq("")


def _label(value) -> str:
    """A code as text, the same for ``1``, ``1.0`` and ``"1"`` (a numeric column with a blank is float)."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- counting codes ---------------------------------------------------------------------------------

def code_frequencies(data: pd.DataFrame, code: str, unit: str, by: str | None = None,
                     codes: list | None = None) -> pd.DataFrame:
    """How often each code is used, and by how many units (interviews, cases), overall or by group.

    Parameters
    ----------
    data : DataFrame
        One row per coded segment.
    code, unit : str
        Columns holding the code and the unit (e.g. interview) the segment belongs to.
    by : str, optional
        Column with a group of the unit (e.g. stakeholder group); constant within a unit.
    codes : list, optional
        Codes to report (in this order), including ones never used; default: those in the data.

    Returns
    -------
    DataFrame
        ``[by,] code, n_segments, n_units, units_in_group, pct_units`` where ``pct_units`` is the
        percentage of the group's units with at least one segment of the code.
    """
    _require(data, [code, unit, by])
    if by is not None:
        groups_per_unit = data.groupby(unit)[by].nunique()
        if (groups_per_unit > 1).any():
            bad = groups_per_unit[groups_per_unit > 1].index[0]
            raise ValueError(f"unit {_show(bad)} belongs to more than one {by!r} group")
    keys = [by] if by else []
    codes = list(codes) if codes is not None else sorted(data[code].dropna().unique())
    group_sizes = data.groupby(keys)[unit].nunique() if by else pd.Series({None: data[unit].nunique()})
    rows = []
    for group, size in group_sizes.items():
        sub = data if by is None else data[data[by] == group]
        for c in codes:
            hits = sub[sub[code] == c]
            n_units = hits[unit].nunique()
            rows.append(({by: group} if by else {}) | {
                "code": c, "n_segments": len(hits), "n_units": n_units, "units_in_group": int(size),
                "pct_units": 100 * n_units / size if size else np.nan})
    return pd.DataFrame(rows)


def code_cooccurrence(data: pd.DataFrame, code: str, unit: str, codes: list | None = None,
                      measure: str = "count") -> pd.DataFrame:
    """Code-by-code matrix of units (interviews, cases) in which both codes occur.

    ``measure="count"`` gives the number of units (the diagonal is the number of units with the
    code); ``"jaccard"`` divides by the number of units with either code (diagonal 1).
    """
    _require(data, [code, unit])
    if measure not in ("count", "jaccard"):
        raise ValueError(f"measure must be 'count' or 'jaccard'; got {measure!r}")
    codes = list(codes) if codes is not None else sorted(data[code].dropna().unique())
    present = pd.crosstab(data[unit], data[code]).reindex(columns=codes, fill_value=0).gt(0).astype(int)
    both = present.T @ present
    if measure == "count":
        return both.rename_axis(index="code", columns="code")
    n = np.diag(both.to_numpy())
    either = n[:, None] + n[None, :] - both.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = np.where(either > 0, both.to_numpy() / either, np.nan)
    return pd.DataFrame(jac, index=both.index, columns=both.columns).rename_axis(index="code", columns="code")


# --- inter-coder agreement ---------------------------------------------------------------------------

def saturation_curve(data: pd.DataFrame, unit: str, code: str, order: str | None = None,
                     run_length: int = 10, initial_sample: int = 0) -> pd.DataFrame:
    """New codes per successive unit (interview), and where a stopping rule would have stopped.

    The stopping rule: after at least ``initial_sample`` units, stop at the first unit that ends a
    run of ``run_length`` consecutive units contributing no new code (``run_length=3,
    initial_sample=10`` is the "10+3" rule of Francis et al. 2010).

    Parameters
    ----------
    data : DataFrame
        One row per coded segment; a unit with no codes may appear with an empty code.
    unit, code : str
        Columns of the unit and the code.
    order : str, optional
        Column giving the order in which units were analysed (one value per unit, no ties);
        default: order of first appearance in ``data``.
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
    _require(data, [unit, code, order])
    if int(run_length) != run_length or run_length < 1:
        raise ValueError(f"run_length must be a whole number of at least 1; got {run_length}")
    if int(initial_sample) != initial_sample or initial_sample < 0:
        raise ValueError(f"initial_sample must be a whole number of at least 0; got {initial_sample}")
    if order is not None:
        per_unit = data.groupby(unit)[order].nunique()
        if (per_unit > 1).any():
            raise ValueError(f"unit {_show(per_unit[per_unit > 1].index[0])} has more than one {order!r} value")
        first = data.drop_duplicates(unit)[[unit, order]]
        tied = first[order].duplicated(keep=False)
        if tied.any():
            raise ValueError(f"{order!r} value {_show(first.loc[tied, order].iloc[0])} is shared by more than one unit")
        units = first.sort_values(order)[unit].tolist()
    else:
        units = list(dict.fromkeys(data[unit]))
    codes_by_unit = _codes_by_unit(data, unit, code)
    rows = []
    for position, (u, unit_codes, new, cumulative, run, stop) in enumerate(
            _walk(units, codes_by_unit, run_length, initial_sample), start=1):
        rows.append({"position": position, "unit": u, "n_codes": len(unit_codes), "new_codes": len(new),
                     "new_code_names": ", ".join(map(str, new)), "cumulative_codes": cumulative,
                     "run_without_new": run, "stop": stop})
    return pd.DataFrame(rows)


def _codes_by_unit(data: pd.DataFrame, unit: str, code: str) -> dict:
    kept = data.loc[~_is_missing(data[code])]
    return kept.groupby(unit, sort=False)[code].agg(lambda s: list(dict.fromkeys(s))).to_dict()


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


def stopping_by_order(data: pd.DataFrame, unit: str, code: str, rng: np.random.Generator,
                      n_orderings: int = 200, run_length: int = 10, initial_sample: int = 0) -> pd.DataFrame:
    """Where the stopping rule of :func:`saturation_curve` stops under random orders of the units.

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
    _require(data, [unit, code])
    if int(n_orderings) != n_orderings or n_orderings < 1:
        raise ValueError(f"n_orderings must be a whole number of at least 1; got {n_orderings}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. numpy.random.default_rng(1)")
    if int(run_length) != run_length or run_length < 1:
        raise ValueError(f"run_length must be a whole number of at least 1; got {run_length}")
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
    return pd.DataFrame(rows)


def stopping_point(curve: pd.DataFrame) -> int | None:
    """Position at which :func:`saturation_curve`'s rule stops, or None if it never does."""
    _require(curve, ["position", "stop"], "curve")
    hit = curve.loc[curve["stop"].astype(bool), "position"]
    return int(hit.iloc[0]) if len(hit) else None


# --- Likert items ----------------------------------------------------------------------------------------

def likert_summary(data: pd.DataFrame, item: str, response: str, levels: int = 5,
                   agree_from: int | None = None) -> pd.DataFrame:
    """Per-item counts, percentages and summaries of answers on a 1..levels scale.

    Missing answers are counted (``n_missing``) and left out of the percentages.

    Returns
    -------
    DataFrame
        ``item, n, n_missing, pct_1 .. pct_<levels>, pct_disagree, pct_neutral, pct_agree,
        agree_ci_low, agree_ci_high, median, mean`` where agreement is ``>= agree_from`` (default:
        the levels above the midpoint), disagreement the mirror image, and the interval is Wilson's
        95% interval for ``pct_agree``.
    """
    from statsmodels.stats.proportion import proportion_confint

    _require(data, [item, response])
    if int(levels) != levels or levels < 2:
        raise ValueError(f"levels must be a whole number of at least 2; got {levels}")
    mid = (levels + 1) / 2
    agree_from = int(np.floor(mid) + 1) if agree_from is None else agree_from
    if int(agree_from) != agree_from or not mid < agree_from <= levels:
        raise ValueError(f"agree_from must be a whole number above the midpoint {mid:g} and at most {levels}; "
                         f"got {agree_from}")
    disagree_to = levels + 1 - agree_from
    values = pd.to_numeric(data[response].replace("", np.nan), errors="coerce")
    non_numeric = values.isna() & ~_is_missing(data[response])
    if non_numeric.any():
        i = non_numeric.idxmax()
        raise ValueError(f"column {response!r} holds non-numeric answer {_show(data.at[i, response])} "
                         f"(item {_show(data.at[i, item])})")
    bad = values.notna() & (~values.isin(range(1, levels + 1)))
    if bad.any():
        i = bad.idxmax()
        raise ValueError(f"column {response!r} holds {_show(data.at[i, response])} for item {_show(data.at[i, item])}; "
                         f"answers must be whole numbers 1 to {levels}")
    rows = []
    for name, v in values.groupby(data[item], sort=False):
        answered = v.dropna().astype(int)
        n = len(answered)
        count = answered.value_counts().reindex(range(1, levels + 1), fill_value=0)
        share = 100 * count / n if n else count * np.nan  # equal counts give equal percentages
        n_agree = int(count[count.index >= agree_from].sum())
        n_disagree = int(count[count.index <= disagree_to].sum())
        lo, hi = proportion_confint(n_agree, n, method="wilson") if n else (np.nan, np.nan)
        rows.append({"item": name, "n": n, "n_missing": int(v.isna().sum())}
                    | {f"pct_{k}": share[k] for k in range(1, levels + 1)}
                    | {"pct_disagree": 100 * n_disagree / n if n else np.nan,
                       "pct_neutral": 100 * (n - n_agree - n_disagree) / n if n else np.nan,
                       "pct_agree": 100 * n_agree / n if n else np.nan,
                       "agree_ci_low": 100 * lo, "agree_ci_high": 100 * hi,
                       "median": float(answered.median()) if n else np.nan,
                       "mean": float(answered.mean()) if n else np.nan})
    return pd.DataFrame(rows)


def framework_matrix(data: pd.DataFrame, case: str, theme: str, text: str, discussed: str | None = None,
                     empty: str = "-") -> pd.DataFrame:
    """The charted framework matrix: one row per case (group or interview), one column per theme.

    Cells hold the summary text; cells of themes a case did not discuss (``discussed`` 0, or no
    row) hold ``empty``. A case-theme pair charted twice raises ``ValueError``.
    """
    _require(data, [case, theme, text, discussed])
    dup = data.duplicated([case, theme])
    if dup.any():
        row = data.loc[dup].iloc[0]
        raise ValueError(f"case {_show(row[case])} has more than one row for theme {_show(row[theme])}")
    kept = data if discussed is None else data[data[discussed].astype(int) == 1]
    cases = list(dict.fromkeys(data[case]))
    themes = list(dict.fromkeys(data[theme]))
    return (kept.pivot(index=case, columns=theme, values=text)
            .reindex(index=cases, columns=themes).fillna(empty))


# --- scorecard ----------------------------------------------------------------------------------------------

