"""The trust-boards chapter (substudies 6a-6c): its scorecard (:func:`boards_claims`) and one simulated
study of it for the Monte Carlo replication rates (:func:`replicate`).

The analyses are in :mod:`book.substudies.boards_objectives` (6a: the board survey and objectives),
:mod:`book.substudies.boards_minutes` (6b: innovations in the minutes) and
:mod:`book.substudies.boards_agenda` (6c: eight boards' agenda items).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import published
from ..methods.intervals import covers
from ..simulate import boards as sim
from ..simulate import boards_truths as truth
from . import boards_agenda as ag
from . import boards_minutes as bm
from . import boards_objectives as ob
from .claims import claim, table

#: "Rarely", read before computing: fewer than this share of objectives rated good on all three dimensions.
RARELY = 0.10
BY_COUNT = "exact: equal to the printed count"


def _source(claim_id: str) -> str:
    return published.text_counts().at[claim_id, "source"]


def _count_rows(d: dict) -> list[dict]:
    """The printed counts, all fixed by the generator."""
    members, minutes, inn = d["members"], d["minutes"], d["innovations"]
    n_months = len(pd.period_range(minutes["month"].min(), minutes["month"].max(), freq="M"))
    found = {
        "boards_surveyed": ("6a", members["board_id"].nunique()),
        "board_members_surveyed": ("6a", len(members)),
        "boards_minutes": ("6b", minutes["board_id"].nunique()), "minutes_sets": ("6b", len(minutes)),
        "minutes_months": ("6b", n_months), "board_innovations_total": ("6b", len(inn)),
        "board_innovations_productivity": ("6b", int((inn["domain"] == "productivity").sum())),
        "board_innovations_safety": ("6b", int((inn["domain"] == "safety").sum())),
        **{c: ("6b", int((inn["half_year"] == h).sum())) for h, c in sim.HALF_CLAIMS.items()},
        "boards_detailed": ("6c", d["agenda"]["board_id"].nunique()),
    }
    return [claim(f"{sub}.{cid}", sub, _source(cid), str(published.count(cid)), kind="by construction",
                  tolerance=BY_COUNT, reproduced=str(value), ok=value == published.count(cid),
                  note="an input of the generator")
            for cid, (sub, value) in found.items()]


def _rarely(ratings: pd.DataFrame) -> dict:
    s = ob.objective_summary(ratings).set_index("dimension").loc["all three"]
    return claim(
        "6a.objectives_rarely_clear_challenging_measurable", "6a", "Results, Goal setting, paragraph 2",
        "board members rarely stated clear board objectives that were challenging and measurable",
        kind="recomputed",
        tolerance=f"'rarely' read as under {RARELY:.0%} of objectives rated at least {ob.GOOD_RATING:g} of 5 on "
                  "clarity, challenge and measurability by the experts' mean (our reading; the paper gives no figure)",
        reproduced=f"{int(s['n_good'])} of {int(s['n_objectives'])} objectives ({s['share_good']:.1%}); "
                   f"{s['share_boards_any_good']:.0%} of boards had one",
        ok=round(float(s["share_good"]), 10) < RARELY,
        note=f"built in: the generator's mean ratings ({min(sim.OBJECTIVE_MEAN.values()):g} to "
             f"{max(sim.OBJECTIVE_MEAN.values()):g}) lie far below {ob.GOOD_RATING:g}. The paper attributes the claim "
             "to surveys of board members; Table 1 lists expert ratings of clarity and challenge, not measurability, "
             "and no denominator, scale or threshold")


def _quality_safety(inn: pd.DataFrame, trend: tuple | None = None) -> dict:
    shares, change = bm.quality_safety_trend(inn) if trend is None else trend
    ch = change.iloc[0]
    return claim("6b.decline_especially_quality_safety", "6b", "Results, Variability in systems, paragraph 2",
                 "decreasing board innovation, especially in relation to quality and safety", kind="recomputed",
                 tolerance="a lower share of quality-or-safety innovations in 2011H1 than in 2010H1 by Fisher's exact "
                           "test at 5% (a fall in direction alone is not a match)",
                 reproduced=f"{shares['share'].iloc[0]:.0%} in 2010H1, {shares['share'].iloc[-1]:.0%} in 2011H1 (odds "
                            f"ratio {ch['odds_ratio']:.2f}, {ch['ci_low']:.2f} to {ch['ci_high']:.2f}; "
                            f"p = {ch['p_fisher']:.3f})",
                 ok=bool(ch["odds_ratio"] < 1 and bm.significant(ch["p_fisher"])),
                 note=f"built in: quality and safety odds {sim.QS_ODDS['2011H1']:g} times those of 2010H1 by 2011H1; "
                      "the paper prints no split of domains by half-year")


def _minutes_rows(d: dict) -> list[dict]:
    minutes, inn = d["minutes"], d["innovations"]
    pb = bm.per_board(minutes, inn)
    means = pb.groupby("sector")["innovations"].mean()
    lo, hi = published.count("board_innovations_per_org_low"), published.count("board_innovations_per_org_high")
    total, boards = published.count("board_innovations_total"), published.count("boards_minutes")
    prod = published.count("board_innovations_productivity")
    w_lo, w_hi = bm.wilson(prod, total)
    lof = bm.lack_of_fit(minutes, inn).set_index("minutes")
    equal, ours = lof.loc["equal in every half-year"], lof.loc["the teaching data's"]
    tip = bm.exposure_tipping_points(minutes, inn)
    return [
        claim("6b.sectors", "6b", "Table 1, row 6b", "primary care, ambulance, secondary care, mental health",
              kind="by construction", tolerance="the same four sectors",
              reproduced=", ".join(s.replace("_", " ") for s in sorted(minutes["sector"].unique())),
              ok=set(minutes["sector"]) == set(sim.SECTORS), note="an input of the generator"),
        claim("6b.board_innovations_per_org", "6b", _source("board_innovations_per_org_low"),
              f"an average of only {lo}-{hi} per organisation", kind="by construction",
              tolerance=f"every sector's mean per board inside {lo}-{hi} (our reading of the range)",
              reproduced=f"sector means {means.min():.2f} to {means.max():.2f}",
              ok=bool(means.between(lo, hi).all()), note="the generator redraws until every sector mean lies in 1-3"),
        claim("6b.per_org_consistent", "6b", "Results, Variability in systems, paragraph 3",
              f"{total} innovations over {boards} boards, 'an average of only {lo}-{hi}'", kind="consistency",
              tolerance=f"{total}/{boards} inside {lo}-{hi}", reproduced=f"{total / boards:.2f}",
              ok=lo <= total / boards <= hi, note="arithmetic on the printed figures"),
        claim("6b.productivity_more_than_half", "6b", "Results, Variability in systems, paragraph 3",
              f"more than half were focused on increasing productivity ({prod})", kind="consistency",
              tolerance=f"{prod}/{total} above one half", reproduced=f"{prod / total:.1%}", ok=2 * prod > total,
              note=f"rests on one innovation ({total // 2} would be exactly half); as a sample of innovations the "
                   f"Wilson 95% interval is {w_lo:.0%} to {w_hi:.0%}, so 'more than half' is not established"),
        claim("6b.decreasing_trend", "6b", "Results, Variability in systems, paragraph 2",
              "a clear trend of decreasing levels of board innovation", kind="feasibility",
              tolerance="with equal minutes per half-year (all the printed counts allow), the exact test of "
                        "2011H1 against 2010H1 rejects at 5%",
              reproduced=f"rate ratio {equal['rr_2011H1']:.2f}, p = {equal['p_exact_2011H1']:.2g}; significant "
                         f"only while 2011H1 had at least {tip['share']:.0%} of 2010H1's minutes",
              ok=bm.significant(equal["p_exact_2011H1"]),
              note="the paper gives no minutes per half-year: the verdict is the counts' under equal exposure. "
                   f"With the teaching data's minutes the ratio is {ours['rr_2011H1']:.2f} "
                   f"(p = {ours['p_exact_2011H1']:.2g}), and 2010H2 against 2010H1 {ours['rr_2010H2']:.2f}"),
        claim("6b.trend_not_step", "6b", "Results, Variability in systems, paragraph 2",
              "a trend (rather than one fall)", kind="not reproducible",
              reproduced="quasi-Poisson lack-of-fit p: " + "; ".join(
                  f"{p:.2f} ({name} minutes)" for name, p in lof["lof_p_quasi"].items()),
              note="three totals leave one degree of freedom to tell a trend from a step, and the test depends on "
                   "the minutes per half-year, which the paper does not give"),
        _quality_safety(inn),
    ]


def boards_claims(data: dict | None = None) -> pd.DataFrame:
    """Substudies 6a-6c: every figure and claim of the paper, computed from the teaching data (the
    committed files, or ``data`` as returned by :func:`book.simulate.boards.teaching_data`)."""
    d = sim.teaching_data() if data is None else data
    rows = _count_rows(d)
    rows.insert(2, _rarely(d["objective_ratings"]))
    rows.insert(3, claim("6a.teams_even_less_clear", "5,6a", "Results, Goal setting, paragraph 2",
                         "front-line teams generally even less clear about their objectives than boards",
                         kind="not reproducible",
                         note="compares expert ratings of boards' objectives with (presumably) team members' own "
                              "reports: different raters, scales and populations, and no figure for either"))
    rows[-1:-1] = _minutes_rows(d)
    att = ag.attention_table(d["agenda"])
    rows += [
        claim("6c.comfort_seeking", "6c", "Discussion, paragraph 5",
              "organisations need to gear more towards problem-sensing rather than comfort-seeking",
              kind="not reproducible",
              reproduced=f"{ag.approach_table(d['agenda']).set_index('group').at['quality and safety', 'comfort_pooled']:.0%}"
                         " of reviewed quality-and-safety items comfort-seeking in our coding",
              note="a recommendation, from interviews and observations (Results, Variability in intelligence, "
                   "paragraphs 2-3); the paper never says the eight boards' minutes were coded so. Our coding "
                   "illustrates a method; its rates are our assumption"),
        claim("6c.attention_quality_safety", "6c", "Table 1, row 6c",
              "board discussions of quality and safety (no figure printed)", kind="not reproducible",
              reproduced=f"{att['share_items'].mean():.0%} of agenda items (mean of 8 boards)",
              note="teaching data: the share of items is our assumption"),
    ]
    return table(rows)


# --- one simulated study, for the replication rates ---------------------------------------------------

def _interval_checks(d: dict, qs_trend: tuple) -> list[tuple]:
    """Every interval the chapter sets against a simulated truth, in one study: (id, covers)."""
    members, ratings = d["members"], d["objective_ratings"]
    out = [(f"6a.icc1.{r['process']}", r["covered"]) for r in ob.process_agreement(members).to_dict("records")]
    out += [(f"6a.rater_icc.{r['dimension']}", r["covered"]) for r in ob.rater_agreement(ratings).to_dict("records")]
    reg, _ = ob.effectiveness_regression(ob.effectiveness_data(members, d["effectiveness"]), members)
    out += [(f"6a.beta.{r['term']}", bool(r["covered"])) for r in reg.to_dict("records")]
    out.append(("6a.members_experts_r", ob.members_vs_experts(members, ratings).iloc[0]["covered"]))
    out += _trend_checks(bm.trend_models(d["minutes"], d["innovations"]))
    out.append(("6b.quality_safety_odds_ratio", qs_trend[1].iloc[0]["covered"]))
    out += [(f"6c.comfort.{r['group']}", r["covered"]) for r in ag.approach_table(d["agenda"]).to_dict("records")]
    return out


#: Stable ids of the board-level trend intervals (a model absent in a study, such as an NB2 that is not
#: fitted, gives no answer there rather than a missing row).
TREND_KEYS = {"Poisson, board x half-year": "poisson", "negative binomial, board x half-year": "negative_binomial",
              "Poisson, SE clustered by board, board x half-year": "poisson_cluster",
              "Poisson with board fixed effects": "fixed_effects",
              "Poisson, monthly trend, one row per set of minutes": "monthly"}
ESTIMANDS = {bm.NAMES["trend"]: "trend", bm.NAMES["2010H2"]: "2010H2", bm.NAMES["2011H1"]: "2011H1",
             "NB2 dispersion alpha": "alpha", "rate ratio per month": "trend"}


def _trend_checks(tm: pd.DataFrame) -> list[tuple]:
    """Coverage of the board-level trend models' intervals, by stable id (the preferred model's too)."""
    found = {}
    for r in tm[tm["model"].isin(TREND_KEYS)].to_dict("records"):
        key = f"6b.{TREND_KEYS[r['model']]}.{ESTIMANDS[r['estimand']]}"
        found[key] = bool(r["covered"])
        if r["preferred"]:
            found[f"6b.preferred.{ESTIMANDS[r['estimand']]}"] = bool(r["covered"])
    ids = [f"6b.{k}.{t}" for k in ("poisson", "negative_binomial", "poisson_cluster", "preferred")
           for t in ("trend", "2010H2", "2011H1")]
    ids += ["6b.negative_binomial.alpha", "6b.fixed_effects.2010H2", "6b.fixed_effects.2011H1", "6b.monthly.trend"]
    return [(i, found.get(i)) for i in ids]


def _fresh_study(seed: int, minutes: pd.DataFrame) -> list[tuple]:
    """One study drawn *without* fixing the paper's totals: does each method's interval for 2011H1 vs
    2010H1 cover the within-board truth? (None where the study has no answer)."""
    rng = np.random.default_rng([seed, 6])  # a stream of its own, apart from the teaching data's
    mu, ex = truth.design_arrays(minutes)
    y = truth.draw_counts(rng, mu, 1)
    target = truth.within_board_ratio(minutes)
    if y[0, :, 0].sum() == 0 or y[0, :, -1].sum() == 0:
        return [(f"6b.fresh_study.{m}", None) for m in bm.METHODS]
    found = bm._intervals(y, ex, n_model=1)
    return [(f"6b.fresh_study.{m}", covers(lo[0], target, hi[0]) if np.isfinite(lo[0]) and np.isfinite(hi[0])
             else None) for m, (_, lo, hi) in found.items()]


def replicate(seed: int) -> pd.DataFrame:
    """One simulated study at ``seed`` (the default design, general story): does it reproduce each
    ``recomputed`` claim, and does each interval the chapter reports cover its truth?"""
    d = sim.simulate(seed)
    qs_trend = bm.quality_safety_trend(d["innovations"])
    rows = [(r["claim_id"], "claim", r["status"] == "match") for r in
            (_rarely(d["objective_ratings"]), _quality_safety(d["innovations"], qs_trend))]
    rows += [(cid, "interval", None if ok is None else bool(ok)) for cid, ok in _interval_checks(d, qs_trend)]
    rows += [(cid, "interval", ok) for cid, ok in _fresh_study(seed, d["minutes"])]
    return pd.DataFrame(rows, columns=["check_id", "check", "holds"])


# --- the chapter's "Paper vs this book" tables ------------------------------------------------------

def _rate_text(row) -> str:
    if row is None or pd.isna(row["rate"]):
        return "–"
    return f"{100 * row['rate']:.0f}% ({100 * row['mc_low']:.0f}–{100 * row['mc_high']:.0f}%)"


def scorecard_table(card: pd.DataFrame, mc: pd.DataFrame) -> pd.DataFrame:
    """The scorecard rows as the chapter shows them, with each recomputed claim's replication rate and
    its Monte Carlo 95% interval from ``mc`` (:func:`book.montecarlo.rates`; "–" where there is none)."""
    found = {r["check_id"]: r for r in mc[mc["check"] == "claim"].to_dict("records")} if len(mc) else {}
    out = card[["claim_id", "kind", "published", "tolerance", "reproduced", "status", "note"]].copy()
    out.insert(6, "replication", [_rate_text(found.get(c)) if k == "recomputed" else "–"
                                  for c, k in zip(card["claim_id"], card["kind"])])
    return out


def interval_labels() -> dict[str, str]:
    """Every interval check of :func:`replicate`, by id, with what it is, in words."""
    labels = {f"6a.icc1.{p}": f"ICC(1) of members' {p} scores" for p in sim.PROCESSES}
    labels |= {f"6a.rater_icc.{d}": f"ICC(A,1) of the experts' {d} ratings" for d in sim.OBJECTIVE_DIMENSIONS}
    labels |= {f"6a.beta.{p}": f"regression coefficient of {p} (expected value)" for p in sim.PROCESSES}
    labels["6a.members_experts_r"] = "correlation of members' and experts' views (expected value)"
    words = {"poisson": "Poisson", "negative_binomial": "negative binomial", "poisson_cluster": "clustered Poisson",
             "preferred": "the preferred model"}
    terms = {"trend": "trend per half-year", "2010H2": "2010H2 vs 2010H1", "2011H1": "2011H1 vs 2010H1"}
    labels |= {f"6b.{k}.{t}": f"{w}, board x half-year: {tw}" for k, w in words.items() for t, tw in terms.items()}
    labels |= {"6b.negative_binomial.alpha": "NB2 dispersion alpha",
               "6b.fixed_effects.2010H2": "board fixed effects: 2010H2 vs 2010H1",
               "6b.fixed_effects.2011H1": "board fixed effects: 2011H1 vs 2010H1",
               "6b.monthly.trend": "monthly trend on the sets of minutes",
               "6b.quality_safety_odds_ratio": "odds ratio of a quality-or-safety innovation"}
    labels |= {f"6c.comfort.{g}": f"share comfort-seeking, {g} (mean of boards)"
               for g in ("quality and safety", "other topics")}
    labels |= {f"6b.fresh_study.{m}": f"fresh study: {m}, 2011H1 vs 2010H1" for m in bm.METHODS}
    return labels


def coverage_table(mc: pd.DataFrame) -> pd.DataFrame:
    """How often each interval of the chapter covered its truth over the Monte Carlo studies (``mc``:
    :func:`book.montecarlo.rates`), one row per interval ("–" where there is no run yet)."""
    found = {r["check_id"]: r for r in mc[mc["check"] == "interval"].to_dict("records")} if len(mc) else {}
    rows = []
    for cid, label in interval_labels().items():
        r = found.get(cid)
        rows.append({"interval": label, "coverage": _rate_text(r),
                     "studies": f"{int(r['n_answered'])} of {int(r['replicates'])}" if r is not None else "–"})
    return pd.DataFrame(rows)
