"""Running chapter notebooks so that their stored outputs are what nbval and the book expect."""
from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

#: Cell metadata written by the kernel that changes on every run (timestamps); never stored.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")


def execute(path: str | Path, timeout: int = 120) -> float:
    """Run a notebook top to bottom in a fresh kernel, in its own folder, and save it with its outputs.

    Volatile metadata (execution timestamps) are removed so that re-running an
    unchanged notebook leaves the file byte-identical.

    Returns
    -------
    float
        Seconds the run took.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds
