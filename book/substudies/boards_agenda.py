"""The trust-boards chapter's analyses of the eight boards read in detail (substudy 6c): how much of
their business concerned quality and safety, and how those discussions were conducted.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..methods.intervals import covers
from ..simulate import boards as sim
from ..simulate import boards_truths as truth

ALPHA = 0.05


def board_mean_interval(values, alpha: float = ALPHA) -> tuple[float, float, float]:
    """Mean over boards with its t interval (boards as the unit: 8 boards, 7 df; ``scipy.stats.ttest_1samp``)."""
    v = np.asarray(values, dtype=float)
    ci = stats.ttest_1samp(v, 0.0).confidence_interval(1 - alpha)
    return float(v.mean()), float(ci.low), float(ci.high)


def attention_table(agenda: pd.DataFrame) -> pd.DataFrame:
    """Per board: meetings, agenda items, quality-and-safety items and the share of items and of words
    on quality and safety (quality, safety, patient experience)."""
    a = agenda.assign(qs=agenda["topic"].isin(sim.QS_TOPICS), qs_words=agenda["words"].where(
        agenda["topic"].isin(sim.QS_TOPICS), 0))
    per = a.groupby("board_id").agg(meetings=("minutes_id", "nunique"), items=("item_no", "size"),
                                    qs_items=("qs", "sum"), share_items=("qs", "mean"),
                                    qs_words=("qs_words", "sum"), words=("words", "sum"))
    per["share_words"] = per["qs_words"] / per["words"]
    return per.drop(columns=["qs_words", "words"]).reset_index()


GROUPS = ("quality and safety", "other topics")


def _groups(agenda: pd.DataFrame) -> pd.DataFrame:
    return agenda.assign(group=np.where(agenda["topic"].isin(sim.QS_TOPICS), GROUPS[0], GROUPS[1]))


def comfort_by_board(agenda: pd.DataFrame) -> pd.DataFrame:
    """Each board's share of reviewed (not procedural) items that sought comfort, one column per group."""
    reviewed = _groups(agenda)
    reviewed = reviewed[reviewed["approach"] != "procedural"]
    share = (reviewed["approach"] == "comfort_seeking").groupby([reviewed["board_id"], reviewed["group"]]).mean()
    return share.unstack()[list(GROUPS)].rename_axis(columns=None)


def approach_table(agenda: pd.DataFrame) -> pd.DataFrame:
    """How discussions were conducted, quality-and-safety items against the rest.

    Per group: items, share procedural, and among the other items the share comfort-seeking, pooled
    and as the mean of the eight boards' shares (:func:`comfort_by_board`) with a t interval, beside
    the truth.
    """
    at = truth.attention_truth()
    a = _groups(agenda)
    per = comfort_by_board(agenda)
    rows = []
    for group, key in zip(GROUPS, ("comfort_qs", "comfort_other")):
        g = a[a["group"] == group]
        reviewed = g[g["approach"] != "procedural"]
        per_board = per[group].dropna()
        mean, lo, hi = board_mean_interval(per_board)
        rows.append({"group": group, "items": len(g), "share_procedural": (g["approach"] == "procedural").mean(),
                     "comfort_pooled": (reviewed["approach"] == "comfort_seeking").mean(),
                     "comfort_board_mean": mean, "ci_low": lo, "ci_high": hi, "truth": at[key],
                     "covered": covers(lo, at[key], hi),
                     "boards_mostly_comfort": int((per_board.round(10) > 0.5).sum()), "n_boards": len(per_board)})
    return pd.DataFrame(rows)
