"""Replication rates: how often a study of the paper's size would reproduce each claim, if the world
were as our generators assume.

Each chapter's module in ``book.substudies`` that simulates its data has ``replicate(seed)``: it
simulates one whole study at ``seed`` (the same generator and design as the chapter), runs the
chapter's analysis without its bootstraps, and returns one row per check (``check_id, check, holds``):
every ``recomputed`` claim of its scorecard (``check = "claim"``) and every interval the chapter
reports against a simulated truth (``check = "interval"``, ``holds`` = the interval covers it).
``holds`` is None where the study gives no answer (a fit that did not converge); such studies are
counted apart, not as failures.

``python -m book montecarlo`` runs seeds 1..R for every chapter and writes
``data/montecarlo/replications.csv``: per check, the number of studies, how many gave an answer and
held, the rate with its 95% Wilson interval, and the outcome of each seed in order ("1", "0", "-"),
so that a test can recompute a few seeds and compare.
"""
from __future__ import annotations

import importlib
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from .data.paths import DATA

PATH = DATA / "montecarlo" / "replications.csv"
#: Simulated studies per chapter (seeds 1..REPLICATES), fixed in advance.
REPLICATES = 200
#: Chapters with a ``replicate(seed)`` function, by module of ``book.substudies``.
SUBSTUDIES = ("survey_trends", "engagement", "teams", "boards", "qualitative")
COLUMNS = ["substudy", "check_id", "check", "replicates", "n_answered", "n_holds", "rate", "mc_low", "mc_high",
           "outcomes"]


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (NaN when n is 0)."""
    if n == 0:
        return np.nan, np.nan
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def replicate(substudy: str, seed: int) -> pd.DataFrame:
    """One simulated study of a chapter: ``check_id, check, holds`` (validated)."""
    if substudy not in SUBSTUDIES:
        raise ValueError(f"unknown substudy {substudy!r}; known: {SUBSTUDIES}")
    module = importlib.import_module(f"book.substudies.{substudy}")
    out = module.replicate(int(seed))
    if list(out.columns) != ["check_id", "check", "holds"]:
        raise ValueError(f"{substudy}.replicate returned columns {list(out.columns)}")
    if out["check_id"].duplicated().any():
        raise ValueError(f"{substudy}.replicate returned check {out['check_id'][out['check_id'].duplicated()].iloc[0]!r} twice")
    if not set(out["check"]) <= {"claim", "interval"}:
        raise ValueError(f"{substudy}.replicate: check must be 'claim' or 'interval'")
    return out


def _one(job: tuple[str, int]) -> tuple[str, int, pd.DataFrame, float]:
    substudy, seed = job
    start = time.perf_counter()
    out = replicate(substudy, seed)
    return substudy, seed, out, time.perf_counter() - start


def _outcome(v) -> str:
    return "-" if v is None or (isinstance(v, float) and np.isnan(v)) else ("1" if bool(v) else "0")


def summarise(results: dict[str, list[pd.DataFrame]], replicates: int) -> pd.DataFrame:
    """The file's rows from each chapter's list of per-seed results (seed 1 first)."""
    rows = []
    for substudy in SUBSTUDIES:
        if substudy not in results:
            continue
        frames = results[substudy]
        keys = frames[0][["check_id", "check"]].to_records(index=False).tolist()
        for check_id, check in keys:
            outs = []
            for f in frames:
                hit = f.loc[f["check_id"] == check_id, "holds"]
                outs.append(_outcome(hit.iloc[0]) if len(hit) else "-")
            answered = sum(o != "-" for o in outs)
            holds = outs.count("1")
            lo, hi = wilson(holds, answered)
            rows.append({"substudy": substudy, "check_id": check_id, "check": check, "replicates": replicates,
                         "n_answered": answered, "n_holds": holds,
                         "rate": holds / answered if answered else np.nan, "mc_low": lo, "mc_high": hi,
                         "outcomes": "".join(outs)})
    return pd.DataFrame(rows, columns=COLUMNS)


def run(replicates: int = REPLICATES, substudies=SUBSTUDIES, jobs: int | None = None,
        progress: bool = True) -> pd.DataFrame:
    """Seeds 1..``replicates`` of every chapter in ``substudies``, in ``jobs`` processes."""
    jobs = jobs or min(2, os.cpu_count() or 1)
    work = [(s, seed) for s in substudies for seed in range(1, replicates + 1)]
    results: dict[str, dict[int, pd.DataFrame]] = {s: {} for s in substudies}
    seconds: dict[str, float] = {s: 0.0 for s in substudies}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(work), unit="study", desc="simulated studies")
    # one BLAS thread per process: the processes already use every core
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for substudy, seed, out, secs in pool.map(_one, work, chunksize=4):
            results[substudy][seed] = out
            seconds[substudy] += secs
            if bar is not None:
                bar.update()
    if bar is not None:
        bar.close()
    table = summarise({s: [r[k] for k in sorted(r)] for s, r in results.items()}, replicates)
    table.attrs["seconds"] = seconds
    return table


def to_csv_text(table: pd.DataFrame) -> str:
    """The file's text, rates at 4 decimals (byte-stable across machines)."""
    out = table.copy()
    for col in ("rate", "mc_low", "mc_high"):
        out[col] = [("" if np.isnan(v) else f"{v:.4f}") for v in out[col]]
    return out.to_csv(index=False, lineterminator="\n")


def rates(substudy: str | None = None) -> pd.DataFrame:
    """The committed replication rates (all chapters, or one); empty before the first run."""
    if not PATH.exists():
        return pd.DataFrame(columns=COLUMNS)
    table = pd.read_csv(PATH, dtype={"outcomes": str}, keep_default_na=False,
                        converters={c: (lambda v: float(v) if v != "" else np.nan) for c in ("rate", "mc_low", "mc_high")})
    return table if substudy is None else table[table["substudy"] == substudy].reset_index(drop=True)


def resource() -> dict:
    """The file's entry in the data dictionary (written by ``python -m book montecarlo``)."""
    field = lambda name, ftype, description, **constraints: {  # noqa: E731
        "name": name, "type": ftype, "description": description, **({"constraints": constraints} if constraints else {})}
    return {
        "name": "montecarlo_replications",
        "path": "montecarlo/replications.csv",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "description": ("SIMULATED replication rates: for every recomputed scorecard claim and every interval a chapter "
                        f"reports against a simulated truth, how often it holds over {REPLICATES} simulated studies of the "
                        "chapter's design (seeds 1 to " + str(REPLICATES) + "). Not NHS data."),
        "provenance": {
            "kind": "simulated", "generator": "book.montecarlo", "command": "python -m book montecarlo",
            "seeds": f"1-{REPLICATES}",
            "calibrated_to": "nothing directly: each simulated study uses its chapter's generator at its default design",
            "assumptions": ["each chapter's generator and its stated assumptions describe the world",
                            "a study that gives no answer (a fit that did not converge) is counted apart, not as a failure"],
        },
        "schema": {"primaryKey": ["substudy", "check_id"], "fields": [
            field("substudy", "string", "the chapter's module of book.substudies", required=True, enum=list(SUBSTUDIES)),
            field("check_id", "string", "scorecard claim_id (check = claim) or the interval's id (check = interval)",
                  required=True),
            field("check", "string", "what is counted: a recomputed claim holding, or an interval covering its truth",
                  required=True, enum=["claim", "interval"]),
            field("replicates", "integer", "simulated studies run", required=True, minimum=1),
            field("n_answered", "integer", "studies that gave an answer", required=True, minimum=0),
            field("n_holds", "integer", "studies in which the claim held or the interval covered", required=True,
                  minimum=0),
            field("rate", "number", "n_holds / n_answered (empty when no study answered)", minimum=0, maximum=1),
            field("mc_low", "number", "95% Wilson interval for the rate, lower end", minimum=0, maximum=1),
            field("mc_high", "number", "95% Wilson interval for the rate, upper end", minimum=0, maximum=1),
            field("outcomes", "string", "the outcome of each seed in order: 1 held, 0 did not, - no answer",
                  required=True, pattern="^[01-]+$"),
        ]},
    }
