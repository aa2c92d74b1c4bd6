"""The synthesis chapter: the paper's findings, the book's coding of the evidence each names, and its scorecard.

The paper integrated its substudies "interpretive[ly]" and "narrative[ly]", without a formal protocol.
This module makes that synthesis inspectable. The paper's words are published data
(``data/published/synthesis_claims.csv``: each finding's quote and where it stands); which kinds of
evidence the wording names for each finding is the book's coding (``data/coding/synthesis_coding.csv``,
by the rules :data:`CODING_RULES`). The analyses are the reader-facing ones of
:mod:`book.methods.synthesis`, given this paper's kinds of evidence (:data:`KINDS`) and the Table 1
group each comes from (:data:`GROUPS`).
"""
from __future__ import annotations

import re

import pandas as pd

from ..data import published
from ..data.datapackage import read
from ..methods.synthesis import convergence_summary, evidence_counts, evidence_matrix
from .claims import claim, table

#: The kinds of evidence the programme produced, as columns of the coding. ``elements`` are Table 1 study
#: elements; ``substudy`` is Table 1's numbered group, used as the unit of independence (kinds from the
#: same group share sites, people and analysts); ``data`` says what kind of data each kind is.
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
#: kind -> Table 1 group: the ``groups`` argument of the methods for this paper.
GROUPS = dict(zip(KINDS["kind"], KINDS["substudy"]))
#: Kinds whose data are interviews, field notes or focus groups: the book cannot re-analyse them.
QUALITATIVE_KINDS = tuple(KINDS.loc[KINDS["data"] == "qualitative", "kind"])

_N_STAKE = published.count("stakeholder_interviews")
_N_CASE = published.count("case_study_interviews")

#: How the paper's wording was coded into the evidence columns of ``data/coding/synthesis_coding.csv``.
CODING_RULES = pd.DataFrame(
    [
        ("R1", "Code 1 only where the wording names the method (or, for patient and carer groups, "
               "participants who took part in one substudy only); speakers alone ('staff reported') are not coded."),
        ("R2", "Read the claim's sentence first; if it names no source, take the nearest sentence of the same "
               "paragraph that does (preceding first) and set named_in = 'paragraph'; otherwise named_in = 'none'."),
        ("R3", "Unqualified 'interviews' = stakeholder (1) and case-study (2) interviews, whose "
               f"{_N_STAKE} + {_N_CASE} = {_N_STAKE + _N_CASE} fits 'over "
               f"{published.count('interviewees_total')}'; the 3b interviews only where patient and carer groups are named."),
        ("R4", "Unqualified 'surveys' = the survey(s) named elsewhere in the paragraph; if none is named, the "
               "survey whose Table 1 focus names the topic (the coding note says which)."),
        ("R5", "'Documentary analysis' = board minutes (6b, 6c), the only documentary source in Table 1."),
        ("R6", "'Observations' = the ethnographic observation of the case studies (2)."),
        ("R7", "A named outcome measure (HSMR, CQC or Annual Health Check ratings, patient satisfaction as an "
               "outcome) adds outcome_analyses (4c) to the survey named."),
    ],
    columns=["rule", "reading"],
)

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

#: The book's judgements of the paper against GRAMMS (``data/coding/gramms_appraisal.csv``), best first.
GRAMMS_LEVELS = ("reported", "partly reported", "not reported")

#: How far above the published 'over N' a total may lie and still be reported as 'over N' (a larger
#: total would be reported as such): 'over 300' is read as more than 300 and fewer than 350.
OVER_MARGIN = 50
#: 'over 300' (``interviewees_total``, published) read as more than it and fewer than it + :data:`OVER_MARGIN`.
OVER_300 = (published.count("interviewees_total"), published.count("interviewees_total") + OVER_MARGIN)


def load_quotes() -> pd.DataFrame:
    """``data/published/synthesis_claims.csv``: each finding's section, verbatim quote and location."""
    return read("synthesis_claims")


def load_coding() -> pd.DataFrame:
    """``data/coding/synthesis_coding.csv``: the book's paraphrase and coding of each finding."""
    return read("synthesis_coding")


def load_claims() -> pd.DataFrame:
    """The findings as the chapter uses them: the paper's quotes (published) beside the book's coding.

    Columns: ``claim_id, section, claim, quote``, the ten evidence kinds, ``named_in, coding_note, source``.
    """
    quotes, coding = load_quotes(), load_coding()
    if quotes["claim_id"].tolist() != coding["claim_id"].tolist():
        raise ValueError("synthesis_claims.csv and synthesis_coding.csv list different findings, or in another order")
    merged = quotes.merge(coding, on="claim_id", how="left", validate="1:1")
    return merged[["claim_id", "section", "claim", "quote", *EVIDENCE_KINDS, "named_in", "coding_note", "source"]]


def load_box1() -> pd.DataFrame:
    """``data/published/box1_strategies.csv``: the seven Box 1 strategies, verbatim."""
    return read("box1_strategies")


def load_gramms() -> pd.DataFrame:
    """``data/coding/gramms_appraisal.csv``: the book's appraisal of the paper against GRAMMS, item by item."""
    return read("gramms_appraisal")


def counts(claims: pd.DataFrame, min_independent: int = 2) -> pd.DataFrame:
    """:func:`~book.methods.synthesis.evidence_counts` with this paper's kinds and groups, and each finding's section."""
    out = evidence_counts(claims, list(EVIDENCE_KINDS), GROUPS, min_independent=min_independent)
    out.insert(1, "section", claims["section"].to_numpy())
    return out


def summary(claims: pd.DataFrame, min_independent: int = 2) -> pd.DataFrame:
    """:func:`~book.methods.synthesis.convergence_summary` by section, with this paper's kinds and groups."""
    return convergence_summary(claims, "section", list(EVIDENCE_KINDS), GROUPS, min_independent=min_independent)


def convergence_example() -> pd.DataFrame:
    """The book's worked example of a convergence coding matrix for four themes of the paper.

    This is **our reading** of what the paper reports from each kind of evidence, not the authors'
    coding: ``basis`` names the findings each judgement rests on. ``silence`` marks a source that the
    paper reports nothing from on a theme another source covers; pairs not listed are not assessed.
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
    ``n_multiply_sourced``, ``kinds_named``, ``sources`` (kinds and Table 1 groups named for any of them).
    """
    claims = load_claims() if claims is None else claims
    box1 = load_box1() if box1 is None else box1
    by_id = counts(claims, min_independent).set_index("claim_id")
    matrix = evidence_matrix(claims, list(EVIDENCE_KINDS))
    rows = []
    for rec in box1.to_dict("records"):
        found = list(BOX1_FINDINGS.get(rec["strategy_id"], ()))
        unknown = [c for c in found if c not in by_id.index]
        if unknown:
            raise ValueError(f"Box 1 {rec['strategy_id']} maps to unknown finding(s) {unknown}")
        named = matrix.loc[found].max() if found else pd.Series(0, index=matrix.columns)
        kinds = [k for k in matrix.columns if named[k] == 1]
        rows.append({"strategy_id": rec["strategy_id"], "strategy": rec["strategy"], "findings": " ".join(found),
                     "n_findings": len(found), "n_sourced": int((by_id.loc[found, "n_kinds"] > 0).sum()),
                     "n_multiply_sourced": int((by_id.loc[found, "support"] == "multiply sourced").sum()),
                     "kinds_named": ", ".join(kinds),
                     "sources": ",".join(sorted({GROUPS[k] for k in kinds}, key=int))})
    return pd.DataFrame(rows)


def substudy_groups(table1: pd.DataFrame) -> list[str]:
    """Table 1's numbered groups ('1', '2', ...), in numeric order, from its ``element_id`` column."""
    return sorted({re.match(r"\d+", e).group(0) for e in table1["element_id"]}, key=int)


def seven_readings() -> dict:
    """The two readings of "seven separate substudies (table 1)", counted from the published files.

    Returns ``stated`` (7), ``methods_items`` (the bullets of the Methods' list of primary data),
    ``table1_elements`` and ``table1_groups`` (its numbered groups), and ``groups`` (their labels).
    """
    t1 = published.table1()
    groups = substudy_groups(t1)
    return {"stated": published.count("substudies_stated"), "methods_items": published.count("primary_data_items"),
            "table1_elements": len(t1), "table1_groups": len(groups), "groups": groups}


def _programme_rows() -> list[dict]:
    """The checks on the programme's own counts: "seven substudies", "over 300", the seven cases."""
    tc = published.text_counts()
    r = seven_readings()
    rows = [claim(
        "synthesis.seven_substudies", "programme", tc.at["substudies_stated", "source"] + "; Table 1",
        "seven separate substudies (table 1)", kind="not reproducible",
        reproduced=(f"the Methods list {r['methods_items']} kinds of primary data; Table 1 numbers "
                    f"{r['table1_elements']} elements in {r['table1_groups']} groups "
                    f"({r['groups'][0]}-{r['groups'][-1]})"),
        note=(f"ambiguous, not contradictory: read as the {r['methods_items']} bulleted kinds of primary data of "
              f"the Methods, 'seven' fits; read as Table 1's numbered groups ({r['table1_groups']}) or elements "
              f"({r['table1_elements']}), it does not; the paper does not say which grouping it means"))]
    parts = {k: published.count(k) for k in ("stakeholder_interviews", "case_study_interviews", "ppi_interviews")}
    total = parts["stakeholder_interviews"] + parts["case_study_interviews"]
    with_3b = total + parts["ppi_interviews"]
    lo, hi = OVER_300
    rows.append(claim(
        "synthesis.interviewees_over_300", "1,2", tc.at["interviewees_total", "source"], f"over {lo} in total",
        kind="consistency", tolerance=f"more than {lo} and fewer than {hi}, with or without the 3b interviews",
        reproduced=(f"{parts['stakeholder_interviews']} + {parts['case_study_interviews']} = {total} "
                    f"({with_3b} with the {parts['ppi_interviews']} interviews of 3b)"),
        ok=bool(lo < total < hi and lo < with_3b < hi),
        note="published interview counts (Methods, Table 1), one person per interview (our reading)"))
    cases = {k: published.count(k) for k in ("case_study_hospital_trusts", "case_study_qi_collaboratives",
                                             "case_study_qi_programmes", "case_study_primary_care_providers")}
    n_cases = published.count("case_study_cases")
    rows.append(claim(
        "synthesis.case_composition", "2", tc.at["case_study_cases", "source"],
        f"{n_cases} purposively chosen cases", kind="consistency", tolerance="the settings listed add up exactly",
        reproduced=" + ".join(map(str, cases.values())) + f" = {sum(cases.values())}",
        ok=sum(cases.values()) == n_cases,
        note="hospital trusts, a quality improvement collaborative, a large-scale quality improvement programme "
             "and a primary care provider (Table 1, row 2, setting)"))
    return rows


def _window_row() -> dict:
    """The Annual Health Check years analysed lie inside the outcome analyses' years (Table 1, row 4c)."""
    first, last = published.count("ahc_ratings_first_year"), published.count("ahc_ratings_last_year")
    lo, hi = published.count("outcome_years_first"), published.count("outcome_years_last")
    return claim(
        "synthesis.ahc_window", "4c", published.text_counts().at["ahc_ratings_first_year", "source"],
        f"Annual Health Check ratings {first}/{first + 1} to {last}/{last + 1}; outcomes {lo}-{hi}",
        kind="consistency", tolerance="every rating year lies inside the outcome years",
        reproduced=f"{first}/{first + 1} to {last}/{last + 1} lies inside {lo}-{hi}",
        ok=bool(lo <= first and last + 1 <= hi),
        note="both from the same cell of Table 1; a rating year is a financial year (April to March)")


def _finding_rows(claims: pd.DataFrame) -> list[dict]:
    """One 'not reproducible' row per finding, saying which kinds of evidence it names."""
    ev = counts(claims).set_index("claim_id")
    rows = []
    for rec in claims.to_dict("records"):
        c = ev.loc[rec["claim_id"]]
        named = c["kinds_named"].split(", ") if c["kinds_named"] else []
        qual = [k for k in named if k in QUALITATIVE_KINDS]
        if not named:
            reproduced, note = "no kind of evidence named", "the paper names no source for this finding"
        else:
            reproduced = (f"{c['n_kinds']} kind(s) named ({c['kinds_named']}) from {c['n_independent']} "
                          f"substudy group(s) ({c['sources']})")
            if qual:
                note = (f"rests on qualitative data ({', '.join(qual)}) the book cannot re-analyse; "
                        "the book's simulated qualitative data are illustrative only")
            elif "do not print" in str(rec["coding_note"]):
                note = "the paper gives a direction for a staff survey item that Tables 2 and 3 do not print: no figure to check"
            else:
                note = ("the authors' reading of survey, routine or documentary analyses; the printed figures behind "
                        "it, where there are any, are checked in the substudy rows")
        rows.append(claim(f"synthesis.{rec['claim_id']}", "synthesis", rec["source"], rec["claim"],
                          kind="not reproducible", reproduced=reproduced,
                          note=note + f" (named in: {rec['named_in']})"))
    return rows


def synthesis_claims() -> pd.DataFrame:
    """Scorecard rows of the synthesis: the programme's counts, and the evidence named for each finding."""
    return table(_programme_rows() + [_window_row()] + _finding_rows(load_claims()))
