"""The scorecard claims of the stakeholder-interview, ethnography and patient-and-public chapters
(substudies 1, 2, 3a and 3b), computed from their teaching material."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .claims import LEGACY_COLUMNS as COLUMNS, status  # the earlier form, until claims() gives kinds

#: How the paper's "over 650 h" (Methods) / "650 h" (Table 1) is checked: at least 650, under 660.
HOURS_WINDOW = (650, 660)


def _row(claim, substudy, source, published, reproduced, ok, note=""):
    return {"claim_id": f"qual.{claim}", "substudy": substudy, "source": source, "published": str(published),
            "reproduced": str(reproduced), "status": status(ok), "note": note}


def interviews_ethnography_claims(data: dict | None = None) -> pd.DataFrame:
    """Substudies 1 and 2: interviews, cases, hours and case kinds, counted from the teaching data."""
    from ..data import published
    from ..simulate import qualitative as sim

    d = data or sim.teaching_data()
    counts = published.text_counts()
    rows = []
    n_stake = d["interviews"]["interview_id"].nunique()
    coded = d["segments"]["interview_id"].nunique()
    rows.append(_row("stakeholder_interviews", "1", counts.at["stakeholder_interviews", "source"],
                     published.count("stakeholder_interviews"), n_stake,
                     n_stake == published.count("stakeholder_interviews"),
                     f"interviews in qual_interviews; {coded} of them have coded segments"))
    n_case_int = d["case_interviews"]["interview_id"].nunique()
    rows.append(_row("case_study_interviews", "2", counts.at["case_study_interviews", "source"],
                     published.count("case_study_interviews"), n_case_int,
                     n_case_int == published.count("case_study_interviews"), "interviews in qual_case_interviews"))
    hours = float(d["fieldnotes"]["hours"].sum())
    rows.append(_row("observation_hours", "2", counts.at["observation_hours", "source"],
                     f"over {published.count('observation_hours')} h", f"{hours:g} h",
                     HOURS_WINDOW[0] <= hours < HOURS_WINDOW[1],
                     f"sum of field-note session hours; match if {HOURS_WINDOW[0]} <= total < {HOURS_WINDOW[1]}"))
    observed = set(d["fieldnotes"]["case_id"])
    interviewed = set(d["case_interviews"]["case_id"])
    n_cases = len(observed & interviewed)
    rows.append(_row("case_study_cases", "2", counts.at["case_study_cases", "source"],
                     published.count("case_study_cases"), n_cases, n_cases == published.count("case_study_cases"),
                     "cases with both observation and interviews"))
    kinds = d["cases"].loc[d["cases"]["case_id"].isin(observed & interviewed), "case_type"].value_counts()
    n_hosp = int(kinds.get("hospital_trust", 0))
    rows.append(_row("case_study_hospital_trusts", "2", counts.at["case_study_hospital_trusts", "source"],
                     published.count("case_study_hospital_trusts"), n_hosp,
                     n_hosp == published.count("case_study_hospital_trusts")))
    others = {k: int(kinds.get(k, 0)) for k in ("qi_collaborative", "qi_programme", "primary_care_chain")}
    rows.append(_row("case_study_other_kinds", "2", "Table 1, row 2",
                     "one QI collaborative, one large-scale QI programme, one primary care chain",
                     ", ".join(f"{k}: {v}" for k, v in others.items()), all(v == 1 for v in others.values())))
    total = n_stake + n_case_int
    rows.append(_row("interviewees_total", "1,2", counts.at["interviewees_total", "source"],
                     f"over {published.count('interviewees_total')}", total,
                     total > published.count("interviewees_total"),
                     "stakeholder plus case-study interviews, one person each (our reading); "
                     "the ten 3b interviews would add to it"))
    return pd.DataFrame(rows, columns=COLUMNS)


def patients_public_claims(data: dict | None = None) -> pd.DataFrame:
    """Substudies 3a and 3b: survey responses, statements, focus groups and interviews."""
    from ..data import published
    from ..simulate import qualitative as sim

    d = data or sim.teaching_data()
    counts = published.text_counts()
    resp = d["responses"]
    answered = resp.loc[resp["response"].notna(), "respondent_id"].nunique()
    n_statements = resp["statement_id"].nunique()
    boxes = d["open_text"]["statement_id"].nunique()
    fw = d["framework"].drop_duplicates("source_id")
    n_fg = int((fw["source_type"] == "focus_group").sum())
    n_int = int((fw["source_type"] == "interview").sum())
    rows = [
        _row("ppi_survey_responses", "3a", counts.at["ppi_survey_responses", "source"],
             published.count("ppi_survey_responses"), answered, answered == published.count("ppi_survey_responses"),
             "respondents answering at least one statement"),
        _row("ppi_survey_statements", "3a", counts.at["ppi_survey_statements", "source"],
             published.count("ppi_survey_statements"), n_statements,
             n_statements == published.count("ppi_survey_statements"),
             f"statements written for the book (the paper does not list them); {boxes} have open-text answers"),
        _row("ppi_focus_groups", "3b", counts.at["ppi_focus_groups", "source"], published.count("ppi_focus_groups"),
             n_fg, n_fg == published.count("ppi_focus_groups"), "focus groups in qual_ppi_framework"),
        _row("ppi_interviews", "3b", counts.at["ppi_interviews", "source"], published.count("ppi_interviews"),
             n_int, n_int == published.count("ppi_interviews"), "interviews in qual_ppi_framework"),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def qualitative_claims() -> pd.DataFrame:
    """All scorecard rows of substudies 1, 2, 3a and 3b, computed from the teaching data."""
    from ..simulate import qualitative as sim

    d = sim.teaching_data()
    return pd.concat([interviews_ethnography_claims(d), patients_public_claims(d)], ignore_index=True)
