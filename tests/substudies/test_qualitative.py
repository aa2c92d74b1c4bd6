"""The qualitative strands on the scorecard and in the Monte Carlo."""
import pandas as pd
import pytest

from book.substudies import claims as C
from book.substudies import qualitative as qs


def test_claims_have_the_scorecard_schema_and_kinds():
    card = qs.qualitative_claims()
    assert list(card.columns) == C.COLUMNS
    assert card["claim_id"].is_unique and card["claim_id"].str.startswith("qual.").all()
    assert card["kind"].value_counts().to_dict() == {"not reproducible": 13, "by construction": 10, "consistency": 1}
    assert (card.loc[card["kind"] != "not reproducible", "status"] == "match").all()
    assert "recomputed" not in set(card["kind"])  # the paper prints no statistic these strands could reproduce
    assert (card["tolerance"].ne("") | card["kind"].eq("not reproducible")).all()
    assert not card["source"].str.contains("issue|review", case=False).any()


def test_replicate_is_one_row_per_interval_and_deterministic():
    one = qs.replicate(1)
    assert list(one.columns) == ["check_id", "check", "holds"]
    assert (one["check"] == "interval").all() and one["check_id"].is_unique and len(one) == 38
    pd.testing.assert_frame_equal(qs.replicate(1), one)
    assert one["check_id"].tolist() == qs.replicate(2)["check_id"].tolist()
    assert one["holds"].value_counts().to_dict() == {True: 31, False: 7}


@pytest.mark.parametrize("seed", [5, 17])
def test_replicate_runs_off_the_default_seed(seed):
    out = qs.replicate(seed)
    assert out["holds"].isin([True, False, None]).all()
