"""Seeded generators of the book's teaching data, one module per substudy.

Each module exposes ``generate() -> {file name: CSV text}``; ``python -m book data``
writes them all to ``data/simulated``.
"""
from . import survey_trends

#: Every generator, in the order ``python -m book data`` runs them.
GENERATORS = (survey_trends,)


def generate_all() -> dict[str, str]:
    """File name -> CSV text for every simulated dataset."""
    out: dict[str, str] = {}
    for module in GENERATORS:
        out.update(module.generate())
    return out
