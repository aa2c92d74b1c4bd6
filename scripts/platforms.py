"""Platform check: `make test-platforms`. Runs the whole strict test suite (the data regeneration and
every notebook under nbval included) under emulated machines that differ from this one's native path.

A reader's laptop may run another BLAS kernel (OpenBLAS picks one per CPU) and another numpy SIMD path
(AVX-512, AVX2 or SSE only). Both change the last bits of floating-point results and the order in which
an unstable sort leaves ties, so the stored outputs must not depend on them. We emulate them here:

- ``OPENBLAS_CORETYPE`` forces an OpenBLAS kernel (Prescott: SSE3; Haswell and Zen: AVX2; SkylakeX:
  AVX-512), with one BLAS thread so that two machines can run side by side on two cores (the native
  run of `make test` keeps the default thread count, so both are covered);
- ``NPY_DISABLE_CPU_FEATURES`` switches numpy's runtime dispatch down (no AVX-512; no AVX2 either).

Every test runs on every machine; the property-based ones each try the first quarter of the examples
that `make test` tries (``BOOK_PROPERTY_SHARE``), and nbval starts each notebook's kernel forked from a
process that has imported the libraries (``-p book.kernels``: the same outputs, tests/test_kernels.py,
without the imports for every notebook), since the question here is the arithmetic.

Each emulated machine pairs a kernel with a numpy level (see ``machines``). A kernel or feature this
CPU lacks is skipped (it could stop with an illegal instruction), and so is one identical to the
native path; the table printed says which machines ran. Exit status 1 if any machine fails, or if
fewer than four ran.

Usage: python scripts/platforms.py [--jobs N] [--only NAME ...] [-- PYTEST ARGS]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NO_AVX512 = "X86_V4,AVX512_SKX,AVX512_ICL,AVX512_SPR"
NO_AVX2 = NO_AVX512 + ",X86_V3"
#: Each property-based test runs the first quarter of its examples on an emulated machine (tests/conftest.py):
#: `make test` runs them all, and what differs here is the arithmetic, not the inputs worth trying.
PROPERTY_SHARE = "0.25"

#: OpenBLAS kernel -> CPU flags (from /proc/cpuinfo) it needs.
KERNEL_NEEDS = {
    "Prescott": {"pni"},  # Linux calls SSE3 "pni"
    "Haswell": {"avx2", "fma"},
    "Zen": {"avx2", "fma"},
    "SkylakeX": {"avx512f", "avx512bw", "avx512dq", "avx512vl"},
}


def cpu_flags() -> set[str]:
    """Flags of the first CPU in /proc/cpuinfo (empty where there is none, e.g. macOS)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    match = re.search(r"^flags\s*:(.*)$", text, flags=re.M)
    return set(match.group(1).split()) if match else set()


def native_kernel() -> str | None:
    """The OpenBLAS kernel numpy picks on this machine, if it is OpenBLAS."""
    from threadpoolctl import threadpool_info

    import numpy  # noqa: F401  (loads numpy's BLAS so threadpoolctl can see it)

    for info in threadpool_info():
        if info.get("internal_api") == "openblas":
            return info.get("architecture")
    return None


def numpy_dispatch() -> set[str]:
    """numpy's runtime-dispatched SIMD features that this CPU supports."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return {f for f in __cpu_dispatch__ if __cpu_features__.get(f)}


def machines() -> tuple[list[tuple[str, dict[str, str]]], list[str]]:
    """(name, environment) of each emulated machine this CPU can run, and the reasons for those skipped.

    Each machine pairs a BLAS kernel with the numpy SIMD level such a CPU has, so that four runs cover
    every kernel and every numpy level: an old machine (Prescott, SSE only), an Intel laptop (Haswell,
    AVX2), an AMD one (Zen, AVX2) and an AVX-512 server (SkylakeX); where one of them is this machine's
    native path, numpy with neither AVX-512 nor AVX2 on the native kernel takes its place.
    """
    flags, native, dispatch = cpu_flags(), native_kernel(), numpy_dispatch()
    numpy_level = {"Prescott": NO_AVX2, "Haswell": NO_AVX512, "Zen": NO_AVX512, "SkylakeX": ""}
    level_name = {NO_AVX2: "numpy SSE only", NO_AVX512: "numpy AVX2", "": "numpy AVX-512"}
    runs, skipped = [], []
    for kernel, needs in KERNEL_NEEDS.items():
        if not needs <= flags:
            skipped.append(f"OpenBLAS {kernel}: CPU lacks {', '.join(sorted(needs - flags))}")
            continue
        if kernel == native:
            skipped.append(f"OpenBLAS {kernel}: the native kernel (run by `make test`)")
            continue
        env = {"OPENBLAS_CORETYPE": kernel}
        level = numpy_level[kernel] if "X86_V3" in dispatch else ""
        if level == NO_AVX512 and "X86_V4" not in dispatch:
            level = ""  # the CPU has no AVX-512 to switch off
        if level:
            env["NPY_DISABLE_CPU_FEATURES"] = level
        runs.append((f"OpenBLAS {kernel}, {level_name[level]}", env))
    if native in numpy_level and "X86_V3" in dispatch:
        runs.append((f"OpenBLAS {native} (native), numpy SSE only", {"NPY_DISABLE_CPU_FEATURES": NO_AVX2}))
    return runs, skipped


def run(name: str, env: dict[str, str], pytest_args: list[str]) -> tuple[str, str, float, int, str]:
    full = {**os.environ, **env, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "BOOK_PROPERTY_SHARE": PROPERTY_SHARE}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "book.kernels",
                           *pytest_args],
                          cwd=ROOT, env=full, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    summary = lines[-1] if lines else proc.stderr.strip()[-200:]
    failures = [ln for ln in lines if ln.startswith(("FAILED", "ERROR"))]
    return name, summary.strip("= "), seconds, proc.returncode, "\n".join(failures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="machines run side by side (default 2)")
    parser.add_argument("--only", nargs="*", help="run only machines whose name contains one of these")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args()
    runs, skipped = machines()
    if args.only:
        runs = [(n, e) for n, e in runs if any(o.lower() in n.lower() for o in args.only)]
    print(f"native path: OpenBLAS {native_kernel()}, numpy dispatch {sorted(numpy_dispatch())}")
    for reason in skipped:
        print(f"skipped  {reason}")
    for name, env in runs:
        print(f"will run {name}: {' '.join(f'{k}={v}' for k, v in env.items())}")
    sys.stdout.flush()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda r: run(*r, args.pytest_args), runs))
    width = max(len(r[0]) for r in results) if results else 10
    print()
    print(f"{'emulated machine':<{width}}  {'result':<9} {'time':>7}  pytest summary")
    bad = 0
    for name, summary, seconds, code, failures in results:
        ok = code == 0
        bad += not ok
        print(f"{name:<{width}}  {'pass' if ok else 'FAIL':<9} {seconds:6.0f}s  {summary}")
        if failures:
            print("    " + failures.replace("\n", "\n    "))
    if not args.only and len(results) < 4:
        print(f"only {len(results)} emulated machines could run here; at least 4 are needed")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
