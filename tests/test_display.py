"""Tables as printed: which index is shown, what is refused, the plain-text form."""
import pandas as pd
import pytest

from book.display import table


def test_row_positions_are_dropped_and_a_named_or_labelled_index_kept():
    frame = pd.DataFrame({"pair": ["b", "a", "c"], "segments": [2, 2, 1]})
    shuffled = frame.sort_values("pair")  # an index of positions left by the sort: 1, 0, 2
    assert list(table(shuffled, "t", kind="simulated").data.columns) == ["pair", "segments"]
    named = frame.set_index("pair")
    assert list(table(named, "t", kind="simulated").data.columns) == ["pair", "segments"]
    labelled = frame.set_axis(["x", "y", "z"])
    assert list(table(labelled, "t", kind="simulated").data.columns) == ["index", "pair", "segments"]


def test_text_form_carries_the_title_kind_and_cells():
    text = repr(table(pd.DataFrame({"year": [2007, 2009], "mean": [3.2149, 3.3]}), "Means", kind="published"))
    assert text.splitlines()[0] == "Means"
    assert "2007" in text and "3.215" in text and "2,007" not in text


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="needs a DataFrame, not dict"):
        table({"a": [1]}, "t", kind="simulated")
    with pytest.raises(ValueError, match="kind must be one of"):
        table(pd.DataFrame({"a": [1]}), "t", kind="made up")
