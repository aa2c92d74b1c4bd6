"""The trust-boards chapter's analyses of board minutes (substudy 6b): rates with exposure, trend
models beside their truths, how the verdict hangs on the unreported minutes, the coverage and power
of each method over studies drawn without fixing the paper's totals, two stories that give the
same totals, and the domain mix.

Every model is fitted by :mod:`book.methods.count_trends`; the truths come from
:mod:`book.simulate.boards_truths`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..data import published
from ..methods import count_trends as ct
from ..methods.intervals import covers, rate_ratio_arrays, wilson
from ..simulate import boards as sim
from ..simulate import boards_truths as truth

#: Half-years as an ordered Categorical, so that every method takes them in time order.
HALF = pd.CategoricalDtype(list(sim.HALF_YEARS), ordered=True)
#: Significance level of every test the chapter reads.
ALPHA = 0.05
#: Decimals at which a p-value is compared with ALPHA: far finer than shown, far coarser than BLAS noise.
DECIMALS = 10


def significant(p: float) -> bool:
    """``p < ALPHA``, decided on ``p`` rounded to ``DECIMALS`` so that it is the same on every machine."""
    return bool(np.isfinite(p) and round(float(p), DECIMALS) < ALPHA)


# --- counts and rates -----------------------------------------------------------------------------------

def board_half_counts(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """One row per board and half-year with minutes: ``board_id, sector, half_year, minutes, innovations``."""
    bh = minutes.groupby(["board_id", "sector", "half_year"]).size().rename("minutes").reset_index()
    n = innovations.groupby(["board_id", "half_year"]).size().rename("innovations")
    bh = bh.merge(n, on=["board_id", "half_year"], how="left")
    bh["innovations"] = bh["innovations"].fillna(0).astype(int)
    return bh.assign(half_year=bh["half_year"].astype(HALF))


def minutes_counts(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """One row per set of minutes with the innovations found in it and the month index (0 = Jan 2010)."""
    n = innovations.groupby("minutes_id").size()
    out = minutes.assign(innovations=minutes["minutes_id"].map(n).fillna(0).astype(int))
    out["month_index"] = out["month"].map({m: i for i, m in enumerate(sim.MONTHS)})
    return out


def monthly_counts(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """Innovations and sets of minutes per calendar month."""
    mc = minutes_counts(minutes, innovations)
    return mc.groupby("month").agg(minutes=("minutes_id", "size"), innovations=("innovations", "sum")).reset_index()


def per_board(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """One row per board: sector, sets of minutes, innovations (zero included)."""
    b = minutes.groupby("board_id").agg(sector=("sector", "first"), minutes=("minutes_id", "size"))
    b["innovations"] = innovations.groupby("board_id").size().reindex(b.index, fill_value=0)
    return b.reset_index()


def rates_table(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """Per half-year: innovations, sets of minutes, boards with minutes, innovations per board (of all
    boards) and per set of minutes with its exact 95% interval; a last row for the 18 months."""
    bh = board_half_counts(minutes, innovations)
    rates = ct.period_rates(bh, "innovations", "minutes", "half_year")
    rates["boards_with_minutes"] = bh.groupby("half_year", observed=True)["board_id"].nunique().to_numpy()
    total = ct.period_rates(bh.assign(all=1), "innovations", "minutes", "all")
    total["boards_with_minutes"] = minutes["board_id"].nunique()
    total["period"] = f"{sim.HALF_YEARS[0]}-{sim.HALF_YEARS[-1]}"
    rates["period"] = rates["period"].astype(str)
    out = pd.concat([rates, total], ignore_index=True).rename(columns={"period": "half_year", "count": "innovations",
                                                                        "exposure": "minutes"})
    out["per_board"] = out["innovations"] / minutes["board_id"].nunique()
    return out[["half_year", "innovations", "minutes", "boards_with_minutes", "per_board", "rate", "ci_low", "ci_high"]]


def per_board_readings(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """Readings of "an average of only 1-3 per organisation": which of them lie in 1-3."""
    pb = per_board(minutes, innovations)
    x = pb["innovations"]
    by_sector = x.groupby(pb["sector"]).mean()
    lo, hi = published.count("board_innovations_per_org_low"), published.count("board_innovations_per_org_high")
    q1, q3 = x.quantile(0.25), x.quantile(0.75)
    rows = [
        ("mean per board over the 18 months", f"{x.mean():.2f}", lo <= x.mean() <= hi),
        ("mean per board per year", f"{x.mean() / 1.5:.2f}", lo <= x.mean() / 1.5 <= hi),
        ("range of the sector means", f"{by_sector.min():.2f} to {by_sector.max():.2f}",
         lo <= by_sector.min() and by_sector.max() <= hi),
        ("interquartile range over boards", f"{q1:g} to {q3:g}", lo <= q1 and q3 <= hi),
        ("boards with 1 to 3 innovations", f"{x.between(lo, hi).mean():.0%} of boards", None),
        ("boards with none", f"{(x == 0).mean():.0%} of boards", None),
        ("most in one board", f"{x.max()}", None),
    ]
    return pd.DataFrame(rows, columns=["reading", "value", "within_1_to_3"])


def sector_table(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """Per sector: boards, sets of minutes, innovations, per board and per set of minutes."""
    pb = per_board(minutes, innovations)
    out = pb.groupby("sector").agg(boards=("board_id", "size"), minutes=("minutes", "sum"),
                                   innovations=("innovations", "sum"))
    out["per_board"] = out["innovations"] / out["boards"]
    out["per_set_of_minutes"] = out["innovations"] / out["minutes"]
    return out.reindex(list(sim.SECTORS)).reset_index()


# --- trend models beside their truths -------------------------------------------------------------------

NAMES = {"trend": "rate ratio per half-year (log-linear trend)", "2010H2": "rate ratio 2010H2 vs 2010H1",
         "2011H1": "rate ratio 2011H1 vs 2010H1"}
LABELS = {"poisson": "Poisson", "negative_binomial": "negative binomial", "poisson_cluster": "Poisson, SE clustered by board"}


def _board_models(bh: pd.DataFrame, truth_of: dict, add) -> None:
    """The board-by-half-year rows of :func:`trend_models`."""
    fits = ct.fit_count_models(bh, "innovations", "minutes", "half_year", unit="board_id")
    for rec in ct.summarise_count_models(fits).to_dict("records"):
        test = (f"LR test of alpha = 0: {rec['lr_stat']:.1f}, p = {rec['lr_p']:.2g}" if rec["nb_status"] == "fitted"
                else f"negative binomial {rec['nb_status']}")
        add(f"{LABELS[rec['model']]}, board x half-year", NAMES[rec["term"]], rec["rate_ratio"], rec["ci_low"],
            rec["ci_high"], rec["p"], truth_of[rec["term"]], rec["n_rows"],
            f"Pearson chi2/df = {rec['dispersion']:.2f} on {rec['dispersion_df']} df; {test}"
            + ("; preferred" if rec["preferred"] else ""), rec["preferred"])
    nb = fits["negbin_period"]
    if nb is not None:
        a, a_se = float(nb.params["alpha"]), float(nb.bse["alpha"])
        add("negative binomial, board x half-year", "NB2 dispersion alpha", a, max(a - 1.96 * a_se, 0.0),
            a + 1.96 * a_se, np.nan, truth_of["alpha_marginal"], int(nb.nobs),
            f"truth: variance of board effect x board-half-year effect, "
            f"(1 + {sim.ALPHA_BOARD:g})(1 + {sim.ALPHA_BOARD_HALF:g}) - 1")
    within = ct.within_unit_rate_ratios(bh, "innovations", "minutes", "half_year", "board_id")
    for rec in within.to_dict("records"):
        add("Poisson with board fixed effects", NAMES[rec["term"]], rec["rate_ratio"], rec["ci_low"],
            rec["ci_high"], rec["p"], truth_of[rec["term"]], rec["n_rows"],
            f"{rec['n_units_excluded']} boards with no innovation excluded (no within-board information)")


def trend_models(minutes: pd.DataFrame, innovations: pd.DataFrame, story: str = "general") -> pd.DataFrame:
    """Every model of the innovation trend, each estimate beside the simulated truth.

    Models: Poisson on the three half-year totals; Poisson, negative binomial (where
    :func:`book.methods.count_trends.count_trend` fits it) and board-clustered Poisson on
    board-by-half-year counts; Poisson with board fixed effects (the conditional model; boards with
    no innovation are excluded, and counted); Poisson with a monthly trend on the sets of minutes.
    Returns ``model, estimand, estimate, ci_low, ci_high, p, truth, covered, preferred, n_rows,
    note``; ``preferred`` marks the board-by-half-year model the test of overdispersion picks. The
    truth is the general story's within-board rate ratio (and the trend a Poisson trend converges
    to); in the prolific story no single within-board ratio exists, so it is left empty.
    """
    truth_of = truth.true_rate_ratios(minutes)
    if story != "general":
        truth_of = dict.fromkeys(truth_of, np.nan)
    bh = board_half_counts(minutes, innovations)
    rows = []

    def add(model, estimand, est, lo, hi, p, tr, n, note="", preferred=False):
        rows.append({"model": model, "estimand": estimand, "estimate": est, "ci_low": lo, "ci_high": hi, "p": p,
                     "truth": tr, "covered": covers(lo, tr, hi) if np.isfinite(tr) else np.nan,
                     "preferred": preferred, "n_rows": n, "note": note})

    agg = bh.groupby("half_year", observed=True)[["innovations", "minutes"]].sum().reset_index()
    for rec in ct.count_trend(agg, "innovations", "minutes", "half_year").to_dict("records"):
        add("Poisson, half-year totals", NAMES[rec["term"]], rec["rate_ratio"], rec["ci_low"], rec["ci_high"],
            rec["p"], truth_of[rec["term"]], rec["n_rows"],
            f"Pearson chi2/df = {rec['dispersion']:.2f} on {rec['dispersion_df']} df")
    _board_models(bh, truth_of, add)
    mc = minutes_counts(minutes, innovations)
    X = pd.DataFrame({"const": 1.0, "month_index": mc["month_index"].astype(float)})
    res = ct.fit_poisson(mc["innovations"], X)
    steps = pd.get_dummies(mc["half_year"].astype(HALF), dtype=float).drop(columns=sim.HALF_YEARS[0])
    step = ct.fit_poisson(mc["innovations"], pd.concat([X[["const"]], steps], axis=1))
    b, se = float(res.params["month_index"]), float(res.bse["month_index"])
    z = stats.norm.ppf(1 - ALPHA / 2)
    add("Poisson, monthly trend, one row per set of minutes", "rate ratio per month", np.exp(b), np.exp(b - z * se),
        np.exp(b + z * se), float(res.pvalues["month_index"]), truth_of["trend_month"], len(mc),
        f"AIC {res.aic:.1f} against {step.aic:.1f} for a step per half-year; "
        "truth: what the trend converges to when the true rate steps down in 2011")
    return pd.DataFrame(rows)


# --- what the verdict rests on: the minutes the paper does not report ---------------------------------

#: Sets of minutes per half-year to compare, chosen before computing: equal minutes (what the paper's
#: counts alone imply), the teaching data's, and a lower 2011 (only their proportions matter).
EXPOSURE_SCENARIOS = {"equal in every half-year": (1.0, 1.0, 1.0), "the teaching data's": None,
                      "300, 300 and 250": (300.0, 300.0, 250.0)}


def lack_of_fit(minutes: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    """Does a log-linear trend fit the three half-year totals? Under each exposure scenario.

    For each set of minutes per half-year (:data:`EXPOSURE_SCENARIOS`): the rate ratios of 2010H2
    and 2011H1 against 2010H1, the exact test of 2011H1 against 2010H1, and the lack-of-fit test of
    the trend (Pearson chi-squared of the trend on the three totals, 1 df), as Poisson and as
    quasi-Poisson: divided by the board-level dispersion (Pearson chi-squared / df of the
    board-by-half-year Poisson model with the teaching data's minutes) and referred to F(1, df).
    """
    bh = board_half_counts(minutes, innovations)
    fits = ct.fit_count_models(bh, "innovations", "minutes", "half_year", unit="board_id")
    phi, phi_df = fits["dispersion"], fits["dispersion_df"]
    counts = bh.groupby("half_year", observed=True)["innovations"].sum().to_numpy()
    ours = bh.groupby("half_year", observed=True)["minutes"].sum().to_numpy(dtype=float)
    rows = []
    for name, exposure in EXPOSURE_SCENARIOS.items():
        e = ours if exposure is None else np.asarray(exposure)
        table = pd.DataFrame({"half_year": pd.Categorical(list(sim.HALF_YEARS), dtype=HALF), "count": counts,
                              "exposure": e})
        agg = ct.fit_count_models(table, period="half_year")
        chi2 = agg["dispersion"] * agg["dispersion_df"]
        ex = rate_ratio_arrays(counts[0], e[0], counts[-1], e[-1]).iloc[0]
        rows.append({"minutes": name, "minutes_2010H1": e[0], "minutes_2010H2": e[1], "minutes_2011H1": e[2],
                     "rr_2010H2": (counts[1] / e[1]) / (counts[0] / e[0]), "rr_2011H1": ex["rate_ratio"],
                     "p_exact_2011H1": ex["p"], "lof_chi2": chi2, "lof_p_poisson": float(stats.chi2.sf(chi2, 1)),
                     "dispersion": phi, "dispersion_df": phi_df,
                     "lof_p_quasi": float(stats.f.sf(chi2 / phi, 1, phi_df))})
    return pd.DataFrame(rows)


def exposure_sensitivity(minutes: pd.DataFrame, innovations: pd.DataFrame, last_minutes=None) -> pd.DataFrame:
    """How the first-vs-last comparison changes with the sets of minutes assumed for 2011H1.

    For each assumed number of sets of minutes behind the innovations of 2011H1 (the first
    half-year's as in the data), the exact conditional rate ratio, its 95% interval and p. Returns
    ``minutes_last, share_of_first, rate_ratio, ci_low, ci_high, p``.
    """
    rt = rates_table(minutes, innovations).set_index("half_year")
    first, last = sim.HALF_YEARS[0], sim.HALF_YEARS[-1]
    k1, m1, k3 = int(rt.at[first, "innovations"]), float(rt.at[first, "minutes"]), int(rt.at[last, "innovations"])
    grid = np.asarray(last_minutes if last_minutes is not None else np.arange(100, 341, 20), dtype=float)
    out = rate_ratio_arrays(k1, m1, k3, grid)[["rate_ratio", "ci_low", "ci_high", "p"]]
    out.insert(0, "share_of_first", grid / m1)
    out.insert(0, "minutes_last", grid.astype(int))
    return out


def exposure_tipping_points(minutes: pd.DataFrame, innovations: pd.DataFrame) -> dict:
    """Sets of minutes in 2011H1 below which the decline stops being significant (exact test, 5%),
    and at which it vanishes, with the first half-year's sets of minutes for scale (only the share
    matters: the test depends on the minutes only through 2011H1's share of the two half-years').

    The exact p-value falls as the assumed minutes of 2011H1 rise (the same count becomes more
    surprising), so the tipping point is found by bisection over whole numbers of sets of minutes.
    """
    rt = rates_table(minutes, innovations).set_index("half_year")
    k1, m1 = int(rt.at[sim.HALF_YEARS[0], "innovations"]), float(rt.at[sim.HALF_YEARS[0], "minutes"])
    k3 = int(rt.at[sim.HALF_YEARS[-1], "innovations"])

    def falls(m: float) -> bool:
        e = rate_ratio_arrays(k1, m1, k3, m).iloc[0]
        return bool(significant(e["p"]) and e["rate_ratio"] < 1)

    lo, hi = int(np.floor(k3 / k1 * m1)), int(np.ceil(20 * m1))  # no decline at lo; a clear one at hi
    if not falls(hi):
        raise ValueError("the decline is not significant even with 20 times the first half-year's minutes")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if falls(mid) else (mid, hi)
    return {"not_significant_below": hi, "no_decline_at": float(k3 / k1 * m1), "minutes_first": int(m1),
            "share": float(hi / m1)}


# --- coverage and power over studies drawn without fixing the paper's totals ---------------------------

METHODS = ("Poisson Wald", "exact conditional (binomial)", "Poisson, SE clustered by board",
           "conditional Poisson (within board)", "preferred by the LR test (NB2 or Poisson)")


def cluster_rate_ratio(y: np.ndarray, m: np.ndarray, first: int = 0, last: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Log rate ratio (period ``last`` vs ``first``) and its board-clustered SE, for many datasets at once.

    ``y`` and ``m``: counts and exposure, shape (datasets, boards, periods); datasets with no event
    in either period get NaN. The sandwich of the Poisson model with one rate per period, scores
    summed within boards, with the small-sample factor G/(G-1) for G boards (statsmodels' clustered
    GLM standard errors also multiply the variance by (N-1)/(N-K), under 1% here; checked in the tests).
    """
    Y, M = y.sum(axis=1), m.sum(axis=1)
    lam = Y / M
    score = y - lam[:, None, :] * m
    defined = (Y[:, first] > 0) & (Y[:, last] > 0)  # a period without events has no log rate ratio
    Ys = np.where(Y > 0, Y, 1.0)
    s = score[:, :, last] / Ys[:, None, last] - score[:, :, first] / Ys[:, None, first]
    g = y.shape[1]
    var = (s**2).sum(axis=1) * g / (g - 1)
    ratio = np.where(defined, lam[:, last] / np.where(defined, lam[:, first], 1.0), 1.0)
    return np.where(defined, np.log(ratio), np.nan), np.where(defined, np.sqrt(var), np.nan)


def preferred_model(y: np.ndarray, ex: np.ndarray, alpha: float = ALPHA) -> tuple[float, float, float]:
    """Rate ratio of the last half-year against the first, with its interval, from the board-by-half-year
    model that :func:`book.methods.count_trends.count_trend` prefers (NB2 when the LR test rejects
    alpha = 0, otherwise Poisson), for one study (``y``, ``ex``: boards x half-years)."""
    b, h = np.nonzero(ex > 0)
    table = pd.DataFrame({"board": b, "half_year": pd.Categorical(np.array(sim.HALF_YEARS)[h], dtype=HALF),
                          "count": y[b, h], "exposure": ex[b, h]})
    try:
        fits = ct.fit_count_models(table, period="half_year", unit="board", models=("period",), clustered=False)
    except ValueError:  # a half-year with no events: no Wald interval from any model
        return np.nan, np.nan, np.nan
    row = ct.preferred_estimate(fits, sim.HALF_YEARS[-1], alpha=alpha)
    return float(row["rate_ratio"]), float(row["ci_low"]), float(row["ci_high"])


def _intervals(y: np.ndarray, ex: np.ndarray, n_model: int, methods=METHODS[:4]) -> dict:
    """Each method's estimate and 95% interval for the last against the first half-year, per study
    (only the fast ``methods`` asked for, in the order of :data:`METHODS`; the last one if ``n_model``)."""
    z = stats.norm.ppf(1 - ALPHA / 2)
    Y1, Y3 = y[:, :, 0].sum(axis=1), y[:, :, -1].sum(axis=1)
    M1, M3 = ex[:, 0].sum(), ex[:, -1].sum()
    log_rr = np.log((Y3 / M3) / (Y1 / M1))
    out = {}
    if METHODS[0] in methods:
        se_p = np.sqrt(1 / Y1 + 1 / Y3)
        out[METHODS[0]] = (np.exp(log_rr), np.exp(log_rr - z * se_p), np.exp(log_rr + z * se_p))
    if METHODS[1] in methods:
        exact = rate_ratio_arrays(Y1, M1, Y3, M3)
        out[METHODS[1]] = tuple(exact[c].to_numpy() for c in ("rate_ratio", "ci_low", "ci_high"))
    if METHODS[2] in methods:
        _, se_c = cluster_rate_ratio(y.astype(float), np.broadcast_to(ex, y.shape))
        out[METHODS[2]] = (np.exp(log_rr), np.exp(log_rr - z * se_c), np.exp(log_rr + z * se_c))
    if METHODS[3] in methods:
        theta, se_w, _ = ct.conditional_poisson(y, np.broadcast_to(ex, y.shape))
        out[METHODS[3]] = (np.exp(theta[:, -1]), np.exp(theta[:, -1] - z * se_w[:, -1]),
                           np.exp(theta[:, -1] + z * se_w[:, -1]))
    if n_model:
        out[METHODS[4]] = tuple(np.array(v) for v in zip(*(preferred_model(y[i], ex) for i in range(n_model))))
    return out


def _evaluate(y: np.ndarray, ex: np.ndarray, truth_: float, n_model: int, methods=METHODS[:4]) -> pd.DataFrame:
    """Coverage of ``truth_`` and rejection of a ratio of 1 by each method; a study with no event in the
    first or last half-year has no rate ratio and is left out (and counted in ``n_sims``)."""
    y = y[(y[:, :, 0].sum(axis=1) > 0) & (y[:, :, -1].sum(axis=1) > 0)]
    rows = []
    for method, (est, lo, hi) in _intervals(y, ex, min(n_model, len(y)), methods).items():
        ok = np.isfinite(lo) & np.isfinite(hi)
        rows.append({"method": method, "truth": truth_, "median_estimate": float(np.median(est[ok])),
                     "coverage": float(covers(lo[ok], truth_, hi[ok]).mean()),
                     "rejection_rate": float(((hi[ok] < 1) | (lo[ok] > 1)).mean()), "n_sims": int(ok.sum())})
    return pd.DataFrame(rows)


def repeated_sampling(minutes: pd.DataFrame, n_sims: int = 1000, seed: int = sim.DEFAULT_SEED,
                      alpha_board: float = sim.ALPHA_BOARD, alpha_half: float = sim.ALPHA_BOARD_HALF,
                      n_model: int = 100) -> pd.DataFrame:
    """Draw many studies from the generating model *without* fixing the totals, and check each method.

    Returns one row per method (:data:`METHODS`): ``method, truth, median_estimate, coverage,
    rejection_rate, n_sims`` for the rate ratio of 2011H1 against 2010H1. The model the LR test
    prefers is refitted by maximum likelihood in each study, so it is checked on the first
    ``n_model`` studies only (``n_sims`` says how many each method had).
    """
    rng = np.random.default_rng(seed)
    mu, ex = truth.design_arrays(minutes)
    y = truth.draw_counts(rng, mu, n_sims, alpha_board, alpha_half)
    return _evaluate(y, ex, truth.within_board_ratio(minutes), n_model)


def power_table(minutes: pd.DataFrame, ratios=(0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), n_boards: int | None = None,
                n_sims: int = 400, seed: int = sim.DEFAULT_SEED, alpha_board: float = sim.ALPHA_BOARD,
                alpha_half: float = sim.ALPHA_BOARD_HALF, n_model: int = 0, methods=METHODS[:4]) -> pd.DataFrame:
    """Share of simulated studies in which each test finds a change in the rate, 2011H1 vs 2010H1.

    For each true rate ratio, studies are drawn from the generating model with the last half-year's
    rate set to ``ratio`` times the first's (``n_boards`` boards resampled from ours, default all
    71). At a ratio of 1 the share is the false-alarm rate. ``methods``: the fast methods to check
    (any of the first four of :data:`METHODS`; the draws do not depend on it). The maximum-likelihood
    model the LR test prefers is left out unless ``n_model`` > 0 (it is refitted in every study).
    Returns ``true_ratio, method, power, coverage, n_boards, n_sims``.
    """
    rng = np.random.default_rng(seed)
    mu, ex = truth.design_arrays(minutes, n_boards, rng)
    base = mu[:, -1] / truth.within_board_ratio(minutes)
    rows = []
    for r in ratios:
        mu_r = mu.copy()
        mu_r[:, -1] = base * r
        ev = _evaluate(truth.draw_counts(rng, mu_r, n_sims, alpha_board, alpha_half), ex, r, n_model, methods)
        rows += [{"true_ratio": r, "method": rec["method"], "power": rec["rejection_rate"], "coverage": rec["coverage"],
                  "n_boards": len(mu), "n_sims": rec["n_sims"]} for rec in ev.to_dict("records")]
    return pd.DataFrame(rows)


# --- who innovated, and on what ------------------------------------------------------------------------

def top_boards(minutes: pd.DataFrame, innovations: pd.DataFrame, k: int = sim.N_PROLIFIC) -> list[str]:
    """The ``k`` boards with the most innovations over the 18 months (ties broken by board id)."""
    pb = per_board(minutes, innovations).sort_values(["innovations", "board_id"], ascending=[False, True])
    return pb["board_id"].head(k).tolist()


def story_table(datasets: dict[str, dict]) -> pd.DataFrame:
    """The two stories side by side: same totals, different spread over boards.

    ``datasets``: story -> teaching data. Returns one row per story and group (all boards, the six
    most prolific, the rest) with the innovations per half-year, the exact rate ratio 2011H1 vs
    2010H1 and its interval, and the group's share of all innovations.
    """
    rows = []
    first, last = sim.HALF_YEARS[0], sim.HALF_YEARS[-1]
    for story, d in datasets.items():
        minutes, inn = d["minutes"], d["innovations"]
        top = top_boards(minutes, inn)
        for group, keep in (("all boards", None), (f"{len(top)} most prolific", True), ("the rest", False)):
            mm = minutes if keep is None else minutes[minutes["board_id"].isin(top) == keep]
            ii = inn if keep is None else inn[inn["board_id"].isin(top) == keep]
            rt = rates_table(mm, ii).set_index("half_year")
            e = rate_ratio_arrays(rt.at[first, "innovations"], rt.at[first, "minutes"], rt.at[last, "innovations"],
                                  rt.at[last, "minutes"]).iloc[0]
            rows.append({"story": story, "group": group, "boards": mm["board_id"].nunique(),
                         **{h: int(rt.at[h, "innovations"]) for h in sim.HALF_YEARS},
                         "share_of_innovations": len(ii) / len(inn), "rate_ratio": e["rate_ratio"],
                         "ci_low": e["ci_low"], "ci_high": e["ci_high"], "p": e["p"]})
    return pd.DataFrame(rows)


def domain_table(innovations: pd.DataFrame) -> pd.DataFrame:
    """Innovations by domain and half-year, with totals and each domain's share of all innovations."""
    tab = pd.crosstab(innovations["domain"], innovations["half_year"]).reindex(
        index=list(sim.DOMAINS), columns=list(sim.HALF_YEARS), fill_value=0)
    tab["total"] = tab.sum(axis=1)
    tab["share"] = tab["total"] / tab["total"].sum()
    tab = tab.rename_axis(columns=None)
    return tab.sort_values("total", ascending=False, kind="stable").reset_index()


def quality_safety_trend(innovations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share of innovations on quality or safety by half-year, and the change against the truth.

    Returns (``half_year, quality_safety, total, share, ci_low, ci_high`` with Wilson intervals;
    one-row table of the odds ratio of a quality or safety innovation, last against first
    half-year: the conditional maximum-likelihood estimate with its exact 95% interval
    (``scipy.stats.contingency.odds_ratio``), Fisher's exact p, and the generating odds ratio).
    Exact methods, because the last half-year has few such innovations: with none, the estimate is 0
    and the interval still defined. Conditioning on both margins is also how the teaching data were
    made (domain totals and half-year totals fixed), so the exact interval is the right one here.
    """
    qs = innovations["domain"].isin(sim.QUALITY_SAFETY)
    g = qs.groupby(innovations["half_year"])
    k = g.sum().reindex(list(sim.HALF_YEARS)).to_numpy().astype(int)
    n = g.size().reindex(list(sim.HALF_YEARS)).to_numpy().astype(int)
    lo, hi = wilson(k, n)
    shares = pd.DataFrame({"half_year": list(sim.HALF_YEARS), "quality_safety": k, "total": n, "share": k / n,
                           "ci_low": lo, "ci_high": hi})
    table = [[k[-1], n[-1] - k[-1]], [k[0], n[0] - k[0]]]
    odds = stats.contingency.odds_ratio(table, kind="conditional")
    ci = odds.confidence_interval(1 - ALPHA)
    tr = float(np.exp(truth.truths()["qs_log_odds_last"]))
    change = pd.DataFrame([{"contrast": f"{sim.HALF_YEARS[-1]} vs {sim.HALF_YEARS[0]}", "odds_ratio": odds.statistic,
                            "ci_low": ci.low, "ci_high": ci.high, "p_fisher": stats.fisher_exact(table).pvalue,
                            "truth": tr, "covered": covers(ci.low, tr, ci.high)}])
    return shares, change
