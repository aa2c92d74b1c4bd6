"""The trust-boards generator (book.simulate.boards) and its truths (book.simulate.boards_truths).

The teaching data are those of the book's default seed, 2014 (the year of publication, by the book's one
rule). A truth is checked against a large simulation by the rule fixed in advance: within 3 standard errors.
"""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from book.data import published
from book.data.paths import SIMULATED
from book.methods.reliability import icc_anova
from book.simulate import boards as sim
from book.simulate import boards_truths as truths
from book.simulate import seeds


@pytest.fixture(scope="module")
def data():
    return sim.teaching_data()


def test_default_seed_is_the_books():
    assert sim.DEFAULT_SEED == seeds.DEFAULT_SEED == 2014


def test_generator_is_byte_reproducible():
    for name, text in sim.generate().items():
        assert (SIMULATED / name).read_text(encoding="utf-8") == text, name


def test_every_published_count_is_reproduced_from_the_data(data):
    m, inn = data["minutes"], data["innovations"]
    found = {
        "boards_surveyed": data["members"]["board_id"].nunique(), "board_members_surveyed": len(data["members"]),
        "boards_minutes": m["board_id"].nunique(), "minutes_sets": len(m),
        "minutes_months": len(pd.period_range(m["month"].min(), m["month"].max(), freq="M")),
        "board_innovations_total": len(inn),
        "board_innovations_productivity": (inn["domain"] == "productivity").sum(),
        "board_innovations_safety": (inn["domain"] == "safety").sum(),
        **{c: (inn["half_year"] == h).sum() for h, c in sim.HALF_CLAIMS.items()},
        "boards_detailed": data["agenda"]["board_id"].nunique(),
    }
    for claim, value in found.items():
        assert value == published.count(claim), claim
    assert (m["month"].min(), m["month"].max()) == ("2010-01", "2011-06")
    assert set(inn["minutes_id"]) <= set(m["minutes_id"])
    assert set(data["agenda"]["minutes_id"]) == set(m.loc[m["detailed"] == 1, "minutes_id"])
    ratings = data["objective_ratings"].groupby(["board_id", "objective_id"]).size()
    assert ratings.min() >= 2 and ratings.max() == 3
    assert m.groupby("half_year").size().to_dict() == sim.MINUTES_BY_HALF


def test_sector_means_lie_in_one_to_three(data):
    per = data["innovations"].groupby("board_id").size().reindex(data["minutes"]["board_id"].unique(), fill_value=0)
    sector = data["minutes"].groupby("board_id")["sector"].first()
    assert per.groupby(sector).mean().between(1, 3).all()
    assert sim.sector_means_ok(data["minutes"], data["innovations"])


def test_prolific_story_gives_the_same_totals_and_the_same_6a_data(data):
    pro = sim.simulate(story="prolific")
    for name in ("members", "effectiveness", "objective_ratings", "minutes"):  # drawn before the story matters
        pd.testing.assert_frame_equal(pro[name], data[name], check_dtype=False)
    for col in ("half_year", "domain"):
        assert pro["innovations"][col].value_counts().equals(data["innovations"][col].value_counts())
    assert len(pro["prolific"]) == sim.N_PROLIFIC


def test_simulate_rejects_an_unknown_story():
    with pytest.raises(ValueError, match="unknown story 'cyclical'"):
        sim.simulate(1, story="cyclical")


# --- the truths -------------------------------------------------------------------------------------------

def test_rounded_normal_matches_a_large_simulation():
    rng = np.random.default_rng(0)
    x = rng.normal(2.6, 0.9, 400_000)
    g = np.clip(np.round(x), 1, 5)
    mean, var, slope = truths.rounded_normal(2.6, 0.9, 1.0, 1.0, 5.0)
    se = g.std() / np.sqrt(len(g))
    assert abs(g.mean() - mean) <= 3 * se
    assert var == pytest.approx(g.var(), rel=0.01)
    assert slope == pytest.approx(np.cov(g, x)[0, 1] / x.var(), rel=0.01)


@pytest.fixture(scope="module")
def big_survey():
    """Many simulated board surveys stacked: their estimates converge to the expected values."""
    rng = np.random.default_rng(7)
    frames = []
    for i in range(120):
        out = sim._survey(rng, sim.SURVEY_SECTORS)
        tag = lambda d, i=i: d.assign(board_id=d["board_id"] + f"_{i}")  # noqa: E731
        frames.append({k: tag(v) for k, v in out.items()})
    return {k: pd.concat([f[k] for f in frames], ignore_index=True) for k in frames[0]}


def test_expected_6a_regression_icc_and_correlation_match_a_large_simulation(big_survey, data):
    members, eff, ratings = big_survey["members"], big_survey["effectiveness"], big_survey["objective_ratings"]
    expected = truths.expected_6a(data["members"], data["objective_ratings"])
    means = members.groupby("board_id")[list(sim.PROCESSES)].mean().join(eff.set_index("board_id")["effectiveness"])
    fit = sm.OLS(means["effectiveness"], sm.add_constant(means[list(sim.PROCESSES)])).fit()
    for p in sim.PROCESSES:
        assert abs(fit.params[p] - expected["beta"][p]) <= 3 * fit.bse[p], p
    icc = icc_anova(members, "board_id", "objectives").iloc[0]
    se = (icc["icc1_ci_high"] - icc["icc1_ci_low"]) / (2 * 1.96)
    assert abs(icc["icc1"] - expected["icc1"]["objectives"]) <= 3 * se
    experts = ratings.groupby(["board_id", "objective_id"])["clarity"].mean().groupby("board_id").mean()
    r = np.corrcoef(means["objectives"], experts.reindex(means.index))[0, 1]
    assert abs(r - expected["members_experts_r"]) <= 3 * (1 - r**2) / np.sqrt(len(means))
    # attenuated: below the latent coefficient, and the expected R^2 below the latent one
    assert expected["beta"]["objectives"] < truths.truths()["beta"]["objectives"]
    assert expected["r2"] < truths.truths()["r2"]


def test_rater_truth_before_rounding_is_the_closed_form():
    tr = truths.rater_icc_truth()
    target = sim.OBJECTIVE_SD_BOARD**2 + sim.OBJECTIVE_SD_OBJECTIVE**2
    bias = np.var([sim.RATER_BIAS["E1"], sim.RATER_BIAS["E2"]], ddof=1)
    assert tr["continuous"] == pytest.approx(target / (target + bias + sim.RATER_SD**2))
    assert all(v < tr["continuous"] for v in tr["rounded"].values())


def test_within_board_truths_and_the_pseudo_true_trend(data):
    tr = truths.true_rate_ratios(data["minutes"])
    counts, minutes = sim.published_half_counts(), data["minutes"].groupby("half_year").size()
    # equal sector mix per half-year would make the within-board ratio the ratio of the pooled rates
    pooled = (counts["2011H1"] / minutes["2011H1"]) / (counts["2010H1"] / minutes["2010H1"])
    assert tr["2011H1"] == pytest.approx(pooled, rel=0.02)
    assert tr["trend_month"] < 1 and tr["trend"] < 1
    assert tr["alpha_marginal"] == pytest.approx((1 + sim.ALPHA_BOARD) * (1 + sim.ALPHA_BOARD_HALF) - 1)


def test_unconditional_draws_reuse_the_generators_gamma_effects(data):
    mu, ex = truths.design_arrays(data["minutes"])
    assert mu.shape == ex.shape == (sum(sim.MINUTES_SECTORS.values()), 3)
    assert mu.sum(axis=0) == pytest.approx(list(sim.published_half_counts().values()))
    y = truths.draw_counts(np.random.default_rng(1), mu, 4000)
    total = y.sum(axis=1)
    se = total.std(axis=0) / np.sqrt(len(total))
    assert (np.abs(total.mean(axis=0) - mu.sum(axis=0)) <= 3 * se).all()
    # variance of a board-half-year count: mu + alpha_marginal mu^2
    b = np.argmax(mu[:, 0])
    expected_var = mu[b, 0] + truths.truths()["alpha_marginal"] * mu[b, 0] ** 2
    assert y[:, b, 0].var() == pytest.approx(expected_var, rel=0.1)


def test_attention_truth_matches_a_large_simulation_of_the_agenda():
    rng = np.random.default_rng(3)
    minutes = pd.DataFrame({"minutes_id": [f"M{i}" for i in range(20)], "board_id": "B"})
    agendas = pd.concat([sim._agenda(rng, minutes.assign(board_id=f"B{b}", minutes_id=minutes["minutes_id"] + f"_{b}"),
                                     [f"B{b}"]) for b in range(300)])
    qs = agendas["topic"].isin(sim.QS_TOPICS)
    share_by_board = qs.groupby(agendas["board_id"]).mean()
    tr = truths.attention_truth()
    assert abs(share_by_board.mean() - tr["item_share"]) <= 3 * share_by_board.std() / np.sqrt(len(share_by_board))
