"""What the trust-boards chapter's estimates should recover, computed from the generator's constants.

Two yardsticks, as in the clinical-teams chapter. The *latent* truth (``truths()["beta"]``, ``lmg``,
``r2``) is what perfect measurement of the boards' true process scores would give. The *expected*
value (:func:`expected_6a`) is what the chapter's estimator converges to with this design: board
means of about nine members, scores rounded to the scale's steps and clipped to its ends. That is
the value an interval should cover. For 6b: the within-board rate ratios of the general story and
the pseudo-true trends (what a Poisson trend converges to when the truth steps down in 2011), and,
for studies drawn *without* fixing the paper's totals, the design (:func:`design_arrays`) and draws
(:func:`draw_counts`) of the coverage and power study, which reuse the generator's gamma effects.
For 6c: the shares of agenda items and words, and of comfort-seeking discussions.
"""
from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from ..methods.count_models import fit_poisson
from ..methods.relative_importance import dominance_from_covariance
from . import boards as sim


def rater_icc_truth(n: int = 200_000, seed: int = 0) -> dict:
    """Population absolute-agreement ICC of raters E1 and E2, before and after rounding (see
    :func:`_rater_icc_truth`; computed once per session)."""
    return copy.deepcopy(_rater_icc_truth(n, seed))


@lru_cache(maxsize=None)
def _rater_icc_truth(n: int, seed: int) -> dict:
    """Population absolute-agreement ICC of raters E1 and E2, before and after rounding.

    ``continuous``: target variance / (target + rater-bias variance + noise variance),
    in closed form. ``rounded``: per dimension, the same quantity for ratings rounded to
    whole points and clipped to 1-5, computed from ``n`` simulated objectives (a fixed
    seed, so the value is a constant): rounding and the scale's ends cost reliability.
    """
    target = sim.OBJECTIVE_SD_BOARD**2 + sim.OBJECTIVE_SD_OBJECTIVE**2
    biases = np.array([sim.RATER_BIAS["E1"], sim.RATER_BIAS["E2"]])
    out = {"continuous": target / (target + np.var(biases, ddof=1) + sim.RATER_SD**2), "rounded": {}}
    rng = np.random.default_rng(seed)
    for d in sim.OBJECTIVE_DIMENSIONS:
        q = sim.OBJECTIVE_MEAN[d] + rng.normal(0, np.sqrt(target), n)
        r = np.clip(np.round(q[:, None] + biases + rng.normal(0, sim.RATER_SD, (n, 2))), 1, 5)
        cov = np.cov(r, rowvar=False)
        diff = r[:, 0].mean() - r[:, 1].mean()
        out["rounded"][d] = float(cov[0, 1] / ((cov[0, 0] + cov[1, 1]) / 2 + diff**2 / 2))
    return out


def _latent_covariance() -> tuple[np.ndarray, np.ndarray, float]:
    """Covariance of boards' true processes, their covariance with effectiveness, and its variance."""
    beta = np.array([sim.BETA_EFFECTIVENESS[p] for p in sim.PROCESSES])
    sxx = sim.process_covariance()
    return sxx, sxx @ beta, float(beta @ sxx @ beta + sim.SD_EFFECTIVENESS**2)


def _lmg(sxx: np.ndarray, sxy: np.ndarray, syy: float) -> dict:
    """LMG shares (general dominance) of the processes under a joint covariance."""
    k = len(sim.PROCESSES)
    cov = np.zeros((k + 1, k + 1))
    cov[:k, :k], cov[:k, k], cov[k, :k], cov[k, k] = sxx, sxy, sxy, syy
    names = [*sim.PROCESSES, "effectiveness"]
    out = dominance_from_covariance(pd.DataFrame(cov, index=names, columns=names), "effectiveness",
                                    list(sim.PROCESSES))
    return out.set_index("predictor")["general_dominance"].to_dict()


def truths() -> dict:
    """True values of the generating model (a fresh copy; see :func:`_truths`)."""
    return copy.deepcopy(_truths())


@lru_cache(maxsize=None)
def _truths() -> dict:
    """True values of the generating model that the chapter's estimates are set against.

    Keys: ``beta`` (effectiveness per process point), ``r2`` and ``lmg`` (population R-squared and
    its LMG split, true board scores), ``icc_members`` (share of a process score's variance between
    boards, before rounding), ``icc_raters`` (absolute-agreement ICC of raters E1 and E2 before
    ratings are rounded; see :func:`rater_icc_truth`), ``alpha_board``, ``alpha_board_half``,
    ``alpha_marginal`` (variance of the product of the two gamma effects), ``qs_log_odds_last`` (log
    odds ratio of a quality/safety innovation, last vs first half-year), ``sector_rate`` (relative
    to secondary care) and ``p_comfort`` by topic.
    """
    sxx, sxy, syy = _latent_covariance()
    lmg = _lmg(sxx, sxy, syy)
    return {
        "beta": {p: sim.BETA_EFFECTIVENESS[p] for p in sim.PROCESSES},
        "r2": float(sum(lmg.values())), "lmg": lmg,
        "icc_members": sim.SD_BETWEEN**2 / (sim.SD_BETWEEN**2 + sim.SD_WITHIN**2),
        "icc_raters": rater_icc_truth()["continuous"],
        "alpha_board": sim.ALPHA_BOARD, "alpha_board_half": sim.ALPHA_BOARD_HALF,
        "alpha_marginal": (1 + sim.ALPHA_BOARD) * (1 + sim.ALPHA_BOARD_HALF) - 1,
        "qs_log_odds_last": float(np.log(sim.QS_ODDS[sim.HALF_YEARS[-1]] / sim.QS_ODDS[sim.HALF_YEARS[0]])),
        "sector_rate": {s: sim.SECTOR_RATE[s] / sim.SECTOR_RATE["secondary_care"] for s in sim.SECTORS},
        "p_comfort": dict(sim.P_COMFORT),
    }


# --- 6a: what the estimators converge to with this design ---------------------------------------------

def rounded_normal(mean: float, sd: float, step: float, lo: float, hi: float) -> tuple[float, float, float]:
    """Mean, variance and slope of ``clip(round(X / step) * step, lo, hi)`` for ``X ~ N(mean, sd^2)``.

    Exact, from the normal probabilities of each scale point. The slope is ``Cov(g(X), X) / Var(X)``,
    which by Stein's lemma is also the slope of ``g(X)`` on anything jointly normal with ``X``: the
    factor by which rounding and clipping shrink a covariance, to first order.
    """
    points = np.arange(lo, hi + step / 2, step)
    cuts = (points[:-1] + points[1:]) / 2
    cdf = stats.norm.cdf((cuts - mean) / sd)
    probs = np.diff(np.r_[0.0, cdf, 1.0])
    m = float(probs @ points)
    var = float(probs @ points**2 - m**2)
    slope = float(step * stats.norm.pdf((cuts - mean) / sd).sum() / sd)
    return m, var, slope


def _member_scale(p: str) -> tuple[float, float]:
    """Slope and left-over (rounding) variance of a member's rounded score on process ``p``."""
    total = sim.SD_BETWEEN**2 + sim.SD_WITHIN**2
    _, var, slope = rounded_normal(sim.PROCESS_MEAN[p], np.sqrt(total), 0.25, 1.0, 5.0)
    return slope, var - slope**2 * total


def expected_6a(members: pd.DataFrame, ratings: pd.DataFrame | None = None) -> dict:
    """What the 6a estimators converge to for boards of the sizes in ``members`` (to first order).

    The board mean of a process is ``s (true + mean of members' deviations) + rounding``, where ``s``
    is the slope of :func:`rounded_normal`; effectiveness likewise at one decimal. From the implied
    covariance of board means: ``beta`` (OLS coefficients, attenuated and redistributed among the
    correlated processes), ``r2``, ``lmg``, ``icc1`` (of each process's member scores) and, with
    ``ratings``, ``members_experts_r``: the correlation over boards between members' mean
    ``objectives`` score and the experts' mean clarity rating.
    """
    sizes = members.groupby("board_id").size().to_numpy(dtype=float)
    design = None
    if ratings is not None:
        per = ratings.groupby("board_id").agg(n=("objective_id", "nunique"), r=("rater_id", lambda s: tuple(sorted(set(s)))))
        design = tuple(per.itertuples(index=False, name=None))
    return copy.deepcopy(_expected_6a(float(np.mean(1 / sizes)), design))


@lru_cache(maxsize=64)
def _expected_6a(inv_n: float, design: tuple | None) -> dict:
    """:func:`expected_6a` for boards whose mean of 1/size is ``inv_n``; ``design``: (objectives, raters) per board."""
    sxx, sxy, _ = _latent_covariance()
    slope, resid = map(np.array, zip(*(_member_scale(p) for p in sim.PROCESSES)))
    within = sim.SD_WITHIN**2 * sim._corr(sim.R_WITHIN)
    cov_means = np.outer(slope, slope) * (sxx + inv_n * within) + inv_n * np.diag(resid)
    beta = np.array([sim.BETA_EFFECTIVENESS[p] for p in sim.PROCESSES])
    eff_sd = np.sqrt(beta @ sxx @ beta + sim.SD_EFFECTIVENESS**2)
    _, eff_var, eff_slope = rounded_normal(sim.EFFECTIVENESS_MEAN, eff_sd, 0.1, 1.0, 5.0)
    cov_xy = slope * eff_slope * sxy
    b = np.linalg.solve(cov_means, cov_xy)
    total = sim.SD_BETWEEN**2 + sim.SD_WITHIN**2
    out = {"beta": dict(zip(sim.PROCESSES, b.tolist())), "r2": float(cov_xy @ b / eff_var),
           "lmg": _lmg(cov_means, cov_xy, eff_var),
           "icc1": {p: float(s**2 * sim.SD_BETWEEN**2 / (s**2 * total + r))
                    for p, s, r in zip(sim.PROCESSES, slope, resid)}}
    if design is not None:
        out["members_experts_r"] = _members_experts_r(design, slope, resid, inv_n)
    return out


def _members_experts_r(design: tuple, slope, resid, inv_n) -> float:
    """Correlation over boards of members' mean objectives score with the experts' mean clarity."""
    j = sim.PROCESSES.index("objectives")
    var_m = slope[j] ** 2 * (sim.SD_BETWEEN**2 + inv_n * sim.SD_WITHIN**2) + inv_n * resid[j]
    sd_x = np.sqrt(sim.OBJECTIVE_SD_BOARD**2 + sim.OBJECTIVE_SD_OBJECTIVE**2 + sim.RATER_SD**2)
    rater = {r: rounded_normal(sim.OBJECTIVE_MEAN["clarity"] + sim.RATER_BIAS[r], sd_x, 1.0, 1.0, 5.0)
             for r in sim.RATERS}
    cov, var, level = [], [], []
    for n_obj, raters in design:
        s_b = np.mean([rater[r][2] for r in raters])
        noise = sum(rater[r][2] ** 2 * sim.RATER_SD**2 + rater[r][1] - rater[r][2] ** 2 * sd_x**2
                    for r in raters) / len(raters) ** 2
        cov.append(slope[j] * s_b * sim.OBJECTIVE_SD_BOARD * sim.OBJECTIVE_R_PROCESS * sim.SD_BETWEEN)
        var.append(s_b**2 * (sim.OBJECTIVE_SD_BOARD**2 + sim.OBJECTIVE_SD_OBJECTIVE**2 / n_obj) + noise / n_obj)
        level.append(np.mean([rater[r][0] for r in raters]))
    var_e = np.mean(var) + np.var(level)  # boards rated by three experts sit at another level
    return float(np.mean(cov) / np.sqrt(var_m * var_e))


# --- 6b ------------------------------------------------------------------------------------------------

def true_rates(minutes: pd.DataFrame, story: str = "general", prolific: set | None = None) -> pd.DataFrame:
    """The generating model's expected innovations per board and half-year (board effects at their mean 1)."""
    rate = sim.expected_rates(minutes, story, prolific)
    return (minutes.assign(expected=rate).groupby(["board_id", "sector", "half_year"])["expected"].sum()
            .reset_index())


def within_board_ratio(minutes: pd.DataFrame, half: str = sim.HALF_YEARS[-1], rate: pd.Series | None = None) -> float:
    """The general story's true rate ratio of ``half`` against the first half-year, within a board
    (``rate``: :func:`book.simulate.boards.expected_rates` of ``minutes``, if already computed)."""
    rate = sim.expected_rates(minutes, "general") if rate is None else rate
    per_set = (rate / minutes["sector"].map(sim.SECTOR_RATE)).groupby(minutes["half_year"]).first()
    return float(per_set[half] / per_set[sim.HALF_YEARS[0]])


def true_rate_ratios(minutes: pd.DataFrame) -> dict:
    """Within-board rate ratios of the general story (each half-year against the first), the
    pseudo-true trends (what a Poisson trend model converges to when the truth is a step per
    half-year, per half-year and per month) and ``alpha_marginal``."""
    rate = sim.expected_rates(minutes, "general")
    out = {h: within_board_ratio(minutes, h, rate) for h in sim.HALF_YEARS[1:]}
    mc = minutes.assign(expected=rate.to_numpy())
    agg = mc.groupby("half_year").agg(expected=("expected", "sum"), minutes=("minutes_id", "size"))
    X = pd.DataFrame({"const": 1.0, "trend": np.arange(len(agg), dtype=float)}, index=agg.index)
    # a Poisson GLM accepts expected (non-integer) counts: its quasi-likelihood equations are the same
    out["trend"] = float(np.exp(fit_poisson(agg["expected"], X, agg["minutes"]).params["trend"]))
    month = mc["month"].map({m: i for i, m in enumerate(sim.MONTHS)}).astype(float)
    Xm = pd.DataFrame({"const": 1.0, "month_index": month.to_numpy()}, index=mc.index)
    out["trend_month"] = float(np.exp(fit_poisson(mc["expected"], Xm, pd.Series(1.0, index=mc.index))
                                      .params["month_index"]))
    out["alpha_marginal"] = truths()["alpha_marginal"]
    return out


def design_arrays(minutes: pd.DataFrame, n_boards: int | None = None, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Expected innovations (board effects at 1) and sets of minutes, boards x half-years; with
    ``n_boards``, boards resampled (with ``rng``) to a study of another size."""
    tr = true_rates(minutes).pivot(index="board_id", columns="half_year", values="expected").fillna(0.0)
    m = minutes.groupby(["board_id", "half_year"]).size().unstack(fill_value=0).reindex(tr.index)
    mu, ex = tr[list(sim.HALF_YEARS)].to_numpy(), m[list(sim.HALF_YEARS)].to_numpy().astype(float)
    if n_boards is not None and n_boards != len(mu):
        idx = rng.integers(0, len(mu), n_boards)
        mu, ex = mu[idx], ex[idx]
    return mu, ex


def draw_counts(rng: np.random.Generator, mu: np.ndarray, n_sims: int, alpha_board: float = sim.ALPHA_BOARD,
                alpha_half: float = sim.ALPHA_BOARD_HALF) -> np.ndarray:
    """``n_sims`` studies of boards x half-years drawn from the general story *without* fixing the
    paper's totals: Poisson counts with the generator's gamma board and board-by-half-year effects."""
    b, h = mu.shape
    f = sim.frailty(rng, alpha_board, (n_sims, b, 1))
    g = sim.frailty(rng, alpha_half, (n_sims, b, h))
    return rng.poisson(mu[None] * f * g)


# --- 6c ------------------------------------------------------------------------------------------------

def expit_mean(logit: float, sd: float) -> float:
    """E[expit(logit + N(0, sd^2))] by Gauss-Hermite quadrature."""
    x, w = np.polynomial.hermite_e.hermegauss(40)
    return float((w / w.sum() * (1 / (1 + np.exp(-(logit + sd * x))))).sum())


def attention_truth() -> dict:
    """The generating model's share of items and of words on quality and safety, and the share of
    non-procedural quality-and-safety (and other) discussions that seek comfort."""
    share = pd.Series(sim.AGENDA_TOPIC_SHARE)
    qs = share.index.isin(sim.QS_TOPICS)
    # the board shift multiplies the odds of the QS topics; average over the shift numerically
    x, w = np.polynomial.hermite_e.hermegauss(40)
    w = w / w.sum()
    shift = np.exp(sim.AGENDA_SD_BOARD_QS * x)

    def mean_share(weights: pd.Series) -> float:
        return float((w * weights[qs].sum() * shift / (weights[qs].sum() * shift + weights[~qs].sum())).sum())

    out = {"item_share": mean_share(share),
           "word_share": mean_share(share * np.where(qs, sim.AGENDA_WORDS_QS, 1.0))}
    for name, mask in (("comfort_qs", qs), ("comfort_other", ~qs)):
        wts = share[mask] * (1 - pd.Series(sim.P_PROCEDURAL)[share.index[mask]])
        p = sum(wts[t] * expit_mean(np.log(sim.P_COMFORT[t] / (1 - sim.P_COMFORT[t])), sim.SD_BOARD_COMFORT)
                for t in wts.index) / wts.sum()
        out[name] = float(p)
    return out
