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


ID = "CT"
TITLE = "autograd.compile's first call on W3 (fresh process each; empty compile folder, then files cached)"
TARGETS = {"empty": 1.0, "cached": 0.3}   # seconds (issue 18)


def _pair(wid, *extra):
    """(empty-cache run, files-cached run) of the child in fresh processes, one new folder."""
    with tempfile.TemporaryDirectory() as folder:
        # (the default background tier, which ``python -m benchmarks`` turns off for its
        # timed workloads)
        env = child_env(AUTODIFF_COMPILE_DIR=folder, AUTODIFF_COMPILE_BACKGROUND="1")
        return [run_python([CHILD, wid, *extra], env=env) for _ in range(2)]


def measure(wid):
    """``{'cold', 'warm', 'started_cold', 'started_warm'}``: the child's results (fresh
    process: empty folder, files cached; then the same after the eager step ran once), or
    ``{'error': message}`` when a child failed."""
    runs = _pair(wid) + _pair(wid, "numba-started")
    if any(r["result"] is None for r in runs):
        return {"error": next(r.get('error') for r in runs if r["result"] is None)}
    return dict(zip(("cold", "warm", "started_cold", "started_warm"), (r["result"] for r in runs)))


def targets(m):
    """The Targets rows of W3's measurement ``m`` (``measure``): issue 18's ``<= 1.0 s`` with
    an empty cache and ``<= 0.3 s`` with the files cached, for a fresh process, and the
    cached figure again once Numba and the eager kernels are loaded (the part of a fresh
    process's first call that is start-up, W4's subject, left out)."""
    if "error" in m:
        return [{"workload": ID, "what": "W3 compile first call", "limit": "-", "value": None,
                 "status": f"n/a (failed: {m['error']})"}]
    rows = [("W3 compile first call, empty cache, fresh process (s)", m["cold"], "empty"),
            ("W3 compile first call, files cached, fresh process (s)", m["warm"], "cached"),
            ("W3 compile first call, files cached, Numba started (s)", m["started_warm"], "cached")]
    return [{"workload": ID, "what": what, "limit": f"<= {TARGETS[key]} s",
             "value": r["first_call"],
             "status": "PASS" if r["first_call"] <= TARGETS[key] else "MISS"}
            for what, r, key in rows]


COLUMNS = [("case", "case", "str"), ("first_call", "first call", "time"),
           ("ready", "compiled tier runs at", "time")]


def run(selected, quick, log):
    """The runner's ``CT`` workload: W3's four first calls as rows, issue 18's targets."""
    m = measure("W3")
    rows = [] if "error" in m else [
        {"case": case, "first_call": m[key]["first_call"], "ready": m[key]["ready"]}
        for case, key in (("empty cache", "cold"), ("files cached", "warm"),
                          ("Numba started, empty cache", "started_cold"),
                          ("Numba started, files cached", "started_warm"))]
    return {"id": ID, "title": TITLE, "columns": COLUMNS, "rows": rows, "skipped": {},
            "checks": [], "targets": targets(m),
            "note": "first call = set-up + record + eager backward + codegen (what the caller "
                    "waits for); the compiled tier runs once the background compile and its check "
                    "are done; 'Numba started' = the eager step ran once before the clock"}


def main(argv=None):
    ids = (sys.argv[1:] if argv is None else argv) or ["W1", "W2", "W3"]
    print("autograd.compile first call (set-up + record + eager backward + codegen; Numba on a"
          " background thread),\nfresh process each; [compiled tier runs at]; then with Numba"
          " and the eager kernels already loaded:")
    print(f"{'workload':<9}{'empty cache':>13}{'files cached':>14}{'tier ready e/c':>18}"
          f"{'Numba started e/c':>21}  program")
    for wid in ids:
        m = measure(wid)
        if "error" in m:
            print(f"{wid:<9}failed: {m['error']}")
            return 1
        cold, warm, scold, swarm = m["cold"], m["warm"], m["started_cold"], m["started_warm"]
        print(f"{wid:<9}{cold['first_call']:>11.2f} s{warm['first_call']:>12.2f} s"
              f"{cold['ready']:>9.2f} /{warm['ready']:>5.2f} s"
              f"{scold['first_call']:>12.2f} /{swarm['first_call']:>5.2f} s  "
              f"{cold['steps']}; buffers {cold['arena_bytes'] / 1e6:.2f} MB shared "
              f"(unshared {cold['naive_bytes'] / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())
