"""Warm kernels (book.kernels) give a run the same outputs as a kernel started as Jupyter starts one."""
import asyncio

import nbformat
import pytest

from book.kernels import WarmProvisioner
from book.notebooks import _client

CELLS = [
    "import os, sys, warnings\nprint('to stdout')\nprint('to stderr', file=sys.stderr)",
    "warnings.warn('a warning reaches stderr')",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 2))\nax.plot([0, 1])\nplt.show()",
    # the book's analyses are imported by the run, not ahead of it
    "sorted(m for m in sys.modules if m.startswith(('book.methods', 'book.substudies', 'book.simulate')))",
    "os.path.basename(os.getcwd()), os.environ.get('BOOK_TEST_VARIABLE')",
    "1 / 0",
]


def _outputs(nb) -> list[tuple]:
    out = []
    for cell in nb.cells:
        for o in cell.outputs:
            if o.output_type == "stream":
                # a warning's first line names the cell's temporary file, different in every kernel
                out.append((o.name, o.text.splitlines()[-1]))
            elif o.output_type == "error":
                out.append(("error", o.ename))
            else:
                out.append((o.output_type, tuple(sorted(o.data)), o.data.get("text/plain", "")
                            if "image/png" not in o.data else ""))
    return out


def _run(tmp_path, warm: bool):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = _client(nb, tmp_path / "probe.ipynb", 60, warm)
    client.allow_errors = True
    client.execute()
    return _outputs(nb)


def test_a_warm_kernel_gives_the_outputs_of_a_cold_one(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_TEST_VARIABLE", "passed on")
    cold, warm = _run(tmp_path, warm=False), _run(tmp_path, warm=True)
    assert warm == cold
    assert ("stdout", "to stdout") in cold and ("stderr", "to stderr") in cold
    assert ("stderr", "  warnings.warn('a warning reaches stderr')") in cold
    assert any("image/png" in o[1] for o in cold if o[0] == "display_data")
    assert ("execute_result", ("text/plain",), "[]") in cold
    assert ("execute_result", ("text/plain",), f"('{tmp_path.name}', 'passed on')") in cold
    assert cold[-1] == ("error", "ZeroDivisionError")


def test_another_kernel_command_is_started_as_jupyter_starts_it():
    # only the IPython kernel is forked; any other command is run as a process of its own
    with pytest.raises(FileNotFoundError):
        asyncio.run(WarmProvisioner(kernel_id="x", kernel_spec=None).launch_kernel(["no-such-kernel-command"]))
