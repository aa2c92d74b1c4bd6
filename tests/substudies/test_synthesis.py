"""The synthesis chapter: typed findings and Box 1, the evidence matrix and its counts, bad input, scorecard rows."""
import pandas as pd
import pytest

from book.data import datapackage, published
from book.substudies import synthesis as syn
from book.substudies.claims import LEGACY_COLUMNS as COLUMNS  # the earlier form, until claims() gives kinds


@pytest.fixture(scope="module")
def claims():
    return syn.load_claims()


# --- the published files ------------------------------------------------------------------------------

def test_published_files_load_validate_and_have_the_expected_shape(claims):
    box = syn.load_box1()
    assert list(box["strategy_id"]) == [f"B{i}" for i in range(1, 8)]
    assert (box["stem"] == "Senior leaders should:").all()
    assert len(claims) == 41
    assert claims["section"].value_counts(sort=False).to_dict() == {
        "Goal setting": 16, "Variability in intelligence": 4, "Variability in systems": 9,
        "Culture and behaviour": 8, "Discussion": 4}
    assert list(claims.columns[4:14]) == list(syn.EVIDENCE_KINDS)
    assert set(claims["section"]) == {"Goal setting", "Variability in intelligence", "Variability in systems",
                                      "Culture and behaviour", "Discussion"}
    for name in ("synthesis_claims", "box1_strategies"):
        res = datapackage.resource(name)
        assert res["provenance"]["kind"] == "published"
        assert res["hash"] == "sha256:" + datapackage.sha256(datapackage.resource_path(res))


def test_named_in_agrees_with_the_evidence_columns(claims):
    n = syn.evidence_matrix(claims).sum(axis=1).to_numpy()
    assert ((claims["named_in"] == "none").to_numpy() == (n == 0)).all()


def test_spot_checks_against_the_paper(claims):
    # quotes checked verbatim against the paper's text when typed; here a few rows, as typed from it
    rows = claims.set_index("claim_id")
    assert rows.at["G01", "quote"] == "Virtually all those we interviewed (over 300 in total) were firmly committed"
    assert rows.at["S01", "quote"].startswith("Interviews, observations and surveys showed")
    s01 = rows.loc["S01", list(syn.EVIDENCE_KINDS)]
    assert s01[s01 == 1].index.tolist() == ["stakeholder_interviews", "case_study_interviews", "observation",
                                           "team_survey"]
    assert rows.at["S07", "quote"] == "An analysis of board minutes from 71 NHS Trusts"
    assert rows.at["S07", "board_minutes"] == 1 and rows.loc["S07", list(syn.EVIDENCE_KINDS)].sum() == 1
    assert rows.at["G06", "board_survey"] == 1
    assert rows.at["I02", "named_in"] == "none"
    box = syn.load_box1().set_index("strategy_id")
    assert box.at["B6", "strategy"] == "Develop and model excellent teamwork"
    assert box.at["B3", "strategy"].startswith("Listen to staff and encourage them to be involved")


# --- the evidence matrix on a hand-counted example ----------------------------------------------------

SMALL = pd.DataFrame({
    "claim_id": ["a", "b", "c", "d"],
    "section": ["X", "X", "Y", "Y"],
    "interviews": [1, 1, 0, 0],
    "observation": [1, 0, 0, 0],
    "survey": [0, 1, 1, 0],
})
SMALL_KINDS = ["interviews", "observation", "survey"]
SMALL_GROUPS = {"interviews": "site", "observation": "site", "survey": "national"}


def test_matrix_and_counts_equal_a_hand_count():
    m = syn.evidence_matrix(SMALL, SMALL_KINDS)
    assert m.loc["a"].tolist() == [1, 1, 0] and m.sum().tolist() == [2, 1, 2]
    c = syn.evidence_counts(SMALL, SMALL_KINDS, SMALL_GROUPS).set_index("claim_id")
    # a: two kinds from one site study; b: two independent sources; c: one; d: none
    assert c["n_kinds"].tolist() == [2, 2, 1, 0]
    assert c["n_independent"].tolist() == [1, 2, 1, 0]
    assert c["support"].tolist() == ["one source", "converging", "one source", "none named"]
    # without groups every kind is its own source, so a converges too
    assert syn.evidence_counts(SMALL, SMALL_KINDS).set_index("claim_id").at["a", "support"] == "converging"


def test_convergence_summary_by_section():
    s = syn.convergence_summary(SMALL, kinds=SMALL_KINDS, groups=SMALL_GROUPS).set_index("section")
    assert s.loc["X", ["n_claims", "none named", "one source", "converging"]].tolist() == [2, 0, 1, 1]
    assert s.loc["Y", ["n_claims", "none named", "one source", "converging"]].tolist() == [2, 1, 1, 0]
    assert s.at["X", "share_converging"] == 0.5 and s.at["Y", "mean_kinds"] == 0.5


def test_book_counts_agree_with_an_independent_count(claims):
    c = syn.evidence_counts(claims).set_index("claim_id")
    kinds = list(syn.EVIDENCE_KINDS)
    assert (c["n_kinds"] == claims.set_index("claim_id")[kinds].sum(axis=1)).all()
    group = dict(zip(syn.KINDS["kind"], syn.KINDS["substudy"]))
    for rec in claims.to_dict("records"):
        assert c.at[rec["claim_id"], "n_independent"] == len({group[k] for k in kinds if rec[k] == 1})
    # G03 names interviews (1, 2) and observation (2): three kinds, two substudies
    assert c.loc["G03", ["n_kinds", "n_independent"]].tolist() == [3, 2]
    totals = syn.convergence_summary(claims)[["none named", "one source", "converging"]].sum()
    assert totals.sum() == len(claims)
    assert totals.to_dict() == {"none named": 13, "one source": 18, "converging": 10}


def test_recode_changes_the_summary():
    base = syn.load_claims()
    before = syn.convergence_summary(base).set_index("section").loc["Goal setting"]
    after = syn.convergence_summary(
        syn.recode(base, {"G08": {"stakeholder_interviews": 1, "case_study_interviews": 1}})
    ).set_index("section").loc["Goal setting"]
    assert after["converging"] == before["converging"] + 1 and after["none named"] == before["none named"] - 1


def test_recode_works_on_a_readers_own_table():
    out = syn.recode(SMALL, {"d": {"observation": 1}}, kinds=SMALL_KINDS)
    assert out.set_index("claim_id").at["d", "observation"] == 1 and SMALL.at[3, "observation"] == 0
    c = syn.evidence_counts(out, SMALL_KINDS, SMALL_GROUPS).set_index("claim_id")
    assert c.at["d", "support"] == "one source"
    with pytest.raises(ValueError, match=r"recode: no evidence column 'claim_id'"):
        syn.recode(SMALL, {"d": {"claim_id": 1}}, kinds=SMALL_KINDS)
    with pytest.raises(ValueError, match=r"recode: no evidence column 'stakeholder_interviews'"):
        syn.recode(SMALL, {"d": {"stakeholder_interviews": 1}})
    with pytest.raises(ValueError, match=r"must be 0 or 1, got 2"):
        syn.recode(SMALL, {"a": {"survey": 2}}, kinds=SMALL_KINDS)


# --- bad input ------------------------------------------------------------------------------------------

def test_bad_input_names_the_fault():
    with pytest.raises(ValueError, match=r"column 'survey' has value 2 for claim_id 'b'"):
        syn.evidence_matrix(SMALL.assign(survey=[0, 2, 1, 0]), SMALL_KINDS)
    with pytest.raises(ValueError, match=r"column 'survey' has value nan"):
        syn.evidence_matrix(SMALL.assign(survey=[0, None, 1, 0]), SMALL_KINDS)
    with pytest.raises(ValueError, match=r"claim_id is empty in row 1"):
        syn.evidence_matrix(SMALL.assign(claim_id=["a", "", "c", "d"]), SMALL_KINDS)
    with pytest.raises(ValueError, match=r"duplicate claim_id 'a'"):
        syn.evidence_matrix(SMALL.assign(claim_id=["a", "a", "c", "d"]), SMALL_KINDS)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['claim_id'\]"):
        syn.evidence_matrix(SMALL.drop(columns="claim_id"), SMALL_KINDS)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['stakeholder_interviews'"):
        syn.evidence_matrix(SMALL)
    with pytest.raises(ValueError, match=r"groups gives no source for kind\(s\) \['survey'\]"):
        syn.evidence_counts(SMALL, SMALL_KINDS, {"interviews": "s", "observation": "s"})
    with pytest.raises(ValueError, match=r"no column 'theme'"):
        syn.convergence_summary(SMALL, by="theme", kinds=SMALL_KINDS)
    with pytest.raises(ValueError, match=r"recode: no claim with claim_id 'Z99'"):
        syn.recode(syn.load_claims(), {"Z99": {"observation": 1}})
    with pytest.raises(ValueError, match=r"must be 0 or 1, got 3"):
        syn.recode(syn.load_claims(), {"G01": {"observation": 3}})


def test_schema_refuses_a_non_binary_evidence_cell(claims):
    raw = pd.read_csv(datapackage.resource_path(datapackage.resource("synthesis_claims")), dtype=str,
                      keep_default_na=False)
    raw.loc[0, "observation"] = "2"
    with pytest.raises(ValueError, match=r"column 'observation' has value .*2.*not one of \[0, 1\]"):
        datapackage.validate(raw, datapackage.resource("synthesis_claims"))


# --- convergence coding and Box 1 --------------------------------------------------------------------------

def test_convergence_coding_pivots_and_counts():
    a = pd.DataFrame({"theme": ["t", "t", "u"], "source": ["x", "y", "x"],
                      "code": ["agreement", "dissonance", "partial agreement"]})
    m = syn.convergence_coding(a)
    assert m.at["u", "y"] == "silence"  # not listed for u
    assert m.loc["t", ["agreement", "partial agreement", "silence", "dissonance"]].tolist() == [1, 0, 0, 1]
    with pytest.raises(ValueError, match=r"code 'agree' for theme 't', source 'x'"):
        syn.convergence_coding(a.assign(code=["agree", "dissonance", "silence"]))
    with pytest.raises(ValueError, match=r"codes source 'x' more than once"):
        syn.convergence_coding(pd.concat([a, a.iloc[[0]]]))


def test_worked_example_and_box1_refer_to_typed_findings(claims):
    ids = set(claims["claim_id"])
    ex = syn.convergence_example()
    assert set(ex["code"]) <= set(syn.CONVERGENCE_CODES) and set(ex["source"]) <= set(syn.EVIDENCE_KINDS)
    assert {c for basis in ex["basis"] for c in basis.split()} <= ids
    assert {c for found in syn.BOX1_FINDINGS.values() for c in found} <= ids
    box = syn.box1_map(claims).set_index("strategy_id")
    assert box.at["B4", "n_sourced"] == 0  # feedback: the intelligence findings name no source
    assert box.at["B1", "n_findings"] == 4 and box.at["B1", "n_converging"] == 3


# --- scorecard rows ---------------------------------------------------------------------------------------------

def test_scorecard_rows():
    rows = syn.synthesis_claims()
    assert list(rows.columns) == COLUMNS and rows["claim_id"].is_unique
    by_id = rows.set_index("claim_id")
    total = published.count("stakeholder_interviews") + published.count("case_study_interviews")
    assert total == 304
    over = by_id.loc["synthesis.interviewees_over_300"]
    assert over["status"] == "match" and over["reproduced"].startswith("107 + 197 = 304")
    seven = by_id.loc["synthesis.seven_substudies"]
    assert seven["reproduced"] == "11 study elements in 6 numbered groups (1-6)"
    assert syn.substudy_groups(published.table1()) == ["1", "2", "3", "4", "5", "6"]
    assert syn.OVER_300 == (300, 300 + syn.OVER_MARGIN)
    assert "107 + 197 = 304 fits 'over 300'" in syn.CODING_RULES.set_index("rule").at["R3", "reading"]
    assert seven["status"] == "mismatch" and "inconsistency" in seven["note"]
    per_claim = rows[rows["claim_id"].str.match(r"synthesis\.[GISCD]\d\d$")]
    assert len(per_claim) == len(syn.load_claims())
    assert (per_claim["status"] == "not reproducible").all() and (per_claim["note"] != "").all()
    assert "qualitative" in by_id.at["synthesis.G03", "note"]
    # G03's CSV row codes stakeholder interviews (substudy 1), case-study interviews and observation (both 2)
    assert by_id.at["synthesis.G03", "reproduced"] == (
        "3 kind(s) named (stakeholder_interviews, case_study_interviews, observation) from 2 substudy group(s) (1,2)")
    assert by_id.at["synthesis.G03", "note"].startswith("rests on qualitative data (stakeholder_interviews, "
                                                        "case_study_interviews, observation)")
    # S07 codes board minutes only (6b, 6c): not qualitative
    assert by_id.at["synthesis.S07", "reproduced"] == "1 kind(s) named (board_minutes) from 1 substudy group(s) (6)"
    assert by_id.at["synthesis.S07", "note"] == (
        "the authors' reading of survey, routine or documentary analyses; the printed figures behind it, where "
        "there are any, are checked in the substudy rows (named in: sentence)")
    assert by_id.at["synthesis.I02", "reproduced"] == "no kind of evidence named"
