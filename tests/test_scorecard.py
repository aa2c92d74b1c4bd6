"""The replication scorecard and the command line: computed rows, statuses, CSV output."""
import io
from contextlib import redirect_stdout

import pandas as pd
import pytest

from book import scorecard as sc
from book.__main__ import main


@pytest.fixture(scope="module")
def card():
    return sc.scorecard()


def test_columns_statuses_and_unique_ids(card):
    assert list(card.columns) == sc.COLUMNS + ["replication_rate", "rate_low", "rate_high"]
    assert card["claim_id"].is_unique
    assert set(card["status"]) <= set(sc.STATUSES)
    unexplained = card[(card["status"] == "not reproducible") & (card["note"] == "")]
    assert unexplained.empty, "every 'not reproducible' row says why"


def test_survey_trend_rows(card):
    rows = card[card["substudy"].isin(["4a", "4b", "4a,4b"])]
    cells = rows[rows["claim_id"].str.startswith("table")]
    assert len(cells) == 63 and (cells["status"] == "match").all()
    hands = card.set_index("claim_id").loc["table3.doctors_wash_hands.change_2009_2011"]
    assert hands["published"] == "\N{MINUS SIGN}2*" and "correlation" in hands["note"]
    assert card.set_index("claim_id").loc["text.trends_stalled", "reproduced"] == (
        "9 of 9 items changed less, or in reverse, in 2009-2011")


#: Places where the paper's own figures disagree, found by the book (findings, each explained on its row).
KNOWN_MISMATCHES = ["4c.hsmr_range_2005", "4c.kendall_tau_advocacy_hsmr_2009", "synthesis.seven_substudies"]


def test_mismatches_are_the_known_findings(card):
    mismatches = card[card["status"] == "mismatch"]
    assert mismatches["claim_id"].tolist() == KNOWN_MISMATCHES
    assert (mismatches["note"] != "").all()


def test_every_table1_element_has_rows(card):
    elements = set(card["substudy"].str.split(",").explode())
    assert {"1", "2", "3a", "3b", "4a", "4b", "4c", "5", "6a", "6b", "6c"} <= elements


def test_cli_csv_equals_the_table(card):
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["scorecard", "--format", "csv"])
    assert code == 0
    printed = pd.read_csv(io.StringIO(buf.getvalue()), dtype=str, keep_default_na=False)
    assert list(printed.columns) == list(card.columns)
    assert printed["claim_id"].tolist() == card["claim_id"].tolist()


def test_a_check_with_wrong_columns_is_refused(monkeypatch):
    from book.substudies import claims

    monkeypatch.setattr(sc, "CHECKS", ("claims:wrong",))
    monkeypatch.setattr(claims, "wrong", lambda: pd.DataFrame({"x": [1]}), raising=False)
    with pytest.raises(ValueError, match="claims:wrong returned columns"):
        sc.scorecard()
