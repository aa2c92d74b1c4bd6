"""The paper's figures, read from ``data/published`` with the place each came from.

Every number here was typed from Dixon-Woods et al. (2014) into a CSV with a
``source`` column; nothing in this module computes or alters a published value.
"""
from __future__ import annotations

import pandas as pd

from .paths import PUBLISHED

#: Survey years of Tables 2 and 3.
SURVEY_YEARS = (2007, 2009, 2011)


_READ: dict = {}


def _read(name: str, **kwargs) -> pd.DataFrame:
    """The file as a new frame each call; parsed once (again if the file changes), since chapters look up
    published counts many times."""
    path = PUBLISHED / name
    if not path.exists():
        raise FileNotFoundError(f"published figures file {name!r} is missing from data/published")
    stat = path.stat()
    key = (name, repr(sorted(kwargs.items())), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        _READ[key] = pd.read_csv(path, **kwargs)
    return _READ[key].copy()


def table1() -> pd.DataFrame:
    """Table 1 of the paper: one row per study element (1, 2, 3a, ..., 6c)."""
    return _read("table1_substudies.csv", dtype=str)


def survey_tables() -> pd.DataFrame:
    """Tables 2 and 3 as printed, one row per survey item.

    Columns ``marker_*`` hold the significance marker exactly as printed
    (``""``, ``"*"`` or ``"**"``); numbers keep the published precision,
    recorded per row in ``decimals``.
    """
    frames = [
        _read(name, dtype={"marker_2007_2009": str, "marker_2009_2011": str}, keep_default_na=False)
        for name in ("table2_staff_survey.csv", "table3_staff_inpatient_survey.csv")
    ]
    return pd.concat(frames, ignore_index=True)


def survey_tables_long() -> pd.DataFrame:
    """Tables 2 and 3 in long form: one row per item and pair of consecutive years.

    Columns: ``item, table, period_from, period_to, mean_from, mean_to, change,
    marker, sd_2007, n_trusts, decimals, source``.
    """
    wide = survey_tables()
    rows = []
    for rec in wide.to_dict("records"):
        for a, b in zip(SURVEY_YEARS[:-1], SURVEY_YEARS[1:]):
            rows.append({
                "item": rec["item_id"], "table": rec["table"], "period_from": a, "period_to": b,
                "mean_from": rec[f"mean_{a}"], "mean_to": rec[f"mean_{b}"],
                "change": rec[f"change_{a}_{b}"], "marker": rec[f"marker_{a}_{b}"],
                "sd_2007": rec["sd_2007"], "n_trusts": rec["n_trusts"],
                "decimals": rec["decimals"], "source": rec["source"],
            })
    return pd.DataFrame(rows)


def text_counts() -> pd.DataFrame:
    """Counts stated in the paper's text and Table 1, indexed by ``claim_id``."""
    return _read("text_counts.csv").set_index("claim_id")


def count(claim_id: str) -> float:
    """One published count, e.g. ``count("teams")`` -> 621."""
    counts = text_counts()
    if claim_id not in counts.index:
        raise KeyError(f"no published count {claim_id!r}; known ids: {', '.join(counts.index[:5])}, ...")
    value = counts.at[claim_id, "value"]
    return int(value) if float(value).is_integer() else float(value)
