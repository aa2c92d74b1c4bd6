"""Substudy 3b, two focus groups and ten interviews with patient and carer organisations, charted as a
framework matrix: invented summaries, one per source and theme discussed.

The paper gives the number of focus groups and interviews and their purpose ("Interpret the findings of
the survey", Table 1, row 3b) and nothing else. Everything here is ours: the organisations, the groups'
sizes, which themes each source discussed, each cell's stance (critical, mixed, or dissenting), and
the summaries themselves, composed from invented sentences so that no two sources say the same thing,
each with a pseudo line reference to its (non-existent) transcript. One source, an older people's
charity, is written to dissent: it praises ward care for older people (a negative case).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: (source_id, source_type, organisation type, participants) -- ours; the paper gives the counts only.
SOURCES_3B = [
    ("FG1", "focus_group", "patient participation group network", 7),
    ("FG2", "focus_group", "carers' organisation", 6),
    ("I01", "interview", "older people's charity", 1), ("I02", "interview", "carers' organisation", 1),
    ("I03", "interview", "mental health service-user network", 1), ("I04", "interview", "disability advocacy group", 1),
    ("I05", "interview", "national patient organisation", 1), ("I06", "interview", "patient participation group", 1),
    ("I07", "interview", "patient participation group", 1), ("I08", "interview", "children's health charity", 1),
    ("I09", "interview", "local patient forum", 1), ("I10", "interview", "national patient organisation", 1),
]
FRAMEWORK_THEMES = ["left_to_fend", "between_services", "not_listened_to", "rushed_staff", "depends_on_who",
                    "accountability_unclear", "ppg_influence"]
P_DISCUSSED = {"left_to_fend": 0.8, "between_services": 0.75, "not_listened_to": 0.7, "rushed_staff": 0.6,
               "depends_on_who": 0.65, "accountability_unclear": 0.55, "ppg_influence": 0.4}
#: Share of discussed cells whose account is mixed rather than critical.
P_MIXED = 0.25
#: The negative case: cells the dissenting source always discusses, and what it says.
DISSENT = {
    ("I01", "left_to_fend"): "Praises ward care for older people locally: volunteers at mealtimes and a named nurse "
                             "mean members rarely go without help; thinks the problem is overstated",
    ("I01", "rushed_staff"): "Describes staff on the elderly care wards as busy but never too busy to be kind; "
                             "members' letters are mostly thanks",
    ("I01", "depends_on_who"): "Members' experience of the local hospital is consistently good; the charity's own "
                               "survey of members found few complaints",
}
#: Invented charted summaries by theme: what was said, and how participants explained it.
CRITICAL = {
    "left_to_fend": (
        ["Older patients on busy wards described as waiting for help with meals",
         "Patients with dementia said to go without drinks unless family visit",
         "People without relatives seen as most at risk of being overlooked",
         "Patients who cannot use a call bell described as waiting longest",
         "Young people on adult wards said to be left without explanation",
         "Patients with learning disabilities described as the last to be helped"],
        ["blamed on staffing, not on individual nurses", "families described as filling the gaps",
         "participants want a named nurse for the most dependent", "linked to nights and weekends",
         "several stories of relatives checking every meal", "seen as the clearest sign of unreliable care"]),
    "between_services": (
        ["Discharge described as the point where things go wrong",
         "Letters and results said to go missing between hospital and practice",
         "Transfers to care homes described as chaotic",
         "Community services said to lack the hospital's records",
         "Mental health and physical care described as separate worlds",
         "Moves between wards said to lose information"],
        ["nobody owns the whole journey", "carers end up carrying the notes",
         "readmissions blamed on it", "participants want one person to coordinate",
         "IT systems that do not talk blamed", "patients left to repeat their story"]),
    "not_listened_to": (
        ["Complaints said to be answered with letters, not changes",
         "Concerns raised through the group said to be noted and forgotten",
         "Patients' feedback described as collected but not used",
         "Carers said to be treated as visitors rather than partners",
         "Service users described as consulted after decisions were made",
         "Ward staff said to deflect concerns to managers"],
        ["participants want to see what happened as a result", "leads to people giving up",
         "blamed on defensive management", "the same problems recur",
         "contrasted with one trust that reports back every quarter", "seen as eroding trust"]),
    "rushed_staff": (
        ["Staff seen as kind but stretched", "Busy wards said to leave no time to talk",
         "Agency staff described as not knowing the patients", "Night staffing described as thin",
         "Doctors described as hurried in clinics", "Nurses said to spend their time on paperwork"],
        ["poor care linked to shortages, not bad people", "patients reluctant to ask for help",
         "participants sympathise with staff", "linked to missed care at mealtimes",
         "seen as getting worse", "contrasted with better-staffed specialist units"]),
    "depends_on_who": (
        ["Care described as good or poor depending on ward and shift",
         "Weekend and night care described as a different service",
         "Individual nurses singled out as excellent, others as uncaring",
         "Practices described as varying widely in the same area",
         "Good care described as luck rather than system",
         "Members' experiences described as contradictory"],
        ["no confidence that care is always good", "participants want the same standard everywhere",
         "blamed on leadership of individual wards", "seen as hard to complain about",
         "stories of the same hospital being excellent and poor", "linked to staff turnover"]),
    "accountability_unclear": (
        ["Participants cannot tell who is answerable when care fails",
         "Many bodies described, none clearly responsible",
         "Commissioners and providers said to blame each other",
         "Regulators described as remote from patients' concerns",
         "The complaints route described as a maze",
         "Responsibility after reorganisation described as unclear"],
        ["participants want one point of contact", "people give up before finding the right body",
         "seen as letting poor care continue", "linked to repeated reorganisation",
         "contrasted with clearer lines in the past", "local councillors sometimes the last resort"]),
    "ppg_influence": (
        ["Group described as consulted late", "Suggestions said to be minuted but rarely acted on",
         "Group's role described as valued by the practice manager but unclear to the partners",
         "Group members described as unrepresentative of the practice's patients",
         "Group said to have no budget or authority", "Newsletter and surveys described as the group's only tools"],
        ["participants question what the group is for", "a few successes with appointment systems cited",
         "members feel they are a box to tick", "membership dwindling",
         "contrasted with a practice that co-designs services", "participants want a duty to respond"]),
}
MIXED = ["Mixed account: some good experiences, but", "Mixed account: praised locally, though",
         "Mixed account: improving recently, yet"]


def _summary(theme: str, stance: str, lead: int, detail: int, mixed: int, lines: tuple[int, int]) -> str:
    leads, details = CRITICAL[theme]
    body = f"{leads[lead]}; {details[detail]}"
    if stance == "mixed":
        body = f"{MIXED[mixed]} {body[0].lower()}{body[1:]}"
    return f"{body} (ll. {lines[0]}-{lines[1]})."


def framework(rng: np.random.Generator) -> pd.DataFrame:
    """One row per source and theme: whether it was discussed, its stance and its invented summary.

    Within a theme no two sources get the same lead or the same explanation (each theme's sentences
    are dealt out in a random order), so reading down a column shows variation between sources.
    """
    rows = []
    for theme in FRAMEWORK_THEMES:
        leads, details = CRITICAL[theme]
        lead_order, detail_order = rng.permutation(len(leads)), rng.permutation(len(details))
        u = rng.random((len(SOURCES_3B), 5))  # discussed, mixed, which mixed phrase, first line, length
        dealt = 0
        for s, (source_id, source_type, org, participants) in enumerate(SOURCES_3B):
            # a focus group covers more ground than one interview
            p = min(0.95, P_DISCUSSED[theme] * (1.2 if source_type == "focus_group" else 1.0))
            dissent = (source_id, theme) in DISSENT
            discussed = dissent or u[s, 0] < p
            lines = (10 + int(u[s, 3] * 900), 10 + int(u[s, 3] * 900) + 6 + int(u[s, 4] * 40))
            stance, text = "", ""
            if dissent:
                stance, text = "dissenting", f"{DISSENT[(source_id, theme)]} (ll. {lines[0]}-{lines[1]})."
            elif discussed:
                stance = "mixed" if u[s, 1] < P_MIXED else "critical"
                k = dealt % len(leads)  # more sources than sentences: deal again, pairing differently
                text = _summary(theme, stance, int(lead_order[k]), int(detail_order[(k + dealt // len(leads)) %
                                len(details)]), int(u[s, 2] * len(MIXED)), lines)
                dealt += 1
            rows.append({"source_id": source_id, "source_type": source_type, "organisation_type": org,
                         "participants": participants, "theme": theme, "discussed": int(discussed),
                         "stance": stance, "invented_summary": text})
    return pd.DataFrame(rows)
