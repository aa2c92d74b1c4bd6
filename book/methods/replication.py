"""Set recomputed figures beside the published ones, cell by cell, at the published precision."""
from __future__ import annotations

import pandas as pd


def fmt(value: float, decimals: int, signed: bool = False) -> str:
    """Format a number as the paper prints it (``signed`` adds ``+`` to positive changes)."""
    text = f"{value:+.{int(decimals)}f}" if signed else f"{value:.{int(decimals)}f}"
    return text.replace("-", "\N{MINUS SIGN}") if signed else text


def survey_table_comparison(changes: pd.DataFrame, published_long: pd.DataFrame) -> pd.DataFrame:
    """Compare a :func:`book.trends.change_table` result with Tables 2 and 3.

    Parameters
    ----------
    changes : DataFrame
        Output of ``change_table`` on survey data with periods 2007, 2009, 2011.
    published_long : DataFrame
        :func:`book.published.survey_tables_long`.

    Returns
    -------
    DataFrame
        One row per item (those in ``changes``) and table cell, with columns
        ``item, cell, published, reproduced, match, source``. Changes carry
        their significance marker, as printed.
    """
    ours = changes.set_index(["item", "period_from"])
    rows = []
    for item, pub in published_long.groupby("item", sort=False):
        if item not in changes["item"].values:
            continue
        dec = int(pub["decimals"].iloc[0])
        source = pub["source"].iloc[0]
        first = pub.iloc[0]
        cells = []
        for rec in pub.to_dict("records"):
            a, b = rec["period_from"], rec["period_to"]
            mine = ours.loc[(item, a)]
            if a == first["period_from"]:
                cells.append((f"mean_{a}", fmt(rec["mean_from"], dec), fmt(mine["mean_from"], dec)))
            cells.append((f"mean_{b}", fmt(rec["mean_to"], dec), fmt(mine["mean_to"], dec)))
            cells.append((f"change_{a}_{b}", fmt(rec["change"], dec, True) + rec["marker"],
                          fmt(mine["change"], dec, True) + mine["stars"]))
        mine0 = ours.loc[(item, first["period_from"])]
        cells.append(("sd_2007", fmt(first["sd_2007"], dec), fmt(mine0["sd_from"], dec)))
        cells.append(("n_trusts", str(int(first["n_trusts"])), str(int(mine0["n_units"]))))
        rows += [{"item": item, "cell": c, "published": p, "reproduced": r, "match": p == r, "source": source}
                 for c, p, r in cells]
    return pd.DataFrame(rows)
