"""Clinical teams (substudy 5): the chapter's estimates beside what the generator's model implies.

A separate step from the analyses (:mod:`book.substudies.teams_aggregation`, :mod:`~book.substudies.teams_models`,
:mod:`~book.substudies.teams_innovations`), which run on any table of the same shape: here each estimate
gets ``built_in`` (what perfect measurement would give) and ``expected`` (what the estimator converges to
with this design), both from :mod:`book.simulate.teams.truths`, and ``covered`` (the expected value inside
the 95% interval, judged at :data:`~book.substudies.teams_aggregation.DECISION_DECIMALS`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..simulate import teams as sim
from . import teams_innovations as ti
from . import teams_models as tmod
from .teams_aggregation import DIMS, at, icc_table


def design(teams: pd.DataFrame) -> pd.DataFrame:
    """What the truths need of the teams analysed: ``sector, n_baseline, n_followup``."""
    return teams[["sector", "n_baseline", "n_followup"]]


def _covered(low, value, high) -> pd.Series:
    return (at(low) <= at(value)) & (at(value) <= at(high))


def reliability_vs_model(table: pd.DataFrame, teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """:func:`~book.substudies.teams_aggregation.reliability_table` (or ``icc_table``) with ``alpha_expected,
    icc1_expected, icc2_expected, rwg_j_expected`` and ``icc1_covered``."""
    exp = sim.expected_reliability(design(teams), **sim.model_params(**(model or {}))).set_index("dimension")
    out = table.copy()
    for col in ("alpha", "icc1", "icc2", "rwg_j"):
        out[f"{col}_expected"] = out["dimension"].map(exp[col])
    out["icc1_covered"] = _covered(out["icc1_ci_low"], out["icc1_expected"], out["icc1_ci_high"])
    return out


def sector_vs_model(table: pd.DataFrame, teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """:func:`~book.substudies.teams_models.sector_anova` with ``np2_expected``, the share of variance the
    generator's sector shifts imply."""
    eta = sim.expected_sector_eta2(design(teams), list(table["dimension"]), model)
    return table.assign(np2_expected=table["dimension"].map(eta).to_numpy())


def regression_vs_model(table: pd.DataFrame, teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """A table of standardised coefficients (``outcome, predictor, std_beta, ci_low, ci_high``; each
    outcome one model of its rows' predictors) with ``built_in``, ``expected`` and ``covered``.
    ``attrs`` (from the last model): ``r2_built_in``, ``r2_expected``."""
    parts = []
    attrs = {}
    for outcome, rows in table.groupby("outcome", sort=False):
        predictors = list(rows["predictor"])
        used, _ = tmod.complete(teams, [outcome, *predictors, tmod.CLUSTER])
        truth = sim.regression_truth(design(used), outcome, predictors, model)
        parts.append(rows.merge(truth, on="predictor", how="left"))
        attrs = dict(truth.attrs)
    out = pd.concat(parts, ignore_index=True)
    out["covered"] = _covered(out["ci_low"], out["expected"], out["ci_high"])
    out.attrs.update(table.attrs, **attrs)
    return out


def sources_vs_model(table: pd.DataFrame, teams: pd.DataFrame, model: dict | None = None) -> pd.DataFrame:
    """:func:`~book.substudies.teams_models.source_comparison` with ``r2_expected``,
    ``r2_expected_no_halo`` (no halo shared by the team) and ``r2_built_in``."""
    rows = []
    for outcome in table["outcome"]:
        used, _ = tmod.complete(teams, [outcome, *tmod.PREDICTORS, tmod.CLUSTER])
        t = sim.regression_truth(design(used), outcome, tmod.PREDICTORS, model, no_halo=True).attrs
        rows.append({"r2_expected": t["r2_expected"], "r2_expected_no_halo": t["r2_expected_no_halo"],
                     "r2_built_in": t["r2_built_in"]})
    return pd.concat([table.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def importance_vs_model(table: pd.DataFrame, teams: pd.DataFrame, outcome: str = "effectiveness",
                        model: dict | None = None) -> pd.DataFrame:
    """:func:`~book.substudies.teams_models.importance_table` with the general dominance weights (and ranks)
    the model implies with this design (``expected``) and with perfect measurement (``built_in``)."""
    used, _ = tmod.complete(teams, [outcome, *tmod.PREDICTORS])
    truth = sim.dominance_truth(design(used), outcome, tmod.PREDICTORS, model)
    out = table.merge(truth, on="predictor", how="left")
    out.attrs.update(table.attrs)
    return out


def count_vs_model(table: pd.DataFrame, teams: pd.DataFrame, predictor: str = "reflexivity",
                   model: dict | None = None) -> pd.DataFrame:
    """:func:`~book.substudies.teams_innovations.innovation_count_table` with the rate ratio the model
    implies (``expected``, rate-ratio row only) and ``covered``."""
    used = teams[teams[ti.EXPOSURE] > 0]
    out = table.copy()
    out["expected"] = [np.nan, sim.expected_innovation_rate_ratio(design(used), predictor, model)]
    out["covered"] = [None, bool(_covered(out.at[1, "ci_low"], out.at[1, "expected"], out.at[1, "ci_high"]))
                      if table.attrs.get("converged", True) else None]
    out.attrs.update(table.attrs)
    return out


def _rows(t: pd.DataFrame, model: str) -> pd.DataFrame:
    return pd.DataFrame({"model": model, "term": t["predictor"], "estimate": t["std_beta"], "se": t["se"],
                         "expected": t["expected"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
                         "covered": t["covered"]})


def coverage_table(data: dict, teams: pd.DataFrame, model: dict | None = None,
                   reliability: pd.DataFrame | None = None, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every interval the chapter sets beside a value the generator implies: ``check_id, model, term,
    estimate, se, expected, ci_low, ci_high, covered`` and ``z`` (the estimate's distance from
    ``expected`` in standard errors; missing for the ICC and rate-ratio intervals, which are not Wald).
    ``reliability`` (or the respondents' ``scores``) may be passed to save recomputing them."""
    parts = []
    for outcome in tmod.RATINGS:
        parts.append(_rows(regression_vs_model(tmod.regression_table(teams, outcome), teams, model),
                           f"{outcome} on inputs and processes"))
    for name, table in (("on reflexivity", tmod.reflexivity_table(teams)), ("on baseline", tmod.lagged_table(teams))):
        t = regression_vs_model(table, teams, model)
        parts.append(_rows(t, "").assign(model=(t["outcome"] + " " + name).to_numpy()))
    iccs = icc_table(data["responses"], scores=scores) if reliability is None else reliability
    r = reliability_vs_model(iccs, teams, model)
    parts.append(pd.DataFrame({"model": "ICC(1) of the team means", "term": r["dimension"], "estimate": r["icc1"],
                               "se": np.nan, "expected": r["icc1_expected"], "ci_low": r["icc1_ci_low"],
                               "ci_high": r["icc1_ci_high"], "covered": r["icc1_covered"]}))
    c = count_vs_model(ti.innovation_count_table(ti.innovation_count_model(teams)), teams, model=model).iloc[[1]]
    parts.append(pd.DataFrame({"model": "innovations per innovation answer", "term": ["reflexivity"],
                               "estimate": c["estimate"].to_numpy(), "se": np.nan, "expected": c["expected"].to_numpy(),
                               "ci_low": c["ci_low"].to_numpy(), "ci_high": c["ci_high"].to_numpy(),
                               "covered": c["covered"].to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    out["z"] = (out["estimate"] - out["expected"]) / out["se"]
    out.insert(0, "check_id", "5.interval." + out["model"].str.replace(" ", "_") + "." + out["term"])
    return out


__all__ = ["design", "reliability_vs_model", "sector_vs_model", "regression_vs_model", "sources_vs_model",
           "importance_vs_model", "count_vs_model", "coverage_table", "DIMS"]
