"""Substudy 3a, the survey of patient participation groups: 14 statements written for the book, simulated
answers of 715 respondents, invented open-text comments and two coders of the comments.

The paper reports 14 statements about patient experience with an open text box each, but lists none of
them and prints no result. Everything here is ours: the statements, a latent-trait model of the
answers, who writes a comment (more often after a critical answer: a rate the generator plants), the
comments themselves (composed from invented sentences, never quotations from the study), and the
coders: coder A codes every comment, coder B a sample, each slipping at times to a neighbouring code.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import NEIGHBOURS_3A

#: (id, statement, linked content-analysis code, reverse-worded) -- written for the book.
STATEMENTS = [
    ("S01", "Staff treat patients with kindness and respect.", "kindness_respect", 0),
    ("S02", "Care is reliably good, whichever ward or day.", "depends_on_who", 0),
    ("S03", "Patients who cannot ask for help themselves get the care they need.", "left_to_fend", 0),
    ("S04", "Older patients are sometimes left to cope on their own.", "left_to_fend", 1),
    ("S05", "Staff listen to the concerns of patients and carers.", "not_listened_to", 0),
    ("S06", "When patients complain, things change as a result.", "not_listened_to", 0),
    ("S07", "Information is passed on well when patients move between services.", "between_services", 0),
    ("S08", "Patients know who is responsible for their care.", "between_services", 0),
    ("S09", "Staff are too busy to give patients the time they need.", "rushed_staff", 1),
    ("S10", "I am confident that care in my local hospital is safe.", "safety_worry", 0),
    ("S11", "My GP practice involves patients in improving its services.", "not_listened_to", 0),
    ("S12", "The NHS puts patients at the centre of what it does.", "depends_on_who", 0),
    ("S13", "Patients are given enough information about their care and treatment.", "poor_information", 0),
    ("S14", "Hospitals are open with patients when mistakes happen.", "safety_worry", 0),
]
LIKERT_LABELS = {1: "strongly disagree", 2: "disagree", 3: "neither", 4: "agree", 5: "strongly agree"}
N_RESPONDENTS = 715
RESPONDENT_ROLES = {"ppg_member": 0.68, "ppg_officer": 0.17, "carer": 0.15}
AGE_BANDS = {"under_45": 0.12, "45_64": 0.33, "65_74": 0.33, "75_plus": 0.22}
#: Latent-trait model (ours): P(answer <= k) = logistic(THRESHOLDS[k] - (location + loading * theta)),
#: theta ~ N(THETA_SHIFT[role], 1); the loading is -1 on critically worded statements.
STATEMENT_LOCATION = {"S01": 1.2, "S02": -0.7, "S03": -0.9, "S04": 0.5, "S05": 0.3, "S06": -0.8, "S07": -1.1,
                      "S08": -0.3, "S09": 0.9, "S10": 0.3, "S11": 0.9, "S12": -0.2, "S13": 0.0, "S14": -0.9}
THRESHOLDS = np.array([-2.2, -0.8, 0.3, 2.0])
THETA_SHIFT = {"ppg_member": 0.0, "ppg_officer": 0.2, "carer": -0.4}
P_ITEM_MISSING = 0.03
#: Probability of writing in a statement's open box: a base rate, plus P_OPEN_CRITICAL after a critical
#: answer (the chapter's parameter; 0 makes commenting unrelated to the answer).
P_OPEN_BASE, P_OPEN_CRITICAL = 0.07, 0.10
OPEN_THEMES_CRITICAL = ["rushed_staff", "left_to_fend", "between_services", "not_listened_to", "poor_information",
                        "safety_worry", "depends_on_who"]
#: Share of comments coded by a second coder, and each coder's chance of slipping to a neighbouring code.
P_DOUBLE_CODED, SLIP_A, SLIP_B = 0.2, 0.06, 0.12

#: Invented sentences a comment is made of: an opening sentence, and sometimes a second one.
OPEN_TEXT = {
    "kindness_respect": (
        ["The nurses were kind and treated my mother with dignity.",
         "Reception staff at our practice always make time.",
         "The porter who took my husband to theatre held his hand.", "Our GP knows us and it shows.",
         "The staff on the stroke unit were gentle and patient.", "Everyone introduced themselves by name."],
        ["We felt respected throughout.", "It made a frightening week bearable.", "Small things, but they matter.",
         "I wrote to thank them.", "I cannot praise them enough.", "That is what care should be."]),
    "rushed_staff": (
        ["Staff are run off their feet.", "The nurses never stop.", "There are not enough staff on at night.",
         "Everyone is in a hurry.", "The ward felt short-handed every time we visited.",
         "The doctor barely looked up from the screen."],
        ["Nobody had time to sit and talk.", "Call bells rang for ages.", "It is not their fault, but patients notice.",
         "My mother was too embarrassed to ask twice.", "Kind people, far too few of them.",
         "They apologised for being late with everything."]),
    "left_to_fend": (
        ["Older patients who cannot ask for help are left to manage alone.",
         "My father was overlooked at the end of the ward.", "If you have no family to push for you, you go without.",
         "Confused patients are left with meals they cannot reach.",
         "People with dementia seem invisible on busy wards.",
         "A young man with learning disabilities waited all day for someone to explain."],
        ["Nobody checked whether he had eaten.", "I had to come in every mealtime.", "It frightens me for the future.",
         "The quiet ones get the least.", "She would never have pressed the buzzer.", "Families fill the gaps."]),
    "between_services": (
        ["The hospital and the GP never seem to talk to each other.",
         "Nobody knew who was arranging his care after discharge.", "The discharge letter arrived a fortnight late.",
         "Each department asked us the same questions.", "Moving from the ward to the care home was chaos.",
         "The community nurse had no record of the new dressing."],
        ["We ended up carrying the notes ourselves.", "He was readmitted within a week.",
         "Nobody owned the whole picture.", "It felt like starting again each time.",
         "We only found out by ringing round.", "The left hand does not know what the right is doing."]),
    "not_listened_to": (
        ["We complained and nothing changed.", "Our group raises issues but they are not taken seriously.",
         "We were thanked for our feedback and heard nothing more.", "The practice asks our views after deciding.",
         "My complaint got a standard letter.", "When I raised a concern on the ward I was told to see the matron."],
        ["It makes you wonder why we bother.", "Nobody came back to us.", "The same thing happened again last month.",
         "We feel like a box being ticked.", "I still do not know what was done.", "People give up."]),
    "poor_information": (
        ["Nobody explained the new tablets.", "We only found out the results by chasing them.",
         "The leaflet was out of date.", "Nobody told us the operation had been cancelled.",
         "The side effects were never mentioned.", "Jargon everywhere and no time for questions."],
        ["We had to look it up ourselves.", "A five-minute conversation would have saved weeks of worry.",
         "My mother stopped taking them.", "I felt foolish asking again.", "We drove there for nothing.",
         "Written information would help."]),
    "safety_worry": (
        ["I worry about mistakes with medicines on busy wards.",
         "I would not feel safe leaving a frail relative there overnight.", "My mother fell twice in a week.",
         "Hand washing seemed to slip when it got busy.", "The wrong dose was nearly given.",
         "Nobody checked his name band."],
        ["Luckily I was there.", "It shakes your confidence.", "I now stay as long as I can.",
         "Someone will get hurt.", "We reported it but heard nothing.", "It should not depend on relatives noticing."]),
    "depends_on_who": (
        ["Some nurses are wonderful, others do not care.", "Weekdays are fine; at weekends it is a different place.",
         "One ward was excellent, the next was dreadful.", "It depends entirely on who is on shift.",
         "The day staff were lovely; nights were another story.", "Our practice is good, the hospital less so."],
        ["It is a lottery.", "You cannot rely on it.", "Same hospital, different worlds.",
         "I never know what we will get.", "The good ones deserve better colleagues.", "Consistency is the problem."]),
}


def _answers(rng: np.random.Generator):
    """Respondents, and their answers to every statement (the 'survey' stream)."""
    n = N_RESPONDENTS
    roles = rng.choice(list(RESPONDENT_ROLES), size=n, p=list(RESPONDENT_ROLES.values()))
    ages = rng.choice(list(AGE_BANDS), size=n, p=list(AGE_BANDS.values()))
    ids = [f"R{i + 1:04d}" for i in range(n)]
    respondents = pd.DataFrame({"respondent_id": ids, "role": roles, "age_band": ages})
    theta = rng.standard_normal(n) + np.array([THETA_SHIFT[r] for r in roles])
    answers = {}
    for sid, _text, _linked, reverse in STATEMENTS:
        loading = -1.0 if reverse else 1.0  # a satisfied respondent disagrees with a critical statement
        eta = STATEMENT_LOCATION[sid] + loading * theta
        cum = 1 / (1 + np.exp(-(THRESHOLDS[None, :] - eta[:, None])))
        answer = 1 + (rng.random(n)[:, None] > cum).sum(axis=1)
        missing = rng.random(n) < P_ITEM_MISSING
        answers[sid] = (answer, missing)
    return ids, respondents, answers


def _slip(code: str, u_slip: float, u_which: float, rate: float) -> str:
    options = NEIGHBOURS_3A[code]
    return options[int(u_which * len(options))] if u_slip < rate else code


def _comments(rng: np.random.Generator, ids: list, answers: dict, open_critical: float) -> pd.DataFrame:
    """Who writes a comment, on what theme, in what words, and how the two coders code it (the 'comments'
    stream). Every respondent and statement gets the same draws whatever ``open_critical`` is, so a
    comment written at one rate is written, worded and coded the same way at a higher one."""
    n, rows = len(ids), []
    for sid, _text, linked, reverse in STATEMENTS:
        answer, missing = answers[sid]
        critical = (answer >= 4) if reverse else (answer <= 2)
        u = rng.random((n, 11))  # write, theme (2), wording (3), double-coded, coder A (2), coder B (2)
        writes = u[:, 0] < P_OPEN_BASE + open_critical * critical
        for i in np.flatnonzero(writes):
            if critical[i] or missing[i]:
                theme = linked if (linked != "kindness_respect" and u[i, 1] < 0.6) else \
                    OPEN_THEMES_CRITICAL[int(u[i, 2] * len(OPEN_THEMES_CRITICAL))]
            else:
                theme = "kindness_respect" if u[i, 1] < 0.7 else "depends_on_who"
            first, second = OPEN_TEXT[theme]
            text = first[int(u[i, 3] * len(first))]
            if u[i, 4] < 0.55:
                text += " " + second[int(u[i, 5] * len(second))]
            double = u[i, 6] < P_DOUBLE_CODED
            rows.append({"respondent_id": ids[i], "statement_id": sid,
                         "code": _slip(theme, u[i, 7], u[i, 8], SLIP_A),
                         "code_coder_b": _slip(theme, u[i, 9], u[i, 10], SLIP_B) if double else "",
                         "invented_text": text})
    return pd.DataFrame(rows).sort_values(["respondent_id", "statement_id"], ignore_index=True)


def survey(rng_answers: np.random.Generator, rng_comments: np.random.Generator,
           open_critical: float = P_OPEN_CRITICAL) -> dict[str, pd.DataFrame]:
    """The statements, respondents, answers (one row per respondent and statement) and comments."""
    statements = pd.DataFrame(STATEMENTS,
                              columns=["statement_id", "invented_statement", "linked_code", "reverse_worded"])
    ids, respondents, answers = _answers(rng_answers)
    responses = pd.concat([pd.DataFrame({"respondent_id": ids, "statement_id": sid,
                                         "response": pd.array(np.where(miss, pd.NA, ans), dtype="Int64")})
                           for sid, (ans, miss) in answers.items()], ignore_index=True)
    responses = responses.sort_values(["respondent_id", "statement_id"], ignore_index=True)
    comments = _comments(rng_comments, ids, answers, open_critical)
    return {"statements": statements, "respondents": respondents, "responses": responses, "open_text": comments}
