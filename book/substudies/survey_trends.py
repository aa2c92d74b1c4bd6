"""The survey-trends chapter (substudies 4a and 4b): Tables 2 and 3 recomputed, what the printed markers
imply, the text's reading of the tables, the scorecard claims and the Monte Carlo replicate.

Three kinds of evidence meet here, and each function says which it uses: the printed figures alone
(feasibility of the markers, the text against the tables), the calibrated teaching data (the cells
hold by construction) and a study sampled without calibration (:func:`sampled_checks`, whose markers
are computed, not given).
"""
from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
from scipy import stats

from ..data import published
from ..methods.markers import (PLAUSIBLE_R, band, marker_correlation_table, n_for_marker, r13_range,
                               sd_for_marker, trend_change_at)
from ..methods.replication import fmt, survey_table_comparison
from ..methods.trends import change_table, stars
from ..simulate import survey_trends as sim
from . import claims as cl

#: Items on which agreement is bad news, so that the favourable end is the bottom (our reading of the wording).
LOWER_IS_BETTER = ("no_time", "blames_punishes")
#: The four staff-survey items on error and incident reporting that the text singles out.
REPORTING = ("encourages_reporting", "treats_confidentially", "blames_punishes", "takes_action")
#: Short labels of the nine items, for tables and figures (the full wording is in Tables 2 and 3).
LABELS = {"adequate_materials": "Adequate materials", "enough_staff": "Enough staff",
          "no_time": "No time for all my work", "encourages_reporting": "Encourages reporting",
          "treats_confidentially": "Treats reports confidentially", "blames_punishes": "Blames or punishes",
          "takes_action": "Takes action after incidents", "ward_clean": "Ward clean (inpatients)",
          "doctors_wash_hands": "Doctors wash hands (inpatients)"}
#: Bands of year-to-year correlation at which the marker verdicts are also shown (the book's choice).
BANDS = ((0.3, 0.9), (0.4, 0.9), (0.5, 0.9), (0.6, 0.9), (0.7, 0.9))
#: Our assumption for the reliability argument: inpatients per trust answering the hand-washing question.
RESPONDENTS_PER_TRUST = 400
#: Our assumption: SD of one respondent's answer to a 1-5 staff-survey item (the paper prints none).
RESPONDENT_SD_5_POINT = 1.0
QUOTE_STALLED = ("improvements in scores relating to quality and safety ... between 2007 and 2009, but "
                 "subsequently these improvements stalled or went into reverse")
QUOTE_MODEST = ("error and incident reporting, blame cultures and improvements following incidents, where there "
                "was headroom for improvement, appeared to have shown only very modest gains")
GOAL_SETTING = "Results, Goal setting, paragraph on Tables 2 and 3"


def changes(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`book.methods.change_table` of both surveys, one table (rows in the order of Tables 2-3)."""
    out = pd.concat([change_table(frames["staff"]), change_table(frames["inpatient"])], ignore_index=True)
    order = {item: k for k, item in enumerate(published.survey_tables()["item_id"])}
    return out.sort_values(["item", "period_from"], key=lambda s: s.map(order) if s.name == "item" else s,
                           kind="stable", ignore_index=True)


def _favourable(item: str) -> int:
    return -1 if item in LOWER_IS_BETTER else 1


def effect_sizes(ch: pd.DataFrame) -> pd.DataFrame:
    """Each printed change in three units: between-trust SDs (printed), respondent SDs (assumed) and
    Cohen's d_z (from the data, so from our assumed correlations)."""
    pub = published.survey_tables_long()
    wide = published.survey_tables().set_index("item_id")
    out = pub[["item", "period_from", "period_to", "change", "sd_2007"]].merge(
        ch[["item", "period_from", "period_to", "r", "cohen_dz"]], on=["item", "period_from", "period_to"])
    out["change_over_trust_sd"] = out["change"] / out["sd_2007"]

    def respondent_sd(item):  # a % of yes answers: a respondent's SD is sqrt(p(1-p)), in points
        if wide.at[item, "scale_max"] == 100:
            p = wide.at[item, "mean_2009"] / 100
            return 100 * math.sqrt(p * (1 - p))
        return RESPONDENT_SD_5_POINT if wide.at[item, "scale_max"] == 5 else math.nan
    out["respondent_sd"] = out["item"].map(respondent_sd)
    out["change_over_respondent_sd"] = out["change"] / out["respondent_sd"]
    return out


def headroom() -> pd.DataFrame:
    """How much of each item's room to the favourable end of its scale was closed (printed figures)."""
    rows = []
    for rec in published.survey_tables().to_dict("records"):
        best = rec["scale_min"] if rec["item_id"] in LOWER_IS_BETTER else rec["scale_max"]
        room = [abs(best - rec[f"mean_{y}"]) for y in published.SURVEY_YEARS]
        gain = (room[0] - room[2])
        rows.append({"item": rec["item_id"], "table": rec["table"], "favourable_end": best, "room_2007": room[0],
                     "closed_2007_2009_pct": 100 * (room[0] - room[1]) / room[0],
                     "closed_2009_2011_pct": 100 * (room[1] - room[2]) / room[0],
                     "gain_2007_2011": gain, "gain_2007_2011_sd": gain / rec["sd_2007"],
                     "closed_2007_2011_pct": 100 * gain / room[0], "room_left_2011": room[2],
                     "group": ("reporting" if rec["item_id"] in REPORTING else
                               "Table 2" if rec["table"] == 2 else "inpatient")})
    return pd.DataFrame(rows)


def reporting_contrast() -> pd.DataFrame:
    """Median 2007-2011 gain of the reporting items against the Table 2 items (same survey, scale, trusts)."""
    h = headroom()
    return (h[h["group"] != "inpatient"].groupby("group", sort=False)[["gain_2007_2011_sd", "closed_2007_2011_pct"]]
            .median().reindex(["reporting", "Table 2"]))


def stall_table(r_design: pd.DataFrame) -> pd.DataFrame:
    """Each item's two printed changes read in the favourable direction, and a test of the slowdown.

    ``verdict_2009_2011`` is "still improving" (a marked favourable change), "reversed" (a marked
    unfavourable one) or "stalled" (no marker). The slowdown ``change_2 - change_1`` is tested from the
    printed figures (:func:`book.methods.markers.trend_change_at`) with the design's correlations for
    consecutive years and three 2007-2011 correlations: the Markov ``r12 * r23`` (the generator's),
    no decay (``min(r12, r23)``) and the highest a valid correlation matrix allows, which gives the
    largest p.
    """
    r = r_design.set_index(["item", "period_from"])["r_used"]
    rows = []
    for rec in published.survey_tables().to_dict("records"):
        item, sign = rec["item_id"], _favourable(rec["item_id"])
        c1, c2 = sign * rec["change_2007_2009"], sign * rec["change_2009_2011"]
        m1, m2 = rec["marker_2007_2009"], rec["marker_2009_2011"]
        r12, r23 = r[(item, 2007)], r[(item, 2009)]
        lo, hi = r13_range(r12, r23)
        p = {k: trend_change_at(c1, c2, int(rec["n_trusts"]), rec["sd_2007"], r12, r23, r13)["p"]
             for k, r13 in (("markov", r12 * r23), ("no_decay", min(max(min(r12, r23), lo), hi)), ("max", hi))}
        rows.append({"item": item, "gain_2007_2009": c1, "marker_2007_2009": m1 or "none",
                     "gain_2009_2011": c2, "marker_2009_2011": m2 or "none",
                     "improved_2007_2009": bool(c1 > 0 and m1),
                     "verdict_2009_2011": ("stalled" if not m2 else "still improving" if c2 > 0 else "reversed"),
                     "r12": r12, "r23": r23, "r13_max": hi, "p_slowdown_markov": p["markov"],
                     "p_slowdown_no_decay": p["no_decay"], "p_slowdown_r13_max": p["max"]})
    return pd.DataFrame(rows)


def band_sensitivity(bands=BANDS) -> pd.DataFrame:
    """How many printed markers need a correlation outside each band, and whether hand-washing's does."""
    pub = published.survey_tables_long()
    rows = []
    for b in bands:
        t = marker_correlation_table(pub, band(b))
        hands = t[(t["item"] == "doctors_wash_hands") & (t["period_from"] == 2009)].iloc[0]
        rows.append({"band_low": b[0], "band_high": b[1], "n_outside": int((~t["plausible"]).sum()),
                     "hand_washing_feasible": bool(hands["plausible"])})
    return pd.DataFrame(rows)


def hands_explanations(plausible=PLAUSIBLE_R, respondents: int = RESPONDENTS_PER_TRUST) -> pd.DataFrame:
    """What could make the printed -2* for hand-washing (2009-2011, 157 trusts, SD 6) arise.

    Each row is one explanation, what it would need, and the marker it gives with the printed figures.
    """
    rec = published.survey_tables().set_index("item_id").loc["doctors_wash_hands"]
    n, sd, change = int(rec["n_trusts"]), float(rec["sd_2007"]), float(rec["change_2009_2011"])
    r_low = band(plausible)[0]
    marks = marker_correlation_table(published.survey_tables_long(), plausible)
    row = marks[(marks["item"] == "doctors_wash_hands") & (marks["period_from"] == 2009)].iloc[0]
    sd_need = sd_for_marker(change, n, "*", sd, r_low)
    n_need = n_for_marker(change, "*", sd, r_low)
    unpaired = stats.ttest_ind_from_stats(rec["mean_2009"], sd, n, rec["mean_2011"], sd, n)
    p1, p2, m = rec["mean_2009"] / 100, rec["mean_2011"] / 100, n * respondents
    pooled = (p1 + p2) / 2
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * 2 / m)
    reliability = 1 - 100**2 * pooled * (1 - pooled) / respondents / sd**2
    rows = [
        ("a year-to-year correlation of trust scores", f"r <= {row['r_max_rounding']:.2f} (allowing for rounding; "
         f"<= {row['r_max']:.2f} if exact)", "*" if row["plausible"] else f"** at any r >= {r_low:g}"),
        ("sampling noise in each trust's percentage lowers the observed r",
         f"a true r <= {row['r_max_rounding'] / reliability:.2f} (reliability {reliability:.2f} with "
         f"{respondents} respondents a trust)", "*" if row["r_max_rounding"] / reliability >= r_low else "**"),
        ("a 2011 SD larger than 2007's", f"SD {sd_need[0]:.1f} to {sd_need[1]:.1f} in 2011 at r = {r_low:g} "
         f"(printed 2007 SD {sd:g})", "*"),
        ("far fewer trusts than printed", f"{n_need[0]} to {n_need[1]} trusts at r = {r_low:g} (printed {n})", "*"),
        ("an unpaired test of the trust means", f"p = {unpaired.pvalue:.4f}", _stars(unpaired.pvalue)),
        ("a test of respondents, not trusts", f"z = {z:.1f} with {m:,} respondents a year",
         _stars(2 * stats.norm.sf(abs(z)))),
        ("a typographical slip (** printed as *)", "cannot be checked from the paper", "**"),
    ]
    return pd.DataFrame(rows, columns=["explanation", "what it needs", "marker with the printed figures"])


def _stars(p: float) -> str:
    return stars(p) or "none"


def net_shift_examples() -> pd.DataFrame:
    """Invented response distributions on a 1-5 scale whose mean rises by 0.10 in different ways.

    Returns
    -------
    DataFrame
        ``scenario, mean_before, mean_after, change, agree_before_pct, agree_after_pct, moved_pct`` (the
        share of respondents whose answer changed, which a repeated cross-section cannot observe).
    """
    before = np.array([0.05, 0.15, 0.30, 0.35, 0.15])
    cats = np.arange(1, 6)
    moves = {  # shares moving from one category to another
        "10% move up one category (3 to 4)": {(3, 4): 0.10},
        "5% move up two categories (3 to 5)": {(3, 5): 0.05},
        "20% move up one, 10% move down one": {(3, 4): 0.20, (3, 2): 0.10},
    }
    rows = []
    for name, flows in moves.items():
        after = before.copy()
        for (a, b), share in flows.items():
            after[a - 1] -= share
            after[b - 1] += share
        rows.append({"scenario": name, "mean_before": float(cats @ before), "mean_after": float(cats @ after),
                     "change": float(cats @ after - cats @ before), "agree_before_pct": 100 * before[3:].sum(),
                     "agree_after_pct": 100 * after[3:].sum(), "moved_pct": 100 * sum(flows.values())})
    return pd.DataFrame(rows)


def sampled_checks(seed: int, r: float = sim.PREFERRED_R) -> pd.DataFrame:
    """One study sampled without calibration (:func:`book.simulate.survey_trends.sample_study`): its
    change table beside the printed markers and the population changes.

    ``marker_holds``: the printed marker is reproduced (same marker and, if marked, same direction);
    ``covers``: the 95% interval of the change contains the population change.
    """
    ch = changes(sim.sample_study(seed, r))
    pub = published.survey_tables_long()[["item", "period_from", "period_to", "change", "marker", "table"]]
    out = ch.merge(pub.rename(columns={"change": "change_printed", "marker": "marker_printed"}),
                   on=["item", "period_from", "period_to"])
    out = out.merge(sim.population_changes().rename(columns={"change": "truth"}),
                    on=["item", "period_from", "period_to"])
    same_sign = np.sign(out["change"]) == np.sign(out["change_printed"])
    out["marker_holds"] = (out["stars"] == out["marker_printed"]) & (same_sign | (out["marker_printed"] == ""))
    out["covers"] = (out["ci_low"] <= out["truth"]) & (out["truth"] <= out["ci_high"])
    return out


def replicate(seed: int) -> pd.DataFrame:
    """One Monte Carlo study at ``seed`` (the default design): does it reproduce each printed marker
    (the ``recomputed`` claims), and does each change's 95% interval cover the population change?"""
    out = sampled_checks(seed)
    claims_ = [(_sampled_id(rec), "claim", bool(rec["marker_holds"])) for rec in out.to_dict("records")]
    intervals = [(f"interval.{rec['item']}.change_{rec['period_from']}_{rec['period_to']}", "interval",
                  bool(rec["covers"])) for rec in out.to_dict("records")]
    return pd.DataFrame(claims_ + intervals, columns=["check_id", "check", "holds"])


def _sampled_id(rec) -> str:
    return f"table{rec['table']}.{rec['item']}.marker_{rec['period_from']}_{rec['period_to']}.sampled"


@functools.lru_cache(maxsize=1)
def _substudies() -> dict[str, str]:
    wide = published.survey_tables()
    return {i: ("4b" if s == sim.SURVEYS["staff"] else "4a") for i, s in zip(wide["item_id"], wide["survey"])}


def _substudy(item: str) -> str:
    return _substudies()[item]


def _printed_change(rec) -> str:
    return fmt(rec["change"], rec["decimals"], True) + (rec["marker"] if rec["marker"] != "none" else "")


def _cell_claims(frames, calibrate_markers: bool) -> list[dict]:
    """The 63 printed cells against the teaching data."""
    cells = survey_table_comparison(changes(frames), published.survey_tables_long())
    wide = published.survey_tables().set_index("item_id")
    rows = []
    for rec in cells.to_dict("records"):
        item, cell = rec["item"], rec["cell"]
        is_change = cell.startswith("change_")
        kind = "recomputed" if is_change and not calibrate_markers else "by construction"
        tol = ("equal" if cell == "n_trusts" else
               f"rounds to the printed value ({int(wide.at[item, 'decimals'])} decimals)" +
               ("; the same marker" if is_change else ""))
        note = ("the generator moves the year-to-year correlation until the printed marker arises"
                if is_change and calibrate_markers else "the generator fixes the sample's means and SDs"
                if not is_change and cell != "n_trusts" else "")
        rows.append(cl.claim(f"table{wide.at[item, 'table']}.{item}.{cell}", _substudy(item), rec["source"],
                             rec["published"], kind=kind, tolerance=tol, reproduced=rec["reproduced"],
                             ok=bool(rec["match"]), note=note))
    return rows


def _count_claims(frames) -> list[dict]:
    counts = published.text_counts()
    ct = {k: change_table(f) for k, f in frames.items()}
    found = {"staff_trusts_all_years": int(ct["staff"]["n_units"].min()),
             "inpatient_trusts_all_years": int(ct["inpatient"]["n_units"].min()),
             "inpatient_trusts_any": int((ct["inpatient"]["n_units"] + ct["inpatient"]["n_excluded"]).max())}
    return [cl.claim(f"text.{k}", counts.at[k, "substudy"], counts.at[k, "source"], str(int(counts.at[k, "value"])),
                     kind="by construction", tolerance="equal", reproduced=str(n), ok=n == counts.at[k, "value"],
                     note="the generator builds this many trusts") for k, n in found.items()]


def _feasibility_claims(plausible) -> list[dict]:
    lo, hi = band(plausible)
    marks = marker_correlation_table(published.survey_tables_long(), (lo, hi))
    pub = published.survey_tables_long()
    rows = []
    for rec, m in zip(pub.to_dict("records"), marks.to_dict("records")):
        span = (f"r from {m['r_min_rounding']:.2f} to {m['r_max_rounding']:.2f}" if not math.isnan(m["r_min_rounding"])
                else "no r gives it")
        note = "" if m["plausible"] else (
            "can work: r <= the bound shown, a 2011 SD about twice 2007's, far fewer trusts, or a misprint; "
            "an unpaired or a respondent-level test cannot (both give **). The verdict rests on the band, "
            "the book's assumption: at a lower band it holds")
        rows.append(cl.claim(f"table{rec['table']}.{rec['item']}.marker_{rec['period_from']}_{rec['period_to']}.feasible",
                             _substudy(rec["item"]), rec["source"], _printed_change(rec), kind="feasibility",
                             tolerance=(f"the marker arises for some year-to-year correlation in {lo:g}-{hi:g} (the "
                                        f"book's assumed band), allowing for rounding, SDs equal in both years"),
                             reproduced=span, ok=bool(m["plausible"]), note=note))
    return rows


def _text_claims(r_design) -> list[dict]:
    st = stall_table(r_design)
    improved = st[st["improved_2007_2009"]]
    still = int((improved["verdict_2009_2011"] == "still improving").sum())
    contrast = reporting_contrast()
    rep, t2 = contrast.loc["reporting"], contrast.loc["Table 2"]
    modest_ok = bool(rep["gain_2007_2011_sd"] < t2["gain_2007_2011_sd"]
                     and rep["closed_2007_2011_pct"] < t2["closed_2007_2011_pct"])
    ex = net_shift_examples()
    step = published.text_counts().loc["staff_scale_step"]
    rows = [
        cl.claim("text.trends_stalled", "4a,4b", GOAL_SETTING, QUOTE_STALLED, kind="consistency",
                 tolerance="every item with a significant improvement in 2007-2009 shows no significant further "
                           "improvement in 2009-2011 (no marker, or a marked change the wrong way)",
                 reproduced=f"{len(improved) - still} of {len(improved)} stalled or reversed; {still} still improved "
                            f"significantly", ok=still == 0,
                 note="every item improved less in 2009-2011 than in 2007-2009: 'slowed' fits, 'stalled' does not"),
        cl.claim("text.reporting_modest_gains", "4b", GOAL_SETTING, QUOTE_MODEST, kind="consistency",
                 tolerance="the four reporting items' median 2007-2011 gain is below the Table 2 items' median, "
                           "both in 2007 between-trust SDs and as a share of the 2007 headroom",
                 reproduced=(f"median gain {rep['gain_2007_2011_sd']:.2f} SD and {rep['closed_2007_2011_pct']:.1f}% "
                             f"of headroom, against {t2['gain_2007_2011_sd']:.2f} SD and "
                             f"{t2['closed_2007_2011_pct']:.1f}% for Table 2"), ok=modest_ok,
                 note="the items the text compares them with (training, job satisfaction) are not tabulated"),
        cl.claim("table2.footnote.scale_step", "4b", step["source"], step["quote"], kind="consistency",
                 tolerance="a mean change equals the net share of respondents crossing each category boundary, "
                           "so a net 10% moving up one category gives +0.10",
                 reproduced=f"+{ex['change'].iloc[0]:.2f} for 10% moving up one category",
                 ok=bool(abs(ex["change"].iloc[0] - step["value"]) < 1e-9),
                 note="true only as a net shift of a respondent-weighted mean: 5% moving up two categories, or "
                      "20% up and 10% down, give the same +0.10; different staff answer each year; the tables "
                      "average trust means"),
    ]
    for cid, text in (("health_safety_training", "health and safety training rose 2007-2009, then constant"),
                      ("job_satisfaction", "job satisfaction rose 2007-2009, then about the same in 2011"),
                      ("paid_extra_hours", "staff working paid extra hours decreased consistently"),
                      ("unpaid_extra_hours", "staff working unpaid extra hours increased sharply since 2009"),
                      ("infection_control_training", "infection control training rose 2007-2009, fell in 2011")):
        rows.append(cl.claim(f"text.{cid}", "4b", GOAL_SETTING, text, kind="not reproducible",
                             note="the paper prints no figures for this staff-survey item"))
    return rows


def _sampled_claims(out: pd.DataFrame, r: float) -> list[dict]:
    wide = published.survey_tables().set_index("item_id")
    dec, source = wide["decimals"], wide["source"]
    return [cl.claim(_sampled_id(rec), _substudy(rec["item"]), source[rec["item"]],
                     fmt(rec["change_printed"], dec[rec["item"]], True) + rec["marker_printed"], kind="recomputed",
                     tolerance=(f"the same marker (and direction, if marked) in a study of the same trusts sampled "
                                f"at r = {r:.2f} from a population with the printed means and SD"),
                     reproduced=fmt(rec["change"], dec[rec["item"]], True) + rec["stars"], ok=bool(rec["marker_holds"]),
                     note="markers computed, not given to the generator")
            for rec in out.to_dict("records")]


def survey_trends_claims(seed: int = sim.DEFAULT_SEED, preferred_r: float = sim.PREFERRED_R,
                         calibrate_markers: bool = True, plausible=PLAUSIBLE_R, *,
                         frames: dict | None = None, sampled: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chapter's scorecard rows (:func:`book.substudies.claims.claim`): the 63 printed cells and three
    trust counts (by construction), the 18 markers' feasibility, the text's reading of the tables
    (consistency), the 18 markers in an uncalibrated sampled study (recomputed), and the text's items
    that the tables do not show (not reproducible).

    ``frames`` (the teaching data) and ``sampled`` (:func:`sampled_checks`) may be passed when already
    computed at the same parameters, so that a chapter does not simulate them twice.
    """
    frames = sim.teaching_data(seed, preferred_r, calibrate_markers) if frames is None else frames
    sampled = sampled_checks(seed, preferred_r) if sampled is None else sampled
    rows = (_cell_claims(frames, calibrate_markers) + _count_claims(frames) + _feasibility_claims(plausible)
            + _text_claims(sim.design(preferred_r, calibrate_markers)) + _sampled_claims(sampled, preferred_r))
    return cl.table(rows)


def paper_vs_book(card: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """The scorecard rows with their replication rates (``rates``: :func:`book.montecarlo.rates` of this
    chapter; empty, or rows absent, give "–")."""
    mc = rates[rates["check"] == "claim"].set_index("check_id") if len(rates) else pd.DataFrame()
    rate_text = []
    for cid in card["claim_id"]:
        if len(mc) and cid in mc.index and not np.isnan(mc.at[cid, "rate"]):
            r = mc.loc[cid]
            rate_text.append(f"{100 * r['rate']:.0f}% ({100 * r['mc_low']:.0f}–{100 * r['mc_high']:.0f}%)")
        else:
            rate_text.append("–")
    return card.assign(replication_rate=rate_text)[
        ["claim_id", "kind", "published", "tolerance", "reproduced", "status", "replication_rate", "note"]]


def coverage(rates: pd.DataFrame) -> pd.DataFrame:
    """Monte Carlo coverage of each reported interval (empty before the first run)."""
    cols = ["check_id", "replicates", "n_answered", "rate", "mc_low", "mc_high"]
    if not len(rates):
        return pd.DataFrame(columns=cols)
    return rates.loc[rates["check"] == "interval", cols].reset_index(drop=True)
