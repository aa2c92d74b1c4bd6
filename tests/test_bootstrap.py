"""A chapter runs on its own, outside the repository: its first cell installs the `book` package
(scripts/bootstrap.py), and every chapter carries the current version of that cell."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig

import nbformat
import pytest
from nbclient import NotebookClient

from book.data.paths import ROOT

spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "scripts" / "bootstrap.py")
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)

#: The chapter run alone: the opening one, which reads the published figures from data/.
CHAPTER = ROOT / "chapters" / "intro.ipynb"


@pytest.fixture
def bare_python(tmp_path):
    """A Python that cannot import `book` but has every other locked package: a venv that sees the locked
    environment's site-packages as a plain path, so that the .pth file installing `book` there is not read."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(site, "locked-environment.pth"), "w") as pth:
        pth.write(sysconfig.get_paths()["purelib"] + "\n")
    assert subprocess.run([str(python), "-c", "import book"], cwd=venv.parent, capture_output=True).returncode != 0
    return python


def _kernel(python, root, env: dict) -> str:
    """A kernel spec for ``python`` with ``env``, found through JUPYTER_PATH; returns its name."""
    spec = root / "share" / "jupyter" / "kernels" / "bare"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "bare", "language": "python", "env": env}))
    return "bare"


def test_every_chapter_has_the_current_bootstrap_cell():
    source = bootstrap.cell_source(bootstrap.repository_url())
    stale = [p.name for p in sorted((ROOT / "chapters").glob("*.ipynb"))
             if bootstrap.apply(nbformat.read(p, as_version=4), source)]
    assert not stale, f"run `python scripts/bootstrap.py` to write the current bootstrap cell into {stale}"


def test_a_chapter_copied_alone_installs_the_book_and_runs(bare_python, tmp_path, monkeypatch):
    alone = tmp_path / "alone"
    alone.mkdir()
    # The chapter as committed, beside the package as committed (what the clone holds).
    committed = subprocess.run(["git", "show", f"HEAD:{CHAPTER.relative_to(ROOT).as_posix()}"], cwd=ROOT,
                               check=True, capture_output=True, text=True).stdout
    nb = nbformat.reads(committed, as_version=4)
    bootstrap.apply(nb, bootstrap.cell_source(bootstrap.repository_url()))
    nb.cells.append(nbformat.v4.new_code_cell("import book; print(book.__file__)"))
    # The repository is this clone; pip finds every dependency installed and builds without fetching anything.
    env = {"BOOK_REPOSITORY": ROOT.as_uri(), "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    name = _kernel(bare_python, tmp_path, env)
    NotebookClient(nb, kernel_name=name, timeout=300, resources={"metadata": {"path": str(alone)}}).execute()
    imported = "".join(o.get("text", "") for o in nb.cells[-1].outputs).strip()
    assert imported == str(alone / ROOT.name / "book" / "__init__.py")


def test_with_no_repository_the_cell_says_what_to_do(bare_python, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BOOK_REPOSITORY"}
    run = subprocess.run([str(bare_python), "-c", bootstrap.cell_source("")], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "no repository to install it from is set" in run.stderr and "BOOK_REPOSITORY" in run.stderr
