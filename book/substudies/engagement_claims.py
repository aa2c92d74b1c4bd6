"""The engagement chapter's scorecard claims (substudy 4c) and its Monte Carlo replicate.

Each claim's tolerance was written before it was computed, from the precision the source prints or the
range it quotes. Kinds: the Annual Health Check shares, HSMR = 100, the MRSA rate and its fall and the
sickness-absence range were given to the generator (``by construction``); every direction the paper
states, and the figures the generator's variance components were only chosen with in mind (the HSMR range,
correlations, the high-vs-medium contrast), are ``recomputed``; the coherence of the quoted Kendall tau and
Pearson r ranges is a ``consistency`` check between the quoted facts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..methods import cross_section as cs
from ..simulate import engagement as sim
from ..simulate import engagement_truths as tr
from . import claims as C
from . import engagement as em

SUB = "4c"
#: Each Annual Health Check share may differ from the printed whole percentage by this many points
#: (the printed rows sum to 99-101, so rescaled shares can round one point away).
TOL_AHC_PP = 1.0


def calibration_values(panel: pd.DataFrame) -> dict:
    """The teaching data's value of every calibration figure (``panel`` from :func:`em.prepare`)."""
    a = em.acute(panel)
    nat = a.groupby("year").apply(lambda g: 100 * g["observed_deaths"].sum() / g["expected_deaths"].sum(),
                                  include_groups=False)
    h05, a09 = a.loc[a["year"] == 2005, "hsmr"], a[a["year"] == em.YEAR]
    r_year = a.groupby("year").apply(lambda g: np.corrcoef(g["engagement"], g["log_hsmr"])[0, 1], include_groups=False)
    wide = a.pivot(index="trust_id", columns="year", values="log_hsmr")
    mrsa = a.groupby("year").apply(lambda g: 1e4 * g["mrsa_cases"].sum() / g["bed_days"].sum(), include_groups=False)
    shares = {}
    for outcome in ("ahc_quality", "ahc_resources"):
        for y in sim.AHC_YEARS:
            share = 100 * panel.loc[panel["year"] == y, outcome].value_counts(normalize=True)
            shares[(outcome, y)] = [float(share.get(c, 0.0)) for c in reversed(sim.AHC_CATEGORIES)]
    return {
        "national_hsmr": nat, "hsmr_low_2005": float(h05.min() - 100), "hsmr_high_2005": float(h05.max() - 100),
        "contrast": float(cs.high_vs_medium(a).set_index("group").at["pooled", "pct_difference"]),
        "tau": {m: float(stats.kendalltau(a09[m], a09["hsmr"])[0]) for m in ("engagement", "advocacy")},
        "r_year": r_year, "r_mean": float(r_year.mean()),
        "hsmr_yoy": float(np.mean([np.corrcoef(wide[y], wide[y + 1])[0, 1] for y in sim.YEARS[:-1]])),
        "mrsa": mrsa, "absence": panel.groupby("year")["sickness_absence_pct"].mean(), "shares": shares,
    }


def recomputed_checks(panel: pd.DataFrame) -> tuple[dict, dict, pd.DataFrame, pd.DataFrame]:
    """Whether each ``recomputed`` claim holds in ``panel`` (claim_id -> bool), the values behind them,
    the direction table and the by-type table."""
    f = sim.facts_table().set_index("fact_id")["value"].astype(float)
    dirs, bt, cal = em.direction_table(panel), em.by_type_table(panel), calibration_values(panel)
    holds = {f"4c.{r['fact_id']}": bool(r["reproduced"]) for r in dirs.to_dict("records")}
    holds["4c.dir_consistent_types"] = bool((bt["rho"] > 0).all())
    tau_lo, tau_hi = f["kendall_tau_staff_hsmr_high"], f["kendall_tau_staff_hsmr_low"]
    for m, tau in cal["tau"].items():
        holds[f"4c.kendall_tau_{m}_hsmr_2009"] = bool(tau_lo <= tau <= tau_hi)
    holds["4c.r_engagement_mortality"] = bool(f["r_engagement_mortality_high"] <= cal["r_mean"]
                                              <= f["r_engagement_mortality_low"])
    holds["4c.hsmr_year_on_year_r"] = bool(round(cal["hsmr_yoy"], 2) == f["hsmr_year_on_year_r"])
    holds["4c.hsmr_range_2005"] = bool(round(cal["hsmr_low_2005"]) == f["hsmr_range_low_2005"]
                                       and round(cal["hsmr_high_2005"]) == f["hsmr_range_high_2005"])
    holds["4c.hsmr_high_vs_medium_engagement"] = bool(round(cal["contrast"], 1) == f["hsmr_high_vs_medium_engagement"])
    return holds, cal, dirs, bt


def _direction_claims(dirs: pd.DataFrame, bt: pd.DataFrame, holds: dict, facts: pd.DataFrame) -> list[dict]:
    rows = []
    for rec in dirs.to_dict("records"):
        fact = facts.loc[rec["fact_id"]]
        how = ("standardised OLS slope over acute trusts' 2005-2009 means, size and region controlled"
               if rec["analysis"] == "trust_means" else "Spearman's rho with the 2008/09 rating, all trusts")
        sign = "negative" if rec["expected_sign"] < 0 else "positive"
        rows.append(C.claim(f"4c.{rec['fact_id']}", SUB, fact["source"],
                            f"{fact['quantity']}: {sign}" + (" (implied)" if fact["verification"] == "implied by the paper" else ""),
                            kind="recomputed", tolerance=f"same sign ({sign}) and p < {em.ALPHA_DIRECTION:g}",
                            reproduced=f"{rec['estimate']:+.3f} (p {'<0.001' if rec['p'] < 0.001 else format(rec['p'], '.3f')}, "
                                       f"n {rec['n']})", ok=holds[f"4c.{rec['fact_id']}"], note=how))
    support = facts.loc["dir_support_work_pressure"]
    rows.append(C.claim("4c.dir_support_work_pressure", SUB, support["source"], f"{support['quantity']}: negative",
                        kind="not reproducible", note="the teaching data have no measure of patients' support"))
    fact = facts.loc["dir_consistent_types"]
    rows.append(C.claim("4c.dir_consistent_types", SUB, fact["source"], "associations consistent across trust types",
                        kind="recomputed", tolerance="Spearman's rho of engagement with each 2008/09 rating positive in "
                                                     "every one of the four trust types",
                        reproduced=f"{int((bt['rho'] > 0).sum())} of {len(bt)} positive; smallest "
                                   f"{bt['rho'].min():+.2f} ({bt.loc[bt['rho'].idxmin(), 'trust_type']})",
                        ok=holds["4c.dir_consistent_types"],
                        note="only the ratings exist for every type; HSMR, the inpatient survey and MRSA are acute only"))
    return rows


def _recomputed_figures(cal: dict, holds: dict, facts: pd.DataFrame) -> list[dict]:
    f, src = facts["value"].astype(float), facts["source"]
    lo_tau, hi_tau = f["kendall_tau_staff_hsmr_high"], f["kendall_tau_staff_hsmr_low"]
    rows = [C.claim(f"4c.kendall_tau_{m}_hsmr_2009", SUB, src["kendall_tau_staff_hsmr_low"],
                    f"Kendall tau {hi_tau:g} to {lo_tau:g} ({f['kendall_tau_trusts']:g} acute trusts, 2009)",
                    kind="recomputed", tolerance=f"inside the quoted {lo_tau:g} to {hi_tau:g}",
                    reproduced=f"{cal['tau'][m]:.3f} ({m}, {int(f['kendall_tau_trusts'])} trusts)",
                    ok=holds[f"4c.kendall_tau_{m}_hsmr_2009"],
                    note="Pinder et al.'s measure is staff views of care quality; ours is " + m)
            for m in ("engagement", "advocacy")]
    lo_r, hi_r = f["r_engagement_mortality_high"], f["r_engagement_mortality_low"]
    rows.append(C.claim("4c.r_engagement_mortality", SUB, src["r_engagement_mortality_low"], f"r {hi_r:g} to {lo_r:g}",
                        kind="recomputed", tolerance=f"mean of the five yearly r inside the quoted {lo_r:g} to {hi_r:g}",
                        reproduced=f"{cal['r_mean']:.3f} (yearly {cal['r_year'].min():.2f} to {cal['r_year'].max():.2f})",
                        ok=holds["4c.r_engagement_mortality"], note="the quoted range has no source that could be found"))
    rows.append(C.claim("4c.hsmr_year_on_year_r", SUB, src["hsmr_year_on_year_r"], f"about {f['hsmr_year_on_year_r']:g}",
                        kind="recomputed", tolerance="mean of the four year-on-year r of log HSMR rounds to 0.85",
                        reproduced=f"{cal['hsmr_yoy']:.3f}", ok=holds["4c.hsmr_year_on_year_r"],
                        note="no source could be found; the variance components were chosen with it in mind"))
    rows.append(C.claim("4c.hsmr_range_2005", SUB, src["hsmr_range_low_2005"],
                        f"{f['hsmr_range_low_2005']:+g}% to {f['hsmr_range_high_2005']:+g}% (152 trusts)",
                        kind="recomputed", tolerance="lowest and highest 2005 HSMR, as whole percentages of expected, "
                                                     "equal the quoted ends",
                        reproduced=f"{cal['hsmr_low_2005']:+.1f}% to {cal['hsmr_high_2005']:+.1f}%",
                        ok=holds["4c.hsmr_range_2005"],
                        note="the extremes of 147 heavy-tailed values; the spread was chosen with this range in mind"))
    rows.append(C.claim("4c.hsmr_high_vs_medium_engagement", SUB, src["hsmr_high_vs_medium_engagement"],
                        f"{f['hsmr_high_vs_medium_engagement']:g}%", kind="recomputed",
                        tolerance="top vs middle third of engagement within year, trust-years pooled; rounds to -2.5",
                        reproduced=f"{cal['contrast']:.1f}%", ok=holds["4c.hsmr_high_vs_medium_engagement"],
                        note="the source does not define high and medium; this book's definition is stated"))
    return rows


def tau_as_r(tau: float) -> float:
    """Pearson r of a bivariate normal pair whose Kendall tau is ``tau``: sin(pi tau / 2)."""
    return float(np.sin(np.pi * tau / 2))


def _consistency(facts: pd.DataFrame) -> dict:
    f = facts["value"].astype(float)
    taus = sorted([f["kendall_tau_staff_hsmr_low"], f["kendall_tau_staff_hsmr_high"]])
    r_from = sorted(tau_as_r(t) for t in taus)
    r_range = sorted([f["r_engagement_mortality_low"], f["r_engagement_mortality_high"]])
    overlap = r_from[0] <= r_range[1] and r_range[0] <= r_from[1]
    return C.claim("4c.tau_vs_r_coherence", SUB, facts.at["kendall_tau_staff_hsmr_low", "source"] + "; "
                   + facts.at["r_engagement_mortality_low", "source"],
                   f"tau {taus[1]:g} to {taus[0]:g} and r {r_range[1]:g} to {r_range[0]:g} for staff measures and HSMR",
                   kind="consistency", tolerance="the tau range converted to r (r = sin(pi tau / 2), bivariate normal) "
                                                 "overlaps the quoted r range",
                   reproduced=f"tau range as r: {r_from[1]:.2f} to {r_from[0]:.2f}", ok=bool(overlap),
                   note="for one staff measure and normal-like data both ranges cannot hold; they can if the measures "
                        "differ (Pinder et al.'s is staff views of care quality)")


def _by_construction(cal: dict, facts: pd.DataFrame) -> list[dict]:
    f, src = facts["value"].astype(float), facts["source"]
    nat = cal["national_hsmr"]
    rows = [C.claim("4c.hsmr_expected", SUB, src["hsmr_expected"], "100 = expected deaths", kind="by construction",
                    tolerance="national 100 x observed / expected deaths rounds to 100 in every year",
                    reproduced=f"{nat.min():.2f} to {nat.max():.2f}", ok=bool((nat.round() == 100).all()),
                    note="expected deaths are rebased each year")]
    m = cal["mrsa"]
    rows.append(C.claim("4c.mrsa_rate_2007", SUB, src["mrsa_rate_2007"], f"{f['mrsa_rate_2007']:g} per 10,000 bed days",
                        kind="by construction", tolerance="the generator's expected 2007 rate is the quoted figure",
                        reproduced=f"generator {sim.MRSA_RATE[2007]:g}; realised {m[2007]:.2f}",
                        ok=bool(sim.MRSA_RATE[2007] == f["mrsa_rate_2007"]), note="January-September 2007 in the source"))
    rows.append(C.claim("4c.mrsa_falling", SUB, src["mrsa_rate_2007"], "falling after 2007", kind="by construction",
                        tolerance="the generator's expected rates fall from 2007 to 2009",
                        reproduced="realised " + " > ".join(f"{m[y]:.2f}" for y in (2007, 2008, 2009)),
                        ok=bool(sim.MRSA_RATE[2007] > sim.MRSA_RATE[2008] > sim.MRSA_RATE[2009])))
    ab = cal["absence"]
    rows.append(C.claim("4c.sickness_absence", SUB, src["sickness_absence_low"],
                        f"{f['sickness_absence_low']:g}% to {f['sickness_absence_high']:g}%", kind="by construction",
                        tolerance="every yearly mean over trusts inside the quoted range",
                        reproduced=f"{ab.min():.2f}% to {ab.max():.2f}%",
                        ok=bool(ab.between(f["sickness_absence_low"], f["sickness_absence_high"]).all()),
                        note="the national rates read are from April 2009 onwards"))
    for (outcome, y), ours in cal["shares"].items():
        printed = [f[f"{outcome}_{y}_{c}"] for c in reversed(sim.AHC_CATEGORIES)]
        worst = max(abs(o - p) for o, p in zip(ours, printed))
        rows.append(C.claim(f"4c.{outcome}_{y}_{str(y + 1)[2:]}_shares", SUB, src[f"{outcome}_{y}_excellent"],
                            "/".join(f"{p:g}" for p in printed) + "% excellent/good/fair/weak", kind="by construction",
                            tolerance=f"each share within {TOL_AHC_PP:g} point of the printed percentage",
                            reproduced="/".join(f"{o:.1f}" for o in ours) + "%", ok=bool(worst <= TOL_AHC_PP),
                            note="cut at the printed shares; the source's shares are of all trust types"))
    return rows


def engagement_outcomes_claims(panel: pd.DataFrame | None = None, checks: tuple | None = None) -> pd.DataFrame:
    """Substudy 4c's scorecard rows from the teaching data (or from ``panel``, a prepared panel; ``checks``
    is its :func:`recomputed_checks`, if already computed)."""
    if panel is None:
        panel = em.prepare(sim.teaching_data()["panel"])
    facts = sim.facts_table().set_index("fact_id")
    holds, cal, dirs, bt = recomputed_checks(panel) if checks is None else checks
    rows = (_direction_claims(dirs, bt, holds, facts) + _recomputed_figures(cal, holds, facts)
            + [_consistency(facts)] + _by_construction(cal, facts))
    return C.table(rows)


def replicate(seed: int) -> pd.DataFrame:
    """One simulated study at ``seed`` with the default design: every ``recomputed`` claim (holds or not) and
    every interval of the recovery table (covers its truth or not; None where the fit could not be reported)."""
    data = sim.simulate(int(seed))
    panel = em.prepare(data["panel"])
    holds = recomputed_checks(panel)[0]
    rec = em.recovery_table(panel, data["respondents"])
    rows = [{"check_id": k, "check": "claim", "holds": v} for k, v in holds.items()]
    rows += [{"check_id": r["check_id"], "check": "interval", "holds": r["covered"]} for r in rec.to_dict("records")]
    return pd.DataFrame(rows, columns=["check_id", "check", "holds"])
