"""Tests of the clinical-teams generator (book.simulate.teams): byte-reproducible files that hang together, the
published counts exactly, one random stream per part, and truths that agree with what simulated studies find (each
rule stated beside it, before the comparison)."""
import numpy as np
import pandas as pd
import pytest

from book.data.datapackage import read
from book.data.paths import SIMULATED
from book.simulate import teams as sim
from book.substudies import teams as tm


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


def test_generator_is_byte_reproducible():
    for name, text in sim.generate().items():
        assert (SIMULATED / name).read_text(encoding="utf-8") == text, name


def test_files_validate_and_hang_together(data):
    for name in sim.FILES.values():
        read(name[:-4])
    resp, fu, teams = data["responses"], data["followup"], data["teams"]
    base = resp.set_index("respondent_id")["team_id"]
    assert (fu["team_id"].to_numpy() == base.loc[fu["respondent_id"]].to_numpy()).all()
    assert resp.groupby("team_id").size().min() >= sim.MIN_RESPONDENTS
    assert not resp.duplicated(["team_id", "person_id"]).any()
    lists = data["membership"]
    assert set(lists.loc[lists["rater_id"] == "leader", "team_id"]) == set(teams.loc[teams["leader_identified"] == 1,
                                                                                         "team_id"])
    assert teams["leader_effectiveness"].notna().eq(teams["leader_identified"] == 1).all()
    members = lists[lists["rater_id"] != "leader"]
    assert (members["team_id"].to_numpy() == base.loc[members["rater_id"]].to_numpy()).all()
    self_listed = members.merge(resp[["respondent_id", "person_id"]], left_on=["rater_id", "person_id"],
                                right_on=["respondent_id", "person_id"])
    assert self_listed["rater_id"].nunique() == len(resp)  # every respondent lists themself
    op, inn = data["open_responses"], data["innovations"]
    coded = op[op["innovation_id"] != ""]
    assert (coded["question"] == "innovation").all()
    assert (coded["category"].to_numpy() == inn.set_index("innovation_id").loc[coded["innovation_id"], "category"]
            .to_numpy()).all()
    assert set(coded["innovation_id"]) == set(inn["innovation_id"])
    assert (op["team_id"].to_numpy() == base.loc[op["respondent_id"]].to_numpy()).all()
    # each innovation is described by its own team's innovation answers
    owner = inn.set_index("innovation_id")["team_id"]
    assert (coded["team_id"].to_numpy() == owner.loc[coded["innovation_id"]].to_numpy()).all()


@pytest.mark.parametrize("seed", [1, 77])
def test_every_published_count_at_any_seed(seed):
    d = sim.simulate(seed)
    assert tm.design_counts(d)["match"].all()
    assert set(d) == set(sim.FILES) | {"truth", "people"}


def test_one_stream_per_part():
    # a halo of another size changes the answers and the ratings, and nothing else
    a, b = sim.simulate(5), sim.simulate(5, method_team=0.0, method_person=0.2)
    for key in ("membership", "open_responses", "innovations", "truth"):
        pd.testing.assert_frame_equal(a[key], b[key])
    assert (a["teams"][["team_id", "trust_id", "sector", "leader_identified"]]
            .equals(b["teams"][["team_id", "trust_id", "sector", "leader_identified"]]))
    assert not a["responses"].equals(b["responses"])
    assert sim.STREAMS == ("design", "true_scores", "answers", "membership", "ratings", "followup", "open_answers",
                           "innovations")


def test_impossible_shares_are_refused():
    with pytest.raises(ValueError, match="below 1"):
        sim.simulate(1, icc=0.5, method_team=0.3, method_person=0.3)


def test_latent_model_recovers_the_path_coefficients():
    one = pd.DataFrame({"sector": ["acute"] * 10, "n_baseline": 5, "n_followup": 2})
    cov = sim.implied_covariance(one, latent=True)
    preds = list(sim.PATHS["effectiveness"])
    got = sim.expected_regression(cov, "effectiveness", preds).set_index("predictor")["std_beta"]
    assert got.to_dict() == pytest.approx(sim.PATHS["effectiveness"])
    assert np.diag(sim.structure()["cov"]) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def studies():
    out = []
    for seed in range(1, 9):
        d = sim.simulate(seed)
        out.append((d, tm.team_table(d)))
    return out


def test_implied_covariance_agrees_with_simulated_studies(studies):
    # rule: the mean over 8 studies of each correlation among the team means of effectiveness, reflexivity, the
    # external rating and the follow-up effectiveness lies within 0.03 of the implied one (SE about 0.014)
    cols = ["effectiveness", "reflexivity", "external_effectiveness", "fu_effectiveness", "innovation"]
    corr = np.mean([t[cols].corr().to_numpy() for _, t in studies], axis=0)
    cov = sim.implied_covariance(tm.design(studies[0][1])).loc[cols, cols].to_numpy()
    implied = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    assert np.abs(corr - implied).max() < 0.03


def test_expected_rate_ratio_agrees_with_simulated_studies(studies):
    # rule: the mean log rate ratio over 8 studies lies within 3 standard errors of the implied one
    logs = [np.log(tm.innovation_count_table(tm.innovation_count_model(t)).at[1, "estimate"]) for _, t in studies]
    used = studies[0][1][studies[0][1]["n_innovation_answers"] > 0]
    implied = np.log(sim.expected_innovation_rate_ratio(tm.design(used)))
    assert abs(np.mean(logs) - implied) < 3 * np.std(logs, ddof=1) / np.sqrt(len(logs))


def test_expected_reliability_agrees_with_simulated_studies(studies):
    # rule: the mean ICC(1) over 8 studies within 0.015 of the expected one on every scale (SE about 0.005)
    iccs = np.mean([tm.icc_table(d["responses"])["icc1"].to_numpy() for d, _ in studies], axis=0)
    exp = sim.expected_reliability(tm.design(studies[0][1]))["icc1"].to_numpy()
    assert np.abs(iccs - exp).max() < 0.015


def test_assumptions_and_resources_describe_every_file():
    a = sim.assumptions()
    assert list(a.columns) == ["assumption", "value", "basis"]
    assert a["assumption"].str.contains("what the follow-up asked").any()
    res = {r["name"]: r for r in sim.resources()}
    assert set(res) == {n[:-4] for n in sim.FILES.values()}
    for r in res.values():
        assert r["provenance"]["kind"] == "simulated" and r["provenance"]["seed"] == sim.DEFAULT_SEED
