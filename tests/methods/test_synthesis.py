"""book.methods.synthesis on a reader's own claims tables: hand counts, invariants, and bad input refused by name."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from book.methods.synthesis import (CONVERGENCE_CODES, SUPPORT_LEVELS, convergence_coding, convergence_summary,
                                    evidence_counts, evidence_kinds, evidence_matrix, recode)

KINDS = ["interviews", "observation", "survey"]
GROUPS = {"interviews": "site", "observation": "site", "survey": "national"}
SMALL = pd.DataFrame({
    "claim_id": ["a", "b", "c", "d"],
    "section": ["X", "X", "Y", "Y"],
    "interviews": [1, 1, 0, 0],
    "observation": [1, 0, 0, 0],
    "survey": [0, 1, 1, 0],
})
SETTINGS = settings(derandomize=True, deadline=None, max_examples=40)


# --- hand counts --------------------------------------------------------------------------------------

def test_matrix_and_counts_equal_a_hand_count():
    m = evidence_matrix(SMALL, KINDS)
    assert m.loc["a"].tolist() == [1, 1, 0] and m.sum().tolist() == [2, 1, 2]
    c = evidence_counts(SMALL, KINDS, GROUPS).set_index("claim_id")
    # a: two kinds from one site study; b: two independent sources; c: one; d: none
    assert c["n_kinds"].tolist() == [2, 2, 1, 0]
    assert c["n_independent"].tolist() == [1, 2, 1, 0]
    assert c["support"].tolist() == ["one source", "multiply sourced", "one source", "none named"]
    assert c.at["b", "sources"] == "national,site" and c.at["a", "kinds_named"] == "interviews, observation"
    # without groups every kind is its own source, so a is multiply sourced too
    assert evidence_counts(SMALL, KINDS).set_index("claim_id").at["a", "support"] == "multiply sourced"


def test_kinds_are_detected_when_not_given():
    m = evidence_matrix(SMALL)
    assert list(m.columns) == KINDS and m.attrs["kinds_detected"] is True
    assert evidence_kinds(SMALL.assign(year=2014), exclude=("year",)) == KINDS
    assert evidence_matrix(SMALL, "survey").columns.tolist() == ["survey"]  # a bare string is one column


def test_summary_by_section_equals_a_hand_count():
    s = convergence_summary(SMALL, kinds=KINDS, groups=GROUPS).set_index("section")
    assert s.loc["X", ["n_claims", *SUPPORT_LEVELS]].tolist() == [2, 0, 1, 1]
    assert s.loc["Y", ["n_claims", *SUPPORT_LEVELS]].tolist() == [2, 1, 1, 0]
    assert s.at["X", "share_multiply_sourced"] == 0.5 and s.at["Y", "mean_kinds"] == 0.5
    assert s.attrs["n_excluded"] == 0


def test_a_claim_with_no_section_is_left_out_and_counted():
    s = convergence_summary(SMALL.assign(section=["X", "X", None, "Y"]), kinds=KINDS, groups=GROUPS)
    assert s["n_claims"].sum() == 3 and s.attrs["n_claims"] == 4
    assert s.attrs["n_excluded"] == 1 and s.attrs["excluded"] == [{"claim_id": "c", "reason": "no 'section'"}]
    with pytest.raises(ValueError, match=r"column 'section' is empty for every claim"):
        convergence_summary(SMALL.assign(section=""), kinds=KINDS)


def test_an_ordered_categorical_section_keeps_its_order():
    cat = pd.Categorical(SMALL["section"], categories=["Y", "X"], ordered=True)
    assert convergence_summary(SMALL.assign(section=cat), kinds=KINDS)["section"].tolist() == ["Y", "X"]


def test_recode_changes_one_cell_and_notes_it():
    table = SMALL.assign(coding_note=["", "", "", "r1"])
    out = recode(table, {"d": {"observation": 1}}, kinds=KINDS)
    assert out.set_index("claim_id").at["d", "observation"] == 1 and SMALL.at[3, "observation"] == 0
    assert out.at[3, "coding_note"] == "r1; recoded observation=1" and out.attrs["n_changed"] == 1
    assert recode(table, {}).equals(table)
    assert recode(SMALL, {"a": {"interviews": 1.0}}).attrs["n_changed"] == 0  # 1.0 is 1; nothing changes


def test_convergence_coding_pivots_counts_and_marks_what_was_not_assessed():
    a = pd.DataFrame({"theme": ["t", "t", "u"], "source": ["x", "y", "x"],
                      "code": ["agreement", "dissonance", "partial agreement"]})
    m = convergence_coding(a)
    assert m.at["u", "y"] == "not assessed" and m.attrs["n_filled"] == 1
    assert m.loc["t", [*CONVERGENCE_CODES, "not assessed"]].tolist() == [1, 0, 0, 1, 0]
    assert convergence_coding(a, missing="silence").at["u", "silence"] == 1


# --- invariants -----------------------------------------------------------------------------------------

@st.composite
def claims_tables(draw):
    n = draw(st.integers(1, 12))
    k = draw(st.integers(1, 4))
    kinds = [f"k{j}" for j in range(k)]
    cells = draw(st.lists(st.lists(st.integers(0, 1), min_size=k, max_size=k), min_size=n, max_size=n))
    sections = draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n))
    groups = {kind: draw(st.sampled_from(["g1", "g2", "g3"])) for kind in kinds}
    table = pd.DataFrame(cells, columns=kinds).assign(claim_id=[f"c{i}" for i in range(n)], section=sections)
    return table[["claim_id", "section", *kinds]], kinds, groups, draw(st.permutations(range(n)))


@SETTINGS
@given(claims_tables(), st.integers(2, 3))
def test_a_permutation_of_rows_changes_nothing(case, threshold):
    table, kinds, groups, order = case
    shuffled = table.iloc[list(order)].reset_index(drop=True)
    a = evidence_counts(table, kinds, groups, min_independent=threshold).set_index("claim_id").sort_index()
    b = evidence_counts(shuffled, kinds, groups, min_independent=threshold).set_index("claim_id").sort_index()
    pd.testing.assert_frame_equal(a, b)
    sa = convergence_summary(table, kinds=kinds, groups=groups, min_independent=threshold).set_index("section")
    sb = convergence_summary(shuffled, kinds=kinds, groups=groups, min_independent=threshold).set_index("section")
    pd.testing.assert_frame_equal(sa.sort_index(), sb.sort_index())


@SETTINGS
@given(claims_tables(), st.integers(2, 3))
def test_results_equal_a_hand_computation(case, threshold):
    table, kinds, groups, _ = case
    counts = evidence_counts(table, kinds, groups, min_independent=threshold)
    for rec, row in zip(table.to_dict("records"), counts.to_dict("records")):
        named = [k for k in kinds if rec[k] == 1]
        independent = len({groups[k] for k in named})
        assert row["n_kinds"] == len(named) and row["n_independent"] == independent
        assert row["support"] == ("none named" if independent == 0 else
                                  "multiply sourced" if independent >= threshold else "one source")
    summary = convergence_summary(table, kinds=kinds, groups=groups, min_independent=threshold)
    assert summary["n_claims"].sum() == len(table)
    assert (summary[list(SUPPORT_LEVELS)].sum(axis=1) == summary["n_claims"]).all()
    for rec in summary.to_dict("records"):
        part = counts[table["section"].to_numpy() == rec["section"]]
        assert rec["mean_kinds"] == pytest.approx(part["n_kinds"].mean())
        assert rec["multiply sourced"] == int((part["support"] == "multiply sourced").sum())


@SETTINGS
@given(claims_tables(), st.data())
def test_recode_sets_exactly_the_cells_asked(case, data):
    table, kinds, _, _ = case
    cid = data.draw(st.sampled_from(list(table["claim_id"])))
    kind = data.draw(st.sampled_from(kinds))
    value = data.draw(st.integers(0, 1))
    out = recode(table, {cid: {kind: value}}, kinds=kinds)
    changed = out[kinds].to_numpy() != table[kinds].to_numpy()
    row = table.index[table["claim_id"] == cid][0]
    expected = np.zeros_like(changed)
    expected[row, kinds.index(kind)] = table.at[row, kind] != value
    assert (changed == expected).all() and out.at[row, kind] == value
    assert out.attrs["n_changed"] == int(expected.sum())


_BAD_CELLS = st.sampled_from([2, -1, 0.5, "yes", np.nan, np.inf, True])


@SETTINGS
@given(claims_tables(), _BAD_CELLS, st.data())
def test_a_bad_cell_is_refused_naming_its_column_and_claim(case, bad, data):
    table, kinds, _, _ = case
    row = data.draw(st.integers(0, len(table) - 1))
    kind = data.draw(st.sampled_from(kinds))
    broken = table.astype({kind: object})
    broken.iat[row, broken.columns.get_loc(kind)] = bad
    with pytest.raises(ValueError, match=rf"'{kind}'") as err:
        evidence_matrix(broken, kinds)
    message = str(err.value)
    if not isinstance(bad, (str, bool)) and np.isfinite(bad):
        assert f"claim_id 'c{row}' (row {row})" in message
    else:
        assert f"row {row}" in message or "True/False" in message


# --- bad input named --------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, pattern", [
    (lambda: evidence_matrix({"claim_id": ["a"]}), ValueError, r"claims must be a pandas DataFrame, not dict"),
    (lambda: evidence_matrix(SMALL.iloc[:0]), ValueError, r"claims has no rows"),
    (lambda: evidence_matrix(SMALL, ["survey", "survey"]), ValueError, r"kinds names column 'survey' more than once"),
    (lambda: evidence_matrix(SMALL, ["claim_id"]), ValueError, r"kinds names the identifier column 'claim_id'"),
    (lambda: evidence_matrix(SMALL, ["surveys"]), KeyError, r"claims has no column\(s\) \['surveys'\]"),
    (lambda: evidence_matrix(SMALL.drop(columns="claim_id"), KINDS), KeyError, r"no column\(s\) \['claim_id'\]"),
    (lambda: evidence_matrix(SMALL[["claim_id", "section"]]), ValueError, r"no numeric column .* pass kinds="),
    (lambda: evidence_matrix(SMALL.assign(claim_id=["a", "", "c", "d"])), ValueError, r"claim_id is empty in row 1"),
    (lambda: evidence_matrix(SMALL.assign(claim_id=["a", "a", "c", "d"])), ValueError,
     r"claim_id 'a' appears more than once \(rows 0, 1\)"),
    (lambda: evidence_matrix(SMALL.assign(claim_id=["a", 1, "c", "d"])), ValueError, r"mixes number and str"),
    (lambda: evidence_matrix(SMALL.assign(survey=[0, 2, 1, 0])), ValueError,
     r"column 'survey' has value 2 for claim_id 'b' \(row 1\)"),
    (lambda: evidence_matrix(SMALL.set_axis([10, 11, 12, 13]).assign(survey=[0, 2, 1, 0])), ValueError,
     r"claim_id 'b' \(row 1, index 11\)"),
    (lambda: evidence_matrix(SMALL.assign(survey=[0, True, 1, 0]), KINDS), ValueError,
     r"column 'survey' holds True/False for claim_id 'b'"),
    (lambda: evidence_matrix(SMALL.assign(survey=[0, None, 1, 0])), ValueError,
     r"column 'survey' is empty for claim_id 'b' \(row 1\)"),
    (lambda: evidence_counts(SMALL, KINDS, {"interviews": "s", "observation": "s"}), ValueError,
     r"groups gives no source for kind\(s\) \['survey'\]"),
    (lambda: evidence_counts(SMALL, KINDS, ["site"]), ValueError, r"groups must map each kind to its source"),
    (lambda: evidence_counts(SMALL, KINDS, {**GROUPS, "survey": None}), ValueError, r"empty source for kind 'survey'"),
    (lambda: evidence_counts(SMALL, KINDS, min_independent=1), ValueError, r"min_independent must be a whole number of at least 2"),
    (lambda: convergence_summary([1, 2]), ValueError, r"claims must be a pandas DataFrame, not list"),
    (lambda: convergence_summary(SMALL, by="theme", kinds=KINDS), KeyError, r"no column\(s\) \['theme'\]"),
    (lambda: convergence_summary(SMALL, by="survey", kinds=KINDS), ValueError, r"by names the evidence column 'survey'"),
    (lambda: convergence_summary(SMALL, by=["section"]), ValueError, r"by must be a column name, not list"),
    (lambda: recode(SMALL, {"Z9": {"survey": 1}}), ValueError, r"changes names claim_id 'Z9', which is not in claims"),
    (lambda: recode(SMALL, {"a": {"claim_id": 1}}), KeyError, r"names 'claim_id', which is not an evidence column"),
    (lambda: recode(SMALL, {"a": {"survey": 2}}), ValueError, r"changes\['a'\]\['survey'\] must be 0 or 1, not 2"),
    (lambda: recode(SMALL, {"a": {"survey": True}}), ValueError, r"must be 0 or 1, not True"),
    (lambda: recode(SMALL, {"a": {"survey": "1"}}), ValueError, r"must be 0 or 1, not '1'"),
    (lambda: recode(SMALL, [("a", "survey", 1)]), ValueError, r"changes must map identifiers"),
    (lambda: recode(SMALL, {"a": "survey"}), ValueError, r"changes\['a'\] must map evidence columns"),
    (lambda: recode(SMALL.assign(claim_id=["a", "a", "c", "d"]), {"a": {"survey": 1}}), ValueError,
     r"appears more than once"),
    (lambda: convergence_coding("theme,source,code"), ValueError, r"assessments must be a pandas DataFrame"),
    (lambda: convergence_coding(pd.DataFrame({"theme": ["t"], "source": ["x"], "code": ["agree"]})), ValueError,
     r"code 'agree' for theme 't', source 'x' \(row 0\) is not one of"),
    (lambda: convergence_coding(pd.DataFrame({"theme": ["t", "t"], "source": ["x", "x"],
                                              "code": ["agreement", "silence"]})), ValueError,
     r"theme 't' codes source 'x' more than once \(row 1\)"),
    (lambda: convergence_coding(pd.DataFrame({"theme": [None], "source": ["x"], "code": ["silence"]})), ValueError,
     r"column 'theme' has 1 missing value"),
    (lambda: convergence_coding(pd.DataFrame({"theme": ["t"], "source": ["x"], "code": ["silence"]}), missing="none"),
     ValueError, r"missing must be 'not assessed' or 'silence'"),
])
def test_bad_input_is_refused_naming_its_culprit(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# --- detected kinds: a spoiled evidence column is refused, not silently dropped ---------------------------

@pytest.mark.parametrize("fn", [evidence_kinds, evidence_matrix, evidence_counts, convergence_summary])
def test_a_typo_in_a_detected_evidence_column_is_refused_by_column_value_and_row(fn):
    typo = SMALL.assign(survey=[0, 1, "l", 0])
    with pytest.raises(ValueError, match=r"column 'survey' looks like an evidence column .* value 'l' for "
                                         r"claim_id 'c' \(row 2\)"):
        fn(typo)
    as_text = SMALL.assign(survey=SMALL.survey.astype(str))
    with pytest.raises(ValueError, match=r"column 'survey' holds 0/1 evidence as text \('0' for claim_id 'a'"):
        fn(as_text)
    # named explicitly, numeric text is read as numbers; a text column of labels is not evidence
    assert evidence_matrix(as_text, KINDS).equals(evidence_matrix(SMALL, KINDS))
    assert evidence_kinds(SMALL.assign(note=["1 site", "x", "y", "z"])) == KINDS


def test_convergence_coding_refuses_a_list_for_one_column():
    a = pd.DataFrame({"theme": ["t1"], "source": ["s1"], "code": ["agreement"]})
    with pytest.raises(ValueError, match=r"theme must be one column name, not \['theme'\]"):
        convergence_coding(a, theme=["theme"])
