"""Illustrative teaching material for the qualitative and patient strands (substudies 1, 2, 3a, 3b).

The study's transcripts, field notes and survey returns are confidential. Everything this package
writes is **invented or simulated for the book**: a codebook derived from the themes the paper reports
(:mod:`.codebook`), excerpts, field notes, comments and summaries written to exemplify those themes
(never quotations from the study), and simulated codes, coders, hours and survey answers. The files
say so in their column names (``invented_*``) and in the data dictionary (provenance ``illustrative``).

What is calibrated to the paper (Methods and Table 1): 107 stakeholder interviews (substudy 1,
:mod:`.stakeholders`); seven cases of the published kinds with just over 650 h of observation and 197
interviews (substudy 2, :mod:`.cases`); 715 survey respondents answering 14 statements with an open
text box each (3a, :mod:`.survey`); two focus groups and ten interviews (3b, :mod:`.framework`).
Everything else is an assumption of ours, set out in those modules. What an estimate should recover
is in :mod:`.truths`; the worked examples of analysis are in :mod:`.worked`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..seeds import DEFAULT_SEED  # the rule: 2014 for every generator
from .cases import CASES
from .codebook import CODES_3A, MAIN_CODES, codebook
from .framework import FRAMEWORK_THEMES
from .stakeholders import CODER_ERROR_RATE, GROUP_EMPHASIS
from .survey import LIKERT_LABELS, P_ITEM_MISSING, P_OPEN_CRITICAL, THETA_SHIFT

__all__ = ["CASES", "CODER_ERROR", "CODER_ERROR_RATE", "CODES_3A", "DEFAULT_SEED", "FILES", "FRAMEWORK_THEMES",
           "GROUP_EMPHASIS", "LIKERT_LABELS", "MAIN_CODES", "P_ITEM_MISSING", "P_OPEN_CRITICAL", "STREAMS",
           "THETA_SHIFT", "codebook", "coded_segments", "generate", "simulate", "teaching_data", "to_csv_text"]

#: Multiplier on every code's coder-error rate (1 = the book's default; 0 = perfect agreement).
CODER_ERROR = 1.0
#: The independent parts of the generator. Each draws from its own stream, spawned from the seed in
#: this order, so that changing one part leaves the others' draws alone: a new ``coder_error`` recodes
#: the same segments, a new ``open_critical`` changes who comments and nothing else. New parts are
#: added at the end, so that the streams of the earlier ones stay as they were.
STREAMS = ("interviews", "coders", "cases", "survey", "framework", "comments")

FILES = {
    "codebook": "qual_codebook.csv",
    "interviews": "qual_interviews.csv",
    "segments": "qual_interview_segments.csv",
    "cases": "qual_cases.csv",
    "fieldnotes": "qual_fieldnotes.csv",
    "fieldnote_codes": "qual_fieldnote_codes.csv",
    "case_interviews": "qual_case_interviews.csv",
    "case_codes": "qual_case_interview_codes.csv",
    "statements": "qual_ppi_statements.csv",
    "respondents": "qual_ppi_respondents.csv",
    "responses": "qual_ppi_responses.csv",
    "open_text": "qual_ppi_open_text.csv",
    "framework": "qual_ppi_framework.csv",
}


def _check(coder_error, open_critical) -> None:
    for name, value, top in (("coder_error", coder_error, np.inf), ("open_critical", open_critical, 0.93)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not 0 <= value <= top:
            # open_critical is a probability added to the base rate of 0.07
            limit = "0 or more" if top == np.inf else f"between 0 and {top:g}"
            raise ValueError(f"{name} must be a number, {limit}; got {value!r}")


def _streams(seed: int) -> dict[str, np.random.Generator]:
    return {part: np.random.default_rng(stream)
            for part, stream in zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS)))}


def _coded_interviews(rng: dict, coder_error: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .stakeholders import code_twice, interviews

    people, segments = interviews(rng["interviews"])
    code_a, code_b = code_twice(rng["coders"], segments["code_agreed"], coder_error)
    segments.insert(2, "code_coder_a", code_a)
    segments.insert(3, "code_coder_b", code_b)
    return people, segments


def coded_segments(seed: int = DEFAULT_SEED, coder_error: float = CODER_ERROR) -> pd.DataFrame:
    """The interview segments and both coders' codes alone, as :func:`simulate` writes them (the same
    streams), without simulating the rest: for re-coding the same segments at many error rates."""
    _check(coder_error, P_OPEN_CRITICAL)
    return _coded_interviews(_streams(seed), coder_error)[1]


def simulate(seed: int = DEFAULT_SEED, coder_error: float = CODER_ERROR,
             open_critical: float = P_OPEN_CRITICAL) -> dict[str, pd.DataFrame]:
    """Write all the illustrative material in memory.

    Parameters
    ----------
    seed : int
        Seed of the generator: each part (:data:`STREAMS`) draws from its own stream spawned from it.
    coder_error : float
        Multiplier on each code's coder-error rate (``CODER_ERROR_RATE``); 0 gives two coders who
        always agree, 2 doubles every error rate. Changes only the coders' columns.
    open_critical : float
        Extra probability of a comment after a critical answer (``P_OPEN_CRITICAL``); 0 makes
        commenting unrelated to the answer. Changes only the comments.

    Returns
    -------
    dict
        One DataFrame per key of :data:`FILES`.
    """
    from .cases import cases
    from .framework import framework
    from .survey import survey

    _check(coder_error, open_critical)
    rng = _streams(seed)
    people, segments = _coded_interviews(rng, coder_error)
    out = {"codebook": codebook(), "interviews": people, "segments": segments}
    out |= cases(rng["cases"])
    out |= survey(rng["survey"], rng["comments"], open_critical)
    out["framework"] = framework(rng["framework"])
    return {key: out[key] for key in FILES}


def teaching_data(seed: int = DEFAULT_SEED, coder_error: float = CODER_ERROR,
                  open_critical: float = P_OPEN_CRITICAL) -> dict[str, pd.DataFrame]:
    """The committed files (validated) at the book's defaults, otherwise a fresh simulation in memory."""
    if (seed, coder_error, open_critical) == (DEFAULT_SEED, CODER_ERROR, P_OPEN_CRITICAL):
        from ...data.datapackage import read

        return {key: read(name.rsplit(".", 1)[0]) for key, name in FILES.items()}
    return simulate(seed, coder_error, open_critical)


def to_csv_text(data: pd.DataFrame) -> str:
    """CSV text, byte-stable: hours at one decimal, missing values empty."""
    out = data.copy()
    if "hours" in out.columns:
        out["hours"] = [f"{v:.1f}" for v in out["hours"]]
    return out.to_csv(index=False, lineterminator="\n")


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> CSV text of every dataset this package owns, at the book's defaults."""
    frames = simulate(seed)
    return {FILES[key]: to_csv_text(frame) for key, frame in frames.items()}
