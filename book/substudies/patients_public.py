"""The patients-and-public chapter (substudies 3a and 3b): its tables, its comparisons with the generator's
truths, its joint display of the survey and the focus groups, and its scorecard claims."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..data import published
from ..methods.agreement import cohen_kappa, cohen_kappa_by_code
from ..methods.qualitative import likert_summary
from ..simulate import qualitative as sim
from ..simulate.qualitative import truths
from .claims import claim
from .interviews_ethnography import covers

#: The seven stages of the framework method (Gale et al. 2013, "Using the framework method", Box 1), with
#: what this chapter can and cannot show of each.
FRAMEWORK_STAGES = [
    ("1. Transcription", "recordings turned into verbatim text", "not shown: there are no recordings"),
    ("2. Familiarisation", "reading and re-reading, noting impressions", "the reader does it on the summaries"),
    ("3. Coding", "labelling passages, open or with a prior list", "assumed done: the summaries are of coded text"),
    ("4. Developing a working analytical framework", "grouping codes into themes after a few transcripts",
     "the seven themes, five from the survey's codebook and two from 3b's purpose"),
    ("5. Applying the framework", "indexing every transcript with it", "assumed done"),
    ("6. Charting", "summarising each case's data on each theme, with references", "the matrix below"),
    ("7. Interpreting", "reading across cases and down themes, looking for patterns, explanations and exceptions",
     "the joint display and the dissenting source"),
]
#: When a survey result and a focus-group theme are said to fit (the book's rule, set before computing):
#: "confirms" when most of the sources that discussed the theme were critical and most answers to the
#: statement were on its unfavourable side, or neither; "discordant" when one says critical and the other
#: not; "expands" for a 3b theme no statement asked about.
FIT_RULE = ("confirms: the survey's balance and most sources' stance agree; discordant: they do not; "
            "expands: the theme was raised in 3b but no statement asked about it")


#: For a discordant row of the joint display: what the statement's wording may have run together or left
#: open, the question 3b would have to answer (the book's reading of each statement's wording, keyed by
#: statement so that the chapter names the question of the statement that is in fact discordant).
WORDING_QUESTIONS = {
    "S02": "whether respondents read \"reliably good\" as their own last visit while the sources spoke of the "
           "variation between wards and days",
    "S03": "whether respondents answered about patients they knew, while the sources spoke of patients nobody "
           "speaks for",
    "S04": "whether \"sometimes\" invited agreement from respondents who had seen it happen once",
    "S05": "whether the statement ran two things together (listening and acting, say): being heard at the bedside "
           "is not the same as seeing something done, which is what the sources spoke of",
    "S06": "whether respondents who had never complained answered about what they assume happens",
    "S07": "whether respondents could know what was passed on, while the sources hear of the failures",
    "S08": "whether knowing the name of one's consultant was read as knowing who answers for the whole journey",
    "S09": "whether agreeing that staff are busy was meant as sympathy rather than complaint",
    "S11": "whether members of a patient participation group are themselves the involvement the statement asks "
           "about, and so answer more favourably than the organisations the sources speak for",
    "S12": "whether a statement about the NHS in general drew on different experience from one's own care",
}


def summary_parts(summary: str) -> tuple[str, str]:
    """A charted summary split into what was said and how it was explained (the text before and after its
    ``"; "``), without the line reference and without a mixed account's opening words."""
    text = re.sub(r"\s*\(ll\. \d+-\d+\)\.?$", "", summary.strip())
    text = re.sub(r"^Mixed account: .*?, (?:but|though|yet) ", "", text)
    said, _, why = text.partition("; ")
    return said[:1].upper() + said[1:], why


def what_sources_said(framework: pd.DataFrame, theme: str, part: str = "explanation", n: int | None = None) -> list[str]:
    """What the sources that discussed ``theme`` said (``part="said"``) or how they explained it
    (``part="explanation"``): the distinct phrases of the critical and mixed cells, in source order (the
    dissenting source is left out: it is read on its own)."""
    if part not in ("said", "explanation"):
        raise ValueError(f"part must be 'said' or 'explanation', not {part!r}")
    cells = framework[(framework["theme"] == theme) & (framework["discussed"] == 1)
                      & framework["stance"].isin(["critical", "mixed"])]
    phrases = [summary_parts(t)[0 if part == "said" else 1] for t in cells["invented_summary"]]
    phrases = list(dict.fromkeys(p for p in phrases if p))
    return phrases if n is None else phrases[:n]


def critical_answers(responses: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """1.0 for an answer on the unfavourable side of its statement (disagree on a favourably worded one,
    agree on a critically worded one), 0.0 for any other answer, NaN for a skipped one."""
    reverse = responses["statement_id"].map(statements.set_index("statement_id")["reverse_worded"]).to_numpy()
    answer = responses["response"].astype(float).to_numpy()
    out = np.where(reverse == 1, answer >= 4, answer <= 2).astype(float)
    out[np.isnan(answer)] = np.nan
    return pd.Series(out, index=responses.index, name="critical")


def likert(data: dict, agree_from: int = 4) -> pd.DataFrame:
    """The Likert summary of every statement beside the model's share agreeing (``pct_agree_truth``) and
    whether Wilson's interval covers it."""
    table = likert_summary(data["responses"], "statement_id", "response", agree_from=agree_from,
                           respondent="respondent_id")
    truth = truths.agree_truth(agree_from)
    table["pct_agree_truth"] = table["item"].map(truth).to_numpy()
    table["covers"] = [covers(lo, hi, t) for lo, hi, t in
                       zip(table["agree_ci_low"], table["agree_ci_high"], table["pct_agree_truth"])]
    return table


def comment_rates(data: dict) -> pd.DataFrame:
    """How often an answer carries a comment, after a critical answer and after any other answer."""
    resp = data["responses"].assign(critical=critical_answers(data["responses"], data["statements"]))
    keys = data["open_text"][["respondent_id", "statement_id"]]
    joined = resp.dropna(subset=["critical"]).merge(keys, how="left", on=["respondent_id", "statement_id"],
                                                     indicator=True)
    joined["commented"] = joined["_merge"].eq("both")
    out = joined.groupby("critical")["commented"].agg(answers="size", comments="sum")
    out["pct_commented"] = 100 * out["comments"] / out["answers"]
    out.index = out.index.map({0.0: "other answer", 1.0: "critical answer"}).rename("answer")
    return out.reset_index()


def comment_agreement(data: dict, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coder A against coder B on the double-coded comments: overall kappa with its interval, and per
    code (comments coded by A alone are left out and counted)."""
    comments = data["open_text"]
    overall = cohen_kappa(comments, "code", "code_coder_b", level=level)
    by_code = cohen_kappa_by_code(comments, "code", "code_coder_b", codes=sim.CODES_3A, level=level)
    return overall, by_code


def induction_sample(data: dict, n: int = 40) -> pd.DataFrame:
    """``n`` different comments, the first in respondent order, without their codes: material for
    deriving categories from the text."""
    texts = data["open_text"].drop_duplicates("invented_text").head(n)
    return texts[["respondent_id", "statement_id", "invented_text"]].reset_index(drop=True)


def _sources(framework: pd.DataFrame, theme: str) -> tuple[str, str]:
    """What 3b said on a theme, in a line (how many sources, their stances, one critical summary and any
    dissent), and whether most sources that discussed it were critical."""
    said = framework[(framework["theme"] == theme) & (framework["discussed"] == 1)]
    stance = said["stance"].value_counts()
    where = ", ".join(f"{int(stance[s])} {s}" for s in ("critical", "mixed", "dissenting") if s in stance)
    leaning = "critical" if stance.get("critical", 0) > len(said) / 2 else "not mostly critical"
    text = f"{len(said)} of {framework['source_id'].nunique()} sources ({where})"
    critical = said[said["stance"] == "critical"]
    if len(critical):
        text += f"; e.g. {critical['source_id'].iloc[0]}: {critical['invented_summary'].iloc[0]}"
    for r in said[said["stance"] == "dissenting"].itertuples():
        text += f" Dissent, {r.source_id} ({r.organisation_type}): {r.invented_summary}"
    return text, leaning


def _two_comments(comments: pd.DataFrame) -> list[str]:
    """The first two comments that open differently (in respondent order)."""
    first = comments["invented_text"].str.split(". ").str[0]
    return comments.loc[~first.duplicated(), "invented_text"].head(2).tolist()


def joint_display(data: dict, agree_from: int = 4) -> pd.DataFrame:
    """One row per statement whose theme 3b discussed, and one per 3b theme no statement asked about: the
    survey result, the comments on the theme, what the focus groups and interviews said, and the fit
    (:data:`FIT_RULE`)."""
    summary = likert_summary(data["responses"], "statement_id", "response", agree_from=agree_from).set_index("item")
    crit = critical_answers(data["responses"], data["statements"])
    pct_critical = (100 * crit.groupby(data["responses"]["statement_id"]).mean())
    statements, fw, comments = data["statements"], data["framework"], data["open_text"]
    rows = []
    for st in statements.itertuples():
        if st.linked_code not in sim.FRAMEWORK_THEMES:
            continue
        s = summary.loc[st.statement_id]
        said = comments[(comments["statement_id"] == st.statement_id) & (comments["code"] == st.linked_code)]
        sources, leaning = _sources(fw, st.linked_code)
        unfavourable = round(pct_critical[st.statement_id], 9) > 50  # compared as computed, to 9 decimals
        fit = "confirms" if unfavourable == (leaning == "critical") else "discordant"
        rows.append({"statement": st.statement_id, "invented_statement": st.invented_statement,
                     "survey": f"{s['pct_agree']:.0f}% agree ({s['agree_ci_low']:.0f}-{s['agree_ci_high']:.0f}); "
                               f"{pct_critical[st.statement_id]:.0f}% on the unfavourable side",
                     "theme": st.linked_code, "comments_on_theme": len(said),
                     "invented_comments": " / ".join(_two_comments(said)),
                     "focus_groups_and_interviews": sources, "fit": fit})
    for theme in sim.FRAMEWORK_THEMES:
        if theme not in set(statements["linked_code"]):
            sources, _leaning = _sources(fw, theme)
            rows.append({"statement": "-", "invented_statement": "(no statement)", "survey": "not asked",
                         "theme": theme, "comments_on_theme": int((comments["code"] == theme).sum()),
                         "invented_comments": "", "focus_groups_and_interviews": sources,
                         "fit": "expands"})
    return pd.DataFrame(rows)


def claims(data: dict | None = None) -> list[dict]:
    """Scorecard rows of substudies 3a and 3b."""
    d = data or sim.teaching_data()
    src = published.text_counts()["source"]
    built = "the generator was given this count"
    resp = d["responses"]
    answered = resp.loc[resp["response"].notna(), "respondent_id"].nunique()
    n_statements = resp["statement_id"].nunique()
    fw = d["framework"].drop_duplicates("source_id")
    n_fg, n_int = int((fw["source_type"] == "focus_group").sum()), int((fw["source_type"] == "interview").sum())
    rows = [
        claim("qual.ppi_survey_responses", "3a", src["ppi_survey_responses"],
              str(published.count("ppi_survey_responses")), kind="by construction", tolerance="the same count",
              reproduced=str(answered), ok=answered == published.count("ppi_survey_responses"),
              note=f"{built}; respondents answering at least one statement (the book reads a response as a person)"),
        claim("qual.ppi_survey_statements", "3a", src["ppi_survey_statements"],
              str(published.count("ppi_survey_statements")), kind="by construction", tolerance="the same count",
              reproduced=str(n_statements), ok=n_statements == published.count("ppi_survey_statements"),
              note=f"{built}; the statements are written for the book (the paper does not list them)"),
        claim("qual.ppi_focus_groups", "3b", src["ppi_focus_groups"], str(published.count("ppi_focus_groups")),
              kind="by construction", tolerance="the same count", reproduced=str(n_fg),
              ok=n_fg == published.count("ppi_focus_groups"), note=built),
        claim("qual.ppi_interviews", "3b", src["ppi_interviews"], str(published.count("ppi_interviews")),
              kind="by construction", tolerance="the same count", reproduced=str(n_int),
              ok=n_int == published.count("ppi_interviews"), note=built),
        claim("qual.ppi_response_unit", "3a", "Methods, list of primary data; Table 1, row 3a, setting",
              "715 survey responses from patient and carer organisations; setting: patient participation groups",
              kind="not reproducible",
              note="ambiguous: a response may be a person or an organisation (a group answering once); the paper "
                   "gives no response rate or description of respondents, and the book assumes people"),
        claim("qual.ppi_survey_results", "3a", "Table 1, row 3a, analytic approach",
              "quantitative analysis, largely descriptive", kind="not reproducible",
              note="the paper prints no percentage, distribution or statement, so no survey result can be compared"),
        claim("qual.ppi_content_analysis", "3a", "Table 1, row 3a, analytic approach",
              "open-ended responses subject to content analysis to derive themes inductively", kind="not reproducible",
              note="the comments are confidential; the book's own analysis is directed (its categories come from "
                   "the paper's themes), so it illustrates the method without testing the study's themes"),
        claim("qual.finding.patients_concerned", "3a,3b", "Results, Goal setting, paragraph 6",
              "patients and carers were often concerned about quality and safety; vulnerable patients were at risk "
              "of being left to 'fend for themselves' or 'being forgotten'", kind="not reproducible",
              note="an interpretive finding from confidential surveys and interviews; nothing here can test it"),
        claim("qual.finding.responsibility_cordons", "3a,3b", "Results, Variability in systems, paragraph 1",
              "patient and carer groups reported discontinuities in care ('responsibility cordons')",
              kind="not reproducible",
              note="an interpretive finding from confidential surveys and interviews; nothing here can test it"),
    ]
    return rows
