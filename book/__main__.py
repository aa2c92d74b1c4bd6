"""Maintenance verbs: ``python -m book data`` and ``python -m book scorecard [--format csv]``."""
from __future__ import annotations

import argparse
import sys

import pandas as pd


def _data(args) -> int:
    from .datapackage import refresh_hashes
    from .paths import SIMULATED
    from .simulate import generate_all

    SIMULATED.mkdir(parents=True, exist_ok=True)
    for name, text in generate_all().items():
        (SIMULATED / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote data/simulated/{name}")
    changed = refresh_hashes()
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
    return 1 if (card["status"] == "mismatch").any() else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book", description=__doc__)
    sub = parser.add_subparsers(dest="verb", required=True)
    sub.add_parser("data", help="regenerate data/simulated and the hashes in data/datapackage.json")
    sc = sub.add_parser("scorecard", help="print the replication scorecard")
    sc.add_argument("--format", choices=["text", "csv"], default="text")
    args = parser.parse_args(argv)
    return {"data": _data, "scorecard": _scorecard}[args.verb](args)


if __name__ == "__main__":
    raise SystemExit(main())
