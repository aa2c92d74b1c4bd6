"""The draws of the clinical-teams generator, one step per part of the study, each from its own random
stream (:data:`STREAMS`), so that changing what one part assumes changes only what that part draws.

:func:`simulate` runs the steps in order: the design (teams per trust, respondents per team), the true
team scores, the members' answers, the membership lists, the leaders' and external ratings, the
follow-up, the open-ended answers and the innovations they describe.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from ...data import published
from ..draws import multivariate_normal
from .parameters import (CATEGORIES, CATEGORY_PROBS, DEFAULT_SEED, DIMENSIONS, EXPERT_NOISE_SD, EXTERNAL_ITEM_ERROR,
                         EXTERNAL_NOISE_VARIANCE, FOLLOWUP_DIMENSIONS, INNOVATION_TILT, ITEM_ERROR_VARIANCE,
                         ITEM_SLOPE, LEADER_LENIENCY, LIKERT, MEMBERSHIP, METHOD_PERSON, METHOD_TEAM,
                         MIN_RESPONDENTS, MIN_TEAMS_PER_TRUST, OPEN_QUESTION_WEIGHT, OPEN_QUESTIONS,
                         P_DUPLICATE_MENTION, P_EXTERNAL_RATED, P_LEADER_NAMED, PERSON_PERSISTENCE,
                         REAL_TEAM_QUESTIONS, SCALE_MEAN, SECTOR_COUNT_IDS, SECTOR_PREFIX, SECTOR_SHIFT, SECTORS,
                         TEAMS_PER_TRUST_WEIGHT, item_columns, model_params, person_unique, signs)
from .truths import followup_matrix, followup_residual_variance, structure

#: The independent parts of the generator, each with its own stream spawned from the seed.
STREAMS = ("design", "true_scores", "answers", "membership", "ratings", "followup", "open_answers", "innovations")
#: The published counts the generator reproduces exactly.
COUNT_IDS = ("teams", "team_responses", "team_trusts", *SECTOR_COUNT_IDS.values(), "teams_followup",
             "team_followup_individuals", "team_open_teams", "team_open_responses", "team_innovations")
ORDER = list(DIMENSIONS)  # the order of the item columns (Table 1)


def streams(seed: int) -> dict[str, np.random.Generator]:
    """One ``numpy.random.Generator`` per part of the generator, spawned from ``seed``."""
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}


def published_counts() -> dict[str, int]:
    """The counts of Table 1, row 5 and the Results the data must reproduce."""
    values = published.text_counts()["value"]
    return {k: int(values[k]) for k in COUNT_IDS}


def likert(values: np.ndarray) -> np.ndarray:
    """Latent answers rounded to the whole points of the 1-5 scale."""
    return np.clip(np.rint(values), *LIKERT).astype(int)


def exact_allocation(rng, total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Counts >= minimum summing exactly to total, the excess allocated multinomially by weights."""
    extra = total - minimum * len(weights)
    if extra < 0:
        raise ValueError(f"cannot give {len(weights)} units at least {minimum} each out of {total}")
    return minimum + rng.multinomial(extra, weights / weights.sum())


def draw_design(rng, counts: dict) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Trusts (the published number per sector), teams per trust and baseline respondents per team."""
    per_sector = {s: counts[SECTOR_COUNT_IDS[s]] for s in SECTORS}
    if sum(per_sector.values()) != counts["team_trusts"]:
        raise ValueError("the published trusts by sector do not add up to the published total")
    trusts = pd.DataFrame([(f"{SECTOR_PREFIX[s]}{i:02d}", s) for s in SECTORS for i in range(1, per_sector[s] + 1)],
                          columns=["trust_id", "sector"])
    w = trusts["sector"].map(TEAMS_PER_TRUST_WEIGHT).to_numpy() * rng.gamma(4.0, 0.25, len(trusts))
    per_trust = exact_allocation(rng, counts["teams"], w, MIN_TEAMS_PER_TRUST)
    teams = trusts.loc[trusts.index.repeat(per_trust)].reset_index(drop=True)
    teams.insert(0, "team_id", [f"T{i:04d}" for i in range(1, counts["teams"] + 1)])
    teams["trust_row"] = np.repeat(np.arange(len(trusts)), per_trust)
    n_resp = exact_allocation(rng, counts["team_responses"], rng.gamma(2.0, 1.0, len(teams)), MIN_RESPONDENTS)
    return trusts, teams, n_resp


def draw_true_scores(rng, s: dict, teams: pd.DataFrame, n_trusts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True team scores ``Z`` (GEN_ORDER): trust and team shocks plus the sector shift, through the paths;
    the follow-up scores ``Z2``; and the halo each team's members share."""
    dims, p, n = s["dims"], len(s["dims"]), len(teams)
    trust_shock = multivariate_normal(rng, np.zeros(p), s["trust_cov"], size=n_trusts)
    team_shock = multivariate_normal(rng, np.zeros(p), s["team_cov"], size=n)
    delta = np.array([[SECTOR_SHIFT[sec].get(d, 0.0) for d in dims] for sec in teams["sector"]])
    Z = np.einsum("nj,ij->ni", trust_shock[teams["trust_row"].to_numpy()] + team_shock + delta, s["A"])
    # einsum's own loops, not BLAS: the same sums on every CPU
    Z2 = np.einsum("nj,ij->ni", Z, followup_matrix(dims)) + rng.standard_normal((n, len(FOLLOWUP_DIMENSIONS))) * np.sqrt(
        followup_residual_variance(s))
    return Z, Z2, rng.standard_normal(n)


def draw_answers(rng, Z: np.ndarray, halo: np.ndarray, team_of: np.ndarray, params: dict, dims: list) -> dict:
    """Each respondent's perception of each dimension (team's true score, shared halo, own view, own
    halo), their answers to every item and to the three yes/no 'real team' questions."""
    zi = [dims.index(d) for d in ORDER]
    root = np.sqrt(np.array([params["icc"][d] for d in ORDER]))
    sign = signs(ORDER)
    v_u = person_unique(ORDER, **params)
    n = len(team_of)
    u = rng.standard_normal((n, len(ORDER))) * np.sqrt(v_u)
    m = rng.standard_normal(n)
    perception = (Z[team_of][:, zi] * root + np.sqrt(params["method_team"]) * halo[team_of, None] * sign
                  + u + np.sqrt(params["method_person"]) * m[:, None] * sign)
    blocks = []
    for j, d in enumerate(ORDER):
        e = rng.standard_normal((n, DIMENSIONS[d][1])) * np.sqrt(ITEM_ERROR_VARIANCE)
        blocks.append(likert(SCALE_MEAN[d] + ITEM_SLOPE * (perception[:, [j]] + e)))
    real = {q: (perception[:, ORDER.index(d)] + sd * rng.standard_normal(n) > thr).astype(int)
            for q, (d, thr, sd) in REAL_TEAM_QUESTIONS.items()}
    return {"items": np.hstack(blocks), "real": real, "u": u, "m": m, "root": root, "sign": sign, "v_u": v_u}


def _within(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For units laid out group after group: each unit's group and its position in the group."""
    group = np.repeat(np.arange(len(sizes)), sizes)
    return group, np.arange(len(group)) - np.r_[0, np.cumsum(sizes)[:-1]][group]


def _random_rank(rng, keys: tuple) -> np.ndarray:
    """Each unit's rank, in a random order, among the units sharing ``keys`` (lexsort keys, last first)."""
    u = rng.random(len(keys[0]))
    order = np.lexsort((u, *keys[::-1]))
    sorted_keys = np.column_stack([k[order] for k in keys])
    new = np.r_[True, (np.diff(sorted_keys, axis=0) != 0).any(axis=1)]
    start = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order)) - start
    return rank


def draw_people(rng, n_resp: np.ndarray) -> dict:
    """Each team's pool of core and peripheral people, their codes, and which of them are the respondents."""
    mp = MEMBERSHIP
    n_periph_resp = rng.binomial(n_resp, mp["p_respondent_peripheral"])
    n_core = n_resp - n_periph_resp + rng.poisson(mp["core_extra_rate"] * n_resp)
    n_periph = np.maximum(n_periph_resp, 1 + rng.poisson(mp["periphery_mean"], len(n_resp)))
    pool = n_core + n_periph
    team, pos = _within(pool)
    core = pos < n_core[team]
    code = _random_rank(rng, (team,))  # person codes do not reveal core or periphery
    # the respondents: a random n - (peripheral respondents) of the core, a random few of the periphery
    rank = _random_rank(rng, (team, (~core).astype(int)))
    quota = np.where(core, (n_resp - n_periph_resp)[team], n_periph_resp[team])
    chosen = np.flatnonzero(rank < quota)
    # respondents of a team (in respondent order) are its chosen people in a random order
    chosen = chosen[np.lexsort((rng.random(len(chosen)), team[chosen]))]
    return {"team": team, "core": core, "code": code, "pool": pool, "respondent_person": chosen}


def draw_membership(rng, z_objectives: np.ndarray, n_resp: np.ndarray) -> dict:
    """Membership clarity, whether the senior manager could name the leader, the pools of people and every
    rater's list: each rater lists themself, and each other person with a probability rising with the
    team's clarity (core people more often than peripheral ones; :data:`MEMBERSHIP`)."""
    mp = MEMBERSHIP
    n_teams = len(n_resp)
    # at 12 decimals: no listing decision hangs on the last bits of exp, which differ between CPUs
    clarity = np.round(expit(mp["clarity_intercept"] + mp["clarity_objectives"] * z_objectives
                             + mp["clarity_noise_sd"] * rng.standard_normal(n_teams)), 12)
    leader_named = rng.random(n_teams) < P_LEADER_NAMED
    people = draw_people(rng, n_resp)
    offsets = np.r_[0, np.cumsum(people["pool"])[:-1]]
    # raters: the respondents (team by team), then the named leaders
    rater_team = np.r_[np.repeat(np.arange(n_teams), n_resp), np.flatnonzero(leader_named)]
    is_leader = np.r_[np.zeros(n_resp.sum(), bool), np.ones(leader_named.sum(), bool)]
    rater_self = np.r_[people["respondent_person"], np.full(leader_named.sum(), -1)]
    pair_rater, pos = _within(people["pool"][rater_team])
    person = offsets[rater_team][pair_rater] + pos
    team = rater_team[pair_rater]
    coef = {role: (np.array(mp[f"{role}_core"]), np.array(mp[f"{role}_periphery"])) for role in ("member", "leader")}
    lead = is_leader[pair_rater]
    a = np.where(people["core"][person], np.where(lead, coef["leader"][0][0], coef["member"][0][0]),
                 np.where(lead, coef["leader"][1][0], coef["member"][1][0]))
    b = np.where(people["core"][person], np.where(lead, coef["leader"][0][1], coef["member"][0][1]),
                 np.where(lead, coef["leader"][1][1], coef["member"][1][1]))
    listed = (rng.random(len(person)) < a + b * clarity[team]) | (person == rater_self[pair_rater])
    return {"clarity": clarity, "leader_named": leader_named, "people": people, "rater_team": rater_team,
            "is_leader": is_leader, "pairs": (pair_rater[listed], person[listed])}


def draw_ratings(rng, z_effectiveness: np.ndarray, halo: np.ndarray, leader_named: np.ndarray,
                 params: dict) -> tuple[np.ndarray, np.ndarray]:
    """The leader's rating (like a member's, sharing the team's halo, with leniency) and an external
    rater's (true score plus the rater's own error, no halo) of effectiveness: means of three items."""
    n = len(z_effectiveness)
    root = np.sqrt(params["icc"]["effectiveness"])
    v_u = person_unique(["effectiveness"], **params)[0]
    leader = (root * z_effectiveness + np.sqrt(params["method_team"]) * halo + rng.standard_normal(n) * np.sqrt(v_u)
              + np.sqrt(params["method_person"]) * rng.standard_normal(n) + LEADER_LENIENCY)
    leader_items = likert(SCALE_MEAN["effectiveness"] + ITEM_SLOPE * (
        leader[:, None] + rng.standard_normal((n, 3)) * np.sqrt(ITEM_ERROR_VARIANCE)))
    external = root * z_effectiveness + rng.standard_normal(n) * np.sqrt(EXTERNAL_NOISE_VARIANCE)
    ext_items = likert(SCALE_MEAN["effectiveness"] + ITEM_SLOPE * (
        external[:, None] + rng.standard_normal((n, 3)) * np.sqrt(EXTERNAL_ITEM_ERROR)))
    rated = rng.random(n) < P_EXTERNAL_RATED
    return (np.where(leader_named, leader_items.mean(axis=1), np.nan),
            np.where(rated, ext_items.mean(axis=1), np.nan))


def draw_followup(rng, Z2: np.ndarray, halo: np.ndarray, answers: dict, n_resp: np.ndarray, counts: dict,
                  params: dict) -> tuple[np.ndarray, np.ndarray]:
    """Three months on: a random 388 teams, a random subset (at least one) of each one's baseline
    respondents, who answer the effectiveness, innovation and reflexivity items again, keeping their halo
    and part of their own view. Returns the respondents (baseline indices) and their item answers."""
    n_teams = len(n_resp)
    fu_teams = np.sort(rng.choice(n_teams, counts["teams_followup"], replace=False))
    # beyond one respondent per team, the extra follow-up respondents are a random draw of the spare places
    spare = n_resp[fu_teams] - 1
    extra_slots = rng.choice(spare.sum(), counts["team_followup_individuals"] - len(fu_teams), replace=False)
    n_fu = 1 + np.bincount(np.searchsorted(np.cumsum(spare), extra_slots, side="right"), minlength=len(fu_teams))
    first = np.r_[0, np.cumsum(n_resp)[:-1]]
    people = np.concatenate([first[t] + np.sort(rng.choice(n_resp[t], k, replace=False)) for t, k in zip(fu_teams, n_fu)])
    fi = [ORDER.index(d) for d in FOLLOWUP_DIMENSIONS]
    team_of = np.repeat(np.arange(n_teams), n_resp)[people]
    v_u, sign = answers["v_u"][fi], answers["sign"][fi]
    u2 = (PERSON_PERSISTENCE * answers["u"][people][:, fi]
          + np.sqrt(1 - PERSON_PERSISTENCE**2) * rng.standard_normal((len(people), len(fi))) * np.sqrt(v_u))
    perception = (Z2[team_of] * answers["root"][fi] + np.sqrt(params["method_team"]) * halo[team_of, None] * sign
                  + u2 + np.sqrt(params["method_person"]) * answers["m"][people, None] * sign)
    blocks = []
    for j, d in enumerate(FOLLOWUP_DIMENSIONS):
        e = rng.standard_normal((len(people), DIMENSIONS[d][1])) * np.sqrt(ITEM_ERROR_VARIANCE)
        blocks.append(likert(SCALE_MEAN[d] + ITEM_SLOPE * (perception[:, [j]] + e)))
    return people, np.hstack(blocks)


def draw_open_answers(rng, n_resp: np.ndarray, counts: dict) -> pd.DataFrame:
    """Which baseline respondents of a random 486 teams answered which of the three open-ended questions:
    4976 answers drawn from the respondents' question slots (weighted by question), every team with one.
    Returns ``team_idx, person, question`` (indices of team and baseline respondent)."""
    n_teams = len(n_resp)
    open_teams = np.sort(rng.choice(n_teams, counts["team_open_teams"], replace=False))
    first = np.r_[0, np.cumsum(n_resp)[:-1]]
    people = np.concatenate([first[t] + np.arange(n_resp[t]) for t in open_teams])
    slot_person = np.repeat(people, len(OPEN_QUESTIONS))
    slot_q = np.tile(np.arange(len(OPEN_QUESTIONS)), len(people))
    wq = np.array([OPEN_QUESTION_WEIGHT[q] for q in OPEN_QUESTIONS])[slot_q]
    chosen = np.zeros(len(slot_person), bool)
    chosen[rng.choice(len(slot_person), counts["team_open_responses"], replace=False, p=wq / wq.sum())] = True
    slot_team = np.repeat(np.arange(n_teams), n_resp)[slot_person]
    # every one of the 486 teams answered something: move an answer from the best-covered team if needed
    for t in open_teams:
        if not chosen[slot_team == t].any():
            donors = np.flatnonzero(chosen)
            # among equally covered teams the lowest index (value_counts would break ties by numpy's sort,
            # which differs between CPUs)
            teams_, n_answers = np.unique(slot_team[donors], return_counts=True)
            chosen[rng.choice(donors[slot_team[donors] == teams_[np.argmax(n_answers)]])] = False
            chosen[rng.choice(np.flatnonzero(slot_team == t))] = True
    sel = np.flatnonzero(chosen)
    return pd.DataFrame({"team_idx": slot_team[sel], "person": slot_person[sel],
                         "question": np.array(OPEN_QUESTIONS)[slot_q[sel]]})


def draw_innovations(rng, answers: pd.DataFrame, z_innovation: np.ndarray, n_innovations: int) -> tuple:
    """The 183 innovations: each is described by one answer to the innovation question, drawn without
    replacement with weights rising with the team's true innovation (so a team's innovations are
    proportional to its innovation answers); their categories and two experts' magnitude ratings; and
    the other innovation answers of a team with innovations, which repeat one of them with probability
    :data:`P_DUPLICATE_MENTION`. Returns the innovations (``team_idx``, ...) and each answer's innovation
    number (-1 for none)."""
    innov = np.flatnonzero(answers["question"].to_numpy() == "innovation")
    team = answers["team_idx"].to_numpy()
    # weights at 12 significant digits: no draw hangs on the last bits of exp, which differ between CPUs
    w = np.array([float(f"{x:.12g}") for x in np.exp(INNOVATION_TILT * z_innovation[team[innov]])])
    chosen = innov[rng.choice(len(innov), n_innovations, replace=False, p=w / w.sum())]
    chosen = chosen[np.lexsort((chosen, team[chosen]))]  # numbered team by team, then in answer order
    described = np.full(len(answers), -1)
    described[chosen] = np.arange(n_innovations)
    category = rng.choice(len(CATEGORIES), n_innovations, p=CATEGORY_PROBS)
    magnitude = rng.standard_normal(n_innovations)
    experts = {e: likert(3 + 0.8 * magnitude + EXPERT_NOISE_SD * rng.standard_normal(n_innovations))
               for e in ("expert_1", "expert_2")}
    # repeats: an innovation answer that names none of its own may repeat one of its team's innovations
    first = pd.Series(np.arange(n_innovations)).groupby(team[chosen]).agg(["min", "size"])
    rest = innov[described[innov] < 0]
    has = np.isin(team[rest], first.index)
    rest = rest[has]
    start = first.loc[team[rest], "min"].to_numpy()
    k = first.loc[team[rest], "size"].to_numpy()
    repeat = rng.random(len(rest)) < P_DUPLICATE_MENTION
    pick = start + np.floor(rng.random(len(rest)) * k).astype(int)
    described[rest[repeat]] = pick[repeat]
    innovations = pd.DataFrame({"team_idx": team[chosen], "category": np.array(CATEGORIES)[category], **experts})
    return innovations, described


def _person_code(x) -> np.ndarray:
    """Codes P01, P02, ... for positions 0, 1, ... in a team's pool."""
    x = np.asarray(x)
    return np.array([f"P{c + 1:02d}" for c in range(int(x.max()) + 1)])[x]


def _respondent_ids(n: int) -> np.ndarray:
    return np.array([f"R{i:05d}" for i in range(1, n + 1)])


def _membership_frame(memb: dict, team_ids: np.ndarray, resp_ids: np.ndarray) -> pd.DataFrame:
    rater, person = memb["pairs"]
    people = memb["people"]
    rater_ids = np.where(memb["is_leader"], "leader", np.r_[resp_ids, np.full(memb["is_leader"].sum(), "")])
    out = pd.DataFrame({"team_id": team_ids[people["team"][person]], "rater_id": rater_ids[rater],
                        "person_id": _person_code(people["code"][person])})
    return out.sort_values(["team_id", "rater_id", "person_id"], ignore_index=True)


def _open_frames(open_df: pd.DataFrame, innovations: pd.DataFrame, described: np.ndarray, team_ids, resp_ids):
    n = len(innovations)
    ids = np.array([f"I{i:03d}" for i in range(1, n + 1)])
    innovation_id = np.where(described >= 0, ids[np.maximum(described, 0)], "")
    category = np.where(described >= 0, innovations["category"].to_numpy()[np.maximum(described, 0)], "")
    order = np.lexsort((open_df["question"].map(OPEN_QUESTIONS.index).to_numpy(), open_df["person"].to_numpy()))
    answers = pd.DataFrame({
        "response_id": [f"A{i:05d}" for i in range(1, len(open_df) + 1)],
        "team_id": team_ids[open_df["team_idx"].to_numpy()[order]],
        "respondent_id": resp_ids[open_df["person"].to_numpy()[order]],
        "question": open_df["question"].to_numpy()[order], "innovation_id": innovation_id[order],
        "category": category[order]})
    innov = innovations.assign(innovation_id=ids, team_id=team_ids[innovations["team_idx"].to_numpy()])
    return answers, innov[["innovation_id", "team_id", "category", "expert_1", "expert_2"]]


def simulate(seed: int = DEFAULT_SEED, icc: float | dict | None = None, method_team: float = METHOD_TEAM,
             method_person: float = METHOD_PERSON) -> dict[str, pd.DataFrame]:
    """Simulate every dataset of the chapter.

    Parameters
    ----------
    seed : int
        Seed from which each part's random stream is spawned (:func:`streams`).
    icc : float or dict, optional
        Latent team share of each dimension's variance (one number for all, or per dimension);
        default :data:`ICC`.
    method_team, method_person : float
        Shares of a perception that are the team's shared halo and the respondent's own halo
        (common-method variance).

    Returns
    -------
    dict
        ``teams, responses, followup, membership, open_responses, innovations`` (columns as in
        ``data/datapackage.json``), and, not written to disk, ``truth`` (each team's true scores, halo
        and membership clarity) and ``people`` (each team's pool: ``team_id, person_id, core``).
    """
    params = model_params(icc, method_team, method_person)
    rng = streams(seed)
    counts = published_counts()
    s = structure()
    dims = s["dims"]
    trusts, teams, n_resp = draw_design(rng["design"], counts)
    Z, Z2, halo = draw_true_scores(rng["true_scores"], s, teams, len(trusts))
    team_of = np.repeat(np.arange(len(teams)), n_resp)
    answers = draw_answers(rng["answers"], Z, halo, team_of, params, dims)
    memb = draw_membership(rng["membership"], Z[:, dims.index("objectives")], n_resp)
    leader, external = draw_ratings(rng["ratings"], Z[:, dims.index("effectiveness")], halo, memb["leader_named"],
                                    params)
    fu_people, fu_items = draw_followup(rng["followup"], Z2, halo, answers, n_resp, counts, params)
    open_df = draw_open_answers(rng["open_answers"], n_resp, counts)
    innovations, described = draw_innovations(rng["innovations"], open_df, Z[:, dims.index("innovation")],
                                              counts["team_innovations"])

    team_ids, resp_ids = teams["team_id"].to_numpy(), _respondent_ids(len(team_of))
    people = memb["people"]
    responses = pd.DataFrame(answers["items"], columns=[c for d in ORDER for c in item_columns(d)])
    responses.insert(0, "respondent_id", resp_ids)
    responses.insert(1, "team_id", team_ids[team_of])
    responses.insert(2, "person_id", _person_code(people["code"][people["respondent_person"]]))
    for j, q in enumerate(REAL_TEAM_QUESTIONS):
        responses.insert(3 + j, q, answers["real"][q])
    teams = teams.drop(columns="trust_row").assign(leader_identified=memb["leader_named"].astype(int),
                                                   leader_effectiveness=leader, external_effectiveness=external)
    followup = pd.DataFrame(fu_items, columns=[c for d in FOLLOWUP_DIMENSIONS for c in item_columns(d)])
    followup.insert(0, "respondent_id", resp_ids[fu_people])
    followup.insert(1, "team_id", team_ids[team_of[fu_people]])
    open_responses, innovations = _open_frames(open_df, innovations, described, team_ids, resp_ids)
    truth = pd.DataFrame(Z, columns=dims)[ORDER]
    truth = pd.concat([truth, pd.DataFrame(Z2, columns=[f"fu_{d}" for d in FOLLOWUP_DIMENSIONS])], axis=1)
    truth.insert(0, "team_id", team_ids)
    truth["halo"], truth["membership_clarity"] = halo, memb["clarity"]
    pool = pd.DataFrame({"team_id": team_ids[people["team"]], "person_id": _person_code(people["code"]),
                         "core": people["core"]}).sort_values(["team_id", "person_id"], ignore_index=True)
    return {"teams": teams, "responses": responses, "followup": followup,
            "membership": _membership_frame(memb, team_ids, resp_ids), "open_responses": open_responses,
            "innovations": innovations, "truth": truth, "people": pool}
