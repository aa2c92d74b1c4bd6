"""data/: every file matches the data dictionary, simulated files regenerate byte for byte."""
import os

import pandas as pd
import pytest

from book.data import datasets, published
from book.data.datapackage import descriptor, read, resource, resource_path, sha256, validate
from book.data.paths import DATA, SIMULATED
from book.simulate import generate_all


def test_every_data_file_is_in_the_dictionary_and_back():
    listed = {r["path"] for r in descriptor()["resources"]}
    on_disk = {str(p.relative_to(DATA)) for p in DATA.glob("*/*.csv")}
    assert listed == on_disk


@pytest.mark.parametrize("res", descriptor()["resources"], ids=lambda r: r["name"])
def test_every_resource_validates_and_its_hash_is_current(res):
    assert res["hash"] == "sha256:" + sha256(resource_path(res)), "run `make data` to refresh hashes"
    table = read(res["name"])
    assert len(table) > 0
    assert res["provenance"]["kind"] in {"published", "simulated", "illustrative", "book"}
    for field in res["schema"]["fields"]:
        assert field.get("description"), f"{res['name']}.{field['name']} has no description"


def test_simulated_data_regenerate_byte_identically():
    files = generate_all()
    assert set(files) == {p.name for p in SIMULATED.glob("*.csv")}
    for name, text in files.items():
        assert (SIMULATED / name).read_bytes() == text.encode("utf-8"), f"data/simulated/{name} differs; run `make data`"


def _survey_raw():
    res = resource("staff_survey_trusts")
    raw = pd.read_csv(resource_path(res), dtype=str, keep_default_na=False)
    return res, raw


def test_validation_names_a_missing_column():
    res, raw = _survey_raw()
    with pytest.raises(ValueError, match=r"missing \['value'\]"):
        validate(raw.drop(columns="value"), res)


def test_validation_names_a_duplicate_trust_year_item():
    res, raw = _survey_raw()
    with pytest.raises(ValueError, match=r"2 rows share a primary key \(trust_id-year-item\)"):
        validate(pd.concat([raw, raw.iloc[[0]]], ignore_index=True), res)


def test_validation_names_an_out_of_range_likert_value():
    res, raw = _survey_raw()
    raw.loc[3, "value"] = "5.40"
    with pytest.raises(ValueError, match=r"column 'value' has 1 value\(s\) above the allowed maximum 5"):
        validate(raw, res)


def test_validation_names_a_non_numeric_value():
    res, raw = _survey_raw()
    raw.loc[0, "year"] = "2007a"
    with pytest.raises(ValueError, match=r"column 'year' holds non-numeric value '2007a' \(row 2"):
        validate(raw, res)


def test_item_scale_check_uses_each_items_own_scale():
    data = datasets.staff_survey_trusts().head(3).copy()
    data.loc[0, "value"] = 4.8  # fine on 1-5
    datasets.check_item_ranges(data)
    inpatient = datasets.inpatient_survey_trusts()
    bad = inpatient[inpatient["item"] == "ward_clean"].head(2).copy()
    bad.iloc[0, bad.columns.get_loc("value")] = 4.5  # above the inpatient item's 1-4 scale
    with pytest.raises(ValueError, match=r"outside their item's scale, first 4.5 for 'ward_clean' \(allowed 1 to 4\)"):
        datasets.check_item_ranges(bad)
    with pytest.raises(ValueError, match="unknown survey item"):
        datasets.check_item_ranges(bad.assign(item="made_up"))


def test_table1_has_every_study_element():
    t1 = published.table1()
    assert t1["element_id"].tolist() == ["1", "2", "3a", "3b", "4a", "4b", "4c", "5", "6a", "6b", "6c"]
    assert t1["source"].str.len().gt(0).all()


def test_text_counts_carry_their_sources():
    counts = published.text_counts()
    assert counts["source"].str.len().gt(0).all()
    assert [published.count(k) for k in ("stakeholder_interviews", "teams", "minutes_sets",
                                         "board_innovations_total", "board_innovations_2011h1")] == [
        107, 621, 793, 144, 26]
    # the half-years add up to the total, and the two domains named are part of it
    halves = sum(published.count(k) for k in ("board_innovations_2010h1", "board_innovations_2010h2",
                                              "board_innovations_2011h1"))
    assert halves == published.count("board_innovations_total")
    assert published.count("team_trusts") == sum(published.count(f"team_trusts_{s}") for s in (
        "acute", "mental_health", "ambulance", "primary_care"))
    with pytest.raises(KeyError, match="no published count 'nonsense'"):
        published.count("nonsense")


def test_validation_names_enum_pattern_and_required_faults():
    res, raw = _survey_raw()
    bad = raw.copy()
    bad.loc[2, "trust_type"] = "hospice"
    with pytest.raises(ValueError, match=r"column 'trust_type' has value 'hospice', not one of"):
        validate(bad, res)
    bad = raw.copy()
    bad.loc[4, "trust_id"] = "acute-1"
    with pytest.raises(ValueError, match=r"column 'trust_id' has value 'acute-1', which does not match the pattern"):
        validate(bad, res)
    bad = raw.copy()
    bad.loc[6, "item"] = ""
    with pytest.raises(ValueError, match=r"column 'item' is required but empty in 1 row\(s\), first at row 8 of the file"):
        validate(bad, res)
    bad = raw.copy()
    bad.loc[9, "year"] = "1990"
    with pytest.raises(ValueError, match=r"column 'year' has value 1990, not one of \[2007, 2009, 2011\]"):
        validate(bad, res)
    bad = raw.copy()
    bad.loc[9, "value"] = "0.5"
    with pytest.raises(ValueError, match=r"column 'value' has 1 value\(s\) below the allowed minimum 1, first 0.5 at row 11"):
        validate(bad, res)


def test_every_generator_uses_the_seed_rule_and_the_dictionary_says_so():
    import importlib

    from book.simulate import GENERATORS
    from book.simulate.seeds import DEFAULT_SEED

    assert DEFAULT_SEED == 2014  # the year the paper was published: the rule stated in the README
    assert {g.DEFAULT_SEED for g in GENERATORS} == {DEFAULT_SEED}
    for res in descriptor()["resources"]:
        generator = res["provenance"].get("generator")
        if generator and "seeds" in res["provenance"]:  # a run over many simulated studies: seeds 1 to R
            assert res["provenance"]["seeds"] == f"1-{importlib.import_module(generator).REPLICATES}", res["name"]
        elif generator:
            assert res["provenance"]["seed"] == importlib.import_module(generator).DEFAULT_SEED, res["name"]


def test_every_file_states_its_licence_and_attribution():
    from book.data.datapackage import licence

    for res in descriptor()["resources"]:
        assert res.get("licenses") == licence(res), f"{res['name']}: run `make data` to write its licence"
    published = [r for r in descriptor()["resources"] if r["provenance"]["kind"] == "published"]
    assert published and all("BY-NC" in r["licenses"][0]["name"] for r in published)


def test_published_figures_are_a_new_frame_on_every_read():
    # read once and kept: a chapter that changes its copy must not change the next reader's
    first = published.text_counts()
    first.loc[first.index[0], "value"] = -1
    assert published.text_counts().iloc[0]["value"] != -1
    a, b = published.table1(), published.table1()
    assert a is not b and a.equals(b)


def test_published_figures_are_read_again_when_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(published, "PUBLISHED", tmp_path)
    f = tmp_path / "figures.csv"
    f.write_text("value\n1\n")
    assert published._read("figures.csv")["value"].tolist() == [1]
    f.write_text("value\n2\n")  # the same size: only the time of change tells
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    assert published._read("figures.csv")["value"].tolist() == [2]
    f.write_text("value\n30\n")
    assert published._read("figures.csv")["value"].tolist() == [30]
