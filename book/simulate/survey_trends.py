"""Seeded teaching data for the survey-trends chapter (substudies 4a and 4b).

Trust-level scores for the seven NHS Staff Survey items of Tables 2 and 3 (309 trusts) and the two
Acute Inpatient Survey items of Table 3 (157 acute trusts with all three years, plus the 8 that make
up Table 1's 165), in 2007, 2009 and 2011. Two designs:

- :func:`simulate`, the chapter's teaching data (committed in ``data/simulated``): for the complete
  trusts, each item's yearly means equal the published means and each year's SD equals the published
  2007 SD *exactly in the sample* (before rounding to the precision trust scores are reported at), so
  recomputing Tables 2 and 3 returns the printed cells *by construction*. The correlation between a
  trust's scores in consecutive surveys, which the paper does not print, is ``PREFERRED_R``, moved
  where a printed marker cannot arise at that value to the nearest one that gives it (:func:`design`).
- :func:`sample_study`, a study that was not calibrated: trusts drawn at random from a population whose
  means are the printed means, whose SD is the printed 2007 SD and whose year-to-year correlation is
  ``r`` everywhere. Its markers are computed, not given, so the Monte Carlo can say how often a study
  of this size would print each one; :func:`population_changes` holds its truths.

Assumptions of ours, not the paper's: the split of the 309 trusts by type (``STAFF_TRUST_TYPES``),
equal SDs in all three years, a 2007-2011 correlation of ``r12 * r23`` (a Markov chain), no difference
between trust types, normally distributed trust scores, and which year each of the 8 partial acute
trusts lacks. Each survey, and each part of the sampled study, draws from its own random stream
(``numpy.random.default_rng([seed, stream])``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import published
from ..methods.markers import choose_correlation, correlation_range
from ..methods.replication import survey_table_comparison
from ..methods.trends import change_table
from .draws import cholesky_psd, multivariate_normal
from .seeds import DEFAULT_SEED  # the rule: 2014 for every generator

#: Assumed year-to-year correlation of a trust's scores (the book's assumption; the paper prints none).
PREFERRED_R = 0.7
#: Our assumed split of the 309 staff-survey trusts by type (the paper gives none).
STAFF_TRUST_TYPES = {"acute": 157, "mental_health": 55, "ambulance": 11, "primary_care": 86}
TYPE_PREFIX = {"acute": "ACU", "mental_health": "MEN", "ambulance": "AMB", "primary_care": "PCT"}
FILES = {"staff": "staff_survey_trusts.csv", "inpatient": "inpatient_survey_trusts.csv"}
#: Random streams: one per survey of the teaching data, one per survey of the sampled study.
STREAMS = {"staff": 0, "inpatient": 1, "sampled_staff": 2, "sampled_inpatient": 3}
SURVEYS = {"staff": "NHS Staff Survey", "inpatient": "Acute Inpatient Survey"}
_MAX_DRAWS = 50


def value_decimals(scale_max: float) -> int:
    """Precision of a simulated trust score: 2 decimals for 1-5 and 1-4 means, 1 for percentages."""
    return 2 if scale_max <= 5 else 1


def design(preferred_r: float = PREFERRED_R, calibrate_markers: bool = True) -> pd.DataFrame:
    """The correlation the teaching data use for each item and pair of consecutive years.

    Returns
    -------
    DataFrame
        ``item, period_from, period_to, marker, r_min, r_max, r_preferred, r_used, moved`` where
        ``[r_min, r_max]`` gives the printed marker (printed figures taken as exact) and ``moved`` says
        whether ``r_used`` had to leave ``r_preferred`` to match it.
    """
    rows = []
    for rec in published.survey_tables_long().to_dict("records"):
        r_range = correlation_range(rec["change"], int(rec["n_trusts"]), rec["marker"], rec["sd_2007"])
        r_used = choose_correlation(preferred_r, r_range) if calibrate_markers else preferred_r
        rows.append({"item": rec["item"], "period_from": rec["period_from"], "period_to": rec["period_to"],
                     "marker": rec["marker"] or "none", "r_min": r_range[0], "r_max": r_range[1],
                     "r_preferred": preferred_r, "r_used": r_used, "moved": not np.isclose(r_used, preferred_r)})
    return pd.DataFrame(rows)


def _lower_inverse(L: np.ndarray) -> np.ndarray:
    """Inverse of a small lower-triangular matrix by forward substitution (no LAPACK: the same bits on
    every machine)."""
    k = L.shape[0]
    inv = np.zeros_like(L)
    for j in range(k):
        inv[j, j] = 1.0 / L[j, j]
        for i in range(j + 1, k):
            inv[i, j] = -np.sum(L[i, j:i] * inv[j:i, j]) / L[i, i]
    return inv


def _exact_sample(rng: np.random.Generator, n: int, means: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """n draws whose sample mean and covariance (ddof=1) equal ``means`` and ``cov`` exactly."""
    z = rng.standard_normal((n, len(means)))
    z -= z.mean(axis=0)
    # einsum's own loops, not BLAS, so that the sums run in the same order on every CPU
    sample_cov = np.einsum("ni,nj->ij", z, z) / (n - 1)
    whitened = np.einsum("nj,ij->ni", z, _lower_inverse(cholesky_psd(sample_cov)))
    return means + np.einsum("nj,ij->ni", whitened, cholesky_psd(cov))


def _item_cov(sd: float, r1: float, r2: float) -> np.ndarray:
    """Covariance of three waves with lag-1 correlations r1, r2 (a Markov chain: r13 = r1 * r2)."""
    return sd**2 * np.array([[1.0, r1, r1 * r2], [r1, 1.0, r2], [r1 * r2, r2, 1.0]])


def _long(values: np.ndarray, trusts: pd.DataFrame, item: str, years) -> pd.DataFrame:
    wide = pd.DataFrame(values, columns=list(years))
    wide.insert(0, "trust_id", trusts["trust_id"].to_numpy())
    wide.insert(1, "trust_type", trusts["trust_type"].to_numpy())
    out = wide.melt(id_vars=["trust_id", "trust_type"], var_name="year", value_name="value").dropna()
    out["year"] = out["year"].astype(int)
    out.insert(3, "item", item)
    return out


def _trusts(counts: dict[str, int], start: int = 1) -> pd.DataFrame:
    rows = [(f"{TYPE_PREFIX[t]}{i:03d}", t) for t, k in counts.items() for i in range(start, start + k)]
    return pd.DataFrame(rows, columns=["trust_id", "trust_type"])


def _frames() -> dict[str, tuple]:
    """Per survey: (its rows of Tables 2-3, its complete trusts, its partial trusts)."""
    spec = published.survey_tables()
    staff = _trusts(STAFF_TRUST_TYPES)
    if len(staff) != published.count("staff_trusts_all_years"):
        raise ValueError("STAFF_TRUST_TYPES must add up to the published 309 trusts")
    n_acute = published.count("inpatient_trusts_all_years")
    partial = _trusts({"acute": published.count("inpatient_trusts_any") - n_acute}, start=n_acute + 1)
    return {"staff": (spec[spec["survey"] == SURVEYS["staff"]], staff, partial.iloc[:0]),
            "inpatient": (spec[spec["survey"] == SURVEYS["inpatient"]], _trusts({"acute": n_acute}), partial)}


def _draw(rng, spec: pd.DataFrame, r_of, trusts, partial, exact: bool) -> pd.DataFrame | None:
    """One survey: every item for every trust (exact sample moments, or a plain random sample clipped
    to the response scale). None when an exact draw leaves the response scale."""
    years = published.SURVEY_YEARS
    parts = []
    for rec in spec.to_dict("records"):
        cov = _item_cov(rec["sd_2007"], r_of(rec["item_id"], years[0]), r_of(rec["item_id"], years[1]))
        means = np.array([rec[f"mean_{y}"] for y in years], dtype=float)
        dec, lo, hi = value_decimals(rec["scale_max"]), rec["scale_min"], rec["scale_max"]
        values = _exact_sample(rng, len(trusts), means, cov) if exact else \
            multivariate_normal(rng, means, cov, size=len(trusts))
        extra = multivariate_normal(rng, means, cov, size=len(partial))
        # each partial trust lacks one survey year, chosen at random
        extra[np.arange(len(partial)), rng.integers(0, len(years), size=len(partial))] = np.nan
        if exact and (values.min() < lo or values.max() > hi or np.nanmin(extra, initial=lo) < lo
                      or np.nanmax(extra, initial=hi) > hi):
            return None  # a trust mean off the response scale: the caller draws the survey again
        # a sampled trust mean beyond the scale's end is put at the end (every respondent at the extreme)
        values, extra = np.clip(values, lo, hi), np.clip(extra, lo, hi)
        parts += [_long(np.round(values, dec), trusts, rec["item_id"], years),
                  _long(np.round(extra, dec), partial, rec["item_id"], years)]
    data = pd.concat(parts, ignore_index=True)
    return data.sort_values(["trust_id", "year", "item"], ignore_index=True)


def simulate(seed: int = DEFAULT_SEED, preferred_r: float = PREFERRED_R,
             calibrate_markers: bool = True) -> dict[str, pd.DataFrame]:
    """The teaching data: both surveys, calibrated to the printed cells.

    Parameters
    ----------
    seed : int
        Seed of the random streams (one per survey).
    preferred_r : float
        Assumed correlation of a trust's scores between consecutive surveys.
    calibrate_markers : bool
        If True (default), move the correlation where needed so that every printed significance marker
        is reproduced (draws are repeated until rounding leaves every printed cell intact); if False,
        use ``preferred_r`` everywhere and let the markers fall where they may.

    Returns
    -------
    dict
        ``{"staff": DataFrame, "inpatient": DataFrame}``, each with columns
        ``trust_id, trust_type, year, item, value``.
    """
    r_used = design(preferred_r, calibrate_markers).set_index(["item", "period_from"])["r_used"]
    frames = {}
    for key, (spec, trusts, partial) in _frames().items():
        rng = np.random.default_rng([seed, STREAMS[key]])
        for _ in range(_MAX_DRAWS):
            data = _draw(rng, spec, lambda item, year: r_used[(item, year)], trusts, partial, exact=True)
            if data is None:
                continue
            if not calibrate_markers or survey_table_comparison(change_table(data),
                                                                published.survey_tables_long())["match"].all():
                break
        else:
            raise RuntimeError(f"no draw of the {key} survey stayed on the response scale and reproduced the "
                               f"published table in {_MAX_DRAWS} tries")
        frames[key] = data
    return frames


def sample_study(seed: int, r: float = PREFERRED_R) -> dict[str, pd.DataFrame]:
    """A study that was not calibrated: trusts sampled from the population the printed tables describe.

    Each item's trust scores are drawn from a normal population with the printed means, the printed
    2007 SD in every year and year-to-year correlation ``r`` (2007-2011: ``r**2``), then rounded to
    reporting precision; the same trusts and partial trusts as :func:`simulate`. Same return shape.
    """
    frames = {}
    for key, (spec, trusts, partial) in _frames().items():
        rng = np.random.default_rng([seed, STREAMS[f"sampled_{key}"]])
        frames[key] = _draw(rng, spec, lambda item, year: r, trusts, partial, exact=False)
    return frames


def population_changes() -> pd.DataFrame:
    """The truths of :func:`sample_study`: each item's population change between consecutive years.

    Returns
    -------
    DataFrame
        ``item, period_from, period_to, change`` (the difference of the printed means).
    """
    long = published.survey_tables_long()
    return long.assign(change=long["mean_to"] - long["mean_from"])[["item", "period_from", "period_to", "change"]]


def teaching_data(seed: int = DEFAULT_SEED, preferred_r: float = PREFERRED_R,
                  calibrate_markers: bool = True) -> dict[str, pd.DataFrame]:
    """The committed files (validated) at the book's defaults, otherwise a fresh simulation."""
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
    return {FILES[k]: to_csv_text(v) for k, v in simulate(seed).items()}
