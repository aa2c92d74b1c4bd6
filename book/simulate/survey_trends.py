"""Seeded teaching data for the survey-trends chapter (substudies 4a and 4b).

Trust-level scores for the seven NHS Staff Survey items of Tables 2 and 3 (309
trusts) and the two Acute Inpatient Survey items of Table 3 (157 acute trusts
with all three years, plus the 8 that make up Table 1's 165), in 2007, 2009
and 2011.

Calibration: for the complete trusts, each item's yearly means equal the
published means and each year's SD equals the published 2007 SD *exactly in the
sample* (before the values are rounded to the precision trusts' scores are
reported at), so recomputing Tables 2 and 3 returns the printed cells. What the
paper does not print is the correlation between a trust's scores in consecutive
surveys; we assume ``PREFERRED_R`` and, where a printed significance marker
cannot arise at that value, move it to the nearest correlation that gives the
marker (:func:`book.markers.choose_correlation`). :func:`design` lists every
correlation used. Assumptions of ours, not the paper's: the split of the 309
trusts by type (``STAFF_TRUST_TYPES``), equal SDs in all three years, no
difference in means between trust types, normally distributed trust scores,
and which year each of the 8 partial acute trusts lacks.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import published
from .draws import multivariate_normal
from ..methods.markers import choose_correlation, correlation_range
from ..methods.replication import survey_table_comparison
from ..methods.trends import change_table

from .seeds import DEFAULT_SEED  # the rule: 2014 for every generator
#: Assumed year-to-year correlation of a trust's scores (later public staff-survey data: ~0.5-0.9).
PREFERRED_R = 0.7
#: Our assumed split of the 309 staff-survey trusts by type (the paper gives none).
STAFF_TRUST_TYPES = {"acute": 157, "mental_health": 55, "ambulance": 11, "primary_care": 86}
TYPE_PREFIX = {"acute": "ACU", "mental_health": "MEN", "ambulance": "AMB", "primary_care": "PCT"}
FILES = {"staff": "staff_survey_trusts.csv", "inpatient": "inpatient_survey_trusts.csv"}
_MAX_DRAWS = 50


def value_decimals(scale_max: float) -> int:
    """Precision of a simulated trust score: 2 decimals for 1-5 and 1-4 means, 1 for percentages."""
    return 2 if scale_max <= 5 else 1


def design(preferred_r: float = PREFERRED_R, calibrate_markers: bool = True) -> pd.DataFrame:
    """The correlation used for each item and pair of consecutive years.

    Returns
    -------
    DataFrame
        ``item, period_from, period_to, marker, r_min, r_max, r_preferred, r_used,
        moved`` where ``[r_min, r_max]`` is the range that gives the printed
        marker (printed figures taken as exact) and ``moved`` says whether
        ``r_used`` had to leave ``r_preferred`` to match it.
    """
    rows = []
    for rec in published.survey_tables_long().to_dict("records"):
        r_range = correlation_range(rec["change"], int(rec["n_trusts"]), rec["marker"], rec["sd_2007"])
        r_used = choose_correlation(preferred_r, r_range) if calibrate_markers else preferred_r
        rows.append({"item": rec["item"], "period_from": rec["period_from"], "period_to": rec["period_to"],
                     "marker": rec["marker"] or "none", "r_min": r_range[0], "r_max": r_range[1],
                     "r_preferred": preferred_r, "r_used": r_used, "moved": not np.isclose(r_used, preferred_r)})
    return pd.DataFrame(rows)


def _exact_sample(rng: np.random.Generator, n: int, means: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """n draws whose sample mean and covariance (ddof=1) equal ``means`` and ``cov`` exactly."""
    z = rng.standard_normal((n, len(means)))
    z -= z.mean(axis=0)
    whitened = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return means + whitened @ np.linalg.cholesky(cov).T


def _item_cov(sd: float, r1: float, r2: float) -> np.ndarray:
    """Covariance of three waves with lag-1 correlations r1, r2 (a Markov chain: r13 = r1 * r2)."""
    corr = np.array([[1.0, r1, r1 * r2], [r1, 1.0, r2], [r1 * r2, r2, 1.0]])
    return sd**2 * corr


def _long(values: np.ndarray, trusts: pd.DataFrame, item: str, years) -> pd.DataFrame:
    wide = pd.DataFrame(values, columns=list(years))
    wide.insert(0, "trust_id", trusts["trust_id"].to_numpy())
    wide.insert(1, "trust_type", trusts["trust_type"].to_numpy())
    out = wide.melt(id_vars=["trust_id", "trust_type"], var_name="year", value_name="value").dropna()
    out["year"] = out["year"].astype(int)
    out.insert(3, "item", item)
    return out


def _trusts(counts: dict[str, int]) -> pd.DataFrame:
    rows = [(f"{TYPE_PREFIX[t]}{i:03d}", t) for t, k in counts.items() for i in range(1, k + 1)]
    return pd.DataFrame(rows, columns=["trust_id", "trust_type"])


def _survey(rng, spec: pd.DataFrame, r_used: pd.DataFrame, trusts: pd.DataFrame,
            partial: pd.DataFrame | None) -> pd.DataFrame | None:
    years = published.SURVEY_YEARS
    parts = []
    for rec in spec.to_dict("records"):
        r = r_used[r_used["item"] == rec["item_id"]].set_index("period_from")["r_used"]
        cov = _item_cov(rec["sd_2007"], r[years[0]], r[years[1]])
        means = np.array([rec[f"mean_{y}"] for y in years], dtype=float)
        dec = value_decimals(rec["scale_max"])
        values = np.round(_exact_sample(rng, len(trusts), means, cov), dec)
        parts.append(_long(values, trusts, rec["item_id"], years))
        if partial is not None and len(partial):
            extra = np.round(multivariate_normal(rng, means, cov, size=len(partial)), dec)
            # each partial trust lacks one survey year, chosen at random
            extra[np.arange(len(partial)), rng.integers(0, len(years), size=len(partial))] = np.nan
            parts.append(_long(extra, partial, rec["item_id"], years))
        lo, hi = rec["scale_min"], rec["scale_max"]
        item = pd.concat([p for p in parts if p["item"].iat[0] == rec["item_id"]])
        if item["value"].lt(lo).any() or item["value"].gt(hi).any():
            return None  # a trust mean off the response scale: the caller draws the survey again
    data = pd.concat(parts, ignore_index=True)
    return data.sort_values(["trust_id", "year", "item"], ignore_index=True)


def simulate(seed: int = DEFAULT_SEED, preferred_r: float = PREFERRED_R,
             calibrate_markers: bool = True) -> dict[str, pd.DataFrame]:
    """Simulate both surveys.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.default_rng`` that drives every draw.
    preferred_r : float
        Assumed correlation of a trust's scores between consecutive surveys.
    calibrate_markers : bool
        If True (default), move the correlation where needed so that every
        printed significance marker is reproduced; if False, use ``preferred_r``
        everywhere and let the markers fall where they may.

    Returns
    -------
    dict
        ``{"staff": DataFrame, "inpatient": DataFrame}``, each with columns
        ``trust_id, trust_type, year, item, value``.
    """
    rng = np.random.default_rng(seed)
    spec = published.survey_tables()
    r_used = design(preferred_r, calibrate_markers)
    n_partial = published.count("inpatient_trusts_any") - published.count("inpatient_trusts_all_years")
    n_acute = published.count("inpatient_trusts_all_years")
    staff_trusts = _trusts(STAFF_TRUST_TYPES)
    acute = _trusts({"acute": n_acute})
    partial = _trusts({"acute": n_acute + n_partial}).iloc[n_acute:]
    staff_spec = spec[spec["survey"] == "NHS Staff Survey"]
    inpatient_spec = spec[spec["survey"] == "Acute Inpatient Survey"]
    if len(staff_trusts) != published.count("staff_trusts_all_years"):
        raise ValueError("STAFF_TRUST_TYPES must add up to the published 309 trusts")
    frames = {}
    for key, sub_spec, trusts, part in (("staff", staff_spec, staff_trusts, None),
                                        ("inpatient", inpatient_spec, acute, partial)):
        # draw again when a trust mean falls off the response scale (the normal model has no bounds), or
        # when rounding to reporting precision tips a cell over a rounding edge
        for _ in range(_MAX_DRAWS):
            data = _survey(rng, sub_spec, r_used, trusts, part)
            if data is None:
                continue
            check = survey_table_comparison(change_table(data), published.survey_tables_long())
            if not calibrate_markers or check["match"].all():
                break
        else:
            raise RuntimeError(f"no draw of the {key} survey stayed on the response scale and reproduced the "
                               f"published table in {_MAX_DRAWS} tries")
        frames[key] = data
    return frames


def teaching_data(seed: int = DEFAULT_SEED, preferred_r: float = PREFERRED_R,
                  calibrate_markers: bool = True) -> dict[str, pd.DataFrame]:
    """The committed files (validated) at the book's defaults, otherwise a fresh simulation.

    Lets a chapter's parameters cell change the seed or the assumed correlation
    while the default run reads exactly what ``data/simulated`` holds.
    """
    if (seed, preferred_r, calibrate_markers) == (DEFAULT_SEED, PREFERRED_R, True):
        from ..data import datasets

        return {"staff": datasets.staff_survey_trusts(), "inpatient": datasets.inpatient_survey_trusts()}
    return simulate(seed, preferred_r, calibrate_markers)


def to_csv_text(data: pd.DataFrame) -> str:
    """CSV text with each value written at its item's precision (byte-stable across machines)."""
    decimals = {r["item_id"]: value_decimals(r["scale_max"]) for r in published.survey_tables().to_dict("records")}
    out = data.copy()
    out["value"] = [f"{v:.{decimals[i]}f}" for i, v in zip(out["item"], out["value"])]
    return out.to_csv(index=False, lineterminator="\n")


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this module owns, at the book's defaults."""
    frames = simulate(seed)
    return {FILES[k]: to_csv_text(v) for k, v in frames.items()}
