"""Aggregating individual answers to group scores, and agreement about who is in the group.

For a table with one row per respondent:

* :func:`scale_scores` -- each respondent's mean over the items of each scale;
* :func:`team_means` -- the group means of those scores, with the respondents behind each;
* :func:`rwg_j` -- James, Demaree & Wolf's (1984) within-group agreement over J items, against a
  uniform ("random answering") null or a skewed one (LeBreton & Senter 2008);

and for membership lists (one row per person a rater listed as a member of their group):

* :func:`membership_agreement` -- how far the raters of a group agree on who belongs to it (mean
  pairwise Jaccard index, Fleiss' kappa, specific agreement) and, optionally, how a reference rater's
  list (the leader's) compares with the people most raters list.

The between-group statistics ICC(1) and ICC(2) are :func:`book.methods.reliability.icc_anova`;
Cronbach's alpha is ``pingouin.cronbach_alpha``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import validation as v
from .agreement import fleiss_kappa

#: Response proportions of LeBreton & Senter's (2008, Table 2) skewed nulls for a 5-point scale, from
#: "strongly disagree" to "strongly agree": what a lenient rater who does not discriminate would answer.
SKEWED_NULLS_5 = {"slightly skewed": (0.05, 0.15, 0.20, 0.35, 0.25),
                  "moderately skewed": (0.00, 0.10, 0.15, 0.40, 0.35),
                  "heavily skewed": (0.00, 0.00, 0.10, 0.40, 0.50)}


def _key(data: pd.DataFrame, col, what: str = "group column") -> pd.Series:
    """A key column (a group, a rater) as plain values: no missing value, one type, no unused categories."""
    v.no_missing(data, col, what)
    v.one_type(data, col)
    return pd.Series(data[col].to_numpy(dtype=object), index=data.index, name=col)


def _numbers(data: pd.DataFrame, cols: list) -> pd.DataFrame:
    """The columns as floats (:func:`book.methods.validation.numeric` on each; all at once when they are
    already numbers, which is the common case and much faster)."""
    frame = data[cols]
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
           and not isinstance(t, pd.api.extensions.ExtensionDtype) for t in frame.dtypes):
        values = frame.to_numpy(dtype=float)
        if not np.isinf(values).any():
            return pd.DataFrame(values, index=data.index, columns=cols)
    return pd.DataFrame({c: v.numeric(data, c) for c in cols}, index=data.index)


def _min_items(min_items, n_items: int, scale) -> int:
    """The least number of answered items a score needs, from a share (0, 1) or a count (a whole number)."""
    if isinstance(min_items, bool) or not isinstance(min_items, (int, float, np.number)) or not min_items > 0:
        raise ValueError(f"min_items must be a share between 0 and 1 or a whole number of items, not "
                         f"{v.show(min_items)}")
    if min_items < 1:
        return int(np.ceil(min_items * n_items - 1e-9))  # a share: "half of 3 items" needs 2
    if float(min_items) % 1:
        raise ValueError(f"min_items above 1 is a number of items and must be whole, not {v.show(min_items)}")
    if min_items > n_items:
        raise ValueError(f"min_items = {int(min_items)} items, but scale {v.show(scale)} has only {n_items}")
    return int(min_items)


def scale_scores(data: pd.DataFrame, scales: Mapping[str, Sequence[str]], keep: Sequence[str] = (),
                 min_items: float = 0.5) -> pd.DataFrame:
    """Each respondent's mean over the items of each scale.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with the item columns (numbers; text that reads as a number is
        accepted, other text and infinity are refused).
    scales : mapping
        Scale name -> its item column(s).
    keep : str or sequence of str
        Columns copied to the result (e.g. ``respondent_id``, ``team_id``).
    min_items : float or int
        A share between 0 and 1 (default 0.5: at least half the scale's items) or a whole number of
        items a respondent must have answered; otherwise the score is missing and counted.

    Returns
    -------
    DataFrame
        ``keep`` columns, then one column per scale. ``attrs``: ``n_excluded`` (scores left missing)
        and ``excluded`` (missing scores per scale).
    """
    v.frame(data)
    if not isinstance(scales, Mapping) or not scales:
        raise ValueError(f"scales must be a mapping of scale name -> item columns, e.g. {{'climate': ['q1', 'q2']}}, "
                         f"not {type(scales).__name__}")
    keep = v.names(keep, "keep") if (isinstance(keep, str) or len(keep)) else []
    v.columns(data, keep)
    out = data[keep].copy()
    excluded = {}
    for name, items in scales.items():
        items = v.names(items, f"scales[{name!r}]")
        v.columns(data, items)
        need = _min_items(min_items, len(items), name)
        vals = _numbers(data, items)
        enough = vals.notna().sum(axis=1) >= need
        out[name] = vals.mean(axis=1).where(enough)
        excluded[name] = int((~enough).sum())
    out.attrs.update(n_excluded=sum(excluded.values()), excluded=excluded)
    return out


def team_means(scores: pd.DataFrame, group: str, columns: Sequence[str]) -> pd.DataFrame:
    """Group means of ``columns`` with the number of respondents (``n``) behind each group.

    A missing group is refused; a missing score leaves that respondent out of that column's mean
    (``attrs["excluded"]`` counts them per column).
    """
    v.frame(scores, "scores")
    columns = v.names(columns, "columns")
    v.columns(scores, [group, *columns], "scores")
    g = _key(scores, group)
    vals = _numbers(scores, columns)
    out = vals.groupby(g.to_numpy(), sort=True).mean()
    out.insert(0, "n", g.value_counts().reindex(out.index).to_numpy())
    out.index = pd.Index(pd.Series(out.index, dtype=object).infer_objects(), name=group)
    excluded = {c: int(vals[c].isna().sum()) for c in columns}
    out = out.reset_index()
    out.attrs.update(n_excluded=sum(excluded.values()), excluded=excluded)
    return out


def null_variance(n_options: int, null="uniform") -> float:
    """Variance of the answers expected when no one agrees: the null of :func:`rwg_j`.

    ``"uniform"``: ``(A^2 - 1) / 12``; ``"slightly skewed"``, ``"moderately skewed"``,
    ``"heavily skewed"``: LeBreton & Senter's (2008) 5-point nulls (:data:`SKEWED_NULLS_5`); or a
    sequence of ``n_options`` proportions (the answers' distribution under no agreement).
    """
    a = v.count(n_options, "n_options", minimum=2)
    if isinstance(null, str):
        if null == "uniform":
            return (a**2 - 1) / 12
        if null not in SKEWED_NULLS_5:
            raise ValueError(f"null must be 'uniform', one of {sorted(SKEWED_NULLS_5)} or {a} proportions, "
                             f"not {null!r}")
        if a != 5:
            raise ValueError(f"the {null!r} null is defined for 5 options; with {a} give {a} proportions")
        null = SKEWED_NULLS_5[null]
    p = np.asarray(null, dtype=float)
    if p.shape != (a,) or (p < 0).any() or not np.isclose(p.sum(), 1.0):
        raise ValueError(f"null proportions must be {a} non-negative numbers adding up to 1; got {list(p)}")
    x = np.arange(1, a + 1)
    return float(p @ x**2 - (p @ x) ** 2)


def rwg_j(data: pd.DataFrame, group: str, items: Sequence[str], n_options: int, truncate: bool = True,
          null="uniform") -> pd.DataFrame:
    """James, Demaree & Wolf's (1984) within-group agreement over J parallel items.

    ``r_wg(J) = J (1 - s2 / sigma2_E) / (J (1 - s2 / sigma2_E) + s2 / sigma2_E)``, where ``s2`` is the
    mean over the J items of the within-group variance (ddof=1) and ``sigma2_E`` the variance expected
    under no agreement (:func:`null_variance`). With one item it is ``r_wg = 1 - s2 / sigma2_E``.

    Parameters
    ----------
    items : str or sequence of str
        The item columns; answers must be whole numbers 1..``n_options``.
    n_options : int
        Number of response options A.
    truncate : bool
        If True (default), groups whose observed variance exceeds the null variance get 0, as
        LeBreton & Senter (2008) recommend; otherwise the formula's value.
    null : str or sequence
        The no-agreement distribution: ``"uniform"`` (default) or a skewed null (:func:`null_variance`).
        A lenient or skewed answering style makes the uniform null too wide and r_wg(J) too high.

    Returns
    -------
    DataFrame
        One row per group with at least two complete respondents: ``group, n, mean_variance, rwg_j``.
        A missing group is refused. ``attrs``: ``null_variance``, ``n_excluded`` (rows) and
        ``excluded`` (rows with a missing answer; rows of groups with fewer than two complete
        respondents), ``n_excluded_groups``.
    """
    v.frame(data)
    items = v.names(items, "items")
    v.columns(data, [group, *items])
    sigma2 = null_variance(n_options, null)
    a = int(n_options)
    g = _key(data, group)
    vals = _numbers(data, items)
    arr = vals.to_numpy()
    off = ~np.isnan(arr) & ((arr < 1) | (arr > a) | (arr % 1 != 0))
    if off.any():
        r, c = np.argwhere(off)[0]
        raise ValueError(f"item {v.show(items[c])} has value {v.show(float(arr[r, c]))} in row {r}, outside the "
                         f"whole numbers 1..{a}")
    complete = vals.notna().all(axis=1).to_numpy()
    grouped = vals[complete].groupby(g[complete].to_numpy(), sort=True)
    n = grouped.size()
    var = grouped.var(ddof=1).mean(axis=1)
    ok = (n >= 2).to_numpy()
    s2 = var[ok].to_numpy() / sigma2
    J = len(items)
    num = J * (1 - s2)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(num + s2 > 0, num / (num + s2), 0.0)
    if truncate:
        r = np.where(s2 <= 1, r, 0.0)
    out = pd.DataFrame({"group": pd.Series(n.index[ok], dtype=object).infer_objects(), "n": n.to_numpy()[ok], "mean_variance": var.to_numpy()[ok],
                        "rwg_j": r})
    excluded = {"missing answer": int((~complete).sum()), "group with fewer than two complete respondents":
                int(n[~ok].sum())}
    out.attrs.update(null_variance=sigma2, n_excluded=sum(excluded.values()), excluded=excluded,
                     n_excluded_groups=int((~ok).sum()))
    return out


MEMBERSHIP_COLUMNS = ["group", "n_raters", "n_listed", "mean_list_size", "jaccard", "fleiss_kappa",
                      "positive_agreement", "negative_agreement", "share_listed_by_all"]
REFERENCE_COLUMNS = ["reference_listed", "reference_jaccard", "majority_missing_from_reference",
                     "reference_only"]


def _codes(*keys: np.ndarray) -> np.ndarray:
    """One integer code per distinct combination of the (integer) keys, in order of first appearance."""
    combined = keys[0].astype(np.int64)
    for k in keys[1:]:
        combined = combined * (int(k.max()) + 1) + k
    return pd.factorize(combined)[0]


def _mean_pairwise_jaccard(rater: np.ndarray, person: np.ndarray, rater_group: np.ndarray, n_groups: int,
                           pairs_per_group: np.ndarray) -> np.ndarray:
    """Mean over pairs of raters in each group of |A and B| / |A or B| (pairs sharing nobody count 0)."""
    from scipy import sparse

    m = sparse.csr_matrix((np.ones(len(rater)), (rater, person)))
    sizes = np.asarray(m.sum(axis=1)).ravel()
    inter = sparse.triu(m @ m.T, k=1).tocoo()
    jac = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data)
    total = np.bincount(rater_group[inter.row], weights=jac, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / pairs_per_group


def _by_group(values, group: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(group, weights=np.asarray(values, dtype=float), minlength=n)


def _check_reference(raters: pd.Series, rater: str, reference) -> None:
    """A reference rater is one label that occurs in the rater column: a typo ('Lead' for 'lead') would
    otherwise compare every group with an empty list."""
    if reference is None:
        return
    if isinstance(reference, (list, tuple, set, dict, np.ndarray, pd.Series, pd.Index)):
        raise ValueError(f"reference must be one rater label (a value of column {v.show(rater)}), not "
                         f"{v.show(reference)}")
    if not (raters == reference).any():
        seen = list(dict.fromkeys(raters))
        raise ValueError(f"reference {v.show(reference)} does not occur in column {v.show(rater)}; its raters "
                         f"include {[x.item() if isinstance(x, np.generic) else x for x in seen[:8]]}")


def membership_agreement(lists: pd.DataFrame, group: str = "team_id", rater: str = "rater_id",
                         member: str = "person_id", reference=None) -> pd.DataFrame:
    """How far the raters of each group agree on who is in it.

    Each rater of a group rates every person anyone in the group listed: in (listed) or out (not
    listed). People no rater listed are not in the table, so the subjects are a truncated set in which
    "in" is common; with such prevalence Fleiss' kappa is low even when raters agree on most people
    (the kappa paradox) and is negative when they agree less than chance given how often each says
    "in". The specific agreements (Uebersax 1982) say where the agreement lies.

    Parameters
    ----------
    lists : DataFrame
        One row per person a rater listed as a member of their group (long form: ``group, rater,
        member``); every value present, no row twice.
    reference : optional
        A rater label (e.g. ``"leader"``) whose list is compared with the others' instead of joining them.

    Returns
    -------
    DataFrame
        One row per group with two or more (non-reference) raters, in the order of the groups:
        ``group, n_raters, n_listed`` (people listed by anyone), ``mean_list_size``, ``jaccard`` (mean over
        pairs of raters of |A and B| / |A or B|), ``fleiss_kappa`` (missing when everyone lists everyone),
        ``positive_agreement`` (given that one rater lists a person, the chance another does too),
        ``negative_agreement`` (the same for leaving a person out, among the people anyone listed) and
        ``share_listed_by_all``. With ``reference``: ``reference_listed``, ``reference_jaccard`` (Jaccard
        index of the reference's list and the people listed by more than half of the other raters),
        ``majority_missing_from_reference`` and ``reference_only`` (share of the reference's list that no
        majority lists). ``attrs``: ``n_excluded_groups`` (fewer than two raters), ``excluded``.

    Why this is long: the statistics are computed for every group at once (a loop over groups costs a
    second for the chapter's 621 teams), and each needs its own sums.
    """
    v.frame(lists, "lists")
    v.columns(lists, [group, rater, member], "lists")
    df = pd.DataFrame({c: _key(lists, c, "column") for c in (group, rater, member)})
    dup = df.duplicated()
    if dup.any():
        raise ValueError(f"lists has {int(dup.sum())} duplicated row(s) (the same rater lists the same person "
                         f"twice), first {df[dup].iloc[0].to_dict()} in row {int(np.flatnonzero(dup.to_numpy())[0])}")
    _check_reference(df[rater], rater, reference)
    g_all, g_names = pd.factorize(df[group], sort=True)
    n_g = len(g_names)
    is_ref = (df[rater] == reference).to_numpy() if reference is not None else np.zeros(len(df), bool)
    r_all, p_all = pd.factorize(df[rater])[0], pd.factorize(df[member])[0]
    g, rc, pc = g_all[~is_ref], r_all[~is_ref], p_all[~is_ref]
    rater_code, person_code = _codes(g, rc), _codes(g, pc)
    rater_group = np.zeros(rater_code.max() + 1, dtype=int)
    rater_group[rater_code] = g
    person_group = np.zeros(person_code.max() + 1, dtype=int)
    person_group[person_code] = g
    r = np.bincount(rater_group, minlength=n_g).astype(float)       # raters per group
    yes = np.bincount(person_code).astype(float)                    # raters listing each person
    no = r[person_group] - yes
    n_listed = np.bincount(person_group, minlength=n_g)
    with np.errstate(invalid="ignore", divide="ignore"):  # groups with one rater: 0/0, dropped below
        pos = _by_group(yes * (yes - 1), person_group, n_g) / _by_group(yes * (r[person_group] - 1), person_group, n_g)
        neg = _by_group(no * (no - 1), person_group, n_g) / _by_group(no * (r[person_group] - 1), person_group, n_g)
    order = np.argsort(person_group, kind="stable")
    bounds = np.r_[0, np.cumsum(n_listed)]
    ok = r >= 2
    kappa = np.full(n_g, np.nan)
    for k in np.flatnonzero(ok):
        people = order[bounds[k]:bounds[k + 1]]
        kappa[k] = fleiss_kappa(np.c_[yes[people], no[people]])
    out = pd.DataFrame({"group": pd.Series(g_names, dtype=object).infer_objects(), "n_raters": r.astype(int), "n_listed": n_listed,
                        "mean_list_size": np.bincount(g, minlength=n_g) / r,
                        "jaccard": _mean_pairwise_jaccard(rater_code, person_code, rater_group, n_g, r * (r - 1) / 2),
                        "fleiss_kappa": kappa, "positive_agreement": pos, "negative_agreement": neg,
                        "share_listed_by_all": _by_group(no == 0, person_group, n_g) / n_listed})
    if reference is not None:
        out = pd.concat([out, _versus_majority(g_all, p_all, is_ref, g, pc, person_code, yes > r[person_group] / 2,
                                               n_g)], axis=1)
    excluded = int((~ok).sum())
    out = out[ok].reset_index(drop=True)
    out.attrs.update(n_excluded_groups=excluded, n_excluded=excluded,
                     excluded={"group with fewer than two raters": excluded})
    return out


def _versus_majority(g_all, p_all, is_ref, g, pc, person_code, majority, n_g) -> pd.DataFrame:
    """Per group, the reference's list against the people more than half of the other raters list
    (``majority``: one flag per person code of the other raters' lists)."""
    code = pd.Series(person_code, index=pd.MultiIndex.from_arrays([g, pc])).groupby(level=[0, 1]).first()
    maj = np.bincount(np.asarray(code.index.get_level_values(0)), weights=majority[code.to_numpy()], minlength=n_g)
    ref_g, ref_p = g_all[is_ref], p_all[is_ref]
    found = code.reindex(pd.MultiIndex.from_arrays([ref_g, ref_p]))
    in_majority = found.notna().to_numpy() & majority[found.fillna(0).astype(int).to_numpy()]
    n_ref = np.bincount(ref_g, minlength=n_g).astype(float)
    both = np.bincount(ref_g, weights=in_majority, minlength=n_g)
    listed = n_ref > 0
    with np.errstate(invalid="ignore", divide="ignore"):  # groups without a reference list: 0/0, set missing
        out = pd.DataFrame({"reference_listed": listed, "reference_jaccard": both / (maj + n_ref - both),
                            "majority_missing_from_reference": (maj - both) / maj,
                            "reference_only": (n_ref - both) / n_ref})
    out.loc[~listed, REFERENCE_COLUMNS[1:]] = np.nan
    return out


__all__ = ["scale_scores", "team_means", "rwg_j", "null_variance", "membership_agreement", "SKEWED_NULLS_5"]
