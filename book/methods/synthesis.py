"""Evidence matrices for a narrative or mixed-methods synthesis, reusable on a reader's own claims table.

A claims table has one row per finding: an identifier column and one 0/1 column per kind of evidence
(1 = the finding names that kind of evidence). The evidence columns are passed as ``kinds=`` or, if not,
detected: every numeric column other than the identifier (and the grouping column of a summary). Which
kinds share a source (two methods used in the same study, on the same people) is passed as ``groups=``
(kind -> source); kinds not grouped count as independent sources.

- :func:`evidence_matrix`: the validated 0/1 matrix, findings x kinds;
- :func:`evidence_counts`: kinds named and independent sources per finding, and its level of support;
- :func:`convergence_summary`: those levels counted by section (or any other grouping column);
- :func:`recode`: a copy of the claims with some cells recoded, each change noted;
- :func:`convergence_coding`: O'Cathain, Murphy and Nicholl's (2010) convergence coding matrix.

Counting the sources a finding names is not weighing its evidence: a finding that names two sources is
*multiply sourced* as the text claims, which says nothing yet about whether the sources agree.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import validation as v

#: Levels of :func:`evidence_counts`' ``support``: no source named, one source, or at least
#: ``min_independent`` independent sources named.
SUPPORT_LEVELS = ("none named", "one source", "multiply sourced")
#: O'Cathain, Murphy and Nicholl's (2010) codes for a cell of a convergence coding matrix.
CONVERGENCE_CODES = ("agreement", "partial agreement", "silence", "dissonance")
#: What :func:`convergence_coding` writes in a cell that the assessments do not code.
NOT_ASSESSED = "not assessed"


def _where(claims: pd.DataFrame, id_col: str, pos: int) -> str:
    """``"claim_id 'b' (row 1)"``: the identifier and position of a row (and its label, if the index is not
    0, 1, 2, ...), for messages."""
    plain = isinstance(claims.index, pd.RangeIndex) and claims.index.start == 0 and claims.index.step == 1
    label = "" if plain else f", index {v.show(claims.index[pos])}"
    return f"{id_col} {v.show(claims[id_col].iloc[pos])} (row {pos}{label})"


def _check_ids(claims: pd.DataFrame, id_col: str) -> None:
    """The identifier column is present, never empty, of one type and unique."""
    if not isinstance(id_col, str):
        raise ValueError(f"id_col must be a column name, not {type(id_col).__name__}")
    v.columns(claims, [id_col], "claims")
    ids = claims[id_col]
    empty = (ids.isna() | ids.map(lambda x: isinstance(x, str) and x.strip() == "")).to_numpy()
    if empty.any():
        pos = int(np.flatnonzero(empty)[0])
        raise ValueError(f"{id_col} is empty in row {pos} of claims ({int(empty.sum())} row(s) in all); "
                         f"every claim needs an identifier")
    v.one_type(claims, id_col)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        rows = np.flatnonzero(ids.to_numpy() == ids.iloc[int(np.flatnonzero(dup)[0])])
        raise ValueError(f"{id_col} {v.show(ids.iloc[rows[0]])} appears more than once (rows "
                         f"{', '.join(map(str, rows))}); identifiers must be unique")


def _is_flag(x) -> bool:
    """A cell that reads as an evidence flag: 0 or 1, as a number or as text."""
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (int, float, np.number)):
        return x in (0, 1)
    return isinstance(x, str) and x.strip() in ("0", "1", "0.0", "1.0")


def _refuse_text_evidence(claims: pd.DataFrame, col, id_col: str) -> None:
    """Refuse a text column that is mostly 0/1 when the evidence columns are being detected: it is an
    evidence column spoiled by a typo ('l' for 1) or read as text, and leaving it out of the detected kinds
    would silently drop that whole kind of evidence from every claim."""
    cells = claims[col]
    present = cells.notna().to_numpy()
    flags = cells.map(_is_flag).to_numpy(dtype=bool)
    if not present.any() or flags.sum() * 2 <= present.sum():
        return  # a text column (a section, a note): not evidence
    where = (lambda pos: _where(claims, id_col, pos)) if id_col in claims.columns else (lambda pos: f"row {pos}")
    odd = present & ~flags
    if odd.any():
        pos = int(np.flatnonzero(odd)[0])
        raise ValueError(f"column {v.show(col)} looks like an evidence column (it holds 0 and 1) but has value "
                         f"{v.show(cells.iloc[pos])} for {where(pos)}, so it would be left out of the detected "
                         f"kinds; correct that cell, or pass kinds= to name the evidence columns")
    pos = int(np.flatnonzero(present)[0])
    raise ValueError(f"column {v.show(col)} holds 0/1 evidence as text ({v.show(cells.iloc[pos])} for {where(pos)}), "
                     f"so it would be left out of the detected kinds; convert it with pd.to_numeric, or pass kinds=")


def evidence_kinds(claims: pd.DataFrame, kinds=None, id_col: str = "claim_id", exclude=()) -> list:
    """The evidence columns: ``kinds`` (a name or a list of names), or, if ``None``, every numeric
    column of ``claims`` other than ``id_col`` and ``exclude``, in table order.

    Raises
    ------
    KeyError
        A named column is not in ``claims``.
    ValueError
        ``kinds`` is empty, repeats a name or names ``id_col``; or none is given and none can be found; or
        none is given and a text column is mostly 0/1 (an evidence column with a typo, or 0/1 stored as
        text), which detection would otherwise leave out silently: the message names its column, value
        and row.
    """
    v.frame(claims, "claims")
    if kinds is None:
        skip = {id_col, *exclude}
        found = [c for c in claims.columns if c not in skip and pd.api.types.is_numeric_dtype(claims[c])
                 and not pd.api.types.is_bool_dtype(claims[c])]
        for c in claims.columns:
            if c not in skip and not pd.api.types.is_numeric_dtype(claims[c]) \
                    and not pd.api.types.is_bool_dtype(claims[c]):
                _refuse_text_evidence(claims, c, id_col)
        if not found:
            raise ValueError(f"claims has no numeric column besides {sorted(map(str, skip))} to use as evidence; "
                             f"pass kinds= (the names of the 0/1 evidence columns)")
        found = list(dict.fromkeys(found))
        v.columns(claims, found, "claims")  # refuses a column name that appears twice
        return found
    kinds = v.names(kinds, "kinds")
    if id_col in kinds:
        raise ValueError(f"kinds names the identifier column {v.show(id_col)}; list only the evidence columns")
    v.columns(claims, kinds, "claims")
    return kinds


def evidence_matrix(claims: pd.DataFrame, kinds=None, id_col: str = "claim_id") -> pd.DataFrame:
    """Claims x kinds of evidence, 1 where the claim names that kind.

    Parameters
    ----------
    claims : DataFrame
        One row per claim: an identifier column and one 0/1 column per kind of evidence.
    kinds : str or list of str, optional
        The evidence columns; default: every numeric column other than ``id_col``
        (``attrs["kinds_detected"]`` says which way they were found).
    id_col : str
        The identifier column (unique, never empty).

    Returns
    -------
    DataFrame
        Indexed by ``id_col``, one integer 0/1 column per kind, in the claims' order;
        ``attrs["kinds"]`` lists the kinds.

    Raises
    ------
    ValueError, KeyError
        Naming the argument, the missing column, the empty or repeated identifier, or the cell
        (column, identifier and row) that is not 0 or 1.
    """
    v.frame(claims, "claims")
    detected = kinds is None
    kinds = evidence_kinds(claims, kinds, id_col)
    _check_ids(claims, id_col)
    out = {}
    for kind in kinds:
        flags = claims[kind].map(lambda x: isinstance(x, (bool, np.bool_))).to_numpy(dtype=bool)
        if flags.any() and not pd.api.types.is_bool_dtype(claims[kind]):
            raise ValueError(f"evidence column {v.show(kind)} holds True/False for "
                             f"{_where(claims, id_col, int(np.flatnonzero(flags)[0]))}; write 0 or 1")
        values = v.numeric(claims, kind)
        missing = values.isna().to_numpy()
        if missing.any():
            raise ValueError(f"evidence column {v.show(kind)} is empty for {_where(claims, id_col, int(np.flatnonzero(missing)[0]))}; "
                             f"write 0 (not named) or 1 (named)")
        bad = ~values.isin([0, 1]).to_numpy()
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise ValueError(f"evidence column {v.show(kind)} has value {v.show(claims[kind].iloc[pos])} for "
                             f"{_where(claims, id_col, pos)}; evidence columns must be 0 or 1")
        out[kind] = values.astype(int).to_numpy()
    matrix = pd.DataFrame(out, index=pd.Index(claims[id_col].to_numpy(), name=id_col), columns=kinds)
    matrix.attrs.update(kinds=list(kinds), kinds_detected=detected)
    return matrix


def _sources(kinds: list, groups) -> dict:
    """kind -> source: ``groups`` for every kind, or each kind its own source."""
    if groups is None:
        return {k: str(k) for k in kinds}
    if not isinstance(groups, Mapping):
        raise ValueError(f"groups must map each kind to its source (a dict), not {type(groups).__name__}")
    missing = [k for k in kinds if k not in groups]
    if missing:
        raise ValueError(f"groups gives no source for kind(s) {missing}")
    empty = [k for k in kinds if groups[k] is None or (isinstance(groups[k], float) and np.isnan(groups[k]))
             or str(groups[k]).strip() == ""]
    if empty:
        raise ValueError(f"groups gives an empty source for kind {v.show(empty[0])}")
    return {k: str(groups[k]) for k in kinds}


def _natural(text: str) -> list:
    """Sort key reading runs of digits as numbers ('2' before '10')."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def evidence_counts(claims: pd.DataFrame, kinds=None, groups: Mapping | None = None,
                    id_col: str = "claim_id", min_independent: int = 2) -> pd.DataFrame:
    """Kinds of evidence and independent sources named for each claim.

    Parameters
    ----------
    claims, kinds, id_col
        As for :func:`evidence_matrix`.
    groups : mapping, optional
        kind -> source, for kinds that come from the same study (default: each kind its own source).
    min_independent : int
        Independent sources a claim must name to be ``multiply sourced`` (at least 2).

    Returns
    -------
    DataFrame
        One row per claim, in the claims' order: ``id_col, n_kinds, n_independent, kinds_named``
        (comma-separated, in the order of ``kinds``), ``sources`` (distinct sources, in natural order),
        ``support`` (one of :data:`SUPPORT_LEVELS`).
    """
    min_independent = v.count(min_independent, "min_independent", minimum=2)
    matrix = evidence_matrix(claims, kinds, id_col)
    source_of = _sources(list(matrix.columns), groups)
    rows = []
    for cid, named in zip(matrix.index, matrix.to_numpy(dtype=bool)):
        names = [k for k, on in zip(matrix.columns, named) if on]
        sources = sorted({source_of[k] for k in names}, key=_natural)
        n_ind = len(sources)
        rows.append({id_col: cid, "n_kinds": len(names), "n_independent": n_ind,
                     "kinds_named": ", ".join(map(str, names)), "sources": ",".join(sources),
                     "support": SUPPORT_LEVELS[0] if n_ind == 0 else
                     (SUPPORT_LEVELS[2] if n_ind >= min_independent else SUPPORT_LEVELS[1])})
    out = pd.DataFrame(rows, columns=[id_col, "n_kinds", "n_independent", "kinds_named", "sources", "support"])
    out.attrs.update(matrix.attrs, min_independent=min_independent)
    return out


def _group_order(values: pd.Series) -> list:
    """Groups in the order of an ordered Categorical's categories, else in order of first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.dtype.ordered:
        present = set(values.dropna())
        return [c for c in values.dtype.categories if c in present]
    return list(dict.fromkeys(values.dropna()))


def convergence_summary(claims: pd.DataFrame, by: str = "section", kinds=None, groups: Mapping | None = None,
                        id_col: str = "claim_id", min_independent: int = 2) -> pd.DataFrame:
    """Per group of claims (default: the section of the paper), how many name no source, one source, or
    several independent sources.

    Parameters
    ----------
    claims, kinds, groups, id_col, min_independent
        As for :func:`evidence_counts`; a detected ``kinds`` never includes ``by``.
    by : str
        The grouping column. A claim with no value there is left out and counted
        (``attrs["n_excluded"]``; ``attrs["excluded"]`` lists each one's identifier and reason).

    Returns
    -------
    DataFrame
        ``by, n_claims, none named, one source, multiply sourced, share_multiply_sourced, mean_kinds,
        mean_independent``; groups in the order of an ordered Categorical, else of first appearance.
    """
    v.frame(claims, "claims")
    if not isinstance(by, str):
        raise ValueError(f"by must be a column name, not {type(by).__name__}")
    v.columns(claims, [by], "claims")
    if by == id_col:
        raise ValueError(f"by and id_col are both {v.show(by)}; summarise by another column")
    detected = kinds is None
    kinds = evidence_kinds(claims, kinds, id_col, exclude=(by,))
    if by in kinds:
        raise ValueError(f"by names the evidence column {v.show(by)}; summarise by another column")
    counts = evidence_counts(claims, kinds, groups, id_col, min_independent)
    section = claims[by]
    empty = (section.isna() | section.map(lambda x: isinstance(x, str) and x.strip() == "")).to_numpy()
    excluded = [{id_col: claims[id_col].iloc[i], "reason": f"no {by!r}"} for i in np.flatnonzero(empty)]
    if empty.all():
        raise ValueError(f"column {v.show(by)} is empty for every claim; nothing to summarise")
    counts = counts[~empty].assign(**{by: section[~empty].to_numpy()})
    order = _group_order(section[~empty])
    grouped = counts.groupby(by, sort=False, observed=True)
    table = (pd.crosstab(counts[by], counts["support"]).reindex(index=order, columns=list(SUPPORT_LEVELS),
                                                                   fill_value=0))
    table.insert(0, "n_claims", table.sum(axis=1))
    table["share_multiply_sourced"] = table["multiply sourced"] / table["n_claims"]
    means = grouped[["n_kinds", "n_independent"]].mean().reindex(order)
    table["mean_kinds"] = means["n_kinds"].to_numpy()
    table["mean_independent"] = means["n_independent"].to_numpy()
    table.columns.name = None
    out = table.rename_axis(by).reset_index()
    out.attrs.update(counts.attrs, kinds_detected=detected, n_claims=int(len(claims)), n_excluded=len(excluded),
                     excluded=excluded)
    return out


def _binary(value, cid, kind) -> int:
    """A recoded cell: 0 or 1 (a whole-number float is accepted, True/False and text are not)."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)) \
        and value in (0, 1)
    if not ok:
        raise ValueError(f"changes[{v.show(cid)}][{v.show(kind)}] must be 0 or 1, not {v.show(value)}")
    return int(value)


def recode(claims: pd.DataFrame, changes: Mapping, id_col: str = "claim_id", kinds=None,
           note_col: str | None = "coding_note") -> pd.DataFrame:
    """A copy of ``claims`` with some evidence cells recoded, e.g. ``{"G08": {"stakeholder_interviews": 1}}``.

    Parameters
    ----------
    claims, kinds, id_col
        As for :func:`evidence_matrix`; a change may touch only an evidence column.
    changes : mapping
        identifier -> {evidence column: 0 or 1}; an empty mapping returns an unchanged copy.
    note_col : str, optional
        A text column in which each recoded row records its change (``recoded kind=value``), if present.

    Returns
    -------
    DataFrame
        The recoded copy, validated as :func:`evidence_matrix` validates; ``attrs["n_changed"]`` counts
        the cells whose value changed.

    Raises
    ------
    ValueError, KeyError
        Naming the identifier that is not in the table, the column that is not an evidence column,
        or the value that is not 0 or 1.
    """
    v.frame(claims, "claims")
    if not isinstance(changes, Mapping):
        raise ValueError(f"changes must map identifiers to {{column: 0 or 1}} (a dict), not {type(changes).__name__}")
    kinds = evidence_kinds(claims, kinds, id_col)
    _check_ids(claims, id_col)
    out = claims.copy()
    ids = list(out[id_col])
    n_changed = 0
    for cid, cells in changes.items():
        if cid not in ids:
            raise ValueError(f"changes names {id_col} {v.show(cid)}, which is not in claims")
        if not isinstance(cells, Mapping):
            raise ValueError(f"changes[{v.show(cid)}] must map evidence columns to 0 or 1, not {type(cells).__name__}")
        pos = ids.index(cid)
        for kind, value in cells.items():
            if kind not in kinds:
                raise KeyError(f"changes[{v.show(cid)}] names {v.show(kind)}, which is not an evidence column; "
                               f"they are {list(kinds)}")
            value = _binary(value, cid, kind)
            col = out.columns.get_loc(kind)
            n_changed += int(out.iat[pos, col] != value)
            out.iat[pos, col] = value
            if note_col is not None and note_col in out.columns:
                old = out.iat[pos, out.columns.get_loc(note_col)]
                old = "" if pd.isna(old) else str(old)
                out.iat[pos, out.columns.get_loc(note_col)] = f"{old}; recoded {kind}={value}".lstrip("; ")
    evidence_matrix(out, kinds, id_col)  # the recoded table must still be a valid claims table
    out.attrs["n_changed"] = n_changed
    return out


def convergence_coding(assessments: pd.DataFrame, theme: str = "theme", source: str = "source",
                       code: str = "code", missing: str = NOT_ASSESSED) -> pd.DataFrame:
    """O'Cathain et al.'s (2010) convergence coding matrix: themes x sources, each cell a code.

    Parameters
    ----------
    assessments : DataFrame
        Long table, one row per theme and source, its ``code`` one of :data:`CONVERGENCE_CODES`
        (``silence``: the source has nothing on a theme another source covers).
    theme, source, code : str
        The column names.
    missing : str
        What a theme-source pair with no row becomes: ``"not assessed"`` (default), or ``"silence"``
        for a reader who has checked that every source absent from a theme says nothing on it.

    Returns
    -------
    DataFrame
        One row per theme (first-appearance order), one column per source (the same), then a count per
        code (and of ``not assessed`` cells); ``attrs["n_filled"]`` counts the cells filled with ``missing``.
    """
    v.frame(assessments, "assessments")
    if missing not in (NOT_ASSESSED, "silence"):
        raise ValueError(f"missing must be {NOT_ASSESSED!r} or 'silence', not {v.show(missing)}")
    for col, arg in ((theme, "theme"), (source, "source"), (code, "code")):
        v.one_name(col, arg)
    v.columns(assessments, [theme, source, code], "assessments")
    for col in (theme, source, code):
        v.no_missing(assessments, col)
    off = ~assessments[code].isin(CONVERGENCE_CODES).to_numpy()
    if off.any():
        pos = int(np.flatnonzero(off)[0])
        raise ValueError(f"{code} {v.show(assessments[code].iloc[pos])} for {theme} {v.show(assessments[theme].iloc[pos])}, "
                         f"{source} {v.show(assessments[source].iloc[pos])} (row {pos}) is not one of {list(CONVERGENCE_CODES)}")
    dup = assessments.duplicated([theme, source]).to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise ValueError(f"{theme} {v.show(assessments[theme].iloc[pos])} codes {source} "
                         f"{v.show(assessments[source].iloc[pos])} more than once (row {pos})")
    themes = list(dict.fromkeys(assessments[theme]))
    sources = list(dict.fromkeys(assessments[source]))
    wide = assessments.pivot(index=theme, columns=source, values=code).reindex(index=themes, columns=sources)
    n_filled = int(wide.isna().to_numpy().sum())
    wide = wide.fillna(missing).astype(object)
    wide.columns.name = None
    for c in (*CONVERGENCE_CODES, *([NOT_ASSESSED] if missing == NOT_ASSESSED else [])):
        wide[c] = (wide[sources] == c).sum(axis=1).astype(int)
    wide.attrs["n_filled"] = n_filled
    return wide
