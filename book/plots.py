"""The book's figure theme and shared figure helpers (colour-blind-safe palette)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: The book's colour convention, the same in every chapter: OURS for figures from simulated or invented
#: data, PAPER only for figures printed in the paper, TRUTH (black, open markers or dashed lines) for a
#: generator's truths, thresholds and other reference values.
OURS, PAPER, TRUTH = PALETTE[0], PALETTE[3], PALETTE[7]
#: The words stamped on every figure of simulated or invented data.
MARKS = {"simulated": "Simulated teaching data, not NHS data", "invented": "Invented illustrative material"}


def set_theme() -> None:
    """Apply the book's theme to matplotlib and seaborn."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=0.9)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.titlesize": "medium"})


def mark(fig: plt.Figure, kind: str = "simulated") -> plt.Figure:
    """Stamp the kind of data on a figure (bottom right, small grey text), so that it says what it is
    even when lifted out of the page."""
    if kind not in MARKS:
        raise ValueError(f"kind must be one of {sorted(MARKS)}, not {kind!r}")
    fig.text(0.995, 0.005, MARKS[kind], ha="right", va="bottom", fontsize=7, color="0.45", style="italic")
    return fig


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


def plot_diverging_likert(summary: pd.DataFrame, labels: dict | None = None,
                          level_labels: list[str] | None = None, ax=None):
    """Diverging stacked bars (Heiberger and Robbins 2014) from :func:`likert_summary` output.

    Disagreement extends left of zero, agreement right, and the middle category (odd scales) is
    split across zero. Items are drawn in the order of ``summary``, first at the top.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    pct_cols = sorted([c for c in summary.columns if c.startswith("pct_") and c[4:].isdigit()],
                      key=lambda c: int(c[4:]))
    if not pct_cols:
        raise ValueError("summary has no pct_1 .. pct_k columns; pass likert_summary() output")
    k = len(pct_cols)
    level_labels = level_labels or [str(i) for i in range(1, k + 1)]
    colours = sns.color_palette("PuOr", k)  # ColorBrewer diverging scheme, colour-blind safe
    if k % 2:
        colours[k // 2] = (0.78, 0.78, 0.78)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.38 * len(summary) + 1.2))
    shares = summary[pct_cols].to_numpy(dtype=float)
    half = k // 2
    left = -(shares[:, :half].sum(axis=1) + (shares[:, half] / 2 if k % 2 else 0))
    y = np.arange(len(summary))
    for j in range(k):
        ax.barh(y, shares[:, j], left=left, color=colours[j], edgecolor="white", linewidth=0.5,
                label=level_labels[j])
        left = left + shares[:, j]
    ax.axvline(0, color="0.2", linewidth=0.8)
    ax.set_yticks(y, [(labels or {}).get(i, i) for i in summary["item"]])
    ax.invert_yaxis()
    ax.set_xlabel("% of respondents (disagree to the left, agree to the right)")
    ax.legend(ncol=k, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize="small")
    return ax.figure


# --- framework analysis ------------------------------------------------------------------------------------
