"""Test-wide settings: property-based tests are deterministic and leave nothing behind.

Hypothesis derives its examples from each test's name (``derandomize``), so a failure found in CI is
found again on any machine; it keeps no example database (which would change what later runs try).

``BOOK_PROPERTY_SHARE`` (a fraction, default 1) runs each property-based test on that share of its
examples: the first ones of the same sequence. The platform check sets it for the emulated machines,
which repeat on other arithmetic a suite whose full run is `make test`.
"""
import os

from hypothesis import settings

settings.register_profile("book", derandomize=True, database=None, deadline=None, print_blob=False)
settings.load_profile("book")


def pytest_collection_modifyitems(items):
    text = os.environ.get("BOOK_PROPERTY_SHARE", "1")
    try:
        share = float(text)
    except ValueError:
        share = float("nan")
    if not 0 < share <= 1:
        raise ValueError(f"BOOK_PROPERTY_SHARE must be a fraction in (0, 1], not {text!r}")
    if share == 1:
        return
    for item in items:
        test = getattr(item, "obj", None)
        # the settings Hypothesis reads when the test runs (its @settings, or the profile's)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is not None:
            test._hypothesis_internal_use_settings = settings(
                current, max_examples=max(5, round(current.max_examples * share)))
