"""Agreement between coders and raters: Cohen's kappa (overall, per code, and per code when a segment can
carry several codes), Krippendorff's alpha, Fleiss' kappa and weighted kappa — the one implementation of
each in the book.

Codes are compared as text, with codes that differ only in type (``1``, ``1.0``, ``"1"``) read as one
code; empty cells are missing. A coder column that mixes numeric codes with text codes (``1`` and
``"goals"``) is refused, since one of the two is almost certainly a slip. Rows left out are counted in
the result's ``attrs`` (``n_excluded``, and ``excluded``: each row left out with its reason).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import validation as V

#: The label of the row that pools every code (the multi-category kappa).
ALL_CODES = "(all codes)"

KAPPA_COLUMNS = ["code", "n_segments", "n_a", "n_b", "n_both", "p_observed", "p_expected", "kappa", "se",
                 "ci_low", "ci_high", "n_excluded"]


# --- reading a reader's codes ----------------------------------------------------------------------------

def _codes(data: pd.DataFrame, col) -> pd.Series:
    """A coder column as code labels, blank cells missing (None)."""
    return V.coded(data[col])


#: Refuse coder columns that mix numeric codes with text codes (shared with the qualitative counts).
_one_kind = V.one_kind_of_code


def _excluded(data: pd.DataFrame, mask: np.ndarray, reason: str) -> pd.DataFrame:
    pos = np.flatnonzero(mask)
    return pd.DataFrame({"row": pos, "index": data.index[pos], "reason": reason})


def _report(out: pd.DataFrame, excluded: pd.DataFrame) -> pd.DataFrame:
    """``out`` with what was left out in its ``attrs``: ``n_excluded``, and ``excluded`` (reason -> row
    positions; plain lists, so that pandas can still compare and concatenate such results)."""
    out.attrs["n_excluded"] = int(len(excluded))
    out.attrs["excluded"] = {reason: [int(r) for r in rows]
                             for reason, rows in excluded.groupby("reason", sort=False)["row"]}
    return out


def _two_coders(data, coder_a, coder_b, arg: str = "data"):
    """The two coders' codes on the segments both coded, and the segments left out."""
    data = V.frame(data, arg)
    V.columns(data, [coder_a, coder_b], arg)
    a, b = _codes(data, coder_a), _codes(data, coder_b)
    _one_kind({coder_a: a, coder_b: b})
    missing = (a.isna() | b.isna()).to_numpy()
    n = int((~missing).sum())
    if n < 2:
        raise ValueError(f"need at least 2 segments coded by both {V.show(coder_a)} and {V.show(coder_b)}; found {n}")
    excluded = _excluded(data, missing, "not coded by both coders")
    return a[~missing].tolist(), b[~missing].tolist(), excluded


# --- Cohen's kappa ---------------------------------------------------------------------------------------

def kappa_from_table(table, level: float = 0.95) -> dict:
    """Cohen's kappa, its large-sample standard error and confidence interval from a square table of counts.

    The standard error is that of Fleiss, Cohen and Everitt (1969), the one ``statsmodels``'
    ``cohens_kappa`` reports; the interval is ``kappa +/- z * se``, cut to [-1, 1]. With perfect
    agreement the standard error is 0 and the interval a single point: it says nothing about the
    uncertainty then, which is largest exactly where few segments carry a code.
    """
    counts = np.asarray(table, dtype=np.int64)
    n = int(counts.sum())
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    # chance agreement from integer counts, so that "no chance-corrected agreement exists" is exact
    chance = int((rows * cols).sum())
    p_o, p_e = int(np.trace(counts)) / n, chance / n**2
    if chance == n * n:  # both coders used one and the same code throughout
        return {"p_observed": p_o, "p_expected": p_e, "kappa": np.nan, "se": np.nan, "ci_low": np.nan,
                "ci_high": np.nan}
    kappa = (p_o - p_e) / (1 - p_e)
    p, pr, pc = counts / n, rows / n, cols / n
    k = len(counts)
    # exact sums (math.fsum): the same result in any order a machine adds in
    diag = math.fsum(p[i, i] * (1 - (pr[i] + pc[i]) * (1 - kappa)) ** 2 for i in range(k))
    off = math.fsum(p[i, j] * (pc[i] + pr[j]) ** 2 for i in range(k) for j in range(k) if i != j)
    var = (diag + (1 - kappa) ** 2 * off - (kappa - p_e * (1 - kappa)) ** 2) / (n * (1 - p_e) ** 2)
    se = math.sqrt(max(var, 0.0))
    from scipy.stats import norm

    z = float(norm.ppf(1 - (1 - level) / 2))
    return {"p_observed": p_o, "p_expected": p_e, "kappa": kappa, "se": se,
            "ci_low": max(-1.0, kappa - z * se), "ci_high": min(1.0, kappa + z * se)}


def _table(a: list, b: list, categories: list) -> np.ndarray:
    idx = {c: i for i, c in enumerate(categories)}
    out = np.zeros((len(categories), len(categories)), dtype=np.int64)
    np.add.at(out, ([idx[x] for x in a], [idx[x] for x in b]), 1)
    return out


def _binary_row(code, ya: np.ndarray, yb: np.ndarray, level: float, n_excluded: int) -> dict:
    both, a_only = int((ya & yb).sum()), int((ya & ~yb).sum())
    b_only, neither = int((~ya & yb).sum()), int((~ya & ~yb).sum())
    stats = kappa_from_table([[both, a_only], [b_only, neither]], level)
    return {"code": code, "n_segments": len(ya), "n_a": int(ya.sum()), "n_b": int(yb.sum()), "n_both": both,
            **stats, "n_excluded": n_excluded}


def cohen_kappa(data: pd.DataFrame, coder_a: str, coder_b: str, level: float = 0.95) -> pd.DataFrame:
    """Cohen's kappa between two coders over all their codes, with a confidence interval.

    Parameters
    ----------
    data : DataFrame
        One row per segment, each coder's code in its own column (one code per segment).
    coder_a, coder_b : str
        The two coders' columns. Segments that either coder left empty are left out and counted.
    level : float
        Confidence level of the interval (0.95, not 95).

    Returns
    -------
    DataFrame
        One row: ``n_segments, n_categories, p_observed, p_expected, kappa, se, ci_low, ci_high,
        n_excluded`` (see :func:`kappa_from_table`); ``attrs`` count the segments left out.
    """
    level = V.level(level, "level")
    a, b, excluded = _two_coders(data, coder_a, coder_b)
    categories = sorted(set(a) | set(b))
    stats = kappa_from_table(_table(a, b, categories), level)
    out = pd.DataFrame([{"n_segments": len(a), "n_categories": len(categories), **stats,
                         "n_excluded": len(excluded)}])
    return _report(out, excluded)


def cohen_kappa_by_code(data: pd.DataFrame, coder_a: str, coder_b: str, codes: list | None = None,
                        level: float = 0.95) -> pd.DataFrame:
    """Cohen's kappa for each code (applied or not, per segment) and over all codes, with intervals.

    Parameters
    ----------
    data : DataFrame
        One row per segment, each coder's code in its own column (one code per segment; for several
        codes per segment see :func:`cohen_kappa_presence`).
    coder_a, coder_b : str
        The two coders' columns. Segments that either coder left empty are left out and counted.
    codes : list, optional
        Codes to report, in this order (codes listed but never used get NaN); a code the coders used
        that is not in the list is refused, since a typo would otherwise count as a disagreement.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        :data:`KAPPA_COLUMNS`: per code, ``n_a``/``n_b`` the segments each coder gave it and
        ``n_both`` those both gave it; the last row, :data:`ALL_CODES`, is :func:`cohen_kappa`, with
        ``n_both`` the segments on which the coders agree. ``kappa`` is NaN for a code neither coder
        used (chance agreement is then total).
    """
    level = V.level(level, "level")
    a, b, excluded = _two_coders(data, coder_a, coder_b)
    used = sorted(set(a) | set(b))
    if codes is None:
        codes = used
    else:
        codes = [c for c in V.code_labels(pd.Series(V.names(codes, "codes"), dtype=object)) if c is not None]
        unknown = sorted(set(used) - set(codes))
        if unknown:
            raise ValueError(f"code(s) {unknown} used by the coders are not in `codes`")
    av, bv = np.array(a, dtype=object), np.array(b, dtype=object)
    rows = [_binary_row(c, av == c, bv == c, level, len(excluded)) for c in codes]
    stats = kappa_from_table(_table(a, b, used), level)
    rows.append({"code": ALL_CODES, "n_segments": len(a), "n_a": len(a), "n_b": len(b),
                 "n_both": int((av == bv).sum()), **stats, "n_excluded": len(excluded)})
    return _report(pd.DataFrame(rows, columns=KAPPA_COLUMNS), excluded)


def cohen_kappa_presence(data: pd.DataFrame, unit: str, code: str, coder: str, coders: list | None = None,
                         codes: list | None = None, level: float = 0.95) -> pd.DataFrame:
    """Cohen's kappa per code when a segment may carry several codes (a coding export in long form).

    Parameters
    ----------
    data : DataFrame
        One row per code a coder applied to a unit (``unit, code, coder``); a unit a coder read but
        gave no code is a row with an empty ``code``.
    unit, code, coder : str
        Columns of the unit (segment), the code and who applied it.
    coders : list of two, optional
        The two coders to compare; default: the two values of ``coder`` (refused if there are more).
    codes : list, optional
        Codes to report, in this order; default: every code used.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        :data:`KAPPA_COLUMNS` without the pooled row (codes are not exclusive, so there is no single
        multi-category kappa). Units read by only one coder, and repeated rows, are left out and counted.
    """
    level = V.level(level, "level")
    data = V.frame(data)
    V.columns(data, [unit, code, coder])
    V.no_missing(data, unit, "unit column")
    V.no_missing(data, coder, "coder column")
    V.one_type(data, unit)
    who = list(dict.fromkeys(data[coder]))
    if coders is None:
        if len(who) != 2:
            raise ValueError(f"column {V.show(coder)} names {len(who)} coders ({who[:5]}); pass coders=[a, b]")
        coders = sorted(who, key=str)
    coders = V.names(coders, "coders")
    if len(coders) != 2:
        raise ValueError(f"coders must name exactly two coders, not {coders}")
    for c in coders:
        if c not in set(who):
            raise ValueError(f"coder {V.show(c)} does not appear in column {V.show(coder)}")
    labels = _codes(data, code)
    _one_kind({code: labels})
    keep = data[coder].isin(coders).to_numpy()
    repeated = (pd.DataFrame({"u": data[unit], "c": labels, "r": data[coder]}).duplicated().to_numpy()) & keep
    excluded = [_excluded(data, repeated, "the same code applied twice by the same coder")]
    frame = pd.DataFrame({"u": data[unit], "c": labels, "r": data[coder]})[keep & ~repeated]
    read_by = frame.groupby("u", sort=False)["r"].nunique()
    single = data[unit].map(read_by).fillna(0).to_numpy() < 2
    excluded.append(_excluded(data, keep & ~repeated & single, "unit read by one coder only"))
    frame = frame[frame["u"].map(read_by).to_numpy() == 2]
    units = list(dict.fromkeys(frame["u"]))
    if len(units) < 2:
        raise ValueError(f"need at least 2 units read by both coders {coders}; found {len(units)}")
    used = sorted(frame["c"].dropna().unique())
    codes = used if codes is None else [c for c in V.code_labels(pd.Series(V.names(codes, "codes"), dtype=object))
                                        if c is not None]
    applied = frame.dropna(subset=["c"])
    n_out = sum(len(e) for e in excluded)
    rows = []
    for c in codes:
        has = applied[applied["c"] == c]
        ya = pd.Index(units).isin(has.loc[has["r"] == coders[0], "u"])
        yb = pd.Index(units).isin(has.loc[has["r"] == coders[1], "u"])
        rows.append(_binary_row(c, np.asarray(ya), np.asarray(yb), level, n_out))
    out = pd.DataFrame(rows, columns=KAPPA_COLUMNS)
    return _report(out, pd.concat(excluded, ignore_index=True))


# --- Krippendorff's alpha --------------------------------------------------------------------------------

def krippendorff_alpha(data: pd.DataFrame, coders: list[str], level: str = "nominal") -> pd.DataFrame:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    Follows the coincidence-matrix computation of Krippendorff (2011), "Computing Krippendorff's
    alpha-reliability": units coded by fewer than two coders are not pairable and are left out
    (counted in ``n_units_excluded`` and ``attrs``).

    Parameters
    ----------
    data : DataFrame
        One row per unit (segment), one column per coder; empty/NaN where a coder did not code it.
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
    data = V.frame(data)
    coders = V.names(coders, "coders")
    if len(coders) < 2:
        raise ValueError(f"need at least two distinct coder columns; got {coders}")
    V.columns(data, coders)
    coded = {c: _codes(data, c) for c in coders}
    _one_kind(coded)
    values = pd.DataFrame(coded).to_numpy(dtype=object)
    present = np.array([[v is not None for v in row] for row in values], dtype=bool).reshape(values.shape)
    unit_index, _ = np.nonzero(present)  # row-major, like the boolean selection below
    cats, labels = pd.factorize(pd.Series(values[present], dtype=object), sort=True)
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
    n_c = np.array([math.fsum(r) for r in coincidences])
    n = math.fsum(n_c)
    if (n_c > 0).sum() < 2:
        raise ValueError("all pairable values are the same category; alpha is undefined without variation")
    d_o = (n - math.fsum(np.diag(coincidences))) / n
    d_e = (n**2 - math.fsum(n_c**2)) / (n * (n - 1))
    out = pd.DataFrame([{
        "alpha": 1 - d_o / d_e, "observed_disagreement": d_o, "expected_disagreement": d_e,
        "n_units": len(data), "n_units_pairable": int(pairable.sum()),
        "n_units_excluded": int(len(data) - pairable.sum()), "n_values_pairable": int(round(n)),
        "n_categories": int((n_c > 0).sum()), "n_coders": len(coders)}])
    return _report(out, _excluded(data, ~pairable, "coded by fewer than two coders"))


# --- several raters, and ordinal ratings -----------------------------------------------------------------

def _count_table(counts) -> np.ndarray:
    """``counts`` as a float array; what cannot be one (a dict, a bare string, ragged rows, a cell that is
    not a number) is refused by name, subject and category, not with numpy's conversion error."""
    if isinstance(counts, (str, bytes, dict, set)):
        raise TypeError(f"counts must be a subjects x categories table (a 2-D array, a list of rows or a "
                        f"DataFrame), not {type(counts).__name__}")
    try:
        return np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        pass
    rows = counts.to_numpy(dtype=object) if isinstance(counts, pd.DataFrame) else list(counts)
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes, dict)) or not hasattr(row, "__len__"):
            raise ValueError(f"counts must be a table of rows; subject {i} is {V.show(row)}, not a row of counts")
        if len(row) != len(rows[0]):
            raise ValueError(f"counts is ragged: subject {i} has {len(row)} categories, subject 0 has {len(rows[0])}")
        for j, cell in enumerate(row):
            try:
                float(cell)
            except (TypeError, ValueError):
                raise ValueError(f"counts holds {V.show(cell)} at subject {i}, category {j}, which is not a "
                                 f"number") from None
    return np.asarray(counts, dtype=float)  # not reached for a table numpy cannot read: a fault is named above


def fleiss_kappa(counts) -> float:
    """Fleiss' kappa from a subjects x categories table of rater counts (same number of raters per subject).

    ``counts`` must hold whole, non-negative numbers; every subject must be rated by the same number
    (two or more) of raters. NaN if every rating falls in one category (chance agreement is total).
    """
    table = _count_table(counts)
    if table.ndim != 2 or table.shape[0] < 1 or table.shape[1] < 1:
        raise ValueError("counts must be a two-dimensional subjects x categories table")
    if not np.isfinite(table).all():
        i, j = np.argwhere(~np.isfinite(table))[0]
        raise ValueError(f"counts holds a missing or infinite value at subject {i}, category {j}")
    bad = (table < 0) | (table % 1 != 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"counts must be whole numbers of at least 0; found {V.show(table[i, j])} at subject {i}, "
                         f"category {j}")
    raters = table.sum(axis=1)
    if (raters != raters[0]).any() or raters[0] < 2:
        i = int(np.flatnonzero(raters != raters[0])[0]) if (raters != raters[0]).any() else 0
        raise ValueError(f"every subject must be rated by the same number (two or more) of raters; subject {i} "
                         f"has {V.show(raters[i])}, subject 0 has {V.show(raters[0])}")
    m = raters[0]
    p_i = ((table**2).sum(axis=1) - m) / (m * (m - 1))
    p_j = table.sum(axis=0) / table.sum()
    p_e = (p_j**2).sum()
    if np.isclose(p_e, 1.0):
        return float("nan")  # every rating in one category: chance agreement is total, kappa undefined
    return float((p_i.mean() - p_e) / (1 - p_e))


def weighted_kappa(a, b, categories=(1, 2, 3, 4, 5)) -> float:
    """Cohen's kappa with quadratic weights for two raters' ordinal ratings.

    ``1 - sum(w * observed) / sum(w * expected)`` with ``w = (i - j)^2`` over the
    categories; equals scikit-learn's ``cohen_kappa_score(a, b, weights="quadratic")``
    (checked in the tests). Missing ratings and ratings outside ``categories`` are refused, and so are
    ``categories`` that are not a list of at least two distinct levels (a repeated level would shift
    every weight after it). NaN when both raters give every subject one and the same category: chance
    agreement is then total and kappa undefined (as :func:`kappa_from_table` and :func:`fleiss_kappa`).
    """
    cats = _levels(categories)
    a, b = _ratings(a, "a"), _ratings(b, "b")
    if len(a) != len(b) or len(a) == 0:
        raise ValueError(f"need two equally long, non-empty rating vectors; got {len(a)} and {len(b)}")
    for name, values in (("a", a), ("b", b)):
        gaps = [i for i, v in enumerate(values) if v is None or (isinstance(v, float) and math.isnan(v))]
        if gaps:
            raise ValueError(f"ratings {name} have a missing value at position {gaps[0]}; drop the pair first")
    # 3, 3.0 and "3" are one rating, as in the other agreement statistics
    norm = dict(zip(V.code_labels(pd.Series(cats, dtype=object)), cats))
    labels = {name: list(V.code_labels(pd.Series(v, dtype=object))) for name, v in (("a", a), ("b", b))}
    unknown = sorted({v.item() if isinstance(v, np.generic) else v for v, lab in zip(a + b, labels["a"] + labels["b"])
                      if lab not in norm}, key=str)
    if unknown:
        raise ValueError(f"rating(s) {unknown} are not among the categories {cats}")
    a, b = [norm[x] for x in labels["a"]], [norm[x] for x in labels["b"]]
    idx = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    observed = np.zeros((k, k))
    np.add.at(observed, ([idx[x] for x in a], [idx[x] for x in b]), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    w = (np.arange(k)[:, None] - np.arange(k)[None, :]) ** 2
    if (w * expected).sum() == 0:  # both raters used one and the same category throughout
        return float("nan")
    return float(1 - (w * observed).sum() / (w * expected).sum())


def _levels(categories) -> list:
    """The ordered rating levels: a list (or tuple, range, array) of at least two distinct levels, with
    levels that differ only in type (5 and 5.0) counted as one."""
    if isinstance(categories, (dict, set)) or not hasattr(categories, "__iter__"):
        raise TypeError(f"categories must list the ordered rating levels, e.g. (1, 2, 3, 4, 5), not "
                        f"{V.show(categories) if not hasattr(categories, '__len__') else type(categories).__name__}")
    cats = list(categories)
    labels = list(V.code_labels(pd.Series(cats, dtype=object)))
    if len(cats) < 2:
        raise ValueError(f"categories must list at least two rating levels; got {cats}")
    twice = [c for c, lab in zip(cats, labels) if labels.count(lab) > 1]
    if twice:
        raise ValueError(f"categories lists the level {V.show(twice[0])} more than once; each level must appear once")
    return cats


def _ratings(values, name: str) -> list:
    """One rater's ratings as a flat list (a list, array or Series; not a dict, a set or a bare value)."""
    if isinstance(values, (str, bytes, dict, set)) or not hasattr(values, "__iter__"):
        raise TypeError(f"ratings {name} must be a list, array or Series of ratings, not {type(values).__name__}")
    return list(np.asarray(values, dtype=object).ravel())
