"""The trust-boards chapter's analyses of the board survey (substudy 6a): board processes, objectives
and their expert ratings, each estimate beside the latent truth and the value this design's estimator
converges to (:func:`book.simulate.boards_truths.expected_6a`), as the clinical-teams chapter does.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from ..methods import reliability as rel
from ..methods.agreement import weighted_kappa
from ..methods.intervals import covers, wilson
from ..simulate import boards as sim
from ..simulate import boards_truths as truth

#: An objective counts as clear, challenging and measurable if its mean rating is at least this on all three.
GOOD_RATING = 4.0
ALPHA = 0.05


# --- 6a: board processes and objectives --------------------------------------------------------------

def board_means(members: pd.DataFrame) -> pd.DataFrame:
    """Each board's mean of every process scale, with its sector and number of respondents."""
    means = members.groupby("board_id")[list(sim.PROCESSES)].mean()
    means.insert(0, "n_members", members.groupby("board_id").size())
    means.insert(0, "sector", members.groupby("board_id")["sector"].first())
    return means.reset_index()


def process_agreement(members: pd.DataFrame) -> pd.DataFrame:
    """ICC(1), with its exact F interval, and ICC(2) of each process scale (:func:`book.methods.reliability.icc_anova`).

    Returns ``process, mean, sd, icc1, icc1_ci_low, icc1_ci_high, icc2, truth_icc1`` (share of the true
    scores' variance between boards), ``expected_icc1`` (the same for scores rounded to the scale's
    steps: what the estimator converges to), ``covered`` (the interval covers the expected value),
    ``n_boards, n_members``.
    """
    expected = truth.expected_6a(members)["icc1"]
    rows = []
    for p in sim.PROCESSES:
        icc = rel.icc_anova(members, "board_id", p).iloc[0]
        rows.append({"process": p, "mean": members[p].mean(), "sd": members[p].std(), "icc1": icc["icc1"],
                     "icc1_ci_low": icc["icc1_ci_low"], "icc1_ci_high": icc["icc1_ci_high"], "icc2": icc["icc2"],
                     "truth_icc1": truth.truths()["icc_members"], "expected_icc1": expected[p],
                     "covered": covers(icc["icc1_ci_low"], expected[p], icc["icc1_ci_high"]),
                     "n_boards": int(icc["n_groups"]), "n_members": int(icc["n_obs"])})
    return pd.DataFrame(rows)


def objective_means(ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per objective: mean rating over its raters on each dimension and the number of raters."""
    dims = list(sim.OBJECTIVE_DIMENSIONS)
    out = ratings.groupby(["board_id", "objective_id"])[dims].mean()
    out["n_raters"] = ratings.groupby(["board_id", "objective_id"]).size()
    out["all_good"] = (out[dims] >= GOOD_RATING).all(axis=1)
    return out.reset_index()


def objective_summary(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per dimension (and all three together): mean and SD of objectives' mean ratings, the number and
    share rated at least ``GOOD_RATING`` (with a Wilson interval that treats objectives as
    independent), and the share of boards with at least one such objective."""
    obj = objective_means(ratings)
    rows = []
    for d in [*sim.OBJECTIVE_DIMENSIONS, "all three"]:
        good = obj["all_good"] if d == "all three" else obj[d] >= GOOD_RATING
        lo, hi = wilson(int(good.sum()), len(obj))
        rows.append({"dimension": d, "mean": obj[d].mean() if d != "all three" else np.nan,
                     "sd": obj[d].std() if d != "all three" else np.nan, "n_good": int(good.sum()),
                     "share_good": good.mean(), "ci_low": float(lo), "ci_high": float(hi),
                     "share_boards_any_good": good.groupby(obj["board_id"]).any().mean(),
                     "n_objectives": len(obj), "n_boards": obj["board_id"].nunique()})
    return pd.DataFrame(rows)


def rater_agreement(ratings: pd.DataFrame) -> pd.DataFrame:
    """Agreement of the expert raters on each dimension.

    ``icc2_1`` (with its 95% CI) / ``icc2_k``: two-way random, absolute agreement, single / mean of two
    raters (:func:`book.methods.reliability.icc_absolute_agreement`, objectives rated by both E1 and
    E2); ``kappa_w``: quadratic-weighted kappa of E1 with E2; ``icc1_all``: one-way ICC over every
    rating, 2 or 3 raters per objective (:func:`book.methods.reliability.icc_anova`);
    ``truth_continuous`` and ``truth_rounded``: the E1-E2 absolute-agreement ICC of the generating
    model before and after ratings are rounded to whole points; ``covered``: the interval covers the
    rounded value.
    """
    tr = truth.rater_icc_truth()
    r = ratings.assign(target=ratings["board_id"] + "/" + ratings["objective_id"])
    pair = r[r["rater_id"].isin(["E1", "E2"])]
    rows = []
    for d in sim.OBJECTIVE_DIMENSIONS:
        wide = pair.pivot(index="target", columns="rater_id", values=d).astype(float)
        icc = rel.icc_absolute_agreement(wide)
        one_way = rel.icc_anova(r, "target", d).iloc[0]
        rows.append({"dimension": d, "icc2_1": icc["icc"], "icc2_1_ci_low": icc["ci_low"],
                     "icc2_1_ci_high": icc["ci_high"], "icc2_k": icc["icc_k"],
                     "kappa_w": weighted_kappa(wide["E1"].astype(int), wide["E2"].astype(int)),
                     "icc1_all": one_way["icc1"], "truth_continuous": tr["continuous"],
                     "truth_rounded": tr["rounded"][d],
                     "covered": covers(icc["ci_low"], tr["rounded"][d], icc["ci_high"]),
                     "n_objectives": len(wide), "n_ratings": int(one_way["n_obs"])})
    return pd.DataFrame(rows)


def members_vs_experts(members: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Boards' own view of their objectives (mean ``objectives`` scale) against the experts' clarity.

    Returns one row: ``members_mean`` (1-5 agreement scale), ``experts_clarity`` (1-5 rating),
    Pearson ``r`` with its 95% CI (Fisher z) and p over boards, ``expected`` (the correlation this
    design converges to: :func:`book.simulate.boards_truths.expected_6a`), ``covered``, ``n``.
    """
    bmean = board_means(members).set_index("board_id")["objectives"]
    ex = objective_means(ratings).groupby("board_id")["clarity"].mean()
    both = pd.concat([bmean, ex], axis=1, join="inner")
    res = stats.pearsonr(both["objectives"], both["clarity"])
    ci = res.confidence_interval(0.95)
    expected = truth.expected_6a(members, ratings)["members_experts_r"]
    return pd.DataFrame([{"members_mean": both["objectives"].mean(), "experts_clarity": both["clarity"].mean(),
                          "r": res.statistic, "ci_low": ci.low, "ci_high": ci.high, "p": res.pvalue,
                          "expected": expected, "covered": covers(ci.low, expected, ci.high), "n": len(both)}])


def effectiveness_data(members: pd.DataFrame, effectiveness: pd.DataFrame) -> pd.DataFrame:
    """Board means of the processes joined to the (invented) external effectiveness rating."""
    return board_means(members).merge(effectiveness[["board_id", "effectiveness"]], on="board_id")


#: The 6a regression as a formula (statsmodels' notation), the same model as :func:`effectiveness_regression`.
FORMULA = "effectiveness ~ " + " + ".join(sim.PROCESSES)


def effectiveness_regression(data: pd.DataFrame, members: pd.DataFrame | None = None, alpha: float = ALPHA):
    """OLS of effectiveness on the six board process means; returns (tidy table, statsmodels result).

    The table has ``term, estimate, se, ci_low, ci_high, p, truth, expected, covered``: ``truth`` is
    the coefficient on the boards' *true* process scores; ``expected`` what OLS on these noisy means
    of about nine members converges to (attenuated, and redistributed among correlated processes),
    the value the interval should cover (``members``, for the board sizes; default: those in ``data``).
    """
    names = list(sim.PROCESSES)
    X = add_constant(data[names].astype(float))
    res = OLS(data["effectiveness"].astype(float), X).fit()
    ci = res.conf_int(alpha)
    sizes = members if members is not None else data.loc[data.index.repeat(data["n_members"]), ["board_id"]]
    expected = truth.expected_6a(sizes)["beta"]
    out = pd.DataFrame({"term": names, "estimate": res.params[names].to_numpy(), "se": res.bse[names].to_numpy(),
                        "ci_low": ci.loc[names, 0].to_numpy(), "ci_high": ci.loc[names, 1].to_numpy(),
                        "p": res.pvalues[names].to_numpy(), "truth": [truth.truths()["beta"][p] for p in names],
                        "expected": [expected[p] for p in names]})
    out["covered"] = covers(out["ci_low"], out["expected"], out["ci_high"])
    return out, res


def importance_table(boot: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """LMG shares with bootstrap intervals (``boot``: :func:`book.methods.relative_importance.bootstrap_dominance`)
    beside the latent truth and the value this design's estimator converges to."""
    expected = truth.expected_6a(members)["lmg"]
    out = boot.rename(columns={"general_dominance": "lmg", "predictor": "process"})
    out["truth"] = out["process"].map(truth.truths()["lmg"])
    out["expected"] = out["process"].map(expected)
    return out


def survey(seed: int) -> dict[str, pd.DataFrame]:
    """The 6a data (``members``, ``effectiveness``, ``objective_ratings``) that
    :func:`book.simulate.boards.simulate` makes at ``seed``, without simulating the minutes and agenda:
    the survey is the first thing drawn from the seed's generator, so the tables are the same."""
    return sim._survey(np.random.default_rng(seed), sim.SURVEY_SECTORS)
