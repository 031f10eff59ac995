"""Child of ``benchmarks.compile_time``: time one workload's first ``autodiff.compile`` step.

``python compile_time_child.py W3 [numba-started]``: ``first_call`` is the set-up plus first
step (what the user waits for: with the background tier, the recording call's eager result);
``ready`` the time from the same start until the compiled tier runs (``Compiled.wait()``:
the background compile and check finished).  ``numba-started``: the eager step runs once
before the clock starts, so Numba and the eager kernels are loaded (what a process that has
already run the library pays).
"""
import collections
import json
import sys
import time

from benchmarks.workloads import w1_chain, w2_elementwise, w3_mlp

workload = {"W1": w1_chain, "W2": w2_elementwise, "W3": w3_mlp}[sys.argv[1]]
data = workload.make_data()
if sys.argv[2:] == ["numba-started"]:
    workload.IMPLS["autodiff"](data)()
t0 = time.perf_counter()
step = workload.IMPLS["autodiff.compile"](data)
step()
first = time.perf_counter() - t0

import gc  # noqa: E402  (find the Compiled object the set-up made)
from autodiff.compile import Compiled  # noqa: E402

compiled = next(o for o in gc.get_objects() if isinstance(o, Compiled))
compiled.wait()
ready = time.perf_counter() - t0
prog = compiled.program
kinds = collections.Counter(st.kind for st in prog.steps)
steps = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
print("@@BENCH " + json.dumps({"first_call": first, "ready": ready, "steps": steps,
                               "arena_bytes": prog.arena_bytes,
                               "naive_bytes": prog.naive_bytes}))
