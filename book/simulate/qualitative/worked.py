"""Worked examples of qualitative analysis as it is done, all invented for the book (none is from the study):
a paragraph of interview transcript taken from line-by-line open codes to a category with properties
and dimensions, a memo, a negative case and the change it forces in the codebook; a paragraph for the
reader to code; and one expanded field note with its jottings, a reflexive aside, a memo and its codes.
"""
from __future__ import annotations

import pandas as pd

#: An invented transcript: (line, speaker, text).
TRANSCRIPT = [
    (1, "Interviewer", "How do you know whether care on the ward is safe?"),
    (2, "Ward sister", "Well, we do the audits. Every month: falls, pressure areas, hand hygiene,"),
    (3, "Ward sister", "the lot. I fill them in on a Friday afternoon, usually after my shift."),
    (4, "Ward sister", "They go off to the governance team and, honestly, I couldn't tell you what"),
    (5, "Ward sister", "happens to them then. We got a red once, for documentation, and that came back"),
    (6, "Ward sister", "fast enough: an email from the matron, copied to half the division."),
    (7, "Ward sister", "But when I wrote in the comments box that we'd been two nurses short for three"),
    (8, "Ward sister", "weeks, nothing. Not a word."),
    (9, "Ward sister", "So how do I know the ward is safe? I walk round at ten at night. I look at"),
    (10, "Ward sister", "who's had a drink, whose buzzer is in reach. That's not on any form."),
    (11, "Ward sister", "The audits tell them the ward is green. I'd rather they asked me."),
]
#: Open codes, line by line, in the analyst's words (gerunds keep the codes close to action).
OPEN_CODES = [
    ("2", "doing the audits as routine", "data flowing one way"),
    ("3", "auditing in one's own time", "data flowing one way"),
    ("4-5", "not knowing where the data go", "data flowing one way"),
    ("5-6", "hearing back only about failure", "feedback as blame"),
    ("6", "being exposed to the division", "feedback as blame"),
    ("7-8", "reporting a staffing gap and hearing nothing", "data flowing one way"),
    ("9-10", "knowing the ward by walking round", "knowing the ward"),
    ("10", "noticing what forms miss", "knowing the ward"),
    ("11", "wanting to be asked", "knowing the ward"),
]
#: The category the focused codes build, with its properties and the range (dimension) of each.
CATEGORY = "one-way data"
PROPERTIES = [
    ("direction of flow", "upwards only ... returned to the ward", "upwards only", "2-5, 7-8"),
    ("what comes back", "nothing ... failures only ... results with thanks", "failures only", "5-6"),
    ("what counts as knowing", "what the forms record ... what staff see and are asked", "what staff see", "9-11"),
    ("who bears the cost", "the nurse's own time ... resourced work", "own time", "3"),
]
MEMO = (
    "Memo (after the ward sister's interview). She does not reject measurement; she rejects measurement that only "
    "travels upwards, and what comes back is blame (lines 5-6). Set beside the board interviews coded "
    "comfort_seeking, the green dashboard is the same object seen from the other end: reassurance above, a sign of "
    "not being asked below. Is one-way data the sharp-end face of comfort-seeking? The property 'what comes back' "
    "may be what matters. Next: talk to a ward whose audits are fed back, and see whether audits are then "
    "experienced differently (a step of theoretical sampling).")
NEGATIVE_CASE = (
    "Ward manager, another trust: \"Our audit results are on the board by Tuesday, with the matron's comments. When "
    "falls went up we all sat down and changed the night checks. I don't mind doing them now.\"")
NEGATIVE_READING = (
    "Audits are collected here too, so 'data collected' cannot be what defines the category; what differs is the "
    "dimension 'what comes back' (results and a shared decision). The category survives, re-centred on the "
    "direction of flow, and the codebook changes with it.")
#: How the codebook changes after the negative case: (code, before, after, why).
CODEBOOK_CHANGES = [
    ("data_not_intelligence", "Data collected in volume but not turned into actionable knowledge or fed back.",
     "Data that travel upwards only: collected, reported and not returned to those who collected them. Code the "
     "direction of flow, not the existence of audits.", "the negative case collects audits too"),
    ("feedback_and_celebration", "Helpful feedback to staff on how they are doing, and celebration.",
     "Adds to its inclusion rule: audit results returned to the ward and acted on together (not "
     "data_not_intelligence).", "the negative case needs a home"),
    ("(new) feedback_as_blame", "-", "Data that come back only as failure, with exposure (copied upwards or "
     "sideways). A sub-code of comfort_seeking, to be tested in the next interviews.",
     "lines 5-6 fit no code; keep it provisional until other accounts show it"),
]
#: A paragraph for the reader to code (invented).
EXERCISE_TRANSCRIPT = [
    (1, "Interviewer", "What happened when the new discharge process came in?"),
    (2, "Matron", "It was launched with a big event, posters everywhere, and we were told it would"),
    (3, "Matron", "cut delays by half. Nobody asked the ward clerks, who actually book the transport."),
    (4, "Matron", "For six weeks it worked, because the project manager chased every discharge herself."),
    (5, "Matron", "Then she moved on to the next project and we went back to phoning round."),
    (6, "Matron", "The board still shows it as a success. On the ward we call it the poster project."),
    (7, "Matron", "What did help was the pharmacist coming to the morning huddle. That was our idea."),
]
#: One possible answer (a reader's open codes need not match: the point is the move from line to category).
EXERCISE_ANSWER = [
    ("2-3", "launching with promises", "improvement as event"),
    ("3", "not asking those who do the work", "expertise at the sharp end ignored"),
    ("4-5", "working while someone chases", "improvement as event"),
    ("5", "falling back when the champion leaves", "improvement as event"),
    ("6", "success on paper, failure on the ward", "two views of one initiative"),
    ("7", "staff-made fix that lasts", "expertise at the sharp end ignored"),
]
#: An expanded field note: (time, kind, text, codes). Kinds: jotting, description, reflexive aside, memo.
FIELD_NOTE = [
    ("22:05", "jotting", "Bay 3. 1 RN, 2 HCAs for 14 pts. Buzzer bed 12 x3. Drug round late.", ""),
    ("22:05", "description", "The nurse in charge is drawing up medicines at the trolley, interrupted twice by the "
     "phone. The buzzer at bed 12 sounds three times in ten minutes; the third time an assistant answers it, kneels "
     "by the bed and apologises for the wait. The patient asks for the toilet; she had asked once before.",
     "system_deficits; dark_spot; bright_spot"),
    ("22:20", "description", "At handover of the bay the assistant tells the nurse in charge that bed 12 was "
     "waiting; the nurse nods, writes it on her sheet and goes back to the round.", "task_focused_care"),
    ("22:25", "reflexive aside", "I was aware that my notebook and lanyard may have made staff hurry: the assistant "
     "glanced at me before answering the buzzer. Did I see a wait, or a wait performed for an observer?", ""),
    ("22:40", "memo", "The lapse is not indifference: the same assistant who left the buzzer ringing knelt and "
     "apologised. Compare with bay 1 at 20:00, two registered nurses, no waits. Staffing and the round's fixed "
     "clock, not attitudes? Check the next nights against the rota before writing it up.",
     "blunt_sharp_misalignment (to test)"),
]


def worked_example() -> dict[str, pd.DataFrame]:
    """The worked example as tables: transcript, open codes, properties, codebook changes, exercise and
    its answer, and the field note."""
    return {
        "transcript": pd.DataFrame(TRANSCRIPT, columns=["line", "speaker", "invented_text"]),
        "open_codes": pd.DataFrame(OPEN_CODES, columns=["lines", "open_code", "focused_code"]),
        "properties": pd.DataFrame(PROPERTIES, columns=["property", "dimension", "in_this_interview", "lines"]),
        "codebook_changes": pd.DataFrame(CODEBOOK_CHANGES, columns=["code", "before", "after", "why"]),
        "exercise": pd.DataFrame(EXERCISE_TRANSCRIPT, columns=["line", "speaker", "invented_text"]),
        "exercise_answer": pd.DataFrame(EXERCISE_ANSWER, columns=["lines", "open_code", "focused_code"]),
        "field_note": pd.DataFrame(FIELD_NOTE, columns=["time", "kind", "invented_text", "codes"]),
    }
