"""The named constants of the clinical-teams generator: every number it uses, published or ours.

Published (Table 1, row 5 and Results): the 16 dimensions, the sectors, the order of the innovation
categories; the counts are read from ``data/published`` when the data are drawn. The ATPI's number
of items per dimension is from a later publication of the instrument (Dixon & Wellsteed 2019,
Table 2). Everything else is our assumption (:func:`book.simulate.teams.assumptions` lists them).
"""
from __future__ import annotations

import numpy as np

from ..seeds import DEFAULT_SEED  # noqa: F401  the rule: 2014 for every generator

SECTORS = ("acute", "mental_health", "ambulance", "primary_care")
SECTOR_PREFIX = {"acute": "ACU", "mental_health": "MEN", "ambulance": "AMB", "primary_care": "PCT"}
SECTOR_COUNT_IDS = {"acute": "team_trusts_acute", "mental_health": "team_trusts_mental_health",
                    "ambulance": "team_trusts_ambulance", "primary_care": "team_trusts_primary_care"}

#: The ATPI dimensions in the order of Table 1, row 5, with their block and number of items
#: (item counts from Dixon & Wellsteed 2019, Table 2; leadership = leading 4 + managing 8 + coaching 5).
DIMENSIONS = {
    "task_design": ("input", 11), "effort_skills": ("input", 8), "org_support": ("input", 11),
    "resources": ("input", 4), "objectives": ("process", 3), "participation": ("process", 7),
    "creativity": ("process", 3), "conflict": ("process", 5), "reflexivity": ("process", 4),
    "task_focus": ("process", 6), "leadership": ("process", 17), "satisfaction": ("output", 6),
    "attachment": ("output", 3), "effectiveness": ("output", 3), "inter_team": ("output", 5),
    "innovation": ("output", 4),
}
LABELS = {"task_design": "task design", "effort_skills": "team effort and skills",
          "org_support": "organisational support", "resources": "resources", "objectives": "objectives",
          "participation": "participation", "creativity": "creativity", "conflict": "conflict",
          "reflexivity": "reflexivity", "task_focus": "task focus", "leadership": "leadership",
          "satisfaction": "satisfaction", "attachment": "attachment", "effectiveness": "effectiveness",
          "inter_team": "inter-team relationships", "innovation": "innovation"}
INPUTS = [d for d, (b, _) in DIMENSIONS.items() if b == "input"]
PROCESSES = [d for d, (b, _) in DIMENSIONS.items() if b == "process"]
OUTPUTS = [d for d, (b, _) in DIMENSIONS.items() if b == "output"]
#: Order in which the recursive model builds the dimensions (each depends only on earlier ones).
GEN_ORDER = ["task_design", "effort_skills", "org_support", "resources", "leadership", "objectives",
             "participation", "reflexivity", "creativity", "task_focus", "conflict", "effectiveness",
             "innovation", "satisfaction", "attachment", "inter_team"]
#: Dimensions on which a halo lowers the score (higher = worse).
NEGATIVE = ("conflict",)
LIKERT = (1, 5)

# --- team-level model (standardised) -------------------------------------------------------------
INPUT_CORRELATION = 0.35
#: Share of an input's variance common to the teams of one trust.
TRUST_SHARE = {"task_design": 0.10, "effort_skills": 0.05, "org_support": 0.30, "resources": 0.30}
#: Standardised path coefficients: dimension <- {predictor: coefficient}.
PATHS = {
    "leadership": {"org_support": 0.25, "effort_skills": 0.15},
    "objectives": {"leadership": 0.35, "task_design": 0.15},
    "participation": {"leadership": 0.35, "objectives": 0.25},
    "reflexivity": {"leadership": 0.20, "objectives": 0.20, "participation": 0.25},
    "creativity": {"participation": 0.30, "reflexivity": 0.25, "org_support": 0.10},
    "task_focus": {"objectives": 0.30, "leadership": 0.20, "reflexivity": 0.10},
    "conflict": {"participation": -0.30, "objectives": -0.15, "leadership": -0.10},
    "effectiveness": {"effort_skills": 0.18, "resources": 0.14, "objectives": 0.25, "participation": 0.20,
                      "reflexivity": 0.14, "task_design": 0.05, "org_support": 0.05, "leadership": 0.05,
                      "task_focus": 0.05, "conflict": -0.05},
    "innovation": {"reflexivity": 0.30, "creativity": 0.25, "participation": 0.15, "resources": 0.10,
                   "org_support": 0.05},
    "satisfaction": {"participation": 0.30, "leadership": 0.20, "org_support": 0.15, "effectiveness": 0.15,
                     "conflict": -0.15},
    "attachment": {"satisfaction": 0.40, "objectives": 0.15, "conflict": -0.10},
    "inter_team": {"org_support": 0.25, "conflict": -0.15, "leadership": 0.15},
}
#: Shifts of a dimension's shock by sector (standardised units; acute is the reference).
SECTOR_SHIFT = {
    "acute": {},
    "mental_health": {"reflexivity": 0.30, "participation": 0.20},
    "ambulance": {"participation": -0.35, "reflexivity": -0.35, "org_support": -0.30, "task_design": -0.20},
    "primary_care": {"resources": 0.20, "objectives": 0.15},
}
#: Relative number of teams surveyed per trust, by sector.
TEAMS_PER_TRUST_WEIGHT = {"acute": 1.4, "mental_health": 1.2, "ambulance": 0.6, "primary_care": 0.8}
MIN_TEAMS_PER_TRUST = 3
MIN_RESPONDENTS = 3

# --- measurement -----------------------------------------------------------------------------------
#: Share of a respondent's perception that is the team's true score (the latent ICC), per dimension.
ICC = {d: (0.15 if d in ("satisfaction", "attachment") else 0.25) for d in DIMENSIONS}
METHOD_TEAM = 0.05     # share of a perception that is the team's shared halo
METHOD_PERSON = 0.15   # share that is the respondent's own halo
ITEM_ERROR_VARIANCE = 0.6
ITEM_SLOPE = 0.7       # Likert points per unit of perception
#: Item mean (1-5) of an acute team with average true scores.
SCALE_MEAN = {"task_design": 3.7, "effort_skills": 3.9, "org_support": 3.2, "resources": 3.1,
              "objectives": 3.5, "participation": 3.7, "creativity": 3.5, "conflict": 2.4,
              "reflexivity": 3.4, "task_focus": 3.8, "leadership": 3.6, "satisfaction": 3.6,
              "attachment": 3.9, "effectiveness": 3.7, "inter_team": 3.4, "innovation": 3.4}
LEADER_LENIENCY = 0.3          # leaders rate their own team higher (perception units)
EXTERNAL_NOISE_VARIANCE = 0.15  # an external rater's error about the team's true effectiveness
EXTERNAL_ITEM_ERROR = 0.3
P_LEADER_NAMED = 0.85          # share of teams whose leader the trust's senior manager could name
P_EXTERNAL_RATED = 0.80        # share of teams with an external rating

# --- follow-up -------------------------------------------------------------------------------------
FOLLOWUP_DIMENSIONS = ("effectiveness", "innovation", "reflexivity")
#: Follow-up true score <- {baseline true score: coefficient} (standardised).
FOLLOWUP_PATHS = {"effectiveness": {"effectiveness": 0.55, "reflexivity": 0.20},
                  "innovation": {"innovation": 0.45, "reflexivity": 0.25},
                  "reflexivity": {"reflexivity": 0.60}}
PERSON_PERSISTENCE = 0.5  # correlation of a respondent's own view across the two waves

# --- "real team" questions (yes/no), after West & Lyubovnikova --------------------------------------
#: question -> (dimension whose perception drives it, threshold, noise SD): yes if perception + noise > threshold.
REAL_TEAM_QUESTIONS = {"rt_objectives": ("objectives", -0.5, 0.8),
                       "rt_interdependence": ("task_design", -0.8, 0.8),
                       "rt_reflection": ("reflexivity", 0.1, 0.8)}

# --- membership ------------------------------------------------------------------------------------
MEMBERSHIP = {
    "clarity_intercept": 0.3, "clarity_objectives": 0.9, "clarity_noise_sd": 0.6,
    "core_extra_rate": 0.5,       # non-responding core members per respondent (Poisson rate)
    "periphery_mean": 3.0,        # peripheral people beyond one (Poisson mean)
    "p_respondent_peripheral": 0.1,
    "member_core": (0.55, 0.40),  # P(list a core person) = a + b * clarity
    "member_periphery": (0.10, 0.45),
    "leader_core": (0.65, 0.30),
    "leader_periphery": (0.20, 0.40),
}

# --- open-ended answers and innovations ---------------------------------------------------------------
OPEN_QUESTIONS = ("innovation", "frustration", "resilience")
OPEN_QUESTION_WEIGHT = {"innovation": 1.0, "frustration": 1.4, "resilience": 0.9}
#: Log of the relative chance that an answer to the innovation question describes a new innovation, per SD
#: of the team's true innovation: a team's innovations are proportional to its innovation answers (the
#: exposure) times exp(INNOVATION_TILT x true innovation).
INNOVATION_TILT = 0.6
P_DUPLICATE_MENTION = 0.35            # an innovation answer that repeats one of the team's innovations
CATEGORIES = ("quality_of_patient_care", "administrative_effectiveness", "staff_wellbeing")
CATEGORY_PROBS = (0.55, 0.29, 0.16)
EXPERT_NOISE_SD = 0.6

FILES = {"teams": "team_teams.csv", "responses": "team_responses.csv", "followup": "team_followup.csv",
         "membership": "team_membership.csv", "open_responses": "team_open_responses.csv",
         "innovations": "team_innovations.csv"}


def item_columns(dim: str) -> list[str]:
    """The item columns of one dimension, e.g. ``objectives_01 .. objectives_03``."""
    return [f"{dim}_{j:02d}" for j in range(1, DIMENSIONS[dim][1] + 1)]


def signs(dims) -> np.ndarray:
    """+1 per dimension, -1 where a halo lowers the score (:data:`NEGATIVE`)."""
    return np.array([-1.0 if d in NEGATIVE else 1.0 for d in dims])


def model_params(icc: float | dict | None = None, method_team: float = METHOD_TEAM,
                 method_person: float = METHOD_PERSON) -> dict:
    """The measurement assumptions as keyword arguments of the truths (a single ICC is applied to every
    dimension); refuses shares that leave a respondent no view of their own."""
    if isinstance(icc, (int, float)) and not isinstance(icc, bool):
        icc = {d: float(icc) for d in DIMENSIONS}
    params = {"icc": dict(ICC if icc is None else icc), "method_team": float(method_team),
              "method_person": float(method_person)}
    person_unique(list(DIMENSIONS), **params)
    return params


def person_unique(dims, icc: dict, method_team: float, method_person: float) -> np.ndarray:
    """Each dimension's share of a perception that is the respondent's own view (what the ICC and the two
    halos leave)."""
    share = 1 - np.array([icc[d] for d in dims]) - method_team - method_person
    if (share <= 0).any() or method_team < 0 or method_person < 0:
        raise ValueError("ICC + method_team + method_person must be below 1 for every dimension, each share >= 0")
    return share
