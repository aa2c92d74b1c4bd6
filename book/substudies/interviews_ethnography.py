"""The stakeholder-interview and ethnography chapter (substudies 1 and 2): its tables, its comparisons
with the generator's truths, and its scorecard claims."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import published
from ..methods.agreement import ALL_CODES, cohen_kappa_by_code, krippendorff_alpha
from ..simulate import qualitative as sim
from ..simulate.qualitative import truths
from .claims import claim

#: How the paper's "over 650 h" (Methods; Table 1 prints "650 h") is checked: more than 650, and less
#: than the next figure the paper would have printed as a round number (660).
HOURS_WINDOW = (650, 660)
#: Decimals at which an interval's ends and the truth are compared (a cover decided on the last bits
#: of a float would differ between machines).
COVER_DECIMALS = 6


def segments_table(data: dict) -> pd.DataFrame:
    """The coded segments with their interview's order, stakeholder group and setting."""
    return data["segments"].merge(data["interviews"][["interview_id", "sequence", "stakeholder_group", "setting"]],
                                  on="interview_id")


def covers(low, high, truth) -> bool | None:
    """Whether [low, high] covers ``truth``, compared at :data:`COVER_DECIMALS`; None if undefined."""
    if any(pd.isna(v) for v in (low, high, truth)):
        return None
    low, high, truth = (round(float(v), COVER_DECIMALS) for v in (low, high, truth))
    return low <= truth <= high


def agreement(segments: pd.DataFrame, coder_error: float = sim.CODER_ERROR, level: float = 0.95) -> pd.DataFrame:
    """Cohen's kappa per code and overall with its interval, beside the coders' kappa in the generator's
    population of segments (``kappa_truth``) and whether the interval covers it."""
    table = cohen_kappa_by_code(segments, "code_coder_a", "code_coder_b", codes=sim.MAIN_CODES, level=level)
    truth = truths.kappa_truth(coder_error).rename(index={"(all codes)": ALL_CODES})
    table["kappa_truth"] = table["code"].map(truth).to_numpy()
    table["covers"] = [covers(lo, hi, t) for lo, hi, t in zip(table["ci_low"], table["ci_high"], table["kappa_truth"])]
    return table


def disagreement_log(segments: pd.DataFrame, codebook: pd.DataFrame, n: int = 6) -> pd.DataFrame:
    """The first ``n`` segments (by id) on which the coders disagree, with what the codebook says about the
    boundary between their two codes and what consensus coding would record."""
    rules = codebook.set_index("code")["exclude"]
    off = segments[segments["code_coder_a"] != segments["code_coder_b"]].sort_values("segment_id").head(n)
    rows = []
    for r in off.itertuples():
        a, b = r.code_coder_a, r.code_coder_b
        named = [c for c, other in ((a, b), (b, a)) if other in rules.get(c, "")]
        why = ("the two exclusion rules name each other, yet the coders split" if len(named) == 2 else
               f"only the rule of {named[0]} names the other code" if named else
               "no exclusion rule separates the two codes")
        rows.append({"segment": r.segment_id, "invented_excerpt": r.invented_excerpt, "coder_a": a, "coder_b": b,
                     "why_they_split": why, "resolution": f"agreed {r.code_agreed}; rule of "
                     f"{b if r.code_agreed == a else a} to be sharpened"})
    return pd.DataFrame(rows, columns=["segment", "invented_excerpt", "coder_a", "coder_b", "why_they_split",
                                       "resolution"])


def alpha_by_error(seed: int, errors) -> pd.DataFrame:
    """Krippendorff's alpha of the same segments coded at each coder-error multiplier."""
    rows = []
    for e in errors:
        seg = sim.coded_segments(seed, float(e))
        rows.append({"coder_error": float(e),
                     "alpha": krippendorff_alpha(seg, ["code_coder_a", "code_coder_b"]).at[0, "alpha"]})
    return pd.DataFrame(rows)


def coder_error_effect(seed: int, error: float) -> pd.DataFrame:
    """Each code's kappa at the book's coder error and at ``error``, on the same segments, with the loss
    (rounded to 9 decimals so that ties are exact) and the code's base error rate."""
    kappas = {}
    for e in (sim.CODER_ERROR, error):
        seg = sim.coded_segments(seed, e)
        kappas[e] = cohen_kappa_by_code(seg, "code_coder_a", "code_coder_b", codes=sim.MAIN_CODES).set_index("code")
    out = pd.DataFrame({"code": sim.MAIN_CODES + [ALL_CODES],
                        "base_rate": [sim.CODER_ERROR_RATE[c] for c in sim.MAIN_CODES] + [np.nan],
                        "default": kappas[sim.CODER_ERROR]["kappa"].to_numpy(),
                        "changed": kappas[error]["kappa"].to_numpy()})
    out["loss"] = (out["default"] - out["changed"]).round(9)
    return out


def session_codes(data: dict) -> pd.DataFrame:
    """Field-note incidents with their session's case, site and hours."""
    return data["fieldnote_codes"].merge(data["fieldnotes"][["entry_id", "case_id", "site", "hours"]], on="entry_id")


def within_case(data: dict, case_id: str) -> pd.DataFrame:
    """A within-case display for one case: per code, the sessions in which it was noted by kind of site,
    and the first incident written for it (a prompt to go back to the note)."""
    inc = session_codes(data)
    inc = inc[inc["case_id"] == case_id].copy()
    inc["setting"] = np.where(inc["spot"] == "neither", "meetings", "care settings")
    counts = inc.groupby(["code", "setting"])["entry_id"].nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=["care settings", "meetings"], fill_value=0)
    notes = data["fieldnotes"].set_index("entry_id")["invented_note"]
    first = inc.sort_values(["entry_id", "incident"]).drop_duplicates("code").set_index("code")
    counts["first_noted_in"] = first["entry_id"]
    counts["invented_note"] = first["entry_id"].map(notes)
    return counts.sort_values(["care settings", "meetings"], ascending=False, kind="stable").reset_index()


#: The codes a cross-case matrix sets side by side (the profile the generator plants tilts them).
CROSS_CASE_CODES = ["bright_spot", "dark_spot", "task_focused_care", "problem_sensing", "comfort_seeking",
                    "blames_frontline_culture", "blunt_sharp_misalignment"]


def cross_case(data: dict) -> pd.DataFrame:
    """Cases by codes: the number of observation sessions in which each code was noted (field notes) and
    of interviews that used it, with each case's planted profile beside them."""
    inc = session_codes(data)
    sessions = inc.groupby(["case_id", "code"])["entry_id"].nunique().unstack(fill_value=0)
    interviews = data["case_codes"].merge(data["case_interviews"][["interview_id", "case_id"]], on="interview_id")
    talk = interviews.groupby(["case_id", "code"])["interview_id"].nunique().unstack(fill_value=0)
    cases = data["cases"].set_index("case_id")
    out = pd.DataFrame({"case": cases["label"], "sessions": data["fieldnotes"].groupby("case_id").size(),
                        "interviews": data["case_interviews"].groupby("case_id").size()})
    for code in CROSS_CASE_CODES:
        out[f"{code} (sessions)"] = sessions.reindex(columns=CROSS_CASE_CODES, fill_value=0)[code]
    for code in ("comfort_seeking", "problem_sensing", "blames_frontline_culture", "blunt_sharp_misalignment"):
        out[f"{code} (interviews)"] = talk.reindex(columns=sim.MAIN_CODES, fill_value=0)[code]
    out["planted_profile"] = cases["profile"]
    return out.reset_index()


def claims(data: dict | None = None) -> list[dict]:
    """Scorecard rows of substudies 1 and 2."""
    d = data or sim.teaching_data()
    counts = published.text_counts()
    src = counts["source"]
    built = "the generator was given this count"
    n_stake = d["interviews"]["interview_id"].nunique()
    n_case = d["case_interviews"]["interview_id"].nunique()
    hours = float(d["fieldnotes"]["hours"].sum())
    both = set(d["fieldnotes"]["case_id"]) & set(d["case_interviews"]["case_id"])
    kinds = d["cases"].loc[d["cases"]["case_id"].isin(both), "case_type"].value_counts()
    others = {k: int(kinds.get(k, 0)) for k in ("qi_collaborative", "qi_programme", "primary_care_chain")}
    n_listed = published.count("case_study_hospital_trusts") + 3  # Table 1 names three other cases, one each
    rows = [
        claim("qual.stakeholder_interviews", "1", src["stakeholder_interviews"],
              str(published.count("stakeholder_interviews")), kind="by construction", tolerance="the same count",
              reproduced=str(n_stake), ok=n_stake == published.count("stakeholder_interviews"),
              note=f"{built}; interviews in qual_interviews"),
        claim("qual.case_study_interviews", "2", src["case_study_interviews"],
              str(published.count("case_study_interviews")), kind="by construction", tolerance="the same count",
              reproduced=str(n_case), ok=n_case == published.count("case_study_interviews"),
              note=f"{built}; interviews in qual_case_interviews"),
        claim("qual.observation_hours", "2", src["observation_hours"],
              f"over {published.count('observation_hours')} h", kind="by construction",
              tolerance=f"more than {HOURS_WINDOW[0]} h and less than {HOURS_WINDOW[1]} h (printed 'over 650')",
              reproduced=f"{hours:g} h", ok=HOURS_WINDOW[0] < hours < HOURS_WINDOW[1],
              note=f"{built} (hours per case add up to it); sum of field-note session hours"),
        claim("qual.case_study_cases", "2", src["case_study_cases"], str(published.count("case_study_cases")),
              kind="by construction", tolerance="the same count", reproduced=str(len(both)),
              ok=len(both) == published.count("case_study_cases"),
              note=f"{built}; cases with both observation and interviews"),
        claim("qual.case_study_hospital_trusts", "2", src["case_study_hospital_trusts"],
              str(published.count("case_study_hospital_trusts")), kind="by construction", tolerance="the same count",
              reproduced=str(int(kinds.get("hospital_trust", 0))),
              ok=int(kinds.get("hospital_trust", 0)) == published.count("case_study_hospital_trusts"), note=built),
        claim("qual.case_study_other_kinds", "2", "Table 1, row 2, setting",
              "a quality improvement collaborative, a large-scale quality improvement programme, one primary care "
              "provider (a chain of practices)", kind="by construction", tolerance="one case of each kind",
              reproduced=", ".join(f"{k}: {v}" for k, v in others.items()), ok=all(v == 1 for v in others.values()),
              note=built),
        claim("qual.cases_add_up", "2", "Table 1, row 2, participants and setting",
              f"seven purposively chosen cases; the setting lists {published.count('case_study_hospital_trusts')} "
              "hospital trusts and three other cases", kind="consistency",
              tolerance="the kinds listed add up exactly to the number of cases", reproduced=f"{n_listed} listed",
              ok=n_listed == published.count("case_study_cases"), note="arithmetic on the paper's own figures"),
        claim("qual.analysis_constant_comparative", "1,2", "Table 1, rows 1 and 2, analytic approach",
              "analysis based on the constant comparative method (NVivo 8 for the interviews); case studies coded "
              "within and across cases", kind="not reproducible",
              note="a description of how the team analysed confidential transcripts and field notes; no codebook, "
                   "codes or memos are published, so the analysis cannot be re-run"),
    ]
    findings = [
        ("priority_thickets", "Results, Goal setting, paragraph 3", "external priorities formed 'priority thickets'"),
        ("compliance_bureaucracy", "Results, Goal setting, paragraph 4",
         "some organisations reverted to compliance-driven, bureaucratised management"),
        ("bright_dark_spots", "Results, Goal setting, paragraph 5",
         "bright spots and dark spots were both evident, even within the same organisations"),
        ("problem_sensing", "Results, Variability in intelligence, paragraphs 2-3",
         "problem-sensing versus comfort-seeking; comfort-seeking organisations had data, but not intelligence"),
        ("staff_powerless", "Results, Variability in systems, paragraph 2",
         "sharp-end staff were aware of systems problems but felt powerless to change them"),
        ("magical_thinking", "Results, Variability in systems, paragraph 4",
         "improvement methods were sometimes used uncritically ('magical thinking')"),
        ("blunt_sharp_misalignment", "Results, Culture and behaviour, paragraph 2",
         "blunt and sharp ends often conceived of quality problems and their solutions differently"),
    ]
    for key, where, what in findings:
        rows.append(claim(f"qual.finding.{key}", "1,2", where, what, kind="not reproducible",
                          note="an interpretive finding from confidential interviews and observation; the book's "
                               "material was written to exemplify it, so nothing here can test it"))
    return rows
