"""Panels of units x periods (trust-years): the estimators that compare units, those that follow each unit
over time, and the Mundlak test of whether the two agree.

``y_it = b x_it + a_i + l_t + e_it``. Pooled OLS and the between estimator compare trusts, and absorb any
stable trust characteristic ``a_i`` correlated with ``x``; entity and time fixed effects use only changes
within trusts; random effects quasi-demean by ``theta``, a mix of the two. Adding each trust's mean of
``x`` (Mundlak 1978) splits the pooled slope into the within slope and a contextual effect (between minus
within); testing the contextual effect against zero is the regression form of the Hausman test, valid
with clustered errors.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import validation as V
from .fits import design_matrix, report, usable


class PanelFits(dict):
    """The fits of :func:`panel_models` by name, with ``n_excluded`` and ``excluded`` (rows left out)."""


def _panel_frame(data, outcome, exposure, controls, entity, time):
    controls = [] if not controls else V.names(controls, "controls")
    df, excluded = usable(data, numeric=[outcome, exposure], factors=controls, keys=[entity, time])
    V.one_type(df, entity)
    order = V.ordered_periods(df[time], time)
    df["_t"] = df[time].map({p: i for i, p in enumerate(order)}).astype(int)
    dup = df.duplicated([entity, "_t"], keep=False).to_numpy()
    if dup.any():
        raise ValueError(f"{int(dup.sum())} rows repeat a {entity}-{time} pair, first {entity} "
                         f"{V.show(df.loc[dup, entity].iloc[0])} in {time} {V.show(df.loc[dup, time].iloc[0])}")
    V.distinct(df[exposure], f"exposure {V.show(exposure)}")
    if len(order) < 2:
        raise ValueError(f"a panel needs at least two periods in {V.show(time)}; found {len(order)}")
    return df.sort_values([entity, "_t"], kind="stable"), controls, order, excluded


def panel_models(data: pd.DataFrame, outcome: str, exposure: str, controls=(), entity: str = "trust_id",
                 time: str = "year", lag_outcome: bool = True) -> PanelFits:
    """Pooled, between, random-effects, entity+time fixed-effects and Mundlak models of one outcome
    (linearmodels), with errors clustered by entity except the between model's (one row per entity).

    ``data`` has one row per entity and period; periods may be numbers, dates, numeric text or an ordered
    Categorical, and are taken in their natural order. Controls that do not vary within entities are
    absorbed by the fixed effects. ``"mundlak"`` adds ``mean_<exposure>``, each entity's mean exposure.
    With ``lag_outcome`` a pooled model with the previous period's outcome as a control is added
    (``"pooled_lag"``; a unit's first period, or one after a gap, has no previous value and is left out of it).

    Returns
    -------
    PanelFits
        Model name -> linearmodels result; ``.n_excluded`` and ``.excluded`` count the rows left out.
    """
    from linearmodels.panel import BetweenOLS, PanelOLS, PooledOLS, RandomEffects

    df, controls, order, excluded = _panel_frame(data, outcome, exposure, controls, entity, time)
    prev = df.groupby(entity, observed=True)["_t"].shift(1)
    df["prior"] = df.groupby(entity, observed=True)[outcome].shift(1).where(prev == df["_t"] - 1)
    years = pd.DataFrame({f"{time}={order[k]}": (df["_t"] == k).astype(float) for k in range(1, len(order))},
                         index=df.index)
    X = pd.concat([design_matrix(df, [exposure, *controls]), years], axis=1)
    X.insert(0, "const", 1.0)
    V.full_rank(X, "the pooled panel model")
    idx = pd.MultiIndex.from_arrays([df[entity].astype(str), df["_t"]])
    y, X = df[outcome].set_axis(idx), X.set_axis(idx)
    mean_x = df.groupby(entity, observed=True)[exposure].transform("mean").set_axis(idx)
    cl = {"cov_type": "clustered", "cluster_entity": True}
    out = PanelFits(
        pooled=PooledOLS(y, X).fit(**cl),
        between=BetweenOLS(y, X.drop(columns=list(years.columns))).fit(),
        random=RandomEffects(y, X).fit(**cl),
        fixed=PanelOLS(y, X[[exposure]], entity_effects=True, time_effects=True).fit(**cl),
        mundlak=PooledOLS(y, X.assign(**{f"mean_{exposure}": mean_x})).fit(**cl),
    )
    if lag_outcome:
        keep = df["prior"].notna().to_numpy()
        if keep.sum() > X.shape[1] + 2:
            Xl = X.loc[keep].assign(prior=df.loc[keep, "prior"].to_numpy())
            Xl = Xl.drop(columns=[c for c in years.columns if Xl[c].sum() == 0])
            Xl = Xl.drop(columns=[c for c in years.columns if c in Xl.columns][:1])  # a new reference period
            out["pooled_lag"] = PooledOLS(y.loc[keep], Xl).fit(**cl)
    out.n_excluded, out.excluded = len(excluded), excluded
    return out


def tidy_panel(results: dict, term: str, alpha: float = 0.05) -> pd.DataFrame:
    """One row per panel model that has ``term``: ``model, estimate, se, ci_low, ci_high, n``.

    ``results`` is the mapping :func:`panel_models` returns (name -> linearmodels fit); ``term`` is one
    term's name. A DataFrame, a list of terms or a mapping of anything but fits is refused by name.
    """
    alpha = V.level(alpha)
    if not isinstance(results, dict):
        raise TypeError(f"results must be the fits panel_models returns (a dict of name -> fit), not "
                        f"{type(results).__name__}")
    term = V.one_name(term, "term")
    odd = [name for name, res in results.items() if not (hasattr(res, "params") and hasattr(res, "std_errors"))]
    if odd:
        raise TypeError(f"results[{V.show(odd[0])}] is a {type(results[odd[0]]).__name__}, not a linearmodels fit "
                        f"(pass the output of panel_models)")
    rows = []
    for name, res in results.items():
        if term not in res.params.index:
            continue
        ci = res.conf_int(1 - alpha).loc[term]
        rows.append({"model": name, "estimate": float(res.params[term]), "se": float(res.std_errors[term]),
                     "ci_low": float(ci["lower"]), "ci_high": float(ci["upper"]), "n": int(res.nobs)})
    if not rows:
        raise KeyError(f"no model has the term {term!r}")
    return pd.DataFrame(rows)


def mundlak_test(results: dict, exposure: str, alpha: float = 0.05) -> pd.DataFrame:
    """The within slope, the contextual effect and the test that the contextual effect is zero, from the
    ``"mundlak"`` fit of :func:`panel_models` (errors clustered by entity).

    Returns one row: ``within, contextual, ci_low, ci_high`` (the contextual effect's interval),
    ``between`` (within + contextual), ``chi2, p`` (Wald test, 1 df).
    """
    alpha = V.level(alpha)
    if "mundlak" not in results:
        raise KeyError("results has no 'mundlak' fit: pass the output of panel_models")
    res, name = results["mundlak"], f"mean_{exposure}"
    if name not in res.params.index:
        raise KeyError(f"the Mundlak fit has no term {name!r}; was it fitted with exposure {exposure!r}?")
    c, se = float(res.params[name]), float(res.std_errors[name])
    z = stats.norm.ppf(1 - alpha / 2)
    chi2 = (c / se) ** 2
    return report(pd.DataFrame([{"within": float(res.params[exposure]), "contextual": c, "ci_low": c - z * se,
                                 "ci_high": c + z * se, "between": float(res.params[exposure]) + c, "chi2": chi2,
                                 "p": float(stats.chi2.sf(chi2, 1))}]),
                  getattr(results, "excluded", []))
