"""The clinical-teams generator's files: CSV text, the data-dictionary entries, the table of assumptions,
and the teaching data a chapter reads (the committed files at the defaults, fresh draws otherwise)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...data import published
from .parameters import (CATEGORIES, CATEGORY_PROBS, DEFAULT_SEED, DIMENSIONS, EXTERNAL_NOISE_VARIANCE, FILES,
                         FOLLOWUP_DIMENSIONS, FOLLOWUP_PATHS, INNOVATION_TILT, INPUT_CORRELATION, ITEM_ERROR_VARIANCE,
                         ITEM_SLOPE, LABELS, LEADER_LENIENCY, LIKERT, MEMBERSHIP, METHOD_PERSON, METHOD_TEAM,
                         MIN_RESPONDENTS, MIN_TEAMS_PER_TRUST, OPEN_QUESTION_WEIGHT, OPEN_QUESTIONS, P_EXTERNAL_RATED,
                         P_LEADER_NAMED, PATHS, PERSON_PERSISTENCE, REAL_TEAM_QUESTIONS, SCALE_MEAN, SECTOR_SHIFT,
                         SECTORS, TEAMS_PER_TRUST_WEIGHT, TRUST_SHARE, item_columns, model_params)
from .sample import simulate


def to_csv_texts(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """File name -> CSV text (ratings at 3 decimals, so the bytes are the same on every machine)."""
    out = {}
    for key, name in FILES.items():
        df = frames[key].copy()
        for col in ("leader_effectiveness", "external_effectiveness"):
            if col in df:
                df[col] = [("" if np.isnan(v) else f"{v:.3f}") for v in df[col]]
        out[name] = df.to_csv(index=False, lineterminator="\n")
    return out


def assumptions(icc: float | dict | None = None, method_team: float = METHOD_TEAM,
                method_person: float = METHOD_PERSON) -> pd.DataFrame:
    """Every number the generator uses that the paper does not print: ``assumption, value, basis``."""
    m = model_params(icc, method_team, method_person)
    iccs = sorted(set(m["icc"].values()))
    rows = [
        ("items per dimension", ", ".join(f"{LABELS[d]} {k}" for d, (_, k) in DIMENSIONS.items()),
         "Dixon & Wellsteed 2019, Table 2 (a later ATPI; leadership = 4 + 8 + 5)"),
        ("answer scale", f"{LIKERT[0]}-{LIKERT[1]}, rounded from a normal latent answer", "ours"),
        ("item means of an average acute team", ", ".join(f"{LABELS[d]} {v}" for d, v in SCALE_MEAN.items()), "ours"),
        ("latent ICC (team share of a perception)", " / ".join(f"{v:.2f}" for v in iccs)
         + ("" if len(iccs) == 1 else " (satisfaction, attachment / the rest)"), "ours"),
        ("team halo share (team-level common-method variance)", f"{m['method_team']:.2f}", "ours"),
        ("respondent halo share", f"{m['method_person']:.2f}", "ours"),
        ("item error variance (perception variance = 1)", f"{ITEM_ERROR_VARIANCE}", "ours"),
        ("scale points per unit of perception", f"{ITEM_SLOPE}", "ours"),
        ("correlation among the four inputs", f"{INPUT_CORRELATION}", "ours"),
        ("share of an input's variance common to a trust",
         ", ".join(f"{LABELS[d]} {v}" for d, v in TRUST_SHARE.items()), "ours"),
        ("paths into effectiveness (standardised)",
         ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in PATHS["effectiveness"].items()), "ours"),
        ("paths into innovation (standardised)",
         ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in PATHS["innovation"].items()), "ours"),
        ("other paths", "; ".join(f"{LABELS[d]} <- " + ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in p.items())
                                  for d, p in PATHS.items() if d not in ("effectiveness", "innovation")), "ours"),
        ("sector shifts (SD units, acute = 0)", "; ".join(f"{s}: " + ", ".join(f"{LABELS[d]} {v:+.2f}" for d, v in
                                                                           SECTOR_SHIFT[s].items())
                                                      for s in SECTORS if SECTOR_SHIFT[s]), "ours"),
        ("follow-up paths", "; ".join(f"{LABELS[d]} <- " + ", ".join(f"{LABELS[q]} {b:+.2f}" for q, b in p.items())
                                      for d, p in FOLLOWUP_PATHS.items()), "ours"),
        ("persistence of a respondent's own view across waves", f"{PERSON_PERSISTENCE}", "ours"),
        ("teams per trust (relative, by sector); at least", ", ".join(f"{s} {v}" for s, v in
                                                                      TEAMS_PER_TRUST_WEIGHT.items())
         + f"; {MIN_TEAMS_PER_TRUST} teams", "ours"),
        ("respondents per team, at least", f"{MIN_RESPONDENTS}", "ours"),
        ("leader's leniency; external rater's error variance", f"{LEADER_LENIENCY}; {EXTERNAL_NOISE_VARIANCE}", "ours"),
        ("share of leaders the senior manager could name", f"{P_LEADER_NAMED}", "ours"),
        ("share of teams with an external rating", f"{P_EXTERNAL_RATED}", "ours"),
        ("who was followed up", f"a random {published.count('teams_followup')} teams, a random subset of their "
         "baseline respondents", "ours"),
        ("what the follow-up asked", "the effectiveness, innovation and reflexivity scales again (Table 1 says only "
         "'data on team changes', which may instead mean a question about the changes the team made)",
         "ours: one reading of Table 1"),
        ("where the open-ended answers come from", f"baseline respondents of a random "
         f"{published.count('team_open_teams')} teams, up to {len(OPEN_QUESTIONS)} questions "
         "(" + ", ".join(f"{q} weight {w}" for q, w in OPEN_QUESTION_WEIGHT.items()) + ")", "ours"),
        ("innovation categories (probabilities)", ", ".join(f"{c} {p}" for c, p in zip(CATEGORIES, CATEGORY_PROBS)),
         "ours; order as published"),
        ("innovations per team", f"proportional to the team's answers to the innovation question, times "
         f"e^{INNOVATION_TILT} per SD of true innovation (one innovation per answer at most)", "ours"),
        ("membership: P(list a core / peripheral person)",
         f"members {MEMBERSHIP['member_core'][0]} + {MEMBERSHIP['member_core'][1]} x clarity / "
         f"{MEMBERSHIP['member_periphery'][0]} + {MEMBERSHIP['member_periphery'][1]} x clarity; leaders "
         f"{MEMBERSHIP['leader_core'][0]} + {MEMBERSHIP['leader_core'][1]} x clarity / "
         f"{MEMBERSHIP['leader_periphery'][0]} + {MEMBERSHIP['leader_periphery'][1]} x clarity", "ours"),
        ("membership clarity", f"logistic({MEMBERSHIP['clarity_intercept']} + {MEMBERSHIP['clarity_objectives']} x "
         f"true objectives + noise SD {MEMBERSHIP['clarity_noise_sd']})", "ours"),
        ("'real team' questions", "; ".join(f"{q}: yes if {LABELS[d]} perception + N(0, {sd}) > {t}"
                                            for q, (d, t, sd) in REAL_TEAM_QUESTIONS.items()), "ours"),
    ]
    return pd.DataFrame(rows, columns=["assumption", "value", "basis"])


def _provenance(seed: int) -> dict:
    return {"kind": "simulated", "generator": "book.simulate.teams", "seed": seed,
            "command": "python -m book data teams",
            "calibrated_to": "Table 1 row 5 and Results counts (621 teams, 4604 responses, 51 trusts by sector, "
                             "388 teams / 1299 individuals at 3 months, 486 teams / 4976 open-ended answers / "
                             "183 innovations) and the published order of the innovation categories",
            "assumptions": [
                "ATPI item counts per dimension from Dixon & Wellsteed 2019 (Table 2); 1-5 answer scale",
                "every path coefficient, sector shift, ICC, method-variance share, item error and scale mean "
                "(named constants of book.simulate.teams); the paper prints none",
                "at least 3 respondents per team; follow-up respondents a random subset of baseline respondents "
                "of a random 388 teams, answering the effectiveness, innovation and reflexivity scales again (our "
                "reading of 'data on team changes')",
                "open-ended answers: baseline respondents of a random 486 teams answering up to three questions; "
                "each innovation described by one answer to the innovation question, drawn with weights rising "
                "with the team's true innovation",
                "membership lists from a pool of core and peripheral people per team, listing probability rising "
                "with clarity of objectives"]}


def _item_fields(dims) -> list[dict]:
    """One field per ATPI item of ``dims``."""
    def item(col: str, dim: str, j: int, k: int) -> dict:
        return {"name": col, "type": "integer", "unit": "agreement, 1 (strongly disagree) to 5 (strongly agree)",
                "description": f"answer to item {j} of {k} of the {LABELS[dim]} scale (ATPI)",
                "constraints": {"required": True, "minimum": 1, "maximum": 5}}

    return [item(c, d, j + 1, DIMENSIONS[d][1]) for d in dims for j, c in enumerate(item_columns(d))]


TEAM_FIELD = {"name": "team_id", "type": "string", "description": "simulated team identifier",
              "constraints": {"required": True, "pattern": "^T[0-9]{4}$"}}
RESPONDENT_FIELD = {"name": "respondent_id", "type": "string", "description": "simulated respondent identifier",
                    "constraints": {"required": True, "pattern": "^R[0-9]{5}$"}}
RATING_FIELD = {"type": "number", "unit": "mean of 3 items on a 1-5 scale", "constraints": {"minimum": 1, "maximum": 5}}


def _finish(out: list[dict], prov: dict) -> list[dict]:
    """Each resource with its path, format and provenance, keys in the order of the rest of the dictionary."""
    for res in out:
        res.update({"path": f"simulated/{res['name']}.csv", "format": "csv", "mediatype": "text/csv",
                    "encoding": "utf-8", "provenance": prov})
        res["schema"]["fields"] = [dict(f) for f in res["schema"]["fields"]]
    keys = ["name", "path", "format", "mediatype", "encoding", "description", "provenance", "schema"]
    return [{k: r[k] for k in keys} for r in out]


def resources(seed: int = DEFAULT_SEED) -> list[dict]:
    """The data-dictionary entries (``data/datapackage.json`` resources) of this module's six files."""
    items, team, resp, rating = _item_fields, TEAM_FIELD, RESPONDENT_FIELD, RATING_FIELD
    out = [
        {"name": "team_teams", "description": "SIMULATED clinical teams of substudy 5: trust, sector, whether the "
         "trust's senior manager could name the team leader, and leader's and external rater's effectiveness ratings. "
         "Not real NHS teams.",
         "schema": {"primaryKey": ["team_id"], "fields": [
             team,
             {"name": "trust_id", "type": "string", "description": "simulated trust (sector prefix + number)",
              "constraints": {"required": True, "pattern": "^(ACU|MEN|AMB|PCT)[0-9]{2}$"}},
             {"name": "sector", "type": "string", "description": "trust sector (Table 1, row 5)",
              "constraints": {"required": True, "enum": list(SECTORS)}},
             {"name": "leader_identified", "type": "integer",
              "description": "1 if the trust's senior manager could name the team's leader, else 0",
              "constraints": {"required": True, "enum": [0, 1]}},
             {"name": "leader_effectiveness", **rating, "description": "the leader's rating of team effectiveness "
              "(the three ATPI effectiveness items); blank where no leader was named"},
             {"name": "external_effectiveness", **rating, "description": "an external rater's rating of team "
              "effectiveness (three items); blank where the team had no external rating"}]}},
        {"name": "team_responses", "description": "SIMULATED baseline answers of 4604 team members to the 100 items "
         "of the 16 Aston Team Performance Inventory dimensions, with three yes/no 'real team' questions. Not real "
         "survey answers.",
         "schema": {"primaryKey": ["respondent_id"], "fields": [
             resp, team,
             {"name": "person_id", "type": "string", "description": "who the respondent is in the team's pool of "
              "people (the codes used in team_membership)", "constraints": {"required": True, "pattern": "^P[0-9]{2}$"}},
             {"name": "rt_objectives", "type": "integer", "description": "'my team has clear, shared objectives' "
              "(1 yes, 0 no)", "constraints": {"required": True, "enum": [0, 1]}},
             {"name": "rt_interdependence", "type": "integer", "description": "'we have to work closely together to "
              "achieve the team's objectives' (1 yes, 0 no)", "constraints": {"required": True, "enum": [0, 1]}},
             {"name": "rt_reflection", "type": "integer", "description": "'the team meets regularly to review its "
              "effectiveness and how it could improve' (1 yes, 0 no)", "constraints": {"required": True, "enum": [0, 1]}},
             *items(DIMENSIONS)]}},
        {"name": "team_followup", "description": "SIMULATED follow-up three months later: 1299 of the baseline "
         "respondents in 388 teams answer the effectiveness, innovation and reflexivity items again (our reading of "
         "Table 1's 'data on team changes').",
         "schema": {"primaryKey": ["respondent_id"], "fields": [resp, team, *items(FOLLOWUP_DIMENSIONS)]}},
        {"name": "team_membership", "description": "SIMULATED membership lists: one row per person a respondent (or "
         "the team's leader) listed as a member of the team.",
         "schema": {"primaryKey": ["team_id", "rater_id", "person_id"], "fields": [
             team,
             {"name": "rater_id", "type": "string", "description": "respondent_id of the member who made the list, "
              "or 'leader'", "constraints": {"required": True, "pattern": "^(R[0-9]{5}|leader)$"}},
             {"name": "person_id", "type": "string", "description": "a person listed (code within the team)",
              "constraints": {"required": True, "pattern": "^P[0-9]{2}$"}}]}},
        {"name": "team_open_responses", "description": "SIMULATED coded answers to the survey's open-ended questions: "
         "4976 answers from 486 teams; an answer to the innovation question that describes an innovation carries its "
         "identifier and category (each innovation is first described by one answer; other answers of the team may "
         "repeat it). The text itself is not simulated.",
         "schema": {"primaryKey": ["response_id"], "fields": [
             {"name": "response_id", "type": "string", "description": "answer identifier",
              "constraints": {"required": True, "pattern": "^A[0-9]{5}$"}},
             team, resp,
             {"name": "question", "type": "string", "description": "which open-ended question was answered "
              "(innovations introduced in the last six months; sources of frustration; sources of resilience)",
              "constraints": {"required": True, "enum": list(OPEN_QUESTIONS)}},
             {"name": "innovation_id", "type": "string", "description": "the innovation the answer describes "
              "(blank if none)", "constraints": {"pattern": "^I[0-9]{3}$"}},
             {"name": "category", "type": "string", "description": "coded category of that innovation (blank if none)",
              "constraints": {"enum": list(CATEGORIES)}}]}},
        {"name": "team_innovations", "description": "SIMULATED innovations coded from the open-ended answers (183), "
         "with category and two experts' ratings of their magnitude.",
         "schema": {"primaryKey": ["innovation_id"], "fields": [
             {"name": "innovation_id", "type": "string", "description": "innovation identifier",
              "constraints": {"required": True, "pattern": "^I[0-9]{3}$"}},
             team,
             {"name": "category", "type": "string", "description": "what the innovation aimed to improve",
              "constraints": {"required": True, "enum": list(CATEGORIES)}},
             *[{"name": e, "type": "integer", "unit": "1 (minor) to 5 (major)",
                "description": f"expert {e[-1]}'s rating of the innovation's magnitude",
                "constraints": {"required": True, "minimum": 1, "maximum": 5}} for e in ("expert_1", "expert_2")]]}},
    ]
    return _finish(out, _provenance(seed))


def teaching_data(seed: int = DEFAULT_SEED, icc: float | dict | None = None, method_team: float = METHOD_TEAM,
                  method_person: float = METHOD_PERSON) -> dict[str, pd.DataFrame]:
    """The six datasets: the committed files (validated) at the book's defaults, otherwise simulated in memory
    (a fresh draw also carries ``truth`` and ``people``, which are never written to disk)."""
    if (seed, icc, method_team, method_person) != (DEFAULT_SEED, None, METHOD_TEAM, METHOD_PERSON):
        return simulate(seed, icc, method_team, method_person)
    from ...data.datapackage import read

    return {key: read(name.rsplit(".", 1)[0]) for key, name in FILES.items()}


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this module owns, at the book's defaults."""
    return to_csv_texts(simulate(seed))
