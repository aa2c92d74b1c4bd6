"""Checks shared by every reader-facing method: one place for each way a reader's table can be wrong.

Each check raises ``ValueError`` (or ``KeyError`` for a column that is not there) with a message that
names the argument, the column, the value and the row at fault, in the words a reader would type them
(``3.7``, not ``np.float64(3.7)``). Rows a method leaves out are counted by the method and reported in
its result (``attrs["n_excluded"]`` and ``attrs["excluded"]``, a reason for each), never dropped silently.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

MONTHS = {m.lower() for m in ("January February March April May June July August September October "
                               "November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()}


def show(value) -> str:
    """A value as a reader would type it: numpy scalars as plain numbers, text in quotes."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _row(data: pd.DataFrame, mask) -> str:
    """'row 3' for the first True in ``mask``: its position, and its label when the index is not 0..n-1."""
    pos = int(np.flatnonzero(np.asarray(mask, dtype=bool))[0])
    label = data.index[pos]
    plain = isinstance(data.index, pd.RangeIndex) and data.index.start == 0 and data.index.step == 1
    return f"row {pos}" if plain else f"row {pos} (index {show(label)})"


def frame(data, arg: str = "data") -> pd.DataFrame:
    """``data`` itself, which must be a pandas DataFrame with at least one row."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{arg} must be a pandas DataFrame, not {type(data).__name__}")
    if data.empty:
        raise ValueError(f"{arg} has no rows")
    return data


def names(value, arg: str) -> list[str]:
    """A list of column names from a name or a sequence of names (a bare string is one name, not letters)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        out = list(value)
        if not out:
            raise ValueError(f"{arg} must name at least one column")
        if len(set(out)) < len(out):
            dup = next(v for v in out if out.count(v) > 1)
            raise ValueError(f"{arg} names column {show(dup)} more than once")
        return out
    raise ValueError(f"{arg} must be a column name or a list of column names, not {type(value).__name__}")


def columns(data: pd.DataFrame, cols: Sequence, arg: str = "data") -> None:
    """Every column in ``cols`` is present in ``data`` exactly once; the columns are distinct."""
    if len(set(cols)) < len(cols):
        dup = next(c for c in cols if list(cols).count(c) > 1)
        raise ValueError(f"column {show(dup)} is given for two different roles")
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise KeyError(f"{arg} has no column(s) {missing}; it has {list(data.columns)[:20]}")
    twice = [c for c in cols if (data.columns == c).sum() > 1]
    if twice:
        raise ValueError(f"{arg} has two columns named {show(twice[0])} (after a merge?); rename one")


def numeric(data: pd.DataFrame, col, *, allow_missing: bool = True, arg: str = "data") -> pd.Series:
    """Column ``col`` as float: numbers, numeric text and pandas nullable numbers are accepted; any other
    text, a boolean column and infinity are refused, naming the value and its row."""
    s = data[col]
    if pd.api.types.is_bool_dtype(s):
        raise ValueError(f"column {show(col)} holds True/False, not numbers")
    if pd.api.types.is_numeric_dtype(s):  # numpy or pandas nullable (Int64, Float64): NA becomes NaN
        out = pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index, name=s.name)
    else:
        text = s.where(~s.isna(), None)
        out = pd.to_numeric(text.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
        bad = out.isna() & s.notna() & s.map(lambda v: not (isinstance(v, str) and v.strip() == ""))
        if bad.any():
            raise ValueError(f"column {show(col)} holds {int(bad.sum())} value(s) that are not numbers, first "
                             f"{show(s[bad].iloc[0])} in {_row(data, bad)}")
        out = out.astype("float64")
    inf = np.isinf(out.to_numpy())
    if inf.any():
        raise ValueError(f"column {show(col)} holds {int(inf.sum())} infinite value(s), first in {_row(data, inf)}")
    if not allow_missing and out.isna().any():
        raise ValueError(f"column {show(col)} has {int(out.isna().sum())} missing value(s), first in "
                         f"{_row(data, out.isna())}")
    return out


def no_missing(data: pd.DataFrame, col, what: str | None = None) -> None:
    """Column ``col`` has no missing value (a key: a unit, a group, a period, a code)."""
    miss = data[col].isna()
    if miss.any():
        raise ValueError(f"{what or 'column'} {show(col)} has {int(miss.sum())} missing value(s), first in "
                         f"{_row(data, miss)}; fill or drop those rows first")


def whole(data: pd.DataFrame, col, values: pd.Series | None = None, *, minimum: float = 0) -> pd.Series:
    """Column ``col`` as whole numbers >= ``minimum`` (counts), refusing fractions and negatives by row."""
    v = numeric(data, col, allow_missing=False) if values is None else values
    frac = (v % 1 != 0).to_numpy()
    if frac.any():
        raise ValueError(f"column {show(col)} must hold whole numbers; found {show(v[frac].iloc[0])} in {_row(data, frac)}")
    low = (v < minimum).to_numpy()
    if low.any():
        raise ValueError(f"column {show(col)} must be at least {show(minimum)}; found {show(v[low].iloc[0])} in "
                         f"{_row(data, low)}")
    return v


def positive(data: pd.DataFrame, col, values: pd.Series | None = None) -> pd.Series:
    """Column ``col`` as positive numbers (an exposure, a size)."""
    v = numeric(data, col, allow_missing=False) if values is None else values
    bad = (v <= 0).to_numpy()
    if bad.any():
        raise ValueError(f"column {show(col)} must be positive; found {show(v[bad].iloc[0])} in {_row(data, bad)}")
    return v


def level(value, arg: str = "alpha") -> float:
    """A probability strictly between 0 and 1 (a significance or confidence level)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not 0 < float(value) < 1:
        hint = " (write 0.95, not 95)" if isinstance(value, (int, float)) and value > 1 else ""
        raise ValueError(f"{arg} must be a number strictly between 0 and 1, not {show(value)}{hint}")
    return float(value)


def count(value, arg: str, minimum: int = 1) -> int:
    """A whole number >= ``minimum`` given as an argument (a number of resamples, a run length)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or float(value) % 1 != 0 \
            or value < minimum:
        raise ValueError(f"{arg} must be a whole number of at least {minimum}, not {show(value)}")
    return int(value)


def distinct(values: pd.Series, what: str, minimum: int = 2) -> int:
    """Refuse a column with fewer than ``minimum`` distinct values (a constant), judged by its values,
    not by a floating-point standard deviation (which is about 1e-16, not 0, for 13 copies of 3.9)."""
    k = int(pd.Series(values).nunique(dropna=True))
    if k < minimum:
        only = pd.Series(values).dropna().unique()
        shown = f" (every value is {show(only[0])})" if len(only) == 1 else ""
        raise ValueError(f"{what} must take at least {minimum} distinct values; it has {k}{shown}")
    return k


def one_type(data: pd.DataFrame, col) -> None:
    """Refuse a key column that mixes numbers and text (1 and '1' would be two different keys)."""
    kinds = {("number" if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else type(v).__name__)
             for v in data[col].dropna().unique()}
    if len(kinds) > 1:
        raise ValueError(f"column {show(col)} mixes {' and '.join(sorted(kinds))} values; make them one type")


def code_labels(values: pd.Series) -> pd.Series:
    """Codes as text, with numeric codes that differ only in type (1, 1.0, '1') made one category."""
    def norm(v):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, (bool, np.bool_)):
            return str(bool(v))
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return str(int(v)) if float(v).is_integer() else repr(float(v))
        text = str(v).strip()
        try:
            number = float(text)
        except ValueError:
            return text
        return str(int(number)) if number.is_integer() else repr(number)
    return pd.Series([norm(v) for v in values], index=values.index, dtype=object)


def ordered_periods(values: pd.Series, col) -> list:
    """The distinct periods of a column in their natural order.

    An ordered Categorical keeps its category order (the categories that occur); numbers, dates and
    pandas Periods sort as such; text sorts as numbers when every label is one ('9' < '10'), as dates
    when every label is one ('2024-01'); other text (month names, 'wave A') is refused, since its
    alphabetical order is not its time order: pass an ordered Categorical.
    """
    s = pd.Series(values)
    present = s.dropna().unique()
    if isinstance(s.dtype, pd.CategoricalDtype):
        if not s.dtype.ordered:
            raise ValueError(f"period column {show(col)} is an unordered Categorical; make it ordered "
                             f"(pd.Categorical(..., ordered=True)) so its order is the time order")
        return [c for c in s.dtype.categories if c in set(present)]
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s) or \
            isinstance(s.dtype, pd.PeriodDtype):
        return sorted(present)
    one_type(pd.DataFrame({col: s}), col)
    if all(isinstance(v, (int, float, np.number)) for v in present):
        return sorted(present)
    labels = [str(v).strip() for v in present]
    try:
        nums = [float(v) for v in labels]
        return [p for _, p in sorted(zip(nums, present))]
    except ValueError:
        pass
    if any(w.lower() in MONTHS for v in labels for w in re.split(r"[\s\-/_.]+", v)):
        raise ValueError(f"period column {show(col)} holds month names ({show(labels[0])}, ...), whose alphabetical "
                         f"order is not their time order; pass an ordered Categorical or dates")
    try:
        stamps = pd.to_datetime(pd.Series(labels), format="ISO8601")
        return [p for _, p in sorted(zip(stamps, present))]
    except (ValueError, TypeError):
        raise ValueError(f"period column {show(col)} holds text labels ({show(labels[0])}, ...) with no natural order; "
                         f"pass numbers, dates or an ordered Categorical") from None


def full_rank(X: pd.DataFrame, what: str = "the model") -> None:
    """Refuse a design matrix whose columns are linearly dependent, naming the column(s) aliased."""
    M = np.asarray(X, dtype=float)
    rank = np.linalg.matrix_rank(M)
    if rank == M.shape[1]:
        return
    aliased, kept = [], []
    for j, name in enumerate(X.columns):
        trial = kept + [j]
        if np.linalg.matrix_rank(M[:, trial]) < len(trial):
            aliased.append(name)
        else:
            kept.append(j)
    raise ValueError(f"{what} cannot be fitted: column(s) {aliased} are exact combinations of the others "
                     f"(collinear or constant); drop them")


def coded(values: pd.Series) -> pd.Series:
    """Codes as :func:`code_labels` gives them, with empty or blank cells missing (None): what a coder left
    empty is not a code called ''. An infinite code (``inf``, as a number or text) is refused by column,
    value and row: it is a slip, not a label."""
    values = pd.Series(values)
    out = code_labels(values)
    inf = out.isin(["inf", "-inf"]).to_numpy()
    if inf.any():
        pos = int(np.flatnonzero(inf)[0])
        raise ValueError(f"column {show(values.name)} holds an infinite code ({show(values.iloc[pos])}) in row {pos}; "
                         f"a code is a label or a finite number")
    return out.where(out.map(lambda v: v is not None and v != ""), None)


def _numeric_label(label: str) -> bool:
    try:
        float(label)
    except ValueError:
        return False
    return True


def one_kind_of_code(coded: dict) -> None:
    """Refuse code columns (name -> :func:`coded` labels) that mix numeric codes with text codes, naming
    the column and one of each: ``1`` beside ``"goals"`` is almost certainly a slip, in one column or
    between coders."""
    labels = {col: [v for v in s.dropna().unique()] for col, s in coded.items()}
    numbers = {col: [v for v in vals if _numeric_label(v)] for col, vals in labels.items()}
    words = {col: [v for v in vals if not _numeric_label(v)] for col, vals in labels.items()}
    for col in coded:
        if numbers[col] and words[col]:
            raise ValueError(f"column {show(col)} mixes numeric codes ({show(numbers[col][0])}) with text codes "
                             f"({show(words[col][0])}); use one kind of code")
    if any(numbers.values()) and any(words.values()):
        a = next(c for c in coded if numbers[c])
        b = next(c for c in coded if words[c])
        raise ValueError(f"column {show(a)} holds numeric codes ({show(numbers[a][0])}) but column {show(b)} "
                         f"holds text codes ({show(words[b][0])}); the coders must use the same codes")


def no_blank(data: pd.DataFrame, col, what: str | None = None) -> None:
    """Column ``col`` (a key: a unit, an item) has no empty or blank text: '' or '  ' would otherwise
    become a unit or an item of its own."""
    blank = data[col].map(lambda x: isinstance(x, str) and x.strip() == "").to_numpy(dtype=bool)
    if blank.any():
        raise ValueError(f"{what or 'column'} {show(col)} has {int(blank.sum())} blank value(s), first in "
                         f"{_row(data, blank)}; fill or drop those rows first")


def positive_number(value, arg: str) -> float:
    """A finite number > 0 given as an argument (an exposure, a size), refused by name otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(float(value)) \
            or float(value) <= 0:
        raise ValueError(f"{arg} must be a positive number, not {show(value)}")
    return float(value)


def one_name(value, arg: str):
    """One column name (a role that takes a single column: a case, a theme, a term), refused by name
    when it is a list or another container, as readers who pass ``['case']`` would otherwise meet
    pandas' 'unhashable type: list'."""
    if value is None or isinstance(value, (list, tuple, set, frozenset, dict, pd.Index, np.ndarray, pd.Series)):
        shown = show(value) if value is None or len(value) < 6 else f"a {type(value).__name__} of {len(value)}"
        raise ValueError(f"{arg} must be one column name, not {shown}")
    return value


def finite_number(value, arg: str) -> float:
    """A finite real number given as an argument (a t statistic, a year), refused by name otherwise
    (text, True/False, infinity, NaN)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) \
            or not np.isfinite(float(value)):
        raise ValueError(f"{arg} must be a finite number, not {show(value)}")
    return float(value)


def number_columns(data: pd.DataFrame, cols: Sequence, *, counts: Sequence = (), minimum: dict | None = None,
                   rows=None) -> pd.DataFrame:
    """``data`` with columns ``cols`` checked as numbers with no gap (text, infinity and missing values
    refused by column, value and row; ``counts`` columns must also hold whole numbers, at least
    ``minimum[col]`` (default 0)). Only the ``rows`` (a boolean mask) a method uses are judged, if given.

    Columns that are already numeric are returned untouched (their values and types feed printed
    results); numeric text ('0.05') is replaced by its number, so it gives the same answer.
    """
    used = np.ones(len(data), dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    out = data.copy()
    for col in cols:
        # cells a method does not use are set to 0, so that only the used rows are judged (at their positions)
        judged = pd.DataFrame({col: data[col].where(used, 0)}, index=data.index)
        values = numeric(judged, col, allow_missing=False)
        if col in counts:
            whole(judged, col, values, minimum=(minimum or {}).get(col, 0))
        if not pd.api.types.is_numeric_dtype(data[col]):
            out[col] = values.astype("int64") if col in counts else values
    return out


def not_too_large(data: pd.DataFrame, what: str = "the model") -> None:
    """Refuse numeric columns so large that their sums of squares overflow (values near 1e300): a
    least-squares fit of them returns p = 1 and NaNs with numpy warnings instead of an answer. Names the
    column, its largest value and the row."""
    M = np.abs(data.to_numpy(dtype=float))
    with np.errstate(over="ignore"):
        total = (M ** 2).sum(axis=0)
    for j in np.flatnonzero(~np.isfinite(total)):
        at = M[:, j] == M[:, j].max()
        raise ValueError(f"column {show(data.columns[j])} holds values too large for {what} (largest "
                         f"{show(float(data.iloc[int(np.flatnonzero(at)[0]), j]))} in {_row(data, at)}): their squares "
                         f"overflow; rescale the column (divide it by a power of ten)")
