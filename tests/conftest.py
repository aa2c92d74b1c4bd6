"""Test-wide settings: property-based tests are deterministic and leave nothing behind.

Hypothesis derives its examples from each test's name (``derandomize``), so a failure found in CI is
found again on any machine; it keeps no example database (which would change what later runs try).
"""
from hypothesis import settings

settings.register_profile("book", derandomize=True, database=None, deadline=None, print_blob=False)
settings.load_profile("book")
