"""The clinical-teams chapter (substudy 5): its scorecard (:func:`teams_claims`) and one simulated study of
it for the Monte Carlo replication rates (:func:`replicate`).

The analyses are in :mod:`book.substudies.teams_aggregation` (team scores, reliability, membership),
:mod:`book.substudies.teams_models` (sectors, effectiveness, relative importance, reflexivity, follow-up)
and :mod:`book.substudies.teams_innovations` (the coded innovations); the comparisons with the
generator's truths in :mod:`book.substudies.teams_truth`. They are re-exported here, so that the chapter
reads ``tm.regression_table``.

Every claim is read before it is computed: its tolerance is written on its row. The associations the
paper states are checked with the external rating of effectiveness (Table 1: "Leaders'/external raters'
evaluations of effectiveness"), not with the members' own rating, which shares their halo with the
predictors they rated; the members' values are shown on the row's note.
"""
from __future__ import annotations

import pandas as pd

from ..data import published
from ..methods import relative_importance as ri
from ..simulate import teams as sim
from .claims import claim, table
from .teams_aggregation import *  # noqa: F401,F403  the chapter's analyses, one namespace
from .teams_aggregation import (CONFUSED_JACCARD, LOW_KAPPA, OFTEN, at, design_counts, membership_table,
                                respondent_scores, team_table)
from .teams_innovations import *  # noqa: F401,F403
from .teams_innovations import innovation_count_model, innovation_count_table, innovation_counts
from .teams_models import *  # noqa: F401,F403
from .teams_models import PREDICTORS, block_tests, complete, reflexivity_table, regression_table
from .teams_truth import *  # noqa: F401,F403
from .teams_truth import coverage_table

ALPHA = 0.05        # significance level of every test the scorecard reads
KEY_TOP = 4         # "key": among the four largest general dominance weights of 11
RATING = "external_effectiveness"  # the rating the paper's associations are checked with
CULTURE = "Results, Culture and behaviour, paragraph 4"
SYSTEMS = "Results, Variability in systems, paragraph 3"
BY_COUNT = "exact: equal to the printed count"
#: Sectors the Methods name for the team study (Methods, list of primary data), as the paper words them.
METHODS_SECTORS = ("acute", "ambulance", "mental health", "primary care", "community")


def _p(p: float) -> str:
    return "p < 0.001" if at(p) < 0.001 else f"p = {p:.3f}"


def _count_rows(data: dict) -> list[dict]:
    counts = published.text_counts()
    rows = [claim(f"5.{r['claim_id']}", "5", counts.at[r["claim_id"], "source"], str(r["published"]),
                  kind="by construction", tolerance=BY_COUNT, reproduced=str(r["reproduced"]), ok=bool(r["match"]),
                  note="the generator was given this count")
            for r in design_counts(data).to_dict("records")]
    for cid in ("followup_months", "team_innovation_months"):
        rows.append(claim(f"5.{cid}", "5", counts.at[cid, "source"], str(int(counts.at[cid, "value"])),
                          kind="not reproducible", note="a feature of the survey's design (when it asked, what "
                          "period it asked about), not a result"))
    return rows


def _consistency_rows() -> list[dict]:
    setting = published.table1().set_index("element_id").at["5", "setting"].lower()
    missing = [s for s in METHODS_SECTORS if s not in setting]
    n_open, n_resp = published.count("team_open_responses"), published.count("team_responses")
    t_open, t_all = published.count("team_open_teams"), published.count("teams")
    return [
        claim("5.sectors", "5", "Methods, list of primary data; Table 1, row 5",
              "teams 'from the acute, ambulance, mental health, primary care and community trust sectors' (Methods); "
              "51 trusts: 13 acute, 17 mental health, 10 ambulance, 11 primary care (Table 1)",
              kind="consistency", tolerance="every sector the Methods name appears among Table 1's trusts",
              reproduced="Table 1 has no " + ", ".join(missing) + " trusts" if missing else "all sectors appear",
              ok=not missing, note="Table 1's four sector counts add up to all 51 trusts, leaving none for community "
              "trusts"),
        claim("5.open_responses_vs_survey", "5", "Table 1, row 5; " + SYSTEMS,
              f"{n_resp} survey responses from {t_all} teams (Table 1); {n_open} open-ended responses from {t_open} "
              "teams (Results)", kind="consistency",
              tolerance="if a response is one respondent in both places, fewer teams cannot give more responses",
              reproduced=f"{n_open} from {t_open} teams ({n_open / t_open:.1f} a team) against {n_resp} from {t_all} "
              f"({n_resp / t_all:.1f} a team)", ok=n_open <= n_resp,
              note="it fits if a response is one answer to one of several questions (our generator's reading), if "
              f"the open-ended data pool both waves ({n_resp + published.count('team_followup_individuals')} "
              "questionnaires) or come from another round; the paper does not say which"),
    ]


def claim_values(data: dict, teams: pd.DataFrame, membership: pd.DataFrame) -> dict:
    """Each recomputed claim's verdict (``ok``: True, False, or None when the study gives no answer) and
    the figure shown for it (``reproduced``), keyed by claim id: the one computation behind both
    :func:`teams_claims` and :func:`replicate`."""
    out = {}
    blocks = block_tests(teams, RATING).set_index("block")
    members = block_tests(teams, "effectiveness").set_index("block")
    out["inputs_processes_associated"] = (bool((at(blocks["p"]) < ALPHA).all()),
        f"inputs F = {blocks.at['inputs', 'F']:.1f}, {_p(blocks.at['inputs', 'p'])}; processes F = "
        f"{blocks.at['processes', 'F']:.1f}, {_p(blocks.at['processes', 'p'])}",
        f"members' own rating: inputs {_p(members.at['inputs', 'p'])}, processes {_p(members.at['processes', 'p'])}")
    named = data["teams"]["leader_identified"]
    share = float((named == 0).mean())
    out["managers_could_not_name_leaders"] = (0 < at(share) < 0.5,
        f"{int((named == 0).sum())} of {len(named)} teams ({share:.0%}) without a leader the manager could name", "")
    lead = membership[membership["leader_listed"]]
    confused = float((at(lead["leader_vs_majority"]) < CONFUSED_JACCARD).mean())
    out["leaders_unsure_of_members"] = (at(confused) >= OFTEN,
        f"{confused:.0%} of {len(lead)} leaders' lists (mean Jaccard with the majority list "
        f"{lead['leader_vs_majority'].mean():.2f})", "")
    kappa = membership["fleiss_kappa"].mean()
    out["members_low_agreement"] = (at(kappa) < LOW_KAPPA,
        f"mean Fleiss kappa {kappa:.2f}; positive agreement {membership['positive_agreement'].mean():.2f}, negative "
        f"{membership['negative_agreement'].mean():.2f} ({len(membership)} teams)", "")
    reg = regression_table(teams, RATING).set_index("predictor")
    good = all(at(reg.at[p, "std_beta"]) > 0 and at(reg.at[p, "p"]) < ALPHA for p in ("effort_skills", "resources"))
    out["success_factors"] = (bool(good and at(blocks.at["processes", "p"]) < ALPHA),
        f"effort and skills {reg.at['effort_skills', 'std_beta']:.2f} ({_p(reg.at['effort_skills', 'p'])}), resources "
        f"{reg.at['resources', 'std_beta']:.2f} ({_p(reg.at['resources', 'p'])}), processes block "
        f"{_p(blocks.at['processes', 'p'])}", "")
    used, _ = complete(teams, [RATING, *PREDICTORS])
    imp = ri.dominance_analysis(used, RATING, PREDICTORS).set_index("predictor")
    ranks = int(imp.at["objectives", "rank"]), int(imp.at["participation", "rank"])
    out["objectives_participation_key"] = (max(ranks) <= KEY_TOP,
        f"general dominance ranks of 11: objectives {ranks[0]}, participation {ranks[1]}", "")
    r = reflexivity_table(teams).set_index("outcome").loc[RATING]
    out["reflexivity_effective"] = (bool(at(r["std_beta"]) > 0 and at(r["ci_low"]) > 0),
        f"standardised slope {r['std_beta']:.2f} (95% CI {r['ci_low']:.2f} to {r['ci_high']:.2f})", "")
    c = innovation_count_table(innovation_count_model(teams))
    rr = c.iloc[1]
    out["reflexivity_innovative"] = (None if not c.attrs["converged"] else bool(at(rr["ci_low"]) > 1),
        "the fit did not converge" if not c.attrs["converged"] else
        f"rate ratio per SD {rr['estimate']:.2f} (95% CI {rr['ci_low']:.2f} to {rr['ci_high']:.2f})", "")
    n = innovation_counts(data["innovations"]).set_index("category")["n"]
    q, a, w = (int(n[k]) for k in sim.CATEGORIES)
    out["innovation_categories"] = (q > a > w, f"{q} / {a} / {w}", "")
    return out


#: The recomputed claims: id -> (source, the paper's words, tolerance, what the generator built in).
RECOMPUTED = {
    "inputs_processes_associated": (CULTURE, "team inputs and team processes were significantly associated with the "
        "effective provision of good-quality care", f"both trust-clustered block Wald tests p < {ALPHA}, external rating",
        "the paths into effectiveness (PATHS) build both blocks in; with the members' own rating the shared halo "
        "inflates the association"),
    "managers_could_not_name_leaders": (CULTURE, "senior managers were sometimes unable to identify teams and team "
        "leaders", "'sometimes': more than none and fewer than half of teams",
        "built in: P_LEADER_NAMED = 0.85; teams managers could not identify at all are in no survey"),
    "leaders_unsure_of_members": (CULTURE, "when team leaders were identified, they were often confused about who "
        "their team members were", f"'often': at least {OFTEN:.0%} of leaders' lists share fewer than half of the "
        "people either names with the members' majority list (Jaccard index below 0.5)",
        "built in: the leaders' listing probabilities (MEMBERSHIP)"),
    "members_low_agreement": (CULTURE, "team members themselves had low agreement about who was part of their team",
        f"'low': mean Fleiss kappa below {LOW_KAPPA} (below 'moderate')",
        "built in: the members' listing probabilities (MEMBERSHIP); kappa is low partly because only people someone "
        "listed are rated (see the chapter)"),
    "success_factors": (CULTURE, "factors associated with successful teams were the effort and skills of team "
        "members, resources made available and good processes", f"effort and skills and resources positive with "
        f"p < {ALPHA}, and the processes block p < {ALPHA}; external rating",
        "built in: the paths into effectiveness (PATHS)"),
    "objectives_participation_key": (CULTURE, "clarity and agreement about team objectives were key to clinical team "
        "effectiveness, along with a participative approach to decision-making", f"'key': objectives and participation "
        f"among the {KEY_TOP} largest general dominance weights of 11; external rating",
        "built in: the paths into effectiveness (PATHS); the chapter shows how often a resample keeps the order"),
    "reflexivity_effective": (CULTURE, "teams who regularly took time out to reflect were particularly likely to be "
        "more effective", "standardised slope of the external rating on reflexivity positive, 95% CI above 0",
        "built in: paths from reflexivity (PATHS)"),
    "reflexivity_innovative": (CULTURE, "teams who regularly took time out to reflect were particularly likely to be "
        "more innovative", "rate ratio of coded innovations per SD of reflexivity above 1 (95% CI, Poisson with the "
        "innovation answers as exposure, trust-clustered)",
        "built in: paths from reflexivity to innovation (PATHS) and INNOVATION_TILT; members' own innovation rating "
        "shares their halo, so the coded innovations are the test"),
    "innovation_categories": (SYSTEMS, "the largest number of frontline staff innovations was focused on enhancing "
        "quality of patient care; fewer aimed at improving administrative effectiveness, and the smallest number "
        "concerned staff wellbeing", "counts in the published order, each strictly larger than the next",
        "built in: CATEGORY_PROBS = 0.55 / 0.29 / 0.16"),
}


def _not_reproducible(data: dict) -> list[dict]:
    per_team = len(data["innovations"]) / data["open_responses"]["team_id"].nunique()
    return [
        claim("5.innovation_rate_low", "5", SYSTEMS, "relatively low rates of innovation among frontline teams",
              kind="not reproducible", reproduced=f"{per_team:.2f} innovations per answering team in 6 months",
              note="the paper gives no benchmark for 'low'"),
        claim("5.objectives_less_clear_than_boards", "5", "Results, Goal setting, paragraph 2",
              "the 621 front-line clinical teams were generally even less clear about their objectives than boards",
              kind="not reproducible", note="needs the board survey (substudy 6a) on the same scale; the paper prints "
              "no means"),
        claim("5.organisational_factors", "5", "Results, Variability in systems, paragraph 1",
              "many staff felt unable to achieve their goals for patients because of organisational factors",
              kind="not reproducible", note="no figure printed and no such item among the published ATPI dimensions"),
    ]


def teams_claims(data: dict | None = None, teams: pd.DataFrame | None = None,
                 membership: pd.DataFrame | None = None) -> pd.DataFrame:
    """Scorecard rows for substudy 5, computed from the teaching data (columns of
    :data:`book.substudies.claims.COLUMNS`). ``teams`` and ``membership`` (from :func:`team_table` and
    :func:`membership_table`) may be passed to save recomputing them."""
    data = sim.teaching_data() if data is None else data
    teams = team_table(data) if teams is None else teams
    membership = membership_table(data) if membership is None else membership
    values = claim_values(data, teams, membership)
    rows = _count_rows(data) + _consistency_rows()
    for cid, (source, words, tolerance, built) in RECOMPUTED.items():
        ok, shown, extra = values[cid]
        if ok is None:
            rows.append(claim(f"5.{cid}", "5", source, words, kind="not reproducible", reproduced=shown,
                              note=f"this study gives no answer ({shown})"))
            continue
        rows.append(claim(f"5.{cid}", "5", source, words, kind="recomputed", tolerance=tolerance, reproduced=shown,
                          ok=bool(ok), note="; ".join(x for x in (built, extra) if x)))
    return table(rows + _not_reproducible(data))


def replicate(seed: int) -> pd.DataFrame:
    """One simulated study of substudy 5 at ``seed`` (the default design): ``check_id, check, holds`` for
    every recomputed claim and every interval the chapter sets beside a value the model implies."""
    data = sim.simulate(seed)
    scores = respondent_scores(data["responses"])
    teams = team_table(data, scores)
    values = claim_values(data, teams, membership_table(data))
    claims_ = pd.DataFrame({"check_id": [f"5.{k}" for k in values], "check": "claim",
                            "holds": [None if v[0] is None else bool(v[0]) for v in values.values()]})
    cov = coverage_table(data, teams, scores=scores)
    intervals = pd.DataFrame({"check_id": cov["check_id"], "check": "interval",
                              "holds": [None if pd.isna(c) else bool(c) for c in cov["covered"]]})
    return pd.concat([claims_, intervals], ignore_index=True)


def _rate_text(row) -> str:
    if row is None or pd.isna(row["rate"]):
        return "–"
    return f"{100 * row['rate']:.0f}% ({100 * row['mc_low']:.0f}–{100 * row['mc_high']:.0f}%)"


def paper_vs_book(card: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """The chapter's "Paper vs this book" table: each claim's kind, tolerance, our figure and status, with the
    replication rate of every recomputed claim and its Monte Carlo 95% interval (``rates`` as from
    :func:`book.montecarlo.rates`; "–" where there is none, e.g. before the first run or off the default design)."""
    by_id = {r["check_id"]: r for r in rates.to_dict("records")} if len(rates) else {}
    out = card[["claim_id", "kind", "published", "tolerance", "reproduced", "status"]].copy()
    out["replication"] = [_rate_text(by_id.get(c)) if k == "recomputed" else "" for c, k in zip(card["claim_id"],
                                                                                              card["kind"])]
    return out


def coverage_rates(coverage: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Each interval of :func:`coverage_table` with whether it covers in this study and how often it covers
    over the Monte Carlo studies (``coverage_rate``, "–" where there is none)."""
    by_id = {r["check_id"]: r for r in rates.to_dict("records")} if len(rates) else {}
    return coverage.assign(coverage_rate=[_rate_text(by_id.get(c)) for c in coverage["check_id"]])
