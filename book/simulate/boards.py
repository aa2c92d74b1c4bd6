"""Seeded teaching data for the trust-boards chapter (substudies 6a, 6b and 6c); none of it is NHS data.

* ``board_members.csv`` (6a): 306 members of 34 boards, six scale scores of the processes section of
  the Aston Team Performance Inventory (objectives, participation, reflexivity, task focus, conflict,
  creativity), 1-5 in steps of 0.25 (the mean of four 1-5 items).
* ``board_effectiveness.csv`` (6a): one external rating of each board's effectiveness (1-5, one
  decimal). **Our invention**: the paper reports no rating of boards' effectiveness (the "team
  performance data from team leaders/external raters" of Table 1 belong to row 5, the teams).
* ``board_objective_ratings.csv`` (6a): every objective each board stated, rated 1-5 for clarity,
  challenge and measurability by experts E1 and E2, and by E3 for ``N_BOARDS_THIRD_RATER`` boards.
* ``board_minutes.csv`` (6b): 793 sets of minutes of 71 boards, January 2010 to June 2011, with the
  board's sector and whether it is one of the eight read in detail (6c).
* ``board_innovations.csv`` (6b): the 144 innovations found in the minutes, each dated by the month
  of its minutes and coded to one of seven domains.
* ``board_agenda_items.csv`` (6c): every agenda item in the eight detailed boards' minutes, coded by
  topic and approach (``problem_sensing``, ``comfort_seeking``, ``procedural``), with its length in words.

Fixed to the paper's figures (``book.data.published.count``), so reproducing them shows only that
the data were built as described: 34 boards and 306 members; 71 boards, 793 sets of minutes and 18
months; 144 innovations, 73 on productivity and 14 on safety; 62, 56 and 26 in the three half-years;
eight detailed boards. The half-year totals are fixed by drawing the innovations *conditionally* on
them (independent Poisson counts conditioned on their sum are multinomial); domain labels are placed
with the published domain totals fixed, by a swap chain whose stationary distribution is the
independent-categorical model conditioned on those totals (Fisher's non-central hypergeometric).

Assumptions of ours, each a named constant below: the split of boards by sector (``SURVEY_SECTORS``,
``MINUTES_SECTORS``), two detailed boards per sector, the 34 surveyed boards not linked to the 71;
board size (``MEMBERS_RANGE``), process means, SDs and correlations and the invented effectiveness
model (``BETA_EFFECTIVENESS``), normal, then clipped and rounded to the scales; objectives per board,
their true quality, rater biases and noise (``OBJECTIVE_*``, ``RATER_*``); meeting schedules
(``P_MONTHLY``, ``NO_MEETING_MONTHS``) and the sets of minutes available per half-year
(``MINUTES_BY_HALF``, summing to the published 793), later 2011 minutes less often available
(``AVAILABILITY_2011``); innovation rates constant within a half-year and equal to the published
count over the half-year's sector-weighted minutes, sector multipliers (``SECTOR_RATE``), gamma board
and board-by-half-year effects (``ALPHA_BOARD``, ``ALPHA_BOARD_HALF``: the ``"general"`` story), or
``N_PROLIFIC`` boards whose innovations stop in 2011 (the ``"prolific"`` story); the split of the
other 57 innovations over five domains (``OTHER_DOMAIN_WEIGHTS``) and quality and safety becoming
rarer (``QS_ODDS``); agenda items, topics, words and the chance that a discussion seeks comfort
(``AGENDA_*``, ``P_COMFORT``). "1-3 per organisation" is read as the range of sector averages; a draw
is repeated (up to ``_MAX_DRAWS`` times) until every sector average lies in 1-3.

What the analyses should recover is computed beside this module, in :mod:`book.simulate.boards_truths`.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..data import published
from .draws import multivariate_normal
from .seeds import DEFAULT_SEED  # the rule: 2014 for every generator

STORIES = ("general", "prolific")
SECTORS = ("secondary_care", "mental_health", "primary_care", "ambulance")
SECTOR_PREFIX = {"secondary_care": "SEC", "mental_health": "MEN", "primary_care": "PCT", "ambulance": "AMB"}

# --- 6a: board survey and objectives ------------------------------------------------------------
#: Our assumed split of the 34 surveyed boards by sector (the paper gives none).
SURVEY_SECTORS = {"secondary_care": 12, "mental_health": 8, "primary_care": 10, "ambulance": 4}
#: Responding members per board (before the total is forced to the published 306).
MEMBERS_RANGE = (6, 12)
PROCESSES = ("objectives", "participation", "reflexivity", "task_focus", "conflict", "creativity")
PROCESS_MEAN = {"objectives": 3.6, "participation": 3.9, "reflexivity": 3.3, "task_focus": 3.7,
                "conflict": 2.3, "creativity": 3.4}
SD_BETWEEN = 0.35      # SD of a board's true process score
SD_WITHIN = 0.50       # SD of members around their board's score
R_BETWEEN = 0.5        # correlation of boards' processes (conflict: minus this)
R_WITHIN = 0.3         # correlation of a member's deviations from the board (conflict: minus this)
#: Effectiveness (1-5) per point of each true board process score.
BETA_EFFECTIVENESS = {"objectives": 0.50, "participation": 0.20, "reflexivity": 0.35, "task_focus": 0.15,
                      "conflict": -0.15, "creativity": 0.10}
EFFECTIVENESS_MEAN = 3.3
SD_EFFECTIVENESS = 0.25

OBJECTIVES_BASE = 3    # every board states at least this many objectives ...
OBJECTIVES_EXTRA = 3.0  # ... plus a Poisson number with this mean
OBJECTIVE_DIMENSIONS = ("clarity", "challenge", "measurability")
OBJECTIVE_MEAN = {"clarity": 2.7, "challenge": 2.4, "measurability": 2.3}
OBJECTIVE_SD_BOARD = 0.45      # SD of a board's typical objective quality
OBJECTIVE_SD_OBJECTIVE = 0.65  # SD of an objective around its board
OBJECTIVE_R_DIMENSIONS = 0.5   # correlation of an objective's three qualities
#: Correlation of a board's objective quality with its members' true "objectives" process score.
OBJECTIVE_R_PROCESS = 0.4
RATERS = ("E1", "E2", "E3")
RATER_BIAS = {"E1": 0.0, "E2": 0.25, "E3": -0.2}
RATER_SD = 0.5
N_BOARDS_THIRD_RATER = 12

# --- 6b: minutes and innovations ----------------------------------------------------------------
#: Our assumed split of the 71 boards of the minutes study by sector.
MINUTES_SECTORS = {"secondary_care": 26, "mental_health": 15, "primary_care": 20, "ambulance": 10}
MONTHS = tuple(str(p) for p in pd.period_range("2010-01", "2011-06", freq="M"))
HALF_YEARS = ("2010H1", "2010H2", "2011H1")
HALF_CLAIMS = {"2010H1": "board_innovations_2010h1", "2010H2": "board_innovations_2010h2",
               "2011H1": "board_innovations_2011h1"}
#: Months in which boards that meet monthly take a break (boards meeting every second month keep their cycle).
NO_MEETING_MONTHS = ("2010-08",)
#: Chance that a board meets monthly (otherwise every second month), by sector.
P_MONTHLY = {"secondary_care": 0.7, "mental_health": 0.6, "primary_care": 0.5, "ambulance": 0.3}
#: Sets of minutes available per half-year: our assumption, summing to the published 793.
MINUTES_BY_HALF = {"2010H1": 292, "2010H2": 258, "2011H1": 243}
#: Relative chance that a 2011 meeting's minutes were available to the study (late publication).
AVAILABILITY_2011 = {"2011-01": 1.0, "2011-02": 0.9, "2011-03": 0.8, "2011-04": 0.7, "2011-05": 0.6,
                     "2011-06": 0.5}
#: Innovation rate of a sector relative to the others (the general story).
SECTOR_RATE = {"secondary_care": 1.25, "mental_health": 0.9, "primary_care": 0.85, "ambulance": 0.9}
ALPHA_BOARD = 0.5       # variance of the gamma board effect (mean 1)
ALPHA_BOARD_HALF = 0.4  # variance of the gamma board-by-half-year effect (mean 1)
N_PROLIFIC = 6
#: In the prolific story: share of the last half-year's innovations made by the non-prolific boards.
PROLIFIC_OTHERS_SHARE_LAST = 0.9
DOMAINS = ("productivity", "targets", "organisational_effectiveness", "quality", "safety",
           "patient_complaints", "clinical_effectiveness")
#: How the innovations that are neither productivity nor safety split over the other domains (weights).
OTHER_DOMAIN_WEIGHTS = {"targets": 15, "organisational_effectiveness": 17, "quality": 13,
                        "patient_complaints": 4, "clinical_effectiveness": 8}
QUALITY_SAFETY = ("quality", "safety")
#: Odds of a quality or safety innovation, relative to any other, by half-year (2010H1 = 1).
QS_ODDS = {"2010H1": 1.0, "2010H2": 0.8, "2011H1": 0.4}
_SWAPS = 20_000

# --- 6c: eight boards' agenda items -------------------------------------------------------------
DETAILED_PER_SECTOR = 2
AGENDA_BASE = 6         # items per meeting: this many plus a Poisson number ...
AGENDA_EXTRA = 8.0      # ... with this mean
TOPICS = ("finance", "performance_targets", "quality", "safety", "patient_experience", "workforce",
          "strategy", "governance")
QS_TOPICS = ("quality", "safety", "patient_experience")
AGENDA_TOPIC_SHARE = {"finance": 0.20, "performance_targets": 0.18, "quality": 0.10, "safety": 0.07,
                      "patient_experience": 0.05, "workforce": 0.10, "strategy": 0.15, "governance": 0.15}
AGENDA_SD_BOARD_QS = 0.3  # SD of a board's log-odds shift towards quality-and-safety items
#: Median words in the record of an item, and a multiplier for quality-and-safety items.
AGENDA_WORDS_MEDIAN = 150
AGENDA_WORDS_QS = 0.8
AGENDA_WORDS_SD_LOG = 0.6
#: Chance that an item is procedural (no review of information), by topic.
P_PROCEDURAL = {"finance": 0.05, "performance_targets": 0.05, "quality": 0.05, "safety": 0.05,
                "patient_experience": 0.05, "workforce": 0.1, "strategy": 0.3, "governance": 0.7}
#: Chance that a non-procedural discussion seeks reassurance rather than problems, by topic.
P_COMFORT = {"finance": 0.45, "performance_targets": 0.5, "quality": 0.65, "safety": 0.65,
             "patient_experience": 0.7, "workforce": 0.55, "strategy": 0.5, "governance": 0.5}
SD_BOARD_COMFORT = 0.4  # SD of a board's log-odds shift towards comfort-seeking
APPROACHES = ("problem_sensing", "comfort_seeking", "procedural")

FILES = {"members": "board_members.csv", "effectiveness": "board_effectiveness.csv",
         "objective_ratings": "board_objective_ratings.csv", "minutes": "board_minutes.csv",
         "innovations": "board_innovations.csv", "agenda": "board_agenda_items.csv"}
_MAX_DRAWS = 200


def half_year(month: str) -> str:
    """``"2010-03"`` -> ``"2010H1"``."""
    return f"{month[:4]}H{1 if int(month[5:7]) <= 6 else 2}"


@lru_cache(maxsize=None)
def _count(claim: str):
    """A published count, read once per session (the generator asks for the same few many times)."""
    return published.count(claim)


def published_half_counts() -> dict[str, int]:
    """The paper's innovations per half-year, ``{"2010H1": 62, ...}``."""
    return {h: int(_count(c)) for h, c in HALF_CLAIMS.items()}


def domain_counts() -> dict[str, int]:
    """Innovations per domain: the paper's productivity and safety, the rest split by our weights."""
    return dict(_domain_counts())


@lru_cache(maxsize=None)
def _domain_counts() -> tuple:
    total = int(_count("board_innovations_total"))
    fixed = {"productivity": int(_count("board_innovations_productivity")),
             "safety": int(_count("board_innovations_safety"))}
    rest = total - sum(fixed.values())
    w = np.array(list(OTHER_DOMAIN_WEIGHTS.values()), dtype=float)
    raw = rest * w / w.sum()
    n = np.floor(raw).astype(int)
    n[np.argsort(-(raw - n), kind="stable")[: rest - n.sum()]] += 1  # largest remainders
    counts = {**fixed, **dict(zip(OTHER_DOMAIN_WEIGHTS, n.tolist()))}
    return tuple((d, counts[d]) for d in DOMAINS)


def _check_sectors(counts: dict[str, int], claim: str) -> None:
    unknown = set(counts) - set(SECTORS)
    if unknown:
        raise KeyError(f"unknown sector(s) {sorted(unknown)}; known: {list(SECTORS)}")
    if sum(counts.values()) != _count(claim):
        raise ValueError(f"sector counts add up to {sum(counts.values())}, not the published "
                         f"{_count(claim)} ({claim})")


def _boards(counts: dict[str, int], prefix: str) -> pd.DataFrame:
    rows = [(f"{prefix}{SECTOR_PREFIX[s]}{i:02d}", s) for s in SECTORS for i in range(1, counts.get(s, 0) + 1)]
    return pd.DataFrame(rows, columns=["board_id", "sector"])


def _corr(r: float) -> np.ndarray:
    """Correlation matrix of the six processes: r between all, -r with conflict."""
    sign = np.array([-1.0 if p == "conflict" else 1.0 for p in PROCESSES])
    c = r * np.outer(sign, sign)
    np.fill_diagonal(c, 1.0)
    return c


def process_covariance() -> np.ndarray:
    """Covariance of boards' true process scores (order of ``PROCESSES``)."""
    return SD_BETWEEN**2 * _corr(R_BETWEEN)


def _scale(x: np.ndarray, lo: float = 1.0, hi: float = 5.0, step: float = 0.25) -> np.ndarray:
    return np.clip(np.round(x / step) * step, lo, hi)


# --- 6a -----------------------------------------------------------------------------------------

def _survey(rng: np.random.Generator, sectors: dict[str, int]) -> dict[str, pd.DataFrame]:
    boards = _boards(sectors, "S")
    n_boards = len(boards)
    target = int(_count("board_members_surveyed"))
    sizes = rng.integers(MEMBERS_RANGE[0], MEMBERS_RANGE[1] + 1, size=n_boards)
    while sizes.sum() != target:  # nudge random boards, within the range, to the published total
        i = rng.integers(n_boards)
        step = 1 if sizes.sum() < target else -1
        if MEMBERS_RANGE[0] <= sizes[i] + step <= MEMBERS_RANGE[1]:
            sizes[i] += step
    mean = np.array([PROCESS_MEAN[p] for p in PROCESSES])
    true = multivariate_normal(rng, np.zeros(len(PROCESSES)), process_covariance(), size=n_boards)
    dev = multivariate_normal(rng, np.zeros(len(PROCESSES)), SD_WITHIN**2 * _corr(R_WITHIN), size=int(sizes.sum()))
    board_of = np.repeat(np.arange(n_boards), sizes)
    scores = _scale(mean + true[board_of] + dev)
    members = pd.DataFrame(scores, columns=list(PROCESSES))
    members.insert(0, "member_id", [f"M{k:02d}" for s in sizes for k in range(1, s + 1)])
    members.insert(0, "sector", boards["sector"].to_numpy()[board_of])
    members.insert(0, "board_id", boards["board_id"].to_numpy()[board_of])

    beta = np.array([BETA_EFFECTIVENESS[p] for p in PROCESSES])
    eff = EFFECTIVENESS_MEAN + true @ beta + rng.normal(0, SD_EFFECTIVENESS, n_boards)
    effectiveness = boards.assign(effectiveness=np.clip(np.round(eff, 1), 1, 5))

    # objectives: board quality correlated with the board's true "objectives" process score
    z_obj = true[:, PROCESSES.index("objectives")] / SD_BETWEEN
    board_q = OBJECTIVE_SD_BOARD * (OBJECTIVE_R_PROCESS * z_obj
                                    + np.sqrt(1 - OBJECTIVE_R_PROCESS**2) * rng.standard_normal(n_boards))
    n_obj = OBJECTIVES_BASE + rng.poisson(OBJECTIVES_EXTRA, size=n_boards)
    third = set(rng.choice(n_boards, size=N_BOARDS_THIRD_RATER, replace=False).tolist())
    dims = len(OBJECTIVE_DIMENSIONS)
    r_dim = np.full((dims, dims), OBJECTIVE_R_DIMENSIONS)
    np.fill_diagonal(r_dim, 1.0)
    rows = []
    for b in range(n_boards):
        obj = multivariate_normal(rng, np.zeros(dims), OBJECTIVE_SD_OBJECTIVE**2 * r_dim, size=n_obj[b])
        true_q = np.array([OBJECTIVE_MEAN[d] for d in OBJECTIVE_DIMENSIONS]) + board_q[b] + obj
        raters = RATERS if b in third else RATERS[:2]
        for o in range(n_obj[b]):
            for r in raters:
                rating = np.clip(np.round(true_q[o] + RATER_BIAS[r] + rng.normal(0, RATER_SD, dims)), 1, 5)
                rows.append((boards.at[b, "board_id"], f"OBJ{o + 1:02d}", r, *rating.astype(int)))
    ratings = pd.DataFrame(rows, columns=["board_id", "objective_id", "rater_id", *OBJECTIVE_DIMENSIONS])
    return {"members": members, "effectiveness": effectiveness, "objective_ratings": ratings}


# --- 6b -----------------------------------------------------------------------------------------

def _minutes(rng: np.random.Generator, boards: pd.DataFrame) -> pd.DataFrame:
    """Every available set of minutes: candidates from each board's schedule, then exactly
    ``MINUTES_BY_HALF[h]`` of each half-year's candidates, with 2011 ones less often available."""
    cand = []
    for rec in boards.to_dict("records"):
        monthly = rng.random() < P_MONTHLY[rec["sector"]]
        phase = rng.integers(2)
        for k, m in enumerate(MONTHS):
            if (monthly and m not in NO_MEETING_MONTHS) or (not monthly and k % 2 == phase):
                cand.append((rec["board_id"], rec["sector"], m))
    cand = pd.DataFrame(cand, columns=["board_id", "sector", "month"])
    cand["half_year"] = cand["month"].map(half_year)
    keep = []
    for h in HALF_YEARS:
        idx = np.flatnonzero(cand["half_year"].to_numpy() == h)
        if len(idx) < MINUTES_BY_HALF[h]:
            raise ValueError(f"only {len(idx)} meetings in {h}; cannot keep {MINUTES_BY_HALF[h]}")
        w = cand["month"].iloc[idx].map(AVAILABILITY_2011).fillna(1.0).to_numpy()
        keep.extend(rng.choice(idx, size=MINUTES_BY_HALF[h], replace=False, p=w / w.sum()).tolist())
    out = cand.iloc[sorted(keep)].reset_index(drop=True)
    out.insert(0, "minutes_id", out["board_id"] + "-" + out["month"])
    return out


def _prolific_boards(rng: np.random.Generator, boards: pd.DataFrame) -> set[str]:
    return set(rng.choice(boards["board_id"].to_numpy(), size=N_PROLIFIC, replace=False).tolist())


def expected_rates(minutes: pd.DataFrame, story: str = "general", prolific: set[str] | None = None) -> pd.Series:
    """Each set of minutes' expected number of innovations (before board effects), by the story.

    General: ``lambda_h * SECTOR_RATE[sector]``, with ``lambda_h`` set so that each
    half-year's expected total equals the published count. Prolific: the other
    boards innovate at one constant rate, which makes ``PROLIFIC_OTHERS_SHARE_LAST``
    of the last half-year's published count; the prolific boards make the rest.
    """
    counts = published_half_counts()
    rate = pd.Series(0.0, index=minutes.index)
    if story == "general":
        s = minutes["sector"].map(SECTOR_RATE)
        for h in HALF_YEARS:
            m = minutes["half_year"] == h
            rate[m] = counts[h] * s[m] / s[m].sum()
        return rate
    if story != "prolific":
        raise ValueError(f"unknown story {story!r}; known: {list(STORIES)}")
    is_p = minutes["board_id"].isin(prolific or set())
    last = HALF_YEARS[-1]
    r0 = PROLIFIC_OTHERS_SHARE_LAST * counts[last] / ((minutes["half_year"] == last) & ~is_p).sum()
    for h in HALF_YEARS:
        m = minutes["half_year"] == h
        rate[m & ~is_p] = r0
        rest = counts[h] - r0 * (m & ~is_p).sum()
        if rest < 0:
            raise ValueError(f"prolific story: the other boards alone exceed the published count in {h}")
        rate[m & is_p] = rest / (m & is_p).sum()
    return rate


def _allocate(rng: np.random.Generator, minutes: pd.DataFrame, weight: pd.Series) -> np.ndarray:
    """Innovations per set of minutes: each half-year's published total, multinomial over its minutes."""
    counts = published_half_counts()
    n = np.zeros(len(minutes), dtype=int)
    for h in HALF_YEARS:
        idx = np.flatnonzero(minutes["half_year"].to_numpy() == h)
        w = weight.to_numpy()[idx]
        n[idx] = rng.multinomial(counts[h], w / w.sum())
    return n


def frailty(rng: np.random.Generator, variance: float, size) -> np.ndarray:
    """Gamma effects of mean 1 and the given variance (all 1 when the variance is 0)."""
    if variance <= 0:
        return np.ones(size)
    return rng.gamma(1 / variance, variance, size=size)


def _domains(rng: np.random.Generator, halves: np.ndarray) -> np.ndarray:
    """Domain labels with the published totals, quality and safety rarer later (``QS_ODDS``).

    A swap chain: start from a random arrangement of the fixed labels and propose
    exchanging two innovations' domains, accepting with the Metropolis ratio of
    ``prod QS_ODDS[h]`` over quality and safety labels. Its stationary
    distribution is independent categorical draws conditioned on the domain totals.
    """
    labels = np.array([d for d, k in domain_counts().items() for _ in range(k)])
    labels = rng.permutation(labels)
    log_odds = np.log(np.array([QS_ODDS[h] for h in halves]))
    is_qs = np.isin(labels, QUALITY_SAFETY)
    pairs = rng.integers(0, len(labels), size=(_SWAPS, 2))
    u = rng.random(_SWAPS)
    for (i, j), ui in zip(pairs, u):
        if is_qs[i] == is_qs[j]:
            continue
        # moving the quality/safety label from i to j changes the log weight by lo[j] - lo[i] (or reverse)
        delta = (log_odds[j] - log_odds[i]) if is_qs[i] else (log_odds[i] - log_odds[j])
        if np.log(ui) < delta:
            labels[i], labels[j] = labels[j], labels[i]
            is_qs[i], is_qs[j] = is_qs[j], is_qs[i]
    return labels


def sector_means_ok(minutes: pd.DataFrame, innovations: pd.DataFrame) -> bool:
    """Our reading of "1-3 per organisation": every sector's mean innovations per board lies in 1-3."""
    per_board = innovations.groupby("board_id").size().reindex(minutes["board_id"].unique(), fill_value=0)
    sector = minutes.groupby("board_id")["sector"].first()
    means = per_board.groupby(sector).mean()
    lo, hi = _count("board_innovations_per_org_low"), _count("board_innovations_per_org_high")
    return bool(means.between(lo, hi).all())


def _innovations(rng: np.random.Generator, minutes: pd.DataFrame, story: str) -> tuple[pd.DataFrame, set]:
    prolific = _prolific_boards(rng, minutes[["board_id"]].drop_duplicates()) if story == "prolific" else set()
    base = expected_rates(minutes, story, prolific)
    board_ids = minutes["board_id"].unique()
    for _ in range(_MAX_DRAWS):
        f_board = dict(zip(board_ids, frailty(rng, ALPHA_BOARD, len(board_ids))))
        g = frailty(rng, ALPHA_BOARD_HALF, (len(board_ids), len(HALF_YEARS)))
        g_map = {(b, h): g[i, k] for i, b in enumerate(board_ids) for k, h in enumerate(HALF_YEARS)}
        if story == "prolific":  # the prolific story has no board effects beyond the prolific boards themselves
            weight = base
        else:
            weight = base * minutes["board_id"].map(f_board) * [g_map[(b, h)] for b, h in
                                                                zip(minutes["board_id"], minutes["half_year"])]
        n = _allocate(rng, minutes, weight)
        rows = minutes.loc[np.repeat(minutes.index, n), ["board_id", "minutes_id", "month", "half_year"]]
        rows = rows.reset_index(drop=True)
        if sector_means_ok(minutes, rows):
            break
    else:
        raise RuntimeError(f"no draw put every sector's mean in 1-3 in {_MAX_DRAWS} tries")
    rows["domain"] = _domains(rng, rows["half_year"].to_numpy())
    rows.insert(0, "innovation_id", [f"INN{i + 1:03d}" for i in range(len(rows))])
    return rows[["innovation_id", "board_id", "minutes_id", "month", "half_year", "domain"]], prolific


# --- 6c -----------------------------------------------------------------------------------------

def _detailed_boards(rng: np.random.Generator, boards: pd.DataFrame) -> list[str]:
    chosen = []
    for s in SECTORS:
        ids = boards.loc[boards["sector"] == s, "board_id"].to_numpy()
        chosen.extend(sorted(rng.choice(ids, size=DETAILED_PER_SECTOR, replace=False).tolist()))
    return chosen


def _agenda(rng: np.random.Generator, minutes: pd.DataFrame, detailed: list[str]) -> pd.DataFrame:
    share = np.array([AGENDA_TOPIC_SHARE[t] for t in TOPICS])
    is_qs_topic = np.isin(TOPICS, QS_TOPICS)
    rows = []
    for b in detailed:
        shift = rng.normal(0, AGENDA_SD_BOARD_QS)
        p = share * np.where(is_qs_topic, np.exp(shift), 1.0)
        p /= p.sum()
        comfort_shift = rng.normal(0, SD_BOARD_COMFORT)
        for mid in minutes.loc[minutes["board_id"] == b, "minutes_id"]:
            k = AGENDA_BASE + rng.poisson(AGENDA_EXTRA)
            topics = rng.choice(len(TOPICS), size=k, p=p)
            for item, t in enumerate(topics, start=1):
                topic = TOPICS[t]
                if rng.random() < P_PROCEDURAL[topic]:
                    approach = "procedural"
                else:
                    lo = np.log(P_COMFORT[topic] / (1 - P_COMFORT[topic])) + comfort_shift
                    approach = "comfort_seeking" if rng.random() < 1 / (1 + np.exp(-lo)) else "problem_sensing"
                scale = AGENDA_WORDS_QS if topic in QS_TOPICS else 1.0
                words = int(max(20, round(AGENDA_WORDS_MEDIAN * scale * np.exp(rng.normal(0, AGENDA_WORDS_SD_LOG)))))
                rows.append((mid, item, b, topic, approach, words))
    return pd.DataFrame(rows, columns=["minutes_id", "item_no", "board_id", "topic", "approach", "words"])


# --- everything ---------------------------------------------------------------------------------

def simulate(seed: int = DEFAULT_SEED, story: str = "general") -> dict[str, pd.DataFrame]:
    """Simulate all six datasets.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.default_rng`` that drives every draw.
    story : {"general", "prolific"}
        How the decline in innovation arises: every board innovating less in
        2011 (``"general"``, the book's default) or a few prolific boards
        stopping while the rest carry on (``"prolific"``). Both reproduce every
        published count; only the spread over boards differs.

    Returns
    -------
    dict
        DataFrames keyed as ``FILES``; ``"prolific"`` also holds the set of
        prolific board ids (empty in the general story).
    """
    if story not in STORIES:
        raise ValueError(f"unknown story {story!r}; known: {list(STORIES)}")
    _check_sectors(SURVEY_SECTORS, "boards_surveyed")
    _check_sectors(MINUTES_SECTORS, "boards_minutes")
    rng = np.random.default_rng(seed)
    out = _survey(rng, SURVEY_SECTORS)
    boards = _boards(MINUTES_SECTORS, "B")
    minutes = _minutes(rng, boards)
    if minutes["board_id"].nunique() != len(boards):
        raise ValueError("a board has no minutes at all; every board of the 71 must contribute")
    detailed = _detailed_boards(rng, boards)
    minutes["detailed"] = minutes["board_id"].isin(detailed).astype(int)
    innovations, prolific = _innovations(rng, minutes, story)
    out.update(minutes=minutes, innovations=innovations, agenda=_agenda(rng, minutes, detailed), prolific=prolific)
    return out


def teaching_data(seed: int = DEFAULT_SEED, story: str = "general") -> dict[str, pd.DataFrame]:
    """The committed files (validated) at the defaults, otherwise a fresh simulation in memory."""
    if seed == DEFAULT_SEED and story == "general":
        from ..data.datapackage import read

        return {k: read(f.rsplit(".", 1)[0]) for k, f in FILES.items()} | {"prolific": set()}
    return simulate(seed, story)


def to_csv_text(data: pd.DataFrame) -> str:
    """CSV text, byte-stable: process scores at 2 decimals, effectiveness at 1."""
    out = data.copy()
    for col in PROCESSES:
        if col in out.columns:
            out[col] = [f"{v:.2f}" for v in out[col]]
    if "effectiveness" in out.columns:
        out["effectiveness"] = [f"{v:.1f}" for v in out["effectiveness"]]
    return out.to_csv(index=False, lineterminator="\n")


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this module owns, at the book's defaults."""
    return {FILES[k]: to_csv_text(v) for k, v in simulate(seed).items() if k in FILES}
