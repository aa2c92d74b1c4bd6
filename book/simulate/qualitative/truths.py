"""What the estimates of the qualitative chapters should recover, computed from the generator's assumptions
(and nowhere else): the coders' agreement in the population of segments the generator writes, and the
share of all respondents like ours who would agree with each statement.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import stakeholders as S
from . import survey as Y
from .codebook import MAIN_CODES


def code_shares() -> pd.Series:
    """The share of segments written for each code: every interview's segments are drawn from its
    group's weights, and the number of segments does not depend on the group."""
    total = sum(S.STAKEHOLDER_GROUPS.values())
    share = pd.Series(0.0, index=MAIN_CODES)
    for group, n in S.STAKEHOLDER_GROUPS.items():
        w = pd.Series({c: S.CODE_WEIGHT[c] * S.GROUP_EMPHASIS[group].get(c, 1.0) for c in MAIN_CODES})
        share += n / total * w / w.sum()
    return share


def coding_distribution(coder_error: float) -> np.ndarray:
    """P(coder A applies code i, coder B applies code j) over :data:`MAIN_CODES`: the two coders slip
    independently, given the written-for code, to one of its neighbours, each equally likely."""
    idx = {c: i for i, c in enumerate(MAIN_CODES)}
    k = len(MAIN_CODES)
    joint = np.zeros((k, k))
    for code, p in code_shares().items():
        rate = min(1.0, S.CODER_ERROR_RATE[code] * coder_error)
        one = np.zeros(k)
        one[idx[code]] = 1 - rate
        for other in S.NEIGHBOURS[code]:
            one[idx[other]] += rate / len(S.NEIGHBOURS[code])
        joint += p * np.outer(one, one)
    return joint


def _kappa(joint: np.ndarray) -> float:
    p_o = math.fsum(np.diag(joint))
    p_e = math.fsum(joint.sum(axis=1) * joint.sum(axis=0))
    return (p_o - p_e) / (1 - p_e)


def kappa_truth(coder_error: float = 1.0) -> pd.Series:
    """Cohen's kappa of the two coders in the population of segments, per code (applied or not) and over
    all codes (index ``"(all codes)"``)."""
    joint = coding_distribution(coder_error)
    out = {}
    for i, code in enumerate(MAIN_CODES):
        yes_yes, yes_a, yes_b = joint[i, i], joint[i, :].sum(), joint[:, i].sum()
        table = np.array([[yes_yes, yes_a - yes_yes], [yes_b - yes_yes, 1 - yes_a - yes_b + yes_yes]])
        out[code] = _kappa(table)
    out["(all codes)"] = _kappa(joint)
    return pd.Series(out, name="kappa_truth")


def agree_truth(agree_from: int = 4) -> pd.Series:
    """The percentage of respondents in the generator's population who would answer each statement at
    ``agree_from`` or above: the latent trait is a mixture over roles, integrated by Gauss-Hermite
    quadrature (80 nodes, exact far below the percentages' printed precision)."""
    if agree_from not in (2, 3, 4, 5):
        raise ValueError(f"agree_from must be 2, 3, 4 or 5 on the five-point scale; got {agree_from!r}")
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    out = {}
    for sid, _text, _linked, reverse in Y.STATEMENTS:
        loading = -1.0 if reverse else 1.0
        p = 0.0
        for role, share in Y.RESPONDENT_ROLES.items():
            eta = Y.STATEMENT_LOCATION[sid] + loading * (nodes + Y.THETA_SHIFT[role])
            below = 1 / (1 + np.exp(-(Y.THRESHOLDS[agree_from - 2] - eta)))  # P(answer <= agree_from - 1)
            p += share * math.fsum(weights * (1 - below))
        out[sid] = 100 * p
    return pd.Series(out, name="pct_agree_truth")
