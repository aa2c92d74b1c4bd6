"""The committed replication rates: a few simulated studies recomputed, and the rates re-derived from
the outcomes stored for every seed."""
import numpy as np
import pandas as pd
import pytest

from book import montecarlo as mc

RATES = mc.rates()


def test_the_file_covers_every_chapter_with_its_replicates():
    assert not RATES.empty, "run python -m book montecarlo"
    assert set(RATES["substudy"]) == set(mc.SUBSTUDIES)
    assert (RATES["replicates"] == mc.REPLICATES).all()
    assert (RATES["outcomes"].str.len() == mc.REPLICATES).all()


@pytest.mark.parametrize("substudy", mc.SUBSTUDIES)
def test_first_seeds_recompute_to_the_stored_outcomes(substudy):
    stored = RATES[RATES["substudy"] == substudy].set_index("check_id")["outcomes"]
    for seed in (1, 2):
        fresh = mc.replicate(substudy, seed).set_index("check_id")["holds"]
        assert set(fresh.index) == set(stored.index)
        for check_id, holds in fresh.items():
            assert mc._outcome(holds) == stored[check_id][seed - 1], (substudy, seed, check_id)


def test_rates_and_intervals_follow_from_the_outcomes():
    for row in RATES.itertuples():
        answered = sum(o != "-" for o in row.outcomes)
        holds = row.outcomes.count("1")
        assert (row.n_answered, row.n_holds) == (answered, holds)
        if answered:
            assert row.rate == pytest.approx(holds / answered, abs=5e-5)
            lo, hi = mc.wilson(holds, answered)
            assert (row.mc_low, row.mc_high) == (pytest.approx(lo, abs=5e-5), pytest.approx(hi, abs=5e-5))


def test_wilson_interval_against_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in ((0, 200), (37, 200), (200, 200), (5, 7)):
        assert mc.wilson(k, n) == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-12)
    assert np.isnan(mc.wilson(0, 0)[0])


def test_summarise_counts_a_study_without_an_answer_apart():
    frames = [pd.DataFrame({"check_id": ["a"], "check": ["claim"], "holds": [v]}) for v in (True, None, False, True)]
    row = mc.summarise({"boards": frames}, 4).iloc[0]
    assert (row["outcomes"], row["n_answered"], row["n_holds"]) == ("1-01", 3, 2)
    assert row["rate"] == pytest.approx(2 / 3)
