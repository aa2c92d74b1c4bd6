"""Kernels that start warm, for running many notebooks one after another (the seed sweep).

Each kernel is still a new process with nothing in it from an earlier run: it is forked from a server
process (Python's ``forkserver``) that has imported the scientific libraries once, so that a run does
not spend its first seconds importing them again. The kernel itself is the ordinary IPython kernel,
started with the connection file and environment that Jupyter gives it; only the way its process is
made differs. The book's own package is not imported ahead: a run imports it as a reader's would.
"""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
import uuid

from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.provisioning import LocalProvisioner

#: Third-party libraries the chapters import, loaded once by the server the kernels are forked from
#: (``book._preloaded``, last, only sets them aside from garbage collection).
PRELOAD = ("numpy", "pandas", "scipy.stats", "statsmodels.api", "statsmodels.formula.api",
           "matplotlib.pyplot", "seaborn", "pingouin", "linearmodels", "semopy", "sklearn.metrics",
           "great_tables", "itables", "myst_nb", "ipykernel.kernelapp", "book._preloaded")

#: The figure backend the IPython kernel chooses for itself; set before the server imports matplotlib,
#: which reads it then (the backend is loaded only when a kernel draws its first figure).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_context = None


def _forkserver():
    global _context
    if _context is None:
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(list(PRELOAD))
    return _context


def _nothing() -> None:
    pass


def start() -> float:
    """Start the server the kernels are forked from, which imports :data:`PRELOAD`; the seconds it took."""
    begin = time.perf_counter()
    process = _forkserver().Process(target=_nothing)
    process.start()
    process.join()
    return time.perf_counter() - begin


def _kernel_main(args: list[str], cwd: str, env: dict[str, str], quiet_out: bool, quiet_err: bool) -> None:
    """The kernel process: what ``python -m ipykernel_launcher ARGS`` does, in a forked process."""
    os.setsid()  # a session of its own, as Jupyter gives a kernel it starts
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd, quiet in ((1, quiet_out), (2, quiet_err)):
        if quiet:
            os.dup2(devnull, fd)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    # As Jupyter's launcher does, the kernel is told its parent (here the server), so that it stops if
    # that goes away. The setting is passed as an argument: the server read the environment at import.
    args = [*args, f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = [sys.executable, "-m", "ipykernel_launcher", *args]
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance(argv=args)


class _Process:
    """The part of :class:`subprocess.Popen` that Jupyter uses, for a forked process."""

    stdin = stdout = stderr = None

    def __init__(self, process: multiprocessing.Process):
        self._process, self.pid = process, process.pid

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int | None:
        self._process.join(timeout)
        return self._process.exitcode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()


class WarmProvisioner(LocalProvisioner):
    """Starts an IPython kernel by forking the warm server; any other kernel as Jupyter does."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        quiet = [kwargs.get(name) == subprocess.DEVNULL for name in ("stdout", "stderr")]
        process = _forkserver().Process(target=_kernel_main, args=(cmd[3:], cwd, env, *quiet), daemon=False)
        process.start()
        self.process = _Process(process)
        # signals go to the kernel alone: the server's process group is the caller's
        self.pid, self.pgid, self.cwd = process.pid, None, cwd
        return self.connection_info


class _Warm:
    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = WarmProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


class WarmKernelManager(_Warm, AsyncKernelManager):
    """A kernel manager (asynchronous, as nbclient uses) whose kernels come from :class:`WarmProvisioner`."""


class WarmSyncKernelManager(_Warm, KernelManager):
    """The same for code that uses the blocking manager (nbval)."""


def pytest_configure(config) -> None:
    """As a pytest plugin (``pytest -p book.kernels``), nbval starts each notebook's kernel warm."""
    import nbval.kernel

    nbval.kernel.KernelManager = WarmSyncKernelManager  # the name nbval's start_new_kernel looks up
