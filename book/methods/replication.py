"""Set recomputed figures beside the published ones, cell by cell, at the published precision."""
from __future__ import annotations

import pandas as pd

from . import validation as v


def fmt(value: float, decimals: int, signed: bool = False) -> str:
    """A number as the paper prints it (``signed`` adds ``+`` to positive changes and uses a minus sign)."""
    text = f"{value:+.{int(decimals)}f}" if signed else f"{value:.{int(decimals)}f}"
    return text.replace("-", "\N{MINUS SIGN}") if signed else text


def survey_table_comparison(changes: pd.DataFrame, published_long: pd.DataFrame) -> pd.DataFrame:
    """Compare a :func:`book.methods.trends.change_table` result with a printed table of changes.

    Parameters
    ----------
    changes : DataFrame
        ``change_table`` output with the consecutive comparisons of the printed table (other rows, such
        as first-to-last comparisons, are ignored).
    published_long : DataFrame
        One row per printed item and pair of periods: ``item, period_from, period_to, mean_from, mean_to,
        change, marker, sd_2007, n_trusts, decimals, source`` (as
        :func:`book.data.published.survey_tables_long` gives them).

    Returns
    -------
    DataFrame
        One row per item of ``changes`` and printed cell: ``item, cell, published, reproduced, match,
        source``. Changes carry their significance marker, as printed.
    """
    v.columns(v.frame(changes, "changes"), ["item", "period_from", "period_to", "mean_from", "mean_to", "change",
                                            "stars", "sd_from", "n_units"], "changes")
    v.columns(v.frame(published_long, "published_long"),
              ["item", "period_from", "period_to", "mean_from", "mean_to", "change", "marker", "sd_2007", "n_trusts",
               "decimals", "source"], "published_long")
    published_long = v.number_columns(published_long, ["mean_from", "mean_to", "change", "sd_2007", "n_trusts",
                                                       "decimals"], counts=["n_trusts", "decimals"])
    keys = ["item", "period_from", "period_to"]
    compared = changes.set_index(keys).index.isin(published_long.set_index(keys).index)  # other rows are ignored
    changes = v.number_columns(changes, ["mean_from", "mean_to", "change", "sd_from", "n_units"], counts=["n_units"],
                               rows=compared)
    ours = changes.set_index(["item", "period_from", "period_to"])
    if ours.index.duplicated().any():
        raise ValueError(f"changes has two rows for {ours.index[ours.index.duplicated()][0]}")
    rows = []
    for item, pub in published_long.groupby("item", sort=False):
        if item not in set(changes["item"]):
            continue
        dec = int(pub["decimals"].iloc[0])
        first = pub.iloc[0]
        cells = []
        for rec in pub.to_dict("records"):
            key = (item, rec["period_from"], rec["period_to"])
            if key not in ours.index:
                raise KeyError(f"changes has no row for item {v.show(item)}, {rec['period_from']} to {rec['period_to']}")
            mine = ours.loc[key]
            if rec["period_from"] == first["period_from"]:
                cells.append((f"mean_{rec['period_from']}", fmt(rec["mean_from"], dec), fmt(mine["mean_from"], dec)))
            cells.append((f"mean_{rec['period_to']}", fmt(rec["mean_to"], dec), fmt(mine["mean_to"], dec)))
            cells.append((f"change_{rec['period_from']}_{rec['period_to']}", fmt(rec["change"], dec, True) + rec["marker"],
                          fmt(mine["change"], dec, True) + mine["stars"]))
        mine0 = ours.loc[(item, first["period_from"], first["period_to"])]
        cells.append(("sd_2007", fmt(first["sd_2007"], dec), fmt(mine0["sd_from"], dec)))
        cells.append(("n_trusts", str(int(first["n_trusts"])), str(int(mine0["n_units"]))))
        rows += [{"item": item, "cell": c, "published": p, "reproduced": r, "match": p == r,
                  "source": first["source"]} for c, p, r in cells]
    return pd.DataFrame(rows, columns=["item", "cell", "published", "reproduced", "match", "source"])
