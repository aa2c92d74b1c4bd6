"""Notebook set-up shared by every chapter: figure theme and stable table display."""
from __future__ import annotations

import pandas as pd

from .plots import set_theme


def setup() -> None:
    """Apply the book's figure theme and pandas display options (3 decimals, so stored outputs are stable)."""
    set_theme()
    pd.set_option("display.precision", 3)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.width", 140)
