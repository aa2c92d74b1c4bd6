"""Aggregating individual answers to team scores, and agreement about who is in the team.

The usual case for treating the mean of members' answers as a property of the team
rests on three statistics, all here for any table with one row per respondent:

* :func:`icc_anova` -- ICC(1), the share of variance lying between teams, and
  ICC(2), the reliability of a team mean, from a one-way ANOVA (Bliese 2000);
* :func:`rwg_j` -- James, Demaree & Wolf's (1984) within-team agreement over J
  items against a uniform null;
* :func:`membership_agreement` -- how far members agree on who belongs to their team
  (mean pairwise Jaccard index and Fleiss' kappa over the people anyone listed).

Cronbach's alpha is ``pingouin.cronbach_alpha``; :func:`scale_scores` builds scale
means from item columns and :func:`team_means` averages them by team.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .agreement import fleiss_kappa


def _require(data: pd.DataFrame, columns: Sequence[str], what: str = "data") -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"{what} has no column(s) {missing}; it has {list(data.columns)[:12]}")


def _numeric(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    frame = data[list(columns)]
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in frame.dtypes):
        return frame.astype(float)
    out = frame.apply(pd.to_numeric, errors="coerce")
    bad = out.isna() & data[list(columns)].notna()
    if bad.any().any():
        col = bad.any().idxmax()
        raise ValueError(f"column {col!r} holds a non-numeric value: {data.loc[bad[col], col].iloc[0]!r}")
    return out.astype(float)


def scale_scores(data: pd.DataFrame, scales: Mapping[str, Sequence[str]], keep: Sequence[str] = (),
                 min_items: float = 0.5) -> pd.DataFrame:
    """Each respondent's mean over the items of each scale.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with the item columns.
    scales : mapping
        Scale name -> its item columns.
    keep : sequence of str
        Columns copied to the result (e.g. ``respondent_id``, ``team_id``).
    min_items : float
        Least share of a scale's items a respondent must have answered; otherwise the
        score is missing.

    Returns
    -------
    DataFrame
        ``keep`` columns, then one column per scale.
    """
    _require(data, list(keep))
    out = data[list(keep)].copy()
    for name, items in scales.items():
        if len(items) == 0:
            raise ValueError(f"scale {name!r} has no items")
        _require(data, items)
        vals = _numeric(data, items)
        enough = vals.notna().mean(axis=1) >= min_items
        out[name] = vals.mean(axis=1).where(enough)
    return out


def team_means(scores: pd.DataFrame, group: str, columns: Sequence[str]) -> pd.DataFrame:
    """Team means of ``columns`` with the number of respondents (``n``) behind each team."""
    _require(scores, [group, *columns])
    vals = _numeric(scores, columns)
    vals[group] = scores[group].to_numpy()
    out = vals.groupby(group).mean()
    out.insert(0, "n", scores.groupby(group).size())
    return out.reset_index()


def rwg_j(data: pd.DataFrame, group: str, items: Sequence[str], n_options: int,
          truncate: bool = True) -> pd.DataFrame:
    """James, Demaree & Wolf's (1984) within-group agreement over J parallel items.

    ``r_wg(J) = J (1 - s2 / sigma2_EU) / (J (1 - s2 / sigma2_EU) + s2 / sigma2_EU)``,
    where ``s2`` is the mean over the J items of the within-group variance (ddof=1)
    and ``sigma2_EU = (A^2 - 1) / 12`` the variance of a uniform ("no agreement")
    answer on A options. With one item it is ``r_wg = 1 - s2 / sigma2_EU``.

    Parameters
    ----------
    n_options : int
        Number of response options A (answers must be whole numbers 1..A).
    truncate : bool
        If True (default), groups whose observed variance exceeds the null variance get
        0, as LeBreton & Senter (2008) recommend; otherwise the formula's value.

    Returns
    -------
    DataFrame
        One row per group with at least two complete respondents: ``group, n,
        mean_variance, rwg_j``; ``attrs["n_excluded_groups"]`` and
        ``attrs["n_excluded_rows"]`` count what was left out.
    """
    _require(data, [group, *items])
    if len(items) == 0:
        raise ValueError("rwg_j needs at least one item")
    if int(n_options) != n_options or n_options < 2:
        raise ValueError(f"n_options must be a whole number of at least 2; got {n_options}")
    vals = _numeric(data, items)
    arr = vals.to_numpy()
    off = ~np.isnan(arr) & ((arr < 1) | (arr > n_options) | (arr % 1 != 0))
    if off.any():
        r, c = np.argwhere(off)[0]
        raise ValueError(f"item {items[c]!r} has value {arr[r, c]} (row {vals.index[r]}), "
                         f"outside the whole numbers 1..{n_options}")
    complete = vals.notna().all(axis=1)
    vals = vals[complete]
    vals["_g"] = data.loc[complete, group].to_numpy()
    g = vals.groupby("_g")
    n = g.size()
    var = g[list(items)].var(ddof=1).mean(axis=1)
    keep = n >= 2
    s2 = var[keep] / ((n_options**2 - 1) / 12)
    J = len(items)
    num = J * (1 - s2)
    r = num / (num + s2)
    if truncate:
        r = r.where(s2 <= 1, 0.0)
    out = pd.DataFrame({"group": n[keep].index, "n": n[keep].to_numpy(), "mean_variance": var[keep].to_numpy(),
                        "rwg_j": r.to_numpy()})
    out.attrs["n_excluded_groups"] = int((~keep).sum())
    out.attrs["n_excluded_rows"] = int((~complete).sum() + n[~keep].sum())
    return out


def membership_agreement(lists: pd.DataFrame, group: str = "team_id", rater: str = "rater_id",
                         member: str = "person_id") -> pd.DataFrame:
    """How far the raters of each team agree on who is in it.

    Parameters
    ----------
    lists : DataFrame
        One row per person a rater listed as a member of their team (long form:
        ``group, rater, member``).

    Returns
    -------
    DataFrame
        One row per team with two or more raters: ``group, n_raters, n_listed`` (people
        listed by anyone), ``mean_list_size``, ``jaccard`` (mean over pairs of raters of
        |A and B| / |A or B|), ``fleiss_kappa`` (each listed person rated in/out by
        every rater; missing when everyone lists everyone) and ``share_listed_by_all``.
        ``attrs["n_excluded_groups"]`` counts teams with a single rater.
    """
    _require(lists, [group, rater, member], "lists")
    if lists[[group, rater, member]].isna().any().any():
        col = lists[[group, rater, member]].isna().any().idxmax()
        raise ValueError(f"column {col!r} has missing values; every row must name a team, a rater and a member")
    dup = lists.duplicated([group, rater, member])
    if dup.any():
        first = lists.loc[dup, [group, rater, member]].iloc[0].to_dict()
        raise ValueError(f"{int(dup.sum())} duplicated rows (the same rater lists the same person twice), first {first}")
    rows, excluded = [], 0
    df = lists[[group, rater, member]].sort_values(group, kind="stable")
    g_codes, g_names = pd.factorize(df[group], sort=True)
    raters = pd.factorize(df[rater])[0]
    members = pd.factorize(df[member])[0]
    bounds = np.r_[0, np.flatnonzero(np.diff(g_codes)) + 1, len(df)]
    for g, lo, hi in zip(g_names, bounds[:-1], bounds[1:]):
        r_ids, r_codes = np.unique(raters[lo:hi], return_inverse=True)
        m_ids, m_codes = np.unique(members[lo:hi], return_inverse=True)
        table = np.zeros((len(r_ids), len(m_ids)), dtype=bool)  # raters x people
        table[r_codes, m_codes] = True
        r = table.shape[0]
        if r < 2:
            excluded += 1
            continue
        t = table.astype(float)
        inter = t @ t.T
        sizes = t.sum(axis=1)
        upper = np.triu_indices(r, 1)
        jaccard = (inter / (sizes[:, None] + sizes[None, :] - inter))[upper].mean()
        yes = t.sum(axis=0)
        # two categories (listed / not listed), every rater rating every listed person
        kappa = fleiss_kappa(np.c_[yes, r - yes])
        rows.append({"group": g, "n_raters": r, "n_listed": table.shape[1], "mean_list_size": sizes.mean(),
                     "jaccard": float(jaccard), "fleiss_kappa": float(kappa),
                     "share_listed_by_all": float((yes == r).mean())})
    out = pd.DataFrame(rows, columns=["group", "n_raters", "n_listed", "mean_list_size", "jaccard", "fleiss_kappa",
                                      "share_listed_by_all"])
    out.attrs["n_excluded_groups"] = excluded
    return out


__all__ = ["scale_scores", "team_means", "rwg_j", "membership_agreement"]
