"""Running chapter notebooks: storing the outputs nbval and the book expect, and trying other parameters."""
from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

#: Cell metadata written by the kernel that changes on every run (timestamps); never stored.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")


def _client(nb, path: Path, timeout: int, warm: bool = False) -> NotebookClient:
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    if warm:
        from .kernels import WarmKernelManager

        client.kernel_manager_class = WarmKernelManager
    return client


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
    _client(nb, path, timeout).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds


def parameters_cell(nb) -> int:
    """Index of the cell tagged ``parameters``."""
    for i, cell in enumerate(nb.cells):
        if "parameters" in cell.metadata.get("tags", []):
            return i
    raise ValueError("the notebook has no cell tagged 'parameters'")


def settings(path: str | Path) -> list[dict]:
    """The parameter settings a chapter promises to run with, beyond its defaults.

    They are listed in the ``sweep`` metadata of its parameters cell: ``seeds`` (``[first, last]``,
    every ``SEED`` in between) and ``settings`` (a list of ``{NAME: value}`` overrides, the values its
    comments and exercises suggest). Values are Python literals written as strings.
    """
    nb = nbformat.read(Path(path), as_version=4)
    if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
        return []  # a page with nothing to vary (the introduction, the scorecard)
    sweep = nb.cells[parameters_cell(nb)].metadata.get("sweep", {})
    out = [{"SEED": str(s)} for s in range(sweep["seeds"][0], sweep["seeds"][1] + 1)] if "seeds" in sweep else []
    return out + [dict(s) for s in sweep.get("settings", [])]


@dataclass
class Run:
    """What happened when a notebook ran with some parameters."""
    seconds: float
    error: str | None = None
    stderr: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.stderr


def run_with(path: str | Path, overrides: dict[str, str], timeout: int = 120, warm: bool = False) -> Run:
    """Run a notebook in a fresh kernel with ``overrides`` (name -> Python literal) applied after its
    parameters cell, without saving it. Reports any error and every stream written to stderr.

    With ``warm`` the kernel is forked from a process that has imported the libraries already
    (:mod:`book.kernels`): the same run, without the seconds of start-up.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    at = parameters_cell(nb)
    code = "\n".join(f"{name} = {value}" for name, value in overrides.items())
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(code))
    start = time.perf_counter()
    error = None
    try:
        # the kernel's own log (not a cell's output) is not wanted in the sweep's report
        _client(nb, path, timeout, warm).execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        lines = [ln for ln in re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines() if ln.strip()]
        error = lines[-1][:300] if lines else type(exc).__name__
    except Exception as exc:  # a timeout or a dead kernel is a failed run too
        error = f"{type(exc).__name__}: {exc}"[:300]
    seconds = time.perf_counter() - start
    stderr = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                stderr.append(f"cell {i - (i > at + 1)}: " + json.dumps(out["text"].strip()[:200]))
    return Run(seconds, error, stderr)
