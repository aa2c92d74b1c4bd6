"""Benchmark: `make bench`. Prints the import floor, each notebook's run time in a fresh kernel,
the test suite's time, and cold and warm book build times. A script, not a timed test."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def main() -> None:
    rows = [("import floor (python -c 'import book, pandas, seaborn, scipy.stats, myst_nb')",
             timed([sys.executable, "-c", "import book, book.simulate, pandas, seaborn, scipy.stats, myst_nb"]))]
    with tempfile.TemporaryDirectory() as tmp:
        for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
            copy = Path(tmp) / nb.name
            shutil.copy(nb, copy)
            rows.append((f"notebook {nb.name} (fresh kernel)", timed([str(BIN / "jupyter"), "execute", str(copy)])))
    rows.append(("test suite (pytest, unit tests and nbval)", timed([sys.executable, "-m", "pytest", "-q"])))
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    rows.append(("book build, cold (empty _build)", timed([str(BIN / "jupyter-book"), "build", "."])))
    rows.append(("book build, warm (cache and doctrees kept)", timed([str(BIN / "jupyter-book"), "build", "."])))
    width = max(len(name) for name, _ in rows)
    for name, secs in rows:
        print(f"{name:<{width}}  {secs:6.1f} s")


if __name__ == "__main__":
    main()
