"""What the clinical-teams generator implies: the covariance structure of the true team scores and the
values each analysis of the chapter should find, the only place these truths are computed.

Two yardsticks for every estimate: ``built_in`` (what perfect measurement of every team would give:
the latent covariance) and ``expected`` (what the estimator converges to with this design's
measurement: respondents' error, the halo members share, rounding to whole scale points), both from
:func:`implied_covariance`. Rounding is handled to first order (:func:`item_moments`, Stein's lemma);
checked against simulated datasets (correlations within about 0.02).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ...methods.reliability import adjusted_group_size
from ...methods.relative_importance import dominance_from_covariance
from .parameters import (DIMENSIONS, EXTERNAL_ITEM_ERROR, EXTERNAL_NOISE_VARIANCE, FOLLOWUP_DIMENSIONS,
                         FOLLOWUP_PATHS, GEN_ORDER, ICC, INNOVATION_TILT, INPUT_CORRELATION, INPUTS,
                         ITEM_ERROR_VARIANCE, ITEM_SLOPE, LEADER_LENIENCY, LIKERT, METHOD_PERSON, METHOD_TEAM,
                         PATHS, PERSON_PERSISTENCE, SCALE_MEAN, SECTOR_SHIFT, SECTORS, TRUST_SHARE,
                         model_params, person_unique, signs)


# --- the team-level covariance structure --------------------------------------------------------------
def structure() -> dict:
    """Path matrix, shock covariance and within-sector covariance of the true scores ``Z`` (GEN_ORDER).

    Returns a dict with ``B`` (Z = B Z + shock), ``A`` = (I - B)^-1, ``shock_cov`` (trust + team
    parts), ``trust_cov``, ``team_cov`` and ``cov`` (= A shock_cov A'). Residual variances are set in
    build order so that each Z has variance 1 within a sector.
    """
    dims = GEN_ORDER
    p = len(dims)
    idx = {d: i for i, d in enumerate(dims)}
    B = np.zeros((p, p))
    for d, preds in PATHS.items():
        for q, b in preds.items():
            if idx[q] >= idx[d]:
                raise ValueError(f"path {q} -> {d} goes backwards in GEN_ORDER")
            B[idx[d], idx[q]] = b
    inp = [idx[d] for d in INPUTS]
    corr = np.full((len(inp), len(inp)), INPUT_CORRELATION)
    np.fill_diagonal(corr, 1.0)
    tau = np.array([TRUST_SHARE.get(d, 0.0) for d in INPUTS])
    trust_cov, team_cov = np.zeros((p, p)), np.zeros((p, p))
    trust_cov[np.ix_(inp, inp)] = np.sqrt(np.outer(tau, tau)) * corr
    team_cov[np.ix_(inp, inp)] = np.sqrt(np.outer(1 - tau, 1 - tau)) * corr
    sigma = np.zeros((p, p))
    sigma[np.ix_(inp, inp)] = trust_cov[np.ix_(inp, inp)] + team_cov[np.ix_(inp, inp)]
    for i in range(len(inp), p):
        b = B[i, :i]
        explained = b @ sigma[:i, :i] @ b
        if explained >= 1:
            raise ValueError(f"paths into {dims[i]} explain more than all its variance ({explained:.2f})")
        team_cov[i, i] = 1 - explained
        sigma[i, :i] = sigma[:i, i] = sigma[:i, :i] @ b
        sigma[i, i] = 1.0
    A = np.linalg.inv(np.eye(p) - B)
    shock = trust_cov + team_cov
    return {"dims": dims, "B": B, "A": A, "trust_cov": trust_cov, "team_cov": team_cov,
            "shock_cov": shock, "cov": A @ shock @ A.T}


def sector_means() -> pd.DataFrame:
    """Mean true score ``Z`` of each sector (rows) on each dimension (columns, GEN_ORDER)."""
    s = structure()
    rows = {sector: s["A"] @ np.array([SECTOR_SHIFT[sector].get(d, 0.0) for d in s["dims"]]) for sector in SECTORS}
    return pd.DataFrame(rows, index=s["dims"]).T


def followup_matrix(dims) -> np.ndarray:
    """Follow-up true scores on baseline true scores: ``Z2 = C Z + residual`` (rows FOLLOWUP_DIMENSIONS)."""
    C = np.zeros((len(FOLLOWUP_DIMENSIONS), len(dims)))
    for i, d in enumerate(FOLLOWUP_DIMENSIONS):
        for q, b in FOLLOWUP_PATHS[d].items():
            C[i, dims.index(q)] = b
    return C


def followup_residual_variance(s: dict | None = None) -> np.ndarray:
    """Residual variance of each follow-up true score, so that it has variance 1 within a sector."""
    s = structure() if s is None else s
    C = followup_matrix(s["dims"])
    return 1 - np.einsum("ij,jk,ik->i", C, s["cov"], C)


def item_moments(means: np.ndarray, shares: np.ndarray, var: float) -> tuple[float, float]:
    """Slope and variance of a rounded 1-5 item whose latent value is a mixture of normals.

    ``means`` are the sector means of the latent value on the 1-5 scale, ``shares`` the sectors'
    weights and ``var`` its within-sector variance. The slope is ``E[g'(Y)]``, the sum of the latent
    density at the cut points 1.5, ..., 4.5: by Stein's lemma the rounded item's covariance with
    anything jointly normal with the latent value is the slope times the latent covariance, so rounding
    and the piling-up of answers at 1 and 5 shrink covariances by this factor.
    """
    cuts = np.arange(LIKERT[0], LIKERT[1]) + 0.5
    sd = np.sqrt(var)
    z = (cuts[None, :] - means[:, None]) / sd
    slope = float(shares @ (np.exp(-z * z / 2) / np.sqrt(2 * np.pi) / sd).sum(axis=1))
    probs = shares @ np.diff(np.c_[np.zeros(len(means)), ndtr(z), np.ones(len(means))], axis=1)
    values = np.arange(LIKERT[0], LIKERT[1] + 1)
    mean = probs @ values
    return slope, float(probs @ values**2 - mean**2)


def _sector_shares(teams: pd.DataFrame) -> np.ndarray:
    return teams["sector"].value_counts(normalize=True).reindex(SECTORS, fill_value=0).to_numpy()


def _latent(teams: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Covariance of [Z, Z2] across the teams (within-sector part plus the spread of the sector means at
    the teams' sector shares), the sector means, and the dimension names (GEN_ORDER, then follow-up)."""
    s = structure()
    dims = s["dims"]
    C = followup_matrix(dims)
    zw = s["cov"]
    within = np.block([[zw, zw @ C.T], [C @ zw, C @ zw @ C.T + np.diag(followup_residual_variance(s))]])
    means = sector_means()[dims].to_numpy()
    means_full = np.hstack([means, means @ C.T])
    share = _sector_shares(teams)
    centred = means_full - share @ means_full
    return within + (centred * share[:, None]).T @ centred, means_full, dims + list(FOLLOWUP_DIMENSIONS)


#: The variables of :func:`implied_covariance`: the 16 team means, the two other ratings, the follow-up means.
IMPLIED_NAMES = list(GEN_ORDER) + ["leader_effectiveness", "external_effectiveness"] + \
    [f"fu_{d}" for d in FOLLOWUP_DIMENSIONS]


def implied_covariance(teams: pd.DataFrame, icc: dict | None = None, method_team: float = METHOD_TEAM,
                       method_person: float = METHOD_PERSON, latent: bool = False) -> pd.DataFrame:
    """Covariance across teams of the team-level variables the chapter analyses, implied by the model.

    Parameters
    ----------
    teams : DataFrame
        The teams analysed, with ``sector``, ``n_baseline`` (baseline respondents) and, for follow-up
        variables, ``n_followup`` (0 if the team was not followed up). Team sizes enter as the mean of
        1/n; sector shares set the between-sector part.
    latent : bool
        If True, the covariance of the true scores only (no halo, no respondent or item error, no
        rounding): what the analyses would see with perfect measurement.

    Returns
    -------
    DataFrame
        Covariance (1-5 scale units) of :data:`IMPLIED_NAMES`. Rounding to whole scale points is handled
        to first order (:func:`item_moments`); what remains of it is treated as error independent between
        items, so the result is close to, not exactly, what an infinite sample would give.
    """
    icc = dict(ICC if icc is None else icc)
    # the chapter asks for the same few designs many times: cache on what the result depends on
    cols = [c for c in ("sector", "n_baseline", "n_followup") if c in teams.columns]
    key = (tuple(cols), tuple(tuple(teams[c].tolist()) for c in cols), tuple(sorted(icc.items())),
           float(method_team), float(method_person), bool(latent))
    if key not in _IMPLIED_CACHE:
        if len(_IMPLIED_CACHE) > 256:
            _IMPLIED_CACHE.clear()
        _IMPLIED_CACHE[key] = _implied_covariance(teams, icc, method_team, method_person, latent)
    return _IMPLIED_CACHE[key].copy()


_IMPLIED_CACHE: dict = {}


def _measured(teams: pd.DataFrame, icc: dict) -> dict:
    """How each variable of :data:`IMPLIED_NAMES` is measured: its construct covariance, and per variable
    the base dimension, the sector means of its latent answer, its within-sector perception variance,
    item error and number of items."""
    full, means_full, all_dims = _latent(teams)
    root = np.sqrt(np.array([icc[d] for d in all_dims]))
    nb = len(GEN_ORDER)
    eff = GEN_ORDER.index("effectiveness")
    order = list(range(nb)) + [eff, eff] + list(range(nb, len(all_dims)))
    lead, ext = nb, nb + 1
    sector_latent = (means_full * root)[:, order]
    sector_latent[:, lead] += LEADER_LENIENCY
    person_var = np.ones(len(order))
    person_var[ext] = icc["effectiveness"] + EXTERNAL_NOISE_VARIANCE
    err = np.full(len(order), ITEM_ERROR_VARIANCE)
    err[ext] = EXTERNAL_ITEM_ERROR
    base = [all_dims[i] for i in order]
    n_items = np.array([DIMENSIONS[d][1] for d in base], dtype=float)
    n_items[[lead, ext]] = 3
    return {"construct": (full * np.outer(root, root))[np.ix_(order, order)], "full": full, "root": root,
            "order": order, "base": base, "all_dims": all_dims, "sector_latent": sector_latent,
            "person_var": person_var, "err": err, "n_items": n_items, "lead": lead, "ext": ext, "nb": nb,
            "share": _sector_shares(teams)}


def _slopes(m: dict) -> tuple[np.ndarray, np.ndarray]:
    """Each variable's rounding slope and the item variance rounding adds beyond it (1-5 units)."""
    k = len(m["base"])
    slope, item_noise = np.zeros(k), np.zeros(k)
    share, lat = m["share"], m["sector_latent"]
    for i, d in enumerate(m["base"]):
        slope[i], var_g = item_moments(SCALE_MEAN[d] + ITEM_SLOPE * lat[:, i], share,
                                       ITEM_SLOPE**2 * (m["person_var"][i] + m["err"][i]))
        total_perception = m["person_var"][i] + share @ (lat[:, i] - share @ lat[:, i]) ** 2
        item_noise[i] = var_g - (slope[i] * ITEM_SLOPE) ** 2 * total_perception
    return slope, item_noise


def _implied_covariance(teams: pd.DataFrame, icc: dict, method_team: float, method_person: float,
                        latent: bool) -> pd.DataFrame:
    m = _measured(teams, icc)
    cov = m["construct"].copy()
    if latent:
        return pd.DataFrame(cov * ITEM_SLOPE**2, index=IMPLIED_NAMES, columns=IMPLIED_NAMES)
    nb, lead, ext, order = m["nb"], m["lead"], m["ext"], m["order"]
    sign = signs(m["all_dims"])[order]
    halo = method_team * np.outer(sign, sign)
    halo[ext, :] = halo[:, ext] = 0.0  # the external rater shares no halo
    cov += halo
    v_u = person_unique(m["all_dims"], icc, method_team, method_person)[order]
    slope, item_noise = _slopes(m)
    # respondent-level covariance of perceptions (beyond the team's), in perception units
    person = np.diag(v_u) + method_person * np.outer(sign, sign)
    inv1 = np.mean(1 / teams["n_baseline"].to_numpy(dtype=float))
    noise = np.zeros_like(cov)
    noise[:nb, :nb] = inv1 * person[:nb, :nb]
    noise[lead, lead] = v_u[lead] + method_person
    noise[ext, ext] = EXTERNAL_NOISE_VARIANCE
    extra = np.zeros(len(order))                           # item noise, already on the 1-5 scale
    extra[:nb] = inv1 * item_noise[:nb] / m["n_items"][:nb]
    extra[[lead, ext]] = item_noise[[lead, ext]] / 3
    f = slice(nb + 2, len(order))
    if "n_followup" in teams and (teams["n_followup"] > 0).any():
        fu = teams[teams["n_followup"] > 0]
        inv2 = np.mean(1 / fu["n_followup"].to_numpy(dtype=float))
        noise[f, f] = inv2 * person[f, f]
        extra[f] = inv2 * item_noise[f] / m["n_items"][f]
        # follow-up respondents are baseline respondents: their halo and part of their own view persist
        cross = method_person * np.outer(sign[:nb], sign[f])
        for j, d in enumerate(FOLLOWUP_DIMENSIONS):
            cross[GEN_ORDER.index(d), j] += PERSON_PERSISTENCE * v_u[GEN_ORDER.index(d)]
        noise[:nb, f] = np.mean(1 / fu["n_baseline"].to_numpy(dtype=float)) * cross
        noise[f, :nb] = noise[:nb, f].T
    out = (cov + noise) * ITEM_SLOPE**2 * np.outer(slope, slope) + np.diag(extra)
    return pd.DataFrame(out, index=IMPLIED_NAMES, columns=IMPLIED_NAMES)


# --- what each analysis should find -------------------------------------------------------------------------
def expected_scale_means(icc: dict | None = None) -> pd.DataFrame:
    """Expected item mean (1-5) of a team in each sector (rows) on each dimension (columns).

    Exact for the rounded items: the mean of the rounded value of a normal latent answer whose mean is
    the sector's and whose variance is a respondent's.
    """
    icc = dict(ICC if icc is None else icc)
    sm = sector_means()
    values = np.arange(LIKERT[0], LIKERT[1] + 1)
    cuts = values[:-1] + 0.5
    sd = ITEM_SLOPE * np.sqrt(1 + ITEM_ERROR_VARIANCE)
    out = {}
    for d in DIMENSIONS:
        m = SCALE_MEAN[d] + ITEM_SLOPE * np.sqrt(icc[d]) * sm[d].to_numpy()
        cdf = ndtr((cuts[None, :] - m[:, None]) / sd)
        out[d] = np.diff(np.c_[np.zeros(len(m)), cdf, np.ones(len(m))], axis=1) @ values
    return pd.DataFrame(out, index=sm.index)


def expected_regression(cov: pd.DataFrame, outcome: str, predictors: list[str]) -> pd.DataFrame:
    """Standardised coefficients and R^2 that OLS converges to under a covariance matrix.

    Returns ``predictor, std_beta`` with ``r2`` in ``attrs``.
    """
    sxx = cov.loc[predictors, predictors].to_numpy()
    sxy = cov.loc[predictors, outcome].to_numpy()
    b = np.linalg.solve(sxx, sxy)
    std = b * np.sqrt(np.diag(sxx)) / np.sqrt(cov.at[outcome, outcome])
    out = pd.DataFrame({"predictor": predictors, "std_beta": std})
    out.attrs["r2"] = float(sxy @ b / cov.at[outcome, outcome])
    return out


def regression_truth(teams: pd.DataFrame, outcome: str, predictors: list[str], model: dict | None = None,
                     no_halo: bool = False) -> pd.DataFrame:
    """``predictor, built_in, expected``: the standardised coefficients of ``outcome`` on ``predictors``
    with perfect measurement and with this design's (``teams``: the teams the regression used).
    ``attrs``: ``r2_built_in``, ``r2_expected`` and, with ``no_halo``, ``r2_expected_no_halo`` (the same
    design with the team's shared halo moved into each respondent's own halo: no team-level
    common-method variance)."""
    m = model_params(**(model or {}))
    exp = expected_regression(implied_covariance(teams, **m), outcome, predictors)
    built = expected_regression(implied_covariance(teams, **m, latent=True), outcome, predictors)
    out = pd.DataFrame({"predictor": predictors, "built_in": built["std_beta"].to_numpy(),
                        "expected": exp["std_beta"].to_numpy()})
    out.attrs.update(r2_built_in=built.attrs["r2"], r2_expected=exp.attrs["r2"])
    if no_halo:
        cov = implied_covariance(teams, m["icc"], method_team=0.0, method_person=m["method_person"] + m["method_team"])
        out.attrs["r2_expected_no_halo"] = expected_regression(cov, outcome, predictors).attrs["r2"]
    return out


def dominance_truth(teams: pd.DataFrame, outcome: str, predictors: list[str], model: dict | None = None) -> pd.DataFrame:
    """``predictor, built_in, built_in_rank, expected, expected_rank``: the general dominance weights the
    model implies with perfect measurement and with this design."""
    m = model_params(**(model or {}))
    exp = dominance_from_covariance(implied_covariance(teams, **m), outcome, predictors)
    built = dominance_from_covariance(implied_covariance(teams, **m, latent=True), outcome, predictors)
    return pd.DataFrame({"predictor": predictors, "built_in": built["general_dominance"].to_numpy(),
                         "built_in_rank": built["rank"].to_numpy(), "expected": exp["general_dominance"].to_numpy(),
                         "expected_rank": exp["rank"].to_numpy()})


def expected_sector_eta2(teams: pd.DataFrame, dims: list[str], model: dict | None = None) -> pd.Series:
    """Share of the variance of each team mean that lies between the sectors' expected means (eta squared
    the sector shifts imply at these teams' sector shares)."""
    m = model_params(**(model or {}))
    share = _sector_shares(teams)
    mu = expected_scale_means(m["icc"]).loc[list(SECTORS), dims]
    between = ((mu - share @ mu.to_numpy()) ** 2).mul(share, axis=0).sum()
    cov = implied_covariance(teams, **m)
    return pd.Series({d: between[d] / cov.at[d, d] for d in dims})


def expected_innovation_rate_ratio(teams: pd.DataFrame, predictor: str = "reflexivity",
                                   model: dict | None = None) -> float:
    """Rate ratio of coded innovations per SD of a team mean (``predictor``) that a Poisson regression with
    the innovation answers as exposure converges to.

    A team's innovations are proportional to its innovation answers times ``exp(t Z)``, Z its true
    innovation (:data:`INNOVATION_TILT` = t). If Z and the observed mean x are jointly normal,
    ``E[exp(t Z) | x]`` is log-linear in x with slope ``t cov(Z, x) / var(x)``, so the rate ratio per SD
    of x is ``exp(t cov(Z, x) / sd(x))``; ``cov(Z, x)`` is the rounding slope times the latent
    covariance (Stein's lemma). To first order: the sector mixture is not exactly normal.
    """
    m = model_params(**(model or {}))
    meas = _measured(teams, m["icc"])
    slope, _ = _slopes(meas)
    i = IMPLIED_NAMES.index(predictor)
    z = meas["all_dims"].index("innovation")
    cov_zx = slope[i] * ITEM_SLOPE * meas["root"][meas["order"][i]] * meas["full"][meas["order"][i], z]
    var_x = implied_covariance(teams, **m).at[predictor, predictor]
    return float(np.exp(INNOVATION_TILT * cov_zx / np.sqrt(var_x)))


def expected_reliability(teams: pd.DataFrame, icc: dict | None = None, method_team: float = METHOD_TEAM,
                         method_person: float = METHOD_PERSON) -> pd.DataFrame:
    """What the aggregation statistics should find for each dimension under the model.

    ``teams`` as for :func:`implied_covariance`. Returns ``dimension, n_items, alpha, icc1, icc2,
    rwg_j``: Cronbach's alpha across respondents; ICC(1) and ICC(2) of the scale score (ICC(2) at the
    ANOVA's adjusted group size k0); and James, Demaree & Wolf's r_wg(j) at the expected within-team
    item variance (uniform null, 5 options). All to first order in the rounding.
    """
    icc = dict(ICC if icc is None else icc)
    latent = implied_covariance(teams, icc, method_team, method_person, latent=True) / ITEM_SLOPE**2
    share = _sector_shares(teams)
    sm = sector_means()
    k0 = adjusted_group_size(teams["n_baseline"].to_numpy())
    null_var = ((LIKERT[1] - LIKERT[0] + 1) ** 2 - 1) / 12
    rows = []
    for d in DIMENSIONS:
        k = DIMENSIONS[d][1]
        slope, var_g = item_moments(SCALE_MEAN[d] + ITEM_SLOPE * np.sqrt(icc[d]) * sm[d].to_numpy(), share,
                                    ITEM_SLOPE**2 * (1 + ITEM_ERROR_VARIANCE))
        team_part = latent.at[d, d] + method_team                      # perception units
        v_u = 1 - icc[d] - method_team - method_person
        lin = (slope * ITEM_SLOPE) ** 2
        item_cov = lin * (team_part + v_u + method_person)
        alpha = k * item_cov / (var_g + (k - 1) * item_cov)
        scale_total = (var_g + (k - 1) * item_cov) / k
        between = lin * team_part
        icc1 = between / scale_total
        icc2 = between / (between + (scale_total - between) / k0)
        ratio = (var_g - between) / null_var
        rwg = max(0.0, k * (1 - ratio) / (k * (1 - ratio) + ratio))
        rows.append({"dimension": d, "n_items": k, "alpha": alpha, "icc1": icc1, "icc2": icc2, "rwg_j": rwg})
    return pd.DataFrame(rows)
