"""The book's figure theme and shared figure helpers (colour-blind-safe palette)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
OURS, PAPER = PALETTE[0], PALETTE[3]


def set_theme() -> None:
    """Apply the book's theme to matplotlib and seaborn."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=0.9)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.titlesize": "medium"})


def trajectory_grid(summary: pd.DataFrame, published_means: pd.DataFrame | None = None,
                    labels: dict | None = None, ncols: int = 3) -> plt.Figure:
    """Small multiples of each item's yearly mean with its confidence interval.

    Parameters
    ----------
    summary : DataFrame
        :func:`book.trends.period_summary` output (``item, period, mean, ci_low, ci_high``).
    published_means : DataFrame, optional
        ``item, period, mean`` of the printed means, drawn as open diamonds beside ours.
    labels : dict, optional
        Item -> panel title.
    """
    items = list(dict.fromkeys(summary["item"]))
    nrows = int(np.ceil(len(items) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 2.8 * nrows), squeeze=False)
    for ax, name in zip(axes.flat, items):
        s = summary[summary["item"] == name]
        ax.errorbar(s["period"], s["mean"], yerr=[s["mean"] - s["ci_low"], s["ci_high"] - s["mean"]],
                    color=OURS, marker="o", capsize=3, label="simulated data, 95% CI")
        if published_means is not None:
            p = published_means[published_means["item"] == name]
            ax.plot(p["period"] + 0.25, p["mean"], linestyle="none", marker="D", mfc="none",
                    color=PAPER, label="paper")
        ax.set_title((labels or {}).get(name, name), fontsize="small")
        ax.set_xticks(sorted(s["period"].unique()))
    for ax in list(axes.flat)[len(items):]:
        ax.set_visible(False)
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
