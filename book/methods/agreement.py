"""Agreement between coders and raters: Cohen's kappa per code, Krippendorff's alpha, weighted kappa
and Fleiss' kappa.

Codes that differ only in type (``1``, ``1.0``, ``"1"``) are one category. Rows with a missing code are
left out and counted.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .qualitative import ALL_CODES, _is_missing, _label, _require


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


def fleiss_kappa(counts: np.ndarray) -> float:
    """Fleiss' kappa from a subjects x categories table of rater counts (same number of raters per subject)."""
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.shape[0] < 1:
        raise ValueError("counts must be a two-dimensional subjects x categories table")
    raters = counts.sum(axis=1)
    if not np.allclose(raters, raters[0]) or raters[0] < 2:
        raise ValueError("every subject must be rated by the same number (two or more) of raters")
    m = raters[0]
    p_i = ((counts**2).sum(axis=1) - m) / (m * (m - 1))
    p_j = counts.sum(axis=0) / counts.sum()
    p_e = (p_j**2).sum()
    if np.isclose(p_e, 1.0):
        return float("nan")  # every rating in one category: chance agreement is total, kappa undefined
    return float((p_i.mean() - p_e) / (1 - p_e))


def weighted_kappa(a, b, categories=(1, 2, 3, 4, 5)) -> float:
    """Cohen's kappa with quadratic weights for two raters' ordinal ratings.

    ``1 - sum(w * observed) / sum(w * expected)`` with ``w = (i - j)^2`` over the
    categories; equals scikit-learn's ``cohen_kappa_score(a, b, weights="quadratic")``
    (checked in the tests), without importing scikit-learn into every notebook.
    """
    cats = list(categories)
    a, b = np.asarray(a), np.asarray(b)
    if len(a) != len(b) or len(a) == 0:
        raise ValueError(f"need two equally long, non-empty rating vectors; got {len(a)} and {len(b)}")
    unknown = sorted(set(np.r_[a, b].tolist()) - set(cats))
    if unknown:
        raise ValueError(f"rating(s) {unknown} are not among the categories {cats}")
    idx = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    observed = np.zeros((k, k))
    np.add.at(observed, ([idx[x] for x in a.tolist()], [idx[x] for x in b.tolist()]), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    w = (np.arange(k)[:, None] - np.arange(k)[None, :]) ** 2
    return float(1 - (w * observed).sum() / (w * expected).sum())
