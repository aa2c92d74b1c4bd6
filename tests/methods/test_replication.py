"""survey_table_comparison: the printed cells set beside a change table, at the printed precision."""
import pandas as pd
import pytest

from book.data import published
from book.methods.replication import fmt, survey_table_comparison
from book.methods.trends import change_table


def test_fmt_prints_as_the_paper_does():
    assert [fmt(0.14, 2, True), fmt(-0.06, 2, True), fmt(-2, 0, True), fmt(3.2, 2)] == [
        "+0.14", "\N{MINUS SIGN}0.06", "\N{MINUS SIGN}2", "3.20"]


def test_a_table_built_from_the_printed_moments_matches_cell_by_cell():
    # two trusts per item carry the printed means and 2007 SD exactly: mean +- sd/sqrt(2); the 2009 spread is
    # 1% wider so that the two trusts' changes differ (identical changes make the paired t-test undefined)
    pub = published.survey_tables_long()
    rows = []
    for rec in published.survey_tables().to_dict("records"):
        for k, sign in enumerate((1, -1)):
            for y in published.SURVEY_YEARS:
                rows.append({"trust_id": f"T{k}", "year": y, "item": rec["item_id"],
                             "value": rec[f"mean_{y}"] + sign * rec["sd_2007"] / 2**0.5 * (1 if y != 2009 else 1.01)})
    out = survey_table_comparison(change_table(pd.DataFrame(rows)), pub)
    assert len(out) == 63
    means = out[out["cell"].str.startswith("mean_")]
    assert means["match"].all() and (out[out["cell"] == "sd_2007"]["match"]).all()
    assert (out[out["cell"] == "n_trusts"]["reproduced"] == "2").all()


def test_refuses_tables_without_the_needed_columns():
    with pytest.raises(KeyError, match=r"changes has no column\(s\)"):
        survey_table_comparison(pd.DataFrame({"item": ["a"]}), published.survey_tables_long())
    with pytest.raises(ValueError, match="changes must be a pandas DataFrame"):
        survey_table_comparison([1], published.survey_tables_long())


def test_bad_cells_in_either_table_are_refused_by_column_value_and_row():
    pub = published.survey_tables_long()
    rows = [{"trust_id": f"T{k}", "year": y, "item": i, "value": 3 + 0.1 * k + 0.01 * y * (k + 1)}
            for i in pub["item"].unique() for k in range(3) for y in published.SURVEY_YEARS]
    changes = change_table(pd.DataFrame(rows))
    ok = survey_table_comparison(changes, pub)
    for col, value, match in (("decimals", "abc", r"column 'decimals' holds 1 value\(s\) that are not numbers, "
                                                  r"first 'abc' in row 2"),
                              ("decimals", float("inf"), r"column 'decimals' holds 1 infinite value\(s\), first in row 2"),
                              ("n_trusts", float("nan"), r"column 'n_trusts' has 1 missing value\(s\), first in row 2"),
                              ("change", "abc", r"column 'change' holds 1 value\(s\) that are not numbers")):
        bad = pub.astype({col: object})
        bad.loc[2, col] = value
        with pytest.raises(ValueError, match=match):
            survey_table_comparison(changes, bad)
    bad = changes.astype({"change": object})
    bad.loc[0, "change"] = "abc"
    with pytest.raises(ValueError, match=r"column 'change' holds 1 value\(s\) that are not numbers, first 'abc' in row 0"):
        survey_table_comparison(bad, pub)
    assert survey_table_comparison(changes, pub.assign(change=pub.change.astype(str))).equals(ok)
