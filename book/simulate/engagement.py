"""Seeded teaching data for the engagement-and-outcomes chapter (substudy 4c, with 4a).

Two datasets:

* ``engagement_trust_panel.csv``: one row per trust and year, 2005-2009, for
  366 trusts of four types, with NHS Staff Survey measures (engagement and its
  three dimensions, HR practices, climate, wellbeing, work pressure, injuries,
  intention to quit), trust type, size and region, and the outcomes where they
  exist (HSMR, inpatient survey scores, MRSA counts with bed days for acute
  trusts; sickness absence and turnover for all; Annual Health Check ratings for
  2006/07-2008/09, stored against the survey year 2006-2008).
* ``engagement_respondents.csv``: 60 trusts x 25 respondents (2009) for the
  multilevel model of HR practices -> engagement.

The generating model (all truths are named constants below):

* Engagement of trust *i* in year *t*:
  ``E_it = mu_type + a_i + s_i (t - 2007) + w_it``, with a stable level ``a_i``
  (part of which, ``-CONFOUNDER_ON_ENGAGEMENT * c_i``, comes from an unmeasured
  trust characteristic ``c_i`` such as case mix or deprivation), a trust-specific
  growth ``s_i`` and year-to-year fluctuation ``w_it``.
* log(HSMR/100) depends on the *current* engagement with the causal slope
  ``BETA["hsmr"]`` and on ``c_i`` (``CONFOUNDER_ON_HSMR``), so that between-trust
  associations overstate the causal effect and a within-trust (fixed-effects)
  model recovers it; :func:`hsmr_truths` gives what each estimator converges to.
* Every other outcome depends on engagement with slope ``BETA[outcome]`` and on
  type, size, region and year; the other staff measures are correlated with
  engagement (``STAFF_MEASURES``) but do not enter any outcome directly, except
  work pressure, which lowers the inpatient-survey items on nurses and on
  information, privacy and respect (``BETA_WORK_PRESSURE``).

What each estimator should recover is computed exactly from the model's second
moments: :func:`hsmr_truths` (every HSMR estimator, including random effects and
the model with last year's HSMR), :func:`correlation_truths` (staff x inpatient
correlations) and :func:`hsmr_engagement_correlation`.

Calibration (published facts in ``data/published/engagement_outcome_facts.csv``):
HSMR is 100 = expected, with a heavy-tailed spread between trusts; about 2.5%
lower mortality in the top than in the middle engagement tertile; engagement
correlates with HSMR at about -0.3; HSMR correlates about 0.85 year on year;
Annual Health Check category shares are cut at the printed percentages (rescaled
to sum to 100); MRSA about 1.3 per 10,000 bed days in 2007 and falling; sickness
absence about 4-4.5%. Assumptions of ours, not the paper's: the number of trusts
of each type (``TRUST_TYPES``), the four regions, every variance, every
coefficient, normal or t distributions, and the absence of reverse causation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

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

# --- engagement ---------------------------------------------------------------------------------
ENGAGEMENT_MEAN = {"acute": 3.68, "mental_health": 3.74, "ambulance": 3.42, "primary_care": 3.72}
ENGAGEMENT_TREND = 0.02          # national change per year, scale points
SD_LEVEL = 0.12                  # between-trust SD of the stable level a_i
SD_GROWTH = 0.03                 # between-trust SD of the growth s_i, points per year
SD_FLUCTUATION = 0.04            # SD of the year-to-year fluctuation w_it
#: Offsets of the three dimensions from overall engagement (they average to zero).
DIMENSION_OFFSET = {"motivation": 0.16, "involvement": -0.14, "advocacy": -0.02}
SD_DIMENSION = 0.06

# --- an unmeasured trust characteristic (case mix, deprivation) ---------------------------------
CONFOUNDER_ON_ENGAGEMENT = 0.06  # engagement points lower per SD of c_i
CONFOUNDER_ON_HSMR = 0.028       # log HSMR higher per SD of c_i

# --- outcomes: slope per scale point of overall engagement ---------------------------------------
BETA = {
    "log_hsmr": -0.07,            # causal, within-trust (log HSMR per point)
    "inpatient_satisfaction": 6.0,  # score points (0-100) per point
    "sickness_absence_pct": -1.5,   # percentage points per point
    "turnover_pct": -4.0,           # percentage points per point
    "log_mrsa_rate": -0.9,          # log rate per point
    "ahc_quality": 4.0,             # latent logit scale per point
    "ahc_resources": 3.0,
}
#: Effect of one SD of staff work pressure on the two inpatient-survey items it lowers.
BETA_WORK_PRESSURE = {"inpatient_enough_nurses_pct": -4.0, "inpatient_info_privacy_respect": -1.5}
#: Inpatient survey (acute trusts): means and noise SDs, and satisfaction's other terms.
INPATIENT_MEAN = {"inpatient_satisfaction": 77.0, "inpatient_enough_nurses_pct": 60.0,
                  "inpatient_info_privacy_respect": 82.0}
SD_INPATIENT_NOISE = {"inpatient_enough_nurses_pct": 4.0, "inpatient_info_privacy_respect": 1.5}
SAT_SIZE, SAT_LONDON, SAT_TREND = -1.0, -2.0, 0.3   # per unit log size, London, per year
SD_SAT_TRUST, SD_SAT_YEAR = 1.8, 1.0               # persistent trust part and yearly noise of satisfaction
SD_LOG_SIZE = 0.40                                  # between-trust SD of log staff headcount within type
#: Negative-binomial dispersion (NB2 alpha) of MRSA counts, trust-year gamma heterogeneity.
MRSA_ALPHA = 0.15
#: MRSA per 10,000 bed days, by year (national); 2007 calibrated to about 1.3, falling after.
MRSA_RATE = {2005: 1.55, 2006: 1.48, 2007: 1.30, 2008: 0.95, 2009: 0.68}
HSMR_TREND = -0.025              # national log HSMR change per year (HSMR is rebased each year)
SD_HSMR_TRUST = 0.042            # scale of the persistent t(3) trust effect on log HSMR
HSMR_T_DF = 3
HSMR_SKEW = 1.25                 # trust effects above zero stretched by this factor, below shrunk by its inverse
SD_HSMR_YEAR = 0.030             # year-to-year noise of log HSMR
HSMR_SIZE = -0.015               # log HSMR per unit of log staff headcount
HSMR_REGION = {"london": -0.04, "south": -0.01, "midlands_east": 0.01, "north": 0.03}
ABSENCE_MEAN = {"acute": 4.1, "mental_health": 4.8, "ambulance": 5.6, "primary_care": 4.2}
TURNOVER_MEAN = {"acute": 10.5, "mental_health": 11.5, "ambulance": 7.5, "primary_care": 13.0}

# --- other staff-survey measures: correlation with engagement (same trust-year) ------------------
#: name -> (mean, between-trust SD, correlation with engagement, decimals)
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
HR_INTERCEPT = 2.70
#: True within-trust effects on a respondent's engagement score.
HR_BETA = {"appraisal_well_structured": 0.20, "manager_support": 0.30, "contribute_improvements": 0.25}
SD_TRUST_ENGAGEMENT = 0.20       # SD of the trust random intercept
SD_RESPONDENT_ENGAGEMENT = 0.55  # SD of the respondent residual
ICC = SD_TRUST_ENGAGEMENT**2 / (SD_TRUST_ENGAGEMENT**2 + SD_RESPONDENT_ENGAGEMENT**2)

FILES = {"panel": "engagement_trust_panel.csv", "respondents": "engagement_respondents.csv"}
PANEL_COLUMNS = (
    ["trust_id", "trust_type", "region", "year", "staff_headcount", "engagement",
     "motivation", "involvement", "advocacy"] + list(STAFF_MEASURES)
    + ["hsmr", "inpatient_satisfaction", "inpatient_enough_nurses_pct", "inpatient_info_privacy_respect",
       "mrsa_cases", "bed_days", "sickness_absence_pct", "turnover_pct", "ahc_quality", "ahc_resources"]
)


def ahc_shares() -> dict:
    """Annual Health Check shares as printed (percent, worst category first), from data/published."""
    facts = facts_table().set_index("fact_id")["value"]
    return {(o, y): tuple(float(facts[f"{o}_{y}_{c}"]) for c in AHC_CATEGORIES)
            for o in ("ahc_quality", "ahc_resources") for y in AHC_YEARS}


def facts_table() -> pd.DataFrame:
    """The published calibration facts of this chapter (``data/published/engagement_outcome_facts.csv``)."""
    from ..data.paths import PUBLISHED

    return pd.read_csv(PUBLISHED / "engagement_outcome_facts.csv")


def time_var(year) -> np.ndarray:
    """Years since 2007 (the centre of 2005-2009), the time scale of the growth model."""
    return np.asarray(year, dtype=float) - 2007.0


def engagement_variance(year: int) -> float:
    """Variance of a trust's engagement around its type mean in ``year`` (within region and size)."""
    return SD_LEVEL**2 + time_var(year) ** 2 * SD_GROWTH**2 + SD_FLUCTUATION**2


def hsmr_trust_effect_variance() -> float:
    """Variance of the persistent trust effect on log HSMR (a t(3) draw stretched above zero)."""
    nu, k = HSMR_T_DF, HSMR_SKEW
    second = nu / (nu - 2) / 2 * (k**2 + k**-2)              # E[(k u)^2; u > 0] + E[(u / k)^2; u < 0]
    half_mean = np.sqrt(nu) / np.pi if nu == 3 else np.nan   # E[u; u > 0] for t(3)
    first = (k - 1 / k) * half_mean
    return SD_HSMR_TRUST**2 * (second - first**2)


def _loadings(beta: float, years=YEARS) -> tuple[np.ndarray, np.ndarray]:
    """Engagement (E) and log HSMR (Y) of an acute trust in each year as linear maps of independent
    unit-variance components ``[c, level rest, growth, w_2005.., e_2005.., trust effect]``.

    Size and region are left out: they are independent of everything else and every model
    controls for them, so they change no estimator's limit.
    """
    t = time_var(years)
    T = len(years)
    K = 3 + 2 * T + 1
    E, Y = np.zeros((T, K)), np.zeros((T, K))
    d = CONFOUNDER_ON_ENGAGEMENT
    E[:, 0] = -d
    E[:, 1] = np.sqrt(SD_LEVEL**2 - d**2)
    E[:, 2] = SD_GROWTH * t
    E[np.arange(T), 3 + np.arange(T)] = SD_FLUCTUATION
    Y[:] = beta * E
    Y[:, 0] += CONFOUNDER_ON_HSMR
    Y[np.arange(T), 3 + T + np.arange(T)] = SD_HSMR_YEAR
    Y[:, -1] = np.sqrt(hsmr_trust_effect_variance())
    return E, Y


def _quasi_demeaned_slope(E: np.ndarray, Y: np.ndarray, theta: float) -> float:
    """Limit of the pooled slope of ``Y_t - theta Ybar`` on ``E_t - theta Ebar`` (year effects removed)."""
    Eq, Yq = E - theta * E.mean(0), Y - theta * Y.mean(0)
    return float(np.sum(Eq * Yq) / np.sum(Eq * Eq))


def hsmr_truths(beta_hsmr: float | None = None, years=YEARS) -> dict[str, float]:
    """What each estimator of log HSMR on engagement converges to, from the generating model.

    Computed exactly from the model's second moments (no simulation). ``causal``: the
    within-trust slope (entity and year fixed effects recover it). ``cross_section_<year>``:
    one year's regression (confounded by the unmeasured trust characteristic). ``between``:
    trust means on trust means. ``pooled``: all trust-years with year effects. ``random``:
    random-effects GLS with the variance components linearmodels estimates. ``pooled_lag`` and
    ``pooled_lag_prior``: pooled with the previous year's log HSMR as a control (its engagement
    slope and the prior's coefficient). ``growth_intercept`` and ``growth_slope``: effects of the
    latent level (2007) and growth of engagement on 2009 log HSMR in the latent growth model.
    """
    b = BETA["log_hsmr"] if beta_hsmr is None else beta_hsmr
    E, Y = _loadings(b, years)
    T = len(years)
    out = {"causal": b}
    for k, y in enumerate(years):
        out[f"cross_section_{y}"] = float(E[k] @ Y[k] / (E[k] @ E[k]))
    out["pooled"] = _quasi_demeaned_slope(E, Y, 0.0)
    Eb, Yb = E.mean(0), Y.mean(0)
    out["between"] = float(Eb @ Yb / (Eb @ Eb))
    # random effects: theta from the within residual variance and the between residual variance
    sigma2_e = SD_HSMR_YEAR**2
    between_resid = float(Yb @ Yb - (Eb @ Yb) ** 2 / (Eb @ Eb))
    sigma2_u = max(0.0, between_resid - sigma2_e / T)
    theta = 1 - np.sqrt(sigma2_e / (T * sigma2_u + sigma2_e))
    out["random"] = _quasi_demeaned_slope(E, Y, theta)
    out["random_theta"] = float(theta)
    # pooled with last year's log HSMR: normal equations summed over the years with a prior
    xx, xy = np.zeros((2, 2)), np.zeros(2)
    for k in range(1, T):
        X = np.vstack([E[k], Y[k - 1]])
        xx += X @ X.T
        xy += X @ Y[k]
    coef = np.linalg.solve(xx, xy)
    out["pooled_lag"], out["pooled_lag_prior"] = float(coef[0]), float(coef[1])
    d, g = CONFOUNDER_ON_ENGAGEMENT, CONFOUNDER_ON_HSMR
    out["growth_intercept"] = b - g * d / SD_LEVEL**2
    out["growth_slope"] = float(b * time_var(max(years)))
    return out


def hsmr_engagement_correlation(year: int = 2009, beta_hsmr: float | None = None) -> float:
    """Population Pearson correlation of engagement with log HSMR among acute trusts in ``year``."""
    b = BETA["log_hsmr"] if beta_hsmr is None else beta_hsmr
    E, Y = _loadings(b, YEARS)
    k = YEARS.index(year)
    p = np.asarray(REGION_PROBS)
    region = np.array([HSMR_REGION[r] for r in REGIONS])
    var_y = Y[k] @ Y[k] + (HSMR_SIZE * SD_LOG_SIZE) ** 2 + p @ region**2 - (p @ region) ** 2
    return float(E[k] @ Y[k] / np.sqrt((E[k] @ E[k]) * var_y))


def correlation_truths(staff: list[str], patient: list[str], year: int = 2009) -> pd.DataFrame:
    """Population correlations, among acute trusts in one year, of staff measures with inpatient measures.

    Exact under the generating model (rounding of the stored values ignored). Staff measures are
    ``engagement`` or a key of ``STAFF_MEASURES``; inpatient measures ``inpatient_satisfaction``,
    ``inpatient_enough_nurses_pct`` or ``inpatient_info_privacy_respect``.
    Returns ``staff_measure, patient_measure, truth``.
    """
    v_e = engagement_variance(year)
    s0 = np.sqrt(SD_LEVEL**2 + SD_FLUCTUATION**2)  # the generator's scale of z_e
    v_z = v_e / s0**2                             # var(z_e) in this year
    rho = {k: v[2] for k, v in STAFF_MEASURES.items()}

    def z_var(m):   # variance of a standardised staff measure, (X - mean) / sd
        return rho[m] ** 2 * v_z + 1 - rho[m] ** 2

    def cov_z(m, n):  # covariance of two standardised staff measures
        return z_var(m) if m == n else rho[m] * rho[n] * v_z

    # each inpatient measure as (coefficient on engagement deviation, coefficient on work-pressure z, other variance)
    p_london = REGION_PROBS[REGIONS.index("london")]
    sat_other = ((SAT_SIZE * SD_LOG_SIZE) ** 2 + SAT_LONDON**2 * p_london * (1 - p_london) + SD_SAT_TRUST**2
                 + SD_SAT_YEAR**2)
    patients = {"inpatient_satisfaction": (BETA["inpatient_satisfaction"], 0.0, sat_other)}
    for k, sd in SD_INPATIENT_NOISE.items():
        patients[k] = (0.0, BETA_WORK_PRESSURE[k], sd**2)
    rows = []
    for s in staff:
        if s != "engagement" and s not in STAFF_MEASURES:
            raise KeyError(f"unknown staff measure {s!r}")
        for p in patient:
            if p not in patients:
                raise KeyError(f"unknown inpatient measure {p!r}; known: {list(patients)}")
            a_e, a_wp, other = patients[p]
            var_p = a_e**2 * v_e + a_wp**2 * z_var("work_pressure") + other
            if s == "engagement":
                var_s = v_e
                cov = a_e * v_e + a_wp * rho["work_pressure"] * v_e / s0
            else:
                var_s = z_var(s)  # in standardised units
                cov = a_e * rho[s] * v_e / s0 + a_wp * cov_z(s, "work_pressure")
            rows.append({"staff_measure": s, "patient_measure": p, "truth": cov / np.sqrt(var_s * var_p)})
    return pd.DataFrame(rows)


def _trusts(rng: np.random.Generator, counts: dict[str, int]) -> pd.DataFrame:
    rows = [(f"{TYPE_PREFIX[t]}{i:03d}", t) for t, k in counts.items() for i in range(1, k + 1)]
    trusts = pd.DataFrame(rows, columns=["trust_id", "trust_type"])
    n = len(trusts)
    trusts["region"] = rng.choice(REGIONS, size=n, p=REGION_PROBS)
    size_mean = trusts["trust_type"].map({"acute": 8.3, "mental_health": 7.7, "ambulance": 7.8,
                                          "primary_care": 7.2})
    trusts["log_size"] = size_mean + SD_LOG_SIZE * rng.standard_normal(n)
    trusts["c"] = rng.standard_normal(n)  # unmeasured trust characteristic, never written out
    trusts["level"] = -CONFOUNDER_ON_ENGAGEMENT * trusts["c"] + np.sqrt(
        SD_LEVEL**2 - CONFOUNDER_ON_ENGAGEMENT**2) * rng.standard_normal(n)
    trusts["growth"] = SD_GROWTH * rng.standard_normal(n)
    # persistent trust effect on log HSMR: heavy-tailed t, stretched above zero (HSMR is right-skewed)
    u = rng.standard_t(HSMR_T_DF, n)
    trusts["hsmr_trust"] = SD_HSMR_TRUST * np.where(u > 0, HSMR_SKEW, 1 / HSMR_SKEW) * u
    trusts["sat_trust"] = SD_SAT_TRUST * rng.standard_normal(n)
    return trusts


def _cut(latent: np.ndarray, shares) -> np.ndarray:
    """Ratings cut at the sample quantiles that give the printed shares (rescaled to sum to 1)."""
    p = np.cumsum(np.asarray(shares, dtype=float))[:-1] / float(sum(shares))
    cuts = np.quantile(latent, p)
    return np.asarray(AHC_CATEGORIES, dtype=object)[np.searchsorted(cuts, latent)]


def simulate(seed: int = DEFAULT_SEED, beta_hsmr: float | None = None,
             type_counts: dict | None = None) -> dict[str, pd.DataFrame]:
    """Simulate the trust panel and the respondent sample.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.default_rng`` that drives every draw.
    beta_hsmr : float, optional
        Causal within-trust slope of log HSMR on engagement (default ``BETA["log_hsmr"]``).
    type_counts : dict, optional
        Trusts by type (default ``TRUST_TYPES``).

    Returns
    -------
    dict
        ``{"panel": DataFrame, "respondents": DataFrame}`` with the columns of the committed files.
    """
    b_hsmr = BETA["log_hsmr"] if beta_hsmr is None else beta_hsmr
    counts = TRUST_TYPES if type_counts is None else type_counts
    unknown = set(counts) - set(TRUST_TYPES)
    if unknown:
        raise KeyError(f"unknown trust type(s) {sorted(unknown)}; known: {list(TRUST_TYPES)}")
    rng = np.random.default_rng(seed)
    trusts = _trusts(rng, counts)
    n, years = len(trusts), np.array(YEARS)
    panel = trusts.loc[trusts.index.repeat(len(years))].reset_index(drop=True)
    panel["year"] = np.tile(years, n)
    m = len(panel)
    t = time_var(panel["year"])
    ttype = panel["trust_type"]
    is_acute = (ttype == "acute").to_numpy()

    # engagement: three dimensions that average exactly to the overall score
    e_true = (ttype.map(ENGAGEMENT_MEAN) + ENGAGEMENT_TREND * t + panel["level"] + panel["growth"] * t
              + SD_FLUCTUATION * rng.standard_normal(m)).to_numpy()
    dev = SD_DIMENSION * rng.standard_normal((m, 3))
    dev -= dev.mean(axis=1, keepdims=True)
    dims = np.round(e_true[:, None] + np.array(list(DIMENSION_OFFSET.values())) + dev, 3)
    for k, name in enumerate(DIMENSION_OFFSET):
        panel[name] = dims[:, k]
    panel["engagement"] = np.round(dims.mean(axis=1), 3)
    e_dev = panel["engagement"] - ttype.map(ENGAGEMENT_MEAN) - ENGAGEMENT_TREND * t
    z_e = (e_dev / np.sqrt(SD_LEVEL**2 + SD_FLUCTUATION**2)).to_numpy()

    # other staff measures: persistent trust part (80% of variance) and a yearly part, correlated with engagement
    for name, (mean, sd, rho, dec) in STAFF_MEASURES.items():
        own = np.sqrt(0.8) * np.repeat(rng.standard_normal(n), len(years)) + np.sqrt(0.2) * rng.standard_normal(m)
        panel[name] = np.round(mean + sd * (rho * z_e + np.sqrt(1 - rho**2) * own), dec)
    wp_z = ((panel["work_pressure"] - STAFF_MEASURES["work_pressure"][0]) / STAFF_MEASURES["work_pressure"][1])

    size_c = panel["log_size"] - 8.0
    panel["staff_headcount"] = np.round(np.exp(panel["log_size"])).astype(int)
    region = panel["region"]

    # HSMR (acute only): causal effect of current engagement plus the unmeasured characteristic
    log_hsmr = (HSMR_TREND * t + b_hsmr * e_dev + CONFOUNDER_ON_HSMR * panel["c"] + HSMR_SIZE * size_c
                + region.map(HSMR_REGION) + panel["hsmr_trust"] + SD_HSMR_YEAR * rng.standard_normal(m))
    # rebase each year so that the average acute trust is 100 (HSMR: 100 = expected deaths)
    log_hsmr = log_hsmr - log_hsmr[is_acute].groupby(panel.loc[is_acute, "year"]).transform("mean").reindex(
        panel.index).fillna(0)
    panel["hsmr"] = np.where(is_acute, np.round(100 * np.exp(log_hsmr), 1), np.nan)

    # inpatient survey (acute only)
    sat = (INPATIENT_MEAN["inpatient_satisfaction"] + BETA["inpatient_satisfaction"] * e_dev + SAT_SIZE * size_c
           + SAT_LONDON * (region == "london") + SAT_TREND * t + panel["sat_trust"]
           + SD_SAT_YEAR * rng.standard_normal(m))
    nurses, ipr = (INPATIENT_MEAN[k] + BETA_WORK_PRESSURE[k] * wp_z + SD_INPATIENT_NOISE[k] * rng.standard_normal(m)
                   for k in ("inpatient_enough_nurses_pct", "inpatient_info_privacy_respect"))
    panel["inpatient_satisfaction"] = np.where(is_acute, np.round(sat, 1), np.nan)
    panel["inpatient_enough_nurses_pct"] = np.where(is_acute, np.round(nurses, 1), np.nan)
    panel["inpatient_info_privacy_respect"] = np.where(is_acute, np.round(ipr, 1), np.nan)

    # MRSA (acute only): NB2 counts with bed days as exposure
    bed_days = np.round(np.exp(panel["log_size"] + np.log(60.0) + 0.15 * rng.standard_normal(m)), -2)
    rate = panel["year"].map(MRSA_RATE) / 1e4 * np.exp(BETA["log_mrsa_rate"] * e_dev)
    mu = (rate * bed_days).to_numpy()
    hetero = rng.gamma(1 / MRSA_ALPHA, MRSA_ALPHA, m)
    cases = rng.poisson(mu * hetero)
    panel["bed_days"] = np.where(is_acute, bed_days, np.nan)
    panel["mrsa_cases"] = np.where(is_acute, cases, np.nan)

    # staff outcomes (all trusts)
    absence = (ttype.map(ABSENCE_MEAN) - 0.04 * t + BETA["sickness_absence_pct"] * e_dev + 0.15 * size_c
               + 0.2 * (region == "north") + 0.35 * np.repeat(rng.standard_normal(n), len(years))
               + 0.2 * rng.standard_normal(m))
    turnover = (ttype.map(TURNOVER_MEAN) + BETA["turnover_pct"] * e_dev - 0.5 * size_c
                + 1.0 * (region == "london") + 1.2 * np.repeat(rng.standard_normal(n), len(years))
                + 0.8 * rng.standard_normal(m))
    panel["sickness_absence_pct"] = np.round(absence, 2)
    panel["turnover_pct"] = np.round(turnover, 1)

    # Annual Health Check: ordinal logit on a latent scale, cut at the printed shares
    type_effect = {"acute": 0.0, "mental_health": 0.3, "ambulance": -0.3, "primary_care": -0.5}
    shares = ahc_shares()
    for outcome in ("ahc_quality", "ahc_resources"):
        latent = (BETA[outcome] * e_dev + ttype.map(type_effect) + 0.3 * size_c
                  + rng.logistic(size=m)).to_numpy()
        rating = np.full(m, np.nan, dtype=object)
        for y in AHC_YEARS:
            sel = (panel["year"] == y).to_numpy()
            rating[sel] = _cut(latent[sel], shares[(outcome, y)])
        panel[outcome] = rating

    panel = panel[PANEL_COLUMNS].sort_values(["trust_id", "year"], ignore_index=True)
    return {"panel": panel, "respondents": _respondents(rng, trusts)}


def _respondents(rng: np.random.Generator, trusts: pd.DataFrame) -> pd.DataFrame:
    k, n = min(N_RESPONDENT_TRUSTS, len(trusts)), N_RESPONDENTS  # fewer when a reader simulates few trusts
    chosen = np.sort(rng.choice(len(trusts), size=k, replace=False))
    ids = trusts["trust_id"].to_numpy()[chosen]
    u = SD_TRUST_ENGAGEMENT * rng.standard_normal(k)
    # each trust's appraisal and involvement rates differ; the random intercept is independent of them
    p_app = np.clip(0.33 + 0.10 * rng.standard_normal(k), 0.05, 0.95)
    p_con = np.clip(0.65 + 0.10 * rng.standard_normal(k), 0.05, 0.95)
    app = (rng.random((k, n)) < p_app[:, None]).astype(int)
    con = (rng.random((k, n)) < p_con[:, None]).astype(int)
    ms = np.round(np.clip(3.6 + 0.8 * rng.standard_normal((k, n)), 1.0, 5.0), 2)
    eng = (HR_INTERCEPT + HR_BETA["appraisal_well_structured"] * app + HR_BETA["manager_support"] * ms
           + HR_BETA["contribute_improvements"] * con + u[:, None]
           + SD_RESPONDENT_ENGAGEMENT * rng.standard_normal((k, n)))
    out = pd.DataFrame({
        "trust_id": np.repeat(ids, n),
        "respondent_id": [f"R{i:02d}" for i in range(1, n + 1)] * k,
        "appraisal_well_structured": app.ravel(),
        "manager_support": ms.ravel(),
        "contribute_improvements": con.ravel(),
        "engagement": np.round(eng.ravel(), 3),
    })
    return out


def teaching_data(seed: int = DEFAULT_SEED, beta_hsmr: float | None = None,
                  type_counts: dict | None = None) -> dict[str, pd.DataFrame]:
    """The committed files (validated) at the defaults, otherwise a fresh simulation in memory."""
    if seed == DEFAULT_SEED and beta_hsmr in (None, BETA["log_hsmr"]) and type_counts in (None, TRUST_TYPES):
        from ..data.datapackage import read

        panel = read("engagement_trust_panel")
        panel["ahc_quality"] = panel["ahc_quality"].replace("", np.nan)
        panel["ahc_resources"] = panel["ahc_resources"].replace("", np.nan)
        return {"panel": panel, "respondents": read("engagement_respondents")}
    return simulate(seed, beta_hsmr, type_counts)


def to_csv_text(data: pd.DataFrame) -> str:
    """CSV text, byte-stable: floats at fixed decimals, missing values empty."""
    out = data.copy()
    decimals = {"engagement": 3, "motivation": 3, "involvement": 3, "advocacy": 3, "hsmr": 1,
                "inpatient_satisfaction": 1, "inpatient_enough_nurses_pct": 1,
                "inpatient_info_privacy_respect": 1, "sickness_absence_pct": 2, "turnover_pct": 1}
    decimals.update({k: v[3] for k, v in STAFF_MEASURES.items()})
    if "respondent_id" in out.columns:
        decimals = {"manager_support": 2, "engagement": 3}
    for col, dec in decimals.items():
        if col in out.columns:
            out[col] = [("" if pd.isna(v) else f"{v:.{dec}f}") for v in out[col]]
    for col in ("mrsa_cases", "bed_days"):
        if col in out.columns:
            out[col] = [("" if pd.isna(v) else str(int(v))) for v in out[col]]
    return out.to_csv(index=False, lineterminator="\n")


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this module owns, at the book's defaults."""
    frames = simulate(seed)
    return {FILES[k]: to_csv_text(v) for k, v in frames.items()}
