"""Seeded teaching data for the engagement-and-outcomes chapter (substudy 4c, with 4a).

Two datasets:

* ``engagement_trust_panel.csv``: one row per trust and year, 2005-2009, for 366 trusts of four types,
  with NHS Staff Survey measures (engagement and its three dimensions, HR practices, climate, wellbeing,
  work pressure, injuries, intention to quit), trust type, size and region, and the outcomes where they
  exist (observed and expected deaths and their ratio, the HSMR; inpatient survey scores; MRSA counts
  with bed days: acute trusts only; sickness absence and turnover for all; Annual Health Check ratings
  for 2006/07-2008/09, stored against the survey years 2006-2008).
* ``engagement_respondents.csv``: 60 trusts x 25 respondents (2009) for the multilevel model of HR
  practices -> engagement, drawn from the same trusts' 2009 engagement.

The generating model (every truth is a named constant below; what each estimator converges to is in
:mod:`book.simulate.engagement_truths`):

* True engagement of trust *i* in year *t*: ``E_it = mu_type + trend (t - 2007) + a_i + s_i (t - 2007)
  + w_it``: a stable level ``a_i`` (part of which, ``-CONFOUNDER_ON_ENGAGEMENT * c_i``, comes from an
  unmeasured trust characteristic ``c_i``: residual case mix, coding depth, deprivation or local
  end-of-life provision), a trust-specific growth ``s_i`` and a yearly fluctuation ``w_it``. The survey
  measures it with sampling error of SD ``sampling_sd`` (default ``SAMPLING_SD``, none).
* Deaths: expected deaths grow with size; observed deaths are Poisson around expected x exp(latent log
  HSMR), where the latent log HSMR depends on *current true* engagement with the causal slope
  ``BETA["log_hsmr"]`` and on ``c_i`` (``CONFOUNDER_ON_HSMR``), so that between-trust associations
  overstate the causal effect; expected deaths are rebased each year so that the national HSMR is 100.
* Every other outcome depends on true engagement with slope ``BETA[outcome]`` and on type, size, region
  and year; the other staff measures are correlated with engagement (``STAFF_MEASURES``) but enter no
  outcome directly, except work pressure, which lowers two inpatient-survey items (``BETA_WORK_PRESSURE``).

Calibration (published facts in ``data/published/engagement_outcome_facts.csv``), disclosed: given as
inputs are HSMR 100 = expected (rebasing), the Annual Health Check category shares (cut at the printed
percentages, rescaled to sum to 100), the MRSA rate of 2007 and its fall, and sickness absence of 4-4.5%;
the variance components were chosen with the 2005/06 HSMR range, the engagement-mortality correlation,
the year-on-year correlation of HSMR and the high-vs-medium contrast in mind, but these vary from draw to
draw and are checked, not given. Assumptions of ours, not the paper's: the number of trusts of each type,
the four regions, every variance and coefficient, the distributions, and the absence of reverse causation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from .seeds import DEFAULT_SEED  # the rule: 2014 for every generator

YEARS = (2005, 2006, 2007, 2008, 2009)
#: Survey years whose Annual Health Check rating is stored (2006 = the 2006/07 rating).
AHC_YEARS = (2006, 2007, 2008)
AHC_CATEGORIES = ("weak", "fair", "good", "excellent")
#: Our assumed numbers of trusts by type (the paper gives none for 4c); 147 acute as in Pinder et al. 2013.
TRUST_TYPES = {"acute": 147, "mental_health": 55, "ambulance": 12, "primary_care": 152}
TYPE_PREFIX = {"acute": "ACU", "mental_health": "MEN", "ambulance": "AMB", "primary_care": "PCT"}
REGIONS = ("london", "south", "midlands_east", "north")
REGION_PROBS = (0.17, 0.28, 0.27, 0.28)
#: Mean log staff headcount by type, and its SD within type.
LOG_SIZE_MEAN = {"acute": 8.3, "mental_health": 7.7, "ambulance": 7.8, "primary_care": 7.2}
SD_LOG_SIZE = 0.40
#: Independent random streams, one per part of the generator (changing one part leaves the others' draws).
PARTS = ("trusts", "engagement", "sampling", "staff", "hsmr", "inpatient", "mrsa", "staff_outcomes", "ratings",
         "respondents")

# --- engagement ---------------------------------------------------------------------------------
ENGAGEMENT_MEAN = {"acute": 3.68, "mental_health": 3.74, "ambulance": 3.42, "primary_care": 3.72}
ENGAGEMENT_TREND = 0.02          # national change per year, scale points
SD_LEVEL = 0.12                  # between-trust SD of the stable level a_i
SD_GROWTH = 0.03                 # between-trust SD of the growth s_i, points per year
SD_FLUCTUATION = 0.04            # SD of the year-to-year fluctuation w_it
#: SD of the survey's sampling error on a trust's engagement mean (0: measured without error).
SAMPLING_SD = 0.0
#: Offsets of the three dimensions from overall engagement (they average to zero).
DIMENSION_OFFSET = {"motivation": 0.16, "involvement": -0.14, "advocacy": -0.02}
SD_DIMENSION = 0.06

# --- an unmeasured trust characteristic ----------------------------------------------------------
CONFOUNDER_ON_ENGAGEMENT = 0.06  # engagement points lower per SD of c_i
CONFOUNDER_ON_HSMR = 0.028       # log HSMR higher per SD of c_i

# --- outcomes: slope per scale point of true engagement -------------------------------------------
BETA = {
    "log_hsmr": -0.07,              # causal, within-trust (log HSMR per point)
    "inpatient_satisfaction": 6.0,  # score points (0-100) per point
    "sickness_absence_pct": -1.5,   # percentage points per point
    "turnover_pct": -4.0,           # percentage points per point
    "log_mrsa_rate": -0.9,          # log rate per point
    "ahc_quality": 4.0,             # latent logit scale per point
    "ahc_resources": 3.0,
}
#: Effect of one SD of staff work pressure on the two inpatient-survey items it lowers.
BETA_WORK_PRESSURE = {"inpatient_enough_nurses_pct": -4.0, "inpatient_info_privacy_respect": -1.5}
INPATIENT_MEAN = {"inpatient_satisfaction": 77.0, "inpatient_enough_nurses_pct": 60.0,
                  "inpatient_info_privacy_respect": 82.0}
SD_INPATIENT_NOISE = {"inpatient_enough_nurses_pct": 4.0, "inpatient_info_privacy_respect": 1.5}
SAT_SIZE, SAT_LONDON, SAT_TREND = -1.0, -2.0, 0.3   # per unit log size, London, per year
SD_SAT_TRUST, SD_SAT_YEAR = 1.8, 1.0               # persistent trust part and yearly noise of satisfaction
#: MRSA: gamma heterogeneity (NB2 alpha) persistent by trust and fresh each trust-year.
MRSA_ALPHA_TRUST = 0.10
MRSA_ALPHA = 0.10
#: MRSA per 10,000 bed days, by year (national); 2007 is the quoted rate, falling after.
MRSA_RATE = {2005: 1.60, 2006: 1.50, 2007: 1.34, 2008: 0.95, 2009: 0.68}
BED_DAYS_PER_STAFF = 60.0
#: Deaths: expected deaths per member of staff (before rebasing), and the SD of log expected around it.
EXPECTED_DEATHS_PER_STAFF = 0.35
SD_LOG_EXPECTED = 0.10
HSMR_TREND = -0.025              # national log HSMR change per year (rebased away each year)
SD_HSMR_TRUST = 0.055            # scale b of the persistent trust effect: Laplace(0, b), stretched above zero
HSMR_SKEW = 1.12                 # trust effects above zero stretched by this factor, below shrunk by its inverse
SD_HSMR_YEAR = 0.025             # year-to-year noise of the latent log HSMR (beside the Poisson noise of deaths)
HSMR_SIZE = -0.015               # log HSMR per unit of log staff headcount
HSMR_REGION = {"london": -0.04, "south": -0.01, "midlands_east": 0.01, "north": 0.03}
ABSENCE_MEAN = {"acute": 4.1, "mental_health": 4.8, "ambulance": 5.6, "primary_care": 4.2}
TURNOVER_MEAN = {"acute": 10.5, "mental_health": 11.5, "ambulance": 7.5, "primary_care": 13.0}
AHC_TYPE_EFFECT = {"acute": 0.0, "mental_health": 0.3, "ambulance": -0.3, "primary_care": -0.5}

# --- other staff-survey measures: correlation with engagement (same trust-year) ------------------
#: name -> (mean, between-trust SD, correlation with true engagement, decimals)
STAFF_MEASURES = {
    "manager_support": (3.62, 0.10, 0.75, 3),
    "appraisal_well_structured_pct": (33.0, 5.0, 0.65, 1),
    "contribute_improvements_pct": (65.0, 5.0, 0.70, 1),
    "positive_climate": (3.45, 0.12, 0.80, 3),
    "job_satisfaction": (3.55, 0.10, 0.80, 3),
    "health_wellbeing": (3.40, 0.10, 0.80, 3),
    "work_pressure": (3.05, 0.12, -0.50, 3),
    "injury_pct": (17.0, 3.0, -0.70, 1),
    "quit_intention": (2.60, 0.12, -0.70, 3),
}

# --- respondent-level sample (multilevel model) --------------------------------------------------
N_RESPONDENT_TRUSTS = 60
N_RESPONDENTS = 25
#: True within-trust effects on a respondent's engagement score.
HR_BETA = {"appraisal_well_structured": 0.20, "manager_support": 0.30, "contribute_improvements": 0.25}
#: Each trust's rate of each HR practice: its mean, and the SD of its part unrelated to engagement.
HR_RATE = {"appraisal_well_structured": (0.33, 0.08), "manager_support": (3.60, 0.15),
           "contribute_improvements": (0.65, 0.08)}
MANAGER_SUPPORT_CONCENTRATION = 5.0  # a respondent's score is 1 + 4 x Beta with this concentration
SD_RESPONDENT_ENGAGEMENT = 0.55      # SD of the respondent residual before truncation to the 1-5 scale

FILES = {"panel": "engagement_trust_panel.csv", "respondents": "engagement_respondents.csv"}
PANEL_COLUMNS = (
    ["trust_id", "trust_type", "region", "year", "staff_headcount", "engagement",
     "motivation", "involvement", "advocacy"] + list(STAFF_MEASURES)
    + ["observed_deaths", "expected_deaths", "hsmr", "inpatient_satisfaction", "inpatient_enough_nurses_pct",
       "inpatient_info_privacy_respect", "mrsa_cases", "bed_days", "sickness_absence_pct", "turnover_pct",
       "ahc_quality", "ahc_resources"]
)


def facts_table() -> pd.DataFrame:
    """The published calibration facts of this chapter (``data/published/engagement_outcome_facts.csv``)."""
    from ..data.paths import PUBLISHED

    return pd.read_csv(PUBLISHED / "engagement_outcome_facts.csv")


def ahc_shares() -> dict:
    """Annual Health Check shares as printed at launch (percent, worst category first), from data/published."""
    facts = facts_table().set_index("fact_id")["value"]
    return {(o, y): tuple(float(facts[f"{o}_{y}_{c}"]) for c in AHC_CATEGORIES)
            for o in ("ahc_quality", "ahc_resources") for y in AHC_YEARS}


def time_var(year) -> np.ndarray:
    """Years since 2007 (the centre of 2005-2009), the time scale of the growth model."""
    return np.asarray(year, dtype=float) - 2007.0


def streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per part of the simulation (:data:`PARTS`), all from ``seed``."""
    children = np.random.SeedSequence(seed).spawn(len(PARTS))
    return {part: np.random.default_rng(child) for part, child in zip(PARTS, children)}


def _check_counts(type_counts: dict | None) -> dict:
    counts = TRUST_TYPES if type_counts is None else dict(type_counts)
    unknown = set(counts) - set(TRUST_TYPES)
    if unknown:
        raise KeyError(f"unknown trust type(s) {sorted(unknown)}; known: {list(TRUST_TYPES)}")
    return counts


def draw_trusts(rng: np.random.Generator, counts: dict[str, int]) -> pd.DataFrame:
    """Trusts with their type, region, log size and the persistent parts of the model."""
    rows = [(f"{TYPE_PREFIX[t]}{i:03d}", t) for t, k in counts.items() for i in range(1, k + 1)]
    trusts = pd.DataFrame(rows, columns=["trust_id", "trust_type"])
    n = len(trusts)
    trusts["region"] = rng.choice(REGIONS, size=n, p=REGION_PROBS)
    trusts["log_size"] = trusts["trust_type"].map(LOG_SIZE_MEAN) + SD_LOG_SIZE * rng.standard_normal(n)
    trusts["c"] = rng.standard_normal(n)  # the unmeasured characteristic, never written out
    trusts["level"] = -CONFOUNDER_ON_ENGAGEMENT * trusts["c"] + np.sqrt(
        SD_LEVEL**2 - CONFOUNDER_ON_ENGAGEMENT**2) * rng.standard_normal(n)
    trusts["growth"] = SD_GROWTH * rng.standard_normal(n)
    # persistent trust effect on log HSMR: Laplace (heavier tails than normal, every moment finite),
    # stretched above zero (HSMR is right-skewed)
    u = rng.laplace(0.0, SD_HSMR_TRUST, n)
    trusts["hsmr_trust"] = np.where(u > 0, HSMR_SKEW, 1 / HSMR_SKEW) * u
    trusts["sat_trust"] = SD_SAT_TRUST * rng.standard_normal(n)
    trusts["absence_trust"] = 0.35 * rng.standard_normal(n)
    trusts["turnover_trust"] = 1.2 * rng.standard_normal(n)
    trusts["mrsa_trust"] = rng.gamma(1 / MRSA_ALPHA_TRUST, MRSA_ALPHA_TRUST, n)
    return trusts


def engagement_step(panel: pd.DataFrame, rng: np.random.Generator, noise: np.random.Generator,
                    sampling_sd: float) -> pd.DataFrame:
    """True engagement, the survey's measurement of it (three dimensions that average to the overall
    score) and ``e_dev``, the true deviation from the type mean and national trend that outcomes depend on."""
    m, t = len(panel), time_var(panel["year"])
    trend = panel["trust_type"].map(ENGAGEMENT_MEAN).to_numpy() + ENGAGEMENT_TREND * t
    fluctuation = SD_FLUCTUATION * rng.standard_normal(m)
    dev = SD_DIMENSION * rng.standard_normal((m, 3))
    dev -= dev.mean(axis=1, keepdims=True)
    true = trend + panel["level"].to_numpy() + panel["growth"].to_numpy() * t + fluctuation
    offsets = np.array(list(DIMENSION_OFFSET.values()))

    def scored(value):  # what the survey would store for a trust whose score is ``value``
        dims = np.round(value[:, None] + offsets + dev, 3)
        return dims, np.round(dims.mean(axis=1), 3)

    error = sampling_sd * noise.standard_normal(m) if sampling_sd > 0 else np.zeros(m)
    dims, stored = scored(true + error)
    for k, name in enumerate(DIMENSION_OFFSET):
        panel[name] = dims[:, k]
    panel["engagement"] = stored
    # the truth is the score the survey would store without sampling error, so that with none the outcomes follow
    # the stored score exactly, and adding error changes the measurement only
    panel["e_dev"] = (stored if sampling_sd == 0 else scored(true)[1]) - trend
    return panel


def staff_step(panel: pd.DataFrame, rng: np.random.Generator, n_trusts: int) -> pd.DataFrame:
    """Other staff measures: a persistent trust part (80% of their own variance) and a yearly part,
    correlated with true engagement."""
    z_e = (panel["e_dev"] / np.sqrt(SD_LEVEL**2 + SD_FLUCTUATION**2)).to_numpy()
    n_years = len(panel) // n_trusts
    for name, (mean, sd, rho, dec) in STAFF_MEASURES.items():
        own = (np.sqrt(0.8) * np.repeat(rng.standard_normal(n_trusts), n_years)
               + np.sqrt(0.2) * rng.standard_normal(len(panel)))
        panel[name] = np.round(mean + sd * (rho * z_e + np.sqrt(1 - rho**2) * own), dec)
    return panel


def hsmr_step(panel: pd.DataFrame, rng: np.random.Generator, beta_hsmr: float) -> pd.DataFrame:
    """Observed and expected deaths of acute trusts and their ratio (HSMR, 100 = expected nationally)."""
    acute = (panel["trust_type"] == "acute").to_numpy()
    m, t = len(panel), time_var(panel["year"])
    latent = (HSMR_TREND * t + beta_hsmr * panel["e_dev"] + CONFOUNDER_ON_HSMR * panel["c"]
              + HSMR_SIZE * (panel["log_size"] - 8.0) + panel["region"].map(HSMR_REGION) + panel["hsmr_trust"]
              + SD_HSMR_YEAR * rng.standard_normal(m)).to_numpy()
    raw_expected = EXPECTED_DEATHS_PER_STAFF * np.exp(panel["log_size"].to_numpy()
                                                      + SD_LOG_EXPECTED * rng.standard_normal(m))
    year = panel["year"].to_numpy()
    centred = latent.copy()
    for y in np.unique(year):  # each year's expected deaths follow the national death rate
        sel = acute & (year == y)
        centred[sel] -= latent[sel].mean()
    observed = rng.poisson(np.where(acute, raw_expected * np.exp(centred), 0.0))
    expected = raw_expected.copy()
    for y in np.unique(year):  # rebase: national observed = national expected, so the national HSMR is 100
        sel = acute & (year == y)
        expected[sel] *= observed[sel].sum() / raw_expected[sel].sum()
    expected = np.round(expected, 1)
    panel["observed_deaths"] = np.where(acute, observed, np.nan)
    panel["expected_deaths"] = np.where(acute, expected, np.nan)
    panel["hsmr"] = np.where(acute, np.round(100 * observed / np.where(acute, expected, 1.0), 1), np.nan)
    return panel


def inpatient_step(panel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Inpatient survey scores of acute trusts: satisfaction from engagement, two items from work pressure."""
    acute = (panel["trust_type"] == "acute").to_numpy()
    m, t = len(panel), time_var(panel["year"])
    sat = (INPATIENT_MEAN["inpatient_satisfaction"] + BETA["inpatient_satisfaction"] * panel["e_dev"]
           + SAT_SIZE * (panel["log_size"] - 8.0) + SAT_LONDON * (panel["region"] == "london") + SAT_TREND * t
           + panel["sat_trust"] + SD_SAT_YEAR * rng.standard_normal(m))
    panel["inpatient_satisfaction"] = np.where(acute, np.round(sat, 1), np.nan)
    wp = STAFF_MEASURES["work_pressure"]
    wp_z = (panel["work_pressure"] - wp[0]) / wp[1]
    for k in ("inpatient_enough_nurses_pct", "inpatient_info_privacy_respect"):
        score = INPATIENT_MEAN[k] + BETA_WORK_PRESSURE[k] * wp_z + SD_INPATIENT_NOISE[k] * rng.standard_normal(m)
        panel[k] = np.where(acute, np.round(score, 1), np.nan)
    return panel


def mrsa_step(panel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """MRSA cases of acute trusts with bed days as exposure: Poisson with gamma heterogeneity by trust
    (persistent) and by trust-year."""
    acute = (panel["trust_type"] == "acute").to_numpy()
    m = len(panel)
    bed_days = np.round(np.exp(panel["log_size"] + np.log(BED_DAYS_PER_STAFF) + 0.15 * rng.standard_normal(m)), -2)
    rate = panel["year"].map(MRSA_RATE) / 1e4 * np.exp(BETA["log_mrsa_rate"] * panel["e_dev"])
    mu = (rate * bed_days).to_numpy() * panel["mrsa_trust"].to_numpy() * rng.gamma(1 / MRSA_ALPHA, MRSA_ALPHA, m)
    cases = rng.poisson(mu)
    panel["bed_days"] = np.where(acute, bed_days, np.nan)
    panel["mrsa_cases"] = np.where(acute, cases, np.nan)
    return panel


def staff_outcomes_step(panel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Sickness absence and turnover of every trust."""
    m, t = len(panel), time_var(panel["year"])
    size_c, ttype, region = panel["log_size"] - 8.0, panel["trust_type"], panel["region"]
    absence = (ttype.map(ABSENCE_MEAN) - 0.04 * t + BETA["sickness_absence_pct"] * panel["e_dev"] + 0.15 * size_c
               + 0.2 * (region == "north") + panel["absence_trust"] + 0.2 * rng.standard_normal(m))
    turnover = (ttype.map(TURNOVER_MEAN) + BETA["turnover_pct"] * panel["e_dev"] - 0.5 * size_c
                + 1.0 * (region == "london") + panel["turnover_trust"] + 0.8 * rng.standard_normal(m))
    panel["sickness_absence_pct"] = np.round(absence, 2)
    panel["turnover_pct"] = np.round(turnover, 1)
    return panel


def _cut(latent: np.ndarray, shares) -> np.ndarray:
    """Ratings cut at the sample quantiles that give the printed shares (rescaled to sum to 1)."""
    p = np.cumsum(np.asarray(shares, dtype=float))[:-1] / float(sum(shares))
    cuts = np.quantile(latent, p)
    return np.asarray(AHC_CATEGORIES, dtype=object)[np.searchsorted(cuts, latent)]


def ratings_step(panel: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Annual Health Check ratings: an ordinal logit on a latent scale, cut at the printed shares each year."""
    m, shares = len(panel), ahc_shares()
    year = panel["year"].to_numpy()
    for outcome in ("ahc_quality", "ahc_resources"):
        latent = (BETA[outcome] * panel["e_dev"] + panel["trust_type"].map(AHC_TYPE_EFFECT)
                  + 0.3 * (panel["log_size"] - 8.0) + rng.logistic(size=m)).to_numpy()
        rating = np.full(m, np.nan, dtype=object)
        for y in AHC_YEARS:
            sel = year == y
            rating[sel] = _cut(latent[sel], shares[(outcome, y)])
        panel[outcome] = rating
    return panel


def simulate(seed: int = DEFAULT_SEED, beta_hsmr: float | None = None, type_counts: dict | None = None,
             sampling_sd: float = SAMPLING_SD) -> dict[str, pd.DataFrame]:
    """Simulate the trust panel and the respondent sample.

    Parameters
    ----------
    seed : int
        Seed of the independent streams (:func:`streams`) that drive every draw.
    beta_hsmr : float, optional
        Causal within-trust slope of log HSMR on true engagement (default ``BETA["log_hsmr"]``).
    type_counts : dict, optional
        Trusts by type (default ``TRUST_TYPES``).
    sampling_sd : float
        SD of the survey's sampling error on each trust's engagement score (default none).

    Returns
    -------
    dict
        ``{"panel": DataFrame, "respondents": DataFrame}`` with the columns of the committed files.
    """
    counts = _check_counts(type_counts)
    if not sampling_sd >= 0:
        raise ValueError(f"sampling_sd must be zero or positive, not {sampling_sd!r}")
    rng = streams(seed)
    trusts = draw_trusts(rng["trusts"], counts)
    n = len(trusts)
    panel = trusts.loc[trusts.index.repeat(len(YEARS))].reset_index(drop=True)
    panel["year"] = np.tile(np.array(YEARS), n)
    panel["staff_headcount"] = np.round(np.exp(panel["log_size"])).astype(int)
    panel = engagement_step(panel, rng["engagement"], rng["sampling"], sampling_sd)
    panel = staff_step(panel, rng["staff"], n)
    panel = hsmr_step(panel, rng["hsmr"], BETA["log_hsmr"] if beta_hsmr is None else beta_hsmr)
    panel = inpatient_step(panel, rng["inpatient"])
    panel = mrsa_step(panel, rng["mrsa"])
    panel = staff_outcomes_step(panel, rng["staff_outcomes"])
    panel = ratings_step(panel, rng["ratings"])
    last = panel.loc[panel["year"] == 2009].set_index("trust_id")
    true_2009 = last["trust_type"].map(ENGAGEMENT_MEAN) + ENGAGEMENT_TREND * time_var(2009) + last["e_dev"]
    respondents = draw_respondents(rng["respondents"], true_2009, counts)
    panel = panel[PANEL_COLUMNS].sort_values(["trust_id", "year"], ignore_index=True)
    return {"panel": panel, "respondents": respondents}


# --- the respondent sample ----------------------------------------------------------------------------

def hr_rate_loadings(v_engagement: float) -> dict[str, float]:
    """How strongly each trust's HR-practice rate follows its engagement (``c_k`` below).

    A trust's rate of practice *k* is ``m_k + c_k (E_i - mean E) + nu_k``. The ``c_k`` are chosen so that
    the trust intercept left after the practices, ``E_i - sum_k beta_k rate_k``, is uncorrelated with every
    rate: then a trust's expected respondent engagement is its panel engagement ``E_i``, the within- and
    between-trust effects of each practice are both ``HR_BETA``, and the contextual effects are zero.
    Solving ``c_k V (1 - S) = beta_k var(nu_k)`` with ``S = sum_k beta_k c_k`` gives the root below.
    """
    a = sum(HR_BETA[k] ** 2 * HR_RATE[k][1] ** 2 for k in HR_BETA)
    s = (1 - np.sqrt(1 - 4 * a / v_engagement)) / 2
    return {k: HR_BETA[k] * HR_RATE[k][1] ** 2 / (v_engagement * (1 - s)) for k in HR_BETA}


def engagement_2009_variance(counts: dict[str, int]) -> float:
    """Variance of true 2009 engagement over trusts of all types in the proportions ``counts``."""
    w = np.array([counts[t] for t in counts], dtype=float)
    means = np.array([ENGAGEMENT_MEAN[t] for t in counts])
    between_types = float(w @ (means - w @ means / w.sum()) ** 2 / w.sum())
    t = time_var(2009)
    return SD_LEVEL**2 + t**2 * SD_GROWTH**2 + SD_FLUCTUATION**2 + between_types


def hr_practices(rng: np.random.Generator, engagement: np.ndarray, mean_engagement: float,
                 counts: dict[str, int], n: int) -> tuple[dict, dict]:
    """Each trust's HR-practice rates (``{practice: (k,) array}``) and its respondents' answers
    (``{practice: (k, n) array}``): appraisal and contributing are yes/no, manager support a 1-5 score."""
    c = hr_rate_loadings(engagement_2009_variance(counts))
    k = len(engagement)
    rates, answers = {}, {}
    for name in HR_BETA:
        mean, sd = HR_RATE[name]
        rates[name] = mean + c[name] * (engagement - mean_engagement) + sd * rng.standard_normal(k)
    for name in ("appraisal_well_structured", "contribute_improvements"):
        p = np.clip(rates[name], 0.01, 0.99)
        answers[name] = (rng.random((k, n)) < p[:, None]).astype(int)
    share = np.clip((rates["manager_support"] - 1) / 4, 0.02, 0.98)[:, None]  # mean of a Beta on [1, 5]
    kappa = MANAGER_SUPPORT_CONCENTRATION
    answers["manager_support"] = np.round(1 + 4 * rng.beta(share * kappa, (1 - share) * kappa, (k, n)), 2)
    return rates, answers


def respondent_scores(rng: np.random.Generator, predicted: np.ndarray) -> np.ndarray:
    """Respondents' engagement on the 1-5 scale: the predicted score plus a normal residual truncated
    symmetrically so that the score stays inside 1-5 (a symmetric truncation keeps its mean at zero, so the
    predicted score is the expected one)."""
    room = np.clip(np.minimum(predicted - 1, 5 - predicted), 0, None)
    tail = ndtr(-room / SD_RESPONDENT_ENGAGEMENT)
    u = rng.random(predicted.shape)
    residual = SD_RESPONDENT_ENGAGEMENT * ndtri(tail + u * (1 - 2 * tail))
    return np.clip(predicted + residual, 1.0, 5.0)


def draw_respondents(rng: np.random.Generator, true_2009: pd.Series, counts: dict[str, int]) -> pd.DataFrame:
    """A sample of trusts (all types) with ``N_RESPONDENTS`` respondents each, whose expected engagement
    is the trust's true 2009 engagement in the panel."""
    k, n = min(N_RESPONDENT_TRUSTS, len(true_2009)), N_RESPONDENTS  # fewer when a reader simulates few trusts
    chosen = np.sort(rng.choice(len(true_2009), size=k, replace=False))
    ids, engagement = true_2009.index.to_numpy()[chosen], true_2009.to_numpy()[chosen]
    w = np.array([counts[t] for t in counts], dtype=float)
    mean_engagement = float(w @ np.array([ENGAGEMENT_MEAN[t] for t in counts]) / w.sum() + ENGAGEMENT_TREND * time_var(2009))
    rates, answers = hr_practices(rng, engagement, mean_engagement, counts, n)
    predicted = engagement[:, None] + sum(HR_BETA[p] * (answers[p] - rates[p][:, None]) for p in HR_BETA)
    scores = respondent_scores(rng, predicted)
    return pd.DataFrame({
        "trust_id": np.repeat(ids, n),
        "respondent_id": [f"R{i:02d}" for i in range(1, n + 1)] * k,
        "appraisal_well_structured": answers["appraisal_well_structured"].ravel(),
        "manager_support": answers["manager_support"].ravel(),
        "contribute_improvements": answers["contribute_improvements"].ravel(),
        "engagement": np.round(scores.ravel(), 3),
    })


# --- files ---------------------------------------------------------------------------------------------

def teaching_data(seed: int = DEFAULT_SEED, beta_hsmr: float | None = None, type_counts: dict | None = None,
                  sampling_sd: float = SAMPLING_SD) -> dict[str, pd.DataFrame]:
    """The committed files (validated) at the defaults, otherwise a fresh simulation in memory."""
    default = (seed == DEFAULT_SEED and beta_hsmr in (None, BETA["log_hsmr"])
               and type_counts in (None, TRUST_TYPES) and sampling_sd == SAMPLING_SD)
    if default:
        from ..data.datapackage import read

        panel = read("engagement_trust_panel")
        for col in ("ahc_quality", "ahc_resources"):
            panel[col] = panel[col].replace("", np.nan)
        return {"panel": panel, "respondents": read("engagement_respondents")}
    return simulate(seed, beta_hsmr, type_counts, sampling_sd)


#: Decimals of each stored float column.
DECIMALS = {"engagement": 3, "motivation": 3, "involvement": 3, "advocacy": 3, "expected_deaths": 1, "hsmr": 1,
            "inpatient_satisfaction": 1, "inpatient_enough_nurses_pct": 1, "inpatient_info_privacy_respect": 1,
            "sickness_absence_pct": 2, "turnover_pct": 1, **{k: v[3] for k, v in STAFF_MEASURES.items()}}
RESPONDENT_DECIMALS = {"manager_support": 2, "engagement": 3}


def to_csv_text(data: pd.DataFrame) -> str:
    """CSV text, byte-stable: floats at fixed decimals, missing values empty."""
    out = data.copy()
    decimals = RESPONDENT_DECIMALS if "respondent_id" in out.columns else DECIMALS
    for col, dec in decimals.items():
        if col in out.columns:
            out[col] = [("" if pd.isna(v) else f"{v:.{dec}f}") for v in out[col]]
    for col in ("observed_deaths", "mrsa_cases", "bed_days"):
        if col in out.columns:
            out[col] = [("" if pd.isna(v) else str(int(v))) for v in out[col]]
    return out.to_csv(index=False, lineterminator="\n")


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this module owns, at the book's defaults."""
    frames = simulate(seed)
    return {FILES[k]: to_csv_text(v) for k, v in frames.items()}
