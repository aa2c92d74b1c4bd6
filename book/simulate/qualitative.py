"""Illustrative teaching material for the qualitative and patient strands (substudies 1, 2, 3a, 3b).

The study's transcripts, field notes and survey returns are confidential. Everything this module
writes is **invented for the book**: a codebook derived from the themes the paper reports, short
templated excerpts written to exemplify those themes (never quotations from the study), and
simulated codes, hours and survey answers. The files say so in their column names
(``invented_excerpt``, ``invented_summary``, ``invented_note``, ``invented_text``) and in the data
dictionary (provenance kind ``illustrative``).

What is calibrated to the paper (Methods and Table 1): 107 stakeholder interviews (substudy 1);
seven cases of the published kinds (four hospital trusts, a quality improvement collaborative, a
large-scale improvement programme, a primary care chain) with just over 650 h of observation and
197 interviews (substudy 2); 715 survey respondents answering 14 statements with an open text box
each (3a); two focus groups and ten interviews (3b). Everything else is an assumption of ours, set
out in the constants below: the stakeholder groups and their sizes, the settings, how often each
code is used and by whom, the coders' error rates and which codes they confuse, the split of hours
and interviews between cases and levels, each case's profile, the 14 statements (the paper does not
list them) and the latent-trait model of the answers, the open-text rate, the organisations in 3b
and which themes each discussed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .seeds import DEFAULT_SEED  # the rule: 2014 for every generator
#: Multiplier on every code's coder-error rate (1 = the book's default; 0 = perfect agreement).
CODER_ERROR = 1.0
#: The independent parts of the generator. Each draws from its own stream, spawned from the seed
#: in this order, so that changing one part (the coders' error rate, say) leaves the others' draws
#: alone: a new ``coder_error`` recodes the same segments, it does not write new ones.
STREAMS = ("interviews", "coders", "cases", "survey", "framework")

FILES = {
    "codebook": "qual_codebook.csv",
    "interviews": "qual_interviews.csv",
    "segments": "qual_interview_segments.csv",
    "cases": "qual_cases.csv",
    "fieldnotes": "qual_fieldnotes.csv",
    "case_interviews": "qual_case_interviews.csv",
    "case_codes": "qual_case_interview_codes.csv",
    "statements": "qual_ppi_statements.csv",
    "respondents": "qual_ppi_respondents.csv",
    "responses": "qual_ppi_responses.csv",
    "open_text": "qual_ppi_open_text.csv",
    "framework": "qual_ppi_framework.csv",
}

# --- the codebook ---------------------------------------------------------------------------------
# (code, category, strand, label, definition, include, exclude, invented example, where the paper reports it)
_GOALS = "Results, Goal setting"
_INTEL = "Results, Variability in intelligence"
_SYSTEMS = "Results, Variability in systems"
_CULTURE = "Results, Culture and behaviour"
CODEBOOK = [
    ("commitment_to_quality", "goals", "1,2", "Commitment to quality",
     "The speaker expresses a personal or organisational commitment to safe, high-quality, compassionate care.",
     "values, mission, why the speaker works in care", "specific goals or targets (clear_goals)",
     "Whatever else is going on, the patient in front of you comes first.", _GOALS),
    ("clear_goals", "goals", "1,2", "Clear goals",
     "The presence, absence or importance of explicit, shared goals for quality and safety and a strategy to meet them.",
     "vision, objectives and priorities set locally; their clarity or lack of it",
     "external targets that compete for attention (priority_thicket)",
     "We agreed three quality goals and every ward can tell you what they are.", _GOALS),
    ("priority_thicket", "goals", "1,2", "Priority thickets",
     "Many overlapping or disjointed external priorities, targets, standards and requests that crowd attention without giving direction.",
     "many masters; the same data asked for in different formats; competing targets",
     "the internal paperwork made in response (compliance_bureaucracy)",
     "Every new target arrives on top of the old ones; nothing is taken away.", _GOALS),
    ("compliance_bureaucracy", "goals", "1,2", "Compliance-driven bureaucracy",
     "Rules, procedures and forms that exist mainly to display compliance with external demands rather than to make care safer.",
     "blanket policies, box-ticking, defensive paperwork, inspection evidence",
     "the external demands themselves (priority_thicket)",
     "We now fill in a form to show we filled in the form.", _GOALS),
    ("bright_spot", "variability", "1,2", "Bright spot",
     "A concrete instance of care or practice showing caring, compassion, cooperation, civility, learning or innovation.",
     "observed or reported excellent care by a team or a person",
     "statements of values without an instance (commitment_to_quality)",
     "The night team answer call bells within a minute and know every patient's name.", _GOALS),
    ("dark_spot", "variability", "1,2", "Dark spot",
     "A concrete instance of substandard care, or of staff so harried, distracted or busy with bureaucracy that care suffers.",
     "poor, unkind or unsafe care in a named place or moment",
     "system causes described without an instance of care (system_deficits)",
     "A patient asked three times for help to the toilet and was told to wait.", _GOALS),
    ("task_focused_care", "variability", "1,2", "Task-focused care",
     "Care organised around completing tasks rather than around the person.",
     "rounds done to the clock; patients treated as jobs", "lack of time because of staffing (system_deficits)",
     "Observations done, beds made, drugs given, and nobody talked to the patient.", _GOALS),
    ("problem_sensing", "intelligence", "1,2", "Problem-sensing",
     "Actively seeking out weaknesses, with many sources including soft intelligence (listening, unannounced visits, shadowing).",
     "asking for bad news; walk-rounds; patient stories; challenging one's own data",
     "data collected for external reporting (data_not_intelligence)",
     "I go on the wards unannounced at night; that is where I learn what is happening.", _INTEL),
    ("comfort_seeking", "intelligence", "1,2", "Comfort-seeking",
     "Seeking reassurance that all is well: impression management and dismissal of critical signals.",
     "celebrating green dashboards; calling concerns whining",
     "data collected but unused, without reassurance-seeking (data_not_intelligence)",
     "The board likes everything green, so the report goes up green.", _INTEL),
    ("data_not_intelligence", "intelligence", "1,2", "Data, not intelligence",
     "Data collected in volume but not turned into actionable knowledge or fed back to the frontline.",
     "audits never reported back; dashboards nobody uses; data felt to exist for blame",
     "active reassurance-seeking (comfort_seeking)",
     "We send the audit off every month and never hear anything back.", _INTEL),
    ("system_deficits", "systems", "1,2", "System deficits",
     "Poorly designed or unreliable organisational systems: IT, pathways, staffing and skill mix, equipment, support services.",
     "time lost working round systems; shortages", "gaps between services or teams (responsibility_cordon)",
     "The computer logs you out halfway through a prescription.", _SYSTEMS),
    ("responsibility_cordon", "systems", "1,2", "Responsibility cordons",
     "Discontinuities in care across institutional, departmental or team boundaries that leave patients uninformed or at risk.",
     "handover gaps; nobody owning a patient; letters that do not arrive",
     "failures inside one system (system_deficits)",
     "Once he left the ward, nobody thought the follow-up was theirs.", _SYSTEMS),
    ("staff_powerless", "systems", "1,2", "Powerless to change",
     "Frontline staff aware of problems but feeling unable to bring about change.",
     "reporting without effect; resignation; not being asked",
     "explicit contrast between levels' views (blunt_sharp_misalignment)",
     "We reported the broken hoist six times; after a while you stop.", _SYSTEMS),
    ("magical_thinking", "systems", "1,2", "Magical thinking",
     "Uncritical belief that an improvement method or initiative will solve many problems easily and quickly.",
     "indiscriminate use of Lean, Six Sigma, PDSA or Productive Ward; initiatives dropped after a burst",
     "considered, resourced use of a method (fix_system_problems)",
     "Once every ward has done Lean, the waits will simply disappear.", _SYSTEMS),
    ("blunt_sharp_misalignment", "culture", "1,2", "Blunt-sharp misalignment",
     "Senior (blunt-end) and frontline (sharp-end) staff disagreeing about the causes of quality problems or their solutions.",
     "explicit statements that the other level does not understand",
     "an attribution made without reference to the other level (blames_frontline_culture, system_deficits)",
     "Managers want behaviour change; staff want the equipment to work.", _CULTURE),
    ("blames_frontline_culture", "culture", "1,2", "Blaming frontline culture",
     "Attributing quality problems mainly to frontline staff behaviour or attitudes.",
     "calls to hold individuals to account without reference to systems",
     "reports of a disagreement between levels (blunt_sharp_misalignment)",
     "Our systems are fine; it is people not following them.", _CULTURE),
    ("inspiring_vision", "box1", "1,2", "Inspiring vision (Box 1)",
     "Leaders continually reinforcing an inspiring vision of the organisation's work.",
     "visible, repeated statements of purpose by leaders", "goals and targets (clear_goals)",
     "Our chief executive opens every meeting with a patient's story.", "Box 1"),
    ("staff_wellbeing", "box1", "1,2", "Staff health and wellbeing (Box 1)",
     "Action to promote staff health and wellbeing.", "breaks, occupational health, workload relief",
     "feeling respected or safe to speak (staff_safe_valued)",
     "We brought in protected breaks and sickness absence fell.", "Box 1"),
    ("listen_to_staff", "box1", "1,2", "Listening to staff (Box 1)",
     "Listening to staff and involving them in decisions, problem solving and innovation.",
     "staff-led redesign; suggestions answered", "feedback on performance (feedback_and_celebration)",
     "The porters redesigned the bed-move process themselves.", "Box 1"),
    ("feedback_and_celebration", "box1", "1,2", "Feedback and celebration (Box 1)",
     "Helpful feedback to staff on how they are doing, and celebration of good performance.",
     "results returned to teams; thanks and recognition", "data sent out and never returned (data_not_intelligence)",
     "Staff see the audit results the same week they are collected.", "Box 1"),
    ("fix_system_problems", "box1", "1,2", "Fixing system problems (Box 1)",
     "Effective, supportive action by leaders on system problems.",
     "leaders owning and removing obstacles", "calls on staff to try harder (blames_frontline_culture)",
     "The board took the IT problem as its own job, not the ward's.", "Box 1"),
    ("model_teamwork", "box1", "1,2", "Modelling teamwork (Box 1)",
     "Developing and modelling excellent teamwork.", "joint huddles; leaders working as a team",
     "listening to staff ideas (listen_to_staff)",
     "The consultants now join the nurses' safety huddle every morning.", "Box 1"),
    ("staff_safe_valued", "box1", "1,2", "Staff safe and valued (Box 1)",
     "Staff feeling safe, supported, respected and valued at work.",
     "speaking up without fear; feeling backed", "wellbeing programmes (staff_wellbeing)",
     "I can say I made a mistake here and nobody shouts.", "Box 1"),
    # substudy 3a content analysis (3b reuses five of them as framework themes)
    ("kindness_respect", "patient_experience", "3a", "Kindness and respect",
     "Comments praising kindness, dignity and respect shown by staff.", "named acts of kindness; dignity",
     "complaints about rushed staff (rushed_staff)", "The nurses were kind and treated my mother with dignity.",
     _GOALS),
    ("rushed_staff", "patient_experience", "3a,3b", "Rushed or brusque staff",
     "Staff too busy, rushed or brusque to give patients the time they need.", "busy, short-staffed, curt",
     "patients left without help (left_to_fend)", "Staff are run off their feet and it shows.", _GOALS),
    ("left_to_fend", "patient_experience", "3a,3b", "Vulnerable patients left to fend",
     "Older, young or other patients unable to speak up left to fend for themselves or forgotten.",
     "patients without advocates going without help", "general busyness (rushed_staff)",
     "Patients who cannot speak up are left to manage on their own.", _GOALS),
    ("between_services", "patient_experience", "3a,3b", "Gaps between services",
     "Poor continuity or information between services or within one organisation (responsibility cordons).",
     "discharge, transfer, GP-hospital communication", "information given to the patient (poor_information)",
     "The hospital and the GP never seem to talk to each other.", _SYSTEMS),
    ("not_listened_to", "patient_experience", "3a,3b", "Not listened to",
     "Concerns or complaints from patients, carers or their groups not heard or acted on.",
     "complaints without change; groups ignored", "lack of information (poor_information)",
     "We complained and nothing changed.", _INTEL),
    ("poor_information", "patient_experience", "3a", "Poor information",
     "Patients or carers not told about care, treatment, results or medicines.",
     "unexplained medicines; results chased", "communication between services (between_services)",
     "Nobody explained the new tablets.", _GOALS),
    ("safety_worry", "patient_experience", "3a", "Worry about safety",
     "Worry that care is unsafe: errors, infections, falls, medicines.", "explicit safety concerns",
     "unkindness without a safety concern (rushed_staff)", "I worry about mistakes with medicines on busy wards.",
     _GOALS),
    ("depends_on_who", "patient_experience", "3a,3b", "Depends on who or when",
     "Quality of care depending on which staff, ward or day: care not reliably good.",
     "lottery, weekend/weekday contrasts", "uniformly good or poor care (kindness_respect, rushed_staff)",
     "Some nurses are wonderful, others do not care; it is a lottery.", _GOALS),
    ("accountability_unclear", "patient_experience", "3b", "Unclear accountability",
     "Not knowing who is answerable when care fails: provider, commissioner or regulator.",
     "confusion about whom to hold to account", "complaints not acted on (not_listened_to)",
     "Nobody could tell us who was responsible for putting it right.", "Table 1, row 3b"),
    ("ppg_influence", "patient_experience", "3b", "Limited influence of patient groups",
     "Patient participation groups consulted late, or their suggestions noted but not acted on.",
     "tokenism; late consultation", "individual complaints (not_listened_to)",
     "Our suggestions are minuted and then nothing happens.", "Table 1, row 3a-3b"),
]
CODEBOOK_COLUMNS = ["code", "category", "strand", "label", "definition", "include", "exclude",
                    "invented_example", "paper_section"]
MAIN_CODES = [c[0] for c in CODEBOOK if c[2] == "1,2"]

# --- invented excerpt templates (slots in braces) -------------------------------------------------
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
        "We answer to so many masters that the local plan gets squeezed out.",
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
        "When staff raise concerns, some directors call it whining.",
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
        "People speak up at handover because they know they will be backed."],
}

# --- substudy 1: stakeholder interviews -------------------------------------------------------------
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
MIN_SEGMENTS, MEAN_EXTRA_SEGMENTS, MAX_SEGMENTS = 3, 1.2, 7

# --- substudy 2: ethnographic case studies ------------------------------------------------------------
#: (case_id, case_type, label, hours observed, interviews, profile) -- the split is ours.
CASES = [
    ("C1", "hospital_trust", "Hospital trust A", 122.0, 35, "problem_sensing"),
    ("C2", "hospital_trust", "Hospital trust B", 118.0, 32, "comfort_seeking"),
    ("C3", "hospital_trust", "Hospital trust C", 120.0, 34, "mixed"),
    ("C4", "hospital_trust", "Hospital trust D", 115.0, 30, "comfort_seeking"),
    ("C5", "qi_collaborative", "Quality improvement collaborative", 58.0, 20, "problem_sensing"),
    ("C6", "qi_programme", "Large-scale improvement programme", 62.0, 24, "mixed"),
    ("C7", "primary_care_chain", "Primary care provider (chain of practices)", 60.0, 22, "mixed"),
]
CASE_TYPES = ["hospital_trust", "qi_collaborative", "qi_programme", "primary_care_chain"]
PROFILES = ["problem_sensing", "comfort_seeking", "mixed"]
#: Observation sites by case type, with our assumed share of sessions.
SITES = {
    "hospital_trust": {"ward": 0.55, "emergency_department": 0.2, "board_or_committee": 0.15, "handover": 0.1},
    "qi_collaborative": {"learning_event": 0.35, "team_meeting": 0.3, "ward": 0.35},
    "qi_programme": {"programme_event": 0.3, "ward": 0.45, "team_meeting": 0.25},
    "primary_care_chain": {"practice": 0.5, "reception": 0.25, "practice_meeting": 0.25},
}
MEETING_SITES = {"board_or_committee", "learning_event", "team_meeting", "programme_event", "practice_meeting"}
SESSION_HOURS = np.arange(1.0, 6.5, 0.5)
#: Probability that a care-setting entry is a dark spot, by case profile (else a bright spot);
#: entries from meetings are neither.
P_DARK = {"problem_sensing": 0.25, "comfort_seeking": 0.5, "mixed": 0.38}
SPOT_CODES = {
    "bright": {"bright_spot": 4, "model_teamwork": 1.5, "listen_to_staff": 1, "problem_sensing": 1,
               "fix_system_problems": 1, "feedback_and_celebration": 1},
    "dark": {"dark_spot": 3, "task_focused_care": 2, "system_deficits": 3, "responsibility_cordon": 1.5,
             "compliance_bureaucracy": 1.5},
    "neither": {"comfort_seeking": 2, "problem_sensing": 2, "priority_thicket": 2, "data_not_intelligence": 2,
                "magical_thinking": 1, "compliance_bureaucracy": 1.5, "clear_goals": 1.5},
}
PROFILE_EMPHASIS = {
    "problem_sensing": {"problem_sensing": 2.5, "comfort_seeking": 0.3, "fix_system_problems": 2.0,
                        "listen_to_staff": 1.5, "blames_frontline_culture": 0.4, "blunt_sharp_misalignment": 0.5},
    "comfort_seeking": {"comfort_seeking": 2.5, "problem_sensing": 0.3, "data_not_intelligence": 1.6,
                        "blames_frontline_culture": 2.5, "blunt_sharp_misalignment": 2.0, "staff_powerless": 1.5},
    "mixed": {},
}
NOTE_TEMPLATES = {
    ("bright", "bright_spot"): ["{site}: nurse kneels to talk to a confused patient at eye level, explains each step.",
                                "{site}: staff greet each patient by name; call bells answered quickly."],
    ("bright", "model_teamwork"): ["{site}: ten-minute safety huddle, doctors and nurses together, clear actions."],
    ("bright", "listen_to_staff"): ["{site}: manager asks an assistant what would help, writes it down, agrees a date."],
    ("bright", "problem_sensing"): ["{site}: director on an unannounced visit asks staff what worries them most."],
    ("bright", "fix_system_problems"): ["{site}: missing equipment reported in the morning is replaced by lunch; manager checks back."],
    ("bright", "feedback_and_celebration"): ["{site}: this week's results on the board, with a thank-you note from a manager."],
    ("dark", "dark_spot"): ["{site}: patient calls for help twice; staff pass by, busy with a form.",
                            "{site}: a relative is told curtly to wait outside; nobody explains why."],
    ("dark", "task_focused_care"): ["{site}: every task ticked off on time; no conversation with any patient."],
    ("dark", "system_deficits"): ["{site}: nurse spends twenty minutes phoning for a bed and a porter.",
                                  "{site}: IT system down; results copied by hand."],
    ("dark", "responsibility_cordon"): ["{site}: handover leaves out a pending scan; nobody owns the follow-up."],
    ("dark", "compliance_bureaucracy"): ["{site}: sister completes four audit forms in the busiest hour."],
    ("neither", "comfort_seeking"): ["{site}: dashboard reviewed, all green; a critical staff comment is not discussed."],
    ("neither", "problem_sensing"): ["{site}: chair asks for the three worst complaints before the performance report."],
    ("neither", "priority_thicket"): ["{site}: agenda lists eleven external returns due this month."],
    ("neither", "data_not_intelligence"): ["{site}: audit figures tabled without trend or action; item closed."],
    ("neither", "magical_thinking"): ["{site}: a new improvement method presented as curing waits, falls and morale at once."],
    ("neither", "compliance_bureaucracy"): ["{site}: most of the meeting spent on inspection evidence."],
    ("neither", "clear_goals"): ["{site}: three quality goals open the agenda; each owner reports progress."],
}
#: Field-note templates for the practices of the primary care chain (used before NOTE_TEMPLATES there).
PRIMARY_NOTE_TEMPLATES = {
    ("bright", "bright_spot"): ["{site}: receptionist finds an urgent slot for an anxious parent and explains the wait."],
    ("bright", "model_teamwork"): ["{site}: GP and practice nurse review the day's frail patients together."],
    ("bright", "problem_sensing"): ["{site}: partner reads the week's patient comments with the receptionists."],
    ("bright", "fix_system_problems"): ["{site}: manager changes the phone rota after complaints about the morning queue."],
    ("dark", "dark_spot"): ["{site}: patient turned away at the desk without being asked about symptoms."],
    ("dark", "task_focused_care"): ["{site}: ten-minute slots run strictly; patient told one problem per appointment."],
    ("dark", "system_deficits"): ["{site}: twenty callers queue at eight; the booking system freezes."],
    ("dark", "responsibility_cordon"): ["{site}: hospital letter changing medicines sits unactioned; nobody assigned."],
    ("dark", "compliance_bureaucracy"): ["{site}: practice nurse spends the morning on quality-framework returns."],
}
#: Our assumed split of each case's interviewees from board to frontline.
LEVEL_SHARES = {"blunt_end": 0.3, "middle": 0.2, "sharp_end": 0.5}
LEVEL_ROLES = {
    "hospital_trust": {"blunt_end": ["executive director", "non-executive director", "chief nurse"],
                       "middle": ["divisional manager", "matron"], "sharp_end": ["staff nurse", "junior doctor",
                                                                              "healthcare assistant", "consultant"]},
    "qi_collaborative": {"blunt_end": ["collaborative lead"], "middle": ["improvement facilitator"],
                         "sharp_end": ["team member", "ward sister"]},
    "qi_programme": {"blunt_end": ["programme director", "executive sponsor"], "middle": ["improvement facilitator"],
                     "sharp_end": ["team member", "staff nurse"]},
    "primary_care_chain": {"blunt_end": ["managing partner", "company director"], "middle": ["practice manager"],
                           "sharp_end": ["general practitioner", "practice nurse", "receptionist"]},
}
LEVEL_CODES = {
    "blunt_end": {"clear_goals": 3, "priority_thicket": 3, "problem_sensing": 2, "comfort_seeking": 2,
                  "blames_frontline_culture": 1.5, "magical_thinking": 1.5, "inspiring_vision": 2,
                  "data_not_intelligence": 1.5, "commitment_to_quality": 2, "fix_system_problems": 1},
    "middle": {"compliance_bureaucracy": 2.5, "data_not_intelligence": 2, "priority_thicket": 1.5,
               "system_deficits": 2, "magical_thinking": 1.5, "feedback_and_celebration": 1, "listen_to_staff": 1.5,
               "blunt_sharp_misalignment": 1.5, "commitment_to_quality": 1.5},
    "sharp_end": {"system_deficits": 3, "staff_powerless": 2, "compliance_bureaucracy": 2, "bright_spot": 2,
                  "dark_spot": 1.5, "task_focused_care": 1.5, "responsibility_cordon": 1.5,
                  "blunt_sharp_misalignment": 1.5, "staff_safe_valued": 1, "commitment_to_quality": 2,
                  "model_teamwork": 1},
}

# --- substudy 3a: patient participation group survey ------------------------------------------------
#: (id, statement, linked content-analysis code, reverse-worded) -- written for the book; the paper
#: reports 14 statements about patient experience but does not list them.
STATEMENTS = [
    ("S01", "Staff treat patients with kindness and respect.", "kindness_respect", 0),
    ("S02", "Care is reliably good, whichever ward or day.", "depends_on_who", 0),
    ("S03", "Patients who cannot speak up for themselves get the care they need.", "left_to_fend", 0),
    ("S04", "Older patients are sometimes left to fend for themselves.", "left_to_fend", 1),
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
#: Latent-trait model (ours): P(response <= k) = logistic(THRESHOLDS[k] - (location + loading * theta)).
STATEMENT_LOCATION = {"S01": 1.2, "S02": -0.7, "S03": -0.9, "S04": 0.5, "S05": 0.3, "S06": -0.8, "S07": -1.1,
                      "S08": -0.3, "S09": 0.9, "S10": 0.3, "S11": 0.9, "S12": -0.2, "S13": 0.0, "S14": -0.9}
THRESHOLDS = np.array([-2.2, -0.8, 0.3, 2.0])
THETA_SHIFT = {"ppg_member": 0.0, "ppg_officer": 0.2, "carer": -0.4}
P_ITEM_MISSING = 0.03
#: Probability of writing in a statement's open box: base, plus more for a critical answer.
P_OPEN_BASE, P_OPEN_CRITICAL = 0.07, 0.10
OPEN_THEMES_CRITICAL = ["rushed_staff", "left_to_fend", "between_services", "not_listened_to", "poor_information",
                        "safety_worry", "depends_on_who"]
OPEN_TEXT = {
    "kindness_respect": ["The nurses were kind and treated my mother with dignity.",
                         "Reception staff at our practice always make time for you."],
    "rushed_staff": ["Staff are run off their feet and it shows.", "The doctor barely looked up from the screen."],
    "left_to_fend": ["Older patients who cannot speak up are left to manage alone.",
                     "My father was overlooked at the end of the ward."],
    "between_services": ["The hospital and the GP never seem to talk to each other.",
                         "Nobody knew who was arranging his care after discharge."],
    "not_listened_to": ["We complained and nothing changed.", "Our group raises issues but they are not taken seriously."],
    "poor_information": ["Nobody explained the new tablets.", "We only found out the results by chasing them."],
    "safety_worry": ["I worry about mistakes with medicines on busy wards.",
                     "I would not feel safe leaving a frail relative there overnight."],
    "depends_on_who": ["Some nurses are wonderful, others do not care; it is a lottery.",
                       "Weekdays are fine; at weekends it is a different place."],
}

# --- substudy 3b: focus groups and interviews -----------------------------------------------------------
#: (source_id, source_type, organisation type, participants) -- ours; the paper gives the counts only.
SOURCES_3B = [
    ("FG1", "focus_group", "patient participation group network", 7),
    ("FG2", "focus_group", "carers' organisation", 6),
    ("I01", "interview", "older people's charity", 1), ("I02", "interview", "carers' organisation", 1),
    ("I03", "interview", "mental health service-user network", 1), ("I04", "interview", "disability advocacy group", 1),
    ("I05", "interview", "national patient organisation", 1), ("I06", "interview", "patient participation group", 1),
    ("I07", "interview", "patient participation group", 1), ("I08", "interview", "children's health charity", 1),
    ("I09", "interview", "local patient forum", 1), ("I10", "interview", "national patient organisation", 1),
]
FRAMEWORK_THEMES = ["left_to_fend", "between_services", "not_listened_to", "rushed_staff", "depends_on_who",
                    "accountability_unclear", "ppg_influence"]
P_DISCUSSED = {"left_to_fend": 0.8, "between_services": 0.75, "not_listened_to": 0.7, "rushed_staff": 0.6,
               "depends_on_who": 0.65, "accountability_unclear": 0.55, "ppg_influence": 0.4}
FRAMEWORK_TEXT = {
    "left_to_fend": ["Older and confused patients described as left without help at mealtimes.",
                     "Patients who cannot speak up said to be overlooked unless family are there."],
    "between_services": ["Discharge and transfer seen as where things go wrong; nobody owns the whole journey.",
                         "Letters and results said to go missing between hospital and practice."],
    "not_listened_to": ["Complaints answered with letters, not changes; want to see what happened.",
                        "Concerns raised through the group said to be noted and forgotten."],
    "rushed_staff": ["Staff seen as kind but stretched; poor care linked to shortages, not bad people.",
                     "Busy wards said to leave no time to talk."],
    "depends_on_who": ["Care good or poor depending on ward and shift; no confidence it is always good.",
                       "Weekend and night care described as a different service."],
    "accountability_unclear": ["Cannot tell who is answerable when care fails: trust, commissioner or regulator.",
                               "Many bodies, none clearly responsible for putting things right."],
    "ppg_influence": ["Group consulted late; suggestions minuted but rarely acted on.",
                      "Group's role valued by the practice manager but unclear to the partners."],
}


def codebook() -> pd.DataFrame:
    """The codebook as a table (one row per code)."""
    return pd.DataFrame(CODEBOOK, columns=CODEBOOK_COLUMNS)


def _pick(rng: np.random.Generator, weights: dict) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


def _fill(rng: np.random.Generator, template: str) -> str:
    values = {}
    for slot, options in SLOTS.items():
        if "{" + slot + "}" in template:
            values[slot] = options[rng.integers(len(options))]
    return template.format(**values)


def _code_twice(rng: np.random.Generator, agreed: pd.Series, error: float) -> tuple[list[str], list[str]]:
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


_SHORT_LABEL = {c[0]: c[3].split(" (")[0].lower() for c in CODEBOOK}


def _interviews(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    groups = [g for g, n in STAKEHOLDER_GROUPS.items() for _ in range(n)]
    order = rng.permutation(len(groups)) + 1  # the sequence in which the interviews were done
    interviews, segments = [], []
    for i, group in enumerate(groups):
        options = GROUP_SETTINGS[group]
        setting = options[rng.integers(len(options))]
        weights = {c: w * GROUP_EMPHASIS[group].get(c, 1.0) for c, w in CODE_WEIGHT.items()}
        n_seg = min(MAX_SEGMENTS, MIN_SEGMENTS + rng.poisson(MEAN_EXTRA_SEGMENTS))
        interview_id = f"S{i + 1:03d}"
        codes = []
        for k in range(n_seg):
            code = _pick(rng, weights)
            templates = EXCERPTS[code]
            text = _fill(rng, templates[rng.integers(len(templates))])
            segments.append({"segment_id": f"{interview_id}-{k + 1}", "interview_id": interview_id,
                             "code_agreed": code, "invented_excerpt": text})
            codes.append(code)
        labels = [_SHORT_LABEL[c] for c in dict.fromkeys(codes)]
        article = "an" if setting[0] in "aeiou" else "a"
        summary = (f"{GROUP_LABELS[group]} in {article} {SETTING_LABELS[setting]} talks about "
                   + ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1] + ".")
        interviews.append({"interview_id": interview_id, "sequence": int(order[i]), "stakeholder_group": group,
                           "setting": setting, "mode": "telephone", "n_segments": n_seg,
                           "invented_summary": summary})
    return pd.DataFrame(interviews), pd.DataFrame(segments)


def _session_hours(rng: np.random.Generator, total: float) -> list[float]:
    hours, left = [], total
    while left > 0:
        h = float(min(SESSION_HOURS[rng.integers(len(SESSION_HOURS))], left))
        hours.append(h)
        left -= h
    return hours


def _cases(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    cases = pd.DataFrame([c[:3] + (c[5],) for c in CASES], columns=["case_id", "case_type", "label", "profile"])
    notes, interviews, codes = [], [], []
    for case_id, case_type, _label, hours_total, n_int, profile in CASES:
        emphasis = PROFILE_EMPHASIS[profile]
        for k, hours in enumerate(_session_hours(rng, hours_total)):
            site = _pick(rng, SITES[case_type])
            if site in MEETING_SITES:
                spot = "neither"
            else:
                spot = "dark" if rng.random() < P_DARK[profile] else "bright"
            code = _pick(rng, {c: w * emphasis.get(c, 1.0) for c, w in SPOT_CODES[spot].items()})
            templates = NOTE_TEMPLATES[(spot, code)]
            if case_type == "primary_care_chain" and site not in MEETING_SITES:
                templates = PRIMARY_NOTE_TEMPLATES.get((spot, code), templates)
            text = templates[rng.integers(len(templates))].format(site=site.replace("_", " ").capitalize())
            notes.append({"entry_id": f"{case_id}-N{k + 1:03d}", "case_id": case_id, "site": site,
                          "hours": hours, "spot": spot, "code": code, "invented_note": text})
        levels = list(LEVEL_SHARES)
        counts = np.floor(np.array(list(LEVEL_SHARES.values())) * n_int).astype(int)
        counts[-1] += n_int - counts.sum()  # the frontline takes the remainder
        k = 0
        for level, n_level in zip(levels, counts):
            roles = LEVEL_ROLES[case_type][level]
            for _ in range(n_level):
                k += 1
                interview_id = f"{case_id}-I{k:02d}"
                interviews.append({"interview_id": interview_id, "case_id": case_id, "level": level,
                                   "role": roles[rng.integers(len(roles))],
                                   "duration_min": int(rng.integers(25, 91))})
                weights = {c: w * emphasis.get(c, 1.0) for c, w in LEVEL_CODES[level].items()}
                keys = list(weights)
                p = np.array([weights[c] for c in keys])
                n_codes = int(rng.integers(2, 5))
                for c in sorted(rng.choice(len(keys), size=n_codes, replace=False, p=p / p.sum())):
                    codes.append({"interview_id": interview_id, "code": keys[c]})
    return cases, pd.DataFrame(notes), pd.DataFrame(interviews), pd.DataFrame(codes)


def _survey(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    statements = pd.DataFrame(STATEMENTS, columns=["statement_id", "statement", "linked_code", "reverse_worded"])
    n = N_RESPONDENTS
    roles = rng.choice(list(RESPONDENT_ROLES), size=n, p=list(RESPONDENT_ROLES.values()))
    ages = rng.choice(list(AGE_BANDS), size=n, p=list(AGE_BANDS.values()))
    ids = [f"R{i + 1:04d}" for i in range(n)]
    respondents = pd.DataFrame({"respondent_id": ids, "role": roles, "age_band": ages})
    theta = rng.standard_normal(n) + np.array([THETA_SHIFT[r] for r in roles])
    responses, texts = [], []
    for sid, _text, linked, reverse in STATEMENTS:
        loading = -1.0 if reverse else 1.0  # a satisfied respondent disagrees with a critical statement
        eta = STATEMENT_LOCATION[sid] + loading * theta
        cum = 1 / (1 + np.exp(-(THRESHOLDS[None, :] - eta[:, None])))
        u = rng.random(n)
        answer = 1 + (u[:, None] > cum).sum(axis=1)
        missing = rng.random(n) < P_ITEM_MISSING
        critical = (answer >= 4) if reverse else (answer <= 2)
        writes = rng.random(n) < P_OPEN_BASE + P_OPEN_CRITICAL * critical
        responses.append(pd.DataFrame({"respondent_id": ids, "statement_id": sid,
                                       "response": pd.array(np.where(missing, 0, answer), dtype="Int64")}))
        responses[-1].loc[missing, "response"] = pd.NA
        for i in np.flatnonzero(writes):
            if critical[i] or missing[i]:
                theme = linked if (linked != "kindness_respect" and rng.random() < 0.6) else \
                    OPEN_THEMES_CRITICAL[rng.integers(len(OPEN_THEMES_CRITICAL))]
            else:
                theme = "kindness_respect" if rng.random() < 0.7 else "depends_on_who"
            options = OPEN_TEXT[theme]
            texts.append({"respondent_id": ids[i], "statement_id": sid, "code": theme,
                          "invented_text": options[rng.integers(len(options))]})
    responses = pd.concat(responses, ignore_index=True).sort_values(["respondent_id", "statement_id"], ignore_index=True)
    texts = pd.DataFrame(texts).sort_values(["respondent_id", "statement_id"], ignore_index=True)
    return statements, respondents, responses, texts


def _framework(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for source_id, source_type, org, participants in SOURCES_3B:
        for theme in FRAMEWORK_THEMES:
            # a focus group covers more ground than one interview
            p = min(0.95, P_DISCUSSED[theme] * (1.2 if source_type == "focus_group" else 1.0))
            discussed = int(rng.random() < p)
            options = FRAMEWORK_TEXT[theme]
            rows.append({"source_id": source_id, "source_type": source_type, "organisation_type": org,
                         "participants": participants, "theme": theme, "discussed": discussed,
                         "invented_summary": options[rng.integers(len(options))] if discussed else ""})
    return pd.DataFrame(rows)


def simulate(seed: int = DEFAULT_SEED, coder_error: float = CODER_ERROR) -> dict[str, pd.DataFrame]:
    """Write all the illustrative material in memory.

    Parameters
    ----------
    seed : int
        Seed of the generator: each part (:data:`STREAMS`) draws from its own stream spawned from it.
    coder_error : float
        Multiplier on each code's coder-error rate (``CODER_ERROR_RATE``); 0 gives two coders who
        always agree, 2 doubles every error rate.

    Returns
    -------
    dict
        One DataFrame per key of ``FILES``.
    """
    if not (np.isfinite(coder_error) and coder_error >= 0):
        raise ValueError(f"coder_error must be a number, 0 or more; got {coder_error}")
    rng = {part: np.random.default_rng(stream)
           for part, stream in zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS)))}
    interviews, segments = _interviews(rng["interviews"])
    code_a, code_b = _code_twice(rng["coders"], segments["code_agreed"], coder_error)
    segments.insert(2, "code_coder_a", code_a)
    segments.insert(3, "code_coder_b", code_b)
    cases, notes, case_interviews, case_codes = _cases(rng["cases"])
    statements, respondents, responses, texts = _survey(rng["survey"])
    framework = _framework(rng["framework"])
    return {"codebook": codebook(), "interviews": interviews, "segments": segments, "cases": cases,
            "fieldnotes": notes, "case_interviews": case_interviews, "case_codes": case_codes,
            "statements": statements, "respondents": respondents, "responses": responses,
            "open_text": texts, "framework": framework}


def teaching_data(seed: int = DEFAULT_SEED, coder_error: float = CODER_ERROR) -> dict[str, pd.DataFrame]:
    """The committed files (validated) at the book's defaults, otherwise a fresh simulation in memory."""
    if (seed, coder_error) == (DEFAULT_SEED, CODER_ERROR):
        from ..data.datapackage import read

        return {key: read(name.rsplit(".", 1)[0]) for key, name in FILES.items()}
    return simulate(seed, coder_error)


def to_csv_text(data: pd.DataFrame) -> str:
    """CSV text, byte-stable: hours at one decimal, missing values empty."""
    out = data.copy()
    if "hours" in out.columns:
        out["hours"] = [f"{v:.1f}" for v in out["hours"]]
    return out.to_csv(index=False, lineterminator="\n")


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this module owns, at the book's defaults."""
    frames = simulate(seed)
    return {FILES[key]: to_csv_text(frame) for key, frame in frames.items()}
