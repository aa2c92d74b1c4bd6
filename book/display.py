"""How the book shows things: notebook set-up, and tables as a textbook prints them.

:func:`table` renders a small table with great_tables (readable column labels, no meaningless index,
numbers at their precision, long text wrapped, a title, and the kind of data on the table itself);
:func:`searchable` renders a long one with itables, sortable and searchable, with its JavaScript embedded
so that it works offline. Both return objects whose HTML and plain-text forms are the same on every
machine and every run (fixed element ids, no memory addresses), which is what strict nbval compares.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .plots import set_theme

#: What a reader is told about the data in a table, by kind.
KINDS = {
    "published": "Published figures, typed from the paper (data/published)",
    "simulated": "Simulated teaching data: not NHS data",
    "invented": "Invented illustrative material: not from the study",
    "computed": "Computed by the book from the figures named in each row",
    "book": "The book's own coding and assumptions",
}

#: Labels for column names the chapters share; any other name is turned into words.
LABELS = {
    "ci_low": "95% CI low", "ci_high": "95% CI high", "se": "SE", "sd": "SD", "n": "n", "p": "p",
    "r": "r", "df": "df", "icc1": "ICC(1)", "icc2": "ICC(2)", "or": "OR", "rr": "Rate ratio",
    "claim_id": "Claim", "item_id": "Item", "id": "ID",
}


def setup() -> None:
    """Apply the book's figure theme and pandas display options (3 decimals, so stored outputs are stable)."""
    set_theme()
    pd.set_option("display.precision", 3)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", None)  # nothing cut short
    pd.set_option("display.width", 140)


def label(name) -> str:
    """A column name in words: ``mean_2007`` -> ``Mean 2007``, ``ci_low`` -> ``95% CI low``."""
    name = str(name)
    if name in LABELS:
        return LABELS[name]
    words = [LABELS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "table"


def _table_id(title: str, columns) -> str:
    digest = hashlib.sha1((title + "|" + "|".join(map(str, columns))).encode()).hexdigest()[:6]
    return f"tbl-{_slug(title)}-{digest}"


def _frame(data: pd.DataFrame) -> pd.DataFrame:
    """The data with a meaningful index turned into columns and a meaningless one dropped.

    An unnamed index of whole numbers is row positions (left by a filter or a sort), which mean nothing
    to a reader and, after a sort among ties, can differ from machine to machine."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"a table needs a DataFrame, not {type(data).__name__}")
    index = data.index
    if index.nlevels == 1 and index.name is None and pd.api.types.is_integer_dtype(index.dtype):
        return data.reset_index(drop=True)
    return data.reset_index()


def _format_p(p) -> str:
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _plain(frame: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    """The cells as the reader sees them, as text (the table's plain-text form)."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if col in decimals and pd.api.types.is_numeric_dtype(s):
            d = decimals[col]
            # no thousands separator: a year must read 2007, and counts here stay short
            out[col] = [("–" if pd.isna(v) else (_format_p(v) if d == "p" else f"{v:.{d}f}")) for v in s]
        else:
            out[col] = ["–" if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in s]
    return out


class Table:
    """A rendered table: great_tables HTML for the page, aligned text for plain outputs."""

    def __init__(self, html: str, text: str, frame: pd.DataFrame):
        self._html, self._text, self.data = html, text, frame

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return self._text


def _decimals(frame: pd.DataFrame, decimals) -> dict:
    """Decimals per numeric column: an int for every float column, or a mapping (``"p"`` for p-values)."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if isinstance(decimals, Mapping) and col in decimals:
            out[col] = decimals[col]
        elif str(col) == "p" or str(col).startswith("p_"):
            out[col] = "p"
        elif pd.api.types.is_integer_dtype(s):
            out[col] = 0
        else:
            out[col] = decimals if isinstance(decimals, int) else 3
    return out


def table(data: pd.DataFrame, title: str, *, kind: str, labels: Mapping | None = None, decimals=3,
          source: str | None = None, wrap: Mapping[str, str] | None = None) -> Table:
    """A small table as a textbook prints it.

    Parameters
    ----------
    data : DataFrame
        The rows to show; a named index becomes a column, an unnamed range index is dropped.
    title : str
        What the table shows.
    kind : str
        Which data these are, one of :data:`KINDS`; said under the title.
    labels : mapping, optional
        Column name -> header, beside the defaults of :func:`label`.
    decimals : int or mapping
        Decimals of float columns (default 3), or column -> decimals (``"p"`` formats p-values).
    source : str, optional
        A note under the table (where the figures come from).
    wrap : mapping, optional
        Column -> width (e.g. ``"320px"``) for long text, which then wraps.
    """
    from great_tables import GT

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    frame = _frame(data)
    dec = _decimals(frame, decimals)
    heads = {c: (labels or {}).get(c, label(c)) for c in frame.columns}
    shown = _plain(frame, dec)
    gt = GT(shown, id=_table_id(title, frame.columns)).tab_header(title=title, subtitle=KINDS[kind])
    gt = gt.cols_label(**{str(c): h for c, h in heads.items()})
    numeric = [str(c) for c in dec]
    if numeric:
        gt = gt.cols_align(align="right", columns=numeric)
    if wrap:
        gt = gt.cols_width({str(c): w for c, w in wrap.items()})
    if source:
        gt = gt.tab_source_note(source)
    gt = gt.tab_options(table_font_size="14px", heading_align="left", container_width="100%")
    text = f"{title}\n[{KINDS[kind]}]\n" + shown.rename(columns=heads).to_string(index=False)
    if source:
        text += f"\n{source}"
    return Table(gt.as_raw_html(), text, frame)


def searchable(data: pd.DataFrame, title: str, *, kind: str, labels: Mapping | None = None, decimals=3,
               page_length: int = 15) -> Table:
    """A long table, sortable and searchable in the page (itables, its JavaScript embedded so that the page
    works offline), with the same plain-text form as :func:`table` for plain outputs.

    Call :func:`searchable_setup` once in the notebook before the first one.
    """
    from itables import to_html_datatable

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    frame = _frame(data)
    dec = _decimals(frame, decimals)
    heads = {c: (labels or {}).get(c, label(c)) for c in frame.columns}
    shown = _plain(frame, dec).rename(columns=heads)
    html = to_html_datatable(shown, table_id=_table_id(title, frame.columns), connected=False, showIndex=False,
                             pageLength=page_length, caption=f"{title}. {KINDS[kind]}.", classes="display compact",
                             style="table-layout:auto;width:100%;margin:auto;caption-side:top")
    text = f"{title}\n[{KINDS[kind]}]\n" + shown.to_string(index=False)
    return Table(html, text, frame)


class _Script:
    """The itables library, embedded once per page (plain text: a one-line note)."""

    def __init__(self, html: str):
        self._html = html

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return "(interactive tables enabled)"


def searchable_setup() -> _Script:
    """The JavaScript that :func:`searchable` tables need, embedded in the page (no network)."""
    from itables.javascript import generate_init_offline_itables_html

    from itables.options import dt_bundle

    return _Script(generate_init_offline_itables_html(dt_bundle))
