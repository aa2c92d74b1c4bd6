"""What each estimator of the engagement chapter converges to under :mod:`book.simulate.engagement`.

Computed from the generating model's second moments, not by fitting simulated data: :func:`hsmr_truths`
(every estimator of log HSMR on engagement: one year, pooled, between, random effects, fixed effects, the
model with last year's HSMR and the latent growth curve), :func:`hsmr_engagement_correlation`,
:func:`correlation_truths` (staff x inpatient correlations), :func:`slope_truths` (the other outcomes'
slopes) and :func:`respondent_truths` (the multilevel model). They are exact when engagement is measured
without sampling error (the default); with ``sampling_sd > 0`` the linear ones stay exact and the count and
ordinal slopes are first-order approximations (their attenuation by the reliability of engagement). Deaths
are Poisson, and their noise enters the HSMR limits through its mean variance, ``E[1 / expected deaths]``.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import ndtr

from . import engagement as g


def engagement_variance(year: int) -> float:
    """Variance of a trust's true engagement around its type mean in ``year``."""
    return g.SD_LEVEL**2 + g.time_var(year) ** 2 * g.SD_GROWTH**2 + g.SD_FLUCTUATION**2


def reliability(year: int, sampling_sd: float = g.SAMPLING_SD) -> float:
    """Share of the within-type variance of measured engagement that is true variance in ``year``."""
    v = engagement_variance(year)
    return v / (v + sampling_sd**2)


def hsmr_trust_effect_variance() -> float:
    """Variance of the persistent trust effect on log HSMR (a Laplace draw stretched above zero)."""
    b, k = g.SD_HSMR_TRUST, g.HSMR_SKEW
    second = b**2 * (k**2 + k**-2)          # E[(k u)^2; u > 0] + E[(u / k)^2; u < 0], u ~ Laplace(0, b)
    first = (k - 1 / k) * b / 2             # E[u; u > 0] = b / 2
    return second - first**2


def poisson_variance() -> float:
    """Mean variance that Poisson noise in observed deaths adds to log HSMR: ``E[1 / mu]`` for an acute trust.

    ``mu`` is expected deaths x exp(centred latent log HSMR): lognormal size and expected-death noise, and
    the latent spread taken as normal with the variance of :func:`_loadings` (a second-order detail).
    """
    log_k = np.log(g.EXPECTED_DEATHS_PER_STAFF) + g.LOG_SIZE_MEAN["acute"]
    latent = hsmr_trust_effect_variance() + g.CONFOUNDER_ON_HSMR**2 + g.SD_HSMR_YEAR**2
    return float(np.exp(-log_k + (g.SD_LOG_SIZE**2 + g.SD_LOG_EXPECTED**2) / 2 + latent / 2))


def _loadings(beta: float, sampling_sd: float, years=g.YEARS) -> tuple[np.ndarray, np.ndarray]:
    """Measured engagement (E) and log HSMR (Y) of an acute trust in each year as linear maps of independent
    unit-variance components ``[c, level rest, growth, w_2005.., m_2005.., e_2005.., trust effect]``
    (``w`` the true fluctuation, ``m`` sampling error, ``e`` the yearly and Poisson noise of log HSMR).

    Size and region are left out: they are independent of everything else and every model controls for
    them, so they change no estimator's limit.
    """
    t, T = g.time_var(years), len(years)
    K = 3 + 3 * T + 1
    true, Y = np.zeros((T, K)), np.zeros((T, K))
    d, rows = g.CONFOUNDER_ON_ENGAGEMENT, np.arange(T)
    true[:, 0] = -d
    true[:, 1] = np.sqrt(g.SD_LEVEL**2 - d**2)
    true[:, 2] = g.SD_GROWTH * t
    true[rows, 3 + rows] = g.SD_FLUCTUATION
    E = true.copy()
    E[rows, 3 + T + rows] = sampling_sd
    Y[:] = beta * true
    Y[:, 0] += g.CONFOUNDER_ON_HSMR
    Y[rows, 3 + 2 * T + rows] = np.sqrt(g.SD_HSMR_YEAR**2 + poisson_variance())
    Y[:, -1] = np.sqrt(hsmr_trust_effect_variance())
    return E, Y


def _quasi_demeaned_slope(E: np.ndarray, Y: np.ndarray, theta: float) -> float:
    """Limit of the pooled slope of ``Y_t - theta Ybar`` on ``E_t - theta Ebar`` (year effects removed)."""
    Eq, Yq = E - theta * E.mean(0), Y - theta * Y.mean(0)
    return float(np.sum(Eq * Yq) / np.sum(Eq * Eq))


def _random_effects_theta(E: np.ndarray, Y: np.ndarray) -> float:
    """The quasi-demeaning weight random effects converges to (linearmodels' variance estimators: the
    within residual variance, and the between residual variance less its share of it)."""
    T = len(E)
    b_within = _quasi_demeaned_slope(E, Y, 1.0)
    resid = (Y - Y.mean(0)) - b_within * (E - E.mean(0))
    sigma2_e = float(np.sum(resid * resid)) / (T - 1)
    Eb, Yb = E.mean(0), Y.mean(0)
    sigma2_u = max(0.0, float(Yb @ Yb - (Eb @ Yb) ** 2 / (Eb @ Eb)) - sigma2_e / T)
    return float(1 - np.sqrt(sigma2_e / (T * sigma2_u + sigma2_e)))


def hsmr_truths(beta_hsmr: float | None = None, sampling_sd: float = g.SAMPLING_SD, years=g.YEARS) -> dict:
    """What each estimator of log HSMR on measured engagement converges to.

    ``causal``: the generator's within-trust slope. ``fixed``: entity and year fixed effects (the causal
    slope attenuated by the reliability of within-trust changes when ``sampling_sd > 0``).
    ``cross_section_<year>``: one year's regression, confounded by the unmeasured characteristic (also the
    limit of the weighted and count models of that year). ``between``: trust means on trust means.
    ``pooled``: all trust-years with year effects. ``random``: random-effects GLS (``random_theta`` its
    weight). ``pooled_lag`` and ``pooled_lag_prior``: pooled with last year's log HSMR as a control.
    ``mundlak_contextual``: the coefficient of a trust's mean engagement beside its yearly engagement
    (between minus fixed). ``growth_intercept`` and ``growth_slope``: effects of the latent level (2007)
    and growth of true engagement on the last year's log HSMR in the latent growth model.
    """
    b = g.BETA["log_hsmr"] if beta_hsmr is None else beta_hsmr
    E, Y = _loadings(b, sampling_sd, years)
    T = len(years)
    out = {"causal": b, "fixed": _quasi_demeaned_slope(E, Y, 1.0)}
    for k, y in enumerate(years):
        out[f"cross_section_{y}"] = float(E[k] @ Y[k] / (E[k] @ E[k]))
    out["pooled"] = _quasi_demeaned_slope(E, Y, 0.0)
    Eb, Yb = E.mean(0), Y.mean(0)
    out["between"] = float(Eb @ Yb / (Eb @ Eb))
    theta = _random_effects_theta(E, Y)
    out["random"], out["random_theta"] = _quasi_demeaned_slope(E, Y, theta), theta
    xx, xy = np.zeros((2, 2)), np.zeros(2)  # normal equations summed over the years with a prior
    for k in range(1, T):
        X = np.vstack([E[k], Y[k - 1]])
        xx += X @ X.T
        xy += X @ Y[k]
    coef = np.linalg.solve(xx, xy)
    out["pooled_lag"], out["pooled_lag_prior"] = float(coef[0]), float(coef[1])
    out["mundlak_contextual"] = out["between"] - out["fixed"]
    out["growth_intercept"] = b - g.CONFOUNDER_ON_HSMR * g.CONFOUNDER_ON_ENGAGEMENT / g.SD_LEVEL**2
    out["growth_slope"] = float(b * g.time_var(max(years)))
    return out


def hsmr_engagement_correlation(year: int = 2009, beta_hsmr: float | None = None,
                                sampling_sd: float = g.SAMPLING_SD) -> float:
    """Population Pearson correlation of measured engagement with log HSMR among acute trusts in ``year``."""
    b = g.BETA["log_hsmr"] if beta_hsmr is None else beta_hsmr
    E, Y = _loadings(b, sampling_sd)
    k = g.YEARS.index(year)
    p = np.asarray(g.REGION_PROBS)
    region = np.array([g.HSMR_REGION[r] for r in g.REGIONS])
    var_y = Y[k] @ Y[k] + (g.HSMR_SIZE * g.SD_LOG_SIZE) ** 2 + p @ region**2 - (p @ region) ** 2
    return float(E[k] @ Y[k] / np.sqrt((E[k] @ E[k]) * var_y))


def kendall_tau_from_r(r):
    """Kendall's tau of a bivariate normal pair with Pearson correlation ``r``: (2 / pi) arcsin r."""
    return 2 / np.pi * np.arcsin(r)


def slope_truths(sampling_sd: float = g.SAMPLING_SD, year: int = 2009) -> dict[str, float]:
    """Slopes on measured engagement of the one-year outcome models (``year``), the count model (2005-2009)
    and the ordered logits: the generator's ``BETA`` times the reliability of engagement."""
    lam = reliability(year, sampling_sd)
    lam_years = float(np.mean([reliability(y, sampling_sd) for y in g.YEARS]))
    out = {k: g.BETA[k] * lam for k in ("inpatient_satisfaction", "sickness_absence_pct", "turnover_pct",
                                         "ahc_quality", "ahc_resources")}
    out["log_mrsa_rate"] = g.BETA["log_mrsa_rate"] * lam_years
    return out


def count_truths() -> dict[str, float]:
    """Overdispersion of MRSA counts: NB2 alpha of the product of the trust and trust-year gamma factors."""
    return {"alpha": (1 + g.MRSA_ALPHA_TRUST) * (1 + g.MRSA_ALPHA) - 1, "alpha_trust": g.MRSA_ALPHA_TRUST}


def correlation_truths(staff: list[str], patient: list[str], year: int = 2009,
                       sampling_sd: float = g.SAMPLING_SD) -> pd.DataFrame:
    """Population correlations, among acute trusts in one year, of staff measures with inpatient measures.

    Staff measures are ``engagement`` or a key of ``STAFF_MEASURES``; inpatient measures
    ``inpatient_satisfaction``, ``inpatient_enough_nurses_pct`` or ``inpatient_info_privacy_respect``.
    Returns ``staff_measure, patient_measure, truth``.
    """
    v_e = engagement_variance(year)
    s0 = np.sqrt(g.SD_LEVEL**2 + g.SD_FLUCTUATION**2)  # the generator's scale of z_e
    v_z = v_e / s0**2
    rho = {k: v[2] for k, v in g.STAFF_MEASURES.items()}

    def z_var(m):
        return rho[m] ** 2 * v_z + 1 - rho[m] ** 2

    p_london = g.REGION_PROBS[g.REGIONS.index("london")]
    sat_other = ((g.SAT_SIZE * g.SD_LOG_SIZE) ** 2 + g.SAT_LONDON**2 * p_london * (1 - p_london)
                 + g.SD_SAT_TRUST**2 + g.SD_SAT_YEAR**2)
    patients = {"inpatient_satisfaction": (g.BETA["inpatient_satisfaction"], 0.0, sat_other)}
    for k, sd in g.SD_INPATIENT_NOISE.items():
        patients[k] = (0.0, g.BETA_WORK_PRESSURE[k], sd**2)
    rows = []
    for s in staff:
        if s != "engagement" and s not in g.STAFF_MEASURES:
            raise KeyError(f"unknown staff measure {s!r}")
        for p in patient:
            if p not in patients:
                raise KeyError(f"unknown inpatient measure {p!r}; known: {list(patients)}")
            a_e, a_wp, other = patients[p]
            var_p = a_e**2 * v_e + a_wp**2 * z_var("work_pressure") + other
            if s == "engagement":
                var_s = v_e + sampling_sd**2
                cov = a_e * v_e + a_wp * rho["work_pressure"] * v_e / s0
            else:
                var_s = z_var(s)
                wp_cov = z_var(s) if s == "work_pressure" else rho[s] * rho["work_pressure"] * v_z
                cov = a_e * rho[s] * v_e / s0 + a_wp * wp_cov
            rows.append({"staff_measure": s, "patient_measure": p, "truth": cov / np.sqrt(var_s * var_p)})
    return pd.DataFrame(rows)


def truncated_variance(room: np.ndarray) -> np.ndarray:
    """Variance of the respondent residual, a normal truncated symmetrically at +-``room``."""
    s = g.SD_RESPONDENT_ENGAGEMENT
    t = np.asarray(room, dtype=float) / s
    mass = 2 * ndtr(t) - 1
    dens = np.exp(-t**2 / 2) / np.sqrt(2 * np.pi)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(mass > 1e-12, 2 * t * dens / mass, 1.0)
    return s**2 * (1 - ratio)


@lru_cache(maxsize=8)
def _respondent_truths(counts: tuple) -> dict[str, float]:
    counts = dict(counts)
    v = g.engagement_2009_variance(counts)
    c = g.hr_rate_loadings(v)
    s = sum(g.HR_BETA[k] * c[k] for k in g.HR_BETA)
    a = sum(g.HR_BETA[k] ** 2 * g.HR_RATE[k][1] ** 2 for k in g.HR_BETA)
    var_u = v - (s**2 * v + a)
    # the residual's mean variance depends on how close predicted scores come to the ends of the scale:
    # averaged over a large fixed draw of trusts from the generator's own functions
    rng = np.random.default_rng(20140)
    types = np.repeat(list(counts), [counts[t] * 20 for t in counts])
    mean = np.array([g.ENGAGEMENT_MEAN[t] for t in types]) + g.ENGAGEMENT_TREND * g.time_var(2009)
    engagement = mean + np.sqrt(engagement_variance(2009)) * rng.standard_normal(len(types))
    w = np.array([counts[t] for t in counts], dtype=float)
    grand = float(w @ np.array([g.ENGAGEMENT_MEAN[t] for t in counts]) / w.sum()
                  + g.ENGAGEMENT_TREND * g.time_var(2009))
    rates, answers = g.hr_practices(rng, engagement, grand, counts, 100)
    predicted = engagement[:, None] + sum(g.HR_BETA[p] * (answers[p] - rates[p][:, None]) for p in g.HR_BETA)
    var_e = float(truncated_variance(np.clip(np.minimum(predicted - 1, 5 - predicted), 0, None)).mean())
    within_x = float(np.mean(sum(g.HR_BETA[p] ** 2 * (answers[p] - rates[p][:, None]).var(axis=1) * 100 / 99
                                 for p in g.HR_BETA)))
    icc1 = v / (v + within_x + var_e)
    n = g.N_RESPONDENTS
    return {"icc1": icc1, "icc2": n * icc1 / (1 + (n - 1) * icc1), "icc_residual": var_u / (var_u + var_e)}


def respondent_truths(type_counts: dict | None = None) -> dict[str, float]:
    """The multilevel model's truths: each HR practice's within-trust effect (``HR_BETA``) and contextual
    effect (0: between-trust and within-trust effects are equal by construction), ``icc1`` (the share of
    respondents' engagement variance lying between trusts), ``icc2`` (the reliability of a trust mean of
    ``N_RESPONDENTS`` respondents) and ``icc_residual`` (the share of the variance left after the practices)."""
    counts = g.TRUST_TYPES if type_counts is None else type_counts
    out = {f"within_{k}": b for k, b in g.HR_BETA.items()}
    out.update({f"contextual_{k}": 0.0 for k in g.HR_BETA})
    out.update(_respondent_truths(tuple(sorted(counts.items()))))
    return out
