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

from .scorecard import COLUMNS, status

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

def _two_coder_rows(data: pd.DataFrame, coder_a: str, coder_b: str) -> tuple[pd.DataFrame, int]:
    _require(data, [coder_a, coder_b])
    if coder_a == coder_b:
        raise ValueError(f"coder_a and coder_b are the same column ({coder_a!r})")
    missing = _is_missing(data[coder_a]) | _is_missing(data[coder_b])
    kept = data.loc[~missing, [coder_a, coder_b]].map(_label)
    if len(kept) < 2:
        raise ValueError(f"need at least 2 segments coded by both {coder_a!r} and {coder_b!r}; found {len(kept)}")
    return kept, int(missing.sum())


def _kappa(p_o: float, p_e: float) -> float:
    return (p_o - p_e) / (1 - p_e) if p_e < 1 else np.nan


def cohen_kappa_by_code(data: pd.DataFrame, coder_a: str, coder_b: str, codes: list | None = None) -> pd.DataFrame:
    """Cohen's kappa for each code (applied or not, per segment) and over all codes.

    Parameters
    ----------
    data : DataFrame
        One row per segment, each coder's code in its own column (one code per segment).
    coder_a, coder_b : str
        The two coders' columns. Segments that either coder left empty are excluded and counted.
        Codes are compared as text, whole numbers alike however stored (``1``, ``1.0``, ``"1"``).
    codes : list, optional
        Codes to report; any code in the data that is not in the list raises ``ValueError``
        (a typo in a code would otherwise count as a disagreement).

    Returns
    -------
    DataFrame
        ``code, n_segments, n_a, n_b, n_both, p_observed, p_expected, kappa, n_excluded``. For a
        code, ``n_a``/``n_b`` are the segments each coder gave it and ``n_both`` those both gave
        it; the last row, ``"(all codes)"``, is the multi-category kappa with ``n_both`` the
        segments on which the coders agree. ``kappa`` is NaN where chance agreement is 1 (a code
        neither coder used).
    """
    kept, n_excluded = _two_coder_rows(data, coder_a, coder_b)
    a, b = kept[coder_a], kept[coder_b]
    used = sorted(set(a) | set(b))
    if codes is None:
        codes = used
    else:
        codes = [_label(c) for c in codes]
        unknown = sorted(set(used) - set(codes))
        if unknown:
            raise ValueError(f"code(s) {unknown} used by the coders are not in `codes`")
    n = len(kept)
    rows = []
    for c in codes:
        ya, yb = a.eq(c), b.eq(c)
        pa, pb = ya.mean(), yb.mean()
        p_o = (ya == yb).mean()
        p_e = pa * pb + (1 - pa) * (1 - pb)
        rows.append({"code": c, "n_segments": n, "n_a": int(ya.sum()), "n_b": int(yb.sum()),
                     "n_both": int((ya & yb).sum()), "p_observed": p_o, "p_expected": p_e,
                     "kappa": _kappa(p_o, p_e), "n_excluded": n_excluded})
    p_o = a.eq(b).mean()
    # chance agreement from integer counts, so the sum is exact in any order
    count_a, count_b = a.value_counts(), b.value_counts()
    p_e = int((count_a * count_b.reindex(count_a.index, fill_value=0)).sum()) / n**2
    rows.append({"code": ALL_CODES, "n_segments": n, "n_a": n, "n_b": n, "n_both": int(a.eq(b).sum()),
                 "p_observed": p_o, "p_expected": p_e, "kappa": _kappa(p_o, p_e), "n_excluded": n_excluded})
    return pd.DataFrame(rows)


def krippendorff_alpha(data: pd.DataFrame, coders: list[str], level: str = "nominal") -> pd.DataFrame:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    Follows the coincidence-matrix computation of Krippendorff (2011), "Computing Krippendorff's
    alpha-reliability": units coded by fewer than two coders are not pairable and are left out
    (counted in ``n_units_excluded``).

    Parameters
    ----------
    data : DataFrame
        One row per unit (segment), one column per coder; empty/NaN where a coder did not code it.
        Values are compared as text, whole numbers alike however stored (``1``, ``1.0``, ``"1"``).
    coders : list of str
        The coder columns (at least two).
    level : str
        Only ``"nominal"`` is implemented.

    Returns
    -------
    DataFrame
        One row: ``alpha, observed_disagreement, expected_disagreement, n_units, n_units_pairable,
        n_units_excluded, n_values_pairable, n_categories, n_coders``.
    """
    if level != "nominal":
        raise ValueError(f"only level='nominal' is implemented; got {level!r}")
    coders = list(coders)
    if len(coders) < 2 or len(set(coders)) != len(coders):
        raise ValueError(f"need at least two distinct coder columns; got {coders}")
    _require(data, coders)
    present = ~data[coders].apply(_is_missing).to_numpy()
    unit_index, _ = np.nonzero(present)  # row-major, like the boolean selection below
    values = [_label(v) for v in data[coders].to_numpy(dtype=object)[present]]
    cats, labels = pd.factorize(pd.Series(values, dtype=object))
    counts = np.zeros((len(data), len(labels)), dtype=np.int64)
    np.add.at(counts, (unit_index, cats), 1)
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        raise ValueError("no unit has values from two or more coders; alpha needs pairable values")
    # o_ck = sum over units of n_uc (n_uk - [c == k]) / (m_u - 1): exact integer sums for each m_u,
    # then one division each, so the result does not depend on the order a BLAS kernel adds in
    coincidences = np.zeros((len(labels), len(labels)))
    for size in np.unique(m[pairable]):
        nu = counts[m == size]
        coincidences += (nu.T @ nu - np.diag(nu.sum(axis=0))) / (size - 1)
    n_c = coincidences.sum(axis=1)
    n = n_c.sum()
    if (n_c > 0).sum() < 2:
        raise ValueError("all pairable values are the same category; alpha is undefined without variation")
    d_o = (n - np.trace(coincidences)) / n
    d_e = (n**2 - (n_c**2).sum()) / (n * (n - 1))
    return pd.DataFrame([{
        "alpha": 1 - d_o / d_e, "observed_disagreement": d_o, "expected_disagreement": d_e,
        "n_units": len(data), "n_units_pairable": int(pairable.sum()),
        "n_units_excluded": int(len(data) - pairable.sum()), "n_values_pairable": int(round(n)),
        "n_categories": int((n_c > 0).sum()), "n_coders": len(coders)}])


# --- saturation ---------------------------------------------------------------------------------------

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


def plot_diverging_likert(summary: pd.DataFrame, labels: dict | None = None,
                          level_labels: list[str] | None = None, ax=None):
    """Diverging stacked bars (Heiberger and Robbins 2014) from :func:`likert_summary` output.

    Disagreement extends left of zero, agreement right, and the middle category (odd scales) is
    split across zero. Items are drawn in the order of ``summary``, first at the top.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    pct_cols = sorted([c for c in summary.columns if c.startswith("pct_") and c[4:].isdigit()],
                      key=lambda c: int(c[4:]))
    if not pct_cols:
        raise ValueError("summary has no pct_1 .. pct_k columns; pass likert_summary() output")
    k = len(pct_cols)
    level_labels = level_labels or [str(i) for i in range(1, k + 1)]
    colours = sns.color_palette("PuOr", k)  # ColorBrewer diverging scheme, colour-blind safe
    if k % 2:
        colours[k // 2] = (0.78, 0.78, 0.78)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.38 * len(summary) + 1.2))
    shares = summary[pct_cols].to_numpy(dtype=float)
    half = k // 2
    left = -(shares[:, :half].sum(axis=1) + (shares[:, half] / 2 if k % 2 else 0))
    y = np.arange(len(summary))
    for j in range(k):
        ax.barh(y, shares[:, j], left=left, color=colours[j], edgecolor="white", linewidth=0.5,
                label=level_labels[j])
        left = left + shares[:, j]
    ax.axvline(0, color="0.2", linewidth=0.8)
    ax.set_yticks(y, [(labels or {}).get(i, i) for i in summary["item"]])
    ax.invert_yaxis()
    ax.set_xlabel("% of respondents (disagree to the left, agree to the right)")
    ax.legend(ncol=k, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize="small")
    return ax.figure


# --- framework analysis ------------------------------------------------------------------------------------

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

#: How the paper's "over 650 h" (Methods) / "650 h" (Table 1) is checked: at least 650, under 660.
HOURS_WINDOW = (650, 660)


def _row(claim, substudy, source, published, reproduced, ok, note=""):
    return {"claim_id": f"qual.{claim}", "substudy": substudy, "source": source, "published": str(published),
            "reproduced": str(reproduced), "status": status(ok), "note": note}


def interviews_ethnography_claims(data: dict | None = None) -> pd.DataFrame:
    """Substudies 1 and 2: interviews, cases, hours and case kinds, counted from the teaching data."""
    from . import published
    from .simulate import qualitative as sim

    d = data or sim.teaching_data()
    counts = published.text_counts()
    rows = []
    n_stake = d["interviews"]["interview_id"].nunique()
    coded = d["segments"]["interview_id"].nunique()
    rows.append(_row("stakeholder_interviews", "1", counts.at["stakeholder_interviews", "source"],
                     published.count("stakeholder_interviews"), n_stake,
                     n_stake == published.count("stakeholder_interviews"),
                     f"interviews in qual_interviews; {coded} of them have coded segments"))
    n_case_int = d["case_interviews"]["interview_id"].nunique()
    rows.append(_row("case_study_interviews", "2", counts.at["case_study_interviews", "source"],
                     published.count("case_study_interviews"), n_case_int,
                     n_case_int == published.count("case_study_interviews"), "interviews in qual_case_interviews"))
    hours = float(d["fieldnotes"]["hours"].sum())
    rows.append(_row("observation_hours", "2", counts.at["observation_hours", "source"],
                     f"over {published.count('observation_hours')} h", f"{hours:g} h",
                     HOURS_WINDOW[0] <= hours < HOURS_WINDOW[1],
                     f"sum of field-note session hours; match if {HOURS_WINDOW[0]} <= total < {HOURS_WINDOW[1]}"))
    observed = set(d["fieldnotes"]["case_id"])
    interviewed = set(d["case_interviews"]["case_id"])
    n_cases = len(observed & interviewed)
    rows.append(_row("case_study_cases", "2", counts.at["case_study_cases", "source"],
                     published.count("case_study_cases"), n_cases, n_cases == published.count("case_study_cases"),
                     "cases with both observation and interviews"))
    kinds = d["cases"].loc[d["cases"]["case_id"].isin(observed & interviewed), "case_type"].value_counts()
    n_hosp = int(kinds.get("hospital_trust", 0))
    rows.append(_row("case_study_hospital_trusts", "2", counts.at["case_study_hospital_trusts", "source"],
                     published.count("case_study_hospital_trusts"), n_hosp,
                     n_hosp == published.count("case_study_hospital_trusts")))
    others = {k: int(kinds.get(k, 0)) for k in ("qi_collaborative", "qi_programme", "primary_care_chain")}
    rows.append(_row("case_study_other_kinds", "2", "Table 1, row 2",
                     "one QI collaborative, one large-scale QI programme, one primary care chain",
                     ", ".join(f"{k}: {v}" for k, v in others.items()), all(v == 1 for v in others.values())))
    total = n_stake + n_case_int
    rows.append(_row("interviewees_total", "1,2", counts.at["interviewees_total", "source"],
                     f"over {published.count('interviewees_total')}", total,
                     total > published.count("interviewees_total"),
                     "stakeholder plus case-study interviews, one person each (our reading); "
                     "the ten 3b interviews would add to it"))
    return pd.DataFrame(rows, columns=COLUMNS)


def patients_public_claims(data: dict | None = None) -> pd.DataFrame:
    """Substudies 3a and 3b: survey responses, statements, focus groups and interviews."""
    from . import published
    from .simulate import qualitative as sim

    d = data or sim.teaching_data()
    counts = published.text_counts()
    resp = d["responses"]
    answered = resp.loc[resp["response"].notna(), "respondent_id"].nunique()
    n_statements = resp["statement_id"].nunique()
    boxes = d["open_text"]["statement_id"].nunique()
    fw = d["framework"].drop_duplicates("source_id")
    n_fg = int((fw["source_type"] == "focus_group").sum())
    n_int = int((fw["source_type"] == "interview").sum())
    rows = [
        _row("ppi_survey_responses", "3a", counts.at["ppi_survey_responses", "source"],
             published.count("ppi_survey_responses"), answered, answered == published.count("ppi_survey_responses"),
             "respondents answering at least one statement"),
        _row("ppi_survey_statements", "3a", counts.at["ppi_survey_statements", "source"],
             published.count("ppi_survey_statements"), n_statements,
             n_statements == published.count("ppi_survey_statements"),
             f"statements written for the book (the paper does not list them); {boxes} have open-text answers"),
        _row("ppi_focus_groups", "3b", counts.at["ppi_focus_groups", "source"], published.count("ppi_focus_groups"),
             n_fg, n_fg == published.count("ppi_focus_groups"), "focus groups in qual_ppi_framework"),
        _row("ppi_interviews", "3b", counts.at["ppi_interviews", "source"], published.count("ppi_interviews"),
             n_int, n_int == published.count("ppi_interviews"), "interviews in qual_ppi_framework"),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def qualitative_claims() -> pd.DataFrame:
    """All scorecard rows of substudies 1, 2, 3a and 3b, computed from the teaching data."""
    from .simulate import qualitative as sim

    d = sim.teaching_data()
    return pd.concat([interviews_ethnography_claims(d), patients_public_claims(d)], ignore_index=True)
