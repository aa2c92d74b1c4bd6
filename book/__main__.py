"""Maintenance verbs.

``python -m book data [GENERATOR ...]``  regenerate data/simulated (all, or the named generator modules)
``python -m book scorecard [--format csv]``  print the replication scorecard
``python -m book execute NOTEBOOK ...``  run chapter notebooks in place, storing outputs without volatile metadata
``python -m book montecarlo [--replicates R] [SUBSTUDY ...]``  recompute the replication rates
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd


def _data(args) -> int:
    from .data.datapackage import refresh_hashes
    from .data.paths import SIMULATED
    from .simulate import generate_all

    SIMULATED.mkdir(parents=True, exist_ok=True)
    files = generate_all(args.generators or None)
    for name, text in files.items():
        (SIMULATED / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote data/simulated/{name}")
    # resources are named after their file (data/simulated/<name>.csv)
    from .simulate import GENERATORS

    seeds = {g.__name__: g.DEFAULT_SEED for g in GENERATORS}
    changed = refresh_hashes(None if not args.generators else [n.rsplit(".", 1)[0] for n in files], seeds)
    print("data/datapackage.json: hashes " + (f"updated for {', '.join(changed)}" if changed else "unchanged"))
    return 0


def _scorecard(args) -> int:
    from .scorecard import in_words, scorecard, summary

    card = scorecard()
    if args.format == "csv":
        sys.stdout.write(card.to_csv(index=False, lineterminator="\n"))
    else:
        print(in_words(card))
        print()
        print(summary(card).to_string())
        print()
        with pd.option_context("display.max_rows", None, "display.max_colwidth", 60, "display.width", 200):
            print(card.drop(columns=["note", "source"]).to_string(index=False))
    # a mismatch is a finding about the paper, not a failure: tests pin the known ones
    return 0


def _execute(args) -> int:
    from .notebooks import execute

    for path in args.notebooks:
        seconds = execute(path)
        print(f"executed {path} ({seconds:.1f} s)")
    return 0


def _montecarlo(args) -> int:
    import time

    from .data.datapackage import refresh_hashes, upsert_resource
    from .montecarlo import PATH, REPLICATES, SUBSTUDIES, rates, resource, run, to_csv_text

    start = time.perf_counter()
    table = run(args.replicates, tuple(args.substudies) or SUBSTUDIES, args.jobs)
    if args.substudies:  # keep the other chapters' rows
        old = rates()
        table = pd.concat([old[~old["substudy"].isin(args.substudies)], table])
        table = table.sort_values("substudy", key=lambda s: s.map(SUBSTUDIES.index), kind="stable")
    PATH.parent.mkdir(parents=True, exist_ok=True)
    PATH.write_text(to_csv_text(table), encoding="utf-8", newline="")
    upsert_resource(resource())
    refresh_hashes(["montecarlo_replications"])
    for name, secs in table.attrs.get("seconds", {}).items():
        print(f"{name}: {secs / args.replicates:.2f} s per simulated study (one core)")
    print(f"wrote {PATH.relative_to(PATH.parents[2])} ({len(table)} checks) in {time.perf_counter() - start:.0f} s")
    if args.replicates != REPLICATES:
        print(f"note: the committed file uses {REPLICATES} replicates")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="verb", required=True)
    data = sub.add_parser("data", help="regenerate data/simulated and the hashes in data/datapackage.json")
    data.add_argument("generators", nargs="*", help="generator modules of book.simulate (default: all)")
    sc = sub.add_parser("scorecard", help="print the replication scorecard")
    sc.add_argument("--format", choices=["text", "csv"], default="text")
    ex = sub.add_parser("execute", help="run notebooks in place and store their outputs (what nbval compares)")
    ex.add_argument("notebooks", nargs="+")
    mc = sub.add_parser("montecarlo", help="recompute the replication rates (data/montecarlo/replications.csv)")
    mc.add_argument("substudies", nargs="*", help="chapters of book.substudies (default: all)")
    mc.add_argument("--replicates", type=int, default=200, help="simulated studies per chapter (default 200)")
    mc.add_argument("--jobs", type=int, default=None, help="processes (default: 2, or fewer cores)")
    args = parser.parse_args(argv)
    return {"data": _data, "scorecard": _scorecard, "execute": _execute, "montecarlo": _montecarlo}[args.verb](args)


if __name__ == "__main__":
    raise SystemExit(main())
