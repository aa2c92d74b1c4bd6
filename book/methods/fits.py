"""Shared by the trust-level outcome models: a reader's table checked and turned into a design matrix, the
rows left out counted with their reason, and iterative fits checked before anything is reported.

A column used as a number must hold numbers (numeric text and pandas nullable types are accepted; other
text, True/False and infinity are refused by row). A *factor* (a text or categorical control, such as
region) enters as 0/1 dummies of the levels that occur, the first level dropped; a text column that is
mostly numbers is treated as a number, so a stray ``'n/a'`` is refused rather than made a level (to enter
numeric codes, such as years, as levels, pass them as a pandas Categorical). A row
with a missing value in any used column is left out and counted in the result's ``attrs``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import validation as V

#: Fewest complete rows a model is fitted on.
MIN_ROWS = 10


def is_factor(s: pd.Series) -> bool:
    """True for a control entered as dummies: text or categorical that is not mostly numbers."""
    if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
        return False
    if isinstance(s.dtype, pd.CategoricalDtype):
        return True
    values = s.dropna().unique()  # each distinct value once: a region column repeats a few labels
    text = [v.strip() if isinstance(v, str) else v for v in values]
    present = [v for v in text if not (isinstance(v, str) and v == "")]
    parsed = pd.to_numeric(pd.Series(present, dtype=object), errors="coerce")
    return not (len(present) and parsed.notna().mean() > 0.5)


def usable(data, numeric=(), factors=(), keys=(), arg: str = "data") -> tuple[pd.DataFrame, list]:
    """The used columns of ``data`` checked and typed, with the incomplete rows left out.

    ``numeric`` columns become float; ``factors`` are controls that may be text (each is numeric if it is
    numbers, else kept as levels); ``keys`` (a unit, a period) must have no missing value. Returns the
    complete rows and ``excluded``: one ``{"row": position, "index": label, "reason": ...}`` per row left
    out (plain values, so that results carrying them in their ``attrs`` can still be concatenated).
    """
    data = V.frame(data, arg)
    cols = [*numeric, *factors, *keys]
    V.columns(data, cols, arg)
    out = pd.DataFrame(index=data.index)
    for col in keys:
        V.no_missing(data, col)
        out[col] = data[col]
    for col in numeric:
        out[col] = V.numeric(data, col, arg=arg)
    for col in factors:
        s = data[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("float64")
        elif is_factor(s):
            blank = s.map(lambda v: isinstance(v, str) and v.strip() == "")
            out[col] = s.where(~blank)
        else:
            out[col] = V.numeric(data, col, arg=arg)
    used = list(numeric) + list(factors)
    missing = out[used].isna().to_numpy()
    gaps = missing.any(axis=1)
    excluded = [{"row": int(pos), "index": data.index[pos],
                 "reason": "missing " + ", ".join(str(c) for c, m in zip(used, missing[pos]) if m)}
                for pos in np.flatnonzero(gaps)]
    return out.loc[~gaps].copy(), excluded


def report(result: pd.DataFrame, excluded: list) -> pd.DataFrame:
    """``result`` with the rows left out counted in its ``attrs`` (``n_excluded``, and ``excluded``: each
    row's position, index label and reason)."""
    result.attrs["n_excluded"] = int(len(excluded))
    result.attrs["excluded"] = list(excluded)
    return result


def levels(s: pd.Series) -> list:
    """The levels of a factor that occur, in order: a categorical's own order, else sorted as text."""
    present = s.dropna()
    if isinstance(s.dtype, pd.CategoricalDtype):
        seen = set(present)
        return [c for c in s.dtype.categories if c in seen]
    return sorted(present.unique(), key=str)


def design_matrix(data: pd.DataFrame, columns) -> pd.DataFrame:
    """Numeric columns as they are, factors as 0/1 dummies ``col=level`` of the levels that occur
    (the first level dropped as the reference)."""
    parts = []
    for col in columns:
        s = data[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            parts.append(s.astype(float).rename(col))
            continue
        for level in levels(s)[1:]:
            parts.append((s == level).astype(float).rename(f"{col}={level}"))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)


def enough_rows(n: int, k: int, excluded: int) -> None:
    """Refuse a model with fewer than ``MIN_ROWS`` complete rows, or fewer than its parameters + 2."""
    need = max(MIN_ROWS, k + 2)
    if n < need:
        raise ValueError(f"too few rows: {n} complete row(s) (after leaving out {excluded} with missing values) "
                         f"for {k} parameters; need at least {need}")


def fit_problem(result) -> str:
    """Why an iterative statsmodels fit cannot be reported, or ``""`` when it can.

    The optimiser must report convergence (each fit sets a tolerance far below the displayed precision)
    and every standard error must be finite and positive: a singular information matrix, a parameter
    that is not identified, gives infinite or missing ones.
    """
    if not (hasattr(result, "bse") and (hasattr(result, "converged") or hasattr(result, "mle_retvals"))):
        raise TypeError(f"result must be a fitted statsmodels model (e.g. one of fit_counts' fits), not "
                        f"{type(result).__name__}")
    converged = getattr(result, "converged", None)  # GLM (IRLS) and MixedLM
    if converged is None:
        converged = result.mle_retvals["converged"]  # maximum likelihood (Newton)
    if not converged:
        return "did not converge"
    bse = np.asarray(result.bse, dtype=float)
    if not (np.isfinite(bse) & (bse > 0)).all():
        met = getattr(result, "book_warnings", None)  # numerical warnings caught during the fit
        return "not identified (singular information matrix)" + (f"; the optimiser met: {'; '.join(met)}" if met else "")
    return ""


def tidy(result, terms=None, alpha: float = 0.05) -> pd.DataFrame:
    """``term, estimate, se, ci_low, ci_high, p`` from a statsmodels result (all terms, or those named)."""
    alpha = V.level(alpha)
    ci = np.asarray(result.conf_int(alpha))
    params = pd.Series(result.params)
    out = pd.DataFrame({"term": params.index, "estimate": params.to_numpy(),
                        "se": np.asarray(result.bse, dtype=float), "ci_low": ci[:, 0], "ci_high": ci[:, 1],
                        "p": np.asarray(result.pvalues, dtype=float)})
    if terms is None:
        return out
    terms = V.names(terms, "terms")
    unknown = [t for t in terms if t not in set(out["term"])]
    if unknown:
        raise KeyError(f"the fit has no term(s) {unknown}; it has {out['term'].tolist()}")
    return out.set_index("term").loc[terms].reset_index()
