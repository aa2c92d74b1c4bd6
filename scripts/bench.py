"""Benchmark: `make bench`. Prints the import floor, each notebook's run time in a fresh kernel,
the test suite's time, and cold and warm book build times. A script, not a timed test.

A notebook's time is that of book.notebooks.execute on a copy: a fresh kernel started, every cell
run, outputs stored (what `python -m book execute` and the book build do), without the start-up of a
`jupyter` command-line process. Short timings on a shared machine vary by 20-50% from run to run, so
the import floor and each notebook are run REPEATS times and the median is printed, with the range."""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from book.notebooks import execute

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPEATS = 3


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def repeated(run) -> str:
    """Median seconds over REPEATS calls of ``run()`` (which returns seconds), with the range."""
    runs = sorted(run() for _ in range(REPEATS))
    return f"{statistics.median(runs):6.1f} s   ({runs[0]:.1f}-{runs[-1]:.1f})"


def main() -> None:
    rows = [("import floor (python -c 'import book, pandas, seaborn, scipy.stats, myst_nb')",
             repeated(lambda: timed([sys.executable, "-c",
                                     "import book, book.simulate, pandas, seaborn, scipy.stats, myst_nb"])))]
    with tempfile.TemporaryDirectory() as tmp:
        for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
            copy = Path(tmp) / nb.name
            shutil.copy(nb, copy)
            rows.append((f"notebook {nb.name} (fresh kernel)", repeated(lambda: execute(copy))))
    once = lambda cmd: f"{timed(cmd):6.1f} s   (once)"  # noqa: E731
    rows.append(("test suite (pytest, unit tests and nbval)", once([sys.executable, "-m", "pytest", "-q"])))
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    rows.append(("book build, cold (empty _build)", once([str(BIN / "jupyter-book"), "build", "."])))
    rows.append(("book build, warm (cache and doctrees kept)", once([str(BIN / "jupyter-book"), "build", "."])))
    width = max(len(name) for name, _ in rows)
    print(f"{'':<{width}}  median over {REPEATS} runs (range)")
    for name, text in rows:
        print(f"{name:<{width}}  {text}")


if __name__ == "__main__":
    main()
