"""Clinical teams (substudy 5): from members' answers to team scores, and who is in the team.

Each function is an analysis of tables shaped like the chapter's (one row per respondent, per team or
per listed member) and returns a tidy DataFrame; none asks the generator anything. What the generator's
model says these estimates should be is added by :mod:`book.substudies.teams_truth`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg

from ..data import published
from ..methods import aggregation as agg
from ..methods import reliability as rel
from ..simulate import teams as sim

DIMS = list(sim.DIMENSIONS)
#: The 16 ATPI scales: dimension -> its item columns.
SCALES = {d: sim.item_columns(d) for d in DIMS}
FU = [f"fu_{d}" for d in sim.FOLLOWUP_DIMENSIONS]
FU_SCALES = {f"fu_{d}": sim.item_columns(d) for d in sim.FOLLOWUP_DIMENSIONS}
#: Reliability a team mean should reach, by the usual rule (LeBreton & Senter 2008).
RELIABLE = 0.70
#: Decimals at which estimates are compared with a threshold or an interval: far finer than anything shown,
#: far coarser than the last bits in which BLAS kernels differ, so a verdict is the same on every machine.
DECISION_DECIMALS = 10


def at(x):
    """``x`` rounded to :data:`DECISION_DECIMALS`, for comparisons."""
    return np.round(x, DECISION_DECIMALS)


def respondent_scores(responses: pd.DataFrame, scales: dict | None = None) -> pd.DataFrame:
    """Each respondent's scale scores (``respondent_id, team_id`` + one column per scale)."""
    return agg.scale_scores(responses, SCALES if scales is None else scales, keep=["respondent_id", "team_id"])


def team_table(data: dict, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per team: trust, sector, respondents, the 16 team means, leader and external ratings,
    follow-up means (``fu_*``, missing if not followed up), coded innovations, open-ended answers and,
    of those, answers to the innovation question (``n_innovation_answers``, the exposure of innovations).
    ``scores``: the respondents' scale scores, if already computed (:func:`respondent_scores`)."""
    scores = respondent_scores(data["responses"]) if scores is None else scores
    means = agg.team_means(scores, "team_id", DIMS).rename(columns={"n": "n_baseline"})
    teams = data["teams"][["team_id", "trust_id", "sector", "leader_identified", "leader_effectiveness",
                           "external_effectiveness"]]
    out = teams.merge(means, on="team_id", how="left")
    fu_scores = agg.scale_scores(data["followup"], FU_SCALES, keep=["team_id"])
    fu = agg.team_means(fu_scores, "team_id", FU).rename(columns={"n": "n_followup"})
    out = out.merge(fu, on="team_id", how="left")
    op = data["open_responses"]
    counts = {"n_open_answers": op.groupby("team_id").size(),
              "n_innovation_answers": op[op["question"] == "innovation"].groupby("team_id").size(),
              "n_innovations": data["innovations"].groupby("team_id").size()}
    for name, s in counts.items():
        out[name] = out["team_id"].map(s).fillna(0).astype(int)
    out["n_followup"] = out["n_followup"].fillna(0).astype(int)
    for c in ("leader_effectiveness", "external_effectiveness"):
        out[c] = out[c].astype(float)
    return out


def design_counts(data: dict) -> pd.DataFrame:
    """The counts Table 1 and the Results print, recomputed from the data: ``claim_id, quantity,
    published, reproduced, match``."""
    teams, resp, fu, op = data["teams"], data["responses"], data["followup"], data["open_responses"]
    by_sector = teams.drop_duplicates("trust_id")["sector"].value_counts()
    got = {
        "teams": teams["team_id"].nunique(), "team_responses": len(resp), "team_trusts": teams["trust_id"].nunique(),
        **{sim.SECTOR_COUNT_IDS[s]: int(by_sector.get(s, 0)) for s in sim.SECTORS},
        "teams_followup": fu["team_id"].nunique(), "team_followup_individuals": fu["respondent_id"].nunique(),
        "team_open_responses": len(op), "team_open_teams": op["team_id"].nunique(),
        "team_innovations": data["innovations"]["innovation_id"].nunique(),
    }
    counts = published.text_counts()
    return pd.DataFrame([{"claim_id": k, "quantity": counts.at[k, "quantity"], "published": int(counts.at[k, "value"]),
                          "reproduced": int(v), "match": int(counts.at[k, "value"]) == int(v)} for k, v in got.items()])


def icc_table(responses: pd.DataFrame, scales: dict | None = None, group: str = "team_id",
              level: float = 0.95, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """ICC(1) with its exact F interval, ICC(2), F, p and k0 of each scale's score
    (:func:`book.methods.reliability.icc_anova`): ``dimension, icc1, icc1_ci_low, icc1_ci_high, icc2, F, p, k0``.
    ``scores``: the scale scores with ``group``, if already computed."""
    scales = SCALES if scales is None else scales
    scores = agg.scale_scores(responses, scales, keep=[group]) if scores is None else scores
    cols = ["icc1", "icc1_ci_low", "icc1_ci_high", "icc2", "F", "p", "k0"]
    rows = [{"dimension": d, **rel.icc_anova(scores, group, d, level=level).iloc[0][cols].to_dict()} for d in scales]
    return pd.DataFrame(rows, columns=["dimension", *cols])


def reliability_table(responses: pd.DataFrame, scales: dict | None = None, group: str = "team_id",
                      n_options: int = 5, level: float = 0.95) -> pd.DataFrame:
    """The usual case for aggregating each scale (LeBreton & Senter 2008), one row per scale.

    Columns: ``dimension, n_items``; Cronbach's alpha over respondents with its interval (pingouin)
    and ``alpha_between``, the alpha of the items' group means (the reliability that matters for a
    group-level scale, approximately); the columns of :func:`icc_table`; mean and median r_wg(j) against
    the uniform null and the median against LeBreton & Senter's slightly skewed one
    (``rwg_j_median_skewed``), the share of groups with r_wg(j) >= 0.70; and ``n_for_icc2_070``, the
    respondents a group would need for ICC(2) = 0.70 (Spearman-Brown).
    """
    scales = SCALES if scales is None else scales
    iccs = icc_table(responses, scales, group, level).set_index("dimension")
    rows = []
    for d, items in scales.items():
        alpha, ci = pg.cronbach_alpha(data=responses[items])
        between, _ = pg.cronbach_alpha(data=responses.groupby(group)[items].mean())
        rwg = agg.rwg_j(responses, group, items, n_options=n_options)
        skewed = agg.rwg_j(responses, group, items, n_options=n_options, null="slightly skewed")
        rows.append({"dimension": d, "n_items": len(items), "alpha": alpha, "alpha_ci_low": ci[0],
                     "alpha_ci_high": ci[1], "alpha_between": between, **iccs.loc[d].to_dict(),
                     "rwg_j_mean": rwg["rwg_j"].mean(), "rwg_j_median": rwg["rwg_j"].median(),
                     "rwg_j_median_skewed": skewed["rwg_j"].median(),
                     "share_rwg_070": float((at(rwg["rwg_j"]) >= RELIABLE).mean()),
                     "n_for_icc2_070": rel.spearman_brown_n(iccs.at[d, "icc1"], RELIABLE)})
    return pd.DataFrame(rows)


def membership_table(data: dict) -> pd.DataFrame:
    """Per team: members' agreement on who belongs and the leader's list against the members' majority
    (:func:`book.methods.aggregation.membership_agreement` with the leader as reference), and
    ``respondents_missing_from_leader``: the share of the team's respondents its leader did not list."""
    lists = data["membership"]
    out = agg.membership_agreement(lists, reference="leader").rename(columns={
        "group": "team_id", "reference_listed": "leader_listed", "reference_jaccard": "leader_vs_majority",
        "majority_missing_from_reference": "majority_missing_from_leader", "reference_only": "leader_only"})
    lead = lists.loc[lists["rater_id"] == "leader", ["team_id", "person_id"]].assign(on_list=True)
    resp = data["responses"][["team_id", "person_id"]].merge(lead, on=["team_id", "person_id"], how="left")
    missing = resp["on_list"].isna().groupby(resp["team_id"]).mean()
    out["respondents_missing_from_leader"] = np.where(out["leader_listed"], out["team_id"].map(missing), np.nan)
    return out


#: Readings of the paper's words, fixed before any result was computed (on the scorecard).
LOW_KAPPA = 0.40   # "low agreement": mean Fleiss kappa below "moderate" (Landis & Koch)
OFTEN = 1 / 3      # "often": at least a third of leaders
#: A leader is "confused" about the team's members when their list and the members' majority list share
#: fewer than half of the people either names (Jaccard index below 0.5): the lists differ more than agree.
CONFUSED_JACCARD = 0.5


def puzzle_summary(data: dict, membership: pd.DataFrame) -> pd.DataFrame:
    """The chapter's puzzle in numbers: ``quantity, value`` (shares are 0-1)."""
    m = membership
    lead = m[m["leader_listed"]]
    teams = data["teams"]
    facts = [
        ("teams", len(teams)),
        ("teams whose leader the senior manager could not name", int((teams["leader_identified"] == 0).sum())),
        ("share of teams whose leader could not be named", float((teams["leader_identified"] == 0).mean())),
        ("mean Jaccard agreement between two members' lists", m["jaccard"].mean()),
        ("mean Fleiss kappa of members' lists", m["fleiss_kappa"].mean()),
        ("share of teams with a negative kappa", float((at(m["fleiss_kappa"]) < 0).mean())),
        ("mean positive agreement (one member lists a person: another does too)", m["positive_agreement"].mean()),
        ("mean negative agreement (one leaves a person out: another does too)", m["negative_agreement"].mean()),
        ("mean share of listed people listed by every member", m["share_listed_by_all"].mean()),
        ("teams with a leader's list", len(lead)),
        ("mean Jaccard index of the leader's list and the members' majority list", lead["leader_vs_majority"].mean()),
        (f"share of leaders whose list shares under {CONFUSED_JACCARD:.0%} of people with the majority list",
         float((at(lead["leader_vs_majority"]) < CONFUSED_JACCARD).mean())),
        ("share of leaders who left out at least one respondent",
         float((at(lead["respondents_missing_from_leader"]) > 0).mean())),
        ("mean share of a team's respondents its leader left out", lead["respondents_missing_from_leader"].mean()),
    ]
    return pd.DataFrame(facts, columns=["quantity", "value"])


def real_team_table(data: dict, teams: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """Classify teams as "real" when more than ``threshold`` of respondents answer yes to all three
    questions (clear shared objectives, interdependent work, regular reflection; West & Lyubovnikova 2013).

    Returns the team table with ``share_all_three`` and ``real_team``.
    """
    resp = data["responses"]
    all_three = resp[list(sim.REAL_TEAM_QUESTIONS)].astype(int).eq(1).all(axis=1)
    out = teams.join(all_three.groupby(resp["team_id"]).mean().rename("share_all_three"), on="team_id")
    out["real_team"] = at(out["share_all_three"]) > threshold
    return out


def real_vs_pseudo(classified: pd.DataFrame, outcome: str = "external_effectiveness") -> pd.DataFrame:
    """Welch t test of ``outcome`` between real and pseudo teams (pingouin), with Hedges' g."""
    df = classified.dropna(subset=[outcome])
    real, pseudo = df.loc[df["real_team"], outcome], df.loc[~df["real_team"], outcome]
    if len(real) < 2 or len(pseudo) < 2:
        raise ValueError(f"need at least two real and two pseudo teams with {outcome!r}; got {len(real)} and {len(pseudo)}")
    t = pg.ttest(real, pseudo, correction=True)
    return pd.DataFrame([{"outcome": outcome, "n_real": len(real), "n_pseudo": len(pseudo), "mean_real": real.mean(),
                          "mean_pseudo": pseudo.mean(), "T": float(t["T"].iloc[0]), "p": float(t["p_val"].iloc[0]),
                          "hedges_g": float(pg.compute_effsize(real, pseudo, eftype="hedges"))}])


__all__ = ["DIMS", "SCALES", "FU", "FU_SCALES", "RELIABLE", "DECISION_DECIMALS", "at", "respondent_scores", "team_table",
           "design_counts", "icc_table", "reliability_table", "membership_table", "LOW_KAPPA", "OFTEN",
           "CONFUSED_JACCARD", "puzzle_summary", "real_team_table", "real_vs_pseudo"]
