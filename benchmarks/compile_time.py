"""How long ``autograd.compile`` takes on its first call, with and without its caches.

    python -m benchmarks.compile_time [W1 W2 W3]

For W1-W3, each in a fresh process: the set-up plus first step of the ``autodiff.compile``
implementation (record fn, run its eager backward, generate the loops, compile them with
Numba) with an empty compile folder, then again in a new process that finds the generated
files and Numba's cache beside them (what a second run of a program pays).  Also prints the
program's steps and memory plan.  The eager kernels' own Numba cache is warm in both (it is
the package's; ``python -m autodiff.warmup`` fills it).
"""
import sys
import tempfile

from .subproc import HERE, child_env, run_python

CHILD = HERE / "compile_time_child.py"


def main(argv=None):
    ids = (sys.argv[1:] if argv is None else argv) or ["W1", "W2", "W3"]
    print("autograd.compile first call (set-up + record + eager backward + codegen + Numba),"
          " fresh process each:")
    print(f"{'workload':<9}{'empty cache':>13}{'files cached':>14}  program")
    for wid in ids:
        with tempfile.TemporaryDirectory() as folder:
            env = child_env(AUTODIFF_COMPILE_DIR=folder)
            runs = [run_python([CHILD, wid], env=env) for _ in range(2)]
        if any(r["result"] is None for r in runs):
            print(f"{wid:<9}failed: {runs[0].get('error') or runs[1].get('error')}")
            return 1
        cold, warm = (r["result"] for r in runs)
        print(f"{wid:<9}{cold['first_call']:>11.2f} s{warm['first_call']:>12.2f} s  "
              f"{cold['steps']}; buffers {cold['arena_bytes'] / 1e6:.2f} MB shared "
              f"(unshared {cold['naive_bytes'] / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())
