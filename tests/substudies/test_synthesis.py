"""The synthesis chapter: the paper's quotes and the book's coding, the counts, GRAMMS, scorecard rows, and the
worked solutions of the chapter's exercises, run as the chapter shows them."""
import json
import re

import pandas as pd
import pytest

from book.data import datapackage, published
from book.data.paths import ROOT
from book.methods.synthesis import convergence_coding, evidence_counts, recode
from book.substudies import claims as claims_module
from book.substudies import synthesis as syn


@pytest.fixture(scope="module")
def claims():
    return syn.load_claims()


# --- the files ------------------------------------------------------------------------------------------

def test_published_quotes_and_book_coding_are_separate_files(claims):
    quotes, coding = syn.load_quotes(), syn.load_coding()
    assert list(quotes.columns) == ["claim_id", "section", "quote", "source"]
    assert "quote" not in coding.columns and "claim" in coding.columns
    assert quotes["claim_id"].tolist() == coding["claim_id"].tolist() == claims["claim_id"].tolist()
    kinds = {name: datapackage.resource(name)["provenance"]["kind"] for name in
             ("synthesis_claims", "box1_strategies", "text_counts", "synthesis_coding", "gramms_appraisal")}
    assert kinds == {"synthesis_claims": "published", "box1_strategies": "published", "text_counts": "published",
                     "synthesis_coding": "book", "gramms_appraisal": "book"}
    for name in kinds:
        res = datapackage.resource(name)
        assert res["hash"] == "sha256:" + datapackage.sha256(datapackage.resource_path(res))
        assert all(f["description"] for f in res["schema"]["fields"])


def test_the_findings_by_section(claims):
    assert len(claims) == 47
    assert claims["section"].value_counts(sort=False).to_dict() == {
        "Goal setting": 22, "Variability in intelligence": 4, "Variability in systems": 9,
        "Culture and behaviour": 8, "Discussion": 4}
    assert list(claims.columns[4:14]) == list(syn.EVIDENCE_KINDS)
    box = syn.load_box1()
    assert list(box["strategy_id"]) == [f"B{i}" for i in range(1, 8)] and (box["stem"] == "Senior leaders should:").all()


def test_named_in_agrees_with_the_evidence_columns(claims):
    n = claims[list(syn.EVIDENCE_KINDS)].sum(axis=1).to_numpy()
    assert ((claims["named_in"] == "none").to_numpy() == (n == 0)).all()


def test_spot_checks_against_the_paper(claims):
    rows = claims.set_index("claim_id")
    assert rows.at["G01", "quote"] == "Virtually all those we interviewed (over 300 in total) were firmly committed"
    assert rows.at["S07", "quote"] == "An analysis of board minutes from 71 NHS Trusts"
    assert rows.at["G21", "quote"] == "since 2009 the number working unpaid extra hours has increased sharply"
    assert rows.at["G22", "source"] == "Results, Goal setting, paragraph 7"
    s01 = rows.loc["S01", list(syn.EVIDENCE_KINDS)]
    assert s01[s01 == 1].index.tolist() == ["stakeholder_interviews", "case_study_interviews", "observation",
                                           "team_survey"]
    # the paper says "the largest number" of frontline innovations, a plurality, not "most"
    assert "largest number" in rows.at["S08", "claim"] and "most" not in rows.at["S08", "claim"].split()
    # rule R7 is applied alike to the two findings on patient satisfaction as an outcome of the staff survey
    assert rows.at["G04", "outcome_analyses"] == rows.at["C05", "outcome_analyses"] == 1


def test_new_counts_carry_their_sources():
    tc = published.text_counts()
    assert [published.count(k) for k in ("programme_period_first", "programme_period_last", "substudies_stated",
                                         "ahc_ratings_first_year", "ahc_ratings_last_year")] == [2010, 2012, 7, 2005, 2008]
    assert tc.at["substudies_stated", "source"] == "Methods, paragraph 1"
    assert tc.at["p_one_star", "qualifier"] == "below" and published.count("p_two_stars") == 0.01


def test_schema_refuses_a_non_binary_evidence_cell():
    res = datapackage.resource("synthesis_coding")
    raw = pd.read_csv(datapackage.resource_path(res), dtype=str, keep_default_na=False)
    raw.loc[0, "observation"] = "2"
    with pytest.raises(ValueError, match=r"column 'observation' has value .*2.*not one of \[0, 1\]"):
        datapackage.validate(raw, res)


# --- the counts --------------------------------------------------------------------------------------------

def test_book_counts_agree_with_an_independent_count(claims):
    c = syn.counts(claims).set_index("claim_id")
    kinds = list(syn.EVIDENCE_KINDS)
    assert (c["n_kinds"] == claims.set_index("claim_id")[kinds].sum(axis=1)).all()
    for rec in claims.to_dict("records"):
        assert c.at[rec["claim_id"], "n_independent"] == len({syn.GROUPS[k] for k in kinds if rec[k] == 1})
    assert c.loc["G03", ["n_kinds", "n_independent"]].tolist() == [3, 2]
    totals = syn.summary(claims)[["none named", "one source", "multiply sourced"]].sum()
    assert totals.to_dict() == {"none named": 13, "one source": 24, "multiply sourced": 10}


def test_recode_changes_the_summary(claims):
    before = syn.summary(claims).set_index("section").loc["Goal setting"]
    after = syn.summary(recode(claims, {"G08": {"stakeholder_interviews": 1, "case_study_interviews": 1}},
                               kinds=list(syn.EVIDENCE_KINDS))).set_index("section").loc["Goal setting"]
    assert after["multiply sourced"] == before["multiply sourced"] + 1
    assert after["none named"] == before["none named"] - 1


def test_worked_example_and_box1_refer_to_typed_findings(claims):
    ids = set(claims["claim_id"])
    ex = syn.convergence_example()
    m = convergence_coding(ex)
    assert set(ex["source"]) <= set(syn.EVIDENCE_KINDS) and {c for b in ex["basis"] for c in b.split()} <= ids
    assert m["dissonance"].sum() == 1 and m.at["Innovation is infrequent", "observation"] == "silence"
    assert m.at["Innovation is infrequent", "board_survey"] == "not assessed"
    assert {c for found in syn.BOX1_FINDINGS.values() for c in found} <= ids
    box = syn.box1_map(claims).set_index("strategy_id")
    assert box.at["B4", "n_sourced"] == 0  # feedback: the intelligence findings name no source
    assert box.at["B1", "n_findings"] == 4 and box.at["B1", "n_multiply_sourced"] == 3


def test_gramms_appraisal_covers_every_item():
    g = syn.load_gramms()
    assert g["item"].tolist() == [1, 2, 3, 4, 5, 6]
    assert set(g["judgement"]) <= set(syn.GRAMMS_LEVELS)
    assert (g.loc[g["judgement"] != "not reported", "evidence"] != "").all()
    assert g.set_index("item").at[5, "judgement"] == "not reported"


# --- scorecard rows -------------------------------------------------------------------------------------------

def test_scorecard_rows(claims):
    rows = syn.synthesis_claims()
    assert list(rows.columns) == claims_module.COLUMNS and rows["claim_id"].is_unique
    assert set(rows["kind"]) <= set(claims_module.KINDS)
    by_id = rows.set_index("claim_id")
    over = by_id.loc["synthesis.interviewees_over_300"]
    assert over["kind"] == "consistency" and over["status"] == "match"
    assert over["reproduced"].startswith("107 + 197 = 304") and over["tolerance"].startswith("more than 300")
    seven = by_id.loc["synthesis.seven_substudies"]
    assert seven["kind"] == seven["status"] == "not reproducible"
    assert seven["reproduced"] == ("the Methods list 7 kinds of primary data; Table 1 numbers 11 elements in "
                                   "6 groups (1-6)")
    assert "ambiguous, not contradictory" in seven["note"] and "mismatch" not in seven["note"]
    cases = by_id.loc["synthesis.case_composition"]
    assert cases["reproduced"] == "4 + 1 + 1 + 1 = 7" and cases["status"] == "match"
    assert by_id.at["synthesis.ahc_window", "status"] == "match"
    per_claim = rows[rows["claim_id"].str.match(r"synthesis\.[GISCD]\d\d$")]
    assert len(per_claim) == len(claims) and (per_claim["status"] == "not reproducible").all()
    assert by_id.at["synthesis.G03", "reproduced"] == (
        "3 kind(s) named (stakeholder_interviews, case_study_interviews, observation) from 2 substudy group(s) (1,2)")
    assert by_id.at["synthesis.G03", "note"].startswith("rests on qualitative data")
    assert by_id.at["synthesis.S07", "reproduced"] == "1 kind(s) named (board_minutes) from 1 substudy group(s) (6)"
    assert "Tables 2 and 3 do not print" in by_id.at["synthesis.G21", "note"]
    assert by_id.at["synthesis.I02", "reproduced"] == "no kind of evidence named"


def test_a_consistency_check_can_fail(monkeypatch):
    real = published.count
    monkeypatch.setattr(syn.published, "count", lambda k: 3 if k == "case_study_hospital_trusts" else real(k))
    row = syn.synthesis_claims().set_index("claim_id").loc["synthesis.case_composition"]
    assert row["status"] == "inconsistent" and row["reproduced"] == "3 + 1 + 1 + 1 = 6"


# --- the chapter's worked solutions, run as printed ------------------------------------------------------------

def _solution_code(label: str) -> str:
    nb = json.loads((ROOT / "chapters" / "synthesis.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        found = re.search(r":::\{solution\} " + re.escape(label) + r"\b.*?```python\n(.*?)```", text, re.S)
        if cell["cell_type"] == "markdown" and found:
            return found.group(1)
    raise AssertionError(f"no solution with code for {label}")


def _glued(name: str):
    """A value the chapter glued, as stored in its outputs."""
    nb = json.loads((ROOT / "chapters" / "synthesis.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("metadata", {}).get("scrapbook", {}).get("name") == name:
                return out["data"]["application/papermill.record/text/plain"]
    raise AssertionError(f"the chapter glues no {name!r}")


def _run(label: str) -> dict:
    namespace = {"pd": pd, "syn": syn, "recode": recode, "evidence_counts": evidence_counts,
                 "convergence_coding": convergence_coding}
    exec(compile(_solution_code(label), f"<solution {label}>", "exec"), namespace)
    return namespace


def test_solution_narrow_interviews(claims):
    ns = _run("ex-synth-rule")
    narrow = ns["narrow"]
    # every finding coded with both interview sets and observation loses the stakeholder interviews
    both = claims[(claims["stakeholder_interviews"] == 1) & (claims["observation"] == 1)]["claim_id"]
    assert set(ns["changes"]) == set(both)
    assert (narrow.set_index("claim_id").loc[list(both), "stakeholder_interviews"] == 0).all()
    after = syn.summary(narrow)[["none named", "one source", "multiply sourced"]].sum().to_dict()
    assert after == ns["after"] and after["multiply sourced"] < 10
    assert _glued("rule_n") == str(len(ns["changes"])) and _glued("rule_after") == str(after["multiply sourced"])


def test_solution_mmat_appraisal():
    ns = _run("ex-synth-mmat")
    mmat = ns["mmat"]
    assert mmat["item"].tolist() == ["5.1", "5.2", "5.3", "5.4", "5.5"]
    assert set(mmat["judgement"]) <= {"yes", "no", "can't tell"}
    assert (mmat["evidence"].str.len() > 0).all()
    tally = ns["tally"]
    assert tally.to_dict() == mmat["judgement"].value_counts().to_dict()
    assert [_glued(k) for k in ("mmat_yes", "mmat_cant", "mmat_no")] == [
        str(int(tally.get(j, 0))) for j in ("yes", "can't tell", "no")]


def test_solution_convergence_coding_matrix():
    ns = _run("ex-synth-ccm")
    row = ns["matrix"].loc["Systems deficits frustrate well-motivated staff"]
    assert row["patient_survey"] == "partial agreement" and row["agreement"] == 4 and row["silence"] == 1
