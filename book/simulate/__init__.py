"""Seeded generators of the book's teaching data, one module per substudy.

Each module exposes ``generate() -> {file name: CSV text}``; ``python -m book data``
writes them all to ``data/simulated``.
"""
from . import survey_trends
from . import engagement
from . import qualitative
from . import boards
from . import teams

#: Every generator, in the order ``python -m book data`` runs them.
GENERATORS = (survey_trends, engagement, qualitative, boards, teams)


def generate_all(only: list[str] | None = None) -> dict[str, str]:
    """File name -> CSV text for every simulated dataset (or those of the generator modules in ``only``)."""
    known = {m.__name__.rsplit(".", 1)[-1]: m for m in GENERATORS}
    unknown = sorted(set(only or ()) - set(known))
    if unknown:
        raise ValueError(f"unknown generator(s) {unknown}; known: {sorted(known)}")
    out: dict[str, str] = {}
    for name, module in known.items():
        if only is None or name in only:
            out.update(module.generate())
    return out
