"""Substudy 2, seven ethnographic case studies: invented field notes of observation sessions, and the
codes of 197 case-study interviews by organisational level.

Everything here is invented or assumed by the book. A field note is a session's running description:
a few timed incidents, each written for a code (one session carries several codes). Each case is given
a *profile* (problem-sensing, comfort-seeking or mixed) that tilts its incidents towards dark or bright
spots, and each level of interviewee draws its codes from its own list (``LEVEL_CODES``): both are
patterns the generator plants, which a cross-case matrix then shows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .stakeholders import pick

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
#: Probability that an incident noted in a care setting is a dark spot, by case profile (else a bright
#: spot); incidents noted in meetings are neither. A pattern the generator plants, not a finding.
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
#: Incidents, written for the book (never quotations from the study), by (spot, code).
NOTE_TEMPLATES = {
    ("bright", "bright_spot"): ["Nurse kneels to talk to a confused patient at eye level, explains each step.",
                                "Staff greet each patient by name; call bells answered quickly."],
    ("bright", "model_teamwork"): ["Ten-minute safety huddle, doctors and nurses together, clear actions."],
    ("bright", "listen_to_staff"): ["Manager asks an assistant what would help, writes it down, agrees a date."],
    ("bright", "problem_sensing"): ["Director on an unannounced visit asks staff what worries them most."],
    ("bright", "fix_system_problems"): ["Missing equipment reported in the morning is replaced by lunch; manager checks back."],
    ("bright", "feedback_and_celebration"): ["This week's results on the board, with a thank-you note from a manager."],
    ("dark", "dark_spot"): ["Patient calls for help twice; staff pass by, busy with a form.",
                            "A relative is told curtly to wait outside; nobody explains why."],
    ("dark", "task_focused_care"): ["Every task ticked off on time; no conversation with any patient."],
    ("dark", "system_deficits"): ["Nurse spends twenty minutes phoning for a bed and a porter.",
                                  "IT system down; results copied by hand."],
    ("dark", "responsibility_cordon"): ["Handover leaves out a pending scan; nobody owns the follow-up."],
    ("dark", "compliance_bureaucracy"): ["Sister completes four audit forms in the busiest hour."],
    ("neither", "comfort_seeking"): ["Dashboard reviewed, all green; a critical staff comment is not discussed."],
    ("neither", "problem_sensing"): ["Chair asks for the three worst complaints before the performance report."],
    ("neither", "priority_thicket"): ["Agenda lists eleven external returns due this month."],
    ("neither", "data_not_intelligence"): ["Audit figures tabled without trend or action; item closed."],
    ("neither", "magical_thinking"): ["A new improvement method presented as curing waits, falls and morale at once."],
    ("neither", "compliance_bureaucracy"): ["Most of the meeting spent on inspection evidence."],
    ("neither", "clear_goals"): ["Three quality goals open the agenda; each owner reports progress."],
}
#: Incidents noted in the practices of the primary care chain (used before NOTE_TEMPLATES there).
PRIMARY_NOTE_TEMPLATES = {
    ("bright", "bright_spot"): ["Receptionist finds an urgent slot for an anxious parent and explains the wait."],
    ("bright", "model_teamwork"): ["GP and practice nurse review the day's frail patients together."],
    ("bright", "problem_sensing"): ["Partner reads the week's patient comments with the receptionists."],
    ("bright", "fix_system_problems"): ["Manager changes the phone rota after complaints about the morning queue."],
    ("dark", "dark_spot"): ["Patient turned away at the desk without being asked about symptoms."],
    ("dark", "task_focused_care"): ["Ten-minute slots run strictly; patient told one problem per appointment."],
    ("dark", "system_deficits"): ["Twenty callers queue at eight; the booking system freezes."],
    ("dark", "responsibility_cordon"): ["Hospital letter changing medicines sits unactioned; nobody assigned."],
    ("dark", "compliance_bureaucracy"): ["Practice nurse spends the morning on quality-framework returns."],
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


#: Incidents per session: 1 + Poisson(MEAN_EXTRA_INCIDENTS), at most MAX_INCIDENTS.
MEAN_EXTRA_INCIDENTS, MAX_INCIDENTS = 0.8, 3


def _session_hours(rng: np.random.Generator, total: float) -> list[float]:
    hours, left = [], total
    while left > 0:
        h = float(min(SESSION_HOURS[rng.integers(len(SESSION_HOURS))], left))
        hours.append(h)
        left -= h
    return hours


def _incident(rng: np.random.Generator, case_type: str, site: str, profile: str) -> tuple[str, str, str]:
    """One incident of a session: its spot, its code and its invented sentence."""
    if site in MEETING_SITES:
        spot = "neither"
    else:
        spot = "dark" if rng.random() < P_DARK[profile] else "bright"
    emphasis = PROFILE_EMPHASIS[profile]
    code = pick(rng, {c: w * emphasis.get(c, 1.0) for c, w in SPOT_CODES[spot].items()})
    templates = NOTE_TEMPLATES[(spot, code)]
    if case_type == "primary_care_chain" and site not in MEETING_SITES:
        templates = PRIMARY_NOTE_TEMPLATES.get((spot, code), templates)
    return spot, code, templates[rng.integers(len(templates))]


def _notes(rng: np.random.Generator, case_id: str, case_type: str, hours_total: float, profile: str):
    notes, codes = [], []
    for k, hours in enumerate(_session_hours(rng, hours_total)):
        entry_id = f"{case_id}-N{k + 1:03d}"
        site = pick(rng, SITES[case_type])
        start = int(rng.integers(7 * 4, 20 * 4)) * 15  # minutes after midnight, on the quarter hour
        n = 1 + min(MAX_INCIDENTS - 1, int(rng.poisson(MEAN_EXTRA_INCIDENTS)))
        minutes = np.sort(rng.choice(int(hours * 60) // 5, size=min(n, int(hours * 60) // 5), replace=False)) * 5
        lines = []
        seen = set()
        for offset in minutes:
            spot, code, text = _incident(rng, case_type, site, profile)
            if text in seen:  # the same incident twice in one session reads as a copying slip: noted once
                continue
            seen.add(text)
            at = start + int(offset)
            lines.append(f"{at // 60 % 24:02d}:{at % 60:02d} {text}")
            codes.append({"entry_id": entry_id, "incident": len(lines), "spot": spot, "code": code})
        head = f"{site.replace('_', ' ').capitalize()}, {hours:g} h from {start // 60:02d}:{start % 60:02d}."
        notes.append({"entry_id": entry_id, "case_id": case_id, "site": site, "hours": hours,
                      "n_incidents": len(lines), "invented_note": " ".join([head] + lines)})
    return notes, codes


def _case_interviews(rng: np.random.Generator, case_id: str, case_type: str, n_int: int, profile: str):
    levels = list(LEVEL_SHARES)
    counts = np.floor(np.array(list(LEVEL_SHARES.values())) * n_int).astype(int)
    counts[-1] += n_int - counts.sum()  # the frontline takes the remainder
    emphasis = PROFILE_EMPHASIS[profile]
    interviews, codes, k = [], [], 0
    for level, n_level in zip(levels, counts):
        roles = LEVEL_ROLES[case_type][level]
        for _ in range(n_level):
            k += 1
            interview_id = f"{case_id}-I{k:02d}"
            interviews.append({"interview_id": interview_id, "case_id": case_id, "level": level,
                               "role": roles[rng.integers(len(roles))], "duration_min": int(rng.integers(25, 91))})
            weights = {c: w * emphasis.get(c, 1.0) for c, w in LEVEL_CODES[level].items()}
            keys = list(weights)
            p = np.array([weights[c] for c in keys])
            n_codes = int(rng.integers(2, 5))
            for c in sorted(rng.choice(len(keys), size=n_codes, replace=False, p=p / p.sum())):
                codes.append({"interview_id": interview_id, "code": keys[c]})
    return interviews, codes


def cases(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The cases, their field notes and the notes' codes (one row per incident), and their interviews
    and the interviews' codes."""
    table = pd.DataFrame([c[:3] + (c[5],) for c in CASES], columns=["case_id", "case_type", "label", "profile"])
    notes, note_codes, interviews, codes = [], [], [], []
    for case_id, case_type, _name, hours_total, n_int, profile in CASES:
        n, nc = _notes(rng, case_id, case_type, hours_total, profile)
        i, ic = _case_interviews(rng, case_id, case_type, n_int, profile)
        notes += n
        note_codes += nc
        interviews += i
        codes += ic
    return {"cases": table, "fieldnotes": pd.DataFrame(notes), "fieldnote_codes": pd.DataFrame(note_codes),
            "case_interviews": pd.DataFrame(interviews), "case_codes": pd.DataFrame(codes)}
