"""The first code cell of every chapter, which lets a chapter run outside the book's repository.

A chapter imports the book's ``book`` package, which reads the data in ``data/`` beside itself. Opened on
its own (in Colab, or downloaded), the chapter's first code cell clones the repository named by
``repository.url`` in ``_config.yml`` (or by the environment variable ``BOOK_REPOSITORY``, a URL or a
folder) and installs the package from the clone; where ``book`` can already be imported (a clone of the
repository, Binder) the cell does nothing and prints nothing. This script writes that cell, from
:data:`TEMPLATE` and the configured URL, into each chapter before its first code cell, tagged ``bootstrap``
(and ``remove-cell``: the book's pages do not show it); run it again after changing the URL.

Usage: python scripts/bootstrap.py [--check] [NOTEBOOK ...]   (default: every chapters/*.ipynb)
  --check   change nothing; exit 1, naming them, if a notebook's cell is missing or out of date
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
TAG = "bootstrap"

TEMPLATE = '''\
# Run this cell first. Outside the book's repository (in Colab, or a downloaded notebook) it fetches the
# book's `book` package, which this chapter imports: it clones the repository and installs the package from
# the clone. Where `book` is already installed (a clone of the repository, Binder) it does nothing.
import importlib, importlib.util, os, subprocess, sys

if importlib.util.find_spec("book") is None:
    REPOSITORY = os.environ.get("BOOK_REPOSITORY") or {url}
    if not REPOSITORY:
        raise RuntimeError(
            "This chapter needs the book's `book` package, and no repository to install it from is set. "
            "Open the chapter in a clone of the book's repository (run `make lab` there), or set "
            "BOOK_REPOSITORY to the repository's URL or folder (in a notebook: %env BOOK_REPOSITORY=URL) "
            "and run this cell again.")
    CLONE = os.path.abspath(os.path.basename(REPOSITORY.rstrip("/")).removesuffix(".git") or "book-repository")
    if not os.path.isdir(CLONE):
        subprocess.run(["git", "clone", "--depth", "1", REPOSITORY, CLONE], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", CLONE], check=True)
    sys.path.insert(0, CLONE)  # the kernel started before the install, so it would not see the package
    importlib.invalidate_caches()'''


def repository_url() -> str:
    """``repository.url`` in ``_config.yml``: empty when the book has no public repository."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return ((config.get("repository") or {}).get("url") or "").strip()


def cell_source(url: str) -> str:
    """The bootstrap cell's code for a repository URL (empty: the cell explains what to do)."""
    return TEMPLATE.format(url=json.dumps(url))


def apply(nb, source: str) -> bool:
    """Put the bootstrap cell with ``source`` in ``nb`` (replacing an older one); True if ``nb`` changed."""
    for cell in nb.cells:
        if TAG in cell.metadata.get("tags", []):
            changed = cell.source != source
            cell.source = source
            return changed
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [TAG, "remove-cell"]})
    cell.id = TAG  # a fixed id, so that writing the cell twice gives the same file
    nb.cells.insert(code[0] if code else len(nb.cells), cell)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a cell is out of date")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    source = cell_source(repository_url())
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if apply(nb, source):
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "out of date" if args.check else "written"
    for path in stale:
        print(f"{verb}: {path}")
    print(f"{len(paths) - len(stale)} of {len(paths)} notebooks already had the current bootstrap cell")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
