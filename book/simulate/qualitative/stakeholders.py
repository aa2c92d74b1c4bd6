"""Substudy 1, the 107 stakeholder interviews: invented excerpts, simulated codes, and two simulated coders.

Everything here is invented or assumed by the book: the stakeholder groups and their sizes, the
settings, how often each group uses each code, and the coders. The paper reports no double coding; the
two-coder design is the book's, so that agreement can be taught. Its coders "slip" to a neighbouring
code at a rate per code (``CODER_ERROR_RATE``), a deliberately simple model of coding as error around
a written-for code, which interpretive traditions contest (the chapter says so).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import MAIN_CODES

# --- invented excerpt templates (slots in braces): written for the book, never quotations ---------------
SLOTS = {
    "unit": ["ward", "unit", "department", "clinic"],
    "team": ["team", "ward", "department"],
    "sector": ["the NHS", "health care", "nursing"],
    "body_a": ["The regulator", "The commissioners", "The strategic health authority", "A national audit"],
    "body_b": ["the Department of Health", "the royal college", "the inspectors", "the network"],
    "method": ["Lean", "Six Sigma", "PDSA cycles", "Productive Ward", "the new campaign"],
}
EXCERPTS = {
    "commitment_to_quality": [
        "Everyone I work with came into {sector} to look after people well; that has not changed.",
        "Compassion is the reason we are here, and I say so at every induction.",
        "Whatever else is going on, the patient in front of you comes first."],
    "clear_goals": [
        "We agreed three quality goals and every {team} can tell you what they are.",
        "Nobody could tell me what our top priority for safety was this year.",
        "Once the board set one clear aim on pressure ulcers, attention followed."],
    "priority_thicket": [
        "{body_a} and {body_b} asked for the same falls data this month, each in its own template.",
        "We report to so many bodies that the local plan gets squeezed out.",
        "Every new target arrives on top of the old ones; nothing is taken away."],
    "compliance_bureaucracy": [
        "We now fill in a form to show we filled in the form.",
        "The new policy went to every {unit} whether it applied or not; it reads like a defence.",
        "Half my week goes on evidence folders for the next inspection."],
    "bright_spot": [
        "On the {unit} the night team answer call bells within a minute and know every name.",
        "I watched an assistant sit with a frightened patient until her daughter arrived.",
        "That {team} keeps trying small changes and sharing what they learn."],
    "dark_spot": [
        "A patient asked three times for help to the toilet and was told to wait.",
        "On some shifts people are brusque with patients; it depends who is on.",
        "Staff were so busy with paperwork that nobody noticed the patient had not eaten."],
    "task_focused_care": [
        "Observations done, beds made, drugs given, and nobody talked to the patient.",
        "The round runs to the clock; if a patient wants to talk, it does not fit.",
        "We have become very good at tasks and less good at people."],
    "problem_sensing": [
        "I go on the {unit} unannounced at night; that is where I learn what is happening.",
        "We ask for the bad news first at board, and we read every complaint.",
        "We shadowed patients through clinic and found things no dashboard shows."],
    "comfort_seeking": [
        "The board likes everything green, so the report goes up green.",
        "When staff raise concerns, some directors treat it as troublemaking.",
        "We tend to present the good results and move on quickly."],
    "data_not_intelligence": [
        "We send the audit off every month and never hear anything back.",
        "There are forty indicators on the dashboard and nobody knows which matter.",
        "Staff think the data are collected so that someone can be blamed."],
    "system_deficits": [
        "The computer logs you out halfway through a prescription, so you start again.",
        "We are two nurses short most nights and the skill mix is wrong.",
        "Getting a scan takes three phone calls and a form pharmacy also wants."],
    "responsibility_cordon": [
        "Once he left the {unit}, nobody thought the follow-up was theirs to arrange.",
        "The discharge letter reached the GP after the patient was readmitted.",
        "Between the hospital and social care the family fell through the gap."],
    "staff_powerless": [
        "We reported the broken hoist six times; after a while you stop bothering.",
        "Frontline staff can see what is wrong but have no way to change it.",
        "Nobody asks us; the change just arrives."],
    "magical_thinking": [
        "Once every {unit} has done {method}, the waits will simply disappear.",
        "We launched {method} with a big event, and six months on nobody mentions it.",
        "The idea was that one campaign would fix culture, safety and money together."],
    "blunt_sharp_misalignment": [
        "The executives think it is attitude; on the {unit} we think it is one nurse to twelve patients.",
        "What the board calls a quality problem and what we call one are different things.",
        "Managers want behaviour change; staff want the equipment to work."],
    "blames_frontline_culture": [
        "The problem is a few staff who do not care enough; we must hold them to account.",
        "It is the culture on that {unit}; the staff need to take responsibility.",
        "Our systems are fine; it is people not following them."],
    "inspiring_vision": [
        "Our chief executive opens every meeting with a patient's story.",
        "People can say in one sentence what we are here to do and why it matters.",
        "The vision is repeated until it is boring, and that is the point."],
    "staff_wellbeing": [
        "We brought in protected breaks and sickness absence fell.",
        "Occupational health now comes to the {unit} instead of waiting for referrals.",
        "Looking after staff is looking after patients; we budget for it."],
    "listen_to_staff": [
        "The porters redesigned the bed-move process themselves.",
        "Every staff suggestion gets a reply within a week.",
        "We asked the night staff what slowed them down and changed it."],
    "feedback_and_celebration": [
        "Each month the {team} gets its own results and a thank-you from the director.",
        "We celebrate the wards that improve, not only the ones at the top.",
        "Staff see the audit results the same week they are collected."],
    "fix_system_problems": [
        "When pharmacy delays came up, the director stayed with the team until it was fixed.",
        "The board took the IT problem as its own job, not the ward's.",
        "We stopped asking staff to try harder and redesigned discharge."],
    "model_teamwork": [
        "The consultants now join the nurses' safety huddle every morning.",
        "The executive team works as a team, and the wards notice.",
        "Doctors, nurses and therapists plan the day together on the {unit}."],
    "staff_safe_valued": [
        "I can say I made a mistake here and nobody shouts.",
        "Staff told us they feel respected, and they stay.",
        "People raise problems at handover because they know they will be backed."],
}

# --- the interviews: our assumptions -------------------------------------------------------------------
#: Our assumed stakeholder groups and their sizes (the paper gives only the total).
STAKEHOLDER_GROUPS = {"executive_board": 30, "clinical_leader": 24, "quality_safety_lead": 23,
                      "commissioner": 16, "national_body": 14}
GROUP_LABELS = {"executive_board": "An executive or board member", "clinical_leader": "A clinical leader",
                "quality_safety_lead": "A quality and safety lead", "commissioner": "A commissioner",
                "national_body": "A member of a national body"}
#: Settings of Table 1, row 1 (plus national organisations for stakeholders "beyond" the NHS).
SETTINGS = ["acute_trust", "ambulance_trust", "mental_health_trust", "community_trust", "foundation_trust",
            "primary_care_trust", "strategic_health_authority", "general_practice", "commissioning_organisation",
            "national_organisation"]
SETTING_LABELS = {s: s.replace("_", " ") for s in SETTINGS}
GROUP_SETTINGS = {
    "executive_board": ["acute_trust", "ambulance_trust", "mental_health_trust", "community_trust",
                        "foundation_trust", "primary_care_trust", "strategic_health_authority"],
    "clinical_leader": ["acute_trust", "mental_health_trust", "foundation_trust", "general_practice",
                        "community_trust", "ambulance_trust"],
    "quality_safety_lead": ["acute_trust", "foundation_trust", "mental_health_trust", "primary_care_trust",
                            "strategic_health_authority"],
    "commissioner": ["primary_care_trust", "commissioning_organisation", "strategic_health_authority"],
    "national_body": ["national_organisation"],
}
#: Relative frequency of each code among interview segments (rare codes make a saturation curve).
CODE_WEIGHT = {
    "commitment_to_quality": 8, "clear_goals": 6, "priority_thicket": 7, "compliance_bureaucracy": 6,
    "bright_spot": 4, "dark_spot": 4, "task_focused_care": 1.5, "problem_sensing": 5, "comfort_seeking": 4,
    "data_not_intelligence": 6, "system_deficits": 5, "responsibility_cordon": 2.5, "staff_powerless": 2,
    "magical_thinking": 2, "blunt_sharp_misalignment": 3, "blames_frontline_culture": 1.2,
    "inspiring_vision": 3, "staff_wellbeing": 1.2, "listen_to_staff": 3, "feedback_and_celebration": 0.8,
    "fix_system_problems": 2, "model_teamwork": 1.3, "staff_safe_valued": 2,
}
#: Our assumed emphases of each stakeholder group (multipliers on CODE_WEIGHT).
GROUP_EMPHASIS = {
    "executive_board": {"clear_goals": 1.5, "priority_thicket": 1.5, "problem_sensing": 1.3,
                        "blames_frontline_culture": 2.0, "inspiring_vision": 1.5},
    "clinical_leader": {"system_deficits": 1.8, "staff_powerless": 2.0, "task_focused_care": 1.8,
                        "blunt_sharp_misalignment": 1.6, "dark_spot": 1.4, "bright_spot": 1.4},
    "quality_safety_lead": {"data_not_intelligence": 1.8, "problem_sensing": 1.5, "comfort_seeking": 1.5,
                            "magical_thinking": 1.6},
    "commissioner": {"responsibility_cordon": 2.5, "data_not_intelligence": 1.5, "clear_goals": 1.3},
    "national_body": {"priority_thicket": 2.2, "compliance_bureaucracy": 1.4, "magical_thinking": 1.5},
}
#: Each code's probability that one coder applies a neighbouring code instead (before CODER_ERROR).
CODER_ERROR_RATE = {c: 0.06 for c in MAIN_CODES} | {
    "comfort_seeking": 0.16, "data_not_intelligence": 0.18, "priority_thicket": 0.10,
    "compliance_bureaucracy": 0.14, "staff_powerless": 0.15, "blunt_sharp_misalignment": 0.18,
    "blames_frontline_culture": 0.12, "task_focused_care": 0.15, "dark_spot": 0.08,
    "responsibility_cordon": 0.12, "system_deficits": 0.10, "staff_safe_valued": 0.14,
    "staff_wellbeing": 0.12, "feedback_and_celebration": 0.12, "listen_to_staff": 0.10,
}
#: Codes a coder may apply by mistake (the exclusion rules of the codebook name them).
NEIGHBOURS = {
    "commitment_to_quality": ["clear_goals", "inspiring_vision"], "clear_goals": ["priority_thicket", "inspiring_vision"],
    "priority_thicket": ["compliance_bureaucracy"], "compliance_bureaucracy": ["priority_thicket", "data_not_intelligence"],
    "bright_spot": ["commitment_to_quality"], "dark_spot": ["task_focused_care", "system_deficits"],
    "task_focused_care": ["dark_spot"], "problem_sensing": ["listen_to_staff"],
    "comfort_seeking": ["data_not_intelligence"], "data_not_intelligence": ["comfort_seeking", "compliance_bureaucracy"],
    "system_deficits": ["responsibility_cordon", "staff_powerless"], "responsibility_cordon": ["system_deficits"],
    "staff_powerless": ["blunt_sharp_misalignment", "system_deficits"],
    "magical_thinking": ["compliance_bureaucracy"], "blunt_sharp_misalignment": ["staff_powerless", "blames_frontline_culture"],
    "blames_frontline_culture": ["blunt_sharp_misalignment"], "inspiring_vision": ["clear_goals"],
    "staff_wellbeing": ["staff_safe_valued"], "listen_to_staff": ["problem_sensing", "feedback_and_celebration"],
    "feedback_and_celebration": ["listen_to_staff"], "fix_system_problems": ["problem_sensing"],
    "model_teamwork": ["listen_to_staff"], "staff_safe_valued": ["staff_wellbeing"],
}


#: A phrase for each code, from which an interview's invented one-paragraph account is written.
ACCOUNT = {
    "commitment_to_quality": "speaks of care for patients as the reason {pron} came into the service",
    "clear_goals": "describes how far the organisation's quality goals are shared",
    "priority_thicket": "lists the external bodies asking for overlapping returns",
    "compliance_bureaucracy": "describes forms and policies kept mainly to show compliance",
    "bright_spot": "gives an example of a team whose care {pron} admires",
    "dark_spot": "recalls an instance of poor care {pron} witnessed",
    "task_focused_care": "worries that care is organised around tasks rather than people",
    "problem_sensing": "explains how the board goes looking for bad news",
    "comfort_seeking": "admits that reports upward tend to be reassuring",
    "data_not_intelligence": "says audits are sent off and never fed back",
    "system_deficits": "describes time lost to IT, staffing and equipment",
    "responsibility_cordon": "tells of a patient lost between services",
    "staff_powerless": "says frontline staff report problems to no effect",
    "magical_thinking": "is sceptical of improvement methods launched as cure-alls",
    "blunt_sharp_misalignment": "contrasts how managers and frontline staff explain problems",
    "blames_frontline_culture": "puts problems down to some staff's attitudes",
    "inspiring_vision": "describes leaders who keep repeating what the organisation is for",
    "staff_wellbeing": "describes action on staff health and breaks",
    "listen_to_staff": "gives an example of staff redesigning their own work",
    "feedback_and_celebration": "describes results returned to teams, with thanks",
    "fix_system_problems": "credits a director who took a system problem on personally",
    "model_teamwork": "describes doctors and nurses planning the day together",
    "staff_safe_valued": "says staff can admit mistakes without fear",
}
MIN_SEGMENTS, MEAN_EXTRA_SEGMENTS, MAX_SEGMENTS = 3, 1.2, 7


def pick(rng: np.random.Generator, weights: dict) -> str:
    """One key of ``weights``, drawn with probability proportional to its weight."""
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


def _fill(rng: np.random.Generator, template: str) -> str:
    values = {}
    for slot, options in SLOTS.items():
        if "{" + slot + "}" in template:
            values[slot] = options[rng.integers(len(options))]
    return template.format(**values)


def code_twice(rng: np.random.Generator, agreed: pd.Series, error: float) -> tuple[list[str], list[str]]:
    """Coder A's and coder B's codes for segments written for the codes in ``agreed``.

    Every segment and coder gets two uniform draws whatever ``error`` is: the first decides whether
    the coder slips (below the code's rate times ``error``), the second which neighbouring code is
    applied. A larger ``error`` therefore miscodes the same segments as a smaller one, the same way,
    and some more; and the draws of every other part of the generator are untouched.
    """
    codes = agreed.tolist()
    slip, which = rng.random((len(codes), 2)), rng.random((len(codes), 2))
    rate = np.array([min(1.0, CODER_ERROR_RATE[c] * error) for c in codes])
    coder_a, coder_b = ([NEIGHBOURS[c][int(which[i, j] * len(NEIGHBOURS[c]))] if slip[i, j] < rate[i] else c
                         for i, c in enumerate(codes)] for j in (0, 1))
    return coder_a, coder_b


def _account(group: str, setting: str, codes: list[str], pron: str) -> str:
    """An interview's invented summary: who spoke, and what they said, in a sentence or two."""
    article = "an" if setting[0] in "aeiou" else "a"
    said = [ACCOUNT[c].format(pron=pron) for c in dict.fromkeys(codes)]
    first = f"{GROUP_LABELS[group]} in {article} {SETTING_LABELS[setting]} " + said[0]
    if len(said) == 1:
        return first + "."
    rest = ", ".join(said[1:-1]) + (" and " if len(said) > 2 else "") + said[-1]
    return f"{first}; {pron} also {rest}."


def interviews(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The interviews (one row each, with an invented account) and their segments (the written-for code
    and an invented excerpt)."""
    groups = [g for g, n in STAKEHOLDER_GROUPS.items() for _ in range(n)]
    order = rng.permutation(len(groups)) + 1  # the sequence in which the interviews were done
    rows, segments = [], []
    for i, group in enumerate(groups):
        options = GROUP_SETTINGS[group]
        setting = options[rng.integers(len(options))]
        weights = {c: w * GROUP_EMPHASIS[group].get(c, 1.0) for c, w in CODE_WEIGHT.items()}
        n_seg = min(MAX_SEGMENTS, MIN_SEGMENTS + rng.poisson(MEAN_EXTRA_SEGMENTS))
        interview_id = f"S{i + 1:03d}"
        codes = []
        for k in range(n_seg):
            code = pick(rng, weights)
            templates = EXCERPTS[code]
            text = _fill(rng, templates[rng.integers(len(templates))])
            segments.append({"segment_id": f"{interview_id}-{k + 1}", "interview_id": interview_id,
                             "code_agreed": code, "invented_excerpt": text})
            codes.append(code)
        pron = ("she", "he")[int(rng.integers(2))]
        rows.append({"interview_id": interview_id, "sequence": int(order[i]), "stakeholder_group": group,
                     "setting": setting, "mode": "telephone", "n_segments": n_seg,
                     "invented_summary": _account(group, setting, codes, pron)})
    return pd.DataFrame(rows), pd.DataFrame(segments)
