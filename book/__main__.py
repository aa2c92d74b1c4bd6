"""Maintenance verbs.

``python -m book data [GENERATOR ...]``  regenerate data/simulated (all, or the named generator modules)
``python -m book scorecard [--format csv]``  print the replication scorecard
``python -m book execute NOTEBOOK ...``  run chapter notebooks in place, storing outputs without volatile metadata
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd


def _data(args) -> int:
    from .datapackage import refresh_hashes
    from .paths import SIMULATED
    from .simulate import generate_all

    SIMULATED.mkdir(parents=True, exist_ok=True)
    files = generate_all(args.generators or None)
    for name, text in files.items():
        (SIMULATED / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote data/simulated/{name}")
    # resources are named after their file (data/simulated/<name>.csv)
    changed = refresh_hashes(None if not args.generators else [n.rsplit(".", 1)[0] for n in files])
    print("data/datapackage.json: hashes " + (f"updated for {', '.join(changed)}" if changed else "unchanged"))
    return 0


def _scorecard(args) -> int:
    from .scorecard import scorecard, summary

    card = scorecard()
    if args.format == "csv":
        sys.stdout.write(card.to_csv(index=False, lineterminator="\n"))
    else:
        with pd.option_context("display.max_rows", None, "display.max_colwidth", 60, "display.width", 200):
            print(card.drop(columns=["note"]).to_string(index=False))
            print()
            print(summary(card).to_string())
    # a mismatch is a finding about the paper, not a failure: tests pin the known ones
    return 0


def _execute(args) -> int:
    from .notebooks import execute

    for path in args.notebooks:
        seconds = execute(path)
        print(f"executed {path} ({seconds:.1f} s)")
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
    args = parser.parse_args(argv)
    return {"data": _data, "scorecard": _scorecard, "execute": _execute}[args.verb](args)


if __name__ == "__main__":
    raise SystemExit(main())
