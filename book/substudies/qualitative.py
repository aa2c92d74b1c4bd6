"""The qualitative strands (substudies 1, 2, 3a and 3b) for the scorecard and the Monte Carlo: their claims
(from :mod:`.interviews_ethnography` and :mod:`.patients_public`) and one simulated study per seed.

No claim of these strands is ``recomputed``: the paper prints no code counts, agreement statistics or
survey percentages for them. What a simulated study can check are the chapters' own intervals against
the generator's truths: Cohen's kappa of the two coders, per code and overall, and the share agreeing
with each statement.
"""
from __future__ import annotations

import pandas as pd

from ..simulate import qualitative as sim
from . import interviews_ethnography as ie
from . import patients_public as pp
from .claims import table


def qualitative_claims(data: dict | None = None) -> pd.DataFrame:
    """All scorecard rows of substudies 1, 2, 3a and 3b, computed from the teaching data."""
    d = data or sim.teaching_data()
    return table(ie.claims(d) + pp.claims(d))


def replicate(seed: int) -> pd.DataFrame:
    """One simulated study at ``seed`` (the chapters' defaults): whether each kappa interval covers the
    coders' population kappa, and each Wilson interval the model's share agreeing (``check="interval"``;
    ``holds`` None where the interval is undefined, e.g. a code no coder used)."""
    d = sim.simulate(int(seed))
    kappa = ie.agreement(ie.segments_table(d))
    likert = pp.likert(d)
    rows = [{"check_id": f"qual.kappa.{'all' if code == ie.ALL_CODES else code}", "check": "interval", "holds": c}
            for code, c in zip(kappa["code"], kappa["covers"])]
    rows += [{"check_id": f"qual.pct_agree.{item}", "check": "interval", "holds": c}
             for item, c in zip(likert["item"], likert["covers"])]
    return pd.DataFrame(rows, columns=["check_id", "check", "holds"])
