"""The replication scorecard: every published figure the book can check, computed from the data.

Each chapter contributes one function returning rows made by :func:`book.substudies.claims.claim`
(the kinds of check and the statuses are explained there); the Monte Carlo replication rates of
the ``recomputed`` claims come from ``data/montecarlo/replications.csv`` (``python -m book montecarlo``).
"""
from __future__ import annotations

import importlib

import pandas as pd

from .substudies.claims import COLUMNS, KINDS, STATUSES


#: Every chapter's claims function, in book order, as ``"module:function"`` of ``book.substudies``
#: (each chapter keeps its claims beside its analysis; imported only when the scorecard is built).
CHECKS = (
    "survey_trends:survey_trends_claims",
    "engagement:engagement_outcomes_claims",
    "qualitative:qualitative_claims",
    "teams:teams_claims",
    "boards:boards_claims",
    "synthesis:synthesis_claims",
)


def scorecard() -> pd.DataFrame:
    """All claims the book checks, one row each (columns: :data:`book.substudies.claims.COLUMNS`), with
    the Monte Carlo replication rate of every ``recomputed`` claim (``replication_rate``, ``rate_low``,
    ``rate_high``: the share of simulated studies of the same design in which it holds)."""
    frames = []
    for target in CHECKS:
        module, function = target.split(":")
        claims = getattr(importlib.import_module(f"book.substudies.{module}"), function)()
        if list(claims.columns) != COLUMNS:
            raise ValueError(f"{target} returned columns {list(claims.columns)}; expected {COLUMNS}")
        frames.append(claims)
    card = pd.concat(frames, ignore_index=True)
    dup = card["claim_id"].duplicated()
    if dup.any():
        raise ValueError(f"duplicate scorecard claim_id {card.loc[dup, 'claim_id'].iloc[0]!r}")
    from .montecarlo import rates

    mc = rates()
    mc = mc[mc["check"] == "claim"].set_index("check_id")[["rate", "mc_low", "mc_high"]]
    mc.columns = ["replication_rate", "rate_low", "rate_high"]
    return card.join(mc, on="claim_id")


#: The chapter that checks a substudy's claims, in book order (a row naming several substudies goes to
#: the chapter of the first).
CHAPTERS = {
    "1": "Interviews and ethnography", "2": "Interviews and ethnography",
    "3a": "Patients and the public", "3b": "Patients and the public",
    "4a": "Survey trends", "4b": "Survey trends", "4c": "Engagement and outcomes",
    "5": "Clinical teams", "6a": "Trust boards", "6b": "Trust boards", "6c": "Trust boards",
    "synthesis": "Synthesis", "programme": "Synthesis",
}


def chapter(substudy: str) -> str:
    """The chapter of a scorecard row's substudy (``"4a,4b"`` -> the chapter of 4a)."""
    first = str(substudy).split(",")[0].strip()
    if first not in CHAPTERS:
        raise ValueError(f"no chapter checks substudy {substudy!r}")
    return CHAPTERS[first]


def summary(card: pd.DataFrame) -> pd.DataFrame:
    """Counts of each status by kind of check (kinds in the order of :data:`KINDS`)."""
    kinds = [k for k in KINDS if k in set(card["kind"])]
    return (card.groupby(["kind", "status"]).size().unstack(fill_value=0)
            .reindex(index=kinds, columns=list(STATUSES), fill_value=0))


def in_words(card: pd.DataFrame) -> str:
    """The summary a reader sees first: checks that could fail, apart from those that could not."""
    n = len(card)
    by = card.groupby("kind").size()
    built = int(by.get("by construction", 0))
    real = card[card["kind"].isin(["recomputed", "feasibility", "consistency"])]
    counts = real["status"].value_counts()
    parts = [f"The book checks {n} claims of the paper."]
    parts.append(f"{built} hold by construction: the generator was given the figure, so they show only that "
                 f"the teaching data were built as described.")
    parts.append(f"Of the {len(real)} checks that could fail, {int(counts.get('match', 0))} match, "
                 f"{int(counts.get('mismatch', 0))} do not, and {int(counts.get('inconsistent', 0))} find the "
                 f"paper's own figures inconsistent.")
    nr = int(by.get("not reproducible", 0))
    parts.append(f"{nr} cannot be checked, each for the reason its row gives.")
    return " ".join(parts)
