"""Seeded teaching data for the clinical-teams chapter (substudy 5).

Respondents nested in teams nested in the 51 trusts of Table 1, row 5, with the
published counts exactly (each read with :func:`book.published.count`): 621 teams,
4604 baseline responses, 13 acute / 17 mental health / 10 ambulance / 11 primary
care trusts, 388 teams with 1299 individuals three months later, and 4976
open-ended answers from 486 teams describing 183 innovations. Six files:

* ``team_teams.csv`` -- one row per team: trust, sector, whether the trust's senior
  manager could name the team's leader, the leader's and an external rater's
  rating of the team's effectiveness (blank where there is none).
* ``team_responses.csv`` -- one row per baseline respondent: who they are in the
  team's pool of people (``person_id``), three yes/no "real team" questions, and
  their answers (1-5) to the 100 items of the 16 Aston Team Performance Inventory
  (ATPI) dimensions.
* ``team_followup.csv`` -- three months later, a subset of the same respondents in
  388 teams answer the effectiveness, innovation and reflexivity items again.
* ``team_membership.csv`` -- one row per person each respondent (and each
  identified leader) listed as a member of their team.
* ``team_open_responses.csv`` -- one row per open-ended answer, with its question
  and, for answers describing an innovation, the innovation it describes and its
  coded category.
* ``team_innovations.csv`` -- the 183 coded innovations with their category and two
  experts' ratings of their magnitude.

The generating model (every number below is a named constant of this module):

* Team level. Each team has true standardised scores ``Z`` on the 16 dimensions,
  built by a linear recursive model in :data:`GEN_ORDER`: the four inputs are
  correlated (:data:`INPUT_CORRELATION`), with part of their variance shared by
  the teams of one trust (:data:`TRUST_SHARE`); processes depend on inputs and
  earlier processes, outputs on inputs and processes (:data:`PATHS`, standardised
  path coefficients). Residual variances are set so that each ``Z`` has variance 1
  within a sector. Sectors shift some dimensions (:data:`SECTOR_SHIFT`).
* Respondent level. A respondent's perception of dimension *d* is
  ``sqrt(icc_d) Z_d + sqrt(method_team) h + u_d + sqrt(method_person) m``: the
  team's true score, a halo the whole team shares (``h``, the team-level part of
  common-method variance), the respondent's own view (``u_d``) and the
  respondent's halo across all dimensions (``m``); conflict loads negatively on
  both halos. Items add independent error (:data:`ITEM_ERROR_VARIANCE`) and are
  rounded to a 1-5 scale: ``round(SCALE_MEAN[d] + ITEM_SLOPE * (perception + e))``.
* Leaders rate the three effectiveness items like a member (sharing the team
  halo) with a leniency of :data:`LEADER_LENIENCY`; external raters see the true
  score plus their own error (:data:`EXTERNAL_NOISE_VARIANCE`) and no halo.
* Follow-up: ``Z`` of effectiveness, innovation and reflexivity three months on
  depend on baseline ``Z`` (:data:`FOLLOWUP_PATHS`); respondents keep their halo
  and, with correlation :data:`PERSON_PERSISTENCE`, their own view.
* Membership: each team has a pool of core and peripheral people; every rater
  lists themself, and each other person with a probability that rises with the
  team's clarity of membership, which rises with its clarity of objectives
  (:data:`MEMBERSHIP`).
* Open-ended answers: 486 teams (chosen at random) give 4976 answers to three
  questions (:data:`OPEN_QUESTIONS`, weighted by :data:`OPEN_QUESTION_WEIGHT`);
  the 183 innovations go to teams with probability rising with their true
  innovation score (:data:`INNOVATION_TILT`) and fall in the three categories with
  probabilities :data:`CATEGORY_PROBS`.

What is published and what is ours. Published: the counts above, the 16
dimensions (Table 1), the order of the three innovation categories (Results).
The ATPI's number of items per dimension is taken from a later publication of the
instrument (Dixon & Wellsteed 2019, Table 2; the three leadership sub-scales,
4 + 8 + 5 items, are one 17-item scale here); the paper gives no item counts and
the 2010-12 version may differ. Everything else is our assumption, because the
paper prints no coefficient, mean, variance or reliability for this substudy:
the 1-5 response scale, every path coefficient and sector shift, the ICCs (team
share of each dimension's variance), the method-variance shares, item error,
scale means, the leader's leniency and the external rater's error, the teams
per trust, at least three respondents per team, that the follow-up respondents
are a random subset of the baseline respondents of a random 388 teams, that the
open-ended answers come from baseline respondents answering up to three
questions (the paper does not say how 4976 answers arose from 486 teams), the
membership model, the category probabilities, the share of leaders a manager
could name (:data:`P_LEADER_NAMED`) and of teams with an external rating
(:data:`P_EXTERNAL_RATED`). :func:`implied_covariance` gives what each analysis
of the chapter should find under these assumptions (to first order in the
rounding; checked against 48 simulated datasets: correlations within about 0.02);
:func:`assumptions` lists them all as a table.

:data:`DEFAULT_SEED` follows the book's one rule (:mod:`book.simulate.seeds`): 2014, fixed
before any result was seen. At any seed some of the chapter's claims and intervals fail by
chance; the chapter reports which.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..data import published
from .draws import multivariate_normal

from .seeds import DEFAULT_SEED  # the rule: 2014 for every generator
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
INNOVATION_TILT = 0.6                 # log-rate of innovations per SD of true team innovation
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


def _signs(dims) -> np.ndarray:
    return np.array([-1.0 if d in NEGATIVE else 1.0 for d in dims])


# --- the team-level covariance structure --------------------------------------------------------------
def structure() -> dict:
    """Path matrix, shock covariance and within-sector covariance of the true scores ``Z`` (GEN_ORDER).

    Returns a dict with ``B`` (Z = B Z + shock), ``A`` = (I - B)^-1, ``shock_cov``
    (trust + team parts), ``trust_cov``, ``team_cov`` and ``cov`` (= A shock_cov A').
    """
    dims = GEN_ORDER
    p = len(dims)
    idx = {d: i for i, d in enumerate(dims)}
    B = np.zeros((p, p))
    for d, preds in PATHS.items():
        for q, b in preds.items():
            if idx[q] >= idx[d]:
                raise ValueError(f"path {q} -> {d} goes backwards in GEN_ORDER")
            B[idx[d], idx[q]] = b
    inp = [idx[d] for d in INPUTS]
    corr = np.full((len(inp), len(inp)), INPUT_CORRELATION)
    np.fill_diagonal(corr, 1.0)
    tau = np.array([TRUST_SHARE.get(d, 0.0) for d in INPUTS])
    trust_cov = np.zeros((p, p))
    team_cov = np.zeros((p, p))
    trust_cov[np.ix_(inp, inp)] = np.sqrt(np.outer(tau, tau)) * corr
    team_cov[np.ix_(inp, inp)] = np.sqrt(np.outer(1 - tau, 1 - tau)) * corr
    # residual variances in build order so that each Z has variance 1 within a sector
    sigma = np.zeros((p, p))
    sigma[np.ix_(inp, inp)] = trust_cov[np.ix_(inp, inp)] + team_cov[np.ix_(inp, inp)]
    for i in range(len(inp), p):
        b = B[i, :i]
        explained = b @ sigma[:i, :i] @ b
        if explained >= 1:
            raise ValueError(f"paths into {dims[i]} explain more than all its variance ({explained:.2f})")
        team_cov[i, i] = 1 - explained
        sigma[i, :i] = sigma[:i, i] = sigma[:i, :i] @ b
        sigma[i, i] = 1.0
    A = np.linalg.inv(np.eye(p) - B)
    shock = trust_cov + team_cov
    return {"dims": dims, "B": B, "A": A, "trust_cov": trust_cov, "team_cov": team_cov,
            "shock_cov": shock, "cov": A @ shock @ A.T}


def sector_means() -> pd.DataFrame:
    """Mean true score ``Z`` of each sector (rows) on each dimension (columns, GEN_ORDER)."""
    s = structure()
    rows = {}
    for sector in SECTORS:
        delta = np.array([SECTOR_SHIFT[sector].get(d, 0.0) for d in s["dims"]])
        rows[sector] = s["A"] @ delta
    return pd.DataFrame(rows, index=s["dims"]).T


def _followup_matrix(dims) -> np.ndarray:
    C = np.zeros((len(FOLLOWUP_DIMENSIONS), len(dims)))
    for i, d in enumerate(FOLLOWUP_DIMENSIONS):
        for q, b in FOLLOWUP_PATHS[d].items():
            C[i, dims.index(q)] = b
    return C


def _icc_vector(dims, icc) -> np.ndarray:
    return np.array([icc[d] for d in dims])


def _person_unique(dims, icc, method_team, method_person) -> np.ndarray:
    v = 1 - _icc_vector(dims, icc) - method_team - method_person
    if (v <= 0).any():
        raise ValueError("ICC + method_team + method_person must be below 1 for every dimension")
    return v


def _item_moments(means: np.ndarray, shares: np.ndarray, var: float) -> tuple[float, float]:
    """Slope and variance of a rounded 1-5 item whose latent value is a mixture of normals.

    ``means`` are the sector means of the latent value on the 1-5 scale, ``shares`` the
    sectors' weights and ``var`` its within-sector variance. The slope is
    ``E[g'(Y)]``, the sum of the latent density at the cut points 1.5, ..., 4.5: by
    Stein's lemma the rounded item's covariance with anything jointly normal with the
    latent value is the slope times the latent covariance, so rounding and the
    piling-up of answers at 1 and 5 shrink covariances by this factor.
    """
    cuts = np.arange(LIKERT[0], LIKERT[1]) + 0.5
    sd = np.sqrt(var)
    z = (cuts[None, :] - means[:, None]) / sd
    slope = float(shares @ (stats.norm.pdf(z) / sd).sum(axis=1))
    cdf = stats.norm.cdf(z)
    probs = shares @ np.diff(np.c_[np.zeros(len(means)), cdf, np.ones(len(means))], axis=1)
    values = np.arange(LIKERT[0], LIKERT[1] + 1)
    mean = probs @ values
    return slope, float(probs @ values**2 - mean**2)


def implied_covariance(teams: pd.DataFrame, icc: dict | None = None, method_team: float = METHOD_TEAM,
                       method_person: float = METHOD_PERSON, latent: bool = False) -> pd.DataFrame:
    """Covariance across teams of the team-level variables the chapter analyses, implied by the model.

    Parameters
    ----------
    teams : DataFrame
        The teams analysed, with ``sector``, ``n_baseline`` (baseline respondents) and,
        for follow-up variables, ``n_followup`` (0 if the team was not followed up).
        Team sizes enter as the mean of 1/n; sector shares set the between-sector part.
    latent : bool
        If True, the covariance of the true scores only (no halo, no respondent or
        item error, no rounding): what the analyses would see with perfect measurement.

    Returns
    -------
    DataFrame
        Covariance (1-5 scale units) of the 16 baseline team means (named by
        dimension), ``leader_effectiveness``, ``external_effectiveness`` and the
        follow-up team means ``fu_effectiveness``, ``fu_innovation``, ``fu_reflexivity``.
        Rounding to whole scale points is handled to first order (:func:`_item_moments`);
        what remains of it is treated as error independent between items, so the result
        is close to, not exactly, what an infinite sample would give.
    """
    icc = dict(ICC if icc is None else icc)
    # the chapter asks for the same few designs many times: cache on what the result depends on
    cols = [c for c in ("sector", "n_baseline", "n_followup") if c in teams.columns]
    key = (tuple(cols), tuple(tuple(teams[c].tolist()) for c in cols), tuple(sorted(icc.items())),
           float(method_team), float(method_person), bool(latent))
    if key not in _IMPLIED_CACHE:
        _IMPLIED_CACHE[key] = _implied_covariance(teams, icc, method_team, method_person, latent)
    return _IMPLIED_CACHE[key].copy()


_IMPLIED_CACHE: dict = {}


def _implied_covariance(teams: pd.DataFrame, icc: dict, method_team: float, method_person: float,
                        latent: bool) -> pd.DataFrame:
    s = structure()
    dims = s["dims"]
    C = _followup_matrix(dims)
    # within-sector covariance of [Z, Z2]
    zw = s["cov"]
    psi2 = 1 - np.einsum("ij,jk,ik->i", C, zw, C)
    full_w = np.block([[zw, zw @ C.T], [C @ zw, C @ zw @ C.T + np.diag(psi2)]])
    # between-sector part, weighted by the teams' sector shares
    means = sector_means()[dims].to_numpy()
    means_full = np.hstack([means, means @ C.T])
    share = teams["sector"].value_counts(normalize=True).reindex(SECTORS, fill_value=0).to_numpy()
    centred = means_full - share @ means_full
    full = full_w + (centred * share[:, None]).T @ centred
    fu_dims = list(FOLLOWUP_DIMENSIONS)
    all_dims = dims + fu_dims
    root = np.sqrt(_icc_vector(all_dims, icc))
    construct = full * np.outer(root, root)
    eff = dims.index("effectiveness")
    nb = len(dims)
    names = dims + ["leader_effectiveness", "external_effectiveness"] + [f"fu_{d}" for d in fu_dims]
    order = list(range(nb)) + [eff, eff] + list(range(nb, len(all_dims)))
    lead, ext = nb, nb + 1
    cov = construct[np.ix_(order, order)].copy()
    if latent:
        return pd.DataFrame(cov * ITEM_SLOPE**2, index=names, columns=names)
    sign = _signs(all_dims)[order]
    halo = method_team * np.outer(sign, sign)
    halo[ext, :] = halo[:, ext] = 0.0  # the external rater shares no halo
    cov += halo
    # how each variable's items behave: latent sector means, within-sector variance, items per rater
    v_u = _person_unique(all_dims, icc, method_team, method_person)[order]
    base_dim = [all_dims[i] for i in order]
    sector_latent = (means_full * root)[:, order]
    sector_latent[:, lead] += LEADER_LENIENCY
    person_var = np.ones(len(names))                       # within-sector perception variance
    person_var[ext] = icc["effectiveness"] + EXTERNAL_NOISE_VARIANCE
    err = np.full(len(names), ITEM_ERROR_VARIANCE)
    err[ext] = EXTERNAL_ITEM_ERROR
    n_items = np.array([DIMENSIONS[d][1] for d in base_dim], dtype=float)
    n_items[[lead, ext]] = 3
    slope, item_noise = np.zeros(len(names)), np.zeros(len(names))
    for i, d in enumerate(base_dim):
        likert_means = SCALE_MEAN[d] + ITEM_SLOPE * sector_latent[:, i]
        slope[i], var_g = _item_moments(likert_means, share, ITEM_SLOPE**2 * (person_var[i] + err[i]))
        total_perception = person_var[i] + share @ (sector_latent[:, i] - share @ sector_latent[:, i]) ** 2
        item_noise[i] = var_g - (slope[i] * ITEM_SLOPE) ** 2 * total_perception
    # respondent-level covariance of perceptions (beyond the team's), in perception units
    person = np.diag(v_u) + method_person * np.outer(sign, sign)
    n1 = teams["n_baseline"].to_numpy(dtype=float)
    noise = np.zeros_like(cov)
    noise[:nb, :nb] = np.mean(1 / n1) * person[:nb, :nb]
    noise[lead, lead] = v_u[lead] + method_person
    noise[ext, ext] = EXTERNAL_NOISE_VARIANCE
    extra = np.zeros(len(names))                           # item noise, already on the 1-5 scale
    extra[:nb] = np.mean(1 / n1) * item_noise[:nb] / n_items[:nb]
    extra[[lead, ext]] = item_noise[[lead, ext]] / 3
    f = slice(nb + 2, len(names))
    if "n_followup" in teams and (teams["n_followup"] > 0).any():
        fu = teams[teams["n_followup"] > 0]
        inv2 = np.mean(1 / fu["n_followup"].to_numpy(dtype=float))
        noise[f, f] = inv2 * person[f, f]
        extra[f] = inv2 * item_noise[f] / n_items[f]
        # follow-up respondents are baseline respondents: their halo and part of their own view persist
        cross = method_person * np.outer(sign[:nb], sign[f])
        for j, d in enumerate(fu_dims):
            cross[dims.index(d), j] += PERSON_PERSISTENCE * v_u[dims.index(d)]
        noise[:nb, f] = np.mean(1 / fu["n_baseline"].to_numpy(dtype=float)) * cross
        noise[f, :nb] = noise[:nb, f].T
    out = (cov + noise) * ITEM_SLOPE**2 * np.outer(slope, slope) + np.diag(extra)
    return pd.DataFrame(out, index=names, columns=names)


def expected_scale_means(icc: dict | None = None) -> pd.DataFrame:
    """Expected item mean (1-5) of a team in each sector (rows) on each dimension (columns).

    Exact for the rounded items: the mean of the rounded value of a normal latent
    answer whose mean is the sector's and whose variance is a respondent's.
    """
    icc = dict(ICC if icc is None else icc)
    sm = sector_means()
    values = np.arange(LIKERT[0], LIKERT[1] + 1)
    cuts = values[:-1] + 0.5
    sd = ITEM_SLOPE * np.sqrt(1 + ITEM_ERROR_VARIANCE)
    out = {}
    for d in DIMENSIONS:
        m = SCALE_MEAN[d] + ITEM_SLOPE * np.sqrt(icc[d]) * sm[d].to_numpy()
        cdf = stats.norm.cdf((cuts[None, :] - m[:, None]) / sd)
        probs = np.diff(np.c_[np.zeros(len(m)), cdf, np.ones(len(m))], axis=1)
        out[d] = probs @ values
    return pd.DataFrame(out, index=sm.index)


def expected_regression(cov: pd.DataFrame, outcome: str, predictors: list[str]) -> pd.DataFrame:
    """Standardised coefficients and R^2 that OLS converges to under a covariance matrix.

    Returns ``predictor, std_beta`` with ``r2`` in ``attrs``.
    """
    sxx = cov.loc[predictors, predictors].to_numpy()
    sxy = cov.loc[predictors, outcome].to_numpy()
    b = np.linalg.solve(sxx, sxy)
    sd = np.sqrt(np.diag(sxx))
    std = b * sd / np.sqrt(cov.at[outcome, outcome])
    out = pd.DataFrame({"predictor": predictors, "std_beta": std})
    out.attrs["r2"] = float(sxy @ b / cov.at[outcome, outcome])
    return out


def adjusted_group_size(n: np.ndarray) -> float:
    """The one-way ANOVA's adjusted mean group size k0 = (N - sum(n^2)/N) / (J - 1)."""
    n = np.asarray(n, dtype=float)
    return float((n.sum() - (n**2).sum() / n.sum()) / (len(n) - 1))


def expected_reliability(teams: pd.DataFrame, icc: dict | None = None, method_team: float = METHOD_TEAM,
                         method_person: float = METHOD_PERSON) -> pd.DataFrame:
    """What the aggregation statistics should find for each dimension under the model.

    ``teams`` as for :func:`implied_covariance`. Returns ``dimension, n_items, alpha,
    icc1, icc2, rwg_j``: Cronbach's alpha across respondents; ICC(1) and ICC(2) of the
    scale score (ICC(2) at the ANOVA's adjusted group size k0); and James, Demaree &
    Wolf's r_wg(j) at the expected within-team item variance (uniform null, 5 options).
    All to first order in the rounding, as in :func:`implied_covariance`.
    """
    icc = dict(ICC if icc is None else icc)
    latent = implied_covariance(teams, icc, method_team, method_person, latent=True) / ITEM_SLOPE**2
    share = teams["sector"].value_counts(normalize=True).reindex(SECTORS, fill_value=0).to_numpy()
    sm = sector_means()
    k0 = adjusted_group_size(teams["n_baseline"].to_numpy())
    null_var = ((LIKERT[1] - LIKERT[0] + 1) ** 2 - 1) / 12
    rows = []
    for d in DIMENSIONS:
        k = DIMENSIONS[d][1]
        sector_latent = np.sqrt(icc[d]) * sm[d].to_numpy()
        slope, var_g = _item_moments(SCALE_MEAN[d] + ITEM_SLOPE * sector_latent, share,
                                     ITEM_SLOPE**2 * (1 + ITEM_ERROR_VARIANCE))
        team_part = latent.at[d, d] + method_team                      # perception units
        v_u = 1 - icc[d] - method_team - method_person
        lin = (slope * ITEM_SLOPE) ** 2
        item_cov = lin * (team_part + v_u + method_person)
        alpha = k * item_cov / (var_g + (k - 1) * item_cov)
        scale_total = (var_g + (k - 1) * item_cov) / k
        between = lin * team_part
        icc1 = between / scale_total
        icc2 = between / (between + (scale_total - between) / k0)
        ratio = (var_g - between) / null_var
        rwg = max(0.0, k * (1 - ratio) / (k * (1 - ratio) + ratio))
        rows.append({"dimension": d, "n_items": k, "alpha": alpha, "icc1": icc1, "icc2": icc2, "rwg_j": rwg})
    return pd.DataFrame(rows)


# --- simulation ----------------------------------------------------------------------------------------
def _exact_allocation(rng, total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Counts >= minimum summing exactly to total, the excess allocated multinomially by weights."""
    extra = total - minimum * len(weights)
    if extra < 0:
        raise ValueError(f"cannot give {len(weights)} units at least {minimum} each out of {total}")
    return minimum + rng.multinomial(extra, weights / weights.sum())


def _trusts() -> pd.DataFrame:
    counts = {s: published.count(SECTOR_COUNT_IDS[s]) for s in SECTORS}
    if sum(counts.values()) != published.count("team_trusts"):
        raise ValueError("the published trusts by sector do not add up to the published total")
    rows = [(f"{SECTOR_PREFIX[s]}{i:02d}", s) for s in SECTORS for i in range(1, counts[s] + 1)]
    return pd.DataFrame(rows, columns=["trust_id", "sector"])


def _likert(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), *LIKERT).astype(int)


def model_params(icc: float | dict | None = None, method_team: float = METHOD_TEAM,
                 method_person: float = METHOD_PERSON) -> dict:
    """The measurement assumptions as keyword arguments of :func:`implied_covariance` (a single ICC is
    applied to every dimension)."""
    if isinstance(icc, (int, float)):
        icc = {d: float(icc) for d in DIMENSIONS}
    return {"icc": dict(ICC if icc is None else icc), "method_team": method_team, "method_person": method_person}


def simulate(seed: int = DEFAULT_SEED, icc: float | dict | None = None, method_team: float = METHOD_TEAM,
             method_person: float = METHOD_PERSON) -> dict[str, pd.DataFrame]:
    """Simulate every dataset of the chapter.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.default_rng`` that drives every draw.
    icc : float or dict, optional
        Latent team share of each dimension's variance (one number for all, or per
        dimension); default :data:`ICC`.
    method_team, method_person : float
        Shares of a perception that are the team's shared halo and the respondent's
        own halo (common-method variance).

    Returns
    -------
    dict
        ``teams, responses, followup, membership, open_responses, innovations``
        (columns as in ``data/datapackage.json``) and ``truth``: each team's true
        scores (not written to disk; for checking the analyses).
    """
    icc = model_params(icc)["icc"]
    _person_unique(list(DIMENSIONS), icc, method_team, method_person)  # fail early on impossible shares
    rng = np.random.default_rng(seed)
    s = structure()
    dims = s["dims"]
    p = len(dims)

    # trusts and teams -------------------------------------------------------------------------
    trusts = _trusts()
    n_teams = published.count("teams")
    w = trusts["sector"].map(TEAMS_PER_TRUST_WEIGHT).to_numpy() * rng.gamma(4.0, 0.25, len(trusts))
    per_trust = _exact_allocation(rng, n_teams, w, MIN_TEAMS_PER_TRUST)
    teams = trusts.loc[trusts.index.repeat(per_trust)].reset_index(drop=True)
    teams.insert(0, "team_id", [f"T{i:04d}" for i in range(1, n_teams + 1)])
    n_resp = _exact_allocation(rng, published.count("team_responses"), rng.gamma(2.0, 1.0, n_teams),
                               MIN_RESPONDENTS)

    # true team scores Z (GEN_ORDER) ---------------------------------------------------------------
    trust_shock = multivariate_normal(rng, np.zeros(p), s["trust_cov"], size=len(trusts))
    team_shock = multivariate_normal(rng, np.zeros(p), s["team_cov"], size=n_teams)
    delta = np.array([[SECTOR_SHIFT[sec].get(d, 0.0) for d in dims] for sec in teams["sector"]])
    trust_row = trusts.reset_index().set_index("trust_id").loc[teams["trust_id"], "index"].to_numpy()
    Z = (trust_shock[trust_row] + team_shock + delta) @ s["A"].T
    C = _followup_matrix(dims)
    psi2 = 1 - np.einsum("ij,jk,ik->i", C, s["cov"], C)
    Z2 = Z @ C.T + rng.standard_normal((n_teams, len(FOLLOWUP_DIMENSIONS))) * np.sqrt(psi2)
    halo = rng.standard_normal(n_teams)

    # baseline respondents --------------------------------------------------------------------------
    order = list(DIMENSIONS)
    zi = [dims.index(d) for d in order]
    root = np.sqrt(_icc_vector(order, icc))
    sign = _signs(order)
    v_u = _person_unique(order, icc, method_team, method_person)
    team_of = np.repeat(np.arange(n_teams), n_resp)
    n_total = len(team_of)
    u = rng.standard_normal((n_total, len(order))) * np.sqrt(v_u)
    m = rng.standard_normal(n_total)
    perception = (Z[team_of][:, zi] * root + np.sqrt(method_team) * halo[team_of, None] * sign
                  + u + np.sqrt(method_person) * m[:, None] * sign)
    means = np.array([SCALE_MEAN[d] for d in order])
    item_blocks = []
    for j, d in enumerate(order):
        k = DIMENSIONS[d][1]
        e = rng.standard_normal((n_total, k)) * np.sqrt(ITEM_ERROR_VARIANCE)
        item_blocks.append(_likert(means[j] + ITEM_SLOPE * (perception[:, [j]] + e)))
    items = np.hstack(item_blocks)
    item_cols = [c for d in order for c in item_columns(d)]
    real = {}
    for q, (d, thr, sd) in REAL_TEAM_QUESTIONS.items():
        real[q] = (perception[:, order.index(d)] + sd * rng.standard_normal(n_total) > thr).astype(int)

    # membership pools and lists --------------------------------------------------------------------
    mp = MEMBERSHIP
    clarity = 1 / (1 + np.exp(-(mp["clarity_intercept"] + mp["clarity_objectives"] * Z[:, dims.index("objectives")]
                                + mp["clarity_noise_sd"] * rng.standard_normal(n_teams))))
    leader_named = rng.random(n_teams) < P_LEADER_NAMED
    person_ids = np.empty(n_total, dtype=object)
    member_rows = []
    start = 0
    for t in range(n_teams):
        n = n_resp[t]
        n_periph_resp = min(rng.binomial(n, mp["p_respondent_peripheral"]), n)
        n_core = (n - n_periph_resp) + rng.poisson(mp["core_extra_rate"] * n)
        n_periph = max(n_periph_resp, 1 + rng.poisson(mp["periphery_mean"]))
        pool = n_core + n_periph
        is_core = np.r_[np.ones(n_core, bool), np.zeros(n_periph, bool)]
        labels = rng.permutation(pool)  # person codes do not reveal core or periphery
        code = np.array([f"P{x + 1:02d}" for x in labels])
        resp_person = np.r_[rng.choice(n_core, n - n_periph_resp, replace=False),
                            n_core + rng.choice(n_periph, n_periph_resp, replace=False)]
        rng.shuffle(resp_person)
        person_ids[start:start + n] = code[resp_person]
        raters = [(f"R{start + i + 1:05d}", resp_person[i], "member") for i in range(n)]
        if leader_named[t]:
            raters.append(("leader", -1, "leader"))
        for rater_id, self_idx, role in raters:
            a_c, b_c = mp[f"{role}_core"]
            a_p, b_p = mp[f"{role}_periphery"]
            prob = np.where(is_core, a_c + b_c * clarity[t], a_p + b_p * clarity[t])
            listed = rng.random(pool) < prob
            if self_idx >= 0:
                listed[self_idx] = True
            for x in np.flatnonzero(listed):
                member_rows.append((f"T{t + 1:04d}", rater_id, code[x]))
        start += n
    membership = pd.DataFrame(member_rows, columns=["team_id", "rater_id", "person_id"])
    membership = membership.sort_values(["team_id", "rater_id", "person_id"], ignore_index=True)

    responses = pd.DataFrame(items, columns=item_cols)
    responses.insert(0, "respondent_id", [f"R{i:05d}" for i in range(1, n_total + 1)])
    responses.insert(1, "team_id", teams["team_id"].to_numpy()[team_of])
    responses.insert(2, "person_id", person_ids)
    for j, q in enumerate(REAL_TEAM_QUESTIONS):
        responses.insert(3 + j, q, real[q])

    # leader and external ratings ---------------------------------------------------------------------
    eff = order.index("effectiveness")
    eff_z = Z[:, dims.index("effectiveness")]
    leader_perc = (root[eff] * eff_z + np.sqrt(method_team) * halo + rng.standard_normal(n_teams) * np.sqrt(v_u[eff])
                   + np.sqrt(method_person) * rng.standard_normal(n_teams) + LEADER_LENIENCY)
    leader_items = _likert(SCALE_MEAN["effectiveness"] + ITEM_SLOPE * (
        leader_perc[:, None] + rng.standard_normal((n_teams, 3)) * np.sqrt(ITEM_ERROR_VARIANCE)))
    ext_perc = root[eff] * eff_z + rng.standard_normal(n_teams) * np.sqrt(EXTERNAL_NOISE_VARIANCE)
    ext_items = _likert(SCALE_MEAN["effectiveness"] + ITEM_SLOPE * (
        ext_perc[:, None] + rng.standard_normal((n_teams, 3)) * np.sqrt(EXTERNAL_ITEM_ERROR)))
    ext_rated = rng.random(n_teams) < P_EXTERNAL_RATED
    teams["leader_identified"] = leader_named.astype(int)
    teams["leader_effectiveness"] = np.where(leader_named, leader_items.mean(axis=1), np.nan)
    teams["external_effectiveness"] = np.where(ext_rated, ext_items.mean(axis=1), np.nan)

    # follow-up -------------------------------------------------------------------------------------------
    n_fu_teams, n_fu_people = published.count("teams_followup"), published.count("team_followup_individuals")
    fu_teams = np.sort(rng.choice(n_teams, n_fu_teams, replace=False))
    # beyond one respondent per team, the extra follow-up respondents are a random draw of the spare places
    spare = n_resp[fu_teams] - 1
    extra_slots = rng.choice(spare.sum(), n_fu_people - n_fu_teams, replace=False)
    extra = np.bincount(np.searchsorted(np.cumsum(spare), extra_slots, side="right"), minlength=n_fu_teams)
    n_fu = 1 + extra
    first = np.r_[0, np.cumsum(n_resp)[:-1]]
    fu_people = np.concatenate([first[t] + np.sort(rng.choice(n_resp[t], k, replace=False))
                                for t, k in zip(fu_teams, n_fu)])
    fu_dims = list(FOLLOWUP_DIMENSIONS)
    fi = [order.index(d) for d in fu_dims]
    t_fu = team_of[fu_people]
    u2 = (PERSON_PERSISTENCE * u[fu_people][:, fi]
          + np.sqrt(1 - PERSON_PERSISTENCE**2) * rng.standard_normal((len(fu_people), len(fi))) * np.sqrt(v_u[fi]))
    perc2 = (Z2[t_fu] * root[fi] + np.sqrt(method_team) * halo[t_fu, None] * sign[fi] + u2
             + np.sqrt(method_person) * m[fu_people, None] * sign[fi])
    fu_blocks = []
    for j, d in enumerate(fu_dims):
        k = DIMENSIONS[d][1]
        e = rng.standard_normal((len(fu_people), k)) * np.sqrt(ITEM_ERROR_VARIANCE)
        fu_blocks.append(_likert(SCALE_MEAN[d] + ITEM_SLOPE * (perc2[:, [j]] + e)))
    followup = pd.DataFrame(np.hstack(fu_blocks), columns=[c for d in fu_dims for c in item_columns(d)])
    followup.insert(0, "respondent_id", responses["respondent_id"].to_numpy()[fu_people])
    followup.insert(1, "team_id", responses["team_id"].to_numpy()[fu_people])

    # open-ended answers and innovations -------------------------------------------------------------------
    n_open_teams, n_open = published.count("team_open_teams"), published.count("team_open_responses")
    open_teams = np.sort(rng.choice(n_teams, n_open_teams, replace=False))
    people = np.concatenate([first[t] + np.arange(n_resp[t]) for t in open_teams])
    slot_person = np.repeat(people, len(OPEN_QUESTIONS))
    slot_q = np.tile(np.arange(len(OPEN_QUESTIONS)), len(people))
    wq = np.array([OPEN_QUESTION_WEIGHT[q] for q in OPEN_QUESTIONS])[slot_q]
    chosen = np.zeros(len(slot_person), bool)
    chosen[rng.choice(len(slot_person), n_open, replace=False, p=wq / wq.sum())] = True
    # every one of the 486 teams answered something: move answers from the best-covered teams if needed
    slot_team = team_of[slot_person]
    for t in open_teams:
        if not chosen[slot_team == t].any():
            donors = np.flatnonzero(chosen)
            # the best-covered team; among equals the lowest index (a plain value_counts orders ties
            # by numpy's sort, which differs between CPUs)
            teams_, counts = np.unique(slot_team[donors], return_counts=True)
            donor_team = teams_[np.argmax(counts)]
            chosen[rng.choice(donors[slot_team[donors] == donor_team])] = False
            chosen[rng.choice(np.flatnonzero(slot_team == t))] = True
    sel = np.flatnonzero(chosen)
    open_df = pd.DataFrame({"team_idx": slot_team[sel], "person": slot_person[sel],
                            "question": np.array(OPEN_QUESTIONS)[slot_q[sel]]})
    open_df["innovation_id"] = ""
    innov_z = Z[:, dims.index("innovation")]
    innov_answers = open_df.index[open_df["question"] == "innovation"].to_numpy()
    # teams in index order (value_counts would order teams with equal counts differently on each CPU)
    cap_teams, capacity = np.unique(open_df.loc[innov_answers, "team_idx"].to_numpy(), return_counts=True)
    owner = []
    weights = np.exp(INNOVATION_TILT * innov_z[cap_teams])
    for _ in range(published.count("team_innovations")):
        wv = weights * (capacity > 0)
        j = rng.choice(len(cap_teams), p=wv / wv.sum())
        capacity[j] -= 1
        owner.append(cap_teams[j])
    owner = np.array(owner)
    n_innov = len(owner)
    innovations = pd.DataFrame({"innovation_id": [f"I{i:03d}" for i in range(1, n_innov + 1)],
                                "team_idx": owner})
    innovations = innovations.sort_values(["team_idx", "innovation_id"], kind="stable", ignore_index=True)
    innovations["innovation_id"] = [f"I{i:03d}" for i in range(1, n_innov + 1)]
    innovations["category"] = np.array(CATEGORIES)[rng.choice(len(CATEGORIES), n_innov, p=CATEGORY_PROBS)]
    magnitude = rng.standard_normal(n_innov)
    for e in ("expert_1", "expert_2"):
        innovations[e] = _likert(3 + 0.8 * magnitude + EXPERT_NOISE_SD * rng.standard_normal(n_innov))
    for t, grp in open_df.loc[innov_answers].groupby("team_idx"):
        ids = innovations.loc[innovations["team_idx"] == t, "innovation_id"].to_list()
        answers = rng.permutation(grp.index.to_numpy())
        for a, iid in zip(answers, ids):
            open_df.at[a, "innovation_id"] = iid
        for a in answers[len(ids):]:
            if ids and rng.random() < P_DUPLICATE_MENTION:
                open_df.at[a, "innovation_id"] = ids[rng.integers(len(ids))]
    cat = innovations.set_index("innovation_id")["category"]
    open_df["category"] = open_df["innovation_id"].map(cat).fillna("")
    open_df = open_df.sort_values(["person", "question"], ignore_index=True)
    open_responses = pd.DataFrame({
        "response_id": [f"A{i:05d}" for i in range(1, len(open_df) + 1)],
        "team_id": teams["team_id"].to_numpy()[open_df["team_idx"]],
        "respondent_id": responses["respondent_id"].to_numpy()[open_df["person"]],
        "question": open_df["question"], "innovation_id": open_df["innovation_id"],
        "category": open_df["category"]})
    innovations.insert(1, "team_id", teams["team_id"].to_numpy()[innovations.pop("team_idx")])

    truth = pd.DataFrame(Z, columns=dims)[order]
    truth = pd.concat([truth, pd.DataFrame(Z2, columns=[f"fu_{d}" for d in fu_dims])], axis=1)
    truth.insert(0, "team_id", teams["team_id"])
    truth["halo"] = halo
    truth["membership_clarity"] = clarity
    return {"teams": teams, "responses": responses, "followup": followup, "membership": membership,
            "open_responses": open_responses, "innovations": innovations, "truth": truth}


def to_csv_texts(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """File name -> CSV text (ratings at 3 decimals, so the bytes are the same on every machine)."""
    out = {}
    for key, name in FILES.items():
        df = frames[key].copy()
        for col in ("leader_effectiveness", "external_effectiveness"):
            if col in df:
                df[col] = [("" if np.isnan(v) else f"{v:.3f}") for v in df[col]]
        out[name] = df.to_csv(index=False, lineterminator="\n")
    return out


def assumptions(icc: float | dict | None = None, method_team: float = METHOD_TEAM,
                method_person: float = METHOD_PERSON) -> pd.DataFrame:
    """Every number the generator uses that the paper does not print: ``assumption, value, basis``."""
    m = model_params(icc, method_team, method_person)
    iccs = sorted(set(m["icc"].values()))
    rows = [
        ("items per dimension", ", ".join(f"{LABELS[d]} {k}" for d, (_, k) in DIMENSIONS.items()),
         "Dixon & Wellsteed 2019, Table 2 (a later ATPI; leadership = 4 + 8 + 5)"),
        ("answer scale", f"{LIKERT[0]}-{LIKERT[1]}, rounded from a normal latent answer", "ours"),
        ("item means of an average acute team", ", ".join(f"{LABELS[d]} {v}" for d, v in SCALE_MEAN.items()), "ours"),
        ("latent ICC (team share of a perception)", " / ".join(f"{v:.2f}" for v in iccs)
         + ("" if len(iccs) == 1 else " (satisfaction, attachment / the rest)"), "ours"),
        ("team halo share (team-level common-method variance)", f"{m['method_team']:.2f}", "ours"),
        ("respondent halo share", f"{m['method_person']:.2f}", "ours"),
        ("item error variance (perception variance = 1)", f"{ITEM_ERROR_VARIANCE}", "ours"),
        ("scale points per unit of perception", f"{ITEM_SLOPE}", "ours"),
        ("correlation among the four inputs", f"{INPUT_CORRELATION}", "ours"),
        ("share of an input's variance common to a trust",
         ", ".join(f"{LABELS[d]} {v}" for d, v in TRUST_SHARE.items()), "ours"),
        ("paths into effectiveness (standardised)",
         ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in PATHS["effectiveness"].items()), "ours"),
        ("paths into innovation (standardised)",
         ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in PATHS["innovation"].items()), "ours"),
        ("other paths", "; ".join(f"{LABELS[d]} <- " + ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in p.items())
                                  for d, p in PATHS.items() if d not in ("effectiveness", "innovation")), "ours"),
        ("sector shifts (SD units, acute = 0)", "; ".join(f"{s}: " + ", ".join(f"{LABELS[d]} {v:+.2f}" for d, v in
                                                                           SECTOR_SHIFT[s].items())
                                                      for s in SECTORS if SECTOR_SHIFT[s]), "ours"),
        ("follow-up paths", "; ".join(f"{LABELS[d]} <- " + ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in p.items())
                                      for d, p in FOLLOWUP_PATHS.items()), "ours"),
        ("persistence of a respondent's own view across waves", f"{PERSON_PERSISTENCE}", "ours"),
        ("teams per trust (relative, by sector); at least", ", ".join(f"{s} {v}" for s, v in
                                                                      TEAMS_PER_TRUST_WEIGHT.items())
         + f"; {MIN_TEAMS_PER_TRUST} teams", "ours"),
        ("respondents per team, at least", f"{MIN_RESPONDENTS}", "ours"),
        ("leader's leniency; external rater's error variance", f"{LEADER_LENIENCY}; {EXTERNAL_NOISE_VARIANCE}", "ours"),
        ("share of leaders the senior manager could name", f"{P_LEADER_NAMED}", "ours"),
        ("share of teams with an external rating", f"{P_EXTERNAL_RATED}", "ours"),
        ("who was followed up", f"a random {published.count('teams_followup')} teams, a random subset of their "
         "baseline respondents", "ours"),
        ("where the open-ended answers come from", f"baseline respondents of a random "
         f"{published.count('team_open_teams')} teams, up to {len(OPEN_QUESTIONS)} questions "
         "(" + ", ".join(f"{q} weight {w}" for q, w in OPEN_QUESTION_WEIGHT.items()) + ")", "ours"),
        ("innovation categories (probabilities)", ", ".join(f"{c} {p}" for c, p in zip(CATEGORIES, CATEGORY_PROBS)),
         "ours; order as published"),
        ("innovations per team", f"rate rising by a factor e^{INNOVATION_TILT} per SD of true innovation", "ours"),
        ("membership: P(list a core / peripheral person)",
         f"members {MEMBERSHIP['member_core'][0]} + {MEMBERSHIP['member_core'][1]} x clarity / "
         f"{MEMBERSHIP['member_periphery'][0]} + {MEMBERSHIP['member_periphery'][1]} x clarity; leaders "
         f"{MEMBERSHIP['leader_core'][0]} + {MEMBERSHIP['leader_core'][1]} x clarity / "
         f"{MEMBERSHIP['leader_periphery'][0]} + {MEMBERSHIP['leader_periphery'][1]} x clarity", "ours"),
        ("membership clarity", f"logistic({MEMBERSHIP['clarity_intercept']} + {MEMBERSHIP['clarity_objectives']} x "
         f"true objectives + noise SD {MEMBERSHIP['clarity_noise_sd']})", "ours"),
        ("'real team' questions", "; ".join(f"{q}: yes if {LABELS[d]} perception + N(0, {sd}) > {t}"
                                            for q, (d, t, sd) in REAL_TEAM_QUESTIONS.items()), "ours"),
    ]
    return pd.DataFrame(rows, columns=["assumption", "value", "basis"])


def resources(seed: int = DEFAULT_SEED) -> list[dict]:
    """The data-dictionary entries (``data/datapackage.json`` resources) of this module's six files."""
    prov = {"kind": "simulated", "generator": "book.simulate.teams", "seed": seed,
            "command": "python -m book data teams",
            "calibrated_to": "Table 1 row 5 and Results counts (621 teams, 4604 responses, 51 trusts by sector, "
                             "388 teams / 1299 individuals at 3 months, 486 teams / 4976 open-ended answers / "
                             "183 innovations) and the published order of the innovation categories",
            "assumptions": [
                "ATPI item counts per dimension from Dixon & Wellsteed 2019 (Table 2); 1-5 answer scale",
                "every path coefficient, sector shift, ICC, method-variance share, item error and scale mean "
                "(named constants of book.simulate.teams); the paper prints none",
                "at least 3 respondents per team; follow-up respondents a random subset of baseline respondents "
                "of a random 388 teams",
                "open-ended answers: baseline respondents of a random 486 teams answering up to three questions",
                "membership lists from a pool of core and peripheral people per team, listing probability rising "
                "with clarity of objectives"]}
    team = {"name": "team_id", "type": "string", "description": "simulated team identifier",
            "constraints": {"required": True, "pattern": "^T[0-9]{4}$"}}
    resp = {"name": "respondent_id", "type": "string", "description": "simulated respondent identifier",
            "constraints": {"required": True, "pattern": "^R[0-9]{5}$"}}

    def item(col: str, dim: str, j: int, k: int) -> dict:
        return {"name": col, "type": "integer", "unit": "agreement, 1 (strongly disagree) to 5 (strongly agree)",
                "description": f"answer to item {j} of {k} of the {LABELS[dim]} scale (ATPI)",
                "constraints": {"required": True, "minimum": 1, "maximum": 5}}

    def items(dims) -> list[dict]:
        return [item(c, d, j + 1, DIMENSIONS[d][1]) for d in dims for j, c in enumerate(item_columns(d))]

    rating = {"type": "number", "unit": "mean of 3 items on a 1-5 scale",
              "constraints": {"minimum": 1, "maximum": 5}}
    out = [
        {"name": "team_teams", "description": "SIMULATED clinical teams of substudy 5: trust, sector, whether the "
         "trust's senior manager could name the team leader, and leader's and external rater's effectiveness ratings. "
         "Not real NHS teams.",
         "schema": {"primaryKey": ["team_id"], "fields": [
             team,
             {"name": "trust_id", "type": "string", "description": "simulated trust (sector prefix + number)",
              "constraints": {"required": True, "pattern": "^(ACU|MEN|AMB|PCT)[0-9]{2}$"}},
             {"name": "sector", "type": "string", "description": "trust sector (Table 1, row 5)",
              "constraints": {"required": True, "enum": list(SECTORS)}},
             {"name": "leader_identified", "type": "integer",
              "description": "1 if the trust's senior manager could name the team's leader, else 0",
              "constraints": {"required": True, "enum": [0, 1]}},
             {"name": "leader_effectiveness", **rating, "description": "the leader's rating of team effectiveness "
              "(the three ATPI effectiveness items); blank where no leader was named"},
             {"name": "external_effectiveness", **rating, "description": "an external rater's rating of team "
              "effectiveness (three items); blank where the team had no external rating"}]}},
        {"name": "team_responses", "description": "SIMULATED baseline answers of 4604 team members to the 100 items "
         "of the 16 Aston Team Performance Inventory dimensions, with three yes/no 'real team' questions. Not real "
         "survey answers.",
         "schema": {"primaryKey": ["respondent_id"], "fields": [
             resp, team,
             {"name": "person_id", "type": "string", "description": "who the respondent is in the team's pool of "
              "people (the codes used in team_membership)", "constraints": {"required": True, "pattern": "^P[0-9]{2}$"}},
             {"name": "rt_objectives", "type": "integer", "description": "'my team has clear, shared objectives' "
              "(1 yes, 0 no)", "constraints": {"required": True, "enum": [0, 1]}},
             {"name": "rt_interdependence", "type": "integer", "description": "'we have to work closely together to "
              "achieve the team's objectives' (1 yes, 0 no)", "constraints": {"required": True, "enum": [0, 1]}},
             {"name": "rt_reflection", "type": "integer", "description": "'the team meets regularly to review its "
              "effectiveness and how it could improve' (1 yes, 0 no)", "constraints": {"required": True, "enum": [0, 1]}},
             *items(DIMENSIONS)]}},
        {"name": "team_followup", "description": "SIMULATED follow-up three months later: 1299 of the baseline "
         "respondents in 388 teams answer the effectiveness, innovation and reflexivity items again.",
         "schema": {"primaryKey": ["respondent_id"], "fields": [resp, team, *items(FOLLOWUP_DIMENSIONS)]}},
        {"name": "team_membership", "description": "SIMULATED membership lists: one row per person a respondent (or "
         "the team's leader) listed as a member of the team.",
         "schema": {"primaryKey": ["team_id", "rater_id", "person_id"], "fields": [
             team,
             {"name": "rater_id", "type": "string", "description": "respondent_id of the member who made the list, "
              "or 'leader'", "constraints": {"required": True, "pattern": "^(R[0-9]{5}|leader)$"}},
             {"name": "person_id", "type": "string", "description": "a person listed (code within the team)",
              "constraints": {"required": True, "pattern": "^P[0-9]{2}$"}}]}},
        {"name": "team_open_responses", "description": "SIMULATED coded answers to the survey's open-ended questions: "
         "4976 answers from 486 teams; answers to the innovation question that describe an innovation carry its "
         "identifier and category (the text itself is not simulated).",
         "schema": {"primaryKey": ["response_id"], "fields": [
             {"name": "response_id", "type": "string", "description": "answer identifier",
              "constraints": {"required": True, "pattern": "^A[0-9]{5}$"}},
             team, resp,
             {"name": "question", "type": "string", "description": "which open-ended question was answered "
              "(innovations introduced in the last six months; sources of frustration; sources of resilience)",
              "constraints": {"required": True, "enum": list(OPEN_QUESTIONS)}},
             {"name": "innovation_id", "type": "string", "description": "the innovation the answer describes "
              "(blank if none)", "constraints": {"pattern": "^I[0-9]{3}$"}},
             {"name": "category", "type": "string", "description": "coded category of that innovation (blank if none)",
              "constraints": {"enum": list(CATEGORIES)}}]}},
        {"name": "team_innovations", "description": "SIMULATED innovations coded from the open-ended answers (183), "
         "with category and two experts' ratings of their magnitude.",
         "schema": {"primaryKey": ["innovation_id"], "fields": [
             {"name": "innovation_id", "type": "string", "description": "innovation identifier",
              "constraints": {"required": True, "pattern": "^I[0-9]{3}$"}},
             team,
             {"name": "category", "type": "string", "description": "what the innovation aimed to improve",
              "constraints": {"required": True, "enum": list(CATEGORIES)}},
             *[{"name": e, "type": "integer", "unit": "1 (minor) to 5 (major)",
                "description": f"expert {e[-1]}'s rating of the innovation's magnitude",
                "constraints": {"required": True, "minimum": 1, "maximum": 5}} for e in ("expert_1", "expert_2")]]}},
    ]
    for res in out:
        res.update({"path": f"simulated/{res['name']}.csv", "format": "csv", "mediatype": "text/csv",
                    "encoding": "utf-8", "provenance": prov})
        res["schema"]["fields"] = [dict(f) for f in res["schema"]["fields"]]
    # key order as in the rest of the dictionary
    keys = ["name", "path", "format", "mediatype", "encoding", "description", "provenance", "schema"]
    return [{k: r[k] for k in keys} for r in out]


def teaching_data(seed: int = DEFAULT_SEED, icc: float | dict | None = None, method_team: float = METHOD_TEAM,
                  method_person: float = METHOD_PERSON) -> dict[str, pd.DataFrame]:
    """The six datasets: the committed files (validated) at the book's defaults, otherwise simulated in memory."""
    if (seed, icc, method_team, method_person) != (DEFAULT_SEED, None, METHOD_TEAM, METHOD_PERSON):
        fresh = simulate(seed, icc, method_team, method_person)
        return {key: fresh[key] for key in FILES}
    from ..data.datapackage import read

    return {key: read(name.rsplit(".", 1)[0]) for key, name in FILES.items()}


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this module owns, at the book's defaults."""
    return to_csv_texts(simulate(seed))
