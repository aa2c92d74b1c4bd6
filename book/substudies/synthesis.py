"""The paper's narrative synthesis as data: which kinds of evidence it names for each finding.

The paper integrated its seven substudies "interpretive[ly]" and "narrative[ly]", without a formal
protocol. This module makes the synthesis inspectable: :func:`evidence_matrix` sets each finding
(``data/published/synthesis_claims.csv``, typed from the Results and Discussion) against the kinds
of evidence the paper's wording names for it, :func:`evidence_counts` counts kinds and independent
substudies per finding, :func:`convergence_summary` summarises by section, and
:func:`convergence_coding` applies O'Cathain et al.'s convergence coding matrix to a reader's
judgements. The same functions work on any claims table with 0/1 evidence columns.
"""
from __future__ import annotations

import re

import pandas as pd

from ..data import published as _published
from .claims import LEGACY_COLUMNS as COLUMNS, status  # the earlier form, until claims() gives kinds

#: The kinds of evidence the programme produced, as columns of the claims table.
#: ``elements`` are Table 1 study elements; ``substudy`` is Table 1's numbered group, used as the unit
#: of independence (kinds from the same substudy share sites, people and analysts).
KINDS = pd.DataFrame(
    [
        ("stakeholder_interviews", "Stakeholder interviews", "1", "1", "qualitative"),
        ("case_study_interviews", "Case-study interviews", "2", "2", "qualitative"),
        ("observation", "Ethnographic observation", "2", "2", "qualitative"),
        ("patient_survey", "Patient and carer organisation survey", "3a", "3", "survey"),
        ("patient_focus_groups", "Patient and carer focus groups and interviews", "3b", "3", "qualitative"),
        ("staff_inpatient_surveys", "National staff and inpatient surveys", "4a,4b", "4", "survey"),
        ("outcome_analyses", "Outcome analyses", "4c", "4", "routine data"),
        ("team_survey", "Clinical team survey", "5", "5", "survey"),
        ("board_survey", "Board survey", "6a", "6", "survey"),
        ("board_minutes", "Board minutes", "6b,6c", "6", "documents"),
    ],
    columns=["kind", "label", "elements", "substudy", "data"],
)
EVIDENCE_KINDS = tuple(KINDS["kind"])
#: Kinds whose data are interviews, field notes or focus groups: the book cannot re-analyse them.
QUALITATIVE_KINDS = tuple(KINDS.loc[KINDS["data"] == "qualitative", "kind"])

_N_STAKE = _published.count("stakeholder_interviews")
_N_CASE = _published.count("case_study_interviews")

#: How the paper's wording was coded into the evidence columns of ``synthesis_claims.csv``.
CODING_RULES = pd.DataFrame(
    [
        ("R1", "Code 1 only where the wording names the method (or, for patient and carer groups, "
               "participants who took part in one substudy only); speakers alone ('staff reported') are not coded."),
        ("R2", "Read the claim's sentence first; if it names no source, take the nearest sentence of the same "
               "paragraph that does (preceding first) and set named_in = 'paragraph'; otherwise named_in = 'none'."),
        ("R3", "Unqualified 'interviews' = stakeholder (1) and case-study (2) interviews, whose "
               f"{_N_STAKE} + {_N_CASE} = {_N_STAKE + _N_CASE} fits 'over "
               f"{_published.count('interviewees_total')}'; the 3b interviews only where patient and carer groups are named."),
        ("R4", "Unqualified 'surveys' = the survey(s) named elsewhere in the paragraph; if none is named, the "
               "survey whose Table 1 focus names the topic (the coding note says which)."),
        ("R5", "'Documentary analysis' = board minutes (6b, 6c), the only documentary source in Table 1."),
        ("R6", "'Observations' = the ethnographic observation of the case studies (2)."),
        ("R7", "A named outcome measure (HSMR, CQC or Annual Health Check ratings, patient satisfaction as an "
               "outcome) adds outcome_analyses (4c) to the survey named."),
    ],
    columns=["rule", "reading"],
)

#: O'Cathain, Murphy and Nicholl's (2010) codes for a convergence coding matrix.
CONVERGENCE_CODES = ("agreement", "partial agreement", "silence", "dissonance")

#: The Box 1 strategies and the findings each one answers: the book's reading, not the paper's.
BOX1_FINDINGS = {
    "B1": ("G01", "G02", "G03", "G04"),
    "B2": ("C04", "C06", "D04"),
    "B3": ("C03", "C08", "S05", "S08"),
    "B4": ("I01", "I03", "I04"),
    "B5": ("S01", "S02", "S03", "C02"),
    "B6": ("G07", "C07", "C08"),
    "B7": ("C05", "C06", "I04"),
}

#: How far above the published 'over N' a total may lie and still be reported as 'over N' (a larger
#: total would be reported as such): 'over 300' is read as more than 300 and fewer than 350.
OVER_MARGIN = 50
#: 'over 300' (``interviewees_total``, published) read as more than it and fewer than it + :data:`OVER_MARGIN`.
OVER_300 = (_published.count("interviewees_total"), _published.count("interviewees_total") + OVER_MARGIN)


def load_claims() -> pd.DataFrame:
    """``data/published/synthesis_claims.csv``, validated against the data dictionary."""
    from ..data.datapackage import read

    return read("synthesis_claims")


def load_box1() -> pd.DataFrame:
    """``data/published/box1_strategies.csv``: the seven Box 1 strategies, verbatim."""
    from ..data.datapackage import read

    return read("box1_strategies")


def _kinds(claims: pd.DataFrame, kinds) -> list[str]:
    if kinds is None:
        return list(EVIDENCE_KINDS)
    kinds = list(kinds)
    if not kinds:
        raise ValueError("kinds is empty: name at least one evidence column")
    return kinds


def evidence_matrix(claims: pd.DataFrame, kinds=None, id_col: str = "claim_id") -> pd.DataFrame:
    """Claims x kinds of evidence, 1 where the claim names that kind.

    Parameters
    ----------
    claims : DataFrame
        One row per claim: an identifier column and one 0/1 column per kind of evidence.
    kinds : list of str, optional
        The evidence columns (default: the book's ten kinds, :data:`EVIDENCE_KINDS`).
    id_col : str
        The identifier column (unique, non-empty).

    Returns
    -------
    DataFrame
        Indexed by ``id_col``, one integer 0/1 column per kind, in the claims' order.

    Raises
    ------
    ValueError
        Naming the missing column, the empty or duplicated identifier, or the cell that is not 0/1.
    """
    if not isinstance(claims, pd.DataFrame):
        raise ValueError(f"claims must be a DataFrame, not {type(claims).__name__}")
    kinds = _kinds(claims, kinds)
    missing = [c for c in [id_col, *kinds] if c not in claims.columns]
    if missing:
        raise ValueError(f"claims table is missing column(s) {missing}")
    ids = claims[id_col]
    empty = ids.isna() | ids.astype(str).str.strip().eq("")
    if empty.any():
        raise ValueError(f"{id_col} is empty in row {int(empty.to_numpy().argmax())} of the claims table")
    dup = ids.duplicated()
    if dup.any():
        raise ValueError(f"duplicate {id_col} {ids[dup].iloc[0]!r}")
    out = {}
    for kind in kinds:
        values = pd.to_numeric(claims[kind], errors="coerce")
        bad = values.isna() | ~values.isin([0, 1])
        if bad.any():
            row = bad.to_numpy().argmax()
            value = claims[kind].iloc[row]
            value = value.item() if hasattr(value, "item") else value  # plain Python value in the message
            raise ValueError(f"column {kind!r} has value {value!r} for {id_col} "
                             f"{ids.iloc[row]!r}; evidence columns must be 0 or 1")
        out[kind] = values.astype(int).to_numpy()
    return pd.DataFrame(out, index=pd.Index(ids.to_numpy(), name=id_col))


def _groups(kinds: list[str], groups: dict | None) -> dict:
    if groups is not None:
        missing = [k for k in kinds if k not in groups]
        if missing:
            raise ValueError(f"groups gives no source for kind(s) {missing}")
        return dict(groups)
    book = dict(zip(KINDS["kind"], KINDS["substudy"]))
    # a reader's own kinds count as independent of each other unless groups says otherwise
    return {k: book.get(k, k) for k in kinds}


def evidence_counts(claims: pd.DataFrame, kinds=None, groups: dict | None = None,
                    id_col: str = "claim_id", min_independent: int = 2) -> pd.DataFrame:
    """Kinds of evidence and independent sources per claim.

    ``n_kinds`` counts the kinds named; ``n_independent`` counts the distinct sources they come from
    (``groups`` maps kind -> source; default for the book's kinds: Table 1's numbered substudy, so
    case-study interviews and observation count once). ``support`` is ``none named``,
    ``one source`` or ``converging`` (at least ``min_independent`` independent sources).

    Returns a tidy DataFrame: ``id_col``, ``section`` (if the claims have one), ``n_kinds``,
    ``n_independent``, ``kinds_named``, ``sources``, ``support``.
    """
    if min_independent < 2:
        raise ValueError(f"min_independent must be at least 2 (convergence needs two sources), got {min_independent}")
    matrix = evidence_matrix(claims, kinds, id_col)
    source_of = _groups(list(matrix.columns), groups)
    rows = []
    for cid, rec in matrix.iterrows():
        named = [k for k in matrix.columns if rec[k] == 1]
        sources = sorted({str(source_of[k]) for k in named})
        n_ind = len(sources)
        rows.append({id_col: cid, "n_kinds": len(named), "n_independent": n_ind,
                     "kinds_named": ", ".join(named), "sources": ",".join(sources),
                     "support": "none named" if n_ind == 0 else
                     ("converging" if n_ind >= min_independent else "one source")})
    out = pd.DataFrame(rows)
    if "section" in claims.columns:
        out.insert(1, "section", claims["section"].to_numpy())
    return out


SUPPORT_LEVELS = ("none named", "one source", "converging")


def convergence_summary(claims: pd.DataFrame, by: str = "section", kinds=None, groups: dict | None = None,
                        id_col: str = "claim_id", min_independent: int = 2) -> pd.DataFrame:
    """Per ``by`` group (default: the paper's section): claims with no source named, one source, converging.

    Columns: ``by``, ``n_claims``, ``none named``, ``one source``, ``converging``, ``share_converging``,
    ``mean_kinds``, ``mean_independent``; groups keep their first-appearance order.
    """
    if by not in claims.columns:
        raise ValueError(f"claims table has no column {by!r} to summarise by")
    counts = evidence_counts(claims, kinds, groups, id_col, min_independent)
    counts[by] = claims[by].to_numpy()
    order = list(dict.fromkeys(counts[by]))
    table = (pd.crosstab(counts[by], counts["support"]).reindex(index=order, columns=list(SUPPORT_LEVELS),
                                                                   fill_value=0))
    table.columns.name = None
    table.insert(0, "n_claims", table.sum(axis=1))
    table["share_converging"] = table["converging"] / table["n_claims"]
    means = counts.groupby(by, sort=False)[["n_kinds", "n_independent"]].mean()
    table["mean_kinds"] = means["n_kinds"]
    table["mean_independent"] = means["n_independent"]
    return table.reset_index().rename(columns={"index": by})


def recode(claims: pd.DataFrame, changes: dict, id_col: str = "claim_id", kinds=None) -> pd.DataFrame:
    """A copy of ``claims`` with some evidence cells recoded, e.g. ``{"G08": {"case_study_interviews": 1}}``.

    ``kinds`` names the evidence columns (default: the book's, :data:`EVIDENCE_KINDS`); only the kinds
    that ``changes`` uses must be among them and present in ``claims``, so a reader's own table with
    other evidence columns can be recoded by passing its ``kinds``. Each recoded row's ``coding_note``
    (if present) records the change; bad ids, columns or values raise ValueError.
    """
    kinds = _kinds(claims, kinds)
    if id_col not in claims.columns:
        raise ValueError(f"recode: claims table has no column {id_col!r}")
    out = claims.copy()
    ids = out[id_col].tolist()
    for cid, cells in changes.items():
        if cid not in ids:
            raise ValueError(f"recode: no claim with {id_col} {cid!r}")
        row = ids.index(cid)
        for kind, value in cells.items():
            if kind not in kinds or kind not in out.columns:
                raise ValueError(f"recode: no evidence column {kind!r}")
            if value not in (0, 1):
                raise ValueError(f"recode: {cid}.{kind} must be 0 or 1, got {value!r}")
            out.iloc[row, out.columns.get_loc(kind)] = value
            if "coding_note" in out.columns:
                note = out.iloc[row, out.columns.get_loc("coding_note")]
                out.iloc[row, out.columns.get_loc("coding_note")] = f"{note}; recoded {kind}={value}".lstrip("; ")
    used = list(dict.fromkeys(k for cells in changes.values() for k in cells))
    if used:
        evidence_matrix(out, used, id_col)
    return out


def convergence_coding(assessments: pd.DataFrame) -> pd.DataFrame:
    """O'Cathain et al.'s convergence coding matrix: themes x sources, each cell one of :data:`CONVERGENCE_CODES`.

    Parameters
    ----------
    assessments : DataFrame
        Long table with columns ``theme, source, code`` (one row per theme and source).

    Returns
    -------
    DataFrame
        One row per theme: a column per source holding its code (a source a theme does not list is
        ``silence``), then one count column per code.
    """
    missing = [c for c in ("theme", "source", "code") if c not in assessments.columns]
    if missing:
        raise ValueError(f"assessments is missing column(s) {missing}")
    bad = ~assessments["code"].isin(CONVERGENCE_CODES)
    if bad.any():
        rec = assessments[bad].iloc[0]
        raise ValueError(f"code {rec['code']!r} for theme {rec['theme']!r}, source {rec['source']!r} is not one of "
                         f"{list(CONVERGENCE_CODES)}")
    dup = assessments.duplicated(["theme", "source"])
    if dup.any():
        rec = assessments[dup].iloc[0]
        raise ValueError(f"theme {rec['theme']!r} codes source {rec['source']!r} more than once")
    themes = list(dict.fromkeys(assessments["theme"]))
    sources = list(dict.fromkeys(assessments["source"]))
    wide = (assessments.pivot(index="theme", columns="source", values="code")
            .reindex(index=themes, columns=sources).fillna("silence"))
    wide.columns.name = None
    for code in CONVERGENCE_CODES:
        wide[code] = (wide[sources] == code).sum(axis=1)
    return wide


def convergence_example() -> pd.DataFrame:
    """The book's worked example of a convergence coding matrix for three of the paper's themes.

    This is **our reading** of what the paper reports from each kind of evidence, not the authors'
    coding: ``basis`` names the typed claims each judgement rests on. Sources the paper reports nothing
    from on a theme are coded ``silence``.
    """
    goals, spots = "Clear goals matter and are often missing", "Care is inconsistent: bright and dark spots"
    scarce, aim = "Innovation is infrequent", "Innovation seldom targets quality and safety"
    rows = [
        (goals, "stakeholder_interviews", "agreement", "G02 G03 G05"),
        (goals, "case_study_interviews", "agreement", "G02 G03 G05"),
        (goals, "observation", "agreement", "G02 G03"),
        (goals, "staff_inpatient_surveys", "agreement", "G02 G04"),
        (goals, "team_survey", "agreement", "G07 C08"),
        (goals, "board_survey", "agreement", "G06"),
        (goals, "board_minutes", "agreement", "G02"),
        (goals, "patient_survey", "silence", ""),
        (spots, "observation", "agreement", "G11 G14"),
        (spots, "case_study_interviews", "agreement", "G12 G14"),
        (spots, "stakeholder_interviews", "agreement", "G12 G14"),
        (spots, "patient_survey", "agreement", "G12 G13"),
        (spots, "patient_focus_groups", "agreement", "G13"),
        (spots, "staff_inpatient_surveys", "partial agreement", "G16"),
        (spots, "team_survey", "silence", ""),
        (scarce, "board_minutes", "agreement", "S06 S07"),
        (scarce, "team_survey", "agreement", "S08"),
        (scarce, "observation", "silence", ""),
        (aim, "board_minutes", "agreement", "S07"),
        (aim, "team_survey", "dissonance", "S08"),
    ]
    return pd.DataFrame(rows, columns=["theme", "source", "code", "basis"])


def box1_map(claims: pd.DataFrame | None = None, box1: pd.DataFrame | None = None,
             min_independent: int = 2) -> pd.DataFrame:
    """Each Box 1 strategy beside the findings it answers (:data:`BOX1_FINDINGS`, our reading).

    Columns: ``strategy_id, strategy, findings, n_findings, n_sourced`` (findings naming any source),
    ``n_converging``, ``kinds_named``, ``sources`` (kinds and Table 1 substudies named for any of them).
    """
    claims = load_claims() if claims is None else claims
    box1 = load_box1() if box1 is None else box1
    counts = evidence_counts(claims, min_independent=min_independent).set_index("claim_id")
    matrix = evidence_matrix(claims)
    source_of = _groups(list(matrix.columns), None)
    rows = []
    for rec in box1.to_dict("records"):
        found = list(BOX1_FINDINGS.get(rec["strategy_id"], ()))
        unknown = [c for c in found if c not in counts.index]
        if unknown:
            raise ValueError(f"Box 1 {rec['strategy_id']} maps to unknown claim(s) {unknown}")
        named = matrix.loc[found].max() if found else pd.Series(0, index=matrix.columns)
        kinds = [k for k in matrix.columns if named[k] == 1]
        rows.append({"strategy_id": rec["strategy_id"], "strategy": rec["strategy"], "findings": " ".join(found),
                     "n_findings": len(found), "n_sourced": int((counts.loc[found, "n_kinds"] > 0).sum()),
                     "n_converging": int((counts.loc[found, "support"] == "converging").sum()),
                     "kinds_named": ", ".join(kinds),
                     "sources": ",".join(sorted({source_of[k] for k in kinds}))})
    return pd.DataFrame(rows)


def substudy_groups(table1: pd.DataFrame) -> list[str]:
    """Table 1's numbered substudy groups ('1', '2', ...), in numeric order, from its ``element_id`` column."""
    return sorted({re.match(r"\d+", e).group(0) for e in table1["element_id"]}, key=int)


def synthesis_claims() -> pd.DataFrame:
    """Scorecard rows of the synthesis: the programme's counts and the evidence named for each finding."""
    from ..data import published

    rows = []
    t1 = published.table1()
    groups = substudy_groups(t1)
    rows.append({"claim_id": "synthesis.seven_substudies", "substudy": "synthesis",
                 "source": "Methods, paragraph 1; Table 1", "published": "seven separate substudies (table 1)",
                 "reproduced": f"{len(t1)} study elements in {len(groups)} numbered groups ({groups[0]}-{groups[-1]})",
                 "status": status(len(groups) == 7),
                 "note": (f"Table 1 numbers its {len(t1)} elements in {len(groups)} groups, not seven, and the paper does "
                          "not say which grouping makes seven substudies: an inconsistency between text and table")})

    counts = published.text_counts()
    parts = {k: published.count(k) for k in ("stakeholder_interviews", "case_study_interviews", "ppi_interviews")}
    total = parts["stakeholder_interviews"] + parts["case_study_interviews"]
    with_3b = total + parts["ppi_interviews"]
    lo, hi = OVER_300
    rows.append({"claim_id": "synthesis.interviewees_over_300", "substudy": "synthesis",
                 "source": counts.at["interviewees_total", "source"],
                 "published": f"over {published.count('interviewees_total')} in total",
                 "reproduced": (f"{parts['stakeholder_interviews']} + {parts['case_study_interviews']} = {total} "
                                f"({with_3b} with the {parts['ppi_interviews']} interviews of 3b)"),
                 "status": status(lo < total < hi and lo < with_3b < hi),
                 "note": (f"published interview counts (Methods, Table 1), one person per interview (our reading); "
                          f"'over {lo}' read as more than {lo} and fewer than {hi}; consistent with or without 3b")})

    claims = load_claims()
    ev = evidence_counts(claims).set_index("claim_id")
    for rec in claims.to_dict("records"):
        c = ev.loc[rec["claim_id"]]
        named = c["kinds_named"].split(", ") if c["kinds_named"] else []
        if not named:
            reproduced, note = "no kind of evidence named", "the paper names no source for this finding"
        else:
            reproduced = (f"{c['n_kinds']} kind(s) named ({c['kinds_named']}) from {c['n_independent']} "
                          f"substudy group(s) ({c['sources']})")
            qual = [k for k in named if k in QUALITATIVE_KINDS]
            if qual:
                note = (f"rests on qualitative data ({', '.join(qual)}) the book cannot re-analyse; "
                        "the book's simulated qualitative data are illustrative only")
            else:
                note = ("the authors' reading of survey, routine or documentary analyses; the printed figures behind "
                        "it, where there are any, are checked in the substudy rows")
        rows.append({"claim_id": f"synthesis.{rec['claim_id']}", "substudy": "synthesis", "source": rec["source"],
                     "published": rec["claim"], "reproduced": reproduced, "status": "not reproducible",
                     "note": note + f" (named in: {rec['named_in']})"})
    return pd.DataFrame(rows, columns=COLUMNS)
