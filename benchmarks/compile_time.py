"""How long ``autograd.compile`` takes on its first call, with and without its caches.

    python -m benchmarks.compile_time [W1 W2 W3]

For W1-W3, each in a fresh process: the set-up plus first step of the ``autodiff.compile``
implementation (record fn, run its eager backward, generate the loops; Numba compiles them
on a background thread while calls run eagerly, ``autodiff.compile.tier``) with an empty
compile folder, then again in a new process that finds the generated files and Numba's
cache beside them (what a second run of a program pays).  Beside each: the time from the
same start until the compiled tier runs (the background compile and its check done).  Then
the same two first calls in processes that ran the eager step once before the clock started
(Numba and the eager kernels loaded: what a fresh process's start-up adds is the difference).
Also prints the program's steps and memory plan.  The eager kernels' own Numba cache is warm
in all (it is the package's; ``python -m autodiff.warmup`` fills it).
"""
import sys
import tempfile

from .subproc import HERE, child_env, run_python

CHILD = HERE / "compile_time_child.py"


def _pair(wid, *extra):
    """(empty-cache run, files-cached run) of the child in fresh processes, one new folder."""
    with tempfile.TemporaryDirectory() as folder:
        env = child_env(AUTODIFF_COMPILE_DIR=folder)
        return [run_python([CHILD, wid, *extra], env=env) for _ in range(2)]


def main(argv=None):
    ids = (sys.argv[1:] if argv is None else argv) or ["W1", "W2", "W3"]
    print("autograd.compile first call (set-up + record + eager backward + codegen; Numba on a"
          " background thread),\nfresh process each; [compiled tier runs at]; then with Numba"
          " and the eager kernels already loaded:")
    print(f"{'workload':<9}{'empty cache':>13}{'files cached':>14}{'tier ready e/c':>18}"
          f"{'Numba started e/c':>21}  program")
    for wid in ids:
        runs = _pair(wid) + _pair(wid, "numba-started")
        if any(r["result"] is None for r in runs):
            err = next(r.get('error') for r in runs if r["result"] is None)
            print(f"{wid:<9}failed: {err}")
            return 1
        cold, warm, scold, swarm = (r["result"] for r in runs)
        print(f"{wid:<9}{cold['first_call']:>11.2f} s{warm['first_call']:>12.2f} s"
              f"{cold['ready']:>9.2f} /{warm['ready']:>5.2f} s"
              f"{scold['first_call']:>12.2f} /{swarm['first_call']:>5.2f} s  "
              f"{cold['steps']}; buffers {cold['arena_bytes'] / 1e6:.2f} MB shared "
              f"(unshared {cold['naive_bytes'] / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())
