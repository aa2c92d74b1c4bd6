"""One loader per dataset, each validated against ``data/datapackage.json``."""
from __future__ import annotations

import pandas as pd

from . import published
from .datapackage import read


def check_item_ranges(data: pd.DataFrame, item: str = "item", value: str = "value") -> None:
    """Raise ``ValueError`` if a score lies outside its item's response scale (from Tables 2 and 3)."""
    scales = published.survey_tables().set_index("item_id")[["scale_min", "scale_max"]]
    unknown = set(data[item]) - set(scales.index)
    if unknown:
        raise ValueError(f"unknown survey item(s) {sorted(unknown)}; known: {sorted(scales.index)}")
    lo = data[item].map(scales["scale_min"])
    hi = data[item].map(scales["scale_max"])
    bad = data[value].lt(lo) | data[value].gt(hi)
    if bad.any():
        row = data.loc[bad].iloc[0]
        raise ValueError(f"{int(bad.sum())} score(s) outside their item's scale, first {row[value]} for "
                         f"{row[item]!r} (allowed {lo[bad].iloc[0]} to {hi[bad].iloc[0]})")


def _survey(name: str) -> pd.DataFrame:
    data = read(name)
    data["year"] = data["year"].astype(int)
    check_item_ranges(data)
    return data


def staff_survey_trusts() -> pd.DataFrame:
    """Simulated trust-level NHS Staff Survey scores, 2007/2009/2011 (``trust_id, trust_type, year, item, value``)."""
    return _survey("staff_survey_trusts")


def inpatient_survey_trusts() -> pd.DataFrame:
    """Simulated trust-level Acute Inpatient Survey scores, 2007/2009/2011 (same columns)."""
    return _survey("inpatient_survey_trusts")
