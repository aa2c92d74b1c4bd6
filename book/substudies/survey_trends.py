"""The survey-trends chapter's scorecard (substudies 4a and 4b): Tables 2 and 3 cell by cell, the trust
counts of Table 1, and the text's reading of the trends."""
from __future__ import annotations

import pandas as pd

from ..data import datasets, published
from ..methods.markers import PLAUSIBLE_R, marker_correlation_table
from ..methods.replication import survey_table_comparison
from ..methods.trends import change_table
from .claims import LEGACY_COLUMNS as COLUMNS, status  # the earlier form, until claims() gives kinds


def survey_trends_claims() -> pd.DataFrame:
    """Tables 2 and 3 cell by cell, the trust counts of Table 1, and the text's reading of the trends."""
    staff, inpatient = datasets.staff_survey_trusts(), datasets.inpatient_survey_trusts()
    changes = pd.concat([change_table(staff), change_table(inpatient)], ignore_index=True)
    pub_long = published.survey_tables_long()
    cells = survey_table_comparison(changes, pub_long)
    wide = published.survey_tables().set_index("item_id")
    markers = marker_correlation_table(pub_long).set_index(["item", "period_from"])
    rows = []
    for rec in cells.to_dict("records"):
        item = rec["item"]
        table, survey = wide.at[item, "table"], wide.at[item, "survey"]
        note = ""
        if rec["cell"].startswith("change_"):
            start = int(rec["cell"].split("_")[1])
            m = markers.loc[(item, start)]
            if not m["plausible"]:
                note = (f"marker arises only if the trusts' year-to-year correlation is between "
                        f"{m['r_min_rounding']:.2f} and {m['r_max_rounding']:.2f} "
                        f"(plausible: {PLAUSIBLE_R[0]}-{PLAUSIBLE_R[1]})")
        rows.append({"claim_id": f"table{table}.{item}.{rec['cell']}",
                     "substudy": "4b" if survey == "NHS Staff Survey" else "4a",
                     "source": rec["source"], "published": rec["published"], "reproduced": rec["reproduced"],
                     "status": status(rec["match"]), "note": note})

    counts = published.text_counts()
    for claim, data, study in (("inpatient_trusts_any", inpatient, "4a"), ("staff_trusts_all_years", staff, "4b")):
        ct = change_table(data)
        n_any = int((ct["n_units"] + ct["n_excluded"]).max())
        rows.append({"claim_id": f"text.{claim}", "substudy": study, "source": counts.at[claim, "source"],
                     "published": str(int(counts.at[claim, "value"])), "reproduced": str(n_any),
                     "status": status(n_any == counts.at[claim, "value"]),
                     "note": "trusts with data in any of the three years"})

    # "improvements ... between 2007 and 2009, but subsequently these improvements stalled or went into reverse"
    first = changes[changes["period_from"] == 2007].set_index("item")["change"]
    second = changes[changes["period_from"] == 2009].set_index("item")["change"]
    stalled = ((second.abs() < first.abs()) | (second * first < 0)).sum()
    rows.append({"claim_id": "text.trends_stalled", "substudy": "4a,4b",
                 "source": "Results, Goal setting (on Tables 2 and 3)",
                 "published": "improvements 2007-2009 stalled or reversed 2009-2011",
                 "reproduced": f"{stalled} of {len(first)} items changed less, or in reverse, in 2009-2011",
                 "status": status(stalled == len(first)), "note": ""})
    reporting = ["encourages_reporting", "treats_confidentially", "blames_punishes", "takes_action"]
    largest = second[reporting].abs().max()
    rows.append({"claim_id": "text.reporting_modest_gains", "substudy": "4b",
                 "source": "Results, Goal setting (on Table 3)",
                 "published": "error and incident reporting items: only very modest gains",
                 "reproduced": f"largest 2009-2011 change {largest:.2f} scale points",
                 "status": status(largest < 0.05),
                 "note": "'very modest' read as under 0.05 points, i.e. fewer than 5% of staff moving one category"})
    for claim, text in (
        ("text.health_safety_training", "health and safety training rose 2007-2009, then constant"),
        ("text.job_satisfaction", "job satisfaction rose 2007-2009, then about the same in 2011"),
        ("text.paid_extra_hours", "staff working paid extra hours decreased consistently"),
        ("text.unpaid_extra_hours", "staff working unpaid extra hours increased sharply since 2009"),
        ("text.infection_control_training", "infection control training rose 2007-2009, fell in 2011"),
    ):
        rows.append({"claim_id": claim, "substudy": "4b", "source": "Results, Goal setting",
                     "published": text, "reproduced": "", "status": "not reproducible",
                     "note": "the paper prints no figures for this staff-survey item"})
    return pd.DataFrame(rows, columns=COLUMNS)
