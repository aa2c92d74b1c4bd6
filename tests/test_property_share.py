"""BOOK_PROPERTY_SHARE (tests/conftest.py): a property-based test tries that share of its examples, and a
value that is no fraction stops the run naming the variable."""
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
COUNTING = """
from hypothesis import given, settings, strategies as st

CALLS = []


@settings(max_examples=40)
@given(st.integers(0, 10**9))
def test_counted(x):
    CALLS.append(x)


def test_report():
    print(f"examples tried: {len(CALLS)}")
"""


@pytest.mark.parametrize("share, expected", [(None, 40), ("1", 40), ("0.25", 10), ("0.01", 5)])
def test_share_of_examples(pytester, monkeypatch, share, expected):
    if share is None:
        monkeypatch.delenv("BOOK_PROPERTY_SHARE", raising=False)
    else:
        monkeypatch.setenv("BOOK_PROPERTY_SHARE", share)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(COUNTING)
    result = pytester.runpytest_inprocess("-s", "-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*examples tried: {expected}*"])


@pytest.mark.parametrize("share", ["0", "1.5", "-1", "nan", "a quarter"])
def test_a_share_outside_0_1_is_refused(pytester, monkeypatch, share):
    monkeypatch.setenv("BOOK_PROPERTY_SHARE", share)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(COUNTING)
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    assert result.ret != 0
    assert f"BOOK_PROPERTY_SHARE must be a fraction in (0, 1], not {share!r}" in result.stdout.str() + result.stderr.str()
