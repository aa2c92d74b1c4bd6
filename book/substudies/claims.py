"""What a row of the replication scorecard holds, shared by every chapter's claims.

Each claim is written down *before* it is computed: where the paper says it (``source``), what it says
(``published``), what would count as reproducing it (``tolerance``, from the precision the paper prints
or the range it quotes) and what kind of check it is:

- ``by construction``: the figure was an input of the generator, so reproducing it shows only that the
  teaching data were built as described, not that anything replicated;
- ``feasibility``: the printed figures can arise together only under assumptions stated on the row;
- ``consistency``: arithmetic among the paper's own numbers;
- ``recomputed``: a statistic the generator was not given, estimated from the data (its replication
  rate over many simulated studies says how often a study of this size would reproduce it);
- ``not reproducible``: the paper gives nothing to check against (the note says why).

Its ``status`` is ``match`` or ``mismatch`` (our figure against the paper's, within the tolerance),
``inconsistent`` (the paper's own numbers disagree, or cannot arise together: a finding about the paper)
or ``not reproducible``.
"""
from __future__ import annotations

import pandas as pd

COLUMNS = ["claim_id", "substudy", "source", "published", "tolerance", "reproduced", "kind", "status", "note"]
KINDS = ("by construction", "feasibility", "consistency", "recomputed", "not reproducible")
STATUSES = ("match", "mismatch", "inconsistent", "not reproducible")


def status(ok: bool) -> str:
    """``"match"`` or ``"mismatch"``."""
    return "match" if ok else "mismatch"


def claim(claim_id: str, substudy: str, source: str, published: str, *, kind: str, tolerance: str = "",
          reproduced: str = "", ok: bool | None = None, note: str = "") -> dict:
    """One scorecard row; ``ok`` is whether our figure meets the tolerance (or the paper's figures agree).

    The status follows from the kind: a ``consistency`` or ``feasibility`` check that fails is
    ``inconsistent`` (the paper disagrees with itself), any other failed check is a ``mismatch``, and a
    ``not reproducible`` row needs a note saying why.
    """
    if kind not in KINDS:
        raise ValueError(f"{claim_id}: kind must be one of {KINDS}, not {kind!r}")
    if kind == "not reproducible":
        if not note:
            raise ValueError(f"{claim_id}: a row that cannot be reproduced needs a note saying why")
        result = "not reproducible"
    else:
        if ok is None:
            raise ValueError(f"{claim_id}: a {kind} check needs ok=True or False")
        if not tolerance:
            raise ValueError(f"{claim_id}: a {kind} check needs its tolerance, written before it is computed")
        result = "match" if ok else ("inconsistent" if kind in ("consistency", "feasibility") else "mismatch")
    return {"claim_id": claim_id, "substudy": substudy, "source": source, "published": published,
            "tolerance": tolerance, "reproduced": reproduced, "kind": kind, "status": result, "note": note}


def table(rows: list[dict]) -> pd.DataFrame:
    """Rows of :func:`claim` as a DataFrame with the scorecard's columns."""
    return pd.DataFrame(rows, columns=COLUMNS)
